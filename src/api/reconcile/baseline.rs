//! What existed before the `POST`, and the lookup that tells afterwards what the `POST` made.

use std::time::Duration;

use super::ledger::*;
use super::outcome::CreateError;
use crate::api::error::ApiError;
use crate::api::models::{CreateInterconnect, Interconnect, TYPE_DIRECT, TYPE_GCP_PARTNER};
use crate::api::transport::Transport;

/// What existed before the `POST`, to tell afterwards which interconnect the `POST` made.
pub(super) enum Baseline {
    /// The slot was free, so whatever occupies it afterwards came from this create.
    FreeSlot { slot: String },
    /// These GCP partner interconnects existed already.
    GcpNames(GcpBaseline),
}

/// Interconnects that are new since the baseline and match the request, and how loosely they match.
pub(super) struct Candidates {
    pub(super) items: Vec<Interconnect>,
    pub(super) loose: Vec<String>,
}

/// What a lookup after an unknown outcome found.
pub(super) enum Found {
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

/// One lookup, with the gate closed: siblings in flight have settled and none starts meanwhile.
/// `proven`: this create certainly made something.
pub(super) async fn look_once(
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
    pub(super) async fn take(
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
    pub(super) fn too_old(&self) -> Option<Duration> {
        match self {
            Baseline::GcpNames(baseline) => {
                Some(baseline.taken.elapsed()).filter(|age| *age > BASELINE_MAX_AGE)
            }
            Baseline::FreeSlot { .. } => None,
        }
    }

    /// Interconnects that exist now, did not before, and match the request (type included, whatever
    /// the listing's filter did), with a note for each way the match had to be loosened.
    pub(super) async fn new_matches(
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
