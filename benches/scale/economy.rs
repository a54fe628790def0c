//! The requests each command spends, by endpoint.

use super::*;

/// The requests of `log` counted by method and endpoint (names, ids and the account replaced).
pub(super) fn counted(log: &[cni::mock::LoggedRequest]) -> Vec<(String, usize)> {
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for request in log {
        let path = request.path.split('?').next().unwrap_or_default();
        let mut parts: Vec<&str> = path.split('/').collect();
        for (collection, key) in [("interconnects", "{name}"), ("cnis", "{id}")] {
            if let Some(i) = parts.iter().position(|p| *p == collection) {
                if parts.len() > i + 1 {
                    parts[i + 1] = key;
                }
            }
        }
        let endpoint = parts.join("/").replace(ACCOUNT, "{account}");
        *counts
            .entry(format!("{} {endpoint}", request.method))
            .or_default() += 1;
    }
    counts.into_iter().collect()
}

/// The requests of `log` grouped by method and endpoint, as "`GET …/interconnects/{name}` ×2" items
/// joined by commas.
pub(super) fn by_endpoint(log: &[cni::mock::LoggedRequest]) -> String {
    counted(log)
        .iter()
        .map(|(endpoint, n)| format!("`{endpoint}` ×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The requests one command spends, as (count, by endpoint), and its wall time.
pub(super) fn spend(mock: &MockServer, ws: &Workspace, args: &[&str]) -> (usize, String, Duration) {
    let (share, endpoints, elapsed) = spend_on(mock, ws, args);
    (share.iter().map(|(_, n)| n).sum(), endpoints, elapsed)
}

/// The requests one command spends, counted by endpoint and written out, and its wall time.
pub(super) fn spend_on(
    mock: &MockServer,
    ws: &Workspace,
    args: &[&str],
) -> (Vec<(String, usize)>, String, Duration) {
    let before = mock.requests().len();
    let elapsed = ws.time(args);
    let log = mock.requests().split_off(before);
    (counted(&log), by_endpoint(&log), elapsed)
}

impl Bench {
    /// One create, read and delete, then a refresh of [`COUNT`] at the default budget.
    pub(super) fn api_economy(&self) {
        let count = self.settings.count;
        let mock = self.runtime.block_on(start_mock(HealthyAfter::Polls(0)));
        let one = Workspace::new(
            &self.settings,
            &self.terraform,
            &cni_config_with(&mock.base_url(), 1, "100ms"),
        );
        let mut rows = String::new();
        for (label, args) in [
            ("create (`apply`)", COMMANDS[0].1),
            ("read (`plan -refresh-only`)", COMMANDS[1].1),
            ("delete (`destroy`, with its refresh)", COMMANDS[2].1),
        ] {
            let (n, endpoints, _) = spend(&mock, &one, args);
            rows.push_str(&format!("| {label} of 1 | {n} | {endpoints} |\n"));
        }
        let many = Workspace::new(
            &self.settings,
            &self.terraform,
            &cni_config_with(&mock.base_url(), count, "100ms"),
        );
        let (n, endpoints, _) = spend(&mock, &many, COMMANDS[0].1);
        rows.push_str(&format!("| `apply` of {count} | {n} | {endpoints} |\n"));
        std::fs::write(
            many.dir.path().join("main.tf"),
            cni_config_budget(&mock.base_url(), count, "100ms", ""),
        )
        .expect("write main.tf");
        let (n, endpoints, refresh) = spend(&mock, &many, COMMANDS[1].1);
        rows.push_str(&format!(
            "| `plan -refresh-only` of {count}, default budget | {n} | {endpoints} |\n"
        ));
        std::fs::write(
            many.dir.path().join("main.tf"),
            cni_config_with(&mock.base_url(), count, "100ms"),
        )
        .expect("write main.tf");
        many.time(COMMANDS[2].1);
        let body = format!(
            "## API economy\n\n\
         Written by `make bench` (`benches/scale/`): the requests each command sent to the in-process mock \
         (interconnects healthy at once), by endpoint. The API allows 1,200 requests per 5 minutes; the \
         provider's default budget is 4 per second.\n\n\
         | command | requests | by endpoint |\n|---|---|---|\n{rows}\n\
         The refresh of {count} at the default budget took {}.\n\n\
         {}",
            seconds(refresh),
            report::measured_on()
        );
        self.settings.report("economy", &body);
        self.runtime.block_on(mock.stop());
    }
}
