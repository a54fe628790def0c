//! Reads of many interconnects (or CNIs) served by one listing of their account.
//!
//! Terraform refreshes every resource of a configuration at once. Instead of one `GET` per object,
//! the reads of one client (a provider is configured, and builds its client, once per command) share a
//! listing of the account: one page of up to 100 objects instead of 100 `GET`s. The rules that keep it
//! honest:
//!
//! - **Never older than the command.** The listing belongs to the client, so it is fetched during the
//!   command that reads it; it is dropped when this client creates, updates or deletes an object of the
//!   account, and restarted once it is older than [`MAX_LISTING_AGE`].
//! - **Absence is never trusted.** A name missing from a complete listing is read with a `GET`; only that
//!   `GET`'s 404 says it is gone.
//! - **Never dearer than a `GET` each, by much.** A page is fetched only while the listing has cost fewer
//!   pages than reads have come in, less one (so a command with a single read sends a single `GET`); when
//!   the listing is not worth its next page, or a page fails, reads fall back to `GET`.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::cni::{Cni, CniFilter};
use super::error::ApiError;
use super::models::{Interconnect, InterconnectFilter, Page};
use super::paging::PageCursor;
use super::transport::Transport;

/// What a shared listing can hold: objects of one API family, listed page by page, each read by a key.
pub(super) trait Listed: Clone + Send + Sync + Sized + 'static {
    /// The listing's name in errors and logs.
    const LISTING: &'static str;

    /// The key reads look it up by.
    fn key(&self) -> &str;

    /// One page of the account's complete listing.
    fn page(
        client: &Transport,
        account: &str,
        cursor: Option<i64>,
    ) -> impl std::future::Future<Output = Result<Page<Self>, ApiError>> + Send;
}

impl Listed for Interconnect {
    const LISTING: &'static str = "list interconnects";

    fn key(&self) -> &str {
        self.name()
    }

    async fn page(client: &Transport, account: &str, cursor: Option<i64>) -> Result<Page<Self>, ApiError> {
        client
            .list_interconnects_page(account, &InterconnectFilter::default(), cursor)
            .await
    }
}

impl Listed for Cni {
    const LISTING: &'static str = "list CNIs";

    fn key(&self) -> &str {
        &self.id
    }

    async fn page(client: &Transport, account: &str, cursor: Option<i64>) -> Result<Page<Self>, ApiError> {
        client
            .list_cnis_page(account, &CniFilter::default(), cursor)
            .await
    }
}

/// How long a shared listing serves reads before the next read starts a new one.
pub const MAX_LISTING_AGE: Duration = Duration::from_secs(60);

/// The listings shared by the reads of one client, one per account and API family.
#[derive(Debug, Default)]
pub struct SharedListings {
    accounts: Mutex<HashMap<String, Arc<AccountListing<Interconnect>>>>,
    cnis: Mutex<HashMap<String, Arc<AccountListing<Cni>>>>,
    /// What the listings of each account have shown over the client's life (kept when a listing is
    /// dropped): the waits for "gone" read it.
    shown: Mutex<HashMap<String, Shown>>,
}

/// What the listings of one account have shown.
#[derive(Debug, Default, Clone)]
struct Shown {
    /// Every name a listing held.
    names: HashSet<String>,
    /// How many pages the last complete listing took.
    pages: Option<usize>,
}

/// One account's shared listing, and what reading it has cost.
#[derive(Debug)]
struct AccountListing<T> {
    /// Reads asked of this account so far.
    reads: AtomicUsize,
    /// The pages fetched so far, and what they held.
    pages: tokio::sync::Mutex<Pages<T>>,
}

impl<T> Default for AccountListing<T> {
    fn default() -> Self {
        AccountListing {
            reads: AtomicUsize::new(0),
            pages: tokio::sync::Mutex::new(Pages::default()),
        }
    }
}

/// The pages of the current listing.
#[derive(Debug)]
struct Pages<T> {
    /// Every object listed so far, by key.
    items: HashMap<String, T>,
    /// Where the listing stands.
    cursor: PageCursor,
    /// When its first page was asked for.
    started: Option<Instant>,
    /// Pages fetched over the client's life, whatever listing they belonged to.
    fetched: usize,
    /// A page failed: reads go to `GET` until the listing is restarted.
    failed: bool,
    /// Pages fetched by the current listing.
    pages_of_this_listing: usize,
}

impl<T> Default for Pages<T> {
    fn default() -> Self {
        Pages {
            items: HashMap::new(),
            cursor: PageCursor::default(),
            started: None,
            fetched: 0,
            failed: false,
            pages_of_this_listing: 0,
        }
    }
}

/// What the shared listing says of one key.
enum InListing<T> {
    /// Listed: here it is.
    Found(Box<T>),
    /// Not listed, or the listing cannot tell: read it with a `GET`.
    AskDirectly,
}

impl SharedListings {
    /// Drops `account`'s listing, after this client changed what it would hold.
    pub(super) fn forget(&self, account: &str) {
        if let Ok(mut accounts) = self.accounts.lock() {
            accounts.remove(account);
        }
    }

    /// Drops `account`'s listing of CNIs, after this client changed what it would hold.
    pub(super) fn forget_cnis(&self, account: &str) {
        if let Ok(mut accounts) = self.cnis.lock() {
            accounts.remove(account);
        }
    }

    fn account(&self, account: &str) -> Option<Arc<AccountListing<Interconnect>>> {
        let mut accounts = self.accounts.lock().ok()?;
        Some(Arc::clone(accounts.entry(account.to_owned()).or_default()))
    }

    fn cni_account(&self, account: &str) -> Option<Arc<AccountListing<Cni>>> {
        let mut accounts = self.cnis.lock().ok()?;
        Some(Arc::clone(accounts.entry(account.to_owned()).or_default()))
    }
}

impl<T: Listed> Pages<T> {
    fn restart_if_stale(&mut self) {
        if self
            .started
            .is_some_and(|started| started.elapsed() >= MAX_LISTING_AGE)
        {
            *self = Pages {
                fetched: self.fetched,
                ..Pages::default()
            };
        }
    }

    /// Whether one more page is worth fetching, `reads` reads having been asked so far.
    fn worth_a_page(&self, reads: usize) -> bool {
        !self.failed && !self.cursor.is_done() && self.fetched + 1 < reads
    }

    async fn fetch_next(&mut self, client: &Transport, account: &str) -> Result<(), ApiError> {
        let Some(cursor) = self.cursor.pending() else {
            return Ok(());
        };
        self.started.get_or_insert_with(Instant::now);
        self.fetched += 1;
        self.pages_of_this_listing += 1;
        let page = T::page(client, account, cursor).await?;
        self.cursor
            .advance(page.next)
            .map_err(|fault| fault.of(T::LISTING))?;
        for item in page.items {
            self.items.insert(item.key().to_owned(), item);
        }
        Ok(())
    }
}

impl<T: Listed> AccountListing<T> {
    /// Looks `name` up in the listing, fetching pages while they are worth it; each page fetched is
    /// shown to `on_page`.
    async fn look_up(
        &self,
        client: &Transport,
        account: &str,
        name: &str,
        on_page: impl Fn(&Pages<T>),
    ) -> InListing<T> {
        let mut pages = self.pages.lock().await;
        pages.restart_if_stale();
        loop {
            if let Some(found) = pages.items.get(name) {
                return InListing::Found(Box::new(found.clone()));
            }
            if !pages.worth_a_page(self.reads.load(Ordering::SeqCst)) {
                return InListing::AskDirectly;
            }
            match pages.fetch_next(client, account).await {
                Ok(()) => on_page(&pages),
                Err(e) => {
                    tracing::info!("{e}; reading them one by one instead");
                    pages.failed = true;
                }
            }
        }
    }
}

/// Where a listing records what it has shown: the account's entry of [`SharedListings::shown`].
#[derive(Clone, Copy)]
struct ShowTo<'a> {
    listings: &'a SharedListings,
    account: &'a str,
}

impl ShowTo<'_> {
    fn record(&self, pages: &Pages<Interconnect>) {
        let complete = pages.cursor.is_done().then_some(pages.pages_of_this_listing);
        self.listings
            .record_shown(self.account, pages.items.keys().cloned(), complete);
    }
}

impl SharedListings {
    /// Adds `names` to what `account`'s listings have shown; `complete_in` is the page count of a
    /// listing that reached its last page.
    fn record_shown(&self, account: &str, names: impl Iterator<Item = String>, complete_in: Option<usize>) {
        if let Ok(mut shown) = self.shown.lock() {
            let shown = shown.entry(account.to_owned()).or_default();
            shown.names.extend(names);
            if complete_in.is_some() {
                shown.pages = complete_in;
            }
        }
    }

    /// Whether a listing of `account` has shown `name`.
    pub(super) fn has_shown(&self, account: &str, name: &str) -> bool {
        self.shown
            .lock()
            .is_ok_and(|shown| shown.get(account).is_some_and(|s| s.names.contains(name)))
    }

    /// How many pages the last complete listing of `account` took (`None` when none was complete).
    pub(super) fn pages_of_last_listing(&self, account: &str) -> Option<usize> {
        self.shown
            .lock()
            .ok()
            .and_then(|shown| shown.get(account).and_then(|s| s.pages))
    }

    /// The names of a complete listing of `account`, fetched now, and recorded as shown; `None` when
    /// it would take more than `most_pages` pages (what it showed is recorded all the same).
    pub(super) async fn list_names(
        &self,
        client: &Transport,
        account: &str,
        most_pages: usize,
    ) -> Result<Option<HashSet<String>>, ApiError> {
        let mut pages = Pages::<Interconnect>::default();
        while !pages.cursor.is_done() && pages.pages_of_this_listing < most_pages {
            pages.fetch_next(client, account).await?;
        }
        let complete = pages.cursor.is_done();
        let names: HashSet<String> = pages.items.into_keys().collect();
        let complete_in = complete.then_some(pages.pages_of_this_listing);
        self.record_shown(account, names.iter().cloned(), complete_in);
        Ok(complete.then_some(names))
    }
}

impl SharedListings {
    /// The interconnect `name`, for a refresh: from the listing shared by these reads of the account
    /// when that saves requests, else (and always before answering 404) with a `GET`.
    pub(super) async fn read(
        &self,
        client: &Transport,
        account: &str,
        name: &str,
    ) -> Result<Interconnect, ApiError> {
        if let Some(listing) = self.account(account) {
            listing.reads.fetch_add(1, Ordering::SeqCst);
            let shown = ShowTo {
                listings: self,
                account,
            };
            let on_page = |pages: &Pages<Interconnect>| shown.record(pages);
            if let InListing::Found(interconnect) = listing.look_up(client, account, name, on_page).await {
                return Ok(*interconnect);
            }
        }
        client.get_interconnect(account, name).await
    }

    /// The CNI `id`, for a refresh: from the listing shared by these reads of the account when that
    /// saves requests, else (and always before answering 404) with a `GET`.
    pub(super) async fn read_cni(
        &self,
        client: &Transport,
        account: &str,
        id: &str,
    ) -> Result<Cni, ApiError> {
        if let Some(listing) = self.cni_account(account) {
            listing.reads.fetch_add(1, Ordering::SeqCst);
            if let InListing::Found(cni) = listing.look_up(client, account, id, |_| {}).await {
                return Ok(*cni);
            }
        }
        client.get_cni(account, id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_worth_it_only_while_pages_stay_fewer_than_reads() {
        let pages = Pages::<Interconnect>::default();
        assert!(!pages.worth_a_page(1), "a single read is a single GET");
        assert!(pages.worth_a_page(2));
        let spent = Pages::<Interconnect> {
            fetched: 4,
            ..Pages::default()
        };
        assert!(!spent.worth_a_page(5));
        assert!(spent.worth_a_page(6));
        let failed = Pages::<Interconnect> {
            failed: true,
            ..Pages::default()
        };
        assert!(!failed.worth_a_page(100));
    }

    #[test]
    fn a_listing_past_its_age_starts_again_and_keeps_its_cost() {
        let Some(long_ago) = Instant::now().checked_sub(MAX_LISTING_AGE) else {
            return;
        };
        let mut pages = Pages::<Interconnect> {
            started: Some(long_ago),
            fetched: 3,
            failed: true,
            ..Pages::default()
        };
        pages.restart_if_stale();
        assert_eq!(pages.started, None);
        assert!(!pages.failed);
        assert_eq!(pages.fetched, 3);
        assert_eq!(pages.cursor.pending(), Some(None), "from the first page");

        let recent = Instant::now();
        let mut young = Pages::<Interconnect> {
            started: Some(recent),
            failed: true,
            ..Pages::default()
        };
        young.restart_if_stale();
        assert!(young.failed, "a young listing stays as it is");
    }
}
