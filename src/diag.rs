//! The one place where errors become Terraform diagnostics.
//!
//! Diagnostics are built as struct literals: tf-provider's constructors append a Rust backtrace to the
//! detail whenever `RUST_BACKTRACE` is set, and users must never see one.

use tf_provider::{AttributePath, Diagnostic, Diagnostics};

use crate::api::{ApiError, WaitError};

/// Adds an error on `path` (the root when `None`).
pub fn error(
    diags: &mut Diagnostics,
    summary: impl Into<String>,
    detail: impl Into<String>,
    path: Option<AttributePath>,
) {
    diags.add_error(diagnostic(summary, detail, path));
}

/// Adds a warning on `path` (the root when `None`).
pub fn warning(
    diags: &mut Diagnostics,
    summary: impl Into<String>,
    detail: impl Into<String>,
    path: Option<AttributePath>,
) {
    diags.add_warning(diagnostic(summary, detail, path));
}

fn diagnostic(
    summary: impl Into<String>,
    detail: impl Into<String>,
    path: Option<AttributePath>,
) -> Diagnostic {
    Diagnostic {
        summary: summary.into().into(),
        detail: detail.into().into(),
        attribute: path.unwrap_or_default(),
    }
}

/// The path of a top-level attribute.
pub fn attr(name: &'static str) -> Option<AttributePath> {
    Some(AttributePath::new(name))
}

/// Adds an error for a failed API call: `summary` says what could not be done, the detail is the API's
/// answer (call, status, messages, `cf-ray`) plus a hint where one helps.
pub fn api_error(diags: &mut Diagnostics, summary: impl Into<String>, err: &ApiError) {
    error(diags, summary, describe_api_error(err), None);
}

/// The detail text for an API error.
pub fn describe_api_error(err: &ApiError) -> String {
    let hint = match err {
        ApiError::Unauthorized(_) => {
            "\n\nCheck the provider's credentials (api_token, or api_key and email) and that the token has a \
             Magic WAN or Magic Transit permission on this account."
        }
        ApiError::RateLimited { .. } => {
            "\n\nThe API's rate limit (1,200 requests per 5 minutes) was hit. Lower the provider's \
             requests_per_second, or retry later."
        }
        ApiError::Transport { .. } => "\n\nCheck base_url and the network path to the API.",
        ApiError::NotTheApi(_) | ApiError::Redirected { .. } => {
            "\n\nNothing was removed from state: only the CNI API's own 404 (or a bare 404 that a listing of \
             the account confirms) proves that an object is gone."
        }
        ApiError::OutOfTime { .. } => {
            "\n\nRaise the timeouts block's value for this operation, or retry later."
        }
        _ => "",
    };
    format!("{err}{hint}")
}

/// Adds an error for a wait that did not reach its goal.
pub fn wait_error(diags: &mut Diagnostics, summary: impl Into<String>, err: &WaitError, consequence: &str) {
    let cause = match err {
        WaitError::Api { source, last } => match last {
            Some(status) => format!(
                "{}\n\nThe last status seen was {status}.",
                describe_api_error(source)
            ),
            None => describe_api_error(source),
        },
        other => other.to_string(),
    };
    error(diags, summary, format!("{cause}.\n\n{consequence}"), None);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_keep_detail_and_path_as_given() {
        let mut diags = Diagnostics::default();
        error(&mut diags, "summary", "detail", attr("type"));
        assert_eq!(diags.errors.len(), 1);
        assert_eq!(diags.errors[0].detail, "detail");
        assert_eq!(diags.errors[0].attribute, AttributePath::new("type"));
    }
}
