//! The generated protocol code: `tfplugin6` (the provider service) and `plugin` (go-plugin's side
//! services), from the definitions in `proto/`.

#![allow(missing_docs, clippy::all, clippy::pedantic)]

/// The Terraform plugin protocol 6, up to minor 6.10.
pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

/// go-plugin's `GRPCController` and `GRPCStdio` services.
pub mod plugin {
    tonic::include_proto!("plugin");
}
