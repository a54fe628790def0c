//! Managed resources: one file or folder per Terraform type.

pub mod connection;
pub mod interconnect;
pub mod settings;

pub use connection::ConnectionResource;
pub use interconnect::InterconnectResource;
pub use settings::SettingsResource;
