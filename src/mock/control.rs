//! What the mock adds around the API: injected faults, the request log and the rate limit, with the
//! `/__mock/` control endpoints that drive them.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::envelope::{code, ApiFailure};
use super::log::{LoggedRequest, RequestLog};
use super::store::{MockStatus, StatusScript, Store};

/// When a fault strikes, relative to the real handling of the request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Instead of handling the request (it has no effect).
    #[default]
    Before,
    /// After handling it (it took effect; only the response is spoiled).
    After,
}

/// What a fault does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultAction {
    /// Answer with this status in the error envelope, optionally with `Retry-After` (seconds).
    Status {
        /// The HTTP status.
        status: u16,
        /// A `Retry-After` header, in seconds.
        #[serde(default)]
        retry_after: Option<u64>,
    },
    /// Wait this long (before handling, or before answering with phase `after`).
    Delay {
        /// The delay in milliseconds.
        delay_ms: u64,
    },
    /// Close the connection without answering.
    Drop,
    /// Answer with this raw body (malformed JSON, unknown values, …).
    Body {
        /// The HTTP status.
        #[serde(default = "ok_status")]
        status: u16,
        /// The body, sent as is.
        body: String,
        /// The `Content-Type`; `application/json` by default.
        #[serde(default)]
        content_type: Option<String>,
    },
    /// Answer with the first half of the real body (phase `after` only).
    Truncate,
    /// Answer with an HTML error page, as a proxy or a wrong URL path would (404 by default).
    Html {
        /// The HTTP status.
        #[serde(default = "not_found_status")]
        status: u16,
    },
}

fn not_found_status() -> u16 {
    404
}

fn ok_status() -> u16 {
    200
}

fn one() -> u32 {
    1
}

/// A fault for the next `count` requests that match `method` and `path`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultSpec {
    /// Only requests with this method (any when absent).
    #[serde(default)]
    pub method: Option<String>,
    /// Only requests whose path below `/client/v4` matches this regular expression (any when absent).
    #[serde(default)]
    pub path: Option<String>,
    /// Only requests whose body (as text) matches this regular expression (any when absent), to aim
    /// at one of several concurrent creates.
    #[serde(default)]
    pub body_matches: Option<String>,
    /// How many requests it strikes.
    #[serde(default = "one")]
    pub count: u32,
    /// Before or after the real handling.
    #[serde(default)]
    pub phase: Phase,
    /// What it does.
    #[serde(flatten)]
    pub action: FaultAction,
}

#[derive(Debug)]
struct ActiveFault {
    spec: FaultSpec,
    path: Option<regex::Regex>,
    body: Option<regex::Regex>,
    remaining: u32,
}

/// The longest pattern a fault takes.
pub const MAX_PATTERN_LENGTH: usize = 1_000;
/// The most memory one compiled pattern (and its lazy DFA) may take.
const MAX_REGEX_BYTES: usize = 1 << 20;

/// A fault's pattern, compiled within bounds: no pattern can take the mock's memory.
fn bounded_regex(pattern: Option<&str>, what: &str) -> Result<Option<regex::Regex>, String> {
    let Some(pattern) = pattern else {
        return Ok(None);
    };
    if pattern.len() > MAX_PATTERN_LENGTH {
        return Err(format!(
            "{what}: a pattern of {} characters is longer than {MAX_PATTERN_LENGTH}",
            pattern.len()
        ));
    }
    regex::RegexBuilder::new(pattern)
        .size_limit(MAX_REGEX_BYTES)
        .dfa_size_limit(MAX_REGEX_BYTES)
        .build()
        .map(Some)
        .map_err(|e| format!("{what}: {e}"))
}

/// The API's rate limit: more than `limit` requests within `window` locks the credential out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub limit: u32,
    /// The sliding window.
    pub window: Duration,
    /// How long a lockout lasts.
    pub lockout: Duration,
}

#[derive(Debug, Default)]
struct Limiter {
    recent: HashMap<String, VecDeque<Instant>>,
    locked_until: HashMap<String, Instant>,
    lockouts: u64,
    rejected: u64,
}

/// Random faults on every API request, drawn from a seeded generator so that a run can be replayed.
#[derive(Debug)]
struct Chaos {
    rate: f64,
    lag: f64,
    rng: rand::rngs::StdRng,
}

/// Settings of the random faults (`PUT /__mock/chaos`, `--chaos`, `--chaos-seed` and `--chaos-lag`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChaosSpec {
    /// The share of API requests that get a fault, from 0 to 1.
    pub rate: f64,
    /// The generator's seed: the same seed draws the same faults in the same order.
    #[serde(default)]
    pub seed: u64,
    /// The share of listings (`GET` of a collection) that lag, answered with an empty last page, from
    /// 0 to 1; `rate` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lag: Option<f64>,
}

/// The answer of a listing that lags: an empty last page.
const EMPTY_LAST_PAGE: &str = r#"{"items":[],"next":0}"#;

/// A listing that lags: answered at once with an empty last page.
fn lagging_listing() -> FaultSpec {
    fault_of(
        Phase::Before,
        FaultAction::Body {
            status: 200,
            body: EMPTY_LAST_PAGE.to_owned(),
            content_type: None,
        },
    )
}

/// A fault of one request, on any request.
fn fault_of(phase: Phase, action: FaultAction) -> FaultSpec {
    FaultSpec {
        method: None,
        path: None,
        body_matches: None,
        count: 1,
        phase,
        action,
    }
}

/// The faults chaos draws from, evenly: refusals before the work (429, 502, 503, a dropped connection)
/// and lost or late answers after it (500, a dropped connection, an answer 2.5 s late).
fn chaos_menu(pick: u32) -> FaultSpec {
    let (phase, action) = match pick % 7 {
        6 => (Phase::After, FaultAction::Delay { delay_ms: 2500 }),
        0 => (
            Phase::Before,
            FaultAction::Status {
                status: 429,
                retry_after: Some(0),
            },
        ),
        1 => (
            Phase::Before,
            FaultAction::Status {
                status: 502,
                retry_after: None,
            },
        ),
        2 => (
            Phase::Before,
            FaultAction::Status {
                status: 503,
                retry_after: None,
            },
        ),
        3 => (Phase::Before, FaultAction::Drop),
        4 => (
            Phase::After,
            FaultAction::Status {
                status: 500,
                retry_after: None,
            },
        ),
        _ => (Phase::After, FaultAction::Drop),
    };
    fault_of(phase, action)
}

/// The mock's shared state.
#[derive(Debug)]
pub struct Shared {
    chaos: Mutex<Option<Chaos>>,
    started: Instant,
    store: Mutex<Store>,
    faults: Mutex<Vec<ActiveFault>>,
    log: Mutex<RequestLog>,
    rate_limit: Option<RateLimit>,
    limiter: Mutex<Limiter>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    /// Shared state around `store`.
    pub fn new(store: Store, rate_limit: Option<RateLimit>, log_limit: usize) -> Self {
        Shared {
            chaos: Mutex::new(None),
            started: Instant::now(),
            store: Mutex::new(store),
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(RequestLog::new(log_limit)),
            rate_limit,
            limiter: Mutex::new(Limiter::default()),
        }
    }

    /// The store, locked.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    /// Adds a fault; fails on a pattern that is invalid or too large, a status the mock cannot answer
    /// with, or a count of 0.
    pub fn add_fault(&self, spec: FaultSpec) -> Result<(), String> {
        let path = bounded_regex(spec.path.as_deref(), "path")?;
        let body = bounded_regex(spec.body_matches.as_deref(), "body_matches")?;
        if spec.action == FaultAction::Truncate && spec.phase != Phase::After {
            return Err("a truncate fault needs \"phase\": \"after\"".into());
        }
        if spec.count == 0 {
            return Err("count must be at least 1".into());
        }
        let status = match &spec.action {
            FaultAction::Status { status, .. }
            | FaultAction::Body { status, .. }
            | FaultAction::Html { status } => Some(*status),
            _ => None,
        };
        if let Some(status) = status.filter(|s| !(200..=599).contains(s)) {
            return Err(format!("status {status} is not a final answer (200 to 599)"));
        }
        let remaining = spec.count;
        lock(&self.faults).push(ActiveFault {
            spec,
            path,
            body,
            remaining,
        });
        Ok(())
    }

    /// Starts (or, with a rate of 0, stops) random faults on every API request.
    pub fn set_chaos(&self, spec: ChaosSpec) -> Result<(), String> {
        let lag = spec.lag.unwrap_or(spec.rate);
        for (what, share) in [("rate", spec.rate), ("lag", lag)] {
            if !(0.0..=1.0).contains(&share) {
                return Err(format!("{what} {share} is not between 0 and 1"));
            }
        }
        *lock(&self.chaos) = (spec.rate > 0.0 || lag > 0.0).then(|| Chaos {
            rate: spec.rate,
            lag,
            rng: rand::SeedableRng::seed_from_u64(spec.seed),
        });
        Ok(())
    }

    /// A random fault for this request (`listing`: a `GET` of a collection, which may also lag), when
    /// chaos is on and the draw says so.
    pub fn chaos_fault(&self, listing: bool) -> Option<FaultSpec> {
        use rand::Rng;
        let mut chaos = lock(&self.chaos);
        let chaos = chaos.as_mut()?;
        if listing && chaos.rng.random_bool(chaos.lag) {
            return Some(lagging_listing());
        }
        let strikes = chaos.rng.random_bool(chaos.rate);
        let pick: u32 = chaos.rng.random();
        strikes.then(|| chaos_menu(pick))
    }

    /// Takes one strike of the first fault matching the request, if any.
    pub fn take_fault(&self, method: &str, path: &str, body: &str) -> Option<FaultSpec> {
        let mut faults = lock(&self.faults);
        let index = faults.iter().position(|f| {
            f.remaining > 0
                && f.spec
                    .method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(method))
                && f.path.as_ref().is_none_or(|p| p.is_match(path))
                && f.body.as_ref().is_none_or(|b| b.is_match(body))
        })?;
        let fault = &mut faults[index];
        fault.remaining -= 1;
        let spec = fault.spec.clone();
        if fault.remaining == 0 {
            faults.remove(index);
        }
        Some(spec)
    }

    /// Records a request (its credentials checked); returns its sequence number.
    pub fn log_request(&self, mut entry: LoggedRequest) -> u64 {
        let mut log = lock(&self.log);
        entry.seq = log.next_seq();
        entry.at_ms = self.started.elapsed().as_millis() as u64;
        let seq = entry.seq;
        log.record(entry);
        seq
    }

    /// Counts a request refused for its credentials (not logged); returns its sequence number.
    pub fn refuse_unauthenticated(&self) -> u64 {
        let mut log = lock(&self.log);
        log.count_unauthenticated();
        log.next_seq()
    }

    /// Completes the log entry `seq` with the answer's status and the fault that struck.
    pub fn complete_log(&self, seq: u64, status: u16, fault: Option<String>) {
        lock(&self.log).complete(seq, status, fault);
    }

    /// The request log, copied.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.log).entries()
    }

    /// Counts a request against the rate limit; `Err(seconds)` when the credential is locked out.
    pub fn check_rate_limit(&self, credential: &str) -> Result<(), u64> {
        let Some(rule) = self.rate_limit else {
            return Ok(());
        };
        let now = Instant::now();
        let mut limiter = lock(&self.limiter);
        if let Some(until) = limiter.locked_until.get(credential).copied() {
            if until > now {
                limiter.rejected += 1;
                return Err((until - now).as_secs_f64().ceil() as u64);
            }
            limiter.locked_until.remove(credential);
        }
        let recent = limiter.recent.entry(credential.to_owned()).or_default();
        while recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= rule.window)
        {
            recent.pop_front();
        }
        recent.push_back(now);
        if recent.len() > rule.limit as usize {
            recent.clear();
            limiter
                .locked_until
                .insert(credential.to_owned(), now + rule.lockout);
            limiter.lockouts += 1;
            limiter.rejected += 1;
            return Err(rule.lockout.as_secs_f64().ceil() as u64);
        }
        Ok(())
    }

    fn stats(&self) -> Value {
        let limiter = lock(&self.limiter);
        let log = lock(&self.log);
        json!({
            "requests": log.held(),
            "unauthenticated": log.unauthenticated(),
            "interconnects": self.store().interconnect_count(),
            "lockouts": limiter.lockouts,
            "rate_limited": limiter.rejected,
            "faults_pending": lock(&self.faults).iter().map(|f| u64::from(f.remaining)).sum::<u64>(),
        })
    }
}

/// The `/__mock/` control endpoints.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/__mock/health", get(|| async { "ok" }))
        .route(
            "/__mock/stats",
            get(|State(s): State<Arc<Shared>>| async move { Json(s.stats()) }),
        )
        .route("/__mock/requests", get(list_requests).delete(clear_requests))
        .route(
            "/__mock/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/__mock/chaos", put(set_chaos).delete(stop_chaos))
        .route("/__mock/interconnects", get(list_interconnects))
        .route(
            "/__mock/interconnects/{name}",
            axum::routing::delete(delete_interconnect),
        )
        .route("/__mock/interconnects/{name}/status", put(set_status))
        .route("/__mock/cnis", get(list_cnis).post(seed_cni))
        .with_state(shared)
}

/// `GET /__mock/requests[?since=N]`: the entries after sequence number `N` (all by default), written
/// from the log itself.
async fn list_requests(
    State(s): State<Arc<Shared>>,
    axum::extract::Query(page): axum::extract::Query<Since>,
) -> Response {
    let body = lock(&s.log).json_since(page.since.unwrap_or(0));
    ([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The page of `GET /__mock/requests`.
#[derive(Debug, Deserialize)]
struct Since {
    since: Option<u64>,
}

async fn clear_requests(State(s): State<Arc<Shared>>) -> StatusCode {
    lock(&s.log).clear();
    StatusCode::NO_CONTENT
}

async fn list_faults(State(s): State<Arc<Shared>>) -> Json<Vec<Value>> {
    let faults = lock(&s.faults);
    Json(
        faults
            .iter()
            .map(|f| json!({"fault": f.spec, "remaining": f.remaining}))
            .collect(),
    )
}

async fn add_fault(State(s): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let spec = match serde_json::from_slice::<FaultSpec>(&body) {
        Ok(spec) => spec,
        Err(e) => {
            return ApiFailure::bad_request(code::INVALID_BODY, format!("invalid fault: {e}")).into_response()
        }
    };
    match s.add_fault(spec) {
        Ok(()) => StatusCode::CREATED.into_response(),
        Err(e) => ApiFailure::bad_request(code::INVALID_BODY, format!("invalid fault: {e}")).into_response(),
    }
}

async fn set_chaos(State(s): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let spec = match serde_json::from_slice::<ChaosSpec>(&body) {
        Ok(spec) => spec,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("invalid chaos: {e}")).into_response(),
    };
    match s.set_chaos(spec) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, format!("invalid chaos: {e}")).into_response(),
    }
}

async fn stop_chaos(State(s): State<Arc<Shared>>) -> StatusCode {
    *lock(&s.chaos) = None;
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(s): State<Arc<Shared>>) -> StatusCode {
    lock(&s.faults).clear();
    StatusCode::NO_CONTENT
}

async fn list_interconnects(State(s): State<Arc<Shared>>) -> Json<Value> {
    Json(s.store().dump())
}

async fn list_cnis(State(s): State<Arc<Shared>>) -> Json<Value> {
    Json(s.store().dump_cnis())
}

/// `POST /__mock/cnis`: a CNI made as `POST /cni/cnis` of the body's `account` would make it (same
/// checks), without credentials, faults or the request log.
async fn seed_cni(State(s): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let body: Value = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("invalid CNI: {e}")).into_response(),
    };
    let account = body["account"].as_str().unwrap_or_default().to_owned();
    match s.store().create_cni(&account, &body) {
        Ok(created) => (StatusCode::CREATED, Json(created)).into_response(),
        Err(failure) => failure.into_response(),
    }
}

async fn delete_interconnect(State(s): State<Arc<Shared>>, Path(name): Path<String>) -> StatusCode {
    if s.store().delete_out_of_band(&name) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

/// Body of `PUT /__mock/interconnects/{name}/status`: a status, a sequence of them, or back to auto.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum StatusRequest {
    Sequence { sequence: Vec<MockStatus> },
    Auto { auto: bool },
    Fixed(MockStatus),
}

async fn set_status(
    State(s): State<Arc<Shared>>,
    Path(name): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let script = match serde_json::from_slice::<StatusRequest>(&body) {
        Ok(StatusRequest::Sequence { sequence }) if !sequence.is_empty() => {
            StatusScript::Sequence(sequence.into())
        }
        Ok(StatusRequest::Auto { auto: true }) => StatusScript::Auto,
        Ok(StatusRequest::Fixed(status)) => StatusScript::Fixed(status),
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                "expected {\"state\":..,\"reason\":..}, {\"sequence\":[..]} or {\"auto\":true}",
            )
                .into_response()
        }
    };
    if s.store().set_status_script(&name, script) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}
