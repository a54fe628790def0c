//! What a provider serves, as the service sees it: the provider block and every type by name.

use std::collections::HashMap;

use super::actions::Actions;
use super::functions::Functions;
use super::handlers::{DataSourceHandler, ListHandler, ProviderHandler, ResourceHandler};

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
