//! Ctrl-C during a wait: the provider survives, the wait ends promptly, and what was created stays in
//! state.

use std::process::Child;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::Pid;
use serde_json::json;

use crate::harness::{wait_until, Workspace};
use crate::lifecycle::{gcp, port, SLOT_A};
use crate::workspace;

/// Starts `terraform apply` of a GCP attachment that never turns healthy, and waits until its wait is
/// under way (the interconnect exists and its status was polled).
fn apply_stuck_in_a_wait(ws: &Workspace) -> (Child, String) {
    ws.config(&gcp("gcp", 50, "timeouts {\n    create = \"10m\"\n  }"));
    let child = ws
        .command(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start apply");
    wait_until("the create is waiting", Duration::from_secs(60), || {
        ws.mock
            .interconnects()
            .first()
            .is_some_and(|ic| ic["status_polls"].as_u64() >= Some(2))
    });
    let name = ws.mock.interconnects()[0]["name"]
        .as_str()
        .map(str::to_owned)
        .expect("name");
    (child, name)
}

/// Waits for Terraform to exit, at most `limit`; returns its combined output.
fn finish(child: Child, limit: Duration) -> (i32, String) {
    let started = Instant::now();
    let pid = child.id();
    let waiter = std::thread::spawn(move || child.wait_with_output());
    while !waiter.is_finished() {
        if started.elapsed() > limit {
            let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
            panic!("terraform did not exit within {limit:?} of the interrupt");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = waiter.join().expect("join").expect("output");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), text)
}

fn assert_kept_after_interrupt(ws: &Workspace, name: &str, code: i32, output: &str) {
    assert_ne!(code, 0, "{output}");
    for needle in ["was created but did not become Healthy", "interrupted"] {
        assert!(output.contains(needle), "output lacks {needle:?}:\n{output}");
    }
    for crash in [
        "panic",
        "plugin crashed",
        "unexpected EOF",
        "connection is shut down",
    ] {
        assert!(
            !output.contains(crash),
            "the provider crashed ({crash}):\n{output}"
        );
    }
    assert_eq!(ws.addresses(), vec!["cni_interconnect.gcp"]);
    assert_eq!(ws.values("cni_interconnect.gcp")["name"], json!(name));
    assert_eq!(ws.mock.interconnects().len(), 1);
}

#[test]
fn ctrl_c_to_the_process_group_ends_the_wait_and_keeps_the_interconnect() {
    let ws = workspace!("--healthy-after", "never");
    let (child, name) = apply_stuck_in_a_wait(&ws);
    killpg(Pid::from_raw(child.id() as i32), Signal::SIGINT).expect("SIGINT to the group");
    let (code, output) = finish(child, Duration::from_secs(30));
    assert_kept_after_interrupt(&ws, &name, code, &output);
    ws.destroy_all();
}

#[test]
fn terminating_terraform_alone_stops_the_provider_through_stop_provider() {
    let ws = workspace!("--healthy-after", "never");
    let (child, name) = apply_stuck_in_a_wait(&ws);
    // SIGTERM, which every Terraform version handles like Ctrl-C (1.0.x runs as two processes and its
    // outer one ignores a SIGINT sent to it alone, counting on the terminal to reach the whole group).
    kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM).expect("SIGTERM to terraform only");
    let (code, output) = finish(child, Duration::from_secs(30));
    assert_kept_after_interrupt(&ws, &name, code, &output);
    ws.destroy_all();
}

#[test]
fn an_interrupted_apply_converges_without_duplicates_when_run_again() {
    // Attachments turn Healthy 3 s after creation: the first apply is interrupted before that.
    let ws = workspace!("--healthy-after", "3s");
    ws.config(&gcp("gcp", 51, "timeouts {\n    create = \"1m\"\n  }"));
    let child = ws
        .command(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .spawn()
        .expect("apply");
    wait_until("the create is waiting", Duration::from_secs(30), || {
        ws.mock
            .interconnects()
            .first()
            .is_some_and(|ic| ic["status_polls"].as_u64() >= Some(1))
    });
    killpg(Pid::from_raw(child.id() as i32), Signal::SIGINT).expect("SIGINT");
    let (code, _) = finish(child, Duration::from_secs(30));
    assert_ne!(code, 0);
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
    let child = ws
        .command(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .spawn()
        .expect("destroy");
    wait_until("the delete is waiting", Duration::from_secs(30), || {
        ws.mock
            .interconnects()
            .first()
            .is_some_and(|ic| ic["deleting"] == json!(true))
    });
    killpg(Pid::from_raw(child.id() as i32), Signal::SIGINT).expect("SIGINT");
    let (code, output) = finish(child, Duration::from_secs(30));
    assert_ne!(code, 0, "{output}");
    assert!(
        !output.contains("panic") && !output.contains("plugin crashed"),
        "{output}"
    );
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
            "pairing_key": crate::lifecycle::key(100 + n)}),
        );
    }
    ws.mock.fault(json!({"method": "GET", "path": "/cni/interconnects$", "kind": "delay", "delay_ms": 500, "count": 100}));
    ws.config("data \"cni_interconnects\" \"all\" {}\noutput \"n\" { value = length(data.cni_interconnects.all.interconnects) }\n");
    let child = ws
        .command(&["plan", "-input=false", "-no-color"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("plan");
    wait_until("the listing is under way", Duration::from_secs(30), || {
        ws.mock.requests_matching("GET", "/cni/interconnects$").len() >= 3
    });
    let interrupted = Instant::now();
    killpg(Pid::from_raw(child.id() as i32), Signal::SIGINT).expect("SIGINT");
    let (code, output) = finish(child, Duration::from_secs(30));
    assert_ne!(code, 0, "{output}");
    assert!(
        interrupted.elapsed() < Duration::from_secs(5),
        "the listing went on for {:?}",
        interrupted.elapsed()
    );
    let pages = ws.mock.requests_matching("GET", "/cni/interconnects$").len();
    assert!(pages < 15, "{pages} of 20 pages were fetched after the interrupt");
    for crash in ["panic", "plugin crashed"] {
        assert!(!output.contains(crash), "{output}");
    }
}
