//! What the service asks of the provider, its resources and its data sources, with values as the
//! protocol carries them; and `Typed`, which serves anything written against tf-provider's typed
//! traits (`Provider`, `Resource`, `DataSource`) through those questions.

use std::collections::HashMap;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tf_provider::schema::Schema;
use tf_provider::{AttributePath, DataSource, Diagnostics, Provider, Resource};

use super::convert::{self, decode, decode_private, encode, is_null, NULL};
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

/// Everything a provider serves: the provider block, and its types by full name (`cni_interconnect`).
pub struct Registry {
    /// The provider block.
    pub provider: Box<dyn ProviderHandler>,
    /// Managed resource types.
    pub resources: HashMap<String, Box<dyn ResourceHandler>>,
    /// Data source types.
    pub data_sources: HashMap<String, Box<dyn DataSourceHandler>>,
}

/// A stored object made to hold exactly the schema's attributes and blocks: what the schema no longer
/// has is dropped, what it gained starts null.
fn fit_to_schema(stored: serde_json::Value, schema: &Schema) -> serde_json::Value {
    let serde_json::Value::Object(mut object) = stored else {
        return stored;
    };
    let block = &schema.block;
    let known = |name: &str| block.attributes.contains_key(name) || block.blocks.contains_key(name);
    object.retain(|name, _| known(name));
    for name in block.attributes.keys().chain(block.blocks.keys()) {
        object.entry(name.clone()).or_insert(serde_json::Value::Null);
    }
    serde_json::Value::Object(object)
}

/// Serves a type written against tf-provider's typed traits.
pub struct Typed<T>(pub T);

#[async_trait]
impl<T> ProviderHandler for Typed<T>
where
    T: Provider,
    T::Config<'static>: DeserializeOwned,
{
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        self.0.schema(diags)
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Dynamic<'_>) {
        if let Some(config) = decode(config, "provider configuration", diags) {
            self.0.validate(diags, config).await;
        }
    }

    async fn configure(&self, diags: &mut Diagnostics, terraform_version: String, config: Dynamic<'_>) {
        if let Some(config) = decode(config, "provider configuration", diags) {
            self.0.configure(diags, terraform_version, config).await;
        }
    }
}

fn stored<S: Serialize, P: Serialize>(diags: &mut Diagnostics, state: &S, private: &P) -> Option<Stored> {
    Some(Stored {
        state: encode(state, "state", diags)?,
        private: encode(private, "private state", diags)?,
    })
}

fn gone<P: Serialize>(diags: &mut Diagnostics, private: &P) -> Option<Stored> {
    Some(Stored {
        state: NULL.to_vec(),
        private: encode(private, "private state", diags)?,
    })
}

#[async_trait]
impl<T> ResourceHandler for Typed<T>
where
    T: Resource,
    T::State<'static>: DeserializeOwned + Serialize,
    T::PrivateState<'static>: DeserializeOwned + Serialize,
    T::ProviderMetaState<'static>: DeserializeOwned,
{
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        self.0.schema(diags)
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Dynamic<'_>) {
        if let Some(config) = decode(config, "configuration", diags) {
            self.0.validate(diags, config).await;
        }
    }

    async fn upgrade(&self, diags: &mut Diagnostics, version: i64, json: &[u8]) -> Option<Vec<u8>> {
        let schema = self.0.schema(diags)?;
        if version > schema.version {
            convert::error(
                diags,
                "State written by a newer provider",
                format!(
                    "The state has schema version {version}; this provider knows versions up to {}. Use the newer provider.",
                    schema.version
                ),
            );
            return None;
        }
        let state = serde_json::from_slice(json)
            .map(|stored| fit_to_schema(stored, &schema))
            .and_then(serde_json::from_value::<T::State<'static>>);
        match state {
            Ok(state) => encode(&state, "state", diags),
            Err(e) => {
                convert::error(diags, "Could not upgrade the stored state", e.to_string());
                None
            }
        }
    }

    async fn read(&self, diags: &mut Diagnostics, state: Dynamic<'_>, private: &[u8]) -> Option<Stored> {
        let state: T::State<'static> = decode(state, "state", diags)?;
        let private: T::PrivateState<'static> = decode_private(private, diags)?;
        let meta = decode(None, "provider meta", diags)?;
        match self.0.read(diags, state, private, meta).await {
            Some((state, private)) => stored(diags, &state, &private),
            None if diags.errors.is_empty() => gone(diags, &()),
            None => None,
        }
    }

    async fn plan(
        &self,
        diags: &mut Diagnostics,
        prior: Dynamic<'_>,
        proposed: Dynamic<'_>,
        config: Dynamic<'_>,
        private: &[u8],
    ) -> Option<Planned> {
        let meta: T::ProviderMetaState<'static> = decode(None, "provider meta", diags)?;
        if is_null(proposed) {
            let prior = decode(prior, "prior state", diags)?;
            let private = decode_private(private, diags)?;
            let private = self.0.plan_destroy(diags, prior, private, meta).await?;
            return Some(Planned {
                state: NULL.to_vec(),
                private: encode(&private, "private state", diags)?,
                requires_replace: Vec::new(),
            });
        }
        let proposed = decode(proposed, "proposed state", diags)?;
        let config = decode(config, "configuration", diags)?;
        let (state, private, requires_replace) = if is_null(prior) {
            let (state, private) = self.0.plan_create(diags, proposed, config, meta).await?;
            (state, private, Vec::new())
        } else {
            let prior = decode(prior, "prior state", diags)?;
            let private = decode_private(private, diags)?;
            self.0
                .plan_update(diags, prior, proposed, config, private, meta)
                .await?
        };
        Some(Planned {
            state: encode(&state, "planned state", diags)?,
            private: encode(&private, "private state", diags)?,
            requires_replace,
        })
    }

    async fn apply(
        &self,
        diags: &mut Diagnostics,
        prior: Dynamic<'_>,
        planned: Dynamic<'_>,
        config: Dynamic<'_>,
        private: &[u8],
    ) -> Option<Stored> {
        let meta: T::ProviderMetaState<'static> = decode(None, "provider meta", diags)?;
        let private = decode_private(private, diags)?;
        if is_null(planned) {
            let prior = decode(prior, "prior state", diags)?;
            self.0.destroy(diags, prior, private, meta).await?;
            return gone(diags, &());
        }
        let planned = decode(planned, "planned state", diags)?;
        let config = decode(config, "configuration", diags)?;
        let (state, private) = if is_null(prior) {
            self.0.create(diags, planned, config, private, meta).await?
        } else {
            let prior = decode(prior, "prior state", diags)?;
            self.0
                .update(diags, prior, planned, config, private, meta)
                .await?
        };
        stored(diags, &state, &private)
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Stored> {
        let (state, private) = self.0.import(diags, id).await?;
        stored(diags, &state, &private)
    }
}

#[async_trait]
impl<T> DataSourceHandler for Typed<T>
where
    T: DataSource,
    T::State<'static>: DeserializeOwned + Serialize,
    T::ProviderMetaState<'static>: DeserializeOwned,
{
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        self.0.schema(diags)
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Dynamic<'_>) {
        if let Some(config) = decode(config, "configuration", diags) {
            self.0.validate(diags, config).await;
        }
    }

    async fn read(&self, diags: &mut Diagnostics, config: Dynamic<'_>) -> Option<Vec<u8>> {
        let config = decode(config, "configuration", diags)?;
        let meta = decode(None, "provider meta", diags)?;
        let state = self.0.read(diags, config, meta).await?;
        encode(&state, "state", diags)
    }
}
