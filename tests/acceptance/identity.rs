//! Resource identity (Terraform 1.12 and later): `{ account_id, name }` returned with every object,
//! and `import` blocks that name an interconnect by identity.

use serde_json::json;

use crate::fixtures::{port, SLOT_A};
use crate::harness::ACCOUNT;
use crate::workspace;

#[test]
fn an_import_block_with_an_identity_adopts_the_interconnect_and_state_keeps_the_identity() {
    let ws = workspace!();
    if ws.terraform_version() < (1, 12) {
        return;
    }
    let name = ws
        .mock
        .create_directly(json!({"account": ACCOUNT, "type": "direct", "slot_id": SLOT_A}));
    ws.config(&format!(
        "import {{\n  to = cni_interconnect.port\n  identity = {{\n    name = \"{name}\"\n  }}\n}}\n{}",
        port("port", SLOT_A, "")
    ));
    ws.plan()
        .contains(&["1 to import, 0 to add, 0 to change, 0 to destroy"]);
    ws.apply().ok();
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path().join("terraform.tfstate")).expect("state"))
            .expect("state JSON");
    assert_eq!(
        state["resources"][0]["instances"][0]["identity"],
        json!({"account_id": ACCOUNT, "name": name}),
        "{state}"
    );
    assert_eq!(ws.values("cni_interconnect.port")["name"], json!(name));
    assert_eq!(ws.mock.creates(), 1, "imported, not created");
    ws.assert_no_changes();
    ws.destroy_all();
}

#[test]
fn created_interconnects_carry_their_identity() {
    let ws = workspace!();
    if ws.terraform_version() < (1, 12) {
        return;
    }
    ws.config(&port("port", SLOT_A, ""));
    ws.apply().ok();
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path().join("terraform.tfstate")).expect("state"))
            .expect("state JSON");
    let instance = &state["resources"][0]["instances"][0];
    assert_eq!(instance["identity"]["account_id"], json!(ACCOUNT));
    assert_eq!(instance["identity"]["name"], instance["attributes"]["name"]);
    ws.assert_no_changes();
    ws.destroy_all();
}
