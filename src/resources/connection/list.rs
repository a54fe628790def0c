//! The list resource `cni_connection` (`terraform query`, Terraform 1.14 and later): every connection
//! of an account, page by page, each with its identity, a display name and, when asked, the whole
//! object; and the configuration that adopts one.

use std::sync::Arc;

use async_trait::async_trait;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use tf_provider::schema::Schema;
use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::state::{attribute_table, ConnectionState};
use crate::api::{Cni, CniFilter};
use crate::attributes::{self, Attr, Role};
use crate::context::ProviderContext;
use crate::diag;
use crate::plugin::lists::{ListResult, ListResults, TypedList};
use crate::shared::{
    check_account_id, check_uuid, ConnectionItem, ACCOUNT_ID, INTERCONNECT_FILTER, SLOT_FILTER,
};

/// The `config` block of `list "cni_connection"`.
#[derive(Serialize, Deserialize, Clone, Default)]
pub struct ListConfig {
    /// The account; defaults to the provider's.
    pub account_id: Value<String>,
    /// Only the connections on this interconnect.
    pub interconnect: Value<String>,
    /// Only the connections on the port in this slot.
    pub slot: Value<String>,
}

/// The attributes of the `config` block.
pub(crate) const LIST_ATTRIBUTES: [Attr; 3] = [
    Attr {
        role: Role::Optional,
        ..ACCOUNT_ID
    },
    INTERCONNECT_FILTER,
    SLOT_FILTER,
];

/// The list resource.
pub struct ConnectionList {
    provider: Arc<ProviderContext>,
}

impl ConnectionList {
    /// The list resource, served by `provider`.
    pub fn new(provider: Arc<ProviderContext>) -> Self {
        ConnectionList { provider }
    }
}

/// `<conduit_name> (<interconnect>)`.
fn display_name(cni: &Cni) -> String {
    format!("{} ({})", cni.magic.conduit_name, cni.interconnect)
}

/// The identity of a listed connection.
#[derive(Serialize)]
pub struct ListedIdentity {
    account_id: String,
    id: String,
}

#[async_trait]
impl TypedList for ConnectionList {
    type Config = ListConfig;
    type Identity = ListedIdentity;
    type Object = ConnectionState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 0,
            block: attributes::block(
                "Every connection of an account, with its identity, to adopt with `terraform query -generate-config-out`.",
                &LIST_ATTRIBUTES,
                vec![],
            ),
        })
    }

    async fn validate(&self, diags: &mut Diagnostics, config: ListConfig) {
        check_account_id(diags, &config.account_id);
        check_uuid(diags, &config.slot, "slot", "a slot's");
    }

    async fn list(
        &self,
        diags: &mut Diagnostics,
        config: ListConfig,
        include_object: bool,
        limit: usize,
        results: ListResults<ListedIdentity, ConnectionState>,
    ) {
        let Some((configured, account)) =
            self.provider
                .configured_for(&config.account_id, "in the list's config block", diags)
        else {
            return;
        };
        let filter = CniFilter {
            slot: config.slot.as_ref_option().cloned(),
            tunnel_id: None,
        };
        let on = config.interconnect.as_ref_option();
        let listing = configured.client.cnis(&account, &filter);
        let mut listing = std::pin::pin!(listing);
        let mut sent = 0;
        while sent < limit {
            let cni = match listing.next().await {
                None => return,
                Some(Ok(cni)) => cni,
                Some(Err(e)) => {
                    diag::api_error(diags, "Could not list connections", &e);
                    return;
                }
            };
            if on.is_some_and(|on| *on != cni.interconnect) {
                continue;
            }
            let listed = ListResult {
                identity: ListedIdentity {
                    account_id: account.clone(),
                    id: cni.id.clone(),
                },
                display_name: display_name(&cni),
                resource: include_object.then(|| ConnectionState::from(ConnectionItem::from_api(&cni))),
            };
            if !results.send(listed, diags).await {
                return; // Terraform has what it wants.
            }
            sent += 1;
        }
    }
}

/// The configuration that adopts an existing connection: `interconnect`, `magic`, `bgp` (its MD5 key
/// null, never the value: Terraform writes `null # sensitive` for the user to fill in) and `bgp_mode`, and `account_id` when it is not
/// `provider_account` (a list over another account); never computed values.
pub fn generated_config(state: Json, provider_account: &Value<String>) -> Json {
    let mut config =
        attributes::generated_config(&attribute_table(), &state, &[("account_id", provider_account)]);
    config.insert(
        "timeouts".into(),
        serde_json::json!({"create": null, "update": null, "delete": null}),
    );
    Json::Object(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn generated_config_never_holds_the_md5_key_nor_computed_values() {
        let stored = json!({
            "id": "8f0d1c5e-7e5b-4c47-9a3b-1f7c1e0b2a11", "account_id": "other", "interconnect": "icon-1",
            "magic": {"conduit_name": "edge", "description": "", "mtu": 1500},
            "bgp": {"customer_asn": 65001, "extra_prefixes": [], "md5_key": "k3y"},
            "bgp_mode": "advertise_only", "p2p_ip": "100.64.0.0/31", "cust_ip": "100.64.0.1/31"
        });
        let config = generated_config(stored.clone(), &Value::Value("mine".into()));
        assert_eq!(
            config,
            json!({
                "account_id": "other", "interconnect": "icon-1",
                "magic": {"conduit_name": "edge", "description": "", "mtu": 1500},
                "bgp": {"customer_asn": 65001, "extra_prefixes": [], "md5_key": null},
                "bgp_mode": "advertise_only",
                "timeouts": {"create": null, "update": null, "delete": null}
            })
        );
        let in_own_account = generated_config(stored, &Value::Value("other".into()));
        assert!(in_own_account.get("account_id").is_none(), "{in_own_account}");
    }
}
