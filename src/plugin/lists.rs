//! List resources as their types write them: a typed `config` block in, typed results out. The
//! [`ServedList`] adapter decodes the `config` block and encodes each result (identity and object as
//! msgpack) for [`ListHandler`], so a list resource never sees the wire format.

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tf_provider::schema::Schema;
use tf_provider::Diagnostics;

use super::convert;
use super::handlers::{Dynamic, ListHandler, Listed};

/// One result of a list: the object's identity, a name for people, and the whole object when Terraform
/// asked for it.
pub struct ListResult<I, S> {
    /// The identity object (its attributes by name).
    pub identity: I,
    /// A name for people.
    pub display_name: String,
    /// The object as the managed resource stores it, when asked for.
    pub resource: Option<S>,
}

/// Where a list sends its results.
pub struct ListResults<I, S> {
    sender: tokio::sync::mpsc::Sender<Listed>,
    _types: std::marker::PhantomData<fn(I, S)>,
}

impl<I: Serialize, S: Serialize> ListResults<I, S> {
    /// Sends one result; `false` once Terraform reads no more (the list should stop), or when the
    /// result cannot be encoded (with an error in `diags`).
    pub async fn send(&self, result: ListResult<I, S>, diags: &mut Diagnostics) -> bool {
        let Some(identity) = convert::encode(&result.identity, "identity", diags) else {
            return false;
        };
        let resource = match &result.resource {
            Some(object) => match convert::encode(object, "listed object", diags) {
                Some(bytes) => Some(bytes),
                None => return false,
            },
            None => None,
        };
        let listed = Listed {
            identity,
            display_name: result.display_name,
            resource,
        };
        self.sender.send(listed).await.is_ok()
    }
}

/// A list resource type, written against typed values.
#[async_trait]
pub trait TypedList: Send + Sync {
    /// Its `config` block (an absent block is its default).
    type Config: DeserializeOwned + Default + Send;
    /// The identity of each result.
    type Identity: Serialize + Send + Sync;
    /// The object of each result, as the managed resource stores it.
    type Object: Serialize + Send + Sync;
    /// The schema of its `config` block.
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    /// Checks a `config` block.
    async fn validate(&self, diags: &mut Diagnostics, config: Self::Config);
    /// Sends every result (at most `limit`), and stops as soon as `results` says nobody listens.
    async fn list(
        &self,
        diags: &mut Diagnostics,
        config: Self::Config,
        include_object: bool,
        limit: usize,
        results: ListResults<Self::Identity, Self::Object>,
    );
}

/// Serves a [`TypedList`] as a [`ListHandler`].
pub struct ServedList<T>(pub T);

impl<T: TypedList> ServedList<T> {
    fn config(config: Dynamic<'_>, diags: &mut Diagnostics) -> Option<T::Config> {
        let decoded: Option<Option<T::Config>> = convert::decode(config, "list configuration", diags);
        decoded.map(Option::unwrap_or_default)
    }
}

#[async_trait]
impl<T: TypedList> ListHandler for ServedList<T> {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        self.0.schema(diags)
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Dynamic<'_>) {
        if let Some(config) = Self::config(config, diags) {
            self.0.validate(diags, config).await;
        }
    }

    async fn list(
        &self,
        diags: &mut Diagnostics,
        config: Dynamic<'_>,
        include_resource: bool,
        limit: usize,
        results: tokio::sync::mpsc::Sender<Listed>,
    ) {
        let Some(config) = Self::config(config, diags) else {
            return;
        };
        let results = ListResults {
            sender: results,
            _types: std::marker::PhantomData,
        };
        self.0.list(diags, config, include_resource, limit, results).await;
    }
}
