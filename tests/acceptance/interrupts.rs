//! Ctrl-C during a wait: the provider survives, the wait ends promptly, and what was created stays in
//! state.

use cni::mock::{paths, FaultSpec};
use std::time::Duration;

use nix::sys::signal::{kill, killpg, Signal};
use serde_json::json;

use crate::fixtures::{gcp, port, SLOT_A};
use crate::harness::{wait_until, Background, Run, Workspace};
use crate::workspace;

/// How long Terraform may take to exit after an interrupt.
const EXIT_LIMIT: Duration = Duration::from_secs(30);

/// Starts `terraform apply` of a GCP attachment, and waits until its wait for Healthy is under way (the
/// interconnect exists and its status was polled `polls` times).
fn apply_waiting(ws: &Workspace, n: u32, create_timeout: &str, polls: u64) -> (Background, String) {
    ws.config(&gcp(
        "gcp",
        n,
        &format!("timeouts {{\n    create = \"{create_timeout}\"\n  }}"),
    ));
    let apply = ws.spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let name = ws.mock.await_interconnect("the create is waiting", |ic| {
        ic["status_polls"].as_u64() >= Some(polls)
    });
    (apply, name)
}

fn assert_no_crash(run: &Run) {
    for crash in [
        "panic",
        "plugin crashed",
        "unexpected EOF",
        "connection is shut down",
    ] {
        assert!(
            !run.output.contains(crash),
            "the provider crashed ({crash}):\n{}",
            run.output
        );
    }
}

fn assert_kept_after_interrupt(ws: &Workspace, name: &str, run: Run) {
    assert_no_crash(&run);
    run.fails_with(&["was created but did not become Healthy", "interrupted"]);
    assert_eq!(ws.addresses(), vec!["cni_interconnect.gcp"]);
    assert_eq!(ws.values("cni_interconnect.gcp")["name"], json!(name));
    assert_eq!(ws.mock.interconnects().len(), 1);
}

#[test]
fn ctrl_c_to_the_process_group_ends_the_wait_and_keeps_the_interconnect() {
    let ws = workspace!("--healthy-after", "never");
    let (apply, name) = apply_waiting(&ws, 50, "10m", 2);
    killpg(apply.pid(), Signal::SIGINT).expect("SIGINT to the group");
    assert_kept_after_interrupt(&ws, &name, apply.finish(EXIT_LIMIT));
    ws.destroy_all();
}

#[test]
fn terminating_terraform_alone_stops_the_provider_through_stop_provider() {
    let ws = workspace!("--healthy-after", "never");
    let (apply, name) = apply_waiting(&ws, 50, "10m", 2);
    // SIGTERM, which every Terraform version handles like Ctrl-C (1.0.x runs as two processes and its
    // outer one ignores a SIGINT sent to it alone, counting on the terminal to reach the whole group).
    kill(apply.pid(), Signal::SIGTERM).expect("SIGTERM to terraform only");
    assert_kept_after_interrupt(&ws, &name, apply.finish(EXIT_LIMIT));
    ws.destroy_all();
}

#[test]
fn an_interrupted_apply_converges_without_duplicates_when_run_again() {
    // Attachments turn Healthy 5 s after creation: the first apply is interrupted well before that.
    let ws = workspace!("--healthy-after", "5s");
    let (apply, _) = apply_waiting(&ws, 51, "1m", 1);
    killpg(apply.pid(), Signal::SIGINT).expect("SIGINT");
    assert_ne!(apply.finish(EXIT_LIMIT).code, 0);
    assert_eq!(ws.addresses(), vec!["cni_interconnect.gcp"], "kept in state");

    ws.apply().ok().contains(&["1 added, 0 changed, 1 destroyed"]);
    let left = ws.mock.interconnects();
    assert_eq!(
        left.len(),
        1,
        "the tainted one was replaced, not duplicated: {left:?}"
    );
    assert_eq!(ws.values("cni_interconnect.gcp")["name"], left[0]["name"]);
    assert_eq!(ws.values("cni_interconnect.gcp")["status"], json!("Healthy"));
    ws.assert_no_changes();
    ws.destroy_all();
}

#[test]
fn ctrl_c_during_a_delete_wait_keeps_the_port_in_state_until_a_later_destroy() {
    // The mock shows a deleted interconnect for 40 more GETs.
    let ws = workspace!("--delete-lag", "40");
    ws.config(&port("port", SLOT_A, ""));
    ws.apply().ok();
    let destroy = ws.spawn(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    ws.mock
        .await_interconnect("the delete is waiting", |ic| ic["deleting"] == json!(true));
    killpg(destroy.pid(), Signal::SIGINT).expect("SIGINT");
    let run = destroy.finish(EXIT_LIMIT);
    assert_no_crash(&run);
    assert_ne!(run.code, 0, "{}", run.output);
    assert_eq!(
        ws.addresses(),
        vec!["cni_interconnect.port"],
        "not confirmed deleted, so still in state"
    );
    ws.destroy_all();
}

#[test]
fn ctrl_c_during_a_long_listing_ends_it_promptly() {
    let ws = workspace!("--page-size", "1");
    for n in 0..20 {
        ws.mock.create_directly(
            json!({"account": crate::harness::ACCOUNT, "type": "gcp_partner", "bandwidth": "1G",
            "pairing_key": crate::fixtures::key(100 + n)}),
        );
    }
    ws.mock.fault(
        FaultSpec::on("GET", paths::INTERCONNECTS)
            .times(100)
            .delay(Duration::from_millis(500)),
    );
    ws.config("data \"cni_interconnects\" \"all\" {}\noutput \"n\" { value = length(data.cni_interconnects.all.interconnects) }\n");
    let plan = ws.spawn(&["plan", "-input=false", "-no-color"]);
    wait_until("the listing is under way", Duration::from_secs(30), || {
        ws.mock.requests_matching("GET", "/cni/interconnects$").len() >= 3
    });
    killpg(plan.pid(), Signal::SIGINT).expect("SIGINT");
    let run = plan.finish(EXIT_LIMIT);
    assert_no_crash(&run);
    assert_ne!(run.code, 0, "{}", run.output);
    let pages = ws.mock.requests_matching("GET", "/cni/interconnects$").len();
    // Each page takes 500 ms: a listing that went on after the interrupt would fetch all 20.
    assert!(
        pages < 15,
        "{pages} of 20 pages were fetched: the listing went on after the interrupt"
    );
}
