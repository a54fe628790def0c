//! `scripts/release.sh` (what `make release` runs): the zip holds `terraform-provider-cni_vX`, the sums
//! cover the zip and the manifest, and with a GPG key the sums get a detached signature that verifies.
//! The release `make test` builds (`CNI_RELEASE_DIST`, written by `make release-check`) runs on glibc
//! 2.17 and later, and both registries' mirror layouts hold its zip. (Installing the zip from a
//! filesystem mirror is an acceptance test.)

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

/// The oldest glibc the release binary may need: CentOS 7 and Amazon Linux 2 have 2.17 and 2.26.
const GLIBC_FLOOR: (u32, u32) = (2, 17);

/// The glibc symbol versions (`GLIBC_2.14`, …) an ELF binary's dynamic symbols require, from `objdump -T`.
fn glibc_versions(binary: &Path) -> Vec<(u32, u32)> {
    let output = Command::new("objdump")
        .arg("-T")
        .arg(binary)
        .output()
        .expect("objdump (Debian package binutils; scripts/install-tools.sh zig installs it)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let mut versions: Vec<(u32, u32)> = text
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter_map(|word| word.strip_prefix("GLIBC_"))
        .filter_map(|version| {
            let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
            Some((parts.next()??, parts.next().flatten().unwrap_or(0)))
        })
        .collect();
    versions.sort();
    versions.dedup();
    versions
}

#[test]
fn the_release_binary_needs_no_glibc_newer_than_the_floor() {
    let Some(dist) = std::env::var_os("CNI_RELEASE_DIST").filter(|d| !d.is_empty()) else {
        eprintln!("CNI_RELEASE_DIST is not set: `make release-check` (part of `make test`) runs this check");
        return;
    };
    let dist = Path::new(&dist);
    let zip = dist.join("terraform-provider-cni_0.1.0_linux_amd64.zip");
    let unpacked = tempfile::tempdir().expect("temp dir");
    let unzip = Command::new("unzip")
        .arg("-q")
        .arg(&zip)
        .arg("-d")
        .arg(unpacked.path())
        .output()
        .expect("unzip");
    assert!(
        unzip.status.success(),
        "{}: {}",
        zip.display(),
        String::from_utf8_lossy(&unzip.stderr)
    );
    let binary = unpacked.path().join("terraform-provider-cni_v0.1.0");
    let versions = glibc_versions(&binary);
    assert!(
        !versions.is_empty(),
        "no GLIBC symbol versions read from {}",
        binary.display()
    );
    let newest = versions.last().copied().unwrap_or_default();
    assert!(
        newest <= GLIBC_FLOOR,
        "the release binary needs GLIBC_{}.{} (all: {versions:?}); the floor is {}.{}",
        newest.0,
        newest.1,
        GLIBC_FLOOR.0,
        GLIBC_FLOOR.1
    );
    // It starts (and says it is a plugin), so it is a working binary for this platform.
    let run = Command::new(&binary).output().expect("run the release binary");
    assert!(String::from_utf8_lossy(&run.stderr).contains("This binary is a plugin"));
    let packed = std::fs::read(&zip).expect("the zip");
    for host in ["registry.terraform.io", "registry.opentofu.org"] {
        let copy = dist
            .join("mirror")
            .join(host)
            .join("cnilabs/cni/terraform-provider-cni_0.1.0_linux_amd64.zip");
        assert_eq!(
            std::fs::read(&copy).ok().as_ref(),
            Some(&packed),
            "{}",
            copy.display()
        );
    }
}

#[test]
fn the_glibc_check_reads_what_a_new_binary_needs() {
    // The debug build links against this machine's glibc: the reader finds its versions, above the floor
    // on any machine newer than the floor (so the check above can fail).
    let versions = glibc_versions(Path::new(env!("CARGO_BIN_EXE_terraform-provider-cni")));
    assert!(
        versions.contains(&(2, 2)) || versions.iter().any(|v| v.0 == 2),
        "{versions:?}"
    );
    assert!(versions.last().is_some_and(|v| *v > GLIBC_FLOOR), "{versions:?}");
}

#[test]
fn a_platform_without_its_standard_library_is_refused_not_faked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/release.sh"))
        .arg("9.8.7")
        .env("DIST_DIR", dir.path())
        .env("RELEASE_PLATFORMS", "linux_amd64 darwin_arm64")
        .output()
        .expect("release.sh");
    let said = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        // A toolchain with the darwin standard library built both: both zips are there.
        assert!(dir
            .path()
            .join("terraform-provider-cni_9.8.7_darwin_arm64.zip")
            .exists());
        return;
    }
    assert!(
        said.contains("needs the Rust standard library for aarch64-apple-darwin"),
        "{said}"
    );
    assert!(
        std::fs::read_dir(dir.path()).expect("dist").next().is_none(),
        "nothing is packaged when a platform cannot be built"
    );
}
