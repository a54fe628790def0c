//! Typed request and response bodies of the CNI API (`/accounts/{account_id}/cni/...`).
//!
//! Response types tolerate what the API may add later: unknown fields are ignored, fields that are not
//! guaranteed are `Option`, and an interconnect `type` or status `state` this crate does not know decodes
//! into an `Unknown` variant instead of failing the whole response.

use std::fmt;

use serde::{Deserialize, Serialize};

pub use super::bandwidth::{Bandwidth, UnknownBandwidth};
use super::secret::Secret;

/// The discriminator value of a direct (physical port) interconnect.
pub const TYPE_DIRECT: &str = "direct";
/// The discriminator value of a Google Cloud Partner Interconnect attachment.
pub const TYPE_GCP_PARTNER: &str = "gcp_partner";

/// A data-center facility (`nsc_FacilityInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facility {
    /// The facility's name.
    pub name: String,
    /// The facility's postal address, one line per element.
    #[serde(default)]
    pub address: Vec<String>,
}

/// Fields every interconnect carries, whatever its type.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InterconnectCommon {
    /// The server-assigned name: the interconnect's identifier (`{icon}` in paths).
    pub name: String,
    /// The account tag that owns it.
    pub account: String,
    /// The owner, when the API reports one.
    #[serde(default)]
    pub owner: Option<String>,
    /// Correlates this interconnect with Magic Transit `cf_interconnects`.
    #[serde(default)]
    pub virtual_port_reservation_id: Option<String>,
}

/// A direct interconnect: a physical port in a slot (`nsc_Interconnect_Physical_Body`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DirectInterconnect {
    /// Fields common to every type.
    #[serde(flatten)]
    pub common: InterconnectCommon,
    /// The facility the port is in.
    #[serde(default)]
    pub facility: Option<Facility>,
    /// The Cloudflare site name.
    #[serde(default)]
    pub site: Option<String>,
    /// The slot the port occupies.
    #[serde(default)]
    pub slot_id: Option<String>,
    /// The port speed, e.g. `10G`.
    #[serde(default)]
    pub speed: Option<String>,
    /// The Customer Connectivity Router the port is on.
    #[serde(default)]
    pub ccr_device_name: Option<String>,
}

/// A Google Cloud Partner Interconnect attachment (`nsc_Interconnect_GcpPartner_Body`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GcpPartnerInterconnect {
    /// Fields common to every type.
    #[serde(flatten)]
    pub common: InterconnectCommon,
    /// The GCP region of the VLAN attachment.
    #[serde(default)]
    pub region: Option<String>,
    /// The bandwidth, as a `nsc_ApiBandwidth` value (kept as text so a new value cannot break decoding).
    #[serde(default)]
    pub speed: Option<String>,
    /// The Customer Connectivity Router, when reported.
    #[serde(default)]
    pub ccr_device_name: Option<String>,
    /// The site, when reported.
    #[serde(default)]
    pub site: Option<String>,
}

/// An interconnect of a type this crate does not know yet: only the common fields are decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownInterconnect {
    /// The `type` the API sent.
    pub kind: String,
    /// Fields common to every type.
    pub common: InterconnectCommon,
}

/// An interconnect (`nsc_Interconnect`), discriminated by its `type`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub enum Interconnect {
    /// `type = "direct"`.
    Direct(DirectInterconnect),
    /// `type = "gcp_partner"`.
    GcpPartner(GcpPartnerInterconnect),
    /// Any other `type`.
    Unknown(UnknownInterconnect),
}

impl TryFrom<serde_json::Value> for Interconnect {
    type Error = serde_json::Error;

    fn try_from(value: serde_json::Value) -> Result<Self, Self::Error> {
        let kind = match value.get("type") {
            Some(serde_json::Value::String(kind)) => kind.clone(),
            Some(_) => return Err(serde::de::Error::custom("interconnect `type` is not a string")),
            None => return Err(serde::de::Error::missing_field("type")),
        };
        Ok(match kind.as_str() {
            TYPE_DIRECT => Interconnect::Direct(serde_json::from_value(value)?),
            TYPE_GCP_PARTNER => Interconnect::GcpPartner(serde_json::from_value(value)?),
            _ => Interconnect::Unknown(UnknownInterconnect {
                kind,
                common: serde_json::from_value(value)?,
            }),
        })
    }
}

impl Interconnect {
    /// The fields every type carries.
    pub fn common(&self) -> &InterconnectCommon {
        match self {
            Interconnect::Direct(d) => &d.common,
            Interconnect::GcpPartner(g) => &g.common,
            Interconnect::Unknown(u) => &u.common,
        }
    }

    /// The server-assigned name.
    pub fn name(&self) -> &str {
        &self.common().name
    }

    /// The `type` discriminator as the API spells it.
    pub fn kind(&self) -> &str {
        match self {
            Interconnect::Direct(_) => TYPE_DIRECT,
            Interconnect::GcpPartner(_) => TYPE_GCP_PARTNER,
            Interconnect::Unknown(u) => &u.kind,
        }
    }

    /// The speed (direct) or bandwidth (GCP partner), when known.
    pub fn speed(&self) -> Option<&str> {
        match self {
            Interconnect::Direct(d) => d.speed.as_deref(),
            Interconnect::GcpPartner(g) => g.speed.as_deref(),
            Interconnect::Unknown(_) => None,
        }
    }

    /// The site, when known.
    pub fn site(&self) -> Option<&str> {
        match self {
            Interconnect::Direct(d) => d.site.as_deref(),
            Interconnect::GcpPartner(g) => g.site.as_deref(),
            Interconnect::Unknown(_) => None,
        }
    }

    /// The slot of a direct interconnect.
    pub fn slot_id(&self) -> Option<&str> {
        match self {
            Interconnect::Direct(d) => d.slot_id.as_deref(),
            _ => None,
        }
    }

    /// The GCP region of a partner interconnect.
    pub fn region(&self) -> Option<&str> {
        match self {
            Interconnect::GcpPartner(g) => g.region.as_deref(),
            _ => None,
        }
    }

    /// The facility of a direct interconnect.
    pub fn facility(&self) -> Option<&Facility> {
        match self {
            Interconnect::Direct(d) => d.facility.as_ref(),
            _ => None,
        }
    }

    /// The CCR device name, when reported.
    pub fn ccr_device_name(&self) -> Option<&str> {
        match self {
            Interconnect::Direct(d) => d.ccr_device_name.as_deref(),
            Interconnect::GcpPartner(g) => g.ccr_device_name.as_deref(),
            Interconnect::Unknown(_) => None,
        }
    }
}

/// One page of a list endpoint: `{ "items": [...], "next": int32|null }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The cursor of the next page; absent or null on the last page.
    #[serde(default)]
    pub next: Option<i64>,
}

/// The link status of an interconnect (`nsc_StatusInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "RawStatus")]
pub enum InterconnectStatus {
    /// Not active yet (e.g. the cross-connect is not installed).
    Pending,
    /// The link is down.
    Down {
        /// Diagnostic information, if available.
        reason: Option<String>,
    },
    /// The link is unhealthy.
    Unhealthy {
        /// Diagnostic information, if available.
        reason: Option<String>,
    },
    /// The link is up.
    Healthy,
    /// A state this crate does not know yet.
    Unknown {
        /// The state the API sent.
        state: String,
        /// The reason the API sent, if any.
        reason: Option<String>,
    },
}

#[derive(Deserialize)]
struct RawStatus {
    state: String,
    #[serde(default)]
    reason: Option<String>,
}

impl From<RawStatus> for InterconnectStatus {
    fn from(raw: RawStatus) -> Self {
        match raw.state.as_str() {
            "Pending" => InterconnectStatus::Pending,
            "Down" => InterconnectStatus::Down { reason: raw.reason },
            "Unhealthy" => InterconnectStatus::Unhealthy { reason: raw.reason },
            "Healthy" => InterconnectStatus::Healthy,
            _ => InterconnectStatus::Unknown {
                state: raw.state,
                reason: raw.reason,
            },
        }
    }
}

impl InterconnectStatus {
    /// The state as the API spells it (`Pending`, `Down`, `Unhealthy`, `Healthy`, or an unknown one).
    pub fn state(&self) -> &str {
        match self {
            InterconnectStatus::Pending => "Pending",
            InterconnectStatus::Down { .. } => "Down",
            InterconnectStatus::Unhealthy { .. } => "Unhealthy",
            InterconnectStatus::Healthy => "Healthy",
            InterconnectStatus::Unknown { state, .. } => state,
        }
    }

    /// The reason of a `Down` or `Unhealthy` state (or an unknown one), if any.
    pub fn reason(&self) -> Option<&str> {
        match self {
            InterconnectStatus::Down { reason }
            | InterconnectStatus::Unhealthy { reason }
            | InterconnectStatus::Unknown { reason, .. } => reason.as_deref(),
            InterconnectStatus::Pending | InterconnectStatus::Healthy => None,
        }
    }

    /// Whether the link is up.
    pub fn is_healthy(&self) -> bool {
        matches!(self, InterconnectStatus::Healthy)
    }
}

impl fmt::Display for InterconnectStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason() {
            Some(reason) => write!(f, "{} ({reason})", self.state()),
            None => f.write_str(self.state()),
        }
    }
}

/// The body of `POST /cni/interconnects` (`nsc_InterconnectCreate`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
pub enum CreateInterconnect {
    /// A direct port in a free slot.
    #[serde(rename = "direct")]
    Direct {
        /// The account tag (the same as the path's `account_id`).
        account: String,
        /// The slot to occupy.
        slot_id: uuid::Uuid,
        /// The port speed; the API picks the slot's default when absent.
        #[serde(skip_serializing_if = "Option::is_none")]
        speed: Option<String>,
    },
    /// A GCP Partner Interconnect attachment.
    #[serde(rename = "gcp_partner")]
    GcpPartner {
        /// The account tag (the same as the path's `account_id`).
        account: String,
        /// The attachment's bandwidth.
        bandwidth: Bandwidth,
        /// The VLAN attachment's pairing key, from GCP. Never logged.
        pairing_key: Secret,
    },
}

impl CreateInterconnect {
    /// The secret this request carries, if any, so errors can be scrubbed of it.
    pub fn secret(&self) -> Option<&Secret> {
        match self {
            CreateInterconnect::Direct { .. } => None,
            CreateInterconnect::GcpPartner { pairing_key, .. } => Some(pairing_key),
        }
    }
}

/// A physical port position at a facility (`nsc_SlotInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Slot {
    /// The slot's UUID.
    pub id: String,
    /// The facility the slot is in.
    pub facility: Facility,
    /// Whether an interconnect occupies the slot.
    pub occupied: bool,
    /// The Cloudflare site name.
    pub site: String,
    /// The speed the slot supports.
    pub speed: String,
    /// The account whose interconnect occupies the slot, if reported.
    #[serde(default)]
    pub account: Option<String>,
    /// The Customer Connectivity Router, if reported.
    #[serde(default)]
    pub ccr_device_name: Option<String>,
}

/// Filters of `GET /cni/interconnects`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterconnectFilter {
    /// Only interconnects at this site.
    pub site: Option<String>,
    /// Only interconnects of this type.
    pub kind: Option<String>,
}

/// Filters of `GET /cni/slots`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlotFilter {
    /// Only slots at this site.
    pub site: Option<String>,
    /// Only slots that support this speed.
    pub speed: Option<String>,
    /// Only occupied (true) or free (false) slots.
    pub occupied: Option<bool>,
    /// Only slots whose address contains this text.
    pub address_contains: Option<String>,
}

/// A Letter of Authorization as the API generated it.
#[derive(Clone, PartialEq, Eq)]
pub struct Loa {
    /// The document's bytes (a PDF).
    pub content: bytes::Bytes,
    /// The `Content-Type` the API sent.
    pub content_type: String,
}

impl fmt::Debug for Loa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Loa")
            .field("content", &format_args!("<{} bytes>", self.content.len()))
            .field("content_type", &self.content_type)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_direct_interconnect_ignoring_unknown_fields() {
        let json = r#"{"account":"acc","facility":{"address":["1 Main St"],"name":"EWR1"},"name":"icon-1",
            "site":"ewr01","slot_id":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","speed":"10G","type":"direct",
            "virtual_port_reservation_id":"v","ccr_device_name":"ccr1","owner":"o","brand_new":42}"#;
        let ic: Interconnect = serde_json::from_str(json).expect("decodes");
        let Interconnect::Direct(d) = &ic else {
            panic!("not direct: {ic:?}")
        };
        assert_eq!(d.common.name, "icon-1");
        assert_eq!(d.facility.as_ref().map(|f| f.name.as_str()), Some("EWR1"));
        assert_eq!(ic.slot_id(), Some("182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"));
        assert_eq!(ic.ccr_device_name(), Some("ccr1"));
    }

    #[test]
    fn decodes_a_gcp_partner_interconnect_without_optional_fields() {
        let json = r#"{"account":"acc","name":"icon-2","type":"gcp_partner","region":"us-east1"}"#;
        let ic: Interconnect = serde_json::from_str(json).expect("decodes");
        assert_eq!(ic.kind(), "gcp_partner");
        assert_eq!(ic.region(), Some("us-east1"));
        assert_eq!(ic.speed(), None);
    }

    #[test]
    fn keeps_an_unknown_type_instead_of_failing() {
        let json = r#"{"account":"acc","name":"icon-3","type":"aws_dx","vlan":7}"#;
        let ic: Interconnect = serde_json::from_str(json).expect("decodes");
        assert_eq!(ic.kind(), "aws_dx");
        assert_eq!(ic.name(), "icon-3");
    }

    #[test]
    fn rejects_an_interconnect_without_a_name() {
        let json = r#"{"account":"acc","type":"direct"}"#;
        assert!(serde_json::from_str::<Interconnect>(json).is_err());
    }

    #[test]
    fn decodes_every_status_and_keeps_unknown_states() {
        let cases = [
            (r#"{"state":"Pending"}"#, "Pending", None),
            (
                r#"{"state":"Down","reason":"no light"}"#,
                "Down",
                Some("no light"),
            ),
            (r#"{"state":"Unhealthy","reason":null}"#, "Unhealthy", None),
            (r#"{"state":"Healthy","metrics":{}}"#, "Healthy", None),
            (r#"{"state":"Degraded","reason":"x"}"#, "Degraded", Some("x")),
        ];
        for (json, state, reason) in cases {
            let status: InterconnectStatus = serde_json::from_str(json).expect(json);
            assert_eq!(status.state(), state);
            assert_eq!(status.reason(), reason);
        }
    }

    #[test]
    fn create_bodies_are_tagged_by_type() {
        let direct = CreateInterconnect::Direct {
            account: "acc".into(),
            slot_id: uuid::Uuid::nil(),
            speed: None,
        };
        assert_eq!(
            serde_json::to_value(&direct).ok(),
            Some(
                serde_json::json!({"type":"direct","account":"acc","slot_id":"00000000-0000-0000-0000-000000000000"})
            )
        );
        let gcp = CreateInterconnect::GcpPartner {
            account: "acc".into(),
            bandwidth: Bandwidth::G1,
            pairing_key: Secret::new("k/us-east1/1"),
        };
        assert_eq!(
            serde_json::to_value(&gcp).ok(),
            Some(
                serde_json::json!({"type":"gcp_partner","account":"acc","bandwidth":"1G","pairing_key":"k/us-east1/1"})
            )
        );
        assert!(!format!("{gcp:?}").contains("us-east1"));
    }
}
