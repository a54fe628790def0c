//! `examples/workflow`: a free slot, a direct port, its LOA written to a file, and the connection with
//! its BGP session held back until the port is Healthy, applied against cni-mock (Terraform 1.5 and
//! later: `terraform_data`, `check`).

use serde_json::json;

use crate::harness::{ACCOUNT, TOKEN};
use crate::workspace;

#[test]
fn the_workflow_example_applies_writes_the_loa_and_waits_for_the_cross_connect() {
    let ws = workspace!();
    if ws.terraform_version() < (1, 5) {
        return;
    }
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/workflow/main.tf");
    std::fs::copy(example, ws.path().join("main.tf")).expect("copy the example");
    let env = [
        ("CLOUDFLARE_API_TOKEN", TOKEN.to_owned()),
        ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT.to_owned()),
        ("CLOUDFLARE_BASE_URL", ws.mock.base_url.clone()),
    ];
    let run = |args: &[&str]| {
        let mut command = ws.command(args);
        for (k, v) in &env {
            command.env(k, v);
        }
        let output = command.output().expect("terraform");
        let text =
            String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
        (output.status.success(), text)
    };
    let terraform = |args: &[&str]| {
        let (ok, text) = run(args);
        assert!(ok, "terraform {args:?}:\n{text}");
        text
    };
    let first = terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    assert!(
        first.contains("order the cross-connect with the LOA"),
        "the check says the link is down:\n{first}"
    );
    let outputs: serde_json::Value = serde_json::from_str(&terraform(&["output", "-json"])).expect("outputs");
    let port = outputs["port"]["value"].as_str().expect("a port").to_owned();
    assert_eq!(outputs["link"]["value"], json!("Pending"));
    let loa = std::fs::read(ws.path().join(format!("loa-{port}.pdf"))).expect("the LOA file");
    assert!(loa.starts_with(b"%PDF"), "a PDF");
    assert!(
        !terraform(&["state", "list"]).contains("cni_connection"),
        "held back"
    );

    // Said to be installed while the port is still Pending: the gate holds.
    let (ok, early) = run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var",
        "cross_connect_installed=true",
    ]);
    assert!(!ok && early.contains("not Healthy yet"), "{early}");

    // The cross-connect is installed: the port comes up, and the next apply makes the connection.
    ws.mock.set_status(&port, json!({"state": "Healthy"}));
    terraform(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var",
        "cross_connect_installed=true",
        "-var",
        "bgp_md5_key=md5-s3cret",
    ]);
    assert!(terraform(&["state", "list"]).contains("cni_connection.edge[0]"));
    let connections = ws.mock.cnis();
    assert_eq!(connections.len(), 1, "{connections:?}");
    assert_eq!(connections[0]["interconnect"], json!(port));
    assert_eq!(connections[0]["bgp"]["customer_asn"], json!(65001));
    assert_eq!(connections[0]["bgp"]["md5_key"], json!("md5-s3cret"));
    assert_eq!(connections[0]["bgp_mode"], json!("dynamic_route_exchange"));
    let outputs: serde_json::Value = serde_json::from_str(&terraform(&["output", "-json"])).expect("outputs");
    assert_eq!(outputs["customer_address"]["value"], connections[0]["cust_ip"]);
    terraform(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var",
        "cross_connect_installed=true",
        "-var",
        "bgp_md5_key=md5-s3cret",
    ]);
    assert!(ws.mock.cnis().is_empty());
    assert!(ws.mock.interconnects().is_empty());
}
