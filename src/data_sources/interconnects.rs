//! `cni_interconnects`: every interconnect of an account (every page), optionally filtered, optionally
//! with each one's status.

use std::sync::Arc;

use async_trait::async_trait;
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{DataSource, Diagnostics};

use crate::api::{AccountApi, ApiError, Interconnect, InterconnectFilter};
use crate::attributes::{self, Attr, AttrType, Role};
use crate::context::ProviderContext;
use crate::diag;
use crate::shared::{check_account_id, check_type_filter, InterconnectItem, ACCOUNT_ID};

/// How many status reads are in flight at once; the request budget paces them anyway.
const STATUS_CONCURRENCY: usize = 8;

/// Configuration and result of `cni_interconnects`.
#[derive(Serialize, Deserialize, Clone, Default)]
pub struct InterconnectsState {
    /// The account.
    pub account_id: Value<String>,
    /// Only this site.
    pub site: Value<String>,
    /// Only this type.
    #[serde(rename = "type")]
    pub kind: Value<String>,
    /// Whether to read each interconnect's status.
    pub include_status: Value<bool>,
    /// The result.
    pub interconnects: Value<Vec<InterconnectItem>>,
}

fn item_list() -> AttributeType {
    AttributeType::List(Box::new(InterconnectItem::object_type()))
}

/// The attributes of `cni_interconnects`.
pub(crate) const ATTRIBUTES: [Attr; 5] = [
    ACCOUNT_ID,
    Attr::new("site", AttrType::String, Role::Optional, "Only interconnects at this Cloudflare site."),
    Attr::new("type", AttrType::String, Role::Optional, "Only interconnects of this type: `direct` or `gcp_partner`."),
    Attr::new("include_status", AttrType::Bool, Role::Optional, "Also read each interconnect's status (one request each, within the provider's request budget). Default false."),
    Attr::new("interconnects", AttrType::Other(item_list), Role::Computed, "The interconnects, in the API's order; `status` and `status_reason` are null unless `include_status`."),
];

/// The data source.
pub struct InterconnectsDataSource {
    provider: Arc<ProviderContext>,
}

impl InterconnectsDataSource {
    /// The data source, served by `provider`.
    pub fn new(provider: Arc<ProviderContext>) -> Self {
        InterconnectsDataSource { provider }
    }
}

/// Checks the filters without calling the API.
pub fn validate_filters(config: &InterconnectsState, diags: &mut Diagnostics) {
    check_account_id(diags, &config.account_id);
    check_type_filter(diags, &config.kind);
    attributes::reject_computed(diags, &ATTRIBUTES, config);
}

/// Lists every page, then reads the statuses concurrently (paced by the client's budget) when asked.
pub async fn list_items(
    api: &AccountApi,
    filter: &InterconnectFilter,
    include_status: bool,
) -> Result<Vec<InterconnectItem>, ApiError> {
    let interconnects: Vec<Interconnect> = api.list(filter).await?;
    if !include_status {
        return Ok(interconnects
            .iter()
            .map(|ic| InterconnectItem::from_api(ic, None))
            .collect());
    }
    futures::stream::iter(interconnects)
        .map(|ic| async move {
            match api.status(ic.name()).await {
                Ok(status) => Ok(InterconnectItem::from_api(&ic, Some(&status))),
                // Deleted between the listing and the status read: keep it, without a status.
                Err(e) if e.is_not_found() => Ok(InterconnectItem::from_api(&ic, None)),
                Err(e) => Err(e),
            }
        })
        .buffered(STATUS_CONCURRENCY)
        .try_collect()
        .await
}

#[async_trait]
impl DataSource for InterconnectsDataSource {
    type State<'a> = InterconnectsState;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: attributes::block(
                "Every interconnect of an account, following every page of the API's listing.",
                &ATTRIBUTES,
                vec![],
            ),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        validate_filters(&config, diags);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        mut config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let api = self.provider.data_source_account(&config.account_id, diags)?;
        let filter = InterconnectFilter {
            site: config.site.as_ref_option().cloned(),
            kind: config.kind.as_ref_option().cloned(),
        };
        let include_status = config.include_status.as_ref_option().copied().unwrap_or(false);
        match list_items(&api, &filter, include_status).await {
            Ok(mut items) => {
                for item in &mut items {
                    item.account_id = Value::Value(api.id().to_owned());
                }
                config.account_id = Value::Value(api.id().to_owned());
                config.interconnects = Value::Value(items);
                Some(config)
            }
            Err(e) => {
                diag::api_error(diags, "Could not list interconnects", &e);
                None
            }
        }
    }
}
