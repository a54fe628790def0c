//! The provider's context, as resources and data sources receive it: the configured client and
//! settings (or why there are none yet), and the default account.

use std::sync::RwLock;
use std::time::Duration;

use tf_provider::value::Value;
use tf_provider::Diagnostics;
use tokio_util::sync::CancellationToken;

use crate::api::{AccountApi, Client};
use crate::diag;
use crate::interrupt::Interrupt;

/// A configured provider, as resources and data sources use it.
#[derive(Clone)]
pub struct Configured {
    /// The API client (shared budget and cancellation).
    pub client: Client,
    /// The provider's default account.
    pub account_id: Option<String>,
    /// The longest pause between status polls.
    pub poll_interval: Duration,
    /// Retries per request (also bounds create attempts after a reconciled ambiguous create).
    pub max_retries: usize,
}

enum Setup {
    NotYet,
    Deferred(Deferral),
    Ready(Configured),
}

/// A configuration that waits on values known only after apply.
pub struct Deferral {
    /// The attributes not known yet, for messages.
    pub unknown: String,
    /// The default account, when the configuration already tells it (known, or known to be absent).
    pub account_id: Value<String>,
}

/// The provider's context, handed to every resource and data source: whether and how the provider is
/// configured, and the interrupt token.
pub struct ProviderContext {
    interrupt: Interrupt,
    setup: RwLock<Setup>,
}

impl ProviderContext {
    /// The configured provider and the account an operation works on: its own `account_id`, else the
    /// provider's. An error diagnostic when the API cannot be reached yet, or when no account is known
    /// (saying to set it `where_set`, e.g. "on the data source").
    pub fn configured_for(
        &self,
        own_account: &Value<String>,
        where_set: &str,
        diags: &mut Diagnostics,
    ) -> Option<(Configured, String)> {
        let configured = self.configured(diags)?;
        match crate::shared::effective_account(own_account, &self.default_account()) {
            Value::Value(account) => Some((configured, account)),
            _ => {
                crate::shared::missing_account(diags, where_set);
                None
            }
        }
    }

    /// The endpoints of the account a data source reads: its own `account_id`, else the provider's. An
    /// error diagnostic when the API cannot be reached yet or no account is known.
    pub fn data_source_account(
        &self,
        own_account: &Value<String>,
        diags: &mut Diagnostics,
    ) -> Option<AccountApi> {
        let (configured, account) = self.configured_for(own_account, "on the data source", diags)?;
        Some(configured.client.account(account))
    }

    /// The configured provider, or an error diagnostic when the API cannot be reached yet.
    pub fn configured(&self, diags: &mut Diagnostics) -> Option<Configured> {
        let setup = self.setup.read().unwrap_or_else(|p| p.into_inner());
        match &*setup {
            Setup::Ready(configured) => Some(configured.clone()),
            Setup::Deferred(Deferral { unknown: what, .. }) => {
                diag::error(
                    diags,
                    "Provider configuration not known yet",
                    format!(
                        "The provider's {what} depends on values that are only known after apply, so the API \
                         cannot be called yet. Apply the resources it depends on first (terraform apply -target=...)."
                    ),
                    None,
                );
                None
            }
            Setup::NotYet => {
                diag::error(
                    diags,
                    "Provider not configured",
                    "The provider was used before it was configured.",
                    None,
                );
                None
            }
        }
    }

    /// Whether the configuration waits on values known only after apply (during such a plan, existing
    /// objects cannot be read and are kept as they are).
    pub fn is_deferred(&self) -> bool {
        let setup = self.setup.read().unwrap_or_else(|p| p.into_inner());
        matches!(&*setup, Setup::Deferred(_))
    }

    /// The provider's default account: known (possibly null), or unknown while its config is deferred.
    pub fn default_account(&self) -> Value<String> {
        let setup = self.setup.read().unwrap_or_else(|p| p.into_inner());
        match &*setup {
            Setup::Ready(c) => c.account_id.clone().into(),
            Setup::Deferred(deferral) => deferral.account_id.clone(),
            Setup::NotYet => Value::Null,
        }
    }

    /// A context not configured yet, whose operations end when `interrupt` stops them (SIGINT,
    /// StopProvider).
    pub fn new(interrupt: Interrupt) -> Self {
        ProviderContext {
            interrupt,
            setup: RwLock::new(Setup::NotYet),
        }
    }

    /// The token the operations starting now watch (renewed after each stop).
    pub fn cancellation(&self) -> CancellationToken {
        self.interrupt.current()
    }

    /// The provider is configured.
    pub fn set_ready(&self, configured: Configured) {
        self.set(Setup::Ready(configured));
    }

    /// The provider's configuration waits on values known only after apply.
    pub fn set_deferred(&self, deferral: Deferral) {
        self.set(Setup::Deferred(deferral));
    }

    fn set(&self, setup: Setup) {
        *self.setup.write().unwrap_or_else(|p| p.into_inner()) = setup;
    }
}
