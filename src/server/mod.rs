//! The reference provincial backend (`motcua serve`): the API the app talks to, over
//! real HTTP, with synthetic but realistic data. The app's demo runs it in-process on a
//! loopback port; tests start it the same way.
//!
//! Layers: `routes` (axum handlers, the error model) → `storage::Storage` (the
//! interface) → `sqlite` (the embedded engine). `synth` makes the data, `faults` breaks
//! things on purpose for tests, `auth` hashes passwords and tokens.

pub mod auth;
pub mod faults;
pub mod routes;
pub mod sqlite;
pub mod storage;
pub mod synth;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;

use crate::api::{HolidayDay, HolidayTable};
use crate::calendar::office::OfficeCalendar;
use crate::clock::{Clock, SystemClock, iso_date, rfc3339_vn, vn_date};
use crate::server::faults::FaultState;
use crate::server::routes::ReferenceJson;
use crate::server::storage::{OfficialRow, Storage};

/// The default listening address of `motcua serve`.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8787";

/// The demo official's account. The in-process demo signs in by itself; its password
/// is fixed and shown on the demo's lock screen (it guards demo data only, on a
/// loopback port).
pub const DEMO_USERNAME: &str = "demo";
pub const DEMO_PASSWORD: &str = "demo-motcua";
pub const DEMO_FULL_NAME: &str = "Cán bộ Một Cửa (demo)";
pub const DEMO_UNIT: &str = "000.00.92.H55";

/// How the server starts.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub data_dir: PathBuf,
    pub addr: SocketAddr,
    /// People to generate when the database is empty.
    pub citizens: usize,
    /// Procedures to generate when the catalogue is empty.
    pub procedures: usize,
    pub seed: u64,
    /// Access-token lifetime.
    pub token_ttl_s: u64,
    /// Mount `/v1/_test/faults` and the fault middleware.
    pub test_faults: bool,
    /// Report `demo: true` in `/v1/health`.
    pub demo: bool,
}

impl ServeOptions {
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            addr: DEFAULT_ADDR
                .parse()
                .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 8787))),
            citizens: 10_000,
            procedures: 2_000,
            seed: 1,
            token_ttl_s: 900,
            test_faults: false,
            demo: false,
        }
    }
}

/// What every handler shares.
pub struct AppState {
    pub storage: Arc<dyn Storage>,
    pub clock: Arc<dyn Clock>,
    pub token_ttl_ms: i64,
    pub demo: bool,
    pub faults: Option<Arc<FaultState>>,
    pub reference: ReferenceJson,
}

impl AppState {
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }
}

/// Opens the storage, generates the data if the database is new, and builds the state.
/// `progress` gets one line per step (for `motcua serve` on a terminal).
pub fn prepare(
    opts: &ServeOptions,
    mut progress: impl FnMut(&str),
) -> Result<Arc<AppState>, String> {
    let storage = sqlite::SqliteStorage::open(&opts.data_dir)
        .map_err(|e| format!("{}: {e}", opts.data_dir.display()))?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let now = clock.now();
    if storage.catalogue_version().map_err(|e| e.to_string())? == 0 {
        progress(&format!("generating {} procedures", opts.procedures));
        let records = synth::catalogue(opts.procedures, opts.seed);
        storage
            .publish_catalogue(&records, &rfc3339_vn(now))
            .map_err(|e| e.to_string())?;
    }
    let generated = storage.meta("generated").map_err(|e| e.to_string())?;
    if generated.is_none() && storage.citizen_count().map_err(|e| e.to_string())? > 0 {
        // A generation was cut short (the process was killed): start it again.
        progress("removing an incomplete generation");
        storage.clear_population().map_err(|e| e.to_string())?;
    }
    if generated.is_none() && opts.citizens > 0 {
        progress(&format!(
            "generating {} citizens (seed {})",
            opts.citizens, opts.seed
        ));
        let mut batch = Vec::with_capacity(1024);
        let mut failed = None;
        synth::generate_people(opts.citizens, opts.seed, |household, people| {
            if failed.is_some() {
                return;
            }
            batch.push((household, people));
            if batch.len() == 1024 {
                if let Err(e) = storage.insert_households(&batch) {
                    failed = Some(e);
                }
                batch.clear();
            }
        });
        if let Some(e) = failed {
            return Err(e.to_string());
        }
        storage
            .insert_households(&batch)
            .map_err(|e| e.to_string())?;
        storage
            .set_meta(
                "generated",
                &format!("citizens={} seed={}", opts.citizens, opts.seed),
            )
            .map_err(|e| e.to_string())?;
    }
    let holidays = holiday_table(vn_date(now).year());
    Ok(Arc::new(AppState {
        storage: Arc::new(storage),
        clock,
        token_ttl_ms: i64::try_from(opts.token_ttl_s.saturating_mul(1000)).unwrap_or(i64::MAX),
        demo: opts.demo,
        faults: opts.test_faults.then(|| Arc::new(FaultState::default())),
        reference: ReferenceJson::build(&holidays),
    }))
}

/// The holiday table the server publishes: the statutory days off computed for last
/// year, this year and the next two.
pub fn holiday_table(this_year: i16) -> HolidayTable {
    let years: Vec<i32> = (i32::from(this_year) - 1..=i32::from(this_year) + 2).collect();
    let computed = OfficeCalendar::default();
    let mut days = Vec::new();
    for &y in &years {
        for d in computed.year(y) {
            days.push(HolidayDay {
                date: iso_date(d.date),
                name: d.name,
                kind: d.kind,
            });
        }
    }
    HolidayTable {
        version: format!("computed-{}-{}", years[0], years[years.len() - 1]),
        years,
        days,
    }
}

/// Creates or replaces an official's account.
pub fn add_official(
    state: &AppState,
    username: &str,
    full_name: &str,
    unit_code: &str,
    password: &str,
) -> Result<(), String> {
    let password_hash = auth::hash_password(password)?;
    state
        .storage
        .put_official(&OfficialRow {
            username: username.to_owned(),
            full_name: full_name.to_owned(),
            unit_code: unit_code.to_owned(),
            password_hash,
            failures: 0,
            locked_until: None,
        })
        .map_err(|e| e.to_string())
}

/// A server running on its own thread and runtime; stops when dropped.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningServer {
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts the server on `opts.addr` (port 0 picks a free one) on a thread of its own.
pub fn spawn(state: Arc<AppState>, addr: SocketAddr) -> Result<RunningServer, String> {
    let listener = std::net::TcpListener::bind(addr).map_err(|e| format!("{addr}: {e}"))?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let router = routes::router(state.clone());
    let thread = std::thread::Builder::new()
        .name("motcua-server".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("motcua-server-worker")
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    tracing::error!(target: "server", "runtime: {e}");
                    return;
                }
            };
            rt.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => l,
                    Err(e) => {
                        tracing::error!(target: "server", "listener: {e}");
                        return;
                    }
                };
                // Not a graceful shutdown: a hanging request (a test fault) must not
                // keep the server alive after its owner has gone.
                let serve = axum::serve(listener, router).into_future();
                tokio::select! {
                    _ = serve => {}
                    _ = stop_rx => {}
                }
            });
            rt.shutdown_timeout(std::time::Duration::from_millis(200));
        })
        .map_err(|e| e.to_string())?;
    Ok(RunningServer {
        addr,
        state,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generation_cut_short_is_done_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut opts = ServeOptions::new(dir.path().to_path_buf());
        opts.citizens = 60;
        opts.procedures = 20;
        let state = prepare(&opts, |_| {}).unwrap();
        assert_eq!(state.storage.citizen_count().unwrap(), 60);
        drop(state);
        // As if the process died after some households: no `generated` mark.
        let conn = rusqlite::Connection::open(dir.path().join("backend.db")).unwrap();
        conn.execute_batch(
            "DELETE FROM meta WHERE key = 'generated';
             DELETE FROM citizen WHERE household_id > 3;",
        )
        .unwrap();
        drop(conn);
        let mut steps = Vec::new();
        let state = prepare(&opts, |s| steps.push(s.to_owned())).unwrap();
        assert_eq!(state.storage.citizen_count().unwrap(), 60);
        assert!(steps.iter().any(|s| s.contains("incomplete")), "{steps:?}");
        // A complete one is kept as it is.
        let mut steps = Vec::new();
        prepare(&opts, |s| steps.push(s.to_owned())).unwrap();
        assert!(steps.is_empty(), "{steps:?}");
    }

    #[test]
    fn the_holiday_table_covers_four_years_with_quoc_khanh() {
        let t = holiday_table(2026);
        assert_eq!(t.years, vec![2025, 2026, 2027, 2028]);
        for y in &t.years {
            assert!(t.days.iter().any(|d| d.date == format!("{y}-09-02")));
            assert!(t.days.iter().any(|d| d.date == format!("{y}-01-01")));
        }
        assert!(t.days.iter().any(|d| d.date == "2026-02-17"), "Tết 2026");
    }
}
