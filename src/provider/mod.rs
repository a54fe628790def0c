//! The `cni` provider: its configuration, how it resolves against environment variables, and the
//! client it hands to the resource and data sources.
//!
//! `resolve` turns the provider block and the `CLOUDFLARE_*` variables into settings (raw → resolved →
//! ready); this file declares the block and configures the client from the settings.

use std::collections::HashMap;
use std::sync::Arc;

use crate::interrupt::Interrupt;
use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::value::Value;
use tf_provider::{Diagnostics, DynamicDataSource, DynamicResource, Provider};

use crate::api::{self, Client, ClientConfig, RetryPolicy};
use crate::attributes::{self, Attr, AttrType, Role};
use crate::context::{Configured, ProviderContext};
use crate::diag;
use crate::shared::{check_account_id, duration_text};

mod resolve;

use resolve::{check_numbers, system_env, DEFAULT_POLL_INTERVAL};
pub use resolve::{resolve, ProviderConfig, Resolved, Settings};

/// The provider block's attributes.
pub(crate) const ATTRIBUTES: [Attr; 9] = [
    Attr::new("api_token", AttrType::String, Role::Optional, "API token with a Magic WAN or Magic Transit permission. Env: `CLOUDFLARE_API_TOKEN`. Use either this or `api_key` + `email`.").sensitive(),
    Attr::new("api_key", AttrType::String, Role::Optional, "Legacy global API key. Env: `CLOUDFLARE_API_KEY`. Needs `email`.").sensitive(),
    Attr::new("email", AttrType::String, Role::Optional, "The e-mail of the account that `api_key` belongs to. Env: `CLOUDFLARE_EMAIL`."),
    Attr::new("base_url", AttrType::String, Role::Optional, "The API root. Env: `CLOUDFLARE_BASE_URL`. `http://` is accepted only for loopback hosts (127.0.0.0/8, ::1, localhost).")
        .defaults_to(|| api::DEFAULT_BASE_URL.to_owned()),
    Attr::new("account_id", AttrType::String, Role::Optional, "The default account of every resource and data source. Env: `CLOUDFLARE_ACCOUNT_ID`."),
    Attr::new("max_retries", AttrType::Number, Role::Optional, "Retries of a failed request that is safe to retry (connection errors, 408, 429, 5xx). A whole number from 0 to 20.")
        .defaults_to(|| api::DEFAULT_MAX_RETRIES.to_string()),
    Attr::new("requests_per_second", AttrType::Number, Role::Optional, "A hard cap on the requests per second of everything this provider process does, from 0.001 to 10000, and the pace while the API reports no quota. Unset, the budget follows the quota the API reports on every answer (as fast as Terraform asks while more than 10 % is left, paced until the reset below that, never over it), and spaces requests at 4 a second while the API reports none."),
    Attr::new("poll_interval", AttrType::String, Role::Optional, "The longest pause between two status polls while waiting; polls start fast and back off to this. At most 366 days.")
        .defaults_to(|| duration_text(DEFAULT_POLL_INTERVAL)),
    Attr::new("request_timeout", AttrType::String, Role::Optional, "How long one HTTP request may take before it counts as failed (and is retried if safe). At most 366 days.")
        .defaults_to(|| duration_text(api::DEFAULT_REQUEST_TIMEOUT)),
];

/// The provider.
pub struct CniProvider {
    context: Arc<ProviderContext>,
}

impl CniProvider {
    /// A provider whose waits end when `interrupt` stops them (SIGINT, StopProvider).
    pub fn new(interrupt: Interrupt) -> Self {
        CniProvider {
            context: Arc::new(ProviderContext::new(interrupt)),
        }
    }

    /// The context it configures, to hand to resources and data sources.
    pub fn context(&self) -> Arc<ProviderContext> {
        self.context.clone()
    }

    fn build(&self, settings: Settings, terraform_version: &str) -> Result<Configured, api::ConfigError> {
        let mut config = ClientConfig::new(settings.base_url, settings.auth);
        config.user_agent = user_agent(terraform_version);
        config.retry = RetryPolicy {
            max_retries: settings.max_retries,
            ..RetryPolicy::default()
        };
        config.requests_per_second = settings.requests_per_second;
        config.request_timeout = settings.request_timeout;
        // The token of this command's operations: a stop during it ends them, not the next command's.
        config.cancel = self.context.cancellation();
        Ok(Configured {
            client: Client::new(config)?,
            account_id: settings.account_id,
            poll_interval: settings.poll_interval,
            max_retries: settings.max_retries,
        })
    }
}

/// `terraform-provider-cni/<version> terraform/<version>`.
pub fn user_agent(terraform_version: &str) -> String {
    let base = api::default_user_agent();
    if terraform_version.trim().is_empty() {
        base
    } else {
        format!("{base} terraform/{}", terraform_version.trim())
    }
}

#[async_trait]
impl Provider for CniProvider {
    type Config<'a> = ProviderConfig;
    type MetaState<'a> = tf_provider::value::ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: attributes::block(
                "The `cni` provider manages Cloudflare Network Interconnects.",
                &ATTRIBUTES,
                vec![],
            ),
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Config<'a>) -> Option<()> {
        if let Value::Value(url) = &config.base_url {
            if let Err(e) = api::check_base_url(url) {
                diag::error(diags, "Invalid base_url", e.to_string(), diag::attr("base_url"));
            }
        }
        check_account_id(diags, &config.account_id);
        if config.api_token.is_value() && config.api_key.is_value() {
            diag::error(
                diags,
                "Ambiguous credentials",
                "Set either api_token, or api_key and email, not both.",
                diag::attr("api_token"),
            );
        }
        check_numbers(&config, diags);
        Some(())
    }

    async fn configure<'a>(
        &self,
        diags: &mut Diagnostics,
        terraform_version: String,
        config: Self::Config<'a>,
    ) -> Option<()> {
        self.context.set_terraform_version(&terraform_version);
        match resolve(&config, &system_env, diags)? {
            Resolved::Deferred(deferral) => {
                tracing::info!(
                    "provider configuration depends on unknown values ({}); API calls are deferred",
                    deferral.unknown
                );
                self.context.set_deferred(deferral);
            }
            Resolved::Ready(settings) => match self.build(settings, &terraform_version) {
                Ok(configured) => self.context.set_ready(configured),
                Err(e) => {
                    diag::error(diags, "Invalid provider configuration", e.to_string(), None);
                    return None;
                }
            },
        }
        Some(())
    }

    /// The types are served through [`crate::registry`], which hands each the provider's context.
    fn get_resources(&self, _diags: &mut Diagnostics) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        Some(HashMap::new())
    }

    /// See [`Provider::get_resources`].
    fn get_data_sources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        Some(HashMap::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_described_with_the_numbers_the_code_uses() {
        let budget = ATTRIBUTES
            .iter()
            .find(|a| a.name == "requests_per_second")
            .map(|a| a.description)
            .unwrap_or_default();
        for number in [
            format!("{} a second", api::FIXED_REQUESTS_PER_SECOND),
            format!("{} %", api::RESERVE_SHARE * 100.0),
        ] {
            assert!(budget.contains(&number), "{number} in {budget}");
        }
    }

    #[test]
    fn the_config_struct_and_the_attribute_table_declare_the_same_attributes() {
        let (declared, fields) = attributes::names(&ATTRIBUTES, &[], &ProviderConfig::default());
        assert_eq!(declared, fields);
    }

    #[test]
    fn the_user_agent_names_the_terraform_version() {
        let ua = user_agent("1.0.3");
        assert!(
            ua.starts_with("terraform-provider-cni/") && ua.ends_with(" terraform/1.0.3"),
            "{ua}"
        );
        assert!(!user_agent("").contains("terraform/"));
    }
}
