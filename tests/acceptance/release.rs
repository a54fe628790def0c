//! The release artifacts install as Terraform installs a published provider: the zip from
//! `scripts/release.sh` (what `make release` runs) in a filesystem mirror, `terraform init` offline
//! with no dev_overrides, then a real apply. The mirror serves the OpenTofu registry's address too.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fixtures::{port, SLOT_A};
use crate::workspace;

/// The release to install: the portable one `make release-check` built (`CNI_RELEASE_DIST`, under
/// `make test`), or else the debug binary packaged here (packaging and installation are under test).
fn release_dist(work: &Path) -> PathBuf {
    if let Some(dist) = std::env::var_os("CNI_RELEASE_DIST").filter(|d| !d.is_empty()) {
        return PathBuf::from(dist);
    }
    let dist = work.join("dist");
    let release = Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/release.sh"))
        .args(["0.1.0", env!("CARGO_BIN_EXE_terraform-provider-cni")])
        .env("DIST_DIR", &dist)
        .env_remove("GPG_KEY_ID")
        .output()
        .expect("release.sh");
    let said =
        String::from_utf8_lossy(&release.stdout).to_string() + &String::from_utf8_lossy(&release.stderr);
    assert!(release.status.success(), "{said}");
    assert!(
        said.contains("not signed"),
        "a clear skip message without a key: {said}"
    );
    dist
}

#[test]
fn the_release_zip_installs_from_a_filesystem_mirror_and_applies() {
    let ws = workspace!();
    let dist = release_dist(ws.path());
    let sums =
        std::fs::read_to_string(dist.join("terraform-provider-cni_0.1.0_SHA256SUMS")).expect("SHA256SUMS");
    assert!(sums.contains("terraform-provider-cni_0.1.0_linux_amd64.zip"));
    assert!(sums.contains("terraform-provider-cni_0.1.0_manifest.json"));

    let mirror = dist.join("mirror");
    let rc = ws.path().join("mirror.tfrc");
    std::fs::write(
        &rc,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/cnilabs/cni\", \"registry.opentofu.org/cnilabs/cni\"]\n  }}\n}}\n",
            mirror.display()
        ),
    )
    .expect("write the CLI config");
    ws.config(&port("port", SLOT_A, ""));
    let terraform = |args: &[&str], dir: &Path| {
        let output = ws
            .command(args)
            .current_dir(dir)
            .env("TF_CLI_CONFIG_FILE", &rc)
            .output()
            .expect("terraform");
        let text =
            String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "terraform {args:?}:\n{text}");
        text
    };
    let init = terraform(&["init", "-no-color", "-input=false"], ws.path());
    assert!(init.contains("cnilabs/cni v0.1.0"), "{init}");
    assert!(!init.contains("overrides"), "no dev_overrides: {init}");
    terraform(
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        ws.path(),
    );
    assert_eq!(ws.mock.interconnects().len(), 1);
    terraform(
        &["destroy", "-auto-approve", "-input=false", "-no-color"],
        ws.path(),
    );
    assert!(ws.mock.interconnects().is_empty());

    // What `tofu init` asks for by `cnilabs/cni`: the same zip, under the OpenTofu registry's host.
    let tofu_style = ws.path().join("opentofu");
    std::fs::create_dir_all(&tofu_style).expect("a second configuration");
    std::fs::write(
        tofu_style.join("main.tf"),
        "terraform {\n  required_providers {\n    cni = { source = \"registry.opentofu.org/cnilabs/cni\" }\n  }\n}\n",
    )
    .expect("write main.tf");
    let init = terraform(&["init", "-no-color", "-input=false"], &tofu_style);
    assert!(
        init.contains("registry.opentofu.org/cnilabs/cni v0.1.0"),
        "{init}"
    );
}
