//! The quota spent: `apply`, a refresh-only `plan` and `destroy` of [`COUNT`] interconnects and of
//! [`COUNT`] connections with the provider's default budget, against a mock that counts a quota of
//! 1,200 requests per window and reports it (each command starts with a whole window), beside the same
//! commands against a mock that reports none (so the provider keeps the fixed 4 a second), in the same
//! run; then the refresh with the quota nearly spent by another client (40 left, the window resetting
//! 20 s later). It fails when the mock refuses a single request.

use super::connections::connections_config_budget;
use super::economy::spend;
use super::*;

/// The quota of the mock: the API's 1,200 requests, in a window short enough to wait out.
fn quota(window: Duration) -> QuotaSpec {
    QuotaSpec {
        requests: 1200,
        window,
    }
}

/// The sizes of the section: the objects per command, the window, and what another client leaves.
struct Sizes {
    count: usize,
    window: Duration,
    left: u64,
}

/// One command of the section: its label and its arguments.
type Step<'a> = (&'a str, &'a [&'a str]);

/// One side of a comparison: the command's wall time and the requests it sent.
#[derive(Clone, Copy)]
struct Run {
    elapsed: Duration,
    requests: usize,
}

impl Bench {
    /// The section's rows: each command with the quota reported and with none, then the refresh with
    /// the quota nearly spent.
    pub(super) fn quota_spent(&self) {
        let sizes = match self.settings.write {
            true => Sizes {
                count: self.settings.count,
                window: Duration::from_secs(20),
                left: 40,
            },
            false => Sizes {
                count: 3,
                window: Duration::from_secs(3),
                left: 2,
            },
        };
        let count = sizes.count;
        let mut rows = String::new();
        let interconnects = |url: &str| cni_config_budget(url, count, "100ms", "");
        let connections = |url: &str| connections_config_budget(url, count, "edge", "");
        for (what, config) in [
            ("interconnects", &interconnects as &dyn Fn(&str) -> String),
            ("connections", &connections),
        ] {
            let reported = self.commands(RatelimitHeaders::Sent, config);
            let fixed = self.commands(RatelimitHeaders::None, config);
            for (((label, _), with), without) in COMMANDS.iter().zip(reported).zip(fixed) {
                rows.push_str(&format!(
                    "| {label} of {count} {what} | {} | {} | {:.1}× | {} | 0 |\n",
                    seconds(without.elapsed),
                    seconds(with.elapsed),
                    without.elapsed.as_secs_f64() / with.elapsed.as_secs_f64().max(0.001),
                    with.requests,
                ));
            }
        }
        let (nearly_spent, requests) = self.nearly_spent_refresh(&sizes);
        let body = format!(
            "## The quota, spent\n\n\
             Written by `make bench` (`benches/scale/quota.rs`): Terraform 1.15.5, the provider's default \
             budget (no `requests_per_second`), `-parallelism=10`. \"Reported\": the in-process mock counts a \
             quota of 1,200 requests per 5 minutes and sends the `Ratelimit` fields, each command starting \
             with a whole window; \"fixed 4/s\": the same commands against a mock that sends no fields, so the \
             provider keeps the fixed pace, measured in the same run. Refused: requests the mock answered 429 \
             for being over the quota (the bench fails on one). One round each.\n\n\
             | command | fixed 4/s | reported | speed-up | requests | refused |\n\
             |---|---|---|---|---|---|\n{rows}\n\
             With the quota nearly spent by another client ({left} requests left, the window resetting \
             {window} s later), the refresh of {count} interconnects took {} ({requests} requests, 0 refused): \
             paced through what was left, then the rest at once after the reset.\n\n{}",
            seconds(nearly_spent),
            report::measured_on(),
            window = sizes.window.as_secs(),
            left = sizes.left,
        );
        self.settings.report("quota", &body);
    }

    /// `apply`, refresh and `destroy` of `config` against a mock whose answers carry `headers`, each
    /// command with a whole window; none refused.
    fn commands(&self, headers: RatelimitHeaders, config: &dyn Fn(&str) -> String) -> Vec<Run> {
        let mock = self.runtime.block_on(start_mock_with(
            HealthyAfter::Polls(0),
            Some(quota(Duration::from_secs(300))).filter(|_| headers == RatelimitHeaders::Sent),
            headers,
        ));
        let ws = Workspace::new(&self.settings, &self.terraform, &config(&mock.base_url()));
        let runs = COMMANDS
            .iter()
            .map(|&(label, args): &Step| {
                mock.renew_quota();
                let (requests, _, elapsed) = spend(&mock, &ws, args);
                assert_eq!(mock.quota_refused(), 0, "{label}: a request was refused");
                Run { elapsed, requests }
            })
            .collect();
        self.runtime.block_on(mock.stop());
        runs
    }

    /// The refresh of the interconnects with `sizes.left` requests of a window that resets
    /// `sizes.window` later: its wall time and requests; none refused.
    fn nearly_spent_refresh(&self, sizes: &Sizes) -> (Duration, usize) {
        let mock = self.runtime.block_on(start_mock_with(
            HealthyAfter::Polls(0),
            Some(quota(sizes.window)),
            RatelimitHeaders::Sent,
        ));
        let config = cni_config_budget(&mock.base_url(), sizes.count, "100ms", "");
        let ws = Workspace::new(&self.settings, &self.terraform, &config);
        ws.time(COMMANDS[0].1);
        mock.renew_quota();
        mock.spend_quota(1200 - sizes.left);
        let (requests, _, elapsed) = spend(&mock, &ws, COMMANDS[1].1);
        assert_eq!(
            mock.quota_refused(),
            0,
            "the nearly spent refresh had a request refused"
        );
        mock.renew_quota();
        ws.time(COMMANDS[2].1);
        self.runtime.block_on(mock.stop());
        (elapsed, requests)
    }
}
