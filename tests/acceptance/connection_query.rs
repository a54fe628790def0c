//! `terraform query` over connections (Terraform 1.14 and later): the list resource `cni_connection`
//! finds every connection across pages, filtered by interconnect and slot, and `-generate-config-out`
//! writes configuration that imports them with nothing to add, change or destroy — the MD5 key never
//! written (`null # sensitive`: the plan shows its removal until the user fills it in).

use serde_json::json;

use crate::fixtures::{SLOT_A, SLOT_B};
use crate::harness::ACCOUNT;
use crate::workspace;

#[test]
fn terraform_query_finds_connections_and_generates_configuration_to_adopt_them() {
    let ws = workspace!("--page-size", "2");
    if ws.terraform_version() < (1, 14) {
        return;
    }
    let ports: Vec<String> = [SLOT_A, SLOT_B]
        .into_iter()
        .map(|slot| {
            ws.mock
                .create_directly(json!({"account": ACCOUNT, "type": "direct", "slot_id": slot}))
        })
        .collect();
    for (n, port) in ports.iter().chain(ports.iter()).chain([&ports[0]]).enumerate() {
        ws.mock.seed_cni(json!({"account": ACCOUNT, "interconnect": port,
            "magic": {"conduit_name": format!("edge-{n}"), "description": "seeded", "mtu": 1500},
            "bgp": {"customer_asn": 65000 + n, "extra_prefixes": ["203.0.113.0/24"]}}));
    }
    ws.mock
        .seed_cni(json!({"account": ACCOUNT, "interconnect": ports[1],
        "magic": {"conduit_name": "keyed", "description": "", "mtu": 1500},
        "bgp": {"customer_asn": 65100, "extra_prefixes": [], "md5_key": "md5-s3cret"}}));
    ws.config("");
    std::fs::write(
        ws.path().join("discover.tfquery.hcl"),
        format!(
            "list \"cni_connection\" \"all\" {{\n  provider = cni\n}}\n\n\
             list \"cni_connection\" \"first\" {{\n  provider = cni\n  config {{\n    interconnect = \"{}\"\n  }}\n}}\n\n\
             list \"cni_connection\" \"in_slot_b\" {{\n  provider = cni\n  config {{\n    slot = \"{SLOT_B}\"\n  }}\n}}\n",
            ports[0]
        ),
    )
    .expect("write the query");
    let found = ws.tf(&["query", "-no-color"]).ok().output;
    assert!(!found.contains("md5-s3cret"), "{found}");
    for n in 0..5 {
        assert!(
            found.contains(&format!("edge-{n} (")),
            "edge-{n} not found:\n{found}"
        );
    }
    assert!(
        found.contains(&format!("keyed ({})", ports[1])),
        "display names:\n{found}"
    );
    let lines_of = |list: &str| found.lines().filter(|l| l.contains(&format!(".{list} "))).count();
    assert_eq!(lines_of("all"), 6, "{found}");
    assert_eq!(lines_of("first"), 3, "on the first port:\n{found}");
    assert_eq!(lines_of("in_slot_b"), 3, "in slot B:\n{found}");

    std::fs::remove_file(ws.path().join("discover.tfquery.hcl")).expect("remove");
    std::fs::write(
        ws.path().join("adopt.tfquery.hcl"),
        "list \"cni_connection\" \"all\" {\n  provider = cni\n}\n",
    )
    .expect("write the query");
    ws.tf(&["query", "-no-color", "-generate-config-out=found.tf"])
        .ok();
    let generated = std::fs::read_to_string(ws.path().join("found.tf")).expect("generated configuration");
    assert_eq!(generated.matches("import {").count(), 6, "{generated}");
    assert!(!generated.contains("md5-s3cret"), "{generated}");
    for absent in ["p2p_ip = \"", "cust_ip = \"", "id = \"100"] {
        assert!(!generated.contains(absent), "{absent} in:\n{generated}");
    }
    std::fs::remove_file(ws.path().join("adopt.tfquery.hcl")).expect("remove");

    // Until its key is filled in, the keyed connection plans the key's removal, in place and visibly.
    ws.plan().contains(&[
        "Plan: 6 to import, 0 to add, 1 to change, 0 to destroy",
        "md5_key        = (sensitive value) -> null",
    ]);
    let filled: Vec<String> = generated
        .split("\n\n")
        .map(|block| match block.contains("conduit_name = \"keyed\"") {
            // `bgp.md5_key`, not the write-only `md5_key_wo` Terraform also writes as `null # sensitive`.
            true => block
                .lines()
                .map(|line| match line.trim_start().starts_with("md5_key ") {
                    true => line.replace("null # sensitive", "\"md5-s3cret\""),
                    false => line.to_owned(),
                })
                .collect::<Vec<_>>()
                .join("\n"),
            false => block.to_owned(),
        })
        .collect();
    std::fs::write(ws.path().join("found.tf"), filled.join("\n\n")).expect("fill the key in");
    ws.plan()
        .contains(&["Plan: 6 to import, 0 to add, 0 to change, 0 to destroy"]);
    ws.apply().ok();
    assert_eq!(ws.addresses().len(), 6);
    ws.assert_no_changes();
    assert!(ws.addresses().iter().all(|a| a.starts_with("cni_connection.")));
    ws.tf(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .ok();
    assert!(ws.mock.cnis().is_empty());
}
