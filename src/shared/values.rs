//! Values as Terraform sends them: numbers in any of their encodings, and optional API strings.

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

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

/// A string from an optional API field: the value, or a known null.
pub fn opt(value: Option<&str>) -> Value<String> {
    value.map(str::to_owned).into()
}

/// An error on `name` unless `value` (when known) is a UUID; `what` names what it identifies ("a
/// slot's", "a connection's").
pub fn check_uuid(
    diags: &mut tf_provider::Diagnostics,
    value: &Value<String>,
    name: &'static str,
    what: &str,
) {
    if let Value::Value(text) = value {
        if uuid::Uuid::parse_str(text).is_err() {
            crate::diag::error(
                diags,
                format!("Invalid {name}"),
                format!("{name} must be {what} UUID, not {text:?}."),
                crate::diag::attr(name),
            );
        }
    }
}

/// The SHA-256 of a secret, in hex: what private state keeps to tell a secret changed without keeping
/// it.
pub fn sha256_hex(secret: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}
