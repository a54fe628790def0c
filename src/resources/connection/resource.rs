//! `ConnectionResource`: tf-provider's `Resource` for `cni_connection`, each method delegating to
//! `plan`, `apply` or `state`.

use std::sync::Arc;

use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::value::ValueEmpty;
use tf_provider::{AttributePath, Diagnostics, Resource};

use super::list::generated_config;
use super::md5;
use super::plan::{plan_change, plan_new, validate_config};
use super::state::{identity, imported, parse_import_id, schema, ConnectionPrivate, ConnectionState};
use crate::context::{ProviderContext, NESTED_ATTRIBUTES_FLOOR};
use crate::diag;
use crate::plugin::handlers::Identity;
use crate::plugin::typed::{ConfigGenerator, Declares};

/// What Terraform is told when it is too old for the nested attributes.
const WHAT: &str = "Resource cni_connection";

/// The resource.
pub struct ConnectionResource {
    pub(super) provider: Arc<ProviderContext>,
}

impl ConnectionResource {
    /// The resource, served by `provider`.
    pub fn new(provider: Arc<ProviderContext>) -> Self {
        ConnectionResource { provider }
    }
}

#[async_trait]
impl Resource for ConnectionResource {
    type State<'a> = ConnectionState;
    type PrivateState<'a> = Option<ConnectionPrivate>;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        if self
            .provider
            .requires_terraform(diags, NESTED_ATTRIBUTES_FLOOR, WHAT)
        {
            validate_config(&config, diags);
        }
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        self.refresh(diags, (state, private)).await
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State<'a>,
        config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let planned = plan_new(proposed, &config, &self.provider.default_account(), diags);
        Some((planned, None))
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State<'a>,
        proposed: Self::State<'a>,
        config: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>, Vec<AttributePath>)> {
        let provider_account = self.provider.default_account();
        let sent = private.as_ref().and_then(|p| p.md5_key_sha256.as_deref());
        md5::warn_of_a_key_changed_without_its_version(&prior, &config, sent, diags);
        let (planned, replace) = plan_change(&prior, proposed, &config, &provider_account, diags);
        Some((planned, private, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::PrivateState<'a>> {
        Some(private)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State<'a>,
        config: Self::State<'a>,
        _private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        self.create_connection(diags, &planned, &config).await
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State<'a>,
        planned: Self::State<'a>,
        config: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        Some(
            self.update_connection(diags, (prior, private), &planned, &config)
                .await,
        )
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        state: Self::State<'a>,
        _private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<()> {
        self.delete_connection(diags, &state).await
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        if !self
            .provider
            .requires_terraform(diags, NESTED_ATTRIBUTES_FLOOR, WHAT)
        {
            return None;
        }
        let provider_account = self.provider.default_account().as_option();
        match parse_import_id(&id, provider_account.as_deref()) {
            Ok((account, id)) => Some((imported(account, id), None)),
            Err(e) => {
                diag::error(diags, "Invalid import ID", e, None);
                None
            }
        }
    }
}

impl Declares for ConnectionResource {
    fn write_only(&self) -> Vec<(String, String)> {
        vec![("md5_key_wo".to_owned(), "bgp.md5_key".to_owned())]
    }

    fn identity(&self) -> Option<Identity> {
        Some(identity())
    }

    fn config_generator(&self) -> Option<ConfigGenerator> {
        let provider = Arc::clone(&self.provider);
        Some(Arc::new(move |stored| {
            generated_config(stored, &provider.default_account())
        }))
    }
}
