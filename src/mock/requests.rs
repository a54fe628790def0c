//! Reading an API request the way the API does: its JSON body, its paging parameters, its filters.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::http::{header, HeaderMap};
use serde_json::Value;

use super::envelope::{code, ApiFailure};

/// Paging parameters, checked like the API checks them.
pub(super) fn paging(query: &HashMap<String, String>) -> Result<(Option<u64>, Option<usize>), ApiFailure> {
    let number = |name: &str| -> Result<Option<u64>, ApiFailure> {
        query
            .get(name)
            .filter(|v| !v.is_empty())
            .map(|v| {
                v.parse::<u64>().map_err(|_| {
                    ApiFailure::bad_request(
                        code::INVALID_FIELD,
                        format!("{name}: must be a non-negative integer"),
                    )
                })
            })
            .transpose()
    };
    Ok((number("cursor")?, number("limit")?.map(|l| l as usize)))
}

/// A query parameter that is present and not empty.
pub(super) fn non_empty<'a>(query: &'a HashMap<String, String>, key: &str) -> Option<&'a str> {
    query.get(key).map(String::as_str).filter(|v| !v.is_empty())
}

/// A request's JSON body, refused (400) unless it says `application/json` and parses.
pub(super) fn json_body(headers: &HeaderMap, body: &Bytes) -> Result<Value, ApiFailure> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        });
    if !is_json {
        return Err(ApiFailure::bad_request(
            code::INVALID_BODY,
            "Content-Type must be application/json",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiFailure::bad_request(code::INVALID_BODY, format!("request body is not valid JSON: {e}"))
    })
}

/// Whether a path's percent-encoded bytes decode to UTF-8 (an identifier that does not cannot be
/// routed).
pub fn decodes_to_utf8(path: &str) -> bool {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                decoded.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    std::str::from_utf8(&decoded).is_ok()
}
