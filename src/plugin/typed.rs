//! `TypedHandler`: serves anything written against tf-provider's typed traits (`Provider`, `Resource`,
//! `DataSource`) through the questions of `handlers`, with a resource's write-only attributes, identity,
//! configuration generator and state migration.

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tf_provider::schema::Schema;
use tf_provider::{DataSource, Diagnostics, Provider, Resource};

use super::convert::{self, decode, decode_private, encode, is_null, NULL};
use super::handlers::{
    DataSourceHandler, Dynamic, Identity, Planned, ProviderHandler, ResourceHandler, Stored,
};

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

/// Brings a stored state (JSON) from an older schema version to the current one.
pub type Migration = fn(from_version: i64, state: serde_json::Value) -> Result<serde_json::Value, String>;

/// What a managed resource declares beyond tf-provider's `Resource`, each with a default of none: its
/// write-only attributes, its identity, and the configuration that adopts an existing object.
pub trait Declares {
    /// Its write-only attributes (Terraform 1.11 and later), each with the attribute to use instead on
    /// an older Terraform.
    fn write_only(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    /// Its identity (Terraform 1.12 and later).
    fn identity(&self) -> Option<Identity> {
        None
    }
    /// From a stored object to the configuration that adopts it (`terraform query
    /// -generate-config-out`).
    fn config_generator(&self) -> Option<ConfigGenerator> {
        None
    }
}

/// Serves a type written against tf-provider's typed traits.
pub struct TypedHandler<T> {
    inner: T,
    migration: Option<Migration>,
    write_only: Vec<(String, String)>,
    identity: Option<Identity>,
    generator: Option<ConfigGenerator>,
}

/// From a stored object (JSON) to the configuration that adopts it: only what a user writes.
pub type ConfigGenerator = std::sync::Arc<dyn Fn(serde_json::Value) -> serde_json::Value + Send + Sync>;

impl<T> TypedHandler<T> {
    /// Serves `inner`.
    pub fn new(inner: T) -> Self {
        TypedHandler {
            inner,
            migration: None,
            write_only: Vec::new(),
            identity: None,
            generator: None,
        }
    }

    /// The same, generating configurations with `generator`.
    pub fn with_config_generator(self, generator: ConfigGenerator) -> Self {
        TypedHandler {
            generator: Some(generator),
            ..self
        }
    }

    /// The same, with this identity.
    pub fn with_identity(self, identity: Identity) -> Self {
        TypedHandler {
            identity: Some(identity),
            ..self
        }
    }

    /// The same, with these write-only attributes (name, and the attribute to use instead on an older
    /// Terraform).
    pub fn with_write_only(self, write_only: Vec<(String, String)>) -> Self {
        TypedHandler { write_only, ..self }
    }

    /// A resource served with everything it declares (see [`Declares`]).
    pub fn declared(inner: T) -> Self
    where
        T: Declares,
    {
        TypedHandler {
            write_only: inner.write_only(),
            identity: inner.identity(),
            generator: inner.config_generator(),
            ..TypedHandler::new(inner)
        }
    }

    /// The same, migrating states stored with an older schema version with `migration` (run before
    /// the state is fitted to the schema).
    pub fn migrating(self, migration: Migration) -> Self {
        TypedHandler {
            migration: Some(migration),
            ..self
        }
    }
}

#[async_trait]
impl<T> ProviderHandler for TypedHandler<T>
where
    T: Provider,
    T::Config<'static>: DeserializeOwned,
{
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        self.inner.schema(diags)
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Dynamic<'_>) {
        if let Some(config) = decode(config, "provider configuration", diags) {
            self.inner.validate(diags, config).await;
        }
    }

    async fn configure(&self, diags: &mut Diagnostics, terraform_version: String, config: Dynamic<'_>) {
        if let Some(config) = decode(config, "provider configuration", diags) {
            self.inner.configure(diags, terraform_version, config).await;
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
impl<T> ResourceHandler for TypedHandler<T>
where
    T: Resource,
    T::State<'static>: DeserializeOwned + Serialize,
    T::PrivateState<'static>: DeserializeOwned + Serialize,
    T::ProviderMetaState<'static>: DeserializeOwned,
{
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        self.inner.schema(diags)
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Dynamic<'_>) {
        if let Some(config) = decode(config, "configuration", diags) {
            self.inner.validate(diags, config).await;
        }
    }

    async fn upgrade(&self, diags: &mut Diagnostics, version: i64, json: &[u8]) -> Option<Vec<u8>> {
        let schema = self.inner.schema(diags)?;
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
        let stored: serde_json::Value = match serde_json::from_slice(json) {
            Ok(stored) => stored,
            Err(e) => {
                convert::error(diags, "Could not upgrade the stored state", e.to_string());
                return None;
            }
        };
        let migrated = match self.migration {
            Some(migrate) if version < schema.version => migrate(version, stored),
            _ => Ok(stored),
        };
        let state = migrated.and_then(|stored| {
            serde_json::from_value::<T::State<'static>>(fit_to_schema(stored, &schema))
                .map_err(|e| e.to_string())
        });
        match state {
            Ok(state) => encode(&state, "state", diags),
            Err(e) => {
                convert::error(diags, "Could not upgrade the stored state", e);
                None
            }
        }
    }

    async fn read(&self, diags: &mut Diagnostics, state: Dynamic<'_>, private: &[u8]) -> Option<Stored> {
        let state: T::State<'static> = decode(state, "state", diags)?;
        let private: T::PrivateState<'static> = decode_private(private, diags)?;
        let meta = decode(None, "provider meta", diags)?;
        match self.inner.read(diags, state, private, meta).await {
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
            let private = self.inner.plan_destroy(diags, prior, private, meta).await?;
            return Some(Planned {
                state: NULL.to_vec(),
                private: encode(&private, "private state", diags)?,
                requires_replace: Vec::new(),
            });
        }
        let proposed = decode(proposed, "proposed state", diags)?;
        let config = decode(config, "configuration", diags)?;
        let (state, private, requires_replace) = if is_null(prior) {
            let (state, private) = self.inner.plan_create(diags, proposed, config, meta).await?;
            (state, private, Vec::new())
        } else {
            let prior = decode(prior, "prior state", diags)?;
            let private = decode_private(private, diags)?;
            self.inner
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
            self.inner.destroy(diags, prior, private, meta).await?;
            return gone(diags, &());
        }
        let planned = decode(planned, "planned state", diags)?;
        let config = decode(config, "configuration", diags)?;
        let (state, private) = if is_null(prior) {
            self.inner.create(diags, planned, config, private, meta).await?
        } else {
            let prior = decode(prior, "prior state", diags)?;
            self.inner
                .update(diags, prior, planned, config, private, meta)
                .await?
        };
        stored(diags, &state, &private)
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Stored> {
        let (state, private) = self.inner.import(diags, id).await?;
        stored(diags, &state, &private)
    }

    fn write_only(&self) -> Vec<(String, String)> {
        self.write_only.clone()
    }

    fn identity(&self) -> Option<Identity> {
        self.identity.clone()
    }

    fn generates_config(&self) -> bool {
        self.generator.is_some()
    }

    fn generate_config(&self, diags: &mut Diagnostics, state: Dynamic<'_>) -> Option<Vec<u8>> {
        let generator = self.generator.clone()?;
        let schema = self.inner.schema(diags)?;
        let stored: serde_json::Value = if is_null(state) {
            serde_json::Value::Object(Default::default())
        } else {
            decode(state, "state", diags)?
        };
        let config: T::State<'static> =
            match serde_json::from_value(fit_to_schema(generator(stored), &schema)) {
                Ok(config) => config,
                Err(e) => {
                    convert::error(diags, "Could not generate the configuration", e.to_string());
                    return None;
                }
            };
        encode(&config, "configuration", diags)
    }
}

#[async_trait]
impl<T> DataSourceHandler for TypedHandler<T>
where
    T: DataSource,
    T::State<'static>: DeserializeOwned + Serialize,
    T::ProviderMetaState<'static>: DeserializeOwned,
{
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        self.inner.schema(diags)
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Dynamic<'_>) {
        if let Some(config) = decode(config, "configuration", diags) {
            self.inner.validate(diags, config).await;
        }
    }

    async fn read(&self, diags: &mut Diagnostics, config: Dynamic<'_>) -> Option<Vec<u8>> {
        let config = decode(config, "configuration", diags)?;
        let meta = decode(None, "provider meta", diags)?;
        let state = self.inner.read(diags, config, meta).await?;
        encode(&state, "state", diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tf_provider::schema::{Attribute, AttributeConstraint, AttributeType, Block, Description};
    use tf_provider::value::{Value, ValueEmpty};
    use tf_provider::AttributePath;

    #[derive(serde::Serialize, serde::Deserialize, Default)]
    struct State {
        id: Value<String>,
        size_gb: Value<i64>,
    }

    /// A resource at schema version 2, whose version 1 stored `size_mb`.
    struct Disk;

    #[async_trait]
    impl Resource for Disk {
        type State<'a> = State;
        type PrivateState<'a> = ValueEmpty;
        type ProviderMetaState<'a> = ValueEmpty;

        fn schema(&self, _: &mut Diagnostics) -> Option<Schema> {
            let attribute = |attr_type| Attribute {
                attr_type,
                description: Description::plain(""),
                constraint: AttributeConstraint::Optional,
                sensitive: false,
                deprecated: false,
            };
            Some(Schema {
                version: 2,
                block: Block {
                    attributes: [
                        ("id".to_owned(), attribute(AttributeType::String)),
                        ("size_gb".to_owned(), attribute(AttributeType::Number)),
                    ]
                    .into(),
                    ..Default::default()
                },
            })
        }
        async fn read<'a>(
            &self,
            _: &mut Diagnostics,
            s: State,
            p: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<(State, ValueEmpty)> {
            Some((s, p))
        }
        async fn plan_create<'a>(
            &self,
            _: &mut Diagnostics,
            s: State,
            _: State,
            _: ValueEmpty,
        ) -> Option<(State, ValueEmpty)> {
            Some((s, ValueEmpty::default()))
        }
        async fn plan_update<'a>(
            &self,
            _: &mut Diagnostics,
            _: State,
            s: State,
            _: State,
            p: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<(State, ValueEmpty, Vec<AttributePath>)> {
            Some((s, p, vec![]))
        }
        async fn plan_destroy<'a>(
            &self,
            _: &mut Diagnostics,
            _: State,
            p: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<ValueEmpty> {
            Some(p)
        }
        async fn create<'a>(
            &self,
            _: &mut Diagnostics,
            s: State,
            _: State,
            p: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<(State, ValueEmpty)> {
            Some((s, p))
        }
        async fn update<'a>(
            &self,
            _: &mut Diagnostics,
            _: State,
            s: State,
            _: State,
            p: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<(State, ValueEmpty)> {
            Some((s, p))
        }
        async fn destroy<'a>(
            &self,
            _: &mut Diagnostics,
            _: State,
            _: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<()> {
            Some(())
        }
    }

    fn megabytes_to_gigabytes(from: i64, mut state: serde_json::Value) -> Result<serde_json::Value, String> {
        if from < 2 {
            let mb = state["size_mb"].as_i64().ok_or("no size_mb")?;
            state["size_gb"] = (mb / 1024).into();
        }
        Ok(state)
    }

    #[tokio::test]
    async fn a_schema_version_bump_migrates_then_fits_the_state() {
        let disk = TypedHandler::new(Disk).migrating(megabytes_to_gigabytes);
        let mut diags = Diagnostics::default();
        let old = br#"{"id":"d-1","size_mb":2048,"colour":"blue"}"#;
        let upgraded = disk.upgrade(&mut diags, 1, old).await.expect("upgraded");
        assert!(diags.errors.is_empty());
        let state: serde_json::Value = rmp_serde::from_slice(&upgraded).expect("msgpack");
        assert_eq!(state, serde_json::json!({"id": "d-1", "size_gb": 2}));

        let unmigrated = TypedHandler::new(Disk)
            .upgrade(&mut diags, 1, old)
            .await
            .expect("fitted");
        let state: serde_json::Value = rmp_serde::from_slice(&unmigrated).expect("msgpack");
        assert_eq!(
            state,
            serde_json::json!({"id": "d-1", "size_gb": null}),
            "removed dropped, added null"
        );
        assert!(
            TypedHandler::new(Disk)
                .upgrade(&mut diags, 3, old)
                .await
                .is_none(),
            "newer versions are refused"
        );
    }
}
