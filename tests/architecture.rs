//! The layering rules of ARCHITECTURE.md, checked on the source: the REST module knows nothing of
//! Terraform, the mock shares no code with the REST module, and the plugin layer knows no concrete
//! resource or data source.

use std::path::Path;

/// Every line of every Rust file under `src/<dir>`, with its file.
fn lines_of(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(path) = stack.pop() {
        for entry in std::fs::read_dir(&path).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read file");
                for line in text.lines() {
                    out.push((path.display().to_string(), line.to_owned()));
                }
            }
        }
    }
    assert!(!out.is_empty(), "src/{dir} has Rust files");
    out
}

fn assert_never_mentions(dir: &str, forbidden: &[&str]) {
    for (file, line) in lines_of(dir) {
        let code = line.split("//").next().unwrap_or_default();
        for word in forbidden {
            assert!(!code.contains(word), "{file} uses {word}: {line}");
        }
    }
}

#[test]
fn the_rest_module_knows_nothing_of_terraform() {
    assert_never_mentions(
        "api",
        &[
            "tf_provider",
            "crate::plugin",
            "crate::provider",
            "crate::resources",
            "crate::data_sources",
            "crate::diag",
            "crate::tf_types",
        ],
    );
}

#[test]
fn the_mock_shares_no_code_with_the_rest_module() {
    assert_never_mentions("mock", &["crate::api", "cni::api"]);
}

#[test]
fn the_plugin_layer_knows_no_concrete_resource() {
    assert_never_mentions(
        "plugin",
        &[
            "crate::resources",
            "crate::data_sources",
            "crate::provider",
            "crate::api",
            "Interconnect",
            "cni_",
        ],
    );
}

#[test]
fn resources_and_data_sources_get_a_context_and_the_provider_knows_neither() {
    assert_never_mentions("resources", &["crate::provider"]);
    assert_never_mentions("data_sources", &["crate::provider"]);
    for (file, line) in lines_of("") {
        if file.ends_with("src/provider.rs") {
            for word in ["crate::resources", "crate::data_sources"] {
                assert!(!line.contains(word), "{file} uses {word}: {line}");
            }
        }
    }
}
