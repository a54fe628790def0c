//! The official Cloudflare Python SDK (`cloudflare` on PyPI, installed into `tools/cloudflare-sdk/` by
//! `scripts/install-tools.sh sdk`) calls `network_interconnects.cnis` and `.settings` against cni-mock,
//! as users' scripts do against the API: create, get, list with paging and the `slot` filter, update,
//! delete, the 404s and the 409 (`tests/python_sdk/cnis_and_settings.py`). Runs when
//! `CNI_PYTHON_SDK` names the SDK's Python (`make test` does), and is skipped otherwise.

#[path = "fixtures/mod.rs"]
mod fixtures;

use cni::mock::{StoreConfig, FIRST_SLOT_ID};
use fixtures::*;
use serde_json::{json, Value};

#[tokio::test]
async fn the_python_sdk_manages_cnis_and_settings_against_the_mock() {
    let Some(python) = std::env::var_os("CNI_PYTHON_SDK").filter(|p| !p.is_empty()) else {
        eprintln!("skipped: set CNI_PYTHON_SDK to the Python that has the cloudflare SDK (make test does)");
        return;
    };
    let mock = mock_with(StoreConfig {
        page_size: 2,
        ..Default::default()
    })
    .await;
    let port = create(
        &mock,
        json!({"account": ACCOUNT, "type": "direct", "slot_id": FIRST_SLOT_ID}),
    )
    .await;
    let attachment = create(
        &mock,
        json!({"account": ACCOUNT, "type": "gcp_partner", "bandwidth": "1G", "pairing_key": pairing_key(1)}),
    )
    .await;
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python_sdk/cnis_and_settings.py"
    );
    let run = tokio::process::Command::new(python)
        .args([
            script,
            &mock.base_url(),
            TOKEN,
            ACCOUNT,
            &port,
            FIRST_SLOT_ID,
            &attachment,
        ])
        .output()
        .await
        .expect("python runs");
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(run.status.success(), "{output}");
    assert!(output.contains("all checks passed"), "{output}");
    let cnis = mock.cnis();
    assert_eq!(
        cnis.as_array().map(Vec::len),
        Some(3),
        "what the SDK left: {cnis}"
    );
    let posts = logged(&mock, "POST", "/cni/cnis$").len();
    assert_eq!(posts, 5, "four creates and the refused one");
}

/// Creates an interconnect through the API and returns its name.
async fn create(mock: &cni::mock::MockServer, body: Value) -> String {
    let created: Value = reqwest::Client::new()
        .post(format!(
            "{}/accounts/{ACCOUNT}/cni/interconnects",
            mock.base_url()
        ))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    created["name"].as_str().unwrap_or_default().to_owned()
}
