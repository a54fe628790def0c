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

/// Parses a positive duration such as `30s`, `10m`, `1h30m` or `250ms`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(text.trim())
        .map_err(|e| format!("{text:?} is not a duration such as 30s, 10m or 1h30m ({e})"))?;
    if duration.is_zero() {
        return Err(format!("{text:?} must be longer than zero"));
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
        let s = || AttributeType::String;
        AttributeType::Object(HashMap::from([
            ("name".to_owned(), s()),
            ("account_id".to_owned(), s()),
            ("type".to_owned(), s()),
            ("slot_id".to_owned(), s()),
            ("speed".to_owned(), s()),
            ("owner".to_owned(), s()),
            ("site".to_owned(), s()),
            ("region".to_owned(), s()),
            ("facility".to_owned(), facility_type()),
            ("virtual_port_reservation_id".to_owned(), s()),
            ("ccr_device_name".to_owned(), s()),
            ("status".to_owned(), s()),
            ("status_reason".to_owned(), s()),
        ]))
    }
}

/// Descriptions of the computed interconnect attributes, shared by the resource and data sources.
pub const COMPUTED_INTERCONNECT_ATTRIBUTES: [(&str, &str); 8] = [
    (
        "name",
        "The interconnect's name, assigned by Cloudflare; its identifier.",
    ),
    ("owner", "The owner Cloudflare reports."),
    ("site", "The Cloudflare site (direct ports)."),
    ("region", "The GCP region (GCP partner interconnects)."),
    (
        "virtual_port_reservation_id",
        "Correlates the interconnect with Magic Transit's `cf_interconnects`.",
    ),
    (
        "ccr_device_name",
        "The Customer Connectivity Router the interconnect is on.",
    ),
    (
        "status",
        "The last link status seen: `Pending`, `Down`, `Unhealthy` or `Healthy`.",
    ),
    (
        "status_reason",
        "The reason given with a `Down` or `Unhealthy` status, else null.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_go_style_units_and_reject_nonsense() {
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        for bad in ["", "10", "ten minutes", "0s", "-5m", "5 parsecs"] {
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
