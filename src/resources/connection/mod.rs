//! `cni_connection`: a CNI object, the IP link, Magic WAN conduit and BGP session over an interconnect.
//!
//! The first resource with in-place updates: a change of `magic`, `bgp`, `bgp_mode` or the addresses
//! is one `PUT` of the whole object; only `interconnect` and `account_id` replace it. Create is one
//! `POST`, then one `PUT` only when configured values need it (`bgp_mode` is taken only by a `PUT`);
//! once the `POST` succeeded every path out of create returns the connection in state.
//!
//! `state` declares the type (schema, identity, import ID, values ↔ API bodies); `plan` decides the
//! plan (pure), `apply` talks to the API, `resource` serves it, `list` is the list resource and the
//! configuration that adopts a connection.

mod apply;
mod list;
mod md5;
mod plan;
mod resource;
mod state;

pub(crate) use list::LIST_ATTRIBUTES;
pub use list::{generated_config, ConnectionList};
pub use plan::{plan_change, plan_new, validate_config};
pub use resource::ConnectionResource;
pub use state::{attribute_table, identity, parse_import_id, schema, ConnectionState};
