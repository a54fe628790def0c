//! The server-streaming RPCs: `ListResource` (each result of a list resource as an event) and
//! `InvokeAction` (an action's progress lines, then its diagnostics).

use tf_provider::Diagnostics;

use super::actions::Progress;
use super::convert::{self, dynamic};
use super::proto::tfplugin6 as pb;
use super::registry::Registry;
use tonic::Status;

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

/// Runs a list resource, turning each result into an event; a failure ends the stream with one
/// event carrying its diagnostics. Ends as soon as Terraform stops reading.
pub async fn list_into(
    registry: &Registry,
    request: pb::list_resource::Request,
    events: tokio::sync::mpsc::Sender<Result<pb::list_resource::Event, Status>>,
) {
    let Some(list) = registry.lists.get(&request.type_name) else {
        return;
    };
    let (results, mut received) = tokio::sync::mpsc::channel::<super::handlers::Listed>(16);
    let limit = usize::try_from(request.limit).unwrap_or(0);
    let include = request.include_resource_object;
    // The forwarder owns the receiving end: once Terraform stops reading, it ends and drops it, so the
    // producer's next send fails and the listing stops.
    let forward_to = events.clone();
    let forward = async move {
        while let Some(listed) = received.recv().await {
            let event = pb::list_resource::Event {
                identity: Some(pb::ResourceIdentityData {
                    identity_data: Some(dynamic(listed.identity)),
                }),
                display_name: listed.display_name,
                resource_object: listed.resource.map(dynamic),
                diagnostic: Vec::new(),
            };
            if forward_to.send(Ok(event)).await.is_err() {
                return;
            }
        }
    };
    let mut diags = Diagnostics::default();
    let produce = list.list(&mut diags, request.config.as_ref(), include, limit, results);
    tokio::join!(produce, forward);
    if !diags.errors.is_empty() || !diags.warnings.is_empty() {
        let _ = events
            .send(Ok(pb::list_resource::Event {
                diagnostic: convert::diagnostics(diags),
                ..Default::default()
            }))
            .await;
    }
}
