//! Talking to the API: create (exactly once, then wait), refresh, and delete (then wait until gone).

use tf_provider::value::Value;
use tf_provider::Diagnostics;
use tokio::time::Instant;

use super::resource::InterconnectResource;
use super::state::{key_digest, unix_ms, InterconnectState, Private};
use crate::api::models::{TYPE_DIRECT, TYPE_GCP_PARTNER};
use crate::api::{
    self, wait_for_healthy, CreateInterconnect, Deleted, InterconnectStatus, Secret, WaitError,
    READ_AFTER_WRITE_GRACE,
};
use crate::context::Configured;
use crate::diag;
use crate::shared::{effective_account, DEFAULT_CREATE_TIMEOUT, DEFAULT_DELETE_TIMEOUT};

/// The `POST` body for a planned interconnect, all of whose values are known at apply. The pairing key
/// comes from `pairing_key_wo` in the configuration (write-only: never in the plan), else from
/// `pairing_key`.
pub fn create_request(
    planned: &InterconnectState,
    config: &InterconnectState,
) -> Result<CreateInterconnect, String> {
    let account = known(&planned.account_id, "account_id")?;
    match known(&planned.kind, "type")?.as_str() {
        TYPE_DIRECT => Ok(CreateInterconnect::Direct {
            account,
            slot_id: known(&planned.slot_id, "slot_id")?
                .parse()
                .map_err(|_| "slot_id is not a UUID".to_owned())?,
            speed: planned.speed.as_ref_option().map(|s| s.to_ascii_uppercase()),
        }),
        TYPE_GCP_PARTNER => Ok(CreateInterconnect::GcpPartner {
            account,
            bandwidth: known(&planned.bandwidth, "bandwidth")?
                .parse()
                .map_err(|e| format!("{e}"))?,
            pairing_key: Secret::new(match &config.pairing_key_wo {
                Value::Value(key) => key.clone(),
                _ => known(&planned.pairing_key, "pairing_key")?,
            }),
        }),
        other => Err(format!("unknown type {other:?}")),
    }
}

fn known(value: &Value<String>, name: &str) -> Result<String, String> {
    value
        .as_ref_option()
        .cloned()
        .ok_or_else(|| format!("{name} is not set"))
}

impl InterconnectResource {
    pub(super) async fn create_and_wait(
        &self,
        diags: &mut Diagnostics,
        configured: &Configured,
        planned: InterconnectState,
        config: &InterconnectState,
    ) -> Option<(InterconnectState, Private)> {
        let deadline = Instant::now() + planned.timeout(|t| &t.create, DEFAULT_CREATE_TIMEOUT);
        let client = configured.client.until(deadline);
        let request = match create_request(&planned, config) {
            Ok(request) => request,
            Err(e) => {
                diag::error(diags, "Cannot create the interconnect", e, None);
                return None;
            }
        };
        let account = planned.account_id.as_ref_option().cloned().unwrap_or_default();
        let created = match client
            .create_exactly_once(&account, &request, configured.max_retries)
            .await
        {
            Ok(created) => created,
            Err(e) => {
                diag::error(
                    diags,
                    "Could not create the interconnect",
                    create_failure_detail(&e, &account),
                    None,
                );
                return None;
            }
        };
        let visible_by = Instant::now() + READ_AFTER_WRITE_GRACE;
        let created_at_unix_ms = unix_ms();
        let name = created.interconnect.name().to_owned();
        tracing::info!("created interconnect {name}");
        if let Some(lost) = &created.recovered_from {
            diag::warning(
                diags,
                "Recovered from a lost create answer",
                format!("{lost}. The interconnect {name} that this create made was found and kept; no duplicate was created."),
                None,
            );
        }
        let mut state = planned;
        state.apply_interconnect(&created.interconnect);
        if state.wait_for_healthy.as_ref_option().copied().unwrap_or(false) {
            state = self
                .wait_until_healthy(diags, configured, &client, state, deadline, visible_by)
                .await;
        } else {
            self.read_status_once(diags, &client, &mut state).await;
        }
        // A status read by name means the API knows the interconnect: a later 404 is no lag.
        let private = Private {
            created_at_unix_ms,
            seen: state.status.is_value(),
            pairing_key_sha256: match &request {
                CreateInterconnect::GcpPartner { pairing_key, .. } => Some(key_digest(pairing_key.expose())),
                CreateInterconnect::Direct { .. } => None,
            },
        };
        Some((state, private))
    }

    /// Waits for `Healthy`. Whatever ends the wait, the interconnect is returned: it exists (or did a
    /// moment ago), and Terraform keeps it, tainted when there is an error.
    async fn wait_until_healthy(
        &self,
        diags: &mut Diagnostics,
        configured: &Configured,
        client: &api::Client,
        mut state: InterconnectState,
        deadline: Instant,
        visible_by: Instant,
    ) -> InterconnectState {
        let account = state.account_id.as_ref_option().cloned().unwrap_or_default();
        let name = state.name.as_ref_option().cloned().unwrap_or_default();
        let mut previous: Option<String> = None;
        let log_change = |status: &InterconnectStatus| {
            match &previous {
                Some(before) => tracing::info!("interconnect {name}: {before} -> {status}"),
                None => tracing::info!("interconnect {name}: {status}"),
            }
            previous = Some(status.to_string());
        };
        let outcome = wait_for_healthy(
            client,
            &account,
            &name,
            deadline,
            configured.poll_interval,
            visible_by,
            log_change,
        )
        .await;
        match outcome {
            Ok(status) => state.apply_status(Some(&status)),
            Err(e @ WaitError::Gone { .. }) => {
                state.apply_status(e.last());
                diag::wait_error(
                    diags,
                    format!("Interconnect {name} was created but is no longer found"),
                    &e,
                    "The API accepted the create, so the interconnect is kept in state (tainted) rather than forgotten. \
                     If it was really deleted, the next plan removes it from state and creates it again.",
                );
            }
            Err(e) => {
                state.apply_status(e.last());
                diag::wait_error(
                    diags,
                    format!("Interconnect {name} was created but did not become Healthy"),
                    &e,
                    "The interconnect exists and is kept in state as tainted, so the next apply replaces it. \
                     To keep it instead, run `terraform untaint` on this resource (or set wait_for_healthy = false). \
                     Its status is visible in the cni_interconnect data source.",
                );
            }
        }
        state
    }

    async fn read_status_once(
        &self,
        diags: &mut Diagnostics,
        client: &api::Client,
        state: &mut InterconnectState,
    ) {
        let account = state.account_id.as_ref_option().cloned().unwrap_or_default();
        let name = state.name.as_ref_option().cloned().unwrap_or_default();
        match client.interconnect_status(&account, &name).await {
            Ok(status) => state.apply_status(Some(&status)),
            Err(e) => {
                state.apply_status(None);
                diag::warning(
                    diags,
                    "Could not read the new interconnect's status",
                    diag::describe_api_error(&e),
                    None,
                );
            }
        }
        if state.is_direct() && state.status.as_ref_option().is_none_or(|s| s != "Healthy") {
            diag::warning(
                diags,
                format!("Direct interconnect {name} stays Pending until its cross-connect is installed"),
                "Order the cross-connect from the facility with the Letter of Authorization (the cni_interconnect_loa data source gives it). \
                 The port turns Healthy once the fiber is in, which can take days to weeks.",
                None,
            );
        }
    }

    /// Refreshes the state from the API; `None` when the API's own 404 says it is gone.
    pub(super) async fn refresh(
        &self,
        diags: &mut Diagnostics,
        mut state: InterconnectState,
        private: Option<Private>,
    ) -> Option<(InterconnectState, Option<Private>)> {
        if self.provider.is_deferred() {
            // The API cannot be reached before the provider's configuration is known: keep the
            // interconnect as it is; the apply (or the next plan) refreshes it.
            return Some((state, private));
        }
        let configured = self.provider.configured(diags)?;
        let account = effective_account(&state.account_id, &self.provider.default_account());
        let (Some(account), Some(name)) = (
            account.as_option(),
            state.id.clone().or(state.name.clone()).as_option(),
        ) else {
            diag::error(
                diags,
                "Incomplete state",
                "The interconnect's state has no account_id or id.",
                None,
            );
            return Some((state, private));
        };
        let gone = |diags: &mut Diagnostics| {
            diag::warning(
                diags,
                format!("Interconnect {name} no longer exists"),
                "It was deleted outside of Terraform; it is removed from state and the plan will create it again.",
                None,
            );
            None
        };
        let interconnect = match configured.client.read_interconnect(&account, &name).await {
            Ok(ic) => ic,
            Err(e) if e.is_not_found() && private.as_ref().is_some_and(Private::may_lag) => {
                diag::warning(
                    diags,
                    format!("Interconnect {name} is not visible yet"),
                    format!("{e}. It was created moments ago and the API may not know its name yet, so it is kept as it is."),
                    None,
                );
                return Some((state, private));
            }
            Err(e) if e.is_not_found() => return gone(diags),
            Err(e) => {
                diag::api_error(diags, format!("Could not read interconnect {name}"), &e);
                return Some((state, private));
            }
        };
        let private = private.map(|p| Private { seen: true, ..p });
        state.account_id = Value::Value(account.clone());
        state.apply_interconnect(&interconnect);
        match configured.client.interconnect_status(&account, &name).await {
            Ok(status) => {
                state.apply_status(Some(&status));
                warn_if_the_link_is_down(diags, &name, &status);
            }
            // GET has just said it exists: a 404 here proves nothing (lag, or a status not kept yet).
            Err(e) if e.is_not_found() => {
                state.apply_status(None);
                diag::warning(
                    diags,
                    format!("The status of interconnect {name} is not available"),
                    format!(
                        "{e}. The interconnect exists (GET found it), so it is kept, with a null status."
                    ),
                    None,
                );
            }
            Err(e) => diag::api_error(
                diags,
                format!("Could not read the status of interconnect {name}"),
                &e,
            ),
        }
        Some((state, private))
    }

    /// Deletes the interconnect and waits until it is gone, unless `skip_destroy` says to forget it.
    pub(super) async fn delete(&self, diags: &mut Diagnostics, state: InterconnectState) -> Option<()> {
        let name = state
            .name
            .as_ref_option()
            .or(state.id.as_ref_option())
            .cloned()
            .unwrap_or_default();
        if state.skip_destroy.as_ref_option().copied().unwrap_or(false) {
            diag::warning(
                diags,
                format!("Interconnect {name} was only removed from state"),
                "skip_destroy is true: the interconnect still exists in Cloudflare. Import it again to manage it, or delete it there.",
                None,
            );
            return Some(());
        }
        let configured = self.provider.configured(diags)?;
        let account = effective_account(&state.account_id, &self.provider.default_account())
            .as_option()
            .unwrap_or_default();
        let deadline = Instant::now() + state.timeout(|t| &t.delete, DEFAULT_DELETE_TIMEOUT);
        let client = configured.client.until(deadline);
        match client.delete_interconnect(&account, &name).await {
            Ok(Deleted::Deleted) => tracing::info!("deleting interconnect {name}"),
            Ok(Deleted::AlreadyGone) => {
                tracing::info!("interconnect {name} was already gone");
                return Some(());
            }
            Err(e) => {
                let hosted = hosted_connections(&client, &account, &name, &e).await;
                diag::error(
                    diags,
                    format!("Could not delete interconnect {name}"),
                    format!("{}{hosted}", diag::describe_api_error(&e)),
                    None,
                );
                return None;
            }
        }
        match client
            .wait_until_gone(&account, &name, deadline, configured.poll_interval)
            .await
        {
            Ok(()) => Some(()),
            Err(e) => {
                diag::wait_error(
                    diags,
                    format!("Interconnect {name} was not confirmed deleted"),
                    &e,
                    "The delete was accepted, but the interconnect was still visible; it stays in state. Run destroy again to wait for it.",
                );
                None
            }
        }
    }
}

/// Warns when a refresh finds the link `Down` or `Unhealthy`, naming the interconnect, its status and
/// the API's reason; `Pending` and `Healthy` say nothing. Never an error: a plan must not fail because
/// a link is down.
fn warn_if_the_link_is_down(diags: &mut Diagnostics, name: &str, status: &api::InterconnectStatus) {
    if !matches!(
        status,
        api::InterconnectStatus::Down { .. } | api::InterconnectStatus::Unhealthy { .. }
    ) {
        return;
    }
    let state = status.state();
    let reason = match status.reason() {
        Some(reason) => format!("the API's reason: {reason}"),
        None => "the API gives no reason".to_owned(),
    };
    diag::warning(
        diags,
        format!("Interconnect {name} is {state}"),
        format!(
            "The refresh found interconnect {name} {state} ({reason}). The connections it carries may not \
             pass traffic. Nothing is planned because of it, and this warning goes away once the link is \
             Healthy again."
        ),
        None,
    );
}

/// When the API refused to delete an interconnect (4xx) and it still hosts CNI objects: a paragraph
/// naming them (id and conduit), to remove first; else nothing.
async fn hosted_connections(
    client: &api::Client,
    account: &str,
    name: &str,
    refusal: &api::ApiError,
) -> String {
    if !matches!(refusal, api::ApiError::BadRequest(_)) {
        return String::new();
    }
    let hosted: Vec<String> = match client.all_cnis(account, &api::CniFilter::default()).await {
        Ok(cnis) => cnis
            .into_iter()
            .filter(|c| c.interconnect == name)
            .map(|c| format!("  - {} (conduit {:?})", c.id, c.magic.conduit_name))
            .collect(),
        Err(e) => {
            tracing::info!("could not list the CNIs of interconnect {name}: {e}");
            return String::new();
        }
    };
    match hosted.is_empty() {
        true => String::new(),
        false => format!(
            "\n\nInterconnect {name} still carries these connections; remove them first (a cni_connection \
             that references this interconnect is destroyed before it):\n{}",
            hosted.join("\n")
        ),
    }
}

fn create_failure_detail(e: &api::CreateError, account: &str) -> String {
    match e {
        api::CreateError::NotCreated(api) | api::CreateError::Precheck(api) => {
            format!("{}\n\nNo interconnect was created.", diag::describe_api_error(api))
        }
        api::CreateError::SlotUnavailable { .. } => format!("{e}.\n\nNo interconnect was created."),
        api::CreateError::Ambiguous { candidates, .. } => format!(
            "{e}.\n\nOne of them may be the interconnect this create made, but nothing tells which. Find yours \
             (its region, bandwidth and GCP pairing) and import it instead of applying again, for example:\n{}",
            candidates
                .iter()
                .map(|name| format!("  terraform import <this resource's address> {account}/{name}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        api::CreateError::MadeButNotFound { .. } => format!(
            "{e}.\n\nDo not apply again before importing it: once the cni_interconnects data source (or terraform query) \
             shows it, run `terraform import <this resource's address> {account}/<name>`."
        ),
        api::CreateError::Unresolved { .. } | api::CreateError::Unconfirmed { .. } => format!(
            "{e}.\n\nAn interconnect may have been created. List them with the cni_interconnects data source and \
             import the right one with `terraform import <address> {account}/<name>` before applying again, or delete it."
        ),
    }
}
