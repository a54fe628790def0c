//! What every CNI object (a connection) exposes: the items of `cni_connections`, the `cni_connection`
//! data source and, later, the resource's attributes: `magic` and `bgp` as nested attributes, the MD5
//! key sensitive.

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use super::values::Number;
use crate::api::{BgpControl, Cni, MagicSettings};
use crate::attributes::{Attr, AttrType, Nesting, Role};

/// The fields of `magic`, computed.
pub fn magic_fields() -> Vec<Attr> {
    vec![
        Attr::new(
            "conduit_name",
            AttrType::String,
            Role::Computed,
            "The Magic WAN conduit's name, unique in the account.",
        ),
        Attr::new(
            "description",
            AttrType::String,
            Role::Computed,
            "The conduit's description.",
        ),
        Attr::new("mtu", AttrType::Number, Role::Computed, "The MTU."),
    ]
}

/// The fields of `bgp`, computed; the MD5 key sensitive.
pub fn bgp_fields() -> Vec<Attr> {
    vec![
        Attr::new(
            "customer_asn",
            AttrType::Number,
            Role::Computed,
            "The ASN of the customer's end of the session.",
        ),
        Attr::new(
            "extra_prefixes",
            AttrType::Other(string_list),
            Role::Computed,
            "Extra static prefixes advertised to the customer's end, `A.B.C.D/N`.",
        ),
        Attr::new(
            "md5_key",
            AttrType::String,
            Role::Computed,
            "The session's MD5 key, if any.",
        )
        .sensitive(),
    ]
}

fn string_list() -> tf_provider::schema::AttributeType {
    tf_provider::schema::AttributeType::List(Box::new(tf_provider::schema::AttributeType::String))
}

/// Every field of a connection, computed.
pub fn connection_fields() -> Vec<Attr> {
    vec![
        Attr::new("id", AttrType::String, Role::Computed, "The connection's UUID."),
        Attr::new("account_id", AttrType::String, Role::Computed, "The account."),
        Attr::new(
            "interconnect",
            AttrType::String,
            Role::Computed,
            "The name of the interconnect it is on.",
        ),
        Attr::new(
            "magic",
            AttrType::Nested(Nesting::Single, magic_fields),
            Role::Computed,
            "The Magic WAN conduit.",
        ),
        Attr::new(
            "bgp",
            AttrType::Nested(Nesting::Single, bgp_fields),
            Role::Computed,
            "The BGP session; null when there is none.",
        ),
        Attr::new(
            "bgp_mode",
            AttrType::String,
            Role::Computed,
            "`dynamic_route_exchange` or `advertise_only`; null when the API reports none.",
        ),
        Attr::new(
            "p2p_ip",
            AttrType::String,
            Role::Computed,
            "Cloudflare's end of the point-to-point link, `A.B.C.D/N`.",
        ),
        Attr::new(
            "cust_ip",
            AttrType::String,
            Role::Computed,
            "The customer's end of the point-to-point link, in the same prefix.",
        ),
    ]
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
