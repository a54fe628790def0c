//! The store's unit tests.

use super::fields::gcp_region;
use super::*;

const ACC: &str = crate::mock::DEFAULT_ACCOUNT;

fn store() -> Store {
    Store::new(StoreConfig::default())
}

/// Creates an interconnect and returns its name.
fn created_name(s: &mut Store, body: &Value) -> String {
    let created = s.create_interconnect(ACC, body).expect("created");
    created["name"].as_str().map(str::to_owned).unwrap_or_default()
}

fn gcp(key: &str) -> Value {
    json!({"account": ACC, "type": "gcp_partner", "bandwidth": "1G", "pairing_key": key})
}

const KEY: &str = "7e51371e-72a3-40b5-b844-2e3efefaee59/us-central1/1";

#[test]
fn pairing_keys_are_checked_for_shape() {
    assert_eq!(gcp_region(KEY).as_deref(), Some("us-central1"));
    for bad in [
        "",
        "x/us-central1/1",
        "7e51371e-72a3-40b5-b844-2e3efefaee59/us-central1/3",
        "7e51371e-72a3-40b5-b844-2e3efefaee59//1",
        "7e51371e-72a3-40b5-b844-2e3efefaee59/a/1/2",
    ] {
        assert_eq!(gcp_region(bad), None, "{bad}");
    }
}

#[test]
fn a_pairing_key_serves_one_interconnect_at_a_time() {
    let mut s = store();
    let name = created_name(&mut s, &gcp(KEY));
    let err = s.create_interconnect(ACC, &gcp(KEY)).expect_err("in use");
    assert_eq!(err.code, code::PAIRING_KEY_USED);
    assert!(s.delete_interconnect(ACC, &name).is_ok());
    assert!(
        s.create_interconnect(ACC, &gcp(KEY)).is_ok(),
        "free again once deleted"
    );
}

#[test]
fn statuses_follow_polls_then_scripts() {
    let mut s = store();
    let name = created_name(&mut s, &gcp(KEY));
    let states: Vec<Value> = (0..3)
        .map(|_| s.poll_status(ACC, &name).expect("status")["state"].clone())
        .collect();
    assert_eq!(states, vec![json!("Pending"), json!("Pending"), json!("Healthy")]);
    let steps = ["Down", "Unhealthy", "Healthy"]
        .map(MockStatus::named)
        .into_iter()
        .collect();
    assert!(s.set_status_script(&name, StatusScript::Sequence(steps)));
    let states: Vec<Value> = (0..4)
        .map(|_| s.poll_status(ACC, &name).expect("status")["state"].clone())
        .collect();
    assert_eq!(
        states,
        vec![
            json!("Down"),
            json!("Unhealthy"),
            json!("Healthy"),
            json!("Healthy")
        ]
    );
}

#[test]
fn direct_ports_stay_pending_until_a_cross_connect_is_installed() {
    let mut s = store();
    let body = json!({"account": ACC, "type": "direct", "slot_id": FIRST_SLOT_ID});
    let name = created_name(&mut s, &body);
    for _ in 0..5 {
        assert_eq!(
            s.poll_status(ACC, &name).expect("status")["state"],
            json!("Pending")
        );
    }
    assert!(s.set_status_script(&name, StatusScript::Fixed(MockStatus::named("Healthy"))));
    assert_eq!(
        s.poll_status(ACC, &name).expect("status")["state"],
        json!("Healthy")
    );
}

#[test]
fn deletion_lag_keeps_the_object_visible_for_some_gets() {
    let mut s = Store::new(StoreConfig {
        delete_lag: 2,
        ..StoreConfig::default()
    });
    let body = json!({"account": ACC, "type": "direct", "slot_id": FIRST_SLOT_ID});
    let name = created_name(&mut s, &body);
    assert!(s.delete_interconnect(ACC, &name).is_ok());
    assert!(s.get_interconnect(ACC, &name).is_ok());
    assert!(s.get_interconnect(ACC, &name).is_ok());
    assert!(s.get_interconnect(ACC, &name).is_err());
    assert!(
        s.create_interconnect(ACC, &body).is_ok(),
        "the slot is free again"
    );
}

#[test]
fn the_loa_is_a_pdf_with_the_custom_name() {
    let mut s = store();
    let body = json!({"account": ACC, "type": "direct", "slot_id": FIRST_SLOT_ID});
    let name = created_name(&mut s, &body);
    let pdf = s.loa(ACC, &name, Some("ACME (NJ) Corp")).expect("loa");
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.starts_with("%PDF-1.4") && text.trim_end().ends_with("%%EOF"));
    assert!(text.contains("ACME \\(NJ\\) Corp"));
}

#[test]
fn healthy_after_parses_polls_durations_and_never() {
    assert_eq!("3".parse(), Ok(HealthyAfter::Polls(3)));
    assert_eq!(
        "1500ms".parse(),
        Ok(HealthyAfter::Elapsed(Duration::from_millis(1500)))
    );
    assert_eq!("never".parse(), Ok(HealthyAfter::Never));
    assert!("soon".parse::<HealthyAfter>().is_err());
}
