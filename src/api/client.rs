//! The one typed client of the backend API, used by the app and the CLI.
//!
//! Every call has a timeout; the access token is refreshed once when it expires; every
//! failure is classified so callers know what to do: retry later, give up on this item,
//! ask the official to sign in, or wait for the network.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

/// The HTTP status type [`decode_answer`] takes.
pub use reqwest::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::{
    AdminUnits, ApiError, ChangePage, CodeTable, Digest, DigitalIdentityRequest,
    DigitalIdentityResponse, ErrorCode, Health, HolidayTable, HouseholdVerifyRequest,
    HouseholdVerifyResponse, LookupRequest, LookupResponse, Official, ProcedurePage,
    ReservationRequest, ReservationResponse, ServerTime, SyncBatch, SyncResponse, TokenRequest,
    TokenResponse, VerifyRequest, VerifyResponse,
};

/// How to reach the backend.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// `https://…`, or `http://` on a loopback address only.
    pub base_url: String,
    /// Trust only the CA certificates in this PEM file (instead of the system's).
    pub ca_file: Option<PathBuf>,
    /// Limit for a whole call, connection included.
    pub timeout: Duration,
    pub connect_timeout: Duration,
}

impl ClientOptions {
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            ca_file: None,
            timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

/// What a caller should do about a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Try again later (5xx, 429, timeouts, a broken answer): the outcome may be unknown.
    Retryable,
    /// This request will never succeed as sent (validation, not licensed, mismatch).
    Permanent,
    /// The official must sign in (again).
    NeedsSignIn,
    /// The backend cannot be reached.
    Offline,
}

/// A failed call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("không kết nối được máy chủ: {0}")]
    Offline(String),
    #[error("{}", .0.message)]
    NeedsSignIn(ApiError),
    #[error("{}", .error.message)]
    Retryable {
        error: ApiError,
        retry_after: Option<Duration>,
    },
    #[error("{}", .0.message)]
    Permanent(ApiError),
    /// The client is misconfigured (bad URL, unreadable CA file).
    #[error("{0}")]
    Config(String),
}

impl ClientError {
    pub fn class(&self) -> ErrorClass {
        match self {
            ClientError::Offline(_) => ErrorClass::Offline,
            ClientError::NeedsSignIn(_) => ErrorClass::NeedsSignIn,
            ClientError::Retryable { .. } => ErrorClass::Retryable,
            ClientError::Permanent(_) | ClientError::Config(_) => ErrorClass::Permanent,
        }
    }

    /// The server's error, when it sent one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            ClientError::NeedsSignIn(e) | ClientError::Permanent(e) => Some(e),
            ClientError::Retryable { error, .. } => Some(error),
            ClientError::Offline(_) | ClientError::Config(_) => None,
        }
    }

    /// The message without the class's own wording: the cause for `Offline`, the
    /// server's message otherwise. For screens that say "offline" themselves.
    pub fn detail(&self) -> String {
        match self {
            ClientError::Offline(cause) => cause.clone(),
            other => other.to_string(),
        }
    }

    /// The server's stable code, when it sent one.
    pub fn code(&self) -> Option<ErrorCode> {
        self.api_error().map(|e| e.code)
    }

    /// How long the server asked us to wait.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ClientError::Retryable { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

fn local_error(code: ErrorCode, message: String) -> ApiError {
    ApiError {
        code,
        message,
        retryable: code.retryable(),
        fields: Vec::new(),
    }
}

struct Session {
    access: String,
    refresh: String,
    official: Official,
}

/// The backend client. Cheap to share behind an `Arc`; calls may run concurrently.
pub struct Client {
    http: reqwest::Client,
    base: String,
    session: Mutex<Option<Session>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the tokens.
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("signed_in", &self.official().map(|o| o.username))
            .finish_non_exhaustive()
    }
}

/// Whether `host` is this machine.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Checks a backend URL: `https://host[:port]`, or `http://` to a loopback address.
pub fn check_base_url(url: &str) -> Result<String, String> {
    let url = url.trim().trim_end_matches('/');
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("địa chỉ máy chủ không hợp lệ: {url}"))?;
    let host_port = rest.split('/').next().unwrap_or("");
    let host = if host_port.starts_with('[') {
        host_port
            .split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or("").to_owned()
    };
    if host.is_empty() || url.chars().any(char::is_whitespace) {
        return Err(format!("địa chỉ máy chủ không hợp lệ: {url}"));
    }
    match scheme {
        "https" => Ok(url.to_owned()),
        "http" if is_loopback(&host) => Ok(url.to_owned()),
        "http" => Err(format!(
            "máy chủ {host} phải dùng https:// (chỉ địa chỉ nội bộ 127.0.0.1 được dùng http://)"
        )),
        _ => Err(format!("địa chỉ máy chủ phải bắt đầu bằng https://: {url}")),
    }
}

impl Client {
    pub fn new(opts: &ClientOptions) -> Result<Self, ClientError> {
        let base = check_base_url(&opts.base_url).map_err(ClientError::Config)?;
        let mut builder = reqwest::Client::builder()
            .timeout(opts.timeout)
            .connect_timeout(opts.connect_timeout)
            .user_agent(concat!("motcua/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none());
        if base.starts_with("http://") {
            // Loopback: never through a proxy.
            builder = builder.no_proxy();
        } else {
            builder = builder.https_only(true);
        }
        if let Some(path) = &opts.ca_file {
            let pem = std::fs::read(path)
                .map_err(|e| ClientError::Config(format!("{}: {e}", path.display())))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| ClientError::Config(format!("{}: {e}", path.display())))?;
            if certs.is_empty() {
                return Err(ClientError::Config(format!(
                    "{}: không có chứng thư nào",
                    path.display()
                )));
            }
            builder = builder.tls_certs_only(certs);
        }
        let http = builder
            .build()
            .map_err(|e| ClientError::Config(e.to_string()))?;
        Ok(Self {
            http,
            base,
            session: Mutex::new(None),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The signed-in official, if any.
    pub fn official(&self) -> Option<Official> {
        self.session
            .lock()
            .ok()
            .and_then(|s| s.as_ref().map(|s| s.official.clone()))
    }

    /// Forgets the session.
    pub fn sign_out(&self) {
        if let Ok(mut s) = self.session.lock() {
            *s = None;
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn access_token(&self) -> Option<String> {
        self.session
            .lock()
            .ok()
            .and_then(|s| s.as_ref().map(|s| s.access.clone()))
    }

    fn store_session(&self, t: TokenResponse) -> Official {
        let official = t.official.clone();
        if let Ok(mut s) = self.session.lock() {
            *s = Some(Session {
                access: t.access_token,
                refresh: t.refresh_token,
                official: t.official,
            });
        }
        official
    }

    /// Signs in with a password. The password is sent once and not kept.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<Official, ClientError> {
        let req = TokenRequest::Password {
            username: username.to_owned(),
            password: password.to_owned(),
        };
        let t: TokenResponse = self
            .send(
                reqwest::Method::POST,
                "/v1/auth/token",
                &[],
                Some(&req),
                false,
            )
            .await?;
        Ok(self.store_session(t))
    }

    /// Trades the refresh token for a new session.
    pub async fn refresh(&self) -> Result<Official, ClientError> {
        let refresh = self
            .session
            .lock()
            .ok()
            .and_then(|s| s.as_ref().map(|s| s.refresh.clone()))
            .ok_or_else(|| {
                ClientError::NeedsSignIn(local_error(
                    ErrorCode::Unauthenticated,
                    "Chưa đăng nhập.".into(),
                ))
            })?;
        let req = TokenRequest::RefreshToken {
            refresh_token: refresh,
        };
        match self
            .send::<_, TokenResponse>(
                reqwest::Method::POST,
                "/v1/auth/token",
                &[],
                Some(&req),
                false,
            )
            .await
        {
            Ok(t) => Ok(self.store_session(t)),
            Err(ClientError::Permanent(e)) if e.code == ErrorCode::Unauthenticated => {
                self.sign_out();
                Err(ClientError::NeedsSignIn(e))
            }
            Err(e) => Err(e),
        }
    }

    /// An authenticated call; refreshes the token once if it has expired.
    async fn call<B: Serialize + Sync, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        match self.send(method.clone(), path, query, body, true).await {
            Err(ClientError::NeedsSignIn(e)) if e.code == ErrorCode::TokenExpired => {
                self.refresh().await?;
                self.send(method, path, query, body, true).await
            }
            other => other,
        }
    }

    async fn send<B: Serialize + Sync, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
        auth: bool,
    ) -> Result<T, ClientError> {
        let mut req = self.http.request(method, self.url(path));
        if !query.is_empty() {
            req = req.query(query);
        }
        if auth {
            let token = self.access_token().ok_or_else(|| {
                ClientError::NeedsSignIn(local_error(
                    ErrorCode::Unauthenticated,
                    "Chưa đăng nhập.".into(),
                ))
            })?;
            req = req.bearer_auth(token);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.map_err(|e| transport_error(&e))?;
        let status = resp.status();
        let retry_after = retry_after_of(
            resp.headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
        );
        let bytes = read_capped(resp, MAX_RESPONSE_BYTES).await?;
        decode_answer(status, retry_after, &bytes)
    }

    // --- the routes -----------------------------------------------------------

    pub async fn health(&self) -> Result<Health, ClientError> {
        self.send::<(), _>(reqwest::Method::GET, "/v1/health", &[], None, false)
            .await
    }

    pub async fn time(&self) -> Result<ServerTime, ClientError> {
        self.send::<(), _>(reqwest::Method::GET, "/v1/time", &[], None, false)
            .await
    }

    pub async fn procedures(
        &self,
        cursor: &str,
        limit: usize,
    ) -> Result<ProcedurePage, ClientError> {
        let q = [("cursor", cursor.to_owned()), ("limit", limit.to_string())];
        self.call::<(), _>(reqwest::Method::GET, "/v1/procedures", &q, None)
            .await
    }

    pub async fn holidays(&self) -> Result<HolidayTable, ClientError> {
        self.call::<(), _>(reqwest::Method::GET, "/v1/reference/holidays", &[], None)
            .await
    }

    pub async fn admin_units(&self) -> Result<AdminUnits, ClientError> {
        self.call::<(), _>(reqwest::Method::GET, "/v1/reference/admin-units", &[], None)
            .await
    }

    pub async fn ethnicities(&self) -> Result<CodeTable, ClientError> {
        self.call::<(), _>(reqwest::Method::GET, "/v1/reference/ethnicities", &[], None)
            .await
    }

    pub async fn religions(&self) -> Result<CodeTable, ClientError> {
        self.call::<(), _>(reqwest::Method::GET, "/v1/reference/religions", &[], None)
            .await
    }

    pub async fn lookup(&self, req: &LookupRequest) -> Result<LookupResponse, ClientError> {
        self.call(reqwest::Method::POST, "/v1/citizens/lookup", &[], Some(req))
            .await
    }

    pub async fn verify(&self, req: &VerifyRequest) -> Result<VerifyResponse, ClientError> {
        self.call(reqwest::Method::POST, "/v1/citizens/verify", &[], Some(req))
            .await
    }

    pub async fn verify_members(
        &self,
        req: &HouseholdVerifyRequest,
    ) -> Result<HouseholdVerifyResponse, ClientError> {
        self.call(
            reqwest::Method::POST,
            "/v1/households/verify-members",
            &[],
            Some(req),
        )
        .await
    }

    pub async fn digital_identity(
        &self,
        req: &DigitalIdentityRequest,
    ) -> Result<DigitalIdentityResponse, ClientError> {
        self.call(
            reqwest::Method::POST,
            "/v1/citizens/digital-identity",
            &[],
            Some(req),
        )
        .await
    }

    /// The store key the backend keeps for `device_id` (made on the first call).
    pub async fn device_key(&self, device_id: &str) -> Result<crate::vault::StoreKey, ClientError> {
        let req = crate::api::DeviceKeyRequest {
            device_id: device_id.to_owned(),
        };
        let answer: crate::api::DeviceKeyResponse = self
            .call(reqwest::Method::POST, "/v1/devices/key", &[], Some(&req))
            .await?;
        let key = zeroize::Zeroizing::new(answer.key);
        if answer.device_id != device_id {
            return Err(ClientError::Permanent(local_error(
                ErrorCode::Internal,
                "Máy chủ trả khóa của thiết bị khác.".into(),
            )));
        }
        crate::vault::StoreKey::from_hex(&key).ok_or_else(|| {
            ClientError::Permanent(local_error(
                ErrorCode::Internal,
                "Máy chủ trả khóa thiết bị không hợp lệ.".into(),
            ))
        })
    }

    pub async fn reserve_codes(&self, count: u32) -> Result<ReservationResponse, ClientError> {
        let req = ReservationRequest { count };
        self.call(
            reqwest::Method::POST,
            "/v1/dossier-codes/reservations",
            &[],
            Some(&req),
        )
        .await
    }

    pub async fn sync_batch(&self, batch: &SyncBatch) -> Result<SyncResponse, ClientError> {
        self.call(reqwest::Method::POST, "/v1/sync/batches", &[], Some(batch))
            .await
    }

    pub async fn changes(&self, cursor: &str, limit: usize) -> Result<ChangePage, ClientError> {
        let q = [("cursor", cursor.to_owned()), ("limit", limit.to_string())];
        self.call::<(), _>(reqwest::Method::GET, "/v1/changes", &q, None)
            .await
    }

    pub async fn digest(&self, date: &str) -> Result<Digest, ClientError> {
        let q = [("date", date.to_owned())];
        self.call::<(), _>(reqwest::Method::GET, "/v1/dossiers/digest", &q, None)
            .await
    }

    /// Test-only: sets the reference backend's fault switches (see `server::faults`).
    /// Test only: what the reference server saw since its switches were last set.
    pub async fn test_stats(&self) -> Result<serde_json::Value, ClientError> {
        self.send::<(), _>(reqwest::Method::GET, "/v1/_test/stats", &[], None, false)
            .await
    }

    pub async fn set_faults(
        &self,
        faults: &serde_json::Value,
    ) -> Result<serde_json::Value, ClientError> {
        self.send(
            reqwest::Method::PUT,
            "/v1/_test/faults",
            &[],
            Some(faults),
            false,
        )
        .await
    }
}

/// The largest answer read from the backend (a catalogue page of 500 procedures is
/// about 1 MB). A bigger one is refused as it streams in, so memory stays bounded.
pub const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Reads a response body, refusing it once it passes `max` bytes (or announces more).
async fn read_capped(mut resp: reqwest::Response, max: usize) -> Result<Vec<u8>, ClientError> {
    let too_big = || ClientError::Retryable {
        error: local_error(
            ErrorCode::PayloadTooLarge,
            format!(
                "câu trả lời của máy chủ quá lớn (hơn {} MB) / the server's answer is too large",
                max / (1024 * 1024)
            ),
        ),
        retry_after: None,
    };
    if resp
        .content_length()
        .is_some_and(|n| usize::try_from(n).map_or(true, |n| n > max))
    {
        return Err(too_big());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| transport_error(&e))? {
        if body.len() + chunk.len() > max {
            return Err(too_big());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The longest wait a `Retry-After` may ask for; a longer one is cut to this, so a
/// broken or hostile server cannot park a batch or the sync for days.
pub const MAX_RETRY_AFTER: Duration = Duration::from_hours(1);

/// The most characters of a server's error message kept, and of each of its field
/// errors' texts; the most field errors kept. An error answer may be up to
/// [`MAX_RESPONSE_BYTES`], and its message is copied into every row a failed batch
/// touches: cut here, once, it stays small wherever it goes.
pub const MAX_ERROR_MESSAGE_CHARS: usize = 1000;
pub const MAX_FIELD_TEXT_CHARS: usize = 200;
pub const MAX_FIELD_ERRORS: usize = 50;

/// A `Retry-After` header in seconds (an HTTP date is not used: no wait is taken),
/// at most [`MAX_RETRY_AFTER`].
#[must_use]
pub fn retry_after_of(header: Option<&str>) -> Option<Duration> {
    header
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|s| Duration::from_secs(s).min(MAX_RETRY_AFTER))
}

/// Decodes one answer of the backend: a 2xx body as `T` (a body that is not a `T` is
/// a retryable failure: the outcome is unknown), any other status as the server's
/// error body (or, when the body is not one, an error made from the status), sorted
/// by [`classify`]. Pure, and the only decoding the client does (the `backend_response`
/// fuzz target calls it with arbitrary bytes).
pub fn decode_answer<T: DeserializeOwned>(
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<T, ClientError> {
    if status.is_success() {
        return serde_json::from_slice(body).map_err(|e| ClientError::Retryable {
            error: local_error(
                ErrorCode::Internal,
                format!("máy chủ trả lời không đúng định dạng: {e}"),
            ),
            retry_after: None,
        });
    }
    let error = serde_json::from_slice::<ApiError>(body).map_or_else(
        |_| {
            local_error(
                code_for_status(status),
                format!("máy chủ trả lời mã {}", status.as_u16()),
            )
        },
        bounded,
    );
    Err(classify(
        status,
        error,
        retry_after.map(|d| d.min(MAX_RETRY_AFTER)),
    ))
}

/// `s` cut to `max` characters (an ellipsis marks the cut).
fn cut(s: &mut String, max: usize) {
    if let Some((at, _)) = s.char_indices().nth(max) {
        s.truncate(at);
        s.push('…');
    }
}

/// A server's error with its texts cut to the limits above.
fn bounded(mut e: ApiError) -> ApiError {
    cut(&mut e.message, MAX_ERROR_MESSAGE_CHARS);
    e.fields.truncate(MAX_FIELD_ERRORS);
    for f in &mut e.fields {
        cut(&mut f.field, MAX_FIELD_TEXT_CHARS);
        cut(&mut f.code, MAX_FIELD_TEXT_CHARS);
        cut(&mut f.message, MAX_FIELD_TEXT_CHARS);
    }
    e
}

fn code_for_status(status: StatusCode) -> ErrorCode {
    match status.as_u16() {
        400 | 422 => ErrorCode::ValidationFailed,
        401 => ErrorCode::Unauthenticated,
        404 | 405 => ErrorCode::NotFound,
        409 => ErrorCode::IdempotencyMismatch,
        413 => ErrorCode::PayloadTooLarge,
        423 => ErrorCode::AccountLocked,
        429 => ErrorCode::RateLimited,
        502..=504 => ErrorCode::UpstreamUnavailable,
        _ => ErrorCode::Internal,
    }
}

/// Sorts an error answer into what the caller should do.
fn classify(status: StatusCode, error: ApiError, retry_after: Option<Duration>) -> ClientError {
    match status.as_u16() {
        401 => ClientError::NeedsSignIn(error),
        408 | 429 | 500..=599 => ClientError::Retryable { error, retry_after },
        _ if error.retryable => ClientError::Retryable { error, retry_after },
        _ => ClientError::Permanent(error),
    }
}

/// A failure below HTTP: no connection is offline; anything after the request left
/// (timeout, a connection cut mid-answer) has an unknown outcome and is retryable.
fn transport_error(e: &reqwest::Error) -> ClientError {
    if e.is_connect() {
        return ClientError::Offline(root_cause(e));
    }
    let message = if e.is_timeout() {
        "máy chủ không trả lời kịp (quá thời gian chờ)".to_owned()
    } else {
        format!("kết nối bị ngắt giữa chừng: {}", root_cause(e))
    };
    ClientError::Retryable {
        error: local_error(ErrorCode::UpstreamUnavailable, message),
        retry_after: None,
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_this_machine() {
        assert!(check_base_url("http://127.0.0.1:8787/").is_ok());
        assert!(check_base_url("http://localhost:8787").is_ok());
        assert!(check_base_url("http://[::1]:8787").is_ok());
        assert!(check_base_url("https://motcua.example.gov.vn").is_ok());
        assert!(check_base_url("http://10.0.0.5:8787").is_err());
        assert!(check_base_url("http://example.gov.vn").is_err());
        assert!(check_base_url("ftp://127.0.0.1").is_err());
        assert!(check_base_url("127.0.0.1:8787").is_err());
        assert_eq!(
            check_base_url("http://127.0.0.1:8787/").unwrap(),
            "http://127.0.0.1:8787"
        );
    }

    #[test]
    fn statuses_are_classified() {
        let e = |code| local_error(code, String::new());
        let c = |s: u16, code| classify(StatusCode::from_u16(s).unwrap(), e(code), None).class();
        assert_eq!(c(401, ErrorCode::TokenExpired), ErrorClass::NeedsSignIn);
        assert_eq!(c(429, ErrorCode::RateLimited), ErrorClass::Retryable);
        assert_eq!(
            c(503, ErrorCode::UpstreamUnavailable),
            ErrorClass::Retryable
        );
        assert_eq!(c(500, ErrorCode::Internal), ErrorClass::Retryable);
        assert_eq!(c(400, ErrorCode::ValidationFailed), ErrorClass::Permanent);
        assert_eq!(
            c(403, ErrorCode::ProcedureNotLicensed),
            ErrorClass::Permanent
        );
        assert_eq!(
            c(409, ErrorCode::IdempotencyMismatch),
            ErrorClass::Permanent
        );
        assert_eq!(c(423, ErrorCode::AccountLocked), ErrorClass::Permanent);
    }
}
