//! The list resource `cni_interconnect` (`terraform query`, Terraform 1.14 and later): every
//! interconnect of an account, page by page, each with its identity, a display name and, when asked,
//! the whole object; and the configuration that adopts one.

use std::sync::Arc;

use async_trait::async_trait;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use tf_provider::schema::Schema;
use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::state::{attribute_table, InterconnectState};
use crate::api::{Interconnect, InterconnectFilter};
use crate::attributes::{self, Attr, AttrType, Role};
use crate::context::ProviderContext;
use crate::diag;
use crate::plugin::lists::{ListResult, ListResults, TypedList};
use crate::shared::{check_account_id, check_type_filter, ACCOUNT_ID};

/// The `config` block of `list "cni_interconnect"`.
#[derive(Serialize, Deserialize, Clone, Default)]
pub struct ListConfig {
    /// The account; defaults to the provider's.
    pub account_id: Value<String>,
    /// Only this site.
    pub site: Value<String>,
    /// Only this type.
    #[serde(rename = "type")]
    pub kind: Value<String>,
}

/// The attributes of the `config` block.
pub(crate) const LIST_ATTRIBUTES: [Attr; 3] = [
    Attr {
        role: Role::Optional,
        ..ACCOUNT_ID
    },
    Attr::new(
        "site",
        AttrType::String,
        Role::Optional,
        "Only interconnects at this Cloudflare site.",
    ),
    Attr::new(
        "type",
        AttrType::String,
        Role::Optional,
        "Only interconnects of this type: `direct` or `gcp_partner`.",
    ),
];

/// The list resource.
pub struct InterconnectList {
    provider: Arc<ProviderContext>,
}

impl InterconnectList {
    /// The list resource, served by `provider`.
    pub fn new(provider: Arc<ProviderContext>) -> Self {
        InterconnectList { provider }
    }
}

/// `<name> (<type>, <site or region>)`.
fn display_name(ic: &Interconnect) -> String {
    let place = ic.site().or(ic.region()).unwrap_or("unknown place");
    format!("{} ({}, {place})", ic.name(), ic.kind())
}

/// The identity of a listed interconnect.
#[derive(Serialize)]
pub struct ListedIdentity {
    account_id: String,
    name: String,
}

#[async_trait]
impl TypedList for InterconnectList {
    type Config = ListConfig;
    type Identity = ListedIdentity;
    type Object = InterconnectState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 0,
            block: attributes::block(
                "Every interconnect of an account, with its identity, to adopt with `terraform query -generate-config-out`.",
                &LIST_ATTRIBUTES,
                vec![],
            ),
        })
    }

    async fn validate(&self, diags: &mut Diagnostics, config: ListConfig) {
        check_account_id(diags, &config.account_id);
        check_type_filter(diags, &config.kind);
    }

    async fn list(
        &self,
        diags: &mut Diagnostics,
        config: ListConfig,
        include_object: bool,
        limit: usize,
        results: ListResults<ListedIdentity, InterconnectState>,
    ) {
        let Some((configured, account)) =
            self.provider
                .configured_for(&config.account_id, "in the list's config block", diags)
        else {
            return;
        };
        let filter = InterconnectFilter {
            site: config.site.as_ref_option().cloned(),
            kind: config.kind.as_ref_option().cloned(),
        };
        let api = configured.client.account(account.clone());
        let mut listing = std::pin::pin!(configured.client.interconnects(&account, &filter));
        let mut sent = 0;
        while sent < limit {
            let interconnect = match listing.next().await {
                None => return,
                Some(Ok(ic)) => ic,
                Some(Err(e)) => {
                    diag::api_error(diags, "Could not list interconnects", &e);
                    return;
                }
            };
            let identity = ListedIdentity {
                account_id: account.clone(),
                name: interconnect.name().to_owned(),
            };
            let resource = if include_object {
                let mut state = InterconnectState {
                    account_id: Value::Value(account.clone()),
                    ..Default::default()
                };
                state.apply_interconnect(&interconnect);
                state.apply_status(api.status(interconnect.name()).await.ok().as_ref());
                Some(state)
            } else {
                None
            };
            let listed = ListResult {
                identity,
                display_name: display_name(&interconnect),
                resource,
            };
            if !results.send(listed, diags).await {
                return; // Terraform has what it wants.
            }
            sent += 1;
        }
    }
}

/// The configuration that adopts an existing interconnect: the attributes its table marks as generated
/// (`type`, then `slot_id` and `speed` for a port, or `bandwidth` for an attachment), and `account_id`
/// when it is not `provider_account` (a list over another account); never computed values or keys.
pub fn generated_config(state: Json, provider_account: &Value<String>) -> Json {
    let mut config =
        attributes::generated_config(&attribute_table(), &state, &[("account_id", provider_account)]);
    config.insert("timeouts".into(), json!({"create": null, "delete": null}));
    Json::Object(config)
}
