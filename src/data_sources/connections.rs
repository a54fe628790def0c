//! `cni_connections`: every CNI object of an account (every page), optionally filtered by slot, tunnel
//! (by the API) or interconnect (here).

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{DataSource, Diagnostics};

use crate::api::CniFilter;
use crate::attributes::{self, Attr, AttrType, Nesting, Role};
use crate::context::{ProviderContext, NESTED_ATTRIBUTES_FLOOR};
use crate::diag;
use crate::shared::{
    check_account_id, check_uuid, connection_fields, ConnectionItem, ACCOUNT_ID, INTERCONNECT_FILTER,
    SLOT_FILTER,
};

/// Configuration and result of `cni_connections`.
#[derive(Serialize, Deserialize, Clone, Default)]
pub struct ConnectionsState {
    /// The account.
    pub account_id: Value<String>,
    /// Only the connections on the port in this slot.
    pub slot: Value<String>,
    /// Only the connections of this tunnel.
    pub tunnel_id: Value<String>,
    /// Only the connections on this interconnect.
    pub interconnect: Value<String>,
    /// The result.
    pub connections: Value<Vec<ConnectionItem>>,
}

/// The attributes of `cni_connections`.
pub(crate) const ATTRIBUTES: [Attr; 5] = [
    ACCOUNT_ID,
    SLOT_FILTER,
    Attr::new(
        "tunnel_id",
        AttrType::String,
        Role::Optional,
        "Only the connections of this tunnel.",
    ),
    INTERCONNECT_FILTER,
    Attr::new(
        "connections",
        AttrType::Nested(Nesting::List, connection_fields),
        Role::Computed,
        "The connections, in the API's order.",
    ),
];

/// The data source.
pub struct ConnectionsDataSource {
    provider: Arc<ProviderContext>,
}

impl ConnectionsDataSource {
    /// The data source, served by `provider`.
    pub fn new(provider: Arc<ProviderContext>) -> Self {
        ConnectionsDataSource { provider }
    }
}

#[async_trait]
impl DataSource for ConnectionsDataSource {
    type State<'a> = ConnectionsState;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 0,
            block: attributes::block(
                "Every connection (CNI object) of an account, following every page of the listing.",
                &ATTRIBUTES,
                vec![],
            ),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        if !self
            .provider
            .requires_terraform(diags, NESTED_ATTRIBUTES_FLOOR, "Data source cni_connections")
        {
            return Some(());
        }
        check_account_id(diags, &config.account_id);
        check_uuid(diags, &config.slot, "slot", "a slot's");
        attributes::reject_computed(diags, &ATTRIBUTES, &config);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        mut config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let api = self.provider.data_source_account(&config.account_id, diags)?;
        let filter = CniFilter {
            slot: config.slot.as_ref_option().cloned(),
            tunnel_id: config.tunnel_id.as_ref_option().cloned(),
        };
        let listed = match api.client().all_cnis(api.id(), &filter).await {
            Ok(listed) => listed,
            Err(e) => {
                diag::api_error(diags, "Could not list connections", &e);
                return None;
            }
        };
        let interconnect = config.interconnect.as_ref_option().cloned();
        let items = listed
            .iter()
            .filter(|c| interconnect.as_ref().is_none_or(|name| &c.interconnect == name))
            .map(ConnectionItem::from_api)
            .collect();
        config.account_id = Value::Value(api.id().to_owned());
        config.connections = Value::Value(items);
        Some(config)
    }
}
