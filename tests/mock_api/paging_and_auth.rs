//! Paging by cursor and limit, credentials checked like the API, and the rate limit's lockout.

use std::time::Duration;

use cni::mock::{Credentials, MockConfig, MockServer, RateLimit, StoreConfig};
use serde_json::{json, Value};

use super::fixtures::*;
use super::*;

#[tokio::test]
async fn pages_interconnects_by_cursor_and_limit() {
    let mock = mock_with(StoreConfig {
        page_size: 3,
        ..Default::default()
    })
    .await;
    let api = Api::new(&mock);
    for n in 0..7 {
        assert_eq!(api.post(gcp_body(10 + n)).await.0, 200);
    }
    let (_, first) = api.get("/interconnects").await;
    assert_eq!(first["items"].as_array().map(Vec::len), Some(3));
    let next = first["next"].as_i64().expect("next");
    let (_, second) = api.get(&format!("/interconnects?cursor={next}&limit=2")).await;
    assert_eq!(second["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(second["items"][0]["name"], json!("icon-000004"));
    let (_, big) = api.get("/interconnects?limit=100").await;
    assert_eq!(
        big["items"].as_array().map(Vec::len),
        Some(3),
        "limit is capped at the page size"
    );
    let (_, last) = api.get("/interconnects?cursor=7").await;
    assert_eq!(last["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        last["next"],
        json!(0),
        "the last page says next: 0, like the API's docs"
    );

    let null_ended = mock_with(StoreConfig {
        end_of_list: cni::mock::EndOfList::Null,
        ..Default::default()
    })
    .await;
    let (_, only) = Api::new(&null_ended).get("/interconnects").await;
    assert_eq!(only, json!({"items": [], "next": null}));
}

#[tokio::test]
async fn checks_credentials_like_the_api() {
    let mock = mock().await;
    let api = Api::new(&mock);
    let url = format!("{}/slots", api.base);
    assert_envelope(api.send(api.http.get(&url)).await, 400, "Missing X-Auth-Key");
    assert_envelope(
        api.send(api.http.get(&url).bearer_auth("wrong")).await,
        403,
        "Authentication error",
    );
    assert_envelope(
        api.send(api.http.get(&url).header("authorization", TOKEN)).await,
        403,
        "Authentication error",
    );
    let wrong_key = api
        .http
        .get(&url)
        .header("x-auth-key", "nope")
        .header("x-auth-email", "ops@example.com");
    assert_envelope(api.send(wrong_key).await, 403, "Authentication error");
    let key = api
        .http
        .get(&url)
        .header("x-auth-key", "global-key")
        .header("x-auth-email", "OPS@example.com");
    assert_eq!(api.send(key).await.0, 200);
}

#[tokio::test]
async fn locks_a_credential_out_when_it_exceeds_the_rate_limit() {
    let config = MockConfig {
        credentials: Credentials {
            token: Some(TOKEN.into()),
            key_email: None,
        },
        store: StoreConfig::default(),
        rate_limit: Some(RateLimit {
            limit: 5,
            window: Duration::from_secs(60),
            lockout: Duration::from_secs(120),
        }),
        accounts: Vec::new(),
        chaos: None,
        quota: None,
        ratelimit_headers: Default::default(),
        log_limit: None,
    };
    let mock = MockServer::start("127.0.0.1:0".parse().expect("addr"), config)
        .await
        .expect("mock");
    let api = Api::new(&mock);
    for _ in 0..5 {
        assert_eq!(api.get("/slots").await.0, 200);
    }
    let response = api
        .http
        .get(format!("{}/slots", api.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("sixth");
    assert_eq!(response.status().as_u16(), 429);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .ok()
        .and_then(|v| v.parse().ok())
        .expect("retry-after");
    assert!((119..=120).contains(&retry_after), "{retry_after}");
    assert_envelope(api.get("/slots").await, 429, "Rate limited");
    let stats: Value = api
        .http
        .get(format!("{}/stats", api.control))
        .send()
        .await
        .expect("stats")
        .json()
        .await
        .expect("json");
    assert_eq!(stats["lockouts"], json!(1));
    assert_eq!(stats["rate_limited"], json!(2));
}
