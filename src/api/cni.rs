//! Typed bodies of the CNI objects (`/cni/cnis`: `nsc_Cni`, `nsc_CniCreate`) and the account settings
//! (`/cni/settings`: `nsc_Settings`, `nsc_SettingsRequest`).

use serde::{Deserialize, Serialize};

use super::secret::Secret;

/// The BGP modes the API knows (`bgp_mode`); an answer may carry another, kept as text.
pub const BGP_MODES: [&str; 2] = ["dynamic_route_exchange", "advertise_only"];

/// A CNI object: the IP link, Magic conduit and BGP session over an interconnect (`nsc_Cni`). Also the
/// body of `PUT /cni/cnis/{id}`, which takes the whole object: what it leaves out is removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cni {
    /// Its UUID.
    pub id: String,
    /// The account tag.
    pub account: String,
    /// The name of the interconnect it is on.
    pub interconnect: String,
    /// The Magic WAN conduit.
    pub magic: MagicSettings,
    /// Cloudflare's end of the point-to-point link, `A.B.C.D/N`.
    pub p2p_ip: String,
    /// The customer's end, in the same prefix.
    pub cust_ip: String,
    /// The BGP session, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bgp: Option<BgpControl>,
    /// `dynamic_route_exchange` or `advertise_only` (taken only by a PUT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bgp_mode: Option<String>,
    /// Members this client does not model (the API grows): kept from a read and sent back whole in
    /// a PUT, which would otherwise remove them.
    #[serde(flatten)]
    pub other: Members,
}

/// Members of an object that this client does not model, as the API sent them.
pub type Members = serde_json::Map<String, serde_json::Value>;

/// `nsc_MagicSettings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MagicSettings {
    /// The conduit's name, unique in the account.
    pub conduit_name: String,
    /// Its description.
    pub description: String,
    /// The MTU.
    pub mtu: u32,
    /// Members this client does not model, carried into a PUT.
    #[serde(flatten)]
    pub other: Members,
}

/// `nsc_BgpControl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BgpControl {
    /// The customer's ASN.
    pub customer_asn: u32,
    /// Extra static prefixes advertised to the customer, `A.B.C.D/N`.
    pub extra_prefixes: Vec<String>,
    /// The session's MD5 key (the API reads it back; Terraform keeps it sensitive, and it never prints).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5_key: Option<Secret>,
    /// Members this client does not model, carried into a PUT.
    #[serde(flatten)]
    pub other: Members,
}

/// The body of `POST /cni/cnis` (`nsc_CniCreate`): the API assigns the addresses, and takes `bgp_mode`
/// only by a PUT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateCni {
    /// The account tag (the same as the path's).
    pub account: String,
    /// The interconnect it goes on.
    pub interconnect: String,
    /// The Magic WAN conduit.
    pub magic: MagicSettings,
    /// The BGP session, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bgp: Option<BgpControl>,
}

/// Filters of `GET /cni/cnis`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CniFilter {
    /// Only the CNIs on the port in this slot.
    pub slot: Option<String>,
    /// Only the CNIs of this tunnel.
    pub tunnel_id: Option<String>,
}

/// The account's CNI settings (`nsc_Settings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The account's default ASN.
    pub default_asn: u32,
}

/// Where a request's MD5 key is, so that errors can be scrubbed of it.
pub(super) fn md5_key_of(bgp: Option<&BgpControl>) -> Option<&Secret> {
    bgp.and_then(|b| b.md5_key.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cni_reads_what_the_api_sends_and_puts_it_back_whole() {
        let answer = r#"{"id":"8f0d1c5e-7e5b-4c47-9a3b-1f7c1e0b2a11","account":"a","interconnect":"icon-1",
            "magic":{"conduit_name":"edge","description":"","mtu":1500},"p2p_ip":"100.64.0.0/31",
            "cust_ip":"100.64.0.1/31","bgp":{"customer_asn":65001,"extra_prefixes":[],"md5_key":"k3y"},
            "bgp_mode":"something_new","unknown_field":1}"#;
        let cni: Cni = serde_json::from_str(answer).expect("decodes");
        assert_eq!(
            cni.bgp_mode.as_deref(),
            Some("something_new"),
            "unknown modes kept"
        );
        assert!(!format!("{cni:?}").contains("k3y"), "the key never prints");
        let put = serde_json::to_value(&cni).expect("encodes");
        assert_eq!(put["bgp"]["md5_key"], "k3y", "the PUT carries the key");
        assert_eq!(put["unknown_field"], 1, "and what the client does not model");
        let without = Cni {
            bgp: None,
            bgp_mode: None,
            ..cni
        };
        let put = serde_json::to_value(&without).expect("encodes");
        assert!(put.get("bgp").is_none() && put.get("bgp_mode").is_none(), "{put}");
    }
}
