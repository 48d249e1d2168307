//! The local store: one SQLite file per profile, owned by one thread (see `service`).
//!
//! WAL journal, `synchronous=FULL`, a busy timeout and foreign keys on every connection;
//! versioned migrations kept in `PRAGMA user_version`. The store is encrypted with
//! SQLCipher under the device key (`crate::vault`): pages, WAL and (in memory) temp
//! tables alike; a plaintext store left by an older version is encrypted once, in place.

pub mod audit;
pub mod chain;
pub mod dossiers;
pub mod retention;
pub mod service;
pub mod sync;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior, params};

use crate::catalogue::Procedure;

/// Migrations, in order. Never edit a released one: add a new one.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the procedure catalogue.
    "CREATE TABLE procedure (
        code        TEXT PRIMARY KEY NOT NULL,
        local_code  TEXT NOT NULL DEFAULT '',
        name        TEXT NOT NULL,
        field       TEXT NOT NULL,
        days        INTEGER NOT NULL CHECK (days >= 0),
        charges_fee INTEGER NOT NULL CHECK (charges_fee IN (0, 1)),
        fee         INTEGER NOT NULL DEFAULT 0 CHECK (fee >= 0),
        charge      INTEGER NOT NULL DEFAULT 0 CHECK (charge >= 0),
        seq         INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
    ) STRICT;",
    // 2: the full record from the backend's catalogue feed (channels, components,
    // legal basis), kept as sent.
    "ALTER TABLE procedure ADD COLUMN record TEXT;",
    // 3: dossiers (drafts and finalized revisions), the outbox, the audit log and the
    // dossier codes reserved from the backend.
    dossiers::MIGRATION,
    // 4: population checks queued offline; the audit log indexed by citizen.
    audit::MIGRATION,
    // 5: sync: per-item failures and sync times.
    sync::MIGRATION,
    // 6: the audit log's hash chain.
    chain::MIGRATION,
    // 7: retention: server confirmation times, the audit chain's checkpoints.
    retention::MIGRATION,
];

/// `meta` keys of the catalogue feed.
pub const META_CATALOGUE_CURSOR: &str = "catalogue.cursor";
pub const META_CATALOGUE_VERSION: &str = "catalogue.version";

/// The schema version this build writes.
#[must_use]
pub fn schema_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the data folder {}: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot make {} readable by this account only: {source}", path.display())]
    Private {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the store {} was written by a newer motcua (schema {found}, this build knows {known})", path.display())]
    TooNew {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    #[error("a value in the store is out of range: {0}")]
    Corrupt(String),
    #[error("the store {} does not open with this device's key (or is not a motcua store)", path.display())]
    WrongKey { path: PathBuf },
    #[error("cannot encrypt the plaintext store {}: {detail}", path.display())]
    Encrypt { path: PathBuf, detail: String },
}

impl StoreError {
    /// Whether the disk is full (the message must then be shown, not logged).
    #[must_use]
    pub fn is_disk_full(&self) -> bool {
        matches!(self, StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::DiskFull)
    }
}

/// Opens (creating the file and its folder if needed) a SQLite database the way every
/// motcua database is opened: WAL, `synchronous=FULL`, a busy timeout, foreign keys.
pub(crate) fn open_sqlite(path: &Path, busy_timeout: Duration) -> Result<Connection, StoreError> {
    open_keyed(path, busy_timeout, None)
}

/// The first 16 bytes of every plaintext SQLite file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Whether `path` is a plaintext SQLite file (an encrypted one starts with random salt).
fn is_plaintext(path: &Path) -> Result<bool, StoreError> {
    let mut head = [0u8; 16];
    let read =
        std::fs::File::open(path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head));
    match read {
        Ok(()) => Ok(&head == SQLITE_HEADER),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::UnexpectedEof
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(StoreError::Encrypt {
            path: path.to_path_buf(),
            detail: e.to_string(),
        }),
    }
}

/// SQLCipher logs warnings to stderr by default, which would land on the official's
/// screen (and could name the file): its log is turned off on every connection.
fn quiet_cipher_log(conn: &Connection) -> Result<(), StoreError> {
    conn.query_row("PRAGMA cipher_log = off", [], |_| Ok(()))?;
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))?;
    Ok(())
}

/// Encrypts a plaintext store in place: everything is exported into a new encrypted
/// file beside it, which then replaces the plaintext one with one rename (a crash before
/// the rename leaves the plaintext store whole, and the next open starts again).
fn encrypt_in_place(
    path: &Path,
    key: &crate::vault::StoreKey,
    busy_timeout: Duration,
) -> Result<(), StoreError> {
    let failed = |detail: String| StoreError::Encrypt {
        path: path.to_path_buf(),
        detail,
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".encrypting");
    let tmp = PathBuf::from(tmp);
    for leftover in [tmp.clone(), with_suffix(&tmp, "-journal")] {
        match std::fs::remove_file(&leftover) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(failed(e.to_string())),
        }
    }
    {
        let plain = open_keyed(path, busy_timeout, None)?;
        plain.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let version: u32 = plain.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let tmp_text = tmp
            .to_str()
            .ok_or_else(|| failed("the path is not UTF-8".into()))?;
        plain.execute(
            "ATTACH DATABASE ?1 AS encrypted KEY ?2",
            params![tmp_text, key.sqlcipher_value().as_str()],
        )?;
        plain.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        plain.pragma_update(Some("encrypted"), "user_version", version)?;
        plain.execute("DETACH DATABASE encrypted", [])?;
        plain.pragma_update(None, "journal_mode", "DELETE")?;
    }
    let finish = || -> std::io::Result<()> {
        crate::hardening::private_file(&tmp)?;
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent() {
            std::fs::File::open(dir)?.sync_all()?;
        }
        for stale in ["-wal", "-shm", "-journal"] {
            match std::fs::remove_file(with_suffix(path, stale)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    };
    finish().map_err(|e| failed(e.to_string()))?;
    tracing::info!(path = %path.display(), "the plaintext store was encrypted");
    Ok(())
}

/// `path` with `suffix` appended to its file name (`x.db` + `-wal`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// [`open_sqlite`], keyed with `key` first when given (SQLCipher), checked to open.
pub fn open_keyed(
    path: &Path,
    busy_timeout: Duration,
    key: Option<&crate::vault::StoreKey>,
) -> Result<Connection, StoreError> {
    if let Some(dir) = path.parent() {
        crate::hardening::private_dir(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    quiet_cipher_log(&conn)?;
    if let Some(key) = key {
        conn.pragma_update(None, "key", key.sqlcipher_value().as_str())?;
        // Temporary tables and indices stay in memory, never in a plaintext temp file.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
    }
    conn.busy_timeout(busy_timeout)?;
    // The first read tells a wrong key (or a file that is not a database).
    if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())) {
        return Err(match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::WrongKey {
                path: path.to_path_buf(),
            },
            _ => e.into(),
        });
    }
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // The file, its WAL and its shared memory: the official's account only (SQLite
    // creates the last two with the database's mode; an older version may have left
    // them wider).
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        crate::hardening::private_file(Path::new(&file)).map_err(|source| StoreError::Private {
            path: PathBuf::from(file),
            source,
        })?;
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

/// Brings a database up to `migrations.len()`, recorded in `PRAGMA user_version`, in one
/// transaction; refuses a file written by a newer build.
pub(crate) fn migrate(
    conn: &mut Connection,
    migrations: &[&str],
    path: &Path,
) -> Result<(), StoreError> {
    let known = migrations.len() as u32;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: u32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > known {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known,
        });
    }
    for (i, sql) in migrations.iter().enumerate().skip(found as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as u32 + 1)?;
    }
    tx.commit()?;
    Ok(())
}

/// How an import went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    /// Procedures in the catalogue after the import.
    pub total: usize,
    /// Procedures that were there before and are gone now.
    pub removed: usize,
}

/// The columns [`RawProcedure::read`] reads, in its order.
const PROCEDURE_COLUMNS: &str = "code, local_code, name, field, days, charges_fee, fee, charge";

/// A procedure row as SQLite holds it, before its numbers are checked.
struct RawProcedure {
    code: String,
    local_code: String,
    name: String,
    field: String,
    days: i64,
    charges_fee: bool,
    fee: i64,
    charge: i64,
}

impl RawProcedure {
    /// Reads the [`PROCEDURE_COLUMNS`] at the start of a row.
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            code: r.get(0)?,
            local_code: r.get(1)?,
            name: r.get(2)?,
            field: r.get(3)?,
            days: r.get(4)?,
            charges_fee: r.get(5)?,
            fee: r.get(6)?,
            charge: r.get(7)?,
        })
    }

    /// The procedure, or which number is out of range.
    fn check(self) -> Result<Procedure, StoreError> {
        let code = self.code;
        let num = |v: i64, what: &str| {
            u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} of {code} is {v}")))
        };
        Ok(Procedure {
            days: u32::try_from(self.days)
                .map_err(|_| StoreError::Corrupt(format!("days of {code} is {}", self.days)))?,
            fee: num(self.fee, "fee")?,
            charge: num(self.charge, "charge")?,
            code,
            local_code: self.local_code,
            name: self.name,
            field: self.field,
            charges_fee: self.charges_fee,
        })
    }
}

/// The local store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the store file, encrypted under `key`, and brings its
    /// schema up to date. A plaintext store (from before encryption) is encrypted first;
    /// the app never works on a plaintext store.
    pub fn open(
        path: &Path,
        key: &crate::vault::StoreKey,
        busy_timeout: Duration,
    ) -> Result<Self, StoreError> {
        if is_plaintext(path)? {
            encrypt_in_place(path, key, busy_timeout)?;
        }
        let mut conn = open_keyed(path, busy_timeout, Some(key))?;
        let before: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        migrate(&mut conn, MIGRATIONS, path)?;
        if before > 0 && before < chain::CHAIN_VERSION {
            // Records written before the chain existed are linked once, in their order.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let n = chain::link_existing(&tx)?;
            tx.commit()?;
            tracing::info!(records = n, "audit records linked into the new hash chain");
        }
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The file this store lives in.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open file.
    pub fn user_version(&self) -> Result<u32, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// A setting in the store's own `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?;
        let mut rows = stmt.query(params![key])?;
        Ok(match rows.next()? {
            Some(row) => Some(row.get(0)?),
            None => None,
        })
    }

    /// Sets a value in the `meta` table.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// The number of procedures in the catalogue.
    pub fn procedure_count(&self) -> Result<usize, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM procedure", [], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// The catalogue, in catalogue order.
    pub fn procedures(&self) -> Result<Vec<Procedure>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PROCEDURE_COLUMNS} FROM procedure ORDER BY seq"
        ))?;
        let rows = stmt.query_map([], RawProcedure::read)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row?.check()?);
        }
        Ok(out)
    }

    /// Replaces the whole catalogue with `procedures`, in their order, in one
    /// transaction: either all of it lands or none.
    pub fn replace_catalogue(
        &mut self,
        procedures: &[Procedure],
    ) -> Result<ImportSummary, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before: i64 = tx.query_row("SELECT count(*) FROM procedure", [], |r| r.get(0))?;
        tx.execute("DELETE FROM procedure", [])?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO procedure (code, local_code, name, field, days, charges_fee, fee, charge, seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for (seq, p) in procedures.iter().enumerate() {
                let amount = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
                insert.execute(params![
                    p.code,
                    p.local_code,
                    p.name,
                    p.field,
                    p.days,
                    p.charges_fee,
                    amount(p.fee),
                    amount(p.charge),
                    i64::try_from(seq).unwrap_or(i64::MAX),
                ])?;
            }
        }
        let codes: std::collections::HashSet<&str> =
            procedures.iter().map(|p| p.code.as_str()).collect();
        // A local import replaces the feed's data: the next sync starts over.
        tx.execute(
            "DELETE FROM meta WHERE key IN (?1, ?2)",
            params![META_CATALOGUE_CURSOR, META_CATALOGUE_VERSION],
        )?;
        tx.commit()?;
        let before = usize::try_from(before).unwrap_or(0);
        Ok(ImportSummary {
            total: codes.len(),
            removed: before.saturating_sub(codes.len().min(before)),
        })
    }

    /// Applies changes from the backend's catalogue feed, and the cursor they bring the
    /// store to, in one transaction: a crash leaves either all of it or none.
    pub fn apply_catalogue_changes(
        &mut self,
        changes: &[crate::api::ProcedureChange],
        cursor: &str,
        version: u64,
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut seq: i64 =
                tx.query_row("SELECT coalesce(max(seq), 0) FROM procedure", [], |r| {
                    r.get(0)
                })?;
            let mut delete = tx.prepare_cached("DELETE FROM procedure WHERE code = ?1")?;
            let mut upsert = tx.prepare_cached(
                "INSERT INTO procedure
                    (code, local_code, name, field, days, charges_fee, fee, charge, seq, record)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (code) DO UPDATE SET local_code = excluded.local_code,
                    name = excluded.name, field = excluded.field, days = excluded.days,
                    charges_fee = excluded.charges_fee, fee = excluded.fee,
                    charge = excluded.charge, record = excluded.record",
            )?;
            for change in changes {
                let Some(record) = change.procedure.as_ref().filter(|_| !change.removed) else {
                    delete.execute(params![change.code])?;
                    continue;
                };
                // Text from the server is cleaned like any outside text.
                let clean = |s: &str| crate::text::sanitize(s).0;
                let p = record.to_procedure();
                let amount = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
                seq += 1;
                upsert.execute(params![
                    clean(&p.code),
                    clean(&p.local_code),
                    clean(&p.name),
                    clean(&p.field),
                    p.days,
                    p.charges_fee,
                    amount(p.fee),
                    amount(p.charge),
                    seq,
                    serde_json::to_string(record)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                ])?;
            }
        }
        for (key, value) in [
            (META_CATALOGUE_CURSOR, cursor.to_owned()),
            (META_CATALOGUE_VERSION, version.to_string()),
        ] {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// The key unit tests open their stores with.
#[cfg(test)]
pub(crate) fn test_key() -> crate::vault::StoreKey {
    crate::vault::StoreKey::from_bytes([7; crate::vault::KEY_LEN])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proc(code: &str, name: &str, field: &str) -> Procedure {
        Procedure {
            code: code.into(),
            local_code: String::new(),
            name: name.into(),
            field: field.into(),
            days: 15,
            charges_fee: true,
            fee: 50_000,
            charge: 1_000_000,
        }
    }

    #[test]
    fn opens_with_wal_and_migrates_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/motcua.db");
        {
            let s = Store::open(&path, &crate::store::test_key(), Duration::from_secs(1)).unwrap();
            assert_eq!(s.user_version().unwrap(), schema_version());
            let mode: String = s
                .conn
                .query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .unwrap();
            assert_eq!(mode, "wal");
            let sync: i64 = s
                .conn
                .query_row("PRAGMA synchronous", [], |r| r.get(0))
                .unwrap();
            assert_eq!(sync, 2, "FULL");
            let fk: i64 = s
                .conn
                .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
                .unwrap();
            assert_eq!(fk, 1);
            s.set_meta("k", "v").unwrap();
        }
        let s = Store::open(&path, &crate::store::test_key(), Duration::from_secs(1)).unwrap();
        assert_eq!(s.meta("k").unwrap().as_deref(), Some("v"));
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("motcua.db");
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", 999).unwrap();
        }
        let e = Store::open(&path, &crate::store::test_key(), Duration::from_secs(1)).unwrap_err();
        assert!(matches!(e, StoreError::TooNew { found: 999, .. }), "{e}");
    }

    #[test]
    fn catalogue_round_trips_in_order_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(
            &dir.path().join("m.db"),
            &crate::store::test_key(),
            Duration::from_secs(1),
        )
        .unwrap();
        let a = vec![
            proc("2", "Thủ tục B", "Thư viện"),
            proc("1", "Thủ tục A", "Thuế"),
        ];
        let sum = s.replace_catalogue(&a).unwrap();
        assert_eq!(
            sum,
            ImportSummary {
                total: 2,
                removed: 0
            }
        );
        assert_eq!(s.procedures().unwrap(), a);
        let sum = s.replace_catalogue(&a[..1]).unwrap();
        assert_eq!(
            sum,
            ImportSummary {
                total: 1,
                removed: 1
            }
        );
        assert_eq!(s.procedure_count().unwrap(), 1);
    }

    #[test]
    fn feed_changes_upsert_remove_and_keep_the_cursor() {
        use crate::api::{ChannelTerms, ProcedureChange, ProcedureRecord};
        let record = |code: &str, name: &str| ProcedureRecord {
            code: code.into(),
            local_code: String::new(),
            name: name.into(),
            field: "Hộ tịch".into(),
            channels: vec![ChannelTerms {
                channel: 1,
                days: 3,
                charges_fee: true,
                fee: 0,
                charge: 8_000,
            }],
            components: Vec::new(),
            legal_basis: Vec::new(),
            population_lookup: true,
            population_fields: Vec::new(),
        };
        let change = |code: &str, name: Option<&str>| ProcedureChange {
            version: 1,
            code: code.into(),
            removed: name.is_none(),
            procedure: name.map(|n| record(code, n)),
        };
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(
            &dir.path().join("m.db"),
            &crate::store::test_key(),
            Duration::from_secs(1),
        )
        .unwrap();
        s.apply_catalogue_changes(
            &[
                change("1", Some("Đăng ký khai sinh")),
                change("2", Some("Đăng ký kết hôn")),
            ],
            "2",
            1,
        )
        .unwrap();
        assert_eq!(s.meta(META_CATALOGUE_CURSOR).unwrap().as_deref(), Some("2"));
        s.apply_catalogue_changes(
            &[
                change("1", None),
                change("2", Some("Đăng ký kết hôn\u{1b}[2J")),
            ],
            "4",
            2,
        )
        .unwrap();
        let now = s.procedures().unwrap();
        assert_eq!(now.len(), 1);
        assert_eq!(
            now[0].name, "Đăng ký kết hôn\u{FFFD}[2J",
            "control characters are stripped, and the place shown"
        );
        assert_eq!(now[0].charge, 8_000);
        assert_eq!(
            s.meta(META_CATALOGUE_VERSION).unwrap().as_deref(),
            Some("2")
        );
        s.replace_catalogue(&[proc("9", "A", "F")]).unwrap();
        assert_eq!(
            s.meta(META_CATALOGUE_CURSOR).unwrap(),
            None,
            "an import restarts the feed"
        );
    }

    #[test]
    fn failed_import_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(
            &dir.path().join("m.db"),
            &crate::store::test_key(),
            Duration::from_secs(1),
        )
        .unwrap();
        let a = vec![proc("1", "A", "F")];
        s.replace_catalogue(&a).unwrap();
        // Duplicate codes violate the primary key half-way through: nothing may land.
        let bad = vec![proc("7", "X", "F"), proc("7", "Y", "F")];
        assert!(s.replace_catalogue(&bad).is_err());
        assert_eq!(s.procedures().unwrap(), a);
    }
    /// Every byte of the store's files on disk.
    fn disk_bytes(path: &Path) -> Vec<u8> {
        let mut all = Vec::new();
        for suffix in ["", "-wal", "-shm", "-journal"] {
            if let Ok(b) = std::fs::read(with_suffix(path, suffix)) {
                all.extend(b);
            }
        }
        all
    }

    fn contains(hay: &[u8], needle: &str) -> bool {
        hay.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    #[test]
    fn nothing_readable_reaches_the_disk_and_a_wrong_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("motcua.db");
        let name = "Nguyễn Thị Bích Ngọc";
        {
            let mut s = Store::open(&path, &test_key(), Duration::from_secs(1)).unwrap();
            s.replace_catalogue(&[proc("1", name, "Hộ tịch")]).unwrap();
            s.set_meta("note", name).unwrap();
            let bytes = disk_bytes(&path);
            assert!(bytes.len() > 4096, "the WAL holds the writes");
            assert!(!contains(&bytes, name), "a name in the clear while open");
            assert!(!contains(&bytes, "CREATE TABLE"), "schema in the clear");
        }
        let bytes = disk_bytes(&path);
        assert!(!contains(&bytes, name));
        assert!(!bytes.starts_with(SQLITE_HEADER));
        let other = crate::vault::StoreKey::from_bytes([8; crate::vault::KEY_LEN]);
        let e = Store::open(&path, &other, Duration::from_secs(1)).unwrap_err();
        assert!(matches!(e, StoreError::WrongKey { .. }), "{e}");
        let s = Store::open(&path, &test_key(), Duration::from_secs(1)).unwrap();
        assert_eq!(s.meta("note").unwrap().as_deref(), Some(name));
    }

    #[test]
    fn sqlcipher_logs_nothing_to_stderr() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(
            &dir.path().join("m.db"),
            &test_key(),
            Duration::from_secs(1),
        )
        .unwrap();
        let level: String = s
            .conn
            .query_row("PRAGMA cipher_log_level", [], |r| r.get(0))
            .unwrap();
        assert_eq!(level, "NONE");
    }

    #[test]
    fn a_plaintext_store_is_encrypted_in_place_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("motcua.db");
        let name = "Trần Văn Khánh";
        {
            // A store as the previous version left it: plaintext, schema 5, in WAL.
            let mut c = open_sqlite(&path, Duration::from_secs(1)).unwrap();
            migrate(&mut c, &MIGRATIONS[..5], &path).unwrap();
            c.execute(
                "INSERT INTO meta (key, value) VALUES ('who', ?1)",
                params![name],
            )
            .unwrap();
        }
        assert!(std::fs::read(&path).unwrap().starts_with(SQLITE_HEADER));
        // A leftover of an interrupted earlier attempt is thrown away, not trusted.
        std::fs::write(with_suffix(&path, ".encrypting"), b"half").unwrap();
        {
            let s = Store::open(&path, &test_key(), Duration::from_secs(1)).unwrap();
            assert_eq!(s.meta("who").unwrap().as_deref(), Some(name));
            assert_eq!(s.user_version().unwrap(), schema_version());
        }
        assert!(!with_suffix(&path, ".encrypting").exists());
        let bytes = disk_bytes(&path);
        assert!(!bytes.starts_with(SQLITE_HEADER));
        assert!(!contains(&bytes, name));
        let s = Store::open(&path, &test_key(), Duration::from_secs(1)).unwrap();
        assert_eq!(s.meta("who").unwrap().as_deref(), Some(name));
        let mode = {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777
        };
        assert_eq!(mode, 0o600);
    }
}
