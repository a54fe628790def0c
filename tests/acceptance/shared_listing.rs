//! Refreshes share one listing per command: a page instead of a `GET` per interconnect, a 404 only
//! ever believed from a `GET`, and no listing carried from one command into the next.

use serde_json::{json, Value};

use crate::fixtures::gcp;
use crate::harness::DebugProvider;
use crate::workspace;

const LIST: &str = "/cni/interconnects$";
const BY_NAME: &str = "/cni/interconnects/icon-[^/]+$";

fn six_attachments() -> String {
    (1..=6)
        .map(|n| gcp(&format!("ic{n}"), 600 + n, "wait_for_healthy = false"))
        .collect()
}

fn name_of(ws: &crate::harness::Workspace, address: &str) -> String {
    ws.values(address)["name"]
        .as_str()
        .map(str::to_owned)
        .expect("name")
}

fn paths(requests: &[Value]) -> Vec<String> {
    requests
        .iter()
        .filter_map(|r| r["path"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn a_refresh_reads_one_listing_and_believes_a_404_only_from_a_get() {
    let ws = workspace!();
    ws.config(&six_attachments());
    ws.apply().ok();
    let gone = name_of(&ws, "cni_interconnect.ic2");
    let down = name_of(&ws, "cni_interconnect.ic5");
    ws.mock.delete_out_of_band(&gone);
    ws.mock
        .set_status(&down, json!({"state": "Down", "reason": "light level low"}));
    ws.mock.clear_log();

    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output);
    plan.contains(&[
        &format!("Interconnect {gone} no longer exists"),
        "cni_interconnect.ic2 will be created",
        "Plan: 1 to add, 0 to change, 0 to destroy",
    ]);

    let listings = ws.mock.requests_matching("GET", LIST);
    let by_name = paths(&ws.mock.requests_matching("GET", BY_NAME));
    assert!(!listings.is_empty(), "the refresh listed the account");
    assert_eq!(
        by_name.iter().filter(|p| p.ends_with(&gone)).count(),
        1,
        "the missing one was confirmed with a GET before leaving the state: {by_name:?}"
    );
    assert!(
        by_name.iter().filter(|p| !p.ends_with(&gone)).count() <= 1,
        "the others came from the listing: {by_name:?}"
    );
    let statuses = ws.mock.requests_matching("GET", "/status$").len();
    assert_eq!(statuses, 5, "status is still read per interconnect");
    let requests = ws.mock.requests().len();
    assert!(requests <= 8, "{requests} requests for six reads");

    ws.tf(&["apply", "-refresh-only", "-auto-approve", "-no-color"])
        .ok();
    let refreshed = ws.values("cni_interconnect.ic5");
    assert_eq!(
        (refreshed["status"].clone(), refreshed["status_reason"].clone()),
        (json!("Down"), json!("light level low")),
        "the status is this command's own: {refreshed}"
    );
    ws.destroy_all();
}

#[test]
fn a_provider_serving_several_commands_lists_again_for_each() {
    let ws = workspace!();
    let provider = DebugProvider::start_cni();
    ws.config(&six_attachments());
    ws.tf_reattached(
        &provider,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    )
    .ok();
    ws.tf_reattached(
        &provider,
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
    )
    .ok();
    let first_listings = ws.mock.requests_matching("GET", LIST).len();

    // The same process serves the next command: what it listed before must not answer for it.
    let gone = name_of(&ws, "cni_interconnect.ic4");
    ws.mock.delete_out_of_band(&gone);
    let plan = ws.tf_reattached(
        &provider,
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
    );
    assert_eq!(plan.code, 2, "{}", plan.output);
    plan.contains(&["cni_interconnect.ic4 will be created"]);
    assert!(
        ws.mock.requests_matching("GET", LIST).len() > first_listings,
        "the second command listed the account for itself"
    );
    ws.tf_reattached(
        &provider,
        &["destroy", "-auto-approve", "-input=false", "-no-color"],
    )
    .ok();
    assert_eq!(ws.mock.interconnects(), Vec::<Value>::new());
    provider.interrupt();
}
