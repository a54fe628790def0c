//! `GetProviderSchema` and the server capabilities: every schema of the registry, as the protocol
//! carries it.

use tf_provider::Diagnostics;

use super::proto::tfplugin6 as pb;
use super::registry::Registry;
use super::{actions, convert, functions};

/// The schemas of everything the registry serves.
pub fn provider_schema(registry: &Registry, diags: &mut Diagnostics) -> pb::get_provider_schema::Response {
    let mut response = pb::get_provider_schema::Response {
        provider: registry.provider.schema(diags).as_ref().map(convert::schema),
        server_capabilities: Some(capabilities(registry)),
        functions: functions::declarations(&registry.functions),
        action_schemas: actions::schemas(&registry.actions),
        ..Default::default()
    };
    for (name, resource) in &registry.resources {
        if let Some(schema) = resource.schema(diags) {
            let mut schema = convert::schema(&schema);
            convert::mark_write_only(&mut schema, &resource.write_only());
            response.resource_schemas.insert(name.clone(), schema);
        }
    }
    for (name, data_source) in &registry.data_sources {
        if let Some(schema) = data_source.schema(diags) {
            response
                .data_source_schemas
                .insert(name.clone(), convert::schema(&schema));
        }
    }
    for (name, list) in &registry.lists {
        if let Some(schema) = list.schema(diags) {
            response
                .list_resource_schemas
                .insert(name.clone(), convert::schema(&schema));
        }
    }
    response
}

/// What this server can do, as `GetProviderSchema` and `GetMetadata` announce it.
pub fn capabilities(registry: &Registry) -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: false,
        move_resource_state: false,
        generate_resource_config: registry.resources.values().any(|r| r.generates_config()),
    }
}
