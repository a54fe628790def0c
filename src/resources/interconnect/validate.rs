//! Checking a configuration without calling the API; every error names its attribute.

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::state::{attribute_table, InterconnectState};
use crate::api::models::{TYPE_DIRECT, TYPE_GCP_PARTNER};
use crate::api::Bandwidth;
use crate::attributes::{reject_computed, reject_other_types};
use crate::diag;
use crate::shared::{check_account_id, check_duration};

/// Checks a configuration without calling the API; every error names its attribute.
pub fn validate_config(cfg: &InterconnectState, diags: &mut Diagnostics) {
    reject_computed(diags, &attribute_table(), cfg);
    check_account_id(diags, &cfg.account_id);
    if let Value::Value(timeouts) = &cfg.timeouts {
        check_duration(
            diags,
            &timeouts.create,
            AttributePath::new("timeouts").attribute("create"),
        );
        check_duration(
            diags,
            &timeouts.delete,
            AttributePath::new("timeouts").attribute("delete"),
        );
    }
    match cfg.kind.as_ref_option().map(String::as_str) {
        Some(kind @ TYPE_DIRECT) => {
            validate_direct(cfg, diags);
            reject_other_types(diags, &attribute_table(), cfg, kind);
        }
        Some(kind @ TYPE_GCP_PARTNER) => {
            validate_gcp_partner(cfg, diags);
            reject_other_types(diags, &attribute_table(), cfg, kind);
        }
        Some(other) => diag::error(
            diags,
            "Invalid interconnect type",
            format!("type must be \"direct\" or \"gcp_partner\", not {other:?}."),
            diag::attr("type"),
        ),
        None => {}
    }
}

fn validate_direct(cfg: &InterconnectState, diags: &mut Diagnostics) {
    match &cfg.slot_id {
        Value::Null => required_for(
            diags,
            "slot_id",
            TYPE_DIRECT,
            "the UUID of a free slot (see the cni_slots data source)",
        ),
        Value::Value(slot) if uuid::Uuid::parse_str(slot).is_err() => diag::error(
            diags,
            "Invalid slot_id",
            format!("slot_id must be a UUID such as 182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e, not {slot:?}."),
            diag::attr("slot_id"),
        ),
        _ => {}
    }
    if let Value::Value(speed) = &cfg.speed {
        if speed.trim().is_empty() {
            diag::error(
                diags,
                "Invalid speed",
                "speed must not be empty; omit it to use the slot's.",
                diag::attr("speed"),
            );
        }
    }
}

fn validate_gcp_partner(cfg: &InterconnectState, diags: &mut Diagnostics) {
    match &cfg.bandwidth {
        Value::Null => required_for(
            diags,
            "bandwidth",
            TYPE_GCP_PARTNER,
            &format!("one of {}", Bandwidth::listed()),
        ),
        Value::Value(b) => {
            if let Err(e) = b.parse::<Bandwidth>() {
                diag::error(
                    diags,
                    "Invalid bandwidth",
                    format!("{e}."),
                    diag::attr("bandwidth"),
                );
            }
        }
        Value::Unknown => {}
    }
    validate_write_only_key(cfg, diags);
    // The pairing key is needed only to create: plan_new asks for it, so that an imported or existing
    // attachment plans without one.
    match &cfg.pairing_key {
        Value::Value(k) if k.trim().is_empty() => diag::error(
            diags,
            "Invalid pairing_key",
            "pairing_key must not be empty.",
            diag::attr("pairing_key"),
        ),
        _ => {}
    }
}

pub(super) fn required_for(diags: &mut Diagnostics, name: &'static str, kind: &str, what: &str) {
    diag::error(
        diags,
        "Missing required attribute",
        format!("{name} is required when type = {kind:?}: {what}."),
        diag::attr(name),
    );
}

/// `pairing_key_wo`: not empty, not beside `pairing_key`, and with a version to bump.
fn validate_write_only_key(cfg: &InterconnectState, diags: &mut Diagnostics) {
    let Value::Value(key) = &cfg.pairing_key_wo else {
        return;
    };
    if key.trim().is_empty() {
        diag::error(
            diags,
            "Invalid pairing_key_wo",
            "pairing_key_wo must not be empty.",
            diag::attr("pairing_key_wo"),
        );
    }
    if cfg.pairing_key.is_value() {
        diag::error(
            diags,
            "Conflicting pairing keys",
            "Set either pairing_key or pairing_key_wo, not both.",
            diag::attr("pairing_key_wo"),
        );
    }
    if cfg.pairing_key_wo_version.is_null() {
        diag::error(
            diags,
            "Missing pairing_key_wo_version",
            "pairing_key_wo_version is required with pairing_key_wo: Terraform never stores the key, so changing the version is how a new key is sent (it creates the attachment anew).",
            diag::attr("pairing_key_wo_version"),
        );
    }
}
