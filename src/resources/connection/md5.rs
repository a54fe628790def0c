//! The write-only MD5 key (`md5_key_wo`, `md5_key_wo_version`), pure: its checks, which key a request
//! carries, and the warnings when the key changes without a new version. The key itself is never in
//! state, plan, logs or errors; private state keeps a SHA-256 of the key last sent.

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::state::ConnectionState;
use crate::diag;
use crate::shared::sha256_hex;

/// Whether `state` sends the key by the write-only route.
pub(super) fn uses_write_only(state: &ConnectionState) -> bool {
    state.md5_key_wo.is_value() || state.md5_key_wo_version.is_value()
}

/// The checks of a configuration's write-only key: it needs `bgp` and `md5_key_wo_version`, and
/// conflicts with `bgp.md5_key`.
pub(super) fn check(config: &ConnectionState, diags: &mut Diagnostics) {
    if !config.md5_key_wo.is_value() {
        return;
    }
    let at = |name: &'static str| Some(AttributePath::new(name));
    match &config.bgp {
        Value::Null => diag::error(
            diags,
            "md5_key_wo needs bgp",
            "md5_key_wo is the MD5 key of the BGP session: configure bgp, or remove md5_key_wo.",
            at("md5_key_wo"),
        ),
        Value::Value(bgp) if bgp.md5_key.is_value() => diag::error(
            diags,
            "Conflicting MD5 keys",
            "md5_key_wo and bgp.md5_key both give the session's MD5 key: keep one (md5_key_wo keeps it out of \
             state).",
            at("md5_key_wo"),
        ),
        _ => {}
    }
    if config.md5_key_wo_version.is_null() {
        diag::error(
            diags,
            "Missing md5_key_wo_version",
            "md5_key_wo_version is required with md5_key_wo: a new version sends the key again.",
            at("md5_key_wo_version"),
        );
    }
}

/// `planned` with `key` as its session's MD5 key: what the requests carry (never what state keeps).
pub(super) fn with_key(planned: &ConnectionState, key: &str) -> ConnectionState {
    let mut carried = planned.clone();
    if let Value::Value(bgp) = &mut carried.bgp {
        bgp.md5_key = Value::Value(key.to_owned());
    }
    carried
}

/// Whether an update sends the configured key again: its version changed.
pub(super) fn rotates(prior: &ConnectionState, planned: &ConnectionState) -> bool {
    planned.md5_key_wo_version.is_value() && prior.md5_key_wo_version != planned.md5_key_wo_version
}

/// The warning when the configuration's `md5_key_wo` is not the key last sent and its version did not
/// change: nothing is planned for it.
pub(super) fn warn_of_a_key_changed_without_its_version(
    prior: &ConnectionState,
    config: &ConnectionState,
    sent: Option<&str>,
    diags: &mut Diagnostics,
) {
    let (Value::Value(key), Some(sent)) = (&config.md5_key_wo, sent) else {
        return;
    };
    if sha256_hex(key) == sent || rotates(prior, config) {
        return;
    }
    diag::warning(
        diags,
        "md5_key_wo changed without md5_key_wo_version",
        "The configured md5_key_wo is not the key last sent, but md5_key_wo_version did not change, so \
         nothing is planned for it. Change md5_key_wo_version to send the new key (one PUT in place).",
        Some(AttributePath::new("md5_key_wo_version")),
    );
}

/// The warning when the API holds another MD5 key than the one last sent by the write-only route: it
/// was changed outside Terraform.
pub(super) fn warn_of_a_key_changed_outside(
    id: &str,
    answered: Option<&str>,
    sent: Option<&str>,
    diags: &mut Diagnostics,
) {
    let (Some(answered), Some(sent)) = (answered, sent) else {
        return;
    };
    if answered.chars().all(|c| c == '*') || sha256_hex(answered) == sent {
        return;
    }
    diag::warning(
        diags,
        format!("The MD5 key of connection {id} changed outside Terraform"),
        "The BGP session's MD5 key is not the md5_key_wo last sent. The provider never stores the key, so no \
         plan shows it: change md5_key_wo_version to send md5_key_wo again (one PUT in place).",
        Some(AttributePath::new("md5_key_wo_version")),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::{BgpValue, Number};

    fn with_bgp(key: Value<String>) -> ConnectionState {
        ConnectionState {
            bgp: Value::Value(BgpValue {
                customer_asn: Value::Value(Number(65001.0)),
                extra_prefixes: Value::Value(vec![]),
                md5_key: key,
            }),
            ..Default::default()
        }
    }

    #[test]
    fn the_write_only_key_needs_bgp_and_a_version_and_conflicts_with_bgp_md5_key() {
        let mut config = with_bgp(Value::Value("k3y".into()));
        config.md5_key_wo = Value::Value("s3cret".into());
        let mut diags = Diagnostics::default();
        check(&config, &mut diags);
        let text = format!("{:?}", diags.errors);
        assert!(
            text.contains("Conflicting MD5 keys") && text.contains("Missing md5_key_wo_version"),
            "{text}"
        );
        assert!(!text.contains("s3cret"), "{text}");
        config.bgp = Value::Null;
        config.md5_key_wo_version = Value::Value(Number(1.0));
        let mut diags = Diagnostics::default();
        check(&config, &mut diags);
        assert_eq!(diags.errors.len(), 1, "{:?}", diags.errors);
    }

    #[test]
    fn a_key_changed_without_its_version_or_outside_is_warned_of_never_echoed() {
        let prior = ConnectionState {
            md5_key_wo_version: Value::Value(Number(1.0)),
            ..Default::default()
        };
        let sent = sha256_hex("old-k3y");
        let mut config = prior.clone();
        config.md5_key_wo = Value::Value("new-k3y".into());
        let mut diags = Diagnostics::default();
        warn_of_a_key_changed_without_its_version(&prior, &config, Some(&sent), &mut diags);
        assert_eq!(diags.warnings.len(), 1);
        config.md5_key_wo_version = Value::Value(Number(2.0));
        let mut diags = Diagnostics::default();
        warn_of_a_key_changed_without_its_version(&prior, &config, Some(&sent), &mut diags);
        assert!(diags.warnings.is_empty(), "a new version rotates it");
        let mut diags = Diagnostics::default();
        warn_of_a_key_changed_outside("id", Some("other-k3y"), Some(&sent), &mut diags);
        warn_of_a_key_changed_outside("id", Some("old-k3y"), Some(&sent), &mut diags);
        warn_of_a_key_changed_outside("id", Some("********"), Some(&sent), &mut diags);
        assert_eq!(diags.warnings.len(), 1);
        assert!(!format!("{:?}", diags.warnings).contains("k3y"));
    }
}
