//! Listings: every page in order, lazily, with filters; a cursor that does not advance; envelopes.

use cni::api::{ApiError, Bandwidth, InterconnectFilter};
use cni::mock::{FaultAction, Phase, StoreConfig, FIRST_SLOT_ID};
use futures::StreamExt;

use super::fixtures::*;
use super::{direct, gcp};

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
