//! Creating an interconnect exactly once, even when the create's answer is lost.
//!
//! A `POST` whose outcome is unknown (connection dropped, timeout, 5xx) is never simply sent again: the
//! interconnect it may have made is looked up first, by what identifies it — its slot for a `direct`
//! port (checked to be free before the `POST`), and for a `gcp_partner` attachment the region (from the
//! pairing key) and bandwidth of interconnects that did not exist before the `POST`. A 2xx answer that
//! could not be read means the create **happened**: it is looked up and never sent again.
//!
//! Creates of one process can run side by side (a redundant pair differs only in its pairing key). The
//! [`CreateLedger`] makes sure a lookup never adopts a sibling's interconnect: it waits until every
//! sibling `POST` in flight has settled, and skips every name a sibling created or adopted.
//!
//! The `gcp_partner` creates of one client (one command) share the listing taken before their `POST`s
//! — 200 creates, one listing — as long as it is younger than [`BASELINE_MAX_AGE`]. Sharing changes
//! nothing for siblings (their names are claimed, wherever the baseline was taken); an attachment made
//! *outside* this process between the shared listing and a `POST` counts as new, as one made between
//! a `POST` and its lookup always did: adopted only when it is the one candidate, listed in the error
//! otherwise. The age bound keeps that window to a minute at most. A create that ends without knowing
//! what it made drops the shared baseline, so that whatever it may have made counts as existing for
//! the creates after it, as it did before the baseline was shared.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::error::ApiError;
use super::models::{CreateInterconnect, Interconnect, InterconnectFilter, TYPE_DIRECT, TYPE_GCP_PARTNER};
use super::transport::Client;
use super::wait::PollPauses;

/// How many times a create that certainly happened (2xx, unreadable answer) is looked for before giving
/// up, the listing being allowed to lag behind the create.
const LOOKUPS_AFTER_SUCCESS: usize = 5;

/// How long the listing of an account's `gcp_partner` attachments serves as the baseline of further
/// creates before one lists again.
pub const BASELINE_MAX_AGE: Duration = Duration::from_secs(60);

/// This process's creates: the names they made or adopted, a gate that lets a lookup run only while
/// no sibling `POST` is in flight, and the shared baseline listings.
#[derive(Debug, Default)]
pub struct CreateLedger {
    gate: tokio::sync::RwLock<()>,
    claimed: Mutex<HashSet<String>>,
    gcp_baselines: tokio::sync::Mutex<HashMap<String, GcpBaseline>>,
}

/// The `gcp_partner` attachments of an account at a moment before some creates' `POST`s.
#[derive(Debug, Clone)]
struct GcpBaseline {
    taken: Instant,
    names: Arc<HashSet<String>>,
}

impl CreateLedger {
    /// Records that this process created or adopted `name`; `false` if it already had.
    pub fn claim(&self, name: &str) -> bool {
        self.claimed
            .lock()
            .map(|mut c| c.insert(name.to_owned()))
            .unwrap_or(false)
    }

    /// Whether this process already created or adopted `name`.
    pub fn is_claimed(&self, name: &str) -> bool {
        self.claimed.lock().map(|c| c.contains(name)).unwrap_or(true)
    }

    /// Drops `account`'s shared baseline, so that the next create lists again.
    async fn forget_baseline(&self, account: &str) {
        self.gcp_baselines.lock().await.remove(account);
    }

    /// The names of `account`'s `gcp_partner` attachments, listed before this call: the shared
    /// listing while it is younger than [`BASELINE_MAX_AGE`], else a new one. Creates that ask at the
    /// same time wait for the one listing.
    async fn gcp_names_before(
        &self,
        client: &Client,
        account: &str,
    ) -> Result<Arc<HashSet<String>>, ApiError> {
        let mut baselines = self.gcp_baselines.lock().await;
        if let Some(shared) = baselines.get(account) {
            if shared.taken.elapsed() < BASELINE_MAX_AGE {
                return Ok(Arc::clone(&shared.names));
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
        let baseline = GcpBaseline {
            taken,
            names: Arc::clone(&names),
        };
        baselines.insert(account.to_owned(), baseline);
        Ok(names)
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
    /// The API accepted the create (2xx) but its answer was unreadable, and no new interconnect could be
    /// told apart as the one it made. The create is not sent again.
    #[error("{cause}; the API accepted the create, but the interconnect it made was not found, so the create was not sent again")]
    AcceptedButNotFound {
        /// The unreadable answer.
        cause: ApiError,
    },
    /// The create's outcome is unknown and several new interconnects could be the one it made.
    #[error("{cause}; several new interconnects match it ({}), so none was adopted", candidates.join(", "))]
    Ambiguous {
        /// The create's error.
        cause: ApiError,
        /// The names that match.
        candidates: Vec<String>,
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
                | CreateError::AcceptedButNotFound { .. }
                | CreateError::Ambiguous { .. }
        )
    }
}

/// What existed before the `POST`, to tell afterwards which interconnect the `POST` made.
enum Baseline {
    /// The slot was free, so whatever occupies it afterwards came from this create.
    FreeSlot { slot: String },
    /// These GCP partner interconnects existed already.
    GcpNames(Arc<HashSet<String>>),
}

/// What a lookup after an ambiguous create found.
enum Found {
    One(Box<Interconnect>),
    Nothing,
    Several(Vec<String>),
}

/// Creates the interconnect `request` describes, sending the `POST` again (at most `attempts` more
/// times) only after making sure an earlier one did not take effect. Every call is bounded by the
/// client's deadline ([`Client::until`]).
pub async fn create_exactly_once(
    client: &Client,
    account: &str,
    request: &CreateInterconnect,
    attempts: usize,
) -> Result<Created, CreateError> {
    let outcome = create_with_lookups(client, account, request, attempts).await;
    if let Err(e) = &outcome {
        if e.may_have_created() {
            // What this create may have made is claimed by nobody: later creates of the run must
            // count it as existing, so they list again instead of using the shared baseline.
            client.creates().forget_baseline(account).await;
        }
    }
    outcome
}

async fn create_with_lookups(
    client: &Client,
    account: &str,
    request: &CreateInterconnect,
    attempts: usize,
) -> Result<Created, CreateError> {
    let baseline = Baseline::take(client, account, request).await?;
    let mut lost: Option<ApiError> = None;
    for _ in 0..=attempts {
        let cause = match post_and_claim(client, account, request).await {
            Ok(interconnect) => {
                return Ok(Created {
                    interconnect,
                    recovered_from: lost,
                })
            }
            Err(e) if e.outcome_unknown() => e,
            // Refused now, after an earlier attempt whose outcome was unknown: the refusal (slot
            // occupied, pairing key used) may come from that attempt having taken effect.
            Err(refused) => return settle_refusal(client, account, request, &baseline, lost, refused).await,
        };
        tracing::warn!(
            "{cause}: the create may or may not have happened; looking for it before anything else"
        );
        match look_for_it(client, account, request, &baseline, &cause).await {
            Ok(Found::One(interconnect)) => {
                tracing::warn!(
                    "found {} created by the lost request; adopting it",
                    interconnect.name()
                );
                return Ok(Created {
                    interconnect: *interconnect,
                    recovered_from: Some(cause),
                });
            }
            Ok(Found::Nothing) if cause.succeeded_unreadably() => {
                return Err(CreateError::AcceptedButNotFound { cause })
            }
            Ok(Found::Nothing) => {
                tracing::warn!("no interconnect was created by the lost request; sending the create again");
                lost = Some(cause);
            }
            Ok(Found::Several(candidates)) => return Err(CreateError::Ambiguous { cause, candidates }),
            Err(lookup) => return Err(CreateError::Unresolved { cause, lookup }),
        }
    }
    Err(CreateError::NotCreated(lost.unwrap_or(ApiError::Cancelled {
        operation: "create interconnect".into(),
    })))
}

/// Sends the `POST` while holding the ledger's gate open for reading, so that no lookup runs while it is
/// in flight; a created name is claimed before the gate is released.
async fn post_and_claim(
    client: &Client,
    account: &str,
    request: &CreateInterconnect,
) -> Result<Interconnect, ApiError> {
    let ledger = client.creates();
    let _in_flight = ledger.gate.read().await;
    let created = client.create_interconnect(account, request).await?;
    ledger.claim(created.name());
    Ok(created)
}

/// A refused create after an earlier ambiguous one: adopts what that earlier one made, if it is found;
/// otherwise the refusal stands.
async fn settle_refusal(
    client: &Client,
    account: &str,
    request: &CreateInterconnect,
    baseline: &Baseline,
    lost: Option<ApiError>,
    refused: ApiError,
) -> Result<Created, CreateError> {
    let Some(earlier) = lost else {
        return Err(CreateError::NotCreated(refused));
    };
    match look_for_it(client, account, request, baseline, &earlier).await {
        Ok(Found::One(interconnect)) => {
            tracing::warn!(
                "the create was refused ({refused}), because an earlier attempt had made {}; adopting it",
                interconnect.name()
            );
            Ok(Created {
                interconnect: *interconnect,
                recovered_from: Some(earlier),
            })
        }
        Ok(Found::Nothing) => Err(CreateError::NotCreated(refused)),
        Ok(Found::Several(candidates)) => Err(CreateError::Ambiguous {
            cause: earlier,
            candidates,
        }),
        Err(lookup) => Err(CreateError::Unresolved {
            cause: earlier,
            lookup,
        }),
    }
}

/// Looks for the interconnect an ambiguous create may have made, once every sibling `POST` in flight
/// has settled. The lookup is not interrupted by a cancellation (what it finds must reach the state),
/// only by the client's deadline. A create that certainly happened is looked for a few times, in case
/// the listing lags behind it.
async fn look_for_it(
    client: &Client,
    account: &str,
    request: &CreateInterconnect,
    baseline: &Baseline,
    cause: &ApiError,
) -> Result<Found, ApiError> {
    let client = client.uninterruptible();
    let tries = if cause.succeeded_unreadably() {
        LOOKUPS_AFTER_SUCCESS
    } else {
        1
    };
    let mut pauses = PollPauses::up_to(Duration::from_secs(4));
    for attempt in 1..=tries {
        let found = look_once(&client, account, request, baseline).await?;
        if !matches!(found, Found::Nothing) || attempt == tries {
            return Ok(found);
        }
        let pause = pauses.next().unwrap_or(Duration::from_secs(1));
        match client.deadline() {
            Some(deadline) if tokio::time::Instant::now() + pause >= deadline => return Ok(found),
            _ => tokio::time::sleep(pause).await,
        }
    }
    Ok(Found::Nothing)
}

/// One lookup, with the gate closed: siblings in flight have settled and none starts meanwhile.
async fn look_once(
    client: &Client,
    account: &str,
    request: &CreateInterconnect,
    baseline: &Baseline,
) -> Result<Found, ApiError> {
    let ledger = client.creates();
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
    let mut candidates = baseline.new_matches(client, account, request).await?;
    candidates.retain(|ic| !ledger.is_claimed(ic.name()));
    Ok(match candidates.len() {
        0 => Found::Nothing,
        1 => {
            let interconnect = candidates.remove(0);
            ledger.claim(interconnect.name());
            Found::One(Box::new(interconnect))
        }
        _ => Found::Several(candidates.iter().map(|ic| ic.name().to_owned()).collect()),
    })
}

impl Baseline {
    async fn take(client: &Client, account: &str, request: &CreateInterconnect) -> Result<Self, CreateError> {
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
            CreateInterconnect::GcpPartner { .. } => client
                .creates()
                .gcp_names_before(client, account)
                .await
                .map(Baseline::GcpNames)
                .map_err(CreateError::Precheck),
        }
    }

    /// Interconnects that exist now, did not before, and match the request (type included, whatever
    /// the listing's filter did).
    async fn new_matches(
        &self,
        client: &Client,
        account: &str,
        request: &CreateInterconnect,
    ) -> Result<Vec<Interconnect>, ApiError> {
        match (self, request) {
            (Baseline::FreeSlot { slot }, _) => Ok(list_of_type(client, account, TYPE_DIRECT)
                .await?
                .into_iter()
                .filter(|ic| ic.kind() == TYPE_DIRECT)
                .filter(|ic| ic.slot_id().is_some_and(|s| s.eq_ignore_ascii_case(slot)))
                .collect()),
            (
                Baseline::GcpNames(before),
                CreateInterconnect::GcpPartner {
                    bandwidth,
                    pairing_key,
                    ..
                },
            ) => {
                let region = pairing_key_region(pairing_key.expose());
                Ok(list_of_type(client, account, TYPE_GCP_PARTNER)
                    .await?
                    .into_iter()
                    .filter(|ic| ic.kind() == TYPE_GCP_PARTNER)
                    .filter(|ic| !before.contains(ic.name()))
                    .filter(|ic| {
                        ic.speed()
                            .is_none_or(|s| s.eq_ignore_ascii_case(bandwidth.as_str()))
                    })
                    .filter(|ic| match (region, ic.region()) {
                        (Some(wanted), Some(found)) => wanted.eq_ignore_ascii_case(found),
                        _ => true,
                    })
                    .collect())
            }
            (Baseline::GcpNames(_), CreateInterconnect::Direct { .. }) => Ok(Vec::new()),
        }
    }
}

async fn list_of_type(client: &Client, account: &str, kind: &str) -> Result<Vec<Interconnect>, ApiError> {
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
