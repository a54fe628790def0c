//! The provider functions: `provider::cni::pairing_key(key)` reads a GCP pairing key into its parts,
//! `provider::cni::bandwidth_mbps(bandwidth)` turns an attachment bandwidth into Mbit/s. Neither
//! calls the API, and an error never echoes the key.

use serde_json::{json, Value};

use crate::api::models::Bandwidth;
use crate::plugin::functions::{CallError, FunctionHandler, Functions, Parameter, Signature};

/// Every function, by the name Terraform calls it by.
pub fn functions() -> Functions {
    Functions::from([
        (
            "pairing_key".to_owned(),
            Box::new(PairingKey) as Box<dyn FunctionHandler>,
        ),
        ("bandwidth_mbps".to_owned(), Box::new(BandwidthMbps)),
    ])
}

/// `pairing_key(key)` → `{ id, region, zone }`.
pub struct PairingKey;

/// The parts of a GCP pairing key `<uuid>/<region>/<1|2>`, or what is wrong with it (never the key).
pub fn parse_pairing_key(key: &str) -> Result<(String, String, u8), String> {
    let parts: Vec<&str> = key.split('/').collect();
    let [id, region, zone] = parts.as_slice() else {
        return Err(format!(
            "a GCP pairing key has three parts, <uuid>/<region>/<zone>; this one has {}",
            parts.len()
        ));
    };
    let id = uuid::Uuid::parse_str(id)
        .map_err(|_| "the first part of the pairing key is not a UUID".to_owned())?;
    let region_ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !region_ok {
        return Err(
            "the second part of the pairing key is not a GCP region (such as us-central1)".to_owned(),
        );
    }
    let zone = match *zone {
        "1" => 1,
        "2" => 2,
        _ => {
            return Err(
                "the third part of the pairing key, its edge availability domain, must be 1 or 2".to_owned(),
            )
        }
    };
    Ok((id.to_string(), (*region).to_owned(), zone))
}

impl FunctionHandler for PairingKey {
    fn signature(&self) -> Signature {
        Signature {
            parameters: vec![Parameter {
                name: "key",
                kind: json!("string"),
                description: "A GCP Partner Interconnect pairing key, `<uuid>/<region>/<1|2>`.".into(),
            }],
            returns: json!(["object", {"id": "string", "region": "string", "zone": "number"}]),
            summary: "The parts of a GCP pairing key",
            description: "Reads a GCP Partner Interconnect pairing key `<uuid>/<region>/<zone>` into `id`, `region` \
                and `zone` (the edge availability domain, 1 or 2), so that a module can check that a redundant \
                pair uses zones 1 and 2 of one region. An error says what is wrong with the key, never the key.",
        }
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, CallError> {
        let key = arguments
            .first()
            .and_then(Value::as_str)
            .ok_or_else(|| CallError {
                text: "the pairing key must be a string".into(),
                argument: Some(0),
            })?;
        let (id, region, zone) = parse_pairing_key(key).map_err(|text| CallError {
            text,
            argument: Some(0),
        })?;
        Ok(json!({"id": id, "region": region, "zone": zone}))
    }
}

/// `bandwidth_mbps(bandwidth)` → number.
pub struct BandwidthMbps;

impl FunctionHandler for BandwidthMbps {
    fn signature(&self) -> Signature {
        Signature {
            parameters: vec![Parameter {
                name: "bandwidth",
                kind: json!("string"),
                description: format!(
                    "An attachment bandwidth: one of {}, in any case.",
                    Bandwidth::NAMES.map(|n| format!("`{n}`")).join(" ")
                ),
            }],
            returns: json!("number"),
            summary: "A bandwidth in Mbit/s",
            description:
                "The bandwidth of a `gcp_partner` attachment in Mbit/s (`\"50M\"` is 50, `\"1G\"` is 1000), \
                so that modules can compare and sum bandwidths.",
        }
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, CallError> {
        let text = arguments.first().and_then(Value::as_str).unwrap_or_default();
        let bandwidth: Bandwidth =
            text.parse()
                .map_err(|e: crate::api::models::UnknownBandwidth| CallError {
                    text: e.to_string(),
                    argument: Some(0),
                })?;
        Ok(json!(bandwidth.mbps()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pairing_key_is_read_into_its_parts_and_errors_never_echo_it() {
        let parts = PairingKey
            .call(&[json!("7E51371E-72A3-40B5-B844-2E3EFEFAEE59/us-central1/2")])
            .expect("a key");
        assert_eq!(
            parts,
            json!({"id": "7e51371e-72a3-40b5-b844-2e3efefaee59", "region": "us-central1", "zone": 2})
        );
        for bad in [
            "7e51371e-72a3-40b5-b844-2e3efefaee59",
            "not-a-uuid/us-central1/1",
            "7e51371e-72a3-40b5-b844-2e3efefaee59/US Central/1",
            "7e51371e-72a3-40b5-b844-2e3efefaee59/us-central1/3",
        ] {
            let error = PairingKey.call(&[json!(bad)]).expect_err(bad);
            assert_eq!(error.argument, Some(0));
            assert!(
                !error.text.contains("7e51371e") && !error.text.contains("not-a-uuid"),
                "{}",
                error.text
            );
        }
    }

    #[test]
    fn bandwidths_are_megabits_in_any_case() {
        assert_eq!(BandwidthMbps.call(&[json!("50M")]), Ok(json!(50)));
        assert_eq!(BandwidthMbps.call(&[json!("1g")]), Ok(json!(1000)));
        assert_eq!(BandwidthMbps.call(&[json!("50G")]), Ok(json!(50_000)));
        let error = BandwidthMbps.call(&[json!("3G")]).expect_err("3G");
        assert!(error.text.contains("50M, 100M"), "{}", error.text);
        for b in Bandwidth::ALL {
            assert!(b.mbps() >= 50, "{b}");
        }
    }
}
