//! The REST client against `cni-mock` over real HTTP on loopback, one file per topic: every endpoint,
//! paging, every error kind, every retry rule, transport security, live safety, the listing that reads
//! share and the waits for "gone" after deletes.

#[path = "../fixtures/mod.rs"]
mod fixtures;

mod cnis;
mod deletes;
mod endpoints;
mod errors;
mod live_safety;
mod paging;
mod retries;
mod shared_reads;
mod tls;

use cni::api::{Bandwidth, Client, CreateInterconnect, Secret};
use fixtures::*;

/// A create of a direct port in `slot`.
pub fn direct(slot: &str) -> CreateInterconnect {
    CreateInterconnect::Direct {
        account: ACCOUNT.into(),
        slot_id: slot.parse().expect("uuid"),
        speed: None,
    }
}

/// A create of the `n`th GCP attachment (its own pairing key) at `bandwidth`.
pub fn gcp(n: u32, bandwidth: Bandwidth) -> CreateInterconnect {
    CreateInterconnect::GcpPartner {
        account: ACCOUNT.into(),
        bandwidth,
        pairing_key: Secret::new(pairing_key(n)),
    }
}

/// A client that never retries.
pub fn no_retries(mock: &cni::mock::MockServer) -> Client {
    let mut config = config(mock);
    config.retry.max_retries = 0;
    Client::new(config).expect("client")
}
