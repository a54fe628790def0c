//! Actions (protocol 6.10, Terraform 1.14 and later): the typed trait an action implements, and the
//! `ValidateActionConfig` / `PlanAction` / `InvokeAction` conversions, the last one streaming the
//! action's progress lines and then its diagnostics. It knows no concrete action.

use std::collections::HashMap;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use tf_provider::schema::Schema;
use tf_provider::Diagnostics;

use super::convert;
use super::handlers::Dynamic;
use super::proto::tfplugin6 as pb;

/// Where an action sends its progress lines while it runs.
#[derive(Clone, Debug)]
pub struct Progress {
    pub(super) lines: tokio::sync::mpsc::Sender<String>,
}

impl Progress {
    /// Sends one line; a Terraform that stopped listening is not an error.
    pub async fn say(&self, line: impl Into<String>) {
        let _ = self.lines.send(line.into()).await;
    }

    /// Sends one line without waiting; dropped when Terraform is that far behind.
    pub fn say_now(&self, line: impl Into<String>) {
        let _ = self.lines.try_send(line.into());
    }
}

/// An action, written against its typed configuration.
#[async_trait]
pub trait Action: Send + Sync {
    /// Its `config` block, decoded (unknown values allowed at validation).
    type Config: DeserializeOwned + Send;
    /// The schema of its `config` block.
    fn schema(&self) -> Schema;
    /// Checks a configuration, calling nothing.
    async fn validate(&self, diags: &mut Diagnostics, config: Self::Config);
    /// Runs it, saying how it goes through `progress`.
    async fn invoke(&self, diags: &mut Diagnostics, config: Self::Config, progress: Progress);
}

/// What the service asks of an action.
#[async_trait]
pub trait ActionHandler: Send + Sync {
    /// The schema of its `config` block.
    fn schema(&self) -> Schema;
    /// Checks a configuration.
    async fn validate(&self, diags: &mut Diagnostics, config: Dynamic<'_>);
    /// Runs it.
    async fn invoke(&self, diags: &mut Diagnostics, config: Dynamic<'_>, progress: Progress);
}

/// Serves an [`Action`].
pub struct Served<A>(pub A);

#[async_trait]
impl<A: Action> ActionHandler for Served<A> {
    fn schema(&self) -> Schema {
        self.0.schema()
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Dynamic<'_>) {
        if let Some(config) = convert::decode::<A::Config>(config, "action configuration", diags) {
            self.0.validate(diags, config).await;
        }
    }

    async fn invoke(&self, diags: &mut Diagnostics, config: Dynamic<'_>, progress: Progress) {
        // Checked again: an invocation calls nothing on a configuration validation would refuse.
        self.validate(diags, config).await;
        if !diags.errors.is_empty() {
            return;
        }
        if let Some(config) = convert::decode::<A::Config>(config, "action configuration", diags) {
            self.0.invoke(diags, config, progress).await;
        }
    }
}

/// The actions of a provider, by type name.
pub type Actions = HashMap<String, Box<dyn ActionHandler>>;

/// Every action's schema, for `GetProviderSchema`.
pub fn schemas(actions: &Actions) -> HashMap<String, pb::ActionSchema> {
    actions
        .iter()
        .map(|(name, action)| {
            (
                name.clone(),
                pb::ActionSchema {
                    schema: Some(convert::schema(&action.schema())),
                },
            )
        })
        .collect()
}

/// The diagnostics of an action's configuration (`ValidateActionConfig`, and `PlanAction`, which
/// plans nothing more).
pub async fn validate(actions: &Actions, type_name: &str, config: Dynamic<'_>) -> Vec<pb::Diagnostic> {
    let mut diags = Diagnostics::default();
    match actions.get(type_name) {
        Some(action) => action.validate(&mut diags, config).await,
        None => convert::error(
            &mut diags,
            "Unknown action",
            format!("This provider has no action {type_name:?}."),
        ),
    }
    convert::diagnostics(diags)
}
