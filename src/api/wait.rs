//! Waiting on an interconnect: until its status is `Healthy`, or until it is gone after a DELETE.
//!
//! Polls come fast at first (the first one at once) and back off to a configured longest pause; every
//! wait has a deadline and ends at once when the client's cancellation token fires.

use std::time::Duration;

use tokio::time::Instant;

use super::client::Client;
use super::error::ApiError;
use super::models::InterconnectStatus;

/// The first pause between two polls; it doubles up to the configured longest pause.
pub const FIRST_POLL_PAUSE: Duration = Duration::from_millis(250);

/// Why a wait ended without reaching its goal.
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    /// The deadline passed. Carries the last status seen, if any.
    #[error("timed out after {}{}", humantime::format_duration(*waited), last_seen(last))]
    TimedOut {
        /// How long the wait lasted.
        waited: Duration,
        /// The last status answered.
        last: Option<InterconnectStatus>,
    },
    /// The interconnect disappeared (404) while waiting for it to turn healthy.
    #[error("the interconnect no longer exists (deleted outside of Terraform?)")]
    Gone,
    /// The wait was interrupted (Ctrl-C, or Terraform stopping the provider).
    #[error("interrupted{}", last_seen(last))]
    Interrupted {
        /// The last status answered.
        last: Option<InterconnectStatus>,
    },
    /// An API call failed after its retries.
    #[error(transparent)]
    Api(#[from] ApiError),
}

fn last_seen(last: &Option<InterconnectStatus>) -> String {
    match last {
        Some(status) => format!("; the last status was {status}"),
        None => String::new(),
    }
}

/// The pauses between polls: [`FIRST_POLL_PAUSE`], doubling, capped at `longest`.
#[derive(Debug, Clone)]
pub struct PollPauses {
    next: Duration,
    longest: Duration,
}

impl PollPauses {
    /// Pauses that grow up to `longest`.
    pub fn up_to(longest: Duration) -> Self {
        PollPauses {
            next: FIRST_POLL_PAUSE.min(longest),
            longest,
        }
    }
}

impl Iterator for PollPauses {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let pause = self.next;
        self.next = (self.next * 2).min(self.longest);
        Some(pause)
    }
}

/// Polls `/status` until `Healthy`, the deadline, a 404, an API failure or cancellation. `on_change` is
/// called with every status that differs from the previous one.
pub async fn wait_for_healthy(
    client: &Client,
    account: &str,
    name: &str,
    deadline: Instant,
    longest_pause: Duration,
    mut on_change: impl FnMut(&InterconnectStatus),
) -> Result<InterconnectStatus, WaitError> {
    let started = Instant::now();
    let mut pauses = PollPauses::up_to(longest_pause);
    let mut last: Option<InterconnectStatus> = None;
    loop {
        let timed_out = |last| WaitError::TimedOut {
            waited: started.elapsed(),
            last,
        };
        let status = match tokio::time::timeout_at(deadline, client.interconnect_status(account, name)).await
        {
            Err(_) => return Err(timed_out(last)),
            Ok(Err(e)) if e.is_not_found() => return Err(WaitError::Gone),
            Ok(Err(e)) if e.is_cancelled() => return Err(WaitError::Interrupted { last }),
            Ok(Err(e)) => return Err(e.into()),
            Ok(Ok(status)) => status,
        };
        if last.as_ref() != Some(&status) {
            on_change(&status);
        }
        if status.is_healthy() {
            return Ok(status);
        }
        last = Some(status);
        if !pause(client, deadline, pauses.next().unwrap_or(longest_pause)).await {
            return Err(if client.cancellation().is_cancelled() {
                WaitError::Interrupted { last }
            } else {
                timed_out(last)
            });
        }
    }
}

/// Polls `GET` until it answers 404, the deadline, an API failure or cancellation.
pub async fn wait_until_gone(
    client: &Client,
    account: &str,
    name: &str,
    deadline: Instant,
    longest_pause: Duration,
) -> Result<(), WaitError> {
    let started = Instant::now();
    let mut pauses = PollPauses::up_to(longest_pause);
    loop {
        let timed_out = || WaitError::TimedOut {
            waited: started.elapsed(),
            last: None,
        };
        match tokio::time::timeout_at(deadline, client.get_interconnect(account, name)).await {
            Err(_) => return Err(timed_out()),
            Ok(Err(e)) if e.is_not_found() => return Ok(()),
            Ok(Err(e)) if e.is_cancelled() => return Err(WaitError::Interrupted { last: None }),
            Ok(Err(e)) => return Err(e.into()),
            Ok(Ok(_)) => {}
        }
        if !pause(client, deadline, pauses.next().unwrap_or(longest_pause)).await {
            return Err(if client.cancellation().is_cancelled() {
                WaitError::Interrupted { last: None }
            } else {
                timed_out()
            });
        }
    }
}

/// Sleeps `pause`, or less if the deadline comes first. `false` if the deadline passed or the client
/// was cancelled.
async fn pause(client: &Client, deadline: Instant, pause: Duration) -> bool {
    let wake = (Instant::now() + pause).min(deadline);
    tokio::select! {
        _ = client.cancellation().cancelled() => false,
        _ = tokio::time::sleep_until(wake) => Instant::now() < deadline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_start_fast_and_back_off_to_the_cap() {
        let pauses: Vec<u64> = PollPauses::up_to(Duration::from_secs(10))
            .take(8)
            .map(|d| d.as_millis() as u64)
            .collect();
        assert_eq!(pauses, vec![250, 500, 1000, 2000, 4000, 8000, 10000, 10000]);
        let short: Vec<u64> = PollPauses::up_to(Duration::from_millis(100))
            .take(3)
            .map(|d| d.as_millis() as u64)
            .collect();
        assert_eq!(short, vec![100, 100, 100]);
    }

    #[test]
    fn errors_name_the_last_status() {
        let err = WaitError::TimedOut {
            waited: Duration::from_secs(90),
            last: Some(InterconnectStatus::Down {
                reason: Some("no light".into()),
            }),
        };
        assert_eq!(
            err.to_string(),
            "timed out after 1m 30s; the last status was Down (no light)"
        );
    }
}
