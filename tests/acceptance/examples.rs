//! Every example under `examples/` is formatted as `terraform fmt` writes it and valid for `terraform
//! validate` against the provider's schema (Terraform 1.15.5: the examples use `import` blocks by
//! identity, write-only arguments and query files).

use std::path::{Path, PathBuf};

use crate::workspace;

/// Every Terraform file under `examples/` (`.tf` and `.tfquery.hcl`).
fn example_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read examples").flatten() {
            let path = entry.path();
            let name = path.to_string_lossy().to_string();
            if path.is_dir() {
                stack.push(path);
            } else if name.ends_with(".tf") || name.ends_with(".tfquery.hcl") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_example_is_formatted_and_valid() {
    let ws = workspace!();
    if ws.terraform_version() < (1, 14) {
        return;
    }
    let files = example_files();
    assert!(files.len() >= 9, "{files:?}");
    // Each file on its own: the registry layout gives several files the same resource names.
    for file in files {
        let name = file.display().to_string();
        let work = tempfile::tempdir().expect("temp dir");
        let text = std::fs::read_to_string(&file).expect("read file");
        std::fs::write(work.path().join(file.file_name().expect("a file name")), &text).expect("copy");
        if !text.contains("required_providers") {
            std::fs::write(
                work.path().join("providers.tf"),
                "terraform {\n  required_providers {\n    cni = { source = \"cnilabs/cni\" }\n  }\n}\n",
            )
            .expect("write providers.tf");
        }
        let run = |args: &[&str]| {
            let output = ws
                .command(args)
                .current_dir(work.path())
                .output()
                .expect("terraform");
            let text = String::from_utf8_lossy(&output.stdout).to_string()
                + &String::from_utf8_lossy(&output.stderr);
            (output.status.success(), text)
        };
        let (formatted, text) = run(&["fmt", "-check", "-diff", "-no-color"]);
        assert!(formatted, "{name} is not formatted:\n{text}");
        // Query files are checked only with -query.
        let query = name.ends_with(".tfquery.hcl");
        let args: &[&str] = if query {
            &["validate", "-query", "-no-color"]
        } else {
            &["validate", "-no-color"]
        };
        let (valid, text) = run(args);
        assert!(valid, "{name} is not valid:\n{text}");
    }
}
