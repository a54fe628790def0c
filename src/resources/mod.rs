//! Managed resources: one file per Terraform type.

pub mod interconnect;

pub use interconnect::InterconnectResource;
