//! The retry rules: what is sent again, when, and what never is; the budget; cancellation.

use std::time::{Duration, Instant};

use cni::api::{ApiError, Bandwidth, Client, Deleted, RetryPolicy};
use cni::mock::{FaultAction, Phase, FIRST_SLOT_ID};

use super::fixtures::*;
use super::{gcp, no_retries};

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
    config.requests_per_second = Some(20.0);
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
