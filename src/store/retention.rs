//! Retention (storage limitation, Law 91/2025 on personal data protection and Decree
//! 356/2025): the desk keeps citizens' data only as long as it needs it.
//!
//! - A local dossier copy (its row, its revisions, its synced outbox items and the
//!   population checks queued for it, with their cached answers) is removed
//!   `keep_days` after the server confirmed its latest revision; a queued check's cached
//!   answer likewise after the server answered it. Never a draft, never anything pending
//!   or parked in the outbox, never anything the server has not confirmed.
//! - Audit records are kept `audit_days`. The oldest are removed as a prefix of the hash
//!   chain: the last removed link becomes a checkpoint that `motcua audit verify` starts
//!   from, and a `retention.purge` record naming it is appended to the chain — so the
//!   purge is itself logged, and moving the checkpoint to hide more is caught.
//!
//! "After" is by the **server's** clock: confirmation times are the server's
//! (`SyncResponse::server_time`, kept per row by `apply_results`) and the purge compares
//! them with a server time, never with this machine's clock, which may be wrong.

use jiff::{SignedDuration, Timestamp};
use rusqlite::{Connection, OptionalExtension as _, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use super::chain::{self, Checkpoint};
use super::{Store, StoreError};
use crate::api::SyncItem;
use crate::clock::rfc3339_vn;

/// Migration 7: server confirmation times, and the audit chain's checkpoints (insert
/// only, like the chain).
pub(super) const MIGRATION: &str = "
    ALTER TABLE dossier ADD COLUMN confirmed_at TEXT;
    ALTER TABLE population_check ADD COLUMN confirmed_at TEXT;
    ALTER TABLE outbox ADD COLUMN confirmed_at TEXT;
    CREATE TABLE audit_chain_checkpoint (
        seq  INTEGER PRIMARY KEY,
        hash TEXT NOT NULL,
        at   TEXT NOT NULL
    ) STRICT;
    CREATE TRIGGER audit_chain_checkpoint_update BEFORE UPDATE ON audit_chain_checkpoint
        BEGIN SELECT RAISE(ABORT, 'audit chain checkpoints are append-only'); END;
    CREATE TRIGGER audit_chain_checkpoint_delete BEFORE DELETE ON audit_chain_checkpoint
        BEGIN SELECT RAISE(ABORT, 'audit chain checkpoints are append-only'); END;
";

/// `meta` key: the last server time seen (RFC 3339), from a sync answer or `/v1/time`.
pub const META_SERVER_TIME: &str = "sync.server_time";
/// `meta` key: the last purge's report (JSON).
pub const META_LAST_PURGE: &str = "retention.last_purge";

/// The audit action of a purge's own record.
pub const PURGE_ACTION: &str = "retention.purge";

/// The triggers that keep the audit log and its chain append-only; a purge lifts them
/// for its own deletes and puts them back in the same transaction.
const GUARDS: [&str; 2] = ["audit_append_only_delete", "audit_chain_append_only_delete"];

/// How long things are kept (`[retention]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    /// Local dossier copies and cached lookup answers: days after the server confirmed.
    pub keep_days: u32,
    /// Audit records: days.
    pub audit_days: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            keep_days: 30,
            audit_days: 1095,
        }
    }
}

/// What a purge removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeReport {
    /// The server time the purge measured against (RFC 3339).
    pub server_time: String,
    pub keep_days: u32,
    pub audit_days: u32,
    /// Local dossier copies removed.
    pub dossiers: usize,
    /// Their finalized revisions.
    pub revisions: usize,
    /// Queued population checks (with their cached answers).
    pub checks: usize,
    /// Synced outbox items.
    pub outbox: usize,
    /// Audit records (and their chain links).
    pub audit: usize,
    /// Where the audit chain starts now, when records were ever removed.
    pub checkpoint: Option<Checkpoint>,
    /// The `retention.purge` audit record written for this purge (none when nothing was
    /// removed).
    pub record: Option<String>,
    /// Why audit records were not looked at (the chain is broken: a purge must not
    /// cover tampering up with a checkpoint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_skipped: Option<String>,
}

impl PurgeReport {
    /// Whether anything was removed.
    #[must_use]
    pub fn removed_anything(&self) -> bool {
        self.dossiers + self.checks + self.outbox + self.audit > 0
    }
}

fn parse_time(s: &str) -> Option<Timestamp> {
    s.trim().parse().ok()
}

/// `server_now` less `days` days.
fn cutoff(server_now: Timestamp, days: u32) -> Timestamp {
    server_now
        .checked_sub(SignedDuration::from_hours(24 * i64::from(days)))
        .unwrap_or(Timestamp::MIN)
}

/// Older than the cutoff: confirmed (by the server) before it.
fn older(confirmed: Option<&str>, cut: Timestamp) -> bool {
    confirmed.and_then(parse_time).is_some_and(|t| t < cut)
}

/// Notes the server's confirmation of an outbox item on what it carried: a dossier's
/// revision, a queued check. `confirmed` is the server's time, or `None` when it did not
/// say: the row then has no confirmation time and waits for a later one.
pub(super) fn note_confirmed(
    conn: &Connection,
    item: &SyncItem,
    confirmed: Option<&str>,
) -> Result<(), StoreError> {
    if let Some(rev) = &item.revision {
        conn.execute(
            "UPDATE dossier SET confirmed_at = ?2 WHERE id = ?1",
            params![rev.dossier_id, confirmed],
        )?;
    }
    if let Some(check) = &item.check {
        // An answer already cached keeps its (later) time.
        conn.execute(
            "UPDATE population_check SET confirmed_at = ?2 WHERE id = ?1 AND state = 'pending'",
            params![check.check_id, confirmed],
        )?;
    }
    Ok(())
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Store {
    /// The last server time seen, if any.
    pub fn server_time(&self) -> Result<Option<Timestamp>, StoreError> {
        Ok(self.meta(META_SERVER_TIME)?.as_deref().and_then(parse_time))
    }

    /// Keeps a server time seen outside a sync answer (`GET /v1/time`).
    pub fn note_server_time(&self, t: Timestamp) -> Result<(), StoreError> {
        self.set_meta(META_SERVER_TIME, &rfc3339_vn(t))
    }

    /// The last purge's report.
    pub fn last_purge(&self) -> Result<Option<PurgeReport>, StoreError> {
        Ok(self
            .meta(META_LAST_PURGE)?
            .and_then(|v| serde_json::from_str(&v).ok()))
    }

    /// Whether a purge is due at `server_now`: none yet, or the last one `every` ago or
    /// more (both by the server's clock).
    pub fn purge_due(
        &self,
        server_now: Timestamp,
        every: std::time::Duration,
    ) -> Result<bool, StoreError> {
        let Some(last) = self.last_purge()? else {
            return Ok(true);
        };
        let Some(at) = parse_time(&last.server_time) else {
            return Ok(true);
        };
        let every = SignedDuration::try_from(every).unwrap_or(SignedDuration::MAX);
        Ok(at.checked_add(every).is_ok_and(|due| due <= server_now))
    }

    /// Removes what is kept past its period at `server_now` (a server time), in one
    /// transaction, and keeps the report as the last purge. `by` is the official whose
    /// session ran it (the `retention.purge` record's official).
    pub fn purge(
        &mut self,
        server_now: Timestamp,
        retention: &Retention,
        by: &str,
    ) -> Result<PurgeReport, StoreError> {
        let keep_cut = cutoff(server_now, retention.keep_days.max(1));
        let audit_cut = cutoff(server_now, retention.audit_days.max(1));
        let mut report = PurgeReport {
            server_time: rfc3339_vn(server_now),
            keep_days: retention.keep_days,
            audit_days: retention.audit_days,
            ..PurgeReport::default()
        };
        // A broken chain is left for `audit verify` to report: moving the checkpoint
        // over it would hide it.
        let chain_ok = match self.verify_audit_chain()?.first_broken {
            None => true,
            Some(b) => {
                tracing::error!(problem = ?b.problem, "the audit chain is broken: no audit record is purged");
                report.audit_skipped = Some(format!("{:?}", b.problem));
                false
            }
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        purge_dossiers(&tx, keep_cut, &mut report)?;
        purge_checks(&tx, keep_cut, &mut report)?;
        if chain_ok {
            purge_audit(&tx, audit_cut, &mut report)?;
        }
        report.checkpoint = chain::checkpoint(&tx)?;
        if report.removed_anything() {
            report.record = Some(log_purge(&tx, &report, server_now, by)?);
        }
        let json = serde_json::to_string(&report)
            .map_err(|e| StoreError::Corrupt(format!("purge report: {e}")))?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![META_LAST_PURGE, json],
        )?;
        tx.commit()?;
        tracing::info!(
            dossiers = report.dossiers,
            checks = report.checks,
            audit = report.audit,
            "retention purge"
        );
        Ok(report)
    }
}

/// Local dossier copies whose latest revision the server confirmed before `cut`, with
/// nothing of theirs waiting: no draft, no outbox item pending or parked, no queued
/// check unanswered.
fn purge_dossiers(
    tx: &Connection,
    cut: Timestamp,
    report: &mut PurgeReport,
) -> Result<(), StoreError> {
    let candidates: Vec<(String, Option<String>)> = tx
        .prepare(
            "SELECT d.id, d.confirmed_at FROM dossier d
             WHERE d.revision > 0 AND d.draft IS NULL AND d.confirmed_at IS NOT NULL
               AND EXISTS (SELECT 1 FROM outbox o WHERE o.dossier_id = d.id
                           AND o.revision = d.revision AND o.state = 'synced')
               AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dossier_id = d.id
                               AND o.state <> 'synced')
               AND NOT EXISTS (SELECT 1 FROM population_check p WHERE p.dossier_id = d.id
                               AND p.state = 'pending')
               AND NOT EXISTS (SELECT 1 FROM population_check p JOIN outbox o
                                   ON o.idempotency_key = 'check/' || p.id
                               WHERE p.dossier_id = d.id AND o.state <> 'synced')",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (id, confirmed) in candidates {
        if !older(confirmed.as_deref(), cut) {
            continue;
        }
        report.outbox += tx.execute(
            "DELETE FROM outbox WHERE idempotency_key IN
                 (SELECT 'check/' || id FROM population_check WHERE dossier_id = ?1)",
            params![id],
        )?;
        report.checks += tx.execute(
            "DELETE FROM population_check WHERE dossier_id = ?1",
            params![id],
        )?;
        report.outbox += tx.execute("DELETE FROM outbox WHERE dossier_id = ?1", params![id])?;
        report.revisions += tx.execute(
            "DELETE FROM dossier_revision WHERE dossier_id = ?1",
            params![id],
        )?;
        report.dossiers += tx.execute("DELETE FROM dossier WHERE id = ?1", params![id])?;
    }
    Ok(())
}

/// Queued checks answered, whose answer the server gave before `cut`, with their synced
/// outbox items.
fn purge_checks(
    tx: &Connection,
    cut: Timestamp,
    report: &mut PurgeReport,
) -> Result<(), StoreError> {
    let candidates: Vec<(String, Option<String>)> = tx
        .prepare(
            "SELECT p.id, p.confirmed_at FROM population_check p
             WHERE p.state <> 'pending' AND p.confirmed_at IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM outbox o
                               WHERE o.idempotency_key = 'check/' || p.id
                                 AND o.state <> 'synced')",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (id, confirmed) in candidates {
        if !older(confirmed.as_deref(), cut) {
            continue;
        }
        report.outbox += tx.execute(
            "DELETE FROM outbox WHERE idempotency_key = ?1",
            params![format!("check/{id}")],
        )?;
        report.checks += tx.execute("DELETE FROM population_check WHERE id = ?1", params![id])?;
    }
    Ok(())
}

/// The oldest audit records, kept past `cut`, as a prefix of the chain: the walk stops at
/// the first record that is younger or whose outbox item has not been confirmed (it
/// must reach the server first). A record's age counts from the server's confirmation
/// of its outbox item, or, for a record sent inside a dossier's item, from its own time.
fn purge_audit(
    tx: &Connection,
    cut: Timestamp,
    report: &mut PurgeReport,
) -> Result<(), StoreError> {
    let start = chain::checkpoint(tx)?.map_or(0, |c| c.seq);
    let mut last: Option<Checkpoint> = None;
    let mut ids = Vec::new();
    {
        let mut stmt = tx.prepare(
            "SELECT c.seq, c.hash, a.id, a.at, o.state, o.confirmed_at
             FROM audit_chain c JOIN audit a ON a.id = c.audit_id
             LEFT JOIN outbox o ON o.idempotency_key = 'audit/' || a.id
             WHERE c.seq > ?1
             ORDER BY c.seq",
        )?;
        let mut rows = stmt.query(params![start])?;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let hash: String = r.get(1)?;
            let id: String = r.get(2)?;
            let at: String = r.get(3)?;
            let state: Option<String> = r.get(4)?;
            let confirmed: Option<String> = r.get(5)?;
            let aged = match state.as_deref() {
                None => older(Some(&at), cut),
                Some("synced") => older(confirmed.as_deref(), cut),
                Some(_) => false,
            };
            if !aged {
                break;
            }
            ids.push(id);
            last = Some(Checkpoint { seq, hash });
        }
    }
    let Some(last) = last else {
        return Ok(());
    };
    // The append-only triggers refuse every DELETE, this one too: they are dropped for
    // these deletes and created again, from their own stored text, before the
    // transaction commits. DDL is transactional in SQLite: a failure anywhere rolls the
    // drop back with the deletes, so the file never holds the log unguarded.
    let guards: Vec<String> = GUARDS
        .iter()
        .map(|name| {
            tx.query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                params![name],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::Corrupt(format!("the trigger {name} is missing")))
        })
        .collect::<Result<_, _>>()?;
    for name in GUARDS {
        tx.execute_batch(&format!("DROP TRIGGER {name};"))?;
    }
    for id in &ids {
        report.outbox += tx.execute(
            "DELETE FROM outbox WHERE idempotency_key = ?1 AND state = 'synced'",
            params![format!("audit/{id}")],
        )?;
        tx.execute("DELETE FROM audit_chain WHERE audit_id = ?1", params![id])?;
        report.audit += tx.execute("DELETE FROM audit WHERE id = ?1", params![id])?;
    }
    tx.execute(
        "INSERT INTO audit_chain_checkpoint (seq, hash, at) VALUES (?1, ?2, ?3)",
        params![last.seq, last.hash, report.server_time],
    )?;
    for sql in &guards {
        tx.execute_batch(&format!("{sql};"))?;
    }
    Ok(())
}

/// Appends the purge's own audit record (linked into the chain, sent to the backend like
/// any record): what was removed, the server time, the checkpoint. Returns its id.
fn log_purge(
    tx: &Connection,
    report: &PurgeReport,
    server_now: Timestamp,
    by: &str,
) -> Result<String, StoreError> {
    let at = rfc3339_vn(server_now);
    let id = crate::ids::new_uuid_v7(server_now);
    let detail = serde_json::json!({
        "server_time": report.server_time,
        "keep_days": report.keep_days,
        "audit_days": report.audit_days,
        "dossiers": count(report.dossiers),
        "revisions": count(report.revisions),
        "checks": count(report.checks),
        "outbox": count(report.outbox),
        "audit": count(report.audit),
        "checkpoint": report.checkpoint,
    });
    tx.execute(
        "INSERT INTO audit (id, at, official, action, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, at, by, PURGE_ACTION, detail.to_string()],
    )?;
    chain::link(tx, &id)?;
    let payload = serde_json::json!({
        "id": id,
        "at": at,
        "official": by,
        "action": PURGE_ACTION,
        "citizen": "",
        "detail": detail,
    });
    tx.execute(
        "INSERT INTO outbox (id, kind, idempotency_key, payload, created_at, updated_at)
         VALUES (?1, 'audit', ?2, ?3, ?4, ?4)",
        params![
            crate::ids::new_uuid_v7(server_now),
            format!("audit/{id}"),
            payload.to_string(),
            at
        ],
    )?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{SyncOutcome, SyncResponse, SyncResult};
    use crate::dossier::{Dossier, ProcedureInfo};
    use crate::store::audit::{CheckKind, LookupAudit};
    use crate::store::chain::Break;
    use std::time::Duration;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(
            &dir.path().join("r.db"),
            &crate::store::test_key(),
            Duration::from_secs(1),
        )
        .unwrap();
        (dir, s)
    }

    /// The desk's own clock in these tests: 2026-01-01 (it may be anything).
    fn local() -> Timestamp {
        "2026-01-01T02:00:00Z".parse().unwrap()
    }

    fn day(n: i64) -> Timestamp {
        local()
            .checked_add(SignedDuration::from_hours(24 * n))
            .unwrap()
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
            jiff::civil::date(2026, 1, 1).at(9, 0, 0, 0),
        );
        d.submitter.name = "Lê Thị Thu Hà".into();
        d.owner.id_number = "079192019782".into();
        d
    }

    fn lookup(citizen: &str) -> LookupAudit {
        LookupAudit {
            kind: CheckKind::Lookup,
            official: "canbo01".into(),
            citizen: citizen.into(),
            procedure_code: "1.001776".into(),
            dossier_id: None,
            dossier_code: None,
            fields: Vec::new(),
            outcome: "found".into(),
            lookup_id: None,
        }
    }

    /// Sends every pending item and has the server accept them all at `server` (its
    /// clock), or without a time.
    fn confirm_all(s: &mut Store, server: Option<Timestamp>) {
        let sent = s.next_batch(1000, local()).unwrap().items;
        let response = SyncResponse {
            results: sent
                .iter()
                .map(|i| SyncResult {
                    id: i.id.clone(),
                    outcome: SyncOutcome::Accepted,
                    dossier_code: None,
                    error: None,
                })
                .collect(),
            server_time: server.map(rfc3339_vn),
        };
        s.apply_results(&sent, &response, local()).unwrap();
    }

    fn ids(s: &Store) -> Vec<String> {
        let mut v: Vec<String> = s
            .dossier_rows(None)
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        v.sort();
        v
    }

    fn count_of(s: &Store, sql: &str) -> i64 {
        s.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    const KEEP: Retention = Retention {
        keep_days: 30,
        audit_days: 1095,
    };

    #[test]
    fn an_old_confirmed_dossier_goes_and_recent_draft_pending_and_parked_ones_stay() {
        let (_d, mut s) = store();
        // "old": finalized and confirmed by the server on day 0.
        s.finalize(&dossier("old"), Some("U"), "canbo01", local())
            .unwrap();
        confirm_all(&mut s, Some(day(0)));
        assert_eq!(
            s.server_time().unwrap(),
            Some(day(0)),
            "the server's time is kept"
        );
        // "edited": confirmed on day 0, but a draft of its next revision is open.
        s.finalize(&dossier("edited"), Some("U"), "canbo01", local())
            .unwrap();
        confirm_all(&mut s, Some(day(0)));
        let mut edit = s.dossier("edited").unwrap().0.unwrap();
        edit.summary = "Bổ sung".into();
        s.save_draft(&edit, false, local()).unwrap();
        // "recent": confirmed on day 20.
        s.finalize(&dossier("recent"), Some("U"), "canbo01", local())
            .unwrap();
        confirm_all(&mut s, Some(day(20)));
        // "unknown": confirmed by a server that did not say when.
        s.finalize(&dossier("unknown"), Some("U"), "canbo01", local())
            .unwrap();
        confirm_all(&mut s, None);
        // "parked": refused by the server.
        s.finalize(&dossier("parked"), Some("U"), "canbo01", local())
            .unwrap();
        let sent = s.next_batch(10, local()).unwrap().items;
        let refused = SyncResponse {
            results: vec![SyncResult {
                id: sent[0].id.clone(),
                outcome: SyncOutcome::Rejected,
                dossier_code: None,
                error: None,
            }],
            server_time: Some(rfc3339_vn(day(0))),
        };
        s.apply_results(&sent, &refused, local()).unwrap();
        // "pending": never sent; "draft": never finalized.
        s.finalize(&dossier("pending"), Some("U"), "canbo01", local())
            .unwrap();
        s.save_draft(&dossier("draft"), false, local()).unwrap();
        // A lookup answered long ago, queued for no dossier.
        s.record_lookup(&lookup("001200017187"), local()).unwrap();

        let report = s.purge(day(40), &KEEP, "canbo01").unwrap();
        assert_eq!((report.dossiers, report.revisions), (1, 1));
        assert_eq!(
            ids(&s),
            ["draft", "edited", "parked", "pending", "recent", "unknown"]
        );
        assert_eq!(
            count_of(&s, "SELECT count(*) FROM outbox WHERE dossier_id = 'old'"),
            0
        );
        assert_eq!(
            count_of(
                &s,
                "SELECT count(*) FROM dossier_revision WHERE dossier_id = 'old'"
            ),
            0
        );
        // The purge is itself in the audit log, and the log still verifies.
        let record = report.record.clone().unwrap();
        let entries = s.audit_entries(None, 100).unwrap();
        let logged = entries.iter().find(|e| e.id == record).unwrap();
        assert_eq!(logged.action, PURGE_ACTION);
        assert_eq!(logged.detail["dossiers"], 1);
        assert_eq!(s.verify_audit_chain().unwrap().first_broken, None);
        assert_eq!(s.last_purge().unwrap(), Some(report));

        // Day 51: "recent" is 31 days past its confirmation, and goes too.
        let report = s.purge(day(51), &KEEP, "canbo01").unwrap();
        assert_eq!(report.dossiers, 1);
        assert!(!ids(&s).contains(&"recent".to_owned()));
    }

    #[test]
    fn only_the_server_time_counts_never_the_local_clock() {
        let (_d, mut s) = store();
        s.finalize(&dossier("a"), Some("U"), "canbo01", local())
            .unwrap();
        // The desk's clock is ten years ahead when the server confirms on day 0.
        let sent = s.next_batch(10, day(3650)).unwrap().items;
        let response = SyncResponse {
            results: vec![SyncResult {
                id: sent[0].id.clone(),
                outcome: SyncOutcome::Accepted,
                dossier_code: None,
                error: None,
            }],
            server_time: Some(rfc3339_vn(day(0))),
        };
        s.apply_results(&sent, &response, day(3650)).unwrap();
        let confirmed: String = s
            .conn
            .query_row("SELECT confirmed_at FROM dossier WHERE id = 'a'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(confirmed, rfc3339_vn(day(0)), "the server's time, not ours");
        // A purge at the server's time of day 10 removes nothing, whatever our clock.
        let report = s.purge(day(10), &KEEP, "canbo01").unwrap();
        assert!(!report.removed_anything());
        assert_eq!(ids(&s), ["a"]);
        // The next purge is due a day later, by the server's clock too.
        assert!(!s.purge_due(day(10), Duration::from_hours(24)).unwrap());
        assert!(s.purge_due(day(11), Duration::from_hours(24)).unwrap());
    }

    #[test]
    fn answered_checks_go_after_their_answer_and_pending_ones_stay() {
        let (_d, mut s) = store();
        let request = crate::api::LookupRequest {
            document_type: crate::api::DocumentType::Cccd,
            document_number: "079192019782".into(),
            full_name: "Lê Thị Thu Hà".into(),
            birth_date: "1992-05-14".into(),
            procedure_code: "1.001776".into(),
            dossier_code: None,
        };
        let mut a = lookup("079192019782");
        a.outcome = "queued".into();
        s.queue_check(&a, "owner", &request, local()).unwrap();
        s.queue_check(&a, "owner", &request, local()).unwrap();
        confirm_all(&mut s, Some(day(0)));
        let checks: Vec<String> = s
            .conn
            .prepare("SELECT id FROM population_check ORDER BY rowid")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        // The first is answered on day 5 (the server's time of the answer).
        let page = crate::api::ChangePage {
            changes: vec![crate::api::Change {
                seq: 1,
                at: rfc3339_vn(day(5)),
                kind: crate::api::ChangeKind::VerificationResult {
                    lookup_id: checks[0].clone(),
                    id_number: "079192019782".into(),
                    exists: true,
                },
            }],
            next_cursor: "1".into(),
            has_more: false,
        };
        s.apply_changes(&page, local()).unwrap();
        // Day 32: the answer is 27 days old: kept.
        assert_eq!(s.purge(day(32), &KEEP, "canbo01").unwrap().checks, 0);
        // Day 36: gone, with its synced outbox item; the unanswered one stays.
        let report = s.purge(day(36), &KEEP, "canbo01").unwrap();
        assert_eq!((report.checks, report.outbox), (1, 1));
        assert_eq!(
            count_of(&s, "SELECT count(*) FROM population_check"),
            1,
            "the pending check is kept"
        );
        let left: String = s
            .conn
            .query_row("SELECT id FROM population_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, checks[1]);
    }

    fn guards(s: &Store) -> Vec<(String, String)> {
        s.conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn old_audit_records_go_from_a_checkpoint_and_the_chain_still_verifies() {
        let (_d, mut s) = store();
        // Five records on day 0, confirmed by the server on day 0; two on day 1000.
        for i in 0..5 {
            s.record_lookup(&lookup(&format!("07919201978{i}")), local())
                .unwrap();
        }
        confirm_all(&mut s, Some(day(0)));
        for i in 5..7 {
            s.record_lookup(&lookup(&format!("07919201978{i}")), day(1000))
                .unwrap();
        }
        confirm_all(&mut s, Some(day(1000)));
        // One more, never sent: it is not removed whatever its age.
        s.record_lookup(&lookup("001200017187"), local()).unwrap();
        let before = guards(&s);

        let report = s.purge(day(1100), &KEEP, "canbo01").unwrap();
        assert_eq!(report.audit, 5);
        let cp = report.checkpoint.clone().unwrap();
        assert_eq!(cp.seq, 5);
        assert_eq!(guards(&s), before, "the triggers are back, as they were");
        assert!(s.conn.execute("DELETE FROM audit", []).is_err());
        assert!(s.conn.execute("DELETE FROM audit_chain", []).is_err());
        assert!(
            s.conn
                .execute("DELETE FROM audit_chain_checkpoint", [])
                .is_err()
        );
        // 2 kept + the unsent one + the purge's own record.
        assert_eq!(s.audit_count().unwrap(), 4);
        let r = s.verify_audit_chain().unwrap();
        assert_eq!((r.links, r.first_broken), (4, None));
        assert_eq!(r.checkpoint, Some(cp.clone()));
        // The purge record was chained after the last remaining link.
        let last: (i64, String) = s
            .conn
            .query_row(
                "SELECT seq, audit_id FROM audit_chain ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(last, (9, report.record.clone().unwrap()));

        // Tampering after the purge is still caught: the first link after the
        // checkpoint removed (with its record) …
        s.conn
            .execute_batch(
                "DROP TRIGGER audit_append_only_delete; DROP TRIGGER audit_chain_append_only_delete;
                 DROP TRIGGER audit_chain_checkpoint_delete;",
            )
            .unwrap();
        let sixth: String = s
            .conn
            .query_row("SELECT audit_id FROM audit_chain WHERE seq = 6", [], |r| {
                r.get(0)
            })
            .unwrap();
        s.conn
            .execute("DELETE FROM audit WHERE id = ?1", [&sixth])
            .unwrap();
        s.conn
            .execute("DELETE FROM audit_chain WHERE seq = 6", [])
            .unwrap();
        let b = s.verify_audit_chain().unwrap().first_broken.unwrap();
        assert_eq!((b.seq, b.problem), (Some(7), Break::Relinked));
        // … and hiding that by moving the checkpoint over it is caught too: the last
        // purge record names the old one. (The removed sixth link's hash is the seventh
        // link's prev_hash.)
        let hash6: String = s
            .conn
            .query_row("SELECT prev_hash FROM audit_chain WHERE seq = 7", [], |r| {
                r.get(0)
            })
            .unwrap();
        s.conn
            .execute(
                "INSERT INTO audit_chain_checkpoint (seq, hash, at) VALUES (6, ?1, 'x')",
                [&hash6],
            )
            .unwrap();
        let b = s.verify_audit_chain().unwrap().first_broken.unwrap();
        assert_eq!((b.seq, b.problem), (Some(6), Break::Checkpoint));
        assert_eq!(b.audit_id, report.record.unwrap());
    }

    #[test]
    fn a_broken_chain_is_not_purged_over() {
        let (_d, mut s) = store();
        for i in 0..3 {
            s.record_lookup(&lookup(&format!("07919201978{i}")), local())
                .unwrap();
        }
        confirm_all(&mut s, Some(day(0)));
        s.conn
            .execute_batch("DROP TRIGGER audit_append_only_update;")
            .unwrap();
        s.conn
            .execute("UPDATE audit SET official = 'x' WHERE rowid = 2", [])
            .unwrap();
        let report = s.purge(day(2000), &KEEP, "canbo01").unwrap();
        assert_eq!(report.audit, 0);
        assert_eq!(report.audit_skipped.as_deref(), Some("Changed"));
        assert_eq!(
            s.verify_audit_chain()
                .unwrap()
                .first_broken
                .unwrap()
                .problem,
            Break::Changed,
            "still reported"
        );
    }
}
