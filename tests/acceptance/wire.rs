//! The protocol layer with the real CLI: `terraform-provider-cni -debug` serving a plan through
//! `TF_REATTACH_PROVIDERS`, as with Go providers; and a stored state that holds an attribute the
//! schema no longer has, upgraded instead of refused.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use crate::harness::wait_until;
use crate::lifecycle::{port, SLOT_A};
use crate::workspace;

#[test]
fn a_provider_started_with_debug_serves_a_real_plan_through_reattach() {
    let ws = workspace!();
    let mut provider = Command::new(env!("CARGO_BIN_EXE_terraform-provider-cni"))
        .arg("-debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the provider in debug mode");
    let stdout = provider.stdout.take().expect("stdout");
    let reattach = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| {
            line.trim()
                .strip_prefix("TF_REATTACH_PROVIDERS='")
                .and_then(|rest| rest.strip_suffix('\''))
                .map(str::to_owned)
        })
        .expect("the reattach line");
    let config: serde_json::Value = serde_json::from_str(&reattach).expect("reattach JSON");
    assert_eq!(config["registry.terraform.io/cnilabs/cni"]["ProtocolVersion"], 6);

    // No dev_overrides: Terraform finds the provider only through the reattach variable.
    let rc = ws.path().join("empty.tfrc");
    std::fs::write(&rc, "").expect("write an empty CLI config");
    ws.config("data \"cni_slots\" \"free\" {\n  occupied = false\n}\noutput \"free\" { value = length(data.cni_slots.free.slots) }\n");
    let run = ws
        .command(&["plan", "-no-color"])
        .env("TF_CLI_CONFIG_FILE", &rc)
        .env("TF_REATTACH_PROVIDERS", &reattach)
        .output()
        .expect("plan");
    let text = String::from_utf8_lossy(&run.stdout).to_string() + &String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{text}");
    assert!(text.contains("free = 16"), "{text}");
    assert!(
        !ws.mock.requests_matching("GET", "/cni/slots$").is_empty(),
        "the debug provider called the API"
    );

    let pid = Pid::from_raw(provider.id() as i32);
    kill(pid, Signal::SIGINT).expect("SIGINT");
    wait_until(
        "the debug provider exits on Ctrl-C",
        std::time::Duration::from_secs(10),
        || provider.try_wait().ok().flatten().is_some(),
    );
}

#[test]
fn a_stored_state_with_an_attribute_the_schema_no_longer_has_is_upgraded() {
    let ws = workspace!();
    ws.config(&port("port", SLOT_A, ""));
    ws.apply().ok();
    let path = ws.path().join("terraform.tfstate");
    let mut state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read state")).expect("state JSON");
    state["resources"][0]["instances"][0]["attributes"]["attribute_removed_long_ago"] = "x".into();
    state["serial"] = (state["serial"].as_u64().unwrap_or(0) + 1).into();
    std::fs::write(&path, serde_json::to_vec_pretty(&state).expect("encode")).expect("write state");
    ws.assert_no_changes();
    ws.tf(&["apply", "-refresh-only", "-auto-approve", "-no-color"])
        .ok();
    let stored: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read state")).expect("state JSON");
    assert!(
        stored["resources"][0]["instances"][0]["attributes"]
            .get("attribute_removed_long_ago")
            .is_none(),
        "the removed attribute is gone from the upgraded state"
    );
    ws.destroy_all();
}
