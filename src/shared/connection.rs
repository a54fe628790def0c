//! What every CNI object (a connection) exposes, declared once: the resource's attributes (`magic`
//! and `bgp` as nested attributes, the MD5 key sensitive, each value's check), the same fields read-only
//! for the data sources, and the Terraform values of a connection.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};
use tf_provider::schema::AttributeType;
use tf_provider::value::Value;

use super::values::Number;
use crate::api::{BgpControl, Cni, MagicSettings, BGP_MODES};
use crate::attributes::{Attr, AttrType, Compare, Nesting, Replaces, Role};

/// The largest MTU, ASN and other 32-bit whole numbers the API takes.
const MAX_U32: f64 = u32::MAX as f64;

/// The filter of connection listings by slot (a UUID; the API filters).
pub const SLOT_FILTER: Attr = Attr::new(
    "slot",
    AttrType::String,
    Role::Optional,
    "Only the connections on the port in this slot (a UUID).",
);

/// The filter of connection listings by interconnect (the listing is filtered here).
pub const INTERCONNECT_FILTER: Attr = Attr::new(
    "interconnect",
    AttrType::String,
    Role::Optional,
    "Only the connections on this interconnect (by name).",
);

/// The fields of `magic`, as a configuration sets them.
pub fn magic_fields() -> Vec<Attr> {
    vec![
        Attr::new(
            "conduit_name",
            AttrType::String,
            Role::Required,
            "The Magic WAN conduit's name, unique in the account.",
        )
        .checked(a_conduit_name),
        Attr::new(
            "description",
            AttrType::String,
            Role::Required,
            "The conduit's description (may be empty).",
        ),
        Attr::new(
            "mtu",
            AttrType::Number,
            Role::Required,
            "The MTU, a whole number from 0 to 4294967295.",
        )
        .checked(an_mtu),
    ]
}

/// The fields of `bgp`, as a configuration sets them; the MD5 key sensitive.
pub fn bgp_fields() -> Vec<Attr> {
    vec![
        Attr::new(
            "customer_asn",
            AttrType::Number,
            Role::Required,
            "The ASN of the customer's end of the session, a whole number from 0 to 4294967295.",
        )
        .checked(an_asn),
        Attr::new(
            "extra_prefixes",
            AttrType::Other(string_list),
            Role::Required,
            "Extra static prefixes advertised to the customer's end, each a network `A.B.C.D/N` without \
             host bits (`203.0.113.0/24`, not `203.0.113.5/24`; may be empty). Their order is kept as \
             written.",
        )
        .checked(a_network),
        Attr::new(
            "md5_key",
            AttrType::String,
            Role::Optional,
            "The session's MD5 key: printable ASCII without `\"`, `?`, tabs or line breaks. The API \
             reads it back, so it is kept in state, sensitive.",
        )
        .sensitive()
        .checked(an_md5_key),
    ]
}

/// The fields of `magic`, read-only.
pub fn magic_read_only() -> Vec<Attr> {
    read_only(magic_fields())
}

/// The fields of `bgp`, read-only; the MD5 key sensitive.
pub fn bgp_read_only() -> Vec<Attr> {
    read_only(bgp_fields())
}

fn read_only(table: Vec<Attr>) -> Vec<Attr> {
    table
        .into_iter()
        .map(|attr| Attr {
            role: Role::Computed,
            check: None,
            ..attr
        })
        .collect()
}

fn string_list() -> AttributeType {
    AttributeType::List(Box::new(AttributeType::String))
}

/// The attributes of the `cni_connection` resource: only `interconnect` and `account_id` replace it;
/// every other change is one `PUT` in place.
pub fn connection_attributes() -> Vec<Attr> {
    vec![
        Attr::new("id", AttrType::String, Role::Computed, "The connection's UUID.").in_identity(true),
        Attr {
            identity: Some(false),
            ..crate::shared::ACCOUNT_ID
                .replacing(Replaces::Always(Compare::Exact))
                .generated()
        },
        Attr::new(
            "interconnect",
            AttrType::String,
            Role::Required,
            "The name of the interconnect it is on.",
        )
        .replacing(Replaces::Always(Compare::Exact))
        .generated(),
        Attr::new(
            "magic",
            AttrType::Nested(Nesting::Single, magic_fields),
            Role::Required,
            "The Magic WAN conduit.",
        )
        .generated(),
        Attr::new(
            "bgp",
            AttrType::Nested(Nesting::Single, bgp_fields),
            Role::Optional,
            "The BGP session; null when there is none.",
        )
        .generated(),
        Attr::new(
            "bgp_mode",
            AttrType::String,
            Role::OptionalComputed,
            "How routes are exchanged over the session. The API takes it only in an update, so a \
             configured mode is set by a `PUT` right after the create.",
        )
        .one_of(&BGP_MODES)
        .generated(),
        Attr::new(
            "p2p_ip",
            AttrType::String,
            Role::OptionalComputed,
            "Cloudflare's end of the point-to-point link, `A.B.C.D/N`: assigned by Cloudflare unless set.",
        )
        .checked(a_prefix),
        Attr::new(
            "cust_ip",
            AttrType::String,
            Role::OptionalComputed,
            "The customer's end of the point-to-point link, another address of the same prefix as \
             `p2p_ip`: assigned by Cloudflare unless set.",
        )
        .checked(a_prefix),
    ]
}

/// Every field of a connection, read-only (what the data sources show).
pub fn connection_fields() -> Vec<Attr> {
    connection_attributes()
        .into_iter()
        .map(|attr| {
            let kind = match attr.name {
                "magic" => AttrType::Nested(Nesting::Single, magic_read_only),
                "bgp" => AttrType::Nested(Nesting::Single, bgp_read_only),
                _ => attr.kind,
            };
            // What the resource says of setting them is no concern of a reader.
            let description = match attr.name {
                "bgp_mode" => {
                    "How routes are exchanged over the session: `dynamic_route_exchange` or \
                               `advertise_only`; null when the API reports none."
                }
                "p2p_ip" => "Cloudflare's end of the point-to-point link, `A.B.C.D/N`.",
                "cust_ip" => "The customer's end of the point-to-point link, in the same prefix as `p2p_ip`.",
                _ => attr.description,
            };
            Attr {
                kind,
                description,
                role: Role::Computed,
                check: None,
                one_of: None,
                identity: None,
                replaces: Replaces::Never,
                generated: false,
                ..attr
            }
        })
        .collect()
}

fn a_whole_number(text: &str, what: &str) -> Result<(), String> {
    match text.parse::<f64>() {
        Ok(n) if n.fract() == 0.0 && (0.0..=MAX_U32).contains(&n) => Ok(()),
        _ => Err(format!(
            "{what} must be a whole number from 0 to 4294967295, not {text}."
        )),
    }
}

fn an_mtu(text: &str) -> Result<(), String> {
    a_whole_number(text, "magic.mtu")
}

fn an_asn(text: &str) -> Result<(), String> {
    a_whole_number(text, "bgp.customer_asn")
}

fn a_conduit_name(text: &str) -> Result<(), String> {
    match text.trim().is_empty() {
        true => Err("magic.conduit_name must not be empty.".to_owned()),
        false => Ok(()),
    }
}

fn an_md5_key(key: &str) -> Result<(), String> {
    check_md5_key(key, "bgp.md5_key")
}

/// Checks an MD5 key given as `what`: non-empty printable ASCII without `"` or `?`. The error never
/// repeats the key.
pub fn check_md5_key(key: &str, what: &str) -> Result<(), String> {
    let allowed = |c: char| (' '..='~').contains(&c) && c != '"' && c != '?';
    match !key.is_empty() && key.chars().all(allowed) {
        true => Ok(()),
        false => Err(format!(
            "{what} must be printable ASCII without '\"', '?', tabs or line breaks (the key is not shown)."
        )),
    }
}

/// The address and prefix length of `A.B.C.D/N`.
pub fn prefix_of(text: &str) -> Option<(Ipv4Addr, u32)> {
    let (address, length) = text.split_once('/')?;
    let length: u32 = length.parse().ok().filter(|n| *n <= 32)?;
    Some((address.parse().ok()?, length))
}

/// A network `A.B.C.D/N`: no bits set past the prefix length.
fn a_network(text: &str) -> Result<(), String> {
    a_prefix(text)?;
    let Some((address, length)) = prefix_of(text) else {
        return Ok(());
    };
    let network = u32::from(address) & mask(length);
    match network == u32::from(address) {
        true => Ok(()),
        false => Err(format!(
            "{text:?} has host bits set: the network of that prefix is {}/{length}.",
            Ipv4Addr::from(network)
        )),
    }
}

/// The network mask of a prefix length (0 to 32).
fn mask(length: u32) -> u32 {
    u32::MAX.checked_shl(32 - length).unwrap_or(0)
}

fn a_prefix(text: &str) -> Result<(), String> {
    match prefix_of(text) {
        Some(_) => Ok(()),
        None => Err(format!(
            "{text:?} is not an IPv4 address with its prefix length, A.B.C.D/N."
        )),
    }
}

/// Whether `p2p_ip` and `cust_ip` are two different addresses of one prefix (both `A.B.C.D/N`); the
/// error's detail when not.
pub fn check_address_pair(p2p_ip: &str, cust_ip: &str) -> Result<(), String> {
    let (Some((p2p, n)), Some((cust, m))) = (prefix_of(p2p_ip), prefix_of(cust_ip)) else {
        return Ok(()); // each is checked on its own
    };
    let same_prefix = n == m && (u32::from(p2p) & mask(n)) == (u32::from(cust) & mask(n));
    match (same_prefix, p2p != cust) {
        (true, true) => Ok(()),
        (false, _) => Err(format!(
            "cust_ip {cust_ip} and p2p_ip {p2p_ip} must be in the same prefix (such as one /31)."
        )),
        (true, false) => Err(format!(
            "cust_ip and p2p_ip must be different addresses, not both {cust_ip}."
        )),
    }
}

/// A connection as Terraform values.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct ConnectionItem {
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
}

/// `magic` as Terraform values.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct MagicValue {
    /// The conduit's name.
    pub conduit_name: Value<String>,
    /// Its description.
    pub description: Value<String>,
    /// The MTU.
    pub mtu: Value<Number>,
}

/// `bgp` as Terraform values.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct BgpValue {
    /// The customer's ASN.
    pub customer_asn: Value<Number>,
    /// Extra prefixes.
    pub extra_prefixes: Value<Vec<Value<String>>>,
    /// The MD5 key.
    pub md5_key: Value<String>,
}

impl From<&MagicSettings> for MagicValue {
    fn from(m: &MagicSettings) -> Self {
        MagicValue {
            conduit_name: Value::Value(m.conduit_name.clone()),
            description: Value::Value(m.description.clone()),
            mtu: Value::Value(Number(f64::from(m.mtu))),
        }
    }
}

impl From<&BgpControl> for BgpValue {
    fn from(b: &BgpControl) -> Self {
        BgpValue {
            customer_asn: Value::Value(Number(f64::from(b.customer_asn))),
            extra_prefixes: Value::Value(b.extra_prefixes.iter().cloned().map(Value::Value).collect()),
            md5_key: b.md5_key.as_ref().map(|k| k.expose().to_owned()).into(),
        }
    }
}

impl ConnectionItem {
    /// The item for an API connection.
    pub fn from_api(cni: &Cni) -> Self {
        ConnectionItem {
            id: Value::Value(cni.id.clone()),
            account_id: Value::Value(cni.account.clone()),
            interconnect: Value::Value(cni.interconnect.clone()),
            magic: Value::Value(MagicValue::from(&cni.magic)),
            bgp: cni.bgp.as_ref().map(BgpValue::from).into(),
            bgp_mode: cni.bgp_mode.clone().into(),
            p2p_ip: Value::Value(cni.p2p_ip.clone()),
            cust_ip: Value::Value(cni.cust_ip.clone()),
        }
    }
}
