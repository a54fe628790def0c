//! Everything is bounded: timeouts bound whole operations, no configured number or duration can crash
//! the provider, and the default request budget holds end to end.

use cni::mock::{paths, FaultSpec};
use serde_json::{json, Value};
use std::time::Duration;

use crate::fixtures::{gcp, key, port, SLOT_A};
use crate::harness::{Workspace, ACCOUNT};
use crate::workspace;

#[test]
fn the_create_timeout_bounds_the_slot_check_and_the_post() {
    let ws = workspace!();
    // The slot check answers after 4 s (within the 5 s request timeout): longer than the whole create
    // may take.
    ws.mock
        .fault(FaultSpec::on("GET", paths::SLOT).delay(Duration::from_millis(4000)));
    ws.config(&port("port", SLOT_A, "timeouts {\n    create = \"2s\"\n  }"));
    ws.apply()
        .fails_with(&["Could not create the interconnect", "timeout"]);
    assert_eq!(ws.mock.creates(), 0, "no create was sent once the time was up");

    // A Retry-After longer than the time left ends the create at once, with the reason.
    ws.mock
        .fault(FaultSpec::on("POST", paths::INTERCONNECTS).status_retry_after(429, 60));
    ws.config(&gcp("gcp", 80, "timeouts {\n    create = \"10s\"\n  }"));
    ws.apply().fails_with(&[
        "asked to retry after 1m",
        "longer than the",
        "left of the operation's timeout",
    ]);
    assert_eq!(ws.mock.creates(), 1, "the create was not retried");
    assert!(ws.mock.interconnects().is_empty());
    assert!(ws.addresses().is_empty());
}

#[test]
fn the_delete_timeout_bounds_the_delete_and_its_wait() {
    let ws = workspace!("--delete-lag", "100000");
    ws.config(&port("port", SLOT_A, "timeouts {\n    delete = \"2s\"\n  }"));
    ws.apply().ok();
    ws.tf(&["destroy", "-auto-approve", "-no-color"]).fails_with(&[
        "was not confirmed deleted",
        "timed out after",
        "stays in state",
    ]);
    assert_eq!(ws.addresses(), vec!["cni_interconnect.port"]);

    ws.mock
        .fault(FaultSpec::on_any_path("DELETE").status_retry_after(429, 60));
    ws.tf(&["destroy", "-auto-approve", "-no-color"])
        .fails_with(&["Could not delete interconnect", "asked to retry after 1m"]);
    assert_eq!(ws.addresses(), vec!["cni_interconnect.port"]);
}

#[test]
fn no_configured_number_or_duration_crashes_the_provider() {
    let ws = workspace!();
    let cases: Vec<(&str, &str, &str)> = vec![
        (
            "requests_per_second",
            "1e-30",
            "requests per second must be a number from 0.001",
        ),
        (
            "requests_per_second",
            "20000",
            "requests per second must be a number from 0.001",
        ),
        ("max_retries", "1.5", "max_retries must be a whole number"),
        (
            "poll_interval",
            "\"100000000y\"",
            "longer than the longest duration accepted",
        ),
        (
            "request_timeout",
            "\"1000000h\"",
            "longer than the longest duration accepted",
        ),
    ];
    for (key, value, needle) in cases {
        let mut ws = Workspace::new(crate::harness::terraform().expect("on"), &[]);
        ws.set_provider(key, Some(value));
        ws.config(&port("port", SLOT_A, ""));
        let run = ws.plan().fails_with(&[needle]);
        assert!(!run.output.contains("panic"), "{key} = {value}:\n{}", run.output);
        assert!(ws.mock.requests().is_empty(), "{key}: no API call");
    }
    ws.config(&port(
        "port",
        SLOT_A,
        "timeouts {\n    create = \"100000000y\"\n  }",
    ));
    let run = ws
        .plan()
        .fails_with(&["Invalid duration", "longer than the longest duration accepted"]);
    assert!(!run.output.contains("panic"), "{}", run.output);
}

#[test]
fn a_listing_ends_at_next_zero_as_the_api_documents() {
    // The mock ends every listing with "next": 0, as the API's documentation shows it.
    let ws = workspace!("--page-size", "2", "--end-of-list", "zero");
    for n in 0..3 {
        ws.mock.create_directly(
            json!({"account": ACCOUNT, "type": "gcp_partner", "bandwidth": "1G", "pairing_key": key(90 + n)}),
        );
    }
    // A gcp_partner create lists the account's attachments first.
    ws.config(&format!(
        "{}data \"cni_interconnects\" \"all\" {{\n  depends_on = [cni_interconnect.gcp]\n}}\n\
         output \"count\" {{ value = length(data.cni_interconnects.all.interconnects) }}\n",
        gcp("gcp", 93, "wait_for_healthy = false")
    ));
    ws.apply().ok();
    assert_eq!(ws.outputs()["count"]["value"], json!(4));
    let cursors: Vec<Value> = ws
        .mock
        .requests_matching("GET", "/cni/interconnects$")
        .iter()
        .map(|r| r["query"].clone())
        .collect();
    assert!(
        cursors
            .iter()
            .all(|q| !q.as_str().unwrap_or_default().contains("cursor=0")),
        "never asked for cursor 0: {cursors:?}"
    );
}

#[test]
fn the_default_budget_of_four_requests_per_second_holds_end_to_end() {
    // An API that reports no quota: the fixed pace.
    let mut ws = workspace!("--ratelimit-headers", "none");
    ws.set_provider("requests_per_second", None);
    for n in 0..4 {
        ws.mock.create_directly(
            json!({"account": ACCOUNT, "type": "gcp_partner", "bandwidth": "1G", "pairing_key": key(95 + n)}),
        );
    }
    ws.mock.clear_log();
    ws.config("data \"cni_interconnects\" \"all\" {\n  include_status = true\n}\ndata \"cni_slots\" \"free\" {\n  occupied = false\n}\n");
    ws.apply().ok();
    let times: Vec<u64> = ws
        .mock
        .requests()
        .iter()
        .filter_map(|r| r["at_ms"].as_u64())
        .collect();
    assert!(times.len() >= 6, "a list, 4 statuses and the slots: {times:?}");
    // governor spaces requests 250 ms apart; the mock's clock and the provider's may differ by a few ms.
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= 230,
            "two requests {} ms apart, faster than 4 per second: {times:?}",
            pair[1] - pair[0]
        );
    }
}
