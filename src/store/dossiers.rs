//! Dossiers in the local store: drafts saved as the official types, finalized revisions,
//! their outbox items and audit records, and the dossier codes reserved from the backend.
//!
//! A finalized revision is immutable: an edit is a draft of the next revision. Finalizing
//! writes the revision, its outbox item and an audit record in one transaction.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{PROCEDURE_COLUMNS, RawProcedure, Store, StoreError};
use crate::api::{DossierRevision, ProcedureRecord, ReservationResponse, SyncItem};
use crate::clock::{iso_date, rfc3339_vn, vn_tz};
use crate::dossier::{Dossier, DossierRow, ProcedureInfo, SyncState, provisional_code};

/// The schema of dossiers, outbox, audit and code blocks (migration 3).
pub(super) const MIGRATION: &str = "
    CREATE TABLE dossier (
        id               TEXT PRIMARY KEY NOT NULL,
        revision         INTEGER NOT NULL DEFAULT 0,
        code             TEXT UNIQUE,
        code_provisional INTEGER NOT NULL DEFAULT 0 CHECK (code_provisional IN (0, 1)),
        procedure_code   TEXT NOT NULL,
        procedure_name   TEXT NOT NULL,
        applicant        TEXT NOT NULL DEFAULT '',
        received_at      TEXT NOT NULL,
        received_day     TEXT NOT NULL,
        due_at           TEXT,
        status           INTEGER NOT NULL,
        body             TEXT,
        draft            TEXT,
        draft_open       INTEGER NOT NULL DEFAULT 0 CHECK (draft_open IN (0, 1)),
        updated_at       TEXT NOT NULL
    ) STRICT;
    CREATE INDEX dossier_day ON dossier (received_day);
    CREATE TABLE dossier_revision (
        dossier_id   TEXT NOT NULL REFERENCES dossier (id),
        revision     INTEGER NOT NULL,
        body         TEXT NOT NULL,
        finalized_at TEXT NOT NULL,
        official     TEXT NOT NULL,
        PRIMARY KEY (dossier_id, revision)
    ) STRICT;
    CREATE TABLE outbox (
        id              TEXT PRIMARY KEY NOT NULL,
        kind            TEXT NOT NULL,
        dossier_id      TEXT REFERENCES dossier (id),
        revision        INTEGER,
        idempotency_key TEXT NOT NULL UNIQUE,
        payload         TEXT NOT NULL,
        state           TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'synced', 'parked')),
        tries           INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
    ) STRICT;
    CREATE INDEX outbox_dossier ON outbox (dossier_id, revision);
    CREATE TABLE audit (
        id             TEXT PRIMARY KEY NOT NULL,
        at             TEXT NOT NULL,
        official       TEXT NOT NULL,
        action         TEXT NOT NULL,
        citizen        TEXT,
        procedure_code TEXT,
        dossier_id     TEXT,
        detail         TEXT NOT NULL DEFAULT '{}'
    ) STRICT;
    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
    CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
    CREATE TABLE code_block (
        code    TEXT PRIMARY KEY NOT NULL,
        unit    TEXT NOT NULL,
        day     TEXT NOT NULL,
        used_by TEXT
    ) STRICT;
    CREATE INDEX code_block_free ON code_block (unit, day, used_by);
";

/// `meta` key: the unit of the last official who signed in (for offline codes).
pub const META_UNIT: &str = "official.unit";
/// `meta` key: the backend's holiday table, as last fetched (JSON).
pub const META_HOLIDAYS: &str = "backend.holidays";

/// The unit used for provisional codes when no official ever signed in on this machine.
pub const UNKNOWN_UNIT: &str = "000.00.00.H00";

/// Where a finalize left the dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finalized {
    pub dossier: Dossier,
    /// Final codes left for today after this one (the app reserves more when low).
    pub codes_left: usize,
}

fn civil(s: &str) -> Result<DateTime, StoreError> {
    s.parse()
        .map_err(|e| StoreError::Corrupt(format!("date-time {s:?}: {e}")))
}

fn parse_body(s: &str) -> Result<Dossier, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("dossier body: {e}")))
}

fn to_json(d: &Dossier) -> Result<String, StoreError> {
    serde_json::to_string(d).map_err(|e| StoreError::Corrupt(format!("dossier body: {e}")))
}

impl Store {
    /// What a new dossier needs to know of a procedure (its channels from the feed's
    /// record when the store has it).
    pub fn procedure_info(&self, code: &str) -> Result<Option<ProcedureInfo>, StoreError> {
        let row = self
            .conn
            .query_row(
                &format!("SELECT {PROCEDURE_COLUMNS}, record FROM procedure WHERE code = ?1"),
                params![code],
                |r| Ok((RawProcedure::read(r)?, r.get::<_, Option<String>>(8)?)),
            )
            .optional()?;
        let Some((raw, record)) = row else {
            return Ok(None);
        };
        let p = raw.check()?;
        let record = record.and_then(|r| serde_json::from_str::<ProcedureRecord>(&r).ok());
        let population_lookup = record.as_ref().map(|r| r.population_lookup);
        let (channels, population_fields) = record
            .map(|r| (r.channels, r.population_fields))
            .unwrap_or_default();
        Ok(Some(ProcedureInfo {
            code: p.code,
            local_code: p.local_code,
            name: p.name,
            field: p.field,
            channels,
            days: p.days,
            fee: p.fee,
            charge: p.charge,
            population_lookup,
            population_fields,
        }))
    }

    /// Saves the working copy of a dossier. `open` marks the draft that is on screen, to
    /// reopen after a crash.
    pub fn save_draft(
        &mut self,
        d: &Dossier,
        open: bool,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let draft = to_json(d)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if open {
            tx.execute(
                "UPDATE dossier SET draft_open = 0 WHERE draft_open = 1 AND id <> ?1",
                params![d.id],
            )?;
        }
        let updated = tx.execute(
            "UPDATE dossier SET draft = ?2, draft_open = ?3, updated_at = ?4,
                 applicant = CASE WHEN revision = 0 THEN ?5 ELSE applicant END
             WHERE id = ?1",
            params![d.id, draft, open, rfc3339_vn(now), d.applicant()],
        )?;
        if updated == 0 {
            tx.execute(
                "INSERT INTO dossier (id, revision, procedure_code, procedure_name, applicant,
                     received_at, received_day, due_at, status, draft, draft_open, updated_at)
                 VALUES (?1, 0, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    d.id,
                    d.procedure.code,
                    d.procedure.name,
                    d.applicant(),
                    d.received_at.to_string(),
                    iso_date(d.received_at.date()),
                    d.due_at.map(|t| t.to_string()),
                    d.status,
                    draft,
                    open,
                    rfc3339_vn(now),
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The draft that was on screen when the app last stopped, if any.
    pub fn open_draft(&self) -> Result<Option<Dossier>, StoreError> {
        let draft: Option<String> = self
            .conn
            .query_row(
                "SELECT draft FROM dossier WHERE draft_open = 1 AND draft IS NOT NULL
                 ORDER BY updated_at DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        draft.as_deref().map(parse_body).transpose()
    }

    /// Leaves a draft in the list without reopening it at the next start.
    pub fn close_draft(&self, id: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE dossier SET draft_open = 0 WHERE id = ?1",
            params![id],
        )?;
        Ok(())
    }

    /// Throws a draft away: a dossier never finalized disappears; an edit of a finalized
    /// one goes back to its last revision.
    pub fn discard_draft(&mut self, id: &str) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "DELETE FROM dossier WHERE id = ?1 AND revision = 0",
            params![id],
        )?;
        tx.execute(
            "UPDATE dossier SET draft = NULL, draft_open = 0 WHERE id = ?1",
            params![id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The latest finalized revision and the draft of a dossier.
    pub fn dossier(&self, id: &str) -> Result<(Option<Dossier>, Option<Dossier>), StoreError> {
        let row: Option<(Option<String>, Option<String>)> = self
            .conn
            .query_row(
                "SELECT body, draft FROM dossier WHERE id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((body, draft)) = row else {
            return Ok((None, None));
        };
        Ok((
            body.as_deref().map(parse_body).transpose()?,
            draft.as_deref().map(parse_body).transpose()?,
        ))
    }

    /// Stores codes reserved from the backend.
    pub fn add_codes(&mut self, r: &ReservationResponse) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO code_block (code, unit, day, used_by) VALUES (?1, ?2, ?3, NULL)",
            )?;
            for code in &r.codes {
                insert.execute(params![crate::text::sanitize(code).0, r.unit_code, r.date])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Final codes still free for a unit on a day.
    pub fn codes_left(&self, unit: &str, day: Date) -> Result<usize, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM code_block WHERE unit = ?1 AND day = ?2 AND used_by IS NULL",
            params![unit, iso_date(day)],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Finalizes a dossier: assigns its code (a reserved one for its unit and day, else a
    /// provisional one), writes the revision, its outbox item and an audit record, and
    /// clears the draft — all in one transaction.
    pub fn finalize(
        &mut self,
        d: &Dossier,
        unit: Option<&str>,
        official: &str,
        now: Timestamp,
    ) -> Result<Finalized, StoreError> {
        let mut d = d.clone();
        official.clone_into(&mut d.official);
        let day = d.received_at.date();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let unit = match unit {
            Some(u) => u.to_owned(),
            None => tx
                .query_row(
                    "SELECT value FROM meta WHERE key = ?1",
                    params![META_UNIT],
                    |r| r.get::<_, String>(0),
                )
                .optional()?
                .unwrap_or_else(|| UNKNOWN_UNIT.to_owned()),
        };
        let latest: Option<(i64, Option<String>, bool)> = tx
            .query_row(
                "SELECT revision, code, code_provisional FROM dossier WHERE id = ?1",
                params![d.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        // Sync may have replaced a provisional code since this draft was opened.
        if let Some((rev, Some(code), false)) = &latest
            && *rev > 0
        {
            d.code = Some(code.clone());
            d.code_provisional = false;
        }
        d.revision = u32::try_from(latest.map_or(0, |l| l.0)).unwrap_or(0) + 1;
        if d.code.is_none() {
            let reserved: Option<String> = tx
                .query_row(
                    "SELECT code FROM code_block WHERE unit = ?1 AND day = ?2 AND used_by IS NULL
                     ORDER BY code LIMIT 1",
                    params![unit, iso_date(day)],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(code) = reserved {
                tx.execute(
                    "UPDATE code_block SET used_by = ?2 WHERE code = ?1",
                    params![code, d.id],
                )?;
                d.code = Some(code);
                d.code_provisional = false;
            } else {
                let key = format!("provisional.{unit}.{}", iso_date(day));
                let n: u32 = tx
                    .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
                        r.get::<_, String>(0)
                    })
                    .optional()?
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0)
                    + 1;
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![key, n.to_string()],
                )?;
                d.code = Some(provisional_code(&unit, day, n));
                d.code_provisional = true;
            }
        }
        let body = to_json(&d)?;
        let at = rfc3339_vn(now);
        tx.execute(
            "INSERT INTO dossier (id, revision, code, code_provisional, procedure_code,
                 procedure_name, applicant, received_at, received_day, due_at, status, body,
                 draft, draft_open, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULL, 0, ?13)
             ON CONFLICT (id) DO UPDATE SET revision = excluded.revision,
                 code = excluded.code, code_provisional = excluded.code_provisional,
                 applicant = excluded.applicant, due_at = excluded.due_at,
                 status = excluded.status, body = excluded.body, draft = NULL,
                 draft_open = 0, updated_at = excluded.updated_at",
            params![
                d.id,
                d.revision,
                d.code,
                d.code_provisional,
                d.procedure.code,
                d.procedure.name,
                d.applicant(),
                d.received_at.to_string(),
                iso_date(day),
                d.due_at.map(|t| t.to_string()),
                d.status,
                body,
                at,
            ],
        )?;
        tx.execute(
            "INSERT INTO dossier_revision (dossier_id, revision, body, finalized_at, official)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![d.id, d.revision, body, at, official],
        )?;
        let received = d
            .received_at
            .to_zoned_datetime(vn_tz())
            .map_or_else(|_| at.clone(), |z| rfc3339_vn(z.timestamp()));
        let item = SyncItem::dossier(
            crate::ids::new_uuid_v7(now),
            format!("{}/{}", d.id, d.revision),
            DossierRevision {
                dossier_id: d.id.clone(),
                revision: d.revision,
                dossier_code: d.code.clone().unwrap_or_default(),
                code_provisional: d.code_provisional,
                procedure_code: d.procedure.code.clone(),
                received_at: received,
                status: d.status,
                body: serde_json::from_str(&body)
                    .map_err(|e| StoreError::Corrupt(format!("dossier body: {e}")))?,
            },
        );
        let payload = serde_json::to_string(&item)
            .map_err(|e| StoreError::Corrupt(format!("outbox payload: {e}")))?;
        tx.execute(
            "INSERT INTO outbox (id, kind, dossier_id, revision, idempotency_key, payload,
                 created_at, updated_at)
             VALUES (?1, 'dossier', ?2, ?3, ?4, ?5, ?6, ?6)",
            params![item.id, d.id, d.revision, item.idempotency_key, payload, at],
        )?;
        let detail = serde_json::json!({
            "code": d.code,
            "revision": d.revision,
            "provisional": d.code_provisional,
        });
        let audit_id = crate::ids::new_uuid_v7(now);
        tx.execute(
            "INSERT INTO audit (id, at, official, action, citizen, procedure_code, dossier_id, detail)
             VALUES (?1, ?2, ?3, 'dossier.finalize', ?4, ?5, ?6, ?7)",
            params![
                audit_id,
                at,
                official,
                if d.owner.id_number.trim().is_empty() {
                    d.submitter.id_number.trim()
                } else {
                    d.owner.id_number.trim()
                },
                d.procedure.code,
                d.id,
                detail.to_string(),
            ],
        )?;
        super::chain::link(&tx, &audit_id)?;
        let left: i64 = tx.query_row(
            "SELECT count(*) FROM code_block WHERE unit = ?1 AND day = ?2 AND used_by IS NULL",
            params![unit, iso_date(day)],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(Finalized {
            dossier: d,
            codes_left: usize::try_from(left).unwrap_or(0),
        })
    }

    /// The dossiers received on `day` (all days when `None`), newest first.
    pub fn dossier_rows(&self, day: Option<Date>) -> Result<Vec<DossierRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.id, d.revision, d.code, d.code_provisional, d.procedure_code,
                    d.procedure_name, d.applicant, d.received_at, d.due_at, d.status,
                    d.draft IS NOT NULL, d.draft,
                    (SELECT o.state FROM outbox o WHERE o.dossier_id = d.id
                        ORDER BY o.revision DESC LIMIT 1)
             FROM dossier d
             WHERE ?1 IS NULL OR d.received_day = ?1
             ORDER BY d.received_at DESC, d.id DESC",
        )?;
        let rows = stmt.query_map(params![day.map(iso_date)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, i64>(9)?,
                r.get::<_, bool>(10)?,
                r.get::<_, Option<String>>(11)?,
                r.get::<_, Option<String>>(12)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (
                id,
                revision,
                code,
                code_provisional,
                procedure_code,
                procedure_name,
                applicant,
                received_at,
                due_at,
                status,
                has_draft,
                draft,
                outbox,
            ) = row?;
            let finalized = revision > 0;
            // A new dossier's due date lives in its draft (it changes with the channel).
            let due_at = match (&draft, finalized) {
                (Some(body), false) => parse_body(body).ok().and_then(|d| d.due_at),
                _ => due_at.as_deref().map(civil).transpose()?,
            };
            let sync = match outbox.as_deref() {
                None => SyncState::Draft,
                Some("synced") => SyncState::Synced,
                Some("parked") => SyncState::Parked,
                Some(_) => SyncState::Pending,
            };
            out.push(DossierRow {
                id,
                revision: u32::try_from(revision).unwrap_or(0),
                code,
                code_provisional,
                procedure_code,
                procedure_name,
                applicant,
                received_at: civil(&received_at)?,
                due_at,
                status: u8::try_from(status).unwrap_or(0),
                sync,
                finalized,
                has_draft,
            });
        }
        Ok(out)
    }

    /// The number of outbox items waiting to be sent.
    pub fn outbox_pending(&self) -> Result<usize, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM outbox WHERE state = 'pending'",
            [],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// The number of audit records.
    pub fn audit_count(&self) -> Result<usize, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::{Dossier, ProcedureInfo};
    use jiff::civil::date;
    use std::time::Duration;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(
            &dir.path().join("s.db"),
            &crate::store::test_key(),
            Duration::from_secs(1),
        )
        .unwrap();
        (dir, s)
    }

    fn dossier(id: &str) -> Dossier {
        let mut d = Dossier::new(
            id.into(),
            ProcedureInfo {
                code: "1.001776".into(),
                name: "Đăng ký khai sinh".into(),
                days: 15,
                ..ProcedureInfo::default()
            },
            date(2023, 3, 6).at(14, 27, 45, 0),
        );
        d.submitter.name = "Lê Thị Thu Hà".into();
        d
    }

    fn now() -> Timestamp {
        Timestamp::from_second(1_678_087_665).unwrap()
    }

    #[test]
    fn a_draft_reopens_and_a_closed_one_does_not() {
        let (_dir, mut s) = store();
        let d = dossier("a");
        s.save_draft(&d, true, now()).unwrap();
        assert_eq!(s.open_draft().unwrap(), Some(d.clone()));
        let rows = s.dossier_rows(Some(date(2023, 3, 6))).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].sync, SyncState::Draft);
        assert!(!rows[0].finalized);
        s.close_draft("a").unwrap();
        assert_eq!(s.open_draft().unwrap(), None);
        assert_eq!(s.dossier("a").unwrap().1, Some(d));
        s.discard_draft("a").unwrap();
        assert!(s.dossier_rows(None).unwrap().is_empty());
    }

    #[test]
    fn finalize_takes_reserved_codes_then_provisional_ones() {
        let (_dir, mut s) = store();
        s.add_codes(&ReservationResponse {
            unit_code: "U".into(),
            date: "2023-03-06".into(),
            codes: vec!["U-230306-0001".into()],
        })
        .unwrap();
        assert_eq!(s.codes_left("U", date(2023, 3, 6)).unwrap(), 1);
        let a = s.finalize(&dossier("a"), Some("U"), "demo", now()).unwrap();
        assert_eq!(a.dossier.code.as_deref(), Some("U-230306-0001"));
        assert!(!a.dossier.code_provisional);
        assert_eq!(a.codes_left, 0);
        let b = s.finalize(&dossier("b"), Some("U"), "demo", now()).unwrap();
        assert_eq!(b.dossier.code.as_deref(), Some("U-230306-T001"));
        assert!(b.dossier.code_provisional);
        let c = s.finalize(&dossier("c"), Some("U"), "demo", now()).unwrap();
        assert_eq!(c.dossier.code.as_deref(), Some("U-230306-T002"));
        assert_eq!(s.outbox_pending().unwrap(), 3);
        assert_eq!(s.audit_count().unwrap(), 3);
        let rows = s.dossier_rows(None).unwrap();
        assert!(
            rows.iter()
                .all(|r| r.finalized && r.sync == SyncState::Pending)
        );
    }

    #[test]
    fn an_edit_is_a_new_revision_with_the_same_code() {
        let (_dir, mut s) = store();
        let first = s.finalize(&dossier("a"), Some("U"), "demo", now()).unwrap();
        let mut edit = first.dossier.clone();
        edit.revision += 1;
        edit.summary = "Bổ sung".into();
        s.save_draft(&edit, true, now()).unwrap();
        let (body, draft) = s.dossier("a").unwrap();
        assert_eq!(body.unwrap().revision, 1);
        assert_eq!(draft.unwrap().summary, "Bổ sung");
        let second = s.finalize(&edit, Some("U"), "demo", now()).unwrap();
        assert_eq!(second.dossier.revision, 2);
        assert_eq!(second.dossier.code, first.dossier.code);
        assert_eq!(s.outbox_pending().unwrap(), 2);
        assert_eq!(s.dossier("a").unwrap().1, None);
    }

    #[test]
    fn audit_records_cannot_be_changed() {
        let (_dir, mut s) = store();
        s.finalize(&dossier("a"), Some("U"), "demo", now()).unwrap();
        assert!(s.conn.execute("DELETE FROM audit", []).is_err());
        assert!(
            s.conn
                .execute("UPDATE audit SET official = 'x'", [])
                .is_err()
        );
        assert_eq!(s.audit_count().unwrap(), 1);
    }
}
