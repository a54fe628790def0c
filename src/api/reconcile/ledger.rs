//! The ledger of a client's creates: claimed names, creates whose outcome is unknown, the gate
//! lookups wait behind, the turn alike creates take, and the shared baseline of GCP names.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use crate::api::error::ApiError;
use crate::api::models::{Bandwidth, CreateInterconnect, Interconnect, InterconnectFilter, TYPE_GCP_PARTNER};
use crate::api::transport::Transport;

/// How old a shared baseline may be when a create starts and still serve it: half the window, so
/// that the `POST` and its lookup have the other half.
pub(super) const BASELINE_REUSE_AGE: Duration = Duration::from_secs(30);

/// How long after the baseline listing a lookup may still tell "new" attachments from old ones: an
/// attachment made outside this process between the listing and the lookup counts as new, so the
/// window is bounded, measured at the lookup (requests queued behind the budget do not stretch it).
pub const BASELINE_MAX_AGE: Duration = Duration::from_secs(60);

/// What a create whose outcome is unknown could have made: the slot it asked for, or the region and
/// bandwidth of the attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Signature {
    Slot(String),
    Gcp {
        region: Option<String>,
        bandwidth: Bandwidth,
    },
}

impl Signature {
    pub(super) fn of(request: &CreateInterconnect) -> Self {
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
                bandwidth: *bandwidth,
            },
        }
    }

    /// The turn alike creates share: the slot, or the bandwidth (coarser than [`Signature::overlaps`],
    /// since a key without a readable region overlaps every region).
    pub(super) fn turn(&self) -> String {
        match self {
            Signature::Slot(slot) => format!("slot {slot}"),
            Signature::Gcp { bandwidth, .. } => format!("gcp {bandwidth}"),
        }
    }

    /// Whether one object could be what either create made.
    pub(super) fn overlaps(&self, other: &Signature) -> bool {
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
pub(super) enum Unsettled {
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
pub(super) struct UnsettledCreate {
    pub(super) account: String,
    pub(super) signature: Signature,
    pub(super) state: Unsettled,
}

/// This process's creates: the names they made or adopted (per account), the creates whose outcome is
/// unknown, a gate that lets a lookup run only while no sibling `POST` is in flight, and the shared
/// baseline listings.
#[derive(Debug, Default)]
pub struct CreateLedger {
    pub(super) gate: tokio::sync::RwLock<()>,
    claimed: Mutex<HashSet<(String, String)>>,
    unsettled: Mutex<HashMap<u64, UnsettledCreate>>,
    next_ticket: AtomicU64,
    alike: Mutex<HashMap<(String, String), TurnLock>>,
    gcp_baselines: tokio::sync::Mutex<HashMap<String, GcpBaseline>>,
}

/// The turn that alike creates of an account take around their `POST`.
pub(super) type TurnLock = Arc<tokio::sync::Mutex<()>>;

/// The `gcp_partner` attachments of an account at a moment before some creates' `POST`s.
#[derive(Debug, Clone)]
pub(super) struct GcpBaseline {
    pub(super) taken: Instant,
    pub(super) names: Arc<HashSet<String>>,
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

    pub(super) fn ticket(&self, account: &str, request: &CreateInterconnect) -> Ticket<'_> {
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
    pub(super) fn alike_lock(&self, ticket: &Ticket<'_>) -> TurnLock {
        let key = (ticket.account.clone(), ticket.signature.turn());
        match self.alike.lock() {
            Ok(mut locks) => Arc::clone(locks.entry(key).or_default()),
            Err(_) => Arc::default(),
        }
    }

    /// Where the other unsettled creates that could have made what `ticket`'s create made stand.
    pub(super) fn rivals(&self, ticket: &Ticket<'_>) -> Vec<Unsettled> {
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
    pub(super) async fn forget_baseline(&self, account: &str) {
        self.gcp_baselines.lock().await.remove(account);
    }

    /// The `gcp_partner` attachments of `account`, listed before this call: the shared listing while
    /// it is younger than [`BASELINE_REUSE_AGE`], else a new one. Creates that ask at the same time wait
    /// for the one listing.
    pub(super) async fn gcp_names_before(
        &self,
        client: &Transport,
        account: &str,
    ) -> Result<GcpBaseline, ApiError> {
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
pub(super) struct Ticket<'a> {
    pub(super) ledger: &'a CreateLedger,
    pub(super) id: u64,
    pub(super) account: String,
    pub(super) signature: Signature,
}

impl Ticket<'_> {
    pub(super) fn mark(&self, state: Unsettled) {
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
    pub(super) fn settle(&self) {
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

pub(super) async fn list_of_type(
    client: &Transport,
    account: &str,
    kind: &str,
) -> Result<Vec<Interconnect>, ApiError> {
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
