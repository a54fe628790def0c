//! The interconnect and slot endpoints under `/client/v4` (CNI objects and settings: `cni_routes`), and
//! the pipeline every API request goes through: body limit,
//! request log, rate limit, authentication, injected faults.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::control::{FaultAction, FaultSpec, Phase, Shared};
use super::envelope::{code, ApiFailure};
use super::log::{LoggedRequest, LOGGED_BODY_LIMIT};
use super::quota::Quotas;
use super::requests::{json_body, non_empty, paging};
use super::store::{fingerprint, NotFoundBody, SlotQuery};

/// Where the API lives on the mock.
pub const BASE_PATH: &str = "/client/v4";

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Credentials the mock accepts.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// The API token (`Authorization: Bearer`).
    pub token: Option<String>,
    /// The global API key and e-mail (`X-Auth-Key` + `X-Auth-Email`).
    pub key_email: Option<(String, String)>,
}

/// Lets a handler close its own connection without answering.
#[derive(Clone, Debug)]
pub struct ConnectionKill(pub CancellationToken);

/// How long a client may take to send a request's header; a slower one is disconnected.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a client may take to send a request's body; a slower one gets 408.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
struct ApiState {
    shared: Arc<Shared>,
    quotas: Arc<Quotas>,
    credentials: Arc<Credentials>,
    accounts: Arc<Vec<String>>,
}

/// The API router, wrapped in the pipeline. `accounts` are the accounts the credentials may use (any
/// well-formed account when empty).
pub fn router(
    shared: Arc<Shared>,
    quotas: Arc<Quotas>,
    credentials: Credentials,
    accounts: Vec<String>,
) -> Router {
    let state = ApiState {
        shared: shared.clone(),
        quotas,
        credentials: Arc::new(credentials),
        accounts: Arc::new(accounts),
    };
    let api = Router::new()
        .route(
            "/accounts/{account}/cni/interconnects",
            get(list_interconnects).post(create_interconnect),
        )
        .route(
            "/accounts/{account}/cni/interconnects/{name}",
            get(get_interconnect).delete(delete_interconnect),
        )
        .route(
            "/accounts/{account}/cni/interconnects/{name}/status",
            get(interconnect_status),
        )
        .route(
            "/accounts/{account}/cni/interconnects/{name}/loa",
            get(interconnect_loa),
        )
        .route("/accounts/{account}/cni/slots", get(list_slots))
        .route("/accounts/{account}/cni/slots/{id}", get(get_slot))
        .merge(super::cni_routes::routes())
        .fallback(|| async {
            ApiFailure::new(
                StatusCode::NOT_FOUND,
                code::UNKNOWN_ROUTE,
                "No route for that URI",
            )
        })
        .method_not_allowed_fallback(|| async {
            ApiFailure::new(
                StatusCode::METHOD_NOT_ALLOWED,
                code::METHOD_NOT_ALLOWED,
                "Method not allowed",
            )
        })
        .with_state(shared);
    Router::new()
        .nest(BASE_PATH, api)
        .layer(axum::middleware::from_fn_with_state(state, pipeline))
}

async fn pipeline(State(state): State<ApiState>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with(BASE_PATH) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let too_large = || {
        ApiFailure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            code::TOO_LARGE,
            "Request body too large",
        )
    };
    // Credentials first: a refused request is counted, never read or logged.
    let credential = match authenticate(&state.credentials, &parts.headers) {
        Ok(credential) => credential,
        Err(failure) => {
            // Read to its end (and dropped), so that the client gets the answer, not a reset.
            let _ = axum::body::to_bytes(body, MAX_BODY_BYTES).await;
            let seq = state.shared.refuse_unauthenticated();
            return with_ray(failure.into_response(), seq);
        }
    };
    if parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .is_some_and(|n| n > MAX_BODY_BYTES)
    {
        return too_large().into_response();
    }
    let bytes =
        match tokio::time::timeout(BODY_READ_TIMEOUT, axum::body::to_bytes(body, MAX_BODY_BYTES)).await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(_)) => return too_large().into_response(),
            Err(_) => {
                let slow = ApiFailure::new(
                    StatusCode::REQUEST_TIMEOUT,
                    code::INVALID_BODY,
                    "Request body timed out",
                );
                return slow.into_response();
            }
        };
    let path = parts
        .uri
        .path()
        .strip_prefix(BASE_PATH)
        .unwrap_or_default()
        .to_owned();
    let seq = state.shared.log_request(log_entry(&parts, &path, &bytes));
    let kill = parts.extensions.get::<ConnectionKill>().cloned();
    let method = parts.method.clone();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let request = Request::from_parts(parts, Body::from(bytes));
    let (response, fault) = guarded(&state, &credential, (&method, &path, &text), request, next).await;
    match response {
        Some(response) => {
            state.shared.complete_log(seq, response.status().as_u16(), fault);
            with_ray(response, seq)
        }
        None => {
            state.shared.complete_log(seq, 0, fault);
            if let Some(kill) = kill {
                kill.0.cancel();
            }
            std::future::pending().await
        }
    }
}

/// The answer with its `cf-ray`, from the request's sequence number (unique: it never resets).
fn with_ray(mut response: Response, seq: u64) -> Response {
    if let Ok(ray) = HeaderValue::from_str(&format!("{:016x}-MOCK", 0x6d6f_636b_0000_0000_u64 + seq)) {
        response.headers_mut().insert("cf-ray", ray);
    }
    response
}

/// The quota (its fields on every answer), rate limit and faults around the handler, for a request
/// whose `credential` was checked. `None` means: drop the connection.
async fn guarded(
    state: &ApiState,
    credential: &str,
    (method, path, body): (&Method, &str, &str),
    request: Request,
    next: Next,
) -> (Option<Response>, Option<String>) {
    let standing = match state.quotas.take(credential) {
        Ok(standing) => standing,
        Err(refused) => return (Some(*refused), None),
    };
    let (response, label) = counted(state, (method, path, body), credential, request, next).await;
    (response.map(|r| standing.stamp(r)), label)
}

/// Rate limit and faults around the handler, for a request the quota covers.
async fn counted(
    state: &ApiState,
    (method, path, body): (&Method, &str, &str),
    credential: &str,
    request: Request,
    next: Next,
) -> (Option<Response>, Option<String>) {
    if let Err(retry_after) = state.shared.check_rate_limit(credential) {
        let failure = ApiFailure::new(
            StatusCode::TOO_MANY_REQUESTS,
            code::RATE_LIMITED,
            "Rate limited: too many requests",
        )
        .with_retry_after(Some(retry_after));
        return (Some(failure.into_response()), None);
    }
    if let Err(failure) = check_account(&state.accounts, path) {
        return (Some(failure.into_response()), None);
    }
    let fault = state
        .shared
        .take_fault(method.as_str(), path, body)
        .or_else(|| state.shared.chaos_fault(is_listing(method.as_str(), path)));
    let Some(fault) = fault else {
        let not_found_body = state.shared.store().not_found_body();
        let response = next.run(request).await;
        return (Some(with_not_found_body(response, not_found_body).await), None);
    };
    let label = Some(serde_json::to_string(&fault.action).unwrap_or_default());
    let response = match fault.phase {
        Phase::Before => strike_before(&fault, request, next).await,
        Phase::After => strike_after(&fault, next.run(request).await).await,
    };
    (response, label)
}

/// Whether a request lists a collection (interconnects, CNIs, slots).
fn is_listing(method: &str, path: &str) -> bool {
    method == "GET"
        && ["/cni/interconnects", "/cni/cnis", "/cni/slots"]
            .iter()
            .any(|collection| path.ends_with(collection))
}

/// A handler's 404 for a missing object, with the body the mock is set to give such answers (the API
/// documents none). Routing errors keep their envelope.
async fn with_not_found_body(response: Response, body: NotFoundBody) -> Response {
    if response.status() != StatusCode::NOT_FOUND || body == NotFoundBody::Json {
        return response;
    }
    let (parts, original) = response.into_parts();
    let bytes = axum::body::to_bytes(original, MAX_BODY_BYTES)
        .await
        .unwrap_or_default();
    let routing = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|v| v["errors"][0]["code"].as_i64())
        .is_some_and(|c| c == code::NO_ROUTE || c == code::UNKNOWN_ROUTE);
    if routing {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let mut plain = match body {
        NotFoundBody::Text => (StatusCode::NOT_FOUND, "404 page not found\n").into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    };
    if body == NotFoundBody::Text {
        plain.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
    }
    plain
}

async fn strike_before(fault: &FaultSpec, request: Request, next: Next) -> Option<Response> {
    match &fault.action {
        FaultAction::Delay { delay_ms } => {
            tokio::time::sleep(Duration::from_millis(*delay_ms)).await;
            Some(next.run(request).await)
        }
        action => spoil(action),
    }
}

async fn strike_after(fault: &FaultSpec, real: Response) -> Option<Response> {
    match &fault.action {
        FaultAction::Delay { delay_ms } => {
            tokio::time::sleep(Duration::from_millis(*delay_ms)).await;
            Some(real)
        }
        FaultAction::Truncate => {
            let status = real.status();
            let headers = real.headers().clone();
            let body = axum::body::to_bytes(real.into_body(), usize::MAX)
                .await
                .unwrap_or_default();
            let mut cut = (status, body.slice(..body.len() / 2)).into_response();
            if let Some(ct) = headers.get(header::CONTENT_TYPE) {
                cut.headers_mut().insert(header::CONTENT_TYPE, ct.clone());
            }
            Some(cut)
        }
        action => spoil(action),
    }
}

/// The response a status, drop or body fault gives (`None`: drop the connection).
fn spoil(action: &FaultAction) -> Option<Response> {
    match action {
        FaultAction::Status { status, retry_after } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let message = status.canonical_reason().unwrap_or("Injected failure");
            Some(
                ApiFailure::new(status, code::INTERNAL, message)
                    .with_retry_after(*retry_after)
                    .into_response(),
            )
        }
        FaultAction::Drop => None,
        FaultAction::Body {
            status,
            body,
            content_type,
        } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::OK);
            let ct = content_type.clone().unwrap_or_else(|| "application/json".into());
            let mut response = (status, body.clone()).into_response();
            if let Ok(ct) = HeaderValue::from_str(&ct) {
                response.headers_mut().insert(header::CONTENT_TYPE, ct);
            }
            Some(response)
        }
        FaultAction::Html { status } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::NOT_FOUND);
            let page = format!(
                "<!DOCTYPE html>\n<html><head><title>{code} {reason}</title></head>\n<body><h1>{code} {reason}</h1><hr><p>proxy</p></body></html>\n",
                code = status.as_u16(),
                reason = status.canonical_reason().unwrap_or("Error"),
            );
            let mut response = (status, page).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            Some(response)
        }
        FaultAction::Delay { .. } | FaultAction::Truncate => None,
    }
}

/// Checks the credentials like the API: none → 400, wrong → 403. Returns the credential's identity.
/// How the pipeline names each credential `credentials` accept (the quota counts per credential).
pub fn credential_ids(credentials: &Credentials) -> Vec<String> {
    let token = credentials
        .token
        .iter()
        .map(|t| format!("token:{}", short_hash(t)));
    let key = credentials
        .key_email
        .iter()
        .map(|(key, _)| format!("key:{}", short_hash(key)));
    token.chain(key).collect()
}

fn authenticate(expected: &Credentials, headers: &HeaderMap) -> Result<String, ApiFailure> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let auth_error = || {
        ApiFailure::new(
            StatusCode::FORBIDDEN,
            code::AUTHENTICATION,
            "Authentication error",
        )
    };
    if let Some(authorization) = header("authorization") {
        let token = authorization.strip_prefix("Bearer ").ok_or_else(auth_error)?;
        return match &expected.token {
            Some(t) if t == token => Ok(format!("token:{}", short_hash(token))),
            _ => Err(auth_error()),
        };
    }
    match (header("x-auth-key"), header("x-auth-email")) {
        (Some(key), Some(email)) => match &expected.key_email {
            Some((k, e)) if k == key && e.eq_ignore_ascii_case(email) => {
                Ok(format!("key:{}", short_hash(key)))
            }
            _ => Err(auth_error()),
        },
        _ => Err(ApiFailure::bad_request(
            code::MISSING_CREDENTIALS,
            "Missing X-Auth-Key, X-Auth-Email or Authorization headers",
        )),
    }
}

/// The API's answers for an account it does not serve: an identifier that is not a 32-hex account tag
/// cannot be routed (400, code 7003); a well-formed one the credentials may not use is refused (403,
/// code 9109).
fn check_account(accounts: &[String], path: &str) -> Result<(), ApiFailure> {
    if !super::requests::decodes_to_utf8(path) {
        return Err(ApiFailure::bad_request(
            code::NO_ROUTE,
            format!("Could not route to {path}, perhaps your object identifier is invalid?"),
        ));
    }
    let Some(account) = path
        .strip_prefix("/accounts/")
        .and_then(|rest| rest.split('/').next())
    else {
        return Ok(());
    };
    let well_formed = account.len() == 32 && account.bytes().all(|b| b.is_ascii_hexdigit());
    if !well_formed {
        return Err(ApiFailure::bad_request(
            code::NO_ROUTE,
            format!("Could not route to {path}, perhaps your object identifier is invalid?"),
        ));
    }
    if accounts.is_empty() || accounts.iter().any(|a| a.eq_ignore_ascii_case(account)) {
        return Ok(());
    }
    Err(ApiFailure::new(
        StatusCode::FORBIDDEN,
        code::UNAUTHORIZED_RESOURCE,
        "Unauthorized to access requested resource",
    ))
}

fn short_hash(secret: &str) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(secret.as_bytes())[..6])
}

fn log_entry(parts: &axum::http::request::Parts, path: &str, body: &Bytes) -> LoggedRequest {
    let header = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let body = (!body.is_empty()).then(|| logged_body(body));
    LoggedRequest {
        seq: 0,
        at_ms: 0,
        method: parts.method.to_string(),
        path: path.to_owned(),
        query: parts.uri.query().map(str::to_owned),
        body,
        accept: header(header::ACCEPT),
        user_agent: header(header::USER_AGENT),
        status: 0,
        fault: None,
    }
}

/// A `"pairing_key": "..."` or `"md5_key": "..."` pair in a body that is not valid JSON (a truncated
/// one included).
static SECRET_IN_TEXT: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#""(pairing_key|md5_key)"\s*:\s*"((?:[^"\\]|\\.)*)"?"#).ok()
});

/// A request body as the log keeps it: pairing keys and MD5 keys replaced by their fingerprint, in
/// JSON and in bodies that are not (valid) JSON alike.
fn logged_body(body: &[u8]) -> Value {
    if body.len() > LOGGED_BODY_LIMIT {
        return serde_json::json!({ "omitted_bytes": body.len() });
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(mut json) => {
            for pointer in ["/pairing_key", "/bgp/md5_key"] {
                if let Some(Value::String(key)) = json.pointer_mut(pointer) {
                    *key = fingerprint(key);
                }
            }
            json
        }
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let scrubbed = match &*SECRET_IN_TEXT {
                Some(re) => re
                    .replace_all(&text, |c: &regex::Captures<'_>| {
                        format!("\"{}\":\"{}\"", &c[1], fingerprint(&c[2]))
                    })
                    .into_owned(),
                None => String::new(),
            };
            serde_json::json!({ "raw": scrubbed })
        }
    }
}

type Shared_ = State<Arc<Shared>>;
type ApiResult = Result<Response, ApiFailure>;

async fn list_interconnects(
    State(s): Shared_,
    Path(account): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult {
    let (cursor, limit) = paging(&query)?;
    let page = s.store().list_interconnects(
        &account,
        non_empty(&query, "site"),
        non_empty(&query, "type"),
        cursor,
        limit,
    );
    Ok(Json(page).into_response())
}

async fn create_interconnect(
    State(s): Shared_,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let body = json_body(&headers, &body)?;
    let created = s.store().create_interconnect(&account, &body)?;
    Ok(Json(created).into_response())
}

async fn get_interconnect(State(s): Shared_, Path((account, name)): Path<(String, String)>) -> ApiResult {
    Ok(Json(s.store().get_interconnect(&account, &name)?).into_response())
}

async fn delete_interconnect(State(s): Shared_, Path((account, name)): Path<(String, String)>) -> ApiResult {
    s.store().delete_interconnect(&account, &name)?;
    Ok(StatusCode::OK.into_response())
}

async fn interconnect_status(State(s): Shared_, Path((account, name)): Path<(String, String)>) -> ApiResult {
    Ok(Json(s.store().poll_status(&account, &name)?).into_response())
}

async fn interconnect_loa(
    State(s): Shared_,
    Path((account, name)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> ApiResult {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("*/*");
    let acceptable = accept.split(',').any(|range| {
        let range = range.split(';').next().unwrap_or_default().trim();
        matches!(range, "*/*" | "application/*" | "application/pdf")
    });
    if !acceptable {
        return Err(ApiFailure::new(
            StatusCode::NOT_ACCEPTABLE,
            code::NOT_ACCEPTABLE,
            "The LOA is a PDF: send Accept: */* or application/pdf",
        ));
    }
    let pdf = s.store().loa(&account, &name, non_empty(&query, "name"))?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], pdf).into_response())
}

async fn list_slots(
    State(s): Shared_,
    Path(_account): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult {
    let (cursor, limit) = paging(&query)?;
    let occupied = match non_empty(&query, "occupied") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            return Err(ApiFailure::bad_request(
                code::INVALID_FIELD,
                "occupied: must be true or false",
            ))
        }
    };
    let filter = SlotQuery {
        site: non_empty(&query, "site").map(str::to_owned),
        speed: non_empty(&query, "speed").map(str::to_owned),
        occupied,
        address_contains: non_empty(&query, "address_contains").map(str::to_owned),
    };
    Ok(Json(s.store().list_slots(&filter, cursor, limit)).into_response())
}

async fn get_slot(State(s): Shared_, Path((_account, id)): Path<(String, String)>) -> ApiResult {
    Ok(Json(s.store().get_slot(&id)?).into_response())
}
