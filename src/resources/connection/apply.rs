//! What `cni_connection` asks of the API: create (one `POST`, then one `PUT` when the configuration
//! needs it), read, update (one `PUT` of the whole object), delete, each within its `timeouts`. Once a
//! connection exists, every path out of create and update returns it in state.

use std::time::Duration;

use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::md5::{rotates, uses_write_only, warn_of_a_key_changed_outside, with_key};
use super::resource::ConnectionResource;
use super::state::{
    api_object, create_body, put_body, settled, state_from, ConnectionPrivate, ConnectionState,
};
use crate::api::{Client, Cni, CniCreateError, CreateCni};
use crate::diag;
use crate::shared::{
    effective_account, sha256_hex, timeout_of, ConnectionTimeouts, DEFAULT_CONNECTION_TIMEOUT,
};

/// A state and what the provider keeps beside it.
pub(super) type Kept = (ConnectionState, Option<ConnectionPrivate>);

fn unknown_at_apply(diags: &mut Diagnostics) {
    diag::error(
        diags,
        "Values not known at apply",
        "The connection's configuration still holds values that are not known, so no request was sent.",
        None,
    );
}

/// The timeout `pick` chooses from `state`'s `timeouts` block.
fn timeout(state: &ConnectionState, pick: fn(&ConnectionTimeouts) -> &Value<String>) -> Duration {
    timeout_of(&state.timeouts, pick, DEFAULT_CONNECTION_TIMEOUT)
}

/// The connection the API answered, as state (keeping what `written` says where the API means the
/// same), its unmodeled members, and the SHA-256 of the key last sent by the write-only route.
fn kept(cni: &Cni, written: &ConnectionState, md5_key_sha256: Option<String>) -> Kept {
    (
        state_from(cni, written),
        ConnectionPrivate::of(cni, md5_key_sha256),
    )
}

/// The SHA-256 of the key last sent by the write-only route, from private state.
fn sent_digest(private: Option<&ConnectionPrivate>) -> Option<String> {
    private.and_then(|p| p.md5_key_sha256.clone())
}

impl ConnectionResource {
    /// The client of `state`'s account, bounded by `limit` from now, its account, and how many times
    /// a `POST` may be sent.
    fn client_for(
        &self,
        diags: &mut Diagnostics,
        state: &ConnectionState,
        limit: Duration,
    ) -> Option<(Client, String, usize)> {
        let (configured, account) =
            self.provider
                .configured_for(&state.account_id, "on the resource", diags)?;
        let client = configured.client.until(tokio::time::Instant::now() + limit);
        Some((client, account, configured.max_retries + 1))
    }

    /// Creates the planned connection: its `POST` (exactly once, even when an answer is lost), then one
    /// `PUT` when the configuration sets what the `POST` cannot (`bgp_mode`) or differs from what the
    /// API assigned (the addresses). A failed `PUT` leaves the created connection in state, with the
    /// error (Terraform taints it).
    pub(super) async fn create_connection(
        &self,
        diags: &mut Diagnostics,
        planned: &ConnectionState,
        config: &ConnectionState,
    ) -> Option<Kept> {
        let limit = timeout(planned, |t| &t.create);
        let (client, account, attempts) = self.client_for(diags, planned, limit)?;
        // The write-only key comes from the configuration (never in the plan), and goes with the POST.
        let key = config.md5_key_wo.as_ref_option();
        let digest = key.map(|k| sha256_hex(k));
        let carried = key.map(|k| with_key(planned, k));
        let planned_state = planned;
        let planned = carried.as_ref().unwrap_or(planned);
        let Some(body) = create_body(planned, &account) else {
            unknown_at_apply(diags);
            return None;
        };
        let created = match client.create_cni_once(&account, &body, attempts).await {
            Ok(created) => created,
            Err(e) => {
                let conduit = &body.magic.conduit_name;
                let detail = create_failure_detail(&e, &body, &account);
                diag::error(
                    diags,
                    format!("Could not create connection {conduit:?}"),
                    detail,
                    None,
                );
                return None;
            }
        };
        let kept = |cni: &Cni| kept(cni, planned_state, digest.clone());
        if settled(planned, &created) {
            return Some(kept(&created));
        }
        let Some(put) = put_body(planned, &created) else {
            return Some(kept(&created));
        };
        match client.update_cni(&account, &put).await {
            Ok(updated) => Some(kept(&updated)),
            Err(e) => {
                diag::api_error(
                    diags,
                    format!(
                        "Connection {} was created, but could not be set as configured (bgp_mode, addresses)",
                        created.id
                    ),
                    &e,
                );
                Some(kept(&created))
            }
        }
    }

    /// Makes the connection what `planned` says with one `PUT` of the whole object (none when it
    /// already is), carrying the members the latest read held that this provider does not model. A
    /// failed `PUT` keeps the prior state, with the error.
    pub(super) async fn update_connection(
        &self,
        diags: &mut Diagnostics,
        prior: Kept,
        planned: &ConnectionState,
        config: &ConnectionState,
    ) -> Kept {
        let limit = timeout(planned, |t| &t.update);
        let Some((client, account, _)) = self.client_for(diags, &prior.0, limit) else {
            return prior;
        };
        let Some(current) = api_object(&prior.0, prior.1.as_ref()) else {
            diag::error(
                diags,
                "Incomplete state",
                "The connection's state lacks values a PUT needs; refresh it first.",
                None,
            );
            return prior;
        };
        let Some((key, digest)) = self
            .key_to_carry(diags, (&client, &account), (&prior, planned, config))
            .await
        else {
            return prior;
        };
        let carried = key.as_deref().map(|k| with_key(planned, k));
        let Some(put) = put_body(carried.as_ref().unwrap_or(planned), &current) else {
            unknown_at_apply(diags);
            return prior;
        };
        if put == current {
            return (
                ConnectionState {
                    timeouts: planned.timeouts.clone(),
                    ..prior.0
                },
                prior.1,
            );
        }
        match client.update_cni(&account, &put).await {
            Ok(updated) => kept(&updated, planned, digest),
            Err(e) => {
                diag::api_error(diags, format!("Could not update connection {}", current.id), &e);
                prior
            }
        }
    }

    /// The connection as the API has it now; `None` (with a warning) when it is gone. A read that
    /// fails keeps the state as it is, with the error.
    pub(super) async fn refresh(&self, diags: &mut Diagnostics, prior: Kept) -> Option<Kept> {
        if self.provider.is_deferred() {
            return Some(prior);
        }
        let configured = self.provider.configured(diags)?;
        let state = &prior.0;
        let account = effective_account(&state.account_id, &self.provider.default_account());
        let (Value::Value(account), Value::Value(id)) = (account, state.id.clone()) else {
            diag::error(
                diags,
                "Incomplete state",
                "The connection's state has no account_id or id.",
                None,
            );
            return Some(prior);
        };
        match configured.client.read_cni(&account, &id).await {
            Ok(cni) => {
                let sent = sent_digest(prior.1.as_ref());
                let answered = cni.bgp.as_ref().and_then(|b| b.md5_key.as_ref());
                warn_of_a_key_changed_outside(&id, answered.map(|k| k.expose()), sent.as_deref(), diags);
                Some(kept(&cni, state, sent))
            }
            Err(e) if e.is_not_found() => {
                diag::warning(
                    diags,
                    format!("Connection {id} no longer exists"),
                    "It was deleted outside of Terraform; it is removed from state and the plan will create it again.",
                    None,
                );
                None
            }
            Err(e) => {
                diag::api_error(diags, format!("Could not read connection {id}"), &e);
                Some(prior)
            }
        }
    }

    /// `DELETE`s the connection (already gone counts as deleted).
    pub(super) async fn delete_connection(
        &self,
        diags: &mut Diagnostics,
        state: &ConnectionState,
    ) -> Option<()> {
        let limit = timeout(state, |t| &t.delete);
        let (client, account, _) = self.client_for(diags, state, limit)?;
        let id = state.id.as_ref_option().cloned().unwrap_or_default();
        match client.delete_cni(&account, &id).await {
            Ok(_) => Some(()),
            Err(e) => {
                diag::api_error(diags, format!("Could not delete connection {id}"), &e);
                None
            }
        }
    }
}

impl ConnectionResource {
    /// The MD5 key an update's `PUT` carries by the write-only route, and the SHA-256 private state
    /// keeps after it: the configured key when its version changed; else the session's current key,
    /// from a fresh read (the `PUT` replaces the whole object). `(None, …)` when the key goes by
    /// `bgp.md5_key`; `None` (with an error) when the current key cannot be had.
    async fn key_to_carry(
        &self,
        diags: &mut Diagnostics,
        (client, account): (&Client, &str),
        (prior, planned, config): (&Kept, &ConnectionState, &ConnectionState),
    ) -> Option<(Option<String>, Option<String>)> {
        let sent = sent_digest(prior.1.as_ref());
        if !uses_write_only(planned) || planned.bgp.is_null() {
            return Some((None, None));
        }
        if rotates(&prior.0, planned) {
            let key = config.md5_key_wo.as_ref_option().cloned();
            let digest = key.as_deref().map(sha256_hex);
            return Some((key, digest));
        }
        let id = prior.0.id.as_ref_option().cloned().unwrap_or_default();
        let current = match client.get_cni(account, &id).await {
            Ok(cni) => cni.bgp.and_then(|b| b.md5_key).map(|k| k.expose().to_owned()),
            Err(e) => {
                diag::api_error(
                    diags,
                    format!("Could not read connection {id} before updating it"),
                    &e,
                );
                return None;
            }
        };
        let readable = current.filter(|k| !k.chars().all(|c| c == '*'));
        let configured = config
            .md5_key_wo
            .as_ref_option()
            .filter(|k| sent.as_deref() == Some(sha256_hex(k).as_str()))
            .cloned();
        match readable.or(configured) {
            Some(key) => Some((Some(key), sent)),
            None => {
                diag::error(
                    diags,
                    format!("Could not keep the MD5 key of connection {id}"),
                    "The API did not return the session's current MD5 key, and the configured md5_key_wo is not \
                     the key last sent, so a PUT (which replaces the whole object) could not carry it. Change \
                     md5_key_wo_version to send md5_key_wo with this update.",
                    None,
                );
                None
            }
        }
    }
}

/// What a failed create means for the user: whether a connection may exist, and how to import it.
fn create_failure_detail(e: &CniCreateError, body: &CreateCni, account: &str) -> String {
    let (conduit, interconnect) = (&body.magic.conduit_name, &body.interconnect);
    let find = format!(
        "Look for the connection with conduit {conduit:?} on interconnect {interconnect:?} (the \
         cni_connections data source with interconnect = {interconnect:?}, or terraform query) and import \
         it before applying again: terraform import <this resource's address> {account}/<id>"
    );
    match e {
        CniCreateError::NotCreated(api) => {
            format!("{}\n\nNo connection was created.", diag::describe_api_error(api))
        }
        CniCreateError::Precheck(api) => format!(
            "Listing the account's connections before the create failed, so nothing was sent: {}\n\nNo \
             connection was created.",
            diag::describe_api_error(api)
        ),
        CniCreateError::NameTaken { id, .. } => format!(
            "{e}.\n\nChoose another conduit_name, or, if that connection is the one meant, import it: \
             terraform import <this resource's address> {account}/{id}"
        ),
        CniCreateError::MadeButNotFound { .. } => {
            format!("{e}.\n\nDo not apply again before importing it. {find}")
        }
        CniCreateError::Unresolved { .. } | CniCreateError::Unconfirmed { .. } => {
            format!("{e}.\n\nA connection may have been created. {find}; or delete it.")
        }
    }
}
