//! The plan of `cni_connection`, pure: the checks of a configuration, a new connection's plan, and a
//! change's (in place, unless `interconnect` or `account_id` changes).

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::state::ConnectionState;
use crate::attributes;
use crate::diag;
use crate::shared::{
    account_on_change, check_account_id, check_address_pair, connection_attributes, effective_account,
    missing_account,
};

/// Checks a configuration: every value alone (from the table, nested ones included), the account, and
/// the two addresses together.
pub fn validate_config(config: &ConnectionState, diags: &mut Diagnostics) {
    let table = connection_attributes();
    attributes::reject_computed(diags, &table, config);
    check_account_id(diags, &config.account_id);
    attributes::check_values(diags, &table, config);
    if let (Value::Value(p2p_ip), Value::Value(cust_ip)) = (&config.p2p_ip, &config.cust_ip) {
        if let Err(detail) = check_address_pair(p2p_ip, cust_ip) {
            diag::error(diags, "Invalid cust_ip", detail, diag::attr("cust_ip"));
        }
    }
}

/// What the API assigns when the configuration leaves it out: unknown until the apply.
fn leave_to_the_api(planned: &mut ConnectionState, config: &ConnectionState) {
    planned.id = Value::Unknown;
    for (value, configured) in [
        (&mut planned.bgp_mode, &config.bgp_mode),
        (&mut planned.p2p_ip, &config.p2p_ip),
        (&mut planned.cust_ip, &config.cust_ip),
    ] {
        if configured.is_null() {
            *value = Value::Unknown;
        }
    }
}

/// The plan of a new connection: the account it goes in, and what the API assigns unknown.
pub fn plan_new(
    mut proposed: ConnectionState,
    config: &ConnectionState,
    provider_account: &Value<String>,
    diags: &mut Diagnostics,
) -> ConnectionState {
    proposed.account_id = effective_account(&proposed.account_id, provider_account);
    if proposed.account_id.is_null() {
        missing_account(diags, "on the resource");
    }
    leave_to_the_api(&mut proposed, config);
    proposed
}

/// The plan of a change, and the attributes that force replacement: only `interconnect` and
/// `account_id` do; anything else is one `PUT` in place. Values the configuration leaves to the API
/// keep what the state holds (Terraform proposes them so), unless the connection is replaced.
pub fn plan_change(
    prior: &ConnectionState,
    mut proposed: ConnectionState,
    config: &ConnectionState,
    provider_account: &Value<String>,
) -> (ConnectionState, Vec<AttributePath>) {
    proposed.account_id = account_on_change(&config.account_id, &prior.account_id, provider_account);
    let replace = attributes::replacements(&connection_attributes(), prior, &proposed, config);
    match replace.is_empty() {
        true => proposed.id = prior.id.clone(),
        false => leave_to_the_api(&mut proposed, config),
    }
    (proposed, replace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::{BgpValue, MagicValue, Number};

    fn connection() -> ConnectionState {
        ConnectionState {
            id: Value::Value("8f0d1c5e-7e5b-4c47-9a3b-1f7c1e0b2a11".into()),
            account_id: Value::Value("acc".into()),
            interconnect: Value::Value("icon-1".into()),
            magic: Value::Value(MagicValue {
                conduit_name: Value::Value("edge".into()),
                description: Value::Value("".into()),
                mtu: Value::Value(Number(1500.0)),
            }),
            bgp: Value::Null,
            bgp_mode: Value::Null,
            p2p_ip: Value::Value("100.64.0.0/31".into()),
            cust_ip: Value::Value("100.64.0.1/31".into()),
        }
    }

    fn configured(state: &ConnectionState) -> ConnectionState {
        ConnectionState {
            id: Value::Null,
            p2p_ip: Value::Null,
            cust_ip: Value::Null,
            ..state.clone()
        }
    }

    #[test]
    fn a_change_of_magic_or_bgp_is_in_place_and_keeps_the_id_and_addresses() {
        let prior = connection();
        let mut proposed = prior.clone();
        proposed.bgp = Value::Value(BgpValue {
            customer_asn: Value::Value(Number(65001.0)),
            extra_prefixes: Value::Value(vec![]),
            md5_key: Value::Null,
        });
        let config = configured(&proposed);
        let (planned, replace) = plan_change(&prior, proposed.clone(), &config, &Value::Null);
        assert!(replace.is_empty());
        assert_eq!(planned, proposed);
    }

    #[test]
    fn another_interconnect_replaces_and_leaves_the_addresses_to_the_api() {
        let prior = connection();
        let mut proposed = prior.clone();
        proposed.interconnect = Value::Value("icon-2".into());
        let config = configured(&proposed);
        let (planned, replace) = plan_change(&prior, proposed, &config, &Value::Null);
        assert_eq!(replace, vec![AttributePath::new("interconnect")]);
        assert_eq!((planned.id, planned.p2p_ip), (Value::Unknown, Value::Unknown));
    }

    #[test]
    fn nested_values_are_checked_with_their_path_and_the_key_is_never_echoed() {
        let mut config = configured(&connection());
        config.id = Value::Null;
        if let Value::Value(magic) = &mut config.magic {
            magic.mtu = Value::Value(Number(1.5));
        }
        config.bgp = Value::Value(BgpValue {
            customer_asn: Value::Value(Number(-1.0)),
            extra_prefixes: Value::Value(vec![Value::Value("203.0.113.0".into())]),
            md5_key: Value::Value("bad?s3cret".into()),
        });
        config.cust_ip = Value::Value("100.64.0.9/31".into());
        config.p2p_ip = Value::Value("100.64.0.0/31".into());
        config.bgp_mode = Value::Value("sideways".into());
        let mut diags = Diagnostics::default();
        validate_config(&config, &mut diags);
        let text = format!("{:?}", diags.errors);
        for expected in [
            "magic.mtu must be a whole number",
            "bgp.customer_asn must be a whole number",
            "\\\"203.0.113.0\\\" is not an IPv4 address",
            "bgp.md5_key must be printable ASCII",
            "must be in the same prefix",
            "unknown bgp_mode",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
        assert!(!text.contains("s3cret"), "{text}");
        assert_eq!(diags.errors.len(), 6, "{text}");
    }
}
