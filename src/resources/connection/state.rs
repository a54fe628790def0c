//! The declaration of `cni_connection`: its schema and identity from the shared table, its import ID,
//! and its Terraform values to and from the API's bodies.

use tf_provider::schema::Schema;
use tf_provider::value::Value;

use crate::api::{BgpControl, Cni, CreateCni, MagicSettings, Secret};
use crate::attributes;
use crate::plugin::handlers::Identity;
use crate::shared::{connection_attributes, BgpValue, ConnectionItem, MagicValue};

/// The state (and configuration, and plan) of `cni_connection`: the fields every connection exposes.
pub type ConnectionState = ConnectionItem;

/// The schema, derived from the table.
pub fn schema() -> Schema {
    Schema {
        version: 0,
        block: attributes::block(
            "A connection (CNI object): the IP link, Magic WAN conduit and BGP session over an \
             interconnect. Changes other than `interconnect` and `account_id` are made in place, with one \
             `PUT` of the whole object.",
            &connection_attributes(),
            vec![],
        ),
    }
}

/// The identity `{ account_id, id }`, and the import ID it stands for.
pub fn identity() -> Identity {
    Identity {
        version: 0,
        attributes: attributes::identity_attributes(&connection_attributes()),
        import_id: |values| {
            let id = values
                .get("id")
                .cloned()
                .flatten()
                .ok_or("the identity has no id")?;
            Ok(match values.get("account_id").cloned().flatten() {
                Some(account) => format!("{account}/{id}"),
                None => id,
            })
        },
    }
}

/// Splits an import ID: `<account_id>/<id>`, or `<id>` when the provider has an account; the id must be
/// a UUID.
pub fn parse_import_id(id: &str, provider_account: Option<&str>) -> Result<(String, String), String> {
    let expected = "expected \"<account_id>/<id>\", or \"<id>\" when the provider sets account_id (id: the connection's UUID)";
    let parts: Vec<&str> = id.trim().split('/').collect();
    let (account, cni) = match parts.as_slice() {
        [account, cni] if !account.trim().is_empty() => (account.trim().to_owned(), *cni),
        [cni] => match provider_account {
            Some(account) => (account.to_owned(), *cni),
            None => {
                return Err(format!(
                    "import ID {id:?} has no account and the provider sets no account_id: {expected}"
                ))
            }
        },
        _ => return Err(format!("invalid import ID {id:?}: {expected}")),
    };
    match uuid::Uuid::parse_str(cni.trim()) {
        Ok(_) => Ok((account, cni.trim().to_owned())),
        Err(_) => Err(format!("invalid import ID {id:?}: {expected}")),
    }
}

/// A known whole number that fits the API's 32 bits.
fn whole(value: &Value<crate::shared::Number>) -> Option<u32> {
    value
        .as_ref_option()
        .filter(|n| n.0.fract() == 0.0 && n.0 >= 0.0 && n.0 <= f64::from(u32::MAX))
        .map(|n| n.0 as u32)
}

fn known(value: &Value<String>) -> Option<String> {
    value.as_ref_option().cloned()
}

/// `magic` as the API takes it; `None` while any part is unknown.
pub(super) fn magic_body(magic: &Value<MagicValue>) -> Option<MagicSettings> {
    let magic = magic.as_ref_option()?;
    Some(MagicSettings {
        conduit_name: known(&magic.conduit_name)?,
        description: known(&magic.description)?,
        mtu: whole(&magic.mtu)?,
    })
}

/// `bgp` as the API takes it: `Ok(None)` for no session; `Err(())` while any part is unknown.
pub(super) fn bgp_body(bgp: &Value<BgpValue>) -> Result<Option<BgpControl>, ()> {
    let bgp = match bgp {
        Value::Null => return Ok(None),
        Value::Unknown => return Err(()),
        Value::Value(bgp) => bgp,
    };
    let prefixes = bgp.extra_prefixes.as_ref_option().ok_or(())?;
    let extra_prefixes = prefixes
        .iter()
        .map(|p| p.as_ref_option().cloned().ok_or(()))
        .collect::<Result<Vec<_>, ()>>()?;
    let md5_key = match &bgp.md5_key {
        Value::Value(key) => Some(Secret::new(key.clone())),
        Value::Null => None,
        Value::Unknown => return Err(()),
    };
    Ok(Some(BgpControl {
        customer_asn: whole(&bgp.customer_asn).ok_or(())?,
        extra_prefixes,
        md5_key,
    }))
}

/// The body of the `POST` for a planned connection in `account`; `None` while a value is unknown.
pub(super) fn create_body(planned: &ConnectionState, account: &str) -> Option<CreateCni> {
    Some(CreateCni {
        account: account.to_owned(),
        interconnect: known(&planned.interconnect)?,
        magic: magic_body(&planned.magic)?,
        bgp: bgp_body(&planned.bgp).ok()?,
    })
}

/// The whole object a `PUT` sends to make `current` what `planned` says: every planned value, and
/// the current one where the plan leaves a value to the API (unknown).
pub(super) fn put_body(planned: &ConnectionState, current: &Cni) -> Option<Cni> {
    let or_current = |value: &Value<String>, current: &str| match value {
        Value::Value(v) => v.clone(),
        _ => current.to_owned(),
    };
    Some(Cni {
        id: current.id.clone(),
        account: current.account.clone(),
        interconnect: current.interconnect.clone(),
        magic: magic_body(&planned.magic)?,
        p2p_ip: or_current(&planned.p2p_ip, &current.p2p_ip),
        cust_ip: or_current(&planned.cust_ip, &current.cust_ip),
        bgp: bgp_body(&planned.bgp).ok()?,
        bgp_mode: match &planned.bgp_mode {
            Value::Value(mode) => Some(mode.clone()),
            Value::Null => None,
            Value::Unknown => current.bgp_mode.clone(),
        },
    })
}

/// The API object a state describes, when every value of it is known.
pub(super) fn api_object(state: &ConnectionState) -> Option<Cni> {
    let current = Cni {
        id: state.id.as_ref_option()?.clone(),
        account: state.account_id.as_ref_option()?.clone(),
        interconnect: state.interconnect.as_ref_option()?.clone(),
        magic: magic_body(&state.magic)?,
        p2p_ip: state.p2p_ip.as_ref_option()?.clone(),
        cust_ip: state.cust_ip.as_ref_option()?.clone(),
        bgp: bgp_body(&state.bgp).ok()?,
        bgp_mode: state.bgp_mode.as_ref_option().cloned(),
    };
    Some(current)
}

/// Whether `current` already is what `planned` asks for.
pub(super) fn settled(planned: &ConnectionState, current: &Cni) -> bool {
    put_body(planned, current).as_ref() == Some(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_id_is_an_account_and_a_uuid_or_a_uuid() {
        let id = "8f0d1c5e-7e5b-4c47-9a3b-1f7c1e0b2a11";
        assert_eq!(
            parse_import_id(&format!("acc/{id}"), None),
            Ok(("acc".to_owned(), id.to_owned()))
        );
        assert_eq!(
            parse_import_id(id, Some("p")),
            Ok(("p".to_owned(), id.to_owned()))
        );
        assert!(parse_import_id(id, None).is_err());
        assert!(parse_import_id("acc/edge-ewr-1", None).is_err());
        assert!(parse_import_id("a/b/c", None).is_err());
    }
}
