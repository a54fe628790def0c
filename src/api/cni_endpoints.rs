//! The endpoints of the CNI objects and the account settings, one typed method each on [`Transport`]:
//! list (a page, or every page), get, create, update (a PUT of the whole object), delete; get and set
//! the settings. A request that carries an MD5 key is scrubbed of it in every error.

use futures::{Stream, TryStreamExt};
use reqwest::Method;

use super::cni::{md5_key_of, Cni, CniFilter, CreateCni, Settings};
use super::endpoints::Deleted;
use super::error::ApiError;
use super::models::Page;
use super::paging::paginate;
use super::transport::{push_opt, Resend, Transport};

impl Transport {
    /// One page of `GET /cni/cnis`.
    pub async fn list_cnis_page(
        &self,
        account: &str,
        filter: &CniFilter,
        cursor: Option<i64>,
    ) -> Result<Page<Cni>, ApiError> {
        let mut query = Vec::new();
        push_opt(&mut query, "slot", filter.slot.as_deref());
        push_opt(&mut query, "tunnel_id", filter.tunnel_id.as_deref());
        self.push_paging(&mut query, cursor);
        let call = self.json_call("list CNIs".into(), Method::GET, account, vec!["cnis"], query);
        self.send_json(&call).await
    }

    /// Every CNI matching `filter`, following `next` to the last page.
    pub fn cnis<'a>(
        &'a self,
        account: &'a str,
        filter: &'a CniFilter,
    ) -> impl Stream<Item = Result<Cni, ApiError>> + Send + 'a {
        paginate("list CNIs", move |cursor| {
            self.list_cnis_page(account, filter, cursor)
        })
    }

    /// Every CNI matching `filter`, collected.
    pub async fn all_cnis(&self, account: &str, filter: &CniFilter) -> Result<Vec<Cni>, ApiError> {
        self.cnis(account, filter).try_collect().await
    }

    /// `GET /cni/cnis/{id}`.
    pub async fn get_cni(&self, account: &str, id: &str) -> Result<Cni, ApiError> {
        let call = self.json_call(
            format!("get CNI {id}"),
            Method::GET,
            account,
            vec!["cnis", id],
            vec![],
        );
        let got = self.send_json(&call).await;
        self.cni_confirmed(account, id, got).await
    }

    /// A bare 404 for the CNI `id` (no JSON envelope) is the API's own only when a JSON listing of the
    /// account's CNIs, taken after it, lacks the id too (see [`Transport::confirmed_by`]).
    async fn cni_confirmed<T>(
        &self,
        account: &str,
        id: &str,
        answer: Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let lacks = async {
            let listed = self.all_cnis(account, &CniFilter::default()).await?;
            Ok(!listed.iter().any(|cni| cni.id.eq_ignore_ascii_case(id)))
        };
        self.confirmed_by(id, answer, lacks).await
    }

    /// `POST /cni/cnis`. Sent again only when it certainly did not reach the API: when
    /// [`ApiError::outcome_unknown`] is true, the caller must look for the CNI before creating another.
    pub async fn create_cni(&self, account: &str, body: &CreateCni) -> Result<Cni, ApiError> {
        let secret = md5_key_of(body.bgp.as_ref());
        let operation = "create CNI".to_string();
        self.send_body(
            operation,
            Method::POST,
            (account, vec!["cnis"]),
            body,
            (Resend::OnlyIfNotProcessed, secret),
        )
        .await
    }

    /// `PUT /cni/cnis/{id}` with the whole object (what it leaves out, the API removes). A PUT of the
    /// same object twice is the same PUT, so it is retried like a read.
    pub async fn update_cni(&self, account: &str, cni: &Cni) -> Result<Cni, ApiError> {
        let secret = md5_key_of(cni.bgp.as_ref());
        let operation = format!("update CNI {}", cni.id);
        self.send_body(
            operation,
            Method::PUT,
            (account, vec!["cnis", &cni.id]),
            cni,
            (Resend::Idempotent, secret),
        )
        .await
    }

    /// `DELETE /cni/cnis/{id}`; a 404 (the API's own, or a bare one the account's listing confirms) means
    /// it was already gone.
    pub async fn delete_cni(&self, account: &str, id: &str) -> Result<Deleted, ApiError> {
        let mut call = self.json_call(
            format!("delete CNI {id}"),
            Method::DELETE,
            account,
            vec!["cnis", id],
            vec![],
        );
        call.accept = "*/*";
        let sent = self.send(&call).await;
        match self.cni_confirmed(account, id, sent).await {
            Ok(_) => Ok(Deleted::Deleted),
            Err(e) if e.is_not_found() => Ok(Deleted::AlreadyGone),
            Err(e) => Err(e),
        }
    }

    /// `GET /cni/settings`.
    pub async fn settings(&self, account: &str) -> Result<Settings, ApiError> {
        let call = self.json_call(
            "get CNI settings".into(),
            Method::GET,
            account,
            vec!["settings"],
            vec![],
        );
        self.send_json(&call).await
    }

    /// `PUT /cni/settings` with `default_asn`.
    pub async fn update_settings(&self, account: &str, default_asn: u32) -> Result<Settings, ApiError> {
        let body = Settings { default_asn };
        let operation = "update CNI settings".to_string();
        self.send_body(
            operation,
            Method::PUT,
            (account, vec!["settings"]),
            &body,
            (Resend::Idempotent, None),
        )
        .await
    }
}
