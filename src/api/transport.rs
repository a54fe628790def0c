//! The CNI REST client's transport: configuration, sending a call with its retry rules within the
//! handle's deadline and cancellation, the shared request budget, and classifying answers into
//! [`ApiError`]s. The typed endpoints are in `endpoints`.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use backon::Retryable;
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::budget::{InvalidBudget, RequestBudget};
use super::error::{ApiError, ApiMessage, Failure};
use super::retry::{parse_retry_after, RetryPolicy};
use super::secret::Secret;

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";
/// The default bound on one HTTP request.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The default request budget: the API's 1,200 requests per 5 minutes.
pub const DEFAULT_REQUESTS_PER_SECOND: f64 = 4.0;
/// How much of an error body is kept when it is not the JSON error envelope.
const BODY_EXCERPT_CHARS: usize = 300;
/// The largest response body read; a larger one is an error (a page of 100 interconnects is ~60 KB).
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
/// Cloudflare's routing errors ("No route for that URI", "Could not route to …"): a 404 carrying one
/// says the URL is wrong, not that the object is gone.
const ROUTING_ERROR_CODES: [i64; 2] = [7000, 7003];

/// How the client authenticates.
#[derive(Clone, Debug)]
pub enum Auth {
    /// `Authorization: Bearer <token>` (an API token).
    Token(Secret),
    /// `X-Auth-Key` + `X-Auth-Email` (the legacy global API key).
    KeyEmail {
        /// The global API key.
        key: Secret,
        /// The account's e-mail address.
        email: String,
    },
}

/// Everything a client is built from.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The API root, e.g. `https://api.cloudflare.com/client/v4`; see [`check_base_url`].
    pub base_url: Url,
    /// Credentials.
    pub auth: Auth,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Retries of retryable failures.
    pub retry: RetryPolicy,
    /// The request budget shared by every clone of the client.
    pub requests_per_second: f64,
    /// The bound on one HTTP request, from connect to the last byte of the body.
    pub request_timeout: Duration,
    /// The page size asked of list endpoints (`limit`); `None` leaves it to the API.
    pub page_size: Option<u32>,
    /// Cancelling this token ends every waiting or in-flight idempotent call with [`ApiError::Cancelled`].
    pub cancel: CancellationToken,
}

impl ClientConfig {
    /// A configuration with the defaults: 4 retries, 4 requests/s, 30 s per request.
    pub fn new(base_url: Url, auth: Auth) -> Self {
        ClientConfig {
            base_url,
            auth,
            user_agent: default_user_agent(),
            retry: RetryPolicy::default(),
            requests_per_second: DEFAULT_REQUESTS_PER_SECOND,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            page_size: None,
            cancel: CancellationToken::new(),
        }
    }
}

/// `terraform-provider-cni/<version>`.
pub fn default_user_agent() -> String {
    format!("terraform-provider-cni/{}", env!("CARGO_PKG_VERSION"))
}

/// A configuration the client cannot work with.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The base URL does not parse or is not http(s).
    #[error("{0:?} is not a valid http(s) URL")]
    InvalidBaseUrl(String),
    /// Plain HTTP to a host that is not loopback.
    #[error("{0:?} uses http:// with a host that is not loopback; use https:// (http:// is only accepted for 127.0.0.0/8, ::1 and localhost)")]
    InsecureBaseUrl(String),
    /// The request budget is not a positive number.
    #[error(transparent)]
    Budget(#[from] InvalidBudget),
    /// A header value (user agent, e-mail) holds characters HTTP does not allow.
    #[error("{0} contains characters that cannot be sent in an HTTP header")]
    InvalidHeader(&'static str),
    /// The HTTP stack could not be set up.
    #[error("could not set up the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// Parses and checks an API root: `https://` anywhere, `http://` only for loopback hosts.
pub fn check_base_url(text: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(text.trim()).map_err(|_| ConfigError::InvalidBaseUrl(text.to_owned()))?;
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" if url.host().is_some() => Err(ConfigError::InsecureBaseUrl(text.to_owned())),
        _ => Err(ConfigError::InvalidBaseUrl(text.to_owned())),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// The outcome of a DELETE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    /// The API accepted the deletion.
    Deleted,
    /// The API answered 404: it was already gone.
    AlreadyGone,
}

/// What sends calls to the CNI API: retries, the request budget, deadlines, cancellation, classifying
/// answers. Cheap to clone; clones share the connection pool, the request budget and, unless
/// [`Transport::uninterruptible`] made them, the cancellation token. It knows no shared state of a
/// command: [`super::Client`] adds that on top.
#[derive(Clone, Debug)]
pub struct Transport {
    inner: Arc<Inner>,
    cancel: CancellationToken,
    deadline: Option<tokio::time::Instant>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base_url: Url,
    retry: RetryPolicy,
    budget: RequestBudget,
    page_size: Option<u32>,
}

/// Whether a failed request may be sent again.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Resend {
    /// Idempotent: retry every retryable failure; the call can be abandoned mid-flight on cancellation.
    Idempotent,
    /// Not idempotent (POST): retry only what certainly did not reach the API; never abandoned mid-flight.
    OnlyIfNotProcessed,
    /// Not idempotent, and the caller retries itself (outside any lock it holds around the attempt):
    /// one attempt, whose request budget the caller has already taken.
    Once,
}

/// One API call, described once and sent as often as the retry rules allow.
pub(super) struct Call<'a> {
    pub(super) operation: String,
    pub(super) method: Method,
    pub(super) account: &'a str,
    pub(super) path: Vec<&'a str>,
    pub(super) query: Vec<(&'static str, String)>,
    pub(super) body: Option<Bytes>,
    pub(super) accept: &'static str,
    pub(super) resend: Resend,
    pub(super) secret: Option<&'a Secret>,
}

/// A successful HTTP exchange.
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
}

impl Transport {
    /// Builds a client; fails on an unusable configuration, never on the network.
    pub fn new(config: ClientConfig) -> Result<Self, ConfigError> {
        let base_url = check_base_url(config.base_url.as_str())?;
        let budget = RequestBudget::per_second(config.requests_per_second)?;
        let http = reqwest::Client::builder()
            .default_headers(auth_headers(&config.auth)?)
            .user_agent(
                HeaderValue::from_str(&config.user_agent)
                    .map_err(|_| ConfigError::InvalidHeader("user agent"))?,
            )
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout.min(Duration::from_secs(10)))
            .https_only(base_url.scheme() == "https")
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Transport {
            inner: Arc::new(Inner {
                http,
                base_url,
                retry: config.retry,
                budget,
                page_size: config.page_size,
            }),
            cancel: config.cancel,
            deadline: None,
        })
    }

    /// The same client, whose calls must all finish by `deadline`: no call or retry starts that cannot,
    /// and a `Retry-After` longer than the time left ends the call with [`ApiError::OutOfTime`].
    pub fn until(&self, deadline: tokio::time::Instant) -> Transport {
        Transport {
            deadline: Some(self.deadline.map_or(deadline, |d| d.min(deadline))),
            ..self.clone()
        }
    }

    /// The same client, deaf to cancellation: for the few calls that must finish once started, such as
    /// looking for an interconnect that a create may have made (still bounded by [`Transport::until`]).
    pub fn uninterruptible(&self) -> Transport {
        Transport {
            cancel: CancellationToken::new(),
            ..self.clone()
        }
    }

    /// The deadline every call of this handle must meet, if any.
    pub fn deadline(&self) -> Option<tokio::time::Instant> {
        self.deadline
    }

    /// The request budget shared by every clone.
    pub fn budget(&self) -> &RequestBudget {
        &self.inner.budget
    }

    /// The token whose cancellation interrupts this client's calls.
    pub fn cancellation(&self) -> &CancellationToken {
        &self.cancel
    }

    pub(super) fn json_call<'a>(
        &self,
        operation: String,
        method: Method,
        account: &'a str,
        path: Vec<&'a str>,
        query: Vec<(&'static str, String)>,
    ) -> Call<'a> {
        Call {
            operation,
            method,
            account,
            path,
            query,
            body: None,
            accept: "application/json",
            resend: Resend::Idempotent,
            secret: None,
        }
    }

    pub(super) fn push_paging(&self, query: &mut Vec<(&'static str, String)>, cursor: Option<i64>) {
        push_opt(query, "cursor", cursor.map(|c| c.to_string()).as_deref());
        push_opt(
            query,
            "limit",
            self.inner.page_size.map(|l| l.to_string()).as_deref(),
        );
    }

    pub(super) async fn send_json<T: DeserializeOwned>(&self, call: &Call<'_>) -> Result<T, ApiError> {
        let reply = self.send(call).await?;
        decode_body(&reply.body).map_err(|e| ApiError::Decode {
            operation: call.operation.clone(),
            status: reply.status,
            message: scrub(call.secret, &e.to_string()),
            cf_ray: cf_ray(&reply.headers),
        })
    }

    /// Sends the call, retrying as its [`Resend`] rule allows, within the handle's deadline.
    pub(super) async fn send(&self, call: &Call<'_>) -> Result<Reply, ApiError> {
        let cancel = self.cancel.clone();
        let retry_if: fn(&ApiError) -> bool = match call.resend {
            Resend::Idempotent => ApiError::is_retryable,
            Resend::OnlyIfNotProcessed => ApiError::certainly_not_processed,
            Resend::Once => |_| false,
        };
        let out_of_time = std::sync::Mutex::new(None::<String>);
        let result = (|| self.attempt(call))
            .retry(self.inner.retry.backoff())
            .sleep(move |delay| cancellable_sleep(cancel.clone(), delay))
            .when(retry_if)
            .adjust(|e, backoff| {
                let delay = backoff.map(|b| e.retry_after().unwrap_or(b))?;
                match self.too_late_to_retry(e, delay) {
                    Some(why) => {
                        if let Ok(mut slot) = out_of_time.lock() {
                            *slot = Some(why);
                        }
                        None
                    }
                    None => Some(delay),
                }
            })
            .notify(|e, delay| {
                tracing::warn!("{e}; retrying in {}", humantime::format_duration(round_ms(delay)))
            })
            .await;
        let gave_up = out_of_time.lock().ok().and_then(|mut slot| slot.take());
        match (result, gave_up) {
            (Err(e), Some(why)) => Err(ApiError::OutOfTime {
                operation: call.operation.clone(),
                reason: format!("{e}; not retried: {why}"),
            }),
            (result, _) => result,
        }
    }

    /// Why `e` cannot be retried after `delay`, when that would pass the handle's deadline.
    pub(super) fn too_late_to_retry(&self, e: &ApiError, delay: Duration) -> Option<String> {
        let left = self.time_left().filter(|left| delay >= *left)?;
        Some(match e.retry_after() {
            Some(asked) => format!(
                "the API asked to retry after {}, longer than the {} left of the operation's timeout",
                humantime::format_duration(round_ms(asked)),
                humantime::format_duration(round_ms(left))
            ),
            None => "the operation's timeout leaves no time for another attempt".to_owned(),
        })
    }

    /// How long is left before the handle's deadline (`None`: no deadline).
    pub(super) fn time_left(&self) -> Option<Duration> {
        self.deadline
            .map(|d| d.saturating_duration_since(tokio::time::Instant::now()))
    }

    /// One attempt: wait for the budget, send, read the whole body, classify the status. An idempotent
    /// call is abandoned on cancellation or at the deadline; a POST, once sent, is always seen through.
    async fn attempt(&self, call: &Call<'_>) -> Result<Reply, ApiError> {
        let cancelled = || ApiError::Cancelled {
            operation: call.operation.clone(),
        };
        let out_of_time = || ApiError::OutOfTime {
            operation: call.operation.clone(),
            reason: "the operation's timeout ran out".to_owned(),
        };
        let deadline = self.deadline.unwrap_or_else(far_future);
        if call.resend != Resend::Once {
            self.take_budget(&call.operation).await?;
        } else if tokio::time::Instant::now() >= deadline {
            return Err(out_of_time());
        }
        let exchange = self.exchange(call);
        match call.resend {
            Resend::Idempotent => tokio::select! {
                biased;
                _ = self.cancel.cancelled() => Err(cancelled()),
                _ = tokio::time::sleep_until(deadline) => Err(out_of_time()),
                result = exchange => result,
            },
            Resend::OnlyIfNotProcessed | Resend::Once => exchange.await,
        }
    }

    /// Waits until one more request fits in the shared budget and takes it; ends early on cancellation
    /// or at the handle's deadline.
    pub(super) async fn take_budget(&self, operation: &str) -> Result<(), ApiError> {
        let deadline = self.deadline.unwrap_or_else(far_future);
        if tokio::time::Instant::now() >= deadline {
            return Err(ApiError::OutOfTime {
                operation: operation.to_owned(),
                reason: "the operation's timeout ran out".to_owned(),
            });
        }
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(ApiError::Cancelled {
                operation: operation.to_owned(),
            }),
            _ = tokio::time::sleep_until(deadline) => Err(ApiError::OutOfTime {
                operation: operation.to_owned(),
                reason: "the operation's timeout ran out".to_owned(),
            }),
            _ = self.inner.budget.acquire() => Ok(()),
        }
    }

    /// The retry settings of this client.
    pub(super) fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// Sleeps `delay` unless the handle is cancelled first; `false` when it was.
    pub(super) async fn pause(&self, delay: Duration) -> bool {
        cancellable_sleep(self.cancel.clone(), delay).await;
        !self.cancel.is_cancelled()
    }

    async fn exchange(&self, call: &Call<'_>) -> Result<Reply, ApiError> {
        let started = Instant::now();
        let transport = |source| ApiError::Transport {
            operation: call.operation.clone(),
            source,
        };
        let mut request = self
            .inner
            .http
            .request(call.method.clone(), self.url(call))
            .header(ACCEPT, call.accept);
        if let Some(body) = &call.body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = match read_capped(response, MAX_RESPONSE_BYTES).await {
            Ok(body) => body,
            // An idempotent call whose answer was cut off is simply sent again.
            Err(BodyError::Read(e)) if call.resend == Resend::Idempotent => return Err(transport(e)),
            Err(e) if status.is_success() => {
                // The API answered 2xx: the request took effect even though its body is lost.
                return Err(ApiError::Decode {
                    operation: call.operation.clone(),
                    status: status.as_u16(),
                    message: match e {
                        BodyError::TooLarge => format!("larger than {MAX_RESPONSE_BYTES} bytes"),
                        BodyError::Read(e) => format!("cut off: {e}{}", super::error::causes(&e)),
                    },
                    cf_ray: cf_ray(&headers),
                });
            }
            Err(BodyError::TooLarge) => Bytes::new(),
            Err(BodyError::Read(e)) => return Err(transport(e)),
        };
        tracing::debug!(
            operation = %call.operation,
            status = status.as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "CNI API call"
        );
        if status.is_success() {
            Ok(Reply {
                status: status.as_u16(),
                headers,
                body,
            })
        } else {
            Err(classify_failure(call, status, &headers, &body))
        }
    }

    fn url(&self, call: &Call<'_>) -> Url {
        let mut url = self.inner.base_url.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments
                .pop_if_empty()
                .extend(["accounts", call.account, "cni"])
                .extend(call.path.iter().copied());
        }
        if !call.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(call.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }
}

/// Why a response body could not be had.
enum BodyError {
    TooLarge,
    Read(reqwest::Error),
}

/// Reads a response body, at most `cap` bytes.
async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<Bytes, BodyError> {
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Read)? {
        if body.len() + chunk.len() > cap {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// An instant no operation reaches (about 30 years from now).
fn far_future() -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_secs(86_400 * 365 * 30)
}

fn auth_headers(auth: &Auth) -> Result<HeaderMap, ConfigError> {
    let sensitive = |text: &str, what| {
        let mut value = HeaderValue::from_str(text).map_err(|_| ConfigError::InvalidHeader(what))?;
        value.set_sensitive(true);
        Ok::<_, ConfigError>(value)
    };
    let mut headers = HeaderMap::new();
    match auth {
        Auth::Token(token) => {
            headers.insert(
                reqwest::header::AUTHORIZATION,
                sensitive(&format!("Bearer {}", token.expose()), "api_token")?,
            );
        }
        Auth::KeyEmail { key, email } => {
            headers.insert("x-auth-key", sensitive(key.expose(), "api_key")?);
            headers.insert("x-auth-email", sensitive(email, "email")?);
        }
    }
    Ok(headers)
}

pub(super) fn push_opt(query: &mut Vec<(&'static str, String)>, key: &'static str, value: Option<&str>) {
    if let Some(v) = value {
        query.push((key, v.to_owned()));
    }
}

async fn cancellable_sleep(cancel: CancellationToken, delay: Duration) {
    tokio::select! {
        _ = tokio::time::sleep(delay) => {}
        _ = cancel.cancelled() => {}
    }
}

/// `d` to the millisecond, for messages.
pub(super) fn round_ms(d: Duration) -> Duration {
    Duration::from_millis(d.as_millis() as u64)
}

/// Decodes a success body: the raw object, or defensively the `result` of a `{success, result}` envelope.
fn decode_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    let value: serde_json::Value = serde_json::from_slice(body)?;
    let value = match value {
        serde_json::Value::Object(mut map) if map.contains_key("success") && map.contains_key("result") => {
            map.remove("result").unwrap_or_default()
        }
        other => other,
    };
    serde_json::from_value(value)
}

fn classify_failure(call: &Call<'_>, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ApiError {
    // The whole body is scrubbed before anything is taken from it or cut: an echo of the secret
    // anywhere in it, in any encoding, never reaches a message.
    let body = scrubbed_body(call.secret, body);
    let messages = api_messages(body.as_bytes())
        .into_iter()
        .map(|m| ApiMessage {
            code: m.code,
            message: scrub(call.secret, &m.message),
        })
        .collect::<Vec<_>>();
    let body_excerpt = messages.is_empty().then(|| excerpt(body.as_bytes()));
    let failure = Failure {
        operation: call.operation.clone(),
        status: status.as_u16(),
        messages,
        body_excerpt,
        cf_ray: cf_ray(headers),
    };
    let retry_after = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()));
    match status.as_u16() {
        404 if came_from_the_api(headers, body.as_bytes()) => ApiError::NotFound(failure),
        404 => ApiError::NotTheApi(failure),
        300..=399 => ApiError::Redirected {
            failure,
            location: headers
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        },
        401 | 403 => ApiError::Unauthorized(failure),
        429 => ApiError::RateLimited { failure, retry_after },
        408 | 500..=599 => ApiError::Server { failure, retry_after },
        _ => ApiError::BadRequest(failure),
    }
}

/// Whether an error answer is the CNI API's own: a JSON body (not an HTML or text page from a proxy or
/// a server at the wrong path) that is not a routing error.
fn came_from_the_api(headers: &HeaderMap, body: &[u8]) -> bool {
    let html = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("html"));
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    let routing = api_messages(body)
        .iter()
        .any(|m| ROUTING_ERROR_CODES.contains(&m.code));
    !html && value.is_object() && !routing
}

/// An error body as text with every form of `secret` scrubbed: a JSON body is decoded first (so that no
/// escape hides the secret) and written back compactly; any other body is read as text.
fn scrubbed_body(secret: Option<&Secret>, body: &[u8]) -> String {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            if let Some(secret) = secret {
                scrub_strings(&mut value, secret);
            }
            value.to_string()
        }
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    scrub(secret, &text)
}

/// Scrubs `secret` from every string (and object key) of a JSON value.
fn scrub_strings(value: &mut serde_json::Value, secret: &Secret) {
    match value {
        serde_json::Value::String(s) => *s = secret.scrub(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| scrub_strings(v, secret)),
        serde_json::Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut v) in entries {
                scrub_strings(&mut v, secret);
                map.insert(secret.scrub(&key), v);
            }
        }
        _ => {}
    }
}

/// The messages of an error body, read leniently: the `errors[]` of Cloudflare's envelope, else a
/// top-level `message` or `error` string.
fn api_messages(body: &[u8]) -> Vec<ApiMessage> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Vec::new();
    };
    let Some(errors) = value.get("errors").and_then(|e| e.as_array()) else {
        return ["message", "error"]
            .iter()
            .filter_map(|field| value.get(*field).and_then(|m| m.as_str()))
            .take(1)
            .map(|message| ApiMessage {
                code: 0,
                message: message.to_owned(),
            })
            .collect();
    };
    errors
        .iter()
        .filter_map(|e| {
            Some(ApiMessage {
                code: e.get("code").and_then(|c| c.as_i64()).unwrap_or(0),
                message: e.get("message").and_then(|m| m.as_str())?.to_owned(),
            })
        })
        .collect()
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .take(BODY_EXCERPT_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > BODY_EXCERPT_CHARS {
        out.push('…');
    }
    out.trim().to_owned()
}

fn cf_ray(headers: &HeaderMap) -> Option<String> {
    headers
        .get("cf-ray")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn scrub(secret: Option<&Secret>, text: &str) -> String {
    match secret {
        Some(s) => s.scrub(text),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_allows_http_only_for_loopback() {
        for ok in [
            "https://api.cloudflare.com/client/v4",
            "http://127.0.0.1:8787/client/v4",
            "http://127.1.2.3/client/v4",
            "http://[::1]:9/client/v4",
            "http://localhost:1/x",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        for insecure in [
            "http://api.cloudflare.com/client/v4",
            "http://10.0.0.1/x",
            "http://localhost.evil.com/",
        ] {
            assert!(
                matches!(check_base_url(insecure), Err(ConfigError::InsecureBaseUrl(_))),
                "{insecure}"
            );
        }
        for invalid in ["", "api.cloudflare.com", "ftp://127.0.0.1/", "https://"] {
            assert!(
                matches!(check_base_url(invalid), Err(ConfigError::InvalidBaseUrl(_))),
                "{invalid}"
            );
        }
    }

    #[test]
    fn success_bodies_are_raw_or_unwrapped_from_an_envelope() {
        let raw: serde_json::Value = decode_body(br#"{"state":"Pending"}"#).expect("raw");
        assert_eq!(raw, serde_json::json!({"state":"Pending"}));
        let wrapped: serde_json::Value =
            decode_body(br#"{"success":true,"errors":[],"result":{"state":"Healthy"}}"#).expect("wrapped");
        assert_eq!(wrapped, serde_json::json!({"state":"Healthy"}));
        // An object that merely has a "result" field is not an envelope.
        let not_envelope: serde_json::Value = decode_body(br#"{"result":1}"#).expect("plain");
        assert_eq!(not_envelope, serde_json::json!({"result":1}));
    }

    #[test]
    fn error_messages_are_read_leniently() {
        let msgs = api_messages(
            br#"{"success":false,"errors":[{"code":7003,"message":"no route"},{"message":"x"},{"code":1}]}"#,
        );
        assert_eq!(
            msgs,
            vec![
                ApiMessage {
                    code: 7003,
                    message: "no route".into()
                },
                ApiMessage {
                    code: 0,
                    message: "x".into()
                }
            ]
        );
        assert!(api_messages(b"<html>bad gateway</html>").is_empty());
        assert_eq!(excerpt(b"line1\nline2"), "line1 line2");
        assert_eq!(excerpt(&[b'a'; 400]).chars().count(), BODY_EXCERPT_CHARS + 1);
    }
}
