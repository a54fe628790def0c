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
//! a refresh of [`COUNT`] interconnects at the provider's default budget; and the economy of
//! [`COUNT`] connections (create, refresh, update in place, destroy). Run with `make bench`; writes its
//! sections of BENCHMARKS.md.
//!
//! `CNI_BENCH_SECTIONS=connections,economy` runs only those sections (scale, transport, detection,
//! list, economy, connections, quota).
//!
//! Without `--bench` (`cargo test --bench scale`, part of `make test`) it is a smoke run: every
//! measurement at a small size, with the debug binaries, once, printed but not written, so that the
//! harness cannot rot unnoticed. Either way it fails when the requests spent per interconnect grow.

#[path = "../report.rs"]
mod report;

#[path = "../../tests/fixtures/mod.rs"]
mod fixtures;

mod connections;
mod detection;
mod economy;
mod figures;
mod listing;
mod quota;

use figures::{cost_row, cpu_of, time_row};
use fixtures::debug_provider::DebugProvider;
use fixtures::{ACCOUNT, TOKEN};

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cni::mock::{
    Credentials, HealthyAfter, MockConfig, MockServer, QuotaSpec, RatelimitHeaders, StoreConfig,
};

const COUNT: usize = 200;
const ROUNDS: usize = 5;
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
    start_mock_with(healthy_after, None, RatelimitHeaders::Sent).await
}

/// A mock whose interconnects turn healthy after `healthy_after`, counting `quota` (none: nothing
/// counted), its answers carrying `headers`.
async fn start_mock_with(
    healthy_after: HealthyAfter,
    quota: Option<QuotaSpec>,
    headers: RatelimitHeaders,
) -> MockServer {
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
        quota,
        ratelimit_headers: headers,
        log_limit: None,
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

/// A section of the run: its name (for `CNI_BENCH_SECTIONS`) and what runs it.
type Section = (&'static str, fn(&Bench));

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
    let sections: [Section; 7] = [
        ("scale", Bench::terraform_at_scale),
        ("transport", Bench::plugin_transport),
        ("detection", Bench::healthy_detection),
        ("list", Bench::list_at_scale),
        ("economy", Bench::api_economy),
        ("connections", Bench::connection_economy),
        ("quota", Bench::quota_spent),
    ];
    let only = std::env::var("CNI_BENCH_SECTIONS").unwrap_or_default();
    for (name, run) in sections {
        if only.is_empty() || only.split(',').any(|wanted| wanted.trim() == name) {
            run(&bench);
        }
    }
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
             Written by `make bench` (`benches/scale/`): Terraform 1.15.5 runs `apply`, a refresh-only `plan` \
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
             Written by `make bench` (`benches/scale/`): the provider listens on a Unix socket in a \
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
    /// read plus a shared listing; a refresh is a status read plus a shared listing (and the `GET` of
    /// the first read, before sharing pays); a destroy is its refresh, a `DELETE` each, and waits for
    /// "gone" that share a listing per wave of `-parallelism=10` (the first wave a `GET` each; a wave
    /// may split in two).
    fn check_economy(&self, figures: &[CommandFigures]) {
        let count = self.settings.count;
        let listing = count.div_ceil(100) + 1;
        let (apply, refresh, destroy) = (figures[0].requests, figures[1].requests, figures[2].requests);
        assert!(
            destroy <= 2 * count + listing + 10 + 2 * (count / 10) * listing,
            "destroy of {count} sent {destroy} requests"
        );
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
