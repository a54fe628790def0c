//! The CNI objects' records (`nsc_Cni`: magic settings, BGP control) as the mock keeps and renders
//! them, and the checks of their request bodies, with the API's messages.

use std::net::Ipv4Addr;

use serde_json::{json, Map, Value};

use super::super::envelope::{code, ApiFailure};
use super::config::CniQuirk;
use super::fields::{required_str, Outcome};

/// The BGP modes a PUT accepts.
pub const BGP_MODES: [&str; 2] = ["dynamic_route_exchange", "advertise_only"];

/// The largest ASN (a 32-bit number).
pub(super) const MAX_ASN: u64 = u32::MAX as u64;

/// One CNI object.
#[derive(Debug, Clone)]
pub(super) struct CniRecord {
    pub(super) id: String,
    pub(super) account: String,
    pub(super) interconnect: String,
    pub(super) magic: Magic,
    pub(super) p2p_ip: String,
    pub(super) cust_ip: String,
    pub(super) bgp: Option<Bgp>,
    pub(super) bgp_mode: Option<String>,
    /// Members the API grew (`--cni-quirk grown-members`), by where they sit: `""` (the top),
    /// `"magic"` or `"bgp"`.
    pub(super) grown: Vec<(&'static str, &'static str, Value)>,
    /// How many more listings leave it out (listing lag).
    pub(super) unlisted: u32,
}

/// The members the API grew (`--cni-quirk grown-members`): where each sits, its name, and the value a
/// new CNI gets.
pub(super) fn grown_defaults() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        ("", "automatic_return_routing", json!(true)),
        ("magic", "ttl", json!(64)),
        ("bgp", "hold_time", json!(90)),
    ]
}

/// The grown members a PUT's `body` sends (a whole-object PUT drops those it leaves out).
pub(super) fn grown_in(body: &Map<String, Value>) -> Vec<(&'static str, &'static str, Value)> {
    grown_defaults()
        .into_iter()
        .filter_map(|(at, name, _)| {
            let holder = match at {
                "" => Some(body),
                nested => body.get(nested).and_then(Value::as_object),
            };
            let value = holder?.get(name)?.clone();
            Some((at, name, value))
        })
        .collect()
}

/// `nsc_MagicSettings`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Magic {
    pub(super) conduit_name: String,
    description: String,
    mtu: u64,
}

/// `nsc_BgpControl`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Bgp {
    customer_asn: u64,
    extra_prefixes: Vec<String>,
    md5_key: Option<String>,
}

impl CniRecord {
    /// The object as the API answers it.
    pub(super) fn render(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "account": self.account,
            "interconnect": self.interconnect,
            "magic": {
                "conduit_name": self.magic.conduit_name,
                "description": self.magic.description,
                "mtu": self.magic.mtu,
            },
            "p2p_ip": self.p2p_ip,
            "cust_ip": self.cust_ip,
        });
        if let Some(bgp) = &self.bgp {
            v["bgp"] = json!({
                "customer_asn": bgp.customer_asn,
                "extra_prefixes": bgp.extra_prefixes,
                "md5_key": bgp.md5_key,
            });
        }
        if let Some(mode) = &self.bgp_mode {
            v["bgp_mode"] = json!(mode);
        }
        for (at, name, value) in &self.grown {
            let holder = match *at {
                "" => Some(&mut v),
                nested => v.get_mut(nested),
            };
            if let Some(Value::Object(holder)) = holder {
                holder.insert((*name).to_owned(), value.clone());
            }
        }
        v
    }

    /// The object as an API with these quirks answers it: the same meaning, another form.
    pub(super) fn answer(&self, quirks: &[CniQuirk]) -> Value {
        let mut v = self.render();
        for quirk in quirks {
            match quirk {
                CniQuirk::UpperCaseAccount => v["account"] = json!(self.account.to_uppercase()),
                CniQuirk::ReversedPrefixes => {
                    if let Some(Value::Array(prefixes)) = v.pointer_mut("/bgp/extra_prefixes") {
                        prefixes.reverse();
                    }
                }
                CniQuirk::OmitMd5 => {
                    if let Some(Value::Object(bgp)) = v.get_mut("bgp") {
                        bgp.remove("md5_key");
                    }
                }
                CniQuirk::MaskMd5 => {
                    if let Some(key @ Value::String(_)) = v.pointer_mut("/bgp/md5_key") {
                        *key = json!("********");
                    }
                }
                CniQuirk::GrownMembers => {}
            }
        }
        v
    }
}

pub(super) fn invalid(message: impl Into<String>) -> ApiFailure {
    ApiFailure::bad_request(code::INVALID_FIELD, message)
}

pub(super) fn object(body: &Value) -> Outcome<&Map<String, Value>> {
    body.as_object()
        .ok_or_else(|| ApiFailure::bad_request(code::INVALID_BODY, "request body must be a JSON object"))
}

pub(super) fn same_account(body: &Map<String, Value>, account: &str) -> Outcome<()> {
    match required_str(body, "account")? == account {
        true => Ok(()),
        false => Err(invalid("account: must be the account_id of the request path")),
    }
}

pub(super) fn whole_number(value: &Value, field: &str, max: u64) -> Outcome<u64> {
    value
        .as_u64()
        .filter(|n| *n <= max)
        .ok_or_else(|| invalid(format!("{field}: must be a whole number from 0 to {max}")))
}

pub(super) fn magic(body: &Map<String, Value>) -> Outcome<Magic> {
    let magic = match body.get("magic") {
        Some(Value::Object(magic)) => magic,
        None | Some(Value::Null) => {
            return Err(ApiFailure::bad_request(
                code::MISSING_FIELD,
                "magic: missing required field",
            ))
        }
        Some(_) => return Err(invalid("magic: must be an object")),
    };
    let description = match magic.get("description") {
        Some(Value::String(description)) => description.clone(),
        None | Some(Value::Null) => {
            return Err(ApiFailure::bad_request(
                code::MISSING_FIELD,
                "magic.description: missing required field",
            ))
        }
        Some(_) => return Err(invalid("magic.description: must be a string")),
    };
    Ok(Magic {
        conduit_name: required_str(magic, "conduit_name")
            .map_err(|e| prefixed(e, "magic."))?
            .to_owned(),
        description,
        mtu: match magic.get("mtu") {
            None | Some(Value::Null) => {
                return Err(ApiFailure::bad_request(
                    code::MISSING_FIELD,
                    "magic.mtu: missing required field",
                ))
            }
            Some(mtu) => whole_number(mtu, "magic.mtu", i32::MAX as u64)?,
        },
    })
}

pub(super) fn bgp(body: &Map<String, Value>) -> Outcome<Option<Bgp>> {
    let bgp = match body.get("bgp") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(bgp)) => bgp,
        Some(_) => return Err(invalid("bgp: must be an object")),
    };
    let customer_asn = match bgp.get("customer_asn") {
        None | Some(Value::Null) => {
            return Err(ApiFailure::bad_request(
                code::MISSING_FIELD,
                "bgp.customer_asn: missing required field",
            ))
        }
        Some(asn) => whole_number(asn, "bgp.customer_asn", MAX_ASN)?,
    };
    let extra_prefixes = match bgp.get("extra_prefixes") {
        Some(Value::Array(prefixes)) => prefixes
            .iter()
            .map(|p| match p.as_str() {
                Some(prefix) if prefix_of(prefix).is_some() => Ok(prefix.to_owned()),
                _ => Err(invalid(format!(
                    "bgp.extra_prefixes: {p} is not a prefix A.B.C.D/N"
                ))),
            })
            .collect::<Outcome<Vec<String>>>()?,
        None | Some(Value::Null) => {
            return Err(ApiFailure::bad_request(
                code::MISSING_FIELD,
                "bgp.extra_prefixes: missing required field",
            ))
        }
        Some(_) => return Err(invalid("bgp.extra_prefixes: must be a list of prefixes")),
    };
    let md5_key = match bgp.get("md5_key") {
        None | Some(Value::Null) => None,
        Some(Value::String(key)) if md5_key_allowed(key) => Some(key.clone()),
        Some(_) => {
            return Err(invalid(
                "bgp.md5_key: must be non-empty printable ASCII without newline, tab, carriage return, vertical tab, form feed, '\"' or '?'",
            ))
        }
    };
    Ok(Some(Bgp {
        customer_asn,
        extra_prefixes,
        md5_key,
    }))
}

/// Whether the API takes `key` as an MD5 key: non-empty printable ASCII, without `"` or `?`.
pub fn md5_key_allowed(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| (' '..='~').contains(&c) && c != '"' && c != '?')
}

/// The address and prefix length of `A.B.C.D/N`.
fn prefix_of(text: &str) -> Option<(Ipv4Addr, u32)> {
    let (address, length) = text.split_once('/')?;
    let length: u32 = length.parse().ok().filter(|n| *n <= 32)?;
    Some((address.parse().ok()?, length))
}

/// `p2p_ip` and `cust_ip`: two different addresses of one prefix.
pub(super) fn check_pair(p2p_ip: &str, cust_ip: &str) -> Outcome<()> {
    let (Some((p2p, n)), Some((cust, m))) = (prefix_of(p2p_ip), prefix_of(cust_ip)) else {
        return Err(invalid("p2p_ip, cust_ip: must be addresses A.B.C.D/N"));
    };
    let mask = |length: u32| u32::MAX.checked_shl(32 - length).unwrap_or(0);
    let same_prefix = n == m && (u32::from(p2p) & mask(n)) == (u32::from(cust) & mask(n));
    match same_prefix && p2p != cust {
        true => Ok(()),
        false => Err(invalid(
            "cust_ip: must be another address inside the same prefix as p2p_ip",
        )),
    }
}

fn prefixed(failure: ApiFailure, prefix: &str) -> ApiFailure {
    ApiFailure {
        message: format!("{prefix}{}", failure.message),
        ..failure
    }
}
