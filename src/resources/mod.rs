//! Managed resources: one file or folder per Terraform type.

pub mod interconnect;
pub mod settings;

pub use interconnect::InterconnectResource;
pub use settings::SettingsResource;
