//! The `/v1` routes of the reference backend: extractors, handlers, the error model.
//!
//! Handlers validate, then call [`Storage`] on tokio's blocking pool. Every non-2xx
//! response carries an [`ApiError`] body.

use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest as _, Sha256};

use crate::api::{
    ApiError, ChangePage, CitizenRecord, CodeTable, DigitalIdentityRequest,
    DigitalIdentityResponse, DocumentType, DossierRevision, ErrorCode, FieldError, Health,
    HouseholdVerifyRequest, HouseholdVerifyResponse, LookupRequest, LookupResponse,
    MAX_HOUSEHOLD_MEMBERS, MAX_RESERVATION, MAX_SYNC_BATCH, MemberResult, MemberStatus, Official,
    ProcedurePage, ProcedureRecord, ReservationRequest, ReservationResponse, ServerTime, SyncBatch,
    SyncItem, SyncKind, SyncOutcome, SyncResponse, SyncResult, TokenRequest, TokenResponse,
    VerifyRequest, VerifyResponse,
};
use crate::clock::{iso_date, rfc3339_vn, short_date, vn_date};
use crate::server::AppState;
use crate::server::auth;
use crate::server::faults::Faults;
use crate::server::sqlite::{format_code, hex};
use crate::server::storage::{LookupAudit, SessionRow, StorageError, StoredCitizen, SyncContext};
use crate::server::synth;

// ---------------------------------------------------------------------------
// The error model
// ---------------------------------------------------------------------------

/// An error answer: an [`ApiError`] body with its HTTP status.
#[derive(Debug)]
pub struct Failure {
    pub error: ApiError,
    status: Option<StatusCode>,
    retry_after_s: Option<u64>,
}

impl Failure {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            error: ApiError {
                code,
                message: message.into(),
                retryable: code.retryable(),
                fields: Vec::new(),
            },
            status: None,
            retry_after_s: None,
        }
    }

    /// A validation failure naming fields.
    pub fn fields(fields: Vec<FieldError>) -> Self {
        let mut f = Self::new(ErrorCode::ValidationFailed, "Dữ liệu gửi lên không hợp lệ.");
        f.error.fields = fields;
        f
    }

    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = Some(status);
        self
    }

    #[must_use]
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after_s = Some(seconds);
        self
    }

    fn internal(e: &StorageError) -> Self {
        tracing::error!(target: "server", "storage: {e}");
        Self::new(ErrorCode::Internal, "Lỗi hệ thống, vui lòng thử lại.")
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = self.status.unwrap_or_else(|| {
            StatusCode::from_u16(self.error.code.status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        });
        let mut resp = (status, Json(self.error)).into_response();
        if let Some(s) = self.retry_after_s
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

fn field(field: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

type Answer<T> = Result<Json<T>, Failure>;

/// Runs storage work on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StorageError> + Send + 'static,
) -> Result<T, Failure> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Failure::internal(&e)),
        Err(e) => Err(Failure::internal(&StorageError(format!(
            "task failed: {e}"
        )))),
    }
}

// ---------------------------------------------------------------------------
// Extractors
// ---------------------------------------------------------------------------

/// A JSON body whose problems come back in the error model.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(JsonRejection::BytesRejection(e))
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(Failure::new(
                    ErrorCode::PayloadTooLarge,
                    "Dữ liệu gửi lên quá lớn.",
                ))
            }
            Err(e) => {
                let mut f = Failure::new(
                    ErrorCode::ValidationFailed,
                    "Dữ liệu gửi lên không đọc được.",
                );
                f.error
                    .fields
                    .push(field("body", "malformed", &e.body_text()));
                Err(f)
            }
        }
    }
}

/// Query parameters whose problems come back in the error model.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Params(v))
            .map_err(|e: QueryRejection| {
                let mut f = Failure::new(
                    ErrorCode::ValidationFailed,
                    "Tham số truy vấn không hợp lệ.",
                );
                f.error
                    .fields
                    .push(field("query", "malformed", &e.body_text()));
                f
            })
    }
}

/// The signed-in official behind a bearer token.
#[derive(Debug, Clone)]
pub struct Authed(pub Official);

impl FromRequestParts<Arc<AppState>> for Authed {
    type Rejection = Failure;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let unauthenticated = || {
            Failure::new(
                ErrorCode::Unauthenticated,
                "Chưa đăng nhập hoặc phiên không hợp lệ.",
            )
        };
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(unauthenticated)?;
        let hash = auth::token_hash(token);
        let storage = state.storage.clone();
        let session = blocking(move || storage.session_by_access(&hash))
            .await?
            .ok_or_else(unauthenticated)?;
        if session.access_expires <= state.now().as_millisecond() {
            return Err(Failure::new(
                ErrorCode::TokenExpired,
                "Phiên đăng nhập đã hết hạn.",
            ));
        }
        let storage = state.storage.clone();
        let username = session.username.clone();
        let official = blocking(move || storage.official(&username))
            .await?
            .ok_or_else(unauthenticated)?;
        Ok(Authed(Official {
            username: official.username,
            full_name: official.full_name,
            unit_code: official.unit_code,
        }))
    }
}

// ---------------------------------------------------------------------------
// The router
// ---------------------------------------------------------------------------

/// Every route of `/v1` (METHOD, path), as the OpenAPI document must list them.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/v1/health"),
    ("GET", "/v1/openapi.json"),
    ("GET", "/v1/time"),
    ("POST", "/v1/auth/token"),
    ("GET", "/v1/procedures"),
    ("GET", "/v1/reference/holidays"),
    ("GET", "/v1/reference/admin-units"),
    ("GET", "/v1/reference/ethnicities"),
    ("GET", "/v1/reference/religions"),
    ("POST", "/v1/citizens/lookup"),
    ("POST", "/v1/citizens/verify"),
    ("POST", "/v1/households/verify-members"),
    ("POST", "/v1/citizens/digital-identity"),
    ("POST", "/v1/dossier-codes/reservations"),
    ("POST", "/v1/devices/key"),
    ("POST", "/v1/sync/batches"),
    ("GET", "/v1/changes"),
    ("GET", "/v1/dossiers/digest"),
    ("GET", "/v1/_test/faults"),
    ("PUT", "/v1/_test/faults"),
    ("GET", "/v1/_test/stats"),
];

/// The largest request body accepted.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

pub fn router(state: Arc<AppState>) -> Router {
    let mut router = Router::new()
        .route("/v1/health", get(health))
        .route("/v1/openapi.json", get(openapi))
        .route("/v1/time", get(time))
        .route("/v1/auth/token", post(token))
        .route("/v1/procedures", get(procedures))
        .route("/v1/reference/holidays", get(holidays))
        .route("/v1/reference/admin-units", get(admin_units))
        .route("/v1/reference/ethnicities", get(ethnicities))
        .route("/v1/reference/religions", get(religions))
        .route("/v1/citizens/lookup", post(lookup))
        .route("/v1/citizens/verify", post(verify))
        .route("/v1/households/verify-members", post(verify_members))
        .route("/v1/citizens/digital-identity", post(digital_identity))
        .route("/v1/dossier-codes/reservations", post(reserve_codes))
        .route("/v1/devices/key", post(device_key))
        .route("/v1/sync/batches", post(sync_batch))
        .route("/v1/changes", get(changes))
        .route("/v1/dossiers/digest", get(digest));
    if let Some(faults) = state.faults.clone() {
        router = router
            .route("/v1/_test/faults", get(get_faults).put(put_faults))
            .route("/v1/_test/stats", get(get_stats))
            .layer(axum::middleware::from_fn_with_state(
                faults,
                crate::server::faults::apply,
            ));
    }
    router
        .fallback(|| async { Failure::new(ErrorCode::NotFound, "Không có địa chỉ này.") })
        .method_not_allowed_fallback(|| async {
            Failure::new(
                ErrorCode::NotFound,
                "Địa chỉ này không nhận phương thức đó.",
            )
            .with_status(StatusCode::METHOD_NOT_ALLOWED)
        })
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

// ---------------------------------------------------------------------------
// Public routes
// ---------------------------------------------------------------------------

async fn health(State(state): State<Arc<AppState>>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        demo: state.demo,
    })
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::api::OPENAPI_JSON,
    )
        .into_response()
}

async fn time(State(state): State<Arc<AppState>>) -> Json<ServerTime> {
    let now = state.now();
    Json(ServerTime {
        now: rfc3339_vn(now),
        unix_ms: now.as_millisecond(),
    })
}

async fn token(
    State(state): State<Arc<AppState>>,
    Body(req): Body<TokenRequest>,
) -> Answer<TokenResponse> {
    let now = state.now().as_millisecond();
    let username = match req {
        TokenRequest::Password { username, password } => {
            sign_in(&state, username, password, now).await?
        }
        TokenRequest::RefreshToken { refresh_token } => {
            let storage = state.storage.clone();
            let hash = auth::token_hash(&refresh_token);
            let session = blocking(move || storage.take_session_by_refresh(&hash)).await?;
            match session {
                Some(s) if s.refresh_expires > now => s.username,
                _ => {
                    return Err(Failure::new(
                        ErrorCode::Unauthenticated,
                        "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.",
                    ));
                }
            }
        }
    };
    let storage = state.storage.clone();
    let name = username.clone();
    let official = blocking(move || storage.official(&name))
        .await?
        .ok_or_else(|| Failure::new(ErrorCode::Unauthenticated, "Tài khoản không còn tồn tại."))?;
    let access = auth::new_token("mca_").map_err(|e| Failure::internal(&StorageError(e)))?;
    let refresh = auth::new_token("mcr_").map_err(|e| Failure::internal(&StorageError(e)))?;
    let session = SessionRow {
        username,
        access_hash: auth::token_hash(&access),
        access_expires: now + state.token_ttl_ms,
        refresh_hash: auth::token_hash(&refresh),
        refresh_expires: now + auth::REFRESH_TTL_MS,
    };
    let storage = state.storage.clone();
    blocking(move || storage.create_session(&session)).await?;
    Ok(Json(TokenResponse {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: u64::try_from(state.token_ttl_ms / 1000).unwrap_or(0),
        refresh_token: refresh,
        official: Official {
            username: official.username,
            full_name: official.full_name,
            unit_code: official.unit_code,
        },
    }))
}

/// Checks a password, counting failures and locking the account after too many.
async fn sign_in(
    state: &Arc<AppState>,
    username: String,
    password: String,
    now: i64,
) -> Result<String, Failure> {
    let invalid = || {
        Failure::new(
            ErrorCode::InvalidCredentials,
            "Tên đăng nhập hoặc mật khẩu không đúng.",
        )
    };
    if username.trim().is_empty()
        || password.is_empty()
        || username.len() > 256
        || password.len() > 1024
    {
        return Err(Failure::fields(vec![field(
            "username",
            "required",
            "Nhập tên đăng nhập và mật khẩu.",
        )]));
    }
    let storage = state.storage.clone();
    let name = username.clone();
    let Some(official) = blocking(move || storage.official(&name)).await? else {
        blocking(move || {
            auth::burn_verification(&password);
            Ok(())
        })
        .await?;
        return Err(invalid());
    };
    if let Some(until) = official.locked_until
        && until > now
    {
        return Err(locked(until - now));
    }
    let phc = official.password_hash.clone();
    let ok = blocking(move || Ok(auth::verify_password(&password, &phc))).await?;
    let storage = state.storage.clone();
    if ok {
        blocking(move || storage.set_sign_in_state(&official.username, 0, None)).await?;
        return Ok(username);
    }
    let failures = official.failures + 1;
    if failures >= auth::MAX_FAILURES {
        let until = now + auth::LOCK_MS;
        blocking(move || storage.set_sign_in_state(&official.username, 0, Some(until))).await?;
        return Err(locked(auth::LOCK_MS));
    }
    blocking(move || storage.set_sign_in_state(&official.username, failures, None)).await?;
    Err(invalid())
}

fn locked(remaining_ms: i64) -> Failure {
    let secs = u64::try_from(remaining_ms / 1000 + 1).unwrap_or(1);
    Failure::new(
        ErrorCode::AccountLocked,
        format!(
            "Tài khoản tạm khóa do đăng nhập sai nhiều lần; thử lại sau {} phút.",
            secs.div_ceil(60)
        ),
    )
    .retry_after(secs)
}

// ---------------------------------------------------------------------------
// Catalogue and reference tables
// ---------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct PageQuery {
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default)]
    limit: Option<usize>,
}

impl PageQuery {
    fn parse(&self) -> Result<(u64, usize), Failure> {
        let after = match self.cursor.as_deref().map(str::trim) {
            None | Some("") => 0,
            Some(c) => c.parse::<u64>().map_err(|_| {
                Failure::fields(vec![field("cursor", "invalid", "Con trỏ không hợp lệ.")])
            })?,
        };
        let limit = self.limit.unwrap_or(500);
        if !(1..=1000).contains(&limit) {
            return Err(Failure::fields(vec![field(
                "limit",
                "range",
                "limit phải từ 1 đến 1000.",
            )]));
        }
        Ok((after, limit))
    }
}

async fn procedures(
    State(state): State<Arc<AppState>>,
    _: Authed,
    Params(q): Params<PageQuery>,
) -> Answer<ProcedurePage> {
    let (after, limit) = q.parse()?;
    let storage = state.storage.clone();
    let (items, last, version) = blocking(move || {
        let version = storage.catalogue_version()?;
        let (items, last) = storage.procedure_changes(after, limit)?;
        Ok((items, last, version))
    })
    .await?;
    Ok(Json(ProcedurePage {
        has_more: items.len() == limit,
        items,
        next_cursor: last.to_string(),
        catalogue_version: version,
    }))
}

fn cached_json(bytes: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

async fn holidays(State(state): State<Arc<AppState>>, _: Authed) -> Response {
    cached_json(state.reference.holidays)
}

async fn admin_units(State(state): State<Arc<AppState>>, _: Authed) -> Response {
    cached_json(state.reference.admin_units)
}

async fn ethnicities(State(state): State<Arc<AppState>>, _: Authed) -> Response {
    cached_json(state.reference.ethnicities)
}

async fn religions(State(state): State<Arc<AppState>>, _: Authed) -> Response {
    cached_json(state.reference.religions)
}

/// The reference tables, serialised once at start.
#[derive(Debug)]
pub struct ReferenceJson {
    pub holidays: &'static str,
    pub admin_units: &'static str,
    pub ethnicities: &'static str,
    pub religions: &'static str,
}

impl ReferenceJson {
    pub fn build(holidays: &crate::api::HolidayTable) -> Self {
        fn leak<T: serde::Serialize>(v: &T) -> &'static str {
            // Built once per server; the tables live as long as the process.
            Box::leak(
                serde_json::to_string(v)
                    .unwrap_or_else(|_| "{}".into())
                    .into_boxed_str(),
            )
        }
        static TABLES: std::sync::OnceLock<(&'static str, &'static str, &'static str)> =
            std::sync::OnceLock::new();
        let (admin_units, ethnicities, religions) = *TABLES.get_or_init(|| {
            let e: CodeTable = synth::ethnicities();
            let r: CodeTable = synth::religions();
            (leak(synth::admin_units()), leak(&e), leak(&r))
        });
        Self {
            holidays: leak(holidays),
            admin_units,
            ethnicities,
            religions,
        }
    }
}

// ---------------------------------------------------------------------------
// Citizens
// ---------------------------------------------------------------------------

/// Checks the four inputs of a population lookup; returns field errors.
fn check_identity(
    doc_type: Option<DocumentType>,
    number: &str,
    name: &str,
    birth: &str,
    number_field: &str,
    today_year: i16,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let digits = number.chars().all(|c| c.is_ascii_digit());
    let want = match doc_type {
        Some(DocumentType::Cmnd) => 9,
        _ => 12,
    };
    if !digits || number.len() != want {
        let msg = if want == 9 {
            "Số CMND phải gồm 9 chữ số."
        } else {
            "Số CCCD/định danh phải gồm 12 chữ số."
        };
        errors.push(field(number_field, "format", msg));
    }
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 100 || trimmed.chars().any(char::is_control)
    {
        errors.push(field("full_name", "format", "Họ tên không hợp lệ."));
    }
    if parse_birth(birth, today_year).is_none() {
        errors.push(field(
            "birth_date",
            "format",
            "Ngày sinh phải có dạng YYYY-MM-DD hoặc chỉ năm YYYY.",
        ));
    }
    errors
}

/// A birth date as the API accepts it: `YYYY-MM-DD` or `YYYY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Birth {
    Date(jiff::civil::Date),
    Year(i16),
}

fn parse_birth(s: &str, today_year: i16) -> Option<Birth> {
    let s = s.trim();
    let birth = if s.len() == 4 && s.chars().all(|c| c.is_ascii_digit()) {
        Birth::Year(s.parse().ok()?)
    } else if s.len() == 10 {
        Birth::Date(s.parse::<jiff::civil::Date>().ok()?)
    } else {
        return None;
    };
    let year = match birth {
        Birth::Date(d) => d.year(),
        Birth::Year(y) => y,
    };
    (1880..=today_year).contains(&year).then_some(birth)
}

/// Whether a stored birth date (`YYYY-MM-DD` or `YYYY`) agrees with the one given.
fn birth_matches(stored: &str, given: Birth) -> bool {
    match (parse_birth(stored, 9999), given) {
        (Some(Birth::Date(a)), Birth::Date(b)) => a == b,
        (Some(Birth::Date(a)), Birth::Year(y)) => a.year() == y,
        (Some(Birth::Year(a)), Birth::Date(b)) => a == b.year(),
        (Some(Birth::Year(a)), Birth::Year(b)) => a == b,
        (None, _) => false,
    }
}

/// Tolerant name comparison: case, diacritics, NFC/NFD and spacing do not matter.
pub fn name_matches(stored: &str, given: &str) -> bool {
    let norm = |s: &str| {
        crate::text::fold(s)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    norm(stored) == norm(given)
}

/// Checks the procedure exists and may use the population database.
async fn check_procedure(state: &Arc<AppState>, code: &str) -> Result<ProcedureRecord, Failure> {
    let storage = state.storage.clone();
    let c = code.trim().to_owned();
    if c.is_empty() {
        return Err(Failure::fields(vec![field(
            "procedure_code",
            "required",
            "Cần mã thủ tục cho mỗi lần tra cứu.",
        )]));
    }
    let record = blocking(move || storage.procedure(&c))
        .await?
        .ok_or_else(|| {
            Failure::fields(vec![field(
                "procedure_code",
                "unknown",
                "Mã thủ tục không có trong danh mục.",
            )])
        })?;
    if !record.population_lookup {
        return Err(Failure::new(
            ErrorCode::ProcedureNotLicensed,
            "Thủ tục này không được phép khai thác cơ sở dữ liệu dân cư.",
        ));
    }
    Ok(record)
}

async fn find_citizen(
    state: &Arc<AppState>,
    doc_type: DocumentType,
    number: &str,
) -> Result<Option<StoredCitizen>, Failure> {
    let storage = state.storage.clone();
    let number = number.to_owned();
    blocking(move || match doc_type {
        DocumentType::Cccd => storage.citizen(&number),
        DocumentType::Cmnd => storage.citizen_by_old_id(&number),
    })
    .await
}

/// Records one population-database call as the upstream service does; returns its id.
async fn audit(
    state: &Arc<AppState>,
    official: Official,
    kind: &'static str,
    id_number: String,
    procedure_code: String,
    dossier_code: Option<String>,
    found: bool,
) -> Result<String, Failure> {
    let audit = LookupAudit {
        at_ms: state.now().as_millisecond(),
        official: official.username,
        kind,
        id_number,
        procedure_code,
        dossier_code,
        found,
    };
    let storage = state.storage.clone();
    blocking(move || storage.record_lookup(&audit)).await
}

/// Finds the citizen matching all of number, name and birth date.
async fn matching_citizen(
    state: &Arc<AppState>,
    doc_type: DocumentType,
    number: &str,
    name: &str,
    birth: &str,
) -> Result<Option<StoredCitizen>, Failure> {
    let today_year = vn_date(state.now()).year();
    let errors = check_identity(
        Some(doc_type),
        number,
        name,
        birth,
        "document_number",
        today_year,
    );
    if !errors.is_empty() {
        return Err(Failure::fields(errors));
    }
    let birth = parse_birth(birth, today_year).ok_or_else(|| Failure::fields(Vec::new()))?;
    Ok(find_citizen(state, doc_type, number).await?.filter(|c| {
        name_matches(&c.person.full_name(), name) && birth_matches(&c.person.birth_date, birth)
    }))
}

async fn expand_citizen(
    state: &Arc<AppState>,
    c: &StoredCitizen,
) -> Result<CitizenRecord, Failure> {
    let head = match &c.household {
        Some(h) if h.head_id != c.person.id_number => {
            let storage = state.storage.clone();
            let id = h.head_id.clone();
            blocking(move || storage.citizen(&id))
                .await?
                .map(|s| s.person)
        }
        _ => None,
    };
    let head_ref = if c
        .household
        .as_ref()
        .is_some_and(|h| h.head_id == c.person.id_number)
    {
        Some(&c.person)
    } else {
        head.as_ref()
    };
    Ok(synth::expand(
        &c.person,
        head_ref,
        c.household.as_ref().map(|h| h.book_number.as_str()),
    ))
}

async fn lookup(
    State(state): State<Arc<AppState>>,
    Authed(official): Authed,
    Body(req): Body<LookupRequest>,
) -> Answer<LookupResponse> {
    check_procedure(&state, &req.procedure_code).await?;
    let found = matching_citizen(
        &state,
        req.document_type,
        &req.document_number,
        &req.full_name,
        &req.birth_date,
    )
    .await?;
    let citizen = match &found {
        Some(c) => Some(expand_citizen(&state, c).await?),
        None => None,
    };
    let lookup_id = audit(
        &state,
        official,
        "lookup",
        req.document_number,
        req.procedure_code,
        req.dossier_code,
        citizen.is_some(),
    )
    .await?;
    Ok(Json(LookupResponse { lookup_id, citizen }))
}

async fn verify(
    State(state): State<Arc<AppState>>,
    Authed(official): Authed,
    Body(req): Body<VerifyRequest>,
) -> Answer<VerifyResponse> {
    check_procedure(&state, &req.procedure_code).await?;
    let found = matching_citizen(
        &state,
        req.document_type,
        &req.document_number,
        &req.full_name,
        &req.birth_date,
    )
    .await?;
    let lookup_id = audit(
        &state,
        official,
        "verify",
        req.document_number,
        req.procedure_code,
        req.dossier_code,
        found.is_some(),
    )
    .await?;
    Ok(Json(VerifyResponse {
        lookup_id,
        exists: found.is_some(),
    }))
}

async fn verify_members(
    State(state): State<Arc<AppState>>,
    Authed(official): Authed,
    Body(req): Body<HouseholdVerifyRequest>,
) -> Answer<HouseholdVerifyResponse> {
    check_procedure(&state, &req.procedure_code).await?;
    let today_year = vn_date(state.now()).year();
    let mut errors = Vec::new();
    if req.members.len() > MAX_HOUSEHOLD_MEMBERS {
        errors.push(field(
            "members",
            "too_many",
            &format!("Tối đa {MAX_HOUSEHOLD_MEMBERS} thành viên mỗi lần."),
        ));
    }
    let twelve = |s: &str| s.len() == 12 && s.chars().all(|c| c.is_ascii_digit());
    if !twelve(&req.head.id_number) {
        errors.push(field(
            "head.id_number",
            "format",
            "Số định danh chủ hộ phải gồm 12 chữ số.",
        ));
    }
    for (i, m) in req.members.iter().enumerate() {
        if !twelve(&m.id_number) {
            errors.push(field(
                &format!("members[{i}].id_number"),
                "format",
                "Số định danh phải gồm 12 chữ số.",
            ));
        }
    }
    if let Some(b) = &req.head.birth_date
        && parse_birth(b, today_year).is_none()
    {
        errors.push(field(
            "head.birth_date",
            "format",
            "Ngày sinh phải có dạng YYYY-MM-DD hoặc YYYY.",
        ));
    }
    if !errors.is_empty() {
        return Err(Failure::fields(errors));
    }
    let storage = state.storage.clone();
    let head_req = req.head.clone();
    let member_ids: Vec<String> = req.members.iter().map(|m| m.id_number.clone()).collect();
    let (head_found, results) = blocking(move || {
        let head = storage.citizen(&head_req.id_number)?.filter(|c| {
            c.household
                .as_ref()
                .is_some_and(|h| h.head_id == c.person.id_number)
                && head_req
                    .full_name
                    .as_deref()
                    .is_none_or(|n| name_matches(&c.person.full_name(), n))
                && head_req
                    .birth_date
                    .as_deref()
                    .and_then(|b| parse_birth(b, 9999))
                    .is_none_or(|b| birth_matches(&c.person.birth_date, b))
        });
        let mut results = Vec::with_capacity(member_ids.len());
        for id in member_ids {
            let status = match &head {
                None => (MemberStatus::Unknown, None),
                Some(h) => match storage.citizen(&id)? {
                    None => (MemberStatus::Unknown, None),
                    Some(m) if m.person.household_id == h.person.household_id => {
                        (MemberStatus::Member, Some(m.person.relation.clone()))
                    }
                    Some(_) => (MemberStatus::NotMember, None),
                },
            };
            results.push(MemberResult {
                id_number: id,
                status: status.0,
                relation: status.1,
            });
        }
        Ok((head.is_some(), results))
    })
    .await?;
    let lookup_id = audit(
        &state,
        official,
        "household",
        req.head.id_number,
        req.procedure_code,
        req.dossier_code,
        head_found,
    )
    .await?;
    Ok(Json(HouseholdVerifyResponse {
        lookup_id,
        head_found,
        results,
    }))
}

async fn digital_identity(
    State(state): State<Arc<AppState>>,
    Authed(official): Authed,
    Body(req): Body<DigitalIdentityRequest>,
) -> Answer<DigitalIdentityResponse> {
    check_procedure(&state, &req.procedure_code).await?;
    let found = matching_citizen(
        &state,
        DocumentType::Cccd,
        &req.id_number,
        &req.full_name,
        &req.birth_date,
    )
    .await?;
    let level = found.as_ref().and_then(|c| c.person.portal_level);
    let lookup_id = audit(
        &state,
        official,
        "digital_identity",
        req.id_number,
        req.procedure_code,
        req.dossier_code,
        found.is_some(),
    )
    .await?;
    Ok(Json(DigitalIdentityResponse {
        lookup_id,
        valid: found.is_some(),
        has_account: level.is_some(),
        level,
    }))
}

// ---------------------------------------------------------------------------
// Dossier codes, sync, changes, digest
// ---------------------------------------------------------------------------

/// `POST /v1/devices/key`: the store key of the caller's device.
async fn device_key(
    State(state): State<Arc<AppState>>,
    Authed(official): Authed,
    Body(req): Body<crate::api::DeviceKeyRequest>,
) -> Answer<crate::api::DeviceKeyResponse> {
    if !crate::api::device_id_ok(&req.device_id) {
        return Err(Failure::fields(vec![field(
            "device_id",
            "format",
            "Mã thiết bị phải gồm 1–64 chữ cái, chữ số hoặc dấu gạch ngang.",
        )]));
    }
    let storage = state.storage.clone();
    let device = req.device_id.clone();
    let who = official.username.clone();
    let now = state.now().as_second();
    let key = blocking(move || storage.device_key(&device, &who, now)).await?;
    tracing::info!(device = %req.device_id, official = %official.username, "device key released");
    Ok(Json(crate::api::DeviceKeyResponse {
        device_id: req.device_id,
        key: crate::api::hex(&key),
    }))
}

async fn reserve_codes(
    State(state): State<Arc<AppState>>,
    Authed(official): Authed,
    Body(req): Body<ReservationRequest>,
) -> Answer<ReservationResponse> {
    if !(1..=MAX_RESERVATION).contains(&req.count) {
        return Err(Failure::fields(vec![field(
            "count",
            "range",
            &format!("Số mã phải từ 1 đến {MAX_RESERVATION}."),
        )]));
    }
    let day = vn_date(state.now());
    let short = short_date(day);
    let storage = state.storage.clone();
    let unit = official.unit_code.clone();
    let day_short = short.clone();
    let first = blocking(move || storage.reserve_codes(&unit, &day_short, req.count)).await?;
    let codes = (first..first + req.count)
        .map(|n| format_code(&official.unit_code, &short, n))
        .collect();
    Ok(Json(ReservationResponse {
        unit_code: official.unit_code,
        date: iso_date(day),
        codes,
    }))
}

/// Checks an item's id and idempotency key.
fn check_item_keys(item: &SyncItem) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if !id_ok(&item.id) {
        errors.push(field("id", "format", "Mã mục đồng bộ không hợp lệ."));
    }
    if !id_ok(&item.idempotency_key) {
        errors.push(field(
            "idempotency_key",
            "format",
            "Khóa chống trùng không hợp lệ.",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn id_ok(s: &str) -> bool {
    !s.trim().is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_graphic())
}

/// Checks one revision; returns field errors and, when valid, its received day.
fn check_revision(rev: &DossierRevision, unit: &str) -> Result<jiff::civil::Date, Vec<FieldError>> {
    let mut errors = Vec::new();
    if !id_ok(&rev.dossier_id) {
        errors.push(field(
            "revision.dossier_id",
            "format",
            "Mã định danh hồ sơ không hợp lệ.",
        ));
    }
    if rev.revision == 0 {
        errors.push(field(
            "revision.revision",
            "range",
            "Phiên bản bắt đầu từ 1.",
        ));
    }
    if !(1..=10).contains(&rev.status) {
        errors.push(field(
            "revision.status",
            "range",
            "Trạng thái hồ sơ phải từ 1 đến 10.",
        ));
    }
    let received = rev.received_at.parse::<jiff::Timestamp>().ok().map(vn_date);
    if received.is_none() {
        errors.push(field(
            "revision.received_at",
            "format",
            "Ngày tiếp nhận phải theo RFC 3339.",
        ));
    }
    if !rev.code_provisional {
        let ok = received.is_some_and(|d| {
            rev.dossier_code
                .strip_prefix(unit)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|rest| {
                    let (day, n) = rest.split_once('-').unwrap_or(("", ""));
                    day == short_date(d) && n.len() == 4 && n.chars().all(|c| c.is_ascii_digit())
                })
        });
        if !ok {
            errors.push(field(
                "revision.dossier_code",
                "format",
                "Mã hồ sơ phải có dạng {mã đơn vị}-{yyMMdd ngày tiếp nhận}-{NNNN}.",
            ));
        }
    }
    match received {
        Some(d) if errors.is_empty() => Ok(d),
        _ => Err(errors),
    }
}

/// What the handler found out about an item before storing it.
enum Prepared {
    /// A valid dossier revision received on that day.
    Dossier(jiff::civil::Date),
    /// A valid audit record.
    Audit,
    /// A valid queued lookup, and whether the citizen was found.
    Check(bool),
    /// Never storable as sent.
    Invalid(Vec<FieldError>),
}

async fn prepare_item(
    state: &Arc<AppState>,
    item: &SyncItem,
    unit: &str,
) -> Result<Prepared, Failure> {
    let present = match item.kind {
        SyncKind::Dossier => item.revision.is_some(),
        SyncKind::Audit => item.audit.is_some(),
        SyncKind::PopulationCheck => item.check.is_some(),
    };
    let extra = usize::from(item.revision.is_some())
        + usize::from(item.audit.is_some())
        + usize::from(item.check.is_some());
    if !present || extra != 1 {
        return Ok(Prepared::Invalid(vec![field(
            "kind",
            "mismatch",
            "Mục đồng bộ phải mang đúng một nội dung theo loại của nó.",
        )]));
    }
    if let Err(fields) = check_item_keys(item) {
        return Ok(Prepared::Invalid(fields));
    }
    match (&item.revision, &item.audit, &item.check) {
        (Some(rev), _, _) => {
            let day = match check_revision(rev, unit) {
                Ok(day) => day,
                Err(fields) => return Ok(Prepared::Invalid(fields)),
            };
            let storage = state.storage.clone();
            let code = rev.procedure_code.clone();
            if blocking(move || storage.procedure(&code)).await?.is_none() {
                return Ok(Prepared::Invalid(vec![field(
                    "revision.procedure_code",
                    "unknown",
                    "Mã thủ tục không có trong danh mục.",
                )]));
            }
            Ok(Prepared::Dossier(day))
        }
        (None, Some(a), _) => {
            let ok = |s: &str| {
                !s.trim().is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_graphic())
            };
            let mut fields = Vec::new();
            if !ok(&a.id) {
                fields.push(field(
                    "audit.id",
                    "format",
                    "Mã bản ghi nhật ký không hợp lệ.",
                ));
            }
            if a.at.parse::<jiff::Timestamp>().is_err() {
                fields.push(field("audit.at", "format", "Thời điểm phải theo RFC 3339."));
            }
            if !ok(&a.action) || !ok(&a.official) {
                fields.push(field(
                    "audit.action",
                    "format",
                    "Bản ghi nhật ký thiếu thao tác hoặc cán bộ.",
                ));
            }
            if fields.is_empty() {
                Ok(Prepared::Audit)
            } else {
                Ok(Prepared::Invalid(fields))
            }
        }
        (None, None, Some(q)) => {
            let r = &q.request;
            if let Err(f) = check_procedure(state, &r.procedure_code).await {
                return if f.error.retryable {
                    Err(f)
                } else {
                    Ok(Prepared::Invalid(prefixed(f, "check.request.")))
                };
            }
            match matching_citizen(
                state,
                r.document_type,
                &r.document_number,
                &r.full_name,
                &r.birth_date,
            )
            .await
            {
                Ok(found) => Ok(Prepared::Check(found.is_some())),
                Err(f) if f.error.retryable => Err(f),
                Err(f) => Ok(Prepared::Invalid(prefixed(f, "check.request."))),
            }
        }
        (None, None, None) => Ok(Prepared::Invalid(Vec::new())),
    }
}

/// A validation failure's field errors under `prefix` (one general one when it named none).
fn prefixed(f: Failure, prefix: &str) -> Vec<FieldError> {
    if f.error.fields.is_empty() {
        return vec![field(
            prefix.trim_end_matches('.'),
            "invalid",
            &f.error.message,
        )];
    }
    f.error
        .fields
        .into_iter()
        .map(|mut e| {
            e.field = format!("{prefix}{}", e.field);
            e
        })
        .collect()
}

async fn sync_batch(
    State(state): State<Arc<AppState>>,
    Authed(official): Authed,
    Body(batch): Body<SyncBatch>,
) -> Answer<SyncResponse> {
    if batch.items.len() > MAX_SYNC_BATCH {
        return Err(Failure::fields(vec![field(
            "items",
            "too_many",
            &format!("Tối đa {MAX_SYNC_BATCH} mục mỗi lần."),
        )]));
    }
    let mut prepared = Vec::with_capacity(batch.items.len());
    for item in batch.items {
        let p = match prepare_item(&state, &item, &official.unit_code).await {
            Ok(p) => Ok(p),
            Err(f) => Err(f.error),
        };
        prepared.push((item, p));
    }
    let now = state.now();
    let now_rfc = rfc3339_vn(now);
    let storage = state.storage.clone();
    let unit = official.unit_code.clone();
    let username = official.username.clone();
    let results = blocking(move || {
        let mut results = Vec::with_capacity(prepared.len());
        for (item, p) in prepared {
            let retry = |item: &SyncItem, error: ApiError| SyncResult {
                id: item.id.clone(),
                outcome: SyncOutcome::Retry,
                dossier_code: None,
                error: Some(error),
            };
            let p = match p {
                Ok(p) => p,
                Err(error) => {
                    results.push(retry(&item, error));
                    continue;
                }
            };
            let day = match &p {
                Prepared::Invalid(fields) => {
                    results.push(rejected(&item, fields.clone()));
                    continue;
                }
                Prepared::Dossier(day) => Some(*day),
                Prepared::Audit | Prepared::Check(_) => None,
            };
            let hash = payload_hash(&item);
            let iso = day.map(iso_date).unwrap_or_default();
            let short = day.map(short_date).unwrap_or_default();
            let ctx = SyncContext {
                unit_code: &unit,
                official: &username,
                now_ms: now.as_millisecond(),
                now_rfc3339: &now_rfc,
                received_iso: &iso,
                received_short: &short,
            };
            let applied = match p {
                Prepared::Check(found) => {
                    storage.apply_record_item(&item, &hash, &ctx, Some(found))
                }
                Prepared::Audit => storage.apply_record_item(&item, &hash, &ctx, None),
                _ => storage.apply_sync_item(&item, &hash, &ctx),
            };
            match applied {
                Ok(r) => results.push(r),
                Err(e) => {
                    tracing::error!(target: "server", "sync item {}: {e}", item.id);
                    results.push(retry(
                        &item,
                        Failure::new(ErrorCode::Internal, "Lỗi hệ thống, gửi lại sau.").error,
                    ));
                }
            }
        }
        Ok(results)
    })
    .await?;
    Ok(Json(SyncResponse {
        results,
        server_time: Some(rfc3339_vn(now)),
    }))
}

fn rejected(item: &SyncItem, fields: Vec<FieldError>) -> SyncResult {
    SyncResult {
        id: item.id.clone(),
        outcome: SyncOutcome::Rejected,
        dossier_code: None,
        error: Some(Failure::fields(fields).error),
    }
}

/// SHA-256 of the item's content as canonical JSON (keys sorted), hex: the revision for
/// a dossier (as before kinds existed), else the kind and its record.
pub fn payload_hash(item: &SyncItem) -> String {
    let value = match item.kind {
        SyncKind::Dossier => serde_json::to_value(&item.revision),
        SyncKind::Audit => serde_json::to_value((item.kind, &item.audit)),
        SyncKind::PopulationCheck => serde_json::to_value((item.kind, &item.check)),
    };
    let canonical = value
        .and_then(|v| serde_json::to_vec(&v))
        .unwrap_or_default();
    hex(&Sha256::digest(&canonical))
}

async fn changes(
    State(state): State<Arc<AppState>>,
    _: Authed,
    Params(q): Params<PageQuery>,
) -> Answer<ChangePage> {
    let (after, limit) = q.parse()?;
    let storage = state.storage.clone();
    let changes = blocking(move || storage.changes(after, limit)).await?;
    let next = changes.last().map_or(after, |c| c.seq);
    Ok(Json(ChangePage {
        has_more: changes.len() == limit,
        changes,
        next_cursor: next.to_string(),
    }))
}

#[derive(Debug, Deserialize)]
struct DigestQuery {
    date: String,
}

async fn digest(
    State(state): State<Arc<AppState>>,
    _: Authed,
    Params(q): Params<DigestQuery>,
) -> Answer<crate::api::Digest> {
    let date = q.date.trim().parse::<jiff::civil::Date>().map_err(|_| {
        Failure::fields(vec![field(
            "date",
            "format",
            "Ngày phải có dạng YYYY-MM-DD.",
        )])
    })?;
    let storage = state.storage.clone();
    let iso = iso_date(date);
    Ok(Json(blocking(move || storage.digest(&iso)).await?))
}

// ---------------------------------------------------------------------------
// Test-only fault switches
// ---------------------------------------------------------------------------

async fn get_faults(State(state): State<Arc<AppState>>) -> Answer<Faults> {
    let faults = state
        .faults
        .as_ref()
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, "Không có địa chỉ này."))?;
    Ok(Json(faults.get()))
}

async fn get_stats(State(state): State<Arc<AppState>>) -> Answer<crate::server::faults::Stats> {
    let faults = state
        .faults
        .as_ref()
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, "Không có địa chỉ này."))?;
    Ok(Json(faults.stats()))
}

async fn put_faults(State(state): State<Arc<AppState>>, Body(new): Body<Faults>) -> Answer<Faults> {
    let faults = state
        .faults
        .as_ref()
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, "Không có địa chỉ này."))?;
    new.check()
        .map_err(|e| Failure::fields(vec![field("faults", "range", &e)]))?;
    faults.set(new.clone());
    Ok(Json(new))
}
