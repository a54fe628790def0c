//! The request budget spends the quota the API reports (`cni-mock --quota`): a refresh with most of
//! the quota left is not paced at all; one with the quota nearly spent by another client waits for the
//! reset and no request is refused; without the fields, or with malformed ones, the pace is 4 a second;
//! `requests_per_second` stays a hard cap.

use std::time::Duration;

use serde_json::{json, Value};

use crate::harness::{wait_until, Workspace};

/// How many ports the refreshes read.
const PORTS: usize = 100;

/// The slots of a mock seeded with 25 slots per site, in its order.
fn slots() -> Vec<String> {
    (0..4)
        .flat_map(|site: usize| {
            (0..25usize).map(move |n| match (site, n) {
                (0, 0) => crate::fixtures::SLOT_A.to_owned(),
                _ => format!("5107{site:04x}-0000-4000-8000-{n:012x}"),
            })
        })
        .collect()
}

/// The times (ms since the mock started) of the API requests it logged.
fn request_times(ws: &Workspace) -> Vec<u64> {
    ws.mock
        .requests()
        .iter()
        .filter_map(|r| r["at_ms"].as_u64())
        .collect()
}

/// The gaps between requests sent one after another.
fn gaps(times: &[u64]) -> Vec<u64> {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    sorted.windows(2).map(|pair| pair[1] - pair[0]).collect()
}

/// The mock's account of the quota (`GET /__mock/quota`).
fn quota(ws: &Workspace) -> Value {
    ws.mock.get("quota")
}

#[test]
fn a_full_quota_is_spent_at_once_and_a_nearly_spent_one_waits_for_the_reset_refusing_nothing() {
    let Some(tf) = crate::harness::terraform() else {
        return;
    };
    let mut ws = Workspace::new(
        tf,
        &[
            "--quota",
            "1200/20s",
            "--slots-per-site",
            "25",
            "--page-size",
            "100",
        ],
    );
    ws.set_provider("requests_per_second", None);
    let config: String = slots()
        .iter()
        .take(PORTS)
        .enumerate()
        .map(|(i, slot)| crate::fixtures::port(&format!("p{i}"), slot, ""))
        .collect();
    ws.config(&config);
    ws.apply().ok();
    assert_eq!(ws.addresses().len(), PORTS);

    // A refresh of 100 with most of the quota left: as fast as Terraform asks, not 4 a second.
    ws.mock.clear_log();
    ws.tf(&["plan", "-input=false", "-no-color"]).ok();
    let times = request_times(&ws);
    assert!(times.len() >= 50, "the refresh's requests: {}", times.len());
    let fast = gaps(&times).iter().filter(|gap| **gap < 200).count();
    assert!(
        fast * 2 >= times.len(),
        "most requests less than 200 ms apart, not paced to 4 a second: {times:?}"
    );

    // Another client leaves 40 requests of a window that resets 20 s from now.
    wait_until("the quota's window passes", Duration::from_secs(30), || {
        quota(&ws)["credentials"]
            .as_object()
            .is_some_and(|c| c.values().all(|w| w["reset_ms"] == json!(0)))
    });
    let spent = reqwest::blocking::Client::new()
        .post(format!(
            "{}/quota/spend",
            ws.mock.base_url.replace("/client/v4", "/__mock")
        ))
        .json(&json!({"requests": 1160}))
        .send()
        .expect("spend");
    assert_eq!(spent.status().as_u16(), 204);
    ws.mock.clear_log();
    let run = ws.tf(&["plan", "-input=false", "-no-color"]).ok();
    let times = request_times(&ws);
    let refused: Vec<&Value> = Vec::new();
    assert_eq!(
        quota(&ws)["refused"],
        json!(0),
        "no request refused: {}",
        run.output
    );
    assert!(
        ws.mock.requests().iter().all(|r| r["status"] != json!(429)),
        "{refused:?}"
    );
    let span = times.iter().max().unwrap_or(&0) - times.iter().min().unwrap_or(&0);
    assert!(
        span >= 15_000,
        "40 requests left for 20 s: the refresh of {PORTS} waited for the reset ({span} ms)"
    );
}

#[test]
fn without_ratelimit_fields_or_with_malformed_ones_the_pace_is_four_a_second() {
    for fields in ["none", "malformed"] {
        let Some(tf) = crate::harness::terraform() else {
            return;
        };
        let mut ws = Workspace::new(tf, &["--ratelimit-headers", fields]);
        ws.set_provider("requests_per_second", None);
        ws.config(
            "data \"cni_slots\" \"free\" {\n  occupied = false\n}\ndata \"cni_interconnects\" \"all\" {}\n\
                   data \"cni_settings\" \"this\" {}\ndata \"cni_slots\" \"ewr\" {\n  site = \"ewr01\"\n}\n",
        );
        ws.apply().ok();
        let times = request_times(&ws);
        assert!(times.len() >= 4, "{fields}: {times:?}");
        for gap in gaps(&times) {
            assert!(
                gap >= 230,
                "{fields}: two requests {gap} ms apart, faster than 4 a second: {times:?}"
            );
        }
    }
}

#[test]
fn requests_per_second_caps_even_a_full_quota() {
    let Some(tf) = crate::harness::terraform() else {
        return;
    };
    let mut ws = Workspace::new(tf, &["--quota", "1200/300s"]);
    ws.set_provider("requests_per_second", Some("2"));
    ws.config(
        "data \"cni_slots\" \"free\" {\n  occupied = false\n}\ndata \"cni_interconnects\" \"all\" {}\n\
               data \"cni_settings\" \"this\" {}\ndata \"cni_slots\" \"ewr\" {\n  site = \"ewr01\"\n}\n",
    );
    ws.apply().ok();
    let times = request_times(&ws);
    assert!(times.len() >= 4, "{times:?}");
    for gap in gaps(&times) {
        assert!(
            gap >= 480,
            "two requests {gap} ms apart, faster than the cap of 2 a second: {times:?}"
        );
    }
    let left = quota(&ws)["credentials"]
        .as_object()
        .and_then(|c| c.values().next().cloned())
        .unwrap_or_default();
    assert!(
        left["left"].as_u64().is_some_and(|l| l > 1000),
        "a full quota: {left}"
    );
}
