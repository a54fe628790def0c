//! Every error kind: what the API and the network answer, typed.

use std::time::Duration;

use cni::api::{ApiError, Auth, Bandwidth, Client, Secret, SlotFilter};
use cni::mock::{FaultAction, Phase, FIRST_SLOT_ID};

use super::fixtures::*;
use super::{direct, gcp, no_retries};

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
