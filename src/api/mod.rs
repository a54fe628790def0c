//! The internal REST module for the Cloudflare Network Interconnects API.
//!
//! It knows HTTP and JSON and nothing of Terraform: typed models ([`models`]), one error enum
//! ([`ApiError`]), retries with backoff that honour `Retry-After`, a request budget shared by every
//! clone of a [`Client`], cursor paging, and cancellation.

mod bandwidth;
mod budget;
mod classify;
mod client;
mod cni;
mod cni_create;
mod cni_endpoints;
mod config;
mod endpoints;
mod error;
mod gone;
mod listing;
pub mod models;
mod paging;
mod ratelimit;
pub mod reconcile;
mod retry;
mod secret;
mod transport;
pub mod wait;

pub use budget::{
    InvalidBudget, RequestBudget, FIXED_REQUESTS_PER_SECOND, PER_ADDRESS_PER_SECOND, RESERVE_SHARE,
};
pub use client::Client;
pub use cni::{BgpControl, Cni, CniFilter, CreateCni, MagicSettings, Members, Settings, BGP_MODES};
pub use cni_create::CniCreateError;
pub use config::{
    check_base_url, default_user_agent, Auth, ClientConfig, ConfigError, DEFAULT_BASE_URL,
    DEFAULT_REQUEST_TIMEOUT, MAX_RESPONSE_BYTES,
};
pub use endpoints::{AccountApi, Deleted};
pub use error::{ApiError, ApiMessage, Failure};
pub use listing::MAX_LISTING_AGE;
pub use models::{
    Bandwidth, CreateInterconnect, Facility, Interconnect, InterconnectFilter, InterconnectStatus, Loa, Page,
    Slot, SlotFilter,
};
pub use ratelimit::{quota_report, QuotaReport};
pub use reconcile::{CreateError, CreateLedger, Created};
pub use retry::{parse_retry_after, RetryPolicy, DEFAULT_MAX_RETRIES};
pub use secret::Secret;
pub use transport::Transport;
pub use wait::{wait_for_healthy, wait_for_state, PollPauses, WaitError, READ_AFTER_WRITE_GRACE};
