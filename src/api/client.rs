//! The client a provider builds once per command: the [`Transport`] with every endpoint, and what the
//! operations of that command share on top of it — the listings their reads share
//! ([`SharedListings`]), the ledger of their creates ([`CreateLedger`]) and the baselines of their CNI
//! creates. The runtime is built on
//! the endpoints, never the reverse: `transport` → `endpoints` → `listing`, `gone`, `reconcile`, `wait`
//! → here.

use std::ops::Deref;
use std::sync::Arc;

use super::cni::{Cni, CreateCni};
use super::cni_create::{CniCreateError, CniCreates};
use super::config::{ClientConfig, ConfigError};
use super::endpoints::Deleted;
use super::error::ApiError;
use super::gone::{GoneRounds, Seen};
use super::listing::SharedListings;
use super::models::{CreateInterconnect, Interconnect};
use super::reconcile::{self, CreateError, CreateLedger, Created};
use super::transport::Transport;
use super::wait::{poll_until_gone, WaitError};

/// A client of the CNI API for one provider process: every endpoint (through [`Deref`] to its
/// [`Transport`]), plus the state its operations share. Cheap to clone; clones share it all.
#[derive(Clone, Debug)]
pub struct Client {
    transport: Transport,
    shared: Arc<Shared>,
}

/// What the operations of one client share.
#[derive(Debug, Default)]
struct Shared {
    creates: CreateLedger,
    cni_creates: CniCreates,
    listings: SharedListings,
    gone: GoneRounds,
}

impl Deref for Client {
    type Target = Transport;

    fn deref(&self) -> &Transport {
        &self.transport
    }
}

impl Client {
    /// Builds a client; fails on an unusable configuration, never on the network.
    pub fn new(config: ClientConfig) -> Result<Self, ConfigError> {
        Ok(Client {
            transport: Transport::new(config)?,
            shared: Arc::default(),
        })
    }

    /// The same client, whose calls must all finish by `deadline` (see [`Transport::until`]).
    pub fn until(&self, deadline: tokio::time::Instant) -> Client {
        Client {
            transport: self.transport.until(deadline),
            shared: Arc::clone(&self.shared),
        }
    }

    /// The same client, deaf to cancellation (see [`Transport::uninterruptible`]).
    pub fn uninterruptible(&self) -> Client {
        Client {
            transport: self.transport.uninterruptible(),
            shared: Arc::clone(&self.shared),
        }
    }

    /// The transport alone, for the endpoints.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The ledger of this client's creates (see [`CreateLedger`]).
    pub fn creates(&self) -> &CreateLedger {
        &self.shared.creates
    }

    /// The interconnect `name`, for a refresh: from the listing this client's reads of the account share
    /// when that saves requests, else (and always before answering 404) with a `GET`.
    pub async fn read_interconnect(&self, account: &str, name: &str) -> Result<Interconnect, ApiError> {
        self.shared.listings.read(&self.transport, account, name).await
    }

    /// Creates the interconnect exactly once (see [`reconcile::create_exactly_once`]). Whatever the
    /// outcome, the account's shared listing no longer holds every interconnect, and is dropped.
    pub async fn create_exactly_once(
        &self,
        account: &str,
        request: &CreateInterconnect,
        attempts: usize,
    ) -> Result<Created, CreateError> {
        self.shared.listings.forget(account);
        let created =
            reconcile::create_exactly_once(&self.transport, &self.shared.creates, account, request, attempts)
                .await;
        self.shared.listings.forget(account);
        created
    }

    /// Creates the CNI exactly once, sending its `POST` at most `attempts` times (see
    /// [`super::cni_create`]); every call is bounded by this handle's deadline.
    pub async fn create_cni_once(
        &self,
        account: &str,
        body: &CreateCni,
        attempts: usize,
    ) -> Result<Cni, CniCreateError> {
        let new_interconnect = self.shared.creates.is_claimed(account, &body.interconnect);
        let created = self
            .shared
            .cni_creates
            .create(&self.transport, account, body, attempts, new_interconnect)
            .await;
        self.shared.listings.forget_cnis(account);
        created
    }

    /// `PUT /cni/cnis/{id}` (see [`Transport::update_cni`]), dropping the account's shared listing of
    /// CNIs.
    pub async fn update_cni(&self, account: &str, cni: &Cni) -> Result<Cni, ApiError> {
        let updated = self.transport.update_cni(account, cni).await;
        self.shared.listings.forget_cnis(account);
        updated
    }

    /// `DELETE /cni/cnis/{id}` (see [`Transport::delete_cni`]), dropping the account's shared listing
    /// of CNIs.
    pub async fn delete_cni(&self, account: &str, id: &str) -> Result<Deleted, ApiError> {
        let deleted = self.transport.delete_cni(account, id).await;
        self.shared.listings.forget_cnis(account);
        deleted
    }

    /// The CNI `id`, for a refresh: from the listing this client's reads of the account share when
    /// that saves requests, else (and always before answering 404) with a `GET`.
    pub async fn read_cni(&self, account: &str, id: &str) -> Result<Cni, ApiError> {
        self.shared.listings.read_cni(&self.transport, account, id).await
    }

    /// `POST /cni/interconnects` once (see [`Transport::create_interconnect`]), dropping the account's
    /// shared listing.
    pub async fn create_interconnect(
        &self,
        account: &str,
        body: &CreateInterconnect,
    ) -> Result<Interconnect, ApiError> {
        let created = self.transport.create_interconnect(account, body).await;
        self.shared.listings.forget(account);
        created
    }

    /// `DELETE /cni/interconnects/{name}` (see [`Transport::delete_interconnect`]), dropping the
    /// account's shared listing.
    pub async fn delete_interconnect(&self, account: &str, name: &str) -> Result<Deleted, ApiError> {
        let deleted = self.transport.delete_interconnect(account, name).await;
        self.shared.listings.forget(account);
        deleted
    }

    /// Waits until the interconnect `name`, whose `DELETE` was answered, is gone: a listing sent after
    /// that `DELETE` lacks a name an earlier listing held, shared by the waits that come together (see
    /// [`super::gone`]), or else a `GET` answers the API's 404. Polls back off up to `longest_pause`.
    pub async fn wait_until_gone(
        &self,
        account: &str,
        name: &str,
        deadline: tokio::time::Instant,
        longest_pause: std::time::Duration,
    ) -> Result<(), WaitError> {
        poll_until_gone(&self.transport, deadline, longest_pause, || {
            self.is_gone(account, name, longest_pause)
        })
        .await
    }

    /// One check of [`Client::wait_until_gone`].
    async fn is_gone(
        &self,
        account: &str,
        name: &str,
        gather: std::time::Duration,
    ) -> Result<bool, ApiError> {
        let shared = &self.shared;
        let seen = shared
            .gone
            .check(&shared.listings, &self.transport, (account, name), gather)
            .await;
        match seen {
            Seen::Gone => Ok(true),
            Seen::StillListed => Ok(false),
            Seen::AskDirectly => match self.transport.get_interconnect(account, name).await {
                Err(e) if e.is_not_found() => Ok(true),
                Err(e) => Err(e),
                Ok(_) => Ok(false),
            },
        }
    }
}
