//! Faults injected by cni-mock under a real Terraform run. Every test checks the outcome both in
//! Terraform's state and in the mock.

use cni::mock::{paths, FaultSpec};
use serde_json::{json, Value};
use std::time::Duration;

use crate::fixtures::{gcp, port, SLOT_A};
use crate::harness::{Background, Mock, Workspace};
use crate::workspace;

/// The gap in ms between each faulted request and the next request to the same method and path.
fn gaps_after_faults(mock: &Mock) -> Vec<(String, u64)> {
    let log = mock.requests();
    log.iter()
        .enumerate()
        .filter(|(_, r)| !r["fault"].is_null())
        .filter_map(|(i, r)| {
            let retry = log[i + 1..]
                .iter()
                .find(|n| n["method"] == r["method"] && n["path"] == r["path"])?;
            let gap = retry["at_ms"].as_u64()? - r["at_ms"].as_u64()?;
            Some((format!("{} {}", r["method"], r["path"]), gap))
        })
        .collect()
}

fn only_interconnect(ws: &Workspace, address: &str) -> Value {
    let in_mock = ws.mock.interconnects();
    assert_eq!(in_mock.len(), 1, "exactly one interconnect exists: {in_mock:?}");
    let in_state = ws.values(address);
    assert_eq!(in_state["name"], in_mock[0]["name"], "and it is the one in state");
    in_state
}

#[test]
fn rate_limits_with_retry_after_on_create_status_and_read_are_waited_out() {
    let ws = workspace!();
    for (method, path) in [
        ("GET", "/cni/interconnects$"),
        ("POST", "/cni/interconnects$"),
        ("GET", "/status$"),
        ("GET", "/cni/interconnects/icon-[0-9]+$"),
    ] {
        ws.mock
            .fault(FaultSpec::on(method, path).status_retry_after(429, 1));
    }
    ws.config(&gcp("gcp", 60, ""));
    ws.apply().ok();
    ws.assert_no_changes(); // the refresh meets the 429 on GET
    let gaps = gaps_after_faults(&ws.mock);
    assert_eq!(gaps.len(), 4, "every fault struck and was retried: {gaps:?}");
    for (call, gap) in gaps {
        assert!(
            gap >= 950,
            "{call} was retried after {gap} ms, before its 1 s Retry-After"
        );
    }
    assert_eq!(
        only_interconnect(&ws, "cni_interconnect.gcp")["status"],
        json!("Healthy")
    );
    assert_eq!(ws.mock.get("stats")["lockouts"], json!(0));
    ws.destroy_all();
}

#[test]
fn server_error_bursts_are_retried_then_reported_with_the_call_and_ray() {
    let ws = workspace!(); // max_retries = 2
    for (i, (method, path)) in [
        ("GET", "/cni/slots/"),
        ("POST", "/cni/interconnects$"),
        ("GET", "/status$"),
        ("DELETE", "/cni/interconnects/"),
    ]
    .into_iter()
    .enumerate()
    {
        let status = [500, 502, 503, 500][i];
        ws.mock.fault(FaultSpec::on(method, path).times(2).status(status));
    }
    ws.config(&port("port", SLOT_A, ""));
    ws.apply().ok();
    let port = only_interconnect(&ws, "cni_interconnect.port");
    assert_eq!(port["status"], json!("Pending"));
    assert_eq!(
        ws.mock.creates(),
        3,
        "two creates refused with 5xx, then one made the port"
    );

    ws.mock
        .fault(FaultSpec::on("GET", paths::INTERCONNECT).times(3).status(503));
    let plan = ws.plan().fails_with(&[
        "Could not read interconnect",
        "get interconnect \"icon-",
        "HTTP 503",
        "cf-ray",
    ]);
    assert!(
        plan.output.contains("-MOCK]"),
        "the cf-ray value is shown:\n{}",
        plan.output
    );
    assert_eq!(
        ws.addresses(),
        vec!["cni_interconnect.port"],
        "a failed read keeps it in state"
    );
    ws.destroy_all();
}

#[test]
fn a_create_whose_answer_is_lost_is_found_and_adopted_not_duplicated() {
    let ws = workspace!();
    ws.mock.fault(
        FaultSpec::on("POST", paths::INTERCONNECTS)
            .after()
            .times(2)
            .drop_connection(),
    );
    ws.config(&format!("{}{}", gcp("gcp", 61, ""), port("port", SLOT_A, "")));
    ws.apply()
        .ok()
        .contains(&["Recovered from a lost create answer", "no duplicate was created"]);
    assert_eq!(ws.mock.creates(), 2, "each create was sent once");
    assert_eq!(ws.mock.interconnects().len(), 2);
    assert_eq!(ws.values("cni_interconnect.gcp")["status"], json!("Healthy"));
    assert_eq!(ws.values("cni_interconnect.port")["slot_id"], json!(SLOT_A));
    ws.assert_no_changes();
    ws.destroy_all();
}

#[test]
fn answers_slower_than_the_request_timeout_are_retried_or_reconciled() {
    let mut ws = workspace!();
    ws.set_provider("request_timeout", Some("\"1s\""));
    ws.mock.fault(
        FaultSpec::on("POST", paths::INTERCONNECTS)
            .after()
            .delay(Duration::from_millis(2500)),
    );
    ws.mock
        .fault(FaultSpec::on("GET", paths::STATUS).delay(Duration::from_millis(2500)));
    ws.config(&gcp("gcp", 62, ""));
    ws.apply()
        .ok()
        .contains(&["Recovered from a lost create answer", "request timed out"]);
    assert_eq!(ws.mock.creates(), 1, "the slow create was not sent again");
    assert_eq!(
        only_interconnect(&ws, "cni_interconnect.gcp")["status"],
        json!("Healthy")
    );
    ws.destroy_all();
}

#[test]
fn malformed_truncated_and_unknown_answers_never_crash_the_provider() {
    let ws = workspace!();
    ws.mock
        .fault(FaultSpec::on("POST", paths::INTERCONNECTS).after().truncate());
    let unknown_state = json!({"sequence": [{"state": "Provisioning"}, {"state": "Healthy"}]});
    ws.config(&gcp("gcp", 63, "wait_for_healthy = false"));
    ws.apply()
        .ok()
        .contains(&["Recovered from a lost create answer", "unexpected response body"]);
    let name = only_interconnect(&ws, "cni_interconnect.gcp")["name"]
        .as_str()
        .map(str::to_owned)
        .expect("name");

    // A status this provider does not know is kept as it is.
    ws.mock.set_status(&name, unknown_state);
    ws.tf(&["apply", "-refresh-only", "-auto-approve", "-no-color"])
        .ok();
    assert_eq!(ws.values("cni_interconnect.gcp")["status"], json!("Provisioning"));

    // A body that is not JSON fails the read clearly and keeps the state.
    ws.mock
        .fault(FaultSpec::on("GET", paths::INTERCONNECT_AND_BELOW).body_typed(
            200,
            "<html>502 Bad Gateway</html>",
            "text/html",
        ));
    ws.plan()
        .fails_with(&["Could not read interconnect", "unexpected response body"]);
    assert_eq!(ws.addresses(), vec!["cni_interconnect.gcp"]);

    // An interconnect of a type this provider does not know is listed, not rejected.
    let unknown = json!({"items": [{"type": "aws_direct_connect", "name": "icon-aws", "account": crate::harness::ACCOUNT, "vlan": 7}], "next": null});
    ws.mock
        .fault(FaultSpec::on("GET", paths::INTERCONNECTS).body(200, unknown.to_string()));
    ws.config(&format!("{}data \"cni_interconnects\" \"all\" {{}}\noutput \"types\" {{ value = data.cni_interconnects.all.interconnects[*].type }}\n", gcp("gcp", 63, "wait_for_healthy = false")));
    ws.apply().ok();
    assert_eq!(ws.outputs()["types"]["value"], json!(["aws_direct_connect"]));
    for crash in ["panic", "plugin crashed"] {
        assert!(!ws.plan().output.contains(crash));
    }
    ws.destroy_all();
}

#[test]
fn a_flapping_link_keeps_the_wait_going_and_every_transition_is_logged() {
    let ws = workspace!("--healthy-after", "never");
    ws.config(&gcp("gcp", 64, ""));
    let mut command = ws.command(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    command.env("TF_LOG_PROVIDER", "INFO");
    let apply = Background::start(command);
    let name = ws
        .mock
        .await_interconnect("the first status poll answered Pending", |ic| {
            ic["status_polls"].as_u64() >= Some(1)
        });
    let flaps = json!({"sequence": [
        {"state": "Down", "reason": "no light"},
        {"state": "Unhealthy", "reason": "rx power -22 dBm"},
        {"state": "Down", "reason": "no light"},
        {"state": "Healthy"}
    ]});
    ws.mock.set_status(&name, flaps);
    let text = apply.finish(crate::harness::COMMAND_LIMIT).ok().output;
    for transition in [
        "Pending -> Down (no light)",
        "Down (no light) -> Unhealthy (rx power -22 dBm)",
        "-> Healthy",
    ] {
        assert!(
            text.contains(transition),
            "transition {transition:?} not logged:\n{text}"
        );
    }
    assert_eq!(
        only_interconnect(&ws, "cni_interconnect.gcp")["status"],
        json!("Healthy")
    );
    ws.destroy_all();
}

#[test]
fn deletion_behind_terraforms_back_ends_create_and_delete_waits_clearly() {
    let ws = workspace!("--healthy-after", "never", "--delete-lag", "100000");

    // During the wait for Healthy, after the read-after-write grace: the create fails, but the
    // interconnect the API accepted stays in state; the next refresh finds it gone and plans it again.
    ws.config(&gcp("gcp", 66, "timeouts {\n    create = \"5m\"\n  }"));
    let apply = ws.spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let name = ws.mock.await_interconnect("the create is waiting", |ic| {
        ic["status_polls"].as_u64() >= Some(2)
    });
    ws.mock.delete_out_of_band(&name);
    let run = apply
        .finish(crate::harness::COMMAND_LIMIT)
        .fails_with(&["was created but is no longer found", "404"]);
    assert!(!run.output.contains("panic"), "{}", run.output);
    assert_eq!(ws.addresses(), vec!["cni_interconnect.gcp"], "kept, tainted");
    ws.plan()
        .contains(&["no longer exists", "cni_interconnect.gcp will be created"]);
    ws.tf(&["state", "rm", "cni_interconnect.gcp"]).ok();

    // During the wait after DELETE (the mock keeps showing it): destroy completes once it is gone.
    ws.config(&port("port", SLOT_A, "timeouts {\n    delete = \"5m\"\n  }"));
    ws.apply().ok();
    let destroy = ws.spawn(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    let gets = || {
        ws.mock
            .requests_matching("GET", "/cni/interconnects/icon-[0-9]+$")
            .len()
    };
    let name = ws.mock.await_interconnect("the delete is waiting", |ic| {
        ic["deleting"] == json!(true) && gets() >= 3
    });
    ws.mock.delete_out_of_band(&name);
    destroy.finish(crate::harness::COMMAND_LIMIT).ok();
    assert_eq!(ws.addresses(), Vec::<String>::new());
    assert_eq!(ws.mock.interconnects(), Vec::<Value>::new());
}
