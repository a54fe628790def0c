//! `cni_interconnect_loa`: the Letter of Authorization of a direct port, to order its cross-connect.
//!
//! The API generates the document on each call, so its bytes (and hash) may differ between reads.

use std::sync::Arc;

use async_trait::async_trait;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{DataSource, Diagnostics};

use crate::attributes::{self, Attr, AttrType, Role};
use crate::context::ProviderContext;
use crate::diag;
use crate::shared::{check_account_id, ACCOUNT_ID};

/// The longest custom name the API accepts on the letter.
pub const MAX_LOA_NAME_CHARS: usize = 200;

/// Configuration and result of `cni_interconnect_loa`.
#[derive(Serialize, Deserialize, Clone, Default)]
pub struct LoaState {
    /// The account.
    pub account_id: Value<String>,
    /// The interconnect's name.
    pub name: Value<String>,
    /// A custom name printed on the letter instead of the account's.
    pub loa_name: Value<String>,
    /// The document, base64.
    pub content_base64: Value<String>,
    /// Its content type.
    pub content_type: Value<String>,
    /// The hex SHA-256 of the document.
    pub sha256: Value<String>,
}

/// The attributes of `cni_interconnect_loa`.
pub(crate) const ATTRIBUTES: [Attr; 6] = [
    ACCOUNT_ID,
    Attr::new(
        "name",
        AttrType::String,
        Role::Required,
        "The direct interconnect's name.",
    )
    .checked(crate::shared::an_interconnect_name),
    Attr::new(
        "loa_name",
        AttrType::String,
        Role::Optional,
        "A custom name printed on the letter instead of the account name (at most 200 characters).",
    ),
    Attr::new(
        "content_base64",
        AttrType::String,
        Role::Computed,
        "The document, base64-encoded.",
    ),
    Attr::new(
        "content_type",
        AttrType::String,
        Role::Computed,
        "The document's content type, normally `application/pdf`.",
    ),
    Attr::new(
        "sha256",
        AttrType::String,
        Role::Computed,
        "The hex SHA-256 of the document.",
    ),
];

/// The data source.
pub struct LoaDataSource {
    provider: Arc<ProviderContext>,
}

impl LoaDataSource {
    /// The data source, served by `provider`.
    pub fn new(provider: Arc<ProviderContext>) -> Self {
        LoaDataSource { provider }
    }
}

#[async_trait]
impl DataSource for LoaDataSource {
    type State<'a> = LoaState;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: attributes::block(
                "The Letter of Authorization (a PDF) of a direct interconnect, to order its cross-connect from the facility. \
                 The API generates it on every read, so `content_base64` and `sha256` may change between runs; \
                 write it out with `local_file` or use it directly rather than tracking its hash.",
                &ATTRIBUTES,
                vec![],
            ),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        check_account_id(diags, &config.account_id);
        if let Some(detail) = config
            .name
            .as_ref_option()
            .and_then(|name| crate::shared::name_error(name, "name"))
        {
            diag::error(diags, "Invalid name", detail, diag::attr("name"));
        }
        if let Value::Value(loa_name) = &config.loa_name {
            if loa_name.chars().count() > MAX_LOA_NAME_CHARS {
                diag::error(
                    diags,
                    "loa_name too long",
                    format!(
                        "loa_name has {} characters; the API accepts at most {MAX_LOA_NAME_CHARS}.",
                        loa_name.chars().count()
                    ),
                    diag::attr("loa_name"),
                );
            }
        }
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
        let name = config.name.as_ref_option().cloned().unwrap_or_default();
        let loa_name = config.loa_name.as_ref_option().cloned();
        match api.loa(&name, loa_name.as_deref()).await {
            Ok(loa) => {
                config.account_id = Value::Value(api.id().to_owned());
                config.content_base64 =
                    Value::Value(base64::engine::general_purpose::STANDARD.encode(&loa.content));
                config.sha256 = Value::Value(hex::encode(Sha256::digest(&loa.content)));
                config.content_type = Value::Value(loa.content_type);
                Some(config)
            }
            Err(e) => {
                diag::api_error(diags, format!("Could not get the LOA of interconnect {name}"), &e);
                None
            }
        }
    }
}
