//! CNI objects and account settings as the API serves them: the `/31` pair assigned at create, PUT of
//! the whole object, the 409 on a conduit name in use, `bgp_mode` only by PUT, no move to another
//! interconnect, paging and the `slot` filter, and an interconnect that hosts a CNI cannot go.

use cni::mock::FIRST_SLOT_ID;
use serde_json::{json, Value};

use super::fixtures::*;
use super::*;

impl Api {
    async fn send_json(&self, method: reqwest::Method, path: &str, body: &Value) -> (u16, Value) {
        self.send(
            self.http
                .request(method, format!("{}{path}", self.base))
                .bearer_auth(TOKEN)
                .json(body),
        )
        .await
    }

    /// A port in the first slot, and its name.
    async fn port(&self) -> String {
        let (status, port) = self.post(direct_body(FIRST_SLOT_ID)).await;
        assert_eq!(status, 200, "{port}");
        port["name"].as_str().unwrap_or_default().to_owned()
    }
}

fn cni_body(interconnect: &str, conduit: &str) -> Value {
    json!({"account": ACCOUNT, "interconnect": interconnect,
        "magic": {"conduit_name": conduit, "description": "edge", "mtu": 1500},
        "bgp": {"customer_asn": 65001, "extra_prefixes": ["203.0.113.0/24"], "md5_key": "s3cret!"}})
}

#[tokio::test]
async fn a_cni_gets_its_pair_at_create_and_takes_the_whole_object_by_put() {
    let mock = mock().await;
    let api = Api::new(&mock);
    let port = api.port().await;
    let (status, created) = api
        .send_json(reqwest::Method::POST, "/cnis", &cni_body(&port, "edge-1"))
        .await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{created}");
    assert_eq!(created["p2p_ip"], "100.64.0.0/31");
    assert_eq!(created["cust_ip"], "100.64.0.1/31");
    assert_eq!(created["bgp"]["md5_key"], "s3cret!", "the key is read back");
    assert!(created.get("bgp_mode").is_none(), "{created}");

    let mut whole = created.clone();
    whole["magic"]["mtu"] = json!(9000);
    whole["bgp_mode"] = json!("advertise_only");
    whole.as_object_mut().map(|o| o.remove("bgp"));
    let (status, updated) = api
        .send_json(reqwest::Method::PUT, &format!("/cnis/{id}"), &whole)
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["magic"]["mtu"], 9000);
    assert_eq!(updated["bgp_mode"], "advertise_only");
    assert!(
        updated.get("bgp").is_none(),
        "a PUT without bgp removes it: {updated}"
    );
    assert_eq!(api.get(&format!("/cnis/{id}")).await.1, updated);

    let mut moved = updated.clone();
    moved["interconnect"] = json!("icon-999999");
    assert_envelope(
        api.send_json(reqwest::Method::PUT, &format!("/cnis/{id}"), &moved)
            .await,
        400,
        "cannot move",
    );
    let mut apart = updated.clone();
    apart["cust_ip"] = json!("100.64.0.9/31");
    assert_envelope(
        api.send_json(reqwest::Method::PUT, &format!("/cnis/{id}"), &apart)
            .await,
        400,
        "same prefix",
    );
    let mut partial = updated.clone();
    partial.as_object_mut().map(|o| o.remove("p2p_ip"));
    assert_envelope(
        api.send_json(reqwest::Method::PUT, &format!("/cnis/{id}"), &partial)
            .await,
        400,
        "p2p_ip",
    );
}

#[tokio::test]
async fn the_api_refuses_what_it_refuses() {
    let mock = mock().await;
    let api = Api::new(&mock);
    let port = api.port().await;
    let create = |body: Value| {
        let api = &api;
        async move { api.send_json(reqwest::Method::POST, "/cnis", &body).await }
    };
    assert_eq!(create(cni_body(&port, "edge-1")).await.0, 200);
    assert_envelope(create(cni_body(&port, "edge-1")).await, 409, "Name Conflict");
    let mut with_mode = cni_body(&port, "edge-2");
    with_mode["bgp_mode"] = json!("advertise_only");
    assert_envelope(create(with_mode).await, 400, "bgp_mode");
    let mut bad_key = cni_body(&port, "edge-2");
    bad_key["bgp"]["md5_key"] = json!("what?");
    assert_envelope(create(bad_key).await, 400, "md5_key");
    let mut bad_prefix = cni_body(&port, "edge-2");
    bad_prefix["bgp"]["extra_prefixes"] = json!(["203.0.113.0"]);
    assert_envelope(create(bad_prefix).await, 400, "extra_prefixes");
    let mut no_mtu = cni_body(&port, "edge-2");
    no_mtu["magic"].as_object_mut().map(|m| m.remove("mtu"));
    assert_envelope(create(no_mtu).await, 400, "magic.mtu");
    assert_envelope(
        create(cni_body("icon-424242", "edge-2")).await,
        400,
        "interconnect",
    );

    let missing = uuid::Uuid::new_v4();
    assert_envelope(api.get(&format!("/cnis/{missing}")).await, 404, "CNI not found");
    let (status, _) = api
        .send(
            api.http
                .delete(format!("{}/cnis/{missing}", api.base))
                .bearer_auth(TOKEN),
        )
        .await;
    assert_eq!(status, 404);
    assert_envelope(
        api.send(
            api.http
                .delete(format!("{}/interconnects/{port}", api.base))
                .bearer_auth(TOKEN),
        )
        .await,
        409,
        "associated CNIs",
    );
}

#[tokio::test]
async fn cnis_page_and_filter_by_slot() {
    let mock = mock_with(cni::mock::StoreConfig {
        page_size: 2,
        ..Default::default()
    })
    .await;
    let api = Api::new(&mock);
    let port = api.port().await;
    let (_, attachment) = api.post(gcp_body(7)).await;
    let attachment = attachment["name"].as_str().unwrap_or_default().to_owned();
    for n in 0..3 {
        let on = if n == 0 { &attachment } else { &port };
        let body = cni_body(on, &format!("edge-{n}"));
        assert_eq!(api.send_json(reqwest::Method::POST, "/cnis", &body).await.0, 200);
    }
    let (_, first) = api.get("/cnis").await;
    assert_eq!(first["items"].as_array().map(Vec::len), Some(2));
    let next = first["next"].as_i64().expect("a next page");
    let (_, second) = api.get(&format!("/cnis?cursor={next}")).await;
    assert_eq!(second["items"].as_array().map(Vec::len), Some(1));
    let (_, on_slot) = api.get(&format!("/cnis?slot={FIRST_SLOT_ID}")).await;
    let conduits: Vec<&str> = on_slot["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|c| c["magic"]["conduit_name"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(conduits, ["edge-1", "edge-2"]);
    let (_, tunnels) = api.get("/cnis?tunnel_id=t-1").await;
    assert_eq!(tunnels["items"], json!([]), "the mock has no tunnels");
}

#[tokio::test]
async fn settings_are_read_and_set() {
    let mock = mock().await;
    let api = Api::new(&mock);
    assert_eq!(
        api.get("/settings").await,
        (200, json!({"default_asn": cni::mock::DEFAULT_ASN}))
    );
    let set = api
        .send_json(reqwest::Method::PUT, "/settings", &json!({"default_asn": 65010}))
        .await;
    assert_eq!(set, (200, json!({"default_asn": 65010})));
    let unchanged = api
        .send_json(reqwest::Method::PUT, "/settings", &json!({"default_asn": null}))
        .await;
    assert_eq!(unchanged.1, json!({"default_asn": 65010}));
    assert_envelope(
        api.send_json(reqwest::Method::PUT, "/settings", &json!({"default_asn": -1}))
            .await,
        400,
        "default_asn",
    );
}

#[tokio::test]
async fn quirks_answer_the_same_meaning_in_another_form_and_grown_members_last_while_sent() {
    use cni::mock::CniQuirk;
    let mock = mock_with(cni::mock::StoreConfig {
        cni_quirks: vec![
            CniQuirk::UpperCaseAccount,
            CniQuirk::ReversedPrefixes,
            CniQuirk::MaskMd5,
            CniQuirk::GrownMembers,
        ],
        ..Default::default()
    })
    .await;
    let api = Api::new(&mock);
    let port = api.port().await;
    let mut body = cni_body(&port, "edge");
    body["bgp"]["extra_prefixes"] = json!(["203.0.113.0/24", "198.51.100.0/24"]);
    let (status, made) = api.send_json(reqwest::Method::POST, "/cnis", &body).await;
    assert_eq!(status, 200, "{made}");
    assert_eq!(made["account"], json!(ACCOUNT.to_uppercase()));
    assert_eq!(
        made["bgp"]["extra_prefixes"],
        json!(["198.51.100.0/24", "203.0.113.0/24"])
    );
    assert_eq!(made["bgp"]["md5_key"], json!("********"));
    let grown = |cni: &Value| {
        (
            cni["automatic_return_routing"].clone(),
            cni["magic"]["ttl"].clone(),
            cni["bgp"]["hold_time"].clone(),
        )
    };
    assert_eq!(grown(&made), (json!(true), json!(64), json!(90)));
    let truth = &mock.cnis()[0];
    assert_eq!(
        truth["bgp"]["md5_key"],
        json!("s3cret!"),
        "the mock's own view is the truth"
    );
    let logged = logged(&mock, "POST", "/cnis$");
    let sent = logged[0].body.clone().unwrap_or_default();
    assert_eq!(
        sent["bgp"]["md5_key"],
        json!(cni::mock::fingerprint("s3cret!")),
        "never the key"
    );

    // A PUT keeps the grown members it sends, and drops those it leaves out.
    let id = made["id"].as_str().unwrap_or_default().to_owned();
    let mut put = made.clone();
    put["account"] = json!(ACCOUNT);
    put["bgp"]["md5_key"] = json!("s3cret!");
    let (status, kept) = api
        .send_json(reqwest::Method::PUT, &format!("/cnis/{id}"), &put)
        .await;
    assert_eq!(status, 200, "{kept}");
    assert_eq!(grown(&kept), grown(&made));
    let mut dropped = put.clone();
    dropped["magic"].as_object_mut().map(|m| m.remove("ttl"));
    let (_, now) = api
        .send_json(reqwest::Method::PUT, &format!("/cnis/{id}"), &dropped)
        .await;
    assert_eq!(
        now["magic"]["ttl"],
        Value::Null,
        "a whole-object PUT drops what it leaves out"
    );
}

#[tokio::test]
async fn a_new_cni_lags_in_listings_and_chaos_lags_listings_only() {
    let mock = mock_with(cni::mock::StoreConfig {
        list_lag: 2,
        ..Default::default()
    })
    .await;
    let api = Api::new(&mock);
    let port = api.port().await;
    let (status, made) = api
        .send_json(reqwest::Method::POST, "/cnis", &cni_body(&port, "edge"))
        .await;
    assert_eq!(status, 200, "{made}");
    for _ in 0..2 {
        assert_eq!(
            api.get("/cnis").await.1["items"],
            json!([]),
            "left out while it lags"
        );
    }
    assert_eq!(api.get("/cnis").await.1["items"][0]["id"], made["id"]);

    let control = reqwest::Client::new();
    let chaos = control
        .put(format!("{}/chaos", mock.control_url()))
        .json(&json!({"rate": 0.0, "seed": 1, "lag": 1.0}))
        .send()
        .await
        .expect("chaos");
    assert_eq!(chaos.status().as_u16(), 204);
    let (status, listed) = api.get("/cnis").await;
    assert_eq!(
        (status, listed),
        (200, json!({"items": [], "next": 0})),
        "a lagging listing"
    );
    let id = made["id"].as_str().unwrap_or_default();
    let (status, one) = api.get(&format!("/cnis/{id}")).await;
    assert_eq!(
        (status, &one["id"]),
        (200, &made["id"]),
        "reads of one object do not lag"
    );
}
