//! Waits for "gone" that share one listing of their account.
//!
//! A destroy deletes many interconnects at once, and each must be seen gone before Terraform moves on.
//! Instead of one `GET` per interconnect, the checks that come together form a **round**: the first
//! check of a round gathers the others, then fetches one complete listing for them all. Terraform
//! finishes a destroy's deletes one at a time (it writes the state after each), so the next ones
//! arrive while a round gathers. A round stops gathering when it holds as many checks as the fullest
//! round so far (about as many as Terraform runs at once: no other can come before it ends), or after
//! [`GATHER`] (or the wait's longest pause, if shorter). The rules that keep it honest:
//!
//! - **Only a listing sent after the `DELETE` counts.** A round's listing is fetched after every check
//!   in it joined, and a check joins after its `DELETE` was answered.
//! - **Absence counts only for a name an earlier listing showed.** A listing may lag behind creates, so
//!   a name no listing of this client held before the round (the first round of a command, for most)
//!   is checked with a `GET`, whose 404 alone says it is gone. A name the round's listing still holds
//!   is still there, whatever listings showed before.
//! - **Never much dearer than a `GET` each.** A round lists only when it holds more checks than the
//!   account's last complete listing took pages, and stops a listing of unknown length once it has
//!   cost as many pages as the round has checks; otherwise, or when the listing fails, each check
//!   sends its `GET`. A lone check always sends its `GET`.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

use super::listing::SharedListings;
use super::transport::Transport;

/// How long the first check of a round waits for others to join it.
pub const GATHER: Duration = Duration::from_millis(50);

/// The rounds of one client, one open round per account.
#[derive(Debug, Default)]
pub struct GoneRounds {
    accounts: Mutex<HashMap<String, Arc<AccountRounds>>>,
}

/// The round of one account that checks may still join, and the most checks a round has held.
#[derive(Debug, Default)]
struct AccountRounds {
    open: Mutex<Option<Arc<Round>>>,
    /// The most checks one round of this account has held: about as many deletes as Terraform runs at
    /// once, so a round that has them all waits for no one else.
    most: AtomicUsize,
}

/// The checks of one round (their count, to watch), and its outcome once listed.
#[derive(Debug)]
struct Round {
    names: Mutex<Vec<String>>,
    joined: watch::Sender<usize>,
    outcome: watch::Sender<Option<Outcome>>,
}

/// What a round's listing says.
#[derive(Debug, Clone)]
enum Outcome {
    /// The names a complete listing holds, fetched after every check of the round joined.
    Listed(Arc<HashSet<String>>),
    /// The round did not list: each check asks with a `GET`.
    AskDirectly,
}

/// What a round says of one name.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Seen {
    /// A listing sent after its `DELETE` lacks it: it is gone.
    Gone,
    /// A listing sent after its `DELETE` still holds it.
    StillListed,
    /// Nothing was listed for it: ask with a `GET`.
    AskDirectly,
}

impl GoneRounds {
    fn account(&self, account: &str) -> Arc<AccountRounds> {
        match self.accounts.lock() {
            Ok(mut accounts) => Arc::clone(accounts.entry(account.to_owned()).or_default()),
            Err(_) => Arc::default(),
        }
    }

    /// Joins the next round of `account` for `name`, whose `DELETE` has been answered, and says what
    /// its listing shows. A round gathers for `gather` at most.
    pub(super) async fn check(
        &self,
        listings: &SharedListings,
        client: &Transport,
        (account, name): (&str, &str),
        gather: Duration,
    ) -> Seen {
        let shown_before = listings.has_shown(account, name);
        let rounds = self.account(account);
        let (round, leads) = rounds.join(name);
        if leads {
            let lead = Lead {
                rounds: &rounds,
                round: &round,
            };
            rounds.gather(&round, gather.min(GATHER)).await;
            rounds.close(&round);
            let outcome = round.list(listings, client, account).await;
            round.outcome.send_replace(Some(outcome));
            drop(lead);
        }
        let mut outcome = round.outcome.subscribe();
        match outcome.wait_for(Option::is_some).await.map(|o| o.clone()) {
            Ok(Some(Outcome::Listed(names))) if names.contains(name) => Seen::StillListed,
            Ok(Some(Outcome::Listed(_))) if shown_before => Seen::Gone,
            _ => Seen::AskDirectly,
        }
    }
}

/// The check that leads a round: if it ends before the round has its outcome (its command was
/// interrupted, its deadline passed), the round closes and its checks ask directly.
struct Lead<'a> {
    rounds: &'a AccountRounds,
    round: &'a Arc<Round>,
}

impl Drop for Lead<'_> {
    fn drop(&mut self) {
        self.rounds.close(self.round);
        self.round.outcome.send_if_modified(|outcome| {
            let unset = outcome.is_none();
            if unset {
                *outcome = Some(Outcome::AskDirectly);
            }
            unset
        });
    }
}

impl AccountRounds {
    /// Adds `name` to the open round, opening one if none is; `true` when this check opened it (and
    /// so lists for it).
    fn join(&self, name: &str) -> (Arc<Round>, bool) {
        let Ok(mut open) = self.open.lock() else {
            return (Arc::new(Round::closed()), false);
        };
        let leads = open.is_none();
        let round = Arc::clone(open.get_or_insert_with(|| Arc::new(Round::new())));
        if let Ok(mut names) = round.names.lock() {
            names.push(name.to_owned());
        }
        round.joined.send_modify(|n| *n += 1);
        (round, leads)
    }

    /// Waits until `round` holds as many checks as the fullest round so far (at least two; the first
    /// round waits its whole time), at most `gather`; records how many it holds then.
    async fn gather(&self, round: &Round, gather: Duration) {
        let enough = match self.most.load(Ordering::SeqCst) {
            0 => usize::MAX,
            most => most.max(2),
        };
        let mut joined = round.joined.subscribe();
        let _ = tokio::time::timeout(gather, joined.wait_for(|n| *n >= enough)).await;
        self.most.fetch_max(*round.joined.borrow(), Ordering::SeqCst);
    }

    /// Closes `round`: checks from now on join the next one.
    fn close(&self, round: &Arc<Round>) {
        if let Ok(mut open) = self.open.lock() {
            if open.as_ref().is_some_and(|o| Arc::ptr_eq(o, round)) {
                *open = None;
            }
        }
    }
}

impl Round {
    fn new() -> Self {
        Round {
            names: Mutex::new(Vec::new()),
            joined: watch::Sender::new(0),
            outcome: watch::Sender::new(None),
        }
    }

    /// A round no one lists for: its checks ask directly.
    fn closed() -> Self {
        let round = Round::new();
        round.outcome.send_replace(Some(Outcome::AskDirectly));
        round
    }

    /// Lists the account for the round's checks when that costs fewer requests than a `GET` each.
    async fn list(&self, listings: &SharedListings, client: &Transport, account: &str) -> Outcome {
        let checks = self.names.lock().map(|names| names.len()).unwrap_or(0);
        let Some(most_pages) = pages_worth_listing(checks, listings.pages_of_last_listing(account)) else {
            return Outcome::AskDirectly;
        };
        match listings.list_names(client, account, most_pages).await {
            Ok(Some(names)) => Outcome::Listed(Arc::new(names)),
            Ok(None) => Outcome::AskDirectly,
            Err(e) => {
                tracing::info!("{e}; checking deleted interconnects one by one instead");
                Outcome::AskDirectly
            }
        }
    }
}

/// The most pages a listing for `checks` checks may cost and still cost fewer requests than a `GET`
/// each, the account's last complete listing having taken `pages` pages; `None` when no listing is.
fn pages_worth_listing(checks: usize, pages: Option<usize>) -> Option<usize> {
    let most = checks.checked_sub(1).filter(|most| *most > 0)?;
    match pages {
        Some(pages) if pages > most => None,
        _ => Some(most),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_lists_only_when_it_costs_fewer_requests_than_a_get_each() {
        assert_eq!(pages_worth_listing(1, None), None, "a lone check sends its GET");
        assert_eq!(pages_worth_listing(1, Some(1)), None);
        assert_eq!(pages_worth_listing(2, Some(1)), Some(1));
        assert_eq!(pages_worth_listing(4, Some(4)), None);
        assert_eq!(pages_worth_listing(10, Some(4)), Some(9));
        assert_eq!(
            pages_worth_listing(10, None),
            Some(9),
            "an account of unknown size: up to 9 pages"
        );
    }

    #[tokio::test]
    async fn the_first_check_of_a_round_leads_it_and_later_ones_join() {
        let rounds = AccountRounds::default();
        let (first, leads) = rounds.join("a");
        assert!(leads);
        let (second, joins) = rounds.join("b");
        assert!(!joins);
        assert!(Arc::ptr_eq(&first, &second));
        rounds.close(&first);
        let (third, leads_next) = rounds.join("c");
        assert!(leads_next, "a closed round takes no one");
        assert!(!Arc::ptr_eq(&first, &third));
        assert_eq!(
            first.names.lock().map(|n| n.clone()).unwrap_or_default(),
            ["a", "b"]
        );
    }

    #[tokio::test]
    async fn a_round_gathers_until_it_is_as_full_as_the_fullest_so_far_or_its_time_is_up() {
        let rounds = AccountRounds::default();
        let (round, _) = rounds.join("a");
        let short = Duration::from_millis(20);
        let started = std::time::Instant::now();
        rounds.gather(&round, short).await;
        assert!(started.elapsed() >= short, "the first round waits its time");
        assert_eq!(rounds.most.load(Ordering::SeqCst), 1);
        rounds.close(&round);
        let (full, _) = rounds.join("b");
        rounds.join("c");
        let long = Duration::from_secs(60);
        let started = std::time::Instant::now();
        rounds.gather(&full, long).await;
        assert!(started.elapsed() < long, "two, the least that ends it early");
        assert_eq!(rounds.most.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_round_whose_leader_ends_early_closes_and_sends_its_checks_to_get() {
        let rounds = AccountRounds::default();
        let (round, _) = rounds.join("a");
        drop(Lead {
            rounds: &rounds,
            round: &round,
        });
        assert!(matches!(*round.outcome.borrow(), Some(Outcome::AskDirectly)));
        let (_, leads) = rounds.join("b");
        assert!(leads, "the next check opens a new round");
    }
}
