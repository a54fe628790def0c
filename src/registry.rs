//! The types this provider serves, each handed the provider's context: the provider block,
//! `cni_interconnect` and the data sources; and their documentation pages. The only module that knows
//! them all.

use std::collections::HashMap;

use crate::interrupt::Interrupt;

use crate::actions::InterconnectWait;
use crate::data_sources::{
    ConnectionDataSource, ConnectionsDataSource, InterconnectDataSource, InterconnectsDataSource,
    LoaDataSource, SettingsDataSource, SlotsDataSource,
};
use crate::docs::{Documented, Page};
use crate::plugin::actions::{ActionHandler, Served};
use crate::plugin::handlers::{DataSourceHandler, ListHandler, ResourceHandler};
use crate::plugin::lists::ServedList;
use crate::plugin::registry::Registry;
use crate::plugin::typed::TypedHandler;
use crate::provider::CniProvider;
use crate::resources::connection::{self, ConnectionList, ConnectionResource};
use crate::resources::interconnect::{InterconnectList, InterconnectResource};
use crate::resources::settings::{self, SettingsResource};

/// Everything the provider serves, for the plugin server: the provider block, `cni_interconnect` and
/// the data sources. `cancel` is the interrupt token (SIGINT, StopProvider) every wait watches.
pub fn registry(interrupt: Interrupt) -> Registry {
    let provider = CniProvider::new(interrupt);
    let context = provider.context();
    let resources: HashMap<String, Box<dyn ResourceHandler>> = HashMap::from([
        (
            "cni_interconnect".to_owned(),
            Box::new(TypedHandler::declared(InterconnectResource::new(context.clone())))
                as Box<dyn ResourceHandler>,
        ),
        (
            "cni_settings".to_owned(),
            Box::new(TypedHandler::declared(SettingsResource::new(context.clone()))),
        ),
        (
            "cni_connection".to_owned(),
            Box::new(TypedHandler::declared(ConnectionResource::new(context.clone()))),
        ),
    ]);
    let data_sources: HashMap<String, Box<dyn DataSourceHandler>> = HashMap::from([
        (
            "cni_interconnects".to_owned(),
            Box::new(TypedHandler::new(InterconnectsDataSource::new(context.clone())))
                as Box<dyn DataSourceHandler>,
        ),
        (
            "cni_interconnect".to_owned(),
            Box::new(TypedHandler::new(InterconnectDataSource::new(context.clone()))),
        ),
        (
            "cni_interconnect_loa".to_owned(),
            Box::new(TypedHandler::new(LoaDataSource::new(context.clone()))),
        ),
        (
            "cni_slots".to_owned(),
            Box::new(TypedHandler::new(SlotsDataSource::new(context.clone()))),
        ),
        (
            "cni_settings".to_owned(),
            Box::new(TypedHandler::new(SettingsDataSource::new(context.clone()))),
        ),
        (
            "cni_connections".to_owned(),
            Box::new(TypedHandler::new(ConnectionsDataSource::new(context.clone()))),
        ),
        (
            "cni_connection".to_owned(),
            Box::new(TypedHandler::new(ConnectionDataSource::new(context.clone()))),
        ),
    ]);
    let lists: HashMap<String, Box<dyn ListHandler>> = HashMap::from([
        (
            "cni_interconnect".to_owned(),
            Box::new(ServedList(InterconnectList::new(context.clone()))) as Box<dyn ListHandler>,
        ),
        (
            "cni_connection".to_owned(),
            Box::new(ServedList(ConnectionList::new(context.clone()))),
        ),
    ]);
    Registry {
        provider: Box::new(TypedHandler::new(provider)),
        resources,
        data_sources,
        lists,
        functions: crate::functions::functions(),
        actions: HashMap::from([(
            "cni_interconnect_wait".to_owned(),
            Box::new(Served(InterconnectWait::new(context.clone()))) as Box<dyn ActionHandler>,
        )]),
    }
}

/// The documentation page of every type this provider serves (the provider functions document
/// themselves), for `make docs` ([`crate::docs::render`]).
pub fn pages() -> Vec<Page> {
    use crate::data_sources::{interconnect, interconnect_loa, interconnects, slots};
    use crate::resources::interconnect as resource;
    let timeouts = vec![(
        "timeouts",
        crate::shared::TIMEOUTS_DESCRIPTION,
        crate::shared::TIMEOUTS.to_vec(),
    )];
    vec![
        Page::of(Documented::Provider, crate::provider::ATTRIBUTES.to_vec()),
        Page {
            blocks: timeouts,
            identity: Some(resource::identity()),
            ..Page::of(
                Documented::Resource("cni_interconnect"),
                resource::attribute_table(),
            )
        },
        Page::of(
            Documented::DataSource("cni_interconnects"),
            interconnects::ATTRIBUTES.to_vec(),
        ),
        Page::of(
            Documented::DataSource("cni_interconnect"),
            interconnect::attribute_table(),
        ),
        Page::of(
            Documented::DataSource("cni_interconnect_loa"),
            interconnect_loa::ATTRIBUTES.to_vec(),
        ),
        Page::of(Documented::DataSource("cni_slots"), slots::ATTRIBUTES.to_vec()),
        Page {
            identity: Some(settings::identity()),
            ..Page::of(
                Documented::Resource("cni_settings"),
                settings::ATTRIBUTES.to_vec(),
            )
        },
        Page::of(
            Documented::DataSource("cni_connections"),
            crate::data_sources::connections::ATTRIBUTES.to_vec(),
        ),
        Page::of(
            Documented::DataSource("cni_connection"),
            crate::data_sources::connection::attribute_table(),
        ),
        Page {
            blocks: vec![(
                "timeouts",
                crate::shared::TIMEOUTS_DESCRIPTION,
                crate::shared::CONNECTION_TIMEOUTS.to_vec(),
            )],
            identity: Some(connection::identity()),
            ..Page::of(
                Documented::Resource("cni_connection"),
                connection::attribute_table(),
            )
        },
        Page::of(
            Documented::DataSource("cni_settings"),
            crate::data_sources::settings::ATTRIBUTES.to_vec(),
        ),
        Page::of(
            Documented::Action("cni_interconnect_wait"),
            crate::actions::interconnect_wait::ATTRIBUTES.to_vec(),
        ),
        Page::of(
            Documented::ListResource("cni_interconnect"),
            resource::LIST_ATTRIBUTES.to_vec(),
        ),
        Page::of(
            Documented::ListResource("cni_connection"),
            connection::LIST_ATTRIBUTES.to_vec(),
        ),
    ]
}
