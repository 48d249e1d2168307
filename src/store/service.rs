//! The store service: a thread that owns the SQLite connection and answers commands
//! with events. The app loop never touches SQLite itself.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;

use super::Store;
use super::audit::{AuditEntry, LookupAudit};
use super::dossiers::Finalized;
use crate::api::{HolidayTable, ReservationResponse};
use crate::catalogue::Procedure;
use crate::clock::{Clock, vn_tz};
use crate::dossier::{Days, Dossier, DossierRow};

/// A command for the store thread. `req` ties the answer to the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreCmd {
    /// Open the store with its key (once an official has signed in); every other
    /// command before it is answered as failed. Opening again does nothing.
    Open { key: crate::vault::StoreKey },
    /// Read the catalogue; when `seed_if_empty` is given and the catalogue is empty, put
    /// those procedures in first (the demo's sample catalogue).
    LoadCatalogue {
        req: u64,
        seed_if_empty: Option<Vec<Procedure>>,
    },
    /// Apply changes from the backend's catalogue feed with the cursor they reach, then
    /// answer with the whole catalogue as `LoadCatalogue` does.
    ApplyCatalogue {
        req: u64,
        changes: Vec<crate::api::ProcedureChange>,
        cursor: String,
        version: u64,
    },
    /// Start a dossier for a procedure: the store mints its id and received time and
    /// saves it as the open draft.
    NewDossier { req: u64, procedure_code: String },
    /// The draft that was on screen when the app last stopped, and the cached backend
    /// holiday table (asked once at start).
    Recover { req: u64 },
    /// Save the working copy (`open`: it is on screen).
    SaveDraft { dossier: Box<Dossier>, open: bool },
    /// Leave a draft in the list, not to be reopened at start.
    CloseDraft { id: String },
    /// Throw a draft away.
    DiscardDraft { id: String },
    /// Finalize: code, revision, outbox item and audit record in one transaction.
    Finalize {
        req: u64,
        dossier: Box<Dossier>,
        unit: Option<String>,
        official: String,
    },
    /// The dossiers received on some days.
    ListDossiers { req: u64, days: Days },
    /// A dossier's latest finalized revision and its draft.
    LoadDossier { req: u64, id: String },
    /// Keep codes reserved from the backend.
    AddCodes(ReservationResponse),
    /// How many final codes are left for a unit today (answered by `CodesCounted`).
    CountCodes { unit: String },
    /// Remember the signed-in official's unit (for provisional codes offline).
    RememberUnit { unit: String },
    /// Keep the backend's holiday table for offline use.
    SaveHolidays(HolidayTable),
    /// Write a receipt into the export folder.
    ExportReceipt {
        req: u64,
        dir: PathBuf,
        code: String,
        html: String,
    },
    /// Write the audit record of a population-database call, then hand its answer back
    /// (`CheckRecorded`): nothing from the database is shown before it is logged.
    RecordCheck {
        req: u64,
        audit: Box<LookupAudit>,
        answer: Box<CheckReply>,
    },
    /// Queue a lookup that could not be sent (offline), with its audit record.
    QueueCheck {
        req: u64,
        audit: Box<LookupAudit>,
        role: String,
        request: Box<crate::api::LookupRequest>,
    },
    /// Audit records, newest first, of all citizens or those whose number starts so.
    ListAudit { req: u64, citizen: Option<String> },
    /// The last retention purge's report, for the audit screen.
    LastPurge { req: u64 },
    /// The outbox for the sync screen.
    ListOutbox { req: u64 },
    /// Put a parked item (`None`: every parked item) back in the queue.
    Requeue { req: u64, id: Option<String> },
    /// Log a household batch's answers (one record per member), then hand them back
    /// (`HouseholdRecorded`): a table shows nothing that is not logged.
    RecordHousehold {
        req: u64,
        audits: Vec<LookupAudit>,
        chunk: Box<crate::household::batch::ChunkDone>,
    },
    /// Read a members file (at most [`MAX_MEMBERS_FILE`] bytes).
    ReadMembers { req: u64, path: PathBuf },
    /// Write a file into the export folder: `{prefix}-{code}.{ext}`, never over another.
    ExportFile {
        req: u64,
        dir: PathBuf,
        prefix: String,
        code: String,
        ext: String,
        text: String,
    },
}

/// The largest members file the screen reads.
pub const MAX_MEMBERS_FILE: u64 = 16 * 1024 * 1024;

/// The backend's answer to a population-database call, carried through the store.
pub type CheckReply = Result<crate::api::service::CheckAnswer, crate::api::client::ClientError>;

/// The most audit records the audit screen reads at once.
pub const AUDIT_PAGE: usize = 2_000;
/// Outbox items read for the sync screen at most (parked and pending first).
pub const OUTBOX_PAGE: usize = 1_000;

/// A dossier as read: its latest finalized revision, and its draft.
pub type Opened = (Option<Box<Dossier>>, Option<Box<Dossier>>);

/// What the store thread answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreEvent {
    /// The catalogue, or why it could not be read.
    Catalogue {
        req: u64,
        result: Result<Vec<Procedure>, String>,
        /// Where the backend's catalogue feed left off (`None`: never synced).
        cursor: Option<String>,
    },
    /// A new dossier to fill in.
    NewDossier {
        req: u64,
        result: Result<Box<Dossier>, String>,
    },
    /// What `Recover` found.
    Recovered {
        req: u64,
        draft: Option<Box<Dossier>>,
        holidays: Option<HolidayTable>,
        /// The open draft could not be read back (it stays in the store as it is).
        problem: Option<String>,
    },
    /// A draft was saved (`Ok`) or not: the form says so.
    DraftSaved {
        id: String,
        result: Result<(), String>,
    },
    Finalized {
        req: u64,
        result: Result<Box<Finalized>, String>,
    },
    /// The rows, and the day "today" was.
    Dossiers {
        req: u64,
        result: Result<(Vec<DossierRow>, Date), String>,
    },
    Dossier {
        req: u64,
        result: Result<Opened, String>,
    },
    /// Final codes left for a unit today, as asked by `CountCodes`.
    CodesCounted { unit: String, left: usize },
    Exported {
        req: u64,
        result: Result<PathBuf, String>,
    },
    /// The audit record is written (`Ok`), or not: then the answer must not be shown.
    CheckRecorded {
        req: u64,
        answer: Box<CheckReply>,
        result: Result<Box<AuditEntry>, String>,
    },
    CheckQueued {
        req: u64,
        result: Result<Box<AuditEntry>, String>,
    },
    Audit {
        req: u64,
        result: Result<Vec<AuditEntry>, String>,
    },
    /// The last retention purge (`Ok(None)`: there was none yet).
    LastPurge {
        req: u64,
        result: Result<Option<super::retention::PurgeReport>, String>,
    },
    /// The answers are logged (`Ok`: the time), or not: then they must not be shown.
    HouseholdRecorded {
        req: u64,
        chunk: Box<crate::household::batch::ChunkDone>,
        result: Result<String, String>,
    },
    MembersRead {
        req: u64,
        result: Result<String, crate::bounded::ReadError>,
    },
    Outbox {
        req: u64,
        result: Result<Vec<crate::store::sync::OutboxEntry>, String>,
    },
    /// How many items went back in the queue.
    Requeued {
        req: u64,
        result: Result<usize, String>,
    },
}

/// The handle the runtime keeps to send commands. Dropping it lets the thread finish
/// what it was sent; [`StoreService::shutdown`] waits for that.
#[derive(Debug)]
pub struct StoreService {
    tx: Option<mpsc::Sender<StoreCmd>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The answer to a command sent before the store was opened.
const LOCKED: &str = "kho dữ liệu chưa mở — cần đăng nhập / the store is not open: sign in first";

/// A store error as the UI shows it (a full disk said first: it cannot be logged).
fn message(e: &super::StoreError) -> String {
    tracing::error!(error = %e, "store");
    if e.is_disk_full() {
        format!("ổ đĩa đầy / disk full: {e}")
    } else {
        e.to_string()
    }
}

impl StoreService {
    /// Opens the store on a new thread. Failures to open are reported on the first
    /// command, so the UI shows them where the data would have been.
    pub fn spawn(
        path: PathBuf,
        busy_timeout: Duration,
        clock: Arc<dyn Clock>,
        reply: impl Fn(StoreEvent) + Send + 'static,
    ) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel::<StoreCmd>();
        let thread = std::thread::Builder::new()
            .name("store".into())
            .spawn(move || {
                let mut store: Result<Store, String> = Err(LOCKED.to_owned());
                for cmd in rx {
                    if let StoreCmd::Open { key } = cmd {
                        if store.is_err() {
                            store = Store::open(&path, &key, busy_timeout).map_err(|e| {
                                tracing::error!(error = %e, "cannot open the store");
                                e.to_string()
                            });
                        }
                        continue;
                    }
                    if let Some(event) = handle(&mut store, cmd, clock.as_ref()) {
                        reply(event);
                    }
                }
            })?;
        Ok(Self {
            tx: Some(tx),
            thread: Some(thread),
        })
    }

    /// Sends a command; `false` when the store thread has stopped.
    pub fn send(&self, cmd: StoreCmd) -> bool {
        self.tx.as_ref().is_some_and(|tx| tx.send(cmd).is_ok())
    }

    /// Lets the thread finish the commands already sent (a last draft save), then
    /// waits for it.
    pub fn shutdown(&mut self) {
        self.tx = None;
        if let Some(t) = self.thread.take()
            && t.join().is_err()
        {
            tracing::error!("the store thread panicked");
        }
    }
}

impl Drop for StoreService {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Carries out one command.
fn handle(
    store: &mut Result<Store, String>,
    cmd: StoreCmd,
    clock: &dyn Clock,
) -> Option<StoreEvent> {
    let s = match store {
        Ok(s) => s,
        Err(e) => return failed(cmd, e),
    };
    let now = clock.now();
    Some(match cmd {
        StoreCmd::Open { .. } => return None,
        StoreCmd::LoadCatalogue { req, seed_if_empty } => {
            let result = load_catalogue(s, seed_if_empty);
            catalogue_event(s, req, result)
        }
        StoreCmd::ApplyCatalogue {
            req,
            changes,
            cursor,
            version,
        } => {
            let applied = s
                .apply_catalogue_changes(&changes, &cursor, version)
                .and_then(|()| load_catalogue(s, None));
            if applied.is_ok() {
                tracing::info!(changes = changes.len(), version, "catalogue feed applied");
            }
            catalogue_event(s, req, applied)
        }
        StoreCmd::NewDossier {
            req,
            procedure_code,
        } => {
            let result = new_dossier(s, &procedure_code, now);
            StoreEvent::NewDossier {
                req,
                result: result.map(Box::new),
            }
        }
        StoreCmd::Recover { req } => {
            let (draft, problem) = match s.open_draft() {
                Ok(d) => (d.map(Box::new), None),
                Err(e) => (None, Some(message(&e))),
            };
            let holidays = s
                .meta(super::dossiers::META_HOLIDAYS)
                .ok()
                .flatten()
                .and_then(|j| serde_json::from_str(&j).ok());
            StoreEvent::Recovered {
                req,
                draft,
                holidays,
                problem,
            }
        }
        StoreCmd::SaveDraft { dossier, open } => StoreEvent::DraftSaved {
            id: dossier.id.clone(),
            result: s.save_draft(&dossier, open, now).map_err(|e| message(&e)),
        },
        StoreCmd::CloseDraft { id } => {
            if let Err(e) = s.close_draft(&id) {
                message(&e);
            }
            return None;
        }
        StoreCmd::DiscardDraft { id } => {
            if let Err(e) = s.discard_draft(&id) {
                message(&e);
            }
            return None;
        }
        StoreCmd::Finalize {
            req,
            dossier,
            unit,
            official,
        } => StoreEvent::Finalized {
            req,
            result: s
                .finalize(&dossier, unit.as_deref(), &official, now)
                .map(Box::new)
                .map_err(|e| message(&e)),
        },
        StoreCmd::ListDossiers { req, days } => {
            let today = crate::clock::vn_date(now);
            let day = match days {
                Days::Today => Some(today),
                Days::Day(d) => Some(d),
                Days::All => None,
            };
            StoreEvent::Dossiers {
                req,
                result: s
                    .dossier_rows(day)
                    .map(|rows| (rows, today))
                    .map_err(|e| message(&e)),
            }
        }
        StoreCmd::LoadDossier { req, id } => StoreEvent::Dossier {
            req,
            result: s
                .dossier(&id)
                .map(|(a, b)| (a.map(Box::new), b.map(Box::new)))
                .map_err(|e| message(&e)),
        },
        StoreCmd::AddCodes(r) => {
            match s.add_codes(&r) {
                Ok(()) => tracing::info!(count = r.codes.len(), "dossier codes reserved"),
                Err(e) => {
                    message(&e);
                }
            }
            return None;
        }
        StoreCmd::CountCodes { unit } => StoreEvent::CodesCounted {
            left: s.codes_left(&unit, crate::clock::vn_date(now)).unwrap_or(0),
            unit,
        },
        StoreCmd::RememberUnit { unit } => {
            if let Err(e) = s.set_meta(super::dossiers::META_UNIT, &unit) {
                message(&e);
            }
            return None;
        }
        StoreCmd::SaveHolidays(table) => {
            if let Ok(json) = serde_json::to_string(&table)
                && let Err(e) = s.set_meta(super::dossiers::META_HOLIDAYS, &json)
            {
                message(&e);
            }
            return None;
        }
        StoreCmd::RecordCheck { req, audit, answer } => StoreEvent::CheckRecorded {
            req,
            answer,
            result: s
                .record_lookup(&audit, now)
                .map(Box::new)
                .map_err(|e| message(&e)),
        },
        StoreCmd::QueueCheck {
            req,
            audit,
            role,
            request,
        } => StoreEvent::CheckQueued {
            req,
            result: s
                .queue_check(&audit, &role, &request, now)
                .map(Box::new)
                .map_err(|e| message(&e)),
        },
        StoreCmd::RecordHousehold { req, audits, chunk } => StoreEvent::HouseholdRecorded {
            req,
            chunk,
            result: s
                .record_lookups(&audits, now)
                .map(|_| crate::clock::rfc3339_vn(now))
                .map_err(|e| message(&e)),
        },
        StoreCmd::ReadMembers { req, path } => StoreEvent::MembersRead {
            req,
            result: read_members(&path),
        },
        StoreCmd::ExportFile {
            req,
            dir,
            prefix,
            code,
            ext,
            text,
        } => StoreEvent::Exported {
            req,
            result: crate::dossier::receipt::export_named(
                &dir,
                |n| crate::dossier::receipt::export_name(&prefix, &code, &ext, n),
                text.as_bytes(),
            )
            .map_err(|e| {
                tracing::error!(error = %e, "export");
                format!("{}: {e}", dir.display())
            }),
        },
        StoreCmd::ListOutbox { req } => StoreEvent::Outbox {
            req,
            result: s.outbox_entries(OUTBOX_PAGE).map_err(|e| message(&e)),
        },
        StoreCmd::Requeue { req, id } => StoreEvent::Requeued {
            req,
            result: match id {
                Some(id) => s.requeue(&id, now).map(usize::from),
                None => s.requeue_all(now),
            }
            .map_err(|e| message(&e)),
        },
        StoreCmd::ListAudit { req, citizen } => StoreEvent::Audit {
            req,
            result: s
                .audit_entries(citizen.as_deref(), AUDIT_PAGE)
                .map_err(|e| message(&e)),
        },
        StoreCmd::LastPurge { req } => StoreEvent::LastPurge {
            req,
            result: s.last_purge().map_err(|e| message(&e)),
        },
        StoreCmd::ExportReceipt {
            req,
            dir,
            code,
            html,
        } => StoreEvent::Exported {
            req,
            result: crate::dossier::receipt::export(&dir, &code, &html).map_err(|e| {
                tracing::error!(error = %e, "receipt export");
                format!("{}: {e}", dir.display())
            }),
        },
    })
}

/// The answer to a command when the store could not be opened.
/// Commands that expect no answer get none: the open failure is logged once and shown
/// where an answer is awaited.
fn failed(cmd: StoreCmd, e: &str) -> Option<StoreEvent> {
    let e = e.to_owned();
    Some(match cmd {
        StoreCmd::LoadCatalogue { req, .. } | StoreCmd::ApplyCatalogue { req, .. } => {
            StoreEvent::Catalogue {
                req,
                result: Err(e),
                cursor: None,
            }
        }
        StoreCmd::NewDossier { req, .. } => StoreEvent::NewDossier {
            req,
            result: Err(e),
        },
        StoreCmd::Recover { req } => StoreEvent::Recovered {
            req,
            draft: None,
            holidays: None,
            problem: None,
        },
        StoreCmd::SaveDraft { dossier, .. } => StoreEvent::DraftSaved {
            id: dossier.id,
            result: Err(e),
        },
        StoreCmd::Finalize { req, .. } => StoreEvent::Finalized {
            req,
            result: Err(e),
        },
        StoreCmd::ListDossiers { req, .. } => StoreEvent::Dossiers {
            req,
            result: Err(e),
        },
        StoreCmd::LoadDossier { req, .. } => StoreEvent::Dossier {
            req,
            result: Err(e),
        },
        StoreCmd::ExportReceipt { req, .. } | StoreCmd::ExportFile { req, .. } => {
            StoreEvent::Exported {
                req,
                result: Err(e),
            }
        }
        StoreCmd::RecordCheck { req, answer, .. } => StoreEvent::CheckRecorded {
            req,
            answer,
            result: Err(e),
        },
        StoreCmd::QueueCheck { req, .. } => StoreEvent::CheckQueued {
            req,
            result: Err(e),
        },
        StoreCmd::ListAudit { req, .. } => StoreEvent::Audit {
            req,
            result: Err(e),
        },
        StoreCmd::LastPurge { req } => StoreEvent::LastPurge {
            req,
            result: Err(e),
        },
        StoreCmd::ListOutbox { req } => StoreEvent::Outbox {
            req,
            result: Err(e),
        },
        StoreCmd::Requeue { req, .. } => StoreEvent::Requeued {
            req,
            result: Err(e),
        },
        StoreCmd::RecordHousehold { req, chunk, .. } => StoreEvent::HouseholdRecorded {
            req,
            chunk,
            result: Err(e),
        },
        StoreCmd::ReadMembers { req, path } => StoreEvent::MembersRead {
            req,
            result: read_members(&path),
        },

        StoreCmd::Open { .. }
        | StoreCmd::CloseDraft { .. }
        | StoreCmd::DiscardDraft { .. }
        | StoreCmd::AddCodes(_)
        | StoreCmd::CountCodes { .. }
        | StoreCmd::RememberUnit { .. }
        | StoreCmd::SaveHolidays(_) => return None,
    })
}

/// A members file as text, refused when too big, not a regular file (a pipe would
/// block this thread) or not readable.
fn read_members(path: &std::path::Path) -> Result<String, crate::bounded::ReadError> {
    let bytes = crate::bounded::read_regular(path, MAX_MEMBERS_FILE)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn catalogue_event(
    s: &Store,
    req: u64,
    result: Result<Vec<Procedure>, super::StoreError>,
) -> StoreEvent {
    let cursor = s.meta(super::META_CATALOGUE_CURSOR).ok().flatten();
    StoreEvent::Catalogue {
        req,
        result: result.map_err(|e| message(&e)),
        cursor,
    }
}

/// A new dossier for a procedure, saved as the open draft.
fn new_dossier(s: &mut Store, code: &str, now: Timestamp) -> Result<Dossier, String> {
    let info = s
        .procedure_info(code)
        .map_err(|e| message(&e))?
        .ok_or_else(|| format!("thủ tục {code} không còn trong danh mục / procedure {code} is no longer in the catalogue"))?;
    let received = now.to_zoned_datetime(vn_tz()).datetime();
    let received = received.round(jiff::Unit::Second).unwrap_or(received);
    let d = Dossier::new(crate::ids::new_uuid_v7(now), info, received);
    s.save_draft(&d, true, now).map_err(|e| message(&e))?;
    Ok(d)
}

fn load_catalogue(
    store: &mut Store,
    seed: Option<Vec<Procedure>>,
) -> Result<Vec<Procedure>, super::StoreError> {
    if let Some(seed) = seed
        && store.procedure_count()? == 0
    {
        store.replace_catalogue(&seed)?;
        tracing::info!(count = seed.len(), "seeded the demo catalogue");
    }
    store.procedures()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_open_draft_is_reported_not_dropped_silently() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        {
            let s =
                super::super::Store::open(&path, &crate::store::test_key(), Duration::from_secs(1))
                    .unwrap();
            s.conn
                .execute(
                    "INSERT INTO dossier (id, procedure_code, procedure_name, received_at,
                         received_day, status, draft, draft_open, updated_at)
                     VALUES ('d1', 'P', 'P', '2026-11-24T09:00:00', '2026-11-24', 1,
                         '{not json', 1, '2026-11-24T09:00:00+07:00')",
                    [],
                )
                .unwrap();
        }
        let (tx, rx) = mpsc::channel();
        let svc = StoreService::spawn(
            path.clone(),
            Duration::from_secs(1),
            Arc::new(crate::clock::SystemClock),
            move |e| {
                tx.send(e).unwrap();
            },
        )
        .unwrap();
        assert!(svc.send(StoreCmd::Open {
            key: crate::store::test_key()
        }));
        assert!(svc.send(StoreCmd::Recover { req: 7 }));
        let StoreEvent::Recovered {
            req,
            draft,
            problem,
            ..
        } = rx.recv_timeout(Duration::from_secs(10)).unwrap()
        else {
            panic!("not a recovery answer")
        };
        assert_eq!(req, 7);
        assert!(draft.is_none());
        assert!(problem.is_some_and(|p| p.contains("dossier body")));
        drop(svc);
        // The draft is kept as it was.
        let s = super::super::Store::open(&path, &crate::store::test_key(), Duration::from_secs(1))
            .unwrap();
        let kept: String = s
            .conn
            .query_row("SELECT draft FROM dossier WHERE id = 'd1'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(kept, "{not json");
    }

    #[test]
    fn answers_on_its_thread_and_seeds_once() {
        let dir = tempfile::tempdir().unwrap();
        let (tx, rx) = mpsc::channel();
        let svc = StoreService::spawn(
            dir.path().join("s.db"),
            Duration::from_secs(1),
            Arc::new(crate::clock::SystemClock),
            move |e| {
                tx.send(e).unwrap();
            },
        )
        .unwrap();
        let sample = crate::catalogue::sample();
        // Before the key: answered as failed, nothing created.
        assert!(svc.send(StoreCmd::LoadCatalogue {
            req: 0,
            seed_if_empty: Some(sample.clone())
        }));
        let StoreEvent::Catalogue { req: 0, result, .. } =
            rx.recv_timeout(Duration::from_secs(10)).unwrap()
        else {
            panic!("not a catalogue answer")
        };
        assert!(result.unwrap_err().contains("sign in first"));
        assert!(!dir.path().join("s.db").exists());
        assert!(svc.send(StoreCmd::Open {
            key: crate::store::test_key()
        }));
        assert!(svc.send(StoreCmd::LoadCatalogue {
            req: 1,
            seed_if_empty: Some(sample.clone())
        }));
        let StoreEvent::Catalogue { req, result, .. } =
            rx.recv_timeout(Duration::from_secs(10)).unwrap()
        else {
            panic!("not a catalogue answer")
        };
        assert_eq!(req, 1);
        assert_eq!(result.unwrap(), sample);
        assert!(svc.send(StoreCmd::LoadCatalogue {
            req: 2,
            seed_if_empty: Some(vec![])
        }));
        let StoreEvent::Catalogue { req, result, .. } =
            rx.recv_timeout(Duration::from_secs(10)).unwrap()
        else {
            panic!("not a catalogue answer")
        };
        assert_eq!(req, 2);
        assert_eq!(
            result.unwrap().len(),
            14,
            "seeding happens only into an empty catalogue"
        );
    }

    #[test]
    fn open_failure_is_answered_not_panicked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let (tx, rx) = mpsc::channel();
        let svc = StoreService::spawn(
            file.join("s.db"),
            Duration::from_secs(1),
            Arc::new(crate::clock::SystemClock),
            move |e| {
                tx.send(e).unwrap();
            },
        )
        .unwrap();
        svc.send(StoreCmd::Open {
            key: crate::store::test_key(),
        });
        svc.send(StoreCmd::LoadCatalogue {
            req: 9,
            seed_if_empty: None,
        });
        let StoreEvent::Catalogue { req, result, .. } =
            rx.recv_timeout(Duration::from_secs(10)).unwrap()
        else {
            panic!("not a catalogue answer")
        };
        assert_eq!(req, 9);
        assert!(result.unwrap_err().contains("not-a-dir"));
    }
}
