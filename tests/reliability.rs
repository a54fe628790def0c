//! RELIABILITY.md names, for each promise, the tests that prove it: every test it names exists (a
//! `#[test]` or `#[tokio::test]` function of that name under `src/`, `tests/` or `benches/`, in the
//! module it says when it says one), so a renamed or deleted test cannot leave a promise unproved.

use std::collections::BTreeSet;
use std::path::Path;

/// Every test function in the repository, as `file stem::name` and bare `name`.
fn test_functions() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = BTreeSet::new();
    let mut stack = vec![root.join("src"), root.join("tests"), root.join("benches")];
    let test_fn =
        regex::Regex::new(r"(?m)^\s*(?:pub\s+)?(?:async\s+)?fn\s+([a-z0-9_]+)\s*\(").expect("regex");
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read a file");
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            // Only functions under a test attribute count.
            let mut after_test_attribute = false;
            for line in text.lines() {
                let trimmed = line.trim();
                if trimmed.starts_with("#[test]") || trimmed.starts_with("#[tokio::test") {
                    after_test_attribute = true;
                    continue;
                }
                if after_test_attribute {
                    if let Some(name) = test_fn.captures(line).map(|c| c[1].to_owned()) {
                        found.insert(format!("{stem}::{name}"));
                        found.insert(name);
                        after_test_attribute = false;
                    } else if !trimmed.starts_with("#[") && !trimmed.is_empty() {
                        after_test_attribute = false;
                    }
                }
            }
        }
    }
    found
}

/// The test names RELIABILITY.md gives: backticked snake_case names with a `module::` prefix, or of at
/// least five words (attribute names are shorter); a trailing `...` abbreviates the rest of the name.
fn named_tests(text: &str) -> Vec<String> {
    let prefixed = regex::Regex::new(r"^[a-z0-9_]+::[a-z0-9]+(?:_[a-z0-9]+)+(?:_?\.\.\.)?$").expect("regex");
    let long = regex::Regex::new(r"^[a-z0-9]+(?:_[a-z0-9]+){4,}(?:_?\.\.\.)?$").expect("regex");
    let quoted = regex::Regex::new(r"`([^`]+)`").expect("regex");
    quoted
        .captures_iter(text)
        .map(|c| c[1].to_owned())
        .filter(|name| prefixed.is_match(name) || long.is_match(name))
        .collect()
}

#[test]
fn every_test_reliability_md_names_exists() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("RELIABILITY.md"))
        .expect("RELIABILITY.md");
    let tests = test_functions();
    let named = named_tests(&text);
    assert!(
        named.len() > 50,
        "RELIABILITY.md names its tests: {}",
        named.len()
    );
    let missing: Vec<&String> = named
        .iter()
        .filter(|name| match name.strip_suffix("...") {
            Some(prefix) => !tests.iter().any(|t| t.starts_with(prefix.trim_end_matches('_'))),
            None => !tests.contains(*name),
        })
        .collect();
    assert!(
        missing.is_empty(),
        "RELIABILITY.md names tests that do not exist: {missing:?}"
    );
}

#[test]
fn the_name_reader_sees_module_paths_and_abbreviations() {
    let named =
        named_tests(
        "`faults::server_error_bursts_...` and `a_b_c_d_e` but not `pairing_key_wo_version`, `api::budget` or `CNI_ACC_X`",
    );
    assert_eq!(named, vec!["faults::server_error_bursts_...", "a_b_c_d_e"]);
}
