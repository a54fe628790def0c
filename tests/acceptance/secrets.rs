//! With TF_LOG=TRACE, the API token, the API key and the pairing key appear nowhere: not in Terraform's
//! log, the provider's stderr, diagnostics, nor the state file outside the sensitive attributes.

use cni::mock::{paths, FaultSpec};
use serde_json::{json, Value};

use crate::fixtures::{gcp, key};
use crate::harness::{Workspace, API_KEY, TOKEN};
use crate::workspace;

/// Runs `args` with TRACE logging into `log`, returning everything Terraform printed.
fn traced(ws: &Workspace, args: &[&str], log: &str) -> String {
    let output = ws
        .command(args)
        .env("TF_LOG", "TRACE")
        .env("TF_LOG_PATH", ws.path().join(log))
        .output()
        .expect("terraform");
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn assert_absent(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "a secret appears in {what}");
    }
}

/// Every place in a JSON document where `secret` occurs, as paths.
fn occurrences(value: &Value, secret: &str, path: String, found: &mut Vec<String>) {
    match value {
        Value::String(s) if s.contains(secret) => found.push(path),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                occurrences(v, secret, format!("{path}[{i}]"), found);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                occurrences(v, secret, format!("{path}.{k}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn secrets_stay_out_of_logs_diagnostics_and_state() {
    let mut ws = workspace!();
    let pairing_key = key(70);
    ws.config(&gcp("gcp", 70, ""));
    let mut printed = traced(
        &ws,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        "apply.log",
    );
    assert!(printed.contains("Apply complete!"), "{printed}");

    // A diagnostic built from an API answer that echoes the pairing key.
    let second_key = key(71);
    let echo = json!({"success": false, "errors": [{"code": 1003, "message": format!("pairing key {second_key} expired")}]});
    ws.mock
        .fault(FaultSpec::on("POST", paths::INTERCONNECTS).body(400, echo.to_string()));
    ws.config(&format!("{}{}", gcp("gcp", 70, ""), gcp("second", 71, "")));
    let failed = traced(
        &ws,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        "fail.log",
    );
    assert!(failed.contains("pairing key <redacted> expired"), "{failed}");
    printed.push_str(&failed);
    ws.config(&gcp("gcp", 70, ""));

    // The legacy key and e-mail, on a refresh.
    ws.set_provider("api_token", None);
    ws.set_provider("api_key", Some(&format!("\"{}\"", API_KEY.0)));
    ws.set_provider("email", Some(&format!("\"{}\"", API_KEY.1)));
    ws.config(&gcp("gcp", 70, ""));
    let plan = traced(&ws, &["plan", "-input=false", "-no-color"], "plan.log");
    assert!(plan.contains("No changes."), "{plan}");
    printed.push_str(&plan);

    let secrets = [TOKEN, API_KEY.0, pairing_key.as_str(), second_key.as_str()];
    assert_absent("Terraform's output and diagnostics", &printed, &secrets);
    for log in ["apply.log", "fail.log", "plan.log"] {
        let text = std::fs::read_to_string(ws.path().join(log)).expect("log");
        assert!(
            text.contains("provider.terraform-provider-cni"),
            "{log} has the provider's lines"
        );
        assert_absent(log, &text, &secrets);
    }
    let state: Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path().join("terraform.tfstate")).expect("state"))
            .expect("state json");
    let mut found = Vec::new();
    occurrences(&state, &pairing_key, String::new(), &mut found);
    assert_eq!(
        found,
        vec![".resources[0].instances[0].attributes.pairing_key"],
        "the pairing key is only in its attribute"
    );
    let mut found = Vec::new();
    occurrences(&state, TOKEN, String::new(), &mut found);
    assert!(found.is_empty(), "the token is in the state: {found:?}");
    ws.destroy_all();
}
