//! Creating an interconnect exactly once, even when the create's answer is lost.
//!
//! A `POST` whose outcome is unknown (connection dropped, timeout, 5xx, unreadable answer) is never
//! simply sent again: the interconnect it may have made is looked up first, by what identifies it —
//! its slot for a `direct` port (checked to be free before the `POST`), and for a `gcp_partner`
//! attachment the region (from the pairing key) and bandwidth of interconnects that did not exist before
//! the `POST`. Only when nothing is found is the `POST` sent again.

use std::collections::HashSet;

use super::client::Client;
use super::error::ApiError;
use super::models::{CreateInterconnect, Interconnect, InterconnectFilter, TYPE_DIRECT, TYPE_GCP_PARTNER};

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

/// What existed before the `POST`, to tell afterwards which interconnect the `POST` made.
enum Baseline {
    /// The slot was free, so whatever occupies it afterwards came from this create.
    FreeSlot { slot: String },
    /// These GCP partner interconnects existed already.
    GcpNames(HashSet<String>),
}

/// Creates the interconnect `request` describes, sending the `POST` again (at most `attempts` more
/// times) only after making sure an earlier one did not take effect. `claimed` tells names that this
/// process already owns, which are never adopted twice.
pub async fn create_exactly_once(
    client: &Client,
    account: &str,
    request: &CreateInterconnect,
    attempts: usize,
    claimed: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Created, CreateError> {
    let baseline = Baseline::take(client, account, request).await?;
    let mut lost: Option<ApiError> = None;
    for _ in 0..=attempts {
        let cause = match client.create_interconnect(account, request).await {
            Ok(interconnect) => {
                return Ok(Created {
                    interconnect,
                    recovered_from: lost,
                })
            }
            Err(e) if e.outcome_unknown() => e,
            Err(e) => return Err(CreateError::NotCreated(e)),
        };
        tracing::warn!(
            "{cause}: the create may or may not have happened; looking for it before anything else"
        );
        let mut candidates = match baseline.new_matches(client, account, request).await {
            Ok(found) => found,
            Err(lookup) => return Err(CreateError::Unresolved { cause, lookup }),
        };
        candidates.retain(|ic| !claimed(ic.name()));
        match candidates.len() {
            0 => {
                tracing::warn!("no interconnect was created by the lost request; sending the create again");
                lost = Some(cause);
            }
            1 => {
                let interconnect = candidates.remove(0);
                tracing::warn!(
                    "found {} created by the lost request; adopting it",
                    interconnect.name()
                );
                return Ok(Created {
                    interconnect,
                    recovered_from: Some(cause),
                });
            }
            _ => {
                return Err(CreateError::Ambiguous {
                    cause,
                    candidates: candidates.iter().map(|ic| ic.name().to_owned()).collect(),
                })
            }
        }
    }
    Err(CreateError::NotCreated(lost.unwrap_or(ApiError::Cancelled {
        operation: "create interconnect".into(),
    })))
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
            CreateInterconnect::GcpPartner { .. } => {
                let names = list_of_type(client, account, TYPE_GCP_PARTNER)
                    .await
                    .map_err(CreateError::Precheck)?
                    .into_iter()
                    .map(|ic| ic.name().to_owned())
                    .collect();
                Ok(Baseline::GcpNames(names))
            }
        }
    }

    /// Interconnects that exist now, did not before, and match the request.
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
                    .filter(|ic| !before.contains(ic.name()))
                    .filter(|ic| ic.speed().is_none_or(|s| s == bandwidth.as_str()))
                    .filter(|ic| match (region, ic.region()) {
                        (Some(wanted), Some(found)) => wanted == found,
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
