//! The declaration of `cni_interconnect`: its attribute table, identity, write-only attributes and
//! schema, its state and private state, and how the API's answers map onto the state.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tf_provider::schema::Schema;
use tf_provider::value::Value;

use crate::api::models::{TYPE_DIRECT, TYPE_GCP_PARTNER};
use crate::api::{Bandwidth, Interconnect, InterconnectStatus, READ_AFTER_WRITE_GRACE};
use crate::attributes::{self, Attr, AttrType, Compare, Fields, Replaces, Role, Unknowable};
use crate::plugin::handlers::Identity;
use crate::shared::{
    timeouts_block, FacilityValue, InterconnectItem, Number, Timeouts, ACCOUNT_ID, ITEM_FIELDS,
};

/// `wait_for_healthy` when not configured: true for `gcp_partner`, false for `direct`.
pub fn default_wait(kind: &Value<String>) -> Value<bool> {
    match kind {
        Value::Value(k) => Value::Value(k == TYPE_GCP_PARTNER),
        _ => Value::Unknown,
    }
}

/// The attributes a configuration sets, or that only `cni_interconnect` has; the computed ones it
/// shares with every interconnect are [`ITEM_FIELDS`].
pub(super) const OWN_ATTRIBUTES: [Attr; 12] = [
    Attr::new("id", AttrType::String, Role::Computed, "The interconnect's name."),
    Attr::new("name", AttrType::String, Role::Computed, "The interconnect's name, assigned by Cloudflare; its identifier.")
        .in_identity(true),
    ACCOUNT_ID
        .replacing(Replaces::Always(Compare::Exact)).generated().in_identity(false),
    Attr::new("type", AttrType::String, Role::Required, "`direct` (a physical port in a slot) or `gcp_partner` (a Google Cloud Partner Interconnect attachment).")
        .replacing(Replaces::Always(Compare::Exact)).generated(),
    Attr::new("slot_id", AttrType::String, Role::Optional, "`direct` only, required: the UUID of a free slot (see `cni_slots`). Compared without regard to case.")
        .replacing(Replaces::Always(Compare::CaseInsensitive)).generated()
        .required_for(TYPE_DIRECT, "the UUID of a free slot (see the cni_slots data source)").checked(a_slot_uuid),
    Attr::new("speed", AttrType::String, Role::OptionalComputed, "`direct`: the port speed (defaults to the slot's). `gcp_partner`: read back from the API. Compared without regard to case.")
        .replacing(Replaces::WhenConfigured(Compare::CaseInsensitive)).generated().checked(a_speed)
        .only_for_because(TYPE_DIRECT, "speed can be set only for type = \"direct\"; a gcp_partner interconnect takes its capacity from bandwidth, and speed is read back from the API."),
    Attr::new("bandwidth", AttrType::String, Role::Optional, "`gcp_partner` only, required. When the API does not report it (after an import), the configured value is adopted.").one_of_any_case(&Bandwidth::NAMES)
        .replacing(Replaces::Always(Compare::CaseInsensitive)).required_for(TYPE_GCP_PARTNER, "").generated(),
    Attr::new("pairing_key", AttrType::String, Role::Optional, "`gcp_partner` only, needed to create: the pairing key of the GCP VLAN attachment. Kept from the configuration, never read back (null after import, and not needed then). A different key forces replacement; adding or removing it does not.")
        .sensitive()
        .replacing(Replaces::Always(Compare::CreateOnly)).only_for(TYPE_GCP_PARTNER).checked(a_pairing_key),
    Attr::new("pairing_key_wo", AttrType::String, Role::Optional, "`gcp_partner` only, Terraform 1.11 and later: the pairing key as a write-only argument, sent to create the attachment and never stored in state or plan. Use it instead of `pairing_key`, with `pairing_key_wo_version`.")
        .sensitive()
        .write_only("pairing_key").only_for(TYPE_GCP_PARTNER).checked(a_write_only_key),
    Attr::new("pairing_key_wo_version", AttrType::Number, Role::Optional, "Required with `pairing_key_wo`: change it to create the attachment anew with the current `pairing_key_wo` (there is no update API). Adding or removing it replaces nothing.")
        .replacing(Replaces::Always(Compare::CreateOnly)),
    Attr::new("wait_for_healthy", AttrType::Bool, Role::OptionalComputed, "Whether create waits until the status is `Healthy` (within `timeouts.create`). Default `true` for `gcp_partner`, `false` for `direct` (a port stays `Pending` until its cross-connect is installed). Changing it never replaces."),
    Attr::new("skip_destroy", AttrType::Bool, Role::Optional, "When true, destroy only removes the interconnect from state (with a warning) and leaves it in Cloudflare. Default false. Changing it never replaces."),
];

fn a_slot_uuid(slot: &str) -> Result<(), String> {
    match uuid::Uuid::parse_str(slot) {
        Ok(_) => Ok(()),
        Err(_) => Err(format!(
            "slot_id must be a UUID such as 182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e, not {slot:?}."
        )),
    }
}

fn a_speed(speed: &str) -> Result<(), String> {
    not_blank(speed, "speed must not be empty; omit it to use the slot's.")
}

fn a_pairing_key(key: &str) -> Result<(), String> {
    not_blank(key, "pairing_key must not be empty.")
}

fn a_write_only_key(key: &str) -> Result<(), String> {
    not_blank(key, "pairing_key_wo must not be empty.")
}

fn not_blank(text: &str, error: &str) -> Result<(), String> {
    match text.trim().is_empty() {
        true => Err(error.to_owned()),
        false => Ok(()),
    }
}

/// The nested blocks.
pub(super) const BLOCKS: [&str; 1] = ["timeouts"];

/// Every attribute of `cni_interconnect`: its own, then the computed ones every interconnect has.
pub fn attribute_table() -> Vec<Attr> {
    let own = OWN_ATTRIBUTES.iter().copied();
    let shared = ITEM_FIELDS
        .iter()
        .filter(|item| !OWN_ATTRIBUTES.iter().any(|a| a.name == item.name))
        .copied();
    own.chain(shared).collect()
}

/// The identity: the attributes the table marks, as an import ID `<account_id>/<name>` (or `<name>`
/// with the provider's account).
pub fn identity() -> Identity {
    Identity {
        version: 0,
        attributes: attributes::identity_attributes(&attribute_table()),
        import_id: |values| {
            let name = values
                .get("name")
                .cloned()
                .flatten()
                .ok_or("the identity has no name")?;
            Ok(match values.get("account_id").cloned().flatten() {
                Some(account) => format!("{account}/{name}"),
                None => name,
            })
        },
    }
}

/// The write-only attributes, each with the one to use instead on an older Terraform.
pub fn write_only_attributes() -> Vec<(String, String)> {
    attributes::write_only(&attribute_table())
}

/// The schema, derived from the table.
pub fn schema() -> Schema {
    Schema {
        version: 1,
        block: attributes::block(
            "A Cloudflare Network Interconnect: a direct port in a slot, or a GCP Partner Interconnect attachment. \
             There is no update API: changing an API attribute replaces the interconnect.",
            &attribute_table(),
            vec![(BLOCKS[0], timeouts_block())],
        ),
    }
}

/// The state (and configuration, and plan) of one `cni_interconnect`.
#[derive(Serialize, Deserialize, Clone, Default, PartialEq)]
pub struct InterconnectState {
    /// The interconnect's name.
    pub id: Value<String>,
    /// The account.
    pub account_id: Value<String>,
    /// `direct` or `gcp_partner`.
    #[serde(rename = "type")]
    pub kind: Value<String>,
    /// The slot (direct).
    pub slot_id: Value<String>,
    /// The port speed (set for direct; read back for gcp_partner).
    pub speed: Value<String>,
    /// The attachment bandwidth (gcp_partner).
    pub bandwidth: Value<String>,
    /// The GCP pairing key (gcp_partner); never read back.
    pub pairing_key: Value<String>,
    /// The GCP pairing key as a write-only argument: in the configuration only, always null in state.
    pub pairing_key_wo: Value<String>,
    /// Its version: a change creates the attachment anew.
    pub pairing_key_wo_version: Value<Number>,
    /// Whether create waits for `Healthy`.
    pub wait_for_healthy: Value<bool>,
    /// Whether destroy only forgets the interconnect.
    pub skip_destroy: Value<bool>,
    /// The interconnect's name.
    pub name: Value<String>,
    /// The owner.
    pub owner: Value<String>,
    /// The site.
    pub site: Value<String>,
    /// The GCP region.
    pub region: Value<String>,
    /// The facility.
    pub facility: Value<FacilityValue>,
    /// The Magic Transit correlation id.
    pub virtual_port_reservation_id: Value<String>,
    /// The CCR device.
    pub ccr_device_name: Value<String>,
    /// The last status seen.
    pub status: Value<String>,
    /// The reason of a `Down`/`Unhealthy` status.
    pub status_reason: Value<String>,
    /// Operation timeouts.
    pub timeouts: Value<Timeouts>,
}

impl InterconnectState {
    /// Makes every computed attribute unknown (a new interconnect, or a replacement).
    pub(super) fn mark_computed_unknown(&mut self) {
        attributes::mark_computed_unknown(&attribute_table(), self);
    }

    /// Fills what the API says, keeping configured values (which must not change after apply).
    pub fn apply_interconnect(&mut self, ic: &Interconnect) {
        let item = InterconnectItem::from_api(ic, None);
        self.id = item.name.clone();
        self.name = item.name;
        keep_or(&mut self.account_id, item.account_id);
        keep_or(&mut self.kind, item.kind);
        keep_or(&mut self.slot_id, item.slot_id);
        keep_or(&mut self.speed, item.speed.clone());
        if matches!(ic, Interconnect::GcpPartner(_)) {
            keep_or(&mut self.bandwidth, item.speed);
        } else if !self.bandwidth.is_value() {
            self.bandwidth = Value::Null;
        }
        if !self.pairing_key.is_value() {
            self.pairing_key = Value::Null;
        }
        self.pairing_key_wo = Value::Null;
        if !self.pairing_key_wo_version.is_value() {
            self.pairing_key_wo_version = Value::Null;
        }
        self.owner = item.owner;
        self.site = item.site;
        self.region = item.region;
        self.facility = item.facility;
        self.virtual_port_reservation_id = item.virtual_port_reservation_id;
        self.ccr_device_name = item.ccr_device_name;
        if !self.wait_for_healthy.is_value() {
            self.wait_for_healthy = default_wait(&self.kind);
        }
        if !self.skip_destroy.is_value() {
            self.skip_destroy = Value::Null;
        }
        self.timeouts = Value::Value(self.timeouts.as_ref_option().cloned().unwrap_or_default());
    }

    /// Records a status read (or a known null when there is none).
    pub fn apply_status(&mut self, status: Option<&InterconnectStatus>) {
        self.status = status.map(|s| s.state().to_owned()).into();
        self.status_reason = status.and_then(|s| s.reason()).map(str::to_owned).into();
    }

    pub(super) fn is_direct(&self) -> bool {
        self.kind.as_ref_option().is_some_and(|k| k == TYPE_DIRECT)
    }

    pub(super) fn timeout(&self, pick: fn(&Timeouts) -> &Value<String>, default: Duration) -> Duration {
        crate::shared::timeout_of(&self.timeouts, pick, default)
    }
}

impl Fields for InterconnectState {
    fn field_mut(&mut self, name: &str) -> Option<&mut dyn Unknowable> {
        Some(match name {
            "id" => &mut self.id,
            "account_id" => &mut self.account_id,
            "type" => &mut self.kind,
            "slot_id" => &mut self.slot_id,
            "speed" => &mut self.speed,
            "bandwidth" => &mut self.bandwidth,
            "pairing_key" => &mut self.pairing_key,
            "pairing_key_wo" => &mut self.pairing_key_wo,
            "pairing_key_wo_version" => &mut self.pairing_key_wo_version,
            "wait_for_healthy" => &mut self.wait_for_healthy,
            "skip_destroy" => &mut self.skip_destroy,
            "name" => &mut self.name,
            "owner" => &mut self.owner,
            "site" => &mut self.site,
            "region" => &mut self.region,
            "facility" => &mut self.facility,
            "virtual_port_reservation_id" => &mut self.virtual_port_reservation_id,
            "ccr_device_name" => &mut self.ccr_device_name,
            "status" => &mut self.status,
            "status_reason" => &mut self.status_reason,
            "timeouts" => &mut self.timeouts,
            _ => return None,
        })
    }
}

pub(super) fn keep_or(field: &mut Value<String>, api: Value<String>) {
    if !field.is_value() {
        *field = api;
    }
}

/// What the provider keeps beside the state: when the interconnect was created and whether the API has
/// been seen to know it since, so that a refresh in the read-after-write window does not take the API's
/// not-knowing-yet for a deletion.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Private {
    /// When the create's `POST` was answered, in milliseconds since the Unix epoch.
    #[serde(default)]
    pub created_at_unix_ms: Option<u64>,
    /// Whether a read by name (status or GET) has found it since.
    #[serde(default)]
    pub seen: bool,
    /// The SHA-256 (hex) of the pairing key the attachment was created with (or that the configuration
    /// gave it after an import), whichever argument carried it: a different key by any route replaces
    /// it, the same key moved from `pairing_key` to `pairing_key_wo` does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pairing_key_sha256: Option<String>,
}

/// The SHA-256 of a pairing key, in hex.
pub fn key_digest(key: &str) -> String {
    crate::shared::sha256_hex(key)
}

pub(super) fn unix_ms() -> Option<u64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_millis() as u64)
}

impl Private {
    /// A 404 now may be read-after-write lag: the create is recent and no read has found it yet.
    pub(super) fn may_lag(&self) -> bool {
        let now = unix_ms().unwrap_or(u64::MAX);
        !self.seen
            && self
                .created_at_unix_ms
                .is_some_and(|at| now.saturating_sub(at) < READ_AFTER_WRITE_GRACE.as_millis() as u64)
    }
}
