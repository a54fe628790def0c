//! The declaration of `cni_connection`: its schema and identity from the shared table, its import ID,
//! and its Terraform values to and from the API's bodies.

use serde::{Deserialize, Serialize};
use tf_provider::schema::Schema;
use tf_provider::value::Value;

use crate::api::{BgpControl, Cni, CreateCni, MagicSettings, Members, Secret};
use crate::attributes::{self, Attr, AttrType, Role};
use crate::plugin::handlers::Identity;
use crate::shared::{
    check_md5_key, connection_attributes, connection_timeouts_block, BgpValue, ConnectionItem,
    ConnectionTimeouts, MagicValue, Number,
};

/// The state (and configuration, and plan) of `cni_connection`: the fields every connection exposes,
/// the write-only MD5 key and its version, and the `timeouts` block.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct ConnectionState {
    /// Its UUID.
    pub id: Value<String>,
    /// The account.
    pub account_id: Value<String>,
    /// The interconnect it is on.
    pub interconnect: Value<String>,
    /// The Magic WAN conduit.
    pub magic: Value<MagicValue>,
    /// The BGP session.
    pub bgp: Value<BgpValue>,
    /// The BGP mode.
    pub bgp_mode: Value<String>,
    /// Cloudflare's end.
    pub p2p_ip: Value<String>,
    /// The customer's end.
    pub cust_ip: Value<String>,
    /// The session's MD5 key, write-only: in the configuration only, never in plan or state.
    #[serde(default)]
    pub md5_key_wo: Value<String>,
    /// Its version: a new one sends the key again.
    #[serde(default)]
    pub md5_key_wo_version: Value<Number>,
    /// Operation timeouts.
    #[serde(default)]
    pub timeouts: Value<ConnectionTimeouts>,
}

impl From<ConnectionItem> for ConnectionState {
    fn from(item: ConnectionItem) -> Self {
        let ConnectionItem {
            id,
            account_id,
            interconnect,
            magic,
            bgp,
            bgp_mode,
            p2p_ip,
            cust_ip,
        } = item;
        ConnectionState {
            id,
            account_id,
            interconnect,
            magic,
            bgp,
            bgp_mode,
            p2p_ip,
            cust_ip,
            md5_key_wo: Value::Null,
            md5_key_wo_version: Value::Null,
            timeouts: no_timeouts(),
        }
    }
}

/// The attributes of the resource: what every connection exposes, and the write-only MD5 key.
pub fn attribute_table() -> Vec<Attr> {
    let mut table = connection_attributes();
    table.extend([
        Attr::new(
            "md5_key_wo",
            AttrType::String,
            Role::Optional,
            "Terraform 1.11 and later: the BGP session's MD5 key as a write-only argument, sent to the API \
             and never stored in state or plan (a SHA-256 of it is kept, to tell when it changes outside \
             Terraform). Use it instead of `bgp.md5_key`, with `bgp` and `md5_key_wo_version`.",
        )
        .sensitive()
        .write_only("bgp.md5_key")
        .checked(|key| check_md5_key(key, "md5_key_wo")),
        Attr::new(
            "md5_key_wo_version",
            AttrType::Number,
            Role::Optional,
            "Required with `md5_key_wo`: change it to send the current `md5_key_wo` to the API, with one \
             `PUT` in place. Any other change keeps the session's key as it is.",
        ),
    ]);
    table
}

/// The schema, derived from the table.
pub fn schema() -> Schema {
    Schema {
        version: 0,
        block: attributes::block(
            "A connection (CNI object): the IP link, Magic WAN conduit and BGP session over an \
             interconnect. Changes other than `interconnect` and `account_id` are made in place, with one \
             `PUT` of the whole object.",
            &attribute_table(),
            vec![("timeouts", connection_timeouts_block())],
        ),
    }
}

/// What the provider keeps beside a connection's state: the members of the API's object it does not
/// model, from the latest answer, so that a `PUT` (which replaces the whole object) sends them back.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct ConnectionPrivate {
    /// Those members as JSON: `{"top": {…}, "magic": {…}, "bgp": {…}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unmodeled: Option<String>,
    /// The SHA-256 (hex) of the MD5 key last sent by the write-only route (`md5_key_wo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5_key_sha256: Option<String>,
}

/// The members of a CNI this provider does not model, by where they sit.
#[derive(Serialize, Deserialize, Default)]
struct Unmodeled {
    #[serde(default, skip_serializing_if = "Members::is_empty")]
    top: Members,
    #[serde(default, skip_serializing_if = "Members::is_empty")]
    magic: Members,
    #[serde(default, skip_serializing_if = "Members::is_empty")]
    bgp: Members,
}

impl ConnectionPrivate {
    /// What `cni` holds beyond the modeled fields, and `md5_key_sha256`; `None` when nothing.
    pub(super) fn of(cni: &Cni, md5_key_sha256: Option<String>) -> Option<ConnectionPrivate> {
        let unmodeled = Unmodeled {
            top: cni.other.clone(),
            magic: cni.magic.other.clone(),
            bgp: cni.bgp.as_ref().map(|b| b.other.clone()).unwrap_or_default(),
        };
        let none = unmodeled.top.is_empty() && unmodeled.magic.is_empty() && unmodeled.bgp.is_empty();
        let unmodeled = (!none).then(|| serde_json::to_string(&unmodeled).ok()).flatten();
        (unmodeled.is_some() || md5_key_sha256.is_some()).then_some(ConnectionPrivate {
            unmodeled,
            md5_key_sha256,
        })
    }

    /// Puts the members kept into `cni` (into `bgp` only when it has a session).
    pub(super) fn put_into(private: Option<&ConnectionPrivate>, cni: &mut Cni) {
        let Some(text) = private.and_then(|p| p.unmodeled.as_deref()) else {
            return;
        };
        let Ok(unmodeled) = serde_json::from_str::<Unmodeled>(text) else {
            tracing::warn!(
                "the members of connection {} kept from its last read could not be read",
                cni.id
            );
            return;
        };
        cni.other = unmodeled.top;
        cni.magic.other = unmodeled.magic;
        if let Some(bgp) = &mut cni.bgp {
            bgp.other = unmodeled.bgp;
        }
    }
}

/// The state for what the API answered, keeping what the user wrote where the API means the same: the
/// account in another case, the extra prefixes in another order, an MD5 key the API leaves out or
/// masks; and the `timeouts` block as written.
pub(super) fn state_from(cni: &Cni, written: &ConnectionState) -> ConnectionState {
    let mut state = ConnectionState::from(ConnectionItem::from_api(cni));
    if let (Value::Value(answered), Value::Value(wrote)) = (&state.account_id, &written.account_id) {
        if answered.eq_ignore_ascii_case(wrote) {
            state.account_id = written.account_id.clone();
        }
    }
    if let (Value::Value(bgp), Value::Value(wrote)) = (&mut state.bgp, &written.bgp) {
        if same_prefixes(&bgp.extra_prefixes, &wrote.extra_prefixes) {
            bgp.extra_prefixes = wrote.extra_prefixes.clone();
        }
        let answered = cni.bgp.as_ref().and_then(|b| b.md5_key.as_ref());
        if answered.is_none_or(|key| is_masked(key.expose())) && wrote.md5_key.is_value() {
            bgp.md5_key = wrote.md5_key.clone();
        }
    }
    state.timeouts = Value::Value(written.timeouts.as_ref_option().cloned().unwrap_or_default());
    state.md5_key_wo_version = written.md5_key_wo_version;
    if written.md5_key_wo_version.is_value() {
        // The key goes by the write-only route: never in state, though the API reads it back.
        if let Value::Value(bgp) = &mut state.bgp {
            bgp.md5_key = Value::Null;
        }
    }
    state
}

/// Whether two lists of prefixes hold the same prefixes, in any order.
fn same_prefixes(a: &Value<Vec<Value<String>>>, b: &Value<Vec<Value<String>>>) -> bool {
    let sorted = |list: &Value<Vec<Value<String>>>| {
        let mut texts: Vec<Option<String>> = list
            .as_ref_option()?
            .iter()
            .map(|p| p.as_ref_option().cloned())
            .collect();
        texts.sort();
        Some(texts)
    };
    sorted(a).is_some_and(|a| Some(a) == sorted(b))
}

/// Whether an MD5 key the API answered is a mask (only `*`), not the key.
fn is_masked(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c == '*')
}

/// A state for an import: the account and id, everything else read next.
pub(super) fn imported(account: String, id: String) -> ConnectionState {
    ConnectionState {
        id: Value::Value(id),
        account_id: Value::Value(account),
        timeouts: no_timeouts(),
        ..Default::default()
    }
}

/// The timeouts block of a state, with every duration unset.
pub(super) fn no_timeouts() -> Value<ConnectionTimeouts> {
    Value::Value(ConnectionTimeouts::default())
}

/// The identity `{ account_id, id }`, and the import ID it stands for.
pub fn identity() -> Identity {
    Identity {
        version: 0,
        attributes: attributes::identity_attributes(&attribute_table()),
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
    if let Some(e) = crate::shared::account_tag_error(&account, "the import ID's account") {
        return Err(format!("invalid import ID {id:?}: {e}"));
    }
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
        other: Members::new(),
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
        other: Members::new(),
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

/// The whole object a `PUT` sends to make `current` what `planned` says: every planned value, the
/// current one where the plan leaves a value to the API (unknown), and every member of `current` this
/// provider does not model (at the top, in `magic`, and in `bgp` while the session stays).
pub(super) fn put_body(planned: &ConnectionState, current: &Cni) -> Option<Cni> {
    let or_current = |value: &Value<String>, current: &str| match value {
        Value::Value(v) => v.clone(),
        _ => current.to_owned(),
    };
    let mut magic = magic_body(&planned.magic)?;
    magic.other = current.magic.other.clone();
    let mut bgp = bgp_body(&planned.bgp).ok()?;
    if let (Some(bgp), Some(was)) = (&mut bgp, &current.bgp) {
        bgp.other = was.other.clone();
    }
    Some(Cni {
        id: current.id.clone(),
        account: current.account.clone(),
        interconnect: current.interconnect.clone(),
        magic,
        p2p_ip: or_current(&planned.p2p_ip, &current.p2p_ip),
        cust_ip: or_current(&planned.cust_ip, &current.cust_ip),
        bgp,
        bgp_mode: match &planned.bgp_mode {
            Value::Value(mode) => Some(mode.clone()),
            Value::Null => None,
            Value::Unknown => current.bgp_mode.clone(),
        },
        other: current.other.clone(),
    })
}

/// The API object a state describes (with the members `private` kept from the latest answer), when
/// every value of it is known.
pub(super) fn api_object(state: &ConnectionState, private: Option<&ConnectionPrivate>) -> Option<Cni> {
    let mut current = Cni {
        id: state.id.as_ref_option()?.clone(),
        account: state.account_id.as_ref_option()?.clone(),
        interconnect: state.interconnect.as_ref_option()?.clone(),
        magic: magic_body(&state.magic)?,
        p2p_ip: state.p2p_ip.as_ref_option()?.clone(),
        cust_ip: state.cust_ip.as_ref_option()?.clone(),
        bgp: bgp_body(&state.bgp).ok()?,
        bgp_mode: state.bgp_mode.as_ref_option().cloned(),
        other: Members::new(),
    };
    ConnectionPrivate::put_into(private, &mut current);
    Some(current)
}

/// Whether `current` already is what `planned` asks for: prefixes in another order, and an MD5 key
/// the API leaves out or masks, are no difference.
pub(super) fn settled(planned: &ConnectionState, current: &Cni) -> bool {
    let Some(mut put) = put_body(planned, current) else {
        return false;
    };
    if let (Some(wanted), Some(answered)) = (&mut put.bgp, &current.bgp) {
        let mut sorted = [wanted.extra_prefixes.clone(), answered.extra_prefixes.clone()];
        sorted.iter_mut().for_each(|list| list.sort());
        if sorted[0] == sorted[1] {
            wanted.extra_prefixes = answered.extra_prefixes.clone();
        }
        if answered
            .md5_key
            .as_ref()
            .is_none_or(|key| is_masked(key.expose()))
        {
            wanted.md5_key = answered.md5_key.clone();
        }
    }
    put == *current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_id_is_an_account_and_a_uuid_or_a_uuid() {
        let id = "8f0d1c5e-7e5b-4c47-9a3b-1f7c1e0b2a11";
        let (a, b) = (
            "023e105f4ecef8ad9ca31a8372d0c353",
            "0123456789abcdef0123456789abcdef",
        );
        assert_eq!(
            parse_import_id(&format!("{a}/{id}"), None),
            Ok((a.to_owned(), id.to_owned()))
        );
        assert_eq!(parse_import_id(id, Some(b)), Ok((b.to_owned(), id.to_owned())));
        assert!(
            parse_import_id(&format!("acc/{id}"), None).is_err(),
            "not a 32-hex account"
        );
        assert!(parse_import_id(&format!("../{id}"), None).is_err());
        assert!(parse_import_id(id, None).is_err());
        assert!(parse_import_id("acc/edge-ewr-1", None).is_err());
        assert!(parse_import_id("a/b/c", None).is_err());
    }
}
