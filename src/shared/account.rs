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
