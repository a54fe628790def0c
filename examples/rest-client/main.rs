//! The REST client on its own: lists free slots, creates a GCP partner interconnect, waits for it to turn
//! Healthy, lists interconnects, and deletes it again.
//!
//! Usage: `rest-client <base_url> <account_id>` with the token in `CLOUDFLARE_API_TOKEN`.

use std::time::Duration;

use anyhow::Context;
use cni::api::{
    Auth, Bandwidth, Client, ClientConfig, CreateInterconnect, InterconnectFilter, Secret, SlotFilter,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let base_url = args
        .next()
        .context("usage: rest-client <base_url> <account_id>")?;
    let account = args
        .next()
        .context("usage: rest-client <base_url> <account_id>")?;
    let token = std::env::var("CLOUDFLARE_API_TOKEN").context("CLOUDFLARE_API_TOKEN is not set")?;
    let config = ClientConfig::new(
        cni::api::check_base_url(&base_url)?,
        Auth::Token(Secret::new(token)),
    );
    let api = Client::new(config)?;

    let free = SlotFilter {
        occupied: Some(false),
        ..Default::default()
    };
    let slots = api.all_slots(&account, &free).await?;
    println!(
        "{} free slots, e.g. {} at {} ({})",
        slots.len(),
        slots[0].id,
        slots[0].site,
        slots[0].speed
    );

    let request = CreateInterconnect::GcpPartner {
        account: account.clone(),
        bandwidth: Bandwidth::G1,
        pairing_key: Secret::new("7e51371e-72a3-40b5-b844-2e3efefaee59/us-central1/1"),
    };
    let created = api.create_interconnect(&account, &request).await?;
    println!(
        "created {} ({}, region {:?})",
        created.name(),
        created.kind(),
        created.region()
    );

    loop {
        let status = api.interconnect_status(&account, created.name()).await?;
        println!("  status: {status}");
        if status.is_healthy() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    for ic in api
        .all_interconnects(&account, &InterconnectFilter::default())
        .await?
    {
        println!("listed {} ({})", ic.name(), ic.kind());
    }
    api.delete_interconnect(&account, created.name()).await?;
    println!("deleted {}", created.name());
    Ok(())
}
