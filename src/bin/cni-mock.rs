//! `cni-mock`: a mock Cloudflare Network Interconnects API for tests, demos and CI.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use cni::mock::{
    ChaosSpec, CniQuirk, Credentials, EndOfList, HealthyAfter, MockConfig, MockServer, NotFoundBody,
    QuotaSpec, RateLimit, RatelimitHeaders, StoreConfig,
};

use cni::mock::DEFAULT_ACCOUNT;

/// A mock of the Cloudflare Network Interconnects API. Prints its base URL as the first line on stdout,
/// then serves until interrupted. The control API lives under /__mock/ (see docs/guides/cni-mock.md).
#[derive(Debug, Parser)]
#[command(name = "cni-mock", version)]
struct Args {
    /// The address to listen on; port 0 picks a free port. Loopback only, unless --allow-remote: the
    /// control API under /__mock/ has no authentication.
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// Listen on a non-loopback --listen address (such as 0.0.0.0 in a container), exposing the
    /// unauthenticated control API to that network; a warning says so.
    #[arg(long)]
    allow_remote: bool,
    /// The API token clients must send as `Authorization: Bearer`.
    #[arg(
        long,
        env = "CNI_MOCK_TOKEN",
        required_unless_present = "api_key",
        hide_env_values = true
    )]
    token: Option<String>,
    /// A global API key clients may send as X-Auth-Key (with --email).
    #[arg(long, env = "CNI_MOCK_API_KEY", requires = "email", hide_env_values = true)]
    api_key: Option<String>,
    /// The e-mail that goes with --api-key (X-Auth-Email).
    #[arg(long, env = "CNI_MOCK_EMAIL", requires = "api_key")]
    email: Option<String>,
    /// An account the credentials may use (repeat for several). Requests for another well-formed
    /// account get the API's 403; an identifier that is not a 32-hex account tag gets its 400.
    #[arg(long = "account", default_value = DEFAULT_ACCOUNT)]
    accounts: Vec<String>,
    /// Accept any well-formed account instead of only the --account ones.
    #[arg(long, conflicts_with = "accounts")]
    any_account: bool,
    /// The default and largest page of list endpoints.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    page_size: u32,
    /// When a new interconnect turns Healthy: after N status polls answered Pending, after a duration
    /// (e.g. 3s), or never. Applies to both types; without it, gcp_partner turns Healthy after 2 polls
    /// and direct ports stay Pending (see --direct-healthy-after).
    #[arg(long)]
    healthy_after: Option<HealthyAfter>,
    /// The same for direct ports only, overriding --healthy-after. By default they stay Pending, like a
    /// real port waiting for its cross-connect; PUT /__mock/interconnects/{name}/status installs one.
    #[arg(long)]
    direct_healthy_after: Option<HealthyAfter>,
    /// Read-after-write lag: a new interconnect's first N GETs and status reads answer 404.
    #[arg(long, default_value_t = 0)]
    read_lag: u32,
    /// Leave `speed` out of gcp_partner answers (it is optional in the API's schema).
    #[arg(long)]
    omit_gcp_speed: bool,
    /// What `next` says on the last page of a listing: `zero` (as in the API documentation's example)
    /// or `null`.
    #[arg(long, default_value = "zero")]
    end_of_list: EndOfList,
    /// Listing lag: a new interconnect is left out of the first N listings that would show it.
    #[arg(long, default_value_t = 0)]
    list_lag: u32,
    /// Pairing keys are single-use, as Google's are: a key once used is refused even after the
    /// attachment made with it is deleted.
    #[arg(long)]
    single_use_keys: bool,
    /// Count interconnect names per account, so that two accounts can each have `icon-000001`.
    #[arg(long)]
    names_per_account: bool,
    /// The body of a 404 for an object that does not exist: `json` (Cloudflare's envelope), `text`
    /// (a plain-text line) or `empty` (the API documents no body for its 404s).
    #[arg(long, default_value = "json")]
    not_found_body: NotFoundBody,
    /// Every account's `default_asn` (`/cni/settings`) until a PUT sets another.
    #[arg(long, default_value_t = cni::mock::DEFAULT_ASN)]
    default_asn: u64,
    /// A way CNI answers differ from what was sent (repeat for several): `upper-case-account`,
    /// `reversed-prefixes`, `omit-md5`, `mask-md5` (`********`), or `grown-members` (members a client
    /// may not know yet, kept by a PUT only when it sends them).
    #[arg(long = "cni-quirk")]
    cni_quirks: Vec<CniQuirk>,
    /// Random faults on this share (0 to 1) of API requests: 429, 502, 503 and dropped connections
    /// before the work, 500 and dropped connections after it. Also `PUT /__mock/chaos`.
    #[arg(long, default_value_t = 0.0, value_parser = share)]
    chaos: f64,
    /// The seed of --chaos: the same seed draws the same faults in the same order.
    #[arg(long, default_value_t = 0)]
    chaos_seed: u64,
    /// With --chaos: the share (0 to 1) of listings that lag, answered with an empty last page; the
    /// --chaos share when not set.
    #[arg(long, value_parser = share)]
    chaos_lag: Option<f64>,
    /// How many reads (GETs, and listings that show it) still see an interconnect after its DELETE.
    #[arg(long, default_value_t = 0)]
    delete_lag: u32,
    /// Slots seeded at each of the four sites.
    #[arg(long, default_value_t = 4)]
    slots_per_site: usize,
    /// How many requests the log under /__mock/requests keeps; older ones make way.
    #[arg(long, default_value_t = cni::mock::DEFAULT_LOG_LIMIT as u64, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    log_limit: u64,
    /// A real quota per credential, such as 1200/300s: every answer's Ratelimit fields from its count,
    /// and a request over it answered 429 with Retry-After, the credential locked out for the rest of
    /// the window. Without it the fields say the quota is far from spent and nothing is counted.
    #[arg(long)]
    quota: Option<QuotaSpec>,
    /// Whether answers carry the Ratelimit and Ratelimit-Policy fields: `sent`, `none`, or `malformed`.
    #[arg(long, default_value = "sent")]
    ratelimit_headers: RatelimitHeaders,
    /// Enforce a rate limit: more than this many requests within --rate-window locks the credential out.
    #[arg(long)]
    rate_limit: Option<u32>,
    /// The rate limit's sliding window.
    #[arg(long, default_value = "5m", value_parser = bounded_duration)]
    rate_window: Duration,
    /// How long a lockout lasts (every request answered 429).
    #[arg(long, default_value = "5m", value_parser = bounded_duration)]
    lockout: Duration,
}

/// A share from 0 to 1 (not NaN).
fn share(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(share) if (0.0..=1.0).contains(&share) => Ok(share),
        _ => Err(format!("{text:?} is not a share from 0 to 1")),
    }
}

/// Why the mock refuses to listen on `listen` (not loopback, and not allowed); a loud warning when it
/// is allowed.
fn refuse_remote(listen: SocketAddr, allow_remote: bool) -> Result<(), String> {
    let ip = listen.ip();
    if !ip.is_loopback() && !allow_remote {
        return Err(format!(
            "--listen {listen} is not a loopback address: cni-mock's control API (/__mock/) has no \
             authentication. Listen on 127.0.0.1, or pass --allow-remote to expose it on purpose."
        ));
    }
    if !ip.is_loopback() {
        eprintln!(
            "WARNING: cni-mock listens on {listen}: anyone who can reach it can drive its unauthenticated \
             control API (/__mock/)."
        );
    }
    Ok(())
}

/// The base URL to print for the mock bound at `bound` on `listen`: a wildcard address is reached
/// over loopback.
fn base_url_for(listen: SocketAddr, bound: SocketAddr) -> String {
    let ip = listen.ip();
    let host = match ip.is_unspecified() || ip.is_loopback() {
        true => std::net::IpAddr::from([127, 0, 0, 1]),
        false => ip,
    };
    format!(
        "http://{}{}",
        SocketAddr::new(host, bound.port()),
        cni::mock::BASE_PATH
    )
}

/// A duration of at most a year (longer ones would overflow the clock).
fn bounded_duration(text: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(text).map_err(|e| e.to_string())?;
    if duration > Duration::from_secs(366 * 24 * 3600) {
        return Err(format!("{text:?} is longer than a year"));
    }
    Ok(duration)
}

impl Args {
    fn config(&self) -> MockConfig {
        MockConfig {
            credentials: Credentials {
                token: self.token.clone(),
                key_email: self.api_key.clone().zip(self.email.clone()),
            },
            store: StoreConfig {
                page_size: self.page_size as usize,
                healthy_after: self.healthy_after.unwrap_or(HealthyAfter::Polls(2)),
                direct_healthy_after: self
                    .direct_healthy_after
                    .or(self.healthy_after)
                    .unwrap_or(HealthyAfter::Never),
                delete_lag: self.delete_lag,
                slots_per_site: self.slots_per_site,
                read_lag: self.read_lag,
                omit_gcp_speed: self.omit_gcp_speed,
                end_of_list: self.end_of_list,
                list_lag: self.list_lag,
                single_use_keys: self.single_use_keys,
                names_per_account: self.names_per_account,
                not_found_body: self.not_found_body,
                default_asn: self.default_asn,
                cni_quirks: self.cni_quirks.clone(),
            },
            quota: self.quota,
            log_limit: Some(self.log_limit as usize),
            ratelimit_headers: self.ratelimit_headers,
            chaos: (self.chaos > 0.0 || self.chaos_lag.is_some_and(|lag| lag > 0.0)).then_some(ChaosSpec {
                rate: self.chaos,
                seed: self.chaos_seed,
                lag: self.chaos_lag,
            }),
            accounts: if self.any_account {
                Vec::new()
            } else {
                self.accounts.clone()
            },
            rate_limit: self.rate_limit.map(|limit| RateLimit {
                limit,
                window: self.rate_window,
                lockout: self.lockout,
            }),
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CNI_MOCK_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let args = Args::parse();
    if let Err(refused) = refuse_remote(args.listen, args.allow_remote) {
        eprintln!("{refused}");
        std::process::exit(2);
    }
    let server = MockServer::start(args.listen, args.config()).await?;
    let base_url = base_url_for(args.listen, server.addr());
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{base_url}")?;
    stdout.flush()?;
    wait_for_termination().await?;
    server.stop().await;
    Ok(())
}

async fn wait_for_termination() -> std::io::Result<()> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result,
        _ = terminate.recv() => Ok(()),
    }
}
