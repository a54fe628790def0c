//! 200 interconnects with `-parallelism=50` against a mock that enforces a rate limit and locks the
//! token out like the API: the provider's request budget keeps every create under it.

use std::time::Instant;

use serde_json::{json, Value};

use crate::workspace;

const DIRECT: usize = 150;
const GCP: usize = 50;

/// The seeded slot ids of cni-mock with 40 slots per site.
fn slot_ids() -> Vec<String> {
    (0..4)
        .flat_map(|site| (0..40).map(move |i| (site, i)))
        .map(|(site, i)| match (site, i) {
            (0, 0) => cni::mock::FIRST_SLOT_ID.to_owned(),
            _ => format!("5107{site:04x}-0000-4000-8000-{i:012x}"),
        })
        .collect()
}

#[test]
fn two_hundred_interconnects_at_parallelism_50_stay_within_the_api_rate_limit() {
    // The API allows 1,200 requests per 5 minutes and then locks the token out for 5 minutes; scaled
    // down here to 60 per second and a 30 s lockout, with the provider's budget set below the limit.
    let mut ws = workspace!(
        "--slots-per-site",
        "40",
        "--rate-limit",
        "60",
        "--rate-window",
        "1s",
        "--lockout",
        "30s",
        "--healthy-after",
        "1",
        "--page-size",
        "100"
    );
    ws.set_provider("requests_per_second", Some("50"));
    ws.set_provider("poll_interval", Some("\"200ms\""));
    let slots: Vec<String> = slot_ids()
        .into_iter()
        .take(DIRECT)
        .map(|s| format!("\"{s}\""))
        .collect();
    ws.config(&format!(
        "locals {{\n  slots = [{}]\n}}\n\
         resource \"cni_interconnect\" \"port\" {{\n  count = {DIRECT}\n  type = \"direct\"\n  slot_id = local.slots[count.index]\n}}\n\
         resource \"cni_interconnect\" \"gcp\" {{\n  count = {GCP}\n  type = \"gcp_partner\"\n  bandwidth = \"10G\"\n  \
         pairing_key = format(\"7e51371e-72a3-40b5-b844-%012d/europe-west3/2\", count.index)\n}}\n",
        slots.join(", ")
    ));

    let started = Instant::now();
    ws.tf(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-parallelism=50",
    ])
    .ok()
    .contains(&["Apply complete! Resources: 200 added"]);
    let apply_seconds = started.elapsed().as_secs_f64();
    let stats = ws.mock.get("stats");
    assert_eq!(
        stats["lockouts"],
        json!(0),
        "the mock had to lock the token out: {stats}"
    );
    assert_eq!(stats["rate_limited"], json!(0), "{stats}");
    let interconnects = ws.mock.interconnects();
    assert_eq!(interconnects.len(), DIRECT + GCP);
    assert_eq!(ws.mock.creates(), DIRECT + GCP, "one create each");
    assert_eq!(ws.addresses().len(), DIRECT + GCP);
    let healthy = interconnects
        .iter()
        .filter(|i| i["type"] == "gcp_partner" && i["status"]["state"] == "Healthy")
        .count();
    assert_eq!(healthy, GCP, "every attachment was waited on until Healthy");
    let apply_requests = stats["requests"].as_u64().unwrap_or(0);

    let started = Instant::now();
    ws.tf(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-parallelism=50",
    ])
    .ok();
    let destroy_seconds = started.elapsed().as_secs_f64();
    let stats = ws.mock.get("stats");
    assert_eq!(stats["lockouts"], json!(0), "{stats}");
    assert_eq!(ws.mock.interconnects(), Vec::<Value>::new());
    eprintln!(
        "load: apply of {} interconnects: {apply_requests} requests in {apply_seconds:.1} s; destroy: {} more requests in \
         {destroy_seconds:.1} s; lockouts 0",
        DIRECT + GCP,
        stats["requests"].as_u64().unwrap_or(0) - apply_requests
    );
}
