//! The plugin protocol server: go-plugin's handshake and AutoMTLS, and the tfplugin6 service over the
//! provider's resources and data sources. It knows no concrete resource.

pub mod actions;
pub mod convert;
pub mod functions;
pub mod handlers;
pub mod identity;
pub mod listener;
pub mod lists;
pub mod proto;
pub mod registry;
pub mod schemas;
pub mod server;
pub mod service;
pub mod streams;
pub mod tls;
pub mod typed;
