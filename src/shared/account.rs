//! The `account_id` every type may set: its attribute, its check, and the provider's as its default.

use tf_provider::value::Value;
use tf_provider::Diagnostics;

use crate::attributes::{Attr, AttrType, Role};
use crate::diag;

/// The optional `account_id` of a data source, defaulting to the provider's.
pub const ACCOUNT_ID: Attr = Attr::new(
    "account_id",
    AttrType::String,
    Role::OptionalComputed,
    "The account; defaults to the provider's `account_id`.",
);

/// The account an object lives in: its own `account_id`, else the provider's.
pub fn effective_account(configured: &Value<String>, provider_default: &Value<String>) -> Value<String> {
    match configured {
        Value::Null => provider_default.clone(),
        other => other.clone(),
    }
}

/// The account a change of an existing object plans: its configured one, else the provider's; while the
/// provider's is not known yet (its configuration waits on other values) nothing says it changes, so the
/// object keeps `prior`.
pub fn account_on_change(
    configured: &Value<String>,
    prior: &Value<String>,
    provider_default: &Value<String>,
) -> Value<String> {
    match effective_account(configured, provider_default) {
        Value::Unknown if configured.is_null() => prior.clone(),
        Value::Null => prior.clone(),
        account => account,
    }
}

/// The error for an object with no account: `where_set` says where to set it (`on the resource`).
pub fn missing_account(diags: &mut Diagnostics, where_set: &str) {
    diag::error(
        diags,
        "Missing account_id",
        format!(
            "Set account_id {where_set}, or account_id in the provider block (or CLOUDFLARE_ACCOUNT_ID)."
        ),
        diag::attr("account_id"),
    );
}

/// Whether `account` is an account ID: the 32-character hex tag of a Cloudflare account (nothing
/// else may reach a URL as one).
pub fn is_account_tag(account: &str) -> bool {
    account.len() == 32 && account.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Why `account` (from `source`, such as `account_id` or `CLOUDFLARE_ACCOUNT_ID`) is not an account ID,
/// if it is not.
pub fn account_tag_error(account: &str, source: &str) -> Option<String> {
    (!is_account_tag(account)).then(|| {
        format!(
            "{source} is {account:?}, which is not an account ID: the 32-character hex tag of the Cloudflare \
             account (such as 023e105f4ecef8ad9ca31a8372d0c353)."
        )
    })
}

/// Checks an `account_id` value when known: a 32-character hex tag.
pub fn check_account_id(diags: &mut Diagnostics, value: &Value<String>) {
    if let Value::Value(account) = value {
        if let Some(detail) = account_tag_error(account, "account_id") {
            diag::error(diags, "Invalid account_id", detail, diag::attr("account_id"));
        }
    }
}

/// The check of an attribute that names an interconnect (`name`).
pub fn an_interconnect_name(name: &str) -> Result<(), String> {
    name_error(name, "name").map_or(Ok(()), Err)
}

/// Why `name` (an interconnect's name, given as `what`) cannot name one, if it cannot: empty, `.`,
/// `..` or holding a `/` would reach another URL.
pub fn name_error(name: &str, what: &str) -> Option<String> {
    let bad = name.trim().is_empty() || name == "." || name == ".." || name.contains('/');
    bad.then(|| format!("{what} {name:?} is not an interconnect name (such as icon-000001)."))
}

#[cfg(test)]
mod tests {
    use super::*;

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
