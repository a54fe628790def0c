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
    terraform: RwLock<Option<TerraformVersion>>,
}

/// A Terraform version, as `major.minor` (what floors are stated in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TerraformVersion(pub u64, pub u64);

impl TerraformVersion {
    /// The `major.minor` of a version string such as `1.0.3` or `1.15.0-beta1`; `None` when it is not one.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().trim_start_matches('v').split(['.', '-']);
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        Some(TerraformVersion(major, minor))
    }
}

impl std::fmt::Display for TerraformVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// The oldest Terraform a type works with, and why.
#[derive(Clone, Copy, Debug)]
pub struct TerraformFloor {
    /// The oldest version that works.
    pub minimum: TerraformVersion,
    /// What older versions get wrong.
    pub why: &'static str,
}

/// The floor of every type with nested attributes: Terraform 1.0 parses them but crashes or errs when it
/// plans, reads back or traverses them.
pub const NESTED_ATTRIBUTES_FLOOR: TerraformFloor = TerraformFloor {
    minimum: TerraformVersion(1, 1),
    why: "Terraform 1.0 crashes on nested attributes when it plans a new object or reads one back \
          (hashicorp/terraform#29388, #29697), and cannot refer to their fields",
};

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
            terraform: RwLock::new(None),
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

    /// The Terraform that configured the provider (`ConfigureProvider` tells it, whatever the
    /// configuration's outcome).
    pub fn set_terraform_version(&self, version: &str) {
        *self.terraform.write().unwrap_or_else(|p| p.into_inner()) = TerraformVersion::parse(version);
    }

    /// Whether the Terraform that runs is at least `floor`; when it is known to be older, an error
    /// diagnostic saying that `what` needs the newer one, and why. Before the provider is configured
    /// (Terraform's validate walk) the version is unknown and nothing is refused: the plan refuses.
    pub fn requires_terraform(&self, diags: &mut Diagnostics, floor: TerraformFloor, what: &str) -> bool {
        let known = *self.terraform.read().unwrap_or_else(|p| p.into_inner());
        match known {
            Some(version) if version < floor.minimum => {
                diag::error(
                    diags,
                    format!("{what} needs Terraform {} or later", floor.minimum),
                    format!(
                        "This is Terraform {version}: {}. Upgrade Terraform to {} or later.",
                        floor.why, floor.minimum
                    ),
                    None,
                );
                false
            }
            _ => true,
        }
    }

    fn set(&self, setup: Setup) {
        *self.setup.write().unwrap_or_else(|p| p.into_inner()) = setup;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_major_and_minor() {
        assert_eq!(TerraformVersion::parse("1.0.3"), Some(TerraformVersion(1, 0)));
        assert_eq!(
            TerraformVersion::parse("1.15.0-beta1"),
            Some(TerraformVersion(1, 15))
        );
        assert_eq!(TerraformVersion::parse(""), None);
        assert!(TerraformVersion(1, 0) < NESTED_ATTRIBUTES_FLOOR.minimum);
        assert!(TerraformVersion(1, 15) > NESTED_ATTRIBUTES_FLOOR.minimum);
    }

    #[test]
    fn an_older_terraform_is_refused_with_the_floor_and_the_reason() {
        let context = ProviderContext::new(Interrupt::new());
        let mut diags = Diagnostics::default();
        assert!(context.requires_terraform(&mut diags, NESTED_ATTRIBUTES_FLOOR, "Resource cni_connection"));
        context.set_terraform_version("1.0.3");
        assert!(!context.requires_terraform(&mut diags, NESTED_ATTRIBUTES_FLOOR, "Resource cni_connection"));
        let text = format!("{:?}", diags.errors);
        assert!(
            text.contains("Resource cni_connection needs Terraform 1.1 or later"),
            "{text}"
        );
        context.set_terraform_version("1.15.5");
        let mut diags = Diagnostics::default();
        assert!(context.requires_terraform(&mut diags, NESTED_ATTRIBUTES_FLOOR, "Resource cni_connection"));
        assert!(diags.errors.is_empty());
    }
}
