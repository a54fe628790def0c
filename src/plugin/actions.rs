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
    lines: tokio::sync::mpsc::Sender<String>,
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

/// Runs `action` on `config`, streaming its progress lines and then its diagnostics as Terraform's
/// `InvokeAction` events.
pub fn invoke(
    registry: std::sync::Arc<super::handlers::Registry>,
    request: pb::invoke_action::Request,
) -> tokio_stream::wrappers::ReceiverStream<Result<pb::invoke_action::Event, tonic::Status>> {
    use pb::invoke_action::event::{Completed, Progress as Line, Type};
    let (events, stream) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move {
        let (lines, mut said) = tokio::sync::mpsc::channel::<String>(16);
        let forward = {
            let events = events.clone();
            tokio::spawn(async move {
                while let Some(message) = said.recv().await {
                    let line = pb::invoke_action::Event {
                        r#type: Some(Type::Progress(Line { message })),
                    };
                    if events.send(Ok(line)).await.is_err() {
                        return;
                    }
                }
            })
        };
        let mut diags = Diagnostics::default();
        match registry.actions.get(&request.action_type) {
            Some(action) => {
                action
                    .invoke(&mut diags, request.config.as_ref(), Progress { lines })
                    .await
            }
            None => convert::error(
                &mut diags,
                "Unknown action",
                format!("This provider has no action {:?}.", request.action_type),
            ),
        }
        let _ = forward.await;
        let completed = pb::invoke_action::Event {
            r#type: Some(Type::Completed(Completed {
                diagnostics: convert::diagnostics(diags),
            })),
        };
        let _ = events.send(Ok(completed)).await;
    });
    tokio_stream::wrappers::ReceiverStream::new(stream)
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
