//! Schema pieces and state types shared by the resource and the data sources.

use std::collections::HashMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tf_provider::schema::{Attribute, AttributeConstraint, AttributeType, Block, Description, NestedBlock};
use tf_provider::value::Value;
use tf_provider::Diagnostics;

use crate::api::{Facility, Interconnect, InterconnectStatus};
use crate::diag;

/// A string attribute with `constraint`, described in markdown.
pub fn string_attr(constraint: AttributeConstraint, description: &str) -> Attribute {
    typed_attr(AttributeType::String, constraint, description)
}

/// An attribute of any type with `constraint`, described in markdown.
pub fn typed_attr(attr_type: AttributeType, constraint: AttributeConstraint, description: &str) -> Attribute {
    Attribute {
        attr_type,
        description: Description::markdown(description),
        constraint,
        sensitive: false,
        deprecated: false,
    }
}

/// The optional `account_id` of a resource or data source, defaulting to the provider's.
pub fn account_id_attr() -> Attribute {
    string_attr(
        AttributeConstraint::OptionalComputed,
        "The account; defaults to the provider's `account_id`.",
    )
}

/// A block with these attributes and no nested blocks.
pub fn block(description: &str, attributes: Vec<(&str, Attribute)>) -> Block {
    Block {
        attributes: attributes.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        description: Description::markdown(description),
        ..Default::default()
    }
}

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

/// The `timeouts` block (nesting "group": absent means every field null).
pub fn timeouts_block() -> NestedBlock {
    NestedBlock::Group(block(
        "How long operations may take, as durations such as `30s`, `10m` or `1h30m`.",
        vec![
            (
                "create",
                string_attr(
                    AttributeConstraint::Optional,
                    "Create, including the wait for `Healthy`. Default `30m`.",
                ),
            ),
            (
                "delete",
                string_attr(
                    AttributeConstraint::Optional,
                    "Destroy, including the wait until the interconnect is gone. Default `10m`.",
                ),
            ),
        ],
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

/// Errors for every computed-only attribute that the configuration sets. Terraform 1.0.3 does not
/// reject such values itself, and a plan that ignores them is then rejected as inconsistent.
pub fn reject_computed_in_config(diags: &mut Diagnostics, set: &[(&'static str, bool)]) {
    for (name, is_set) in set {
        if *is_set {
            diag::error(
                diags,
                "Read-only attribute",
                format!("`{name}` is computed by the provider and cannot be set in the configuration."),
                diag::attr(name),
            );
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

/// A string from an optional API field: the value, or a known null.
pub fn opt(value: Option<&str>) -> Value<String> {
    value.map(str::to_owned).into()
}

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

    /// Every field: its attribute name, type and description.
    pub fn fields() -> Vec<(&'static str, AttributeType, &'static str)> {
        let s = || AttributeType::String;
        vec![
            ("id", s(), "The interconnect's name."),
            (
                "name",
                s(),
                "The interconnect's name, assigned by Cloudflare; its identifier.",
            ),
            ("account_id", s(), "The account."),
            (
                "type",
                s(),
                "`direct` or `gcp_partner` (or a type this provider does not know yet).",
            ),
            ("slot_id", s(), "The slot of a direct port."),
            ("speed", s(), "The port speed, or the attachment's bandwidth."),
            ("owner", s(), "The owner Cloudflare reports."),
            ("site", s(), "The Cloudflare site (direct ports)."),
            ("region", s(), "The GCP region (GCP partner interconnects)."),
            (
                "facility",
                facility_type(),
                "The facility of a direct port: `name` and `address` lines.",
            ),
            (
                "virtual_port_reservation_id",
                s(),
                "Correlates the interconnect with Magic Transit's `cf_interconnects`.",
            ),
            (
                "ccr_device_name",
                s(),
                "The Customer Connectivity Router the interconnect is on.",
            ),
            (
                "status",
                s(),
                "The last link status seen: `Pending`, `Down`, `Unhealthy` or `Healthy`.",
            ),
            (
                "status_reason",
                s(),
                "The reason given with a `Down` or `Unhealthy` status, else null.",
            ),
        ]
    }

    /// The object type of an item.
    pub fn object_type() -> AttributeType {
        AttributeType::Object(
            Self::fields()
                .into_iter()
                .map(|(name, attr_type, _)| (name.to_owned(), attr_type))
                .collect(),
        )
    }

    /// Which fields hold a value (known or unknown), by name.
    pub fn non_null_fields(&self) -> [(&'static str, bool); 14] {
        [
            ("id", !self.id.is_null()),
            ("name", !self.name.is_null()),
            ("account_id", !self.account_id.is_null()),
            ("type", !self.kind.is_null()),
            ("slot_id", !self.slot_id.is_null()),
            ("speed", !self.speed.is_null()),
            ("owner", !self.owner.is_null()),
            ("site", !self.site.is_null()),
            ("region", !self.region.is_null()),
            ("facility", !self.facility.is_null()),
            (
                "virtual_port_reservation_id",
                !self.virtual_port_reservation_id.is_null(),
            ),
            ("ccr_device_name", !self.ccr_device_name.is_null()),
            ("status", !self.status.is_null()),
            ("status_reason", !self.status_reason.is_null()),
        ]
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
