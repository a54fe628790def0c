//! The typed endpoints of the CNI API, one method each, on [`Transport`] (account given per call) and
//! on the account-scoped [`AccountApi`]. Endpoints keep no state between calls: what a command shares
//! (listings, the ledger of creates) lives in the runtime, [`super::Client`].

use bytes::Bytes;
use futures::{Stream, TryStreamExt};
use reqwest::header::CONTENT_TYPE;
use reqwest::Method;

use super::error::{ApiError, Failure};
use super::models::{
    CreateInterconnect, Interconnect, InterconnectFilter, InterconnectStatus, Loa, Page, Slot, SlotFilter,
};
use super::paging::paginate;
use super::secret::Secret;
use super::transport::{push_opt, Resend, Transport};

impl Transport {
    /// One page of `GET /cni/interconnects`.
    pub async fn list_interconnects_page(
        &self,
        account: &str,
        filter: &InterconnectFilter,
        cursor: Option<i64>,
    ) -> Result<Page<Interconnect>, ApiError> {
        let mut query = Vec::new();
        push_opt(&mut query, "site", filter.site.as_deref());
        push_opt(&mut query, "type", filter.kind.as_deref());
        self.push_paging(&mut query, cursor);
        let call = self.json_call(
            "list interconnects".into(),
            Method::GET,
            account,
            vec!["interconnects"],
            query,
        );
        self.send_json(&call).await
    }

    /// Every interconnect matching `filter`, following `next` to the last page.
    pub fn interconnects<'a>(
        &'a self,
        account: &'a str,
        filter: &'a InterconnectFilter,
    ) -> impl Stream<Item = Result<Interconnect, ApiError>> + Send + 'a {
        paginate("list interconnects", move |cursor| {
            self.list_interconnects_page(account, filter, cursor)
        })
    }

    /// Every interconnect matching `filter`, collected.
    pub async fn all_interconnects(
        &self,
        account: &str,
        filter: &InterconnectFilter,
    ) -> Result<Vec<Interconnect>, ApiError> {
        self.interconnects(account, filter).try_collect().await
    }

    /// `GET /cni/interconnects/{name}`.
    pub async fn get_interconnect(&self, account: &str, name: &str) -> Result<Interconnect, ApiError> {
        let call = self.json_call(
            format!("get interconnect {name:?}"),
            Method::GET,
            account,
            vec!["interconnects", name],
            vec![],
        );
        let got = self.send_json(&call).await;
        self.confirmed(account, name, got).await
    }

    /// A 404 without the API's JSON envelope proves nothing by itself (the API documents no body for
    /// its 404s, and a proxy or a wrong `base_url` path answers 404 too): it becomes the API's own
    /// [`ApiError::NotFound`] only when a successful JSON listing of the account, taken after it, also
    /// lacks the name. Anything else passes through.
    async fn confirmed<T>(
        &self,
        account: &str,
        name: &str,
        answer: Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let lacks = async {
            let listed = self
                .all_interconnects(account, &InterconnectFilter::default())
                .await?;
            Ok(!listed.iter().any(|ic| ic.name() == name))
        };
        self.confirmed_by(name, answer, lacks).await
    }

    /// The rule of [`Transport::confirmed`] for any object: a bare 404 for `name` becomes
    /// [`ApiError::NotFound`] only when `listing_lacks` (a successful JSON listing of the account, taken
    /// after it) says the account has no such object. The listing is sent only for a bare 404.
    pub(super) async fn confirmed_by<T>(
        &self,
        name: &str,
        answer: Result<T, ApiError>,
        listing_lacks: impl std::future::Future<Output = Result<bool, ApiError>>,
    ) -> Result<T, ApiError> {
        let failure = match answer {
            Err(ApiError::NotTheApi(failure)) => failure,
            other => return other,
        };
        match listing_lacks.await {
            Ok(true) => {
                tracing::info!("{failure}: the account's listing lacks {name:?} too, so it is gone");
                Err(ApiError::NotFound(Failure {
                    body_excerpt: Some(format!(
                        "{} (the account's listing lacks it too)",
                        failure
                            .body_excerpt
                            .as_deref()
                            .filter(|b| !b.is_empty())
                            .unwrap_or("no JSON body")
                    )),
                    ..failure
                }))
            }
            Ok(false) => Err(ApiError::NotTheApi(failure)),
            Err(listing) => {
                tracing::info!("{failure}; listing the account to confirm it failed too: {listing}");
                Err(ApiError::NotTheApi(failure))
            }
        }
    }

    /// `POST /cni/interconnects`. Sent again only when it certainly did not reach the API (429, connection
    /// refused): when [`ApiError::outcome_unknown`] is true, the caller must look for the interconnect
    /// before creating another.
    pub async fn create_interconnect(
        &self,
        account: &str,
        body: &CreateInterconnect,
    ) -> Result<Interconnect, ApiError> {
        self.post_interconnect(account, body, Resend::OnlyIfNotProcessed)
            .await
    }

    /// `POST /cni/interconnects`, one attempt whose request budget the caller has taken
    /// ([`Transport::take_budget`]): for a caller that retries by itself, outside the lock it holds while
    /// the request is in flight.
    pub(super) async fn create_interconnect_once(
        &self,
        account: &str,
        body: &CreateInterconnect,
    ) -> Result<Interconnect, ApiError> {
        self.post_interconnect(account, body, Resend::Once).await
    }

    async fn post_interconnect(
        &self,
        account: &str,
        body: &CreateInterconnect,
        resend: Resend,
    ) -> Result<Interconnect, ApiError> {
        let operation = "create interconnect".to_string();
        let path = (account, vec!["interconnects"]);
        self.send_body(operation, Method::POST, path, body, (resend, body.secret()))
            .await
    }

    /// Sends `body` as JSON to `path` under the account, with its resend rule and the secret its
    /// errors are scrubbed of.
    pub(super) async fn send_body<'a, T, B>(
        &self,
        operation: String,
        method: Method,
        (account, path): (&'a str, Vec<&'a str>),
        body: &B,
        (resend, secret): (Resend, Option<&'a Secret>),
    ) -> Result<T, ApiError>
    where
        T: serde::de::DeserializeOwned,
        B: serde::Serialize,
    {
        let json = serde_json::to_vec(body).map_err(|e| ApiError::Decode {
            operation: operation.clone(),
            status: 0,
            message: format!("could not encode the request: {e}"),
            cf_ray: None,
        })?;
        let mut call = self.json_call(operation, method, account, path, vec![]);
        call.body = Some(Bytes::from(json));
        call.resend = resend;
        call.secret = secret;
        self.send_json(&call).await
    }

    /// `DELETE /cni/interconnects/{name}`; a 404 means it was already gone.
    pub async fn delete_interconnect(&self, account: &str, name: &str) -> Result<Deleted, ApiError> {
        let mut call = self.json_call(
            format!("delete interconnect {name:?}"),
            Method::DELETE,
            account,
            vec!["interconnects", name],
            vec![],
        );
        call.accept = "*/*";
        let sent = self.send(&call).await;
        match self.confirmed(account, name, sent).await {
            Ok(_) => Ok(Deleted::Deleted),
            Err(e) if e.is_not_found() => Ok(Deleted::AlreadyGone),
            Err(e) => Err(e),
        }
    }

    /// `GET /cni/interconnects/{name}/status`.
    pub async fn interconnect_status(
        &self,
        account: &str,
        name: &str,
    ) -> Result<InterconnectStatus, ApiError> {
        let call = self.json_call(
            format!("get status of interconnect {name:?}"),
            Method::GET,
            account,
            vec!["interconnects", name, "status"],
            vec![],
        );
        let status = self.send_json(&call).await;
        self.confirmed(account, name, status).await
    }

    /// `GET /cni/interconnects/{name}/loa`: the Letter of Authorization, generated anew on each call.
    /// `loa_name` replaces the account name on the letter.
    pub async fn interconnect_loa(
        &self,
        account: &str,
        name: &str,
        loa_name: Option<&str>,
    ) -> Result<Loa, ApiError> {
        let mut query = Vec::new();
        push_opt(&mut query, "name", loa_name);
        let mut call = self.json_call(
            format!("get LOA of interconnect {name:?}"),
            Method::GET,
            account,
            vec!["interconnects", name, "loa"],
            query,
        );
        call.accept = "*/*";
        let reply = self.send(&call).await?;
        let content_type = reply
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_owned();
        Ok(Loa {
            content: reply.body,
            content_type,
        })
    }

    /// One page of `GET /cni/slots`.
    pub async fn list_slots_page(
        &self,
        account: &str,
        filter: &SlotFilter,
        cursor: Option<i64>,
    ) -> Result<Page<Slot>, ApiError> {
        let mut query = Vec::new();
        push_opt(&mut query, "site", filter.site.as_deref());
        push_opt(&mut query, "speed", filter.speed.as_deref());
        push_opt(
            &mut query,
            "occupied",
            filter.occupied.map(|o| o.to_string()).as_deref(),
        );
        push_opt(&mut query, "address_contains", filter.address_contains.as_deref());
        self.push_paging(&mut query, cursor);
        let call = self.json_call("list slots".into(), Method::GET, account, vec!["slots"], query);
        self.send_json(&call).await
    }

    /// Every slot matching `filter`, following `next` to the last page.
    pub fn slots<'a>(
        &'a self,
        account: &'a str,
        filter: &'a SlotFilter,
    ) -> impl Stream<Item = Result<Slot, ApiError>> + Send + 'a {
        paginate("list slots", move |cursor| {
            self.list_slots_page(account, filter, cursor)
        })
    }

    /// Every slot matching `filter`, collected.
    pub async fn all_slots(&self, account: &str, filter: &SlotFilter) -> Result<Vec<Slot>, ApiError> {
        self.slots(account, filter).try_collect().await
    }

    /// `GET /cni/slots/{id}`.
    pub async fn get_slot(&self, account: &str, id: &str) -> Result<Slot, ApiError> {
        let call = self.json_call(
            format!("get slot {id:?}"),
            Method::GET,
            account,
            vec!["slots", id],
            vec![],
        );
        self.send_json(&call).await
    }

    /// A handle on one account: the same endpoints, without the account argument.
    pub fn account(&self, account: impl Into<String>) -> AccountApi {
        AccountApi {
            client: self.clone(),
            account: account.into(),
        }
    }
}

/// The endpoints of one account (as kube's `Api::namespaced` is of one namespace).
#[derive(Clone, Debug)]
pub struct AccountApi {
    client: Transport,
    account: String,
}

impl AccountApi {
    /// The account.
    pub fn id(&self) -> &str {
        &self.account
    }

    /// The client behind it.
    pub fn client(&self) -> &Transport {
        &self.client
    }

    /// `GET /cni/interconnects/{name}`.
    pub async fn get(&self, name: &str) -> Result<Interconnect, ApiError> {
        self.client.get_interconnect(&self.account, name).await
    }

    /// `GET /cni/interconnects/{name}/status`.
    pub async fn status(&self, name: &str) -> Result<InterconnectStatus, ApiError> {
        self.client.interconnect_status(&self.account, name).await
    }

    /// Every interconnect matching `filter`, every page.
    pub async fn list(&self, filter: &InterconnectFilter) -> Result<Vec<Interconnect>, ApiError> {
        self.client.all_interconnects(&self.account, filter).await
    }

    /// The Letter of Authorization of a direct interconnect.
    pub async fn loa(&self, name: &str, loa_name: Option<&str>) -> Result<Loa, ApiError> {
        self.client.interconnect_loa(&self.account, name, loa_name).await
    }

    /// Every slot matching `filter`, every page.
    pub async fn slots(&self, filter: &SlotFilter) -> Result<Vec<Slot>, ApiError> {
        self.client.all_slots(&self.account, filter).await
    }
}

/// The outcome of a DELETE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    /// The API accepted the deletion.
    Deleted,
    /// The API answered 404: it was already gone.
    AlreadyGone,
}
