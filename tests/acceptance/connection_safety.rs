//! `cni_connection` keeps the interconnect's promises: a bare 404 is "gone" only when the account's
//! listing agrees; a create whose answer is lost behind a lagging listing is found, never sent POST
//! after POST, and an error names what exists; an enumerated value the API would refuse fails the
//! plan; state keeps what the user wrote where the API means the same; a PUT carries the members the
//! provider does not model; taking the MD5 key off a live session is warned of. Terraform 1.1 and later
//! (older ones refuse the resource).

use cni::mock::{paths, FaultSpec};
use serde_json::{json, Value};

use crate::fixtures::SLOT_A;
use crate::harness::{Workspace, ACCOUNT, TOKEN};

/// A connection `edge` on the interconnect `port`, with `bgp` (or nothing) and `extra` lines.
fn connection_on(port: &str, bgp: &str, extra: &str) -> String {
    format!(
        "resource \"cni_connection\" \"edge\" {{\n  interconnect = \"{port}\"\n  \
         magic = {{\n    conduit_name = \"edge-ewr-1\"\n    description = \"\"\n    mtu = 1500\n  }}\n  \
         {bgp}\n  {extra}\n}}\n"
    )
}

/// A BGP session with these prefixes and key (HCL).
fn bgp(prefixes: &[&str], md5_key: Option<&str>) -> String {
    let prefixes: Vec<String> = prefixes.iter().map(|p| format!("\"{p}\"")).collect();
    let key = md5_key.map_or("null".to_owned(), |k| format!("\"{k}\""));
    format!(
        "bgp = {{\n    customer_asn = 65001\n    extra_prefixes = [{}]\n    md5_key = {key}\n  }}",
        prefixes.join(", ")
    )
}

/// A workspace on Terraform 1.1 or later whose mock runs with `mock_args`, with a port made outside
/// Terraform; `None` on older CLIs and when acceptance tests are off.
pub(crate) fn with_a_port(mock_args: &[&str]) -> Option<(Workspace, String)> {
    let ws = crate::harness::terraform().map(|tf| Workspace::new(tf, mock_args))?;
    if ws.terraform_version() < (1, 1) {
        return None;
    }
    let name = ws
        .mock
        .create_directly(json!({"account": ACCOUNT, "type": "direct", "slot_id": SLOT_A}));
    Some((ws, name))
}

/// Deletes the connection `id` through the API, as another client would.
pub(crate) fn delete_outside(ws: &Workspace, id: &str) {
    let url = format!("{}/accounts/{ACCOUNT}/cni/cnis/{id}", ws.mock.base_url);
    let status = reqwest::blocking::Client::new()
        .delete(url)
        .bearer_auth(TOKEN)
        .send()
        .expect("delete the CNI")
        .status();
    assert!(status.is_success(), "{status}");
}

fn destroy(ws: &Workspace) {
    ws.tf(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .ok();
    assert!(ws.mock.cnis().is_empty(), "{:?}", ws.mock.cnis());
}

#[test]
fn a_bare_404_confirmed_by_the_listing_is_gone_and_never_otherwise() {
    let Some((ws, port)) = with_a_port(&["--not-found-body", "text"]) else {
        return;
    };
    ws.config(&connection_on(&port, "", ""));
    ws.apply().ok();
    let id = ws.values("cni_connection.edge")["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    // A proxy's 404 for a connection the listing still shows proves nothing: the refresh keeps it.
    ws.mock
        .fault(FaultSpec::on("GET", paths::CNI).body_typed(404, "404 page not found", "text/plain"));
    ws.tf(&[
        "apply",
        "-refresh-only",
        "-auto-approve",
        "-input=false",
        "-no-color",
    ])
    .fails_with(&["Could not read connection", "Nothing was removed from state"]);
    assert_eq!(ws.addresses(), vec!["cni_connection.edge"], "kept in state");

    // Deleted outside Terraform, behind plain-text 404s: the listing agrees, so the plan creates it again.
    delete_outside(&ws, &id);
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output);
    for needle in [&format!("Connection {id} no longer exists"), "will be created"] {
        assert!(plan.output.contains(needle), "{needle} in {}", plan.output);
    }
    ws.apply().ok();
    let id = ws.values("cni_connection.edge")["id"].clone();

    // A DELETE made but answered 502: its retry meets a bare 404, which the listing confirms.
    ws.mock
        .fault(FaultSpec::on("DELETE", paths::CNI).after().status(502));
    ws.mock.clear_log();
    destroy(&ws);
    assert_eq!(
        ws.mock.requests_matching("DELETE", paths::CNI).len(),
        2,
        "sent again after the 502 ({id})"
    );
}

#[test]
fn a_lost_create_answer_behind_a_lagging_listing_is_found_and_never_sent_post_after_post() {
    let Some((ws, port)) = with_a_port(&["--list-lag", "2"]) else {
        return;
    };
    ws.mock
        .fault(FaultSpec::on("POST", paths::CNIS).after().status(502));
    ws.config(&connection_on(&port, "", ""));
    ws.apply().ok();
    let made = ws.mock.cnis();
    assert_eq!(made.len(), 1, "{made:?}");
    assert_eq!(ws.values("cni_connection.edge")["id"], made[0]["id"], "adopted");
    assert_eq!(
        ws.mock.requests_matching("POST", paths::CNIS).len(),
        2,
        "sent again once, refused as a name conflict, which proves the first made it"
    );
    ws.assert_no_changes();
    destroy(&ws);
}

#[test]
fn a_create_proven_made_but_never_listed_names_it_and_a_failed_baseline_sends_nothing() {
    let Some((ws, port)) = with_a_port(&["--list-lag", "1000"]) else {
        return;
    };
    // The baseline listing fails: nothing is sent, and nothing is said to exist.
    ws.mock
        .fault(FaultSpec::on("GET", paths::CNIS).times(3).status(503));
    ws.config(&connection_on(&port, "", "timeouts {\n    create = \"6s\"\n  }"));
    let failed = ws.apply();
    let failed = failed.fails_with(&["nothing was sent", "No connection was created"]);
    assert!(
        !failed.output.contains("may have been created"),
        "{}",
        failed.output
    );
    assert!(ws.mock.requests_matching("POST", paths::CNIS).is_empty());

    // Made, answered 502, and never listed: looked for until the create timeout, then named.
    ws.mock
        .fault(FaultSpec::on("POST", paths::CNIS).after().status(502));
    ws.mock.clear_log();
    ws.apply().fails_with(&[
        "refused as a name conflict",
        "so the connection exists (conduit \"edge-ewr-1\" on interconnect",
        "Do not apply again before importing it",
        &format!("terraform import <this resource's address> {ACCOUNT}/<id>"),
    ]);
    assert_eq!(ws.mock.cnis().len(), 1);
    assert_eq!(
        ws.mock.requests_matching("POST", paths::CNIS).len(),
        2,
        "not POST after POST"
    );
    let lookups = ws.mock.requests_matching("GET", paths::CNIS).len();
    assert!(lookups >= 3, "it kept looking, with backoff: {lookups} listings");
}

#[test]
fn enumerated_values_and_prefixes_the_api_refuses_fail_the_plan_with_no_request() {
    let Some((ws, port)) = with_a_port(&[]) else {
        return;
    };
    ws.mock.clear_log();
    ws.config(&connection_on(
        &port,
        &bgp(&["203.0.113.5/24"], None),
        "bgp_mode = \"Advertise_Only\"",
    ));
    ws.plan().fails_with(&[
        "unknown bgp_mode \"Advertise_Only\"",
        "spelled exactly so",
        "has host bits set: the network of that prefix is 203.0.113.0/24",
    ]);
    assert!(ws.mock.requests().is_empty(), "{:?}", ws.mock.requests());
}

#[test]
fn state_keeps_what_the_user_wrote_where_the_api_means_the_same() {
    for masking in ["omit-md5", "mask-md5"] {
        let Some((ws, port)) = with_a_port(&[
            "--cni-quirk",
            "upper-case-account",
            "--cni-quirk",
            "reversed-prefixes",
            "--cni-quirk",
            masking,
        ]) else {
            return;
        };
        let session = bgp(&["203.0.113.0/24", "198.51.100.0/24"], Some("md5-s3cret"));
        let account = format!("account_id = \"{ACCOUNT}\"");
        ws.config(&connection_on(&port, &session, &account));
        ws.apply().ok();
        let state = ws.values("cni_connection.edge");
        assert_eq!(state["account_id"], json!(ACCOUNT), "{masking}");
        assert_eq!(
            state["bgp"]["extra_prefixes"],
            json!(["203.0.113.0/24", "198.51.100.0/24"]),
            "{masking}"
        );
        assert_eq!(state["bgp"]["md5_key"], json!("md5-s3cret"), "{masking}");
        ws.assert_no_changes();
        // A change elsewhere sends the real key, never the mask.
        ws.config(&connection_on(
            &port,
            &session,
            &format!("{account}\n  bgp_mode = \"advertise_only\""),
        ));
        ws.apply().ok();
        let put = ws.mock.requests_matching("PUT", paths::CNI);
        let sent = &put.last().expect("a PUT")["body"]["bgp"]["md5_key"];
        assert_eq!(sent, &json!(cni::mock::fingerprint("md5-s3cret")), "{masking}");
        ws.assert_no_changes();
        destroy(&ws);
    }
}

#[test]
fn a_put_carries_the_members_the_provider_does_not_model() {
    let Some((ws, port)) = with_a_port(&["--cni-quirk", "grown-members"]) else {
        return;
    };
    let session = bgp(&["203.0.113.0/24"], None);
    ws.config(&connection_on(&port, &session, ""));
    ws.apply().ok();
    let grown = |cni: &Value| {
        (
            cni["automatic_return_routing"].clone(),
            cni["magic"]["ttl"].clone(),
            cni["bgp"]["hold_time"].clone(),
        )
    };
    let before = grown(&ws.mock.cnis()[0]);
    assert_eq!(before, (json!(true), json!(64), json!(90)));
    ws.config(&connection_on(&port, &session, "bgp_mode = \"advertise_only\""));
    ws.apply().ok();
    let after = &ws.mock.cnis()[0];
    assert_eq!(after["bgp_mode"], json!("advertise_only"), "updated");
    assert_eq!(grown(after), before, "and nothing else changed");
    ws.assert_no_changes();
    destroy(&ws);
}

#[test]
fn taking_the_md5_key_off_a_live_session_is_warned_of_and_the_log_holds_no_key() {
    let Some((ws, port)) = with_a_port(&[]) else {
        return;
    };
    ws.config(&connection_on(&port, &bgp(&[], Some("md5-s3cret")), ""));
    ws.apply().ok();
    let posted = ws.mock.requests_matching("POST", paths::CNIS);
    assert_eq!(
        posted[0]["body"]["bgp"]["md5_key"],
        json!(cni::mock::fingerprint("md5-s3cret")),
        "the mock's log keeps a fingerprint, never the key"
    );
    assert!(!serde_json::to_string(&ws.mock.requests())
        .unwrap_or_default()
        .contains("md5-s3cret"));
    let id = ws.values("cni_connection.edge")["id"].clone();
    ws.config(&connection_on(&port, &bgp(&[], None), ""));
    let warned = format!(
        "MD5 authentication removed from connection {}",
        id.as_str().unwrap_or_default()
    );
    let plan = ws.plan().contains(&[&warned, "runs without MD5 authentication"]);
    assert_eq!(plan.code, 2, "{}", plan.output);
    destroy(&ws);
}

/// How many ports (each with a connection) the whole-product chaos test makes.
const CHAOS_PORTS: usize = 10;

/// The `i`th slot of a mock seeded with three slots per site.
fn chaos_slot(i: usize) -> String {
    let (site, n) = (i / 3, i % 3);
    match (site, n) {
        (0, 0) => SLOT_A.to_owned(),
        _ => format!("5107{site:04x}-0000-4000-8000-{n:012x}"),
    }
}

/// Ports, a connection with a BGP session on each (with `description`), and the account's settings.
fn whole_product(description: &str, asn: u32) -> String {
    let mut config = format!("resource \"cni_settings\" \"this\" {{\n  default_asn = {asn}\n}}\n");
    for i in 0..CHAOS_PORTS {
        config.push_str(&format!(
            "resource \"cni_interconnect\" \"p{i}\" {{\n  type = \"direct\"\n  slot_id = \"{}\"\n}}\n\
             resource \"cni_connection\" \"c{i}\" {{\n  interconnect = cni_interconnect.p{i}.name\n  \
             magic = {{\n    conduit_name = \"conduit-{i}\"\n    description = \"{description}\"\n    mtu = 1500\n  }}\n  \
             bgp = {{\n    customer_asn = {}\n    extra_prefixes = [\"203.0.113.0/24\"]\n    md5_key = \"k3y-{i}\"\n  }}\n}}\n",
            chaos_slot(i),
            65100 + i
        ));
    }
    config
}

#[test]
fn the_whole_product_converges_under_random_faults_and_lagging_listings() {
    let Some(tf) = crate::harness::terraform() else {
        return;
    };
    // Every new object is left out of its first listing, and chaos lags listings at random.
    let mut ws = Workspace::new(
        tf,
        &[
            "--slots-per-site",
            "3",
            "--default-asn",
            "64600",
            "--list-lag",
            "1",
        ],
    );
    if ws.terraform_version() < (1, 1) {
        return;
    }
    // Answers 2.5 s late outlive a 2 s request, so some creates' outcomes stay unknown.
    ws.set_provider("request_timeout", Some("\"2s\""));
    let from_env = |var: &str| std::env::var(var).ok().and_then(|v| v.parse::<f64>().ok());
    let seed = from_env("CNI_CHAOS_SEED").map_or(20_261_208, |s| s as u64);
    // Listings are few (refreshes share them), so half of them lag.
    ws.mock
        .chaos_lagging(from_env("CNI_CHAOS_RATE").unwrap_or(0.15), seed, 0.5);
    // Made, then changed (each connection's PUT, the settings' PUT, refreshes that share listings).
    let mut errors = String::new();
    let mut applies = 0;
    for (description, asn) in [("", 65010), ("v2", 65020)] {
        ws.config(&whole_product(description, asn));
        let converged = (0..5).any(|_| {
            applies += 1;
            let run = ws.tf(&[
                "apply",
                "-auto-approve",
                "-input=false",
                "-no-color",
                "-parallelism=10",
            ]);
            errors.push_str(&run.output);
            run.code == 0
        });
        assert!(
            converged,
            "no apply of {description:?} succeeded in {applies}:\n{errors}"
        );
    }
    ws.mock.chaos(0.0, 0);
    let struck: Vec<Value> = ws
        .mock
        .requests()
        .into_iter()
        .filter(|r| !r["fault"].is_null())
        .collect();
    let lagged = struck
        .iter()
        .filter(|r| r["fault"].as_str().is_some_and(|f| f.contains("items")))
        .count();
    assert!(!struck.is_empty(), "chaos struck nothing");

    // Every connection on its own port, with its own conduit; nothing else in the API.
    let state = ws.state();
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let value_of = |address: &str| {
        resources
            .iter()
            .find(|r| r["address"] == address)
            .map(|r| r["values"].clone())
            .unwrap_or_else(|| panic!("{address} not in state"))
    };
    let cnis = ws.mock.cnis();
    for i in 0..CHAOS_PORTS {
        let (port, connection) = (
            value_of(&format!("cni_interconnect.p{i}")),
            value_of(&format!("cni_connection.c{i}")),
        );
        assert_eq!(port["slot_id"], json!(chaos_slot(i)));
        assert_eq!(
            connection["interconnect"], port["name"],
            "c{i} is on its own port"
        );
        assert_eq!(connection["magic"]["conduit_name"], json!(format!("conduit-{i}")));
        assert_eq!(connection["magic"]["description"], json!("v2"));
        let in_api: Vec<&Value> = cnis.iter().filter(|c| c["id"] == connection["id"]).collect();
        assert_eq!(in_api.len(), 1, "c{i}'s connection is in the API");
        assert_eq!(in_api[0]["interconnect"], port["name"]);
    }
    let ports_in_state: Vec<Value> = (0..CHAOS_PORTS)
        .map(|i| value_of(&format!("cni_interconnect.p{i}"))["name"].clone())
        .collect();
    for ic in ws.mock.interconnects() {
        let name = ic["name"].as_str().unwrap_or_default();
        assert!(
            ports_in_state.contains(&ic["name"]) || errors.contains(name),
            "{name} is neither in state nor named in an error"
        );
    }
    assert_eq!(
        ws.mock.interconnects().len(),
        CHAOS_PORTS,
        "nothing made twice or left over"
    );
    assert_eq!(
        cnis.len(),
        CHAOS_PORTS,
        "no connection made twice or left over: {cnis:?}"
    );
    assert_eq!(value_of("cni_settings.this")["restore_asn"], json!(64600));
    eprintln!(
        "chaos: converged in {applies} applies, {} faults struck, {lagged} listings lagged",
        struck.len()
    );
    ws.assert_no_changes();

    ws.tf(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-parallelism=10",
    ])
    .ok();
    assert!(ws.mock.cnis().is_empty() && ws.mock.interconnects().is_empty());
    assert_eq!(
        crate::settings::asn_of(&ws.mock),
        json!(64600),
        "the settings are restored"
    );
}

/// A connection whose session's key goes by the write-only route, at `version`, with `description`.
fn write_only_key(port: &str, key: &str, version: u32, description: &str) -> String {
    format!(
        "resource \"cni_connection\" \"edge\" {{\n  interconnect = \"{port}\"\n  \
         magic = {{\n    conduit_name = \"edge-ewr-1\"\n    description = \"{description}\"\n    mtu = 1500\n  }}\n  \
         bgp = {{\n    customer_asn = 65001\n    extra_prefixes = []\n  }}\n  \
         md5_key_wo = \"{key}\"\n  md5_key_wo_version = {version}\n}}\n"
    )
}

/// Every file under `dir`, read as text where it is text.
fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, String)> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            found.push((path, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    found
}

#[test]
fn the_md5_key_by_the_write_only_route_is_sent_kept_rotated_and_stored_nowhere() {
    let Some((ws, port)) = with_a_port(&[]) else {
        return;
    };
    if ws.terraform_version() < (1, 11) {
        return;
    }
    let session_key = |ws: &Workspace| ws.mock.cnis()[0]["bgp"]["md5_key"].clone();
    ws.config(&write_only_key(&port, "wo-k3y-one", 1, "first"));
    ws.apply().ok();
    assert_eq!(session_key(&ws), json!("wo-k3y-one"), "sent with the create");
    let state = ws.values("cni_connection.edge");
    assert_eq!(
        (state["bgp"]["md5_key"].clone(), state["md5_key_wo"].clone()),
        (Value::Null, Value::Null),
        "never in state"
    );
    ws.assert_no_changes();

    // Another change keeps the key: the PUT carries the session's current key, from a fresh read.
    ws.config(&write_only_key(&port, "wo-k3y-one", 1, "second"));
    ws.mock.clear_log();
    ws.apply().ok();
    assert_eq!(ws.mock.requests_matching("PUT", paths::CNI).len(), 1);
    assert_eq!(session_key(&ws), json!("wo-k3y-one"), "kept");
    assert_eq!(ws.mock.cnis()[0]["magic"]["description"], json!("second"));

    // A new version rotates it, with one PUT in place.
    ws.config(&write_only_key(&port, "wo-k3y-two", 2, "second"));
    ws.mock.clear_log();
    let id = ws.values("cni_connection.edge")["id"].clone();
    let rotate = ws
        .tf(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .ok();
    assert!(rotate.output.contains("1 changed"), "{}", rotate.output);
    assert_eq!(ws.mock.requests_matching("PUT", paths::CNI).len(), 1, "one PUT");
    assert!(
        ws.mock.requests_matching("POST", paths::CNIS).is_empty(),
        "in place"
    );
    assert_eq!(ws.values("cni_connection.edge")["id"], id);
    assert_eq!(session_key(&ws), json!("wo-k3y-two"), "rotated");
    ws.assert_no_changes();

    // Changed outside Terraform: the plan says to bump the version.
    let mut outside = ws.mock.cnis()[0].clone();
    outside["bgp"]["md5_key"] = json!("changed-elsewhere");
    let url = format!(
        "{}/accounts/{ACCOUNT}/cni/cnis/{}",
        ws.mock.base_url,
        id.as_str().unwrap_or_default()
    );
    let put = reqwest::blocking::Client::new()
        .put(url)
        .bearer_auth(TOKEN)
        .json(&outside)
        .send()
        .expect("put");
    assert!(put.status().is_success());
    ws.plan()
        .contains(&["changed outside Terraform", "change md5_key_wo_version"]);

    // With TF_LOG=TRACE the key appears nowhere: not in the log, nor in any file of the directory
    // but the configuration that holds it.
    let mut traced = ws.command(&["plan", "-input=false", "-no-color"]);
    traced.env("TF_LOG", "TRACE");
    let traced = crate::harness::Background::start(traced).finish(crate::harness::COMMAND_LIMIT);
    assert!(traced.output.len() > 10_000, "a trace was written");
    for key in ["wo-k3y-one", "wo-k3y-two"] {
        assert!(!traced.output.contains(key), "{key} in the TRACE log");
        for (path, text) in files_under(ws.path()) {
            if path.ends_with("main.tf") {
                continue;
            }
            assert!(!text.contains(key), "{key} in {}", path.display());
        }
    }
    destroy(&ws);
}
