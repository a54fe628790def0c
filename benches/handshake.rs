//! Start-up of the provider binary: from process start to the go-plugin handshake line on stdout, with
//! AutoMTLS (as Terraform always runs it: a certificate is made at start) and without, against a
//! baseline binary given by `CNI_BASELINE_PROVIDER` (e.g. a build of an earlier commit; described in
//! the table by `CNI_BASELINE_LABEL`), alternating round by round. Run with `make bench`; writes its
//! section of BENCHMARKS.md.

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

fn main() {
    let candidate = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/terraform-provider-cni");
    assert!(
        candidate.exists(),
        "build it first: cargo build --release (make bench does)"
    );
    let Some(baseline) = std::env::var_os("CNI_BASELINE_PROVIDER").map(PathBuf::from) else {
        println!("handshake benchmark skipped: set CNI_BASELINE_PROVIDER to a baseline provider binary");
        return;
    };
    let baseline_label =
        std::env::var("CNI_BASELINE_LABEL").unwrap_or_else(|_| baseline.display().to_string());
    let pem = client_certificate();
    let mut rows = String::new();
    for (label, client) in [("with AutoMTLS", Some(pem.as_str())), ("plaintext", None)] {
        let (mut base, mut cand) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            base.push(handshake(&baseline, client));
            cand.push(handshake(&candidate, client));
        }
        let (b, c) = (median(base), median(cand));
        rows.push_str(&format!(
            "| handshake, {label} | {} | {} | {} | {:.2} |\n",
            baseline_label,
            ms(b),
            ms(c),
            c.as_secs_f64() / b.as_secs_f64()
        ));
    }
    let body = format!(
        "## Start-up to the handshake line\n\n\
         Written by `make bench` (`benches/handshake.rs`) with `CNI_BASELINE_PROVIDER` set: the median of {ROUNDS} starts \
         of each binary, alternating, from spawn to the go-plugin handshake line (release builds).\n\n\
         | benchmark | baseline binary | baseline median | median | ratio |\n|---|---|---|---|---|\n{rows}\n\
         Measured on {} cores, {}.",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        humantime::format_rfc3339_seconds(std::time::SystemTime::now())
    );
    println!("{body}");
    report::write_section("handshake", &body);
}
