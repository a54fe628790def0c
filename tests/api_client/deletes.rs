//! Deletes and the waits for "gone" after them: waits that come together share one listing; a lone
//! wait, or one for a name no listing has shown, sends its `GET`.

use std::time::Duration;

use cni::api::{Bandwidth, Client, Deleted};
use futures::future::join_all;
use tokio::time::Instant;

use super::fixtures::*;
use super::gcp;

const LISTING: &str = r"^/accounts/[^/]+/cni/interconnects$";
const ONE: &str = r"^/accounts/[^/]+/cni/interconnects/[^/]+$";

/// Creates `count` attachments, then has a fresh client read them all (as a refresh does), so that
/// its listing has shown every name. Returns the client and the names.
async fn created_and_refreshed(mock: &cni::mock::MockServer, count: u32) -> (Client, Vec<String>) {
    let creator = client(mock);
    let mut names = Vec::new();
    for n in 0..count {
        let created = creator
            .create_interconnect(ACCOUNT, &gcp(400 + n, Bandwidth::M100))
            .await
            .expect("create");
        names.push(created.name().to_owned());
    }
    let api = client(mock);
    let reads = join_all(names.iter().map(|name| api.read_interconnect(ACCOUNT, name))).await;
    assert!(reads.iter().all(Result::is_ok), "every read: {reads:?}");
    (api, names)
}

/// Deletes `name` and waits until it is gone.
async fn destroy(api: &Client, name: &str) {
    let deleted = api.delete_interconnect(ACCOUNT, name).await.expect("delete");
    assert_eq!(deleted, Deleted::Deleted);
    let deadline = Instant::now() + Duration::from_secs(10);
    api.wait_until_gone(ACCOUNT, name, deadline, Duration::from_millis(50))
        .await
        .expect("gone");
}

#[tokio::test]
async fn waits_for_gone_that_come_together_share_one_listing() {
    let mock = mock().await;
    let (api, names) = created_and_refreshed(&mock, 10).await;
    let before = mock.requests().len();
    join_all(names.iter().map(|name| destroy(&api, name))).await;
    let after: Vec<_> = mock.requests().into_iter().skip(before).collect();
    let count = |method: &str, path: &str| {
        let re = regex::Regex::new(path).expect("regex");
        after
            .iter()
            .filter(|r| r.method == method && re.is_match(&r.path))
            .count()
    };
    assert_eq!(count("DELETE", ONE), 10);
    assert_eq!(count("GET", ONE), 0, "no wait sent its own GET");
    let listings = count("GET", LISTING);
    assert!(
        (1..=3).contains(&listings),
        "one listing (a second if a DELETE came late): {listings}"
    );
    assert_eq!(
        mock.interconnects(),
        serde_json::json!([]),
        "every one really is gone"
    );
}

#[tokio::test]
async fn a_lone_wait_for_gone_sends_its_get() {
    let mock = mock().await;
    let (api, names) = created_and_refreshed(&mock, 3).await;
    let before = mock.requests().len();
    destroy(&api, &names[0]).await;
    let after: Vec<_> = mock.requests().into_iter().skip(before).collect();
    let paths: Vec<_> = after.iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(paths[0].starts_with("DELETE "), "{paths:?}");
    assert!(
        paths[1].starts_with("GET ") && paths[1].ends_with(&names[0]),
        "{paths:?}"
    );
}

#[tokio::test]
async fn a_name_no_listing_has_shown_is_checked_with_a_get() {
    // New interconnects stay out of listings for a while: their absence from one proves nothing.
    let mock = mock_with(cni::mock::StoreConfig {
        list_lag: 5,
        ..Default::default()
    })
    .await;
    let api = client(&mock);
    let mut names = Vec::new();
    for n in 0..4 {
        let created = api
            .create_interconnect(ACCOUNT, &gcp(500 + n, Bandwidth::M100))
            .await
            .expect("create");
        names.push(created.name().to_owned());
    }
    join_all(names.iter().map(|name| destroy(&api, name))).await;
    assert!(logged(&mock, "GET", LISTING).len() <= 1, "one listing at most");
    assert_eq!(
        logged(&mock, "GET", ONE).len(),
        4,
        "a GET each, whatever the listing lacked"
    );
}

#[tokio::test]
async fn a_name_a_later_listing_still_holds_is_waited_for() {
    let mock = mock().await;
    let (api, names) = created_and_refreshed(&mock, 4).await;
    // The first delete is answered, but the object stays: the API deletes it later.
    let added = mock.add_fault(
        cni::mock::FaultSpec::on("DELETE", cni::mock::paths::INTERCONNECT)
            .times(1)
            .status(200),
    );
    assert!(added.is_ok(), "{added:?}");
    let waits = join_all(names.iter().map(|name| async {
        let deleted = api.delete_interconnect(ACCOUNT, name).await.expect("delete");
        assert_eq!(deleted, Deleted::Deleted);
        let deadline = Instant::now() + Duration::from_millis(600);
        api.wait_until_gone(ACCOUNT, name, deadline, Duration::from_millis(50))
            .await
    }))
    .await;
    let still_there = mock.interconnects().clone();
    assert_eq!(
        still_there.as_array().map(Vec::len),
        Some(1),
        "the faulted DELETE removed nothing"
    );
    let survivor = still_there[0]["name"].as_str().unwrap_or_default().to_owned();
    for (name, waited) in names.iter().zip(&waits) {
        assert_eq!(waited.is_err(), *name == survivor, "{name}: {waited:?}");
    }
    assert!(logged(&mock, "GET", LISTING).len() >= 2, "it kept looking");
}
