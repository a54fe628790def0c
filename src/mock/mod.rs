//! `cni-mock`: a stand-in for the CNI API that behaves like the real one (paths, bodies, status codes,
//! validation, paging, status lifecycle), plus a control API under `/__mock/` to inject faults, change
//! statuses, delete behind a client's back and read the request log.
//!
//! It shares no code with [`crate::api`], so a misunderstanding of the API in one shows up as a failure
//! against the other.

mod cni_routes;
mod control;
mod envelope;
mod faults;
mod log;
mod quota;
mod requests;
mod routes;
mod store;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

pub use control::{ChaosSpec, FaultAction, FaultSpec, Phase, RateLimit};
pub use faults::paths;
pub use log::{LoggedRequest, DEFAULT_LOG_LIMIT, LOGGED_BODY_LIMIT};
pub use quota::{QuotaSpec, RatelimitHeaders};
pub use routes::{Credentials, BASE_PATH, BODY_READ_TIMEOUT, HEADER_READ_TIMEOUT, MAX_BODY_BYTES};

/// The account the documentation's examples use, which cni-mock serves by default (and tests and
/// benches use).
pub const DEFAULT_ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub use store::{
    fingerprint, md5_key_allowed, CniQuirk, EndOfList, HealthyAfter, MockStatus, NotFoundBody, StoreConfig,
    BANDWIDTHS, BGP_MODES, DEFAULT_ASN, FIRST_SLOT_ID,
};

use control::Shared;
use quota::Quotas;
use routes::ConnectionKill;
use store::Store;

/// Everything a mock is started with.
#[derive(Debug, Clone, Default)]
pub struct MockConfig {
    /// The credentials it accepts.
    pub credentials: Credentials,
    /// Paging, lifecycle and seeding.
    pub store: StoreConfig,
    /// The API's rate limit and lockout, if enforced.
    pub rate_limit: Option<RateLimit>,
    /// The accounts the credentials may use; any well-formed (32-hex) account when empty.
    pub accounts: Vec<String>,
    /// Random faults from the start, if any.
    pub chaos: Option<ChaosSpec>,
    /// The quota counted per credential (`--quota`), if any.
    pub quota: Option<QuotaSpec>,
    /// What answers carry of the quota.
    pub ratelimit_headers: RatelimitHeaders,
    /// How many entries the request log keeps (`DEFAULT_LOG_LIMIT` when `None`).
    pub log_limit: Option<usize>,
}

/// A running mock.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    quotas: Arc<Quotas>,
    shutdown: CancellationToken,
    task: JoinHandle<()>,
}

impl MockServer {
    /// Binds `listen` (e.g. `127.0.0.1:0`) and serves in the background on the current runtime.
    pub async fn start(listen: SocketAddr, config: MockConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let log_limit = config.log_limit.unwrap_or(DEFAULT_LOG_LIMIT);
        let shared = Arc::new(Shared::new(
            Store::new(config.store),
            config.rate_limit,
            log_limit,
        ));
        if let Some(chaos) = config.chaos {
            shared
                .set_chaos(chaos)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        }
        let accepted = routes::credential_ids(&config.credentials);
        let quotas = Arc::new(Quotas::new(config.quota, config.ratelimit_headers, accepted));
        let app = routes::router(
            shared.clone(),
            quotas.clone(),
            config.credentials,
            config.accounts,
        )
        .merge(control::router(shared.clone()))
        .merge(quota::control(quotas.clone()));
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(accept_loop(listener, app, shutdown.clone()));
        Ok(MockServer {
            addr,
            shared,
            quotas,
            shutdown,
            task,
        })
    }

    /// The API root clients use: `http://127.0.0.1:PORT/client/v4`.
    pub fn base_url(&self) -> String {
        format!("http://{}{BASE_PATH}", self.addr)
    }

    /// The root of the control API: `http://127.0.0.1:PORT/__mock`.
    pub fn control_url(&self) -> String {
        format!("http://{}/__mock", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many requests were refused for being over the quota (`MockConfig::quota`).
    pub fn quota_refused(&self) -> u64 {
        self.quotas.refused()
    }

    /// Starts every credential's quota window afresh, whole (`DELETE /__mock/quota`).
    pub fn renew_quota(&self) {
        self.quotas.renew();
    }

    /// Spends `requests` of every credential's quota, as another client would
    /// (`POST /__mock/quota/spend`).
    pub fn spend_quota(&self, requests: u64) {
        self.quotas.spend(requests);
    }

    /// Every request received so far under `/client/v4`.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.requests()
    }

    /// Adds a fault (the same as `POST /__mock/faults`).
    pub fn add_fault(&self, fault: FaultSpec) -> Result<(), String> {
        self.shared.add_fault(fault)
    }

    /// Every stored interconnect, with its bookkeeping (the same as `GET /__mock/interconnects`).
    pub fn interconnects(&self) -> serde_json::Value {
        self.shared.store().dump()
    }

    /// Every stored CNI object (the same as `GET /__mock/cnis`).
    pub fn cnis(&self) -> serde_json::Value {
        self.shared.store().dump_cnis()
    }

    /// Stops accepting connections and waits for the accept loop to end.
    pub async fn stop(self) {
        self.shutdown.cancel();
        let _ = self.task.await;
    }
}

/// Serves connections one task each; a handler can close its own connection (the `drop` fault).
/// The pause after a failed accept (out of file descriptors, say), instead of spinning on it.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(200);

async fn accept_loop(listener: TcpListener, app: axum::Router, shutdown: CancellationToken) {
    loop {
        let stream = tokio::select! {
            _ = shutdown.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!("accept failed: {e}; pausing {ACCEPT_ERROR_PAUSE:?}");
                    tokio::select! {
                        _ = shutdown.cancelled() => return,
                        _ = tokio::time::sleep(ACCEPT_ERROR_PAUSE) => continue,
                    }
                }
            },
        };
        if let Err(e) = stream.set_nodelay(true) {
            tracing::warn!("could not set TCP_NODELAY: {e}");
        }
        let app = app.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let kill = CancellationToken::new();
            let connection_kill = ConnectionKill(kill.clone());
            let service =
                hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(connection_kill.clone());
                    app.clone().oneshot(request.map(axum::body::Body::new))
                });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = kill.cancelled() => {}
                _ = shutdown.cancelled() => {}
            }
        });
    }
}
