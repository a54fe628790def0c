//! Planning: a new interconnect's defaults and unknowns, and which changes replace an existing one.

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::state::{attribute_table, default_wait, key_digest, InterconnectState};
use crate::api::models::TYPE_GCP_PARTNER;
use crate::attributes::{missing_for_type, replacements, string_value, values_of};
use crate::diag;
use crate::shared::{account_on_change, effective_account, missing_account};

/// The plan of a new interconnect: account resolved, defaults applied, computed values unknown.
pub fn plan_new(
    mut planned: InterconnectState,
    provider_account: &Value<String>,
    diags: &mut Diagnostics,
) -> InterconnectState {
    planned.account_id = effective_account(&planned.account_id, provider_account);
    if planned.account_id.is_null() {
        missing_account(diags, "on the resource");
    }
    let is_gcp = planned
        .kind
        .as_ref_option()
        .is_some_and(|k| k == TYPE_GCP_PARTNER);
    if is_gcp && planned.pairing_key.is_null() && planned.pairing_key_wo.is_null() {
        missing_for_type(
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
    planned.account_id = account_on_change(&config.account_id, &prior.account_id, provider_account);
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

/// The pairing key the configuration gives, by either argument, when it is known.
pub fn configured_key(config: &InterconnectState) -> Option<&str> {
    match (&config.pairing_key_wo, &config.pairing_key) {
        (Value::Value(key), _) | (_, Value::Value(key)) => Some(key.as_str()),
        _ => None,
    }
}

/// What the key the configuration gives says about an existing attachment.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyVerdict {
    /// The same key (or no key, or nothing known to compare with).
    Same,
    /// Nothing can be told: no key known for the attachment, or none configured.
    Untold,
    /// A different key, or one not known at plan time: the attachment is created anew. The path is an
    /// attribute whose planned value differs from the state's, as Terraform requires of a replacement.
    Replace(AttributePath),
    /// A different write-only key with the same version: nothing in the plan can show the change.
    NeedsVersionBump,
}

/// Compares the key the configuration gives — through `pairing_key` or `pairing_key_wo`, whichever —
/// with the one the attachment was made with (`known_key`, a digest from private state).
pub fn pairing_key_verdict(
    prior: &InterconnectState,
    planned: &InterconnectState,
    config: &InterconnectState,
    known_key: Option<&str>,
) -> KeyVerdict {
    let Some(known_key) = known_key else {
        return KeyVerdict::Untold;
    };
    let differs = match (&config.pairing_key_wo, &config.pairing_key) {
        (Value::Value(key), _) | (Value::Null, Value::Value(key)) => key_digest(key) != known_key,
        // An unknown key: `pairing_key`'s own rule replaces; a write-only one changes only with its
        // version (an ephemeral value may be unknown at every plan).
        _ => return KeyVerdict::Untold,
    };
    if !differs {
        return KeyVerdict::Same;
    }
    let changed = |name: &str| {
        let (before, after) = (values_of(prior), values_of(planned));
        string_value(&before, name) != string_value(&after, name)
    };
    ["pairing_key", "pairing_key_wo_version"]
        .into_iter()
        .find(|name| changed(name))
        .map(|name| KeyVerdict::Replace(AttributePath::new(name)))
        .unwrap_or(KeyVerdict::NeedsVersionBump)
}

/// Whether a replacement of a `gcp_partner` attachment would create the new one with the key the old
/// one was made with.
pub fn reuses_its_key(
    prior: &InterconnectState,
    config: &InterconnectState,
    known_key: Option<&str>,
) -> bool {
    let is_gcp = prior.kind.as_ref_option().is_some_and(|k| k == TYPE_GCP_PARTNER);
    let same_key = match (
        configured_key(config),
        known_key,
        prior.pairing_key.as_ref_option(),
    ) {
        (Some(key), Some(known), _) => key_digest(key) == known,
        (Some(key), None, Some(before)) => key == before,
        _ => false,
    };
    is_gcp && same_key
}

/// The warning for a replacement that would reuse a single-use GCP pairing key.
pub fn single_use_key_warning(diags: &mut Diagnostics) {
    diag::warning(
        diags,
        "This replacement reuses the attachment's pairing key",
        "Google pairing keys are single-use: the new attachment would be created with the key the current \
         one was made with, and the API refuses a key that was used once. Terraform deletes the current \
         attachment first, so the create would then fail and leave none. Create a new VLAN attachment in \
         Google Cloud and give its pairing key before applying.",
        // Not pointed at `pairing_key`: Terraform would quote the configuration line, key and all.
        None,
    );
}
