//! Live safety, second line: creates whose outcomes are unknown side by side, a create proven by a
//! refusal behind a lagging listing, plans that must stay what apply does, generated configuration for
//! another account, a pairing key echoed in an error, 404s without a body, the baseline's window, the
//! create gate and a `Retry-After`, names that repeat across accounts, single-use keys. Each mock
//! switch used here shows something the real API does.

use cni::mock::{paths, FaultSpec};
use std::time::Duration;

use serde_json::{json, Value};

use crate::fixtures::{gcp, key, port, SLOT_A};
use crate::harness::{wait_until, Workspace, ACCOUNT};
use crate::workspace;

/// A second account the mock serves.
pub const ACCOUNT_B: &str = "9a7806061c88ada191ed06f989cc3dac";

/// The fingerprint the mock keeps of the key each interconnect was made with, by account and name.
pub fn made_with(ws: &Workspace) -> Vec<((String, String), Option<String>)> {
    ws.mock
        .interconnects()
        .iter()
        .map(|ic| {
            let text = |field: &str| ic[field].as_str().unwrap_or_default().to_owned();
            (
                (text("account"), text("name")),
                ic["pairing_key_fingerprint"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// Asserts that `address` holds the attachment made with pairing key `n`.
pub fn holds_its_own(ws: &Workspace, address: &str, n: u32) {
    let values = ws.values(address);
    let text = |field: &str| values[field].as_str().unwrap_or_default().to_owned();
    let name = (text("account_id"), text("name"));
    let own = cni::mock::fingerprint(&key(n));
    let made = made_with(ws);
    let found = made.iter().find(|(m, _)| *m == name);
    assert_eq!(
        found.and_then(|(_, f)| f.clone()),
        Some(own),
        "{address} holds {name:?}, not the attachment made with its own key: {made:?}"
    );
}

/// The first part of pairing key `n`, the secret one.
fn key_id(n: u32) -> String {
    key(n).split('/').next().unwrap_or_default().to_owned()
}

#[test]
fn a_redundant_pair_whose_creates_both_end_unknown_each_keeps_its_own_attachment() {
    let mut ws = workspace!();
    ws.set_provider("request_timeout", Some("\"2s\""));
    // Both baselines are taken before either POST; then the first POST is made but answered after the
    // client gave up, and the second is refused with a 502 without being made.
    ws.mock.fault(
        FaultSpec::on("GET", paths::INTERCONNECTS)
            .after()
            .times(2)
            .delay(Duration::from_millis(600)),
    );
    ws.mock.fault(
        FaultSpec::on("POST", paths::INTERCONNECTS)
            .after()
            .delay(Duration::from_millis(8000)),
    );
    ws.mock
        .fault(FaultSpec::on("POST", paths::INTERCONNECTS).status(502));
    ws.config(&format!(
        "{}{}",
        gcp("zone1", 80, "wait_for_healthy = false"),
        gcp("zone2", 81, "wait_for_healthy = false")
    ));
    ws.apply().ok().contains(&["Apply complete! Resources: 2 added"]);
    holds_its_own(&ws, "cni_interconnect.zone1", 80);
    holds_its_own(&ws, "cni_interconnect.zone2", 81);
    assert_eq!(ws.mock.interconnects().len(), 2, "nothing duplicated");
    ws.assert_no_changes();
    ws.destroy_all();
}

#[test]
fn a_create_proven_by_a_refusal_is_looked_for_until_the_lagging_listing_shows_it() {
    // The listing leaves a new port out of its first three answers.
    let ws = workspace!("--list-lag", "3");
    ws.mock
        .fault(FaultSpec::on("POST", paths::INTERCONNECTS).after().status(502));
    ws.config(&port("port", SLOT_A, ""));
    let run = ws.apply();
    assert!(
        !run.output.contains("No interconnect was created"),
        "the port exists:\n{}",
        run.output
    );
    run.ok().contains(&["Recovered from a lost create answer"]);
    let name = ws.values("cni_interconnect.port")["name"].clone();
    let in_mock: Vec<Value> = ws
        .mock
        .interconnects()
        .iter()
        .map(|ic| ic["name"].clone())
        .collect();
    assert_eq!(in_mock, vec![name], "the one port is in state");
    ws.destroy_all();
}

#[test]
fn a_create_proven_but_never_listed_names_what_exists_and_never_says_nothing_was_made() {
    let ws = workspace!("--list-lag", "1000");
    ws.mock
        .fault(FaultSpec::on("POST", paths::INTERCONNECTS).after().status(502));
    ws.config(&port("port", SLOT_A, "timeouts {\n    create = \"4s\"\n  }"));
    let run = ws
        .apply()
        .fails_with(&["the interconnect exists", SLOT_A, "terraform import"]);
    assert!(
        !run.output.contains("No interconnect was created"),
        "{}",
        run.output
    );
    assert_eq!(ws.mock.interconnects().len(), 1);
}

#[test]
fn a_key_unknown_at_plan_time_plans_the_replacement_that_apply_makes() {
    let ws = workspace!();
    if ws.terraform_version() < (1, 4) {
        return; // terraform_data
    }
    let config = |n: u32| {
        format!(
            "resource \"terraform_data\" \"k\" {{\n  input = \"{}\"\n}}\n\
             resource \"cni_interconnect\" \"gcp\" {{\n  type = \"gcp_partner\"\n  bandwidth = \"1G\"\n  \
             pairing_key = terraform_data.k.output\n  wait_for_healthy = false\n}}\n",
            key(n)
        )
    };
    ws.config(&config(90));
    ws.apply().ok();
    holds_its_own(&ws, "cni_interconnect.gcp", 90);
    ws.config(&config(91));
    ws.plan().contains(&["must be replaced"]);
    ws.apply().ok().contains(&["1 destroyed"]);
    holds_its_own(&ws, "cni_interconnect.gcp", 91);
    ws.destroy_all();
}

#[test]
fn a_different_key_by_the_write_only_route_replaces_and_the_same_key_moved_does_not() {
    let ws = workspace!();
    if ws.terraform_version() < (1, 11) {
        return; // write-only attributes
    }
    let with_key = |extra: &str| {
        format!(
            "resource \"cni_interconnect\" \"gcp\" {{\n  type = \"gcp_partner\"\n  bandwidth = \"1G\"\n  \
             wait_for_healthy = false\n  {extra}\n}}\n"
        )
    };
    ws.config(&with_key(&format!("pairing_key = \"{}\"", key(92))));
    ws.apply().ok();
    let same = format!("pairing_key_wo = \"{}\"\n  pairing_key_wo_version = 1", key(92));
    ws.config(&with_key(&same));
    let moved = ws.plan();
    assert!(!moved.output.contains("must be replaced"), "{}", moved.output);
    let other = format!("pairing_key_wo = \"{}\"\n  pairing_key_wo_version = 1", key(93));
    ws.config(&with_key(&other));
    ws.plan().contains(&["must be replaced"]);
    ws.apply().ok();
    holds_its_own(&ws, "cni_interconnect.gcp", 93);
    ws.destroy_all();
}

#[test]
fn a_query_over_another_account_generates_blocks_that_import_and_change_nothing() {
    let ws = workspace!(
        "--account",
        ACCOUNT,
        "--account",
        ACCOUNT_B,
        "--names-per-account"
    );
    if ws.terraform_version() < (1, 14) {
        return;
    }
    ws.mock.create_in(
        ACCOUNT_B,
        json!({"account": ACCOUNT_B, "type": "direct", "slot_id": SLOT_A}),
    );
    ws.mock.create_in(
        ACCOUNT_B,
        json!({"account": ACCOUNT_B, "type": "gcp_partner", "bandwidth": "2G", "pairing_key": key(94)}),
    );
    ws.config("");
    std::fs::write(
        ws.path().join("other.tfquery.hcl"),
        format!("list \"cni_interconnect\" \"b\" {{\n  provider = cni\n  config {{\n    account_id = \"{ACCOUNT_B}\"\n  }}\n}}\n"),
    )
    .expect("write the query");
    ws.tf(&["query", "-no-color", "-generate-config-out=found.tf"])
        .ok();
    let generated = std::fs::read_to_string(ws.path().join("found.tf")).expect("generated");
    assert!(generated.matches(ACCOUNT_B).count() >= 4, "{generated}");
    std::fs::remove_file(ws.path().join("other.tfquery.hcl")).expect("remove");
    ws.plan()
        .contains(&["Plan: 2 to import, 0 to add, 0 to change, 0 to destroy"]);
}

#[test]
fn an_error_that_echoes_the_pairing_key_never_shows_it() {
    let ws = workspace!();
    let id = key_id(95);
    let padding = "x".repeat(250);
    let escaped = key(95).replace('/', "\\/");
    // The key ~250 characters in, raw; then JSON-escaped in a body without an errors[] array.
    ws.mock
        .fault(FaultSpec::on("POST", paths::INTERCONNECTS).body_typed(
            400,
            format!("bad request {padding} key={} rejected", key(95)),
            "text/plain",
        ));
    ws.config(&gcp("gcp", 95, "wait_for_healthy = false"));
    let first = ws.apply();
    assert_ne!(first.code, 0);
    // Every test key starts so: no part of the key may show, however the body was cut.
    assert!(
        !first.output.contains("7e51371e-72a3"),
        "the key leaked:\n{}",
        first.output
    );
    ws.mock.fault(FaultSpec::on("POST", paths::INTERCONNECTS).body(
        400,
        format!("{{\"message\":\"pairing key {escaped} is not valid {padding}\"}}"),
    ));
    let second = ws.apply();
    assert_ne!(second.code, 0);
    assert!(
        !second.output.contains(&id) && !second.output.contains("7e51371e-72a3"),
        "the key leaked:\n{}",
        second.output
    );
    assert!(second.output.contains("<redacted>"), "{}", second.output);
}

#[test]
fn a_404_without_a_body_confirmed_by_the_listing_lets_a_deleted_interconnect_go() {
    for body in ["text", "empty"] {
        let ws = workspace!("--not-found-body", body);
        ws.config(&format!(
            "{}{}",
            port("gone", SLOT_A, ""),
            gcp("kept", 96, "wait_for_healthy = false")
        ));
        ws.apply().ok();
        let gone = ws.values("cni_interconnect.gone")["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        ws.mock.delete_out_of_band(&gone);
        // The refresh's GET answers a bare 404 and the listing lacks the name: gone, planned anew.
        ws.plan().contains(&["1 to add, 0 to change, 0 to destroy"]);
        ws.tf(&["apply", "-refresh-only", "-auto-approve", "-no-color"])
            .ok();
        assert_eq!(ws.addresses(), vec!["cni_interconnect.kept".to_owned()], "{body}");
        // A destroy of one already gone, and a delete whose wait ends on a bare 404.
        let kept = ws.values("cni_interconnect.kept")["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        ws.config(&format!(
            "{}{}",
            port("gone", SLOT_A, ""),
            gcp("kept", 96, "wait_for_healthy = false")
        ));
        ws.apply().ok();
        let again = ws.values("cni_interconnect.gone")["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        ws.mock.delete_out_of_band(&again);
        ws.tf(&["destroy", "-auto-approve", "-refresh=false", "-no-color"])
            .ok();
        assert!(ws.mock.interconnects().is_empty(), "{kept} left behind ({body})");
        assert!(ws.addresses().is_empty(), "{body}");
    }
}

#[test]
fn an_attachment_made_outside_the_run_long_after_the_baseline_is_never_adopted() {
    let mut ws = workspace!();
    // One request every 30 s: the baseline listing at once, the POST 30 s later (refused with a 502,
    // unknown outcome), the lookup 30 s after that: 60 s after the baseline.
    ws.set_provider("requests_per_second", Some("0.03"));
    ws.set_provider("max_retries", Some("0"));
    ws.mock.fault(
        FaultSpec::on("POST", paths::INTERCONNECTS)
            .body_matches(key_id(97))
            .status(502),
    );
    ws.config(&gcp(
        "gcp",
        97,
        "wait_for_healthy = false\n  timeouts {\n    create = \"3m\"\n  }",
    ));
    let apply = ws.spawn(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    wait_until("the baseline listing", Duration::from_secs(60), || {
        !ws.mock.requests_matching("GET", "/cni/interconnects$").is_empty()
    });
    let outsider = ws.mock.create_directly(json!({
        "account": ACCOUNT, "type": "gcp_partner", "bandwidth": "1G", "pairing_key": key(98)
    }));
    let run = apply.finish(Duration::from_secs(200));
    assert!(
        run.output.contains(&outsider),
        "the candidate is named:\n{}",
        run.output
    );
    assert_ne!(run.code, 0, "{}", run.output);
    assert!(ws.addresses().is_empty(), "the outsider was adopted");
}

#[test]
fn a_retry_after_never_holds_a_siblings_lookup() {
    let ws = workspace!();
    // The first attachment's POST is refused with a 429 asking for 15 s; the second's is made but its
    // answer lost, and it has 6 s to find it.
    ws.mock.fault(
        FaultSpec::on("POST", paths::INTERCONNECTS)
            .body_matches(key_id(99))
            .status_retry_after(429, 15),
    );
    ws.mock.fault(
        FaultSpec::on("POST", paths::INTERCONNECTS)
            .body_matches(key_id(100))
            .after()
            .status(500),
    );
    ws.config(&format!(
        "{}{}",
        gcp(
            "patient",
            99,
            "wait_for_healthy = false\n  timeouts {\n    create = \"1m\"\n  }"
        ),
        gcp(
            "hasty",
            100,
            "wait_for_healthy = false\n  timeouts {\n    create = \"6s\"\n  }"
        )
    ));
    ws.apply().ok();
    holds_its_own(&ws, "cni_interconnect.patient", 99);
    holds_its_own(&ws, "cni_interconnect.hasty", 100);
    ws.destroy_all();
}

#[test]
fn a_name_another_account_also_has_is_adopted_in_its_own_account() {
    let ws = workspace!(
        "--account",
        ACCOUNT,
        "--account",
        ACCOUNT_B,
        "--names-per-account"
    );
    // Both accounts get an icon-000001; the second create's answer is lost.
    ws.mock.fault(
        FaultSpec::on("POST", format!("/accounts/{ACCOUNT_B}/cni/interconnects$"))
            .after()
            .status(500),
    );
    ws.config(&format!(
        "{}{}",
        gcp("a", 101, "wait_for_healthy = false"),
        gcp(
            "b",
            102,
            &format!("wait_for_healthy = false\n  account_id = \"{ACCOUNT_B}\"\n  depends_on = [cni_interconnect.a]")
        )
    ));
    let run = ws.apply();
    assert!(
        !run.output.contains("No interconnect was created"),
        "{}",
        run.output
    );
    run.ok();
    holds_its_own(&ws, "cni_interconnect.a", 101);
    holds_its_own(&ws, "cni_interconnect.b", 102);
    assert_eq!(ws.values("cni_interconnect.b")["account_id"], ACCOUNT_B);
    ws.destroy_all();
}

#[test]
fn a_replacement_that_reuses_a_single_use_key_is_warned_of_at_plan_time() {
    let ws = workspace!("--single-use-keys");
    ws.config(&gcp("gcp", 103, "wait_for_healthy = false"));
    ws.apply().ok();
    ws.config(&gcp("gcp", 103, "wait_for_healthy = false").replace("\"1G\"", "\"2G\""));
    ws.plan().contains(&[
        "must be replaced",
        "reuses the attachment's pairing key",
        "single-use",
    ]);
    // The mock refuses the key once used, as Google does.
    ws.destroy_all();
    ws.config(&gcp("gcp", 103, "wait_for_healthy = false"));
    ws.apply().fails_with(&["already been used"]);
}

/// How many alike attachments the chaos run applies.
const CHAOS_ATTACHMENTS: u32 = 60;

#[test]
fn alike_attachments_under_random_faults_converge_each_on_its_own() {
    let mut ws = workspace!();
    // Answers 2.5 s late outlive a 2 s request: their creates' outcomes stay unknown while siblings'
    // lost answers are looked up.
    ws.set_provider("request_timeout", Some("\"2s\""));
    let config: String = (0..CHAOS_ATTACHMENTS)
        .map(|i| gcp(&format!("a{i}"), 300 + i, "wait_for_healthy = false"))
        .collect();
    ws.config(&config);
    // Seeded: the same faults are drawn in the same order on every run (which request gets which
    // depends on Terraform's scheduling).
    // CNI_CHAOS_SEED and CNI_CHAOS_RATE explore other draws.
    let from_env = |var: &str| std::env::var(var).ok().and_then(|v| v.parse::<f64>().ok());
    let seed = from_env("CNI_CHAOS_SEED").map_or(20_261_130, |s| s as u64);
    ws.mock.chaos(from_env("CNI_CHAOS_RATE").unwrap_or(0.1), seed);
    let mut errors = String::new();
    let mut applies = 0;
    let converged = loop {
        applies += 1;
        let run = ws.tf(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-parallelism=10",
        ]);
        if run.code == 0 {
            break true;
        }
        errors.push_str(&run.output);
        if applies == 4 {
            break false;
        }
    };
    ws.mock.chaos(0.0, 0);
    let faults = ws
        .mock
        .requests()
        .iter()
        .filter(|r| !r["fault"].is_null())
        .count();
    assert!(faults > 0, "chaos struck nothing");
    assert!(converged, "no apply succeeded in {applies}:\n{errors}");
    let state = ws.state();
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(resources.len(), CHAOS_ATTACHMENTS as usize);
    let made = made_with(&ws);
    for resource in &resources {
        let address = resource["address"].as_str().unwrap_or_default();
        let n: u32 = address
            .trim_start_matches("cni_interconnect.a")
            .parse()
            .unwrap_or_else(|_| panic!("{address}"));
        let held = (
            resource["values"]["account_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            resource["values"]["name"].as_str().unwrap_or_default().to_owned(),
        );
        let fingerprint = made.iter().find(|(m, _)| *m == held).and_then(|(_, f)| f.clone());
        assert_eq!(
            fingerprint,
            Some(cni::mock::fingerprint(&key(300 + n))),
            "{address} holds {held:?}, not its own attachment"
        );
    }
    let in_state: Vec<&str> = resources
        .iter()
        .filter_map(|r| r["values"]["name"].as_str())
        .collect();
    for ((_, name), _) in &made {
        assert!(
            in_state.contains(&name.as_str()) || errors.contains(name.as_str()),
            "{name} is neither in state nor named in an error"
        );
    }
    assert_eq!(
        made.len(),
        CHAOS_ATTACHMENTS as usize,
        "nothing made twice or left over"
    );
    eprintln!("chaos: converged in {applies} applies, {faults} faults struck");
    ws.assert_no_changes();
    ws.destroy_all();
}
