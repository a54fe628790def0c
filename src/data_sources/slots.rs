//! `cni_slots`: the physical port positions a direct interconnect can occupy.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{DataSource, Diagnostics};

use crate::api::{Slot, SlotFilter};
use crate::attributes::{self, Attr, AttrType, Role};
use crate::context::ProviderContext;
use crate::diag;
use crate::shared::{check_account_id, facility_type, opt, FacilityValue, ACCOUNT_ID};

/// One slot in the result.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct SlotItem {
    /// The slot's UUID.
    pub id: Value<String>,
    /// The site.
    pub site: Value<String>,
    /// The speed it supports.
    pub speed: Value<String>,
    /// Whether an interconnect occupies it.
    pub occupied: Value<bool>,
    /// The account whose interconnect occupies it.
    pub account: Value<String>,
    /// The facility.
    pub facility: Value<FacilityValue>,
    /// The CCR device.
    pub ccr_device_name: Value<String>,
}

impl From<&Slot> for SlotItem {
    fn from(s: &Slot) -> Self {
        SlotItem {
            id: Value::Value(s.id.clone()),
            site: Value::Value(s.site.clone()),
            speed: Value::Value(s.speed.clone()),
            occupied: Value::Value(s.occupied),
            account: opt(s.account.as_deref()),
            facility: Value::Value(FacilityValue::from(&s.facility)),
            ccr_device_name: opt(s.ccr_device_name.as_deref()),
        }
    }
}

fn slot_type() -> AttributeType {
    AttributeType::Object(HashMap::from([
        ("id".to_owned(), AttributeType::String),
        ("site".to_owned(), AttributeType::String),
        ("speed".to_owned(), AttributeType::String),
        ("occupied".to_owned(), AttributeType::Bool),
        ("account".to_owned(), AttributeType::String),
        ("facility".to_owned(), facility_type()),
        ("ccr_device_name".to_owned(), AttributeType::String),
    ]))
}

/// Configuration and result of `cni_slots`.
#[derive(Serialize, Deserialize, Clone, Default)]
pub struct SlotsState {
    /// The account.
    pub account_id: Value<String>,
    /// Only this site.
    pub site: Value<String>,
    /// Only slots supporting this speed.
    pub speed: Value<String>,
    /// Only occupied or free slots.
    pub occupied: Value<bool>,
    /// Only slots whose address contains this text.
    pub address_contains: Value<String>,
    /// The result.
    pub slots: Value<Vec<SlotItem>>,
}

fn slot_list() -> AttributeType {
    AttributeType::List(Box::new(slot_type()))
}

/// The attributes of `cni_slots`.
pub(crate) const ATTRIBUTES: [Attr; 6] = [
    ACCOUNT_ID,
    Attr::new(
        "site",
        AttrType::String,
        Role::Optional,
        "Only slots at this Cloudflare site.",
    ),
    Attr::new(
        "speed",
        AttrType::String,
        Role::Optional,
        "Only slots that support this speed, e.g. `10G`.",
    ),
    Attr::new(
        "occupied",
        AttrType::Bool,
        Role::Optional,
        "Only occupied (true) or free (false) slots.",
    ),
    Attr::new(
        "address_contains",
        AttrType::String,
        Role::Optional,
        "Only slots whose facility address contains this text.",
    ),
    Attr::new(
        "slots",
        AttrType::Other(slot_list),
        Role::Computed,
        "The slots that match, following every page of the listing.",
    ),
];

/// The data source.
pub struct SlotsDataSource {
    provider: Arc<ProviderContext>,
}

impl SlotsDataSource {
    /// The data source, served by `provider`.
    pub fn new(provider: Arc<ProviderContext>) -> Self {
        SlotsDataSource { provider }
    }
}

#[async_trait]
impl DataSource for SlotsDataSource {
    type State<'a> = SlotsState;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: attributes::block(
                "Slots (physical port positions at Cloudflare facilities) that a direct interconnect can occupy, following every page.",
                &ATTRIBUTES,
                vec![],
            ),
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
        mut config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let api = self.provider.data_source_account(&config.account_id, diags)?;
        let filter = SlotFilter {
            site: config.site.as_ref_option().cloned(),
            speed: config.speed.as_ref_option().cloned(),
            occupied: config.occupied.as_ref_option().copied(),
            address_contains: config.address_contains.as_ref_option().cloned(),
        };
        match api.slots(&filter).await {
            Ok(slots) => {
                config.account_id = Value::Value(api.id().to_owned());
                config.slots = Value::Value(slots.iter().map(SlotItem::from).collect());
                Some(config)
            }
            Err(e) => {
                diag::api_error(diags, "Could not list slots", &e);
                None
            }
        }
    }
}
