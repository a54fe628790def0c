//! `terraform query` (Terraform 1.14 and later): the list resource `cni_interconnect` finds every
//! interconnect of an account, across pages and with filters, and `-generate-config-out` writes
//! configuration that `terraform plan` accepts as it is: N to import, nothing else.

use cni::mock::{paths, FaultSpec};
use serde_json::json;
use std::time::Duration;

use crate::fixtures::{key, SLOT_A, SLOT_B};
use crate::harness::ACCOUNT;
use crate::workspace;

#[test]
fn terraform_query_finds_every_interconnect_and_generates_configuration_to_adopt_them() {
    let ws = workspace!("--page-size", "2");
    if ws.terraform_version() < (1, 14) {
        return;
    }
    for slot in [SLOT_A, SLOT_B] {
        ws.mock
            .create_directly(json!({"account": ACCOUNT, "type": "direct", "slot_id": slot}));
    }
    for n in 0..3 {
        ws.mock.create_directly(json!({
            "account": ACCOUNT, "type": "gcp_partner", "bandwidth": "2G", "pairing_key": key(120 + n)
        }));
    }
    ws.config("");
    std::fs::write(
        ws.path().join("discover.tfquery.hcl"),
        "list \"cni_interconnect\" \"all\" {\n  provider = cni\n  include_resource = true\n}\n\n\
         list \"cni_interconnect\" \"ports\" {\n  provider = cni\n  config {\n    type = \"direct\"\n  }\n}\n",
    )
    .expect("write the query");

    let found = ws.tf(&["query", "-no-color"]).ok().output;
    for name in [
        "icon-000001",
        "icon-000002",
        "icon-000003",
        "icon-000004",
        "icon-000005",
    ] {
        assert!(found.contains(name), "{name} not found:\n{found}");
    }
    assert!(
        found.contains("(direct, ewr01)"),
        "display names say type and place:\n{found}"
    );
    assert!(found.contains("(gcp_partner, us-east4)"), "{found}");

    std::fs::remove_file(ws.path().join("discover.tfquery.hcl")).expect("remove");
    std::fs::write(
        ws.path().join("adopt.tfquery.hcl"),
        "list \"cni_interconnect\" \"all\" {\n  provider = cni\n}\n",
    )
    .expect("write the query");
    ws.tf(&["query", "-no-color", "-generate-config-out=found.tf"])
        .ok();
    let generated = std::fs::read_to_string(ws.path().join("found.tf")).expect("generated configuration");
    assert_eq!(generated.matches("import {").count(), 5, "{generated}");
    // Terraform writes every optional attribute, as null when unset; nothing computed, and no key.
    for absent in [
        "status",
        "owner",
        "virtual_port_reservation_id",
        "facility",
        "pairing_key = \"",
    ] {
        assert!(
            !generated.contains(absent),
            "{absent} in generated configuration:\n{generated}"
        );
    }
    assert!(
        generated.contains("slot_id") && generated.contains("\"2G\""),
        "{generated}"
    );
    std::fs::remove_file(ws.path().join("adopt.tfquery.hcl")).expect("remove");

    ws.plan()
        .contains(&["Plan: 5 to import, 0 to add, 0 to change, 0 to destroy"]);
    ws.apply().ok();
    assert_eq!(ws.addresses().len(), 5);
    ws.assert_no_changes();
    assert_eq!(ws.mock.creates(), 5, "only the five made outside Terraform");
    ws.destroy_all();
}

#[test]
fn an_interrupted_query_ends_promptly() {
    let ws = workspace!("--page-size", "1");
    if ws.terraform_version() < (1, 14) {
        return;
    }
    for n in 0..4 {
        ws.mock.create_directly(json!({
            "account": ACCOUNT, "type": "gcp_partner", "bandwidth": "1G", "pairing_key": key(130 + n)
        }));
    }
    // Every page takes 5 s: the listing is slow enough to be interrupted in the middle.
    ws.mock.fault(
        FaultSpec::on("GET", paths::INTERCONNECTS)
            .times(10)
            .delay(Duration::from_millis(5000)),
    );
    ws.config("");
    std::fs::write(
        ws.path().join("all.tfquery.hcl"),
        "list \"cni_interconnect\" \"all\" {\n  provider = cni\n}\n",
    )
    .expect("write the query");
    let query = ws.spawn(&["query", "-no-color"]);
    crate::harness::wait_until(
        "the listing has started",
        std::time::Duration::from_secs(60),
        || !ws.mock.requests_matching("GET", "/cni/interconnects$").is_empty(),
    );
    nix::sys::signal::killpg(query.pid(), nix::sys::signal::Signal::SIGINT).expect("SIGINT");
    let run = query.finish(std::time::Duration::from_secs(30));
    assert!(!run.output.contains("panic"), "{}", run.output);
    assert!(
        ws.mock.requests_matching("GET", "/cni/interconnects$").len() < 4,
        "the listing stopped instead of reading every page"
    );
}

#[test]
fn a_query_with_a_limit_stops_listing_once_it_has_enough() {
    let ws = workspace!("--page-size", "1");
    if ws.terraform_version() < (1, 14) {
        return;
    }
    for n in 0..6 {
        ws.mock.create_directly(json!({
            "account": ACCOUNT, "type": "gcp_partner", "bandwidth": "1G", "pairing_key": key(140 + n)
        }));
    }
    ws.config("");
    std::fs::write(
        ws.path().join("two.tfquery.hcl"),
        "list \"cni_interconnect\" \"two\" {\n  provider = cni\n  limit = 2\n}\n",
    )
    .expect("write the query");
    let found = ws.tf(&["query", "-no-color"]).ok().output;
    assert_eq!(found.matches("list.cni_interconnect.two").count(), 2, "{found}");
    let pages = ws.mock.requests_matching("GET", "/cni/interconnects$").len();
    assert!(pages <= 3, "{pages} pages read for 2 results out of 6");
}
