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

/// The cni-mock binary on 127.0.0.1:0 with the test token and `args`, and the first line it printed
/// (its base URL).
async fn spawn_mock(args: &[&str]) -> (tokio::process::Child, String) {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cni-mock"))
        .args(["--listen", "127.0.0.1:0", "--token", TOKEN])
        .args(args)
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
    (child, first)
}

#[tokio::test]
async fn the_binary_prints_its_base_url_first_and_serves_it() {
    let (mut child, first) = spawn_mock(&["--page-size", "2"]).await;
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

/// The peak resident memory of process `pid`, in bytes (`VmHWM`).
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// The bound the abusive sequence below must keep the mock under.
const MOCK_MEMORY_BOUND: u64 = 64 * 1024 * 1024;

#[tokio::test]
async fn an_abusive_client_cannot_grow_the_log_past_its_bound_and_rays_never_repeat() {
    let (mut child, base) = spawn_mock(&["--log-limit", "200"]).await;
    let pid = child.id().expect("pid");
    let control = base.replace("/client/v4", "/__mock");
    let http = reqwest::Client::new();
    // 64 KiB of JSON that parses into many small values (a parsed log would hold it many times over).
    let big = format!("[{}1]", "1,".repeat(32 * 1024 - 2)) + " ";
    assert_eq!(big.len(), 64 * 1024);
    let creates = format!("{base}/accounts/{ACCOUNT}/cni/interconnects");
    let mut rays = std::collections::HashSet::new();
    for n in 0..600 {
        let request = http.post(&creates).body(big.clone());
        let request = match n % 2 {
            0 => request.bearer_auth("not-the-token"),
            _ => request.bearer_auth(TOKEN),
        };
        let response = request.send().await.expect("send");
        let ray = response
            .headers()
            .get("cf-ray")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        assert!(
            ray.is_some_and(|ray| rays.insert(ray)),
            "a cf-ray repeated after {n}"
        );
        if n == 300 {
            let cleared = http
                .delete(format!("{control}/requests"))
                .send()
                .await
                .expect("clear");
            assert_eq!(cleared.status().as_u16(), 204);
        }
    }
    for _ in 0..5 {
        let log: Vec<Value> = http
            .get(format!("{control}/requests"))
            .send()
            .await
            .expect("log")
            .json()
            .await
            .expect("json");
        assert!(log.len() <= 200, "the ring's bound: {}", log.len());
        assert!(
            log.iter().all(|r| r["body"]["omitted_bytes"] == json!(64 * 1024)),
            "big bodies are kept as their size"
        );
    }
    let stats: Value = http
        .get(format!("{control}/stats"))
        .send()
        .await
        .expect("stats")
        .json()
        .await
        .expect("json");
    assert_eq!(
        stats["unauthenticated"],
        json!(300),
        "refused requests are counted, not logged: {stats}"
    );
    let last = http
        .get(format!("{control}/requests"))
        .send()
        .await
        .expect("log")
        .json::<Vec<Value>>()
        .await
        .expect("json");
    let fourth_newest = last[last.len() - 4]["seq"].as_u64().unwrap_or_default();
    let since: Vec<Value> = http
        .get(format!("{control}/requests?since={fourth_newest}"))
        .send()
        .await
        .expect("a page")
        .json()
        .await
        .expect("json");
    assert_eq!(since.len(), 3, "the entries after ?since=N");
    let peak = peak_rss(pid);
    assert!(
        peak > 0 && peak < MOCK_MEMORY_BOUND,
        "cni-mock peaked at {peak} bytes"
    );
    child.kill().await.expect("kill");
}

#[tokio::test]
async fn a_client_that_sends_half_a_header_is_let_go() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mock = mock().await;
    let mut slow = tokio::net::TcpStream::connect(mock.addr())
        .await
        .expect("connect");
    slow.write_all(b"GET /client/v4/accounts HTTP/1.1\r\nHost: mock\r\n")
        .await
        .expect("half a header");
    let started = std::time::Instant::now();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(
        cni::mock::HEADER_READ_TIMEOUT + Duration::from_secs(3),
        slow.read_to_end(&mut rest),
    )
    .await;
    assert!(
        closed.is_ok(),
        "still held {:?} after the header timeout",
        started.elapsed()
    );
    assert!(started.elapsed() >= cni::mock::HEADER_READ_TIMEOUT - Duration::from_millis(500));
}

#[test]
fn out_of_file_descriptors_the_mock_pauses_instead_of_spinning() {
    use std::os::unix::process::CommandExt;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cni-mock"));
    command
        .args(["--listen", "127.0.0.1:0", "--token", TOKEN])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    // SAFETY: only setrlimit, async-signal-safe, runs in the child before exec.
    unsafe {
        command.pre_exec(|| {
            nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE, 48, 48)
                .map_err(std::io::Error::from)
        });
    }
    let mut child = command.spawn().expect("spawn cni-mock");
    // Its warnings are drained as they come (a full pipe would stop a spinning loop).
    let mut warnings = child.stderr.take().expect("stderr");
    let drained = std::thread::spawn(move || std::io::copy(&mut warnings, &mut std::io::sink()).unwrap_or(0));
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
        &mut line,
    )
    .expect("its URL");
    let address = line
        .trim()
        .trim_start_matches("http://")
        .trim_end_matches("/client/v4")
        .to_owned();
    let held: Vec<std::net::TcpStream> = (0..80)
        .filter_map(|_| std::net::TcpStream::connect(&address).ok())
        .collect();
    assert!(held.len() > 48, "the descriptors ran out: {}", held.len());
    let cpu = |pid: u32| {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let fields: Vec<u64> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().filter_map(|f| f.parse().ok()).collect())
            .unwrap_or_default();
        fields.get(10).copied().unwrap_or(0) + fields.get(11).copied().unwrap_or(0)
    };
    let before = cpu(child.id());
    // A measuring window, not a wait for a condition: how much CPU the mock burns in it.
    std::thread::sleep(Duration::from_secs(2));
    let ticks = cpu(child.id()) - before;
    drop(held);
    let _ = child.kill();
    let _ = child.wait();
    let warned = drained.join().unwrap_or(0);
    // 100 ticks a second: a spinning accept loop takes about 200 in the window.
    assert!(ticks < 60, "{ticks} ticks of CPU in 2 s with no descriptor left");
    assert!(warned < 100_000, "{warned} bytes of warnings");
}
