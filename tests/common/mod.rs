//! Helpers shared by the integration tests: an in-process `cni-mock` on 127.0.0.1:0 and clients for it.
#![allow(dead_code)]

use std::time::Duration;

use cni::api::{Auth, Client, ClientConfig, RetryPolicy, Secret};
use cni::mock::{Credentials, FaultAction, FaultSpec, MockConfig, MockServer, Phase, StoreConfig};

/// The account every test uses.
pub const ACCOUNT: &str = cni::mock::DEFAULT_ACCOUNT;
/// The token the mocks accept.
pub const TOKEN: &str = "test-token-0123456789";
/// A well-formed GCP pairing key; `n` makes it unique.
pub fn pairing_key(n: u32) -> String {
    format!("7e51371e-72a3-40b5-b844-{n:012x}/us-central1/1")
}

/// Starts a mock with `store` settings and the test token.
pub async fn mock_with(store: StoreConfig) -> MockServer {
    let config = MockConfig {
        credentials: Credentials {
            token: Some(TOKEN.into()),
            key_email: Some(("global-key".into(), "ops@example.com".into())),
        },
        store,
        rate_limit: None,
        accounts: Vec::new(),
        chaos: None,
    };
    MockServer::start("127.0.0.1:0".parse().expect("addr"), config)
        .await
        .expect("mock starts")
}

/// Starts a mock with default settings.
pub async fn mock() -> MockServer {
    mock_with(StoreConfig::default()).await
}

/// A client config for `mock` with fast retries and a generous budget.
pub fn config(mock: &MockServer) -> ClientConfig {
    let mut config = ClientConfig::new(
        mock.base_url().parse().expect("url"),
        Auth::Token(Secret::new(TOKEN)),
    );
    config.retry = RetryPolicy {
        max_retries: 3,
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
    };
    config.requests_per_second = 1000.0;
    config.request_timeout = Duration::from_secs(5);
    config
}

/// A client for `mock` with [`config`].
pub fn client(mock: &MockServer) -> Client {
    Client::new(config(mock)).expect("client")
}

/// A fault of `action` for `count` requests of `method` to paths matching `path`.
pub fn fault(method: &str, path: &str, count: u32, phase: Phase, action: FaultAction) -> FaultSpec {
    FaultSpec {
        method: Some(method.into()),
        path: Some(path.into()),
        body_matches: None,
        count,
        phase,
        action,
    }
}

/// The logged requests with this method whose path matches `path_regex`.
pub fn logged(mock: &MockServer, method: &str, path_regex: &str) -> Vec<cni::mock::LoggedRequest> {
    let re = regex::Regex::new(path_regex).expect("regex");
    mock.requests()
        .into_iter()
        .filter(|r| r.method == method && re.is_match(&r.path))
        .collect()
}
