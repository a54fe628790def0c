//! The one error type of the REST client.

use std::fmt;
use std::time::Duration;

/// One entry of the Cloudflare error envelope's `errors[]`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct ApiMessage {
    /// The API's error code (0 when absent).
    #[serde(default)]
    pub code: i64,
    /// The API's message.
    #[serde(default)]
    pub message: String,
}

/// What is known about a request the API answered with an error status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The call, e.g. `get interconnect "icon-1"`.
    pub operation: String,
    /// The HTTP status.
    pub status: u16,
    /// The API's `errors[]` messages, when the body had that shape.
    pub messages: Vec<ApiMessage>,
    /// The start of the body, when it was not the error envelope.
    pub body_excerpt: Option<String>,
    /// The `cf-ray` response header, which Cloudflare support asks for.
    pub cf_ray: Option<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        let mut sep = ": ";
        for m in &self.messages {
            if m.code != 0 {
                write!(f, "{sep}{} (code {})", m.message, m.code)?;
            } else {
                write!(f, "{sep}{}", m.message)?;
            }
            sep = "; ";
        }
        if self.messages.is_empty() {
            if let Some(body) = self.body_excerpt.as_deref().filter(|b| !b.is_empty()) {
                write!(f, ": {body}")?;
            }
        }
        if let Some(ray) = &self.cf_ray {
            write!(f, " [cf-ray {ray}]")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong talking to the CNI API.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// HTTP 404 from the CNI API itself (an error envelope that is not a routing error): the object does
    /// not exist.
    #[error("{0}")]
    NotFound(Failure),
    /// HTTP 404 that did not come from the CNI API: an HTML or plain page (a proxy, a wrong `base_url`
    /// path) or a routing error. It proves nothing about the object, so it never counts as "gone".
    #[error("{0}; this 404 did not come from the CNI API, so it says nothing about the interconnect (check base_url)")]
    NotTheApi(Failure),
    /// A 3xx answer. Redirects are never followed, so that credentials are never sent elsewhere.
    #[error("{failure}: the API answered with a redirect{}, which is not followed (check base_url)", location.as_deref().map(|l| format!(" to {l}")).unwrap_or_default())]
    Redirected {
        /// The response.
        failure: Failure,
        /// The `Location` it pointed to.
        location: Option<String>,
    },
    /// The operation's time (its Terraform timeout) ran out before this call could be made or retried.
    #[error("{operation}: {reason}")]
    OutOfTime {
        /// The call.
        operation: String,
        /// What could not fit in the time left.
        reason: String,
    },
    /// HTTP 401 or 403: missing, wrong or insufficient credentials.
    #[error("{0}")]
    Unauthorized(Failure),
    /// HTTP 429: the API's rate limit was hit.
    #[error("{failure}")]
    RateLimited {
        /// The response.
        failure: Failure,
        /// The `Retry-After` the API asked for, if any.
        retry_after: Option<Duration>,
    },
    /// Any other 4xx: the API refused the request as invalid.
    #[error("{0}")]
    BadRequest(Failure),
    /// HTTP 5xx, or 408: the API failed or timed out on its side.
    #[error("{failure}")]
    Server {
        /// The response.
        failure: Failure,
        /// The `Retry-After` the API asked for, if any.
        retry_after: Option<Duration>,
    },
    /// No usable HTTP response: connection refused or dropped, timeout, TLS failure.
    #[error("{operation}: {}", describe_transport(source))]
    Transport {
        /// The call.
        operation: String,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// A successful response whose body was not what the API documents.
    #[error(
        "{operation}: HTTP {status}: unexpected response body: {message}{}",
        ray_suffix(cf_ray)
    )]
    Decode {
        /// The call.
        operation: String,
        /// The HTTP status (2xx).
        status: u16,
        /// What did not decode.
        message: String,
        /// The `cf-ray` response header.
        cf_ray: Option<String>,
    },
    /// The API handed back a cursor it had already handed back, or more pages than a listing follows.
    #[error("{operation}: the API {reason} (cursor {cursor}); stopped listing")]
    Pagination {
        /// The call.
        operation: String,
        /// The offending cursor.
        cursor: i64,
        /// What was wrong with it.
        reason: &'static str,
    },
    /// The caller cancelled the operation (e.g. an interrupt).
    #[error("{operation}: interrupted")]
    Cancelled {
        /// The call.
        operation: String,
    },
}

fn describe_transport(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "request timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "connection failed"
    };
    format!("{what}{}", causes(e))
}

/// The causes of an error, each after `": "` (empty when it has none).
pub(super) fn causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = String::new();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn ray_suffix(ray: &Option<String>) -> String {
    ray.as_ref().map(|r| format!(" [cf-ray {r}]")).unwrap_or_default()
}

impl ApiError {
    /// The HTTP status, when there was a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::NotFound(f)
            | ApiError::NotTheApi(f)
            | ApiError::Unauthorized(f)
            | ApiError::BadRequest(f) => Some(f.status),
            ApiError::RateLimited { failure, .. }
            | ApiError::Server { failure, .. }
            | ApiError::Redirected { failure, .. } => Some(failure.status),
            ApiError::Decode { status, .. } => Some(*status),
            ApiError::Transport { .. }
            | ApiError::Pagination { .. }
            | ApiError::Cancelled { .. }
            | ApiError::OutOfTime { .. } => None,
        }
    }

    /// The `cf-ray` of the response, when there was one.
    pub fn cf_ray(&self) -> Option<&str> {
        match self {
            ApiError::NotFound(f)
            | ApiError::NotTheApi(f)
            | ApiError::Unauthorized(f)
            | ApiError::BadRequest(f) => f.cf_ray.as_deref(),
            ApiError::RateLimited { failure, .. }
            | ApiError::Server { failure, .. }
            | ApiError::Redirected { failure, .. } => failure.cf_ray.as_deref(),
            ApiError::Decode { cf_ray, .. } => cf_ray.as_deref(),
            ApiError::Transport { .. }
            | ApiError::Pagination { .. }
            | ApiError::Cancelled { .. }
            | ApiError::OutOfTime { .. } => None,
        }
    }

    /// What the API said, without the call and status: its messages, or the start of the body.
    pub fn messages_text(&self) -> String {
        let failure = match self {
            ApiError::NotFound(f)
            | ApiError::NotTheApi(f)
            | ApiError::Unauthorized(f)
            | ApiError::BadRequest(f) => f,
            ApiError::RateLimited { failure, .. }
            | ApiError::Server { failure, .. }
            | ApiError::Redirected { failure, .. } => failure,
            other => return other.to_string(),
        };
        let said: Vec<&str> = failure.messages.iter().map(|m| m.message.as_str()).collect();
        match (said.is_empty(), &failure.body_excerpt) {
            (false, _) => said.join("; "),
            (true, Some(body)) => body.clone(),
            (true, None) => String::new(),
        }
    }

    /// Whether this is a 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::NotFound(_))
    }

    /// Whether the operation was cancelled by the caller.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, ApiError::Cancelled { .. })
    }

    /// Whether an idempotent request (GET, DELETE) may be sent again: connection errors, timeouts,
    /// 408, 429 and 5xx.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ApiError::Transport { .. } | ApiError::RateLimited { .. } | ApiError::Server { .. }
        )
    }

    /// Whether the request certainly did not take effect, so even a non-idempotent request (POST) may be
    /// sent again: a 429 (the gateway rejected it) or a connection that could not be opened.
    pub fn certainly_not_processed(&self) -> bool {
        match self {
            ApiError::RateLimited { .. } => true,
            ApiError::Transport { source, .. } => source.is_connect(),
            _ => false,
        }
    }

    /// Whether a non-idempotent request may or may not have taken effect: the connection dropped or timed
    /// out after the request was sent, the API answered 5xx/408, or its success body was unreadable.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            ApiError::Transport { source, .. } => !source.is_connect(),
            ApiError::Server { .. } => true,
            _ => self.succeeded_unreadably(),
        }
    }

    /// Whether the API answered 2xx but the body could not be read or decoded: the request **took
    /// effect**, and a non-idempotent one must never be sent again.
    pub fn succeeded_unreadably(&self) -> bool {
        matches!(self, ApiError::Decode { status, .. } if (200..300).contains(status))
    }

    /// How long the API asked the client to wait before retrying.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::RateLimited { retry_after, .. } | ApiError::Server { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(messages: Vec<ApiMessage>, body: Option<&str>) -> Failure {
        Failure {
            operation: "get interconnect \"icon-1\"".into(),
            status: 404,
            messages,
            body_excerpt: body.map(str::to_owned),
            cf_ray: Some("8a1b2c3d4e5f6a7b-EWR".into()),
        }
    }

    #[test]
    fn failure_display_names_call_status_messages_and_ray() {
        let f = failure(
            vec![ApiMessage {
                code: 1000,
                message: "Interconnect not found".into(),
            }],
            None,
        );
        assert_eq!(
            f.to_string(),
            "get interconnect \"icon-1\": HTTP 404: Interconnect not found (code 1000) [cf-ray 8a1b2c3d4e5f6a7b-EWR]"
        );
    }

    #[test]
    fn failure_display_falls_back_to_the_body() {
        let f = failure(vec![], Some("upstream exploded"));
        assert_eq!(
            f.to_string(),
            "get interconnect \"icon-1\": HTTP 404: upstream exploded [cf-ray 8a1b2c3d4e5f6a7b-EWR]"
        );
    }

    #[test]
    fn classification_of_statuses() {
        let f = failure(vec![], None);
        assert!(ApiError::Server {
            failure: f.clone(),
            retry_after: None
        }
        .is_retryable());
        assert!(ApiError::Server {
            failure: f.clone(),
            retry_after: None
        }
        .outcome_unknown());
        assert!(ApiError::RateLimited {
            failure: f.clone(),
            retry_after: None
        }
        .certainly_not_processed());
        assert!(!ApiError::BadRequest(f.clone()).is_retryable());
        assert!(!ApiError::NotFound(f.clone()).outcome_unknown());
        assert!(ApiError::NotFound(f).is_not_found());
    }
}
