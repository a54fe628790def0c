//! The REST client against `cni-mock` over real HTTP on loopback: every endpoint, paging, every error
//! kind and every retry rule.

mod common;

use std::time::{Duration, Instant};

use cni::api::{
    ApiError, Auth, Bandwidth, Client, CreateInterconnect, Deleted, Interconnect, InterconnectFilter,
    InterconnectStatus, RetryPolicy, Secret, SlotFilter,
};
use cni::mock::{FaultAction, Phase, StoreConfig, FIRST_SLOT_ID};
use common::*;
use futures::StreamExt;

fn direct(slot: &str) -> CreateInterconnect {
    CreateInterconnect::Direct {
        account: ACCOUNT.into(),
        slot_id: slot.parse().expect("uuid"),
        speed: None,
    }
}

fn gcp(n: u32, bandwidth: Bandwidth) -> CreateInterconnect {
    CreateInterconnect::GcpPartner {
        account: ACCOUNT.into(),
        bandwidth,
        pairing_key: Secret::new(pairing_key(n)),
    }
}

// ---- every endpoint -------------------------------------------------------------------------------

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

// ---- paging ---------------------------------------------------------------------------------------

#[tokio::test]
async fn follows_every_page_of_interconnects_in_order_with_filters() {
    let mock = mock_with(StoreConfig {
        page_size: 4,
        ..Default::default()
    })
    .await;
    let api = client(&mock);
    let mut names = Vec::new();
    for n in 0..17 {
        names.push(
            api.create_interconnect(ACCOUNT, &gcp(100 + n, Bandwidth::M100))
                .await
                .expect("create")
                .name()
                .to_owned(),
        );
    }
    let direct_ic = api
        .create_interconnect(ACCOUNT, &direct(FIRST_SLOT_ID))
        .await
        .expect("direct");
    let listed = api
        .all_interconnects(
            ACCOUNT,
            &InterconnectFilter {
                kind: Some("gcp_partner".into()),
                site: None,
            },
        )
        .await
        .expect("list");
    assert_eq!(
        listed.iter().map(|i| i.name().to_owned()).collect::<Vec<_>>(),
        names
    );
    let pages = logged(&mock, "GET", "/cni/interconnects$");
    assert_eq!(pages.len(), 5, "17 items at 4 a page");
    assert!(pages
        .iter()
        .all(|p| p.query.as_deref().is_some_and(|q| q.contains("type=gcp_partner"))));
    let at_ewr = api
        .all_interconnects(
            ACCOUNT,
            &InterconnectFilter {
                site: Some("ewr01".into()),
                kind: None,
            },
        )
        .await
        .expect("site");
    assert_eq!(at_ewr, vec![direct_ic]);
}

#[tokio::test]
async fn streams_pages_lazily() {
    let mock = mock_with(StoreConfig {
        page_size: 2,
        ..Default::default()
    })
    .await;
    let api = client(&mock);
    for n in 0..6 {
        api.create_interconnect(ACCOUNT, &gcp(200 + n, Bandwidth::G1))
            .await
            .expect("create");
    }
    let filter = InterconnectFilter::default();
    let first_three: Vec<_> = api.interconnects(ACCOUNT, &filter).take(3).collect().await;
    assert_eq!(first_three.len(), 3);
    assert_eq!(
        logged(&mock, "GET", "/cni/interconnects$").len(),
        2,
        "only the pages needed were fetched"
    );
}

#[tokio::test]
async fn stops_when_the_cursor_does_not_advance() {
    let mock = mock().await;
    let api = client(&mock);
    let stuck = FaultAction::Body {
        status: 200,
        body: r#"{"items":[],"next":3}"#.into(),
        content_type: None,
    };
    mock.add_fault(fault("GET", "/cni/interconnects$", 5, Phase::Before, stuck))
        .expect("fault");
    let err = api
        .all_interconnects(ACCOUNT, &InterconnectFilter::default())
        .await
        .expect_err("loop");
    assert!(matches!(err, ApiError::Pagination { cursor: 3, .. }), "{err}");
    assert_eq!(logged(&mock, "GET", "/cni/interconnects$").len(), 2);
}

#[tokio::test]
async fn unwraps_an_envelope_and_keeps_unknown_types() {
    let mock = mock().await;
    let api = client(&mock);
    let body = r#"{"success":true,"errors":[],"result":{"items":[{"type":"aws_dx","name":"x1","account":"a"}],"next":null}}"#;
    mock.add_fault(fault(
        "GET",
        "/cni/interconnects$",
        1,
        Phase::Before,
        FaultAction::Body {
            status: 200,
            body: body.into(),
            content_type: None,
        },
    ))
    .expect("fault");
    let listed = api
        .all_interconnects(ACCOUNT, &InterconnectFilter::default())
        .await
        .expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].kind(), "aws_dx");
    assert_eq!(listed[0].name(), "x1");
}

// ---- error kinds ----------------------------------------------------------------------------------

fn no_retries(mock: &cni::mock::MockServer) -> Client {
    let mut config = config(mock);
    config.retry.max_retries = 0;
    Client::new(config).expect("client")
}

#[tokio::test]
async fn not_found_carries_the_api_message_and_the_ray() {
    let mock = mock().await;
    let err = client(&mock)
        .get_interconnect(ACCOUNT, "nope")
        .await
        .expect_err("404");
    assert!(err.is_not_found());
    let text = err.to_string();
    assert!(text.contains("get interconnect \"nope\""), "{text}");
    assert!(text.contains("HTTP 404: Interconnect not found"), "{text}");
    assert!(err.cf_ray().is_some_and(|r| text.contains(r)), "{text}");
}

#[tokio::test]
async fn wrong_credentials_are_unauthorized() {
    let mock = mock().await;
    let mut config = config(&mock);
    config.auth = Auth::Token(Secret::new("wrong-token-value"));
    let err = Client::new(config)
        .expect("client")
        .get_slot(ACCOUNT, FIRST_SLOT_ID)
        .await
        .expect_err("403");
    assert!(matches!(err, ApiError::Unauthorized(_)), "{err}");
    assert!(err.to_string().contains("Authentication error"));
    assert!(!err.to_string().contains("wrong-token-value"));
}

#[tokio::test]
async fn validation_failures_are_bad_requests_with_the_api_message() {
    let mock = mock().await;
    let api = client(&mock);
    api.create_interconnect(ACCOUNT, &direct(FIRST_SLOT_ID))
        .await
        .expect("first");
    let err = api
        .create_interconnect(ACCOUNT, &direct(FIRST_SLOT_ID))
        .await
        .expect_err("occupied");
    assert!(matches!(err, ApiError::BadRequest(_)), "{err}");
    assert!(err.to_string().contains("is occupied (code 1004)"), "{err}");
    assert!(!err.outcome_unknown());
}

#[tokio::test]
async fn rate_limited_server_and_transport_errors_are_typed() {
    let mock = mock().await;
    let api = no_retries(&mock);
    let slots = "/cni/slots$";
    mock.add_fault(fault(
        "GET",
        slots,
        1,
        Phase::Before,
        FaultAction::Status {
            status: 429,
            retry_after: Some(7),
        },
    ))
    .expect("fault");
    let err = api
        .all_slots(ACCOUNT, &SlotFilter::default())
        .await
        .expect_err("429");
    assert!(
        matches!(err, ApiError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(7)),
        "{err}"
    );

    mock.add_fault(fault(
        "GET",
        slots,
        1,
        Phase::Before,
        FaultAction::Status {
            status: 502,
            retry_after: None,
        },
    ))
    .expect("fault");
    let err = api
        .all_slots(ACCOUNT, &SlotFilter::default())
        .await
        .expect_err("502");
    assert!(matches!(err, ApiError::Server { .. }), "{err}");
    assert!(
        err.to_string().contains("list slots: HTTP 502") && err.cf_ray().is_some(),
        "{err}"
    );

    mock.add_fault(fault("GET", slots, 1, Phase::Before, FaultAction::Drop))
        .expect("fault");
    let err = api
        .all_slots(ACCOUNT, &SlotFilter::default())
        .await
        .expect_err("drop");
    assert!(matches!(err, ApiError::Transport { .. }), "{err}");
    assert!(err.to_string().starts_with("list slots: "), "{err}");
}

#[tokio::test]
async fn malformed_and_truncated_bodies_are_decode_errors() {
    let mock = mock().await;
    let api = no_retries(&mock);
    let bad = FaultAction::Body {
        status: 200,
        body: "{\"items\": [".into(),
        content_type: None,
    };
    mock.add_fault(fault("GET", "/cni/slots$", 1, Phase::Before, bad))
        .expect("fault");
    let err = api
        .all_slots(ACCOUNT, &SlotFilter::default())
        .await
        .expect_err("malformed");
    assert!(matches!(err, ApiError::Decode { status: 200, .. }), "{err}");

    mock.add_fault(fault(
        "GET",
        "/cni/slots/",
        1,
        Phase::After,
        FaultAction::Truncate,
    ))
    .expect("fault");
    let err = api.get_slot(ACCOUNT, FIRST_SLOT_ID).await.expect_err("truncated");
    assert!(matches!(err, ApiError::Decode { .. }), "{err}");
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_that_did_not_reach_the_api() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let mut config = config(&mock().await);
    config.base_url = format!("http://127.0.0.1:{port}/client/v4").parse().expect("url");
    config.retry.max_retries = 0;
    let err = Client::new(config)
        .expect("client")
        .create_interconnect(ACCOUNT, &gcp(5, Bandwidth::G1))
        .await
        .expect_err("refused");
    assert!(matches!(err, ApiError::Transport { .. }), "{err}");
    assert!(err.certainly_not_processed() && !err.outcome_unknown());
}

// ---- retry rules ----------------------------------------------------------------------------------

#[tokio::test]
async fn retries_a_429_after_the_retry_after_it_asked_for() {
    let mock = mock().await;
    let api = client(&mock);
    mock.add_fault(fault(
        "GET",
        "/cni/slots/",
        1,
        Phase::Before,
        FaultAction::Status {
            status: 429,
            retry_after: Some(1),
        },
    ))
    .expect("fault");
    api.get_slot(ACCOUNT, FIRST_SLOT_ID).await.expect("retried");
    let tries = logged(&mock, "GET", "/cni/slots/");
    assert_eq!(tries.iter().map(|r| r.status).collect::<Vec<_>>(), vec![429, 200]);
    let gap = tries[1].at_ms - tries[0].at_ms;
    assert!(gap >= 950, "retried after {gap} ms, before the 1 s Retry-After");
}

#[tokio::test]
async fn retries_server_errors_up_to_max_retries() {
    let mock = mock().await;
    let api = client(&mock); // max_retries = 3
    let unavailable = FaultAction::Status {
        status: 503,
        retry_after: None,
    };
    mock.add_fault(fault("GET", "/cni/slots/", 3, Phase::Before, unavailable.clone()))
        .expect("fault");
    api.get_slot(ACCOUNT, FIRST_SLOT_ID)
        .await
        .expect("fourth attempt succeeds");
    assert_eq!(logged(&mock, "GET", "/cni/slots/").len(), 4);

    mock.add_fault(fault("GET", "/cni/slots/", 10, Phase::Before, unavailable))
        .expect("fault");
    let err = api.get_slot(ACCOUNT, FIRST_SLOT_ID).await.expect_err("gives up");
    assert!(matches!(err, ApiError::Server { .. }), "{err}");
    assert_eq!(
        logged(&mock, "GET", "/cni/slots/").len(),
        4 + 4,
        "one attempt plus three retries"
    );
}

#[tokio::test]
async fn retries_a_get_that_outlives_the_request_timeout() {
    let mock = mock().await;
    let mut config = config(&mock);
    config.request_timeout = Duration::from_millis(300);
    let api = Client::new(config).expect("client");
    mock.add_fault(fault(
        "GET",
        "/cni/slots/",
        1,
        Phase::Before,
        FaultAction::Delay { delay_ms: 1500 },
    ))
    .expect("fault");
    api.get_slot(ACCOUNT, FIRST_SLOT_ID)
        .await
        .expect("second attempt succeeds");
    assert_eq!(logged(&mock, "GET", "/cni/slots/").len(), 2);
}

#[tokio::test]
async fn retries_deletes_and_treats_a_lost_answer_as_done() {
    let mock = mock().await;
    let api = client(&mock);
    let ic = api
        .create_interconnect(ACCOUNT, &gcp(6, Bandwidth::G1))
        .await
        .expect("create");
    mock.add_fault(fault(
        "DELETE",
        "/cni/interconnects/",
        1,
        Phase::After,
        FaultAction::Drop,
    ))
    .expect("fault");
    assert_eq!(
        api.delete_interconnect(ACCOUNT, ic.name()).await.expect("delete"),
        Deleted::AlreadyGone
    );
    assert_eq!(logged(&mock, "DELETE", "/cni/interconnects/").len(), 2);
}

#[tokio::test]
async fn never_resends_a_create_whose_outcome_is_unknown() {
    let mock = mock().await;
    let api = client(&mock); // max_retries = 3
    let post = "/cni/interconnects$";
    mock.add_fault(fault(
        "POST",
        post,
        1,
        Phase::After,
        FaultAction::Status {
            status: 500,
            retry_after: None,
        },
    ))
    .expect("fault");
    let err = api
        .create_interconnect(ACCOUNT, &gcp(7, Bandwidth::G1))
        .await
        .expect_err("500");
    assert!(err.outcome_unknown(), "{err}");
    mock.add_fault(fault("POST", post, 1, Phase::After, FaultAction::Drop))
        .expect("fault");
    let err = api
        .create_interconnect(ACCOUNT, &gcp(8, Bandwidth::G1))
        .await
        .expect_err("dropped");
    assert!(err.outcome_unknown(), "{err}");
    let mut config = config(&mock);
    config.request_timeout = Duration::from_millis(300);
    mock.add_fault(fault(
        "POST",
        post,
        1,
        Phase::After,
        FaultAction::Delay { delay_ms: 1500 },
    ))
    .expect("fault");
    let err = Client::new(config)
        .expect("client")
        .create_interconnect(ACCOUNT, &gcp(9, Bandwidth::G1))
        .await
        .expect_err("slow");
    assert!(err.outcome_unknown(), "{err}");

    assert_eq!(
        logged(&mock, "POST", post).len(),
        3,
        "each create was sent exactly once"
    );
    assert_eq!(
        mock.interconnects().as_array().map(Vec::len),
        Some(3),
        "and each took effect"
    );
}

#[tokio::test]
async fn resends_a_create_the_gateway_rejected_with_429() {
    let mock = mock().await;
    let api = client(&mock);
    mock.add_fault(fault(
        "POST",
        "/cni/interconnects$",
        1,
        Phase::Before,
        FaultAction::Status {
            status: 429,
            retry_after: Some(0),
        },
    ))
    .expect("fault");
    api.create_interconnect(ACCOUNT, &gcp(10, Bandwidth::G1))
        .await
        .expect("created on the second try");
    assert_eq!(logged(&mock, "POST", "/cni/interconnects$").len(), 2);
    assert_eq!(mock.interconnects().as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn errors_never_carry_the_pairing_key_even_when_the_api_echoes_it() {
    let mock = mock().await;
    let api = no_retries(&mock);
    let echo = format!(
        r#"{{"success":false,"errors":[{{"code":1,"message":"bad key {}"}}]}}"#,
        pairing_key(11)
    );
    mock.add_fault(fault(
        "POST",
        "/cni/interconnects$",
        1,
        Phase::Before,
        FaultAction::Body {
            status: 400,
            body: echo,
            content_type: None,
        },
    ))
    .expect("fault");
    let err = api
        .create_interconnect(ACCOUNT, &gcp(11, Bandwidth::G1))
        .await
        .expect_err("400");
    let text = format!("{err} {err:?}");
    assert!(!text.contains(&pairing_key(11)), "{text}");
    assert!(text.contains("bad key <redacted>"), "{text}");
}

#[tokio::test]
async fn the_budget_spaces_requests_from_every_clone() {
    let mock = mock().await;
    let mut config = config(&mock);
    config.requests_per_second = 20.0;
    let api = Client::new(config).expect("client");
    let calls = (0..11).map(|_| {
        let api = api.clone();
        tokio::spawn(async move { api.get_slot(ACCOUNT, FIRST_SLOT_ID).await.is_ok() })
    });
    for call in calls {
        assert!(call.await.expect("join"));
    }
    let log = mock.requests();
    assert_eq!(log.len(), 11);
    let span = log.last().map(|r| r.at_ms).unwrap_or(0) - log[0].at_ms;
    assert!(
        span >= 450,
        "11 requests at 20/s need at least 500 ms; the mock saw them within {span} ms"
    );
}

#[tokio::test]
async fn cancellation_ends_a_retry_wait_at_once() {
    let mock = mock().await;
    let mut config = config(&mock);
    config.retry = RetryPolicy {
        max_retries: 5,
        min_delay: Duration::from_secs(30),
        max_delay: Duration::from_secs(30),
    };
    let cancel = config.cancel.clone();
    let api = Client::new(config).expect("client");
    mock.add_fault(fault(
        "GET",
        "/cni/slots/",
        1,
        Phase::Before,
        FaultAction::Status {
            status: 503,
            retry_after: None,
        },
    ))
    .expect("fault");
    let started = Instant::now();
    let call = tokio::spawn(async move { api.get_slot(ACCOUNT, FIRST_SLOT_ID).await });
    while logged(&mock, "GET", "/cni/slots/").is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the first attempt never arrived"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    cancel.cancel();
    let err = call.await.expect("join").expect_err("cancelled");
    assert!(err.is_cancelled(), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the 30 s backoff was not cut short"
    );
    assert_eq!(logged(&mock, "GET", "/cni/slots/").len(), 1);
}

// ---- transport security ---------------------------------------------------------------------------

/// An HTTPS server on 127.0.0.1 whose certificate no public authority signed; answers every connection
/// with a minimal HTTP response once the handshake succeeds.
async fn self_signed_https_server() -> std::net::SocketAddr {
    use std::sync::Arc;
    use tokio::io::AsyncWriteExt;
    use tokio_rustls::rustls;

    let cert =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).expect("cert");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.key_pair.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            if let Ok(mut tls) = acceptor.accept(stream).await {
                let _ = tls
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
                    .await;
            }
        }
    });
    addr
}

#[tokio::test]
async fn tls_certificates_are_verified_and_an_untrusted_one_is_refused() {
    let addr = self_signed_https_server().await;
    let mock = mock().await;
    let mut config = config(&mock);
    config.base_url = format!("https://localhost:{}/client/v4", addr.port())
        .parse()
        .expect("url");
    config.retry.max_retries = 0;
    let err = Client::new(config)
        .expect("client")
        .get_slot(ACCOUNT, FIRST_SLOT_ID)
        .await
        .expect_err("untrusted");
    assert!(matches!(err, ApiError::Transport { .. }), "{err}");
    let text = err.to_string().to_lowercase();
    assert!(
        text.contains("certificate"),
        "the error names the certificate: {text}"
    );
}

// ---- live safety: what counts as gone, redirects, caps, deadlines, lookups after a lost create ----

fn body_fault(method: &str, path: &str, status: u16, body: String) -> cni::mock::FaultSpec {
    fault(
        method,
        path,
        1,
        Phase::Before,
        FaultAction::Body {
            status,
            body,
            content_type: None,
        },
    )
}

#[tokio::test]
async fn only_the_apis_own_404_says_an_interconnect_is_gone() {
    let mock = mock().await;
    let api = no_retries(&mock);
    let missing = api.get_interconnect(ACCOUNT, "icon-404").await.expect_err("404");
    assert!(missing.is_not_found(), "{missing}");
    let there = api
        .create_interconnect(ACCOUNT, &direct(cni::mock::FIRST_SLOT_ID))
        .await
        .expect("create");
    let name = there.name().to_owned();
    let html_404 = |method: &str, path: &str, count: u32| {
        fault(
            method,
            path,
            count,
            Phase::Before,
            FaultAction::Html { status: 404 },
        )
    };

    // A page from a proxy for an interconnect the account's listing still holds: not the API's word.
    mock.add_fault(html_404("GET", &format!("/{name}$"), 1))
        .expect("fault");
    let html = api.get_interconnect(ACCOUNT, &name).await.expect_err("html");
    assert!(matches!(html, ApiError::NotTheApi(_)), "{html:?}");
    assert!(
        html.to_string().contains("did not come from the CNI API"),
        "{html}"
    );

    // The same page for a name the listing lacks: confirmed gone (the API documents no 404 body).
    mock.add_fault(html_404("GET", "/icon-404$", 1)).expect("fault");
    let confirmed = api.get_interconnect(ACCOUNT, "icon-404").await.expect_err("gone");
    assert!(confirmed.is_not_found(), "{confirmed:?}");
    assert!(confirmed.to_string().contains("listing lacks it"), "{confirmed}");

    // A routing error for a listed name, and a wrong path where the listing fails too: never gone.
    let routing = r#"{"success":false,"errors":[{"code":7003,"message":"Could not route to /accounts/x"}]}"#;
    mock.add_fault(body_fault("GET", &format!("/{name}$"), 404, routing.into()))
        .expect("fault");
    let unrouted = api.get_interconnect(ACCOUNT, &name).await.expect_err("routing");
    assert!(matches!(unrouted, ApiError::NotTheApi(_)), "{unrouted:?}");
    mock.add_fault(html_404("GET", "/interconnects", 2))
        .expect("fault");
    let wrong_path = api
        .get_interconnect(ACCOUNT, "icon-404")
        .await
        .expect_err("wrong path");
    assert!(matches!(wrong_path, ApiError::NotTheApi(_)), "{wrong_path:?}");

    mock.add_fault(html_404("DELETE", &format!("/{name}$"), 1))
        .expect("fault");
    let delete = api.delete_interconnect(ACCOUNT, &name).await;
    assert!(matches!(delete, Err(ApiError::NotTheApi(_))), "{delete:?}");
    mock.add_fault(html_404("DELETE", "/icon-404$", 1))
        .expect("fault");
    assert_eq!(
        api.delete_interconnect(ACCOUNT, "icon-404").await.expect("gone"),
        Deleted::AlreadyGone
    );
}

/// A server on 127.0.0.1 that redirects every request to `target`.
async fn redirector(target: String) -> std::net::SocketAddr {
    let app = axum::Router::new().fallback(move || {
        let target = target.clone();
        async move { axum::response::Redirect::temporary(&target) }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

#[tokio::test]
async fn redirects_are_never_followed_so_credentials_stay_home() {
    let elsewhere = mock().await;
    let addr = redirector(format!("{}/accounts/{ACCOUNT}/cni/slots", elsewhere.base_url())).await;
    let mut config = config(&elsewhere);
    config.base_url = format!("http://{addr}/client/v4").parse().expect("url");
    config.retry.max_retries = 0;
    let err = Client::new(config)
        .expect("client")
        .all_slots(ACCOUNT, &SlotFilter::default())
        .await
        .expect_err("redirected");
    assert!(matches!(err, ApiError::Redirected { .. }), "{err:?}");
    assert!(err.to_string().contains("not followed"), "{err}");
    assert!(
        elsewhere.requests().is_empty(),
        "nothing reached the redirect's target"
    );
}

#[tokio::test]
async fn response_bodies_are_size_capped() {
    let mock = mock().await;
    let api = no_retries(&mock);
    let huge = format!(
        "{{\"items\":[],\"pad\":\"{}\"}}",
        "x".repeat(cni::api::MAX_RESPONSE_BYTES)
    );
    mock.add_fault(body_fault("GET", "/cni/interconnects$", 200, huge))
        .expect("fault");
    let err = api
        .all_interconnects(ACCOUNT, &InterconnectFilter::default())
        .await
        .expect_err("too large");
    assert!(err.to_string().contains("larger than"), "{err}");
}

#[tokio::test]
async fn a_retry_after_longer_than_the_time_left_ends_the_call_at_once() {
    let mock = mock().await;
    let api = client(&mock).until(tokio::time::Instant::now() + Duration::from_secs(5));
    mock.add_fault(fault(
        "GET",
        "/cni/slots$",
        1,
        Phase::Before,
        FaultAction::Status {
            status: 429,
            retry_after: Some(60),
        },
    ))
    .expect("fault");
    let err = api
        .all_slots(ACCOUNT, &SlotFilter::default())
        .await
        .expect_err("out of time");
    assert!(matches!(err, ApiError::OutOfTime { .. }), "{err:?}");
    assert!(err.to_string().contains("asked to retry after 1m"), "{err}");
    assert_eq!(logged(&mock, "GET", "/cni/slots$").len(), 1, "not retried");

    let spent = client(&mock).until(tokio::time::Instant::now());
    let err = spent.get_slot(ACCOUNT, FIRST_SLOT_ID).await.expect_err("no time");
    assert!(matches!(err, ApiError::OutOfTime { .. }), "{err:?}");
    assert!(logged(&mock, "GET", "/cni/slots/").is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_lookup_after_a_lost_create_adopts_only_its_own_type() {
    let mock = mock().await;
    let api = client(&mock);
    let list = "/cni/interconnects$";
    // The baseline: no attachment yet. The create is refused with a 500 before it is made. The lookup's
    // listing ignores the type filter and shows a direct port of the same speed.
    let port = serde_json::json!({"items": [{"account": ACCOUNT, "name": "icon-port", "type": "direct",
        "slot_id": FIRST_SLOT_ID, "site": "ewr01", "speed": "1G", "facility": {"name": "f", "address": []}}], "next": 0});
    mock.add_fault(body_fault("GET", list, 200, r#"{"items":[],"next":0}"#.into()))
        .expect("fault");
    mock.add_fault(fault(
        "POST",
        list,
        1,
        Phase::Before,
        FaultAction::Status {
            status: 500,
            retry_after: None,
        },
    ))
    .expect("fault");
    mock.add_fault(body_fault("GET", list, 200, port.to_string()))
        .expect("fault");
    let created = api
        .create_exactly_once(ACCOUNT, &gcp(60, Bandwidth::G1), 2)
        .await
        .expect("created");
    assert_eq!(created.interconnect.kind(), "gcp_partner");
    assert_ne!(created.interconnect.name(), "icon-port");
    assert_eq!(
        logged(&mock, "POST", list).len(),
        2,
        "sent again once nothing of its own was found"
    );
}

#[tokio::test]
async fn sibling_creates_settle_before_a_lookup_and_are_never_adopted() {
    let mock = mock().await;
    let api = client(&mock);
    let post = "/cni/interconnects$";
    mock.add_fault(fault(
        "POST",
        post,
        1,
        Phase::After,
        FaultAction::Delay { delay_ms: 1500 },
    ))
    .expect("fault");
    mock.add_fault(fault(
        "POST",
        post,
        1,
        Phase::Before,
        FaultAction::Status {
            status: 503,
            retry_after: None,
        },
    ))
    .expect("fault");
    let (first, second) = (gcp(61, Bandwidth::G1), gcp(62, Bandwidth::G1));
    // Both take their baseline, then post: the first post to arrive is made and answered late, the
    // second is refused with a 503 and looks for what it may have made while the first is in flight.
    let (a, b) = tokio::join!(
        api.create_exactly_once(ACCOUNT, &first, 2),
        api.create_exactly_once(ACCOUNT, &second, 2),
    );
    let (a, b) = (a.expect("first"), b.expect("second"));
    assert_ne!(a.interconnect.name(), b.interconnect.name());
    assert_eq!(
        [&a, &b].iter().filter(|c| c.recovered_from.is_some()).count(),
        1,
        "one create was refused once, then sent again"
    );
    assert_eq!(mock.interconnects().as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn the_creates_of_one_client_share_the_listing_taken_before_them() {
    let mock = mock().await;
    let api = client(&mock);
    let requests: Vec<_> = (0..20).map(|n| gcp(200 + n, Bandwidth::G1)).collect();
    let created = futures::future::join_all(
        requests
            .iter()
            .map(|request| api.create_exactly_once(ACCOUNT, request, 2)),
    )
    .await;
    assert!(created.iter().all(Result::is_ok));
    assert_eq!(
        logged(&mock, "GET", "/cni/interconnects$").len(),
        1,
        "twenty creates, one baseline listing"
    );
    assert_eq!(logged(&mock, "POST", "/cni/interconnects$").len(), 20);
    let other = client(&mock);
    other
        .create_exactly_once(ACCOUNT, &gcp(300, Bandwidth::G1), 2)
        .await
        .expect("create");
    assert_eq!(
        logged(&mock, "GET", "/cni/interconnects$").len(),
        2,
        "another client (another command) lists for itself"
    );
}

#[tokio::test]
async fn a_create_that_ends_not_knowing_what_it_made_drops_the_shared_baseline() {
    let mock = mock().await;
    let api = client(&mock);
    let list = "/cni/interconnects$";
    api.create_exactly_once(ACCOUNT, &gcp(400, Bandwidth::G1), 2)
        .await
        .expect("the first create takes the shared baseline");
    let server_error = FaultAction::Status {
        status: 500,
        retry_after: None,
    };
    mock.add_fault(fault("POST", list, 1, Phase::Before, server_error.clone()))
        .expect("fault");
    mock.add_fault(fault("GET", list, 4, Phase::Before, server_error))
        .expect("fault");
    let unresolved = api
        .create_exactly_once(ACCOUNT, &gcp(401, Bandwidth::G1), 2)
        .await
        .expect_err("the create's outcome is unknown and the lookup fails");
    assert!(unresolved.may_have_created(), "{unresolved}");
    let listings = logged(&mock, "GET", list).len();

    api.create_exactly_once(ACCOUNT, &gcp(402, Bandwidth::G1), 2)
        .await
        .expect("the next create");
    assert_eq!(
        logged(&mock, "GET", list).len(),
        listings + 1,
        "the next create listed again instead of using the baseline from before the unknown create"
    );
}
