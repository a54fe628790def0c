//! `examples/testing`: the `terraform test` recipes for users' own modules, run as users run them —
//! against cni-mock through the `CLOUDFLARE_*` environment, and with `mock_provider` and no server.

use std::path::Path;

use crate::harness::{ACCOUNT, TOKEN};
use crate::workspace;

/// Copies a folder and everything under it.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder");
    for entry in std::fs::read_dir(from).expect("read a folder").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

#[test]
fn the_terraform_test_recipes_pass_against_cni_mock_and_with_a_mocked_provider() {
    let ws = workspace!();
    if ws.terraform_version() < (1, 7) {
        return; // `terraform test` is 1.6+, `mock_provider` 1.7+.
    }
    let module = ws.path().join("module");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/testing"),
        &module,
    );
    let terraform = |args: &[&str], against_mock: bool| {
        let mut command = ws.command(args);
        command.current_dir(&module);
        if against_mock {
            command
                .env("CLOUDFLARE_BASE_URL", &ws.mock.base_url)
                .env("CLOUDFLARE_API_TOKEN", TOKEN)
                .env("CLOUDFLARE_ACCOUNT_ID", ACCOUNT);
        }
        let output = command.output().expect("terraform");
        let text =
            String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
        (output.status.success(), text)
    };
    let (formatted, text) = terraform(&["fmt", "-check", "-recursive", "-diff", "-no-color"], false);
    assert!(
        formatted,
        "the recipes are formatted as terraform fmt writes them:\n{text}"
    );

    let (passed, text) = terraform(&["test", "-no-color"], true);
    assert!(passed, "{text}");
    assert!(text.contains("Success! 4 passed, 0 failed."), "{text}");
    assert!(
        text.contains("run \"refuses_a_bandwidth_gcp_does_not_sell\"... pass"),
        "{text}"
    );
    assert_eq!(ws.mock.creates(), 1, "the integration run created one attachment");
    assert!(ws.mock.interconnects().is_empty(), "terraform test destroyed it");

    // The unit test needs no server and no credentials, and sends nothing.
    ws.mock.clear_log();
    let (passed, text) = terraform(
        &["test", "-no-color", "-filter=tests/mock_provider.tftest.hcl"],
        false,
    );
    assert!(passed, "{text}");
    assert!(text.contains("Success! 2 passed, 0 failed."), "{text}");
    assert!(ws.mock.requests().is_empty(), "{:?}", ws.mock.requests());
}
