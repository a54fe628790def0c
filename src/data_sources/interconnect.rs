//! `cni_interconnect`: one interconnect by name, with its status.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeConstraint, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{DataSource, Diagnostics};

use crate::diag;
use crate::provider::ProviderState;
use crate::tf_types::{
    block, check_account_id, facility_type, reject_computed_in_config, string_attr, typed_attr,
    FacilityValue, InterconnectItem, COMPUTED_INTERCONNECT_ATTRIBUTES,
};

/// Configuration and result of `cni_interconnect`.
#[derive(Serialize, Deserialize, Clone, Default)]
pub struct InterconnectLookup {
    /// The account.
    pub account_id: Value<String>,
    /// The interconnect's name.
    pub name: Value<String>,
    /// The name again (the data source's id).
    pub id: Value<String>,
    /// The type.
    #[serde(rename = "type")]
    pub kind: Value<String>,
    /// The slot (direct).
    pub slot_id: Value<String>,
    /// Speed or bandwidth.
    pub speed: Value<String>,
    /// The owner.
    pub owner: Value<String>,
    /// The site.
    pub site: Value<String>,
    /// The GCP region.
    pub region: Value<String>,
    /// The facility.
    pub facility: Value<FacilityValue>,
    /// The Magic Transit correlation id.
    pub virtual_port_reservation_id: Value<String>,
    /// The CCR device.
    pub ccr_device_name: Value<String>,
    /// The status.
    pub status: Value<String>,
    /// The reason of a `Down`/`Unhealthy` status.
    pub status_reason: Value<String>,
}

impl InterconnectLookup {
    fn fill(&mut self, item: InterconnectItem) {
        self.id = item.name;
        self.account_id = item.account_id;
        self.kind = item.kind;
        self.slot_id = item.slot_id;
        self.speed = item.speed;
        self.owner = item.owner;
        self.site = item.site;
        self.region = item.region;
        self.facility = item.facility;
        self.virtual_port_reservation_id = item.virtual_port_reservation_id;
        self.ccr_device_name = item.ccr_device_name;
        self.status = item.status;
        self.status_reason = item.status_reason;
    }
}

/// The data source.
pub struct InterconnectDataSource {
    provider: Arc<ProviderState>,
}

impl InterconnectDataSource {
    /// The data source, served by `provider`.
    pub fn new(provider: Arc<ProviderState>) -> Self {
        InterconnectDataSource { provider }
    }
}

#[async_trait]
impl DataSource for InterconnectDataSource {
    type State<'a> = InterconnectLookup;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        use AttributeConstraint::{Computed, OptionalComputed, Required};
        let mut attributes = vec![
            (
                "account_id",
                string_attr(
                    OptionalComputed,
                    "The account; defaults to the provider's `account_id`.",
                ),
            ),
            ("name", string_attr(Required, "The interconnect's name.")),
            ("id", string_attr(Computed, "The interconnect's name.")),
            ("type", string_attr(Computed, "`direct` or `gcp_partner`.")),
            ("slot_id", string_attr(Computed, "The slot of a direct port.")),
            (
                "speed",
                string_attr(Computed, "The port speed, or the attachment's bandwidth."),
            ),
            (
                "facility",
                typed_attr(facility_type(), Computed, "The facility of a direct port."),
            ),
        ];
        attributes.extend(
            COMPUTED_INTERCONNECT_ATTRIBUTES
                .iter()
                .filter(|(name, _)| *name != "name")
                .map(|(name, description)| (*name, string_attr(Computed, description))),
        );
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
        reject_computed_in_config(
            diags,
            &[
                ("id", !config.id.is_null()),
                ("type", !config.kind.is_null()),
                ("slot_id", !config.slot_id.is_null()),
                ("speed", !config.speed.is_null()),
                ("owner", !config.owner.is_null()),
                ("site", !config.site.is_null()),
                ("region", !config.region.is_null()),
                ("facility", !config.facility.is_null()),
                (
                    "virtual_port_reservation_id",
                    !config.virtual_port_reservation_id.is_null(),
                ),
                ("ccr_device_name", !config.ccr_device_name.is_null()),
                ("status", !config.status.is_null()),
                ("status_reason", !config.status_reason.is_null()),
            ],
        );
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        mut config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let configured = self.provider.configured(diags)?;
        let account = super::account_for(&self.provider, &config.account_id, diags)?;
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
        config.fill(InterconnectItem::from_api(&interconnect, Some(&status)));
        Some(config)
    }
}
