//! What a client is built from: the base URL (plain HTTP only for loopback), credentials, timeouts,
//! retries and the request budget, and the headers they become.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::budget::InvalidBudget;
use super::retry::RetryPolicy;
use super::secret::Secret;

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";
/// The default bound on one HTTP request.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest response body read; a larger one is an error (a page of 100 interconnects is ~60 KB).
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
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
    /// A hard cap on the requests of every clone of the client, per second (also the pace while the
    /// API reports no quota); `None`: the quota the API reports, 4 a second while it reports none.
    pub requests_per_second: Option<f64>,
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
            requests_per_second: None,
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

pub(super) fn auth_headers(auth: &Auth) -> Result<HeaderMap, ConfigError> {
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
}
