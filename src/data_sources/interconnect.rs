//! `cni_interconnect`: one interconnect by name, with its status.

use std::sync::Arc;

use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{DataSource, Diagnostics};

use crate::attributes::{self, Attr, AttrType, Role};
use crate::context::ProviderContext;
use crate::diag;
use crate::shared::{check_account_id, InterconnectItem, ACCOUNT_ID, ITEM_FIELDS};

/// The attributes of the `cni_interconnect` data source: every field of an interconnect, the name
/// to look up and the account configurable.
pub(crate) fn attribute_table() -> Vec<Attr> {
    ITEM_FIELDS
        .iter()
        .map(|field| match field.name {
            "name" => Attr::new(
                "name",
                AttrType::String,
                Role::Required,
                "The interconnect's name.",
            )
            .checked(crate::shared::an_interconnect_name),
            "account_id" => ACCOUNT_ID,
            _ => *field,
        })
        .collect()
}

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
        Some(Schema {
            version: 1,
            block: attributes::block(
                "One interconnect, by name, with its current status.",
                &attribute_table(),
                vec![],
            ),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        check_account_id(diags, &config.account_id);
        if let Value::Value(name) = &config.name {
            if crate::shared::name_error(name, "name").is_some() {
                diag::error(
                    diags,
                    "Invalid name",
                    format!("{name:?} is not an interconnect name."),
                    diag::attr("name"),
                );
            }
        }
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
        let name = config.name.as_ref_option().cloned().unwrap_or_default();
        let interconnect = match api.get(&name).await {
            Ok(ic) => ic,
            Err(e) => {
                diag::api_error(diags, format!("Could not read interconnect {name}"), &e);
                return None;
            }
        };
        let status = match api.status(&name).await {
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
        item.account_id = Value::Value(api.id().to_owned());
        Some(item)
    }
}
