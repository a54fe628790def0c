//! `terraform import` round trips.

use serde_json::Value;

use crate::fixtures::{gcp, port, SLOT_A};
use crate::harness::ACCOUNT;
use crate::workspace;

/// The values that must survive an import round trip (everything but write-only and local fields).
fn api_view(values: &Value) -> Value {
    let mut v = values.clone();
    if let Some(obj) = v.as_object_mut() {
        for local in ["pairing_key", "timeouts", "skip_destroy"] {
            obj.remove(local);
        }
    }
    v
}

#[test]
fn imports_by_account_and_name_and_by_name_alone() {
    let ws = workspace!();
    ws.config(&format!(
        "{}{}",
        port("port", SLOT_A, ""),
        gcp("gcp", 30, "lifecycle {\n    ignore_changes = [pairing_key]\n  }")
    ));
    ws.apply().ok();
    let port_before = ws.values("cni_interconnect.port");
    let gcp_before = ws.values("cni_interconnect.gcp");
    let port_name = port_before["name"].as_str().map(str::to_owned).expect("name");
    let gcp_name = gcp_before["name"].as_str().map(str::to_owned).expect("name");

    ws.tf(&["state", "rm", "cni_interconnect.port", "cni_interconnect.gcp"])
        .ok();
    ws.tf(&[
        "import",
        "-input=false",
        "-no-color",
        "cni_interconnect.port",
        &format!("{ACCOUNT}/{port_name}"),
    ])
    .ok()
    .contains(&["Import successful!"]);
    ws.tf(&[
        "import",
        "-input=false",
        "-no-color",
        "cni_interconnect.gcp",
        &gcp_name,
    ])
    .ok();

    let port_after = ws.values("cni_interconnect.port");
    let gcp_after = ws.values("cni_interconnect.gcp");
    assert_eq!(api_view(&port_after), api_view(&port_before));
    assert_eq!(api_view(&gcp_after), api_view(&gcp_before));
    assert_eq!(
        gcp_after["pairing_key"],
        Value::Null,
        "the pairing key cannot be read back"
    );
    assert_eq!(ws.mock.creates(), 2, "import created nothing");
    let plan = ws.plan();
    assert!(!plan.output.contains("must be replaced"), "{}", plan.output);
    ws.apply().ok();
    ws.assert_no_changes();
    ws.destroy_all();
}

#[test]
fn an_imported_attachment_adopts_the_configured_pairing_key_in_place() {
    let ws = workspace!();
    ws.config(&gcp("gcp", 31, "wait_for_healthy = false"));
    ws.apply().ok();
    let name = ws.values("cni_interconnect.gcp")["name"]
        .as_str()
        .map(str::to_owned)
        .expect("name");
    ws.tf(&["state", "rm", "cni_interconnect.gcp"]).ok();
    ws.tf(&[
        "import",
        "-no-color",
        "cni_interconnect.gcp",
        &format!("{ACCOUNT}/{name}"),
    ])
    .ok();
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output);
    plan.contains(&["will be updated in-place", "0 to add, 1 to change, 0 to destroy"]);
    ws.apply().ok();
    ws.assert_no_changes();
    assert_eq!(ws.mock.creates(), 1);
    ws.destroy_all();
}

#[test]
fn bad_import_ids_are_refused_clearly() {
    let ws = workspace!();
    ws.config(&port("port", SLOT_A, ""));
    ws.tf(&["import", "-no-color", "cni_interconnect.port", "a/b/c"])
        .fails_with(&["Invalid import ID", "<account_id>/<name>"]);
    ws.tf(&[
        "import",
        "-no-color",
        "cni_interconnect.port",
        &format!("{ACCOUNT}/icon-999999"),
    ])
    .fails_with(&["Cannot import non-existent remote object"]);
    assert_eq!(ws.addresses(), Vec::<String>::new());
}
