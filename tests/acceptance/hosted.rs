//! An interconnect that still carries a CNI object: the API refuses its delete, the error names the
//! connection to remove first, the port stays in state, and a destroy after its removal succeeds.

use serde_json::json;

use crate::fixtures::{port, SLOT_A};
use crate::harness::{ACCOUNT, TOKEN};
use crate::workspace;

#[test]
fn a_port_that_carries_a_connection_names_it_when_its_delete_is_refused() {
    let ws = workspace!();
    ws.config(&port("port", SLOT_A, ""));
    ws.apply().ok();
    let name = ws.values("cni_interconnect.port")["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let seeded = ws.mock.seed_cni(json!({"account": ACCOUNT, "interconnect": name,
        "magic": {"conduit_name": "edge-ewr-1", "description": "", "mtu": 1500}}));
    let id = seeded["id"].as_str().unwrap_or_default().to_owned();
    ws.tf(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .fails_with(&[
            "Could not delete interconnect",
            "Interconnect has associated CNIs",
            &id,
            "edge-ewr-1",
            "remove them first",
        ]);
    assert_eq!(
        ws.addresses(),
        vec!["cni_interconnect.port"],
        "the port stays in state"
    );

    let deleted = reqwest::blocking::Client::new()
        .delete(format!("{}/accounts/{ACCOUNT}/cni/cnis/{id}", ws.mock.base_url))
        .bearer_auth(TOKEN)
        .send()
        .expect("delete the CNI");
    assert!(deleted.status().is_success());
    ws.destroy_all();
}
