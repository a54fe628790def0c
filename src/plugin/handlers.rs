//! What the service asks of the provider, its resources, data sources and list resources, with values
//! as the protocol carries them (`plugin/typed.rs` serves tf-provider's typed traits through them).

use std::collections::HashMap;

use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::{AttributePath, Diagnostics};

use super::proto::tfplugin6::DynamicValue;

/// A value as the protocol carries it; `None` when the request left it out (a null).
pub type Dynamic<'a> = Option<&'a DynamicValue>;

/// What a managed resource leaves in state: its object (msgpack; nil when it is gone) and private bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    /// The object, msgpack-encoded.
    pub state: Vec<u8>,
    /// The provider's private data.
    pub private: Vec<u8>,
}

/// A planned change.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The planned object, msgpack-encoded (nil for a destroy).
    pub state: Vec<u8>,
    /// The private data planned.
    pub private: Vec<u8>,
    /// The attributes whose change forces a new object.
    pub requires_replace: Vec<AttributePath>,
}

/// The provider block.
#[async_trait]
pub trait ProviderHandler: Send + Sync {
    /// Its schema.
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    /// Checks a configuration.
    async fn validate(&self, diags: &mut Diagnostics, config: Dynamic<'_>);
    /// Configures the provider.
    async fn configure(&self, diags: &mut Diagnostics, terraform_version: String, config: Dynamic<'_>);
}

/// A managed resource type.
#[async_trait]
pub trait ResourceHandler: Send + Sync {
    /// Its schema.
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    /// Checks a configuration.
    async fn validate(&self, diags: &mut Diagnostics, config: Dynamic<'_>);
    /// Brings a stored JSON state written at schema `version` to the current schema.
    async fn upgrade(&self, diags: &mut Diagnostics, version: i64, json: &[u8]) -> Option<Vec<u8>>;
    /// Refreshes an object; `state` nil when it is gone.
    async fn read(&self, diags: &mut Diagnostics, state: Dynamic<'_>, private: &[u8]) -> Option<Stored>;
    /// Plans a create (null prior), a change, or a destroy (null proposed).
    async fn plan(
        &self,
        diags: &mut Diagnostics,
        prior: Dynamic<'_>,
        proposed: Dynamic<'_>,
        config: Dynamic<'_>,
        private: &[u8],
    ) -> Option<Planned>;
    /// Applies a create (null prior), a change, or a destroy (null planned).
    async fn apply(
        &self,
        diags: &mut Diagnostics,
        prior: Dynamic<'_>,
        planned: Dynamic<'_>,
        config: Dynamic<'_>,
        private: &[u8],
    ) -> Option<Stored>;
    /// Imports an object by its ID.
    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Stored>;
    /// Its write-only attributes (Terraform 1.11 and later), each with the attribute to use instead on
    /// an older Terraform.
    fn write_only(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    /// Its identity, if it has one.
    fn identity(&self) -> Option<Identity> {
        None
    }
    /// The configuration that adopts an existing object (`terraform query -generate-config-out`), as
    /// msgpack of the managed schema's object; `None` when the type cannot generate one.
    fn generate_config(&self, _diags: &mut Diagnostics, _state: Dynamic<'_>) -> Option<Vec<u8>> {
        None
    }
    /// Whether [`ResourceHandler::generate_config`] is implemented.
    fn generates_config(&self) -> bool {
        false
    }
}

/// A data source type.
#[async_trait]
pub trait DataSourceHandler: Send + Sync {
    /// Its schema.
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    /// Checks a configuration.
    async fn validate(&self, diags: &mut Diagnostics, config: Dynamic<'_>);
    /// Reads it.
    async fn read(&self, diags: &mut Diagnostics, config: Dynamic<'_>) -> Option<Vec<u8>>;
}

/// A resource type's identity (Terraform 1.12 and later): attributes of its state that name an object
/// for good, all strings.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The identity schema's version.
    pub version: i64,
    /// The attributes: name, whether an `import` block must give it, and a description.
    pub attributes: Vec<(&'static str, bool, &'static str)>,
    /// The import ID an identity stands for (an `import` block's `identity` → what `id` would say).
    pub import_id: fn(&IdentityValues) -> Result<String, String>,
}

/// An identity's values by attribute name (`None` for a null).
pub type IdentityValues = HashMap<String, Option<String>>;

/// One result of a list resource.
#[derive(Debug, Clone, Default)]
pub struct Listed {
    /// Its identity (msgpack of the identity object).
    pub identity: Vec<u8>,
    /// A name for people.
    pub display_name: String,
    /// The whole object (msgpack of the managed resource's state), when asked for.
    pub resource: Option<Vec<u8>>,
}

/// A list resource type (protocol 6.10, Terraform 1.14 and later: `terraform query`).
#[async_trait]
pub trait ListHandler: Send + Sync {
    /// The schema of its `config` block.
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    /// Checks a `config` block.
    async fn validate(&self, diags: &mut Diagnostics, config: Dynamic<'_>);
    /// Sends every result to `results` (at most `limit`), and stops as soon as nobody listens any more.
    /// An error ends the listing as a diagnostic.
    async fn list(
        &self,
        diags: &mut Diagnostics,
        config: Dynamic<'_>,
        include_resource: bool,
        limit: usize,
        results: tokio::sync::mpsc::Sender<Listed>,
    );
}
