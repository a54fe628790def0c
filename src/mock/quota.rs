//! The API's quota as the mock keeps it (`--quota 1200/300s`): every answer carries the `Ratelimit`
//! and `Ratelimit-Policy` fields the API sends, from the credential's own count in a fixed window that
//! starts with its first request; a request over the quota gets 429 with `Retry-After` and locks the
//! credential out for the rest of the window. Without `--quota` the fields say the quota is far from
//! spent and nothing is counted. `--ratelimit-headers none|malformed` leaves them out or garbles them,
//! as a proxy might. `POST /__mock/quota/spend` spends part of it, as another client of the same token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::envelope::{code, ApiFailure};

/// What the fields say when no quota is counted: the API's default quota, untouched.
const UNCOUNTED: QuotaSpec = QuotaSpec {
    requests: 1200,
    window: Duration::from_secs(300),
};

/// A quota: requests per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaSpec {
    /// Requests per window.
    pub requests: u64,
    /// The window.
    pub window: Duration,
}

impl std::str::FromStr for QuotaSpec {
    type Err = String;

    /// `1200/300s`, `1200/5m`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || format!("{s:?} is not a quota such as 1200/300s (requests / window)");
        let (requests, window) = s.split_once('/').ok_or_else(invalid)?;
        let requests: u64 = requests.trim().parse().map_err(|_| invalid())?;
        let window = humantime::parse_duration(window.trim()).map_err(|_| invalid())?;
        if requests == 0 || window < Duration::from_secs(1) || window > Duration::from_secs(86_400) {
            return Err(format!(
                "{s:?}: the quota needs at least 1 request and a window of 1 s to a day"
            ));
        }
        Ok(QuotaSpec { requests, window })
    }
}

/// What answers carry of the quota.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RatelimitHeaders {
    /// The fields, as the API sends them.
    #[default]
    Sent,
    /// No fields.
    None,
    /// Fields no parser can read.
    Malformed,
}

impl std::str::FromStr for RatelimitHeaders {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sent" => Ok(RatelimitHeaders::Sent),
            "none" => Ok(RatelimitHeaders::None),
            "malformed" => Ok(RatelimitHeaders::Malformed),
            other => Err(format!("{other:?} is none of \"sent\", \"none\", \"malformed\"")),
        }
    }
}

/// The quotas of every credential.
#[derive(Debug, Default)]
pub struct Quotas {
    spec: Option<QuotaSpec>,
    headers: RatelimitHeaders,
    windows: Mutex<HashMap<String, Window>>,
    refused: Mutex<u64>,
    accepted: Vec<String>,
}

/// One credential's window.
#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    used: u64,
    locked: bool,
}

/// Where one credential stands after a request: what the fields say.
#[derive(Debug, Clone, Copy)]
pub struct Standing {
    left: u64,
    reset: Duration,
    spec: QuotaSpec,
    headers: RatelimitHeaders,
}

impl Quotas {
    /// Quotas counted by `spec` (none: nothing counted), answered with `headers`, of the `accepted`
    /// credentials (as the pipeline names them).
    pub fn new(spec: Option<QuotaSpec>, headers: RatelimitHeaders, accepted: Vec<String>) -> Self {
        Quotas {
            spec,
            headers,
            accepted,
            ..Default::default()
        }
    }

    /// Counts one request of `credential`: where it stands, or the refusal of a request over the quota
    /// (the credential is locked out for the rest of the window).
    pub fn take(&self, credential: &str) -> Result<Standing, Box<Response>> {
        let Some(spec) = self.spec else {
            return Ok(self.standing(UNCOUNTED, UNCOUNTED.requests, UNCOUNTED.window));
        };
        let now = Instant::now();
        let mut windows = lock(&self.windows);
        let window = current(&mut windows, credential, spec, now);
        let reset = spec.window.saturating_sub(now - window.started);
        if window.locked || window.used >= spec.requests {
            window.locked = true;
            *lock(&self.refused) += 1;
            let standing = self.standing(spec, 0, reset);
            let retry_after = reset.as_secs_f64().ceil() as u64;
            let failure = ApiFailure::new(
                StatusCode::TOO_MANY_REQUESTS,
                code::RATE_LIMITED,
                "Rate limited: the quota is spent; locked out until the window resets",
            )
            .with_retry_after(Some(retry_after.max(1)));
            return Err(Box::new(standing.stamp(failure.into_response())));
        }
        window.used += 1;
        Ok(self.standing(spec, spec.requests - window.used, reset))
    }

    fn standing(&self, spec: QuotaSpec, left: u64, reset: Duration) -> Standing {
        Standing {
            left,
            reset,
            spec,
            headers: self.headers,
        }
    }

    /// Spends `requests` of the quota of every credential the mock accepts, as another client of the
    /// same token would; what it spends never locks anyone out.
    pub fn spend(&self, requests: u64) {
        let Some(spec) = self.spec else {
            return;
        };
        let now = Instant::now();
        let mut windows = lock(&self.windows);
        for credential in &self.accepted {
            let window = current(&mut windows, credential, spec, now);
            window.used = (window.used + requests).min(spec.requests);
        }
    }

    /// Starts every credential's window afresh, whole (the refused count stays).
    pub fn renew(&self) {
        lock(&self.windows).clear();
    }

    /// Where every credential stands: used, left, seconds to the reset; and how many were refused.
    fn report(&self) -> serde_json::Value {
        let now = Instant::now();
        let windows = lock(&self.windows);
        let standing: serde_json::Map<String, serde_json::Value> = windows
            .iter()
            .filter_map(|(credential, window)| {
                let spec = self.spec?;
                let reset = spec.window.saturating_sub(now - window.started);
                let value = json!({"used": window.used, "left": spec.requests.saturating_sub(window.used),
                    "reset_ms": reset.as_millis() as u64, "locked": window.locked});
                Some((credential.clone(), value))
            })
            .collect();
        json!({"quota": self.spec.map(|s| s.requests), "window_s": self.spec.map(|s| s.window.as_secs()),
            "refused": self.refused(), "credentials": standing})
    }

    /// How many requests were refused for being over the quota.
    pub fn refused(&self) -> u64 {
        *lock(&self.refused)
    }
}

/// The window of `credential` at `now`: a new one once the last has passed.
fn current<'a>(
    windows: &'a mut HashMap<String, Window>,
    credential: &str,
    spec: QuotaSpec,
    now: Instant,
) -> &'a mut Window {
    let window = windows.entry(credential.to_owned()).or_insert(Window {
        started: now,
        used: 0,
        locked: false,
    });
    if now.duration_since(window.started) >= spec.window {
        *window = Window {
            started: now,
            used: 0,
            locked: false,
        };
    }
    window
}

impl Standing {
    /// The answer with the fields this standing gives.
    pub fn stamp(&self, mut response: Response) -> Response {
        let reset = self.reset.as_secs_f64().ceil() as u64;
        let (limit, policy) = match self.headers {
            RatelimitHeaders::None => return response,
            RatelimitHeaders::Sent => (
                format!("\"default\";r={};t={reset}", self.left),
                format!(
                    "\"default\";q={};w={}",
                    self.spec.requests,
                    self.spec.window.as_secs()
                ),
            ),
            RatelimitHeaders::Malformed => ("\"default;r=".to_owned(), "q=;w".to_owned()),
        };
        for (name, value) in [("ratelimit", limit), ("ratelimit-policy", policy)] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The body of `POST /__mock/quota/spend`.
#[derive(Debug, Deserialize)]
struct Spend {
    requests: u64,
}

/// The control endpoints of the quota: `GET /__mock/quota` (where each credential stands, how many
/// requests were refused), `DELETE /__mock/quota` (every window starts afresh, whole) and
/// `POST /__mock/quota/spend` (`{"requests": N}`).
pub fn control(quotas: Arc<Quotas>) -> Router {
    Router::new()
        .route("/__mock/quota", get(report).delete(renew))
        .route("/__mock/quota/spend", post(spend))
        .with_state(quotas)
}

async fn report(State(quotas): State<Arc<Quotas>>) -> Json<serde_json::Value> {
    Json(quotas.report())
}

async fn renew(State(quotas): State<Arc<Quotas>>) -> StatusCode {
    quotas.renew();
    StatusCode::NO_CONTENT
}

async fn spend(State(quotas): State<Arc<Quotas>>, Json(body): Json<Spend>) -> Response {
    if quotas.spec.is_none() {
        return (
            StatusCode::CONFLICT,
            "no quota is counted: start cni-mock with --quota",
        )
            .into_response();
    }
    quotas.spend(body.requests);
    StatusCode::NO_CONTENT.into_response()
}
