//! `terraform-provider-noop`: the floor of this project's stack, for benchmarks. A provider on the
//! same plugin layer (handshake, AutoMTLS, tfplugin6 service) with one resource, `noop_thing`, that
//! stores its configuration and calls nothing.

use std::collections::HashMap;

use async_trait::async_trait;
use cni::plugin::handlers::ResourceHandler;
use cni::plugin::registry::Registry;
use cni::plugin::server::{serve, ServeOptions};
use cni::plugin::typed::TypedHandler;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{Attribute, AttributeConstraint, AttributeType, Block, Description, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostics, Provider, Resource};

/// The provider: no configuration.
struct Noop;

#[async_trait]
impl Provider for Noop {
    type Config<'a> = ValueEmpty;
    type MetaState<'a> = ValueEmpty;

    fn schema(&self, _: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 0,
            block: Block::default(),
        })
    }

    async fn configure<'a>(&self, _: &mut Diagnostics, _: String, _: ValueEmpty) -> Option<()> {
        Some(())
    }

    fn get_resources(
        &self,
        _: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn tf_provider::DynamicResource>>> {
        Some(HashMap::new())
    }

    fn get_data_sources(
        &self,
        _: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn tf_provider::DynamicDataSource>>> {
        Some(HashMap::new())
    }
}

/// `noop_thing`: a `value` kept as configured, and an `id`.
#[derive(Serialize, Deserialize, Clone, Default)]
struct Thing {
    id: Value<String>,
    value: Value<String>,
}

struct NoopThing;

#[async_trait]
impl Resource for NoopThing {
    type State<'a> = Thing;
    type PrivateState<'a> = ValueEmpty;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _: &mut Diagnostics) -> Option<Schema> {
        let attribute = |constraint| Attribute {
            attr_type: AttributeType::String,
            description: Description::plain(""),
            constraint,
            sensitive: false,
            deprecated: false,
        };
        Some(Schema {
            version: 0,
            block: Block {
                attributes: [
                    ("id".to_owned(), attribute(AttributeConstraint::Computed)),
                    ("value".to_owned(), attribute(AttributeConstraint::Optional)),
                ]
                .into(),
                ..Default::default()
            },
        })
    }

    async fn read<'a>(
        &self,
        _: &mut Diagnostics,
        s: Thing,
        p: ValueEmpty,
        _: ValueEmpty,
    ) -> Option<(Thing, ValueEmpty)> {
        Some((s, p))
    }

    async fn plan_create<'a>(
        &self,
        _: &mut Diagnostics,
        mut s: Thing,
        _: Thing,
        _: ValueEmpty,
    ) -> Option<(Thing, ValueEmpty)> {
        s.id = Value::Unknown;
        Some((s, ValueEmpty::default()))
    }

    async fn plan_update<'a>(
        &self,
        _: &mut Diagnostics,
        _: Thing,
        s: Thing,
        _: Thing,
        p: ValueEmpty,
        _: ValueEmpty,
    ) -> Option<(Thing, ValueEmpty, Vec<AttributePath>)> {
        Some((s, p, vec![]))
    }

    async fn plan_destroy<'a>(
        &self,
        _: &mut Diagnostics,
        _: Thing,
        p: ValueEmpty,
        _: ValueEmpty,
    ) -> Option<ValueEmpty> {
        Some(p)
    }

    async fn create<'a>(
        &self,
        _: &mut Diagnostics,
        mut s: Thing,
        _: Thing,
        p: ValueEmpty,
        _: ValueEmpty,
    ) -> Option<(Thing, ValueEmpty)> {
        s.id = Value::Value(uuid::Uuid::new_v4().to_string());
        Some((s, p))
    }

    async fn update<'a>(
        &self,
        _: &mut Diagnostics,
        _: Thing,
        s: Thing,
        _: Thing,
        p: ValueEmpty,
        _: ValueEmpty,
    ) -> Option<(Thing, ValueEmpty)> {
        Some((s, p))
    }

    async fn destroy<'a>(&self, _: &mut Diagnostics, _: Thing, _: ValueEmpty, _: ValueEmpty) -> Option<()> {
        Some(())
    }
}

fn main() -> anyhow::Result<()> {
    let debug = std::env::args().any(|a| a == "-debug" || a == "--debug");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let registry = Registry {
            provider: Box::new(TypedHandler::new(Noop)),
            resources: HashMap::from([(
                "noop_thing".to_owned(),
                Box::new(TypedHandler::new(NoopThing)) as Box<dyn ResourceHandler>,
            )]),
            data_sources: HashMap::new(),
            lists: HashMap::new(),
            functions: HashMap::new(),
            actions: HashMap::new(),
        };
        let options = ServeOptions {
            address: "registry.terraform.io/cnilabs/noop".to_owned(),
            debug,
        };
        serve(registry, cni::interrupt::Interrupt::new(), options).await?;
        Ok(())
    })
}
