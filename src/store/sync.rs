//! The outbox as the sync worker sees it: the next batch to send, the server's per-item
//! results applied in one transaction, the changes feed applied with its cursor in the
//! same transaction, and what the status bar, the sync screen and `motcua sync` show.
//!
//! Items go out in the order they were written (`rowid`), never in id order: ids are
//! UUIDv7 minted from a clock that may be wrong, the insertion order is not.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::api::{
    AuditRecord, ChangeKind, ChangePage, QueuedCheck, SyncItem, SyncKind, SyncOutcome, SyncResponse,
};
use crate::clock::rfc3339_vn;
use crate::dossier::Dossier;
use crate::dossier::population::{CheckMark, CheckMarkState};

/// Migration 5: per-item failure counts and sync times; the queue's order by rowid.
pub(super) const MIGRATION: &str = "
    ALTER TABLE outbox ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE outbox ADD COLUMN synced_at TEXT;
    CREATE INDEX outbox_state ON outbox (state);
";

/// `meta` key: the changes feed's cursor.
pub const META_CHANGES_CURSOR: &str = "sync.changes_cursor";
/// `meta` key: when the last sync that reached the end of the queue finished (RFC 3339).
pub const META_LAST_SYNC: &str = "sync.last_ok";

/// An item answered `retry` (or not answered) this many times is parked: it would
/// otherwise hold the queue's head for ever.
pub const MAX_ITEM_FAILURES: u32 = 12;

/// Where an outbox item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    Pending,
    Synced,
    Parked,
}

impl ItemState {
    fn parse(s: &str) -> Self {
        match s {
            "synced" => ItemState::Synced,
            "parked" => ItemState::Parked,
            _ => ItemState::Pending,
        }
    }
}

/// One outbox item, as the sync screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: String,
    pub kind: SyncKind,
    pub state: ItemState,
    /// Sends that reached the server, or failed on the way.
    pub tries: u32,
    pub last_error: Option<String>,
    /// The dossier's code now (final once synced), for a dossier item.
    pub dossier_code: Option<String>,
    pub revision: Option<u32>,
    /// The citizen's number, for an audit record or a queued check.
    pub citizen: Option<String>,
    /// The audit action, for an audit record.
    pub action: Option<String>,
    pub created_at: String,
    pub synced_at: Option<String>,
}

/// The queue in numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncSummary {
    pub pending: usize,
    pub parked: usize,
    pub synced: usize,
    /// When the last sync reached the end of the queue (RFC 3339).
    pub last_sync: Option<String>,
}

/// A batch ready to send.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    pub items: Vec<SyncItem>,
    /// Items whose stored payload could not be read: parked, with the reason.
    pub parked: usize,
}

/// What applying a batch's results did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    pub synced: usize,
    pub parked: usize,
    /// Answered `retry`, or not answered at all: still pending.
    pub failed: usize,
    /// `(dossier id, final code)` for each provisional code replaced.
    pub codes: Vec<(String, String)>,
}

/// What applying a page of the changes feed did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangesApplied {
    pub applied: usize,
    /// `(dossier id, status)` for each status change of a dossier kept here.
    pub statuses: Vec<(String, u8)>,
    /// Queued checks answered: `(dossier id, role, found)`.
    pub answers: Vec<CheckAnswer>,
    pub catalogue: bool,
    pub holidays: bool,
}

/// A queued population check, answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckAnswer {
    pub check_id: String,
    /// When the server answered (RFC 3339).
    pub at: String,
    pub dossier_id: Option<String>,
    pub role: String,
    pub found: bool,
}

/// One day's dossiers as this store has them, for `motcua sync verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayIds {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Finalized dossiers received that day, sorted.
    pub ids: Vec<String>,
    /// Those whose latest revision is not confirmed by the server yet.
    pub unconfirmed: Vec<String>,
}

fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

fn error_text(outcome: SyncOutcome, e: Option<&crate::api::ApiError>) -> String {
    match e {
        Some(e) => {
            let fields: Vec<String> = e
                .fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect();
            let code = serde_json::to_value(e.code)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            if fields.is_empty() {
                format!("{code}: {}", e.message)
            } else {
                format!("{code}: {} ({})", e.message, fields.join("; "))
            }
        }
        None => format!("{outcome:?}"),
    }
}

/// The server time of an answer, checked to be one and written the store's way; `None`
/// when absent or unreadable (a row confirmed without a time is never purged for it).
fn server_time(response: &SyncResponse) -> Option<String> {
    let t = response.server_time.as_deref()?.trim();
    match t.parse::<Timestamp>() {
        Ok(ts) => Some(rfc3339_vn(ts)),
        Err(e) => {
            tracing::warn!(error = %e, "the server's time cannot be read: not kept");
            None
        }
    }
}

/// The wire item of one outbox row.
fn wire_item(id: &str, kind: &str, key: &str, payload: &str) -> Result<SyncItem, String> {
    let kind = SyncKind::parse(kind).ok_or_else(|| format!("unknown kind {kind:?}"))?;
    let bad = |e: serde_json::Error| format!("payload: {e}");
    let mut item = match kind {
        SyncKind::Dossier => serde_json::from_str::<SyncItem>(payload).map_err(bad)?,
        SyncKind::Audit => SyncItem {
            id: String::new(),
            idempotency_key: String::new(),
            kind,
            revision: None,
            audit: Some(serde_json::from_str::<AuditRecord>(payload).map_err(bad)?),
            check: None,
        },
        SyncKind::PopulationCheck => SyncItem {
            id: String::new(),
            idempotency_key: String::new(),
            kind,
            revision: None,
            audit: None,
            check: Some(serde_json::from_str::<QueuedCheck>(payload).map_err(bad)?),
        },
    };
    if kind == SyncKind::Dossier && item.revision.is_none() {
        return Err("payload: no revision".into());
    }
    id.clone_into(&mut item.id);
    key.clone_into(&mut item.idempotency_key);
    item.kind = kind;
    Ok(item)
}

impl Store {
    /// The next `limit` pending items, oldest first. A row whose payload cannot be read
    /// is parked with the reason (it could never be sent) and the batch goes on.
    pub fn next_batch(&mut self, limit: usize, now: Timestamp) -> Result<Batch, StoreError> {
        let mut batch = Batch::default();
        loop {
            let rows: Vec<(String, String, String, String)> = {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT id, kind, idempotency_key, payload FROM outbox
                     WHERE state = 'pending' ORDER BY rowid LIMIT ?1",
                )?;
                stmt.query_map(params![i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect::<Result<_, _>>()?
            };
            let mut broken = Vec::new();
            for (id, kind, key, payload) in rows {
                match wire_item(&id, &kind, &key, &payload) {
                    Ok(item) => batch.items.push(item),
                    Err(e) => broken.push((id, e)),
                }
            }
            if broken.is_empty() {
                return Ok(batch);
            }
            let at = rfc3339_vn(now);
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            for (id, e) in &broken {
                tracing::error!(item = %id, error = %e, "an outbox item cannot be read: parked");
                tx.execute(
                    "UPDATE outbox SET state = 'parked', last_error = ?2, updated_at = ?3
                     WHERE id = ?1",
                    params![id, format!("LOCAL_UNREADABLE: {e}"), at],
                )?;
            }
            tx.commit()?;
            batch.parked += broken.len();
            batch.items.clear();
        }
    }

    /// Applies the server's answer to a batch, in one transaction: each sent item is
    /// synced (accepted or duplicate: its final code replaces a provisional one), parked
    /// (rejected, with the reason) or left pending with one more failure (retry, or no
    /// result for it). An item failing [`MAX_ITEM_FAILURES`] times is parked.
    pub fn apply_results(
        &mut self,
        sent: &[SyncItem],
        response: &SyncResponse,
        now: Timestamp,
    ) -> Result<Applied, StoreError> {
        let at = rfc3339_vn(now);
        // When the server confirmed the items, by its own clock (never ours): what the
        // retention periods count from. `None` from a server that does not say.
        let confirmed = server_time(response);
        let mut applied = Applied::default();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(t) = &confirmed {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![super::retention::META_SERVER_TIME, t],
            )?;
        }
        for item in sent {
            let result = response.results.iter().find(|r| r.id == item.id);
            match result.map(|r| (r.outcome, r)) {
                Some((SyncOutcome::Accepted | SyncOutcome::Duplicate, r)) => {
                    // Another pass (a `motcua sync` beside the app) may have settled it.
                    let settled = tx.execute(
                        "UPDATE outbox SET state = 'synced', tries = tries + 1, last_error = NULL,
                             synced_at = ?2, updated_at = ?2, confirmed_at = ?3
                         WHERE id = ?1 AND state = 'pending'",
                        params![item.id, at, confirmed],
                    )?;
                    applied.synced += settled;
                    if settled > 0 {
                        super::retention::note_confirmed(&tx, item, confirmed.as_deref())?;
                    }
                    if let (Some(rev), Some(code)) = (&item.revision, &r.dossier_code)
                        && let Some(code) = replace_code(&tx, &rev.dossier_id, code, &at)?
                    {
                        applied.codes.push((rev.dossier_id.clone(), code));
                    }
                }
                Some((SyncOutcome::Rejected, r)) => {
                    applied.parked += tx.execute(
                        "UPDATE outbox SET state = 'parked', tries = tries + 1, last_error = ?2,
                             updated_at = ?3
                         WHERE id = ?1 AND state = 'pending'",
                        params![item.id, error_text(r.outcome, r.error.as_ref()), at],
                    )?;
                }
                other => {
                    let reason = match other {
                        Some((outcome, r)) => error_text(outcome, r.error.as_ref()),
                        None => "NO_RESULT: the server did not answer for this item".to_owned(),
                    };
                    let failures: Option<i64> = tx
                        .query_row(
                            "UPDATE outbox SET tries = tries + 1, failures = failures + 1,
                                 last_error = ?2, updated_at = ?3
                             WHERE id = ?1 AND state = 'pending' RETURNING failures",
                            params![item.id, reason, at],
                            |r| r.get(0),
                        )
                        .optional()?;
                    let Some(failures) = failures else {
                        // Settled meanwhile by another pass: nothing to count.
                        continue;
                    };
                    if failures >= i64::from(MAX_ITEM_FAILURES) {
                        tx.execute(
                            "UPDATE outbox SET state = 'parked' WHERE id = ?1",
                            params![item.id],
                        )?;
                        applied.parked += 1;
                    } else {
                        applied.failed += 1;
                    }
                }
            }
        }
        tx.commit()?;
        Ok(applied)
    }

    /// Notes a send that failed as a whole (offline, timeout, 5xx, 429, garbage): each
    /// item has one more try and the reason; none is parked for it.
    pub fn note_send_failure(
        &mut self,
        sent: &[SyncItem],
        reason: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let at = rfc3339_vn(now);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for item in sent {
            tx.execute(
                "UPDATE outbox SET tries = tries + 1, last_error = ?2, updated_at = ?3
                 WHERE id = ?1 AND state = 'pending'",
                params![item.id, reason, at],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Puts a parked item back in the queue (after the official fixed what was wrong).
    /// Returns whether it was parked.
    pub fn requeue(&mut self, id: &str, now: Timestamp) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE outbox SET state = 'pending', failures = 0, updated_at = ?2
             WHERE id = ?1 AND state = 'parked'",
            params![id, rfc3339_vn(now)],
        )?;
        Ok(n > 0)
    }

    /// Puts every parked item back in the queue; returns how many.
    pub fn requeue_all(&mut self, now: Timestamp) -> Result<usize, StoreError> {
        Ok(self.conn.execute(
            "UPDATE outbox SET state = 'pending', failures = 0, updated_at = ?1
             WHERE state = 'parked'",
            params![rfc3339_vn(now)],
        )?)
    }

    /// Records that a sync reached the end of the queue.
    pub fn mark_synced_at(&mut self, now: Timestamp) -> Result<(), StoreError> {
        self.set_meta(META_LAST_SYNC, &rfc3339_vn(now))
    }

    /// The queue in numbers.
    pub fn sync_summary(&self) -> Result<SyncSummary, StoreError> {
        let mut s = SyncSummary::default();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT state, count(*) FROM outbox GROUP BY state")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (state, n) = row?;
            match ItemState::parse(&state) {
                ItemState::Pending => s.pending = count(n),
                ItemState::Synced => s.synced = count(n),
                ItemState::Parked => s.parked = count(n),
            }
        }
        s.last_sync = self.meta(META_LAST_SYNC)?;
        Ok(s)
    }

    /// Outbox items for the sync screen: parked first, then pending (oldest first), then
    /// the most recently synced, at most `limit`.
    pub fn outbox_entries(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT o.id, o.kind, o.state, o.tries, o.last_error, d.code, o.revision,
                    o.payload, o.created_at, o.synced_at
             FROM outbox o LEFT JOIN dossier d ON d.id = o.dossier_id
             ORDER BY CASE o.state WHEN 'parked' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END,
                      CASE o.state WHEN 'synced' THEN -o.rowid ELSE o.rowid END
             LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<i64>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, Option<String>>(9)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, state, tries, last_error, code, revision, payload, created, synced) =
                row?;
            let kind = SyncKind::parse(&kind).unwrap_or_default();
            let value: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
            let text = |v: Option<&serde_json::Value>| {
                v.and_then(serde_json::Value::as_str).map(str::to_owned)
            };
            let (citizen, action) = match kind {
                SyncKind::Dossier => (None, None),
                SyncKind::Audit => (text(value.get("citizen")), text(value.get("action"))),
                SyncKind::PopulationCheck => (
                    text(value.pointer("/request/document_number")),
                    Some("population.queued_lookup".to_owned()),
                ),
            };
            out.push(OutboxEntry {
                id,
                kind,
                state: ItemState::parse(&state),
                tries: u32::try_from(tries).unwrap_or(0),
                last_error,
                dossier_code: code,
                revision: revision.and_then(|r| u32::try_from(r).ok()),
                citizen,
                action,
                created_at: created,
                synced_at: synced,
            });
        }
        Ok(out)
    }

    /// The changes feed's cursor (empty before the first pull).
    pub fn changes_cursor(&self) -> Result<String, StoreError> {
        Ok(self.meta(META_CHANGES_CURSOR)?.unwrap_or_default())
    }

    /// Applies one page of the changes feed and saves its cursor, in one transaction:
    /// a dossier's new status, the answer to a queued check (on the check, and on the
    /// dossier's mark), and which reference tables must be fetched again.
    pub fn apply_changes(
        &mut self,
        page: &ChangePage,
        now: Timestamp,
    ) -> Result<ChangesApplied, StoreError> {
        let at = rfc3339_vn(now);
        let mut out = ChangesApplied::default();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for change in &page.changes {
            out.applied += 1;
            match &change.kind {
                ChangeKind::DossierStatus {
                    dossier_id,
                    dossier_code,
                    status,
                } => {
                    let known: Option<i64> = tx
                        .query_row(
                            "SELECT status FROM dossier WHERE id = ?1 AND revision > 0",
                            params![dossier_id],
                            |r| r.get(0),
                        )
                        .optional()?;
                    if known.is_some() {
                        replace_code(&tx, dossier_id, dossier_code, &at)?;
                        edit_body(&tx, dossier_id, |d| d.status = *status)?;
                        tx.execute(
                            "UPDATE dossier SET status = ?2 WHERE id = ?1",
                            params![dossier_id, status],
                        )?;
                        out.statuses.push((dossier_id.clone(), *status));
                    }
                }
                ChangeKind::VerificationResult {
                    lookup_id, exists, ..
                } => {
                    let check: Option<(Option<String>, String)> = tx
                        .query_row(
                            "UPDATE population_check SET state = 'answered', result = ?2,
                                 answered_at = ?3, confirmed_at = ?4
                             WHERE id = ?1 AND state = 'pending'
                             RETURNING dossier_id, role",
                            params![
                                lookup_id,
                                serde_json::json!({ "exists": exists }).to_string(),
                                at,
                                // The answer is cached from when the server gave it (its
                                // clock): the retention period counts from then.
                                change.at.parse::<Timestamp>().ok().map(rfc3339_vn),
                            ],
                            |r| Ok((r.get(0)?, r.get(1)?)),
                        )
                        .optional()?;
                    if let Some((dossier_id, role)) = check {
                        if let Some(id) = &dossier_id {
                            mark_answer(&tx, id, &role, *exists, &change.at)?;
                        }
                        out.answers.push(CheckAnswer {
                            check_id: lookup_id.clone(),
                            at: change.at.clone(),
                            dossier_id,
                            role,
                            found: *exists,
                        });
                    }
                }
                ChangeKind::Catalogue { .. } => out.catalogue = true,
                ChangeKind::Holidays { .. } => out.holidays = true,
            }
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![META_CHANGES_CURSOR, page.next_cursor],
        )?;
        tx.commit()?;
        Ok(out)
    }

    /// Finalized dossiers per received day, with those the server has not confirmed.
    pub fn dossier_days(&self) -> Result<Vec<DayIds>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.received_day, d.id,
                    NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dossier_id = d.id
                                AND o.revision = d.revision AND o.state = 'synced')
             FROM dossier d WHERE d.revision > 0
             ORDER BY d.received_day, d.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })?;
        let mut out: Vec<DayIds> = Vec::new();
        for row in rows {
            let (day, id, unconfirmed) = row?;
            if out.last().is_none_or(|d| d.day != day) {
                out.push(DayIds {
                    day: day.clone(),
                    ids: Vec::new(),
                    unconfirmed: Vec::new(),
                });
            }
            if let Some(d) = out.last_mut() {
                if unconfirmed {
                    d.unconfirmed.push(id.clone());
                }
                d.ids.push(id);
            }
        }
        Ok(out)
    }
}

/// Reads a dossier's latest body and draft, changes both the same way, writes them back.
/// A body that cannot be read is left alone (and logged).
fn edit_body(
    tx: &rusqlite::Transaction<'_>,
    dossier_id: &str,
    edit: impl Fn(&mut Dossier),
) -> Result<(), StoreError> {
    let (body, draft): (Option<String>, Option<String>) = tx.query_row(
        "SELECT body, draft FROM dossier WHERE id = ?1",
        params![dossier_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let change = |text: Option<String>| -> Option<String> {
        let mut d: Dossier = match serde_json::from_str(text.as_deref()?) {
            Ok(d) => d,
            Err(e) => {
                tracing::error!(dossier = %dossier_id, error = %e, "a dossier body cannot be read");
                return text;
            }
        };
        edit(&mut d);
        serde_json::to_string(&d).ok().or(text)
    };
    tx.execute(
        "UPDATE dossier SET body = ?2, draft = ?3 WHERE id = ?1",
        params![dossier_id, change(body), change(draft)],
    )?;
    Ok(())
}

/// Puts the server's final code on a dossier whose code is provisional (its row, its
/// latest body and its draft). Returns the code put, cleaned, when it changed. A code
/// another dossier here already has is not taken (logged): the provisional one stays.
fn replace_code(
    tx: &rusqlite::Transaction<'_>,
    dossier_id: &str,
    code: &str,
    at: &str,
) -> Result<Option<String>, StoreError> {
    // The server's code is outside text: cleaned before it is stored or shown (it is
    // printed on the receipt, whose HTML keeps bidi controls).
    let code = crate::text::sanitize(code).0;
    let current: Option<(Option<String>, bool)> = tx
        .query_row(
            "SELECT code, code_provisional FROM dossier WHERE id = ?1",
            params![dossier_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((old, provisional)) = current else {
        return Ok(None);
    };
    if old.as_deref() == Some(code.as_str()) && !provisional {
        return Ok(None);
    }
    let clash: Option<String> = tx
        .query_row(
            "SELECT id FROM dossier WHERE code = ?1 AND id <> ?2",
            params![code, dossier_id],
            |r| r.get(0),
        )
        .optional()?;
    if clash.is_some() {
        tracing::error!(dossier = %dossier_id, "the server's code is another local dossier's");
        return Ok(None);
    }
    tx.execute(
        "UPDATE dossier SET code = ?2, code_provisional = 0, updated_at = ?3 WHERE id = ?1",
        params![dossier_id, code, at],
    )?;
    edit_body(tx, dossier_id, |d| {
        d.code = Some(code.clone());
        d.code_provisional = false;
    })?;
    Ok(Some(code))
}

/// Writes a queued check's answer on the dossier's mark for that person block.
fn mark_answer(
    tx: &rusqlite::Transaction<'_>,
    dossier_id: &str,
    role: &str,
    found: bool,
    at: &str,
) -> Result<(), StoreError> {
    let Ok(role) = serde_json::from_value::<crate::dossier::Role>(serde_json::json!(role)) else {
        return Ok(());
    };
    let exists: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM dossier WHERE id = ?1",
            params![dossier_id],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_none() {
        return Ok(());
    }
    edit_body(tx, dossier_id, |d| {
        // A check done online since then is newer than the queued one's answer.
        if d.population_checks
            .get(&role)
            .is_some_and(|m| m.state != CheckMarkState::Pending)
        {
            return;
        }
        d.population_checks.insert(
            role,
            CheckMark {
                state: if found {
                    CheckMarkState::Found
                } else {
                    CheckMarkState::NotFound
                },
                at: at.to_owned(),
            },
        );
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ApiError, Change, ErrorCode, SyncResult};
    use std::time::Duration;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(
            &dir.path().join("s.sqlite3"),
            &crate::store::test_key(),
            Duration::from_secs(1),
        )
        .unwrap();
        (dir, s)
    }

    fn t() -> Timestamp {
        Timestamp::from_second(1_700_000_000).unwrap()
    }

    fn audit_payload(id: &str) -> String {
        serde_json::json!({
            "id": id,
            "at": "2026-11-23T09:20:00+07:00",
            "official": "demo",
            "action": "population.lookup",
            "citizen": "079192019782",
            "detail": {"outcome": "found"},
        })
        .to_string()
    }

    fn insert(s: &Store, id: &str, kind: &str, payload: &str) {
        s.conn
            .execute(
                "INSERT INTO outbox (id, kind, idempotency_key, payload, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'x', 'x')",
                params![id, kind, format!("key/{id}"), payload],
            )
            .unwrap();
    }

    /// `(state, last_error, tries, failures)` of an outbox row.
    fn row(s: &Store, id: &str) -> (String, Option<String>, i64, i64) {
        s.conn
            .query_row(
                "SELECT state, last_error, tries, failures FROM outbox WHERE id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap()
    }

    fn ids(b: &Batch) -> Vec<&str> {
        b.items.iter().map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn items_go_out_in_write_order_not_in_id_order() {
        let (_d, mut s) = store();
        for id in ["zz", "aa", "mm"] {
            insert(&s, id, "audit", &audit_payload(&format!("record-{id}")));
        }
        let b = s.next_batch(10, t()).unwrap();
        assert_eq!(ids(&b), ["zz", "aa", "mm"]);
        assert_eq!(b.parked, 0);
        let first = &b.items[0];
        assert_eq!(first.kind, SyncKind::Audit);
        assert_eq!(first.idempotency_key, "key/zz");
        assert_eq!(first.audit.as_ref().unwrap().id, "record-zz");
        assert!(first.revision.is_none() && first.check.is_none());
        assert_eq!(ids(&s.next_batch(2, t()).unwrap()), ["zz", "aa"]);
    }

    #[test]
    fn an_unreadable_row_is_parked_and_the_batch_goes_on() {
        let (_d, mut s) = store();
        insert(&s, "a", "audit", &audit_payload("ra"));
        insert(&s, "b", "audit", "{not json");
        insert(&s, "c", "mystery", &audit_payload("rc"));
        insert(&s, "d", "audit", &audit_payload("rd"));
        // A dossier item must carry a revision.
        insert(
            &s,
            "e",
            "dossier",
            r#"{"id": "e", "idempotency_key": "k", "kind": "dossier"}"#,
        );
        insert(&s, "f", "audit", &audit_payload("rf"));
        let b = s.next_batch(3, t()).unwrap();
        assert_eq!(ids(&b), ["a", "d", "f"], "the batch is filled past them");
        assert_eq!(b.parked, 3);
        for (id, why) in [
            ("b", "payload: "),
            ("c", "unknown kind"),
            ("e", "no revision"),
        ] {
            let (state, error, tries, _) = row(&s, id);
            assert_eq!(state, "parked", "{id}");
            let error = error.unwrap();
            assert!(
                error.starts_with("LOCAL_UNREADABLE: ") && error.contains(why),
                "{id}: {error}"
            );
            assert_eq!(tries, 0, "never sent");
        }
        let summary = s.sync_summary().unwrap();
        assert_eq!((summary.pending, summary.parked), (3, 3));
        // Parked once: the next batch does not see them again.
        let again = s.next_batch(10, t()).unwrap();
        assert_eq!((ids(&again), again.parked), (vec!["a", "d", "f"], 0));
    }

    #[test]
    fn retry_and_missing_results_count_failures_until_the_item_is_parked() {
        let (_d, mut s) = store();
        insert(&s, "a", "audit", &audit_payload("ra"));
        insert(&s, "b", "audit", &audit_payload("rb"));
        insert(&s, "c", "audit", &audit_payload("rc"));
        let sent = s.next_batch(10, t()).unwrap().items;
        let response = SyncResponse {
            results: vec![
                SyncResult {
                    id: "a".into(),
                    outcome: SyncOutcome::Retry,
                    dossier_code: None,
                    error: Some(ApiError {
                        code: ErrorCode::Internal,
                        message: "Lỗi hệ thống, gửi lại sau.".into(),
                        retryable: true,
                        fields: Vec::new(),
                    }),
                },
                // No result for "b"; one for an item that was not sent.
                SyncResult {
                    id: "zz".into(),
                    outcome: SyncOutcome::Accepted,
                    dossier_code: None,
                    error: None,
                },
                SyncResult {
                    id: "c".into(),
                    outcome: SyncOutcome::Duplicate,
                    dossier_code: None,
                    error: None,
                },
            ],
            ..SyncResponse::default()
        };
        let applied = s.apply_results(&sent, &response, t()).unwrap();
        assert_eq!((applied.synced, applied.failed, applied.parked), (1, 2, 0));
        assert_eq!(
            row(&s, "a"),
            (
                "pending".into(),
                Some("INTERNAL: Lỗi hệ thống, gửi lại sau.".into()),
                1,
                1
            )
        );
        let (state, error, tries, failures) = row(&s, "b");
        assert_eq!((state.as_str(), tries, failures), ("pending", 1, 1));
        assert!(error.unwrap().starts_with("NO_RESULT"));
        assert_eq!(row(&s, "c").0, "synced");

        for n in 2..=MAX_ITEM_FAILURES {
            let batch = s.next_batch(10, t()).unwrap();
            assert_eq!(ids(&batch), ["a", "b"]);
            let applied = s
                .apply_results(&batch.items, &SyncResponse::default(), t())
                .unwrap();
            if n < MAX_ITEM_FAILURES {
                assert_eq!((applied.failed, applied.parked), (2, 0), "{n}");
            } else {
                assert_eq!((applied.failed, applied.parked), (0, 2));
            }
        }
        assert_eq!(row(&s, "a").0, "parked");
        assert!(s.next_batch(10, t()).unwrap().items.is_empty());
        // Put back: the count starts again.
        assert_eq!(s.requeue_all(t()).unwrap(), 2);
        let (state, _, tries, failures) = row(&s, "b");
        assert_eq!(
            (state.as_str(), tries, failures),
            ("pending", i64::from(MAX_ITEM_FAILURES), 0)
        );
    }

    #[test]
    fn a_second_pass_answering_items_already_settled_changes_and_counts_nothing() {
        // The app's worker and a `motcua sync` beside it may send the same batch.
        let (_d, mut s) = store();
        insert(&s, "a", "audit", &audit_payload("ra"));
        insert(&s, "b", "audit", &audit_payload("rb"));
        let sent = s.next_batch(10, t()).unwrap().items;
        let result = |id: &str, outcome| SyncResult {
            id: id.into(),
            outcome,
            dossier_code: None,
            error: None,
        };
        let first = SyncResponse {
            results: vec![
                result("a", SyncOutcome::Accepted),
                result("b", SyncOutcome::Rejected),
            ],
            ..SyncResponse::default()
        };
        let applied = s.apply_results(&sent, &first, t()).unwrap();
        assert_eq!((applied.synced, applied.parked), (1, 1));
        // The late answers of the other pass: a retry, a duplicate, nothing at all.
        let late = SyncResponse {
            results: vec![result("a", SyncOutcome::Retry)],
            ..SyncResponse::default()
        };
        let applied = s.apply_results(&sent, &late, t()).unwrap();
        assert_eq!((applied.synced, applied.parked, applied.failed), (0, 0, 0));
        let late = SyncResponse {
            results: vec![
                result("a", SyncOutcome::Duplicate),
                result("b", SyncOutcome::Rejected),
            ],
            ..SyncResponse::default()
        };
        let applied = s.apply_results(&sent, &late, t()).unwrap();
        assert_eq!((applied.synced, applied.parked), (0, 0));
        assert_eq!(row(&s, "a"), ("synced".into(), None, 1, 0));
        assert_eq!(row(&s, "b").0, "parked");
    }

    #[test]
    fn a_final_code_from_the_server_is_cleaned_before_it_is_stored() {
        let (_d, mut s) = store();
        let d = crate::dossier::Dossier::new(
            "d1".into(),
            crate::dossier::ProcedureInfo {
                code: "1.001776".into(),
                name: "Đăng ký khai sinh".into(),
                days: 15,
                ..crate::dossier::ProcedureInfo::default()
            },
            jiff::civil::date(2026, 11, 23).at(9, 15, 0, 0),
        );
        // No codes reserved: the dossier gets a provisional one.
        let d = s.finalize(&d, Some("H55"), "demo", t()).unwrap().dossier;
        assert!(d.code_provisional);
        let sent = s.next_batch(10, t()).unwrap().items;
        let response = SyncResponse {
            results: vec![SyncResult {
                id: sent[0].id.clone(),
                outcome: SyncOutcome::Accepted,
                dossier_code: Some("H55-261123-\u{202e}1000\u{1b}]0;x\u{7}".into()),
                error: None,
            }],
            server_time: None,
        };
        let applied = s.apply_results(&sent, &response, t()).unwrap();
        let clean = "H55-261123-\u{FFFD}1000\u{FFFD}]0;x\u{FFFD}";
        assert_eq!(applied.codes, [("d1".to_owned(), clean.to_owned())]);
        let (code, body): (String, String) = s
            .conn
            .query_row("SELECT code, body FROM dossier WHERE id = 'd1'", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(code, clean);
        let body: crate::dossier::Dossier = serde_json::from_str(&body).unwrap();
        assert_eq!(body.code.as_deref(), Some(clean));
        assert!(!body.code_provisional);
    }

    #[test]
    fn changes_for_what_this_store_does_not_have_only_move_the_cursor() {
        let (_d, mut s) = store();
        // A draft (never finalized) takes no status from the server.
        let draft = Dossier::new(
            "draft-1".into(),
            crate::dossier::ProcedureInfo {
                code: "NT.0001".into(),
                name: "Thủ tục".into(),
                ..crate::dossier::ProcedureInfo::default()
            },
            jiff::civil::date(2026, 11, 23).at(9, 0, 0, 0),
        );
        s.save_draft(&draft, false, t()).unwrap();
        let change = |seq: u64, kind: ChangeKind| Change {
            seq,
            at: "2026-11-23T10:00:00+07:00".into(),
            kind,
        };
        let page = ChangePage {
            changes: vec![
                change(
                    15,
                    ChangeKind::DossierStatus {
                        dossier_id: "draft-1".into(),
                        dossier_code: "U-261123-0001".into(),
                        status: 4,
                    },
                ),
                change(
                    16,
                    ChangeKind::VerificationResult {
                        lookup_id: "not-queued-here".into(),
                        id_number: "079192019782".into(),
                        exists: true,
                    },
                ),
                change(17, ChangeKind::Catalogue { version: 3 }),
                change(
                    18,
                    ChangeKind::Holidays {
                        version: "v2".into(),
                    },
                ),
            ],
            next_cursor: "18".into(),
            has_more: false,
        };
        let applied = s.apply_changes(&page, t()).unwrap();
        assert_eq!(applied.applied, 4);
        assert!(applied.statuses.is_empty() && applied.answers.is_empty());
        assert!(applied.catalogue && applied.holidays);
        assert_eq!(s.changes_cursor().unwrap(), "18");
        let (body, kept) = s.dossier("draft-1").unwrap();
        assert_eq!(body, None);
        assert_eq!(kept, Some(draft), "the draft is untouched");
    }
}
