//! The control API (faults, statuses, deletions, the log) and the binary.

use std::time::Duration;

use serde_json::{json, Value};

use super::fixtures::*;
use super::*;

#[tokio::test]
async fn the_control_api_drives_faults_statuses_deletions_and_the_log() {
    let mock = mock().await;
    let api = Api::new(&mock);
    let name = api.post(gcp_body(3)).await.1["name"]
        .as_str()
        .map(str::to_owned)
        .expect("name");

    let fault = json!({"method": "GET", "path": "/status$", "kind": "status", "status": 503, "count": 2});
    let added = api
        .http
        .post(format!("{}/faults", api.control))
        .json(&fault)
        .send()
        .await
        .expect("fault");
    assert_eq!(added.status().as_u16(), 201);
    assert_eq!(api.get(&format!("/interconnects/{name}/status")).await.0, 503);
    assert_eq!(api.get(&format!("/interconnects/{name}/status")).await.0, 503);
    assert_eq!(api.get(&format!("/interconnects/{name}/status")).await.0, 200);

    let invalid = api
        .http
        .post(format!("{}/faults", api.control))
        .json(&json!({"kind": "explode"}))
        .send()
        .await
        .expect("bad fault");
    assert_eq!(invalid.status().as_u16(), 400);
    let bad_regex = json!({"path": "(", "kind": "drop"});
    let invalid = api
        .http
        .post(format!("{}/faults", api.control))
        .json(&bad_regex)
        .send()
        .await
        .expect("bad regex");
    assert_eq!(invalid.status().as_u16(), 400);

    let sequence = json!({"sequence": [{"state": "Down", "reason": "no light"}, {"state": "Healthy"}]});
    let set = api
        .http
        .put(format!("{}/interconnects/{name}/status", api.control))
        .json(&sequence)
        .send()
        .await
        .expect("set");
    assert_eq!(set.status().as_u16(), 204);
    assert_eq!(
        api.get(&format!("/interconnects/{name}/status")).await.1,
        json!({"state": "Down", "reason": "no light"})
    );
    assert_eq!(
        api.get(&format!("/interconnects/{name}/status")).await.1,
        json!({"state": "Healthy"})
    );

    let log: Vec<Value> = api
        .http
        .get(format!("{}/requests", api.control))
        .send()
        .await
        .expect("log")
        .json()
        .await
        .expect("json");
    assert_eq!(log.len(), 6);
    assert_eq!(log[0]["body"]["type"], json!("gcp_partner"));
    assert_eq!(log[1]["status"], json!(503));
    assert!(log[1]["fault"].as_str().is_some_and(|f| f.contains("503")));

    let deleted = api
        .http
        .delete(format!("{}/interconnects/{name}", api.control))
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.status().as_u16(), 204);
    assert_envelope(
        api.get(&format!("/interconnects/{name}")).await,
        404,
        "Interconnect not found",
    );
    let again = api
        .http
        .delete(format!("{}/interconnects/{name}", api.control))
        .send()
        .await
        .expect("delete");
    assert_eq!(again.status().as_u16(), 404);

    let cleared = api
        .http
        .delete(format!("{}/requests", api.control))
        .send()
        .await
        .expect("clear");
    assert_eq!(cleared.status().as_u16(), 204);
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn the_binary_prints_its_base_url_first_and_serves_it() {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cni-mock"))
        .args(["--listen", "127.0.0.1:0", "--token", TOKEN, "--page-size", "2"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn cni-mock");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stdout));
    let first = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await
        .expect("printed in time")
        .expect("read")
        .expect("a line");
    assert!(
        first.starts_with("http://127.0.0.1:") && first.ends_with("/client/v4"),
        "{first}"
    );
    let slots: Value = reqwest::Client::new()
        .get(format!("{first}/accounts/{ACCOUNT}/cni/slots"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(
        slots["items"].as_array().map(Vec::len),
        Some(2),
        "--page-size applies"
    );
    child.kill().await.expect("kill");
}

#[tokio::test]
async fn faults_the_mock_cannot_keep_are_refused_with_the_envelope() {
    let mock = mock().await;
    let api = Api::new(&mock);
    let add = |fault: Value| {
        let (http, control) = (api.http.clone(), api.control.clone());
        async move {
            let response = http
                .post(format!("{control}/faults"))
                .json(&fault)
                .send()
                .await
                .expect("add a fault");
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    // A pattern that would take the machine's memory, and one merely too long: refused at once.
    let explosive = "(a*)*".repeat(16_000);
    assert_envelope(
        add(json!({"path": explosive, "kind": "drop"})).await,
        400,
        "longer than",
    );
    let nested = format!("{}a{}", "(".repeat(300), ")*".repeat(300));
    assert_envelope(
        add(json!({"path": nested, "kind": "drop"})).await,
        400,
        "invalid fault",
    );
    assert_envelope(
        add(json!({"kind": "status", "status": 150})).await,
        400,
        "not a final answer",
    );
    assert_envelope(add(json!({"kind": "drop", "count": 0})).await, 400, "at least 1");
    assert_eq!(add(json!({"kind": "drop", "count": 4294967295u32})).await.0, 201);
    assert_eq!(add(json!({"kind": "drop", "count": 4294967295u32})).await.0, 201);
    let stats = api
        .http
        .get(format!("{}/stats", api.control))
        .send()
        .await
        .expect("stats")
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(
        stats["faults_pending"],
        json!(2u64 * 4294967295),
        "no wrap-around: {stats}"
    );
}

#[tokio::test]
async fn unknown_routes_and_paths_that_are_not_utf8_get_the_apis_envelope() {
    let mock = mock().await;
    let api = Api::new(&mock);
    assert_envelope(api.get("/no/such/thing").await, 404, "No route for that URI");
    let (status, body) = api.get("/no/such/thing").await;
    assert_eq!((status, body["errors"][0]["code"].clone()), (404, json!(7000)));
    let (status, body) = api.get("/interconnects/%FF").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"][0]["code"], json!(7003), "{body}");
}

#[test]
fn the_binary_refuses_a_nan_chaos_and_a_non_loopback_listen_unless_allowed() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cni-mock"))
            .args(args)
            .args(["--token", TOKEN])
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run cni-mock")
    };
    for args in [
        &["--chaos", "NaN"][..],
        &["--chaos-lag", "2"][..],
        &["--listen", "0.0.0.0:0"][..],
    ] {
        let output = run(args);
        assert!(!output.status.success(), "{args:?} was accepted");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(
            said.contains("share from 0 to 1") || said.contains("not a loopback address"),
            "{said}"
        );
    }
}
