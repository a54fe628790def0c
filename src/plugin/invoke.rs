//! The `InvokeAction` RPC: runs an action of the registry, streaming its progress lines, then its
//! diagnostics, as Terraform's events.

use tf_provider::Diagnostics;

use super::actions::Progress;
use super::convert;
use super::proto::tfplugin6 as pb;

/// Runs `action` on `config`, streaming its progress lines and then its diagnostics as Terraform's
/// `InvokeAction` events.
pub fn invoke(
    registry: std::sync::Arc<super::registry::Registry>,
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
