//! Field readers shared by the checks of a request body, and the result type of the store's operations.

use serde_json::{Map, Value};

use super::super::envelope::{code, ApiFailure};

/// What a store operation answers: the value, or the API's refusal.
pub(super) type Outcome<T> = Result<T, ApiFailure>;

pub(super) fn required_str<'a>(body: &'a Map<String, Value>, field: &str) -> Outcome<&'a str> {
    match body.get(field) {
        None | Some(Value::Null) => Err(ApiFailure::bad_request(
            code::MISSING_FIELD,
            format!("{field}: missing required field"),
        )),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(Value::String(_)) => Err(ApiFailure::bad_request(
            code::INVALID_FIELD,
            format!("{field}: must not be empty"),
        )),
        Some(_) => Err(ApiFailure::bad_request(
            code::INVALID_FIELD,
            format!("{field}: must be a string"),
        )),
    }
}

/// The region of a GCP pairing key `<uuid>/<region>/<1|2>`, or `None` if it is not one.
pub(super) fn gcp_region(key: &str) -> Option<String> {
    let mut parts = key.split('/');
    let (id, region, domain) = (parts.next()?, parts.next()?, parts.next()?);
    let valid = parts.next().is_none()
        && uuid::Uuid::parse_str(id).is_ok()
        && !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && matches!(domain, "1" | "2");
    valid.then(|| region.to_owned())
}
