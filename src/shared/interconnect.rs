//! What every interconnect exposes, as computed attributes: the items of `cni_interconnects`, the
//! `cni_interconnect` data source and the resource's computed attributes; and the `type` filter.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tf_provider::schema::AttributeType;
use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::values::opt;
use crate::api::{Facility, Interconnect, InterconnectStatus};
use crate::attributes::{Attr, AttrType, Role};
use crate::diag;

/// `{ name = string, address = list(string) }`.
pub fn facility_type() -> AttributeType {
    AttributeType::Object(HashMap::from([
        ("name".to_owned(), AttributeType::String),
        (
            "address".to_owned(),
            AttributeType::List(Box::new(AttributeType::String)),
        ),
    ]))
}

/// The value of a `facility` object.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct FacilityValue {
    /// The facility's name.
    pub name: Value<String>,
    /// Its address lines.
    pub address: Value<Vec<Value<String>>>,
}

impl From<&Facility> for FacilityValue {
    fn from(f: &Facility) -> Self {
        FacilityValue {
            name: Value::Value(f.name.clone()),
            address: Value::Value(f.address.iter().cloned().map(Value::Value).collect()),
        }
    }
}

/// Checks a `type` filter when known: `direct` or `gcp_partner`.
pub fn check_type_filter(diags: &mut Diagnostics, value: &Value<String>) {
    if let Value::Value(kind) = value {
        if kind != crate::api::models::TYPE_DIRECT && kind != crate::api::models::TYPE_GCP_PARTNER {
            diag::error(
                diags,
                "Invalid type filter",
                format!("type must be \"direct\" or \"gcp_partner\", not {kind:?}."),
                diag::attr("type"),
            );
        }
    }
}

/// Every field of an interconnect, as computed attributes: the items of `cni_interconnects`, the
/// `cni_interconnect` data source, and the computed attributes of the resource.
pub const ITEM_FIELDS: [Attr; 14] = [
    Attr::new("id", AttrType::String, Role::Computed, "The interconnect's name."),
    Attr::new(
        "name",
        AttrType::String,
        Role::Computed,
        "The interconnect's name, assigned by Cloudflare; its identifier.",
    ),
    Attr::new("account_id", AttrType::String, Role::Computed, "The account."),
    Attr::new(
        "type",
        AttrType::String,
        Role::Computed,
        "`direct` or `gcp_partner` (or a type this provider does not know yet).",
    ),
    Attr::new(
        "slot_id",
        AttrType::String,
        Role::Computed,
        "The slot of a direct port.",
    ),
    Attr::new(
        "speed",
        AttrType::String,
        Role::Computed,
        "The port speed, or the attachment's bandwidth.",
    ),
    Attr::new(
        "owner",
        AttrType::String,
        Role::Computed,
        "The owner Cloudflare reports.",
    ),
    Attr::new(
        "site",
        AttrType::String,
        Role::Computed,
        "The Cloudflare site (direct ports).",
    ),
    Attr::new(
        "region",
        AttrType::String,
        Role::Computed,
        "The GCP region (GCP partner interconnects).",
    ),
    Attr::new(
        "facility",
        AttrType::Other(facility_type),
        Role::Computed,
        "The facility of a direct port: `name` and `address` lines.",
    ),
    Attr::new(
        "virtual_port_reservation_id",
        AttrType::String,
        Role::Computed,
        "Correlates the interconnect with Magic Transit's `cf_interconnects`.",
    ),
    Attr::new(
        "ccr_device_name",
        AttrType::String,
        Role::Computed,
        "The Customer Connectivity Router the interconnect is on.",
    ),
    Attr::new(
        "status",
        AttrType::String,
        Role::Computed,
        "The last link status seen: `Pending`, `Down`, `Unhealthy` or `Healthy`.",
    ),
    Attr::new(
        "status_reason",
        AttrType::String,
        Role::Computed,
        "The reason given with a `Down` or `Unhealthy` status, else null.",
    ),
];

/// What every interconnect exposes, as computed attributes (and as the items of `cni_interconnects`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct InterconnectItem {
    /// The name again: the resource's `id`.
    pub id: Value<String>,
    /// The server-assigned name (the id).
    pub name: Value<String>,
    /// The account.
    pub account_id: Value<String>,
    /// `direct`, `gcp_partner`, or a type this provider does not know yet.
    #[serde(rename = "type")]
    pub kind: Value<String>,
    /// The slot of a direct port.
    pub slot_id: Value<String>,
    /// The port speed or attachment bandwidth.
    pub speed: Value<String>,
    /// The owner the API reports.
    pub owner: Value<String>,
    /// The Cloudflare site.
    pub site: Value<String>,
    /// The GCP region.
    pub region: Value<String>,
    /// The facility of a direct port.
    pub facility: Value<FacilityValue>,
    /// The Magic Transit correlation id.
    pub virtual_port_reservation_id: Value<String>,
    /// The Customer Connectivity Router.
    pub ccr_device_name: Value<String>,
    /// The last status seen (`Pending`, `Down`, `Unhealthy`, `Healthy`), if read.
    pub status: Value<String>,
    /// The reason of a `Down` or `Unhealthy` status.
    pub status_reason: Value<String>,
}

impl InterconnectItem {
    /// The item for an API interconnect and, when read, its status.
    pub fn from_api(ic: &Interconnect, status: Option<&InterconnectStatus>) -> Self {
        let common = ic.common();
        InterconnectItem {
            id: Value::Value(common.name.clone()),
            name: Value::Value(common.name.clone()),
            account_id: Value::Value(common.account.clone()),
            kind: Value::Value(ic.kind().to_owned()),
            slot_id: opt(ic.slot_id()),
            speed: opt(ic.speed()),
            owner: opt(common.owner.as_deref()),
            site: opt(ic.site()),
            region: opt(ic.region()),
            facility: ic.facility().map(FacilityValue::from).into(),
            virtual_port_reservation_id: opt(common.virtual_port_reservation_id.as_deref()),
            ccr_device_name: opt(ic.ccr_device_name()),
            status: opt(status.map(InterconnectStatus::state)),
            status_reason: opt(status.and_then(InterconnectStatus::reason)),
        }
    }

    /// The object type of an item.
    pub fn object_type() -> AttributeType {
        AttributeType::Object(
            ITEM_FIELDS
                .iter()
                .map(|a| (a.name.to_owned(), a.schema().attr_type))
                .collect(),
        )
    }
}
