//! The audit log's hash chain: every audit record is linked, in the order it was
//! written, to the one before by `hash = SHA-256(prev_hash ‖ the record as stored)`.
//! The link is written in the same transaction as the record. Triggers already refuse
//! UPDATE and DELETE; the chain shows what someone with the file and its triggers
//! dropped did anyway — a record changed, removed, put back in another place, or slipped
//! in — and `motcua audit verify` names the first broken link.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::{Store, StoreError};

/// Migration 6: the chain, insert-only like the records.
pub(super) const MIGRATION: &str = "
    CREATE TABLE audit_chain (
        seq       INTEGER PRIMARY KEY,
        audit_id  TEXT NOT NULL UNIQUE,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
    ) STRICT;
    CREATE TRIGGER audit_chain_append_only_update BEFORE UPDATE ON audit_chain
        BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
    CREATE TRIGGER audit_chain_append_only_delete BEFORE DELETE ON audit_chain
        BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
";

/// The schema version that brought the chain (records written before it are linked once,
/// in their order, when a store is brought up to it).
pub(super) const CHAIN_VERSION: u32 = 6;

/// The `prev_hash` of the first link.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An audit record as stored, the input of its link's hash.
struct Stored {
    id: String,
    at: String,
    official: String,
    action: String,
    citizen: Option<String>,
    procedure_code: Option<String>,
    dossier_id: Option<String>,
    detail: String,
}

const RECORD_COLUMNS: &str =
    "id, at, official, action, citizen, procedure_code, dossier_id, detail";

fn stored(r: &rusqlite::Row<'_>) -> rusqlite::Result<Stored> {
    Ok(Stored {
        id: r.get(0)?,
        at: r.get(1)?,
        official: r.get(2)?,
        action: r.get(3)?,
        citizen: r.get(4)?,
        procedure_code: r.get(5)?,
        dossier_id: r.get(6)?,
        detail: r.get(7)?,
    })
}

/// SHA-256, lower-case hex, of the previous hash, a newline, and the record's fields as
/// a JSON array (unambiguous: every field is quoted and escaped).
fn link_hash(prev: &str, s: &Stored) -> String {
    let fields = serde_json::json!([
        s.id,
        s.at,
        s.official,
        s.action,
        s.citizen,
        s.procedure_code,
        s.dossier_id,
        s.detail
    ]);
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(fields.to_string().as_bytes());
    crate::api::hex(&h.finalize())
}

/// Where the chain starts after retention removed its oldest links: the last removed
/// link's position and hash (the next link's `prev_hash`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
}

/// The latest checkpoint (`audit_chain_checkpoint`, migration 7), if records were ever
/// removed by retention.
pub(super) fn checkpoint(conn: &Connection) -> Result<Option<Checkpoint>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT seq, hash FROM audit_chain_checkpoint ORDER BY seq DESC LIMIT 1",
            [],
            |r| {
                Ok(Checkpoint {
                    seq: r.get(0)?,
                    hash: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// Links the audit record `audit_id` (just inserted, in the same transaction) to the
/// chain's end: after the last link, else after the checkpoint, else after the genesis.
/// The position is given, not left to SQLite: with every link removed by retention it
/// would start again at 1.
pub(super) fn link(conn: &Connection, audit_id: &str) -> Result<(), StoreError> {
    let record = conn.query_row(
        &format!("SELECT {RECORD_COLUMNS} FROM audit WHERE id = ?1"),
        params![audit_id],
        stored,
    )?;
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM audit_chain ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (seq, prev) = match last {
        Some(last) => last,
        None => checkpoint(conn)?.map_or_else(|| (0, GENESIS.to_owned()), |c| (c.seq, c.hash)),
    };
    let hash = link_hash(&prev, &record);
    conn.execute(
        "INSERT INTO audit_chain (seq, audit_id, prev_hash, hash) VALUES (?1, ?2, ?3, ?4)",
        params![seq + 1, audit_id, prev, hash],
    )?;
    Ok(())
}

/// Links, in the order they were written, the records a store held before it had a
/// chain (once, when it is brought up to [`CHAIN_VERSION`]).
pub(super) fn link_existing(conn: &Connection) -> Result<usize, StoreError> {
    let ids: Vec<String> = conn
        .prepare(
            "SELECT a.id FROM audit a
             WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.audit_id = a.id)
             ORDER BY a.rowid",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in &ids {
        link(conn, id)?;
    }
    Ok(ids.len())
}

/// What is wrong at the first broken link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Break {
    /// The link's record is gone.
    Removed,
    /// The record is not what was linked (a field was changed).
    Changed,
    /// The link does not follow the one before (a link removed or moved).
    Relinked,
    /// A record no link covers (slipped in without the app).
    Unlinked,
    /// The chain starts from a checkpoint the last retention record does not name (the
    /// checkpoint was moved to hide records removed before it).
    Checkpoint,
}

/// The first broken link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Broken {
    /// The link's position (1 = the first record); `None` for an unlinked record.
    pub seq: Option<i64>,
    pub audit_id: String,
    pub problem: Break,
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Links checked.
    pub links: usize,
    pub records: usize,
    /// Where the walk started, when retention removed the oldest records (else the
    /// genesis).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<Checkpoint>,
    pub first_broken: Option<Broken>,
}

impl Store {
    /// Walks the audit chain from its first link (after the retention checkpoint, when
    /// there is one), recomputing every hash; reports the first broken link, a record no
    /// link covers, or a checkpoint the last `retention.purge` record does not name.
    pub fn verify_audit_chain(&self) -> Result<ChainReport, StoreError> {
        let records: i64 = self
            .conn
            .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))?;
        let start = checkpoint(&self.conn)?;
        let mut report = ChainReport {
            links: 0,
            records: usize::try_from(records).unwrap_or(0),
            checkpoint: start.clone(),
            first_broken: None,
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT c.seq, c.audit_id, c.prev_hash, c.hash, a.{}
             FROM audit_chain c LEFT JOIN audit a ON a.id = c.audit_id
             WHERE c.seq > ?1
             ORDER BY c.seq",
            RECORD_COLUMNS.replace(", ", ", a.")
        ))?;
        let mut rows = stmt.query(params![start.as_ref().map_or(0, |c| c.seq)])?;
        let mut expected_prev = start
            .as_ref()
            .map_or_else(|| GENESIS.to_owned(), |c| c.hash.clone());
        // The checkpoint named by the last retention record walked (the chain vouches
        // for it): `Some(None)` when that record names none.
        let mut named: Option<(String, Option<Checkpoint>)> = None;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let audit_id: String = r.get(1)?;
            let prev: String = r.get(2)?;
            let hash: String = r.get(3)?;
            let found: Option<String> = r.get(4)?;
            report.links += 1;
            let broken = |problem| Broken {
                seq: Some(seq),
                audit_id: audit_id.clone(),
                problem,
            };
            if found.is_none() {
                report.first_broken = Some(broken(Break::Removed));
                return Ok(report);
            }
            if prev != expected_prev {
                report.first_broken = Some(broken(Break::Relinked));
                return Ok(report);
            }
            let record = Stored {
                id: r.get(4)?,
                at: r.get(5)?,
                official: r.get(6)?,
                action: r.get(7)?,
                citizen: r.get(8)?,
                procedure_code: r.get(9)?,
                dossier_id: r.get(10)?,
                detail: r.get(11)?,
            };
            if link_hash(&prev, &record) != hash {
                report.first_broken = Some(broken(Break::Changed));
                return Ok(report);
            }
            if record.action == super::retention::PURGE_ACTION {
                let detail: serde_json::Value =
                    serde_json::from_str(&record.detail).unwrap_or_default();
                let cp = detail
                    .get("checkpoint")
                    .and_then(|c| serde_json::from_value::<Checkpoint>(c.clone()).ok());
                named = Some((audit_id.clone(), cp));
            }
            expected_prev = hash;
        }
        if let Some(start) = &start {
            let ok = named
                .as_ref()
                .is_some_and(|(_, cp)| cp.as_ref() == Some(start));
            if !ok {
                report.first_broken = Some(Broken {
                    seq: Some(start.seq),
                    audit_id: named.map(|(id, _)| id).unwrap_or_default(),
                    problem: Break::Checkpoint,
                });
                return Ok(report);
            }
        }
        let unlinked: Option<String> = self
            .conn
            .query_row(
                "SELECT a.id FROM audit a
                 WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.audit_id = a.id)
                 ORDER BY a.rowid LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        report.first_broken = unlinked.map(|audit_id| Broken {
            seq: None,
            audit_id,
            problem: Break::Unlinked,
        });
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::audit::{CheckKind, LookupAudit};
    use std::time::Duration;

    fn store_with_records(n: usize) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(
            &dir.path().join("s.db"),
            &crate::store::test_key(),
            Duration::from_secs(1),
        )
        .unwrap();
        for i in 0..n {
            let a = LookupAudit {
                kind: CheckKind::Lookup,
                official: "canbo01".into(),
                citizen: format!("07919201978{i}"),
                procedure_code: "NT.0001".into(),
                dossier_id: None,
                dossier_code: None,
                fields: Vec::new(),
                outcome: "found".into(),
                lookup_id: None,
            };
            s.record_lookup(
                &a,
                jiff::Timestamp::from_second(1_700_000_000 + i64::try_from(i).unwrap()).unwrap(),
            )
            .unwrap();
        }
        (dir, s)
    }

    /// Drops the triggers, as someone with the file could.
    fn unguard(s: &Store) {
        s.conn
            .execute_batch(
                "DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete;
                 DROP TRIGGER audit_chain_append_only_update;
                 DROP TRIGGER audit_chain_append_only_delete;",
            )
            .unwrap();
    }

    fn nth_id(s: &Store, n: i64) -> String {
        s.conn
            .query_row(
                "SELECT audit_id FROM audit_chain WHERE seq = ?1",
                [n],
                |r| r.get(0),
            )
            .unwrap()
    }

    #[test]
    fn an_untouched_log_verifies() {
        let (_d, s) = store_with_records(5);
        let r = s.verify_audit_chain().unwrap();
        assert_eq!((r.links, r.records, r.first_broken), (5, 5, None));
        let first: String = s
            .conn
            .query_row("SELECT prev_hash FROM audit_chain WHERE seq = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(first, GENESIS);
    }

    #[test]
    fn a_changed_record_is_the_first_broken_link() {
        let (_d, s) = store_with_records(5);
        unguard(&s);
        let third = nth_id(&s, 3);
        s.conn
            .execute(
                "UPDATE audit SET citizen = '001200017187' WHERE id = ?1",
                [&third],
            )
            .unwrap();
        let r = s.verify_audit_chain().unwrap();
        assert_eq!(
            r.first_broken,
            Some(Broken {
                seq: Some(3),
                audit_id: third,
                problem: Break::Changed
            })
        );
    }

    #[test]
    fn a_removed_record_and_a_removed_link_are_found() {
        let (_d, s) = store_with_records(5);
        unguard(&s);
        let second = nth_id(&s, 2);
        s.conn
            .execute("DELETE FROM audit WHERE id = ?1", [&second])
            .unwrap();
        let r = s.verify_audit_chain().unwrap();
        assert_eq!(r.first_broken.unwrap().problem, Break::Removed);
        // Removing the link too leaves the next link pointing at a hash nobody has.
        s.conn
            .execute("DELETE FROM audit_chain WHERE seq = 2", [])
            .unwrap();
        let b = s.verify_audit_chain().unwrap().first_broken.unwrap();
        assert_eq!((b.seq, b.problem), (Some(3), Break::Relinked));
    }

    #[test]
    fn a_record_slipped_in_without_a_link_is_found() {
        let (_d, s) = store_with_records(2);
        s.conn
            .execute(
                "INSERT INTO audit (id, at, official, action, detail)
                 VALUES ('forged', '2026-11-24T09:00:00+07:00', 'x', 'population.lookup', '{}')",
                [],
            )
            .unwrap();
        let b = s.verify_audit_chain().unwrap().first_broken.unwrap();
        assert_eq!(
            (b.seq, b.audit_id.as_str(), b.problem),
            (None, "forged", Break::Unlinked)
        );
    }

    #[test]
    fn records_of_an_older_store_are_linked_once_on_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            // A store at schema 5 (before the chain) with two records.
            let mut conn = crate::store::open_sqlite(&path, Duration::from_secs(1)).unwrap();
            crate::store::migrate(&mut conn, &crate::store::MIGRATIONS[..5], &path).unwrap();
            for (id, at) in [
                ("r1", "2026-11-20T09:00:00+07:00"),
                ("r2", "2026-11-21T09:00:00+07:00"),
            ] {
                conn.execute(
                    "INSERT INTO audit (id, at, official, action, detail)
                     VALUES (?1, ?2, 'canbo01', 'population.lookup', '{}')",
                    params![id, at],
                )
                .unwrap();
            }
        }
        let s = Store::open(&path, &crate::store::test_key(), Duration::from_secs(1)).unwrap();
        let r = s.verify_audit_chain().unwrap();
        assert_eq!((r.links, r.first_broken), (2, None));
        assert_eq!(nth_id(&s, 1), "r1");
        drop(s);
        // Opening again links nothing more (a record slipped in later stays unlinked).
        let s = Store::open(&path, &crate::store::test_key(), Duration::from_secs(1)).unwrap();
        assert_eq!(s.verify_audit_chain().unwrap().links, 2);
    }
}
