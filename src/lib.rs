//! terraform-provider-cni: a Terraform provider for Cloudflare Network Interconnects, and `cni-mock`, a
//! stand-in for the CNI API that tests and demos run against.
#![warn(missing_docs)]

pub(crate) mod actions;
pub mod api;
pub(crate) mod attributes;
pub(crate) mod context;
pub(crate) mod data_sources;
pub(crate) mod diag;
pub mod docs;
pub mod functions;
pub mod interrupt;
pub mod logging;
pub mod mock;
pub mod plugin;
pub(crate) mod provider;
pub mod registry;
pub mod resources;
pub mod shared;
