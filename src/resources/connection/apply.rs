//! What `cni_connection` asks of the API: create (one `POST`, then one `PUT` when the configuration
//! needs it), read, update (one `PUT` of the whole object), delete. Once a connection exists, every
//! path out of create and update returns it in state.

use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::resource::ConnectionResource;
use super::state::{api_object, create_body, put_body, settled, ConnectionState};
use crate::api::Client;
use crate::diag;
use crate::shared::{effective_account, ConnectionItem};

fn unknown_at_apply(diags: &mut Diagnostics) {
    diag::error(
        diags,
        "Values not known at apply",
        "The connection's configuration still holds values that are not known, so no request was sent.",
        None,
    );
}

impl ConnectionResource {
    /// The client and account of `state`.
    fn client_for(
        &self,
        diags: &mut Diagnostics,
        state: &ConnectionState,
    ) -> Option<(Client, String, usize)> {
        let (configured, account) =
            self.provider
                .configured_for(&state.account_id, "on the resource", diags)?;
        Some((configured.client, account, configured.max_retries + 1))
    }

    /// Creates the planned connection: its `POST` (exactly once, even when an answer is lost), then one
    /// `PUT` when the configuration sets what the `POST` cannot (`bgp_mode`) or differs from what the
    /// API assigned (the addresses). A failed `PUT` leaves the created connection in state, with the
    /// error (Terraform taints it).
    pub(super) async fn create_connection(
        &self,
        diags: &mut Diagnostics,
        planned: &ConnectionState,
    ) -> Option<ConnectionState> {
        let (client, account, attempts) = self.client_for(diags, planned)?;
        let Some(body) = create_body(planned, &account) else {
            unknown_at_apply(diags);
            return None;
        };
        let created = match client.create_cni_once(&account, &body, attempts).await {
            Ok(created) => created,
            Err(e) => {
                let conduit = &body.magic.conduit_name;
                diag::create_error(diags, format!("Could not create connection {conduit:?}"), &e);
                return None;
            }
        };
        if settled(planned, &created) {
            return Some(ConnectionItem::from_api(&created));
        }
        let Some(put) = put_body(planned, &created) else {
            return Some(ConnectionItem::from_api(&created));
        };
        match client.update_cni(&account, &put).await {
            Ok(updated) => Some(ConnectionItem::from_api(&updated)),
            Err(e) => {
                diag::api_error(
                    diags,
                    format!(
                        "Connection {} was created, but could not be set as configured (bgp_mode, addresses)",
                        created.id
                    ),
                    &e,
                );
                Some(ConnectionItem::from_api(&created))
            }
        }
    }

    /// Makes the connection what `planned` says with one `PUT` of the whole object (none when it
    /// already is). A failed `PUT` keeps the prior state, with the error.
    pub(super) async fn update_connection(
        &self,
        diags: &mut Diagnostics,
        prior: ConnectionState,
        planned: &ConnectionState,
    ) -> Option<ConnectionState> {
        let Some((client, account, _)) = self.client_for(diags, &prior) else {
            return Some(prior);
        };
        let Some(current) = api_object(&prior) else {
            diag::error(
                diags,
                "Incomplete state",
                "The connection's state lacks values a PUT needs; refresh it first.",
                None,
            );
            return Some(prior);
        };
        let Some(put) = put_body(planned, &current) else {
            unknown_at_apply(diags);
            return Some(prior);
        };
        if put == current {
            return Some(ConnectionItem::from_api(&current));
        }
        match client.update_cni(&account, &put).await {
            Ok(updated) => Some(ConnectionItem::from_api(&updated)),
            Err(e) => {
                diag::api_error(diags, format!("Could not update connection {}", current.id), &e);
                Some(prior)
            }
        }
    }

    /// The connection as the API has it now; `None` (with a warning) when it is gone. A read that
    /// fails keeps the state as it is, with the error.
    pub(super) async fn refresh(
        &self,
        diags: &mut Diagnostics,
        state: ConnectionState,
    ) -> Option<ConnectionState> {
        if self.provider.is_deferred() {
            return Some(state);
        }
        let configured = self.provider.configured(diags)?;
        let account = effective_account(&state.account_id, &self.provider.default_account());
        let (Value::Value(account), Value::Value(id)) = (account, state.id.clone()) else {
            diag::error(
                diags,
                "Incomplete state",
                "The connection's state has no account_id or id.",
                None,
            );
            return Some(state);
        };
        match configured.client.read_cni(&account, &id).await {
            Ok(cni) => Some(ConnectionItem::from_api(&cni)),
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
                Some(state)
            }
        }
    }

    /// `DELETE`s the connection (already gone counts as deleted).
    pub(super) async fn delete_connection(
        &self,
        diags: &mut Diagnostics,
        state: &ConnectionState,
    ) -> Option<()> {
        let (client, account, _) = self.client_for(diags, state)?;
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
