//! `cni_connection`: create (one `POST`, and one `PUT` only when `bgp_mode` is configured), changes in
//! place with exactly one `PUT` of the whole object (the MD5 key included, never printed), drift put
//! back, import with an empty plan, destroy before the interconnect it is on; invalid values refused at
//! plan time with no API call; Terraform 1.0, which crashes on nested attributes, refused clearly.

use serde_json::{json, Value};

use crate::fixtures::{port, SLOT_A};
use crate::harness::{Workspace, ACCOUNT, TOKEN};
use crate::workspace;

const CNIS: &str = "/cni/cnis";
const ONE_CNI: &str = "/cni/cnis/[^/]+$";

/// A connection `edge` on the port, with `magic` and `extra` lines.
fn connection(description: &str, extra: &str) -> String {
    format!(
        "{}\
         resource \"cni_connection\" \"edge\" {{\n  interconnect = cni_interconnect.port.name\n  \
         magic = {{\n    conduit_name = \"edge-ewr-1\"\n    description = \"{description}\"\n    mtu = 1500\n  }}\n  \
         {extra}\n}}\n",
        port("port", SLOT_A, "")
    )
}

const BGP: &str = "bgp = {\n    customer_asn = 65001\n    extra_prefixes = [\"203.0.113.0/24\"]\n    md5_key = \"md5-s3cret\"\n  }";

/// The connection as the API has it.
fn api_connection(ws: &Workspace, id: &str) -> Value {
    let url = format!("{}/accounts/{ACCOUNT}/cni/cnis/{id}", ws.mock.base_url);
    reqwest::blocking::Client::new()
        .get(url)
        .bearer_auth(TOKEN)
        .send()
        .and_then(|r| r.json())
        .expect("get the CNI")
}

/// Puts `body` over the connection behind Terraform's back.
fn put_out_of_band(ws: &Workspace, id: &str, body: &Value) {
    let url = format!("{}/accounts/{ACCOUNT}/cni/cnis/{id}", ws.mock.base_url);
    let status = reqwest::blocking::Client::new()
        .put(url)
        .bearer_auth(TOKEN)
        .json(body)
        .send()
        .expect("put the CNI")
        .status();
    assert!(status.is_success(), "{status}");
}

/// `(POST, PUT, DELETE)` requests of connections since the log was cleared.
fn counts(ws: &Workspace) -> (usize, usize, usize) {
    (
        ws.mock.requests_matching("POST", &format!("{CNIS}$")).len(),
        ws.mock.requests_matching("PUT", ONE_CNI).len(),
        ws.mock.requests_matching("DELETE", ONE_CNI).len(),
    )
}

/// A workspace on Terraform 1.1 or later; on older ones, asserts the clear refusal and gives `None`.
fn on_a_terraform_with_nested_attributes(ws: &Workspace) -> bool {
    if ws.terraform_version() >= (1, 1) {
        return true;
    }
    ws.config(&connection("EWR port 1", ""));
    ws.mock.clear_log();
    ws.plan().fails_with(&[
        "Resource cni_connection needs Terraform 1.1 or later",
        "This is Terraform 1.0",
    ]);
    let import = ws.tf(&[
        "import",
        "-no-color",
        "cni_connection.edge",
        &format!("{ACCOUNT}/8f0d1c5e-7e5b-4c47-9a3b-1f7c1e0b2a11"),
    ]);
    assert_ne!(import.code, 0, "{}", import.output);
    assert!(
        import.output.contains("needs Terraform 1.1 or later"),
        "{}",
        import.output
    );
    assert_eq!(counts(ws), (0, 0, 0), "refused before any API call");
    assert!(ws.mock.requests_matching("GET", CNIS).is_empty());
    false
}

#[test]
fn a_connection_changes_in_place_with_one_put_and_is_destroyed_before_its_port() {
    let ws = workspace!();
    if !on_a_terraform_with_nested_attributes(&ws) {
        return;
    }
    ws.config(&connection("EWR port 1", ""));
    ws.mock.clear_log();
    ws.apply().ok().contains(&["2 added"]);
    assert_eq!(counts(&ws), (1, 0, 0), "create: one POST, no PUT");
    assert!(
        ws.mock.requests_matching("GET", "/cni/cnis$").is_empty(),
        "no baseline listing for a connection on a port made by the same apply"
    );
    let created = ws.values("cni_connection.edge");
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(created["p2p_ip"], json!("100.64.0.0/31"));
    assert_eq!(created["cust_ip"], json!("100.64.0.1/31"));
    assert_eq!(created["bgp"], Value::Null);
    ws.assert_no_changes();

    // magic and bgp change in place: one PUT that carries the key, which never prints.
    ws.config(&connection("EWR port 1, primary", BGP));
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output);
    assert!(
        plan.output.contains("will be updated in-place"),
        "{}",
        plan.output
    );
    assert!(!plan.output.contains("must be replaced"), "{}", plan.output);
    ws.mock.clear_log();
    let applied = ws.apply().ok().contains(&["0 added, 1 changed, 0 destroyed"]);
    assert!(!applied.output.contains("md5-s3cret"), "{}", applied.output);
    assert_eq!(counts(&ws), (0, 1, 0), "an update: exactly one PUT");
    let put = &ws.mock.requests_matching("PUT", ONE_CNI)[0];
    assert_eq!(
        put["body"]["p2p_ip"],
        json!("100.64.0.0/31"),
        "the PUT carries every value: {put}"
    );
    let now = api_connection(&ws, &id);
    assert_eq!(now["magic"]["description"], json!("EWR port 1, primary"));
    assert_eq!(now["bgp"]["md5_key"], json!("md5-s3cret"));
    assert_eq!(
        ws.values("cni_connection.edge")["id"],
        json!(id),
        "same connection"
    );

    // bgp_mode, which only a PUT takes.
    ws.config(&connection(
        "EWR port 1, primary",
        &format!("{BGP}\n  bgp_mode = \"advertise_only\""),
    ));
    ws.mock.clear_log();
    ws.apply().ok().contains(&["1 changed"]);
    assert_eq!(counts(&ws), (0, 1, 0));
    assert_eq!(api_connection(&ws, &id)["bgp_mode"], json!("advertise_only"));
    ws.assert_no_changes();

    // Drift is shown as an update in place, and put back.
    let mut drifted = api_connection(&ws, &id);
    drifted["magic"]["mtu"] = json!(1400);
    put_out_of_band(&ws, &id, &drifted);
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output);
    assert!(
        plan.output.contains("will be updated in-place"),
        "{}",
        plan.output
    );
    ws.mock.clear_log();
    ws.apply().ok().contains(&["1 changed"]);
    assert_eq!(counts(&ws), (0, 1, 0));
    assert_eq!(api_connection(&ws, &id)["magic"]["mtu"], json!(1500));

    // Import: the plan is empty (the key is read back).
    ws.tf(&["state", "rm", "cni_connection.edge"]).ok();
    ws.tf(&[
        "import",
        "-no-color",
        "cni_connection.edge",
        &format!("{ACCOUNT}/{id}"),
    ])
    .ok();
    ws.assert_no_changes();

    // Destroy: the connection goes first, then its port.
    ws.mock.clear_log();
    ws.destroy_all();
    let deletes: Vec<String> = ws
        .mock
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "DELETE")
        .filter_map(|r| r["path"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(deletes.len(), 2, "{deletes:?}");
    assert!(
        deletes[0].contains("/cni/cnis/"),
        "the connection first: {deletes:?}"
    );
    assert!(deletes[1].contains("/cni/interconnects/"), "{deletes:?}");
}

#[test]
fn a_configured_bgp_mode_costs_one_put_after_the_post_and_bad_values_cost_nothing() {
    let ws = workspace!();
    if !on_a_terraform_with_nested_attributes(&ws) {
        return;
    }
    ws.config(&connection(
        "EWR port 1",
        &format!("{BGP}\n  bgp_mode = \"dynamic_route_exchange\"\n  p2p_ip = \"100.64.0.10/31\"\n  cust_ip = \"100.64.0.11/31\""),
    ));
    ws.mock.clear_log();
    ws.apply().ok();
    assert_eq!(counts(&ws), (1, 1, 0), "one POST, then one PUT");
    let state = ws.values("cni_connection.edge");
    assert_eq!(state["bgp_mode"], json!("dynamic_route_exchange"));
    assert_eq!(state["cust_ip"], json!("100.64.0.11/31"));
    ws.assert_no_changes();

    ws.config(&connection(
        "EWR port 1",
        "bgp = {\n    customer_asn = 4294967296\n    extra_prefixes = [\"203.0.113.0\"]\n    md5_key = \"bad?s3cret\"\n  }\n  \
         bgp_mode = \"sideways\"\n  p2p_ip = \"100.64.0.10/31\"\n  cust_ip = \"100.64.0.12/31\"",
    ));
    ws.mock.clear_log();
    let refused = ws.plan().fails_with(&[
        "bgp.customer_asn must be a whole number from 0 to 4294967295",
        "is not an IPv4 address with its prefix length",
        "bgp.md5_key must be printable ASCII",
        "unknown bgp_mode \"sideways\"",
        "must be in the same prefix",
    ]);
    let echoed: Vec<&str> = refused
        .output
        .lines()
        .filter(|line| line.contains("s3cret") && !line.contains("md5_key = "))
        .collect();
    assert!(
        echoed.is_empty(),
        "only Terraform's source excerpt shows the key: {echoed:?}"
    );
    assert_eq!(counts(&ws), (0, 0, 0), "no API call");
    ws.config(&port("port", SLOT_A, ""));
    ws.destroy_all();
}

#[test]
fn a_connection_imports_by_identity_with_an_empty_plan() {
    let ws = workspace!();
    if ws.terraform_version() < (1, 12) {
        eprintln!("import by identity needs Terraform 1.12");
        return;
    }
    let port = ws
        .mock
        .create_directly(json!({"account": ACCOUNT, "type": "direct", "slot_id": SLOT_A}));
    let made = ws.mock.seed_cni(json!({"account": ACCOUNT, "interconnect": port,
        "magic": {"conduit_name": "edge-ewr-1", "description": "EWR port 1", "mtu": 1500},
        "bgp": {"customer_asn": 65001, "extra_prefixes": ["203.0.113.0/24"], "md5_key": "md5-s3cret"}}));
    let id = made["id"].as_str().unwrap_or_default().to_owned();
    ws.config(&format!(
        "import {{\n  to = cni_connection.edge\n  identity = {{\n    id = \"{id}\"\n  }}\n}}\n\n\
         resource \"cni_connection\" \"edge\" {{\n  interconnect = \"{port}\"\n  \
         magic = {{\n    conduit_name = \"edge-ewr-1\"\n    description = \"EWR port 1\"\n    mtu = 1500\n  }}\n  \
         {BGP}\n}}\n"
    ));
    ws.mock.clear_log();
    let applied = ws
        .apply()
        .ok()
        .contains(&["1 imported, 0 added, 0 changed, 0 destroyed"]);
    assert!(!applied.output.contains("md5-s3cret"), "{}", applied.output);
    assert_eq!(counts(&ws), (0, 0, 0), "adopted as it is");
    ws.assert_no_changes();
    let identity = ws.state()["values"]["root_module"]["resources"][0]["identity"].clone();
    assert_eq!(identity, json!({"account_id": ACCOUNT, "id": id}), "{identity}");
    ws.tf(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .ok();
    assert!(ws.mock.cnis().is_empty());
}

#[test]
fn a_connection_deleted_outside_terraform_is_planned_again_never_dropped_on_a_failed_read() {
    use cni::mock::{paths, FaultSpec};
    let ws = workspace!();
    if !on_a_terraform_with_nested_attributes(&ws) {
        return;
    }
    ws.config(&connection("EWR port 1", ""));
    ws.apply().ok();
    let id = ws.values("cni_connection.edge")["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    // A read that fails keeps the connection in state.
    ws.mock
        .fault(FaultSpec::on("GET", paths::CNI).times(3).status(503));
    ws.plan().fails_with(&["Could not read connection", "HTTP 503"]);
    assert!(ws.addresses().contains(&"cni_connection.edge".to_owned()));

    // Deleted outside Terraform: a 404 from its GET removes it, and the plan makes it again.
    crate::connection_safety::delete_outside(&ws, &id);
    ws.plan().contains(&[
        &format!("Connection {id} no longer exists"),
        "cni_connection.edge will be created",
    ]);
    ws.mock.clear_log();
    ws.apply().ok().contains(&["1 added, 0 changed, 0 destroyed"]);
    assert_eq!(counts(&ws), (1, 0, 0));
    assert_eq!(ws.mock.cnis().len(), 1);
    ws.destroy_all();
}
