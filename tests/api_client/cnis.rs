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
            other: Default::default(),
        },
        bgp: Some(BgpControl {
            customer_asn: 65001,
            extra_prefixes: vec!["203.0.113.0/24".into()],
            md5_key: key.map(Secret::new),
            other: Default::default(),
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

/// Creates `count` CNIs on a new port, and returns their ids.
async fn seed_cnis(mock: &cni::mock::MockServer, count: usize) -> Vec<String> {
    let api = client(mock);
    let port = api
        .create_interconnect(ACCOUNT, &direct(FIRST_SLOT_ID))
        .await
        .expect("port");
    let mut ids = Vec::new();
    for n in 0..count {
        let created = api
            .create_cni(ACCOUNT, &create_body(port.name(), &format!("edge-{n}"), None))
            .await
            .expect("seed");
        ids.push(created.id);
    }
    ids
}

#[tokio::test]
async fn the_cni_reads_of_one_client_share_one_listing_and_a_change_drops_it() {
    let mock = mock().await;
    let ids = seed_cnis(&mock, 120).await;
    let before = mock.requests().len();
    let api = client(&mock);
    let read = futures::future::join_all(ids.iter().map(|id| api.read_cni(ACCOUNT, id))).await;
    for (id, result) in ids.iter().zip(&read) {
        assert_eq!(&result.as_ref().expect("read").id, id);
    }
    let sent = &mock.requests()[before..];
    let pages = sent.iter().filter(|r| r.path.ends_with("/cni/cnis")).count();
    assert_eq!(pages, 3, "120 CNIs in the mock's pages of 50");
    assert!(
        sent.len() - pages <= 1,
        "{} GETs beside the listing",
        sent.len() - pages
    );

    // This client's PUT drops the listing: the next read does not answer from before it.
    let mut changed = read[0].as_ref().expect("read").clone();
    changed.magic.mtu = 1400;
    api.update_cni(ACCOUNT, &changed).await.expect("put");
    let again = api.read_cni(ACCOUNT, &changed.id).await.expect("read again");
    assert_eq!(again.magic.mtu, 1400);
}

#[tokio::test]
async fn a_lost_cni_create_answer_is_found_and_a_namesake_from_before_never_adopted() {
    let mock = mock().await;
    let api = client(&mock);
    let port = api
        .create_interconnect(ACCOUNT, &direct(FIRST_SLOT_ID))
        .await
        .expect("port");
    mock.add_fault(FaultSpec::on("POST", "/cni/cnis$").after().drop_connection())
        .expect("fault");
    let fresh = client(&mock);
    let made = fresh
        .create_cni_once(ACCOUNT, &create_body(port.name(), "edge-1", Some("k3y")), 3)
        .await
        .expect("found");
    let all = api.all_cnis(ACCOUNT, &CniFilter::default()).await.expect("list");
    assert_eq!(all.len(), 1, "not duplicated");
    assert_eq!(made.id, all[0].id);

    // edge-1 now exists (made "outside" the next client): its lost answer must not make it ours.
    mock.add_fault(
        FaultSpec::on("POST", "/cni/cnis$")
            .after()
            .times(3)
            .drop_connection(),
    )
    .expect("fault");
    let other = client(&mock);
    let refused = other
        .create_cni_once(ACCOUNT, &create_body(port.name(), "edge-1", Some("k3y")), 3)
        .await
        .expect_err("never adopted");
    assert!(!refused.to_string().contains("k3y"), "{refused}");
    let all = api.all_cnis(ACCOUNT, &CniFilter::default()).await.expect("list");
    assert_eq!(all.len(), 1, "still one");
}
