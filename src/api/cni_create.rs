//! Creating a CNI exactly once, even when the `POST`'s answer is lost.
//!
//! A conduit name is unique in the account (the API refuses a second with 409 "Name Conflict"), so a
//! `POST` sent again can never make a second CNI: at worst it is refused. What must not happen is
//! adopting a CNI this create did not make. So before its `POST` a create knows which CNIs existed (a
//! listing of the account, shared by the creates of one client while younger than
//! [`BASELINE_MAX_AGE`]; none is needed on an interconnect this client has just created, which had no
//! CNI before: the common case of a port and its connections applied together costs no listing).
//!
//! After an unknown outcome the account is listed (deaf to cancellation: what it finds must reach the
//! state) and judged by the conduit name:
//! - on that interconnect, not in the baseline and not claimed by another create of this client: the
//!   `POST` made it, and it is adopted;
//! - held by any other CNI (one from before, a sibling's, one on another interconnect): the `POST`
//!   cannot have made one (the name is unique), and the error names the holder;
//! - nowhere: the `POST` is sent again. Refused then as a name conflict, the refusal proves an earlier
//!   attempt made it, and the listing (which may lag) is asked again with backoff until the create
//!   timeout; the error at its end says the connection exists and how to import it.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::cni::{Cni, CniFilter, CreateCni};
use super::error::ApiError;
use super::transport::Transport;
use super::wait::PollPauses;

/// How long a listing of the account's CNIs serves as the baseline of later creates.
pub const BASELINE_MAX_AGE: Duration = Duration::from_secs(30);

/// How long a create proven made looks for what it made when its handle has no deadline of its own.
const PROVEN_LOOKUP_LIMIT: Duration = Duration::from_secs(300);

/// The longest pause between two lookups of a create proven made.
const LONGEST_LOOKUP_PAUSE: Duration = Duration::from_secs(4);

/// Why a CNI create has no CNI in hand.
#[derive(Debug, thiserror::Error)]
pub enum CniCreateError {
    /// The API refused the create, or it certainly did not happen: nothing was created.
    #[error("{0}")]
    NotCreated(ApiError),
    /// Listing the account's CNIs before the `POST` failed: nothing was sent.
    #[error("listing the account's connections before the create failed, so nothing was sent: {0}")]
    Precheck(ApiError),
    /// The conduit name is held by a CNI this create did not make, so it made none.
    #[error("{cause}; the conduit name {conduit:?} is held by connection {id} on interconnect {interconnect:?}, which {origin}, so it was not adopted and this create made no connection")]
    NameTaken {
        /// What the create last met.
        cause: ApiError,
        /// The conduit name.
        conduit: String,
        /// The CNI that holds it.
        id: String,
        /// The interconnect it is on.
        interconnect: String,
        /// Where it comes from.
        origin: &'static str,
    },
    /// The create's outcome is unknown and listing the account to settle it failed.
    #[error("{cause}; looking for the connection it may have created failed too: {lookup}")]
    Unresolved {
        /// The create's error.
        cause: ApiError,
        /// The listing's error.
        lookup: ApiError,
    },
    /// The create's outcome stayed unknown through every attempt and nothing it may have made was found.
    #[error("{cause}; the create's outcome stayed unknown through every attempt and no connection it may have made was listed")]
    Unconfirmed {
        /// The last attempt's error.
        cause: ApiError,
    },
    /// An earlier attempt certainly made it (a retry refused as a name conflict, or a 2xx whose answer
    /// could not be read), but the account's listing did not show it before the create timeout.
    #[error("{cause}; {proof}, so the connection exists (conduit {conduit:?} on interconnect {interconnect:?}), but it did not show in the account's listing before the create timeout")]
    MadeButNotFound {
        /// The error of the attempt that made it.
        cause: ApiError,
        /// What proves it was made.
        proof: String,
        /// Its conduit name.
        conduit: String,
        /// Its interconnect.
        interconnect: String,
    },
}

impl CniCreateError {
    /// Whether a CNI may exist because of this create although none is in hand.
    pub fn may_have_created(&self) -> bool {
        matches!(
            self,
            CniCreateError::Unresolved { .. }
                | CniCreateError::Unconfirmed { .. }
                | CniCreateError::MadeButNotFound { .. }
        )
    }
}

/// The baselines and claims of one client's CNI creates.
#[derive(Debug, Default)]
pub(super) struct CniCreates {
    baselines: tokio::sync::Mutex<std::collections::HashMap<String, Baseline>>,
    claimed: Mutex<HashSet<String>>,
}

/// The ids of the CNIs an account had at a moment.
#[derive(Debug, Clone)]
struct Baseline {
    taken: Instant,
    ids: Arc<HashSet<String>>,
}

/// What a lookup after an unknown outcome found.
enum Found {
    /// What this create made.
    Made(Box<Cni>),
    /// The conduit name is held by a CNI this create did not make.
    Taken {
        id: String,
        interconnect: String,
        origin: &'static str,
    },
    /// Nothing with the conduit name.
    Nothing,
}

/// What a lookup decided of a create.
enum Decision {
    /// The create is settled: the CNI it made, or why it made none.
    Settled(Result<Cni, CniCreateError>),
    /// Nothing found: still open, with the last attempt's error.
    Open(ApiError),
}

impl CniCreates {
    /// The ids the account's CNIs had shortly before now: a listing younger than
    /// [`BASELINE_MAX_AGE`], or a new one.
    async fn baseline(&self, transport: &Transport, account: &str) -> Result<Arc<HashSet<String>>, ApiError> {
        let mut baselines = self.baselines.lock().await;
        if let Some(baseline) = baselines.get(account) {
            if baseline.taken.elapsed() < BASELINE_MAX_AGE {
                return Ok(Arc::clone(&baseline.ids));
            }
        }
        let taken = Instant::now();
        let listed = transport.all_cnis(account, &CniFilter::default()).await?;
        let ids = Arc::new(listed.into_iter().map(|cni| cni.id).collect::<HashSet<_>>());
        baselines.insert(
            account.to_owned(),
            Baseline {
                taken,
                ids: Arc::clone(&ids),
            },
        );
        Ok(ids)
    }

    fn claim(&self, cni: Cni) -> Cni {
        if let Ok(mut claimed) = self.claimed.lock() {
            claimed.insert(cni.id.clone());
        }
        cni
    }

    fn is_claimed(&self, id: &str) -> bool {
        self.claimed.lock().is_ok_and(|claimed| claimed.contains(id))
    }

    /// Lists the account (deaf to cancellation) and judges what holds the conduit name.
    async fn look_up(
        &self,
        transport: &Transport,
        account: &str,
        body: &CreateCni,
        baseline: &HashSet<String>,
    ) -> Result<Found, ApiError> {
        let listed = transport
            .uninterruptible()
            .all_cnis(account, &CniFilter::default())
            .await?;
        Ok(self.judge(listed, body, baseline))
    }

    /// What the listing `listed` says of the create `body`: the one CNI it made, the CNI that holds its
    /// conduit name instead, or nothing.
    fn judge(&self, listed: Vec<Cni>, body: &CreateCni, baseline: &HashSet<String>) -> Found {
        let mut holders = listed
            .into_iter()
            .filter(|cni| cni.magic.conduit_name == body.magic.conduit_name);
        let Some(holder) = holders.next() else {
            return Found::Nothing;
        };
        let origin = if baseline.contains(&holder.id) {
            "existed before this create"
        } else if self.is_claimed(&holder.id) {
            "another resource of this run created"
        } else if holder.interconnect != body.interconnect {
            "is on another interconnect"
        } else {
            return Found::Made(Box::new(holder));
        };
        Found::Taken {
            id: holder.id,
            interconnect: holder.interconnect,
            origin,
        }
    }

    /// `POST /cni/cnis` until its outcome is known, at most `attempts` times; the CNI it made, never
    /// another. `new_interconnect`: the interconnect was created by this client, so it had no CNI.
    pub(super) async fn create(
        &self,
        transport: &Transport,
        account: &str,
        body: &CreateCni,
        attempts: usize,
        new_interconnect: bool,
    ) -> Result<Cni, CniCreateError> {
        let baseline = match new_interconnect {
            true => Arc::default(),
            false => self
                .baseline(transport, account)
                .await
                .map_err(CniCreateError::Precheck)?,
        };
        let mut lost: Option<ApiError> = None;
        for _ in 0..attempts.max(1) {
            let cause = match transport.create_cni(account, body).await {
                Ok(cni) => return Ok(self.claim(cni)),
                Err(e) if e.succeeded_unreadably() => {
                    let proof = "the API accepted the create".to_owned();
                    return self
                        .settle_proven(transport, account, body, &baseline, e, proof)
                        .await;
                }
                Err(e) if e.outcome_unknown() => e,
                Err(refused) => {
                    return self
                        .refused(transport, account, body, &baseline, (lost, refused))
                        .await
                }
            };
            tracing::warn!(
                "the create of conduit {:?} has an unknown outcome ({cause}); looking for it",
                body.magic.conduit_name
            );
            let cause = match self.look_up(transport, account, body, &baseline).await {
                Ok(found) => match self.decide(found, cause, body, "made by the lost request") {
                    Decision::Settled(outcome) => return outcome,
                    Decision::Open(cause) => cause,
                },
                Err(lookup) => return Err(CniCreateError::Unresolved { cause, lookup }),
            };
            tracing::warn!("no connection was made by the lost request; sending the create again");
            lost = Some(cause);
        }
        Err(match lost {
            Some(cause) => CniCreateError::Unconfirmed { cause },
            None => CniCreateError::NotCreated(ApiError::Cancelled {
                operation: "create CNI".into(),
            }),
        })
    }

    /// What a lookup decides for the create `body` whose last attempt ended in `cause`: the CNI it made
    /// (adopted; `how` says how it came to be), or the CNI that holds its conduit name instead (an
    /// error); still open, with `cause`, when the lookup found nothing.
    fn decide(&self, found: Found, cause: ApiError, body: &CreateCni, how: &str) -> Decision {
        match found {
            Found::Made(cni) => {
                tracing::warn!("found connection {}, {how}; adopting it", cni.id);
                Decision::Settled(Ok(self.claim(*cni)))
            }
            Found::Taken {
                id,
                interconnect,
                origin,
            } => Decision::Settled(Err(CniCreateError::NameTaken {
                cause,
                conduit: body.magic.conduit_name.clone(),
                id,
                interconnect,
                origin,
            })),
            Found::Nothing => Decision::Open(cause),
        }
    }

    /// A `POST` refused: nothing was made, unless an earlier attempt's outcome was unknown. Then a name
    /// conflict proves that attempt made it (it is looked for); any other refusal leaves it unknown.
    async fn refused(
        &self,
        transport: &Transport,
        account: &str,
        body: &CreateCni,
        baseline: &HashSet<String>,
        (lost, refused): (Option<ApiError>, ApiError),
    ) -> Result<Cni, CniCreateError> {
        let Some(earlier) = lost else {
            return Err(CniCreateError::NotCreated(refused));
        };
        if refused.status() != Some(409) {
            return Err(CniCreateError::Unconfirmed { cause: earlier });
        }
        let proof = format!(
            "sending the create again was refused as a name conflict ({}), which proves an earlier attempt made it",
            refused.messages_text()
        );
        self.settle_proven(transport, account, body, baseline, earlier, proof)
            .await
    }

    /// A create that certainly made a CNI: looks for it until the create timeout (the listing may lag),
    /// deaf to cancellation, with backoff. Never says nothing was made, unless the listing shows the
    /// name held by a CNI this create did not make (then the proof was not one).
    async fn settle_proven(
        &self,
        transport: &Transport,
        account: &str,
        body: &CreateCni,
        baseline: &HashSet<String>,
        mut cause: ApiError,
        proof: String,
    ) -> Result<Cni, CniCreateError> {
        let transport = match transport.deadline() {
            Some(_) => transport.uninterruptible(),
            None => transport
                .uninterruptible()
                .until(Instant::now() + PROVEN_LOOKUP_LIMIT),
        };
        let mut pauses = PollPauses::up_to(LONGEST_LOOKUP_PAUSE);
        loop {
            match self.look_up(&transport, account, body, baseline).await {
                Ok(found) => match self.decide(found, cause, body, "which an earlier attempt made") {
                    Decision::Settled(outcome) => return outcome,
                    Decision::Open(still) => cause = still,
                },
                Err(ApiError::OutOfTime { .. }) => {}
                Err(lookup) => {
                    tracing::warn!("looking for the connection an earlier attempt made: {lookup}")
                }
            }
            let pause = pauses.next().unwrap_or(LONGEST_LOOKUP_PAUSE);
            if transport.time_left().is_none_or(|left| pause >= left) {
                break;
            }
            tokio::time::sleep(pause).await;
        }
        Err(CniCreateError::MadeButNotFound {
            cause,
            proof,
            conduit: body.magic.conduit_name.clone(),
            interconnect: body.interconnect.clone(),
        })
    }
}
