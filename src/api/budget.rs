//! The client-side request budget, shared by every clone of a client (one per provider process): it
//! spends the quota the API reports instead of a fixed guess, and never trips the API's lockout.
//!
//! - While the API has reported nothing (before its first answer, or when an answer's `Ratelimit`
//!   fields are missing or malformed), requests are evenly spaced at a fixed pace: 4 a second (1,200 per
//!   5 minutes), or `requests_per_second` when set.
//! - While what is left stays above a reserve (10 % of the quota), requests go as fast as they come,
//!   up to the API's 200 a second per address.
//! - Within the reserve they are paced so that what is left lasts until the window resets.
//! - A request the reported quota cannot cover waits for the reset instead of being sent.
//! - `requests_per_second`, when set, is a hard cap on top of all this.
//!
//! What is left is counted down as requests go and taken from each answer, never raised by an answer
//! of the same window (answers come back out of order); a new window's answer starts afresh.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::header::HeaderMap;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::ratelimit::{quota_report, QuotaReport};

/// The highest budget accepted, far above anything the API allows.
pub const MAX_REQUESTS_PER_SECOND: f64 = 10_000.0;
/// The lowest budget accepted: one request every 1,000 seconds.
pub const MIN_REQUESTS_PER_SECOND: f64 = 0.001;
/// The pace while the API reports no quota: its 1,200 requests per 5 minutes, evenly spaced.
pub const FIXED_REQUESTS_PER_SECOND: f64 = 4.0;
/// The API's limit per client address, whatever the quota.
pub const PER_ADDRESS_PER_SECOND: f64 = 200.0;
/// The share of the quota kept in reserve: below it, requests are paced until the reset.
pub const RESERVE_SHARE: f64 = 0.1;
/// How long after the reported reset a request that had to wait for it goes (the API rounds `t`).
const RESET_MARGIN: Duration = Duration::from_secs(1);
/// Two reports whose resets are this close describe the same window.
const SAME_WINDOW: Duration = Duration::from_secs(2);

/// The shared budget; cheap to clone, clones share it.
#[derive(Clone)]
pub struct RequestBudget {
    inner: Arc<Inner>,
}

struct Inner {
    fixed: DefaultDirectRateLimiter,
    fixed_rate: f64,
    cap: Option<(DefaultDirectRateLimiter, f64)>,
    per_address: DefaultDirectRateLimiter,
    known: Mutex<Option<Known>>,
    learned: Notify,
}

/// The quota as the latest answers reported it, counted down since.
#[derive(Debug, Clone, Copy)]
struct Known {
    left: u64,
    quota: u64,
    window: Duration,
    reset_at: Instant,
    next_slot: Instant,
}

/// When a request may go.
enum Turn {
    /// The API has reported no quota: the fixed pace.
    Unknown,
    /// Now (its request counted).
    Now,
    /// At this paced slot (its request counted).
    At(Instant),
    /// Nothing is left: after the reset, ask again.
    AfterReset(Instant),
}

/// A budget that is not a positive, finite number of requests per second.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("requests per second must be a number from {MIN_REQUESTS_PER_SECOND} (one request every 1,000 s) to {MAX_REQUESTS_PER_SECOND}, got {0}")]
pub struct InvalidBudget(pub f64);

fn evenly(requests_per_second: f64) -> Result<DefaultDirectRateLimiter, InvalidBudget> {
    if !(MIN_REQUESTS_PER_SECOND..=MAX_REQUESTS_PER_SECOND).contains(&requests_per_second) {
        return Err(InvalidBudget(requests_per_second));
    }
    let period = Duration::from_secs_f64(1.0 / requests_per_second);
    let quota = Quota::with_period(period).ok_or(InvalidBudget(requests_per_second))?;
    Ok(RateLimiter::direct(quota))
}

/// The API's limit per address as a limiter: bursts of half of it, and half of it a second
/// sustained, so that no second ever holds more than [`PER_ADDRESS_PER_SECOND`] requests.
fn per_address() -> DefaultDirectRateLimiter {
    let half =
        std::num::NonZeroU32::new((PER_ADDRESS_PER_SECOND / 2.0) as u32).unwrap_or(std::num::NonZeroU32::MIN);
    RateLimiter::direct(Quota::per_second(half).allow_burst(half))
}

impl RequestBudget {
    /// A budget that follows the quota the API reports, with `cap` (requests per second, fractions
    /// allowed) as a hard cap and as the pace while nothing is reported; 4 a second then without one.
    pub fn following_the_api(cap: Option<f64>) -> Result<Self, InvalidBudget> {
        let fixed_rate = cap.unwrap_or(FIXED_REQUESTS_PER_SECOND);
        let cap = match cap {
            Some(rate) => Some((evenly(rate)?, rate)),
            None => None,
        };
        Ok(RequestBudget {
            inner: Arc::new(Inner {
                fixed: evenly(fixed_rate)?,
                fixed_rate,
                cap,
                per_address: per_address(),
                known: Mutex::new(None),
                learned: Notify::new(),
            }),
        })
    }

    /// Checks a `requests_per_second` setting.
    pub fn check_rate(requests_per_second: f64) -> Result<(), InvalidBudget> {
        evenly(requests_per_second).map(|_| ())
    }

    /// The hard cap, when set.
    pub fn cap(&self) -> Option<f64> {
        self.inner.cap.as_ref().map(|(_, rate)| *rate)
    }

    /// Waits until one more request fits in the budget, and takes it.
    pub async fn acquire(&self) {
        let inner = &self.inner;
        if let Some((cap, _)) = &inner.cap {
            cap.until_ready().await;
        }
        loop {
            match self.turn(Instant::now()) {
                Turn::Unknown => {
                    // A report may come while this waits: then it asks again.
                    tokio::select! {
                        _ = inner.fixed.until_ready() => break,
                        _ = inner.learned.notified() => continue,
                    }
                }
                Turn::Now => break,
                Turn::At(slot) => {
                    tokio::time::sleep_until(slot).await;
                    break;
                }
                Turn::AfterReset(at) => tokio::time::sleep_until(at).await,
            }
        }
        inner.per_address.until_ready().await;
    }

    /// When a request may go, as the quota known at `now` says; counts it when it may.
    fn turn(&self, now: Instant) -> Turn {
        let Ok(mut known) = self.inner.known.lock() else {
            return Turn::Unknown;
        };
        let Some(known) = known.as_mut() else {
            return Turn::Unknown;
        };
        known.renew_if_reset(now);
        let reserve = (known.quota as f64 * RESERVE_SHARE).ceil() as u64;
        if known.left > reserve {
            known.left -= 1;
            return Turn::Now;
        }
        if known.left == 0 {
            let at = known.reset_at + RESET_MARGIN;
            tracing::debug!(
                "request budget: the reported quota is spent; waiting {:?} for its reset",
                at.saturating_duration_since(now)
            );
            return Turn::AfterReset(at);
        }
        let spacing = known.reset_at.saturating_duration_since(now) / known.left as u32;
        let slot = known.next_slot.max(now);
        known.next_slot = slot + spacing;
        known.left -= 1;
        tracing::debug!(
            "request budget: {} left of {} (reserve {reserve}), one request every {spacing:?} until the reset",
            known.left + 1,
            known.quota
        );
        match slot > now {
            true => Turn::At(slot),
            false => Turn::Now,
        }
    }

    /// Takes what an answer's headers say of the quota: a report (the fixed pace gives way to it), or
    /// none (back to the fixed pace).
    pub fn observe(&self, headers: &HeaderMap) {
        let report = quota_report(headers);
        let Ok(mut known) = self.inner.known.lock() else {
            return;
        };
        let was_unknown = known.is_none();
        *known = match (report, known.take()) {
            (None, Some(_)) => {
                tracing::debug!(
                    "request budget: an answer reports no quota (Ratelimit fields missing or malformed); \
                     back to {} requests a second",
                    self.inner.fixed_rate
                );
                None
            }
            (None, None) => None,
            (Some(report), before) => Some(Known::from_report(report, before, Instant::now())),
        };
        if was_unknown && known.is_some() {
            tracing::debug!("request budget: following the quota the API reports: {:?}", known);
            self.inner.learned.notify_waiters();
        }
    }
}

impl Known {
    /// The quota after `report`, given what was known `before`: a report of the same window never
    /// raises what is left (answers come back out of order); one of an older window is ignored.
    fn from_report(report: QuotaReport, before: Option<Known>, now: Instant) -> Known {
        let reset_at = now + report.reset;
        let fresh = Known {
            left: report.remaining,
            quota: report.quota,
            window: report.window,
            reset_at,
            next_slot: now,
        };
        let Some(before) = before else {
            return fresh;
        };
        if reset_at + SAME_WINDOW < before.reset_at {
            return before;
        }
        if reset_at <= before.reset_at + SAME_WINDOW {
            return Known {
                left: before.left.min(report.remaining),
                quota: report.quota,
                ..before
            };
        }
        Known {
            next_slot: before.next_slot.max(now),
            ..fresh
        }
    }

    /// A window that has passed with no answer since: the quota is whole again.
    fn renew_if_reset(&mut self, now: Instant) {
        if now < self.reset_at + RESET_MARGIN {
            return;
        }
        while self.reset_at + RESET_MARGIN <= now {
            self.reset_at += self.window.max(Duration::from_secs(1));
        }
        self.left = self.quota;
    }
}

impl std::fmt::Debug for RequestBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.cap() {
            Some(cap) => write!(f, "RequestBudget(the API's quota, at most {cap}/s)"),
            None => write!(f, "RequestBudget(the API's quota)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn report(left: u64, reset_s: u64) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let limit = format!("\"default\";r={left};t={reset_s}");
        headers.insert("ratelimit", HeaderValue::from_str(&limit).expect("header"));
        headers.insert(
            "ratelimit-policy",
            HeaderValue::from_static("\"default\";q=1200;w=300"),
        );
        headers
    }

    #[test]
    fn rejects_nonsense_rates() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e9] {
            assert!(RequestBudget::following_the_api(Some(bad)).is_err(), "{bad}");
        }
        assert!(RequestBudget::following_the_api(Some(0.25)).is_ok());
    }

    #[tokio::test]
    async fn without_a_report_requests_are_evenly_spaced_across_clones() {
        assert_eq!(FIXED_REQUESTS_PER_SECOND, 4.0, "the API's 1,200 per 5 minutes");
        let budget = RequestBudget::following_the_api(Some(50.0)).expect("valid");
        let other = budget.clone();
        let start = std::time::Instant::now();
        for _ in 0..5 {
            budget.acquire().await;
            other.acquire().await;
        }
        // Ten requests at 50/s with no burst: the last one comes 9 periods (180 ms) after the first.
        assert!(
            start.elapsed() >= Duration::from_millis(175),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test]
    async fn above_the_reserve_requests_go_at_once() {
        let budget = RequestBudget::following_the_api(None).expect("valid");
        budget.observe(&report(200, 300));
        let start = std::time::Instant::now();
        for _ in 0..(200 - 120) {
            budget.acquire().await;
        }
        // 80 requests above the reserve of 120: at the API's 200 a second, not at 4 (20 s).
        assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
    }

    #[tokio::test]
    async fn no_second_holds_more_than_the_apis_limit_per_address() {
        let budget = RequestBudget::following_the_api(None).expect("valid");
        budget.observe(&report(1200, 300));
        let start = std::time::Instant::now();
        for _ in 0..250 {
            budget.acquire().await;
        }
        // A burst of 100, then 100 a second: at most 200 in any second.
        assert!(
            start.elapsed() >= Duration::from_millis(1_400),
            "{:?}",
            start.elapsed()
        );
        assert!(start.elapsed() < Duration::from_secs(4), "{:?}", start.elapsed());
    }

    #[tokio::test(start_paused = true)]
    async fn within_the_reserve_requests_are_paced_until_the_reset_and_then_wait_for_it() {
        let budget = RequestBudget::following_the_api(None).expect("valid");
        budget.observe(&report(10, 30));
        let start = Instant::now();
        for _ in 0..3 {
            budget.acquire().await;
        }
        // Ten left for 30 s: one every 3 s.
        assert!(start.elapsed() >= Duration::from_secs(6), "{:?}", start.elapsed());
        // The same window (its reset 24 s from now), now spent: the next request waits for the reset.
        budget.observe(&report(0, 24));
        let spent = Instant::now();
        budget.acquire().await;
        assert!(
            spent.elapsed() >= Duration::from_secs(24),
            "{:?}",
            spent.elapsed()
        );
    }

    #[tokio::test]
    async fn a_missing_report_falls_back_to_the_fixed_pace() {
        let budget = RequestBudget::following_the_api(None).expect("valid");
        budget.observe(&report(1200, 300));
        budget.observe(&HeaderMap::new());
        let start = std::time::Instant::now();
        for _ in 0..3 {
            budget.acquire().await;
        }
        assert!(
            start.elapsed() >= Duration::from_millis(490),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_answer_of_the_same_window_never_raises_what_is_left() {
        let budget = RequestBudget::following_the_api(None).expect("valid");
        budget.observe(&report(200, 60));
        budget.observe(&report(1100, 60));
        let known = budget
            .inner
            .known
            .lock()
            .map(|k| k.map(|k| k.left))
            .ok()
            .flatten();
        assert_eq!(known, Some(200));
        // A new window (its reset far later) starts afresh.
        tokio::time::advance(Duration::from_secs(61)).await;
        budget.observe(&report(1100, 300));
        let known = budget
            .inner
            .known
            .lock()
            .map(|k| k.map(|k| k.left))
            .ok()
            .flatten();
        assert_eq!(known, Some(1100));
    }

    #[tokio::test]
    async fn a_cap_holds_even_with_a_full_quota() {
        let budget = RequestBudget::following_the_api(Some(2.0)).expect("valid");
        budget.observe(&report(1200, 300));
        let start = std::time::Instant::now();
        for _ in 0..3 {
            budget.acquire().await;
        }
        assert!(
            start.elapsed() >= Duration::from_millis(990),
            "{:?}",
            start.elapsed()
        );
    }
}
