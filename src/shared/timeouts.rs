//! The `timeouts` block and the durations it (and the provider block) takes.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tf_provider::schema::NestedBlock;
use tf_provider::value::Value;
use tf_provider::Diagnostics;

use crate::attributes::{Attr, AttrType, Role};
use crate::diag;

/// The `timeouts` block of the resource.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Timeouts {
    /// How long create may take, including the wait for `Healthy`.
    pub create: Value<String>,
    /// How long destroy may take, including the wait until the interconnect is gone.
    pub delete: Value<String>,
}

/// How long create may take when `timeouts.create` is not set (including the wait for `Healthy`).
pub const DEFAULT_CREATE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// How long destroy may take when `timeouts.delete` is not set (including the wait until gone).
pub const DEFAULT_DELETE_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The attributes of the `timeouts` block.
pub const TIMEOUTS: [Attr; 2] = [
    Attr::new(
        "create",
        AttrType::String,
        Role::Optional,
        "Create, including the wait for `Healthy`.",
    )
    .defaults_to(|| duration_text(DEFAULT_CREATE_TIMEOUT)),
    Attr::new(
        "delete",
        AttrType::String,
        Role::Optional,
        "Destroy, including the wait until the interconnect is gone.",
    )
    .defaults_to(|| duration_text(DEFAULT_DELETE_TIMEOUT)),
];

/// A duration as a configuration writes it: `30m`, `1h 30m`, `250ms`.
pub fn duration_text(duration: Duration) -> String {
    humantime::format_duration(duration).to_string()
}

/// What the `timeouts` block is.
pub const TIMEOUTS_DESCRIPTION: &str =
    "How long operations may take, as durations such as `30s`, `10m` or `1h30m`.";

/// The `timeouts` block (nesting "group": absent means every field null).
pub fn timeouts_block() -> NestedBlock {
    timeouts_block_of(&TIMEOUTS)
}

/// A `timeouts` block of these durations.
fn timeouts_block_of(table: &[Attr]) -> NestedBlock {
    NestedBlock::Group(crate::attributes::block(TIMEOUTS_DESCRIPTION, table, vec![]))
}

/// The `timeouts` block of `cni_connection`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct ConnectionTimeouts {
    /// How long create may take, the lookups after a lost answer included.
    pub create: Value<String>,
    /// How long an update may take.
    pub update: Value<String>,
    /// How long destroy may take.
    pub delete: Value<String>,
}

/// How long each operation of a connection may take when its timeout is not set.
pub const DEFAULT_CONNECTION_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The attributes of the `timeouts` block of `cni_connection`.
pub const CONNECTION_TIMEOUTS: [Attr; 3] = [
    Attr::new(
        "create",
        AttrType::String,
        Role::Optional,
        "Create, its retries and the lookups after a lost answer included.",
    )
    .defaults_to(|| duration_text(DEFAULT_CONNECTION_TIMEOUT)),
    Attr::new(
        "update",
        AttrType::String,
        Role::Optional,
        "An update, its retries included.",
    )
    .defaults_to(|| duration_text(DEFAULT_CONNECTION_TIMEOUT)),
    Attr::new(
        "delete",
        AttrType::String,
        Role::Optional,
        "Destroy, its retries included.",
    )
    .defaults_to(|| duration_text(DEFAULT_CONNECTION_TIMEOUT)),
];

/// The `timeouts` block of `cni_connection`.
pub fn connection_timeouts_block() -> NestedBlock {
    timeouts_block_of(&CONNECTION_TIMEOUTS)
}

impl ConnectionTimeouts {
    /// Checks each duration that is set, with its path under `timeouts`.
    pub fn check(&self, diags: &mut Diagnostics) {
        for (name, value) in [
            ("create", &self.create),
            ("update", &self.update),
            ("delete", &self.delete),
        ] {
            check_duration(
                diags,
                value,
                tf_provider::AttributePath::new("timeouts").attribute(name),
            );
        }
    }
}

/// The duration `pick` chooses from `timeouts`, or `default` when it is not set (or not valid: a plan
/// refuses those).
pub fn timeout_of<T>(timeouts: &Value<T>, pick: fn(&T) -> &Value<String>, default: Duration) -> Duration {
    timeouts
        .as_ref_option()
        .and_then(|t| pick(t).as_ref_option())
        .and_then(|text| parse_duration(text).ok())
        .unwrap_or(default)
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
}
