//! The acceptance-test harness: a fresh temp dir per test, a `cni-mock` process on 127.0.0.1:0, a
//! dev_overrides CLI config for `cnilabs/cni`, and the real Terraform CLI.
//!
//! Gated like Terraform's own acceptance tests: nothing runs unless `TF_ACC` is set. The CLI is
//! `TF_ACC_TERRAFORM_PATH`, else `tools/bin/terraform-1.0.3`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The account the tests use.
pub use crate::fixtures::{ACCOUNT, API_KEY, TOKEN};
/// The longest any single Terraform command may run before the test fails.
pub const COMMAND_LIMIT: Duration = Duration::from_secs(240);

/// The Terraform CLI to test with, or `None` when acceptance tests are off.
pub fn terraform() -> Option<PathBuf> {
    if std::env::var_os("TF_ACC").is_none_or(|v| v.is_empty()) {
        eprintln!("acceptance test skipped: set TF_ACC=1 (make test does)");
        return None;
    }
    let path = std::env::var_os("TF_ACC_TERRAFORM_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/bin/terraform-1.0.3"));
    assert!(
        path.exists(),
        "no Terraform at {} (run make tools)",
        path.display()
    );
    Some(path)
}

/// Skips the test (returns) when acceptance tests are off.
#[macro_export]
macro_rules! workspace {
    ($($arg:expr),* $(,)?) => {
        match $crate::harness::terraform() {
            Some(tf) => $crate::harness::Workspace::new(tf, &[$($arg),*]),
            None => return,
        }
    };
}

/// A `cni-mock` process.
pub struct Mock {
    child: Child,
    /// `http://127.0.0.1:PORT/client/v4`.
    pub base_url: String,
    control: String,
    http: reqwest::blocking::Client,
}

impl Mock {
    fn start(args: &[&str]) -> Mock {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cni-mock"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--token",
                TOKEN,
                "--api-key",
                API_KEY.0,
                "--email",
                API_KEY.1,
            ])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start cni-mock");
        let stdout = child.stdout.take().expect("mock stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("mock prints its URL");
        let base_url = line.trim().to_owned();
        assert!(
            base_url.starts_with("http://127.0.0.1:"),
            "mock said {base_url:?}"
        );
        let control = base_url.replace("/client/v4", "/__mock");
        Mock {
            child,
            base_url,
            control,
            http: reqwest::blocking::Client::new(),
        }
    }

    /// `GET /__mock/<path>` as JSON.
    pub fn get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}/{path}", self.control))
            .send()
            .and_then(|r| r.json())
            .expect("control GET")
    }

    /// Every API request the mock received.
    pub fn requests(&self) -> Vec<Value> {
        self.get("requests").as_array().cloned().unwrap_or_default()
    }

    /// The requests with this method whose path matches `pattern`.
    pub fn requests_matching(&self, method: &str, pattern: &str) -> Vec<Value> {
        let re = regex::Regex::new(pattern).expect("regex");
        self.requests()
            .into_iter()
            .filter(|r| r["method"] == method && r["path"].as_str().is_some_and(|p| re.is_match(p)))
            .collect()
    }

    /// How many `POST /interconnects` the mock received.
    pub fn creates(&self) -> usize {
        self.requests_matching("POST", "/cni/interconnects$").len()
    }

    /// Every interconnect in the mock.
    pub fn interconnects(&self) -> Vec<Value> {
        self.get("interconnects").as_array().cloned().unwrap_or_default()
    }

    /// Waits (up to a minute) until the mock holds an interconnect for which `ready` holds; its name.
    pub fn await_interconnect(&self, what: &str, ready: impl Fn(&Value) -> bool) -> String {
        let mut name = None;
        wait_until(what, Duration::from_secs(60), || {
            name = self
                .interconnects()
                .iter()
                .find(|ic| ready(ic))
                .and_then(|ic| ic["name"].as_str().map(str::to_owned));
            name.is_some()
        });
        name.unwrap_or_default()
    }

    /// Adds a fault (see docs/guides/cni-mock.md).
    pub fn fault(&self, spec: cni::mock::FaultSpec) {
        let r = self
            .http
            .post(format!("{}/faults", self.control))
            .json(&spec)
            .send()
            .expect("fault");
        assert_eq!(r.status().as_u16(), 201, "fault refused: {:?}", r.text());
    }

    /// Sets an interconnect's status (`{"state":..}`, `{"sequence":[..]}` or `{"auto":true}`).
    pub fn set_status(&self, name: &str, body: Value) {
        let r = self
            .http
            .put(format!("{}/interconnects/{name}/status", self.control))
            .json(&body)
            .send()
            .expect("status");
        assert_eq!(r.status().as_u16(), 204);
    }

    /// Deletes an interconnect behind Terraform's back.
    pub fn delete_out_of_band(&self, name: &str) {
        let r = self
            .http
            .delete(format!("{}/interconnects/{name}", self.control))
            .send()
            .expect("delete");
        assert_eq!(r.status().as_u16(), 204);
    }

    /// Creates an interconnect through the API itself (not through Terraform).
    pub fn create_directly(&self, body: Value) -> String {
        self.create_in(ACCOUNT, body)
    }

    /// How many logged requests an injected fault struck.
    pub fn faults_struck(&self) -> usize {
        self.requests().iter().filter(|r| !r["fault"].is_null()).count()
    }

    /// Every CNI object in the mock (`GET /__mock/cnis`).
    pub fn cnis(&self) -> Vec<Value> {
        self.get("cnis").as_array().cloned().unwrap_or_default()
    }

    /// Seeds a CNI object through the control API (`POST /__mock/cnis`), as the API would create it.
    pub fn seed_cni(&self, body: Value) -> Value {
        self.http
            .post(format!("{}/cnis", self.control))
            .json(&body)
            .send()
            .and_then(|r| r.json())
            .expect("seed a CNI")
    }

    /// Turns random faults on (`rate` > 0) or off, with a seed that replays them.
    pub fn chaos(&self, rate: f64, seed: u64) {
        self.chaos_lagging(rate, seed, rate);
    }

    /// Turns random faults on, with `lag` the share of listings that lag (an empty last page).
    pub fn chaos_lagging(&self, rate: f64, seed: u64, lag: f64) {
        let r = self
            .http
            .put(format!("{}/chaos", self.control))
            .json(&json!({"rate": rate, "seed": seed, "lag": lag}))
            .send()
            .expect("chaos");
        assert_eq!(r.status().as_u16(), 204, "chaos refused: {:?}", r.text());
    }

    /// Creates an interconnect in `account` through the API itself (not through Terraform).
    pub fn create_in(&self, account: &str, body: Value) -> String {
        let url = format!("{}/accounts/{account}/cni/interconnects", self.base_url);
        let created: Value = self
            .http
            .post(url)
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .and_then(|r| r.json())
            .expect("create");
        created["name"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("not created: {created}"))
    }

    /// Clears the request log.
    pub fn clear_log(&self) {
        self.http
            .delete(format!("{}/requests", self.control))
            .send()
            .expect("clear");
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One test's Terraform working directory, mock and CLI.
pub struct Workspace {
    dir: tempfile::TempDir,
    terraform: PathBuf,
    /// The mock this workspace's provider talks to.
    pub mock: Mock,
    provider_settings: Vec<(String, String)>,
}

/// What a Terraform command did.
pub struct Run {
    /// Its exit code (-1 when killed by a signal).
    pub code: i32,
    /// stdout and stderr, together.
    pub output: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        }
    }

    /// Asserts the command succeeded.
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "terraform failed:\n{}", self.output);
        self
    }

    /// Asserts the command failed and its output contains every needle.
    pub fn fails_with(self, needles: &[&str]) -> Run {
        assert_ne!(self.code, 0, "terraform should have failed:\n{}", self.output);
        self.contains(needles)
    }

    /// Asserts the output contains every needle.
    pub fn contains(self, needles: &[&str]) -> Run {
        let flat = flatten(&self.output);
        for needle in needles {
            assert!(
                flat.contains(&flatten(needle)),
                "output lacks {needle:?}:\n{}",
                self.output
            );
        }
        self
    }
}

/// Terraform wraps long diagnostic lines and draws box characters around them: compare text with all
/// of that folded away.
fn flatten(text: &str) -> String {
    text.split_whitespace()
        .filter(|w| !matches!(*w, "│" | "╷" | "╵"))
        .collect::<Vec<_>>()
        .join(" ")
}

impl Workspace {
    /// A fresh workspace whose mock runs with these extra arguments.
    pub fn new(terraform: PathBuf, mock_args: &[&str]) -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        let mock = Mock::start(mock_args);
        // CNI_ACC_PROVIDER_DIR runs the suite against another build of the provider (an earlier
        // commit's, to see a new test fail there) with this build's mock.
        let plugins = match std::env::var_os("CNI_ACC_PROVIDER_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => Path::new(env!("CARGO_BIN_EXE_terraform-provider-cni"))
                .parent()
                .expect("bin dir")
                .to_owned(),
        };
        std::fs::write(
            dir.path().join("tf.rc"),
            format!(
                "provider_installation {{\n  dev_overrides {{\n    \"cnilabs/cni\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
                plugins.display()
            ),
        )
        .expect("write tf.rc");
        let provider_settings = vec![
            ("api_token".to_owned(), format!("\"{TOKEN}\"")),
            ("base_url".to_owned(), format!("\"{}\"", mock.base_url)),
            ("account_id".to_owned(), format!("\"{ACCOUNT}\"")),
            ("poll_interval".to_owned(), "\"100ms\"".to_owned()),
            ("requests_per_second".to_owned(), "200".to_owned()),
            ("request_timeout".to_owned(), "\"5s\"".to_owned()),
            ("max_retries".to_owned(), "2".to_owned()),
        ];
        Workspace {
            dir,
            terraform,
            mock,
            provider_settings,
        }
    }

    /// The working directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The provider block's settings (without braces), one `key = value` per line.
    pub fn provider_settings(&self) -> String {
        self.provider_settings
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join("\n  ")
    }

    /// Sets (or, with `None`, removes) one provider setting; `value` is HCL, e.g. `"\"1s\""`.
    pub fn set_provider(&mut self, key: &str, value: Option<&str>) {
        self.provider_settings.retain(|(k, _)| k != key);
        if let Some(value) = value {
            self.provider_settings.push((key.to_owned(), value.to_owned()));
        }
    }

    /// Writes `main.tf`: the required provider, the provider block, then `body`.
    pub fn config(&self, body: &str) {
        let text = format!(
            "terraform {{\n  required_providers {{\n    cni = {{ source = \"cnilabs/cni\" }}\n  }}\n}}\n\n\
             provider \"cni\" {{\n  {}\n}}\n\n{body}\n",
            self.provider_settings()
        );
        std::fs::write(self.path().join("main.tf"), text).expect("write main.tf");
    }

    /// A Terraform command ready to run in this workspace, in its own process group.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.terraform);
        cmd.args(args)
            .current_dir(self.path())
            .env("TF_CLI_CONFIG_FILE", self.path().join("tf.rc"))
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("RUST_BACKTRACE", "0")
            .env_remove("TF_LOG")
            .env_remove("CLOUDFLARE_API_TOKEN")
            .env_remove("CLOUDFLARE_API_KEY")
            .env_remove("CLOUDFLARE_EMAIL")
            .env_remove("CLOUDFLARE_BASE_URL")
            .env_remove("CLOUDFLARE_ACCOUNT_ID")
            .stdin(Stdio::null());
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        cmd
    }

    /// Runs a Terraform command to completion; kills it and fails the test after [`COMMAND_LIMIT`].
    pub fn tf(&self, args: &[&str]) -> Run {
        self.spawn(args).finish(COMMAND_LIMIT)
    }

    /// Starts a Terraform command in the background.
    pub fn spawn(&self, args: &[&str]) -> Background {
        Background::start(self.command(args))
    }

    /// `terraform apply -auto-approve`.
    pub fn apply(&self) -> Run {
        self.tf(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform plan -detailed-exitcode`: 0 no changes, 2 changes.
    pub fn plan(&self) -> Run {
        self.tf(&["plan", "-detailed-exitcode", "-input=false", "-no-color"])
    }

    /// Asserts that a plan proposes nothing.
    pub fn assert_no_changes(&self) {
        let plan = self.plan();
        assert_eq!(plan.code, 0, "expected an empty plan:\n{}", plan.output);
    }

    /// `terraform destroy -auto-approve`, then asserts the mock holds no interconnect.
    pub fn destroy_all(&self) {
        self.tf(&["destroy", "-auto-approve", "-input=false", "-no-color"])
            .ok();
        assert_eq!(
            self.mock.interconnects(),
            Vec::<Value>::new(),
            "destroy left interconnects behind"
        );
    }

    /// The state as `terraform show -json` gives it.
    pub fn state(&self) -> Value {
        let run = self.tf(&["show", "-json"]).ok();
        serde_json::from_str(&run.output).unwrap_or_else(|e| panic!("show -json: {e}:\n{}", run.output))
    }

    /// The attribute values of one resource or data source in state (`Value::Null` if absent).
    pub fn values(&self, address: &str) -> Value {
        let state = self.state();
        state["values"]["root_module"]["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["address"] == address)
            .map(|r| r["values"].clone())
            .unwrap_or(Value::Null)
    }

    /// The addresses in state.
    pub fn addresses(&self) -> Vec<String> {
        let run = self.tf(&["state", "list"]);
        if run.output.contains("No state file was found") {
            return Vec::new();
        }
        run.ok()
            .output
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The Terraform version as `(major, minor)`.
    pub fn terraform_version(&self) -> (u64, u64) {
        let run = self.tf(&["version", "-json"]).ok();
        let start = run.output.find('{').unwrap_or(0);
        let value: Value = serde_json::from_str(&run.output[start..]).expect("version JSON");
        let text = value["terraform_version"].as_str().unwrap_or_default().to_owned();
        let mut parts = text.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
    }

    /// The outputs, as `terraform output -json` gives them.
    pub fn outputs(&self) -> Value {
        let run = self.tf(&["output", "-json"]).ok();
        serde_json::from_str(&run.output).unwrap_or(json!({}))
    }
}

/// A Terraform command running in the background, in its own process group.
pub struct Background {
    pid: i32,
    waiter: std::thread::JoinHandle<std::io::Result<Output>>,
}

impl Background {
    /// Starts `command` with its output captured.
    pub fn start(mut command: Command) -> Background {
        let child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start terraform");
        Background {
            pid: child.id() as i32,
            waiter: std::thread::spawn(move || child.wait_with_output()),
        }
    }

    /// The process (and process group) id.
    pub fn pid(&self) -> nix::unistd::Pid {
        nix::unistd::Pid::from_raw(self.pid)
    }

    /// Waits for the command to end; kills its process group and fails the test after `limit`.
    pub fn finish(self, limit: Duration) -> Run {
        let started = Instant::now();
        while !self.waiter.is_finished() {
            if started.elapsed() > limit {
                let _ = nix::sys::signal::killpg(self.pid(), nix::sys::signal::Signal::SIGKILL);
                let partial = self.waiter.join().ok().and_then(Result::ok).map(Run::from);
                panic!(
                    "terraform still ran after {limit:?}:\n{}",
                    partial.map(|r| r.output).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Run::from(self.waiter.join().expect("join").expect("terraform output"))
    }
}

/// Polls `condition` every 50 ms until it holds or `limit` passes.
pub fn wait_until(what: &str, limit: Duration, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting until {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub use crate::fixtures::debug_provider::DebugProvider;

impl DebugProvider {
    /// Starts `terraform-provider-cni -debug`.
    pub fn start_cni() -> DebugProvider {
        match std::env::var_os("CNI_ACC_PROVIDER_DIR") {
            Some(dir) => DebugProvider::start(&PathBuf::from(dir).join("terraform-provider-cni")),
            None => DebugProvider::start(Path::new(env!("CARGO_BIN_EXE_terraform-provider-cni"))),
        }
    }

    /// Sends Ctrl-C and waits (up to 10 s) for the provider to exit.
    pub fn interrupt(mut self) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).expect("SIGINT");
        wait_until(
            "the debug provider exits on Ctrl-C",
            Duration::from_secs(10),
            || self.child.try_wait().ok().flatten().is_some(),
        );
    }
}

impl Workspace {
    /// Runs a Terraform command against `provider` only: an empty CLI configuration (no
    /// dev_overrides), so Terraform finds the provider through `TF_REATTACH_PROVIDERS` alone.
    pub fn tf_reattached(&self, provider: &DebugProvider, args: &[&str]) -> Run {
        self.spawn_reattached(provider, args).finish(COMMAND_LIMIT)
    }

    /// Starts a Terraform command against `provider` only, in the background.
    pub fn spawn_reattached(&self, provider: &DebugProvider, args: &[&str]) -> Background {
        let rc = self.path().join("empty.tfrc");
        std::fs::write(&rc, "").expect("write an empty CLI config");
        let mut command = self.command(args);
        command
            .env("TF_CLI_CONFIG_FILE", &rc)
            .env("TF_REATTACH_PROVIDERS", &provider.reattach);
        Background::start(command)
    }
}
