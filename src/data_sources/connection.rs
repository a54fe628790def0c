//! `cni_connection`: one CNI object by its id.

use std::sync::Arc;

use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::value::ValueEmpty;
use tf_provider::{DataSource, Diagnostics};

use crate::attributes::{self, Attr, AttrType, Role};
use crate::context::{ProviderContext, NESTED_ATTRIBUTES_FLOOR};
use crate::diag;
use crate::shared::{check_account_id, check_uuid, connection_fields, ConnectionItem, ACCOUNT_ID};

/// The attributes of the `cni_connection` data source: every field of a connection, the id to look up
/// and the account configurable.
pub(crate) fn attribute_table() -> Vec<Attr> {
    connection_fields()
        .into_iter()
        .map(|field| match field.name {
            "id" => Attr::new("id", AttrType::String, Role::Required, "The connection's UUID."),
            "account_id" => ACCOUNT_ID,
            _ => field,
        })
        .collect()
}

/// The data source.
pub struct ConnectionDataSource {
    provider: Arc<ProviderContext>,
}

impl ConnectionDataSource {
    /// The data source, served by `provider`.
    pub fn new(provider: Arc<ProviderContext>) -> Self {
        ConnectionDataSource { provider }
    }
}

#[async_trait]
impl DataSource for ConnectionDataSource {
    type State<'a> = ConnectionItem;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 0,
            block: attributes::block(
                "One connection (a CNI object: the IP link, Magic conduit and BGP session over an interconnect), by id.",
                &attribute_table(),
                vec![],
            ),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        if !self
            .provider
            .requires_terraform(diags, NESTED_ATTRIBUTES_FLOOR, "Data source cni_connection")
        {
            return Some(());
        }
        check_account_id(diags, &config.account_id);
        check_uuid(diags, &config.id, "id", "a connection's");
        attributes::reject_computed(diags, &attribute_table(), &config);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let api = self.provider.data_source_account(&config.account_id, diags)?;
        let id = config.id.as_ref_option().cloned().unwrap_or_default();
        match api.client().get_cni(api.id(), &id).await {
            Ok(cni) => Some(ConnectionItem::from_api(&cni)),
            Err(e) => {
                diag::api_error(diags, format!("Could not read connection {id}"), &e);
                None
            }
        }
    }
}
