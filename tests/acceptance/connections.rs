//! The connection data sources over CNI objects seeded in the mock: every connection with its nested
//! `magic` and `bgp`, the filters (slot and tunnel by the API, interconnect here), one by id, and the
//! MD5 key kept out of Terraform's output; Terraform 1.0, which crashes on nested attributes, refused
//! with a clear error.

use serde_json::json;

use crate::fixtures::{gcp, port, SLOT_A};
use crate::harness::ACCOUNT;
use crate::workspace;

#[test]
fn the_connection_data_sources_read_every_field_and_filter() {
    let ws = workspace!();
    ws.config(&format!("{}{}", port("port", SLOT_A, ""), gcp("cloud", 1, "")));
    ws.apply().ok();
    let name_of = |address: &str| ws.values(address)["name"].as_str().unwrap_or_default().to_owned();
    let (port_name, cloud_name) = (
        name_of("cni_interconnect.port"),
        name_of("cni_interconnect.cloud"),
    );
    let edge = ws
        .mock
        .seed_cni(json!({"account": ACCOUNT, "interconnect": port_name,
        "magic": {"conduit_name": "edge-ewr-1", "description": "EWR port 1", "mtu": 1500},
        "bgp": {"customer_asn": 65001, "extra_prefixes": ["203.0.113.0/24"], "md5_key": "md5-s3cret"}}));
    ws.mock
        .seed_cni(json!({"account": ACCOUNT, "interconnect": cloud_name,
        "magic": {"conduit_name": "cloud-1", "description": "", "mtu": 1460}}));
    let id = edge["id"].as_str().unwrap_or_default().to_owned();
    if ws.terraform_version() < (1, 1) {
        ws.config("data \"cni_connections\" \"all\" {}\n");
        ws.mock.clear_log();
        ws.plan().fails_with(&[
            "Data source cni_connections needs Terraform 1.1 or later",
            "This is Terraform 1.0",
        ]);
        assert!(
            ws.mock.requests_matching("GET", "/cni/cnis").is_empty(),
            "refused before any API call"
        );
        return;
    }
    ws.config(&format!(
        "{}{}\
         data \"cni_connections\" \"all\" {{}}\n\
         data \"cni_connections\" \"on_port\" {{\n  interconnect = cni_interconnect.port.name\n}}\n\
         data \"cni_connections\" \"in_slot\" {{\n  slot = \"{SLOT_A}\"\n}}\n\
         data \"cni_connection\" \"edge\" {{\n  id = \"{id}\"\n}}\n\
         output \"all\" {{\n  sensitive = true\n  value = data.cni_connections.all.connections\n}}\n\
         output \"on_port\" {{\n  sensitive = true\n  value = data.cni_connections.on_port.connections\n}}\n\
         output \"in_slot\" {{\n  sensitive = true\n  value = data.cni_connections.in_slot.connections\n}}\n\
         output \"edge\" {{\n  sensitive = true\n  value = data.cni_connection.edge\n}}\n",
        port("port", SLOT_A, ""),
        gcp("cloud", 1, "")
    ));
    let applied = ws.apply().ok();
    assert!(!applied.output.contains("md5-s3cret"), "{}", applied.output);
    let outputs = ws.outputs();
    let conduits = |name: &str| -> Vec<String> {
        outputs[name]["value"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["magic"]["conduit_name"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(conduits("all"), ["edge-ewr-1", "cloud-1"]);
    assert_eq!(conduits("on_port"), ["edge-ewr-1"]);
    assert_eq!(conduits("in_slot"), ["edge-ewr-1"]);
    assert_eq!(
        outputs["all"]["value"][1]["bgp"],
        json!(null),
        "no BGP session: null"
    );
    let edge = &outputs["edge"]["value"];
    assert_eq!(edge["id"], json!(id));
    assert_eq!(edge["interconnect"], json!(port_name));
    assert_eq!(
        edge["bgp"],
        json!({"customer_asn": 65001, "extra_prefixes": ["203.0.113.0/24"], "md5_key": "md5-s3cret"})
    );
    assert_eq!(
        edge["magic"],
        json!({"conduit_name": "edge-ewr-1", "description": "EWR port 1", "mtu": 1500})
    );
    assert_eq!(
        (edge["p2p_ip"].clone(), edge["cust_ip"].clone()),
        (json!("100.64.0.0/31"), json!("100.64.0.1/31"))
    );
    ws.config("data \"cni_connection\" \"bad\" {\n  id = \"not-a-uuid\"\n}\n");
    ws.mock.clear_log();
    ws.plan().fails_with(&["Invalid id", "not-a-uuid"]);
    assert!(
        ws.mock.requests_matching("GET", "/cni/cnis").is_empty(),
        "no API call"
    );
}
