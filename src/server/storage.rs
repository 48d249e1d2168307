//! The reference backend's storage interface. Handlers see only this trait, so another
//! engine (PostgreSQL, the province's own system) can be added without touching them.
//! Methods are synchronous; handlers call them on tokio's blocking pool.

use crate::api::{Change, Digest, ProcedureChange, ProcedureRecord, SyncItem, SyncResult};
use crate::server::synth::{Household, Person};

/// A storage failure. The message is for the server log, never for the client.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StorageError(pub String);

impl From<rusqlite::Error> for StorageError {
    fn from(e: rusqlite::Error) -> Self {
        StorageError(e.to_string())
    }
}

impl From<serde_json::Error> for StorageError {
    fn from(e: serde_json::Error) -> Self {
        StorageError(format!("stored JSON: {e}"))
    }
}

pub type StorageResult<T> = Result<T, StorageError>;

/// An official's account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialRow {
    pub username: String,
    pub full_name: String,
    pub unit_code: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Consecutive failed sign-ins.
    pub failures: u32,
    /// Unix ms until which sign-in is refused.
    pub locked_until: Option<i64>,
}

/// A signed-in session: the hashes of its tokens and their expiry (unix ms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub username: String,
    pub access_hash: String,
    pub access_expires: i64,
    pub refresh_hash: String,
    pub refresh_expires: i64,
}

/// One population-database call, kept as the upstream service keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupAudit {
    pub at_ms: i64,
    pub official: String,
    /// `lookup`, `verify`, `household`, `digital_identity`.
    pub kind: &'static str,
    pub id_number: String,
    pub procedure_code: String,
    pub dossier_code: Option<String>,
    pub found: bool,
}

/// A person as stored, with their household when they have one.
#[derive(Debug, Clone)]
pub struct StoredCitizen {
    pub person: Person,
    pub household: Option<Household>,
}

/// What a sync item needs beyond its own content.
#[derive(Debug, Clone)]
pub struct SyncContext<'a> {
    pub unit_code: &'a str,
    pub official: &'a str,
    pub now_ms: i64,
    /// RFC 3339 of `now_ms`, for the changes feed.
    pub now_rfc3339: &'a str,
    /// The day the dossier was received (UTC+7): `YYYY-MM-DD` and `yyMMdd`.
    pub received_iso: &'a str,
    pub received_short: &'a str,
}

pub trait Storage: Send + Sync + 'static {
    // --- metadata -----------------------------------------------------------
    fn meta(&self, key: &str) -> StorageResult<Option<String>>;
    fn set_meta(&self, key: &str, value: &str) -> StorageResult<()>;

    // --- officials and sessions -------------------------------------------
    /// Adds or replaces an account (replacing resets failures and lockout).
    fn put_official(&self, official: &OfficialRow) -> StorageResult<()>;
    fn official(&self, username: &str) -> StorageResult<Option<OfficialRow>>;
    fn set_sign_in_state(
        &self,
        username: &str,
        failures: u32,
        locked_until: Option<i64>,
    ) -> StorageResult<()>;
    fn create_session(&self, session: &SessionRow) -> StorageResult<()>;
    fn session_by_access(&self, access_hash: &str) -> StorageResult<Option<SessionRow>>;
    /// Removes and returns the session holding this refresh token (refresh rotates).
    fn take_session_by_refresh(&self, refresh_hash: &str) -> StorageResult<Option<SessionRow>>;

    // --- catalogue ----------------------------------------------------------
    /// Publishes a new catalogue version: every record that differs from the stored one
    /// is a change; codes not in `records` are removed. Returns the new version, or the
    /// current one when nothing changed.
    fn publish_catalogue(
        &self,
        records: &[ProcedureRecord],
        now_rfc3339: &str,
    ) -> StorageResult<u64>;
    fn catalogue_version(&self) -> StorageResult<u64>;
    /// Changes with a sequence number above `after`, oldest first, at most `limit`.
    /// Returns the changes and the sequence number of the last one (or `after`).
    fn procedure_changes(
        &self,
        after: u64,
        limit: usize,
    ) -> StorageResult<(Vec<ProcedureChange>, u64)>;
    fn procedure(&self, code: &str) -> StorageResult<Option<ProcedureRecord>>;

    // --- citizens -----------------------------------------------------------
    fn citizen_count(&self) -> StorageResult<u64>;
    /// Removes every person and household (a generation that was cut short).
    fn clear_population(&self) -> StorageResult<()>;
    /// Stores one generated household and its people.
    fn insert_households(&self, batch: &[(Household, Vec<Person>)]) -> StorageResult<()>;
    fn citizen(&self, id_number: &str) -> StorageResult<Option<StoredCitizen>>;
    fn citizen_by_old_id(&self, old_id_number: &str) -> StorageResult<Option<StoredCitizen>>;
    fn household_members(&self, household_id: u64) -> StorageResult<Vec<Person>>;
    /// Records a lookup; returns its id.
    fn record_lookup(&self, audit: &LookupAudit) -> StorageResult<String>;

    // --- devices ----------------------------------------------------------------
    /// The store key of `device_id`, made (random, 32 bytes) on the first call for that
    /// device, by `official` at `now` (Unix seconds).
    fn device_key(&self, device_id: &str, official: &str, now: i64) -> StorageResult<[u8; 32]>;

    // --- dossiers -------------------------------------------------------------
    /// Reserves `count` consecutive numbers of the unit's daily counter for `day`
    /// (`yyMMdd`); returns the first.
    fn reserve_codes(&self, unit_code: &str, day: &str, count: u32) -> StorageResult<u32>;
    /// Applies one sync item atomically and idempotently (see the API document).
    fn apply_sync_item(
        &self,
        item: &SyncItem,
        payload_hash: &str,
        ctx: &SyncContext<'_>,
    ) -> StorageResult<SyncResult>;
    /// Applies one `audit` or `population_check` item atomically and idempotently:
    /// keeps the audit record, or records the queued lookup (`found` is its answer) and
    /// publishes a `verification_result` change.
    fn apply_record_item(
        &self,
        item: &SyncItem,
        payload_hash: &str,
        ctx: &SyncContext<'_>,
        found: Option<bool>,
    ) -> StorageResult<SyncResult>;
    /// Changes above `after`, oldest first, at most `limit`.
    fn changes(&self, after: u64, limit: usize) -> StorageResult<Vec<Change>>;
    /// Dossiers received on `date` (`YYYY-MM-DD`, UTC+7).
    fn digest(&self, date: &str) -> StorageResult<Digest>;
}
