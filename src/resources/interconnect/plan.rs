//! Planning: a new interconnect's defaults and unknowns, and which changes replace an existing one.

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::validate::required_for;
use super::{attribute_table, InterconnectState, TYPE_GCP_PARTNER};
use crate::attributes::replacements;
use crate::diag;
use crate::tf_types::effective_account;

/// `wait_for_healthy` when not configured: true for `gcp_partner`, false for `direct`.
pub fn default_wait(kind: &Value<String>) -> Value<bool> {
    match kind {
        Value::Value(k) => Value::Value(k == TYPE_GCP_PARTNER),
        _ => Value::Unknown,
    }
}

/// The plan of a new interconnect: account resolved, defaults applied, computed values unknown.
pub fn plan_new(
    mut planned: InterconnectState,
    provider_account: &Value<String>,
    diags: &mut Diagnostics,
) -> InterconnectState {
    planned.account_id = effective_account(&planned.account_id, provider_account);
    if planned.account_id.is_null() {
        missing_account(diags);
    }
    let is_gcp = planned
        .kind
        .as_ref_option()
        .is_some_and(|k| k == TYPE_GCP_PARTNER);
    if is_gcp && planned.pairing_key.is_null() && planned.pairing_key_wo.is_null() {
        required_for(
            diags,
            "pairing_key",
            TYPE_GCP_PARTNER,
            "the pairing key of the GCP VLAN attachment (or pairing_key_wo on Terraform 1.11 and later), needed to create one (an imported attachment needs none)",
        );
    }
    planned.pairing_key_wo = Value::Null;
    if planned.wait_for_healthy.is_null() {
        planned.wait_for_healthy = default_wait(&planned.kind);
    }
    if planned.speed.is_null() {
        planned.speed = Value::Unknown;
    }
    planned.mark_computed_unknown();
    planned.timeouts = Value::Value(planned.timeouts.as_ref_option().cloned().unwrap_or_default());
    planned
}

fn missing_account(diags: &mut Diagnostics) {
    diag::error(
        diags,
        "Missing account_id",
        "Set account_id on the resource, or account_id in the provider block (or CLOUDFLARE_ACCOUNT_ID).",
        diag::attr("account_id"),
    );
}

/// The plan of a change to an existing interconnect, and the attributes whose change forces a new one.
///
/// Only a real change of what the API holds replaces: a value the API did not report (null in state
/// after an import) is adopted from the configuration in place, UUIDs and speeds compare without
/// regard to case, and a pairing key (needed only to create) may be added or dropped in place.
pub fn plan_change(
    prior: &InterconnectState,
    mut planned: InterconnectState,
    config: &InterconnectState,
    provider_account: &Value<String>,
) -> (InterconnectState, Vec<AttributePath>) {
    planned.account_id = match effective_account(&config.account_id, provider_account) {
        // The provider's account is not known yet (its configuration waits on other values): nothing
        // says it changes, so the interconnect keeps its own.
        Value::Unknown if config.account_id.is_null() => prior.account_id.clone(),
        Value::Null => planned.account_id,
        account => account,
    };
    if config.speed.is_null() {
        planned.speed = prior.speed.clone();
    }
    planned.pairing_key_wo = Value::Null;
    let replace = replacements(&attribute_table(), prior, &planned, config);
    if config.wait_for_healthy.is_null() {
        planned.wait_for_healthy = default_wait(&planned.kind);
    }
    if !replace.is_empty() {
        planned.mark_computed_unknown();
        if config.speed.is_null() {
            planned.speed = Value::Unknown;
        }
    }
    (planned, replace)
}
