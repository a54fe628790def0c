//! `cni_settings`: the account's CNI settings (its `default_asn`).

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{DataSource, Diagnostics};

use crate::attributes::{self, Attr, AttrType, Role};
use crate::context::ProviderContext;
use crate::diag;
use crate::shared::{check_account_id, Number, ACCOUNT_ID};

/// The attributes of the `cni_settings` data source.
pub const ATTRIBUTES: [Attr; 2] = [
    ACCOUNT_ID,
    Attr::new(
        "default_asn",
        AttrType::Number,
        Role::Computed,
        "The account's default ASN.",
    ),
];

/// The data source's configuration and state.
#[derive(Serialize, Deserialize, Clone, Default, Debug)]
pub struct SettingsDataState {
    /// The account.
    pub account_id: Value<String>,
    /// The default ASN.
    pub default_asn: Value<Number>,
}

/// The data source.
pub struct SettingsDataSource {
    provider: Arc<ProviderContext>,
}

impl SettingsDataSource {
    /// The data source, served by `provider`.
    pub fn new(provider: Arc<ProviderContext>) -> Self {
        SettingsDataSource { provider }
    }
}

#[async_trait]
impl DataSource for SettingsDataSource {
    type State<'a> = SettingsDataState;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 0,
            block: attributes::block("The account's CNI settings.", &ATTRIBUTES, vec![]),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        check_account_id(diags, &config.account_id);
        attributes::reject_computed(diags, &ATTRIBUTES, &config);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let api = self.provider.data_source_account(&config.account_id, diags)?;
        match api.client().settings(api.id()).await {
            Ok(settings) => Some(SettingsDataState {
                account_id: Value::Value(api.id().to_owned()),
                default_asn: Value::Value(Number(f64::from(settings.default_asn))),
            }),
            Err(e) => {
                diag::api_error(
                    diags,
                    format!("Could not read the CNI settings of account {}", api.id()),
                    &e,
                );
                None
            }
        }
    }
}
