//! How soon a create notices Healthy, against the poll interval.

use super::*;

impl Bench {
    /// Creates one interconnect at a time against a mock that turns it Healthy [`HEALTHY_AFTER`] after
    /// its POST, and reads from the mock's log when the status poll that saw it came.
    pub(super) fn healthy_detection(&self) {
        let mock = self
            .runtime
            .block_on(start_mock(HealthyAfter::Elapsed(HEALTHY_AFTER)));
        let ws = Workspace::new(
            &self.settings,
            &self.terraform,
            &cni_config_with(&mock.base_url(), 1, DETECTION_POLL_INTERVAL),
        );
        let mut lags = Vec::new();
        for _ in 0..self.settings.detection_rounds {
            let before = mock.requests().len();
            ws.time(COMMANDS[0].1);
            let log = mock.requests().split_off(before);
            let posted = log
                .iter()
                .find(|r| r.method == "POST")
                .expect("the create's POST")
                .at_ms;
            let seen = log
                .iter()
                .filter(|r| r.path.ends_with("/status"))
                .map(|r| r.at_ms)
                .max()
                .expect("a status poll");
            let healthy_at = posted + HEALTHY_AFTER.as_millis() as u64;
            lags.push(Duration::from_millis(seen.saturating_sub(healthy_at)));
            ws.time(COMMANDS[2].1);
        }
        let lag = median(lags.clone());
        let worst = lags.iter().max().copied().unwrap_or_default();
        let body = format!(
            "## Healthy detection\n\n\
             Written by `make bench` (`benches/scale/`): `terraform apply` of one `gcp_partner` interconnect, \
             {} times, against a mock that turns it Healthy {} after its POST, with \
             `poll_interval = \"{DETECTION_POLL_INTERVAL}\"` (the longest pause between polls; they start at 250 ms \
             and double). Lag: from the moment it turned Healthy to the status poll that saw it, in the mock's \
             log.\n\n\
             | poll interval | median lag | worst lag | target |\n|---|---|---|---|\n\
             | {DETECTION_POLL_INTERVAL} | {} ms | {} ms | within one poll interval |\n\n\
             {}",
            self.settings.detection_rounds,
            humantime::format_duration(HEALTHY_AFTER),
            lag.as_millis(),
            worst.as_millis(),
            report::measured_on()
        );
        self.settings.report("healthy", &body);
        self.runtime.block_on(mock.stop());
    }
}
