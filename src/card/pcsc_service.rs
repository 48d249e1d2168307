//! The card service: a thread that watches the PC/SC readers (through pcscd) and reads
//! a CCCD's chip on request. Runtime-agnostic: commands go in through a [`CardHandle`],
//! events come out through the function given to [`spawn`] (the app turns them into its
//! messages).
//!
//! - The thread waits on `SCardGetStatusChange` in short rounds ([`POLL`]), with the
//!   `\\?PnP?\Notification` pseudo-reader for readers plugged in or out, so card
//!   insertion and removal are seen at once; a command wakes it (`SCardCancel`). When
//!   pcscd is not running, or stops, it says so and tries again every [`RETRY`], with a
//!   new context.
//! - [`CardEvent::Reader`] is sent only when the state shown to the official changes.
//! - A read connects in shared mode, holds a PC/SC transaction for its length, and
//!   resets the card when done (the secure-messaging session ends with it).
//! - [`CardCmd::Cancel`] stops a read within one APDU: the transport checks a flag
//!   before each command.
//!
//! Nothing here panics on what pcscd or the card says.

use std::ffi::{CStr, CString};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use pcsc::{Context, Disposition, Protocols, Scope, ShareMode, State};

use super::reader::{self, ReadError, Transport};
pub use super::service::{
    CardCmd, CardEvent, ChipRead, ReaderState, STEP_AUTHENTICATE, STEP_CONNECT, STEP_READ,
    STEP_VERIFY, ServiceError,
};

/// How long one wait for a reader change lasts before the thread looks at its commands
/// again (commands also wake it at once).
pub const POLL: Duration = Duration::from_millis(300);

/// How long the thread waits for a follow-up command after running one, before it goes
/// back to watching the readers.
const FOLLOW_UP: Duration = Duration::from_millis(20);

/// How often the thread tries again while pcscd is not running or fails.
pub const RETRY: Duration = Duration::from_secs(1);

/// The service's settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceConfig {
    /// The config's `card.reader`: a reader's name, or a part of one (any case); `None`
    /// picks automatically (the first reader with a card, else the first reader).
    pub reader: Option<String>,
    /// The folder of trusted CSCA certificates for passive authentication.
    pub csca_dir: Option<std::path::PathBuf>,
}

impl ServiceConfig {
    /// From the config's `card.reader` text (blank: automatic).
    #[must_use]
    pub fn from_setting(reader: &str) -> Self {
        let reader = reader.trim();
        Self {
            reader: (!reader.is_empty()).then(|| reader.to_owned()),
            csca_dir: None,
        }
    }
}

impl From<pcsc::Error> for ServiceError {
    fn from(e: pcsc::Error) -> Self {
        use pcsc::Error as E;
        match e {
            E::NoService | E::ServiceStopped => ServiceError::NoService,
            E::NoReadersAvailable => ServiceError::NoReader,
            E::UnknownReader | E::ReaderUnavailable => ServiceError::ReaderGone,
            E::RemovedCard | E::ResetCard | E::NoSmartcard => ServiceError::Removed,
            E::SharingViolation => ServiceError::Busy,
            E::Cancelled => ServiceError::Cancelled,
            e => ServiceError::Pcsc(e.to_string()),
        }
    }
}

/// The service's handle: commands go in through [`CardHandle::send`]. Dropping it stops
/// the thread and waits for it (at most one wait round or one APDU).
pub struct CardHandle {
    tx: Sender<CardCmd>,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    /// Kept only when the thread could not start, to answer reads with an error.
    orphan_sink: Option<Sink>,
}

/// Where events go: the function given to [`spawn`], called on the card thread.
type Sink = Arc<Mutex<dyn Fn(CardEvent) + Send>>;

/// What the handle and the thread share.
struct Shared {
    cancel: AtomicBool,
    stop: AtomicBool,
    /// A command was sent since the thread last looked: it must not start a wait.
    woken: AtomicBool,
    /// A clone of the thread's PC/SC context, to wake its wait (`SCardCancel`).
    waker: Mutex<Option<Context>>,
}

impl Shared {
    /// Makes the thread look at its commands: no new wait starts, and the one under way
    /// ends (`SCardCancel`).
    fn wake(&self) {
        self.woken.store(true, Ordering::SeqCst);
        let waker = self.waker.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(ctx) = waker.as_ref() {
            let _ = ctx.cancel();
        }
    }

    fn set_waker(&self, ctx: Option<Context>) {
        *self.waker.lock().unwrap_or_else(PoisonError::into_inner) = ctx;
    }
}

impl CardHandle {
    /// Sends a command. `Cancel` and `Shutdown` take effect at once, even mid-read.
    pub fn send(&self, cmd: CardCmd) {
        match &cmd {
            CardCmd::Cancel => self.shared.cancel.store(true, Ordering::SeqCst),
            CardCmd::Shutdown => self.shared.stop.store(true, Ordering::SeqCst),
            CardCmd::Read { id, .. } => {
                if let Some(sink) = &self.orphan_sink {
                    let sink = sink.lock().unwrap_or_else(PoisonError::into_inner);
                    sink(CardEvent::Done {
                        id: *id,
                        result: Err(ServiceError::Pcsc("the card thread is not running".into())),
                    });
                    return;
                }
            }
        }
        let _ = self.tx.send(cmd);
        self.shared.wake();
    }

    /// Stops the thread and waits for it (what dropping the handle does).
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        let _ = self.tx.send(CardCmd::Shutdown);
        self.shared.wake();
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the card thread panicked");
        }
    }
}

impl super::service::CardLink for CardHandle {
    fn send(&self, cmd: CardCmd) {
        CardHandle::send(self, cmd);
    }
}

impl Drop for CardHandle {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// Starts the card thread; `sink` receives its events (on that thread).
pub fn spawn(cfg: ServiceConfig, sink: impl Fn(CardEvent) + Send + 'static) -> CardHandle {
    let (tx, rx) = mpsc::channel();
    let shared = Arc::new(Shared {
        cancel: AtomicBool::new(false),
        stop: AtomicBool::new(false),
        woken: AtomicBool::new(false),
        waker: Mutex::new(None),
    });
    let sink: Sink = Arc::new(Mutex::new(sink));
    let service = Service {
        cfg,
        sink: Arc::clone(&sink),
        rx,
        shared: Arc::clone(&shared),
        ctx: None,
        watch: Vec::new(),
        readers: Vec::new(),
        last: None,
    };
    match std::thread::Builder::new()
        .name("card".into())
        .spawn(move || service.run())
    {
        Ok(thread) => CardHandle {
            tx,
            shared,
            thread: Some(thread),
            orphan_sink: None,
        },
        Err(e) => {
            tracing::error!(error = %e, "cannot start the card thread");
            {
                let sink = sink.lock().unwrap_or_else(PoisonError::into_inner);
                sink(CardEvent::Reader(ReaderState::Error(e.to_string())));
            }
            CardHandle {
                tx,
                shared,
                thread: None,
                orphan_sink: Some(sink),
            }
        }
    }
}

/// The readers pcscd knows, each with whether a card is on it.
pub fn list_readers() -> Result<Vec<(String, bool)>, ServiceError> {
    let ctx = Context::establish(Scope::User)?;
    snapshot(&ctx).map_err(ServiceError::from)
}

/// The reader to use: the configured one (its exact name, else the first whose name
/// contains it, in any case), or the first reader with a card, else the first reader.
#[must_use]
pub fn choose_reader<'a>(
    wanted: Option<&str>,
    readers: &'a [(String, bool)],
) -> Option<&'a (String, bool)> {
    match wanted.map(str::trim).filter(|w| !w.is_empty()) {
        Some(w) => readers.iter().find(|(n, _)| n == w).or_else(|| {
            let w = w.to_lowercase();
            readers.iter().find(|(n, _)| n.to_lowercase().contains(&w))
        }),
        None => readers.iter().find(|(_, card)| *card).or(readers.first()),
    }
}

/// The state shown for a reader list.
fn state_of(cfg: &ServiceConfig, readers: &[(String, bool)]) -> ReaderState {
    match choose_reader(cfg.reader.as_deref(), readers) {
        Some((reader, card)) => ReaderState::Ready {
            reader: reader.clone(),
            card: *card,
        },
        None => ReaderState::NoReader,
    }
}

/// The state shown when PC/SC fails.
fn state_of_error(e: pcsc::Error) -> ReaderState {
    match ServiceError::from(e) {
        ServiceError::NoService => ReaderState::NoService,
        ServiceError::NoReader | ServiceError::ReaderGone => ReaderState::NoReader,
        _ => ReaderState::Error(e.to_string()),
    }
}

/// The readers' names (none is not an error).
fn reader_names(ctx: &Context) -> Result<Vec<CString>, pcsc::Error> {
    // The list can grow between asking its length and reading it: try again then.
    for _ in 0..3 {
        let len = match ctx.list_readers_len() {
            Ok(len) => len,
            Err(pcsc::Error::NoReadersAvailable) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut buf = vec![0u8; len + 256];
        match ctx.list_readers(&mut buf) {
            Ok(names) => return Ok(names.map(CStr::to_owned).collect()),
            Err(pcsc::Error::NoReadersAvailable) => return Ok(Vec::new()),
            Err(pcsc::Error::InsufficientBuffer) => {}
            Err(e) => return Err(e),
        }
    }
    Err(pcsc::Error::InsufficientBuffer)
}

/// Every reader with whether a card is present, asked now.
fn snapshot(ctx: &Context) -> Result<Vec<(String, bool)>, pcsc::Error> {
    let names = reader_names(ctx)?;
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut states: Vec<pcsc::ReaderState> = names
        .into_iter()
        .map(|n| pcsc::ReaderState::new(n, State::UNAWARE))
        .collect();
    match ctx.get_status_change(Duration::ZERO, &mut states) {
        Ok(()) | Err(pcsc::Error::Timeout) => {}
        Err(e) => return Err(e),
    }
    Ok(states
        .iter()
        .filter(|rs| !gone(rs))
        .map(|rs| (name_of(rs), rs.event_state().contains(State::PRESENT)))
        .collect())
}

fn name_of(rs: &pcsc::ReaderState) -> String {
    rs.name().to_string_lossy().into_owned()
}

fn is_pnp(rs: &pcsc::ReaderState) -> bool {
    rs.name() == pcsc::PNP_NOTIFICATION()
}

/// The reader went away (or, for the PnP entry, notification is not supported).
fn gone(rs: &pcsc::ReaderState) -> bool {
    rs.event_state().intersects(State::UNKNOWN | State::IGNORE)
}

/// The thread's state.
struct Service {
    cfg: ServiceConfig,
    sink: Sink,
    rx: Receiver<CardCmd>,
    shared: Arc<Shared>,
    ctx: Option<Context>,
    /// What `SCardGetStatusChange` watches: the PnP pseudo-reader (while supported) and
    /// every reader.
    watch: Vec<pcsc::ReaderState>,
    /// The readers as last seen, with whether a card is on each.
    readers: Vec<(String, bool)>,
    /// The state last sent.
    last: Option<ReaderState>,
}

impl Service {
    fn emit(&self, ev: CardEvent) {
        let sink = self.sink.lock().unwrap_or_else(PoisonError::into_inner);
        sink(ev);
    }

    fn emit_state(&mut self, state: ReaderState) {
        if self.last.as_ref() != Some(&state) {
            self.last = Some(state.clone());
            self.emit(CardEvent::Reader(state));
        }
    }

    fn stopping(&self) -> bool {
        self.shared.stop.load(Ordering::SeqCst)
    }

    fn run(mut self) {
        tracing::debug!("card thread started");
        let mut failures = 0u32;
        while self.commands() && !self.stopping() {
            if self.ctx.is_none() {
                match Context::establish(Scope::User) {
                    Ok(ctx) => {
                        self.shared.set_waker(Some(ctx.clone()));
                        self.ctx = Some(ctx);
                        self.watch.clear();
                    }
                    Err(e) => {
                        self.emit_state(state_of_error(e));
                        if !self.idle(RETRY) {
                            break;
                        }
                        continue;
                    }
                }
            }
            match self.watch_round() {
                Ok(true) => failures = 0,
                Ok(false) => break,
                Err(e) => {
                    tracing::info!(error = %e, "PC/SC watch failed; a new context follows");
                    self.drop_context();
                    failures += 1;
                    // pcscd stopping shows first as a broken connection: the new context
                    // tells whether it is gone, so a first failure is not shown.
                    if failures > 1 {
                        self.emit_state(state_of_error(e));
                        if !self.idle(RETRY) {
                            break;
                        }
                    }
                }
            }
        }
        self.drop_context();
        tracing::debug!("card thread stopped");
    }

    fn drop_context(&mut self) {
        self.shared.set_waker(None);
        self.watch.clear();
        self.ctx = None;
    }

    /// Runs the queued commands; `false` when the thread must stop.
    /// After a command, the next often follows at once (read again, cancel): waiting a
    /// moment for it on the channel beats starting a wait the wake-up may miss.
    fn commands(&mut self) -> bool {
        let mut ran = false;
        loop {
            let next = if ran {
                self.rx.recv_timeout(FOLLOW_UP).map_err(|e| match e {
                    RecvTimeoutError::Timeout => TryRecvError::Empty,
                    RecvTimeoutError::Disconnected => TryRecvError::Disconnected,
                })
            } else {
                self.rx.try_recv()
            };
            match next {
                Ok(cmd) => {
                    ran = true;
                    if !self.command(cmd) {
                        return false;
                    }
                }
                Err(TryRecvError::Empty) => return true,
                Err(TryRecvError::Disconnected) => return false,
            }
        }
    }

    /// Waits up to `d` for a command and runs it; `false` when the thread must stop.
    fn idle(&mut self, d: Duration) -> bool {
        match self.rx.recv_timeout(d) {
            Ok(cmd) => self.command(cmd),
            Err(RecvTimeoutError::Timeout) => true,
            Err(RecvTimeoutError::Disconnected) => false,
        }
    }

    fn command(&mut self, cmd: CardCmd) -> bool {
        match cmd {
            CardCmd::Read {
                id,
                bac_info,
                want_dg2,
            } => {
                tracing::debug!(id, want_dg2, "card read asked");
                let result = self.read(id, &bac_info, want_dg2);
                match &result {
                    Ok(r) => {
                        tracing::info!(id, apdus = r.read.apdu_count, pa = r.pa.level, "card read");
                    }
                    Err(e) => tracing::info!(id, error = %e, "card read failed"),
                }
                self.emit(CardEvent::Done { id, result });
                true
            }
            // Every command sent before this one has run: reads asked after it go on.
            CardCmd::Cancel => {
                self.shared.cancel.store(false, Ordering::SeqCst);
                true
            }
            CardCmd::Shutdown => false,
        }
    }

    /// One round: list the readers, wait up to [`POLL`] for a change, report the state.
    /// `Ok(false)` when the thread must stop.
    fn watch_round(&mut self) -> Result<bool, pcsc::Error> {
        let Some(ctx) = self.ctx.as_ref() else {
            return Ok(true);
        };
        let names = reader_names(ctx)?;
        let fresh = self.watch.is_empty();
        if fresh {
            self.watch.push(pcsc::ReaderState::new(
                pcsc::PNP_NOTIFICATION(),
                State::UNAWARE,
            ));
        }
        self.watch
            .retain(|rs| is_pnp(rs) || names.iter().any(|n| n.as_c_str() == rs.name()));
        for n in names {
            if !self.watch.iter().any(|rs| rs.name() == n.as_c_str()) {
                self.watch.push(pcsc::ReaderState::new(n, State::UNAWARE));
            }
        }
        if self.watch.is_empty() {
            // No reader, and no PnP notification: look again after a while.
            self.readers.clear();
            let state = state_of(&self.cfg, &self.readers);
            self.emit_state(state);
            return Ok(self.idle(POLL));
        }
        for rs in &mut self.watch {
            rs.sync_current_state();
        }
        // A command sent while the readers were listed: run it first (`SCardCancel` only
        // ends a wait under way, it does not stop the next one).
        if self.shared.woken.swap(false, Ordering::SeqCst) {
            return Ok(true);
        }
        match ctx.get_status_change(POLL, &mut self.watch) {
            // Timeout: nothing changed. Cancelled: a command woke us.
            Ok(()) | Err(pcsc::Error::Timeout | pcsc::Error::Cancelled) => {}
            // A reader left between the listing and the wait: the next round lists again.
            Err(pcsc::Error::UnknownReader) => return Ok(true),
            Err(e) => return Err(e),
        }
        if let Some(pnp) = self.watch.iter().position(is_pnp)
            && gone(&self.watch[pnp])
        {
            tracing::debug!("PC/SC reader notification not supported");
            self.watch.remove(pnp);
        }
        self.readers = self
            .watch
            .iter()
            .filter(|rs| !is_pnp(rs) && !gone(rs))
            .map(|rs| (name_of(rs), rs.event_state().contains(State::PRESENT)))
            .collect();
        let state = state_of(&self.cfg, &self.readers);
        self.emit_state(state);
        Ok(true)
    }

    fn read(
        &mut self,
        id: u64,
        bac_info: &str,
        want_dg2: bool,
    ) -> Result<Box<ChipRead>, ServiceError> {
        if self.shared.cancel.load(Ordering::SeqCst) || self.stopping() {
            return Err(ServiceError::Cancelled);
        }
        if self.ctx.is_none() {
            let ctx = Context::establish(Scope::User)?;
            self.shared.set_waker(Some(ctx.clone()));
            self.ctx = Some(ctx);
            self.watch.clear();
        }
        let Some(ctx) = self.ctx.as_ref() else {
            return Err(ServiceError::NoService);
        };
        let readers = snapshot(ctx).map_err(|e| match ServiceError::from(e) {
            ServiceError::ReaderGone => ServiceError::NoReader,
            e => e,
        })?;
        let (name, card) =
            choose_reader(self.cfg.reader.as_deref(), &readers).ok_or(ServiceError::NoReader)?;
        if !card {
            return Err(ServiceError::NoCard);
        }
        let name = CString::new(name.as_bytes()).map_err(|_| ServiceError::NoReader)?;
        self.emit(CardEvent::Progress {
            id,
            step: STEP_CONNECT,
        });
        let mut card = ctx
            .connect(&name, ShareMode::Shared, Protocols::ANY)
            .map_err(|e| match e {
                pcsc::Error::NoSmartcard | pcsc::Error::RemovedCard => ServiceError::NoCard,
                e => ServiceError::from(e),
            })?;
        let result = {
            let tx = card.transaction().map_err(ServiceError::from)?;
            let progress = |step| self.emit(CardEvent::Progress { id, step });
            let mut transport = PcscTransport {
                card: &tx,
                buf: vec![0; pcsc::MAX_BUFFER_SIZE_EXTENDED],
                shared: &self.shared,
                progress: &progress,
                step: None,
                failure: None,
            };
            let mut random_failed = false;
            let mut random = |buf: &mut [u8]| {
                if getrandom::fill(buf).is_err() {
                    random_failed = true;
                }
            };
            let result =
                reader::read_with(&mut transport, bac_info, &mut random, want_dg2, &mut |_| {});
            match (result, transport.failure) {
                (Ok(_), _) if random_failed => Err(ServiceError::Random),
                (Ok(read), _) => Ok(read),
                (Err(ReadError::Transport(_)), Some(Failure::Cancelled)) => {
                    Err(ServiceError::Cancelled)
                }
                (Err(ReadError::Transport(msg)), Some(Failure::Pcsc(e))) => {
                    match ServiceError::from(e) {
                        // Anything else the reader said is a failed transfer.
                        ServiceError::Pcsc(_) => Err(ServiceError::Read(ReadError::Transport(msg))),
                        e => Err(e),
                    }
                }
                (Err(e), _) => Err(ServiceError::Read(e)),
            }
            // The transaction ends here (leave the card as it is, then reset it below).
        };
        // Reset: the secure-messaging session ends with the read.
        if let Err((_, e)) = card.disconnect(Disposition::ResetCard) {
            tracing::debug!(error = %e, "card disconnect failed");
        }
        let read = result?;
        self.emit(CardEvent::Progress {
            id,
            step: STEP_VERIFY,
        });
        let pa = super::service::authenticate(&read, self.cfg.csca_dir.as_deref());
        Ok(Box::new(ChipRead {
            read,
            pa,
            reader: name.to_string_lossy().into_owned(),
            at: super::service::office_now(),
        }))
    }
}

/// Why the transport stopped a read.
enum Failure {
    Cancelled,
    /// An answer without a status word.
    Silent,
    Pcsc(pcsc::Error),
}

/// A connected card as the reader's [`Transport`]: checks the cancel flag before each
/// APDU, remembers why a transfer failed, and reports progress from the commands it
/// sees (GET CHALLENGE starts BAC; the first protected command starts the files).
struct PcscTransport<'a> {
    card: &'a pcsc::Card,
    buf: Vec<u8>,
    shared: &'a Shared,
    progress: &'a dyn Fn(&'static str),
    step: Option<&'static str>,
    failure: Option<Failure>,
}

impl PcscTransport<'_> {
    fn step(&mut self, step: &'static str) {
        if self.step != Some(step) {
            self.step = Some(step);
            (self.progress)(step);
        }
    }
}

impl Transport for PcscTransport<'_> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, String> {
        if self.shared.cancel.load(Ordering::SeqCst) || self.shared.stop.load(Ordering::SeqCst) {
            self.failure = Some(Failure::Cancelled);
            return Err("cancelled".into());
        }
        match apdu {
            [cla, ..] if cla & 0x0C == 0x0C => self.step(STEP_READ),
            [_, 0x84, ..] => self.step(STEP_AUTHENTICATE),
            _ => {}
        }
        match self.card.transmit(apdu, &mut self.buf) {
            Ok(answer) if answer.len() >= 2 => Ok(answer.to_vec()),
            // No status word: the card stopped answering (vpcd passes a closed socket on
            // as an empty answer). A real card always ends with SW1 SW2.
            Ok(_) => {
                self.failure = Some(Failure::Silent);
                Err("the card did not answer".into())
            }
            Err(e) => {
                self.failure = Some(Failure::Pcsc(e));
                Err(e.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readers(list: &[(&str, bool)]) -> Vec<(String, bool)> {
        list.iter().map(|(n, c)| ((*n).to_owned(), *c)).collect()
    }

    #[test]
    fn the_reader_is_chosen_by_name_or_by_its_card() {
        let r = readers(&[
            (
                "ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00",
                false,
            ),
            (
                "ACS ACR1252 Dual Reader [ACR1252 Dual Reader SAM] 00 01",
                true,
            ),
            ("Virtual PCD 00 00", true),
        ]);
        let name = |w: Option<&str>| choose_reader(w, &r).map(|(n, _)| n.as_str());
        // Automatic: the first with a card.
        assert_eq!(name(None), Some(r[1].0.as_str()));
        assert_eq!(name(Some("  ")), Some(r[1].0.as_str()));
        // Exact name first, then a part of one in any case.
        assert_eq!(name(Some("Virtual PCD 00 00")), Some("Virtual PCD 00 00"));
        assert_eq!(name(Some("picc")), Some(r[0].0.as_str()));
        assert_eq!(name(Some("virtual")), Some("Virtual PCD 00 00"));
        assert_eq!(name(Some("Omnikey")), None);
        // No card anywhere: the first reader.
        let empty = readers(&[("A 00 00", false), ("B 00 00", false)]);
        assert_eq!(
            choose_reader(None, &empty).map(|(n, _)| n.as_str()),
            Some("A 00 00")
        );
        assert_eq!(choose_reader(None, &[]), None);
    }

    #[test]
    fn the_state_follows_the_chosen_reader() {
        let cfg = ServiceConfig::from_setting("virtual pcd 00 01");
        assert_eq!(cfg.reader.as_deref(), Some("virtual pcd 00 01"));
        let r = readers(&[("Virtual PCD 00 00", true), ("Virtual PCD 00 01", false)]);
        assert_eq!(
            state_of(&cfg, &r),
            ReaderState::Ready {
                reader: "Virtual PCD 00 01".into(),
                card: false
            }
        );
        assert_eq!(state_of(&cfg, &r[..1]), ReaderState::NoReader);
        assert_eq!(ServiceConfig::from_setting(" ").reader, None);
    }

    #[test]
    fn pcsc_errors_map_to_what_the_official_is_told() {
        use pcsc::Error as E;
        let key = |e: E| ServiceError::from(e).key();
        assert_eq!(key(E::NoService), "card.no_service");
        assert_eq!(key(E::ServiceStopped), "card.no_service");
        assert_eq!(key(E::NoReadersAvailable), "card.no_reader");
        assert_eq!(key(E::UnknownReader), "card.reader_gone");
        assert_eq!(key(E::ReaderUnavailable), "card.reader_gone");
        assert_eq!(key(E::RemovedCard), "card.removed");
        assert_eq!(key(E::ResetCard), "card.removed");
        assert_eq!(key(E::NoSmartcard), "card.removed");
        assert_eq!(key(E::SharingViolation), "card.busy");
        assert_eq!(key(E::CommError), "card.reader_error");
        assert_eq!(
            ServiceError::from(E::CommError).args(),
            [("error", E::CommError.to_string())]
        );
        assert_eq!(
            ServiceError::Read(ReadError::WrongKey).key(),
            "card.wrong_key"
        );
        assert_eq!(state_of_error(E::NoService), ReaderState::NoService);
        assert_eq!(state_of_error(E::NoReadersAvailable), ReaderState::NoReader);
        assert!(matches!(
            state_of_error(E::CommError),
            ReaderState::Error(_)
        ));
    }

    #[test]
    fn every_key_is_in_both_string_tables() {
        use crate::i18n::Lang;
        let keys = [
            ServiceError::NoService,
            ServiceError::NoReader,
            ServiceError::ReaderGone,
            ServiceError::NoCard,
            ServiceError::Removed,
            ServiceError::Cancelled,
            ServiceError::Busy,
            ServiceError::Random,
            ServiceError::Pcsc(String::new()),
        ]
        .map(|e| e.key());
        for key in keys
            .iter()
            .chain(&[STEP_CONNECT, STEP_AUTHENTICATE, STEP_READ])
        {
            for lang in [Lang::Vi, Lang::En] {
                assert!(lang.table().contains_key(*key), "{key} missing in {lang:?}");
            }
        }
    }

    #[test]
    fn the_bac_information_is_not_printed() {
        let cmd = CardCmd::Read {
            id: 3,
            bac_info: "192019782992051493205146".into(),
            want_dg2: false,
        };
        let shown = format!("{cmd:?}");
        assert!(!shown.contains("1920197"), "{shown}");
        assert!(shown.contains("id: 3"), "{shown}");
    }
}
