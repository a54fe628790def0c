//! Every endpoint of the client against the mock: bodies, headers, filters, authentication.

use cni::api::{Auth, Bandwidth, Client, Deleted, Interconnect, InterconnectStatus, Secret, SlotFilter};
use cni::mock::{StoreConfig, FIRST_SLOT_ID};

use super::fixtures::*;
use super::{direct, gcp};

#[tokio::test]
async fn creates_gets_and_deletes_a_direct_interconnect() {
    let mock = mock().await;
    let api = client(&mock);
    let created = api
        .create_interconnect(ACCOUNT, &direct(FIRST_SLOT_ID))
        .await
        .expect("create");
    let Interconnect::Direct(d) = &created else {
        panic!("not direct: {created:?}")
    };
    assert_eq!(d.slot_id.as_deref(), Some(FIRST_SLOT_ID));
    assert_eq!(d.site.as_deref(), Some("ewr01"));
    assert_eq!(d.speed.as_deref(), Some("10G"));
    assert_eq!(d.facility.as_ref().map(|f| f.name.as_str()), Some("Equinix NY5"));
    assert!(d.common.virtual_port_reservation_id.is_some());

    let fetched = api.get_interconnect(ACCOUNT, created.name()).await.expect("get");
    assert_eq!(fetched, created);

    assert_eq!(
        api.delete_interconnect(ACCOUNT, created.name())
            .await
            .expect("delete"),
        Deleted::Deleted
    );
    assert!(api
        .get_interconnect(ACCOUNT, created.name())
        .await
        .expect_err("gone")
        .is_not_found());
    assert_eq!(
        api.delete_interconnect(ACCOUNT, created.name())
            .await
            .expect("second delete"),
        Deleted::AlreadyGone
    );
}

#[tokio::test]
async fn creates_a_gcp_partner_interconnect_and_reads_its_region_and_speed() {
    let mock = mock().await;
    let api = client(&mock);
    let created = api
        .create_interconnect(ACCOUNT, &gcp(1, Bandwidth::G2))
        .await
        .expect("create");
    assert_eq!(created.kind(), "gcp_partner");
    assert_eq!(created.region(), Some("us-central1"));
    assert_eq!(created.speed(), Some("2G"));
    let posted = logged(&mock, "POST", "/cni/interconnects$");
    assert_eq!(posted.len(), 1);
    let body = posted[0].body.clone().unwrap_or_default();
    assert_eq!(
        body["pairing_key"],
        serde_json::json!(cni::mock::fingerprint(&pairing_key(1))),
        "the mock logs a fingerprint of the key it received"
    );
    assert_eq!(body["bandwidth"], serde_json::json!("2G"));
    assert_eq!(body["account"], serde_json::json!(ACCOUNT));
}

#[tokio::test]
async fn status_goes_from_pending_to_healthy_after_the_configured_polls() {
    let mock = mock_with(StoreConfig {
        healthy_after: cni::mock::HealthyAfter::Polls(1),
        ..Default::default()
    })
    .await;
    let api = client(&mock);
    let ic = api
        .create_interconnect(ACCOUNT, &gcp(2, Bandwidth::M50))
        .await
        .expect("create");
    assert_eq!(
        api.interconnect_status(ACCOUNT, ic.name()).await.expect("status"),
        InterconnectStatus::Pending
    );
    assert_eq!(
        api.interconnect_status(ACCOUNT, ic.name()).await.expect("status"),
        InterconnectStatus::Healthy
    );
}

#[tokio::test]
async fn status_reports_reasons_and_tolerates_unknown_states() {
    let mock = mock().await;
    let api = client(&mock);
    let ic = api
        .create_interconnect(ACCOUNT, &gcp(3, Bandwidth::G1))
        .await
        .expect("create");
    let http = reqwest::Client::new();
    let set = |body: serde_json::Value| {
        http.put(format!(
            "{}/interconnects/{}/status",
            mock.control_url(),
            ic.name()
        ))
        .json(&body)
        .send()
    };
    assert!(set(serde_json::json!({"state":"Down","reason":"no light"}))
        .await
        .expect("put")
        .status()
        .is_success());
    assert_eq!(
        api.interconnect_status(ACCOUNT, ic.name()).await.expect("status"),
        InterconnectStatus::Down {
            reason: Some("no light".into())
        }
    );
    assert!(set(serde_json::json!({"state":"Flapping"}))
        .await
        .expect("put")
        .status()
        .is_success());
    let status = api.interconnect_status(ACCOUNT, ic.name()).await.expect("status");
    assert_eq!(status.state(), "Flapping");
    assert!(!status.is_healthy());
}

#[tokio::test]
async fn fetches_the_loa_as_pdf_bytes_with_accept_any() {
    let mock = mock().await;
    let api = client(&mock);
    let ic = api
        .create_interconnect(ACCOUNT, &direct(FIRST_SLOT_ID))
        .await
        .expect("create");
    let loa = api
        .interconnect_loa(ACCOUNT, ic.name(), Some("ACME Networks"))
        .await
        .expect("loa");
    assert_eq!(loa.content_type, "application/pdf");
    assert!(loa.content.starts_with(b"%PDF-"));
    assert!(String::from_utf8_lossy(&loa.content).contains("ACME Networks"));
    let request = logged(&mock, "GET", "/loa$").pop().expect("logged");
    assert_eq!(request.accept.as_deref(), Some("*/*"));
    assert_eq!(request.query.as_deref(), Some("name=ACME+Networks"));
}

#[tokio::test]
async fn sends_accept_any_on_delete_and_json_elsewhere_with_the_user_agent() {
    let mock = mock().await;
    let api = client(&mock);
    let ic = api
        .create_interconnect(ACCOUNT, &gcp(4, Bandwidth::G1))
        .await
        .expect("create");
    api.delete_interconnect(ACCOUNT, ic.name()).await.expect("delete");
    let requests = mock.requests();
    let delete = requests
        .iter()
        .find(|r| r.method == "DELETE")
        .expect("delete logged");
    assert_eq!(delete.accept.as_deref(), Some("*/*"));
    let post = requests.iter().find(|r| r.method == "POST").expect("post logged");
    assert_eq!(post.accept.as_deref(), Some("application/json"));
    let ua = format!("terraform-provider-cni/{}", env!("CARGO_PKG_VERSION"));
    assert!(requests
        .iter()
        .all(|r| r.user_agent.as_deref() == Some(ua.as_str())));
}

#[tokio::test]
async fn lists_slots_with_every_filter_and_gets_one() {
    let mock = mock().await;
    let api = client(&mock);
    let all = api
        .all_slots(ACCOUNT, &SlotFilter::default())
        .await
        .expect("slots");
    assert_eq!(all.len(), 16);
    let ewr = api
        .all_slots(
            ACCOUNT,
            &SlotFilter {
                site: Some("ewr01".into()),
                ..Default::default()
            },
        )
        .await
        .expect("site");
    assert_eq!(ewr.len(), 4);
    assert!(ewr.iter().all(|s| s.site == "ewr01"));
    let fast = api
        .all_slots(
            ACCOUNT,
            &SlotFilter {
                speed: Some("100G".into()),
                ..Default::default()
            },
        )
        .await
        .expect("speed");
    assert_eq!(fast.len(), 4);
    let london = api
        .all_slots(
            ACCOUNT,
            &SlotFilter {
                address_contains: Some("london".into()),
                ..Default::default()
            },
        )
        .await
        .expect("address");
    assert!(!london.is_empty() && london.iter().all(|s| s.site == "lhr01"));

    api.create_interconnect(ACCOUNT, &direct(FIRST_SLOT_ID))
        .await
        .expect("create");
    let occupied = api
        .all_slots(
            ACCOUNT,
            &SlotFilter {
                occupied: Some(true),
                ..Default::default()
            },
        )
        .await
        .expect("occupied");
    assert_eq!(
        occupied.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        vec![FIRST_SLOT_ID]
    );
    assert_eq!(occupied[0].account.as_deref(), Some(ACCOUNT));
    let slot = api.get_slot(ACCOUNT, FIRST_SLOT_ID).await.expect("slot");
    assert!(slot.occupied);
    assert!(api
        .get_slot(ACCOUNT, "00000000-0000-4000-8000-000000000000")
        .await
        .expect_err("none")
        .is_not_found());
}

#[tokio::test]
async fn accepts_key_and_email_authentication() {
    let mock = mock().await;
    let mut config = config(&mock);
    config.auth = Auth::KeyEmail {
        key: Secret::new("global-key"),
        email: "ops@example.com".into(),
    };
    let api = Client::new(config).expect("client");
    assert!(api.all_slots(ACCOUNT, &SlotFilter::default()).await.is_ok());
}
