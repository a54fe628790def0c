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
//!
//! Without `--bench` (`cargo test --bench scale`, part of `make test`) it is a smoke run: every
//! measurement at a small size, with the debug binaries, once, printed but not written, so that the
//! harness cannot rot unnoticed. Either way it fails when the requests spent per interconnect grow.

#[path = "report.rs"]
mod report;

#[path = "../tests/support/debug_provider.rs"]
mod debug_provider;
use debug_provider::DebugProvider;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cni::mock::{Credentials, HealthyAfter, MockConfig, MockServer, StoreConfig};

const COUNT: usize = 200;
const ROUNDS: usize = 5;
const TOKEN: &str = "bench-token-0123456789";
const ACCOUNT: &str = cni::mock::DEFAULT_ACCOUNT;
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
/// The Go provider floor, built by `scripts/build-go-floor.sh` (`make bench`).
const GO_FLOOR: &str = "target/go-floor/terraform-provider-gofloor";
/// The padding of a `noop_thing` that holds as many bytes of state as an interconnect does.
const STATE_SIZED_PADDING: usize = 1_160;

/// The sizes and repetitions of one run, and where the binaries are.
#[derive(Debug, Clone)]
struct Settings {
    /// Interconnects (and no-op resources) per command.
    count: usize,
    rounds: usize,
    detection_rounds: usize,
    list_size: usize,
    list_rounds: usize,
    /// The directory holding `terraform-provider-cni` and `terraform-provider-noop`.
    binaries: PathBuf,
    /// The Go floor (`scripts/build-go-floor.sh`), in a full run where it was built.
    go_floor: Option<PathBuf>,
    /// Whether the figures go to BENCHMARKS.md (a full run) or only to the output (a smoke run).
    write: bool,
}

impl Settings {
    /// The full run under `cargo bench` (which passes `--bench`), a smoke run otherwise.
    fn from_args() -> Settings {
        if std::env::args().any(|a| a == "--bench") {
            Settings {
                count: COUNT,
                rounds: ROUNDS,
                detection_rounds: DETECTION_ROUNDS,
                list_size: LIST_SIZE,
                list_rounds: LIST_ROUNDS,
                binaries: Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release"),
                go_floor: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join(GO_FLOOR))
                    .filter(|path| path.exists()),
                write: true,
            }
        } else {
            let cni = Path::new(env!("CARGO_BIN_EXE_terraform-provider-cni"));
            Settings {
                count: 20,
                rounds: 1,
                detection_rounds: 1,
                list_size: 300,
                list_rounds: 1,
                binaries: cni.parent().map(Path::to_owned).unwrap_or_default(),
                go_floor: None,
                write: false,
            }
        }
    }

    fn binary(&self, name: &str) -> PathBuf {
        self.binaries.join(name)
    }

    /// Prints a section, and writes it to BENCHMARKS.md in a full run.
    fn report(&self, name: &str, body: &str) {
        println!("{body}");
        if self.write {
            report::write_section(name, body);
        }
    }
}

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
    fn new(settings: &Settings, terraform: &Path, main_tf: &str) -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        let go_floor = settings
            .go_floor
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(&settings.binaries);
        let rc = format!(
            "provider_installation {{\n  dev_overrides {{\n    \"cnilabs/cni\" = \"{0}\"\n    \
             \"cnilabs/noop\" = \"{0}\"\n    \"cnilabs/gofloor\" = \"{1}\"\n  }}\n  direct {{}}\n}}\n",
            settings.binaries.display(),
            go_floor.display()
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
        self.measure_with(args, env).0
    }

    /// Runs `args` to completion: its wall time, and the CPU time of the whole command (Terraform and
    /// every provider process it started and waited for).
    fn measure(&self, args: &[&str]) -> (Duration, Duration) {
        self.measure_with(args, &[])
    }

    fn measure_with(&self, args: &[&str], env: &[(&str, &str)]) -> (Duration, Duration) {
        let cpu_before = children_cpu();
        let started = Instant::now();
        let output = Command::new(&self.terraform)
            .args(args)
            .current_dir(self.dir.path())
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("tf.rc"))
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("RUST_BACKTRACE", "0")
            .env_remove("TF_LOG")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .output()
            .expect("run terraform");
        let elapsed = started.elapsed();
        assert!(
            output.status.success(),
            "terraform {args:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        (elapsed, children_cpu().saturating_sub(cpu_before))
    }
}

/// The CPU time (user and system) of every child process this one has waited for, theirs included.
fn children_cpu() -> Duration {
    use nix::sys::resource::{getrusage, UsageWho};
    let Ok(usage) = getrusage(UsageWho::RUSAGE_CHILDREN) else {
        return Duration::ZERO;
    };
    let seconds = |t: nix::sys::time::TimeVal| Duration::new(t.tv_sec() as u64, t.tv_usec() as u32 * 1000);
    seconds(usage.user_time()) + seconds(usage.system_time())
}

/// `count` no-op resources, each holding `padding` more bytes of state than its name. Padding is
/// marked sensitive, so that Terraform keeps it in state without printing it in the plan (an
/// interconnect's plan shows its few configured arguments and "known after apply").
fn noop_config(count: usize, padding: usize) -> String {
    noop_config_from("cnilabs/noop", count, padding)
}

/// [`noop_config`] with `noop_thing` served by the provider `source`.
fn noop_config_from(source: &str, count: usize, padding: usize) -> String {
    let value = match padding {
        0 => "format(\"thing-%d\", count.index)".to_owned(),
        n => format!("sensitive(format(\"thing-%d{}\", count.index))", "x".repeat(n)),
    };
    format!(
        "terraform {{\n  required_providers {{\n    noop = {{ source = \"{source}\" }}\n  }}\n}}\n\n\
         resource \"noop_thing\" \"this\" {{\n  count = {count}\n  value = {value}\n}}\n"
    )
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
        chaos: None,
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
    let settings = Settings::from_args();
    let terraform = Path::new(env!("CARGO_MANIFEST_DIR")).join(TERRAFORM);
    for needed in [
        terraform.clone(),
        settings.binary("terraform-provider-cni"),
        settings.binary("terraform-provider-noop"),
    ] {
        assert!(
            needed.exists(),
            "{} is missing: run make bench (or make tools)",
            needed.display()
        );
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let bench = Bench {
        settings,
        terraform,
        runtime,
    };
    bench.terraform_at_scale();
    bench.plugin_transport();
    bench.healthy_detection();
    bench.list_at_scale();
    bench.api_economy();
}

/// One run: its settings, the Terraform CLI, and the runtime of the in-process mocks.
struct Bench {
    settings: Settings,
    terraform: PathBuf,
    runtime: tokio::runtime::Runtime,
}

/// One command's figures: wall times of the floor, the floor with an interconnect's state size, and
/// the provider; the provider's and the floor's CPU time; the requests the provider sent.
#[derive(Default)]
struct CommandFigures {
    floor: Vec<Duration>,
    go_floor: Vec<Duration>,
    sized_floor: Vec<Duration>,
    cni: Vec<Duration>,
    /// CPU time of the whole command (Terraform and its providers): floor, same-size floor, cni.
    command_cpu: [Vec<Duration>; 3],
    floor_cpu: Duration,
    cni_cpu: Duration,
    requests: usize,
}

impl Bench {
    /// `apply`, refresh-only `plan` and `destroy` of `count` interconnects against `count` no-op
    /// resources (and no-op resources holding as much state as an interconnect), alternating; then
    /// one more round through debug-mode providers for their CPU time.
    fn terraform_at_scale(&self) {
        let count = self.settings.count;
        let mock = self.runtime.block_on(start_mock(HealthyAfter::Polls(0)));
        let noop = Workspace::new(&self.settings, &self.terraform, &noop_config(count, 0));
        let sized = Workspace::new(
            &self.settings,
            &self.terraform,
            &noop_config(count, STATE_SIZED_PADDING),
        );
        let cni = Workspace::new(
            &self.settings,
            &self.terraform,
            &cni_config_with(&mock.base_url(), count, "100ms"),
        );
        let go = self.settings.go_floor.as_ref().map(|_| {
            Workspace::new(
                &self.settings,
                &self.terraform,
                &noop_config_from("cnilabs/gofloor", count, 0),
            )
        });
        let mut figures: Vec<CommandFigures> = COMMANDS.iter().map(|_| CommandFigures::default()).collect();
        let state_bytes = |ws: &Workspace| {
            std::fs::metadata(ws.dir.path().join("terraform.tfstate")).map_or(0, |m| m.len()) as usize / count
        };
        let mut bytes_per_resource = [0; 3];
        for _ in 0..self.settings.rounds {
            for (i, (_, args)) in COMMANDS.iter().enumerate() {
                let f = &mut figures[i];
                let (wall, cpu) = noop.measure(args);
                f.floor.push(wall);
                f.command_cpu[0].push(cpu);
                if let Some(go) = &go {
                    f.go_floor.push(go.time(args));
                }
                let (wall, cpu) = sized.measure(args);
                f.sized_floor.push(wall);
                f.command_cpu[1].push(cpu);
                let before = mock.requests().len();
                let (wall, cpu) = cni.measure(args);
                f.cni.push(wall);
                f.command_cpu[2].push(cpu);
                f.requests = mock.requests().len() - before;
                if i == 0 {
                    bytes_per_resource = [state_bytes(&noop), state_bytes(&sized), state_bytes(&cni)];
                }
            }
        }
        for (i, (_, args)) in COMMANDS.iter().enumerate() {
            figures[i].floor_cpu = cpu_of(&noop, &self.settings.binary("terraform-provider-noop"), args);
            figures[i].cni_cpu = cpu_of(&cni, &self.settings.binary("terraform-provider-cni"), args);
        }
        self.check_economy(&figures);
        let [noop_bytes, sized_bytes, cni_bytes] = bytes_per_resource;
        let times: String = COMMANDS
            .iter()
            .zip(&figures)
            .map(|((label, _), f)| time_row(label, count, f))
            .collect();
        let costs: String = COMMANDS
            .iter()
            .zip(&figures)
            .map(|((label, _), f)| cost_row(label, count, f))
            .collect();
        let body = format!(
            "## Terraform at scale\n\n\
             Written by `make bench` (`benches/scale.rs`): Terraform 1.15.5 runs `apply`, a refresh-only `plan` \
             and `destroy` of {count} `gcp_partner` interconnects (the in-process mock makes them healthy at the \
             first poll; `-parallelism=10`; a budget of 10,000 requests per second, the most the provider accepts, \
             so the API is not the limit), against the same commands over {count} `noop_thing`s of \
             `terraform-provider-noop`, the floor of this project's stack (target: ≤ 1.15× the floor). The Go \
             floor is the same resource in Go (`benches/go-floor/`: go-plugin 1.0.1, grpc-go 1.33, Go 1.19, \
             Debian's packages; `scripts/build-go-floor.sh`; \"–\" where it could not be built). The same-size \
             floor is the plain floor holding as many bytes of state per resource as an interconnect does \
             ({sized_bytes} B against {cni_bytes} B, padding marked sensitive so that the plan does not print it; \
             the plain floor's is {noop_bytes} B): Terraform writes the whole state file after each resource it \
             applies or destroys, so a command's cost grows with the state it keeps, whichever provider made it. \
             The median of {rounds} rounds, alternating.\n\n\
             | command | floor | Go floor | floor, same state size | cni | cni ÷ floor | cni ÷ same-size floor |\n\
             |---|---|---|---|---|---|---|\n{times}\n\
             Where the time goes: the CPU time of each whole command (Terraform and the provider processes it \
             started, from `getrusage`; median), the provider's own share of it (`utime` + `stime` from `/proc`, \
             one more run of each command through a provider started in debug mode), and the requests the \
             provider sent (the mock's log, last round; the in-process mock's CPU is in none of these):\n\n\
             | command | command CPU: floor | same-size floor | cni | provider CPU: floor | cni | requests to the API |\n\
             |---|---|---|---|---|---|---|\n{costs}\n\
             {}",
            report::measured_on(),
            rounds = self.settings.rounds,
        );
        self.settings.report("scale", &body);
        self.runtime.block_on(mock.stop());
    }

    /// The same commands with the provider listening on TCP (`CNI_PLUGIN_NETWORK=tcp`) and on its
    /// default Unix socket, alternating: whether the socket, which keeps other local users out, costs
    /// anything.
    fn plugin_transport(&self) {
        let count = self.settings.count;
        let mock = self.runtime.block_on(start_mock(HealthyAfter::Polls(0)));
        let ws = Workspace::new(
            &self.settings,
            &self.terraform,
            &cni_config_with(&mock.base_url(), count, "100ms"),
        );
        let mut tcp: Vec<Vec<Duration>> = COMMANDS.iter().map(|_| Vec::new()).collect();
        let mut unix: Vec<Vec<Duration>> = COMMANDS.iter().map(|_| Vec::new()).collect();
        for round in 0..self.settings.rounds {
            // Alternate which transport goes first in a round; each applies, refreshes and destroys.
            let order: [bool; 2] = if round % 2 == 0 {
                [true, false]
            } else {
                [false, true]
            };
            for over_tcp in order {
                let env: &[(&str, &str)] = if over_tcp {
                    &[("CNI_PLUGIN_NETWORK", "tcp")]
                } else {
                    &[]
                };
                for (i, (_, args)) in COMMANDS.iter().enumerate() {
                    let took = ws.time_with(args, env);
                    if over_tcp {
                        tcp[i].push(took)
                    } else {
                        unix[i].push(took)
                    }
                }
            }
        }
        let rows: String = COMMANDS
            .iter()
            .zip(tcp.into_iter().zip(unix))
            .map(|((label, _), (tcp, unix))| {
                let (tcp, unix) = (median(tcp), median(unix));
                format!(
                    "| {label} of {count} | {} | {} | {:.2} |\n",
                    seconds(tcp),
                    seconds(unix),
                    unix.as_secs_f64() / tcp.as_secs_f64().max(1e-9)
                )
            })
            .collect();
        let body = format!(
            "## The plugin's transport\n\n\
             Written by `make bench` (`benches/scale.rs`): the provider listens on a Unix socket in a \
             directory only its user may enter (so no other local user can drive it), or on TCP 127.0.0.1 \
             with `CNI_PLUGIN_NETWORK=tcp`. The same {count} interconnects as above, applied, refreshed and \
             destroyed over each, the median of {rounds} rounds, alternating.\n\n\
             | command | TCP | Unix socket | socket ÷ TCP |\n|---|---|---|---|\n{rows}\n{}",
            report::measured_on(),
            rounds = self.settings.rounds,
        );
        self.settings.report("transport", &body);
        self.runtime.block_on(mock.stop());
    }

    /// Fails when a command spends more requests than its share: a create is a `POST` and a status
    /// read plus a shared listing; a refresh is a status read plus a shared listing.
    fn check_economy(&self, figures: &[CommandFigures]) {
        let count = self.settings.count;
        let listing = count.div_ceil(100) + 1;
        let (apply, refresh) = (figures[0].requests, figures[1].requests);
        assert!(
            apply <= 2 * count + listing,
            "apply of {count} sent {apply} requests"
        );
        assert!(
            refresh <= count + listing,
            "refresh of {count} sent {refresh} requests"
        );
    }
}

fn time_row(label: &str, count: usize, f: &CommandFigures) -> String {
    let (floor, sized, cni) = (
        median(f.floor.clone()),
        median(f.sized_floor.clone()),
        median(f.cni.clone()),
    );
    let go = match f.go_floor.is_empty() {
        true => "–".to_owned(),
        false => seconds(median(f.go_floor.clone())),
    };
    format!(
        "| {label} of {count} | {} | {go} | {} | {} | {:.2} | {:.2} |\n",
        seconds(floor),
        seconds(sized),
        seconds(cni),
        cni.as_secs_f64() / floor.as_secs_f64(),
        cni.as_secs_f64() / sized.as_secs_f64(),
    )
}

fn cost_row(label: &str, count: usize, f: &CommandFigures) -> String {
    let command_cpu = |i: usize| median(f.command_cpu[i].clone()).as_millis();
    format!(
        "| {label} of {count} | {} ms | {} ms | {} ms | {} ms | {} ms | {} ({:.2} per interconnect) |\n",
        command_cpu(0),
        command_cpu(1),
        command_cpu(2),
        f.floor_cpu.as_millis(),
        f.cni_cpu.as_millis(),
        f.requests,
        f.requests as f64 / count as f64
    )
}

/// The CPU time a fresh debug-mode `binary` spends serving `args` in `ws`.
fn cpu_of(ws: &Workspace, binary: &Path, args: &[&str]) -> Duration {
    let provider = DebugProvider::start(binary);
    let empty_rc = ws.dir.path().join("empty.tfrc");
    std::fs::write(&empty_rc, "").expect("write an empty CLI config");
    let before = provider.cpu_time();
    ws.time_with(
        args,
        &[
            ("TF_REATTACH_PROVIDERS", &provider.reattach),
            ("TF_CLI_CONFIG_FILE", &empty_rc.to_string_lossy()),
        ],
    );
    provider.cpu_time().saturating_sub(before)
}

impl Bench {
    /// Creates one interconnect at a time against a mock that turns it Healthy [`HEALTHY_AFTER`] after
    /// its POST, and reads from the mock's log when the status poll that saw it came.
    fn healthy_detection(&self) {
        let mock = self
            .runtime
            .block_on(start_mock(HealthyAfter::Elapsed(HEALTHY_AFTER)));
        let ws = Workspace::new(
            &self.settings,
            &self.terraform,
            &cni_config_with(&mock.base_url(), 1, DETECTION_POLL_INTERVAL),
        );
        let mut lags = Vec::new();
        for _ in 0..self.settings.detection_rounds {
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
             {} times, against a mock that turns it Healthy {} after its POST, with \
             `poll_interval = \"{DETECTION_POLL_INTERVAL}\"` (the longest pause between polls; they start at 250 ms \
             and double). Lag: from the moment it turned Healthy to the status poll that saw it, in the mock's \
             log.\n\n\
             | poll interval | median lag | worst lag | target |\n|---|---|---|---|\n\
             | {DETECTION_POLL_INTERVAL} | {} ms | {} ms | within one poll interval |\n\n\
             {}",
            self.settings.detection_rounds,
            humantime::format_duration(HEALTHY_AFTER),
            lag.as_millis(),
            worst.as_millis(),
            report::measured_on()
        );
        self.settings.report("healthy", &body);
        self.runtime.block_on(mock.stop());
    }
}

impl DebugProvider {
    /// The CPU time the process has used so far, in user and kernel mode, every thread included.
    fn cpu_time(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).expect("stat");
        // The fields after the command name (which may hold spaces) end with ')'; utime and stime are
        // the 14th and 15th fields of the line, the 12th and 13th after the name.
        let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or_default();
        let ticks: u64 = after_name
            .split_whitespace()
            .skip(11)
            .take(2)
            .filter_map(|t| t.parse::<u64>().ok())
            .sum();
        let per_second = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
            .ok()
            .flatten()
            .filter(|hz| *hz > 0)
            .unwrap_or(100) as u64;
        Duration::from_millis(ticks * 1000 / per_second)
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
fn read_list(settings: &Settings, ws: &Workspace) -> (Duration, u64) {
    let provider = DebugProvider::start(&settings.binary("terraform-provider-cni"));
    let elapsed = ws.time_with(
        &["plan", "-input=false", "-no-color"],
        &[("TF_REATTACH_PROVIDERS", &provider.reattach)],
    );
    (elapsed, provider.peak_rss_kb())
}

impl Bench {
    /// The `cni_interconnects` data source over [`LIST_SIZE`] interconnects against an empty account.
    fn list_at_scale(&self) {
        let (list_size, list_rounds) = (self.settings.list_size, self.settings.list_rounds);
        let mock = self.runtime.block_on(start_mock(HealthyAfter::Polls(0)));
        self.runtime.block_on(seed(&mock, list_size));
        let full = Workspace::new(
            &self.settings,
            &self.terraform,
            &list_config(&mock.base_url(), ACCOUNT),
        );
        let empty = Workspace::new(
            &self.settings,
            &self.terraform,
            &list_config(&mock.base_url(), EMPTY_ACCOUNT),
        );
        let (mut base, mut cand, mut base_rss, mut cand_rss) = (vec![], vec![], vec![], vec![]);
        for _ in 0..list_rounds {
            let (t, rss) = read_list(&self.settings, &empty);
            base.push(t);
            base_rss.push(rss);
            let (t, rss) = read_list(&self.settings, &full);
            cand.push(t);
            cand_rss.push(rss);
        }
        let listing = format!("/accounts/{ACCOUNT}/cni/interconnects");
        let pages = mock
            .requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path.split('?').next() == Some(listing.as_str()))
            .count()
            / list_rounds;
        let (b, c) = (median(base), median(cand));
        let median_kb = |mut v: Vec<u64>| {
            v.sort();
            v[v.len() / 2]
        };
        let body = format!(
            "## List at scale\n\n\
             Written by `make bench` (`benches/scale.rs`): `terraform plan` reading `cni_interconnects` over \
             {list_size} interconnects (pages of 100: {pages} requests per read), against the same plan over an empty \
             account; the provider runs in debug mode (`TF_REATTACH_PROVIDERS`), fresh for every plan, so its \
             peak RSS is its own (`VmHWM`). Median of {list_rounds} rounds, alternating. The provider's time is \
             the difference between the two plans (it includes Terraform's handling of the larger value).\n\n\
             | | empty account | {list_size} interconnects | difference | target |\n|---|---|---|---|---|\n\
             | plan wall time | {} | {} | {} | ≤ 1 s of provider time |\n\
             | provider peak RSS | {:.1} MB | {:.1} MB | | ≤ 64 MB |\n\n\
             {}",
            seconds(b),
            seconds(c),
            seconds(c.saturating_sub(b)),
            median_kb(base_rss) as f64 / 1000.0,
            median_kb(cand_rss) as f64 / 1000.0,
            report::measured_on()
        );
        self.settings.report("list", &body);
        self.runtime.block_on(mock.stop());
    }
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

impl Bench {
    /// One create, read and delete, then a refresh of [`COUNT`] at the default budget.
    fn api_economy(&self) {
        let count = self.settings.count;
        let mock = self.runtime.block_on(start_mock(HealthyAfter::Polls(0)));
        let one = Workspace::new(
            &self.settings,
            &self.terraform,
            &cni_config_with(&mock.base_url(), 1, "100ms"),
        );
        let mut rows = String::new();
        for (label, args) in [
            ("create (`apply`)", COMMANDS[0].1),
            ("read (`plan -refresh-only`)", COMMANDS[1].1),
            ("delete (`destroy`, with its refresh)", COMMANDS[2].1),
        ] {
            let (n, endpoints, _) = spend(&mock, &one, args);
            rows.push_str(&format!("| {label} of 1 | {n} | {endpoints} |\n"));
        }
        let many = Workspace::new(
            &self.settings,
            &self.terraform,
            &cni_config_with(&mock.base_url(), count, "100ms"),
        );
        let (n, endpoints, _) = spend(&mock, &many, COMMANDS[0].1);
        rows.push_str(&format!("| `apply` of {count} | {n} | {endpoints} |\n"));
        std::fs::write(
            many.dir.path().join("main.tf"),
            cni_config_budget(&mock.base_url(), count, "100ms", ""),
        )
        .expect("write main.tf");
        let (n, endpoints, refresh) = spend(&mock, &many, COMMANDS[1].1);
        rows.push_str(&format!(
            "| `plan -refresh-only` of {count}, default budget | {n} | {endpoints} |\n"
        ));
        std::fs::write(
            many.dir.path().join("main.tf"),
            cni_config_with(&mock.base_url(), count, "100ms"),
        )
        .expect("write main.tf");
        many.time(COMMANDS[2].1);
        let body = format!(
            "## API economy\n\n\
         Written by `make bench` (`benches/scale.rs`): the requests each command sent to the in-process mock \
         (interconnects healthy at once), by endpoint. The API allows 1,200 requests per 5 minutes; the \
         provider's default budget is 4 per second.\n\n\
         | command | requests | by endpoint |\n|---|---|---|\n{rows}\n\
         The refresh of {count} at the default budget took {}.\n\n\
         {}",
            seconds(refresh),
            report::measured_on()
        );
        self.settings.report("economy", &body);
        self.runtime.block_on(mock.stop());
    }
}
