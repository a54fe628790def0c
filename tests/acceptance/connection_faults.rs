//! `cni_connection` under faults: a `POST` whose answer is lost is adopted once, never duplicated, and
//! a namesake that existed before is never adopted; a `PUT` that fails after the `POST` keeps the
//! connection in state, tainted; a failed update keeps the prior state; 429s and 5xx on every endpoint
//! of connections are retried. Terraform 1.1 and later (older ones refuse the resource).

use cni::mock::{paths, FaultSpec};
use serde_json::{json, Value};

use crate::harness::{Workspace, ACCOUNT};

/// A connection `edge` on the interconnect `name` (made outside this configuration), with `extra`.
fn connection_on(name: &str, conduit: &str, extra: &str) -> String {
    format!(
        "resource \"cni_connection\" \"edge\" {{\n  interconnect = \"{name}\"\n  \
         magic = {{\n    conduit_name = \"{conduit}\"\n    description = \"\"\n    mtu = 1500\n  }}\n  {extra}\n}}\n"
    )
}

/// A workspace on Terraform 1.1 or later with a port made outside Terraform; `None` on older CLIs.
fn with_a_port() -> Option<(Workspace, String)> {
    crate::connection_safety::with_a_port(&[])
}

fn ids(cnis: &[Value]) -> Vec<Value> {
    cnis.iter().map(|c| c["id"].clone()).collect()
}

#[test]
fn a_lost_create_answer_is_adopted_once_and_never_a_namesake_that_existed_before() {
    let Some((ws, port)) = with_a_port() else {
        return;
    };
    ws.mock
        .fault(FaultSpec::on("POST", paths::CNIS).after().drop_connection());
    ws.config(&connection_on(&port, "edge-ewr-1", ""));
    ws.apply().ok();
    let made = ws.mock.cnis();
    assert_eq!(made.len(), 1, "one connection, not two: {made:?}");
    assert_eq!(
        ws.values("cni_connection.edge")["id"],
        made[0]["id"],
        "the one made is in state"
    );
    assert_eq!(
        ws.mock.requests_matching("POST", paths::CNIS).len(),
        1,
        "sent once"
    );
    ws.assert_no_changes();
    ws.tf(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .ok();
    assert!(ws.mock.cnis().is_empty());

    // A namesake made outside Terraform on the same port: the POST is refused, its answer lost; the
    // lookup must not take the namesake for what the POST made.
    let namesake = ws.mock.seed_cni(json!({"account": ACCOUNT, "interconnect": port,
        "magic": {"conduit_name": "edge-ewr-1", "description": "", "mtu": 1500}}));
    ws.mock.fault(
        FaultSpec::on("POST", paths::CNIS)
            .after()
            .times(3)
            .drop_connection(),
    );
    ws.mock.clear_log();
    ws.apply().fails_with(&[
        "Could not create connection \"edge-ewr-1\"",
        "which existed before this create, so it was not adopted",
        &format!(
            "terraform import <this resource's address> {ACCOUNT}/{}",
            namesake["id"].as_str().unwrap_or_default()
        ),
    ]);
    assert_eq!(
        ws.mock.requests_matching("POST", paths::CNIS).len(),
        1,
        "the listing settles it: the name is held by what existed before, so the POST is not sent again"
    );
    assert!(ws.addresses().is_empty(), "nothing adopted: {:?}", ws.addresses());
    assert_eq!(
        ids(&ws.mock.cnis()),
        vec![namesake["id"].clone()],
        "nothing duplicated"
    );
}

#[test]
fn a_put_that_fails_after_the_post_keeps_the_connection_in_state_tainted() {
    let Some((ws, port)) = with_a_port() else {
        return;
    };
    ws.mock
        .fault(FaultSpec::on("PUT", paths::CNI).times(3).status(500));
    ws.config(&connection_on(
        &port,
        "edge-ewr-1",
        "bgp_mode = \"advertise_only\"",
    ));
    ws.apply()
        .fails_with(&["was created, but could not be set as configured", "HTTP 500"]);
    assert_eq!(ws.addresses(), vec!["cni_connection.edge"], "kept in state");
    let made = ws.mock.cnis();
    assert_eq!(made.len(), 1);
    assert_eq!(ws.values("cni_connection.edge")["id"], made[0]["id"]);
    ws.plan()
        .contains(&["cni_connection.edge is tainted, so must be replaced"]);
    ws.apply().ok();
    let now = ws.mock.cnis();
    assert_eq!(now.len(), 1, "replaced, not duplicated: {now:?}");
    assert_eq!(now[0]["bgp_mode"], json!("advertise_only"));
    ws.assert_no_changes();
}

#[test]
fn a_failed_update_keeps_the_prior_state_and_faults_on_every_endpoint_are_retried() {
    let Some((ws, port)) = with_a_port() else {
        return;
    };
    for (method, path) in [
        ("GET", paths::CNIS),
        ("POST", paths::CNIS),
        ("GET", paths::CNI),
        ("PUT", paths::CNI),
        ("DELETE", paths::CNI),
    ] {
        ws.mock
            .fault(FaultSpec::on(method, path).status_retry_after(429, 1));
        ws.mock.fault(FaultSpec::on(method, path).status(503));
    }
    ws.config(&connection_on(&port, "edge-ewr-1", ""));
    ws.apply().ok();
    let id = ws.values("cni_connection.edge")["id"].clone();
    ws.config(&connection_on(
        &port,
        "edge-ewr-1",
        "bgp_mode = \"advertise_only\"",
    ));
    ws.apply().ok();
    assert_eq!(ws.mock.cnis()[0]["bgp_mode"], json!("advertise_only"));
    assert_eq!(ws.values("cni_connection.edge")["id"], id, "updated in place");

    ws.mock
        .fault(FaultSpec::on("PUT", paths::CNI).times(3).status(500));
    ws.config(&connection_on(
        &port,
        "edge-ewr-1",
        "bgp_mode = \"dynamic_route_exchange\"",
    ));
    ws.apply()
        .fails_with(&["Could not update connection", "HTTP 500"]);
    let kept = ws.values("cni_connection.edge");
    assert_eq!(
        (kept["id"].clone(), kept["bgp_mode"].clone()),
        (id, json!("advertise_only"))
    );
    ws.plan().contains(&["will be updated in-place"]);
    ws.tf(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .ok();
    assert!(ws.mock.cnis().is_empty());
    let struck = ws.mock.faults_struck();
    assert_eq!(
        struck,
        5 * 2 + 3,
        "every fault struck (a 429 and a 503 per endpoint, three 500s)"
    );
}
