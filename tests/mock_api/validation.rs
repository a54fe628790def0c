//! Validation: every invalid body, content type, path and parameter gets the API's enveloped error; the LOA.

use cni::mock::{FIRST_SLOT_ID, MAX_BODY_BYTES};
use serde_json::json;

use super::fixtures::*;
use super::*;

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
