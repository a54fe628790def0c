//! The CNI REST client's transport: configuration, sending a call with its retry rules within the
//! handle's deadline and cancellation, the shared request budget, and classifying answers into
//! [`ApiError`]s. The typed endpoints are in `endpoints`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use backon::Retryable;
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::budget::RequestBudget;
use super::classify::{cf_ray, classify_failure, decode_body, scrub};
use super::config::{auth_headers, check_base_url, ClientConfig, ConfigError, MAX_RESPONSE_BYTES};
use super::error::ApiError;
use super::retry::RetryPolicy;
use super::secret::Secret;

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
        let budget = RequestBudget::following_the_api(config.requests_per_second)?;
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
        self.inner.budget.observe(&headers);
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
            Err(classify_failure(
                &call.operation,
                call.secret,
                status,
                &headers,
                &body,
            ))
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
