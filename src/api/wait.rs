//! Waiting on an interconnect: until its status is `Healthy`, or until it is gone after a DELETE.
//!
//! Polls come fast at first (the first one at once) and back off to a configured longest pause; every
//! wait has a deadline and ends at once when the client's cancellation token fires.

use std::time::Duration;

use tokio::time::Instant;

use super::error::ApiError;
use super::models::InterconnectStatus;
use super::transport::Transport;

/// The first pause between two polls; it doubles up to the configured longest pause.
pub const FIRST_POLL_PAUSE: Duration = Duration::from_millis(250);

/// How long after a create the API may still answer 404 for the new name (read-after-write lag).
pub const READ_AFTER_WRITE_GRACE: Duration = Duration::from_secs(30);

/// Why a wait ended without reaching its goal. Each carries the last status seen, if any.
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    /// The deadline passed.
    #[error("timed out after {}{}", humantime::format_duration(*waited), last_seen(last))]
    TimedOut {
        /// How long the wait lasted.
        waited: Duration,
        /// The last status answered.
        last: Option<InterconnectStatus>,
    },
    /// The interconnect answered 404 after the read-after-write grace had passed.
    #[error(
        "the API no longer knows the interconnect (404; deleted outside of Terraform?){}",
        last_seen(last)
    )]
    Gone {
        /// The last status answered.
        last: Option<InterconnectStatus>,
    },
    /// The wait was interrupted (Ctrl-C, or Terraform stopping the provider).
    #[error("interrupted{}", last_seen(last))]
    Interrupted {
        /// The last status answered.
        last: Option<InterconnectStatus>,
    },
    /// An API call failed after its retries.
    #[error("{source}{}", last_seen(last))]
    Api {
        /// The failure.
        source: ApiError,
        /// The last status answered.
        last: Option<InterconnectStatus>,
    },
}

impl WaitError {
    /// The last status seen before the wait ended.
    pub fn last(&self) -> Option<&InterconnectStatus> {
        match self {
            WaitError::TimedOut { last, .. }
            | WaitError::Gone { last }
            | WaitError::Interrupted { last }
            | WaitError::Api { last, .. } => last.as_ref(),
        }
    }
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

/// What one poll tells a wait.
enum Poll<T> {
    /// The goal is reached.
    Done(T),
    /// Not yet; `Some` is a new status seen.
    NotYet(Option<InterconnectStatus>),
}

/// The one poll loop: calls `poll` at growing pauses until it is done, the deadline passes, the client
/// is cancelled, or it fails. A 404 before `visible_by` is read-after-write lag and keeps the wait
/// going; after it, it ends the wait with [`WaitError::Gone`] unless `poll` handles 404 itself.
async fn poll_until<T, F, Fut>(
    client: &Transport,
    deadline: Instant,
    longest_pause: Duration,
    visible_by: Instant,
    mut poll: F,
) -> Result<T, WaitError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Poll<T>, ApiError>>,
{
    let started = Instant::now();
    let mut pauses = PollPauses::up_to(longest_pause);
    let mut last: Option<InterconnectStatus> = None;
    loop {
        let timed_out = |last| WaitError::TimedOut {
            waited: started.elapsed(),
            last,
        };
        match tokio::time::timeout_at(deadline, poll()).await {
            Err(_) => return Err(timed_out(last)),
            Ok(Ok(Poll::Done(goal))) => return Ok(goal),
            Ok(Ok(Poll::NotYet(seen))) => last = seen.or(last),
            Ok(Err(e)) if e.is_not_found() && Instant::now() < visible_by => {
                tracing::info!("{e}: not visible yet right after its create; waiting");
            }
            Ok(Err(e)) if e.is_not_found() => return Err(WaitError::Gone { last }),
            Ok(Err(e)) if e.is_cancelled() => return Err(WaitError::Interrupted { last }),
            Ok(Err(ApiError::OutOfTime { .. })) => return Err(timed_out(last)),
            Ok(Err(source)) => return Err(WaitError::Api { source, last }),
        }
        if !pause(client, deadline, pauses.next().unwrap_or(longest_pause)).await {
            return Err(if client.cancellation().is_cancelled() {
                WaitError::Interrupted { last }
            } else {
                timed_out(last)
            });
        }
    }
}

/// Polls `/status` until `Healthy`, the deadline, a 404 after `visible_by`, an API failure or
/// cancellation. `on_change` is called with every status that differs from the previous one.
pub async fn wait_for_healthy(
    client: &Transport,
    account: &str,
    name: &str,
    deadline: Instant,
    longest_pause: Duration,
    visible_by: Instant,
    mut on_change: impl FnMut(&InterconnectStatus) + Send,
) -> Result<InterconnectStatus, WaitError> {
    let mut previous: Option<InterconnectStatus> = None;
    let on_poll = |status: &InterconnectStatus| {
        if previous.as_ref() != Some(status) {
            on_change(status);
        }
        previous = Some(status.clone());
    };
    wait_for_state(
        client,
        account,
        name,
        "Healthy",
        (deadline, longest_pause, visible_by),
        on_poll,
    )
    .await
}

/// Polls `/status` until its state is `goal` (`Pending`, `Down`, `Unhealthy` or `Healthy`), with the
/// same rules as [`wait_for_healthy`]: `bounds` are the deadline, the longest pause and the end of the
/// read-after-write grace. `on_poll` is called with every status read.
pub async fn wait_for_state(
    client: &Transport,
    account: &str,
    name: &str,
    goal: &str,
    bounds: (Instant, Duration, Instant),
    on_poll: impl FnMut(&InterconnectStatus) + Send,
) -> Result<InterconnectStatus, WaitError> {
    let (deadline, longest_pause, visible_by) = bounds;
    let on_poll = std::sync::Mutex::new(on_poll);
    poll_until(client, deadline, longest_pause, visible_by, || {
        let on_poll = &on_poll;
        async move {
            let status = client.interconnect_status(account, name).await?;
            if let Ok(mut on_poll) = on_poll.lock() {
                (*on_poll)(&status);
            }
            Ok(if status.state() == goal {
                Poll::Done(status)
            } else {
                Poll::NotYet(Some(status))
            })
        }
    })
    .await
}

/// Polls `is_gone` until it says so, the deadline, an API failure or cancellation. A 404 that did not
/// come from the API ([`ApiError::NotTheApi`]) is a failure, never "gone": `is_gone` decides what
/// "gone" is (see [`super::Client::wait_until_gone`]).
pub(super) async fn poll_until_gone<F, Fut>(
    client: &Transport,
    deadline: Instant,
    longest_pause: Duration,
    mut is_gone: F,
) -> Result<(), WaitError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<bool, ApiError>>,
{
    poll_until(client, deadline, longest_pause, Instant::now(), || {
        let gone = is_gone();
        async move {
            Ok(match gone.await? {
                true => Poll::Done(()),
                false => Poll::NotYet(None),
            })
        }
    })
    .await
}

/// Sleeps `pause`, or less if the deadline comes first. `false` if the deadline passed or the client
/// was cancelled.
async fn pause(client: &Transport, deadline: Instant, pause: Duration) -> bool {
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
