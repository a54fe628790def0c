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

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::error::ApiError;
use super::models::{CreateInterconnect, Interconnect};
use super::transport::{round_ms, Transport};
use super::wait::PollPauses;

mod baseline;
mod ledger;
mod outcome;

use baseline::*;
use ledger::*;
pub use ledger::{pairing_key_region, CreateLedger, BASELINE_MAX_AGE};
pub use outcome::{CreateError, Created};

/// How long a lookup may go on for a create that certainly happened (2xx with an unreadable answer,
/// or a retry refused because an earlier attempt made it) when the handle has no deadline of its own.
const PROVEN_LOOKUP_LIMIT: Duration = Duration::from_secs(300);

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
