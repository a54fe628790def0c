//! `scripts/release.sh` (what `make release` runs): the zip holds `terraform-provider-cni_vX`, the sums
//! cover the zip and the manifest, and with a GPG key the sums get a detached signature that verifies.
//! (Installing the zip from a filesystem mirror is an acceptance test.)

use std::path::Path;
use std::process::Command;

fn release(dist: &Path, extra_env: &[(&str, &Path)], key: Option<&str>) -> String {
    let mut command = Command::new("bash");
    command
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/release.sh"))
        .args(["9.8.7", env!("CARGO_BIN_EXE_terraform-provider-cni")])
        .env("DIST_DIR", dist)
        .env_remove("GPG_KEY_ID");
    for (k, v) in extra_env {
        command.env(k, v);
    }
    if let Some(key) = key {
        command.env("GPG_KEY_ID", key);
    }
    let output = command.output().expect("release.sh");
    let text = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{text}");
    text
}

#[test]
fn release_artifacts_are_named_summed_and_signed_when_a_key_is_configured() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dist = dir.path().join("dist");
    let said = release(&dist, &[], None);
    assert!(said.contains("not signed"), "{said}");
    let listing = Command::new("unzip")
        .arg("-l")
        .arg(dist.join("terraform-provider-cni_9.8.7_linux_amd64.zip"))
        .output()
        .expect("unzip");
    assert!(String::from_utf8_lossy(&listing.stdout).contains("terraform-provider-cni_v9.8.7"));
    let check = Command::new("sha256sum")
        .args(["-c", "terraform-provider-cni_9.8.7_SHA256SUMS"])
        .current_dir(&dist)
        .output()
        .expect("sha256sum");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    assert!(!dist.join("terraform-provider-cni_9.8.7_SHA256SUMS.sig").exists());

    // A throwaway key in a home of its own.
    let home = dir.path().join("gnupg");
    std::fs::create_dir_all(&home).expect("gnupg home");
    let generated = Command::new("gpg")
        .env("GNUPGHOME", &home)
        .args([
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "release-test@example.com",
            "default",
            "default",
            "never",
        ])
        .output()
        .expect("gpg");
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let said = release(&dist, &[("GNUPGHOME", &home)], Some("release-test@example.com"));
    assert!(said.contains("signed"), "{said}");
    let verified = Command::new("gpg")
        .env("GNUPGHOME", &home)
        .arg("--verify")
        .arg(dist.join("terraform-provider-cni_9.8.7_SHA256SUMS.sig"))
        .arg(dist.join("terraform-provider-cni_9.8.7_SHA256SUMS"))
        .output()
        .expect("gpg --verify");
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
}
