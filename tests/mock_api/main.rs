//! `cni-mock` as the API's users see it, spoken to with a plain HTTP client, one file per topic: its
//! validation rules and error envelope, paging, authentication and rate limit, the control API and the
//! binary, and how it imitates the API's awkward parts.

#[path = "../fixtures/mod.rs"]
mod fixtures;

mod api_like;
mod cnis;
mod control;
mod paging_and_auth;
mod validation;

use cni::mock::MockServer;
use fixtures::*;
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
