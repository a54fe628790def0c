//! The release artifacts install as Terraform installs a published provider: the zip from
//! `scripts/release.sh` (what `make release` runs) in a filesystem mirror, `terraform init` offline
//! with no dev_overrides, then a real apply.

use std::process::Command;

use crate::lifecycle::{port, SLOT_A};
use crate::workspace;

#[test]
fn the_release_zip_installs_from_a_filesystem_mirror_and_applies() {
    let ws = workspace!();
    let dist = ws.path().join("dist");
    // The debug binary stands in for the release build: packaging and installation are under test.
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
    let sums =
        std::fs::read_to_string(dist.join("terraform-provider-cni_0.1.0_SHA256SUMS")).expect("SHA256SUMS");
    assert!(sums.contains("terraform-provider-cni_0.1.0_linux_amd64.zip"));
    assert!(sums.contains("terraform-provider-cni_0.1.0_manifest.json"));

    let mirror = ws.path().join("mirror");
    let packages = mirror.join("registry.terraform.io/cnilabs/cni");
    std::fs::create_dir_all(&packages).expect("mirror dir");
    std::fs::copy(
        dist.join("terraform-provider-cni_0.1.0_linux_amd64.zip"),
        packages.join("terraform-provider-cni_0.1.0_linux_amd64.zip"),
    )
    .expect("copy the zip");
    let rc = ws.path().join("mirror.tfrc");
    std::fs::write(
        &rc,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/cnilabs/cni\"]\n  }}\n}}\n",
            mirror.display()
        ),
    )
    .expect("write the CLI config");
    ws.config(&port("port", SLOT_A, ""));
    let terraform = |args: &[&str]| {
        let output = ws
            .command(args)
            .env("TF_CLI_CONFIG_FILE", &rc)
            .output()
            .expect("terraform");
        let text =
            String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "terraform {args:?}:\n{text}");
        text
    };
    let init = terraform(&["init", "-no-color", "-input=false"]);
    assert!(init.contains("cnilabs/cni v0.1.0"), "{init}");
    assert!(!init.contains("overrides"), "no dev_overrides: {init}");
    terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    assert_eq!(ws.mock.interconnects().len(), 1);
    terraform(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert!(ws.mock.interconnects().is_empty());
}
