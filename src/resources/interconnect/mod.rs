//! `cni_interconnect`: a direct port or a GCP partner attachment.
//!
//! There is no update endpoint: every API attribute forces replacement; `wait_for_healthy`,
//! `skip_destroy` and `timeouts` change in place without any API call. Once the `POST` succeeded, every
//! path out of `create` returns the interconnect in state, so Terraform never loses it.
//!
//! `state` declares the type (its attribute table, identity, state and private data); `validate`,
//! `plan`, `apply`, `import` and `list` hold the behaviour, `resource` serves it, `tests` its unit tests
//! and `declaration_tests` those of what derives from the table.

mod apply;
mod import;
mod list;
mod plan;
mod resource;
mod state;
mod validate;

#[cfg(test)]
mod declaration_tests;
#[cfg(test)]
mod tests;

pub use apply::create_request;
pub use import::parse_import_id;
pub(crate) use list::LIST_ATTRIBUTES;
pub use list::{generated_config, InterconnectList};
pub use plan::{
    configured_key, pairing_key_verdict, plan_change, plan_new, reuses_its_key, single_use_key_warning,
    KeyVerdict,
};
pub use resource::InterconnectResource;
pub use state::{
    attribute_table, default_wait, identity, key_digest, schema, write_only_attributes, InterconnectState,
    Private,
};
pub use validate::validate_config;
