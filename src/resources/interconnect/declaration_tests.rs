//! Unit tests of what derives from the attribute table: the field of every attribute, the
//! computed-unknown marking, misplaced attributes, the generated configuration.
use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::state::BLOCKS;
use super::tests::{applied, direct, error_paths, gcp, v, SLOT};
use super::*;

/// The top-level keys of a generated configuration, sorted.
fn keys(config: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = config
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

#[test]
fn generated_config_names_the_account_only_when_it_is_not_the_providers() {
    let stored = serde_json::json!({"type": "gcp_partner", "bandwidth": "1G", "account_id": "acc-b", "name": "icon-1"});
    let other = generated_config(stored.clone(), &v("acc-a"));
    assert_eq!(other["account_id"], "acc-b");
    let same = generated_config(stored.clone(), &v("acc-b"));
    assert!(same.get("account_id").is_none(), "{same}");
    let unset = generated_config(stored, &Value::Null);
    assert_eq!(
        unset["account_id"], "acc-b",
        "no provider account: the block must say it"
    );
}

#[test]
fn every_declared_attribute_and_block_reaches_its_field() {
    use crate::attributes::Fields;
    let mut state = InterconnectState::default();
    for name in attribute_table().iter().map(|a| a.name).chain(BLOCKS) {
        assert!(state.field_mut(name).is_some(), "{name} has no mapping line");
    }
    assert!(state.field_mut("no_such_attribute").is_none());
}

#[test]
fn the_computed_attributes_the_table_declares_and_only_they_become_unknown() {
    let mut planned = applied(gcp());
    planned.mark_computed_unknown();
    let values = crate::attributes::values_of(&planned);
    for attr in attribute_table() {
        let unknown = crate::attributes::string_value(&values, attr.name) == Value::Unknown
            || attr.name == "facility" && planned.facility == Value::Unknown;
        assert_eq!(
            unknown,
            attr.role == crate::attributes::Role::Computed,
            "{}",
            attr.name
        );
    }
}

#[test]
fn generated_config_holds_what_the_table_marks_for_the_objects_type() {
    let port = serde_json::json!({"type": "direct", "slot_id": SLOT, "speed": "10G", "bandwidth": null,
        "account_id": "acc", "name": "icon-1", "site": "ord01", "status": "Healthy", "wait_for_healthy": false});
    let config = generated_config(port, &v("acc"));
    assert_eq!(keys(&config), ["slot_id", "speed", "timeouts", "type"]);
    let attachment = serde_json::json!({"type": "gcp_partner", "bandwidth": "1G", "speed": "1G",
        "pairing_key": "k", "account_id": "acc", "region": "us-east4"});
    let config = generated_config(attachment, &v("acc"));
    let mut keys: Vec<&str> = config
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort();
    assert_eq!(
        keys,
        ["bandwidth", "timeouts", "type"],
        "no speed read back, and never a key"
    );
}

#[test]
fn an_attribute_of_the_other_type_is_refused_by_its_declaration() {
    let mut port = direct();
    port.bandwidth = v("1G");
    port.pairing_key_wo = v("k");
    assert_eq!(error_paths(&port), ["bandwidth", "pairing_key_wo"]);
    let mut attachment = gcp();
    attachment.speed = v("10G");
    let mut diags = Diagnostics::default();
    validate_config(&attachment, &mut diags);
    assert_eq!(diags.errors.len(), 1);
    assert_eq!(diags.errors[0].summary, "Attribute not allowed for gcp_partner");
    assert!(diags.errors[0].detail.contains("speed is read back from the API"));
}

fn errors(cfg: &InterconnectState) -> Vec<(String, String)> {
    let mut diags = Diagnostics::default();
    validate_config(cfg, &mut diags);
    diags
        .errors
        .into_iter()
        .map(|e| (e.summary.into_owned(), e.detail.into_owned()))
        .collect()
}

#[test]
fn one_attribute_alone_is_checked_from_its_declaration() {
    let names = crate::api::Bandwidth::listed();
    let mut attachment = gcp();
    attachment.bandwidth = v("3G");
    assert_eq!(
        errors(&attachment),
        [(
            "Invalid bandwidth".to_owned(),
            format!("unknown bandwidth \"3G\": expected one of {names}.")
        )]
    );
    attachment.bandwidth = v("1g");
    assert_eq!(errors(&attachment), [], "case aside");
    attachment.bandwidth = Value::Null;
    assert_eq!(
        errors(&attachment),
        [(
            "Missing required attribute".to_owned(),
            format!("bandwidth is required when type = \"gcp_partner\": one of {names}.")
        )]
    );
    attachment.bandwidth = Value::Unknown;
    assert_eq!(errors(&attachment), [], "not known yet: neither set nor checked");

    let mut port = direct();
    port.slot_id = v("slot-1");
    assert_eq!(error_paths(&port), ["slot_id"]);
    port.slot_id = Value::Null;
    port.speed = v(" ");
    let found = errors(&port);
    assert!(found[0].1.contains("see the cni_slots data source"), "{found:?}");
    assert_eq!(found[1].1, "speed must not be empty; omit it to use the slot's.");
}
