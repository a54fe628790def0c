//! The checks of a create's body, with the API's error codes and messages.

use serde_json::{Map, Value};

use super::super::envelope::{code, ApiFailure};
use super::fields::{gcp_region, required_str, Outcome};
use super::*;

impl Store {
    pub(super) fn validate_direct(&self, body: &Map<String, Value>) -> Outcome<Kind> {
        let slot_id = required_str(body, "slot_id")?;
        if uuid::Uuid::parse_str(slot_id).is_err() {
            return Err(ApiFailure::bad_request(
                code::INVALID_FIELD,
                "slot_id: must be a UUID",
            ));
        }
        let slot = self
            .slots
            .iter()
            .position(|s| s.id.eq_ignore_ascii_case(slot_id))
            .ok_or_else(|| {
                ApiFailure::bad_request(
                    code::INVALID_FIELD,
                    format!("slot_id: slot {slot_id} does not exist"),
                )
            })?;
        let record = &self.slots[slot];
        if record.occupant.is_some() {
            return Err(ApiFailure::bad_request(
                code::SLOT_OCCUPIED,
                format!("slot {slot_id} is occupied"),
            ));
        }
        let speed = match body.get("speed") {
            None | Some(Value::Null) => record.speed.clone(),
            Some(Value::String(s)) if s.eq_ignore_ascii_case(&record.speed) => record.speed.clone(),
            Some(Value::String(s)) => {
                return Err(ApiFailure::bad_request(
                    code::INVALID_FIELD,
                    format!("speed: slot {slot_id} supports {} only, not {s:?}", record.speed),
                ))
            }
            Some(_) => {
                return Err(ApiFailure::bad_request(
                    code::INVALID_FIELD,
                    "speed: must be a string",
                ))
            }
        };
        Ok(Kind::Direct { slot, speed })
    }

    pub(super) fn validate_gcp_partner(&self, body: &Map<String, Value>) -> Outcome<Kind> {
        let bandwidth = required_str(body, "bandwidth")?;
        if !BANDWIDTHS.contains(&bandwidth) {
            return Err(ApiFailure::bad_request(
                code::INVALID_FIELD,
                format!(
                    "bandwidth: unknown value {bandwidth:?}; expected one of {}",
                    BANDWIDTHS.join(", ")
                ),
            ));
        }
        let pairing_key = required_str(body, "pairing_key")?;
        let region = gcp_region(pairing_key).ok_or_else(|| {
            ApiFailure::bad_request(
                code::INVALID_FIELD,
                "pairing_key: not a GCP pairing key (expected <uuid>/<region>/<1|2>)",
            )
        })?;
        let in_use = self
            .interconnects
            .values()
            .any(|r| matches!(&r.kind, Kind::GcpPartner { pairing_key: used, .. } if used == pairing_key));
        if in_use {
            return Err(ApiFailure::bad_request(
                code::PAIRING_KEY_USED,
                "pairing_key: an existing interconnect already uses this pairing key",
            ));
        }
        if self.used_keys.contains(pairing_key) {
            return Err(ApiFailure::bad_request(
                code::PAIRING_KEY_USED,
                "pairing_key: this pairing key has already been used; GCP pairing keys are single-use, create a new VLAN attachment for a new key",
            ));
        }
        Ok(Kind::GcpPartner {
            region,
            bandwidth: bandwidth.to_owned(),
            pairing_key: pairing_key.to_owned(),
        })
    }
}
