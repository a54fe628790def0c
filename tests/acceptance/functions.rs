//! Provider functions (Terraform 1.8 and later): `provider::cni::pairing_key` and
//! `provider::cni::bandwidth_mbps`, their values and their errors, which never echo a key.

use serde_json::json;

use crate::workspace;

const KEY: &str = "7e51371e-72a3-40b5-b844-2e3efefaee59/us-central1/2";

#[test]
fn functions_read_pairing_keys_and_bandwidths() {
    let ws = workspace!();
    if ws.terraform_version() < (1, 8) {
        return;
    }
    ws.config(&format!(
        "variable \"key\" {{\n  default = \"{KEY}\"\n  sensitive = true\n}}\n\
         output \"zone\" {{ value = nonsensitive(provider::cni::pairing_key(var.key).zone) }}\n\
         output \"region\" {{ value = provider::cni::pairing_key(\"{KEY}\").region }}\n\
         output \"total\" {{ value = provider::cni::bandwidth_mbps(\"1G\") + provider::cni::bandwidth_mbps(\"500m\") }}\n"
    ));
    ws.apply().ok();
    let outputs = ws.outputs();
    assert_eq!(outputs["zone"]["value"], json!(2));
    assert_eq!(outputs["region"]["value"], json!("us-central1"));
    assert_eq!(outputs["total"]["value"], json!(1500));
    assert_eq!(ws.mock.requests().len(), 0, "functions call no API");
}

#[test]
fn function_errors_say_what_is_wrong_and_never_echo_the_key() {
    let ws = workspace!();
    if ws.terraform_version() < (1, 8) {
        return;
    }
    let bad = KEY.replace("/2", "/9");
    ws.config(&format!(
        "variable \"key\" {{\n  default = \"{bad}\"\n  sensitive = true\n}}\n\
         output \"zone\" {{\n  value = provider::cni::pairing_key(var.key).zone\n  sensitive = true\n}}\n"
    ));
    let run = ws.plan().fails_with(&["must be 1 or 2"]);
    assert!(
        !run.output.contains("7e51371e"),
        "the key was echoed:\n{}",
        run.output
    );
    ws.config("output \"mbps\" { value = provider::cni::bandwidth_mbps(\"3G\") }\n");
    ws.plan().fails_with(&["unknown bandwidth", "50M, 100M, 200M"]);
}

#[test]
fn the_example_precondition_holds_a_redundant_pair_to_zones_1_and_2() {
    let ws = workspace!();
    if ws.terraform_version() < (1, 8) {
        return;
    }
    let example = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/functions/pairing_key/function.tf"),
    )
    .expect("the example");
    ws.config(&example);
    let key = |zone: u32| KEY.replace("/2", &format!("/{zone}"));
    let plan = |primary: String, secondary: String| {
        let mut command = ws.command(&["plan", "-no-color", "-input=false"]);
        command
            .env("TF_VAR_primary_pairing_key", primary)
            .env("TF_VAR_secondary_pairing_key", secondary);
        let output = command.output().expect("terraform plan");
        let text =
            String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
        (output.status.success(), text)
    };
    let (ok, text) = plan(key(1), key(2));
    assert!(ok, "{text}");
    let (ok, text) = plan(key(1), key(1));
    assert!(!ok && text.contains("zones 1 and 2 of one region"), "{text}");
    assert!(!text.contains("7e51371e"), "the key was echoed:\n{text}");
}
