//! `cni_settings`: create adopts the singleton, a change is one `PUT`, nothing to change sends no `PUT`,
//! drift is put back in place, the data source reads it, destroy restores the value from before it was
//! first managed (after an import, the value at import time); invalid values fail at plan time with no
//! API call.

use serde_json::{json, Value};

use crate::harness::{ACCOUNT, TOKEN};
use crate::workspace;

const SETTINGS: &str = "/cni/settings$";

fn config(asn: &str) -> String {
    format!(
        "resource \"cni_settings\" \"this\" {{\n  default_asn = {asn}\n}}\n\n\
         data \"cni_settings\" \"read\" {{\n  depends_on = [cni_settings.this]\n}}\n\n\
         output \"read\" {{\n  value = data.cni_settings.read.default_asn\n}}\n"
    )
}

/// The account's `default_asn`, as the API says it.
pub fn asn_of(mock: &crate::harness::Mock) -> Value {
    let url = format!("{}/accounts/{ACCOUNT}/cni/settings", mock.base_url);
    let settings: Value = reqwest::blocking::Client::new()
        .get(url)
        .bearer_auth(TOKEN)
        .send()
        .and_then(|r| r.json())
        .expect("settings");
    settings["default_asn"].clone()
}

/// Sets the account's `default_asn` behind Terraform's back.
fn set_asn(mock: &crate::harness::Mock, asn: u64) {
    let url = format!("{}/accounts/{ACCOUNT}/cni/settings", mock.base_url);
    let status = reqwest::blocking::Client::new()
        .put(url)
        .bearer_auth(TOKEN)
        .json(&json!({"default_asn": asn}))
        .send()
        .expect("put settings")
        .status();
    assert!(status.is_success(), "{status}");
}

#[test]
fn settings_are_adopted_changed_in_place_read_and_restored_on_destroy() {
    let ws = workspace!("--default-asn", "64600");
    ws.config(&config("65010"));
    ws.apply().ok().contains(&["1 added"]);
    assert_eq!(asn_of(&ws.mock), json!(65010));
    assert_eq!(
        ws.mock.requests_matching("PUT", SETTINGS).len(),
        1,
        "create: one PUT"
    );
    assert_eq!(
        ws.outputs()["read"]["value"],
        json!(65010),
        "the data source reads it"
    );

    ws.mock.clear_log();
    ws.assert_no_changes();
    ws.apply().ok().contains(&["0 added, 0 changed, 0 destroyed"]);
    assert!(
        ws.mock.requests_matching("PUT", SETTINGS).is_empty(),
        "nothing to change, no PUT"
    );

    set_asn(&ws.mock, 65020);
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output);
    assert!(plan.output.contains("update in-place"), "{}", plan.output);
    ws.mock.clear_log();
    ws.apply().ok().contains(&["0 added, 1 changed, 0 destroyed"]);
    assert_eq!(asn_of(&ws.mock), json!(65010), "the drift is put back");
    assert_eq!(ws.mock.requests_matching("PUT", SETTINGS).len(), 1, "one PUT");

    ws.config(&config("65011"));
    ws.mock.clear_log();
    ws.apply().ok().contains(&["0 added, 1 changed, 0 destroyed"]);
    assert_eq!(asn_of(&ws.mock), json!(65011));
    assert_eq!(ws.mock.requests_matching("PUT", SETTINGS).len(), 1);

    ws.tf(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .ok();
    assert_eq!(
        asn_of(&ws.mock),
        json!(64600),
        "the value from before it was managed"
    );
}

#[test]
fn an_imported_setting_is_restored_to_its_value_at_import_time() {
    let ws = workspace!();
    set_asn(&ws.mock, 65030);
    ws.config("resource \"cni_settings\" \"this\" {\n  default_asn = 65010\n}\n");
    ws.tf(&[
        "import",
        "-input=false",
        "-no-color",
        "cni_settings.this",
        ACCOUNT,
    ])
    .ok();
    assert_eq!(ws.values("cni_settings.this")["default_asn"], json!(65030));
    ws.apply().ok().contains(&["0 added, 1 changed, 0 destroyed"]);
    assert_eq!(asn_of(&ws.mock), json!(65010));
    ws.tf(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .ok();
    assert_eq!(asn_of(&ws.mock), json!(65030));
}

#[test]
fn an_invalid_asn_fails_at_plan_time_without_an_api_call() {
    let ws = workspace!();
    for (asn, needle) in [("-1", "-1"), ("4294967296", "4294967296"), ("1.5", "1.5")] {
        ws.config(&format!(
            "resource \"cni_settings\" \"this\" {{\n  default_asn = {asn}\n}}\n"
        ));
        ws.mock.clear_log();
        ws.plan()
            .fails_with(&["Invalid default_asn", "whole number from 0 to 4294967295", needle]);
        assert!(ws.mock.requests().is_empty(), "no API call for {asn}");
    }
}

#[test]
fn settings_import_by_identity_and_plan_nothing_more() {
    let ws = workspace!();
    if ws.terraform_version() < (1, 12) {
        eprintln!("import by identity needs Terraform 1.12");
        return;
    }
    set_asn(&ws.mock, 65010);
    ws.config(&format!(
        "import {{\n  to = cni_settings.this\n  identity = {{\n    account_id = \"{ACCOUNT}\"\n  }}\n}}\n\n\
         resource \"cni_settings\" \"this\" {{\n  default_asn = 65010\n}}\n"
    ));
    ws.mock.clear_log();
    ws.apply()
        .ok()
        .contains(&["1 imported, 0 added, 0 changed, 0 destroyed"]);
    assert!(
        ws.mock.requests_matching("PUT", SETTINGS).is_empty(),
        "adopted as it is"
    );
    ws.assert_no_changes();
    let identity = ws.state()["values"]["root_module"]["resources"][0]["identity"].clone();
    assert_eq!(identity, json!({"account_id": ACCOUNT}), "{identity}");
}

#[test]
fn settings_ride_out_faults_and_a_failed_change_keeps_what_destroy_restores() {
    use cni::mock::{paths, FaultSpec};
    let ws = workspace!("--default-asn", "64600");
    // Within the provider's two retries: a 429 and a 503 on the read, a 429 and a lost answer on the PUT.
    for method in ["GET", "PUT"] {
        ws.mock
            .fault(FaultSpec::on(method, paths::SETTINGS).status_retry_after(429, 1));
    }
    ws.mock.fault(FaultSpec::on("GET", paths::SETTINGS).status(503));
    ws.mock
        .fault(FaultSpec::on("PUT", paths::SETTINGS).after().drop_connection());
    ws.config(&config("65010"));
    ws.apply().ok();
    assert_eq!(asn_of(&ws.mock), json!(65010));
    let struck = ws.mock.faults_struck();
    assert_eq!(struck, 4, "each fault struck and was ridden out");

    ws.mock
        .fault(FaultSpec::on("PUT", paths::SETTINGS).times(3).status(500));
    ws.config(&config("65020"));
    ws.apply()
        .fails_with(&["Could not set the CNI settings", "HTTP 500"]);
    assert_eq!(ws.addresses(), vec!["cni_settings.this"], "kept in state");
    assert_eq!(ws.values("cni_settings.this")["default_asn"], json!(65010));
    ws.tf(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .ok();
    assert_eq!(
        asn_of(&ws.mock),
        json!(64600),
        "the value from before is put back"
    );
}

#[test]
fn a_first_put_made_but_answered_502_still_keeps_the_value_destroy_restores() {
    use cni::mock::{paths, FaultSpec};
    let ws = workspace!("--default-asn", "64600");
    // The provider's three attempts, each made and answered 502.
    ws.mock
        .fault(FaultSpec::on("PUT", paths::SETTINGS).after().times(3).status(502));
    ws.config(&config("65010"));
    ws.apply()
        .fails_with(&["Could not set the CNI settings", "HTTP 502"]);
    assert_eq!(asn_of(&ws.mock), json!(65010), "the PUT was made");
    assert_eq!(
        ws.values("cni_settings.this")["restore_asn"],
        json!(64600),
        "in state (tainted), with the value to restore"
    );
    // The replacement puts back the value from before, then sets the configured one again; destroy
    // restores the value from before.
    ws.apply().ok();
    assert_eq!(asn_of(&ws.mock), json!(65010));
    assert_eq!(ws.values("cni_settings.this")["restore_asn"], json!(64600));
    ws.assert_no_changes();
    ws.tf(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .ok();
    assert_eq!(
        asn_of(&ws.mock),
        json!(64600),
        "the value the account had before Terraform"
    );
}
