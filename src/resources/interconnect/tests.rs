//! Unit tests of the pure functions: validation, planning, requests, import IDs.
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::state::BLOCKS;
use super::*;
use crate::api::{Bandwidth, CreateInterconnect, Interconnect};
use crate::shared::{Number, Timeouts};

pub(super) const SLOT: &str = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e";

pub(super) fn v(s: &str) -> Value<String> {
    Value::Value(s.to_owned())
}

pub(super) fn gcp() -> InterconnectState {
    InterconnectState {
        kind: v("gcp_partner"),
        bandwidth: v("1G"),
        pairing_key: v("7e51371e-72a3-40b5-b844-2e3efefaee59/us-central1/1"),
        ..Default::default()
    }
}

pub(super) fn direct() -> InterconnectState {
    InterconnectState {
        kind: v("direct"),
        slot_id: v(SLOT),
        ..Default::default()
    }
}

pub(super) fn error_paths(cfg: &InterconnectState) -> Vec<String> {
    let mut diags = Diagnostics::default();
    validate_config(cfg, &mut diags);
    diags.errors.iter().map(|e| e.attribute.to_string()).collect()
}

#[test]
fn valid_configurations_pass() {
    assert!(error_paths(&gcp()).is_empty());
    assert!(error_paths(&direct()).is_empty());
    let unknowns = InterconnectState {
        kind: Value::Unknown,
        slot_id: Value::Unknown,
        ..Default::default()
    };
    assert!(
        error_paths(&unknowns).is_empty(),
        "unknown values are checked at apply"
    );
}

#[test]
fn each_bad_input_is_reported_on_its_attribute() {
    let cases: Vec<(InterconnectState, &str)> = vec![
        (
            InterconnectState {
                kind: v("aws"),
                ..Default::default()
            },
            "type",
        ),
        (
            InterconnectState {
                pairing_key: v("k"),
                ..direct()
            },
            "pairing_key",
        ),
        (
            InterconnectState {
                bandwidth: v("1G"),
                ..direct()
            },
            "bandwidth",
        ),
        (
            InterconnectState {
                slot_id: v(SLOT),
                ..gcp()
            },
            "slot_id",
        ),
        (
            InterconnectState {
                speed: v("10G"),
                ..gcp()
            },
            "speed",
        ),
        (
            InterconnectState {
                slot_id: Value::Null,
                ..direct()
            },
            "slot_id",
        ),
        (
            InterconnectState {
                slot_id: v("slot-1"),
                ..direct()
            },
            "slot_id",
        ),
        (
            InterconnectState {
                bandwidth: Value::Null,
                ..gcp()
            },
            "bandwidth",
        ),
        (
            InterconnectState {
                bandwidth: v("3G"),
                ..gcp()
            },
            "bandwidth",
        ),
        (
            InterconnectState {
                status: v("Healthy"),
                ..gcp()
            },
            "status",
        ),
        (InterconnectState { id: v("x"), ..gcp() }, "id"),
        (
            InterconnectState {
                facility: Value::Unknown,
                ..gcp()
            },
            "facility",
        ),
        (
            InterconnectState {
                account_id: v(""),
                ..gcp()
            },
            "account_id",
        ),
    ];
    for (cfg, path) in cases {
        assert_eq!(error_paths(&cfg), vec![path.to_owned()]);
    }
    let bad_timeout = InterconnectState {
        timeouts: Value::Value(Timeouts {
            create: v("soon"),
            delete: v("5m"),
        }),
        ..gcp()
    };
    assert_eq!(error_paths(&bad_timeout), vec!["timeouts.create".to_owned()]);
}

#[test]
fn unknown_values_are_not_set_and_a_pairing_key_is_needed_only_to_create() {
    let config = InterconnectState {
        bandwidth: Value::Unknown,
        pairing_key: Value::Unknown,
        speed: Value::Unknown,
        ..direct()
    };
    assert!(error_paths(&config).is_empty(), "var.x under terraform validate");
    let keyless = InterconnectState {
        pairing_key: Value::Null,
        ..gcp()
    };
    assert!(
        error_paths(&keyless).is_empty(),
        "an imported attachment needs no key"
    );
    let mut diags = Diagnostics::default();
    plan_new(keyless, &v("acc"), &mut diags);
    let paths: Vec<String> = diags.errors.iter().map(|e| e.attribute.to_string()).collect();
    assert_eq!(paths, vec!["pairing_key".to_owned()], "but creating one does");
}

#[test]
fn what_the_api_did_not_say_and_case_never_replace() {
    let mut imported = applied(gcp());
    imported.bandwidth = Value::Null;
    imported.pairing_key = Value::Null;
    let keyless = InterconnectState {
        pairing_key: Value::Null,
        ..gcp()
    };
    let mut proposed = imported.clone();
    proposed.bandwidth = v("1G");
    let (planned, replace) = plan_change(&imported, proposed, &keyless, &v("acc"));
    assert!(replace.is_empty(), "{replace:?}");
    assert_eq!(planned.bandwidth, v("1G"), "the configured bandwidth is adopted");

    let port = applied(direct());
    let shouting = InterconnectState {
        slot_id: v(&SLOT.to_uppercase()),
        speed: v("1g"),
        ..direct()
    };
    let mut proposed = port.clone();
    proposed.slot_id = shouting.slot_id.clone();
    proposed.speed = shouting.speed.clone();
    let (_, replace) = plan_change(&port, proposed, &shouting, &v("acc"));
    assert!(replace.is_empty(), "{replace:?}");

    let with_key = applied(gcp());
    let mut proposed = with_key.clone();
    proposed.pairing_key = Value::Null;
    let (_, replace) = plan_change(&with_key, proposed, &keyless, &v("acc"));
    assert!(
        replace.is_empty(),
        "dropping the key from the configuration replaces nothing"
    );
}

#[test]
fn an_unknown_provider_account_keeps_the_interconnects_own() {
    let prior = applied(gcp());
    let (planned, replace) = plan_change(&prior, prior.clone(), &gcp(), &Value::Unknown);
    assert!(replace.is_empty(), "{replace:?}");
    assert_eq!(planned.account_id, v("acc"));
}

#[test]
fn a_new_plan_resolves_defaults_and_leaves_computed_unknown() {
    let mut diags = Diagnostics::default();
    let planned = plan_new(gcp(), &v("acc"), &mut diags);
    assert!(diags.errors.is_empty());
    assert_eq!(planned.account_id, v("acc"));
    assert_eq!(planned.wait_for_healthy, Value::Value(true));
    assert!(planned.id.is_unknown() && planned.status.is_unknown() && planned.speed.is_unknown());
    assert_eq!(
        plan_new(direct(), &v("acc"), &mut diags).wait_for_healthy,
        Value::Value(false)
    );
    let explicit = InterconnectState {
        wait_for_healthy: Value::Value(true),
        speed: v("10G"),
        ..direct()
    };
    let planned = plan_new(explicit, &v("acc"), &mut diags);
    assert_eq!(
        (planned.wait_for_healthy, planned.speed),
        (Value::Value(true), v("10G"))
    );
    assert!(diags.errors.is_empty());
    plan_new(gcp(), &Value::Null, &mut diags);
    assert_eq!(diags.errors[0].attribute, AttributePath::new("account_id"));
    assert!(plan_new(gcp(), &Value::Unknown, &mut Diagnostics::default())
        .account_id
        .is_unknown());
}

pub(super) fn applied(cfg: InterconnectState) -> InterconnectState {
    let mut state = plan_new(cfg, &v("acc"), &mut Diagnostics::default());
    state.id = v("icon-1");
    state.name = v("icon-1");
    state.speed = v("1G");
    state.status = v("Healthy");
    state
}

#[test]
fn an_unchanged_configuration_plans_no_change() {
    let prior = applied(gcp());
    let (planned, replace) = plan_change(&prior, prior.clone(), &gcp(), &v("acc"));
    assert!(replace.is_empty());
    assert!(planned == prior, "the plan differs from the state");
}

#[test]
fn every_api_attribute_forces_replacement() {
    let prior = applied(gcp());
    let changes: Vec<(InterconnectState, &str)> = vec![
        (
            InterconnectState {
                bandwidth: v("2G"),
                ..gcp()
            },
            "bandwidth",
        ),
        (
            InterconnectState {
                pairing_key: v("other"),
                ..gcp()
            },
            "pairing_key",
        ),
        (
            InterconnectState {
                account_id: v("other"),
                ..gcp()
            },
            "account_id",
        ),
        (
            InterconnectState {
                kind: v("direct"),
                bandwidth: Value::Null,
                pairing_key: Value::Null,
                slot_id: v(SLOT),
                ..gcp()
            },
            "type",
        ),
    ];
    for (config, path) in changes {
        let mut proposed = prior.clone();
        proposed.kind = config.kind.clone();
        proposed.bandwidth = config.bandwidth.clone();
        proposed.pairing_key = config.pairing_key.clone();
        proposed.slot_id = config.slot_id.clone();
        let (planned, replace) = plan_change(&prior, proposed, &config, &v("acc"));
        assert!(replace.contains(&AttributePath::new(path)), "{path}: {replace:?}");
        assert!(planned.id.is_unknown() && planned.status.is_unknown(), "{path}");
    }
    let port = applied(direct());
    let config = InterconnectState {
        speed: v("100G"),
        ..direct()
    };
    let mut proposed = port.clone();
    proposed.speed = v("100G");
    let (_, replace) = plan_change(&port, proposed, &config, &v("acc"));
    assert_eq!(replace, vec![AttributePath::new("speed")]);
    let (_, replace) = plan_change(&port, port.clone(), &direct(), &v("other-provider-account"));
    assert_eq!(
        replace,
        vec![AttributePath::new("account_id")],
        "the provider's account changed"
    );
}

#[test]
fn local_attributes_change_in_place() {
    let prior = applied(gcp());
    let config = InterconnectState {
        wait_for_healthy: Value::Value(false),
        skip_destroy: Value::Value(true),
        timeouts: Value::Value(Timeouts {
            create: v("1h"),
            delete: Value::Null,
        }),
        ..gcp()
    };
    let mut proposed = prior.clone();
    proposed.wait_for_healthy = config.wait_for_healthy;
    proposed.skip_destroy = config.skip_destroy;
    proposed.timeouts = config.timeouts.clone();
    let (planned, replace) = plan_change(&prior, proposed, &config, &v("acc"));
    assert!(replace.is_empty());
    assert_eq!(planned.id, v("icon-1"), "computed values are kept");
    assert_eq!(planned.wait_for_healthy, Value::Value(false));
}

#[test]
fn an_imported_interconnect_takes_the_configured_pairing_key_in_place() {
    let mut prior = applied(gcp());
    prior.pairing_key = Value::Null;
    let (_, replace) = plan_change(&prior, applied(gcp()), &gcp(), &v("acc"));
    assert!(replace.is_empty(), "{replace:?}");
}

#[test]
fn create_requests_carry_the_variant_fields() {
    let planned = plan_new(direct(), &v("acc"), &mut Diagnostics::default());
    match create_request(&planned, &direct()) {
        Ok(CreateInterconnect::Direct {
            account,
            slot_id,
            speed,
        }) => {
            assert_eq!(
                (account.as_str(), slot_id.to_string().as_str(), speed),
                ("acc", SLOT, None)
            );
        }
        _ => panic!("not a direct request"),
    }
    let planned = plan_new(gcp(), &v("acc"), &mut Diagnostics::default());
    assert!(matches!(
        create_request(&planned, &gcp()),
        Ok(CreateInterconnect::GcpPartner {
            bandwidth: Bandwidth::G1,
            ..
        })
    ));
}

#[test]
fn import_ids_name_the_account_or_use_the_providers() {
    let (a, b) = (
        "023e105f4ecef8ad9ca31a8372d0c353",
        "0123456789abcdef0123456789abcdef",
    );
    assert_eq!(
        parse_import_id(&format!("{a}/icon-1"), None),
        Ok((a.into(), "icon-1".into()))
    );
    assert_eq!(
        parse_import_id("icon-1", Some(b)),
        Ok((b.into(), "icon-1".into()))
    );
    // A name or account that would reach another URL (`..`, `.`) is refused, as is an account that
    // is not a 32-hex tag.
    for bad in [
        &format!("{a}/.."),
        &format!("{a}/."),
        "..",
        "acc/icon-1",
        &format!("{a}x/icon-1"),
    ] {
        assert!(parse_import_id(bad, Some(b)).is_err(), "{bad}");
    }
    for bad in ["icon-1", "", "/icon-1", "acc/", "a/b/c"] {
        assert!(parse_import_id(bad, None).is_err(), "{bad}");
    }
}

#[test]
fn reading_an_import_fills_the_configuration_attributes_from_the_api() {
    let json = r#"{"account":"acc","name":"icon-9","type":"gcp_partner","region":"us-east1","speed":"2G"}"#;
    let ic: Interconnect = serde_json::from_str(json).expect("decodes");
    let mut state = InterconnectState {
        id: v("icon-9"),
        account_id: v("acc"),
        ..Default::default()
    };
    state.apply_interconnect(&ic);
    assert_eq!(
        (state.kind, state.bandwidth, state.speed),
        (v("gcp_partner"), v("2G"), v("2G"))
    );
    assert_eq!(state.wait_for_healthy, Value::Value(true));
    assert!(state.pairing_key.is_null() && state.slot_id.is_null());
    assert!(state.timeouts.is_value());
}

#[test]
fn the_state_struct_and_the_attribute_table_declare_the_same_attributes() {
    let (declared, fields) =
        crate::attributes::names(&attribute_table(), &BLOCKS, &InterconnectState::default());
    assert_eq!(declared, fields);
}

#[test]
fn a_write_only_key_goes_into_the_post_and_never_into_the_plan() {
    let config = InterconnectState {
        pairing_key: Value::Null,
        pairing_key_wo: v("7e51371e-72a3-40b5-b844-2e3efefaee59/us-central1/1"),
        pairing_key_wo_version: Value::Value(Number(1.0)),
        ..gcp()
    };
    assert!(error_paths(&config).is_empty(), "{:?}", error_paths(&config));
    let mut diags = Diagnostics::default();
    let planned = plan_new(config.clone(), &v("acc"), &mut diags);
    assert!(diags.errors.is_empty(), "a write-only key is enough to create");
    assert!(planned.pairing_key_wo.is_null(), "never in the plan");
    match create_request(&planned, &config) {
        Ok(CreateInterconnect::GcpPartner { pairing_key, .. }) => {
            assert_eq!(
                pairing_key.expose(),
                "7e51371e-72a3-40b5-b844-2e3efefaee59/us-central1/1"
            )
        }
        _ => panic!("not a gcp_partner request"),
    }
    let both = InterconnectState {
        pairing_key: v("k"),
        ..config.clone()
    };
    assert_eq!(error_paths(&both), vec!["pairing_key_wo".to_owned()]);
    let unversioned = InterconnectState {
        pairing_key_wo_version: Value::Null,
        ..config.clone()
    };
    assert_eq!(
        error_paths(&unversioned),
        vec!["pairing_key_wo_version".to_owned()]
    );
}

#[test]
fn bumping_the_write_only_keys_version_replaces_and_adding_one_does_not() {
    let mut prior = applied(gcp());
    prior.pairing_key = Value::Null;
    prior.pairing_key_wo_version = Value::Value(Number(1.0));
    let config = InterconnectState {
        pairing_key: Value::Null,
        pairing_key_wo: v("k2"),
        pairing_key_wo_version: Value::Value(Number(2.0)),
        ..gcp()
    };
    let mut proposed = prior.clone();
    proposed.pairing_key_wo = config.pairing_key_wo.clone();
    proposed.pairing_key_wo_version = config.pairing_key_wo_version;
    let (planned, replace) = plan_change(&prior, proposed, &config, &v("acc"));
    assert_eq!(replace, vec![AttributePath::new("pairing_key_wo_version")]);
    assert!(planned.pairing_key_wo.is_null());

    let mut imported = applied(gcp());
    imported.pairing_key = Value::Null;
    let mut proposed = imported.clone();
    proposed.pairing_key_wo_version = config.pairing_key_wo_version;
    let (_, replace) = plan_change(&imported, proposed, &config, &v("acc"));
    assert!(
        replace.is_empty(),
        "adopting a version after an import replaces nothing: {replace:?}"
    );
}

#[test]
fn a_different_key_by_any_route_replaces_and_the_same_key_moved_does_not() {
    let k1 = "7e51371e-72a3-40b5-b844-000000000001/us-east4/1";
    let k2 = "7e51371e-72a3-40b5-b844-000000000002/us-east4/1";
    let digest = key_digest(k1);
    let mut prior = applied(gcp());
    prior.pairing_key = v(k1);
    let mut moved = prior.clone();
    moved.pairing_key = Value::Null;
    moved.pairing_key_wo = v(k1);
    moved.pairing_key_wo_version = Value::Value(Number(1.0));
    let mut planned = moved.clone();
    planned.pairing_key_wo = Value::Null;
    assert_eq!(
        pairing_key_verdict(&prior, &planned, &moved, Some(&digest)),
        KeyVerdict::Same
    );
    let mut other = moved.clone();
    other.pairing_key_wo = v(k2);
    assert_eq!(
        pairing_key_verdict(&prior, &planned, &other, Some(&digest)),
        KeyVerdict::Replace(AttributePath::new("pairing_key"))
    );
    // A new write-only key with the version unchanged: nothing in the plan can show it.
    let mut wo_prior = planned.clone();
    wo_prior.pairing_key = Value::Null;
    assert_eq!(
        pairing_key_verdict(&wo_prior, &wo_prior, &other, Some(&digest)),
        KeyVerdict::NeedsVersionBump
    );
    assert_eq!(
        pairing_key_verdict(&prior, &planned, &other, None),
        KeyVerdict::Untold
    );
    assert!(reuses_its_key(&prior, &moved, Some(&digest)));
    assert!(!reuses_its_key(&prior, &other, Some(&digest)));
}
