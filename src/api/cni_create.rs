//! Creating a CNI exactly once, even when the `POST`'s answer is lost.
//!
//! A conduit name is unique in the account (the API refuses a second with 409 "Name Conflict"), so a
//! `POST` sent again can never make a second CNI: at worst it is refused. What must not happen is
//! adopting a CNI this create did not make. So before its `POST` a create knows which CNIs existed (a
//! listing of the account, shared by the creates of one client while younger than
//! [`BASELINE_MAX_AGE`]; none is needed on an interconnect this client has just created, which had no
//! CNI before: the common case of a port and its connections applied together costs no listing); after an unknown outcome the candidate is the one CNI on that interconnect
//! with that conduit name that the baseline did not hold and no other create of this client claimed.
//! None found: the `POST` did not make it, and is sent again. Refused as a name conflict after an
//! unknown outcome: an earlier attempt made it, so it is looked for again.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::cni::{Cni, CniFilter, CreateCni};
use super::error::ApiError;
use super::transport::Transport;

/// How long a listing of the account's CNIs serves as the baseline of later creates.
pub const BASELINE_MAX_AGE: Duration = Duration::from_secs(30);

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

/// What a look-up after an unknown outcome found.
enum Found {
    Made(Box<Cni>),
    Nothing,
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

    /// The CNI this create made, if the account now has it: on the interconnect, with the conduit
    /// name, not in the baseline and not claimed by another create.
    async fn look_up(
        &self,
        transport: &Transport,
        account: &str,
        body: &CreateCni,
        baseline: &HashSet<String>,
    ) -> Result<Found, ApiError> {
        let listed = transport.all_cnis(account, &CniFilter::default()).await?;
        let made = listed.into_iter().find(|cni| {
            cni.interconnect == body.interconnect
                && cni.magic.conduit_name == body.magic.conduit_name
                && !baseline.contains(&cni.id)
                && !self.is_claimed(&cni.id)
        });
        Ok(made.map_or(Found::Nothing, |cni| Found::Made(Box::new(cni))))
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
    ) -> Result<Cni, ApiError> {
        let baseline = match new_interconnect {
            true => Arc::default(),
            false => self.baseline(transport, account).await?,
        };
        let mut unknown_before = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let error = match transport.create_cni(account, body).await {
                Ok(cni) => return Ok(self.claim(cni)),
                Err(e) if e.outcome_unknown() => e,
                Err(e) if unknown_before && e.status() == Some(409) => e,
                Err(e) => return Err(e),
            };
            unknown_before = true;
            tracing::info!(
                "the create of conduit {:?} has an unknown outcome ({error}); looking for it",
                body.magic.conduit_name
            );
            match self.look_up(transport, account, body, &baseline).await? {
                Found::Made(cni) => return Ok(self.claim(*cni)),
                Found::Nothing if attempt < attempts.max(1) => continue,
                Found::Nothing => return Err(error),
            }
        }
    }
}
