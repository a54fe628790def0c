//! Benchmarks of the REST client, each against a baseline measured in the same run (the machines are
//! shared and noisy, so only ratios are meaningful). Writes BENCHMARKS.md. Run with `make bench`.

#[path = "../tests/fixtures/mod.rs"]
mod fixtures;
#[path = "report.rs"]
mod report;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use cni::api::models::{Interconnect, Page};
use cni::api::{Auth, Client, ClientConfig, InterconnectFilter, RetryPolicy, Secret};
use cni::mock::{Credentials, MockConfig, MockServer, StoreConfig};
use fixtures::{key, ACCOUNT, TOKEN};
use serde_json::{json, Value};

const INTERCONNECTS: usize = 500;
const PAGE_SIZE: usize = 50;
const ROUNDS: usize = 15;

/// The median of a set of timings.
fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

struct Row {
    name: &'static str,
    baseline: &'static str,
    baseline_time: Duration,
    candidate_time: Duration,
}

async fn listing(mock: &MockServer) -> Row {
    let mut config = ClientConfig::new(
        mock.base_url().parse().expect("url"),
        Auth::Token(Secret::new(TOKEN)),
    );
    config.requests_per_second = Some(10_000.0);
    config.retry = RetryPolicy {
        max_retries: 0,
        ..RetryPolicy::default()
    };
    let client = Client::new(config).expect("client");
    let http = reqwest::Client::new();
    let url = format!("{}/accounts/{ACCOUNT}/cni/interconnects", mock.base_url());
    let filter = InterconnectFilter::default();
    let (mut base, mut cand) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let mut cursor: Option<i64> = None;
        let mut n = 0;
        loop {
            let mut request = http.get(&url).bearer_auth(TOKEN);
            if let Some(c) = cursor {
                request = request.query(&[("cursor", c)]);
            }
            let page: Value = request.send().await.expect("send").json().await.expect("json");
            n += page["items"].as_array().map(Vec::len).unwrap_or(0);
            // The last page says `"next": 0` or `null` (the mock's default is the documented 0).
            match page["next"].as_i64() {
                Some(next) if next != 0 => cursor = Some(next),
                _ => break,
            }
        }
        assert_eq!(n, INTERCONNECTS);
        base.push(started.elapsed());

        let started = Instant::now();
        let all = client.all_interconnects(ACCOUNT, &filter).await.expect("list");
        assert_eq!(all.len(), INTERCONNECTS);
        cand.push(started.elapsed());
    }
    Row {
        name: "list 500 interconnects (10 pages) through `Client::all_interconnects`",
        baseline: "the same pages with plain reqwest into `serde_json::Value`",
        baseline_time: median(base),
        candidate_time: median(cand),
    }
}

fn decoding(page: &[u8]) -> Row {
    let (mut base, mut cand) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let started = Instant::now();
        for _ in 0..100 {
            let v: Value = serde_json::from_slice(page).expect("value");
            std::hint::black_box(v);
        }
        base.push(started.elapsed());
        let started = Instant::now();
        for _ in 0..100 {
            let p: Page<Interconnect> = serde_json::from_slice(page).expect("page");
            std::hint::black_box(p);
        }
        cand.push(started.elapsed());
    }
    Row {
        name: "decode a 50-item page into typed models, ×100",
        baseline: "parse the same bytes into `serde_json::Value`",
        baseline_time: median(base),
        candidate_time: median(cand),
    }
}

fn report(rows: &[Row]) -> String {
    let mut out = String::from(
        "## The REST client\n\nWritten by `make bench` (`benches/client.rs`). Each figure is the median of 15 rounds; \
         each benchmark runs against a baseline measured in the same run, alternating round by round, because \
         these machines are shared and noisy: compare ratios, not times.\n\n\
         | benchmark | baseline | baseline median | median | ratio |\n|---|---|---|---|---|\n",
    );
    for r in rows {
        let ratio = r.candidate_time.as_secs_f64() / r.baseline_time.as_secs_f64();
        let _ = writeln!(
            out,
            "| {} | {} | {:.2} ms | {:.2} ms | {ratio:.2} |",
            r.name,
            r.baseline,
            r.baseline_time.as_secs_f64() * 1e3,
            r.candidate_time.as_secs_f64() * 1e3
        );
    }
    let _ = writeln!(out, "\n{}", report::measured_on());
    out
}

#[tokio::main]
async fn main() {
    let config = MockConfig {
        credentials: Credentials {
            token: Some(TOKEN.into()),
            key_email: None,
        },
        store: StoreConfig {
            page_size: PAGE_SIZE,
            ..StoreConfig::default()
        },
        rate_limit: None,
        accounts: Vec::new(),
        chaos: None,
        quota: None,
        ratelimit_headers: Default::default(),
        log_limit: None,
    };
    let mock = MockServer::start("127.0.0.1:0".parse().expect("addr"), config)
        .await
        .expect("mock");
    let http = reqwest::Client::new();
    for n in 0..INTERCONNECTS {
        let body = json!({"account": ACCOUNT, "type": "gcp_partner", "bandwidth": "1G",
            "pairing_key": key(n as u32)});
        let url = format!("{}/accounts/{ACCOUNT}/cni/interconnects", mock.base_url());
        let r = http
            .post(url)
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .expect("create");
        assert!(r.status().is_success());
    }
    let page = http
        .get(format!(
            "{}/accounts/{ACCOUNT}/cni/interconnects",
            mock.base_url()
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("page")
        .bytes()
        .await
        .expect("bytes");
    let rows = vec![listing(&mock).await, decoding(&page)];
    let text = report(&rows);
    print!("{text}");
    report::write_section("client", &text);
}
