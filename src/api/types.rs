//! The wire types of motcua's backend API (`/v1`), shared by the reference server and
//! the client. They are our own clean shapes; `api/openapi.json` names the upstream
//! service and fields each one stands for (TraCuuThongTinCongDan and friends).
//!
//! Conventions: snake_case JSON, dates as ISO `YYYY-MM-DD` (a birth date may be the
//! year alone, `YYYY`), timestamps as RFC 3339 with the `+07:00` offset, money in đồng.

use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// The one error body every route returns with a non-2xx status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    /// Vietnamese, for the official.
    pub message: String,
    /// Whether the same request may succeed later (5xx, 429, upstream down).
    pub retryable: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// A problem with one field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// Stable error codes; clients branch on these, never on the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// 400: the request is malformed or a field is invalid (see `fields`).
    ValidationFailed,
    /// 401: wrong username or password.
    InvalidCredentials,
    /// 423: too many failed sign-ins; try again later.
    AccountLocked,
    /// 401: the access token has expired; refresh it.
    TokenExpired,
    /// 401: no token, or a token the server does not know.
    Unauthenticated,
    /// 403: the procedure is not licensed to use the population database.
    ProcedureNotLicensed,
    /// 404: no such route or resource.
    NotFound,
    /// 409: an idempotency key was reused with a different payload.
    IdempotencyMismatch,
    /// 429: too many requests; see `Retry-After`.
    RateLimited,
    /// 503: the upstream (population database, portal) is unavailable.
    UpstreamUnavailable,
    /// 500: a fault on the server.
    Internal,
    /// 413: the request body is too large.
    PayloadTooLarge,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 12] = [
        ErrorCode::ValidationFailed,
        ErrorCode::InvalidCredentials,
        ErrorCode::AccountLocked,
        ErrorCode::TokenExpired,
        ErrorCode::Unauthenticated,
        ErrorCode::ProcedureNotLicensed,
        ErrorCode::NotFound,
        ErrorCode::IdempotencyMismatch,
        ErrorCode::RateLimited,
        ErrorCode::UpstreamUnavailable,
        ErrorCode::Internal,
        ErrorCode::PayloadTooLarge,
    ];

    /// The HTTP status this code is sent with.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::ValidationFailed => 400,
            ErrorCode::InvalidCredentials
            | ErrorCode::TokenExpired
            | ErrorCode::Unauthenticated => 401,
            ErrorCode::ProcedureNotLicensed => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::IdempotencyMismatch => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::AccountLocked => 423,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
            ErrorCode::UpstreamUnavailable => 503,
        }
    }

    pub fn retryable(self) -> bool {
        matches!(
            self,
            ErrorCode::RateLimited | ErrorCode::UpstreamUnavailable | ErrorCode::Internal
        )
    }

    /// The wire name, e.g. `VALIDATION_FAILED`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ValidationFailed => "VALIDATION_FAILED",
            ErrorCode::InvalidCredentials => "INVALID_CREDENTIALS",
            ErrorCode::AccountLocked => "ACCOUNT_LOCKED",
            ErrorCode::TokenExpired => "TOKEN_EXPIRED",
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::ProcedureNotLicensed => "PROCEDURE_NOT_LICENSED",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::IdempotencyMismatch => "IDEMPOTENCY_MISMATCH",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::UpstreamUnavailable => "UPSTREAM_UNAVAILABLE",
            ErrorCode::Internal => "INTERNAL",
            ErrorCode::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
        }
    }
}

// ---------------------------------------------------------------------------
// Auth
// ---------------------------------------------------------------------------

/// `POST /v1/auth/token`: either a password sign-in or a refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "grant_type", rename_all = "snake_case")]
pub enum TokenRequest {
    Password { username: String, password: String },
    RefreshToken { refresh_token: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub refresh_token: String,
    pub official: Official,
}

/// A signed-in official (cán bộ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Official {
    pub username: String,
    pub full_name: String,
    /// The agency's e-ID code, the prefix of its dossier codes (e.g. `000.00.92.H55`).
    pub unit_code: String,
}

// ---------------------------------------------------------------------------
// Catalogue feed
// ---------------------------------------------------------------------------

/// `GET /v1/procedures?cursor=&limit=`: changes to the catalogue after `cursor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedurePage {
    pub items: Vec<ProcedureChange>,
    /// Pass back as `cursor` to get the next changes; store it once applied.
    pub next_cursor: String,
    /// More changes are waiting: ask again at once with `next_cursor`.
    pub has_more: bool,
    /// The catalogue version these changes bring the client up to.
    pub catalogue_version: u64,
}

/// One change to the catalogue: a procedure as it now is, or its removal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureChange {
    /// The catalogue version that made this change.
    pub version: u64,
    pub code: String,
    /// `true` when the procedure left the catalogue; `procedure` is then absent.
    #[serde(default)]
    pub removed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<ProcedureRecord>,
}

/// A procedure (thủ tục hành chính) as the provincial catalogue publishes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureRecord {
    /// National code, e.g. `1.001776`.
    pub code: String,
    /// The province's variant, e.g. `1.001776.000.00.00.H56`; may be empty.
    #[serde(default)]
    pub local_code: String,
    pub name: String,
    /// Lĩnh vực.
    pub field: String,
    /// Processing time and fees per channel (1 trực tiếp, 2 trực tuyến, 3 bưu chính).
    pub channels: Vec<ChannelTerms>,
    /// Thành phần hồ sơ.
    #[serde(default)]
    pub components: Vec<DossierComponent>,
    /// Căn cứ pháp lý.
    #[serde(default)]
    pub legal_basis: Vec<String>,
    /// Whether the procedure may look citizens up in the population database.
    #[serde(default)]
    pub population_lookup: bool,
    /// The population-database fields a dossier of this procedure keeps (`ethnicity`,
    /// `home_town`, …, as in `CitizenRecord`), beyond the intake form's own fields.
    /// Empty: the form's fields only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub population_fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelTerms {
    /// 1 trực tiếp (at the desk), 2 trực tuyến (online), 3 bưu chính công ích (post).
    pub channel: u8,
    /// Số ngày thực hiện, in working days.
    pub days: u32,
    /// Whether a fee or charge is collected (Thu phí).
    pub charges_fee: bool,
    /// Phí, in đồng.
    pub fee: u64,
    /// Lệ phí, in đồng.
    pub charge: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierComponent {
    pub name: String,
    /// Number of originals (bản chính).
    pub originals: u32,
    /// Number of copies (bản sao).
    pub copies: u32,
    pub required: bool,
}

impl ProcedureRecord {
    /// The terms at the desk (channel 1), else the first channel listed.
    pub fn desk_terms(&self) -> Option<&ChannelTerms> {
        self.channels
            .iter()
            .find(|c| c.channel == 1)
            .or_else(|| self.channels.first())
    }

    /// The row the procedure list shows.
    pub fn to_procedure(&self) -> crate::catalogue::Procedure {
        let terms = self.desk_terms();
        crate::catalogue::Procedure {
            code: self.code.clone(),
            local_code: self.local_code.clone(),
            name: self.name.clone(),
            field: self.field.clone(),
            days: terms.map_or(0, |t| t.days),
            charges_fee: terms.is_some_and(|t| t.charges_fee),
            fee: terms.map_or(0, |t| t.fee),
            charge: terms.map_or(0, |t| t.charge),
        }
    }
}

// ---------------------------------------------------------------------------
// Reference tables
// ---------------------------------------------------------------------------

/// `GET /v1/reference/holidays`: the days off the office observes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayTable {
    /// Changes whenever the table changes; a dossier records the version it used.
    pub version: String,
    /// The years this table covers completely.
    pub years: Vec<i32>,
    pub days: Vec<HolidayDay>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayDay {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub name: String,
    pub kind: HolidayKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// A public holiday (Labour Code 2019, art. 112).
    Holiday,
    /// A day off given in place of a holiday that fell on a weekend (nghỉ bù).
    Compensatory,
    /// A day off announced by the government in exchange for a `working` weekend day.
    SwapOff,
    /// A weekend day worked in exchange for a `swap_off` day.
    Working,
}

/// `GET /v1/reference/admin-units`: provinces and wards in both forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUnits {
    /// The two-level form in force since 1 Jul 2025: 34 provinces, wards directly below.
    pub current: Vec<Province>,
    /// The three-level form before 1 Jul 2025: 63 provinces, districts, wards.
    pub legacy: Vec<LegacyProvince>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Province {
    pub code: String,
    pub name: String,
    pub wards: Vec<CodeName>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyProvince {
    pub code: String,
    pub name: String,
    /// The code of the province it became part of on 1 Jul 2025.
    pub merged_into: String,
    pub districts: Vec<LegacyDistrict>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyDistrict {
    pub code: String,
    pub name: String,
    pub wards: Vec<CodeName>,
}

/// A coded value with its name, as in the national code lists.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CodeName {
    pub code: String,
    pub name: String,
}

/// `GET /v1/reference/ethnicities` and `/religions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeTable {
    pub version: String,
    pub items: Vec<CodeName>,
}

// ---------------------------------------------------------------------------
// Citizens (population database)
// ---------------------------------------------------------------------------

/// Which identity document a number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocumentType {
    /// Căn cước công dân / căn cước: 12 digits, the personal ID number.
    #[serde(rename = "CCCD")]
    Cccd,
    /// Chứng minh nhân dân: 9 digits.
    #[serde(rename = "CMND")]
    Cmnd,
}

/// `POST /v1/citizens/lookup` (upstream TraCuuThongTinCongDan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookupRequest {
    pub document_type: DocumentType,
    pub document_number: String,
    /// Matched tolerantly: case, diacritics and spacing do not matter.
    pub full_name: String,
    /// `YYYY-MM-DD`, or `YYYY` when only the year is known.
    pub birth_date: String,
    /// The procedure the lookup is for; it must be licensed for lookups.
    pub procedure_code: String,
    /// The dossier the lookup is for, when there is one yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookupResponse {
    /// The server's record of this lookup (its audit id).
    pub lookup_id: String,
    /// `None` when no citizen matches all of number, name and birth date.
    pub citizen: Option<CitizenRecord>,
}

/// The 20 fields the population database shares (seed 000), in its order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitizenRecord {
    /// (1) Số định danh cá nhân (12 digits).
    pub id_number: String,
    /// (2) Số CMND (9 digits), for people who had one.
    pub old_id_number: Option<String>,
    /// (3) Họ, chữ đệm và tên.
    pub full_name: PersonName,
    /// (4) Giới tính.
    pub sex: Sex,
    /// (5) Dân tộc.
    pub ethnicity: CodeName,
    /// (6) Ngày sinh: `YYYY-MM-DD`, or `YYYY` when only the year is registered.
    pub birth_date: String,
    /// (7) Nơi đăng ký khai sinh.
    pub birth_registration_place: Address,
    /// (8) Quê quán.
    pub home_town: Address,
    /// (9) Địa chỉ thường trú.
    pub permanent_address: Address,
    /// (10) Nơi ở hiện tại.
    pub current_address: Address,
    /// (11) Tôn giáo.
    pub religion: CodeName,
    /// (12) Tình trạng hôn nhân.
    pub marital_status: MaritalStatus,
    /// (13) Nhóm máu.
    pub blood_group: BloodGroup,
    /// (14) Quốc tịch.
    pub nationality: CodeName,
    /// (15) Cha.
    pub father: Option<RelatedPerson>,
    /// (16) Mẹ.
    pub mother: Option<RelatedPerson>,
    /// (17) Vợ/chồng.
    pub spouse: Option<RelatedPerson>,
    /// (18) Người đại diện (for minors and people under guardianship).
    pub representative: Option<RelatedPerson>,
    /// (19) Chủ hộ.
    pub household_head: Option<HouseholdHead>,
    /// (20) Số sổ hộ khẩu.
    pub household_book_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName {
    /// Họ.
    pub family: String,
    /// Chữ đệm; may be empty.
    pub middle: String,
    /// Tên.
    pub given: String,
}

impl PersonName {
    /// "Họ chữ-đệm tên" with single spaces.
    pub fn full(&self) -> String {
        [&self.family, &self.middle, &self.given]
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Giới tính as coded upstream: 1 Nam, 2 Nữ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// Tình trạng hôn nhân: 1 chưa kết hôn, 2 đang có vợ/chồng, 3 ly hôn/góa.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaritalStatus {
    Single,
    Married,
    DivorcedOrWidowed,
}

/// Nhóm máu: 00 chưa có, 01 A, 02 B, 03 AB, 04 O.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BloodGroup {
    #[serde(rename = "unknown")]
    Unknown,
    A,
    B,
    AB,
    O,
}

/// An address: the detail line plus the units in both forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// House number, street, hamlet (số nhà, đường, thôn/tổ).
    pub detail: String,
    /// Two-level form (since 1 Jul 2025): province and ward.
    pub province: CodeName,
    pub ward: CodeName,
    /// Three-level form as registered before 1 Jul 2025, when the record has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy: Option<LegacyAddress>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyAddress {
    pub province: CodeName,
    pub district: CodeName,
    pub ward: CodeName,
}

/// A parent, spouse or representative as the record names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedPerson {
    pub full_name: String,
    pub nationality: CodeName,
    pub id_number: Option<String>,
    pub old_id_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdHead {
    /// Quan hệ với chủ hộ, e.g. "Chủ hộ", "Vợ", "Con".
    pub relation: String,
    pub id_number: String,
    pub old_id_number: Option<String>,
    pub full_name: String,
}

/// `POST /v1/citizens/verify` (upstream XacThucThongTinCongDan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyRequest {
    pub document_type: DocumentType,
    pub document_number: String,
    pub full_name: String,
    pub birth_date: String,
    pub procedure_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyResponse {
    pub lookup_id: String,
    /// "Công dân tồn tại" when true, "Không tồn tại" when false.
    pub exists: bool,
}

/// `POST /v1/households/verify-members` (upstream XacMinhThongTinChuHo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdVerifyRequest {
    pub head: PersonRef,
    /// At most [`MAX_HOUSEHOLD_MEMBERS`] per request.
    pub members: Vec<PersonRef>,
    pub procedure_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_code: Option<String>,
}

/// The most members one household request may carry.
pub const MAX_HOUSEHOLD_MEMBERS: usize = 100;

/// A person named by ID number, with the name and birth date when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    pub id_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdVerifyResponse {
    pub lookup_id: String,
    /// Whether the head was found as the head of a household.
    pub head_found: bool,
    /// One result per member, in request order.
    pub results: Vec<MemberResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberResult {
    pub id_number: String,
    pub status: MemberStatus,
    /// Quan hệ với chủ hộ, for members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    /// Thành viên.
    Member,
    /// Không phải thành viên.
    NotMember,
    /// The number is not in the population database, or the head was not found.
    Unknown,
}

/// `POST /v1/citizens/digital-identity` (upstream TraCuuTechID).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigitalIdentityRequest {
    pub id_number: String,
    pub full_name: String,
    pub birth_date: String,
    pub procedure_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigitalIdentityResponse {
    pub lookup_id: String,
    /// Whether the details match a citizen ("Thông tin công dân hợp lệ").
    pub valid: bool,
    /// Whether that citizen has a national public-service portal account ("Đã có").
    pub has_account: bool,
    /// The VNeID level (1 or 2) when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
}

// ---------------------------------------------------------------------------
// Dossier codes, sync, changes, digest, time
// ---------------------------------------------------------------------------

/// `POST /v1/devices/key`: the key this device's local store is encrypted with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceKeyRequest {
    /// The device's id (a UUID the app makes once and keeps in its keyring).
    pub device_id: String,
}

/// The device key, released to a signed-in official. Never printed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceKeyResponse {
    pub device_id: String,
    /// 256 bits, 64 lower-case hex digits.
    pub key: String,
}

impl std::fmt::Debug for DeviceKeyResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceKeyResponse")
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

/// Whether a device id is acceptable: 1 to 64 letters, digits and `-`.
#[must_use]
pub fn device_id_ok(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// `POST /v1/dossier-codes/reservations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationRequest {
    /// How many codes, 1 to [`MAX_RESERVATION`].
    pub count: u32,
}

pub const MAX_RESERVATION: u32 = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationResponse {
    pub unit_code: String,
    /// The day (UTC+7) the codes belong to, `YYYY-MM-DD`.
    pub date: String,
    /// `{unit}-{yyMMdd}-{NNNN}`, consecutive.
    pub codes: Vec<String>,
}

/// `POST /v1/sync/batches` (upstream DongBoHoSo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncBatch {
    /// At most [`MAX_SYNC_BATCH`] items.
    pub items: Vec<SyncItem>,
}

pub const MAX_SYNC_BATCH: usize = 100;

/// One outbox item. `kind` says which of `revision`, `audit` or `check` it carries
/// (exactly that one); a missing `kind` means `dossier`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncItem {
    /// The outbox item's id (client-minted UUIDv7).
    pub id: String,
    /// One key per revision (per record, per check): a retry sends the same key and the
    /// same payload.
    pub idempotency_key: String,
    #[serde(default)]
    pub kind: SyncKind,
    /// For `dossier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<DossierRevision>,
    /// For `audit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit: Option<AuditRecord>,
    /// For `population_check`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<QueuedCheck>,
}

impl SyncItem {
    /// An item carrying a dossier revision.
    #[must_use]
    pub fn dossier(id: String, idempotency_key: String, revision: DossierRevision) -> Self {
        Self {
            id,
            idempotency_key,
            kind: SyncKind::Dossier,
            revision: Some(revision),
            audit: None,
            check: None,
        }
    }
}

/// What an outbox item carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncKind {
    /// A dossier revision.
    #[default]
    Dossier,
    /// A record of the client's audit log (population-database use).
    Audit,
    /// A population lookup made while offline; its answer comes back through
    /// `/v1/changes` as a `verification_result` whose `lookup_id` is `check_id`.
    PopulationCheck,
}

impl SyncKind {
    /// The name used on the wire and in the local outbox.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            SyncKind::Dossier => "dossier",
            SyncKind::Audit => "audit",
            SyncKind::PopulationCheck => "population_check",
        }
    }

    /// The kind of a local outbox row.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "dossier" => Some(SyncKind::Dossier),
            "audit" => Some(SyncKind::Audit),
            "population_check" => Some(SyncKind::PopulationCheck),
            _ => None,
        }
    }
}

/// One record of the client's audit log of population-database use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Client-minted UUIDv7.
    pub id: String,
    /// RFC 3339.
    pub at: String,
    /// The official who made the call.
    pub official: String,
    /// `population.lookup`, `population.verify`, …
    pub action: String,
    /// The citizen's document number.
    #[serde(default)]
    pub citizen: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_id: Option<String>,
    /// What was asked and answered (field names, outcome), never the citizen's data.
    #[serde(default)]
    pub detail: serde_json::Value,
}

/// A population lookup queued while offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedCheck {
    /// Client-minted UUIDv7; the answer's `lookup_id`.
    pub check_id: String,
    pub request: LookupRequest,
}

/// One saved state of a dossier. Revisions are immutable; an edit is a new revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierRevision {
    /// The dossier's id (client-minted UUIDv7), the same for all its revisions.
    pub dossier_id: String,
    /// 1, 2, …
    pub revision: u32,
    /// The final code, or a provisional one when `code_provisional`.
    pub dossier_code: String,
    #[serde(default)]
    pub code_provisional: bool,
    pub procedure_code: String,
    /// RFC 3339.
    pub received_at: String,
    /// Status code as sent to the national portal (1 Mới đăng ký … 10 Đã trả kết quả).
    pub status: u8,
    /// The rest of the dossier (form fields, evidence), kept as sent.
    #[serde(default)]
    pub body: serde_json::Value,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResponse {
    /// One result per item, in request order.
    pub results: Vec<SyncResult>,
    /// The server's clock when it answered (RFC 3339): when it confirmed the items it
    /// took. Absent from older servers' answers (then no confirmation time is kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_time: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResult {
    pub id: String,
    pub outcome: SyncOutcome,
    /// The dossier's final code (replaces a provisional one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_code: Option<String>,
    /// For `rejected` and `retry`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ApiError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncOutcome {
    /// Stored now.
    Accepted,
    /// Stored before under the same key and payload; this is the stored result.
    Duplicate,
    /// Never storable as sent (validation, idempotency mismatch): park it.
    Rejected,
    /// Not stored this time; send it again later.
    Retry,
}

/// `GET /v1/changes?cursor=&limit=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePage {
    pub changes: Vec<Change>,
    pub next_cursor: String,
    pub has_more: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub seq: u64,
    /// RFC 3339.
    pub at: String,
    #[serde(flatten)]
    pub kind: ChangeKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeKind {
    /// A dossier's status changed on the server.
    DossierStatus {
        dossier_id: String,
        dossier_code: String,
        status: u8,
    },
    /// A queued verification was answered.
    VerificationResult {
        lookup_id: String,
        id_number: String,
        exists: bool,
    },
    /// The catalogue moved to a new version: pull `/v1/procedures`.
    Catalogue { version: u64 },
    /// The holiday table changed: fetch `/v1/reference/holidays`.
    Holidays { version: String },
}

/// `GET /v1/dossiers/digest?date=YYYY-MM-DD`: for reconciliation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    pub date: String,
    /// Dossiers received that day (UTC+7).
    pub count: u64,
    /// SHA-256, hex, of the sorted dossier ids joined by `\n`.
    pub id_hash: String,
}

/// The digest's `id_hash` of a day's dossier ids (sorted by the caller): SHA-256, lower-case
/// hex, of the ids joined by `\n`. The server and `motcua sync verify` both use this.
#[must_use]
pub fn id_hash(sorted_ids: &[String]) -> String {
    use sha2::Digest as _;
    hex(&sha2::Sha256::digest(sorted_ids.join("\n").as_bytes()))
}

/// Lower-case hex of bytes.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// `GET /v1/time`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerTime {
    /// RFC 3339 with `+07:00`.
    pub now: String,
    pub unix_ms: i64,
}

/// `GET /v1/health`: no sign-in needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
    pub demo: bool,
}
