//! Cloudflare's error envelope, as the API sends it on 4xx and 5xx.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Error codes the mock uses in `errors[].code`.
pub mod code {
    /// The body is not valid JSON or not an object.
    pub const INVALID_BODY: i64 = 1001;
    /// A required field is missing.
    pub const MISSING_FIELD: i64 = 1002;
    /// A field has an invalid value.
    pub const INVALID_FIELD: i64 = 1003;
    /// The slot is already occupied.
    pub const SLOT_OCCUPIED: i64 = 1004;
    /// An existing interconnect already uses the pairing key.
    pub const PAIRING_KEY_USED: i64 = 1005;
    /// The object does not exist.
    pub const NOT_FOUND: i64 = 1006;
    /// The operation does not apply to this kind of object.
    pub const NOT_APPLICABLE: i64 = 1007;
    /// The `Accept` header excludes the only content type the endpoint produces.
    pub const NOT_ACCEPTABLE: i64 = 1008;
    /// Authentication failed.
    pub const AUTHENTICATION: i64 = 10000;
    /// The credentials may not use this account.
    pub const UNAUTHORIZED_RESOURCE: i64 = 9109;
    /// No credentials were sent.
    pub const MISSING_CREDENTIALS: i64 = 9106;
    /// Rate limited.
    pub const RATE_LIMITED: i64 = 971;
    /// An identifier in the path that cannot be routed (not a 32-hex account tag, not UTF-8).
    pub const NO_ROUTE: i64 = 7003;
    /// No route for the URI at all.
    pub const UNKNOWN_ROUTE: i64 = 7000;
    /// Method not allowed.
    pub const METHOD_NOT_ALLOWED: i64 = 10405;
    /// Body too large.
    pub const TOO_LARGE: i64 = 1010;
    /// Injected server error.
    pub const INTERNAL: i64 = 1500;
    /// A CNI of the account already has that conduit name.
    pub const NAME_CONFLICT: i64 = 1011;
    /// The interconnect still hosts CNIs.
    pub const HOSTS_CNIS: i64 = 1012;
}

/// An error response in the Cloudflare envelope.
#[derive(Debug, Clone)]
pub struct ApiFailure {
    /// The HTTP status.
    pub status: StatusCode,
    /// `errors[0].code`.
    pub code: i64,
    /// `errors[0].message`.
    pub message: String,
    /// A `Retry-After` header, in seconds.
    pub retry_after: Option<u64>,
}

impl ApiFailure {
    /// A failure with the given status, code and message.
    pub fn new(status: StatusCode, code: i64, message: impl Into<String>) -> Self {
        ApiFailure {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400 Bad Request.
    pub fn bad_request(code: i64, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404 Not Found.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code::NOT_FOUND, message)
    }

    /// Adds a `Retry-After`.
    pub fn with_retry_after(mut self, seconds: Option<u64>) -> Self {
        self.retry_after = seconds;
        self
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let body = json!({
            "success": false,
            "errors": [{"code": self.code, "message": self.message}],
            "messages": [],
            "result": null,
        });
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from(secs));
        }
        response
    }
}
