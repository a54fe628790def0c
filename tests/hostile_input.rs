//! Property tests: every JSON decoder of the REST module and every parser of user input takes any input
//! without panicking, and what it accepts is well-formed.

use std::time::{Duration, SystemTime};

use cni::api::models::{Interconnect, InterconnectStatus, Page, Slot};
use cni::api::{check_base_url, parse_retry_after, Bandwidth};
use cni::resources::interconnect::parse_import_id;
use cni::shared::parse_duration;
use proptest::prelude::*;
use serde_json::{json, Value};

/// Arbitrary JSON, biased towards the shapes the API uses (objects with its field names).
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("type".to_owned()),
        Just("name".to_owned()),
        Just("account".to_owned()),
        Just("state".to_owned()),
        Just("reason".to_owned()),
        Just("items".to_owned()),
        Just("next".to_owned()),
        Just("facility".to_owned()),
        Just("address".to_owned()),
        Just("speed".to_owned()),
        Just("success".to_owned()),
        Just("result".to_owned()),
        Just("errors".to_owned()),
        "[a-z_]{1,12}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        prop_oneof![
            Just("direct".to_owned()),
            Just("gcp_partner".to_owned()),
            Just("Healthy".to_owned()),
            Just("Down".to_owned()),
            ".*"
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn decode_all(bytes: &[u8]) {
    let _ = serde_json::from_slice::<Interconnect>(bytes);
    let _ = serde_json::from_slice::<InterconnectStatus>(bytes);
    let _ = serde_json::from_slice::<Page<Interconnect>>(bytes);
    let _ = serde_json::from_slice::<Page<Slot>>(bytes);
    let _ = serde_json::from_slice::<Slot>(bytes);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decoders_take_any_json_value(value in json_value()) {
        let bytes = serde_json::to_vec(&value).expect("encode");
        decode_all(&bytes);
        if let Ok(ic) = serde_json::from_value::<Interconnect>(value.clone()) {
            // Whatever decodes has a name and a type, and its accessors are total.
            prop_assert!(value.get("name").is_some_and(Value::is_string));
            let _ = (ic.kind(), ic.speed(), ic.site(), ic.region(), ic.facility(), ic.ccr_device_name());
        }
        if let (Ok(status), true) = (serde_json::from_value::<InterconnectStatus>(value.clone()), value.is_object()) {
            prop_assert_eq!(Some(status.state()), value.get("state").and_then(Value::as_str));
        }
    }

    #[test]
    fn decoders_take_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&bytes);
    }

    #[test]
    fn decoders_take_truncated_real_bodies(cut in 0usize..400) {
        let body = json!({"items": [{"account": "a", "name": "icon-1", "type": "direct", "site": "ewr01",
            "facility": {"name": "EWR", "address": ["1 Main St"]}, "slot_id": "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e",
            "speed": "10G"}], "next": 3}).to_string();
        decode_all(&body.as_bytes()[..cut.min(body.len())]);
    }

    #[test]
    fn durations_parse_or_fail_cleanly(text in ".*") {
        if let Ok(d) = parse_duration(&text) {
            prop_assert!(d > Duration::ZERO);
        }
    }

    #[test]
    fn go_style_durations_round_trip(minutes in 1u64..10_000, seconds in 0u64..60) {
        let text = format!("{minutes}m{seconds}s");
        prop_assert_eq!(parse_duration(&text), Ok(Duration::from_secs(minutes * 60 + seconds)));
    }

    #[test]
    fn import_ids_parse_or_fail_cleanly(id in ".*", account in proptest::option::of("[0-9a-f]{32}")) {
        if let Ok((acc, name)) = parse_import_id(&id, account.as_deref()) {
            prop_assert!(!acc.is_empty() && !name.is_empty() && !name.contains('/'));
        }
    }

    #[test]
    fn enums_uuids_urls_and_headers_parse_or_fail_cleanly(text in ".*") {
        if let Ok(b) = text.parse::<Bandwidth>() {
            prop_assert_eq!(b.as_str(), text.as_str());
        }
        let _ = uuid::Uuid::parse_str(&text);
        if let Ok(url) = check_base_url(&text) {
            prop_assert!(url.scheme() == "https" || url.scheme() == "http");
        }
        let _ = parse_retry_after(&text, SystemTime::now());
        let _ = cni::api::reconcile::pairing_key_region(&text);
    }
}
