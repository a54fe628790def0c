//! The CNI-object and settings endpoints against the mock: every call, paging and the `slot` filter,
//! the API's refusals as typed errors, PUT of the whole object, and the MD5 key never in an error.

use cni::api::{ApiError, BgpControl, Cni, CniFilter, CreateCni, Deleted, MagicSettings, Secret};
use cni::mock::{FaultSpec, FIRST_SLOT_ID};

use super::fixtures::*;
use super::{direct, gcp, no_retries};

fn create_body(interconnect: &str, conduit: &str, key: Option<&str>) -> CreateCni {
    CreateCni {
        account: ACCOUNT.into(),
        interconnect: interconnect.into(),
        magic: MagicSettings {
            conduit_name: conduit.into(),
            description: "edge".into(),
            mtu: 1500,
        },
        bgp: Some(BgpControl {
            customer_asn: 65001,
            extra_prefixes: vec!["203.0.113.0/24".into()],
            md5_key: key.map(Secret::new),
        }),
    }
}

#[tokio::test]
async fn every_cni_call_and_the_settings() {
    let mock = mock_with(cni::mock::StoreConfig {
        page_size: 1,
        ..Default::default()
    })
    .await;
    let api = client(&mock);
    let port = api
        .create_interconnect(ACCOUNT, &direct(FIRST_SLOT_ID))
        .await
        .expect("port");
    let attachment = api
        .create_interconnect(ACCOUNT, &gcp(3, cni::api::Bandwidth::G1))
        .await
        .expect("attachment");
    let created = api
        .create_cni(ACCOUNT, &create_body(port.name(), "edge-1", Some("k3y")))
        .await
        .expect("create");
    assert_eq!(created.interconnect, port.name());
    assert_eq!(
        (created.p2p_ip.as_str(), created.cust_ip.as_str()),
        ("100.64.0.0/31", "100.64.0.1/31")
    );
    assert_eq!(api.get_cni(ACCOUNT, &created.id).await.expect("get"), created);
    api.create_cni(ACCOUNT, &create_body(attachment.name(), "cloud-1", None))
        .await
        .expect("second");

    let all = api.all_cnis(ACCOUNT, &CniFilter::default()).await.expect("list");
    assert_eq!(all.len(), 2, "both pages");
    let on_slot = CniFilter {
        slot: Some(FIRST_SLOT_ID.into()),
        tunnel_id: None,
    };
    let filtered = api.all_cnis(ACCOUNT, &on_slot).await.expect("filtered");
    assert_eq!(filtered, vec![created.clone()]);

    let changed = Cni {
        bgp_mode: Some("advertise_only".into()),
        magic: MagicSettings {
            mtu: 9000,
            ..created.magic.clone()
        },
        ..created.clone()
    };
    let updated = api.update_cni(ACCOUNT, &changed).await.expect("update");
    assert_eq!(updated, changed);
    let put = logged(&mock, "PUT", "/cni/cnis/");
    assert_eq!(put.len(), 1);

    assert_eq!(
        api.delete_cni(ACCOUNT, &created.id).await.expect("delete"),
        Deleted::Deleted
    );
    assert_eq!(
        api.delete_cni(ACCOUNT, &created.id).await.expect("again"),
        Deleted::AlreadyGone
    );
    assert!(api
        .get_cni(ACCOUNT, &created.id)
        .await
        .is_err_and(|e| e.is_not_found()));

    let settings = api.settings(ACCOUNT).await.expect("settings");
    assert_eq!(settings.default_asn as u64, cni::mock::DEFAULT_ASN);
    let set = api.update_settings(ACCOUNT, 65010).await.expect("set");
    assert_eq!(set.default_asn, 65010);
    assert_eq!(api.settings(ACCOUNT).await.expect("read back").default_asn, 65010);
}

#[tokio::test]
async fn refusals_are_typed_and_never_show_the_md5_key() {
    let mock = mock().await;
    let api = no_retries(&mock);
    let port = api
        .create_interconnect(ACCOUNT, &direct(FIRST_SLOT_ID))
        .await
        .expect("port");
    api.create_cni(ACCOUNT, &create_body(port.name(), "edge-1", None))
        .await
        .expect("create");
    let conflict = api
        .create_cni(ACCOUNT, &create_body(port.name(), "edge-1", Some("k3y-secret")))
        .await
        .expect_err("name in use");
    assert!(
        matches!(&conflict, ApiError::BadRequest(f) if f.status == 409),
        "{conflict:?}"
    );
    assert!(conflict.to_string().contains("Name Conflict"), "{conflict}");

    let added = mock.add_fault(
        FaultSpec::on("POST", cni::mock::paths::CNIS)
            .body(400, r#"{"errors":[{"code":1,"message":"bad key k3y-secret"}]}"#),
    );
    assert!(added.is_ok(), "{added:?}");
    let echoed = api
        .create_cni(ACCOUNT, &create_body(port.name(), "edge-2", Some("k3y-secret")))
        .await
        .expect_err("refused");
    assert!(!echoed.to_string().contains("k3y-secret"), "{echoed}");
    assert!(!format!("{echoed:?}").contains("k3y-secret"), "{echoed:?}");
}
