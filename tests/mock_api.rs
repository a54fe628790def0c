//! `cni-mock` as the API's users see it, spoken to with a plain HTTP client: its validation rules,
//! status codes and error envelope, authentication, rate limit and control API.

mod common;

use std::time::Duration;

use cni::mock::{
    fingerprint, Credentials, MockConfig, MockServer, RateLimit, StoreConfig, FIRST_SLOT_ID, MAX_BODY_BYTES,
};
use common::*;
use serde_json::{json, Value};

struct Api {
    http: reqwest::Client,
    base: String,
    control: String,
}

impl Api {
    fn new(mock: &MockServer) -> Self {
        Api {
            http: reqwest::Client::new(),
            base: format!("{}/accounts/{ACCOUNT}/cni", mock.base_url()),
            control: mock.control_url(),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let body = response.bytes().await.expect("body");
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.http.get(format!("{}{path}", self.base)).bearer_auth(TOKEN))
            .await
    }

    async fn post(&self, body: Value) -> (u16, Value) {
        self.send(
            self.http
                .post(format!("{}/interconnects", self.base))
                .bearer_auth(TOKEN)
                .json(&body),
        )
        .await
    }
}

/// Asserts a Cloudflare error envelope with this status and a message containing `needle`.
fn assert_envelope((status, body): (u16, Value), expected: u16, needle: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["success"], json!(false), "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(needle), "{message:?} lacks {needle:?}");
    assert!(body["errors"][0]["code"].is_i64(), "{body}");
}

fn direct_body(slot: &str) -> Value {
    json!({"account": ACCOUNT, "type": "direct", "slot_id": slot})
}

fn gcp_body(n: u32) -> Value {
    json!({"account": ACCOUNT, "type": "gcp_partner", "bandwidth": "1G", "pairing_key": pairing_key(n)})
}

#[tokio::test]
async fn create_rejects_every_invalid_body_with_400() {
    let mock = mock().await;
    let api = Api::new(&mock);
    let cases = [
        (
            json!({"type": "direct", "slot_id": FIRST_SLOT_ID}),
            "account: missing",
        ),
        (
            json!({"account": ACCOUNT, "slot_id": FIRST_SLOT_ID}),
            "type: missing",
        ),
        (
            json!({"account": ACCOUNT, "type": "aws"}),
            "unknown interconnect type",
        ),
        (
            json!({"account": "someone-else", "type": "direct", "slot_id": FIRST_SLOT_ID}),
            "account: must be",
        ),
        (json!({"account": ACCOUNT, "type": "direct"}), "slot_id: missing"),
        (direct_body("not-a-uuid"), "slot_id: must be a UUID"),
        (
            direct_body("00000000-0000-4000-8000-000000000000"),
            "does not exist",
        ),
        (
            json!({"account": ACCOUNT, "type": "direct", "slot_id": FIRST_SLOT_ID, "speed": "100G"}),
            "supports 10G only",
        ),
        (
            json!({"account": ACCOUNT, "type": "gcp_partner", "pairing_key": pairing_key(1)}),
            "bandwidth: missing",
        ),
        (
            json!({"account": ACCOUNT, "type": "gcp_partner", "bandwidth": "3G", "pairing_key": pairing_key(1)}),
            "bandwidth: unknown value",
        ),
        (
            json!({"account": ACCOUNT, "type": "gcp_partner", "bandwidth": "1G"}),
            "pairing_key: missing",
        ),
        (
            json!({"account": ACCOUNT, "type": "gcp_partner", "bandwidth": "1G", "pairing_key": "nope"}),
            "not a GCP pairing key",
        ),
        (
            json!({"account": ACCOUNT, "type": "gcp_partner", "bandwidth": 1, "pairing_key": pairing_key(1)}),
            "must be a string",
        ),
        (json!(["not", "an", "object"]), "must be a JSON object"),
    ];
    for (body, needle) in cases {
        assert_envelope(api.post(body).await, 400, needle);
    }
    assert_eq!(mock.interconnects(), json!([]), "nothing was created");
}

#[tokio::test]
async fn create_rejects_an_occupied_slot_and_a_reused_pairing_key() {
    let mock = mock().await;
    let api = Api::new(&mock);
    assert_eq!(api.post(direct_body(FIRST_SLOT_ID)).await.0, 200);
    assert_envelope(api.post(direct_body(FIRST_SLOT_ID)).await, 400, "is occupied");
    assert_eq!(api.post(gcp_body(1)).await.0, 200);
    assert_envelope(api.post(gcp_body(1)).await, 400, "already uses this pairing key");
}

#[tokio::test]
async fn create_rejects_invalid_json_and_other_content_types() {
    let mock = mock().await;
    let api = Api::new(&mock);
    let url = format!("{}/interconnects", api.base);
    let raw = |ct: &'static str, body: &'static str| {
        api.http
            .post(&url)
            .bearer_auth(TOKEN)
            .header("content-type", ct)
            .body(body)
    };
    assert_envelope(
        api.send(raw("application/json", "{\"type\":")).await,
        400,
        "not valid JSON",
    );
    assert_envelope(
        api.send(raw("text/plain", "{}")).await,
        400,
        "Content-Type must be application/json",
    );
    let huge = "x".repeat(MAX_BODY_BYTES + 1);
    let (status, body) = api
        .send(
            api.http
                .post(&url)
                .bearer_auth(TOKEN)
                .header("content-type", "application/json")
                .body(huge),
        )
        .await;
    assert_envelope((status, body), 413, "too large");
    assert_eq!(api.get("/slots").await.0, 200, "and it keeps serving");
}

#[tokio::test]
async fn unknown_paths_methods_and_bad_parameters_get_enveloped_errors() {
    let mock = mock().await;
    let api = Api::new(&mock);
    assert_envelope(api.get("/nothing-here").await, 404, "No route");
    assert_envelope(
        api.get("/interconnects/icon-999999").await,
        404,
        "Interconnect not found",
    );
    assert_envelope(
        api.get("/interconnects/icon-999999/status").await,
        404,
        "Interconnect not found",
    );
    assert_envelope(api.get("/slots/not-a-uuid").await, 400, "must be a UUID");
    assert_envelope(
        api.get("/slots/00000000-0000-4000-8000-000000000000").await,
        404,
        "Slot not found",
    );
    assert_envelope(api.get("/interconnects?cursor=-1").await, 400, "cursor");
    assert_envelope(api.get("/slots?limit=many").await, 400, "limit");
    assert_envelope(api.get("/slots?occupied=maybe").await, 400, "occupied");
    let put = api
        .http
        .put(format!("{}/interconnects", api.base))
        .bearer_auth(TOKEN);
    assert_envelope(api.send(put).await, 405, "Method not allowed");
}

#[tokio::test]
async fn the_loa_exists_only_for_direct_ports_and_only_as_pdf() {
    let mock = mock().await;
    let api = Api::new(&mock);
    let gcp = api.post(gcp_body(2)).await.1["name"]
        .as_str()
        .map(str::to_owned)
        .expect("gcp name");
    assert_envelope(
        api.get(&format!("/interconnects/{gcp}/loa")).await,
        400,
        "only for direct",
    );
    let port = api.post(direct_body(FIRST_SLOT_ID)).await.1["name"]
        .as_str()
        .map(str::to_owned)
        .expect("port name");
    let url = format!("{}/interconnects/{port}/loa", api.base);
    let json_only = api
        .http
        .get(&url)
        .bearer_auth(TOKEN)
        .header("accept", "application/json");
    assert_envelope(api.send(json_only).await, 406, "PDF");
    let long_name = api
        .http
        .get(&url)
        .bearer_auth(TOKEN)
        .query(&[("name", "n".repeat(201))]);
    assert_envelope(api.send(long_name).await, 400, "200 characters");
}

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

#[tokio::test]
async fn the_control_api_drives_faults_statuses_deletions_and_the_log() {
    let mock = mock().await;
    let api = Api::new(&mock);
    let name = api.post(gcp_body(3)).await.1["name"]
        .as_str()
        .map(str::to_owned)
        .expect("name");

    let fault = json!({"method": "GET", "path": "/status$", "kind": "status", "status": 503, "count": 2});
    let added = api
        .http
        .post(format!("{}/faults", api.control))
        .json(&fault)
        .send()
        .await
        .expect("fault");
    assert_eq!(added.status().as_u16(), 201);
    assert_eq!(api.get(&format!("/interconnects/{name}/status")).await.0, 503);
    assert_eq!(api.get(&format!("/interconnects/{name}/status")).await.0, 503);
    assert_eq!(api.get(&format!("/interconnects/{name}/status")).await.0, 200);

    let invalid = api
        .http
        .post(format!("{}/faults", api.control))
        .json(&json!({"kind": "explode"}))
        .send()
        .await
        .expect("bad fault");
    assert_eq!(invalid.status().as_u16(), 400);
    let bad_regex = json!({"path": "(", "kind": "drop"});
    let invalid = api
        .http
        .post(format!("{}/faults", api.control))
        .json(&bad_regex)
        .send()
        .await
        .expect("bad regex");
    assert_eq!(invalid.status().as_u16(), 400);

    let sequence = json!({"sequence": [{"state": "Down", "reason": "no light"}, {"state": "Healthy"}]});
    let set = api
        .http
        .put(format!("{}/interconnects/{name}/status", api.control))
        .json(&sequence)
        .send()
        .await
        .expect("set");
    assert_eq!(set.status().as_u16(), 204);
    assert_eq!(
        api.get(&format!("/interconnects/{name}/status")).await.1,
        json!({"state": "Down", "reason": "no light"})
    );
    assert_eq!(
        api.get(&format!("/interconnects/{name}/status")).await.1,
        json!({"state": "Healthy"})
    );

    let log: Vec<Value> = api
        .http
        .get(format!("{}/requests", api.control))
        .send()
        .await
        .expect("log")
        .json()
        .await
        .expect("json");
    assert_eq!(log.len(), 6);
    assert_eq!(log[0]["body"]["type"], json!("gcp_partner"));
    assert_eq!(log[1]["status"], json!(503));
    assert!(log[1]["fault"].as_str().is_some_and(|f| f.contains("503")));

    let deleted = api
        .http
        .delete(format!("{}/interconnects/{name}", api.control))
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.status().as_u16(), 204);
    assert_envelope(
        api.get(&format!("/interconnects/{name}")).await,
        404,
        "Interconnect not found",
    );
    let again = api
        .http
        .delete(format!("{}/interconnects/{name}", api.control))
        .send()
        .await
        .expect("delete");
    assert_eq!(again.status().as_u16(), 404);

    let cleared = api
        .http
        .delete(format!("{}/requests", api.control))
        .send()
        .await
        .expect("clear");
    assert_eq!(cleared.status().as_u16(), 204);
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn the_binary_prints_its_base_url_first_and_serves_it() {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cni-mock"))
        .args(["--listen", "127.0.0.1:0", "--token", TOKEN, "--page-size", "2"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn cni-mock");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stdout));
    let first = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await
        .expect("printed in time")
        .expect("read")
        .expect("a line");
    assert!(
        first.starts_with("http://127.0.0.1:") && first.ends_with("/client/v4"),
        "{first}"
    );
    let slots: Value = reqwest::Client::new()
        .get(format!("{first}/accounts/{ACCOUNT}/cni/slots"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(
        slots["items"].as_array().map(Vec::len),
        Some(2),
        "--page-size applies"
    );
    child.kill().await.expect("kill");
}

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
