//! The protocol layer with the real CLI: `terraform-provider-cni -debug` serving a plan through
//! `TF_REATTACH_PROVIDERS`, as with Go providers; and a stored state that holds an attribute the
//! schema no longer has, upgraded instead of refused.

use std::time::Duration;

use crate::fixtures::{gcp, port, SLOT_A};
use crate::harness::DebugProvider;
use crate::workspace;

#[test]
fn a_provider_started_with_debug_serves_a_real_plan_through_reattach() {
    let ws = workspace!();
    let provider = DebugProvider::start_cni();
    let config: serde_json::Value = serde_json::from_str(&provider.reattach).expect("reattach JSON");
    assert_eq!(config["registry.terraform.io/cnilabs/cni"]["ProtocolVersion"], 6);

    // No dev_overrides: Terraform finds the provider only through the reattach variable.
    ws.config("data \"cni_slots\" \"free\" {\n  occupied = false\n}\noutput \"free\" { value = length(data.cni_slots.free.slots) }\n");
    ws.tf_reattached(&provider, &["plan", "-no-color"])
        .ok()
        .contains(&["free = 16"]);
    assert!(
        !ws.mock.requests_matching("GET", "/cni/slots$").is_empty(),
        "the debug provider called the API"
    );
    provider.interrupt();
}

#[test]
fn a_debug_provider_listens_on_a_unix_socket_only_its_user_may_reach() {
    let _ws = workspace!();
    let provider = DebugProvider::start_cni();
    let config: serde_json::Value = serde_json::from_str(&provider.reattach).expect("reattach JSON");
    let addr = &config["registry.terraform.io/cnilabs/cni"]["Addr"];
    assert_eq!(addr["Network"], "unix", "{addr}");
    let socket = std::path::PathBuf::from(addr["String"].as_str().unwrap_or_default());
    let dir = socket.parent().expect("a directory");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir).expect("socket dir").permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "{}", dir.display());
    provider.interrupt();
}

#[test]
fn a_stop_ends_one_commands_operations_and_not_the_next_commands() {
    let ws = workspace!("--healthy-after", "never");
    let provider = DebugProvider::start_cni();
    ws.config(&gcp("gcp", 110, "timeouts {\n    create = \"2m\"\n  }"));
    let apply = ws.spawn_reattached(
        &provider,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    );
    ws.mock.await_interconnect("the create is waiting", |ic| {
        ic["status_polls"].as_u64() >= Some(2)
    });
    // SIGTERM to Terraform alone: it sends StopProvider to the debug provider.
    nix::sys::signal::kill(apply.pid(), nix::sys::signal::Signal::SIGTERM).expect("SIGTERM");
    let stopped = apply.finish(Duration::from_secs(60));
    assert_ne!(stopped.code, 0, "{}", stopped.output);
    // The next command, served by the same process, is not interrupted: it replaces the tainted
    // attachment (delete, wait until gone, create) and waits for Healthy.
    let name = ws.mock.interconnects()[0]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    ws.mock.set_status(&name, serde_json::json!({"state": "Healthy"}));
    ws.config(&gcp("gcp", 111, "wait_for_healthy = false"));
    ws.tf_reattached(
        &provider,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    )
    .ok()
    .contains(&["1 added, 0 changed, 1 destroyed"]);
    provider.interrupt();
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
