//! Start-up of the provider binary: from process start to the go-plugin handshake line on stdout, with
//! AutoMTLS (as Terraform always runs it: a certificate is made at start) and without, against the
//! floor, `terraform-provider-noop` (the same plugin layer with a resource that does nothing), and,
//! when `CNI_BASELINE_PROVIDER` names one, a baseline binary too (e.g. a build of an earlier commit;
//! described in the table by `CNI_BASELINE_LABEL`), alternating round by round. Also records the
//! stripped size of the release binary. Run with `make bench`; writes its section of BENCHMARKS.md.
//! Without `--bench` (`cargo test --bench handshake`, part of `make test`) it is a smoke run of the
//! debug builds, printed but not written.

#[path = "report.rs"]
mod report;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROUNDS: usize = 31;
const COOKIE: (&str, &str) = (
    "TF_PLUGIN_MAGIC_COOKIE",
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
);

/// A client certificate as Terraform makes one: self-signed, a CA (its key type does not matter here:
/// nothing connects).
fn client_certificate() -> String {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let key = rcgen::KeyPair::generate().expect("key");
    params.self_signed(&key).expect("certificate").pem()
}

/// Time from spawning `binary` to its first stdout line.
fn handshake(binary: &Path, client_pem: Option<&str>) -> Duration {
    let mut command = Command::new(binary);
    command
        .env(COOKIE.0, COOKIE.1)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env_remove("PLUGIN_CLIENT_CERT")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(pem) = client_pem {
        command.env("PLUGIN_CLIENT_CERT", pem);
    }
    let started = Instant::now();
    let mut child = command.spawn().expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("handshake line");
    let elapsed = started.elapsed();
    assert!(line.starts_with("1|"), "not a handshake line: {line:?}");
    let _ = child.kill();
    let _ = child.wait();
    elapsed
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Whether this is the full run (`cargo bench` passes `--bench`) rather than a smoke run.
fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// The binary `name`: the release build, which `make bench` builds first, in a full run; the debug
/// build cargo made for this target in a smoke run.
fn binary(name: &str) -> PathBuf {
    let debug = Path::new(env!("CARGO_BIN_EXE_terraform-provider-cni"))
        .parent()
        .map(Path::to_owned)
        .unwrap_or_default();
    let dir = if full_run() {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release")
    } else {
        debug
    };
    let path = dir.join(name);
    assert!(
        path.exists(),
        "build it first: cargo build --release --bin {name} (make bench does)"
    );
    path
}

/// One table row per handshake kind: `candidate` against `baseline`, alternating round by round.
fn compare(baseline: &Path, baseline_label: &str, candidate: &Path, pem: &str) -> String {
    let mut rows = String::new();
    for (label, client) in [("with AutoMTLS", Some(pem)), ("plaintext", None)] {
        let (mut base, mut cand) = (Vec::new(), Vec::new());
        for _ in 0..rounds() {
            base.push(handshake(baseline, client));
            cand.push(handshake(candidate, client));
        }
        let (b, c) = (median(base), median(cand));
        rows.push_str(&format!(
            "| handshake, {label} | {baseline_label} | {} | {} | {:.2} |\n",
            ms(b),
            ms(c),
            c.as_secs_f64() / b.as_secs_f64()
        ));
    }
    rows
}

/// The size in bytes of `binary` once stripped of symbols (by `strip`, into a temporary copy), or
/// `None` where `strip` is not installed.
fn stripped_size(binary: &Path) -> Option<u64> {
    let copy = std::env::temp_dir().join(format!("cni-stripped-{}", std::process::id()));
    std::fs::copy(binary, &copy).ok()?;
    let stripped = Command::new("strip").arg(&copy).status().map(|s| s.success());
    let size = std::fs::metadata(&copy).map(|m| m.len());
    let _ = std::fs::remove_file(&copy);
    match (stripped, size) {
        (Ok(true), Ok(size)) => Some(size),
        _ => None,
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn main() {
    let candidate = binary("terraform-provider-cni");
    let floor = binary("terraform-provider-noop");
    let pem = client_certificate();
    let mut rows = compare(
        &floor,
        "`terraform-provider-noop` (the floor), release",
        &candidate,
        &pem,
    );
    let go_floor = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/go-floor/terraform-provider-gofloor");
    let go_floor = (full_run() && go_floor.exists()).then_some(go_floor);
    if let Some(go) = &go_floor {
        rows.push_str(&compare(
            go,
            "`terraform-provider-gofloor` (the same resource in Go: go-plugin 1.0.1, grpc-go), release",
            &candidate,
            &pem,
        ));
    }
    if let Some(baseline) = std::env::var_os("CNI_BASELINE_PROVIDER").map(PathBuf::from) {
        let label = std::env::var("CNI_BASELINE_LABEL").unwrap_or_else(|_| baseline.display().to_string());
        rows.push_str(&compare(&baseline, &label, &candidate, &pem));
    }
    let go_size = go_floor
        .as_deref()
        .and_then(stripped_size)
        .map(|g| format!(", the Go floor: {}", megabytes(g)))
        .unwrap_or_default();
    let size = match (stripped_size(&candidate), stripped_size(&floor)) {
        (Some(c), Some(f)) => format!(
            "Stripped release binary: {} (`terraform-provider-noop`: {}{go_size}; target ≤ 10 MB).",
            megabytes(c),
            megabytes(f)
        ),
        _ => "Stripped release binary: not measured (`strip` is not installed).".to_owned(),
    };
    let body = format!(
        "## Start-up to the handshake line\n\n\
         Written by `make bench` (`benches/handshake.rs`): the median of {} starts of each binary, \
         alternating, from spawn to the go-plugin handshake line (release builds). The floor is \
         `terraform-provider-noop`, this project's plugin layer with one resource that does nothing \
         (target: ≤ 1.5× the floor). The Go floor is the same resource served the way Go providers are \
         (`benches/go-floor/`, built by `scripts/build-go-floor.sh`; its go-plugin makes a P-521 key for \
         AutoMTLS at start, as Terraform's Go providers do); `CNI_BASELINE_PROVIDER` adds rows against another binary.\n\n\
         | benchmark | baseline binary | baseline median | median | ratio |\n|---|---|---|---|---|\n{rows}\n\
         {size}\n\n\
         {}",
        rounds(),
        report::measured_on()
    );
    println!("{body}");
    if full_run() {
        report::write_section("handshake", &body);
    }
}

/// Starts per binary and handshake kind: [`ROUNDS`] in a full run, 3 in a smoke run.
fn rounds() -> usize {
    if full_run() {
        ROUNDS
    } else {
        3
    }
}
