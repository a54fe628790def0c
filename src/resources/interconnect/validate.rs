//! Checking a configuration without calling the API; every error names its attribute. What one
//! attribute alone decides (its type, required, allowed values, checks) comes from the table; here are
//! the rules across attributes.

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::state::{attribute_table, InterconnectState};
use crate::api::models::{TYPE_DIRECT, TYPE_GCP_PARTNER};
use crate::attributes::{check_for_type, reject_computed};
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
        Some(kind @ TYPE_DIRECT) => check_for_type(diags, &attribute_table(), cfg, kind),
        Some(kind @ TYPE_GCP_PARTNER) => {
            check_for_type(diags, &attribute_table(), cfg, kind);
            check_write_only_key(cfg, diags);
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

/// `pairing_key_wo`: not beside `pairing_key`, and with a version to bump.
fn check_write_only_key(cfg: &InterconnectState, diags: &mut Diagnostics) {
    if !cfg.pairing_key_wo.is_value() {
        return;
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
