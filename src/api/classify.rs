//! Reading the API's answers: a success body decoded, an error answer classified into an [`ApiError`]
//! (only the API's own JSON 404 is "not found"), its messages read leniently, and every form of the
//! request's secret scrubbed before anything is kept.

use std::time::SystemTime;

use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::error::{ApiError, ApiMessage, Failure};
use super::retry::parse_retry_after;
use super::secret::Secret;

/// How much of an error body is kept when it is not the JSON error envelope.
const BODY_EXCERPT_CHARS: usize = 300;
/// Cloudflare's routing errors ("No route for that URI", "Could not route to …"): a 404 carrying one
/// says the URL is wrong, not that the object is gone.
const ROUTING_ERROR_CODES: [i64; 2] = [7000, 7003];

/// Decodes a success body: the raw object, or defensively the `result` of a `{success, result}` envelope.
pub(super) fn decode_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    let value: serde_json::Value = serde_json::from_slice(body)?;
    let value = match value {
        serde_json::Value::Object(mut map) if map.contains_key("success") && map.contains_key("result") => {
            map.remove("result").unwrap_or_default()
        }
        other => other,
    };
    serde_json::from_value(value)
}

pub(super) fn classify_failure(
    operation: &str,
    secret: Option<&Secret>,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiError {
    // The whole body is scrubbed before anything is taken from it or cut: an echo of the secret
    // anywhere in it, in any encoding, never reaches a message.
    let body = scrubbed_body(secret, body);
    let messages = api_messages(body.as_bytes())
        .into_iter()
        .map(|m| ApiMessage {
            code: m.code,
            message: scrub(secret, &m.message),
        })
        .collect::<Vec<_>>();
    let body_excerpt = messages.is_empty().then(|| excerpt(body.as_bytes()));
    let failure = Failure {
        operation: operation.to_owned(),
        status: status.as_u16(),
        messages,
        body_excerpt,
        cf_ray: cf_ray(headers),
    };
    let retry_after = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()));
    match status.as_u16() {
        404 if came_from_the_api(headers, body.as_bytes()) => ApiError::NotFound(failure),
        404 => ApiError::NotTheApi(failure),
        300..=399 => ApiError::Redirected {
            failure,
            location: headers
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        },
        401 | 403 => ApiError::Unauthorized(failure),
        429 => ApiError::RateLimited { failure, retry_after },
        408 | 500..=599 => ApiError::Server { failure, retry_after },
        _ => ApiError::BadRequest(failure),
    }
}

/// Whether an error answer is the CNI API's own: a JSON body (not an HTML or text page from a proxy or
/// a server at the wrong path) that is not a routing error.
fn came_from_the_api(headers: &HeaderMap, body: &[u8]) -> bool {
    let html = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("html"));
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    let routing = api_messages(body)
        .iter()
        .any(|m| ROUTING_ERROR_CODES.contains(&m.code));
    !html && value.is_object() && !routing
}

/// An error body as text with every form of `secret` scrubbed: a JSON body is decoded first (so that no
/// escape hides the secret) and written back compactly; any other body is read as text.
fn scrubbed_body(secret: Option<&Secret>, body: &[u8]) -> String {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            if let Some(secret) = secret {
                scrub_strings(&mut value, secret);
            }
            value.to_string()
        }
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    scrub(secret, &text)
}

/// Scrubs `secret` from every string (and object key) of a JSON value.
fn scrub_strings(value: &mut serde_json::Value, secret: &Secret) {
    match value {
        serde_json::Value::String(s) => *s = secret.scrub(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| scrub_strings(v, secret)),
        serde_json::Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut v) in entries {
                scrub_strings(&mut v, secret);
                map.insert(secret.scrub(&key), v);
            }
        }
        _ => {}
    }
}

/// The messages of an error body, read leniently: the `errors[]` of Cloudflare's envelope, else a
/// top-level `message` or `error` string.
fn api_messages(body: &[u8]) -> Vec<ApiMessage> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Vec::new();
    };
    let Some(errors) = value.get("errors").and_then(|e| e.as_array()) else {
        return ["message", "error"]
            .iter()
            .filter_map(|field| value.get(*field).and_then(|m| m.as_str()))
            .take(1)
            .map(|message| ApiMessage {
                code: 0,
                message: message.to_owned(),
            })
            .collect();
    };
    errors
        .iter()
        .filter_map(|e| {
            Some(ApiMessage {
                code: e.get("code").and_then(|c| c.as_i64()).unwrap_or(0),
                message: e.get("message").and_then(|m| m.as_str())?.to_owned(),
            })
        })
        .collect()
}

pub(super) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .take(BODY_EXCERPT_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > BODY_EXCERPT_CHARS {
        out.push('…');
    }
    out.trim().to_owned()
}

pub(super) fn cf_ray(headers: &HeaderMap) -> Option<String> {
    headers
        .get("cf-ray")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

pub(super) fn scrub(secret: Option<&Secret>, text: &str) -> String {
    match secret {
        Some(s) => s.scrub(text),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_bodies_are_raw_or_unwrapped_from_an_envelope() {
        let raw: serde_json::Value = decode_body(br#"{"state":"Pending"}"#).expect("raw");
        assert_eq!(raw, serde_json::json!({"state":"Pending"}));
        let wrapped: serde_json::Value =
            decode_body(br#"{"success":true,"errors":[],"result":{"state":"Healthy"}}"#).expect("wrapped");
        assert_eq!(wrapped, serde_json::json!({"state":"Healthy"}));
        // An object that merely has a "result" field is not an envelope.
        let not_envelope: serde_json::Value = decode_body(br#"{"result":1}"#).expect("plain");
        assert_eq!(not_envelope, serde_json::json!({"result":1}));
    }

    #[test]
    fn error_messages_are_read_leniently() {
        let msgs = api_messages(
            br#"{"success":false,"errors":[{"code":7003,"message":"no route"},{"message":"x"},{"code":1}]}"#,
        );
        assert_eq!(
            msgs,
            vec![
                ApiMessage {
                    code: 7003,
                    message: "no route".into()
                },
                ApiMessage {
                    code: 0,
                    message: "x".into()
                }
            ]
        );
        assert!(api_messages(b"<html>bad gateway</html>").is_empty());
        assert_eq!(excerpt(b"line1\nline2"), "line1 line2");
        assert_eq!(excerpt(&[b'a'; 400]).chars().count(), BODY_EXCERPT_CHARS + 1);
    }
}
