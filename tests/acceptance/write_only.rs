//! `pairing_key_wo`: on Terraform 1.11 and later the key goes into the create and nowhere else (not the
//! plan, the state, `terraform show` or a TRACE log); `pairing_key_wo_version` bumps replace. On an
//! older Terraform, setting it is a plan-time error that names `pairing_key`.

use serde_json::json;

use crate::fixtures::key;
use crate::harness::{Background, COMMAND_LIMIT};
use crate::workspace;

fn write_only(n: u32, version: u32) -> String {
    format!(
        "resource \"cni_interconnect\" \"gcp\" {{\n  type = \"gcp_partner\"\n  bandwidth = \"1G\"\n  \
         pairing_key_wo = \"{}\"\n  pairing_key_wo_version = {version}\n  wait_for_healthy = false\n}}\n",
        key(n)
    )
}

#[test]
fn a_write_only_pairing_key_reaches_the_api_and_nothing_else() {
    let ws = workspace!();
    ws.config(&write_only(110, 1));
    if ws.terraform_version() < (1, 11) {
        ws.plan()
            .fails_with(&["needs Terraform 1.11", "`pairing_key` instead"]);
        assert!(ws.mock.requests().is_empty(), "no API call");
        return;
    }
    let mut apply = ws.command(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    apply.env("TF_LOG", "TRACE");
    let run = Background::start(apply).finish(COMMAND_LIMIT).ok();
    let secret = key(110);
    assert!(
        !run.output.contains(&secret),
        "the key is in Terraform's output or log"
    );
    let show = ws.tf(&["show", "-json"]).ok().output;
    assert!(!show.contains(&secret), "the key is in terraform show");
    let state = std::fs::read_to_string(ws.path().join("terraform.tfstate")).expect("state");
    assert!(!state.contains(&secret), "the key is in the state file");
    assert_eq!(
        ws.values("cni_interconnect.gcp")["pairing_key_wo"],
        serde_json::Value::Null
    );
    let posted = ws.mock.requests_matching("POST", "/cni/interconnects$");
    assert_eq!(posted.len(), 1);
    assert_eq!(
        posted[0]["body"]["pairing_key"],
        json!(cni::mock::fingerprint(&secret)),
        "the API received the key"
    );
    ws.assert_no_changes();

    // A new key is sent by bumping the version: the attachment is created anew.
    let first = ws.values("cni_interconnect.gcp")["name"].clone();
    ws.config(&write_only(111, 2));
    ws.plan()
        .contains(&["must be replaced", "pairing_key_wo_version"]);
    ws.apply().ok();
    assert_ne!(ws.values("cni_interconnect.gcp")["name"], first);
    let posted = ws.mock.requests_matching("POST", "/cni/interconnects$");
    assert_eq!(
        posted.last().map(|p| p["body"]["pairing_key"].clone()),
        Some(json!(cni::mock::fingerprint(&key(111))))
    );
    assert_eq!(ws.mock.interconnects().len(), 1);
    ws.destroy_all();
}

#[test]
fn moving_from_pairing_key_to_pairing_key_wo_replaces_nothing() {
    let ws = workspace!();
    if ws.terraform_version() < (1, 11) {
        return;
    }
    ws.config(&crate::fixtures::gcp("gcp", 112, "wait_for_healthy = false"));
    ws.apply().ok();
    let name = ws.values("cni_interconnect.gcp")["name"].clone();
    ws.config(&write_only(112, 1));
    let plan = ws.plan().contains(&["0 to add, 1 to change, 0 to destroy"]);
    assert!(!plan.output.contains("must be replaced"), "{}", plan.output);
    ws.apply().ok();
    assert_eq!(
        ws.values("cni_interconnect.gcp")["name"],
        name,
        "the same attachment"
    );
    let state = std::fs::read_to_string(ws.path().join("terraform.tfstate")).expect("state");
    assert!(!state.contains(&key(112)), "the key left the state");
    assert_eq!(ws.mock.creates(), 1);
    ws.assert_no_changes();
    ws.destroy_all();
}
