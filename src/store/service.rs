//! The store service: a thread that owns the SQLite connection and answers commands
//! with events. The app loop never touches SQLite itself.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use super::Store;
use crate::catalogue::Procedure;

/// A command for the store thread. `req` ties the answer to the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreCmd {
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
}

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
}

/// The handle the runtime keeps to send commands.
#[derive(Debug, Clone)]
pub struct StoreService {
    tx: mpsc::Sender<StoreCmd>,
}

impl StoreService {
    /// Opens the store on a new thread. Failures to open are reported on the first
    /// command, so the UI shows them where the data would have been.
    pub fn spawn(
        path: PathBuf,
        busy_timeout: Duration,
        reply: impl Fn(StoreEvent) + Send + 'static,
    ) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel::<StoreCmd>();
        std::thread::Builder::new()
            .name("store".into())
            .spawn(move || {
                let mut store = Store::open(&path, busy_timeout).map_err(|e| {
                    tracing::error!(error = %e, "cannot open the store");
                    e.to_string()
                });
                for cmd in rx {
                    let (req, result) = match (&mut store, cmd) {
                        (Ok(s), StoreCmd::LoadCatalogue { req, seed_if_empty }) => {
                            (req, load_catalogue(s, seed_if_empty))
                        }
                        (
                            Ok(s),
                            StoreCmd::ApplyCatalogue {
                                req,
                                changes,
                                cursor,
                                version,
                            },
                        ) => {
                            let applied = s
                                .apply_catalogue_changes(&changes, &cursor, version)
                                .and_then(|()| load_catalogue(s, None));
                            if applied.is_ok() {
                                tracing::info!(
                                    changes = changes.len(),
                                    version,
                                    "catalogue feed applied"
                                );
                            }
                            (req, applied)
                        }
                        (
                            Err(e),
                            StoreCmd::LoadCatalogue { req, .. }
                            | StoreCmd::ApplyCatalogue { req, .. },
                        ) => {
                            reply(StoreEvent::Catalogue {
                                req,
                                result: Err(e.clone()),
                                cursor: None,
                            });
                            continue;
                        }
                    };
                    let Ok(s) = &store else { continue };
                    let cursor = s.meta(super::META_CATALOGUE_CURSOR).ok().flatten();
                    let result = result.map_err(|e| {
                        tracing::error!(error = %e, "catalogue");
                        if e.is_disk_full() {
                            format!("ổ đĩa đầy / disk full: {e}")
                        } else {
                            e.to_string()
                        }
                    });
                    reply(StoreEvent::Catalogue {
                        req,
                        result,
                        cursor,
                    });
                }
            })?;
        Ok(Self { tx })
    }

    /// Sends a command; `false` when the store thread has stopped.
    pub fn send(&self, cmd: StoreCmd) -> bool {
        self.tx.send(cmd).is_ok()
    }
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
    fn answers_on_its_thread_and_seeds_once() {
        let dir = tempfile::tempdir().unwrap();
        let (tx, rx) = mpsc::channel();
        let svc = StoreService::spawn(dir.path().join("s.db"), Duration::from_secs(1), move |e| {
            tx.send(e).unwrap();
        })
        .unwrap();
        let sample = crate::catalogue::sample();
        assert!(svc.send(StoreCmd::LoadCatalogue {
            req: 1,
            seed_if_empty: Some(sample.clone())
        }));
        let StoreEvent::Catalogue { req, result, .. } =
            rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert_eq!(req, 1);
        assert_eq!(result.unwrap(), sample);
        assert!(svc.send(StoreCmd::LoadCatalogue {
            req: 2,
            seed_if_empty: Some(vec![])
        }));
        let StoreEvent::Catalogue { req, result, .. } =
            rx.recv_timeout(Duration::from_secs(10)).unwrap();
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
        let svc = StoreService::spawn(file.join("s.db"), Duration::from_secs(1), move |e| {
            tx.send(e).unwrap();
        })
        .unwrap();
        svc.send(StoreCmd::LoadCatalogue {
            req: 9,
            seed_if_empty: None,
        });
        let StoreEvent::Catalogue { req, result, .. } =
            rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert_eq!(req, 9);
        assert!(result.unwrap_err().contains("not-a-dir"));
    }
}
