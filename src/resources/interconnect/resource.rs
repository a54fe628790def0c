//! `InterconnectResource`: tf-provider's `Resource` for `cni_interconnect`, each method delegating to
//! `validate`, `plan`, `apply` or `import`.

use std::sync::Arc;

use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostics, Resource};

use super::list::generated_config;
use super::plan::{
    configured_key, pairing_key_verdict, plan_change, plan_new, reuses_its_key, single_use_key_warning,
    KeyVerdict,
};
use super::state::*;
use super::validate::validate_config;
use crate::context::ProviderContext;
use crate::diag;
use crate::plugin::handlers::Identity;
use crate::plugin::typed::{ConfigGenerator, Declares};

/// The resource.
pub struct InterconnectResource {
    pub(super) provider: Arc<ProviderContext>,
}

impl InterconnectResource {
    /// The resource, served by `provider`.
    pub fn new(provider: Arc<ProviderContext>) -> Self {
        InterconnectResource { provider }
    }
}

#[async_trait]
impl Resource for InterconnectResource {
    type State<'a> = InterconnectState;
    type PrivateState<'a> = Option<Private>;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        validate_config(&config, diags);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        self.refresh(diags, state, private).await
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State<'a>,
        _config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let planned = plan_new(proposed, &self.provider.default_account(), diags);
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
        let (mut planned, mut replace) =
            plan_change(&prior, proposed, &config, &self.provider.default_account());
        let known_key = private.as_ref().and_then(|p| p.pairing_key_sha256.as_deref());
        match pairing_key_verdict(&prior, &planned, &config, known_key) {
            KeyVerdict::Same | KeyVerdict::Untold => {}
            KeyVerdict::Replace(path) => {
                if replace.is_empty() {
                    planned.mark_computed_unknown();
                    if config.speed.is_null() {
                        planned.speed = Value::Unknown;
                    }
                }
                if !replace.contains(&path) {
                    replace.push(path);
                }
            }
            KeyVerdict::NeedsVersionBump => diag::warning(
                diags,
                "pairing_key_wo changed without pairing_key_wo_version",
                "The write-only pairing key differs from the one this attachment was created with, but \
                 pairing_key_wo_version did not change, so nothing is planned. Change pairing_key_wo_version \
                 to create the attachment anew with the new key.",
                diag::attr("pairing_key_wo_version"),
            ),
        }
        if !replace.is_empty() && reuses_its_key(&prior, &config, known_key) {
            single_use_key_warning(diags);
        }
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
        let configured = self.provider.configured(diags)?;
        let (state, private) = self.create_and_wait(diags, &configured, planned, &config).await?;
        Some((state, Some(private)))
    }

    async fn update<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: Self::State<'a>,
        planned: Self::State<'a>,
        config: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        // Only wait_for_healthy, skip_destroy, timeouts (and values adopted after an import) change in
        // place: none of them exists in the API. A key given after an import is remembered, so that a
        // different one later replaces the attachment whichever argument carries it.
        let mut private = private.unwrap_or_default();
        if private.pairing_key_sha256.is_none() {
            private.pairing_key_sha256 = configured_key(&config).map(key_digest);
        }
        Some((planned, Some(private)))
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        state: Self::State<'a>,
        _private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<()> {
        self.delete(diags, state).await
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        self.import_by_id(diags, id)
    }
}

impl Declares for InterconnectResource {
    fn write_only(&self) -> Vec<(String, String)> {
        write_only_attributes()
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
