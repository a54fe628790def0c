//! The API's awkward parts: junk survived, read lag, answers without speed, HTML and slow answers, unknown accounts.

use std::time::Duration;

use cni::mock::{fingerprint, Credentials, MockConfig, MockServer, StoreConfig, FIRST_SLOT_ID};
use serde_json::{json, Value};

use super::fixtures::*;
use super::*;

#[tokio::test]
async fn survives_junk_and_keeps_serving() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mock = mock().await;
    let api = Api::new(&mock);
    let junk: Vec<Vec<u8>> = vec![
        b"\x00\x01\x02\xff\xfe garbage that is not HTTP\r\n\r\n".to_vec(),
        b"GET /client/v4/accounts/x/cni/slots HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n".to_vec(),
        format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(100_000)).into_bytes(),
        b"POST /client/v4/accounts/x/cni/interconnects HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nshort".to_vec(),
    ];
    for bytes in junk {
        let mut stream = tokio::net::TcpStream::connect(mock.addr())
            .await
            .expect("connect");
        let _ = stream.write_all(&bytes).await;
        let _ = stream.shutdown().await;
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
        let text = String::from_utf8_lossy(&answer);
        assert!(
            answer.is_empty() || text.starts_with("HTTP/1.1 4"),
            "junk got {text:?}"
        );
    }
    let wrong_type = api
        .http
        .post(format!("{}/interconnects", api.base))
        .bearer_auth(TOKEN)
        .header("content-type", "application/xml")
        .body("<interconnect/>");
    assert_envelope(
        api.send(wrong_type).await,
        400,
        "Content-Type must be application/json",
    );
    assert_eq!(api.get("/slots").await.0, 200, "still serving after the junk");
}

#[tokio::test]
async fn a_new_interconnect_can_be_unknown_to_reads_for_a_while() {
    let mock = mock_with(StoreConfig {
        read_lag: 3,
        ..Default::default()
    })
    .await;
    let api = Api::new(&mock);
    let name = api.post(gcp_body(40)).await.1["name"]
        .as_str()
        .map(str::to_owned)
        .expect("name");
    assert_envelope(api.get(&format!("/interconnects/{name}")).await, 404, "not found");
    assert_envelope(
        api.get(&format!("/interconnects/{name}/status")).await,
        404,
        "not found",
    );
    assert_envelope(api.get(&format!("/interconnects/{name}")).await, 404, "not found");
    assert_eq!(
        api.get(&format!("/interconnects/{name}")).await.0,
        200,
        "known after 3 reads"
    );
    assert_eq!(api.get(&format!("/interconnects/{name}/status")).await.0, 200);
    let (_, listed) = api.get("/interconnects").await;
    assert_eq!(listed["items"][0]["name"], json!(name), "listings are not lagged");
}

#[tokio::test]
async fn gcp_answers_can_leave_speed_out_and_speeds_compare_case_insensitively() {
    let mock = mock_with(StoreConfig {
        omit_gcp_speed: true,
        ..Default::default()
    })
    .await;
    let api = Api::new(&mock);
    let (status, created) = api.post(gcp_body(41)).await;
    assert_eq!(status, 200);
    assert!(created.get("speed").is_none(), "{created}");
    assert_eq!(created["region"], json!("us-central1"));
    let (status, port) = api
        .post(json!({"account": ACCOUNT, "type": "direct", "slot_id": FIRST_SLOT_ID.to_uppercase(), "speed": "10g"}))
        .await;
    assert_eq!(status, 200, "{port}");
    assert_eq!(port["speed"], json!("10G"), "{port}");
}

#[tokio::test]
async fn html_and_delayed_answers_and_a_log_without_secrets() {
    let mock = mock().await;
    let api = Api::new(&mock);
    mock.add_fault(
        serde_json::from_value(json!({"method": "GET", "path": "/interconnects/x$", "kind": "html"}))
            .expect("fault"),
    )
    .expect("added");
    let response = api
        .http
        .get(format!("{}/interconnects/x", api.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 404);
    assert!(response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html")));
    assert!(response.text().await.expect("text").contains("<html>"));

    // Handled first, answered late: the interconnect exists before its answer arrives.
    mock.add_fault(
        serde_json::from_value(
            json!({"method": "POST", "phase": "after", "kind": "delay", "delay_ms": 1500}),
        )
        .expect("fault"),
    )
    .expect("added");
    let slow = tokio::spawn({
        let http = api.http.clone();
        let url = format!("{}/interconnects", api.base);
        async move {
            http.post(url)
                .bearer_auth(TOKEN)
                .json(&gcp_body(42))
                .send()
                .await
                .map(|r| r.status().as_u16())
        }
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while mock.interconnects().as_array().is_none_or(Vec::is_empty) {
        assert!(std::time::Instant::now() < deadline, "never created");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!slow.is_finished(), "the answer is still delayed");
    assert_eq!(slow.await.expect("join").expect("answered"), 200);

    let log = mock.requests();
    let create = log.iter().find(|r| r.method == "POST").expect("logged");
    let body = create.body.clone().unwrap_or_default();
    assert_eq!(body["pairing_key"], json!(fingerprint(&pairing_key(42))));
    let text = serde_json::to_string(&log).expect("json");
    assert!(!text.contains(&pairing_key(42)), "the key is not stored in clear");
    assert!(!text.contains(TOKEN), "nor the token");

    let truncated = api
        .http
        .post(format!("{}/interconnects", api.base))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body(format!("{{\"pairing_key\": \"{}", pairing_key(43)))
        .send()
        .await
        .expect("request");
    assert_eq!(truncated.status().as_u16(), 400);
    let text = serde_json::to_string(&mock.requests()).expect("json");
    assert!(
        !text.contains(&pairing_key(43)),
        "nor in a body that is not JSON: {text}"
    );
}

#[tokio::test]
async fn unknown_accounts_get_the_apis_answers() {
    let config = MockConfig {
        credentials: Credentials {
            token: Some(TOKEN.into()),
            key_email: None,
        },
        accounts: vec![ACCOUNT.to_owned()],
        chaos: None,
        quota: None,
        ratelimit_headers: Default::default(),
        log_limit: None,
        ..Default::default()
    };
    let mock = MockServer::start("127.0.0.1:0".parse().expect("addr"), config)
        .await
        .expect("mock starts");
    let http = reqwest::Client::new();
    let get = |account: &str| {
        http.get(format!(
            "{}/accounts/{account}/cni/interconnects",
            mock.base_url()
        ))
        .bearer_auth(TOKEN)
        .send()
    };
    let ok = get(ACCOUNT).await.expect("request");
    assert_eq!(ok.status().as_u16(), 200);
    let other = get("0123456789abcdef0123456789abcdef").await.expect("request");
    assert_eq!(other.status().as_u16(), 403);
    let body: Value = other.json().await.expect("json");
    assert_eq!(body["errors"][0]["code"], json!(9109), "{body}");
    let malformed = get("not-an-account").await.expect("request");
    assert_eq!(malformed.status().as_u16(), 400);
    let body: Value = malformed.json().await.expect("json");
    assert_eq!(body["errors"][0]["code"], json!(7003), "{body}");
}
