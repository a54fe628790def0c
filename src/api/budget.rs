//! The client-side request budget: a rate limit shared by every clone of a client, so that any number of
//! concurrent operations stays under the API's 1,200 requests per 5 minutes.

use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// The highest budget accepted, far above anything the API allows.
pub const MAX_REQUESTS_PER_SECOND: f64 = 10_000.0;
/// The lowest budget accepted: one request every 1,000 seconds.
pub const MIN_REQUESTS_PER_SECOND: f64 = 0.001;

/// A shared token bucket that lets through at most `requests_per_second`, evenly spaced (no bursts).
#[derive(Clone)]
pub struct RequestBudget {
    limiter: Arc<DefaultDirectRateLimiter>,
    requests_per_second: f64,
}

/// A budget that is not a positive, finite number of requests per second.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("requests per second must be a number from {MIN_REQUESTS_PER_SECOND} (one request every 1,000 s) to {MAX_REQUESTS_PER_SECOND}, got {0}")]
pub struct InvalidBudget(pub f64);

impl RequestBudget {
    /// A budget of `requests_per_second` (fractions allowed, e.g. 0.5 for one request every 2 seconds).
    pub fn per_second(requests_per_second: f64) -> Result<Self, InvalidBudget> {
        if !(MIN_REQUESTS_PER_SECOND..=MAX_REQUESTS_PER_SECOND).contains(&requests_per_second) {
            return Err(InvalidBudget(requests_per_second));
        }
        let period = Duration::from_secs_f64(1.0 / requests_per_second);
        let quota = Quota::with_period(period).ok_or(InvalidBudget(requests_per_second))?;
        Ok(RequestBudget {
            limiter: Arc::new(RateLimiter::direct(quota)),
            requests_per_second,
        })
    }

    /// The configured rate.
    pub fn requests_per_second(&self) -> f64 {
        self.requests_per_second
    }

    /// Waits until one more request fits in the budget, and takes it.
    pub async fn acquire(&self) {
        self.limiter.until_ready().await;
    }
}

impl std::fmt::Debug for RequestBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RequestBudget({}/s)", self.requests_per_second)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_nonsense_rates() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e9] {
            assert!(RequestBudget::per_second(bad).is_err(), "{bad}");
        }
        assert!(RequestBudget::per_second(0.25).is_ok());
    }

    #[tokio::test]
    async fn spaces_requests_evenly_across_clones() {
        let budget = RequestBudget::per_second(50.0).expect("valid");
        let other = budget.clone();
        let start = std::time::Instant::now();
        for _ in 0..5 {
            budget.acquire().await;
            other.acquire().await;
        }
        // Ten requests at 50/s with no burst: the last one comes at least 9 periods (180 ms) after the first.
        assert!(
            start.elapsed() >= Duration::from_millis(175),
            "{:?}",
            start.elapsed()
        );
    }
}
