//! The provider block: environment fallback per attribute, and configurations that are not known
//! until apply.

use serde_json::json;

use crate::fixtures::{gcp, port, SLOT_A, SLOT_B};
use crate::harness::{ACCOUNT, API_KEY, TOKEN};
use crate::workspace;

#[test]
fn each_provider_attribute_falls_back_to_its_own_environment_variable() {
    let mut ws = workspace!();
    ws.set_provider("api_token", None);
    ws.set_provider("api_key", Some(&format!("\"{}\"", API_KEY.0)));
    ws.config("data \"cni_slots\" \"all\" {}\n");
    // api_key in HCL and CLOUDFLARE_EMAIL in the environment work together.
    let run = ws
        .command(&["plan", "-no-color"])
        .env("CLOUDFLARE_EMAIL", API_KEY.1)
        .output()
        .expect("plan");
    let text = String::from_utf8_lossy(&run.stdout).to_string() + &String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{text}");

    // A stray CLOUDFLARE_EMAIL beside a token from the environment is not "ambiguous".
    ws.set_provider("api_key", None);
    ws.set_provider("base_url", None);
    ws.set_provider("account_id", None);
    ws.config("data \"cni_slots\" \"all\" {}\n");
    let run = ws
        .command(&["plan", "-no-color"])
        .env("CLOUDFLARE_API_TOKEN", TOKEN)
        .env("CLOUDFLARE_EMAIL", "someone@example.com")
        .env("CLOUDFLARE_BASE_URL", &ws.mock.base_url)
        .env("CLOUDFLARE_ACCOUNT_ID", ACCOUNT)
        .output()
        .expect("plan");
    let text = String::from_utf8_lossy(&run.stdout).to_string() + &String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{text}");
    assert!(!ws.mock.requests_matching("GET", "/cni/slots$").is_empty());
}

#[test]
fn a_provider_account_known_only_after_apply_defers_the_api() {
    let ws = workspace!();
    let settings = ws
        .provider_settings()
        .replace(&format!("account_id = \"{ACCOUNT}\""), "");
    // The account is computed from an interconnect's name: unknown until that interconnect exists.
    ws.config(&format!(
        "{}\nprovider \"cni\" {{\n  alias = \"later\"\n  {settings}\n  account_id = substr(\"{ACCOUNT}${{cni_interconnect.first.id}}\", 0, 32)\n}}\n\
         resource \"cni_interconnect\" \"second\" {{\n  provider = cni.later\n  type = \"direct\"\n  slot_id = \"{SLOT_B}\"\n}}\n",
        gcp("first", 9, "wait_for_healthy = false")
    ));
    let mut plan = ws.command(&["plan", "-no-color"]);
    plan.env("TF_LOG_PROVIDER", "INFO");
    let run = crate::harness::Background::start(plan).finish(crate::harness::COMMAND_LIMIT);
    run.contains(&["Plan: 2 to add", "API calls are deferred"]);
    ws.apply().ok();
    assert_eq!(ws.values("cni_interconnect.second")["account_id"], json!(ACCOUNT));
    ws.assert_no_changes();
    ws.destroy_all();
}

#[test]
fn an_unrelated_unknown_provider_attribute_replaces_nothing() {
    let ws = workspace!();
    let settings = ws.provider_settings().replace("poll_interval = \"100ms\"", "");
    ws.config(&format!(
        "{}\nprovider \"cni\" {{\n  alias = \"later\"\n  {settings}\n  poll_interval = cni_interconnect.first.id != \"\" ? \"100ms\" : \"1s\"\n}}\n\
         {}",
        gcp("first", 10, "wait_for_healthy = false"),
        port("second", SLOT_A, "provider = cni.later")
    ));
    ws.apply().ok();
    let second = ws.values("cni_interconnect.second")["name"].clone();
    // Replacing `first` makes the alias's poll_interval unknown during the plan.
    ws.tf(&["taint", "-no-color", "cni_interconnect.first"]).ok();
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output);
    let plan = plan.contains(&["Plan: 1 to add, 0 to change, 1 to destroy"]);
    assert!(
        !plan.output.contains("cni_interconnect.second must be replaced"),
        "{}",
        plan.output
    );
    ws.apply().ok();
    assert_eq!(
        ws.values("cni_interconnect.second")["name"],
        second,
        "the port is the same one"
    );
    ws.destroy_all();
}
