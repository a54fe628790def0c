//! `cni_interconnect`: one interconnect by name, with its status.

use std::sync::Arc;

use async_trait::async_trait;
use tf_provider::schema::{AttributeConstraint, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{DataSource, Diagnostics};

use crate::context::ProviderContext;
use crate::diag;
use crate::tf_types::{
    account_id_attr, block, check_account_id, reject_computed_in_config, string_attr, typed_attr,
    InterconnectItem,
};

/// The data source.
pub struct InterconnectDataSource {
    provider: Arc<ProviderContext>,
}

impl InterconnectDataSource {
    /// The data source, served by `provider`.
    pub fn new(provider: Arc<ProviderContext>) -> Self {
        InterconnectDataSource { provider }
    }
}

#[async_trait]
impl DataSource for InterconnectDataSource {
    type State<'a> = InterconnectItem;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        use AttributeConstraint::{Computed, Required};
        let attributes = InterconnectItem::fields()
            .into_iter()
            .map(|(name, attr_type, description)| {
                let attribute = match name {
                    "name" => string_attr(Required, "The interconnect's name."),
                    "account_id" => account_id_attr(),
                    _ => typed_attr(attr_type, Computed, description),
                };
                (name, attribute)
            })
            .collect();
        Some(Schema {
            version: 1,
            block: block("One interconnect, by name, with its current status.", attributes),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        check_account_id(diags, &config.account_id);
        if let Value::Value(name) = &config.name {
            if name.trim().is_empty() || name.contains('/') {
                diag::error(
                    diags,
                    "Invalid name",
                    format!("{name:?} is not an interconnect name."),
                    diag::attr("name"),
                );
            }
        }
        let computed: Vec<(&'static str, bool)> = config
            .non_null_fields()
            .into_iter()
            .filter(|(name, _)| !matches!(*name, "name" | "account_id"))
            .collect();
        reject_computed_in_config(diags, &computed);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let (configured, account) = super::connect(&self.provider, &config.account_id, diags)?;
        let name = config.name.as_ref_option().cloned().unwrap_or_default();
        let client = &configured.client;
        let interconnect = match client.get_interconnect(&account, &name).await {
            Ok(ic) => ic,
            Err(e) => {
                diag::api_error(diags, format!("Could not read interconnect {name}"), &e);
                return None;
            }
        };
        let status = match client.interconnect_status(&account, &name).await {
            Ok(status) => status,
            Err(e) => {
                diag::api_error(
                    diags,
                    format!("Could not read the status of interconnect {name}"),
                    &e,
                );
                return None;
            }
        };
        let mut item = InterconnectItem::from_api(&interconnect, Some(&status));
        item.account_id = Value::Value(account);
        Some(item)
    }
}
