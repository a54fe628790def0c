//! The `cni_interconnects` data source over 10,000 interconnects: time and peak RSS.

use super::*;

impl DebugProvider {
    /// The CPU time the process has used so far, in user and kernel mode, every thread included.
    pub(super) fn cpu_time(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).expect("stat");
        // The fields after the command name (which may hold spaces) end with ')'; utime and stime are
        // the 14th and 15th fields of the line, the 12th and 13th after the name.
        let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or_default();
        let ticks: u64 = after_name
            .split_whitespace()
            .skip(11)
            .take(2)
            .filter_map(|t| t.parse::<u64>().ok())
            .sum();
        let per_second = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
            .ok()
            .flatten()
            .filter(|hz| *hz > 0)
            .unwrap_or(100) as u64;
        Duration::from_millis(ticks * 1000 / per_second)
    }

    /// The process's peak resident set (`VmHWM`) in kB.
    pub(super) fn peak_rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM")
    }
}

/// Creates `count` `gcp_partner` interconnects in `ACCOUNT` through the mock's API.
pub(super) async fn seed(mock: &MockServer, count: usize) {
    let client = reqwest::Client::new();
    let url = format!("{}/accounts/{ACCOUNT}/cni/interconnects", mock.base_url());
    for n in 0..count {
        let body = serde_json::json!({
            "account": ACCOUNT, "type": "gcp_partner", "bandwidth": "10G",
            "pairing_key": format!("7e51371e-72a3-40b5-b844-{n:012}/europe-west3/2"),
        });
        let response = client
            .post(&url)
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .expect("seed");
        assert!(
            response.status().is_success(),
            "seeding failed: {}",
            response.status()
        );
    }
}

pub(super) fn list_config(base_url: &str, account: &str) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    cni = {{ source = \"cnilabs/cni\" }}\n  }}\n}}\n\n\
         provider \"cni\" {{\n  api_token = \"{TOKEN}\"\n  base_url = \"{base_url}\"\n  account_id = \"{account}\"\n  \
         requests_per_second = 10000\n}}\n\n\
         data \"cni_interconnects\" \"all\" {{}}\n\n\
         output \"count\" {{\n  value = length(data.cni_interconnects.all.interconnects)\n}}\n"
    )
}

/// One `terraform plan` of the list through a fresh debug-mode provider: wall time and peak RSS (kB).
pub(super) fn read_list(settings: &Settings, ws: &Workspace) -> (Duration, u64) {
    let provider = DebugProvider::start(&settings.binary("terraform-provider-cni"));
    let elapsed = ws.time_with(
        &["plan", "-input=false", "-no-color"],
        &[("TF_REATTACH_PROVIDERS", &provider.reattach)],
    );
    (elapsed, provider.peak_rss_kb())
}

impl Bench {
    /// The `cni_interconnects` data source over [`LIST_SIZE`] interconnects against an empty account.
    pub(super) fn list_at_scale(&self) {
        let (list_size, list_rounds) = (self.settings.list_size, self.settings.list_rounds);
        let mock = self.runtime.block_on(start_mock(HealthyAfter::Polls(0)));
        self.runtime.block_on(seed(&mock, list_size));
        let full = Workspace::new(
            &self.settings,
            &self.terraform,
            &list_config(&mock.base_url(), ACCOUNT),
        );
        let empty = Workspace::new(
            &self.settings,
            &self.terraform,
            &list_config(&mock.base_url(), EMPTY_ACCOUNT),
        );
        let (mut base, mut cand, mut base_rss, mut cand_rss) = (vec![], vec![], vec![], vec![]);
        for _ in 0..list_rounds {
            let (t, rss) = read_list(&self.settings, &empty);
            base.push(t);
            base_rss.push(rss);
            let (t, rss) = read_list(&self.settings, &full);
            cand.push(t);
            cand_rss.push(rss);
        }
        let listing = format!("/accounts/{ACCOUNT}/cni/interconnects");
        let pages = mock
            .requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path.split('?').next() == Some(listing.as_str()))
            .count()
            / list_rounds;
        let (b, c) = (median(base), median(cand));
        let median_kb = |mut v: Vec<u64>| {
            v.sort();
            v[v.len() / 2]
        };
        let body = format!(
            "## List at scale\n\n\
             Written by `make bench` (`benches/scale/`): `terraform plan` reading `cni_interconnects` over \
             {list_size} interconnects (pages of 100: {pages} requests per read), against the same plan over an empty \
             account; the provider runs in debug mode (`TF_REATTACH_PROVIDERS`), fresh for every plan, so its \
             peak RSS is its own (`VmHWM`). Median of {list_rounds} rounds, alternating. The provider's time is \
             the difference between the two plans (it includes Terraform's handling of the larger value).\n\n\
             | | empty account | {list_size} interconnects | difference | target |\n|---|---|---|---|---|\n\
             | plan wall time | {} | {} | {} | ≤ 1 s of provider time |\n\
             | provider peak RSS | {:.1} MB | {:.1} MB | | ≤ 64 MB |\n\n\
             {}",
            seconds(b),
            seconds(c),
            seconds(c.saturating_sub(b)),
            median_kb(base_rss) as f64 / 1000.0,
            median_kb(cand_rss) as f64 / 1000.0,
            report::measured_on()
        );
        self.settings.report("list", &body);
        self.runtime.block_on(mock.stop());
    }
}
