//! The reads of one client share a listing of their account (`Client::read_interconnect`), against the
//! in-process mock: fewer requests, and never a stale or unconfirmed answer.

use super::fixtures::*;
use cni::api::{Bandwidth, Client, CreateInterconnect, Secret};
use cni::mock::{FaultAction, Phase};
use futures::future::join_all;

const LIST: &str = "/cni/interconnects$";
const BY_NAME: &str = "/cni/interconnects/[^/]+$";

/// Creates `count` `gcp_partner` interconnects with a client of its own, and returns their names.
async fn seed(mock: &cni::mock::MockServer, count: u32) -> Vec<String> {
    let api = client(mock);
    let mut names = Vec::new();
    for n in 0..count {
        let request = CreateInterconnect::GcpPartner {
            account: ACCOUNT.into(),
            bandwidth: Bandwidth::G1,
            pairing_key: Secret::new(pairing_key(1000 + n)),
        };
        let created = api.create_interconnect(ACCOUNT, &request).await.expect("seed");
        names.push(created.name().to_owned());
    }
    names
}

async fn read_all(api: &Client, names: &[String]) -> Vec<Result<cni::api::Interconnect, cni::api::ApiError>> {
    join_all(names.iter().map(|name| api.read_interconnect(ACCOUNT, name))).await
}

#[tokio::test]
async fn the_reads_of_one_client_share_one_listing() {
    let mock = mock().await;
    let names = seed(&mock, 250).await;
    let before = mock.requests().len();
    let api = client(&mock);
    let read = read_all(&api, &names).await;
    for (name, result) in names.iter().zip(&read) {
        let interconnect = result.as_ref().expect("read");
        assert_eq!(interconnect.name(), name);
        assert_eq!(interconnect.region(), Some("us-central1"));
    }
    let sent = &mock.requests()[before..];
    let pages = sent
        .iter()
        .filter(|r| r.path.ends_with("/cni/interconnects"))
        .count();
    let gets = sent.len() - pages;
    assert_eq!(pages, 5, "250 interconnects in the mock's pages of 50");
    assert!(gets <= 1, "{gets} GETs beside the listing");
}

#[tokio::test]
async fn a_single_read_sends_a_single_get() {
    let mock = mock().await;
    let names = seed(&mock, 3).await;
    let before = mock.requests().len();
    let api = client(&mock);
    api.read_interconnect(ACCOUNT, &names[1]).await.expect("read");
    let sent = &mock.requests()[before..];
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].path.ends_with(&names[1]), "{sent:?}");
}

#[tokio::test]
async fn a_name_missing_from_the_listing_is_confirmed_with_a_get() {
    let mock = mock().await;
    let mut names = seed(&mock, 5).await;
    names.push("icon-gone".into());
    let api = client(&mock);
    let read = read_all(&api, &names).await;
    let missing = read.last().expect("six reads").as_ref().expect_err("gone");
    assert!(missing.is_not_found(), "{missing}");
    assert!(read[..5].iter().all(Result::is_ok));
    let confirmed = logged(&mock, "GET", "/cni/interconnects/icon-gone$");
    assert_eq!(confirmed.len(), 1, "the 404 came from a GET of the name itself");
    assert!(
        !logged(&mock, "GET", LIST).is_empty(),
        "the others came from a listing"
    );
}

#[tokio::test]
async fn nothing_is_served_from_a_listing_older_than_this_clients_own_changes() {
    let mock = mock().await;
    let names = seed(&mock, 4).await;
    let api = client(&mock);
    assert!(read_all(&api, &names).await.iter().all(Result::is_ok));
    let pages_before = logged(&mock, "GET", LIST).len();
    assert!(pages_before >= 1);

    api.delete_interconnect(ACCOUNT, &names[0]).await.expect("delete");
    let read = read_all(&api, &names).await;
    assert!(read[0].as_ref().expect_err("deleted").is_not_found());
    assert!(read[1..].iter().all(Result::is_ok));
    assert!(
        logged(&mock, "GET", LIST).len() > pages_before,
        "the delete dropped the listing, so the account was listed again"
    );

    let created = seed(&mock, 1).await.remove(0);
    let mine = CreateInterconnect::GcpPartner {
        account: ACCOUNT.into(),
        bandwidth: Bandwidth::G1,
        pairing_key: Secret::new(pairing_key(77)),
    };
    let own = api.create_interconnect(ACCOUNT, &mine).await.expect("create");
    let fresh = [created, own.name().to_owned(), names[2].clone()];
    assert!(
        read_all(&api, &fresh).await.iter().all(Result::is_ok),
        "interconnects created after the last listing are found"
    );
}

#[tokio::test]
async fn a_listing_that_fails_falls_back_to_one_get_each() {
    let mock = mock().await;
    let names = seed(&mock, 6).await;
    mock.add_fault(fault(
        "GET",
        LIST,
        10,
        Phase::Before,
        FaultAction::Status {
            status: 500,
            retry_after: None,
        },
    ))
    .expect("fault");
    let api = client(&mock);
    let read = read_all(&api, &names).await;
    assert!(read.iter().all(Result::is_ok), "{read:?}");
    assert_eq!(
        logged(&mock, "GET", BY_NAME).len(),
        names.len(),
        "one GET per interconnect once the listing failed"
    );
}

#[tokio::test]
async fn a_few_reads_in_a_large_account_cost_no_more_than_two_requests_each() {
    let mock = mock().await;
    let names = seed(&mock, 500).await;
    let before = mock.requests().len();
    let api = client(&mock);
    // The last three made are on the last of ten pages: the listing must not chase them there.
    let wanted = &names[names.len() - 3..];
    let read = read_all(&api, wanted).await;
    assert!(read.iter().all(Result::is_ok), "{read:?}");
    let sent = &mock.requests()[before..];
    let pages = sent
        .iter()
        .filter(|r| r.path.ends_with("/cni/interconnects"))
        .count();
    assert!(pages <= 2, "{pages} pages for three reads");
    assert!(
        sent.len() <= 2 * wanted.len(),
        "{} requests for three reads",
        sent.len()
    );
}
