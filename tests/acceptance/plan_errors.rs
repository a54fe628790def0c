//! Bad input fails at plan time, on the attribute, without any call that changes anything.

use crate::fixtures::{key, SLOT_A};
use crate::workspace;

fn resource(body: &str) -> String {
    format!("resource \"cni_interconnect\" \"x\" {{\n{body}\n}}\n")
}

#[test]
fn every_bad_input_fails_at_plan_with_its_attribute_and_no_api_call() {
    let ws = workspace!();
    let gcp = |extra: &str| {
        format!(
            "  type = \"gcp_partner\"\n  bandwidth = \"1G\"\n  pairing_key = \"{}\"\n{extra}",
            key(40)
        )
    };
    let direct = |extra: &str| format!("  type = \"direct\"\n  slot_id = \"{SLOT_A}\"\n{extra}");
    let cases: Vec<(String, &str, &str)> = vec![
        (
            "  type = \"aws_direct_connect\"".into(),
            "type must be \"direct\" or \"gcp_partner\"",
            "type =",
        ),
        (
            direct("  pairing_key = \"k\""),
            "pairing_key applies only to type = \"gcp_partner\"",
            "pairing_key",
        ),
        (
            direct("  bandwidth = \"1G\""),
            "bandwidth applies only to type = \"gcp_partner\"",
            "bandwidth",
        ),
        (
            gcp(&format!("  slot_id = \"{SLOT_A}\"")),
            "slot_id applies only to type = \"direct\"",
            "slot_id",
        ),
        (
            gcp("  speed = \"10G\""),
            "speed can be set only for type = \"direct\"",
            "speed",
        ),
        (
            "  type = \"direct\"".into(),
            "slot_id is required when type = \"direct\"",
            "type =",
        ),
        (
            "  type = \"gcp_partner\"\n  bandwidth = \"1G\"".into(),
            "pairing_key is required when type = \"gcp_partner\"",
            "type =",
        ),
        (
            format!("  type = \"gcp_partner\"\n  pairing_key = \"{}\"", key(40)),
            "bandwidth is required",
            "type =",
        ),
        (
            "  type = \"direct\"\n  slot_id = \"slot-7\"".into(),
            "slot_id must be a UUID",
            "slot_id",
        ),
        (
            gcp("").replace("\"1G\"", "\"3G\""),
            "unknown bandwidth \"3G\"",
            "bandwidth",
        ),
        (
            gcp("  timeouts {\n    create = \"half an hour\"\n  }"),
            "is not a duration",
            "create",
        ),
        (
            gcp("  status = \"Healthy\""),
            "`status` is computed by the provider and cannot be set",
            "status",
        ),
        (
            direct("  name = \"mine\""),
            "`name` is computed by the provider and cannot be set",
            "name",
        ),
        (
            direct("  region = \"us-east1\""),
            "`region` is computed",
            "region",
        ),
    ];
    for (body, message, line) in cases {
        ws.config(&resource(&body));
        let plan = ws.plan().fails_with(&[message]);
        // Terraform quotes the offending line of main.tf under the error when the diagnostic has a path.
        let quoted = plan
            .output
            .lines()
            .any(|l| l.contains(" in resource \"cni_interconnect\" \"x\":"))
            && plan.output.lines().any(|l| l.contains(line));
        assert!(quoted, "the error does not point at {line:?}:\n{}", plan.output);
    }
    assert_eq!(ws.mock.creates(), 0, "no create was sent");
    assert_eq!(
        ws.mock.requests().len(),
        0,
        "plan-time validation made no API call at all"
    );
}

#[test]
fn provider_misconfiguration_is_a_clear_configure_time_error() {
    let ws = workspace!();
    let body = "data \"cni_slots\" \"all\" {}\n";
    let cases: Vec<(&str, Option<&str>, Vec<&str>)> = vec![
        (
            "api_token",
            None,
            vec!["Missing credentials", "CLOUDFLARE_API_TOKEN"],
        ),
        ("api_key", Some("\"k\""), vec!["Ambiguous credentials"]),
        (
            "base_url",
            Some("\"http://192.0.2.10/client/v4\""),
            vec!["Invalid base_url", "not loopback"],
        ),
        (
            "poll_interval",
            Some("\"often\""),
            vec!["Invalid duration", "often"],
        ),
        (
            "max_retries",
            Some("99"),
            vec!["max_retries must be a whole number between 0 and 20"],
        ),
        (
            "requests_per_second",
            Some("0"),
            vec!["requests per second must be a number from 0.001"],
        ),
    ];
    for (key, value, needles) in cases {
        let mut ws = crate::harness::Workspace::new(crate::harness::terraform().expect("on"), &[]);
        ws.set_provider(key, value);
        ws.config(body);
        ws.plan().fails_with(&needles);
        assert_eq!(ws.mock.requests().len(), 0, "{key}: no API call");
    }
    let mut wrong = ws;
    wrong.set_provider("api_token", Some("\"wrong-token\""));
    wrong.config(body);
    wrong.plan().fails_with(&[
        "HTTP 403",
        "Authentication error",
        "Check the provider's credentials",
    ]);
    assert!(
        !wrong.plan().output.contains("wrong-token"),
        "the token is not repeated"
    );
}

#[test]
fn diagnostics_carry_no_rust_backtrace_even_with_rust_backtrace_set() {
    let ws = workspace!();
    ws.config(&resource("  type = \"direct\"\n  slot_id = \"slot-7\""));
    let runs = [
        ws.command(&["plan", "-no-color"])
            .env("RUST_BACKTRACE", "full")
            .output()
            .expect("plan"),
        ws.command(&["import", "-no-color", "cni_interconnect.x", "a/b/c"])
            .env("RUST_BACKTRACE", "1")
            .output()
            .expect("import"),
    ];
    for run in runs {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(!run.status.success());
        assert!(text.contains("Error:"), "{text}");
        for frame in ["tf_provider::", "backtrace", "rust_begin_unwind", "   0: "] {
            assert!(
                !text.contains(frame),
                "a backtrace reached the user ({frame}):\n{text}"
            );
        }
    }
}

#[test]
fn no_account_name_or_id_can_reach_a_wrong_url() {
    let mut ws = workspace!();
    // A dot segment the URL parser would drop, as the provider's account: refused before any request.
    ws.set_provider("account_id", Some("\"..\""));
    ws.config("data \"cni_interconnects\" \"all\" {}\n");
    ws.mock.clear_log();
    ws.plan()
        .fails_with(&["Invalid account_id", "which is not an account ID"]);
    ws.set_provider("account_id", None);
    ws.config("data \"cni_interconnects\" \"all\" {}\n");
    let mut from_env = ws.command(&["plan", "-input=false", "-no-color"]);
    from_env.env("CLOUDFLARE_ACCOUNT_ID", "..");
    crate::harness::Background::start(from_env)
        .finish(crate::harness::COMMAND_LIMIT)
        .fails_with(&["CLOUDFLARE_ACCOUNT_ID is \"..\", which is not an account ID"]);
    ws.set_provider("account_id", Some(&format!("\"{}\"", crate::harness::ACCOUNT)));
    for data in [
        "data \"cni_interconnect\" \"x\" {\n  name = \"..\"\n}\n",
        "data \"cni_interconnect_loa\" \"x\" {\n  name = \".\"\n}\n",
    ] {
        ws.config(data);
        ws.plan()
            .fails_with(&["Invalid name", "is not an interconnect name"]);
    }
    ws.config("resource \"cni_interconnect\" \"x\" {\n  type = \"direct\"\n  slot_id = \"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e\"\n}\n");
    let account = crate::harness::ACCOUNT;
    for id in [format!("{account}/.."), "acct/icon-000001".to_owned()] {
        ws.tf(&["import", "-input=false", "-no-color", "cni_interconnect.x", &id])
            .fails_with(&["Invalid import ID"]);
    }
    assert!(ws.mock.requests().is_empty(), "{:?}", ws.mock.requests());
}
