//! Actions (Terraform 1.14 and later): one file per action type.

pub mod interconnect_wait;

pub use interconnect_wait::InterconnectWait;
