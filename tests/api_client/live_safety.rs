//! Live safety: what counts as gone, redirects, caps, deadlines, and the lookups after a lost create.

use std::time::Duration;

use cni::api::{ApiError, Bandwidth, Client, Deleted, InterconnectFilter, SlotFilter};
use cni::mock::{FaultAction, Phase, FIRST_SLOT_ID};

use super::fixtures::*;
use super::{direct, gcp, no_retries};

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
