//! The `tfplugin6.Provider` service over a [`Registry`]: every RPC of protocol 6.10, the ones this
//! provider needs implemented, the rest answered as the protocol expects (empty, or `Unimplemented`
//! for kinds of types it declares none of, which Terraform then never calls).

use std::pin::Pin;
use std::sync::Arc;

use crate::interrupt::Interrupt;
use futures::Stream;
use tf_provider::Diagnostics;
use tonic::{Request, Response, Status};

use super::convert::{self, dynamic};
use super::functions;
use super::identity;
use super::proto::tfplugin6 as pb;
use super::registry::Registry;
use super::{actions, schemas, streams};
use pb::provider_server::Provider;

/// The service. `StopProvider` stops `stop`: the operations in flight end, later ones do not.
pub struct Service {
    registry: Arc<Registry>,
    stop: Interrupt,
}

impl Service {
    /// The service for `registry`; `StopProvider` stops `stop`.
    pub fn new(registry: Arc<Registry>, stop: Interrupt) -> Self {
        Service { registry, stop }
    }
}

fn unimplemented(rpc: &str) -> Status {
    Status::unimplemented(format!("{rpc}: this provider declares no type that uses it"))
}

/// The stream type of the server-streaming RPCs.
pub type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

type Answer<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl Provider for Service {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> Answer<pb::get_metadata::Response> {
        use pb::get_metadata::{DataSourceMetadata, ResourceMetadata};
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(schemas::capabilities(&self.registry)),
            resources: (self.registry.resources.keys())
                .map(|t| ResourceMetadata { type_name: t.clone() })
                .collect(),
            data_sources: (self.registry.data_sources.keys())
                .map(|t| DataSourceMetadata { type_name: t.clone() })
                .collect(),
            list_resources: (self.registry.lists.keys())
                .map(|t| pb::get_metadata::ListResourceMetadata { type_name: t.clone() })
                .collect(),
            functions: (self.registry.functions.keys())
                .map(|name| pb::get_metadata::FunctionMetadata { name: name.clone() })
                .collect(),
            actions: (self.registry.actions.keys())
                .map(|t| pb::get_metadata::ActionMetadata { type_name: t.clone() })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Answer<pb::get_provider_schema::Response> {
        let mut diags = Diagnostics::default();
        let mut response = schemas::provider_schema(&self.registry, &mut diags);
        response.diagnostics = convert::diagnostics(diags);
        Ok(Response::new(response))
    }

    async fn validate_provider_config(
        &self,
        request: Request<pb::validate_provider_config::Request>,
    ) -> Answer<pb::validate_provider_config::Response> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        self.registry
            .provider
            .validate(&mut diags, request.config.as_ref())
            .await;
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics: convert::diagnostics(diags),
        }))
    }

    async fn validate_resource_config(
        &self,
        request: Request<pb::validate_resource_config::Request>,
    ) -> Answer<pb::validate_resource_config::Response> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        if let Some(resource) = self.registry.resource(&request.type_name, &mut diags) {
            let write_only_allowed = request
                .client_capabilities
                .is_some_and(|c| c.write_only_attributes_allowed);
            if !write_only_allowed {
                convert::refuse_write_only(&mut diags, request.config.as_ref(), &resource.write_only());
            }
            resource.validate(&mut diags, request.config.as_ref()).await;
        }
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics: convert::diagnostics(diags),
        }))
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<pb::validate_data_resource_config::Request>,
    ) -> Answer<pb::validate_data_resource_config::Response> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        match self.registry.data_sources.get(&request.type_name) {
            Some(data_source) => data_source.validate(&mut diags, request.config.as_ref()).await,
            None => convert::error(
                &mut diags,
                "Unknown data source",
                format!("This provider has no data source {:?}.", request.type_name),
            ),
        }
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics: convert::diagnostics(diags),
        }))
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> Answer<pb::upgrade_resource_state::Response> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let json = request.raw_state.map(|raw| raw.json).unwrap_or_default();
        let upgraded = match self.registry.resource(&request.type_name, &mut diags) {
            Some(_) if json.is_empty() => {
                convert::error(
                    &mut diags,
                    "Unsupported state format",
                    "The stored state is in the pre-0.12 flatmap format, which this provider cannot read.",
                );
                None
            }
            Some(resource) => resource.upgrade(&mut diags, request.version, &json).await,
            None => None,
        };
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state: upgraded.map(dynamic),
            diagnostics: convert::diagnostics(diags),
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Answer<pb::get_resource_identity_schemas::Response> {
        let identity_schemas = self
            .registry
            .resources
            .iter()
            .filter_map(|(name, resource)| Some((name.clone(), identity::schema(&resource.identity()?))))
            .collect();
        Ok(Response::new(pb::get_resource_identity_schemas::Response {
            identity_schemas,
            diagnostics: Vec::new(),
        }))
    }

    async fn upgrade_resource_identity(
        &self,
        request: Request<pb::upgrade_resource_identity::Request>,
    ) -> Answer<pb::upgrade_resource_identity::Response> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let json = request.raw_identity.map(|raw| raw.json).unwrap_or_default();
        let upgraded = match self
            .registry
            .resource(&request.type_name, &mut diags)
            .map(|r| r.identity())
        {
            Some(Some(spec)) => identity::upgrade(&spec, &json, &mut diags),
            Some(None) => {
                convert::error(
                    &mut diags,
                    "No identity",
                    format!("{} has no identity.", request.type_name),
                );
                None
            }
            None => None,
        };
        Ok(Response::new(pb::upgrade_resource_identity::Response {
            upgraded_identity: upgraded,
            diagnostics: convert::diagnostics(diags),
        }))
    }

    async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> Answer<pb::configure_provider::Response> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        self.registry
            .provider
            .configure(&mut diags, request.terraform_version, request.config.as_ref())
            .await;
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics: convert::diagnostics(diags),
        }))
    }

    async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> Answer<pb::read_resource::Response> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let read = match self.registry.resource(&request.type_name, &mut diags) {
            Some(resource) => {
                resource
                    .read(&mut diags, request.current_state.as_ref(), &request.private)
                    .await
            }
            None => None,
        };
        let new_identity = read
            .as_ref()
            .and_then(|stored| self.registry.identity_of(&request.type_name, &stored.state));
        let (new_state, private) = match read {
            Some(stored) => (Some(dynamic(stored.state)), stored.private),
            None => (None, Vec::new()),
        };
        Ok(Response::new(pb::read_resource::Response {
            new_state,
            private,
            new_identity,
            diagnostics: convert::diagnostics(diags),
            ..Default::default()
        }))
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> Answer<pb::plan_resource_change::Response> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let planned = match self.registry.resource(&request.type_name, &mut diags) {
            Some(resource) => {
                resource
                    .plan(
                        &mut diags,
                        request.prior_state.as_ref(),
                        request.proposed_new_state.as_ref(),
                        request.config.as_ref(),
                        &request.prior_private,
                    )
                    .await
            }
            None => None,
        };
        let mut response = pb::plan_resource_change::Response::default();
        if let Some(planned) = planned {
            // An identity names the object for its lifetime: a change plans the prior object's. A create
            // plans one only when it is wholly known (Terraform cannot render an unknown one in a
            // replacement's plan); the object gets its identity when it is made.
            let identified_by = match request.prior_state.as_ref() {
                Some(prior) if !convert::is_null(Some(prior)) => prior.msgpack.as_slice(),
                _ => planned.state.as_slice(),
            };
            response.planned_identity = self
                .registry
                .identity_of(&request.type_name, identified_by)
                .filter(identity::is_known);
            response.planned_state = Some(dynamic(planned.state));
            response.planned_private = planned.private;
            response.requires_replace = planned.requires_replace.iter().map(convert::path).collect();
        }
        response.diagnostics = convert::diagnostics(diags);
        Ok(Response::new(response))
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> Answer<pb::apply_resource_change::Response> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let applied = match self.registry.resource(&request.type_name, &mut diags) {
            Some(resource) => {
                resource
                    .apply(
                        &mut diags,
                        request.prior_state.as_ref(),
                        request.planned_state.as_ref(),
                        request.config.as_ref(),
                        &request.planned_private,
                    )
                    .await
            }
            None => None,
        };
        let new_identity = applied
            .as_ref()
            .and_then(|stored| self.registry.identity_of(&request.type_name, &stored.state));
        let (new_state, private) = match applied {
            Some(stored) => (Some(dynamic(stored.state)), stored.private),
            None => (None, Vec::new()),
        };
        Ok(Response::new(pb::apply_resource_change::Response {
            new_state,
            private,
            new_identity,
            diagnostics: convert::diagnostics(diags),
            ..Default::default()
        }))
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> Answer<pb::import_resource_state::Response> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let imported = match self.registry.resource(&request.type_name, &mut diags) {
            Some(resource) => match (&request.identity, resource.identity()) {
                (Some(data), Some(spec)) if request.id.is_empty() => {
                    match identity::import_id(&spec, data, &mut diags) {
                        Some(id) => resource.import(&mut diags, id).await,
                        None => None,
                    }
                }
                _ => resource.import(&mut diags, request.id).await,
            },
            None => None,
        };
        Ok(Response::new(pb::import_resource_state::Response {
            imported_resources: imported
                .into_iter()
                .map(|stored| pb::import_resource_state::ImportedResource {
                    type_name: request.type_name.clone(),
                    identity: self.registry.identity_of(&request.type_name, &stored.state),
                    state: Some(dynamic(stored.state)),
                    private: stored.private,
                })
                .collect(),
            diagnostics: convert::diagnostics(diags),
            deferred: None,
        }))
    }

    async fn move_resource_state(
        &self,
        _: Request<pb::move_resource_state::Request>,
    ) -> Answer<pb::move_resource_state::Response> {
        Err(unimplemented("MoveResourceState"))
    }

    async fn read_data_source(
        &self,
        request: Request<pb::read_data_source::Request>,
    ) -> Answer<pb::read_data_source::Response> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let state = match self.registry.data_sources.get(&request.type_name) {
            Some(data_source) => data_source.read(&mut diags, request.config.as_ref()).await,
            None => {
                convert::error(
                    &mut diags,
                    "Unknown data source",
                    format!("This provider has no data source {:?}.", request.type_name),
                );
                None
            }
        };
        Ok(Response::new(pb::read_data_source::Response {
            state: state.map(dynamic),
            diagnostics: convert::diagnostics(diags),
            deferred: None,
        }))
    }

    async fn generate_resource_config(
        &self,
        request: Request<pb::generate_resource_config::Request>,
    ) -> Answer<pb::generate_resource_config::Response> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let config = match self.registry.resource(&request.type_name, &mut diags) {
            Some(resource) => resource.generate_config(&mut diags, request.state.as_ref()),
            None => None,
        };
        Ok(Response::new(pb::generate_resource_config::Response {
            config: config.map(dynamic),
            diagnostics: convert::diagnostics(diags),
        }))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        _: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Answer<pb::validate_ephemeral_resource_config::Response> {
        Err(unimplemented("ValidateEphemeralResourceConfig"))
    }

    async fn open_ephemeral_resource(
        &self,
        _: Request<pb::open_ephemeral_resource::Request>,
    ) -> Answer<pb::open_ephemeral_resource::Response> {
        Err(unimplemented("OpenEphemeralResource"))
    }

    async fn renew_ephemeral_resource(
        &self,
        _: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Answer<pb::renew_ephemeral_resource::Response> {
        Err(unimplemented("RenewEphemeralResource"))
    }

    async fn close_ephemeral_resource(
        &self,
        _: Request<pb::close_ephemeral_resource::Request>,
    ) -> Answer<pb::close_ephemeral_resource::Response> {
        Err(unimplemented("CloseEphemeralResource"))
    }

    type ListResourceStream = BoxStream<pb::list_resource::Event>;

    async fn list_resource(
        &self,
        request: Request<pb::list_resource::Request>,
    ) -> Answer<Self::ListResourceStream> {
        let request = request.into_inner();
        if !self.registry.lists.contains_key(&request.type_name) {
            return Err(Status::not_found(format!(
                "this provider has no list resource {:?}",
                request.type_name
            )));
        }
        let (events, stream) = tokio::sync::mpsc::channel(16);
        let registry = self.registry.clone();
        tokio::spawn(async move {
            streams::list_into(&registry, request, events).await;
        });
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::ReceiverStream::new(stream),
        )))
    }

    async fn validate_list_resource_config(
        &self,
        request: Request<pb::validate_list_resource_config::Request>,
    ) -> Answer<pb::validate_list_resource_config::Response> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        match self.registry.lists.get(&request.type_name) {
            Some(list) => list.validate(&mut diags, request.config.as_ref()).await,
            None => convert::error(
                &mut diags,
                "Unknown list resource",
                format!("This provider has no list resource {:?}.", request.type_name),
            ),
        }
        Ok(Response::new(pb::validate_list_resource_config::Response {
            diagnostics: convert::diagnostics(diags),
        }))
    }

    async fn get_functions(
        &self,
        _: Request<pb::get_functions::Request>,
    ) -> Answer<pb::get_functions::Response> {
        Ok(Response::new(pb::get_functions::Response {
            functions: functions::declarations(&self.registry.functions),
            diagnostics: Vec::new(),
        }))
    }

    async fn call_function(
        &self,
        request: Request<pb::call_function::Request>,
    ) -> Answer<pb::call_function::Response> {
        Ok(Response::new(functions::call(
            &self.registry.functions,
            request.into_inner(),
        )))
    }

    async fn validate_state_store_config(
        &self,
        _: Request<pb::validate_state_store::Request>,
    ) -> Answer<pb::validate_state_store::Response> {
        Err(unimplemented("ValidateStateStoreConfig"))
    }

    async fn configure_state_store(
        &self,
        _: Request<pb::configure_state_store::Request>,
    ) -> Answer<pb::configure_state_store::Response> {
        Err(unimplemented("ConfigureStateStore"))
    }

    type ReadStateBytesStream = BoxStream<pb::read_state_bytes::Response>;

    async fn read_state_bytes(
        &self,
        _: Request<pb::read_state_bytes::Request>,
    ) -> Answer<Self::ReadStateBytesStream> {
        Err(unimplemented("ReadStateBytes"))
    }

    async fn write_state_bytes(
        &self,
        _: Request<tonic::Streaming<pb::write_state_bytes::RequestChunk>>,
    ) -> Answer<pb::write_state_bytes::Response> {
        Err(unimplemented("WriteStateBytes"))
    }

    async fn get_states(&self, _: Request<pb::get_states::Request>) -> Answer<pb::get_states::Response> {
        Err(unimplemented("GetStates"))
    }

    async fn delete_state(
        &self,
        _: Request<pb::delete_state::Request>,
    ) -> Answer<pb::delete_state::Response> {
        Err(unimplemented("DeleteState"))
    }

    async fn plan_action(
        &self,
        request: Request<pb::plan_action::Request>,
    ) -> Answer<pb::plan_action::Response> {
        let request = request.into_inner();
        let diagnostics = actions::validate(
            &self.registry.actions,
            &request.action_type,
            request.config.as_ref(),
        )
        .await;
        Ok(Response::new(pb::plan_action::Response {
            diagnostics,
            deferred: None,
        }))
    }

    type InvokeActionStream = BoxStream<pb::invoke_action::Event>;

    async fn invoke_action(
        &self,
        request: Request<pb::invoke_action::Request>,
    ) -> Answer<Self::InvokeActionStream> {
        let events = streams::invoke(Arc::clone(&self.registry), request.into_inner());
        Ok(Response::new(Box::pin(events)))
    }

    async fn validate_action_config(
        &self,
        request: Request<pb::validate_action_config::Request>,
    ) -> Answer<pb::validate_action_config::Response> {
        let request = request.into_inner();
        let diagnostics = actions::validate(
            &self.registry.actions,
            &request.type_name,
            request.config.as_ref(),
        )
        .await;
        Ok(Response::new(pb::validate_action_config::Response {
            diagnostics,
        }))
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> Answer<pb::stop_provider::Response> {
        tracing::info!("Terraform asked the provider to stop: interrupting operations in flight");
        self.stop.stop();
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}
