//! Live safety: an interconnect is never dropped from state, adopted by the wrong resource, or replaced
//! because of what the API did not say, whatever the API does after the create.

use cni::mock::{paths, FaultSpec};
use std::time::Duration;

use nix::sys::signal::{killpg, Signal};
use serde_json::{json, Value};

use crate::fixtures::{gcp, key, port, SLOT_A};
use crate::harness::{wait_until, Workspace, ACCOUNT, COMMAND_LIMIT};
use crate::hazards::holds_its_own;
use crate::workspace;

fn names_in_mock(ws: &Workspace) -> Vec<String> {
    ws.mock
        .interconnects()
        .iter()
        .filter_map(|ic| ic["name"].as_str().map(str::to_owned))
        .collect()
}

fn name_in_state(ws: &Workspace, address: &str) -> String {
    ws.values(address)["name"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{address} has no name in state"))
}

/// Holds both creates' baseline listings back for a second, so that both are taken before either
/// create is sent, however Terraform schedules the two.
fn overlap_the_creates(ws: &Workspace) {
    ws.mock.fault(
        FaultSpec::on("GET", paths::INTERCONNECTS)
            .after()
            .times(2)
            .delay(Duration::from_millis(600)),
    );
}

/// A redundant pair: two attachments alike but for their pairing keys.
fn redundant_pair() -> String {
    format!(
        "{}{}",
        gcp("primary", 70, "wait_for_healthy = false"),
        gcp("secondary", 71, "wait_for_healthy = false")
    )
}

#[test]
fn an_ambiguous_create_never_adopts_its_twins_attachment() {
    let ws = workspace!();
    // The first create to arrive is made at once but answered late; the second is refused with a 500
    // (not made), and so looks for what it may have made while its twin's answer is still on its way.
    overlap_the_creates(&ws);
    ws.mock.fault(
        FaultSpec::on("POST", paths::INTERCONNECTS)
            .after()
            .delay(Duration::from_millis(3000)),
    );
    ws.mock
        .fault(FaultSpec::on("POST", paths::INTERCONNECTS).status(500));
    ws.config(&redundant_pair());
    ws.apply().ok().contains(&["Apply complete! Resources: 2 added"]);
    let (primary, secondary) = (
        name_in_state(&ws, "cni_interconnect.primary"),
        name_in_state(&ws, "cni_interconnect.secondary"),
    );
    assert_ne!(primary, secondary, "two resources name one attachment");
    let mut in_mock = names_in_mock(&ws);
    in_mock.sort();
    let mut in_state = vec![primary, secondary];
    in_state.sort();
    assert_eq!(in_mock, in_state, "each resource has its own attachment");
    ws.assert_no_changes();
    ws.destroy_all();
}

#[test]
fn a_redundant_pair_whose_answers_both_come_too_late_each_keeps_its_own() {
    let mut ws = workspace!();
    ws.set_provider("request_timeout", Some("\"1s\""));
    // Both creates are made and both answers come too late. Alike creates take turns around their
    // POST: the second is sent only once the first has found what it made.
    overlap_the_creates(&ws);
    ws.mock.fault(
        FaultSpec::on("POST", paths::INTERCONNECTS)
            .after()
            .times(2)
            .delay(Duration::from_millis(2000)),
    );
    ws.config(&redundant_pair());
    ws.apply().ok().contains(&["Recovered from a lost create answer"]);
    holds_its_own(&ws, "cni_interconnect.primary", 70);
    holds_its_own(&ws, "cni_interconnect.secondary", 71);
    assert_eq!(ws.mock.creates(), 2, "no create was sent again");
    ws.destroy_all();
}

#[test]
fn several_candidates_are_named_with_how_to_import_them() {
    // The API leaves `speed` out, so the match is loosened to any bandwidth: the error says so.
    let mut ws = workspace!("--omit-gcp-speed");
    ws.set_provider("request_timeout", Some("\"1s\""));
    // The create is made and answered too late; meanwhile an alike attachment is made outside
    // Terraform. Nothing tells which of the two new ones is this create's.
    let own_key = key(72);
    let id = own_key.split('/').next().unwrap_or_default().to_owned();
    ws.mock.fault(
        FaultSpec::on("POST", paths::INTERCONNECTS)
            .body_matches(id)
            .after()
            .delay(Duration::from_millis(3000)),
    );
    ws.config(&gcp("primary", 72, "wait_for_healthy = false"));
    let apply = ws.spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    wait_until("the create", Duration::from_secs(60), || ws.mock.creates() == 1);
    let outsider = ws.mock.create_directly(json!({
        "account": ACCOUNT, "type": "gcp_partner", "bandwidth": "1G", "pairing_key": key(73)
    }));
    let run = apply.finish(COMMAND_LIMIT).fails_with(&[
        "several new interconnects match it",
        "terraform import",
        "did not report the bandwidth",
    ]);
    for name in names_in_mock(&ws) {
        assert!(run.output.contains(&name), "{name} is not named:\n{}", run.output);
    }
    assert!(run.output.contains(&outsider));
    assert_eq!(ws.mock.interconnects().len(), 2);
    assert_eq!(
        ws.mock.creates(),
        2,
        "the create was not sent again (the other is the outsider's)"
    );
    assert!(ws.addresses().is_empty(), "neither was guessed");
}

#[test]
fn a_create_accepted_with_an_unreadable_answer_is_found_and_never_sent_again() {
    let ws = workspace!();
    // 2xx with a body that is not JSON, and a first lookup whose listing lags behind the create.
    ws.mock.fault(
        FaultSpec::on("POST", paths::INTERCONNECTS)
            .after()
            .body(200, "<<not json>>"),
    );
    ws.mock
        .fault(FaultSpec::on("GET", paths::INTERCONNECTS).body(200, "{\"items\":[],\"next\":null}"));
    ws.config(&port("port", SLOT_A, ""));
    ws.apply().ok().contains(&["Recovered from a lost create answer"]);
    assert_eq!(ws.mock.creates(), 1, "the accepted create was not sent again");
    assert_eq!(
        names_in_mock(&ws),
        vec![name_in_state(&ws, "cni_interconnect.port")]
    );
    ws.destroy_all();
}

#[test]
fn a_port_whose_slot_its_own_lost_create_occupied_is_adopted() {
    let ws = workspace!();
    // The create is made but its answer is lost, and the lookup's listing lags behind it: the create
    // is sent again and refused because the slot is occupied — by this very create.
    ws.mock.fault(
        FaultSpec::on("POST", paths::INTERCONNECTS)
            .after()
            .drop_connection(),
    );
    ws.mock
        .fault(FaultSpec::on("GET", paths::INTERCONNECTS).body(200, "{\"items\":[],\"next\":null}"));
    ws.config(&port("port", SLOT_A, ""));
    let run = ws.apply();
    assert!(
        !run.output.contains("No interconnect was created"),
        "the port exists:\n{}",
        run.output
    );
    run.ok().contains(&["Recovered from a lost create answer"]);
    assert_eq!(
        names_in_mock(&ws),
        vec![name_in_state(&ws, "cni_interconnect.port")]
    );
    ws.destroy_all();
}

#[test]
fn a_new_interconnect_unknown_to_reads_for_a_while_is_waited_for_not_dropped() {
    let ws = workspace!("--read-lag", "3");
    ws.config(&format!("{}{}", gcp("gcp", 72, ""), port("port", SLOT_A, "")));
    ws.apply().ok();
    let gcp = ws.values("cni_interconnect.gcp");
    assert_eq!(gcp["status"], json!("Healthy"), "{gcp}");
    assert_eq!(ws.addresses().len(), 2, "both kept");
    assert_eq!(ws.mock.interconnects().len(), 2);
    ws.assert_no_changes();
    ws.destroy_all();
}

#[test]
fn a_status_404_after_a_successful_get_keeps_the_interconnect() {
    let ws = workspace!();
    ws.config(&gcp("gcp", 73, "wait_for_healthy = false"));
    ws.apply().ok();
    ws.mock.fault(FaultSpec::on("GET", paths::STATUS).status(404));
    ws.tf(&["apply", "-refresh-only", "-auto-approve", "-no-color"])
        .ok()
        .contains(&["status of interconnect", "is not available"]);
    assert_eq!(ws.addresses(), vec!["cni_interconnect.gcp"]);
    assert_eq!(ws.values("cni_interconnect.gcp")["status"], Value::Null);
    ws.destroy_all();
}

#[test]
fn a_404_that_is_not_the_apis_never_empties_the_state_or_fakes_a_destroy() {
    let mut ws = workspace!();
    ws.config(&port("port", SLOT_A, ""));
    ws.apply().ok();
    let name = name_in_state(&ws, "cni_interconnect.port");

    // A proxy's HTML page on GET: an error, not "gone".
    ws.mock
        .fault(FaultSpec::on("GET", paths::INTERCONNECT_AND_BELOW).html(404));
    ws.plan()
        .fails_with(&["Could not read interconnect", "did not come from the CNI API"]);
    assert_eq!(ws.addresses(), vec!["cni_interconnect.port"]);

    // A wrong base_url path: every call answers a 404 that is not the API's.
    let wrong = ws.mock.base_url.replace("/client/v4", "/client/v3");
    ws.set_provider("base_url", Some(&format!("\"{wrong}\"")));
    ws.config(&port("port", SLOT_A, ""));
    ws.plan().fails_with(&["did not come from the CNI API"]);
    ws.tf(&["destroy", "-auto-approve", "-no-color"])
        .fails_with(&["did not come from the CNI API"]);
    assert_eq!(ws.addresses(), vec!["cni_interconnect.port"], "still in state");
    assert_eq!(names_in_mock(&ws), vec![name], "and still running");

    let right = ws.mock.base_url.clone();
    ws.set_provider("base_url", Some(&format!("\"{right}\"")));
    ws.config(&port("port", SLOT_A, ""));
    ws.destroy_all();
}

#[test]
fn the_last_status_is_kept_when_a_lasting_api_error_ends_the_wait() {
    let Some(terraform) = crate::harness::terraform() else {
        return;
    };
    for (status, message) in [(503, "HTTP 503"), (403, "HTTP 403")] {
        let ws = Workspace::new(terraform.clone(), &["--healthy-after", "never"]);
        ws.config(&gcp("gcp", 74, "timeouts {\n    create = \"2m\"\n  }"));
        let apply = ws.spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        let name = ws.mock.await_interconnect("the wait is under way", |ic| {
            ic["status_polls"].as_u64() >= Some(2)
        });
        ws.mock
            .set_status(&name, json!({"state": "Down", "reason": "no light"}));
        wait_until("the Down status was read", Duration::from_secs(30), || {
            ws.mock.interconnects()[0]["status_polls"].as_u64() >= Some(4)
        });
        ws.mock
            .fault(FaultSpec::on("GET", paths::STATUS).times(1000).status(status));
        apply
            .finish(COMMAND_LIMIT)
            .fails_with(&["did not become Healthy", message, "Down (no light)"]);
        let state = ws.values("cni_interconnect.gcp");
        assert_eq!(state["name"], json!(name), "kept in state");
        assert_eq!(
            (state["status"].clone(), state["status_reason"].clone()),
            (json!("Down"), json!("no light")),
            "the last status seen"
        );
    }
}

#[test]
fn ctrl_c_during_the_lookup_after_a_lost_create_keeps_what_was_created() {
    let ws = workspace!();
    ws.mock.fault(
        FaultSpec::on("POST", paths::INTERCONNECTS)
            .after()
            .drop_connection(),
    );
    ws.mock
        .fault(FaultSpec::on("GET", paths::INTERCONNECTS).delay(Duration::from_millis(2500)));
    ws.config(&port("port", SLOT_A, ""));
    let apply = ws.spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    wait_until("the lookup is under way", Duration::from_secs(60), || {
        !ws.mock.requests_matching("GET", "/cni/interconnects$").is_empty()
    });
    killpg(apply.pid(), Signal::SIGINT).expect("SIGINT");
    let run = apply.finish(Duration::from_secs(60));
    assert!(!run.output.contains("panic"), "{}", run.output);
    assert_eq!(ws.mock.interconnects().len(), 1);
    assert_eq!(
        ws.addresses(),
        vec!["cni_interconnect.port"],
        "the port made by the lost create is in state:\n{}",
        run.output
    );
    assert_eq!(
        names_in_mock(&ws),
        vec![name_in_state(&ws, "cni_interconnect.port")]
    );
    ws.destroy_all();
}

#[test]
fn import_and_refresh_never_replace_because_of_what_the_api_did_not_say() {
    let ws = workspace!("--omit-gcp-speed");
    let gcp_name = ws.mock.create_directly(json!({
        "account": ACCOUNT, "type": "gcp_partner", "bandwidth": "1G", "pairing_key": key(75)
    }));
    let port_name = ws
        .mock
        .create_directly(json!({"account": ACCOUNT, "type": "direct", "slot_id": SLOT_A}));
    // As a user writes it: no pairing key (it is needed only to create), and the slot and speed as
    // they happen to be written elsewhere.
    ws.config(&format!(
        "resource \"cni_interconnect\" \"gcp\" {{\n  type = \"gcp_partner\"\n  bandwidth = \"1G\"\n}}\n\
         resource \"cni_interconnect\" \"port\" {{\n  type = \"direct\"\n  slot_id = \"{}\"\n  speed = \"10g\"\n}}\n",
        SLOT_A.to_uppercase()
    ));
    for (address, name) in [
        ("cni_interconnect.gcp", &gcp_name),
        ("cni_interconnect.port", &port_name),
    ] {
        ws.tf(&[
            "import",
            "-input=false",
            "-no-color",
            address,
            &format!("{ACCOUNT}/{name}"),
        ])
        .ok();
    }
    let plan = ws.plan().contains(&["0 to add", "0 to destroy"]);
    assert!(!plan.output.contains("must be replaced"), "{}", plan.output);
    ws.apply().ok().contains(&["0 added", "0 destroyed"]);
    assert_eq!(
        ws.values("cni_interconnect.gcp")["bandwidth"],
        json!("1G"),
        "kept from the configuration"
    );
    ws.tf(&["apply", "-refresh-only", "-auto-approve", "-no-color"])
        .ok();
    ws.assert_no_changes();
    assert_eq!(ws.mock.creates(), 2, "only the two made outside Terraform");
    ws.destroy_all();
}

#[test]
fn unknown_values_are_not_set_at_validate_time() {
    let ws = workspace!();
    ws.config(&format!(
        "variable \"bw\" {{\n  type = string\n  default = null\n}}\n\
         resource \"cni_interconnect\" \"port\" {{\n  type = \"direct\"\n  slot_id = \"{SLOT_A}\"\n  bandwidth = var.bw\n}}\n"
    ));
    ws.tf(&["validate", "-no-color"]).ok();
    ws.plan().contains(&["1 to add"]);
    assert!(ws.mock.requests().iter().all(|r| r["method"] != "POST"));
}

#[test]
fn data_sources_report_the_account_that_was_asked_for() {
    let ws = workspace!();
    let name = ws
        .mock
        .create_directly(json!({"account": ACCOUNT, "type": "direct", "slot_id": SLOT_A}));
    let other = json!({"account": "someone-else", "name": name, "type": "direct", "slot_id": SLOT_A,
                       "site": "ewr01", "speed": "10G", "facility": {"name": "x", "address": []}});
    ws.mock
        .fault(FaultSpec::on("GET", format!("/interconnects/{name}$")).body(200, other.to_string()));
    ws.mock.fault(
        FaultSpec::on("GET", paths::INTERCONNECTS)
            .body(200, json!({"items": [other], "next": 0}).to_string()),
    );
    ws.config(&format!(
        "data \"cni_interconnect\" \"one\" {{\n  name = \"{name}\"\n}}\n\
         data \"cni_interconnects\" \"all\" {{}}\n\
         output \"one\" {{ value = data.cni_interconnect.one.account_id }}\n\
         output \"all\" {{ value = data.cni_interconnects.all.interconnects[*].account_id }}\n"
    ));
    ws.apply().ok();
    let outputs = ws.outputs();
    assert_eq!(outputs["one"]["value"], json!(ACCOUNT));
    assert_eq!(outputs["all"]["value"], json!([ACCOUNT]));
}

#[test]
fn an_account_the_credentials_cannot_use_gets_the_apis_answer() {
    let ws = workspace!();
    ws.config(
        "data \"cni_interconnects\" \"all\" {\n  account_id = \"0123456789abcdef0123456789abcdef\"\n}\n",
    );
    ws.plan()
        .fails_with(&["HTTP 403", "Unauthorized to access requested resource"]);
}

#[test]
fn the_mocks_healthy_after_applies_to_direct_ports_too() {
    let ws = workspace!("--healthy-after", "1");
    ws.config(&port("port", SLOT_A, "wait_for_healthy = true"));
    ws.apply().ok();
    assert_eq!(ws.values("cni_interconnect.port")["status"], json!("Healthy"));
    ws.destroy_all();
}
