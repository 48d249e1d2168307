//! The embedded default storage engine: one SQLite file, `backend.db`, in the data dir.
//!
//! One writer connection (writes are serialised, each in a `BEGIN IMMEDIATE`
//! transaction) and a few reader connections so lookups run in parallel under WAL.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::api::{
    ApiError, Change, ChangeKind, Digest, ErrorCode, ProcedureChange, ProcedureRecord, SyncItem,
    SyncOutcome, SyncResult,
};
use crate::server::storage::{
    LookupAudit, OfficialRow, SessionRow, Storage, StorageError, StorageResult, StoredCitizen,
    SyncContext,
};
use crate::server::synth::{Household, Person};
use crate::store::{migrate, open_sqlite};

const MIGRATIONS: &[&str] = &[
    // 1: everything the reference backend keeps.
    "CREATE TABLE meta (
        key   TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
    ) STRICT;
    CREATE TABLE official (
        username      TEXT PRIMARY KEY NOT NULL,
        full_name     TEXT NOT NULL,
        unit_code     TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        failures      INTEGER NOT NULL DEFAULT 0,
        locked_until  INTEGER
    ) STRICT;
    CREATE TABLE session (
        id              INTEGER PRIMARY KEY,
        username        TEXT NOT NULL REFERENCES official (username) ON DELETE CASCADE,
        access_hash     TEXT NOT NULL UNIQUE,
        access_expires  INTEGER NOT NULL,
        refresh_hash    TEXT NOT NULL UNIQUE,
        refresh_expires INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE procedure (
        code    TEXT PRIMARY KEY NOT NULL,
        seq     INTEGER NOT NULL UNIQUE,
        version INTEGER NOT NULL,
        record  TEXT
    ) STRICT;
    CREATE TABLE household (
        id          INTEGER PRIMARY KEY,
        data        TEXT NOT NULL
    ) STRICT;
    CREATE TABLE citizen (
        id_number     TEXT PRIMARY KEY NOT NULL,
        old_id_number TEXT,
        household_id  INTEGER NOT NULL,
        data          TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX citizen_old ON citizen (old_id_number) WHERE old_id_number IS NOT NULL;
    CREATE INDEX citizen_household ON citizen (household_id);
    CREATE TABLE lookup (
        id             INTEGER PRIMARY KEY,
        at             INTEGER NOT NULL,
        official       TEXT NOT NULL,
        kind           TEXT NOT NULL,
        id_number      TEXT NOT NULL,
        procedure_code TEXT NOT NULL,
        dossier_code   TEXT,
        found          INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE code_counter (
        unit_code TEXT NOT NULL,
        day       TEXT NOT NULL,
        next      INTEGER NOT NULL,
        PRIMARY KEY (unit_code, day)
    ) STRICT;
    CREATE TABLE dossier (
        id           TEXT PRIMARY KEY NOT NULL,
        code         TEXT NOT NULL UNIQUE,
        unit_code    TEXT NOT NULL,
        received_day TEXT NOT NULL,
        status       INTEGER NOT NULL,
        revision     INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX dossier_day ON dossier (received_day);
    CREATE TABLE revision (
        idempotency_key TEXT PRIMARY KEY NOT NULL,
        payload_hash    TEXT NOT NULL,
        item_id         TEXT NOT NULL,
        dossier_id      TEXT NOT NULL,
        revision        INTEGER NOT NULL,
        payload         TEXT NOT NULL,
        result          TEXT NOT NULL,
        stored_at       INTEGER NOT NULL,
        UNIQUE (dossier_id, revision)
    ) STRICT;
    CREATE TABLE change (
        seq  INTEGER PRIMARY KEY AUTOINCREMENT,
        at   TEXT NOT NULL,
        body TEXT NOT NULL
    ) STRICT;",
    // 2: audit records and queued population checks pushed by clients.
    "CREATE TABLE receipt (
        idempotency_key TEXT PRIMARY KEY NOT NULL,
        payload_hash    TEXT NOT NULL,
        item_id         TEXT NOT NULL,
        kind            TEXT NOT NULL,
        result          TEXT NOT NULL,
        stored_at       INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE client_audit (
        id             TEXT PRIMARY KEY NOT NULL,
        at             TEXT NOT NULL,
        official       TEXT NOT NULL,
        synced_by      TEXT NOT NULL,
        unit_code      TEXT NOT NULL,
        action         TEXT NOT NULL,
        citizen        TEXT NOT NULL,
        procedure_code TEXT,
        dossier_id     TEXT,
        detail         TEXT NOT NULL
    ) STRICT;",
    // 3: each device's store key, released to signed-in officials.
    "CREATE TABLE device_key (
        device_id  TEXT PRIMARY KEY NOT NULL,
        key        BLOB NOT NULL CHECK (length(key) = 32),
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL
    ) STRICT;",
];

/// SQLite storage for the reference backend.
pub struct SqliteStorage {
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
}

impl SqliteStorage {
    /// Opens or creates `dir/backend.db`.
    pub fn open(dir: &Path) -> StorageResult<Self> {
        let path = dir.join("backend.db");
        let busy = Duration::from_secs(10);
        let mut writer = open_sqlite(&path, busy).map_err(|e| StorageError(e.to_string()))?;
        migrate(&mut writer, MIGRATIONS, &path).map_err(|e| StorageError(e.to_string()))?;
        let n = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8));
        let readers = (0..n)
            .map(|_| {
                let c = open_sqlite(&path, busy).map_err(|e| StorageError(e.to_string()))?;
                c.pragma_update(None, "query_only", "ON")?;
                Ok(Mutex::new(c))
            })
            .collect::<StorageResult<Vec<_>>>()?;
        Ok(Self {
            writer: Mutex::new(writer),
            readers,
            next_reader: AtomicUsize::new(0),
        })
    }

    fn write<T>(&self, f: impl FnOnce(&mut Connection) -> StorageResult<T>) -> StorageResult<T> {
        let mut conn = self
            .writer
            .lock()
            .map_err(|_| StorageError("writer lock poisoned".into()))?;
        f(&mut conn)
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> StorageResult<T>) -> StorageResult<T> {
        let i = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        let conn = self.readers[i]
            .lock()
            .map_err(|_| StorageError("reader lock poisoned".into()))?;
        f(&conn)
    }
}

fn u64_of(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn citizen_row(conn: &Connection, data: &str, household_id: i64) -> StorageResult<StoredCitizen> {
    let person: Person = serde_json::from_str(data)?;
    let household = conn
        .prepare_cached("SELECT data FROM household WHERE id = ?1")?
        .query_row(params![household_id], |r| r.get::<_, String>(0))
        .optional()?
        .map(|h| serde_json::from_str::<Household>(&h))
        .transpose()?;
    Ok(StoredCitizen { person, household })
}

fn push_change(tx: &rusqlite::Transaction<'_>, at: &str, kind: &ChangeKind) -> StorageResult<()> {
    tx.execute(
        "INSERT INTO change (at, body) VALUES (?1, ?2)",
        params![at, serde_json::to_string(kind)?],
    )?;
    Ok(())
}

fn next_code(
    tx: &rusqlite::Transaction<'_>,
    unit: &str,
    day: &str,
    count: u32,
) -> StorageResult<u32> {
    let first: u32 = tx.query_row(
        "INSERT INTO code_counter (unit_code, day, next) VALUES (?1, ?2, 1 + ?3)
             ON CONFLICT (unit_code, day) DO UPDATE SET next = next + ?3
             RETURNING next - ?3",
        params![unit, day, count],
        |r| r.get(0),
    )?;
    Ok(first)
}

/// `{unit}-{yyMMdd}-{NNNN}`.
pub fn format_code(unit: &str, day_short: &str, n: u32) -> String {
    format!("{unit}-{day_short}-{n:04}")
}

impl Storage for SqliteStorage {
    fn meta(&self, key: &str) -> StorageResult<Option<String>> {
        self.read(|c| {
            Ok(c.prepare_cached("SELECT value FROM meta WHERE key = ?1")?
                .query_row(params![key], |r| r.get(0))
                .optional()?)
        })
    }

    fn set_meta(&self, key: &str, value: &str) -> StorageResult<()> {
        self.write(|c| {
            c.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            Ok(())
        })
    }

    fn put_official(&self, o: &OfficialRow) -> StorageResult<()> {
        self.write(|c| {
            c.execute(
                "INSERT INTO official (username, full_name, unit_code, password_hash, failures, locked_until)
                 VALUES (?1, ?2, ?3, ?4, 0, NULL)
                 ON CONFLICT (username) DO UPDATE SET full_name = excluded.full_name,
                    unit_code = excluded.unit_code, password_hash = excluded.password_hash,
                    failures = 0, locked_until = NULL",
                params![o.username, o.full_name, o.unit_code, o.password_hash],
            )?;
            Ok(())
        })
    }

    fn official(&self, username: &str) -> StorageResult<Option<OfficialRow>> {
        // Read through the writer: sign-in state must be read after its last write.
        self.write(|c| {
            Ok(c.prepare_cached(
                "SELECT username, full_name, unit_code, password_hash, failures, locked_until
                 FROM official WHERE username = ?1",
            )?
            .query_row(params![username], |r| {
                Ok(OfficialRow {
                    username: r.get(0)?,
                    full_name: r.get(1)?,
                    unit_code: r.get(2)?,
                    password_hash: r.get(3)?,
                    failures: r.get(4)?,
                    locked_until: r.get(5)?,
                })
            })
            .optional()?)
        })
    }

    fn set_sign_in_state(
        &self,
        username: &str,
        failures: u32,
        locked_until: Option<i64>,
    ) -> StorageResult<()> {
        self.write(|c| {
            c.execute(
                "UPDATE official SET failures = ?2, locked_until = ?3 WHERE username = ?1",
                params![username, failures, locked_until],
            )?;
            Ok(())
        })
    }

    fn create_session(&self, s: &SessionRow) -> StorageResult<()> {
        self.write(|c| {
            c.execute(
                "INSERT INTO session (username, access_hash, access_expires, refresh_hash, refresh_expires)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![s.username, s.access_hash, s.access_expires, s.refresh_hash, s.refresh_expires],
            )?;
            Ok(())
        })
    }

    fn session_by_access(&self, access_hash: &str) -> StorageResult<Option<SessionRow>> {
        self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT username, access_hash, access_expires, refresh_hash, refresh_expires
                 FROM session WHERE access_hash = ?1",
            )?
            .query_row(params![access_hash], session_of)
            .optional()?)
        })
    }

    fn take_session_by_refresh(&self, refresh_hash: &str) -> StorageResult<Option<SessionRow>> {
        self.write(|c| {
            Ok(c.prepare_cached(
                "DELETE FROM session WHERE refresh_hash = ?1
                 RETURNING username, access_hash, access_expires, refresh_hash, refresh_expires",
            )?
            .query_row(params![refresh_hash], session_of)
            .optional()?)
        })
    }

    fn publish_catalogue(&self, records: &[ProcedureRecord], now: &str) -> StorageResult<u64> {
        self.write(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let current: u64 = tx
                .query_row(
                    "SELECT value FROM meta WHERE key = 'catalogue_version'",
                    [],
                    |r| r.get::<_, String>(0),
                )
                .optional()?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let version = current + 1;
            let mut seq: i64 =
                tx.query_row("SELECT coalesce(max(seq), 0) FROM procedure", [], |r| {
                    r.get(0)
                })?;
            let mut changed = 0usize;
            let mut keep = std::collections::HashSet::with_capacity(records.len());
            {
                let mut get = tx.prepare("SELECT record FROM procedure WHERE code = ?1")?;
                let mut put = tx.prepare(
                    "INSERT INTO procedure (code, seq, version, record) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (code) DO UPDATE SET seq = excluded.seq,
                        version = excluded.version, record = excluded.record",
                )?;
                for r in records {
                    keep.insert(r.code.as_str());
                    let json = serde_json::to_string(r)?;
                    let old: Option<Option<String>> = get
                        .query_row(params![r.code], |row| row.get(0))
                        .optional()?;
                    if old.flatten().as_deref() == Some(json.as_str()) {
                        continue;
                    }
                    seq += 1;
                    changed += 1;
                    put.execute(params![r.code, seq, i64_of(version), json])?;
                }
                let gone: Vec<String> = tx
                    .prepare("SELECT code FROM procedure WHERE record IS NOT NULL")?
                    .query_map([], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()?
                    .into_iter()
                    .filter(|code| !keep.contains(code.as_str()))
                    .collect();
                let mut remove = tx.prepare(
                    "UPDATE procedure SET seq = ?2, version = ?3, record = NULL WHERE code = ?1",
                )?;
                for code in gone {
                    seq += 1;
                    changed += 1;
                    remove.execute(params![code, seq, i64_of(version)])?;
                }
            }
            if changed == 0 {
                return Ok(current);
            }
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('catalogue_version', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![version.to_string()],
            )?;
            push_change(&tx, now, &ChangeKind::Catalogue { version })?;
            tx.commit()?;
            Ok(version)
        })
    }

    fn catalogue_version(&self) -> StorageResult<u64> {
        Ok(self
            .meta("catalogue_version")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    fn procedure_changes(
        &self,
        after: u64,
        limit: usize,
    ) -> StorageResult<(Vec<ProcedureChange>, u64)> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, version, code, record FROM procedure WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![i64_of(after), i64_of(limit as u64)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })?;
            let mut out = Vec::new();
            let mut last = after;
            for row in rows {
                let (seq, version, code, record) = row?;
                last = u64_of(seq);
                let procedure = record
                    .map(|json| serde_json::from_str::<ProcedureRecord>(&json))
                    .transpose()?;
                out.push(ProcedureChange {
                    version: u64_of(version),
                    code,
                    removed: procedure.is_none(),
                    procedure,
                });
            }
            Ok((out, last))
        })
    }

    fn procedure(&self, code: &str) -> StorageResult<Option<ProcedureRecord>> {
        self.read(|c| {
            let json: Option<Option<String>> = c
                .prepare_cached("SELECT record FROM procedure WHERE code = ?1")?
                .query_row(params![code], |r| r.get(0))
                .optional()?;
            Ok(json
                .flatten()
                .map(|j| serde_json::from_str(&j))
                .transpose()?)
        })
    }

    fn citizen_count(&self) -> StorageResult<u64> {
        self.read(|c| {
            Ok(u64_of(c.query_row(
                "SELECT count(*) FROM citizen",
                [],
                |r| r.get(0),
            )?))
        })
    }

    fn clear_population(&self) -> StorageResult<()> {
        self.write(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch("DELETE FROM citizen; DELETE FROM household;")?;
            tx.commit()?;
            Ok(())
        })
    }

    fn insert_households(&self, batch: &[(Household, Vec<Person>)]) -> StorageResult<()> {
        self.write(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut hh = tx.prepare_cached("INSERT INTO household (id, data) VALUES (?1, ?2)")?;
                let mut person = tx.prepare_cached(
                    "INSERT INTO citizen (id_number, old_id_number, household_id, data) VALUES (?1, ?2, ?3, ?4)",
                )?;
                for (household, people) in batch {
                    hh.execute(params![i64_of(household.id), serde_json::to_string(household)?])?;
                    for p in people {
                        person.execute(params![
                            p.id_number,
                            p.old_id_number,
                            i64_of(p.household_id),
                            serde_json::to_string(p)?
                        ])?;
                    }
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    fn citizen(&self, id_number: &str) -> StorageResult<Option<StoredCitizen>> {
        self.read(|c| {
            let row: Option<(String, i64)> = c
                .prepare_cached("SELECT data, household_id FROM citizen WHERE id_number = ?1")?
                .query_row(params![id_number], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            row.map(|(data, hh)| citizen_row(c, &data, hh)).transpose()
        })
    }

    fn citizen_by_old_id(&self, old_id_number: &str) -> StorageResult<Option<StoredCitizen>> {
        self.read(|c| {
            let row: Option<(String, i64)> = c
                .prepare_cached("SELECT data, household_id FROM citizen WHERE old_id_number = ?1")?
                .query_row(params![old_id_number], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            row.map(|(data, hh)| citizen_row(c, &data, hh)).transpose()
        })
    }

    fn household_members(&self, household_id: u64) -> StorageResult<Vec<Person>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached("SELECT data FROM citizen WHERE household_id = ?1")?;
            let rows = stmt.query_map(params![i64_of(household_id)], |r| r.get::<_, String>(0))?;
            let mut out = Vec::new();
            for row in rows {
                out.push(serde_json::from_str(&row?)?);
            }
            Ok(out)
        })
    }

    fn record_lookup(&self, a: &LookupAudit) -> StorageResult<String> {
        self.write(|c| {
            c.execute(
                "INSERT INTO lookup (at, official, kind, id_number, procedure_code, dossier_code, found)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![a.at_ms, a.official, a.kind, a.id_number, a.procedure_code, a.dossier_code, a.found],
            )?;
            Ok(format!("L{:08}", c.last_insert_rowid()))
        })
    }

    fn device_key(&self, device_id: &str, official: &str, now: i64) -> StorageResult<[u8; 32]> {
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh).map_err(|e| StorageError(e.to_string()))?;
        self.write(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO device_key (device_id, key, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (device_id) DO NOTHING",
                params![device_id, fresh.as_slice(), now, official],
            )?;
            let key: Vec<u8> = tx.query_row(
                "SELECT key FROM device_key WHERE device_id = ?1",
                params![device_id],
                |r| r.get(0),
            )?;
            tx.commit()?;
            key.try_into()
                .map_err(|_| StorageError("a stored device key is not 32 bytes".into()))
        })
    }

    fn reserve_codes(&self, unit_code: &str, day: &str, count: u32) -> StorageResult<u32> {
        self.write(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let first = next_code(&tx, unit_code, day, count)?;
            tx.commit()?;
            Ok(first)
        })
    }

    fn apply_sync_item(
        &self,
        item: &SyncItem,
        payload_hash: &str,
        ctx: &SyncContext<'_>,
    ) -> StorageResult<SyncResult> {
        self.write(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if let Some(replay) = stored_result(&tx, item, payload_hash)? {
                return Ok(replay);
            }
            let Some(rev) = item.revision.as_ref() else {
                return Ok(rejected(
                    item,
                    ErrorCode::ValidationFailed,
                    "Mục đồng bộ không mang phiên bản hồ sơ.",
                ));
            };
            let taken: Option<String> = tx
                .query_row(
                    "SELECT idempotency_key FROM revision WHERE dossier_id = ?1 AND revision = ?2",
                    params![rev.dossier_id, rev.revision],
                    |r| r.get(0),
                )
                .optional()?;
            if taken.is_some() {
                return Ok(rejected(
                    item,
                    ErrorCode::IdempotencyMismatch,
                    "Phiên bản này của hồ sơ đã được gửi với một khóa chống trùng khác.",
                ));
            }
            let existing: Option<(String, i64)> = tx
                .query_row(
                    "SELECT code, revision FROM dossier WHERE id = ?1",
                    params![rev.dossier_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let code = match (&existing, rev.code_provisional) {
                (Some((code, _)), _) => code.clone(),
                (None, true) => {
                    let n = next_code(&tx, ctx.unit_code, ctx.received_short, 1)?;
                    format_code(ctx.unit_code, ctx.received_short, n)
                }
                (None, false) => rev.dossier_code.clone(),
            };
            if existing.is_none() {
                let clash: Option<String> = tx
                    .query_row("SELECT id FROM dossier WHERE code = ?1", params![code], |r| r.get(0))
                    .optional()?;
                if clash.is_some() {
                    return Ok(rejected(
                        item,
                        ErrorCode::ValidationFailed,
                        "Mã hồ sơ đã được dùng cho một hồ sơ khác.",
                    ));
                }
            }
            // The server "receives" the dossier: a new one moves to 2 Được tiếp nhận.
            let status = if rev.status <= 1 { 2 } else { rev.status };
            let latest = existing.as_ref().map_or(0, |(_, r)| *r);
            if i64::from(rev.revision) > latest {
                tx.execute(
                    "INSERT INTO dossier (id, code, unit_code, received_day, status, revision)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (id) DO UPDATE SET status = excluded.status, revision = excluded.revision",
                    params![rev.dossier_id, code, ctx.unit_code, ctx.received_iso, status, rev.revision],
                )?;
                push_change(
                    &tx,
                    ctx.now_rfc3339,
                    &ChangeKind::DossierStatus {
                        dossier_id: rev.dossier_id.clone(),
                        dossier_code: code.clone(),
                        status,
                    },
                )?;
            }
            let result = SyncResult {
                id: item.id.clone(),
                outcome: SyncOutcome::Accepted,
                dossier_code: Some(code),
                error: None,
            };
            tx.execute(
                "INSERT INTO revision (idempotency_key, payload_hash, item_id, dossier_id, revision, payload, result, stored_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    item.idempotency_key,
                    payload_hash,
                    item.id,
                    rev.dossier_id,
                    rev.revision,
                    serde_json::to_string(rev)?,
                    serde_json::to_string(&result)?,
                    ctx.now_ms
                ],
            )?;
            tx.commit()?;
            Ok(result)
        })
    }

    fn apply_record_item(
        &self,
        item: &SyncItem,
        payload_hash: &str,
        ctx: &SyncContext<'_>,
        found: Option<bool>,
    ) -> StorageResult<SyncResult> {
        self.write(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if let Some(replay) = stored_result(&tx, item, payload_hash)? {
                return Ok(replay);
            }
            match (&item.audit, &item.check) {
                (Some(a), _) => {
                    tx.execute(
                        "INSERT OR IGNORE INTO client_audit (id, at, official, synced_by, unit_code,
                             action, citizen, procedure_code, dossier_id, detail)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                        params![
                            a.id,
                            a.at,
                            a.official,
                            ctx.official,
                            ctx.unit_code,
                            a.action,
                            a.citizen,
                            a.procedure_code,
                            a.dossier_id,
                            a.detail.to_string()
                        ],
                    )?;
                }
                (None, Some(q)) => {
                    let found = found.unwrap_or(false);
                    tx.execute(
                        "INSERT INTO lookup (at, official, kind, id_number, procedure_code, dossier_code, found)
                         VALUES (?1, ?2, 'queued_lookup', ?3, ?4, ?5, ?6)",
                        params![
                            ctx.now_ms,
                            ctx.official,
                            q.request.document_number,
                            q.request.procedure_code,
                            q.request.dossier_code,
                            found
                        ],
                    )?;
                    push_change(
                        &tx,
                        ctx.now_rfc3339,
                        &ChangeKind::VerificationResult {
                            lookup_id: q.check_id.clone(),
                            id_number: q.request.document_number.clone(),
                            exists: found,
                        },
                    )?;
                }
                (None, None) => {
                    return Ok(rejected(
                        item,
                        ErrorCode::ValidationFailed,
                        "Mục đồng bộ không mang nội dung.",
                    ));
                }
            }
            let result = SyncResult {
                id: item.id.clone(),
                outcome: SyncOutcome::Accepted,
                dossier_code: None,
                error: None,
            };
            tx.execute(
                "INSERT INTO receipt (idempotency_key, payload_hash, item_id, kind, result, stored_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    item.idempotency_key,
                    payload_hash,
                    item.id,
                    item.kind.as_str(),
                    serde_json::to_string(&result)?,
                    ctx.now_ms
                ],
            )?;
            tx.commit()?;
            Ok(result)
        })
    }

    fn changes(&self, after: u64, limit: usize) -> StorageResult<Vec<Change>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, at, body FROM change WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![i64_of(after), i64_of(limit as u64)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (seq, at, body) = row?;
                out.push(Change {
                    seq: u64_of(seq),
                    at,
                    kind: serde_json::from_str(&body)?,
                });
            }
            Ok(out)
        })
    }

    fn digest(&self, date: &str) -> StorageResult<Digest> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT id FROM dossier WHERE received_day = ?1 ORDER BY id")?;
            let ids = stmt
                .query_map(params![date], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Digest {
                date: date.to_owned(),
                count: ids.len() as u64,
                id_hash: id_hash(&ids),
            })
        })
    }
}

/// What was stored before under the item's idempotency key (whatever its kind): the
/// stored result as a duplicate when the payload is the same, a 409 rejection when not.
fn stored_result(
    tx: &rusqlite::Transaction<'_>,
    item: &SyncItem,
    payload_hash: &str,
) -> StorageResult<Option<SyncResult>> {
    let mut stored: Option<(String, String)> = None;
    for sql in [
        "SELECT payload_hash, result FROM revision WHERE idempotency_key = ?1",
        "SELECT payload_hash, result FROM receipt WHERE idempotency_key = ?1",
    ] {
        stored = tx
            .query_row(sql, params![item.idempotency_key], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if stored.is_some() {
            break;
        }
    }
    let Some((hash, result)) = stored else {
        return Ok(None);
    };
    if hash != payload_hash {
        return Ok(Some(rejected(
            item,
            ErrorCode::IdempotencyMismatch,
            "Khóa chống trùng đã được dùng cho một nội dung khác.",
        )));
    }
    let mut result: SyncResult = serde_json::from_str(&result)?;
    result.id.clone_from(&item.id);
    result.outcome = SyncOutcome::Duplicate;
    Ok(Some(result))
}

pub use crate::api::id_hash;

pub use crate::api::hex;

fn rejected(item: &SyncItem, code: ErrorCode, message: &str) -> SyncResult {
    SyncResult {
        id: item.id.clone(),
        outcome: SyncOutcome::Rejected,
        dossier_code: None,
        error: Some(ApiError {
            code,
            message: message.to_owned(),
            retryable: false,
            fields: Vec::new(),
        }),
    }
}

fn session_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        username: r.get(0)?,
        access_hash: r.get(1)?,
        access_expires: r.get(2)?,
        refresh_hash: r.get(3)?,
        refresh_expires: r.get(4)?,
    })
}
