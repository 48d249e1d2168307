//! The sync worker: a service on its own thread, with its own connection to the local
//! store, that runs sync passes off the render loop and reports what it did.
//!
//! It runs a pass when told a dossier was saved (`Kick`), when asked (`Now`), every
//! `period`, and as soon as the backend answers again after being unreachable (a cheap
//! `/v1/health` probe every `probe` while offline). After a failed pass it pauses with
//! jittered exponential backoff, honouring `Retry-After`; a `Kick` during a pause only
//! refreshes the counts, so saving dossiers never turns into a request storm.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{Backoff, PassOptions, PurgeOptions, Report, Stop, purge_pass, run_once};
use crate::api::client::Client;
use crate::clock::Clock;
use crate::store::Store;
use crate::store::sync::SyncSummary;

/// How the worker runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkerOptions {
    pub pass: PassOptions,
    /// A pass at least this often while all is well.
    pub period: Duration,
    /// A health probe this often while the backend cannot be reached.
    pub probe: Duration,
    pub backoff: Backoff,
    /// Seed of the jitter's dice (tests fix it).
    pub seed: u64,
    /// Retention: after a pass that reached the end, purge what is past its period (at
    /// most `every`). `None`: never.
    pub purge: Option<PurgeOptions>,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            pass: PassOptions::default(),
            period: Duration::from_mins(1),
            probe: Duration::from_secs(5),
            backoff: Backoff::default(),
            seed: 0x5eed,
            purge: None,
        }
    }
}

/// A command for the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncCmd {
    /// Something was saved: sync soon (unless paused after a failure).
    Kick,
    /// The official asked: sync now, pause or not.
    Now,
    /// An official signed in: a pass that stopped for sign-in may go on.
    SignedIn,
    /// End the worker.
    Stop,
}

/// Whether the backend answered lately, as the worker saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    Unknown,
    Online,
    Offline,
}

/// What the status bar and the sync screen show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStatus {
    pub reach: Reach,
    pub summary: SyncSummary,
    /// A pass is running.
    pub running: bool,
    /// Paused after a failure, until this long from when it was reported.
    pub paused_for: Option<Duration>,
    /// Why the last pass stopped, when it failed.
    pub last_error: Option<Stop>,
}

/// What the worker reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    Status(SyncStatus),
    /// A pass finished; its report (final codes, answers, reference-table changes).
    Pass(Box<Report>),
    /// The worker could not open the store: it is not running.
    Failed(String),
}

/// Where the worker's events go.
pub type Sink = Box<dyn Fn(SyncEvent) + Send + 'static>;

/// The handle the runtime keeps.
pub struct SyncHandle {
    tx: Sender<SyncCmd>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SyncHandle {
    /// Sends a command; `false` when the worker has gone.
    pub fn send(&self, cmd: SyncCmd) -> bool {
        self.tx.send(cmd).is_ok()
    }
}

/// How long dropping the handle waits for the worker to stop.
const STOP_WAIT: Duration = Duration::from_secs(3);

impl Drop for SyncHandle {
    fn drop(&mut self) {
        let _ = self.tx.send(SyncCmd::Stop);
        // Waited for, briefly: SQLCipher tears its crypto provider down in an `atexit`
        // handler, and a worker still inside SQLite when the process exits could crash
        // it (a failed exit status after a clean quit). A pass waiting on a hanging server
        // must not hold the app's exit for long, though: after the wait the thread is left
        // (it is then waiting on the network, not in SQLite). Every write it makes is one
        // transaction, so stopping anywhere loses nothing.
        if let Some(thread) = self.thread.take() {
            let deadline = Instant::now() + STOP_WAIT;
            while !thread.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            if thread.is_finished() {
                let _ = thread.join();
            }
        }
    }
}

/// Starts the worker on its own thread.
pub fn spawn(
    store_path: std::path::PathBuf,
    key: crate::vault::StoreKey,
    busy_timeout: Duration,
    client: Arc<Client>,
    clock: Arc<dyn Clock>,
    opts: WorkerOptions,
    sink: Sink,
) -> std::io::Result<SyncHandle> {
    let (tx, rx) = channel();
    let thread = std::thread::Builder::new()
        .name("motcua-sync".into())
        .spawn(move || {
            // The client is shared with the app: a connection this runtime opens goes
            // back to the client's pool, where an app call may pick it up while this
            // thread sleeps between passes. On a current-thread runtime nothing would
            // drive that connection then, and the app's call would hang until its
            // timeout; one runtime thread of its own keeps it served.
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("motcua-sync-io")
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    sink(SyncEvent::Failed(e.to_string()));
                    return;
                }
            };
            let opened = Store::open(&store_path, &key, busy_timeout);
            drop(key);
            let store = match opened {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!(error = %e, "sync: cannot open the store");
                    sink(SyncEvent::Failed(e.to_string()));
                    return;
                }
            };
            let mut w = Worker {
                store,
                client,
                clock,
                opts,
                sink,
                rt,
                reach: Reach::Unknown,
                failures: 0,
                paused_until: None,
                next_pass: Instant::now(),
                waiting_sign_in: false,
                last_error: None,
                dice: crate::rng::SplitMix64(opts.seed),
            };
            w.run(&rx);
        })?;
    Ok(SyncHandle {
        tx,
        thread: Some(thread),
    })
}

struct Worker {
    store: Store,
    client: Arc<Client>,
    clock: Arc<dyn Clock>,
    opts: WorkerOptions,
    sink: Sink,
    rt: tokio::runtime::Runtime,
    reach: Reach,
    failures: u32,
    paused_until: Option<Instant>,
    next_pass: Instant,
    waiting_sign_in: bool,
    last_error: Option<Stop>,
    dice: crate::rng::SplitMix64,
}

impl Worker {
    fn run(&mut self, rx: &Receiver<SyncCmd>) {
        self.report_status(false);
        loop {
            let now = Instant::now();
            let deadline = self.deadline(now);
            let cmd = match deadline {
                Some(d) => match rx.recv_timeout(d.saturating_duration_since(now)) {
                    Ok(cmd) => Some(cmd),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                },
                None => match rx.recv() {
                    Ok(cmd) => Some(cmd),
                    Err(_) => return,
                },
            };
            match cmd {
                Some(SyncCmd::Stop) => return,
                Some(SyncCmd::Kick) => {
                    if self.paused_until.is_some() || self.waiting_sign_in {
                        self.report_status(false);
                    } else {
                        self.pass();
                    }
                }
                Some(SyncCmd::Now) => {
                    self.waiting_sign_in = false;
                    self.pass();
                }
                Some(SyncCmd::SignedIn) => {
                    if std::mem::take(&mut self.waiting_sign_in) || self.reach != Reach::Online {
                        self.pass();
                    }
                }
                None => self.on_deadline(),
            }
        }
    }

    /// When to wake up without a command: the end of a pause (or the next probe while
    /// offline), else the next periodic pass; never while waiting for a sign-in.
    fn deadline(&self, now: Instant) -> Option<Instant> {
        if self.waiting_sign_in {
            return None;
        }
        match self.paused_until {
            Some(until) if self.reach == Reach::Offline => Some(until.min(now + self.opts.probe)),
            Some(until) => Some(until),
            None => Some(self.next_pass),
        }
    }

    fn on_deadline(&mut self) {
        let now = Instant::now();
        match self.paused_until {
            Some(until) if now < until => {
                // A probe while offline: the backend back means a pass at once.
                let client = self.client.clone();
                if self.rt.block_on(client.health()).is_ok() {
                    tracing::info!("sync: the backend answers again");
                    self.failures = 0;
                    self.pass();
                }
            }
            _ => self.pass(),
        }
    }

    fn pass(&mut self) {
        if self.client.official().is_none() {
            // Nobody signed in: nothing can be sent. Wait for `SignedIn` (or `Now`).
            self.waiting_sign_in = true;
            self.report_status(false);
            return;
        }
        self.report_status(true);
        let client = self.client.clone();
        let clock = self.clock.clone();
        let report = self.rt.block_on(run_once(
            &mut self.store,
            &client,
            clock.as_ref(),
            self.opts.pass,
        ));
        let now = Instant::now();
        match &report.stop {
            Stop::Done => {
                self.reach = Reach::Online;
                self.failures = 0;
                self.paused_until = None;
                self.last_error = None;
                self.purge();
            }
            Stop::NeedsSignIn { .. } => {
                self.reach = Reach::Online;
                self.waiting_sign_in = true;
                self.paused_until = None;
                self.last_error = Some(report.stop.clone());
            }
            stop => {
                if matches!(stop, Stop::Offline { .. }) {
                    self.reach = Reach::Offline;
                } else if matches!(stop, Stop::Retry { .. }) {
                    self.reach = Reach::Online;
                }
                self.failures = self.failures.saturating_add(1);
                #[allow(clippy::cast_precision_loss)]
                let unit = (self.dice.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                let delay = self
                    .opts
                    .backoff
                    .delay(self.failures, stop.retry_after(), unit);
                tracing::info!(?stop, failures = self.failures, ?delay, "sync paused");
                self.paused_until = Some(now + delay);
                self.last_error = Some(stop.clone());
            }
        }
        self.next_pass = now + self.opts.period;
        (self.sink)(SyncEvent::Pass(Box::new(report)));
        self.report_status(false);
    }

    /// The retention purge, when one is due: a failure is logged, never stops sync.
    fn purge(&mut self) {
        let (Some(opts), Some(official)) = (self.opts.purge, self.client.official()) else {
            return;
        };
        let client = self.client.clone();
        let done = self.rt.block_on(purge_pass(
            &mut self.store,
            &client,
            opts,
            false,
            &official.username,
        ));
        if let Err(e) = done {
            tracing::error!(error = %e, "sync: the retention purge failed");
        }
    }

    fn report_status(&mut self, running: bool) {
        let summary = match self.store.sync_summary() {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "sync: cannot count the queue");
                SyncSummary::default()
            }
        };
        let now = Instant::now();
        (self.sink)(SyncEvent::Status(SyncStatus {
            reach: self.reach,
            summary,
            running,
            paused_for: self.paused_until.map(|u| u.saturating_duration_since(now)),
            last_error: self.last_error.clone(),
        }));
    }
}
