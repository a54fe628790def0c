//! The action `cni_interconnect_wait` (Terraform 1.14 and later): `terraform apply -invoke` waits while
//! a port is `Pending` with a line of progress per poll, succeeds when it turns `Healthy`, times out
//! with the last status, ends promptly on Ctrl-C; an `action_trigger` runs it after a create; a bad
//! configuration fails with no API call. And `terraform validate -query` checks list filters.

use std::time::Duration;

use nix::sys::signal::{killpg, Signal};
use serde_json::json;

use crate::fixtures::{port, SLOT_A};
use crate::harness::{Workspace, ACCOUNT};
use crate::workspace;

fn wait_action(name: &str, extra: &str) -> String {
    format!("action \"cni_interconnect_wait\" \"port_up\" {{\n  config {{\n    name = \"{name}\"\n    {extra}\n  }}\n}}\n")
}

const INVOKE: [&str; 5] = [
    "apply",
    "-invoke=action.cni_interconnect_wait.port_up",
    "-auto-approve",
    "-input=false",
    "-no-color",
];

/// A workspace on Terraform 1.14 or later, with a direct port made outside Terraform (it stays
/// Pending until told otherwise); `None` on older CLIs.
fn with_a_pending_port() -> Option<(Workspace, String)> {
    let ws = crate::harness::terraform().map(|tf| Workspace::new(tf, &[]))?;
    if ws.terraform_version() < (1, 14) {
        return None;
    }
    let name = ws
        .mock
        .create_directly(json!({"account": ACCOUNT, "type": "direct", "slot_id": SLOT_A}));
    Some((ws, name))
}

#[test]
fn invoke_waits_while_pending_with_progress_and_succeeds_when_healthy() {
    let Some((ws, name)) = with_a_pending_port() else {
        return;
    };
    ws.config(&wait_action(&name, "timeout = \"2m\""));
    let invoke = ws.spawn(&INVOKE);
    ws.mock
        .await_interconnect("the action polls", |ic| ic["status_polls"].as_u64() >= Some(3));
    ws.mock.set_status(&name, json!({"state": "Healthy"}));
    invoke
        .finish(Duration::from_secs(60))
        .ok()
        .contains(&[&format!("{name} is Pending after"), "waiting for Healthy"]);
    assert!(ws.addresses().is_empty(), "the action changes no state");
}

#[test]
fn invoke_times_out_with_the_last_status_and_reason() {
    let Some((ws, name)) = with_a_pending_port() else {
        return;
    };
    ws.mock
        .set_status(&name, json!({"state": "Down", "reason": "no light"}));
    ws.config(&wait_action(&name, "timeout = \"1s\""));
    ws.tf(&INVOKE)
        .fails_with(&["did not reach Healthy", "timed out", "Down (no light)"]);
}

#[test]
fn ctrl_c_ends_an_invoked_wait_promptly() {
    let Some((ws, name)) = with_a_pending_port() else {
        return;
    };
    ws.config(&wait_action(&name, "timeout = \"1h\""));
    let invoke = ws.spawn(&INVOKE);
    ws.mock
        .await_interconnect("the action polls", |ic| ic["status_polls"].as_u64() >= Some(2));
    killpg(invoke.pid(), Signal::SIGINT).expect("SIGINT");
    let run = invoke.finish(Duration::from_secs(20));
    assert_ne!(run.code, 0, "{}", run.output);
}

#[test]
fn an_action_trigger_after_create_runs_the_wait() {
    let ws = workspace!("--direct-healthy-after", "3");
    if ws.terraform_version() < (1, 14) {
        return;
    }
    ws.config(&format!(
        "{}action \"cni_interconnect_wait\" \"port_up\" {{\n  config {{\n    name = cni_interconnect.port.name\n  }}\n}}\n",
        port(
            "port",
            SLOT_A,
            "lifecycle {\n    action_trigger {\n      events  = [after_create]\n      actions = [action.cni_interconnect_wait.port_up]\n    }\n  }"
        )
    ));
    ws.apply().ok();
    let ports = ws.mock.interconnects();
    assert_eq!(
        ports[0]["status"]["state"], "Healthy",
        "the action waited: {ports:?}"
    );
    ws.destroy_all();
}

#[test]
fn a_bad_status_or_timeout_fails_at_plan_with_no_api_call() {
    let ws = workspace!();
    if ws.terraform_version() < (1, 14) {
        return;
    }
    ws.config(&wait_action(
        "icon-000001",
        "status = \"Up\"\n    timeout = \"soon\"",
    ));
    ws.tf(&["validate", "-no-color"])
        .fails_with(&["Invalid status", "Invalid timeout"]);
    ws.tf(&INVOKE).fails_with(&["Invalid status"]);
    assert!(ws.mock.requests().is_empty(), "no API call");
}

#[test]
fn validate_query_rejects_a_bad_list_filter() {
    let ws = workspace!();
    if ws.terraform_version() < (1, 14) {
        return;
    }
    ws.config("");
    std::fs::write(
        ws.path().join("bad.tfquery.hcl"),
        "list \"cni_interconnect\" \"all\" {\n  provider = cni\n  config {\n    type = \"fiber\"\n  }\n}\n",
    )
    .expect("write the query");
    ws.tf(&["validate", "-query", "-no-color"]).fails_with(&["fiber"]);
    assert!(ws.mock.requests().is_empty(), "no API call");
}
