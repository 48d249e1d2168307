//! The sync engine and the local store against the reference backend, over real HTTP on
//! loopback, with real SQLite files in temporary folders: offline then online, final
//! codes replacing provisional ones, a second revision, a rejected item parked and put
//! back, a queued population check answered through the changes feed, audit records, a
//! batch over the backend's size limit sent again one item at a time.
//!
//! One fault the reference backend never produces — a per-item result missing from its
//! answer — is played by a small fake server at the end of the file, named as such.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod keys;

use axum::Json;
use axum::routing::post;
use jiff::Timestamp;
use jiff::civil::date;
use motcua::api::client::{Client, ClientOptions};
use motcua::api::{
    DocumentType, LookupRequest, Official, SyncBatch, SyncKind, SyncOutcome, SyncResponse,
    SyncResult, TokenResponse,
};
use motcua::clock::FixedClock;
use motcua::dossier::population::{CheckMark, CheckMarkState};
use motcua::dossier::{Dossier, ProcedureInfo, Role};
use motcua::server::routes::BODY_LIMIT;
use motcua::server::{self, RunningServer, ServeOptions, synth};
use motcua::store::Store;
use motcua::store::audit::{CheckKind, LookupAudit};
use motcua::store::sync::{ItemState, MAX_ITEM_FAILURES, OutboxEntry};
use motcua::sync::{PassOptions, Report, Stop, run_once};

const USER: &str = "canbo1";
const PASSWORD: &str = "mat-khau-thu-nghiem";
const UNIT: &str = "000.00.92.H55";
/// A sample procedure the reference catalogue has (and licenses for lookups).
const PROCEDURE: &str = "NT.0001";
/// Demo household A's head (docs/demo-citizens.md).
const CITIZEN: &str = "079192019782";
const DAY: &str = "2026-11-23";

/// When the passes run: the dossiers' day, 10:00 in Vietnam.
fn now() -> Timestamp {
    "2026-11-23T03:00:00Z".parse().unwrap()
}

fn clock() -> FixedClock {
    FixedClock(now())
}

// ---------------------------------------------------------------------------
// The reference backend, stopped and started again on the same port and data
// ---------------------------------------------------------------------------

struct Backend {
    dir: tempfile::TempDir,
    addr: SocketAddr,
    server: Option<RunningServer>,
}

fn serve(dir: &Path, addr: SocketAddr) -> RunningServer {
    let mut opts = ServeOptions::new(dir.to_path_buf());
    opts.addr = addr;
    opts.citizens = 400;
    opts.procedures = 120;
    let state = server::prepare(&opts, |_| {}).unwrap();
    server::add_official(&state, USER, "Nguyễn Thị Cán Bộ", UNIT, PASSWORD).unwrap();
    server::spawn(state, addr).unwrap()
}

impl Backend {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let server = serve(dir.path(), "127.0.0.1:0".parse().unwrap());
        Self {
            addr: server.addr,
            dir,
            server: Some(server),
        }
    }

    /// Nothing listens on the port any more.
    fn stop(&mut self) {
        self.server.take();
    }

    /// The same data on the same port: the sessions signed in before still work.
    fn restart(&mut self) {
        self.server = Some(serve(self.dir.path(), self.addr));
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A second connection to the backend's database, to see what it stored.
    fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.dir.path().join("backend.db")).unwrap()
    }

    /// `(code, revision)` of a dossier as the backend keeps it.
    fn dossier(&self, id: &str) -> Option<(String, u32)> {
        use rusqlite::OptionalExtension as _;
        self.db()
            .query_row(
                "SELECT code, revision FROM dossier WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .unwrap()
    }
}

async fn signed_in(url: &str) -> Client {
    let mut opts = ClientOptions::new(url);
    opts.timeout = Duration::from_secs(10);
    let c = Client::new(&opts).unwrap();
    c.sign_in(USER, PASSWORD).await.unwrap();
    c
}

// ---------------------------------------------------------------------------
// The desk: a store file of its own
// ---------------------------------------------------------------------------

struct Desk {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: Store,
}

impl Desk {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("motcua.sqlite3");
        let store = Store::open(&path, &keys::test_key(), Duration::from_secs(5)).unwrap();
        Self {
            _dir: dir,
            path,
            store,
        }
    }

    /// A second connection to the store's file, for what the store's API does not show.
    fn db(&self) -> rusqlite::Connection {
        keys::open_db(&self.path, &keys::test_key())
    }

    fn finalize(&mut self, d: &Dossier) -> Dossier {
        self.store
            .finalize(d, Some(UNIT), USER, now())
            .unwrap()
            .dossier
    }

    async fn pass(&mut self, client: &Client) -> Report {
        self.pass_with(client, PassOptions::default()).await
    }

    async fn pass_with(&mut self, client: &Client, opts: PassOptions) -> Report {
        run_once(&mut self.store, client, &clock(), opts).await
    }

    /// Every outbox item, in write order.
    fn entries(&self) -> Vec<OutboxEntry> {
        let mut all = self.store.outbox_entries(usize::MAX).unwrap();
        let order: Vec<String> = {
            let db = self.db();
            let mut stmt = db.prepare("SELECT id FROM outbox ORDER BY rowid").unwrap();
            stmt.query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        all.sort_by_key(|e| order.iter().position(|id| *id == e.id));
        all
    }

    fn failures(&self, item: &str) -> u32 {
        self.db()
            .query_row("SELECT failures FROM outbox WHERE id = ?1", [item], |r| {
                r.get(0)
            })
            .unwrap()
    }

    /// `(code, code_provisional, body as JSON)` of a dossier's row.
    fn row(&self, id: &str) -> (String, bool, serde_json::Value) {
        self.db()
            .query_row(
                "SELECT code, code_provisional, body FROM dossier WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        serde_json::from_str(&r.get::<_, String>(2)?).unwrap(),
                    ))
                },
            )
            .unwrap()
    }

    fn body(&self, id: &str) -> Dossier {
        self.store.dossier(id).unwrap().0.unwrap()
    }
}

fn dossier(procedure: &str, name: &str) -> Dossier {
    let mut d = Dossier::new(
        motcua::ids::new_uuid_v7(now()),
        ProcedureInfo {
            code: procedure.into(),
            name: "Thủ tục mẫu".into(),
            days: 15,
            ..ProcedureInfo::default()
        },
        date(2026, 11, 23).at(9, 15, 0, 0),
    );
    d.submitter.name = name.into();
    d.owner.name = name.into();
    d
}

fn is_final_code(code: &str) -> bool {
    code.strip_prefix(&format!("{UNIT}-261123-"))
        .is_some_and(|n| n.len() == 4 && n.chars().all(|c| c.is_ascii_digit()))
}

fn lookup_audit(citizen: &str, outcome: &str, dossier: Option<&Dossier>) -> LookupAudit {
    LookupAudit {
        kind: CheckKind::Lookup,
        official: USER.into(),
        citizen: citizen.into(),
        procedure_code: PROCEDURE.into(),
        dossier_id: dossier.map(|d| d.id.clone()),
        dossier_code: dossier.and_then(|d| d.code.clone()),
        fields: Vec::new(),
        outcome: outcome.into(),
        lookup_id: None,
    }
}

// ---------------------------------------------------------------------------

#[tokio::test]
async fn offline_then_online_every_provisional_code_is_replaced() {
    let mut backend = Backend::start();
    let client = signed_in(&backend.url()).await;
    let mut desk = Desk::new();
    let mut provisional = Vec::new();
    for name in ["Lê Thị Thu Hà", "Trần Văn Bình", "Phạm Minh Châu"] {
        let d = desk.finalize(&dossier(PROCEDURE, name));
        assert!(d.code_provisional, "no codes were reserved");
        provisional.push((d.id.clone(), d.code.clone().unwrap()));
    }

    // Offline: the pass stops at the first request; nothing is judged, nothing parked.
    backend.stop();
    // Let the client see the backend close its kept-alive connection, as it would long
    // before a desk's next pass. (A request written on a connection the peer has just
    // closed ends "cut mid-answer", which is retryable, not offline.)
    tokio::time::sleep(Duration::from_millis(50)).await;
    let report = desk.pass(&client).await;
    assert!(
        matches!(report.stop, Stop::Offline { .. }),
        "{:?}",
        report.stop
    );
    assert_eq!(report.requests, 1);
    assert_eq!((report.synced, report.parked, report.failed), (0, 0, 0));
    assert_eq!(report.summary.pending, 3);
    assert_eq!(report.summary.last_sync, None);
    let entries = desk.entries();
    assert_eq!(entries.len(), 3);
    for e in &entries {
        assert_eq!(e.state, ItemState::Pending);
        assert_eq!(e.tries, 1);
        assert_eq!(desk.failures(&e.id), 0, "being offline is no item's fault");
        let error = e.last_error.as_deref().unwrap_or_default();
        assert!(error.starts_with("không kết nối được máy chủ"), "{error}");
    }
    for (id, code) in &provisional {
        assert_eq!(&desk.row(id).0, code, "still provisional while offline");
    }

    // Online again: every provisional code becomes the backend's final one, everywhere.
    backend.restart();
    let report = desk.pass(&client).await;
    assert_eq!(report.stop, Stop::Done);
    assert_eq!(report.requests, 1, "three items, one batch");
    assert_eq!((report.synced, report.parked, report.failed), (3, 0, 0));
    assert_eq!(report.codes.len(), 3);
    assert_eq!(report.summary.pending, 0);
    assert_eq!(report.summary.synced, 3);
    assert!(report.summary.last_sync.is_some());
    let mut finals = Vec::new();
    for (id, old) in &provisional {
        let (code, is_provisional, body) = desk.row(id);
        assert_ne!(&code, old);
        assert!(is_final_code(&code), "{code}");
        assert!(!is_provisional);
        assert_eq!(
            backend.dossier(id),
            Some((code.clone(), 1)),
            "the backend's code"
        );
        assert!(report.codes.contains(&(id.clone(), code.clone())));
        assert_eq!(body["code"], code.as_str(), "the latest body's JSON");
        assert_eq!(body["code_provisional"], false);
        let d = desk.body(id);
        assert_eq!(d.code.as_deref(), Some(code.as_str()));
        assert!(!d.code_provisional);
        // The changes feed brought the backend's status: received (2).
        assert_eq!(d.status, 2);
        finals.push(code);
    }
    finals.sort();
    finals.dedup();
    assert_eq!(finals.len(), 3, "three different codes");
    assert_eq!(report.changes.statuses.len(), 3);
    assert!(desk.entries().iter().all(|e| e.state == ItemState::Synced
        && e.tries == 2
        && e.last_error.is_none()
        && e.synced_at.is_some()));

    // Reconciliation: the day's ids hash to the backend's digest.
    let days = desk.store.dossier_days().unwrap();
    assert_eq!(days.len(), 1);
    assert_eq!(days[0].day, DAY);
    assert_eq!(days[0].ids.len(), 3);
    assert!(days[0].unconfirmed.is_empty());
    let digest = client.digest(DAY).await.unwrap();
    assert_eq!(digest.count, 3);
    assert_eq!(digest.id_hash, motcua::api::id_hash(&days[0].ids));
}

#[tokio::test]
async fn an_edit_after_sync_keeps_its_final_code_and_is_a_second_revision() {
    let backend = Backend::start();
    let client = signed_in(&backend.url()).await;
    let mut desk = Desk::new();
    let a = desk.finalize(&dossier(PROCEDURE, "Lê Thị Thu Hà"));
    let b = desk.finalize(&dossier(PROCEDURE, "Trần Văn Bình"));
    // B's edit was opened before the sync: its draft carries the provisional code.
    let mut b_edit = b.clone();
    b_edit.revision += 1;
    b_edit.summary = "Bổ sung bản sao giấy khai sinh".into();
    desk.store.save_draft(&b_edit, true, now()).unwrap();

    let report = desk.pass(&client).await;
    assert_eq!(report.stop, Stop::Done);
    assert_eq!(report.synced, 2);
    let code_a = desk.row(&a.id).0;
    let code_b = desk.row(&b.id).0;
    assert!(is_final_code(&code_a) && is_final_code(&code_b));
    let draft = desk.store.dossier(&b.id).unwrap().1.unwrap();
    assert_eq!(
        draft.code.as_deref(),
        Some(code_b.as_str()),
        "the draft too"
    );
    assert!(!draft.code_provisional);

    // A is edited from its synced body; B is finalized from the screen's copy, which
    // still holds the provisional code.
    let mut a_edit = desk.body(&a.id);
    a_edit.summary = "Sửa nội dung".into();
    let a2 = desk.finalize(&a_edit);
    let b2 = desk.finalize(&b_edit);
    for (d, code) in [(&a2, &code_a), (&b2, &code_b)] {
        assert_eq!(d.revision, 2);
        assert_eq!(d.code.as_ref(), Some(code), "the final code is kept");
        assert!(!d.code_provisional);
    }
    assert_eq!(desk.store.outbox_pending().unwrap(), 2);
    let days = desk.store.dossier_days().unwrap();
    assert_eq!(
        days[0].unconfirmed.len(),
        2,
        "revision 2 is not confirmed yet"
    );

    let report = desk.pass(&client).await;
    assert_eq!(report.stop, Stop::Done);
    assert_eq!((report.requests, report.synced, report.parked), (1, 2, 0));
    assert!(
        report.codes.is_empty(),
        "no provisional code left to replace"
    );
    assert_eq!(backend.dossier(&a.id), Some((code_a.clone(), 2)));
    assert_eq!(backend.dossier(&b.id), Some((code_b.clone(), 2)));
    let revisions: u32 = backend
        .db()
        .query_row("SELECT count(*) FROM revision", [], |r| r.get(0))
        .unwrap();
    assert_eq!(revisions, 4, "two revisions of each dossier");
    let digest = client.digest(DAY).await.unwrap();
    assert_eq!(digest.count, 2, "no new dossier on the backend");
    let days = desk.store.dossier_days().unwrap();
    assert!(days[0].unconfirmed.is_empty());
    assert_eq!(digest.id_hash, motcua::api::id_hash(&days[0].ids));
    let a_now = desk.body(&a.id);
    assert_eq!(
        (a_now.revision, a_now.summary.as_str()),
        (2, "Sửa nội dung")
    );
    assert_eq!(a_now.code.as_deref(), Some(code_a.as_str()));
}

#[tokio::test]
async fn a_rejected_item_is_parked_the_rest_sync_and_requeue_sends_it_again() {
    let backend = Backend::start();
    let client = signed_in(&backend.url()).await;
    let mut desk = Desk::new();
    let first = desk.finalize(&dossier(PROCEDURE, "Lê Thị Thu Hà"));
    let bad = desk.finalize(&dossier("XX.9999", "Trần Văn Bình"));
    let last = desk.finalize(&dossier(PROCEDURE, "Phạm Minh Châu"));
    let bad_code = bad.code.clone().unwrap();

    let report = desk.pass(&client).await;
    assert_eq!(
        report.stop,
        Stop::Done,
        "a rejection does not stop the pass"
    );
    assert_eq!((report.synced, report.parked, report.failed), (2, 1, 0));
    assert_eq!(report.summary.parked, 1);
    assert!(is_final_code(&desk.row(&first.id).0));
    assert!(
        is_final_code(&desk.row(&last.id).0),
        "the item after it synced"
    );
    assert_eq!(
        desk.row(&bad.id).0,
        bad_code,
        "a parked dossier keeps its code"
    );
    assert_eq!(backend.dossier(&bad.id), None);
    let parked: Vec<OutboxEntry> = desk
        .entries()
        .into_iter()
        .filter(|e| e.state == ItemState::Parked)
        .collect();
    assert_eq!(parked.len(), 1);
    let item = parked[0].clone();
    assert_eq!(item.dossier_code.as_deref(), Some(bad_code.as_str()));
    assert_eq!(item.tries, 1);
    let reason = item.last_error.clone().unwrap_or_default();
    assert!(
        reason.starts_with("VALIDATION_FAILED") && reason.contains("revision.procedure_code"),
        "{reason}"
    );
    let days = desk.store.dossier_days().unwrap();
    assert_eq!(days[0].unconfirmed, vec![bad.id.clone()]);
    let digest = client.digest(DAY).await.unwrap();
    assert_eq!(digest.count, 2);
    assert_ne!(
        digest.id_hash,
        motcua::api::id_hash(&days[0].ids),
        "the day differs"
    );

    // Put back, nothing fixed: sent again, parked again with the same reason.
    assert!(desk.store.requeue(&item.id, now()).unwrap());
    assert!(
        !desk.store.requeue(&item.id, now()).unwrap(),
        "only a parked item"
    );
    assert_eq!(desk.store.sync_summary().unwrap().pending, 1);
    let report = desk.pass(&client).await;
    assert_eq!(report.stop, Stop::Done);
    assert_eq!((report.requests, report.synced, report.parked), (1, 0, 1));
    let again = desk
        .entries()
        .into_iter()
        .find(|e| e.id == item.id)
        .unwrap();
    assert_eq!(again.state, ItemState::Parked);
    assert_eq!(again.tries, 2);
    assert_eq!(again.last_error.as_deref(), Some(reason.as_str()));
    assert_eq!(desk.store.requeue_all(now()).unwrap(), 1);
    assert_eq!(desk.store.sync_summary().unwrap().parked, 0);
}

#[tokio::test]
async fn a_queued_check_is_answered_through_the_changes_feed_once() {
    let backend = Backend::start();
    let client = signed_in(&backend.url()).await;
    let mut desk = Desk::new();
    let p = synth::fixtures()
        .into_iter()
        .flat_map(|(_, people)| people)
        .find(|p| p.id_number == CITIZEN)
        .unwrap();
    // Typed while offline: both person blocks wait for a check.
    let mut d = dossier(PROCEDURE, &p.full_name());
    d.owner.id_number = CITIZEN.into();
    d.submitter.name = "Người Khác Hẳn".into();
    d.submitter.id_number = CITIZEN.into();
    let queued_at = motcua::clock::rfc3339_vn(now());
    for role in [Role::Owner, Role::Submitter] {
        d.population_checks.insert(
            role,
            CheckMark {
                state: CheckMarkState::Pending,
                at: queued_at.clone(),
            },
        );
    }
    let d = desk.finalize(&d);
    let request = |name: &str| LookupRequest {
        document_type: DocumentType::Cccd,
        document_number: CITIZEN.into(),
        full_name: name.into(),
        birth_date: p.birth_date.clone(),
        procedure_code: PROCEDURE.into(),
        dossier_code: None,
    };
    let queued = lookup_audit(CITIZEN, "queued", Some(&d));
    desk.store
        .queue_check(&queued, "owner", &request(&p.full_name()), now())
        .unwrap();
    desk.store
        .queue_check(&queued, "submitter", &request("Người Khác Hẳn"), now())
        .unwrap();
    assert_eq!(desk.store.pending_checks(&d.id).unwrap(), 2);
    let kinds: Vec<SyncKind> = desk.entries().iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            SyncKind::Dossier,
            SyncKind::PopulationCheck,
            SyncKind::Audit,
            SyncKind::PopulationCheck,
            SyncKind::Audit
        ]
    );
    assert_eq!(desk.store.changes_cursor().unwrap(), "");

    let report = desk.pass(&client).await;
    assert_eq!(report.stop, Stop::Done);
    assert_eq!(report.synced, 5);
    let mut answers: Vec<(String, bool)> = report
        .changes
        .answers
        .iter()
        .map(|a| (a.role.clone(), a.found))
        .collect();
    answers.sort();
    assert_eq!(
        answers,
        [("owner".to_owned(), true), ("submitter".to_owned(), false)]
    );
    assert!(
        report
            .changes
            .answers
            .iter()
            .all(|a| a.dossier_id.as_deref() == Some(d.id.as_str()))
    );
    assert_eq!(desk.store.pending_checks(&d.id).unwrap(), 0);
    let checks: Vec<(String, String, String)> = {
        let db = desk.db();
        let mut stmt = db
            .prepare("SELECT role, state, result FROM population_check ORDER BY role")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(
        checks,
        [
            (
                "owner".into(),
                "answered".into(),
                r#"{"exists":true}"#.into()
            ),
            (
                "submitter".into(),
                "answered".into(),
                r#"{"exists":false}"#.into()
            ),
        ]
    );
    let body = desk.body(&d.id);
    assert_eq!(
        body.population_checks[&Role::Owner].state,
        CheckMarkState::Found
    );
    assert_eq!(
        body.population_checks[&Role::Submitter].state,
        CheckMarkState::NotFound
    );
    assert_ne!(body.population_checks[&Role::Owner].at, queued_at);

    // The cursor is where the feed ends; the next pass brings nothing, and applying
    // the same page again changes no check and no mark.
    let feed = client.changes("", 500).await.unwrap();
    let last = feed.changes.last().unwrap().seq.to_string();
    assert_eq!(desk.store.changes_cursor().unwrap(), last);
    let report = desk.pass(&client).await;
    assert_eq!(report.stop, Stop::Done);
    assert_eq!(report.requests, 0);
    assert_eq!(report.changes.applied, 0);
    assert!(report.changes.answers.is_empty());
    assert_eq!(desk.store.changes_cursor().unwrap(), last);
    let again = desk.store.apply_changes(&feed, now()).unwrap();
    assert!(again.answers.is_empty(), "{:?}", again.answers);
    assert_eq!(desk.body(&d.id), body);
}

#[tokio::test]
async fn audit_records_sync_as_audit_items() {
    let backend = Backend::start();
    let client = signed_in(&backend.url()).await;
    let mut desk = Desk::new();
    let found = desk
        .store
        .record_lookup(&lookup_audit(CITIZEN, "found", None), now())
        .unwrap();
    let not_found = desk
        .store
        .record_lookup(&lookup_audit("001200017187", "not_found", None), now())
        .unwrap();
    let entries = desk.entries();
    assert_eq!(entries.len(), 2);
    assert!(
        entries
            .iter()
            .all(|e| e.kind == SyncKind::Audit && e.state == ItemState::Pending)
    );

    let report = desk.pass(&client).await;
    assert_eq!(report.stop, Stop::Done);
    assert_eq!((report.requests, report.synced), (1, 2));
    let entries = desk.entries();
    assert!(entries.iter().all(|e| e.state == ItemState::Synced));
    assert_eq!(entries[0].citizen.as_deref(), Some(CITIZEN));
    assert_eq!(entries[0].action.as_deref(), Some("population.lookup"));
    let stored: Vec<(String, String, String, String)> = {
        let db = backend.db();
        let mut stmt = db
            .prepare("SELECT id, citizen, synced_by, detail FROM client_audit ORDER BY citizen")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].0, not_found.id);
    assert_eq!(stored[1].0, found.id);
    assert_eq!(stored[1].1, CITIZEN);
    assert_eq!(stored[1].2, USER);
    let detail: serde_json::Value = serde_json::from_str(&stored[1].3).unwrap();
    assert_eq!(detail["outcome"], "found");

    let report = desk.pass(&client).await;
    assert_eq!((report.stop, report.requests), (Stop::Done, 0));
}

#[tokio::test]
async fn a_batch_too_large_as_a_whole_is_sent_again_one_item_at_a_time() {
    let backend = Backend::start();
    let client = signed_in(&backend.url()).await;
    let mut desk = Desk::new();
    // Three dossiers of 0.8 MiB each (scanned evidence in the body, say): together over
    // the backend's request limit (413, a permanent refusal of the whole request),
    // each one alone well under it.
    let mut ids = Vec::new();
    for name in ["Lê Thị Thu Hà", "Trần Văn Bình", "Phạm Minh Châu"] {
        let mut d = dossier(PROCEDURE, name);
        d.summary = "x".repeat(BODY_LIMIT / 5 * 2);
        ids.push(desk.finalize(&d).id);
    }

    let report = desk.pass(&client).await;
    assert_eq!(report.stop, Stop::Done);
    assert_eq!((report.synced, report.parked, report.failed), (3, 0, 0));
    // The batch of three, refused; then each of its items alone.
    assert_eq!(report.requests, 4);
    for id in &ids {
        assert!(is_final_code(&desk.row(id).0));
        assert!(backend.dossier(id).is_some());
    }
    assert!(
        desk.entries()
            .iter()
            .all(|e| e.state == ItemState::Synced && e.tries == 1 && e.last_error.is_none())
    );
}

#[tokio::test]
async fn an_item_too_large_even_alone_is_parked_with_the_reason() {
    let backend = Backend::start();
    let client = signed_in(&backend.url()).await;
    let mut desk = Desk::new();
    let first = desk.finalize(&dossier(PROCEDURE, "Lê Thị Thu Hà"));
    let mut huge = dossier(PROCEDURE, "Trần Văn Bình");
    huge.summary = "x".repeat(BODY_LIMIT + 1);
    let huge = desk.finalize(&huge);
    let last = desk.finalize(&dossier(PROCEDURE, "Phạm Minh Châu"));

    let report = desk.pass(&client).await;
    assert_eq!(report.stop, Stop::Done);
    assert_eq!((report.synced, report.parked, report.failed), (2, 1, 0));
    assert_eq!(report.requests, 4, "the batch, then its three items alone");
    assert!(is_final_code(&desk.row(&first.id).0));
    assert!(is_final_code(&desk.row(&last.id).0));
    assert_eq!(backend.dossier(&huge.id), None);
    let entries = desk.entries();
    let states: Vec<ItemState> = entries.iter().map(|e| e.state).collect();
    assert_eq!(
        states,
        [ItemState::Synced, ItemState::Parked, ItemState::Synced]
    );
    assert_eq!(entries[1].dossier_code, huge.code);
    let reason = entries[1].last_error.as_deref().unwrap_or_default();
    assert!(reason.starts_with("PAYLOAD_TOO_LARGE: "), "{reason}");
}

// ---------------------------------------------------------------------------
// A FAKE backend, for the one fault the reference backend never produces
// ---------------------------------------------------------------------------

/// A FAKE server, not the reference backend: it signs anyone in and answers a batch
/// with a result for every item but the last. It exists only because the reference
/// backend always answers for every item of a batch it takes, so the engine's handling
/// of a missing result cannot be seen against it; everything else in this file runs
/// against the real one.
async fn fake_missing_the_last_result() -> String {
    async fn batches(Json(batch): Json<SyncBatch>) -> Json<SyncResponse> {
        let mut results: Vec<SyncResult> = batch
            .items
            .iter()
            .map(|item| SyncResult {
                id: item.id.clone(),
                outcome: SyncOutcome::Accepted,
                dossier_code: None,
                error: None,
            })
            .collect();
        results.pop();
        Json(SyncResponse {
            results,
            server_time: None,
        })
    }
    let token = Json(TokenResponse {
        access_token: "fake-access".into(),
        token_type: "Bearer".into(),
        expires_in: 900,
        refresh_token: "fake-refresh".into(),
        official: Official {
            username: USER.into(),
            full_name: "Cán bộ giả".into(),
            unit_code: UNIT.into(),
        },
    });
    let app = axum::Router::new()
        .route("/v1/auth/token", post(move || async move { token }))
        .route("/v1/sync/batches", post(batches));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::test]
async fn a_missing_result_is_a_failure_and_parks_the_item_after_the_limit() {
    let client = signed_in(&fake_missing_the_last_result().await).await;
    let mut desk = Desk::new();
    for citizen in [CITIZEN, "042089006135", "001200017187"] {
        desk.store
            .record_lookup(&lookup_audit(citizen, "found", None), now())
            .unwrap();
    }
    let push_only = PassOptions {
        batch: 50,
        pull: false,
    };

    let report = desk.pass_with(&client, push_only).await;
    assert!(
        matches!(report.stop, Stop::Retry { .. }),
        "{:?}",
        report.stop
    );
    assert_eq!(
        (report.requests, report.synced, report.failed, report.parked),
        (1, 2, 1, 0)
    );
    let entries = desk.entries();
    assert_eq!(entries[0].state, ItemState::Synced);
    assert_eq!(entries[1].state, ItemState::Synced);
    let missing = &entries[2];
    assert_eq!(missing.state, ItemState::Pending);
    assert_eq!(missing.tries, 1);
    assert_eq!(desk.failures(&missing.id), 1);
    let error = missing.last_error.as_deref().unwrap_or_default();
    assert!(error.starts_with("NO_RESULT"), "{error}");

    // Alone, it is still never answered: parked at the limit, and the pass then ends.
    for n in 2..=MAX_ITEM_FAILURES {
        let report = desk.pass_with(&client, push_only).await;
        assert_eq!(report.requests, 1);
        if n < MAX_ITEM_FAILURES {
            assert!(matches!(report.stop, Stop::Retry { .. }), "{n}");
            assert_eq!(desk.failures(&missing.id), n);
        } else {
            assert_eq!(report.stop, Stop::Done);
            assert_eq!((report.failed, report.parked), (0, 1));
        }
    }
    let entry = desk
        .entries()
        .into_iter()
        .find(|e| e.id == missing.id)
        .unwrap();
    assert_eq!(entry.state, ItemState::Parked);
    assert_eq!(entry.tries, MAX_ITEM_FAILURES);
}

// ---------------------------------------------------------------------------
// Retention: confirmation times are the server's
// ---------------------------------------------------------------------------

/// A server clock the test moves (the reference backend reads it for every answer).
struct MovableClock(std::sync::Arc<std::sync::atomic::AtomicI64>);

impl motcua::clock::Clock for MovableClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_second(self.0.load(std::sync::atomic::Ordering::SeqCst)).unwrap()
    }
}

#[tokio::test]
async fn the_server_confirms_by_its_clock_and_the_purge_counts_from_it() {
    use motcua::clock::rfc3339_vn;
    use motcua::store::retention::Retention;
    use motcua::sync::{PurgeOptions, purge_pass};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};

    // The server's clock says 2027-03-01; the desk's (`now()`) 2026-11-23: months apart.
    let server_now: Timestamp = "2027-03-01T01:00:00Z".parse().unwrap();
    let seconds = Arc::new(AtomicI64::new(server_now.as_second()));
    let dir = tempfile::tempdir().unwrap();
    let mut opts = ServeOptions::new(dir.path().to_path_buf());
    opts.addr = "127.0.0.1:0".parse().unwrap();
    opts.citizens = 400;
    opts.procedures = 120;
    let mut state = server::prepare(&opts, |_| {}).unwrap();
    Arc::get_mut(&mut state).unwrap().clock = Arc::new(MovableClock(seconds.clone()));
    server::add_official(&state, USER, "Nguyễn Thị Cán Bộ", UNIT, PASSWORD).unwrap();
    let running = server::spawn(state, opts.addr).unwrap();
    let url = format!("http://{}", running.addr);
    let client = signed_in(&url).await;

    let mut desk = Desk::new();
    let d = desk.finalize(&dossier(PROCEDURE, "Lê Thị Thu Hà"));
    let report = desk.pass(&client).await;
    assert_eq!(report.stop, Stop::Done);
    assert_eq!(report.synced, 1);
    let confirmed: Option<String> = desk
        .db()
        .query_row(
            "SELECT confirmed_at FROM dossier WHERE id = ?1",
            [&d.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        confirmed.as_deref(),
        Some(rfc3339_vn(server_now).as_str()),
        "the server's time, not the desk's"
    );
    assert_eq!(desk.store.server_time().unwrap(), Some(server_now));

    // The purge asks the server's time: the dossier was confirmed just now.
    let purge = PurgeOptions {
        retention: Retention::default(),
        every: Duration::from_hours(24),
    };
    let r = purge_pass(&mut desk.store, &client, purge, false, USER)
        .await
        .unwrap()
        .expect("a first purge is due");
    assert_eq!(r.server_time, rfc3339_vn(server_now));
    assert_eq!(r.dossiers, 0);
    // Not again within the day (by the server's clock).
    seconds.fetch_add(3_600, Ordering::SeqCst);
    assert!(
        purge_pass(&mut desk.store, &client, purge, false, USER)
            .await
            .unwrap()
            .is_none()
    );

    // Thirty-one days later by the server's clock (the desk's has not moved): gone.
    seconds.fetch_add(31 * 86_400, Ordering::SeqCst);
    let r = purge_pass(&mut desk.store, &client, purge, false, USER)
        .await
        .unwrap()
        .expect("due");
    assert_eq!((r.dossiers, r.revisions), (1, 1));
    assert_eq!(desk.store.dossier(&d.id).unwrap(), (None, None));
    assert_eq!(desk.store.verify_audit_chain().unwrap().first_broken, None);

    // The purge's own record goes to the backend like any audit record.
    client.sign_in(USER, PASSWORD).await.unwrap();
    let report = desk.pass(&client).await;
    assert_eq!(report.stop, Stop::Done);
    assert_eq!(report.synced, 1);
    let at_server: i64 = backend_audit_count(dir.path(), r.record.as_deref().unwrap());
    assert_eq!(at_server, 1, "the backend has the retention.purge record");
}

/// How many audit records with this id the backend stored.
fn backend_audit_count(dir: &Path, id: &str) -> i64 {
    rusqlite::Connection::open(dir.join("backend.db"))
        .unwrap()
        .query_row(
            "SELECT count(*) FROM client_audit WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap()
}
