//! Creating an interconnect exactly once, even when the create's answer is lost.
//!
//! A `POST` whose outcome is unknown (connection dropped, timeout, 5xx) is never simply sent again: the
//! interconnect it may have made is looked up first, by what identifies it — its slot for a `direct`
//! port (checked to be free before the `POST`), and for a `gcp_partner` attachment the region (from the
//! pairing key) and bandwidth of interconnects that did not exist before the `POST`. A 2xx answer that
//! could not be read means the create **happened**, and so does a retry the API refuses because an
//! earlier attempt made the object ("slot occupied", "key used"): such a create is looked for until its
//! timeout and never reported as not made.
//!
//! Creates of one process can run side by side (a redundant pair differs only in its pairing key). The
//! [`CreateLedger`] makes sure a lookup never adopts a sibling's interconnect:
//! - it runs only while no sibling `POST` is in flight (the gate), and skips every name a sibling
//!   created or adopted (claimed names, per account);
//! - it never adopts what another create whose outcome is unknown could have made (rivals): it sends
//!   its `POST` again instead, which the API refuses when an earlier attempt made the object — what
//!   only the owner can know — or it names every candidate in its error;
//! - alike creates (same slot; same bandwidth) take turns around their `POST` and keep the turn while
//!   its outcome is unknown, so two of them are never unsettled at once.
//!
//! No create sleeps while it holds the gate: a `POST` refused with 429 waits outside it.
//!
//! The `gcp_partner` creates of one client (one command) share the listing taken before their `POST`s
//! — 200 creates, one listing — reused while younger than half of [`BASELINE_MAX_AGE`]. An attachment
//! made *outside* this process between the listing and a lookup counts as new, so that window is
//! bounded at the lookup: past [`BASELINE_MAX_AGE`] nothing is adopted and the candidates are named. A
//! create that ends without knowing what it made drops the shared baseline, so that whatever it may
//! have made counts as existing for the creates after it.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::error::ApiError;
use super::models::{CreateInterconnect, Interconnect, InterconnectFilter, TYPE_DIRECT, TYPE_GCP_PARTNER};
use super::transport::{round_ms, Transport};
use super::wait::PollPauses;

/// How long a lookup may go on for a create that certainly happened (2xx with an unreadable answer,
/// or a retry refused because an earlier attempt made it) when the handle has no deadline of its own.
const PROVEN_LOOKUP_LIMIT: Duration = Duration::from_secs(300);

/// How long after the baseline listing a lookup may still tell "new" attachments from old ones: an
/// attachment made outside this process between the listing and the lookup counts as new, so the
/// window is bounded, measured at the lookup (requests queued behind the budget do not stretch it).
pub const BASELINE_MAX_AGE: Duration = Duration::from_secs(60);

/// How old a shared baseline may be when a create starts and still serve it: half the window, so
/// that the `POST` and its lookup have the other half.
const BASELINE_REUSE_AGE: Duration = Duration::from_secs(30);

/// What a create whose outcome is unknown could have made: the slot it asked for, or the region and
/// bandwidth of the attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Signature {
    Slot(String),
    Gcp {
        region: Option<String>,
        bandwidth: String,
    },
}

impl Signature {
    fn of(request: &CreateInterconnect) -> Self {
        match request {
            CreateInterconnect::Direct { slot_id, .. } => {
                Signature::Slot(slot_id.to_string().to_ascii_lowercase())
            }
            CreateInterconnect::GcpPartner {
                bandwidth,
                pairing_key,
                ..
            } => Signature::Gcp {
                region: pairing_key_region(pairing_key.expose()).map(str::to_ascii_lowercase),
                bandwidth: bandwidth.as_str().to_ascii_uppercase(),
            },
        }
    }

    /// The turn alike creates share: the slot, or the bandwidth (coarser than [`Signature::overlaps`],
    /// since a key without a readable region overlaps every region).
    fn turn(&self) -> String {
        match self {
            Signature::Slot(slot) => format!("slot {slot}"),
            Signature::Gcp { bandwidth, .. } => format!("gcp {bandwidth}"),
        }
    }

    /// Whether one object could be what either create made.
    fn overlaps(&self, other: &Signature) -> bool {
        match (self, other) {
            (Signature::Slot(a), Signature::Slot(b)) => a == b,
            (
                Signature::Gcp {
                    region: ra,
                    bandwidth: ba,
                },
                Signature::Gcp {
                    region: rb,
                    bandwidth: bb,
                },
            ) => ba == bb && (ra.is_none() || rb.is_none() || ra == rb),
            _ => false,
        }
    }
}

/// Where a create whose outcome was unknown stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unsettled {
    /// It may or may not have made something, and is still finding out (it may send its `POST` again).
    Unknown,
    /// A retry refused as "slot occupied" or "key used" (or an accepted, unreadable answer) proves it made
    /// something, not yet told apart.
    ProvenMade,
    /// It ended without knowing what it made: whatever it may have made stays unclaimed.
    Abandoned,
}

/// A create whose outcome this process does not know.
#[derive(Debug, Clone)]
struct UnsettledCreate {
    account: String,
    signature: Signature,
    state: Unsettled,
}

/// This process's creates: the names they made or adopted (per account), the creates whose outcome is
/// unknown, a gate that lets a lookup run only while no sibling `POST` is in flight, and the shared
/// baseline listings.
#[derive(Debug, Default)]
pub struct CreateLedger {
    gate: tokio::sync::RwLock<()>,
    claimed: Mutex<HashSet<(String, String)>>,
    unsettled: Mutex<HashMap<u64, UnsettledCreate>>,
    next_ticket: AtomicU64,
    alike: Mutex<HashMap<(String, String), TurnLock>>,
    gcp_baselines: tokio::sync::Mutex<HashMap<String, GcpBaseline>>,
}

/// The turn that alike creates of an account take around their `POST`.
type TurnLock = Arc<tokio::sync::Mutex<()>>;

/// The `gcp_partner` attachments of an account at a moment before some creates' `POST`s.
#[derive(Debug, Clone)]
struct GcpBaseline {
    taken: Instant,
    names: Arc<HashSet<String>>,
}

impl CreateLedger {
    /// Records that this process created or adopted `name` in `account`; `false` if it already had.
    pub fn claim(&self, account: &str, name: &str) -> bool {
        self.claimed
            .lock()
            .map(|mut c| c.insert((account.to_owned(), name.to_owned())))
            .unwrap_or(false)
    }

    /// Whether this process already created or adopted `name` in `account`.
    pub fn is_claimed(&self, account: &str, name: &str) -> bool {
        self.claimed
            .lock()
            .map(|c| c.contains(&(account.to_owned(), name.to_owned())))
            .unwrap_or(true)
    }

    fn ticket(&self, account: &str, request: &CreateInterconnect) -> Ticket<'_> {
        Ticket {
            ledger: self,
            id: self.next_ticket.fetch_add(1, Ordering::SeqCst),
            account: account.to_owned(),
            signature: Signature::of(request),
        }
    }

    /// The lock that alike creates (same slot; same bandwidth) of `account` take around their `POST`,
    /// and hold while its outcome is unknown: at most one of them is ever unsettled, so two lost answers
    /// can never leave two creates unable to tell their attachments apart.
    fn alike_lock(&self, ticket: &Ticket<'_>) -> TurnLock {
        let key = (ticket.account.clone(), ticket.signature.turn());
        match self.alike.lock() {
            Ok(mut locks) => Arc::clone(locks.entry(key).or_default()),
            Err(_) => Arc::default(),
        }
    }

    /// Where the other unsettled creates that could have made what `ticket`'s create made stand.
    fn rivals(&self, ticket: &Ticket<'_>) -> Vec<Unsettled> {
        let Ok(unsettled) = self.unsettled.lock() else {
            return vec![Unsettled::Abandoned];
        };
        unsettled
            .iter()
            .filter(|(id, other)| {
                **id != ticket.id
                    && other.account == ticket.account
                    && other.signature.overlaps(&ticket.signature)
            })
            .map(|(_, other)| other.state)
            .collect()
    }

    /// Drops `account`'s shared baseline, so that the next create lists again.
    async fn forget_baseline(&self, account: &str) {
        self.gcp_baselines.lock().await.remove(account);
    }

    /// The `gcp_partner` attachments of `account`, listed before this call: the shared listing while
    /// it is younger than [`BASELINE_REUSE_AGE`], else a new one. Creates that ask at the same time wait
    /// for the one listing.
    async fn gcp_names_before(&self, client: &Transport, account: &str) -> Result<GcpBaseline, ApiError> {
        let mut baselines = self.gcp_baselines.lock().await;
        if let Some(shared) = baselines.get(account) {
            if shared.taken.elapsed() < BASELINE_REUSE_AGE {
                return Ok(shared.clone());
            }
        }
        let taken = Instant::now();
        let names: Arc<HashSet<String>> = Arc::new(
            list_of_type(client, account, TYPE_GCP_PARTNER)
                .await?
                .into_iter()
                .map(|ic| ic.name().to_owned())
                .collect(),
        );
        let baseline = GcpBaseline { taken, names };
        baselines.insert(account.to_owned(), baseline.clone());
        Ok(baseline)
    }
}

/// One create's entry in the ledger's unsettled creates: written when its outcome becomes unknown,
/// removed once it knows what it made, left as [`Unsettled::Abandoned`] when it ends without knowing.
struct Ticket<'a> {
    ledger: &'a CreateLedger,
    id: u64,
    account: String,
    signature: Signature,
}

impl Ticket<'_> {
    fn mark(&self, state: Unsettled) {
        if let Ok(mut unsettled) = self.ledger.unsettled.lock() {
            unsettled.insert(
                self.id,
                UnsettledCreate {
                    account: self.account.clone(),
                    signature: self.signature.clone(),
                    state,
                },
            );
        }
    }

    /// The create knows what it made (or that it made nothing): it is no one's rival any more.
    fn settle(&self) {
        if let Ok(mut unsettled) = self.ledger.unsettled.lock() {
            unsettled.remove(&self.id);
        }
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if let Ok(mut unsettled) = self.ledger.unsettled.lock() {
            if let Some(entry) = unsettled.get_mut(&self.id) {
                entry.state = Unsettled::Abandoned;
            }
        }
    }
}

/// An interconnect this call created, and the lost answer it was recovered from, if any.
#[derive(Debug)]
pub struct Created {
    /// The interconnect.
    pub interconnect: Interconnect,
    /// The error of a create whose outcome was unknown, when the interconnect was found afterwards.
    pub recovered_from: Option<ApiError>,
}

/// Why no interconnect is in hand.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// The API refused the create, or it certainly did not happen: nothing was created.
    #[error("{0}")]
    NotCreated(ApiError),
    /// The slot is taken (or does not exist); nothing was sent.
    #[error("slot {slot} is not available: {reason}")]
    SlotUnavailable {
        /// The slot.
        slot: String,
        /// Why.
        reason: String,
    },
    /// The create's outcome is unknown and the lookup could not settle it.
    #[error("{cause}; looking for the interconnect it may have created failed too: {lookup}")]
    Unresolved {
        /// The create's error.
        cause: ApiError,
        /// The lookup's error.
        lookup: ApiError,
    },
    /// The create's outcome stayed unknown through every attempt, and no interconnect it may have made
    /// was found.
    #[error("{cause}; the create's outcome stayed unknown through every attempt and no interconnect it may have made was found, so it was not sent again")]
    Unconfirmed {
        /// The last attempt's error.
        cause: ApiError,
    },
    /// The API accepted the create (2xx, unreadable answer), or refused a retry because an earlier
    /// attempt had made the interconnect; it did not show in a listing before the create timeout.
    #[error("{cause}; {proof}, so the interconnect exists ({what}), but it did not show in the account's listing before the create timeout")]
    MadeButNotFound {
        /// The error of the attempt that made it.
        cause: ApiError,
        /// What proves it was made.
        proof: String,
        /// What identifies it: its slot, or the region and bandwidth of the attachment.
        what: String,
    },
    /// The create's outcome is unknown and several new interconnects could be the one it made, or one
    /// could be but another create of this process (or anyone, in the time since the baseline) could
    /// have made it.
    #[error("{cause}; {} could be the one it made ({}), so none was adopted{}", if candidates.len() == 1 { "a new interconnect" } else { "several new interconnects match it and each" }, candidates.join(", "), why.iter().map(|w| format!("; {w}")).collect::<String>())]
    Ambiguous {
        /// The create's error.
        cause: ApiError,
        /// The names that match.
        candidates: Vec<String>,
        /// Why they cannot be told apart (and how loosely they matched).
        why: Vec<String>,
    },
    /// Reading the situation before the create failed; nothing was sent.
    #[error("{0}")]
    Precheck(ApiError),
}

impl CreateError {
    /// Whether an interconnect may exist because of this create although none is in hand.
    pub fn may_have_created(&self) -> bool {
        matches!(
            self,
            CreateError::Unresolved { .. }
                | CreateError::Unconfirmed { .. }
                | CreateError::MadeButNotFound { .. }
                | CreateError::Ambiguous { .. }
        )
    }
}

/// What existed before the `POST`, to tell afterwards which interconnect the `POST` made.
enum Baseline {
    /// The slot was free, so whatever occupies it afterwards came from this create.
    FreeSlot { slot: String },
    /// These GCP partner interconnects existed already.
    GcpNames(GcpBaseline),
}

/// Interconnects that are new since the baseline and match the request, and how loosely they match.
struct Candidates {
    items: Vec<Interconnect>,
    loose: Vec<String>,
}

/// What a lookup after an unknown outcome found.
enum Found {
    /// The one interconnect this create made, now claimed.
    One(Box<Interconnect>),
    /// Nothing that this create could have made.
    Nothing,
    /// A candidate that an unsettled sibling could have made too: only sending the `POST` again tells
    /// (the API refuses it if an earlier attempt made the interconnect).
    AskTheApi,
    /// This create made something, and a sibling still finding out could have made a candidate: wait
    /// for it.
    WaitForRivals,
    /// Candidates that cannot be told apart, and why.
    Several(Vec<String>, Vec<String>),
}

/// Creates the interconnect `request` describes, sending the `POST` again (at most `attempts` more
/// times) only after making sure an earlier one did not take effect, or when only the API can tell.
/// Every call is bounded by the client's deadline ([`Transport::until`]).
pub async fn create_exactly_once(
    client: &Transport,
    ledger: &CreateLedger,
    account: &str,
    request: &CreateInterconnect,
    attempts: usize,
) -> Result<Created, CreateError> {
    let outcome = create_with_lookups(client, ledger, account, request, attempts).await;
    if let Err(e) = &outcome {
        if e.may_have_created() {
            // What this create may have made is claimed by nobody: later creates of the run must
            // count it as existing, so they list again instead of using the shared baseline.
            ledger.forget_baseline(account).await;
        }
    }
    outcome
}

async fn create_with_lookups(
    client: &Transport,
    ledger: &CreateLedger,
    account: &str,
    request: &CreateInterconnect,
    attempts: usize,
) -> Result<Created, CreateError> {
    let baseline = Baseline::take(client, ledger, account, request).await?;
    let ticket = ledger.ticket(account, request);
    let mut alike = Alike::new(ledger.alike_lock(&ticket));
    let mut lost: Option<ApiError> = None;
    for _ in 0..=attempts {
        let cause = match post_and_claim(client, account, request, &ticket, &mut alike, lost.is_some()).await
        {
            Ok(interconnect) => {
                ticket.settle();
                return Ok(Created {
                    interconnect,
                    recovered_from: lost,
                });
            }
            Err(e) if e.outcome_unknown() => e,
            Err(refused) => match lost {
                None => return Err(CreateError::NotCreated(refused)),
                // Refused now, after an earlier attempt whose outcome was unknown: the refusal (slot
                // occupied, pairing key used) proves that attempt made the interconnect.
                Some(earlier) => {
                    ticket.mark(Unsettled::ProvenMade);
                    let proof = format!(
                        "sending the create again was refused ({}), which proves an earlier attempt made it",
                        refused_briefly(&refused)
                    );
                    return settle_proven(client, account, request, &baseline, &ticket, earlier, proof).await;
                }
            },
        };
        if cause.succeeded_unreadably() {
            ticket.mark(Unsettled::ProvenMade);
            let proof = "the API accepted the create".to_owned();
            return settle_proven(client, account, request, &baseline, &ticket, cause, proof).await;
        }
        tracing::warn!(
            "{cause}: the create may or may not have happened; looking for it before anything else"
        );
        // Deaf to cancellation: what the lookup finds must reach the state.
        match look_once(
            &client.uninterruptible(),
            account,
            request,
            &baseline,
            &ticket,
            false,
        )
        .await
        {
            Ok(Found::One(interconnect)) => {
                return Ok(adopt(
                    &ticket,
                    *interconnect,
                    cause,
                    "created by the lost request",
                ))
            }
            Ok(Found::Nothing) => {
                tracing::warn!("no interconnect was created by the lost request; sending the create again")
            }
            Ok(Found::AskTheApi | Found::WaitForRivals) => tracing::warn!(
                "another create of this run whose outcome is also unknown could have made what was found; \
                 sending the create again, which the API refuses if an earlier attempt made it"
            ),
            Ok(Found::Several(candidates, why)) => {
                return Err(CreateError::Ambiguous {
                    cause,
                    candidates,
                    why,
                })
            }
            Err(lookup) => return Err(CreateError::Unresolved { cause, lookup }),
        }
        lost = Some(cause);
    }
    Err(match lost {
        Some(cause) => CreateError::Unconfirmed { cause },
        None => CreateError::NotCreated(ApiError::Cancelled {
            operation: "create interconnect".into(),
        }),
    })
}

/// The interconnect a lookup found to be this create's: the create is settled, and says what it
/// recovered from.
fn adopt(ticket: &Ticket<'_>, interconnect: Interconnect, cause: ApiError, how: &str) -> Created {
    tracing::warn!("found {}, {how}; adopting it", interconnect.name());
    ticket.settle();
    Created {
        interconnect,
        recovered_from: Some(cause),
    }
}

/// A short form of a refusal, for the proof it gives.
fn refused_briefly(refused: &ApiError) -> String {
    match refused.status() {
        Some(status) => format!("HTTP {status}: {}", refused.messages_text()),
        None => refused.to_string(),
    }
}

/// Sends the `POST` while holding the ledger's gate open for reading, so that no lookup runs while it is
/// in flight; a created name is claimed, or an unknown outcome recorded, before the gate is released.
/// A `POST` that certainly did not reach the API (429, connection refused) is sent again, after the
/// pause it asks for, **outside** the gate: no sibling's lookup waits out a `Retry-After`.
async fn post_and_claim(
    client: &Transport,
    account: &str,
    request: &CreateInterconnect,
    ticket: &Ticket<'_>,
    alike: &mut Alike,
    unsettled: bool,
) -> Result<Interconnect, ApiError> {
    let ledger = ticket.ledger;
    let mut backoff = backon::BackoffBuilder::build(client.retry_policy().backoff());
    loop {
        client.take_budget("create interconnect").await?;
        alike.hold(client).await?;
        let outcome = {
            let _in_flight = ledger.gate.read().await;
            let outcome = client.create_interconnect_once(account, request).await;
            match &outcome {
                Ok(created) => {
                    ledger.claim(account, created.name());
                }
                Err(e) if e.outcome_unknown() => ticket.mark(Unsettled::Unknown),
                Err(_) => {}
            }
            outcome
        };
        let error = match outcome {
            Err(e) if e.certainly_not_processed() => e,
            Err(e) if e.outcome_unknown() => return Err(e),
            other => {
                if !unsettled {
                    alike.release();
                }
                return other;
            }
        };
        if !unsettled {
            // Nothing is unsettled: alike creates may go while this one waits.
            alike.release();
        }
        let Some(backoff_delay) = backoff.next() else {
            return Err(error);
        };
        let delay = error.retry_after().unwrap_or(backoff_delay);
        if let Some(why) = client.too_late_to_retry(&error, delay) {
            return Err(ApiError::OutOfTime {
                operation: "create interconnect".into(),
                reason: format!("{error}; not retried: {why}"),
            });
        }
        tracing::warn!(
            "{error}; retrying in {}",
            humantime::format_duration(round_ms(delay))
        );
        if !client.pause(delay).await {
            return Err(ApiError::Cancelled {
                operation: "create interconnect".into(),
            });
        }
    }
}

/// The alike-creates lock of one create: taken around each `POST`, kept while the create is unsettled.
struct Alike {
    lock: Arc<tokio::sync::Mutex<()>>,
    held: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Alike {
    fn new(lock: Arc<tokio::sync::Mutex<()>>) -> Self {
        Alike { lock, held: None }
    }

    /// Takes the lock unless held, within the client's deadline.
    async fn hold(&mut self, client: &Transport) -> Result<(), ApiError> {
        if self.held.is_some() {
            return Ok(());
        }
        let lock = Arc::clone(&self.lock);
        let guard = match client.deadline() {
            Some(deadline) => tokio::time::timeout_at(deadline, lock.lock_owned())
                .await
                .map_err(|_| ApiError::OutOfTime {
                    operation: "create interconnect".into(),
                    reason:
                        "the create timeout ran out while an alike create of this run settled a lost answer"
                            .into(),
                })?,
            None => lock.lock_owned().await,
        };
        self.held = Some(guard);
        Ok(())
    }

    fn release(&mut self) {
        self.held = None;
    }
}

/// A create that certainly made an interconnect: looks for it until the create timeout (the listing
/// may lag), adopting it once no unsettled sibling could have made it. Never says nothing was made.
async fn settle_proven(
    client: &Transport,
    account: &str,
    request: &CreateInterconnect,
    baseline: &Baseline,
    ticket: &Ticket<'_>,
    cause: ApiError,
    proof: String,
) -> Result<Created, CreateError> {
    let client = client.uninterruptible();
    let client = client.until(Instant::now() + PROVEN_LOOKUP_LIMIT);
    let mut pauses = PollPauses::up_to(Duration::from_secs(4));
    loop {
        match look_once(&client, account, request, baseline, ticket, true).await {
            Ok(Found::One(interconnect)) => {
                return Ok(adopt(
                    ticket,
                    *interconnect,
                    cause,
                    "which an earlier attempt of this create made",
                ))
            }
            Ok(Found::Several(candidates, why)) => {
                return Err(CreateError::Ambiguous {
                    cause,
                    candidates,
                    why,
                })
            }
            Ok(Found::Nothing | Found::AskTheApi | Found::WaitForRivals) => {}
            Err(ApiError::OutOfTime { .. }) => break,
            Err(lookup) => return Err(CreateError::Unresolved { cause, lookup }),
        }
        let pause = pauses.next().unwrap_or(Duration::from_secs(1));
        if client.time_left().is_some_and(|left| pause >= left) {
            break;
        }
        tokio::time::sleep(pause).await;
    }
    Err(CreateError::MadeButNotFound {
        cause,
        proof,
        what: request_description(request),
    })
}

/// What identifies the interconnect a request makes, for an error.
fn request_description(request: &CreateInterconnect) -> String {
    match request {
        CreateInterconnect::Direct { slot_id, .. } => format!("a direct port on slot {slot_id}"),
        CreateInterconnect::GcpPartner {
            bandwidth,
            pairing_key,
            ..
        } => match pairing_key_region(pairing_key.expose()) {
            Some(region) => format!(
                "a {} gcp_partner attachment in {region}, made with this pairing key",
                bandwidth.as_str()
            ),
            None => format!(
                "a {} gcp_partner attachment made with this pairing key",
                bandwidth.as_str()
            ),
        },
    }
}

/// One lookup, with the gate closed: siblings in flight have settled and none starts meanwhile.
/// `proven`: this create certainly made something.
async fn look_once(
    client: &Transport,
    account: &str,
    request: &CreateInterconnect,
    baseline: &Baseline,
    ticket: &Ticket<'_>,
    proven: bool,
) -> Result<Found, ApiError> {
    let ledger = ticket.ledger;
    let out_of_time = || ApiError::OutOfTime {
        operation: "look for the interconnect of a lost create".into(),
        reason: "the create timeout ran out while other creates of this run were still in flight".into(),
    };
    let _settled = match client.deadline() {
        Some(deadline) => tokio::time::timeout_at(deadline, ledger.gate.write())
            .await
            .map_err(|_| out_of_time())?,
        None => ledger.gate.write().await,
    };
    let Candidates { mut items, loose } = baseline.new_matches(client, account, request).await?;
    items.retain(|ic| !ledger.is_claimed(account, ic.name()));
    let names = || items.iter().map(|ic| ic.name().to_owned()).collect::<Vec<_>>();
    let mut why = loose;
    if let Some(age) = baseline.too_old() {
        if items.is_empty() {
            return Ok(Found::Nothing);
        }
        why.push(format!(
            "the listing that tells new attachments from old ones was taken {} before this lookup, more than the {} within which an attachment made outside this run can be told apart",
            humantime::format_duration(Duration::from_secs(age.as_secs())),
            humantime::format_duration(BASELINE_MAX_AGE)
        ));
        return Ok(Found::Several(names(), why));
    }
    let rivals = ledger.rivals(ticket);
    if rivals.is_empty() {
        return Ok(match items.len() {
            0 => Found::Nothing,
            1 => {
                let interconnect = items.remove(0);
                ledger.claim(account, interconnect.name());
                Found::One(Box::new(interconnect))
            }
            _ => Found::Several(names(), why),
        });
    }
    if items.is_empty() {
        return Ok(Found::Nothing);
    }
    if !proven {
        return Ok(Found::AskTheApi);
    }
    if rivals.contains(&Unsettled::Unknown) {
        return Ok(Found::WaitForRivals);
    }
    why.push(format!(
        "{} other create{} of this run whose outcome is unknown could have made {}",
        rivals.len(),
        if rivals.len() == 1 { "" } else { "s" },
        if items.len() == 1 { "it" } else { "them" }
    ));
    Ok(Found::Several(names(), why))
}

impl Baseline {
    async fn take(
        client: &Transport,
        ledger: &CreateLedger,
        account: &str,
        request: &CreateInterconnect,
    ) -> Result<Self, CreateError> {
        match request {
            CreateInterconnect::Direct { slot_id, .. } => {
                let slot = slot_id.to_string();
                match client.get_slot(account, &slot).await {
                    Ok(s) if s.occupied => Err(CreateError::SlotUnavailable {
                        slot,
                        reason: "another interconnect occupies it".into(),
                    }),
                    Ok(_) => Ok(Baseline::FreeSlot { slot }),
                    Err(e) if e.is_not_found() => Err(CreateError::SlotUnavailable {
                        slot,
                        reason: "no such slot (list free ones with the cni_slots data source)".into(),
                    }),
                    Err(e) => Err(CreateError::Precheck(e)),
                }
            }
            CreateInterconnect::GcpPartner { .. } => ledger
                .gcp_names_before(client, account)
                .await
                .map(Baseline::GcpNames)
                .map_err(CreateError::Precheck),
        }
    }

    /// How long ago the baseline was taken, when that is longer than [`BASELINE_MAX_AGE`] (a free
    /// slot is checked right before the create and needs no bound).
    fn too_old(&self) -> Option<Duration> {
        match self {
            Baseline::GcpNames(baseline) => {
                Some(baseline.taken.elapsed()).filter(|age| *age > BASELINE_MAX_AGE)
            }
            Baseline::FreeSlot { .. } => None,
        }
    }

    /// Interconnects that exist now, did not before, and match the request (type included, whatever
    /// the listing's filter did), with a note for each way the match had to be loosened.
    async fn new_matches(
        &self,
        client: &Transport,
        account: &str,
        request: &CreateInterconnect,
    ) -> Result<Candidates, ApiError> {
        match (self, request) {
            (Baseline::FreeSlot { slot }, _) => Ok(Candidates {
                items: list_of_type(client, account, TYPE_DIRECT)
                    .await?
                    .into_iter()
                    .filter(|ic| ic.kind() == TYPE_DIRECT)
                    .filter(|ic| ic.slot_id().is_some_and(|s| s.eq_ignore_ascii_case(slot)))
                    .collect(),
                loose: Vec::new(),
            }),
            (
                Baseline::GcpNames(before),
                CreateInterconnect::GcpPartner {
                    bandwidth,
                    pairing_key,
                    ..
                },
            ) => {
                let region = pairing_key_region(pairing_key.expose());
                let items: Vec<Interconnect> = list_of_type(client, account, TYPE_GCP_PARTNER)
                    .await?
                    .into_iter()
                    .filter(|ic| ic.kind() == TYPE_GCP_PARTNER)
                    .filter(|ic| !before.names.contains(ic.name()))
                    .filter(|ic| {
                        ic.speed()
                            .is_none_or(|s| s.eq_ignore_ascii_case(bandwidth.as_str()))
                    })
                    .filter(|ic| match (region, ic.region()) {
                        (Some(wanted), Some(found)) => wanted.eq_ignore_ascii_case(found),
                        _ => true,
                    })
                    .collect();
                let mut loose = Vec::new();
                if items.iter().any(|ic| ic.speed().is_none()) {
                    loose.push(
                        "the API did not report the bandwidth of some of them, so any bandwidth matched"
                            .to_owned(),
                    );
                }
                if region.is_none() {
                    loose.push("the pairing key has no readable region, so any region matched".to_owned());
                }
                Ok(Candidates { items, loose })
            }
            (Baseline::GcpNames(_), CreateInterconnect::Direct { .. }) => Ok(Candidates {
                items: Vec::new(),
                loose: Vec::new(),
            }),
        }
    }
}

async fn list_of_type(client: &Transport, account: &str, kind: &str) -> Result<Vec<Interconnect>, ApiError> {
    let filter = InterconnectFilter {
        site: None,
        kind: Some(kind.to_owned()),
    };
    client.all_interconnects(account, &filter).await
}

/// The region of a GCP pairing key `<uuid>/<region>/<domain>`.
pub fn pairing_key_region(key: &str) -> Option<&str> {
    let mut parts = key.split('/');
    let (_, region, _) = (parts.next()?, parts.next()?, parts.next()?);
    (parts.next().is_none() && !region.is_empty()).then_some(region)
}

#[cfg(test)]
mod tests {
    use super::pairing_key_region;

    #[test]
    fn reads_the_region_of_a_pairing_key() {
        assert_eq!(
            pairing_key_region("7e51371e-72a3-40b5-b844-2e3efefaee59/us-central1/1"),
            Some("us-central1")
        );
        assert_eq!(pairing_key_region("opaque"), None);
        assert_eq!(pairing_key_region("a//1"), None);
        assert_eq!(pairing_key_region("a/b/c/d"), None);
    }
}
