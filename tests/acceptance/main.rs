//! Acceptance tests: the provider driven by a real Terraform CLI against `cni-mock`.
//! Run with `TF_ACC=1` (and `TF_ACC_TERRAFORM_PATH` for a CLI other than tools/bin/terraform-1.0.3).

#[path = "../fixtures/mod.rs"]
mod fixtures;
mod harness;

mod actions;
mod bounds;
mod configuration;
mod connection;
mod connection_faults;
mod connection_query;
mod connection_safety;
mod connections;
mod data_sources;
mod examples;
mod faults;
mod functions;
mod hazards;
mod hosted;
mod identity;
mod import;
mod interrupts;
mod lifecycle;
mod live_safety;
mod load;
mod module_tests;
mod plan_errors;
mod query;
mod quota;
mod release;
mod secrets;
mod settings;
mod shared_listing;
mod wire;
mod workflow;
mod write_only;
