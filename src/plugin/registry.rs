//! What a provider serves, as the service sees it: the provider block and every type by name.

use std::collections::HashMap;

use super::actions::Actions;
use super::functions::Functions;
use tf_provider::Diagnostics;

use super::handlers::{DataSourceHandler, ListHandler, ProviderHandler, ResourceHandler};
use super::proto::tfplugin6 as pb;
use super::{convert, identity};

/// Everything a provider serves: the provider block, and its types by full name (`cni_interconnect`).
pub struct Registry {
    /// The provider block.
    pub provider: Box<dyn ProviderHandler>,
    /// Managed resource types.
    pub resources: HashMap<String, Box<dyn ResourceHandler>>,
    /// Data source types.
    pub data_sources: HashMap<String, Box<dyn DataSourceHandler>>,
    /// List resource types; each must also be a managed resource type with an identity.
    pub lists: HashMap<String, Box<dyn ListHandler>>,
    /// Provider functions, by name (`provider::cni::<name>`).
    pub functions: Functions,
    /// Actions, by type name.
    pub actions: Actions,
}

impl Registry {
    /// The resource type `type_name`, or an error diagnostic.
    pub fn resource(&self, type_name: &str, diags: &mut Diagnostics) -> Option<&dyn ResourceHandler> {
        let found = self.resources.get(type_name).map(|r| r.as_ref());
        if found.is_none() {
            convert::error(
                diags,
                "Unknown resource type",
                format!("This provider has no resource type {type_name:?}."),
            );
        }
        found
    }

    /// The identity of an object of `type_name` from its state, when the type has one and the object
    /// exists.
    pub fn identity_of(&self, type_name: &str, state: &[u8]) -> Option<pb::ResourceIdentityData> {
        let spec = self.resources.get(type_name)?.identity()?;
        identity::of_state(&spec, state)
    }
}
