//! Terraform at scale, through the real CLI: `apply`, a refresh-only `plan` and `destroy` of
//! [`COUNT`] `gcp_partner` interconnects (healthy at the first poll, `-parallelism=10`, a budget that
//! does not limit) against the same commands over [`COUNT`] `noop_thing`s of `terraform-provider-noop`,
//! the floor, alternating round by round, with the requests per interconnect from the in-process
//! mock's request log. Then healthy detection: a mock that turns each interconnect Healthy
//! [`HEALTHY_AFTER`] after its create, and how long after that the provider's last status poll (the
//! one that saw it) came, against the poll interval. Then a list at scale: the `cni_interconnects` data
//! source over [`LIST_SIZE`] interconnects in pages of 100, read by a provider started in debug mode
//! (`TF_REATTACH_PROVIDERS`) so that its peak RSS can be read from `/proc`, against the same read of an
//! empty account. Last, the API economy: the requests of one create, read and delete by endpoint, and
//! a refresh of [`COUNT`] interconnects at the provider's default budget. Run with `make bench`;
//! writes its sections of BENCHMARKS.md.

#[path = "report.rs"]
mod report;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cni::mock::{Credentials, HealthyAfter, MockConfig, MockServer, StoreConfig};

const COUNT: usize = 200;
const ROUNDS: usize = 3;
const TOKEN: &str = "bench-token-0123456789";
const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const TERRAFORM: &str = "tools/bin/terraform-1.15.5";
/// When the healthy-detection mock turns an interconnect Healthy, after its create.
const HEALTHY_AFTER: Duration = Duration::from_secs(3);
/// The provider's `poll_interval` (the longest pause between polls) in the healthy-detection runs.
const DETECTION_POLL_INTERVAL: &str = "1s";
const DETECTION_ROUNDS: usize = 5;
/// Interconnects in the list-at-scale account.
const LIST_SIZE: usize = 10_000;
const LIST_ROUNDS: usize = 3;
/// An account with no interconnects: the list's baseline.
const EMPTY_ACCOUNT: &str = "00000000000000000000000000000001";

/// The three commands measured, in the order they run.
const COMMANDS: [(&str, &[&str]); 3] = [
    (
        "apply",
        &[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-parallelism=10",
        ],
    ),
    (
        "refresh-only plan",
        &[
            "plan",
            "-refresh-only",
            "-input=false",
            "-no-color",
            "-parallelism=10",
        ],
    ),
    (
        "destroy",
        &[
            "destroy",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-parallelism=10",
        ],
    ),
];

/// A working directory with its own CLI configuration (dev_overrides for both providers).
struct Workspace {
    dir: tempfile::TempDir,
    terraform: PathBuf,
}

impl Workspace {
    fn new(terraform: &Path, main_tf: &str) -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        let release = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release");
        let rc = format!(
            "provider_installation {{\n  dev_overrides {{\n    \"cnilabs/cni\" = \"{0}\"\n    \
             \"cnilabs/noop\" = \"{0}\"\n  }}\n  direct {{}}\n}}\n",
            release.display()
        );
        std::fs::write(dir.path().join("tf.rc"), rc).expect("write tf.rc");
        std::fs::write(dir.path().join("main.tf"), main_tf).expect("write main.tf");
        Workspace {
            dir,
            terraform: terraform.to_owned(),
        }
    }

    /// Runs `args` to completion and returns its wall time; panics when it fails.
    fn time(&self, args: &[&str]) -> Duration {
        self.time_with(args, &[])
    }

    /// [`Workspace::time`] with extra environment variables.
    fn time_with(&self, args: &[&str], env: &[(&str, &str)]) -> Duration {
        let started = Instant::now();
        let output = Command::new(&self.terraform)
            .args(args)
            .envs(env.iter().copied())
            .current_dir(self.dir.path())
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("tf.rc"))
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("RUST_BACKTRACE", "0")
            .env_remove("TF_LOG")
            .stdin(Stdio::null())
            .output()
            .expect("run terraform");
        let elapsed = started.elapsed();
        assert!(
            output.status.success(),
            "terraform {args:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        elapsed
    }
}

fn noop_config() -> String {
    format!(
        "terraform {{\n  required_providers {{\n    noop = {{ source = \"cnilabs/noop\" }}\n  }}\n}}\n\n\
         resource \"noop_thing\" \"this\" {{\n  count = {COUNT}\n  value = format(\"thing-%d\", count.index)\n}}\n"
    )
}

fn cni_config(base_url: &str) -> String {
    cni_config_with(base_url, COUNT, "100ms")
}

fn cni_config_with(base_url: &str, count: usize, poll_interval: &str) -> String {
    cni_config_budget(base_url, count, poll_interval, "requests_per_second = 10000")
}

/// The interconnects' configuration with `budget` as the provider's budget line (empty: the default).
fn cni_config_budget(base_url: &str, count: usize, poll_interval: &str, budget: &str) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    cni = {{ source = \"cnilabs/cni\" }}\n  }}\n}}\n\n\
         provider \"cni\" {{\n  api_token = \"{TOKEN}\"\n  base_url = \"{base_url}\"\n  account_id = \"{ACCOUNT}\"\n  \
         poll_interval = \"{poll_interval}\"\n  {budget}\n}}\n\n\
         resource \"cni_interconnect\" \"this\" {{\n  count = {count}\n  type = \"gcp_partner\"\n  bandwidth = \"10G\"\n  \
         pairing_key = format(\"7e51371e-72a3-40b5-b844-%012d/europe-west3/2\", count.index)\n}}\n"
    )
}

async fn start_mock(healthy_after: HealthyAfter) -> MockServer {
    let config = MockConfig {
        credentials: Credentials {
            token: Some(TOKEN.into()),
            key_email: None,
        },
        store: StoreConfig {
            page_size: 100,
            healthy_after,
            ..StoreConfig::default()
        },
        rate_limit: None,
        accounts: Vec::new(),
    };
    MockServer::start("127.0.0.1:0".parse().expect("address"), config)
        .await
        .expect("mock starts")
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn seconds(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn main() {
    let terraform = Path::new(env!("CARGO_MANIFEST_DIR")).join(TERRAFORM);
    let release = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release");
    for needed in [
        terraform.clone(),
        release.join("terraform-provider-cni"),
        release.join("terraform-provider-noop"),
    ] {
        assert!(needed.exists(), "{} is missing: run make bench", needed.display());
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    terraform_at_scale(&runtime, &terraform);
    healthy_detection(&runtime, &terraform);
    list_at_scale(&runtime, &terraform);
    api_economy(&runtime, &terraform);
}

/// `apply`, refresh-only `plan` and `destroy` of [`COUNT`] interconnects against [`COUNT`] no-op
/// resources, alternating.
fn terraform_at_scale(runtime: &tokio::runtime::Runtime, terraform: &Path) {
    let mock = runtime.block_on(start_mock(HealthyAfter::Polls(0)));
    let noop = Workspace::new(terraform, &noop_config());
    let cni = Workspace::new(terraform, &cni_config(&mock.base_url()));

    let mut floor: Vec<Vec<Duration>> = vec![Vec::new(); COMMANDS.len()];
    let mut provider: Vec<Vec<Duration>> = vec![Vec::new(); COMMANDS.len()];
    let mut requests: Vec<usize> = vec![0; COMMANDS.len()];
    for _ in 0..ROUNDS {
        for (i, (_, args)) in COMMANDS.iter().enumerate() {
            floor[i].push(noop.time(args));
            let before = mock.requests().len();
            provider[i].push(cni.time(args));
            requests[i] = mock.requests().len() - before;
        }
    }

    let mut rows = String::new();
    for (i, (label, _)) in COMMANDS.iter().enumerate() {
        let (b, c) = (median(floor[i].clone()), median(provider[i].clone()));
        rows.push_str(&format!(
            "| {label} of {COUNT} | {} | {} | {:.2} | {} ({:.2} per interconnect) |\n",
            seconds(b),
            seconds(c),
            c.as_secs_f64() / b.as_secs_f64(),
            requests[i],
            requests[i] as f64 / COUNT as f64
        ));
    }
    let body = format!(
        "## Terraform at scale\n\n\
         Written by `make bench` (`benches/scale.rs`): Terraform 1.15.5 runs `apply`, a refresh-only `plan` and \
         `destroy` of {COUNT} `gcp_partner` interconnects (the in-process mock makes them healthy at the first \
         poll; `-parallelism=10`; a budget of 10,000 requests per second, the most the provider accepts, so the API is not the limit), against \
         the same commands over {COUNT} `noop_thing`s of `terraform-provider-noop`, the floor; the median of \
         {ROUNDS} rounds, alternating. Requests are counted in the mock's log (last round).\n\n\
         | command | floor median | cni median | ratio | requests to the API |\n|---|---|---|---|---|\n{rows}\n\
         Measured on {} cores, {}.",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        humantime::format_rfc3339_seconds(std::time::SystemTime::now())
    );
    println!("{body}");
    report::write_section("scale", &body);
    runtime.block_on(mock.stop());
}

/// Creates one interconnect at a time against a mock that turns it Healthy [`HEALTHY_AFTER`] after
/// its POST, and reads from the mock's log when the status poll that saw it came.
fn healthy_detection(runtime: &tokio::runtime::Runtime, terraform: &Path) {
    let mock = runtime.block_on(start_mock(HealthyAfter::Elapsed(HEALTHY_AFTER)));
    let ws = Workspace::new(
        terraform,
        &cni_config_with(&mock.base_url(), 1, DETECTION_POLL_INTERVAL),
    );
    let mut lags = Vec::new();
    for _ in 0..DETECTION_ROUNDS {
        let before = mock.requests().len();
        ws.time(COMMANDS[0].1);
        let log = mock.requests().split_off(before);
        let posted = log
            .iter()
            .find(|r| r.method == "POST")
            .expect("the create's POST")
            .at_ms;
        let seen = log
            .iter()
            .filter(|r| r.path.ends_with("/status"))
            .map(|r| r.at_ms)
            .max()
            .expect("a status poll");
        let healthy_at = posted + HEALTHY_AFTER.as_millis() as u64;
        lags.push(Duration::from_millis(seen.saturating_sub(healthy_at)));
        ws.time(COMMANDS[2].1);
    }
    let lag = median(lags.clone());
    let worst = lags.iter().max().copied().unwrap_or_default();
    let body = format!(
        "## Healthy detection\n\n\
         Written by `make bench` (`benches/scale.rs`): `terraform apply` of one `gcp_partner` interconnect, \
         {DETECTION_ROUNDS} times, against a mock that turns it Healthy {} after its POST, with \
         `poll_interval = \"{DETECTION_POLL_INTERVAL}\"` (the longest pause between polls; they start at 250 ms \
         and double). Lag: from the moment it turned Healthy to the status poll that saw it, in the mock's \
         log.\n\n\
         | poll interval | median lag | worst lag | target |\n|---|---|---|---|\n\
         | {DETECTION_POLL_INTERVAL} | {} ms | {} ms | within one poll interval |\n\n\
         Measured on {} cores, {}.",
        humantime::format_duration(HEALTHY_AFTER),
        lag.as_millis(),
        worst.as_millis(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        humantime::format_rfc3339_seconds(std::time::SystemTime::now())
    );
    println!("{body}");
    report::write_section("healthy", &body);
    runtime.block_on(mock.stop());
}

/// A provider started in debug mode, for `TF_REATTACH_PROVIDERS`; killed on drop.
struct DebugProvider {
    child: std::process::Child,
    reattach: String,
}

impl DebugProvider {
    fn start() -> DebugProvider {
        use std::io::{BufRead, BufReader};
        let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/terraform-provider-cni");
        let mut child = Command::new(binary)
            .arg("-debug")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the provider in debug mode");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let reattach = stdout
            .lines()
            .map_while(Result::ok)
            .find_map(|line| {
                line.trim()
                    .strip_prefix("TF_REATTACH_PROVIDERS='")
                    .and_then(|l| l.strip_suffix('\''))
                    .map(str::to_owned)
            })
            .expect("the reattach line");
        DebugProvider { child, reattach }
    }

    /// The process's peak resident set (`VmHWM`) in kB.
    fn peak_rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM")
    }
}

impl Drop for DebugProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Creates `count` `gcp_partner` interconnects in `ACCOUNT` through the mock's API.
async fn seed(mock: &MockServer, count: usize) {
    let client = reqwest::Client::new();
    let url = format!("{}/accounts/{ACCOUNT}/cni/interconnects", mock.base_url());
    for n in 0..count {
        let body = serde_json::json!({
            "account": ACCOUNT, "type": "gcp_partner", "bandwidth": "10G",
            "pairing_key": format!("7e51371e-72a3-40b5-b844-{n:012}/europe-west3/2"),
        });
        let response = client
            .post(&url)
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .expect("seed");
        assert!(
            response.status().is_success(),
            "seeding failed: {}",
            response.status()
        );
    }
}

fn list_config(base_url: &str, account: &str) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    cni = {{ source = \"cnilabs/cni\" }}\n  }}\n}}\n\n\
         provider \"cni\" {{\n  api_token = \"{TOKEN}\"\n  base_url = \"{base_url}\"\n  account_id = \"{account}\"\n  \
         requests_per_second = 10000\n}}\n\n\
         data \"cni_interconnects\" \"all\" {{}}\n\n\
         output \"count\" {{\n  value = length(data.cni_interconnects.all.interconnects)\n}}\n"
    )
}

/// One `terraform plan` of the list through a fresh debug-mode provider: wall time and peak RSS (kB).
fn read_list(ws: &Workspace) -> (Duration, u64) {
    let provider = DebugProvider::start();
    let elapsed = ws.time_with(
        &["plan", "-input=false", "-no-color"],
        &[("TF_REATTACH_PROVIDERS", &provider.reattach)],
    );
    (elapsed, provider.peak_rss_kb())
}

/// The `cni_interconnects` data source over [`LIST_SIZE`] interconnects against an empty account.
fn list_at_scale(runtime: &tokio::runtime::Runtime, terraform: &Path) {
    let mock = runtime.block_on(start_mock(HealthyAfter::Polls(0)));
    runtime.block_on(seed(&mock, LIST_SIZE));
    let full = Workspace::new(terraform, &list_config(&mock.base_url(), ACCOUNT));
    let empty = Workspace::new(terraform, &list_config(&mock.base_url(), EMPTY_ACCOUNT));
    let (mut base, mut cand, mut base_rss, mut cand_rss) = (vec![], vec![], vec![], vec![]);
    for _ in 0..LIST_ROUNDS {
        let (t, rss) = read_list(&empty);
        base.push(t);
        base_rss.push(rss);
        let (t, rss) = read_list(&full);
        cand.push(t);
        cand_rss.push(rss);
    }
    let listing = format!("/accounts/{ACCOUNT}/cni/interconnects");
    let pages = mock
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.split('?').next() == Some(listing.as_str()))
        .count()
        / LIST_ROUNDS;
    let (b, c) = (median(base), median(cand));
    let median_kb = |mut v: Vec<u64>| {
        v.sort();
        v[v.len() / 2]
    };
    let body = format!(
        "## List at scale\n\n\
         Written by `make bench` (`benches/scale.rs`): `terraform plan` reading `cni_interconnects` over \
         {LIST_SIZE} interconnects (pages of 100: {pages} requests per read), against the same plan over an empty \
         account; the provider runs in debug mode (`TF_REATTACH_PROVIDERS`), fresh for every plan, so its \
         peak RSS is its own (`VmHWM`). Median of {LIST_ROUNDS} rounds, alternating. The provider's time is \
         the difference between the two plans (it includes Terraform's handling of the larger value).\n\n\
         | | empty account | {LIST_SIZE} interconnects | difference | target |\n|---|---|---|---|---|\n\
         | plan wall time | {} | {} | {} | ≤ 1 s of provider time |\n\
         | provider peak RSS | {:.1} MB | {:.1} MB | | ≤ 64 MB |\n\n\
         Measured on {} cores, {}.",
        seconds(b),
        seconds(c),
        seconds(c.saturating_sub(b)),
        median_kb(base_rss) as f64 / 1000.0,
        median_kb(cand_rss) as f64 / 1000.0,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        humantime::format_rfc3339_seconds(std::time::SystemTime::now())
    );
    println!("{body}");
    report::write_section("list", &body);
    runtime.block_on(mock.stop());
}

/// The requests of `log` grouped by method and endpoint (names and the account replaced), as
/// "`GET …/interconnects/{name}` ×2" items joined by commas.
fn by_endpoint(log: &[cni::mock::LoggedRequest]) -> String {
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for request in log {
        let path = request.path.split('?').next().unwrap_or_default();
        let mut parts: Vec<&str> = path.split('/').collect();
        if let Some(i) = parts.iter().position(|p| *p == "interconnects") {
            if parts.len() > i + 1 {
                parts[i + 1] = "{name}";
            }
        }
        let endpoint = parts.join("/").replace(ACCOUNT, "{account}");
        *counts
            .entry(format!("{} {endpoint}", request.method))
            .or_default() += 1;
    }
    counts
        .iter()
        .map(|(endpoint, n)| format!("`{endpoint}` ×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The requests one command spends, as (count, by endpoint), and its wall time.
fn spend(mock: &MockServer, ws: &Workspace, args: &[&str]) -> (usize, String, Duration) {
    let before = mock.requests().len();
    let elapsed = ws.time(args);
    let log = mock.requests().split_off(before);
    (log.len(), by_endpoint(&log), elapsed)
}

/// One create, read and delete, then a refresh of [`COUNT`] at the default budget.
fn api_economy(runtime: &tokio::runtime::Runtime, terraform: &Path) {
    let mock = runtime.block_on(start_mock(HealthyAfter::Polls(0)));
    let one = Workspace::new(terraform, &cni_config_with(&mock.base_url(), 1, "100ms"));
    let mut rows = String::new();
    for (label, args) in [
        ("create (`apply`)", COMMANDS[0].1),
        ("read (`plan -refresh-only`)", COMMANDS[1].1),
        ("delete (`destroy`, with its refresh)", COMMANDS[2].1),
    ] {
        let (n, endpoints, _) = spend(&mock, &one, args);
        rows.push_str(&format!("| {label} of 1 | {n} | {endpoints} |\n"));
    }
    let many = Workspace::new(terraform, &cni_config_with(&mock.base_url(), COUNT, "100ms"));
    let (n, endpoints, _) = spend(&mock, &many, COMMANDS[0].1);
    rows.push_str(&format!("| `apply` of {COUNT} | {n} | {endpoints} |\n"));
    std::fs::write(
        many.dir.path().join("main.tf"),
        cni_config_budget(&mock.base_url(), COUNT, "100ms", ""),
    )
    .expect("write main.tf");
    let (n, endpoints, refresh) = spend(&mock, &many, COMMANDS[1].1);
    rows.push_str(&format!(
        "| `plan -refresh-only` of {COUNT}, default budget | {n} | {endpoints} |\n"
    ));
    std::fs::write(
        many.dir.path().join("main.tf"),
        cni_config_with(&mock.base_url(), COUNT, "100ms"),
    )
    .expect("write main.tf");
    many.time(COMMANDS[2].1);
    let body = format!(
        "## API economy\n\n\
         Written by `make bench` (`benches/scale.rs`): the requests each command sent to the in-process mock \
         (interconnects healthy at once), by endpoint. The API allows 1,200 requests per 5 minutes; the \
         provider's default budget is 4 per second.\n\n\
         | command | requests | by endpoint |\n|---|---|---|\n{rows}\n\
         The refresh of {COUNT} at the default budget took {}.\n\n\
         Measured on {} cores, {}.",
        seconds(refresh),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        humantime::format_rfc3339_seconds(std::time::SystemTime::now())
    );
    println!("{body}");
    report::write_section("economy", &body);
    runtime.block_on(mock.stop());
}
