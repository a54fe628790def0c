//! The four data sources, including a listing longer than one page.

use serde_json::{json, Value};

use crate::fixtures::{key, SLOT_A};
use crate::harness::ACCOUNT;
use crate::workspace;

#[test]
fn lists_every_page_with_filters_and_statuses() {
    // Statuses settle at once, so that reading them again plans no change.
    let ws = workspace!(
        "--page-size",
        "2",
        "--healthy-after",
        "0",
        "--direct-healthy-after",
        "never"
    );
    let mut config = format!(
        "resource \"cni_interconnect\" \"gcp\" {{\n  count = 5\n  type = \"gcp_partner\"\n  bandwidth = \"500M\"\n  \
         pairing_key = \"7e51371e-72a3-40b5-b844-00000000010${{count.index}}/us-east4/1\"\n  wait_for_healthy = false\n}}\n\
         resource \"cni_interconnect\" \"port\" {{\n  type = \"direct\"\n  slot_id = \"{SLOT_A}\"\n}}\n"
    );
    ws.config(&config);
    ws.apply().ok();
    config.push_str(
        "data \"cni_interconnects\" \"all\" {\n  include_status = true\n}\n\
         data \"cni_interconnects\" \"gcp\" {\n  type = \"gcp_partner\"\n}\n\
         data \"cni_interconnects\" \"ewr\" {\n  site = \"ewr01\"\n}\n\
         output \"all\" { value = data.cni_interconnects.all.interconnects }\n\
         output \"gcp_names\" { value = data.cni_interconnects.gcp.interconnects[*].name }\n\
         output \"ewr\" { value = data.cni_interconnects.ewr.interconnects }\n",
    );
    ws.config(&config);
    ws.apply().ok();
    let outputs = ws.outputs();
    let all = outputs["all"]["value"].as_array().cloned().unwrap_or_default();
    assert_eq!(all.len(), 6, "every page was followed: {all:?}");
    let statuses: Vec<&Value> = all.iter().map(|i| &i["status"]).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == &json!("Healthy")).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == &json!("Pending")).count(),
        1,
        "the port: {statuses:?}"
    );
    assert!(all.iter().all(|i| i["account_id"] == json!(ACCOUNT)));
    let gcp_names = outputs["gcp_names"]["value"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(gcp_names.len(), 5);
    let ewr = outputs["ewr"]["value"].as_array().cloned().unwrap_or_default();
    assert_eq!(ewr.len(), 1);
    assert_eq!(ewr[0]["type"], json!("direct"));
    assert_eq!(ewr[0]["facility"]["address"][0], json!("800 Secaucus Road"));
    assert_eq!(ewr[0]["status"], Value::Null, "no status without include_status");
    let list_pages = ws.mock.requests_matching("GET", "/cni/interconnects$");
    assert!(
        list_pages
            .iter()
            .any(|r| r["query"].as_str().is_some_and(|q| q.contains("cursor="))),
        "paged by cursor"
    );
    ws.assert_no_changes();
    ws.destroy_all();
}

#[test]
fn reads_one_interconnect_its_loa_and_the_slots() {
    let ws = workspace!();
    let resources = format!(
        "resource \"cni_interconnect\" \"port\" {{\n  type = \"direct\"\n  slot_id = \"{SLOT_A}\"\n}}\n\
         resource \"cni_interconnect\" \"gcp\" {{\n  type = \"gcp_partner\"\n  bandwidth = \"2G\"\n  pairing_key = \"{}\"\n}}\n",
        key(20)
    );
    ws.config(&resources);
    ws.apply().ok();
    ws.config(&format!(
        "{resources}\
         data \"cni_interconnect\" \"gcp\" {{\n  name = cni_interconnect.gcp.name\n}}\n\
         data \"cni_interconnect_loa\" \"port\" {{\n  name = cni_interconnect.port.name\n  loa_name = \"ACME Networks\"\n}}\n\
         data \"cni_slots\" \"free_ewr\" {{\n  site = \"ewr01\"\n  occupied = false\n}}\n\
         data \"cni_slots\" \"london_100g\" {{\n  address_contains = \"London\"\n  speed = \"100G\"\n}}\n\
         output \"gcp\" {{ value = data.cni_interconnect.gcp }}\n\
         output \"loa\" {{ value = data.cni_interconnect_loa.port }}\n\
         output \"free_ewr\" {{ value = data.cni_slots.free_ewr.slots[*].id }}\n\
         output \"london_100g\" {{ value = data.cni_slots.london_100g.slots }}\n"
    ));
    ws.apply().ok();
    let outputs = ws.outputs();
    let gcp = &outputs["gcp"]["value"];
    assert_eq!(
        (gcp["type"].clone(), gcp["speed"].clone(), gcp["status"].clone()),
        (json!("gcp_partner"), json!("2G"), json!("Healthy"))
    );
    assert_eq!(gcp["region"], json!("us-east4"));
    let loa = &outputs["loa"]["value"];
    assert_eq!(loa["content_type"], json!("application/pdf"));
    let pdf = base64_decode(loa["content_base64"].as_str().unwrap_or_default());
    assert!(pdf.starts_with(b"%PDF-") && String::from_utf8_lossy(&pdf).contains("ACME Networks"));
    assert_eq!(loa["sha256"].as_str().map(str::len), Some(64));
    let free: Vec<Value> = outputs["free_ewr"]["value"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(free.len(), 3, "one of the four ewr01 slots is taken: {free:?}");
    assert!(!free.contains(&json!(SLOT_A)));
    let london = outputs["london_100g"]["value"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(london.len(), 1);
    assert_eq!(
        (london[0]["site"].clone(), london[0]["occupied"].clone()),
        (json!("lhr01"), json!(false))
    );
    ws.destroy_all();
}

#[test]
fn a_missing_interconnect_is_a_clear_data_source_error() {
    let ws = workspace!();
    ws.config("data \"cni_interconnect\" \"x\" {\n  name = \"icon-424242\"\n}\n");
    ws.plan().fails_with(&[
        "Could not read interconnect icon-424242",
        "HTTP 404: Interconnect not found",
    ]);
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64")
}
