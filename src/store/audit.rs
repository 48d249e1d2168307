//! The audit log of population-database use, and the queue of checks made offline.
//!
//! Every lookup and quick check is written here — with the official, the citizen's
//! number, the procedure and dossier it was for, the fields returned and the outcome —
//! *before* its result is shown, together with an outbox item that carries it to the
//! backend at the next sync. Records are append-only (triggers refuse UPDATE and
//! DELETE, migration 3).

use jiff::Timestamp;
use rusqlite::{TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::api::LookupRequest;
use crate::clock::{rfc3339_vn, vn_tz};

/// Migration 4: checks queued while offline, answered through sync.
pub(super) const MIGRATION: &str = "
    CREATE TABLE population_check (
        id          TEXT PRIMARY KEY NOT NULL,
        dossier_id  TEXT,
        role        TEXT NOT NULL,
        citizen     TEXT NOT NULL,
        request     TEXT NOT NULL,
        official    TEXT NOT NULL,
        state       TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'answered', 'failed')),
        result      TEXT,
        created_at  TEXT NOT NULL,
        answered_at TEXT
    ) STRICT;
    CREATE INDEX population_check_dossier ON population_check (dossier_id, state);
    CREATE INDEX audit_citizen ON audit (citizen, at);
";

/// Which call to the population database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// The full record (the field-by-field check).
    Lookup,
    /// "Xác thực CCCD/CMND": does the citizen exist.
    Verify,
    /// "Danh tính số": does the citizen have a national portal account.
    DigitalIdentity,
    /// "Xác thực chủ hộ": is the citizen a member of the head's household.
    Household,
}

impl CheckKind {
    /// The audit action.
    #[must_use]
    pub const fn action(self) -> &'static str {
        match self {
            CheckKind::Lookup => "population.lookup",
            CheckKind::Verify => "population.verify",
            CheckKind::DigitalIdentity => "population.digital_identity",
            CheckKind::Household => "population.household",
        }
    }
}

/// One use of the population database, as the audit log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookupAudit {
    pub kind: CheckKind,
    /// The official's username.
    pub official: String,
    /// The document number looked up.
    pub citizen: String,
    /// The purpose: the procedure and the dossier.
    pub procedure_code: String,
    pub dossier_id: Option<String>,
    pub dossier_code: Option<String>,
    /// Names of the fields returned (none for a quick check or a failure).
    pub fields: Vec<String>,
    /// `found`, `not_found`, `has_account`, `no_account`, `queued` or `error:CODE`.
    pub outcome: String,
    /// The backend's id of the lookup, when it answered.
    pub lookup_id: Option<String>,
}

impl LookupAudit {
    /// Records what the backend answered: the outcome, the fields returned and the
    /// backend's lookup id; a failure as `error:CODE` (`error:OFFLINE` when unreachable).
    pub fn answered(
        &mut self,
        result: &Result<crate::api::service::CheckAnswer, crate::api::client::ClientError>,
    ) {
        use crate::api::service::CheckAnswer;
        match result {
            Ok(CheckAnswer::Lookup(r)) => {
                self.lookup_id = Some(r.lookup_id.clone());
                match &r.citizen {
                    Some(c) => {
                        "found".clone_into(&mut self.outcome);
                        self.fields = crate::dossier::population::fields_returned(c)
                            .into_iter()
                            .map(str::to_owned)
                            .collect();
                    }
                    None => "not_found".clone_into(&mut self.outcome),
                }
            }
            Ok(CheckAnswer::Verify(r)) => {
                self.lookup_id = Some(r.lookup_id.clone());
                self.outcome = if r.exists { "exists" } else { "not_exists" }.into();
            }
            Ok(CheckAnswer::DigitalIdentity(r)) => {
                self.lookup_id = Some(r.lookup_id.clone());
                self.outcome = match (r.valid, r.has_account) {
                    (false, _) => "invalid",
                    (true, true) => "has_account",
                    (true, false) => "no_account",
                }
                .into();
            }
            Err(e) if e.class() == crate::api::client::ErrorClass::Offline => {
                "error:OFFLINE".clone_into(&mut self.outcome);
            }
            Err(e) => {
                self.outcome = format!(
                    "error:{}",
                    e.code().map_or("NETWORK", crate::api::ErrorCode::as_str)
                );
            }
        }
    }
}

/// A record read back from the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    /// RFC 3339, Vietnam time.
    pub at: String,
    pub official: String,
    pub action: String,
    pub citizen: String,
    pub procedure_code: String,
    pub dossier_id: Option<String>,
    /// What else the record holds (dossier code, fields returned, outcome…).
    pub detail: serde_json::Value,
    /// The dossier's code now (it may have been given after the lookup).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_code: Option<String>,
}

impl AuditEntry {
    /// The outcome written in the detail, when there is one.
    #[must_use]
    pub fn outcome(&self) -> &str {
        self.detail
            .get("outcome")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
    }

    /// The `dd/mm/yyyy HH:MM:SS` form of `at`.
    #[must_use]
    pub fn at_local(&self) -> String {
        self.at.parse::<Timestamp>().map_or_else(
            |_| self.at.clone(),
            |t| {
                t.to_zoned_datetime(vn_tz())
                    .strftime("%d/%m/%Y %H:%M:%S")
                    .to_string()
            },
        )
    }
}

fn detail_of(a: &LookupAudit) -> serde_json::Value {
    serde_json::json!({
        "kind": a.kind,
        "dossier_code": a.dossier_code,
        "fields": a.fields,
        "outcome": a.outcome,
        "lookup_id": a.lookup_id,
    })
}

impl Store {
    /// Appends one audit record of a population-database call and its outbox item, in
    /// one transaction. Returns the record as written.
    pub fn record_lookup(
        &mut self,
        a: &LookupAudit,
        now: Timestamp,
    ) -> Result<AuditEntry, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let entry = insert_audit(&tx, a.kind.action(), a, now)?;
        tx.commit()?;
        Ok(entry)
    }

    /// Appends many records (a household batch's answers) in one transaction.
    pub fn record_lookups(
        &mut self,
        records: &[LookupAudit],
        now: Timestamp,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut out = Vec::with_capacity(records.len());
        for a in records {
            out.push(insert_audit(&tx, a.kind.action(), a, now)?);
        }
        tx.commit()?;
        Ok(out)
    }

    /// Queues a lookup made while offline: the check, its outbox item and an audit
    /// record (`population.lookup`, outcome `queued`), in one transaction.
    pub fn queue_check(
        &mut self,
        a: &LookupAudit,
        role: &str,
        request: &LookupRequest,
        now: Timestamp,
    ) -> Result<AuditEntry, StoreError> {
        let at = rfc3339_vn(now);
        let id = crate::ids::new_uuid_v7(now);
        let request = serde_json::to_string(request)
            .map_err(|e| StoreError::Corrupt(format!("check request: {e}")))?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO population_check
                 (id, dossier_id, role, citizen, request, official, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, a.dossier_id, role, a.citizen, request, a.official, at],
        )?;
        tx.execute(
            "INSERT INTO outbox (id, kind, idempotency_key, payload, created_at, updated_at)
             VALUES (?1, 'population_check', ?2, ?3, ?4, ?4)",
            params![
                crate::ids::new_uuid_v7(now),
                format!("check/{id}"),
                serde_json::json!({ "check_id": id, "request": serde_json::from_str::<serde_json::Value>(&request).unwrap_or_default() }).to_string(),
                at
            ],
        )?;
        let entry = insert_audit(&tx, CheckKind::Lookup.action(), a, now)?;
        tx.commit()?;
        Ok(entry)
    }

    /// How many queued checks of a dossier wait for an answer.
    pub fn pending_checks(&self, dossier_id: &str) -> Result<usize, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM population_check WHERE dossier_id = ?1 AND state = 'pending'",
            params![dossier_id],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Audit records, newest first: all, or one citizen's (`citizen` is matched as a
    /// prefix of the document number). At most `limit`.
    pub fn audit_entries(
        &self,
        citizen: Option<&str>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let pattern = citizen.map_or_else(
            || "%".to_owned(),
            |c| {
                let digits: String = c.chars().filter(char::is_ascii_alphanumeric).collect();
                format!("{digits}%")
            },
        );
        let mut stmt = self.conn.prepare(
            "SELECT a.id, a.at, a.official, a.action, coalesce(a.citizen, ''),
                    coalesce(a.procedure_code, ''), a.dossier_id, a.detail, d.code
             FROM audit a LEFT JOIN dossier d ON d.id = a.dossier_id
             WHERE coalesce(a.citizen, '') LIKE ?1
             ORDER BY a.at DESC, a.id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(
            params![pattern, i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| {
                Ok(AuditEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    official: r.get(2)?,
                    action: r.get(3)?,
                    citizen: r.get(4)?,
                    procedure_code: r.get(5)?,
                    dossier_id: r.get(6)?,
                    detail: serde_json::from_str(&r.get::<_, String>(7)?)
                        .unwrap_or(serde_json::Value::Null),
                    dossier_code: r.get(8)?,
                })
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row?);
        }
        Ok(out)
    }

    /// One citizen's whole history (exact document number), oldest first.
    pub fn citizen_history(&self, citizen: &str) -> Result<Vec<AuditEntry>, StoreError> {
        let mut all = self.audit_entries(Some(citizen), usize::MAX)?;
        all.retain(|e| e.citizen == citizen.trim());
        all.reverse();
        Ok(all)
    }
}

fn insert_audit(
    tx: &rusqlite::Transaction<'_>,
    action: &str,
    a: &LookupAudit,
    now: Timestamp,
) -> Result<AuditEntry, StoreError> {
    let at = rfc3339_vn(now);
    let entry = AuditEntry {
        id: crate::ids::new_uuid_v7(now),
        at: at.clone(),
        official: a.official.clone(),
        action: action.to_owned(),
        citizen: a.citizen.trim().to_owned(),
        procedure_code: a.procedure_code.clone(),
        dossier_id: a.dossier_id.clone(),
        detail: detail_of(a),
        dossier_code: a.dossier_code.clone(),
    };
    tx.execute(
        "INSERT INTO audit (id, at, official, action, citizen, procedure_code, dossier_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            entry.id,
            entry.at,
            entry.official,
            entry.action,
            entry.citizen,
            entry.procedure_code,
            entry.dossier_id,
            entry.detail.to_string()
        ],
    )?;
    super::chain::link(tx, &entry.id)?;
    let payload = serde_json::to_string(&entry)
        .map_err(|e| StoreError::Corrupt(format!("audit payload: {e}")))?;
    tx.execute(
        "INSERT INTO outbox (id, kind, idempotency_key, payload, created_at, updated_at)
         VALUES (?1, 'audit', ?2, ?3, ?4, ?4)",
        params![
            crate::ids::new_uuid_v7(now),
            format!("audit/{}", entry.id),
            payload,
            at
        ],
    )?;
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(
            &dir.path().join("t.sqlite3"),
            &crate::store::test_key(),
            std::time::Duration::from_secs(1),
        )
        .unwrap();
        (dir, s)
    }

    fn audit(citizen: &str, outcome: &str) -> LookupAudit {
        LookupAudit {
            kind: CheckKind::Lookup,
            official: "demo".into(),
            citizen: citizen.into(),
            procedure_code: "1.000001".into(),
            dossier_id: Some("d1".into()),
            dossier_code: None,
            fields: vec!["full_name".into(), "sex".into()],
            outcome: outcome.into(),
            lookup_id: Some("L1".into()),
        }
    }

    #[test]
    fn records_are_kept_with_an_outbox_item_and_read_back_by_citizen() {
        let (_d, mut s) = store();
        let t = Timestamp::from_second(1_700_000_000).unwrap();
        s.record_lookup(&audit("079192019782", "found"), t).unwrap();
        s.record_lookup(&audit("001200017187", "not_found"), t)
            .unwrap();
        assert_eq!(s.audit_entries(None, 10).unwrap().len(), 2);
        let one = s.audit_entries(Some("0791"), 10).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].outcome(), "found");
        assert_eq!(one[0].action, "population.lookup");
        assert_eq!(one[0].detail["fields"][0], "full_name");
        assert_eq!(s.outbox_pending().unwrap(), 2);
        assert_eq!(s.citizen_history("079192019782").unwrap().len(), 1);
        assert!(s.citizen_history("0791").unwrap().is_empty());
        // Append-only.
        assert!(s.conn.execute("DELETE FROM audit", []).is_err());
    }

    #[test]
    fn a_queued_check_is_pending_with_its_audit_record() {
        let (_d, mut s) = store();
        let t = Timestamp::from_second(1_700_000_000).unwrap();
        let req = LookupRequest {
            document_type: crate::api::DocumentType::Cccd,
            document_number: "079192019782".into(),
            full_name: "Lê Thị Thu Hà".into(),
            birth_date: "1992-05-14".into(),
            procedure_code: "1.000001".into(),
            dossier_code: None,
        };
        s.queue_check(&audit("079192019782", "queued"), "owner", &req, t)
            .unwrap();
        assert_eq!(s.pending_checks("d1").unwrap(), 1);
        assert_eq!(s.outbox_pending().unwrap(), 2);
        assert_eq!(s.audit_count().unwrap(), 1);
    }
}
