//! The CNI-object and settings endpoints under `/client/v4` (`/cni/cnis`, `/cni/settings`); they go
//! through the same pipeline as every other API request (see `routes`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use super::control::Shared;
use super::envelope::ApiFailure;
use super::requests::{json_body, non_empty, paging};

type Shared_ = State<Arc<Shared>>;
type ApiResult = Result<Response, ApiFailure>;

/// The routes, to be nested under the API's base path.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/accounts/{account}/cni/cnis", get(list_cnis).post(create_cni))
        .route(
            "/accounts/{account}/cni/cnis/{cni}",
            get(get_cni).put(update_cni).delete(delete_cni),
        )
        .route(
            "/accounts/{account}/cni/settings",
            get(get_settings).put(update_settings),
        )
}

async fn list_cnis(
    State(s): Shared_,
    Path(account): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult {
    let (cursor, limit) = paging(&query)?;
    let filters = (non_empty(&query, "slot"), non_empty(&query, "tunnel_id"));
    Ok(Json(s.store().list_cnis(&account, filters, cursor, limit)).into_response())
}

async fn create_cni(
    State(s): Shared_,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let body = json_body(&headers, &body)?;
    Ok(Json(s.store().create_cni(&account, &body)?).into_response())
}

async fn get_cni(State(s): Shared_, Path((account, id)): Path<(String, String)>) -> ApiResult {
    Ok(Json(s.store().get_cni(&account, &id)?).into_response())
}

async fn update_cni(
    State(s): Shared_,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let body = json_body(&headers, &body)?;
    Ok(Json(s.store().update_cni(&account, &id, &body)?).into_response())
}

async fn delete_cni(State(s): Shared_, Path((account, id)): Path<(String, String)>) -> ApiResult {
    s.store().delete_cni(&account, &id)?;
    Ok(StatusCode::OK.into_response())
}

async fn get_settings(State(s): Shared_, Path(account): Path<String>) -> ApiResult {
    Ok(Json(s.store().settings(&account)).into_response())
}

async fn update_settings(
    State(s): Shared_,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let body = json_body(&headers, &body)?;
    Ok(Json(s.store().update_settings(&account, &body)?).into_response())
}
