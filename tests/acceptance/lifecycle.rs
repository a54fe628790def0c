//! Create (both variants, waiting), plan, replace, update in place, drift, timeouts, destroy.

use cni::mock::{paths, FaultSpec};
use serde_json::{json, Value};

use crate::fixtures::{gcp, key, port, ACCOUNT, SLOT_100G, SLOT_A, SLOT_B};
use crate::workspace;

#[test]
fn creates_both_variants_waits_plans_nothing_more_and_destroys_everything() {
    let ws = workspace!("--healthy-after", "3", "--direct-healthy-after", "2");
    ws.config(&format!(
        "{}{}",
        gcp("gcp", 1, ""),
        port(
            "port",
            SLOT_A,
            "wait_for_healthy = true\n  timeouts {\n    create = \"1m\"\n  }"
        )
    ));
    ws.apply().ok().contains(&["Apply complete! Resources: 2 added"]);

    let gcp = ws.values("cni_interconnect.gcp");
    assert_eq!(gcp["status"], json!("Healthy"), "{gcp}");
    assert_eq!(gcp["region"], json!("us-east4"));
    assert_eq!(gcp["speed"], json!("1G"));
    assert_eq!(gcp["account_id"], json!(ACCOUNT));
    assert_eq!(gcp["wait_for_healthy"], json!(true));
    assert_eq!(gcp["id"], gcp["name"]);
    let port = ws.values("cni_interconnect.port");
    assert_eq!(port["status"], json!("Healthy"), "{port}");
    assert_eq!(port["site"], json!("ewr01"));
    assert_eq!(port["speed"], json!("10G"));
    assert_eq!(port["facility"]["name"], json!("Equinix NY5"));
    assert!(port["virtual_port_reservation_id"].is_string() && port["ccr_device_name"].is_string());

    let status_polls = ws.mock.requests_matching("GET", "/status$").len();
    assert!(
        status_polls >= 4 + 3,
        "both waited for Healthy ({status_polls} status polls)"
    );
    assert_eq!(ws.mock.creates(), 2);
    ws.assert_no_changes();
    ws.destroy_all();
}

#[test]
fn a_direct_port_does_not_wait_and_warns_about_its_cross_connect() {
    let ws = workspace!();
    ws.config(&port("port", SLOT_A, ""));
    ws.apply().ok().contains(&[
        "stays Pending until its cross-connect is installed",
        "cni_interconnect_loa",
    ]);
    let port = ws.values("cni_interconnect.port");
    assert_eq!(
        (port["status"].clone(), port["wait_for_healthy"].clone()),
        (json!("Pending"), json!(false))
    );
    assert_eq!(
        ws.mock.requests_matching("GET", "/status$").len(),
        1,
        "one status read, no wait"
    );
    ws.assert_no_changes();
    ws.destroy_all();
}

#[test]
fn an_interconnect_deleted_out_of_band_is_planned_again() {
    let ws = workspace!();
    ws.config(&gcp("gcp", 2, "wait_for_healthy = false"));
    ws.apply().ok();
    let name = ws.values("cni_interconnect.gcp")["name"]
        .as_str()
        .map(str::to_owned)
        .expect("name");
    ws.mock.delete_out_of_band(&name);
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output);
    plan.contains(&[
        "cni_interconnect.gcp will be created",
        "Plan: 1 to add, 0 to change, 0 to destroy",
    ]);
    ws.apply().ok();
    assert_eq!(ws.mock.interconnects().len(), 1);
    assert_ne!(ws.values("cni_interconnect.gcp")["name"], json!(name));
    ws.destroy_all();
}

#[test]
fn a_read_failure_other_than_404_keeps_the_interconnect_in_state() {
    let ws = workspace!();
    ws.config(&gcp("gcp", 3, "wait_for_healthy = false"));
    ws.apply().ok();
    ws.mock
        .fault(FaultSpec::on("GET", paths::INTERCONNECT_AND_BELOW).status(403));
    ws.plan().fails_with(&["Could not read interconnect", "HTTP 403"]);
    assert_eq!(ws.addresses(), vec!["cni_interconnect.gcp"]);
    ws.assert_no_changes();
    ws.destroy_all();
}

#[test]
fn changing_wait_for_healthy_or_skip_destroy_updates_in_place_without_api_calls() {
    let ws = workspace!();
    ws.config(&gcp("gcp", 4, "wait_for_healthy = false"));
    ws.apply().ok();
    ws.config(&gcp(
        "gcp",
        4,
        "wait_for_healthy = true\n  skip_destroy = false\n  timeouts {\n    create = \"45m\"\n  }",
    ));
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output);
    plan.contains(&[
        "cni_interconnect.gcp will be updated in-place",
        "Plan: 0 to add, 1 to change, 0 to destroy",
    ]);
    ws.mock.clear_log();
    ws.apply().ok().contains(&["0 added, 1 changed, 0 destroyed"]);
    let writes: Vec<Value> = ws
        .mock
        .requests()
        .into_iter()
        .filter(|r| r["method"] != "GET")
        .collect();
    assert_eq!(
        writes,
        Vec::<Value>::new(),
        "an in-place change must not write to the API"
    );
    assert_eq!(ws.values("cni_interconnect.gcp")["wait_for_healthy"], json!(true));
    ws.assert_no_changes();
    ws.destroy_all();
}

/// The plan after changing one attribute replaces exactly that resource, naming the attribute.
fn assert_replaces(ws: &crate::harness::Workspace, config: &str, address: &str, attribute: &str) {
    ws.config(config);
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{attribute}: {}", plan.output);
    let forced = plan
        .output
        .lines()
        .any(|l| l.contains(attribute) && l.contains("# forces replacement"));
    assert!(
        forced,
        "{attribute} is not shown forcing replacement:\n{}",
        plan.output
    );
    plan.contains(&[
        &format!("{address} must be replaced"),
        "1 to add, 0 to change, 1 to destroy",
    ]);
}

#[test]
fn every_api_attribute_forces_replacement() {
    let ws = workspace!();
    let the_port = port("port", SLOT_A, "");
    let gcp_with = |bandwidth: &str, n: u32, extra: &str| {
        format!(
            "resource \"cni_interconnect\" \"gcp\" {{\n  type = \"gcp_partner\"\n  bandwidth = \"{bandwidth}\"\n  \
             pairing_key = \"{}\"\n  wait_for_healthy = false\n  {extra}\n}}\n{the_port}",
            key(n)
        )
    };
    ws.config(&gcp_with("1G", 10, ""));
    ws.apply().ok();
    let gcp = "cni_interconnect.gcp";
    assert_replaces(&ws, &gcp_with("2G", 10, ""), gcp, "bandwidth");
    assert_replaces(&ws, &gcp_with("1G", 11, ""), gcp, "pairing_key");
    assert_replaces(
        &ws,
        &gcp_with("1G", 10, "account_id = \"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b\""),
        gcp,
        "account_id",
    );
    assert_replaces(
        &ws,
        &format!("{}{the_port}", port("gcp", SLOT_B, "")),
        gcp,
        "type",
    );
    let the_gcp = gcp_with("1G", 10, "").replace(&the_port, "");
    assert_replaces(
        &ws,
        &format!("{the_gcp}{}", port("port", SLOT_B, "")),
        "cni_interconnect.port",
        "slot_id",
    );
    assert_replaces(
        &ws,
        &format!("{the_gcp}{}", port("port", SLOT_A, "speed = \"100G\"")),
        "cni_interconnect.port",
        "speed",
    );

    // One replacement applied end to end: the old port is deleted, a new one occupies the new slot.
    ws.config(&format!(
        "{the_gcp}{}",
        port("port", SLOT_100G, "speed = \"100G\"")
    ));
    ws.apply().ok().contains(&["1 added, 0 changed, 1 destroyed"]);
    let ports: Vec<Value> = ws
        .mock
        .interconnects()
        .into_iter()
        .filter(|i| i["type"] == "direct")
        .collect();
    assert_eq!(ports.len(), 1);
    assert_eq!(
        (ports[0]["slot_id"].clone(), ports[0]["speed"].clone()),
        (json!(SLOT_100G), json!("100G"))
    );
    ws.assert_no_changes();
    ws.destroy_all();
}

#[test]
fn a_wait_that_times_out_keeps_the_interconnect_in_state_as_tainted() {
    let ws = workspace!("--healthy-after", "never");
    ws.config(&gcp("gcp", 7, "timeouts {\n    create = \"2s\"\n  }"));
    ws.apply().fails_with(&[
        "was created but did not become Healthy",
        "timed out after",
        "the last status was Pending",
        "terraform untaint",
    ]);
    assert_eq!(ws.addresses(), vec!["cni_interconnect.gcp"]);
    let name = ws.values("cni_interconnect.gcp")["name"].clone();
    assert_eq!(ws.mock.interconnects().len(), 1);
    assert_eq!(ws.mock.interconnects()[0]["name"], name);
    ws.plan()
        .contains(&["cni_interconnect.gcp is tainted, so must be replaced"]);
    ws.destroy_all();
}

#[test]
fn down_and_unhealthy_keep_a_wait_going_and_are_reported_when_it_ends() {
    let ws = workspace!("--healthy-after", "never");
    // Long enough for the status to be set well before the wait ends, even on a slow machine.
    ws.config(&gcp("gcp", 8, "timeouts {\n    create = \"8s\"\n  }"));
    let apply = ws.spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let name = ws.mock.await_interconnect("the interconnect exists", |_| true);
    ws.mock
        .set_status(&name, json!({"state": "Down", "reason": "no light on port"}));
    apply
        .finish(crate::harness::COMMAND_LIMIT)
        .fails_with(&["did not become Healthy"]);
    let state = ws.values("cni_interconnect.gcp");
    assert_eq!(
        (state["status"].clone(), state["status_reason"].clone()),
        (json!("Down"), json!("no light on port"))
    );
    ws.destroy_all();
}

#[test]
fn skip_destroy_forgets_the_port_and_leaves_it_in_the_api() {
    let ws = workspace!();
    ws.config(&port("port", SLOT_A, "skip_destroy = true"));
    ws.apply().ok();
    ws.tf(&["destroy", "-auto-approve", "-no-color"])
        .ok()
        .contains(&["was only removed from state", "still exists"]);
    assert_eq!(ws.addresses(), Vec::<String>::new());
    assert_eq!(ws.mock.interconnects().len(), 1);
    assert!(ws.mock.requests_matching("DELETE", ".").is_empty());
}

#[test]
fn a_link_that_went_down_is_warned_of_at_plan_time_and_quiet_once_healthy() {
    let ws = workspace!();
    ws.config(&gcp("gcp", 7, ""));
    ws.apply().ok();
    let name = ws.values("cni_interconnect.gcp")["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let warned = format!("Interconnect {name} is Down");
    let quiet = ws.plan();
    assert_eq!(quiet.code, 0, "{}", quiet.output);
    assert!(!quiet.output.contains("is Down"), "{}", quiet.output);

    ws.mock.set_status(
        &name,
        json!({"state": "Down", "reason": "no light from the customer's optic"}),
    );
    let down = ws
        .plan()
        .contains(&[&warned, "no light from the customer's optic"]);
    assert!(
        down.code == 0 || down.code == 2,
        "a warning, never an error: {}",
        down.output
    );

    ws.mock.set_status(&name, json!({"state": "Healthy"}));
    let healthy = ws.plan();
    assert!(healthy.code == 0 || healthy.code == 2, "{}", healthy.output);
    assert!(
        !healthy.output.contains("is Down"),
        "quiet again: {}",
        healthy.output
    );
    ws.destroy_all();
}
