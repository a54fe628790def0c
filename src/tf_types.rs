//! Schema pieces and state types shared by the resource and the data sources.

use std::collections::HashMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, NestedBlock};
use tf_provider::value::Value;
use tf_provider::Diagnostics;

use crate::api::{Facility, Interconnect, InterconnectStatus};
use crate::attributes::{Attr, Kind, Role};
use crate::diag;

/// The optional `account_id` of a data source, defaulting to the provider's.
pub const ACCOUNT_ID: Attr = Attr::new(
    "account_id",
    Kind::String,
    Role::OptionalComputed,
    "The account; defaults to the provider's `account_id`.",
);

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

/// A number as Terraform sends it: an integer, a float, or — for a value no float represents exactly,
/// such as `1e-30` — its decimal text. Read as the nearest `f64`, so that checks, not the decoder,
/// judge it.
#[derive(Serialize, Clone, Copy, Debug, Default, PartialEq)]
#[serde(transparent)]
pub struct Number(pub f64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Number;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Number, E> {
                Ok(Number(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Number, E> {
                v.trim()
                    .parse::<f64>()
                    .map(Number)
                    .map_err(|_| E::custom(format!("{v:?} is not a number")))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The `timeouts` block of the resource.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Timeouts {
    /// How long create may take, including the wait for `Healthy`.
    pub create: Value<String>,
    /// How long destroy may take, including the wait until the interconnect is gone.
    pub delete: Value<String>,
}

/// The attributes of the `timeouts` block.
pub const TIMEOUTS: [Attr; 2] = [
    Attr::new(
        "create",
        Kind::String,
        Role::Optional,
        "Create, including the wait for `Healthy`. Default `30m`.",
    ),
    Attr::new(
        "delete",
        Kind::String,
        Role::Optional,
        "Destroy, including the wait until the interconnect is gone. Default `10m`.",
    ),
];

/// The `timeouts` block (nesting "group": absent means every field null).
pub fn timeouts_block() -> NestedBlock {
    NestedBlock::Group(crate::attributes::block(
        "How long operations may take, as durations such as `30s`, `10m` or `1h30m`.",
        &TIMEOUTS,
        vec![],
    ))
}

/// The longest duration accepted anywhere (a year): beyond it, deadlines would overflow the clock.
pub const MAX_DURATION: Duration = Duration::from_secs(366 * 24 * 3600);

/// Parses a positive duration such as `30s`, `10m`, `1h30m` or `250ms`, at most [`MAX_DURATION`].
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(text.trim())
        .map_err(|e| format!("{text:?} is not a duration such as 30s, 10m or 1h30m ({e})"))?;
    if duration.is_zero() {
        return Err(format!("{text:?} must be longer than zero"));
    }
    if duration > MAX_DURATION {
        return Err(format!(
            "{text:?} is longer than the longest duration accepted, 366 days"
        ));
    }
    Ok(duration)
}

/// Checks a duration attribute if its value is known; adds an error on `path` otherwise.
pub fn check_duration(diags: &mut Diagnostics, value: &Value<String>, path: tf_provider::AttributePath) {
    if let Value::Value(text) = value {
        if let Err(e) = parse_duration(text) {
            diag::error(diags, "Invalid duration", e, Some(path));
        }
    }
}

/// The account an object lives in: its own `account_id`, else the provider's.
pub fn effective_account(configured: &Value<String>, provider_default: &Value<String>) -> Value<String> {
    match configured {
        Value::Null => provider_default.clone(),
        other => other.clone(),
    }
}

/// Checks an `account_id` value when known: not empty, no `/`.
pub fn check_account_id(diags: &mut Diagnostics, value: &Value<String>) {
    if let Value::Value(account) = value {
        if account.trim().is_empty() || account.contains('/') {
            diag::error(
                diags,
                "Invalid account_id",
                format!(
                    "{account:?} is not an account ID (the 32-character hex tag of the Cloudflare account)."
                ),
                diag::attr("account_id"),
            );
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

/// A string from an optional API field: the value, or a known null.
pub fn opt(value: Option<&str>) -> Value<String> {
    value.map(str::to_owned).into()
}

/// Every field of an interconnect, as computed attributes: the items of `cni_interconnects`, the
/// `cni_interconnect` data source, and the computed attributes of the resource.
pub const ITEM_FIELDS: [Attr; 14] = [
    Attr::new("id", Kind::String, Role::Computed, "The interconnect's name."),
    Attr::new(
        "name",
        Kind::String,
        Role::Computed,
        "The interconnect's name, assigned by Cloudflare; its identifier.",
    ),
    Attr::new("account_id", Kind::String, Role::Computed, "The account."),
    Attr::new(
        "type",
        Kind::String,
        Role::Computed,
        "`direct` or `gcp_partner` (or a type this provider does not know yet).",
    ),
    Attr::new(
        "slot_id",
        Kind::String,
        Role::Computed,
        "The slot of a direct port.",
    ),
    Attr::new(
        "speed",
        Kind::String,
        Role::Computed,
        "The port speed, or the attachment's bandwidth.",
    ),
    Attr::new(
        "owner",
        Kind::String,
        Role::Computed,
        "The owner Cloudflare reports.",
    ),
    Attr::new(
        "site",
        Kind::String,
        Role::Computed,
        "The Cloudflare site (direct ports).",
    ),
    Attr::new(
        "region",
        Kind::String,
        Role::Computed,
        "The GCP region (GCP partner interconnects).",
    ),
    Attr::new(
        "facility",
        Kind::Other(facility_type),
        Role::Computed,
        "The facility of a direct port: `name` and `address` lines.",
    ),
    Attr::new(
        "virtual_port_reservation_id",
        Kind::String,
        Role::Computed,
        "Correlates the interconnect with Magic Transit's `cf_interconnects`.",
    ),
    Attr::new(
        "ccr_device_name",
        Kind::String,
        Role::Computed,
        "The Customer Connectivity Router the interconnect is on.",
    ),
    Attr::new(
        "status",
        Kind::String,
        Role::Computed,
        "The last link status seen: `Pending`, `Down`, `Unhealthy` or `Healthy`.",
    ),
    Attr::new(
        "status_reason",
        Kind::String,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_go_style_units_and_reject_nonsense() {
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        for bad in [
            "",
            "10",
            "ten minutes",
            "0s",
            "-5m",
            "5 parsecs",
            "100000000y",
            "367d",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn account_falls_back_to_the_provider() {
        let provider = Value::Value("p".to_owned());
        assert_eq!(effective_account(&Value::Null, &provider), provider);
        assert_eq!(
            effective_account(&Value::Value("r".into()), &provider),
            Value::Value("r".to_owned())
        );
        assert_eq!(effective_account(&Value::Unknown, &provider), Value::Unknown);
    }
}
