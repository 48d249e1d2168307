//! The application core: one `State`, typed messages in, effects out.
//!
//! `update` is pure: it changes the state and returns effects for the runtime to carry
//! out (talk to a service, quit, clear the screen). `render` (in `render.rs`) draws the
//! state and does no I/O. The runtime (`runtime.rs`) owns the terminal and the services.

mod card_flow;
pub use card_flow::chip_view;
mod check_flow;
pub use check_flow::failure_text as check_failure_text;
mod dossier_flow;
mod household_flow;
pub mod render;
pub mod runtime;
pub mod scan;
mod sync_flow;
pub mod term;

use std::path::PathBuf;

use ratatui::crossterm::event::{KeyEvent, KeyEventKind};

use crate::action::Action;
use crate::api::Official;
use crate::api::client::ErrorClass;
use crate::api::service::{BackendCmd, BackendEvent};
use crate::calendar::office::OfficeCalendar;
use crate::catalogue::Procedure;
use crate::i18n::Lang;
use crate::keymap::{Group, Key, Keymap};
use crate::screens::audit::AuditState;
use crate::screens::check::CheckState;
use crate::screens::dossiers::DossiersState;
use crate::screens::household::HouseholdState;
use crate::screens::intake::IntakeState;
use crate::screens::procedures::ProceduresState;
use crate::screens::sign_in::SignInState;
use crate::store::service::{StoreCmd, StoreEvent};
use crate::text::MatchMode;
use crate::theme::Theme;
use crate::ui::layers::{ConfirmState, DetailState, HelpState, Layer, PaletteState};

/// The smallest terminal every screen is designed for.
pub const MIN_WIDTH: u16 = 80;
/// The smallest terminal every screen is designed for.
pub const MIN_HEIGHT: u16 = 24;

/// The longest paste taken (bytes). A members list is the longest thing worth pasting
/// (about 30,000 lines fit); a longer list is read from its file. A longer paste is
/// refused whole, before any screen copies, cleans or parses it (the terminal library
/// has already read it: that copy is the only one).
pub const MAX_PASTE: usize = 1024 * 1024;

/// Something that happened: a key, a paste, a resize, a service's answer, a signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Store(StoreEvent),
    Backend(BackendEvent),
    /// The card service reported something.
    Card(crate::card::service::CardEvent),
    /// A scanner sent a QR code (a keyboard-wedge burst or a serial line), at this
    /// office time.
    Scan {
        text: String,
        at: jiff::civil::DateTime,
    },
    /// The serial scanner cannot be read.
    ScannerProblem(String),
    /// A scan longer than any CCCD's QR code was dropped (`len` bytes): a keyboard-wedge
    /// burst or a serial line.
    ScanTooLong {
        len: usize,
    },
    /// The draft-save timer ran out (armed by `Effect::DraftTimer`).
    DraftTimer,
    /// The sync worker reported something.
    Sync(crate::sync::worker::SyncEvent),
    /// No key for `[security] idle_lock_min`: lock the screen.
    Idle,
    /// The demo backend was switched: running now (`Ok(true)`) or not; or it failed.
    DemoBackend(Result<bool, String>),
    /// SIGTERM, SIGHUP or the terminal's input closed: leave cleanly.
    Shutdown,
}

/// Something for the runtime to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Store(StoreCmd),
    Backend(BackendCmd),
    Card(crate::card::service::CardCmd),
    /// Sign in with the credentials the runtime holds (the embedded demo's official);
    /// the answer comes back as `BackendEvent::SignedIn { req, .. }`.
    AutoSignIn {
        req: u64,
    },
    /// Send `Msg::DraftTimer` after this many milliseconds.
    DraftTimer {
        after_ms: u64,
    },
    /// A command for the sync worker.
    Sync(crate::sync::worker::SyncCmd),
    /// Demo only: stop (`on: false`) or start the embedded backend; the answer comes
    /// back as `Msg::DemoBackend`.
    DemoBackend {
        on: bool,
    },
    /// Open the local store with its key (sent to the store thread; the sync worker
    /// starts with it). Sent once, after the first sign-in.
    OpenStore(crate::vault::StoreKey),
    /// Clear and fully repaint the terminal.
    ClearScreen,
    Quit,
}

/// A one-line message shown in place of the hint bar until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
}

/// A screen on the stack.
#[derive(Debug, Clone)]
pub enum Screen {
    Procedures(ProceduresState),
    SignIn(SignInState),
    Intake(Box<IntakeState>),
    Dossiers(DossiersState),
    /// The population check of a person block (over the intake form).
    Check(Box<CheckState>),
    /// The audit log of population lookups.
    Audit(AuditState),
    /// Household-member verification (over the intake form's dossier).
    Household(Box<HouseholdState>),
    /// Reading a citizen's card into a person block (over the intake form).
    Card(Box<crate::screens::card::CardState>),
    /// The outbox and the sync worker's state.
    Sync(crate::screens::sync::SyncState),
}

/// How the app reaches its backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendMode {
    /// No backend: local data only (tests, benchmarks).
    None,
    /// The embedded demo backend: the runtime signs the demo official in.
    Demo,
    /// A configured backend: the official signs in on the sign-in screen.
    Remote { url: String },
}

/// Whether the backend answered lately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Unknown,
    Online,
    Offline,
}

/// How the app was started.
#[derive(Debug, Clone)]
pub struct Options {
    pub lang: Lang,
    pub theme: Theme,
    pub keymap: Keymap,
    pub match_mode: MatchMode,
    /// Running on the embedded demo default (shown in the status bar at all times).
    pub demo: bool,
    /// Procedures to put into an empty catalogue (the demo's sample).
    pub seed_catalogue: Option<Vec<Procedure>>,
    pub backend: BackendMode,
    /// The office's holiday table (`holidays.toml`); the backend's joins it once fetched.
    pub calendar: OfficeCalendar,
    /// Where receipts are exported.
    pub export_dir: PathBuf,
    /// Household verification requests in flight at most.
    pub household_concurrency: usize,
    /// Whether a card service runs (config `card.enabled`).
    pub card_service: bool,
}

/// All the state of the app, owned by the app loop alone.
#[derive(Debug, Clone)]
// Independent facts (demo, catalogue read, feed done, card service), not a state machine.
#[allow(clippy::struct_excessive_bools)]
pub struct State {
    pub lang: Lang,
    pub theme: Theme,
    pub keymap: Keymap,
    pub demo: bool,
    pub width: u16,
    pub height: u16,
    pub screens: Vec<Screen>,
    pub layers: Vec<Layer>,
    pub flash: Option<Flash>,
    pub backend: BackendMode,
    /// The signed-in official.
    pub official: Option<Official>,
    pub link: Link,
    /// Whether the local catalogue has been read (the feed cursor is then known).
    catalogue_read: bool,
    /// Where the catalogue feed left off (`None`: never synced).
    feed_cursor: Option<String>,
    /// The catalogue pull in flight.
    feed_req: Option<u64>,
    /// A catalogue pull reached the feed's end since the start (else the next good
    /// sync pass pulls again: a pull cut short by an outage is not lost).
    feed_done: bool,
    /// The demo's automatic sign-in in flight.
    auto_sign_in: Option<u64>,
    seed_catalogue: Option<Vec<Procedure>>,
    next_req: u64,
    /// The calendar appointment dates are computed with.
    pub calendar: OfficeCalendar,
    pub export_dir: PathBuf,
    /// The dossier side's requests in flight and timers.
    flow: dossier_flow::Flow,
    /// Population-database calls in flight.
    checks: check_flow::Calls,
    /// Household batches running, by request id.
    household_jobs: std::collections::BTreeMap<u64, household_flow::Running>,
    pub household_concurrency: usize,
    /// Whether a card service runs.
    pub card_service: bool,
    /// The card reader, as the card service last reported it.
    pub reader: Option<crate::card::service::ReaderState>,
    /// The card read in flight, and whose block it is for.
    card_read: Option<(u64, crate::dossier::Role)>,
    /// The sync worker's last status (`None`: no worker has reported).
    pub sync: Option<crate::sync::worker::SyncStatus>,
    /// Demo only: whether the embedded backend is running.
    pub demo_backend: Option<bool>,
    /// The backend's clock minus this machine's, in seconds, as measured at sign-in.
    pub clock_offset_s: Option<i64>,
    /// The store was opened (after the first sign-in).
    pub store_open: bool,
    /// The lock screen, over everything, while locked.
    pub lock: Option<crate::screens::lock::LockState>,
}

/// What a screen or layer asks of the app after handling an action.
#[derive(Debug, Default)]
pub struct Outcome {
    pub effects: Vec<Effect>,
    pub push: Option<Layer>,
    pub pop: bool,
    pub flash: Option<Flash>,
    /// An action to run as if the user had chosen it (from the palette or a confirm).
    pub run: Option<(Action, bool)>,
    /// The action does not apply here.
    pub unhandled: bool,
}

impl Outcome {
    #[must_use]
    pub fn effect(e: Effect) -> Self {
        Self {
            effects: vec![e],
            ..Self::default()
        }
    }

    #[must_use]
    pub fn push(layer: Layer) -> Self {
        Self {
            push: Some(layer),
            ..Self::default()
        }
    }

    #[must_use]
    pub fn pop() -> Self {
        Self {
            pop: true,
            ..Self::default()
        }
    }

    #[must_use]
    pub fn unhandled() -> Self {
        Self {
            unhandled: true,
            ..Self::default()
        }
    }
}

impl State {
    /// A new state at the given terminal size; call [`State::init`] for the first effects.
    #[must_use]
    pub fn new(opts: Options, width: u16, height: u16) -> Self {
        let mut screens = vec![Screen::Procedures(ProceduresState::new(opts.match_mode))];
        let demo_backend = (opts.backend == BackendMode::Demo).then_some(true);
        if let BackendMode::Remote { url } = &opts.backend {
            screens.push(Screen::SignIn(SignInState::new(url)));
        }
        Self {
            lang: opts.lang,
            theme: opts.theme,
            keymap: opts.keymap,
            demo: opts.demo,
            width,
            height,
            screens,
            layers: Vec::new(),
            flash: None,
            backend: opts.backend,
            official: None,
            link: Link::Unknown,
            catalogue_read: false,
            feed_cursor: None,
            feed_req: None,
            feed_done: false,
            auto_sign_in: None,
            seed_catalogue: opts.seed_catalogue,
            next_req: 0,
            calendar: opts.calendar,
            export_dir: opts.export_dir,
            flow: dossier_flow::Flow::default(),
            checks: check_flow::Calls::new(),
            household_jobs: std::collections::BTreeMap::new(),
            household_concurrency: opts.household_concurrency,
            card_service: opts.card_service,
            reader: None,
            card_read: None,
            sync: None,
            demo_backend,
            clock_offset_s: None,
            store_open: false,
            lock: None,
        }
    }

    /// The effects to run at start. The store is encrypted: it opens once an official
    /// has signed in (the demo's signs in by itself; a configured backend's on the
    /// sign-in screen, which works offline too, against the keyring). With no backend
    /// (tests), the store is read at once.
    pub fn init(&mut self) -> Vec<Effect> {
        match self.backend {
            BackendMode::None => self.read_store(),
            BackendMode::Demo => {
                let req = self.request_id();
                self.auto_sign_in = Some(req);
                vec![Effect::AutoSignIn { req }]
            }
            BackendMode::Remote { .. } => Vec::new(),
        }
    }

    /// After a sign-in: the store opens with the key (the first time only), then the
    /// catalogue and the open draft are read.
    fn on_unlocked(&mut self, key: Option<crate::vault::StoreKey>) -> Vec<Effect> {
        let Some(key) = key else {
            return Vec::new();
        };
        if std::mem::replace(&mut self.store_open, true) {
            return Vec::new();
        }
        let mut effects = vec![Effect::OpenStore(key)];
        effects.extend(self.read_store());
        effects
    }

    /// Reads the local catalogue (it works offline) and the open draft.
    fn read_store(&mut self) -> Vec<Effect> {
        self.store_open = true;
        let req = self.request_id();
        let seed = self.seed_catalogue.take();
        if let Some(p) = self.procedures_mut() {
            p.start_loading(req);
        }
        let recover = self.request_id();
        self.flow.recover_req = Some(recover);
        vec![
            Effect::Store(StoreCmd::LoadCatalogue {
                req,
                seed_if_empty: seed,
            }),
            Effect::Store(StoreCmd::Recover { req: recover }),
        ]
    }

    /// No key for the idle time: the lock screen covers everything (the draft is
    /// saved first). Only once someone has signed in: there is nothing to hide before.
    fn on_idle(&mut self) -> Vec<Effect> {
        let Some(official) = &self.official else {
            return Vec::new();
        };
        if self.lock.is_some() {
            return Vec::new();
        }
        let hint = (self.backend == BackendMode::Demo).then_some(crate::server::DEMO_PASSWORD);
        self.lock = Some(crate::screens::lock::LockState::new(official, hint));
        self.layers
            .retain(|l| !matches!(l, Layer::Palette(_) | Layer::Help(_)));
        self.flash = None;
        let mut effects: Vec<Effect> = self.flush_draft(true).into_iter().collect();
        effects.push(Effect::ClearScreen);
        effects
    }

    /// A key, paste or action while locked.
    fn on_lock_action(&mut self, action: Action) -> Vec<Effect> {
        use crate::screens::lock::LockAsk;
        if matches!(action, Action::Quit) {
            return self.before_quit();
        }
        if action == Action::Redraw {
            return vec![Effect::ClearScreen];
        }
        if action == Action::ToggleLanguage {
            self.lang = self.lang.other();
            return Vec::new();
        }
        let req = self.next_req + 1;
        let Some(lock) = self.lock.as_mut() else {
            return Vec::new();
        };
        match lock.on_action(action, req) {
            LockAsk::Check(effect) => {
                self.next_req = req;
                vec![effect]
            }
            LockAsk::Quit => self.before_quit(),
            LockAsk::Nothing => Vec::new(),
        }
    }

    fn on_password_checked(&mut self, req: u64, result: &Result<(), String>) -> Vec<Effect> {
        use crate::screens::lock::LockAsk;
        let lang = self.lang;
        let Some(lock) = self.lock.as_mut() else {
            return Vec::new();
        };
        match lock.on_checked(req, result, lang) {
            LockAsk::Check(effect) => {
                self.lock = None;
                vec![effect]
            }
            LockAsk::Quit => {
                tracing::warn!("too many wrong passwords on the lock screen: leaving");
                self.before_quit()
            }
            LockAsk::Nothing => Vec::new(),
        }
    }

    /// The procedure list (the bottom screen).
    fn procedures_mut(&mut self) -> Option<&mut ProceduresState> {
        self.screens.iter_mut().find_map(|s| match s {
            Screen::Procedures(p) => Some(p),
            _ => None,
        })
    }

    /// Pulls the catalogue feed once signed in and the local catalogue's cursor is known.
    fn sync_catalogue(&mut self) -> Vec<Effect> {
        if self.official.is_none() || !self.catalogue_read || self.feed_req.is_some() {
            return Vec::new();
        }
        let cursor = self.feed_cursor.clone().unwrap_or_default();
        let req = self.request_id();
        self.feed_req = Some(req);
        vec![Effect::Backend(BackendCmd::SyncCatalogue { req, cursor })]
    }

    fn on_backend(&mut self, event: BackendEvent) -> Vec<Effect> {
        match event {
            event @ (BackendEvent::CodesReserved(_) | BackendEvent::Holidays(_)) => {
                self.on_backend_dossier(event)
            }
            BackendEvent::Checked { req, result } => self.on_checked(req, result),
            BackendEvent::ClockOffset(result) => {
                if let Ok(offset) = result {
                    self.clock_offset_s = Some(offset);
                    if let Some(words) = clock_skew_words(offset, self.lang) {
                        self.flash = Some(Flash {
                            text: self.lang.f("flash.clock_skew", &[("skew", &words)]),
                            error: true,
                        });
                    }
                }
                Vec::new()
            }
            BackendEvent::HouseholdChunk { req, chunk } => self.on_household_chunk(req, chunk),
            BackendEvent::HouseholdDone { req } => self.on_household_done(req),
            BackendEvent::PasswordChecked { req, result } => self.on_password_checked(req, &result),
            BackendEvent::SignedIn {
                req,
                result,
                key,
                offline,
            } => {
                if self.auto_sign_in == Some(req) {
                    self.auto_sign_in = None;
                    match result {
                        Ok(official) => {
                            self.link = Link::Online;
                            self.official = Some(official);
                            let mut effects = self.on_unlocked(key);
                            effects.extend(self.sync_catalogue());
                            effects.extend(self.after_sign_in());
                            return effects;
                        }
                        Err(e) => {
                            self.link_failed(e.class());
                            self.flash = Some(Flash {
                                text: self.lang.f(
                                    "flash.sign_in_failed",
                                    &[("error", &crate::text::sanitize(&e.detail()).0)],
                                ),
                                error: true,
                            });
                            return Vec::new();
                        }
                    }
                }
                let done = match self.screens.last_mut() {
                    Some(Screen::SignIn(s)) => s.on_signed_in(req, &result),
                    _ => false,
                };
                if let Err(e) = &result {
                    self.link_failed(e.class());
                }
                if done && let Ok(official) = result {
                    self.official = Some(official);
                    self.screens.pop();
                    let mut effects = self.on_unlocked(key);
                    if offline {
                        // Signed in against the keyring: nothing goes out until the
                        // backend answers (the sync worker signs in when it can).
                        self.link = Link::Offline;
                        self.flash = Some(Flash {
                            text: self.lang.t("flash.signed_in_offline").to_string(),
                            error: false,
                        });
                        return effects;
                    }
                    self.link = Link::Online;
                    effects.extend(self.sync_catalogue());
                    effects.extend(self.after_sign_in());
                    return effects;
                }
                Vec::new()
            }
            BackendEvent::CatalogueFeed { req, result } => {
                if self.feed_req != Some(req) {
                    return Vec::new();
                }
                self.feed_req = None;
                match result {
                    Ok(feed) => {
                        self.link = Link::Online;
                        self.feed_done = true;
                        if feed.changes.is_empty() {
                            return Vec::new();
                        }
                        let req = self.request_id();
                        if let Some(p) = self.procedures_mut() {
                            p.expect_reload(req);
                        }
                        vec![Effect::Store(StoreCmd::ApplyCatalogue {
                            req,
                            changes: feed.changes,
                            cursor: feed.cursor,
                            version: feed.version,
                        })]
                    }
                    Err(e) => {
                        self.link_failed(e.class());
                        let key = if e.class() == ErrorClass::Offline {
                            "flash.catalogue_offline"
                        } else {
                            "flash.catalogue_failed"
                        };
                        self.flash = Some(Flash {
                            text: self
                                .lang
                                .f(key, &[("error", &crate::text::sanitize(&e.detail()).0)]),
                            error: true,
                        });
                        Vec::new()
                    }
                }
            }
        }
    }

    fn link_failed(&mut self, class: ErrorClass) {
        if class == ErrorClass::Offline {
            self.link = Link::Offline;
        }
    }

    /// A fresh request id, so that stale answers can be told apart.
    pub fn request_id(&mut self) -> u64 {
        self.next_req += 1;
        self.next_req
    }

    /// The top screen.
    #[must_use]
    pub fn screen(&self) -> &Screen {
        self.screens
            .last()
            .expect("the screen stack is never empty")
    }

    /// The key group in effect: the top layer's, or the top screen's.
    #[must_use]
    pub fn group(&self) -> Group {
        if self.lock.is_some() {
            return Group::SignIn;
        }
        if let Some(layer) = self.layers.last() {
            return layer.group();
        }
        match self.screen() {
            Screen::Procedures(p) => p.group(),
            Screen::SignIn(s) => s.group(),
            Screen::Intake(i) => i.group(),
            Screen::Dossiers(d) => d.group(),
            Screen::Check(c) => c.group(),
            Screen::Audit(a) => a.group(),
            Screen::Household(h) => h.group(),
            Screen::Card(c) => c.group(),
            Screen::Sync(s) => s.group(),
        }
    }

    /// Whether the terminal is big enough to draw the screens.
    #[must_use]
    pub fn fits(&self) -> bool {
        self.width >= MIN_WIDTH && self.height >= MIN_HEIGHT
    }

    /// Whether any binding of `action` is marked dangerous.
    fn is_dangerous(&self, action: Action) -> bool {
        self.keymap
            .bindings()
            .iter()
            .any(|b| b.action == action && b.dangerous)
    }
}

/// Handles one message. Pure: no I/O, no waiting.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(ev) if ev.kind != KeyEventKind::Release => on_key(state, Key::from_event(&ev)),
        Msg::Key(_) => Vec::new(),
        Msg::Paste(text) if text.len() > MAX_PASTE => {
            state.flash = Some(Flash {
                text: state.lang.f(
                    "flash.paste_too_long",
                    &[
                        ("size", &crate::bounded::human_len(text.len())),
                        ("max", &crate::bounded::human_len(MAX_PASTE)),
                    ],
                ),
                error: true,
            });
            Vec::new()
        }
        Msg::Paste(text) if state.lock.is_some() => {
            if let Some(lock) = state.lock.as_mut() {
                lock.on_paste(&text);
            }
            Vec::new()
        }
        Msg::Scan { .. } if state.lock.is_some() => Vec::new(),
        Msg::Idle => state.on_idle(),
        Msg::Paste(text) => {
            let outcome = match (state.layers.last_mut(), state.screens.last_mut()) {
                (Some(layer), _) => layer.on_paste(&text),
                (None, Some(Screen::Procedures(p))) => p.on_paste(&text, state.height),
                (None, Some(Screen::SignIn(s))) => s.on_paste(&text),
                (None, Some(Screen::Intake(_))) => return state.intake_paste(&text),
                (None, Some(Screen::Dossiers(d))) => {
                    d.on_paste(&text);
                    Outcome::default()
                }
                (None, Some(Screen::Check(_))) => return state.check_paste(&text),
                (None, Some(Screen::Audit(_))) => return state.audit_paste(&text),
                (None, Some(Screen::Household(_))) => return state.household_paste(&text),
                (None, Some(Screen::Card(_))) => return state.card_paste(&text),
                (None, Some(Screen::Sync(_)) | None) => Outcome::default(),
            };
            apply(state, outcome)
        }
        Msg::Resize(w, h) => {
            state.width = w;
            state.height = h;
            if let Some(p) = state.procedures_mut() {
                p.resize(h);
            }
            for s in &mut state.screens {
                if let Screen::Dossiers(d) = s {
                    d.settle(h);
                }
            }
            Vec::new()
        }
        Msg::Store(StoreEvent::Catalogue {
            req,
            result,
            cursor,
        }) => {
            let height = state.height;
            let ok = result.is_ok();
            let ours = state
                .procedures_mut()
                .is_some_and(|p| p.on_catalogue(req, result, height));
            if ours && ok {
                state.catalogue_read = true;
                state.feed_cursor = cursor;
                return state.sync_catalogue();
            }
            Vec::new()
        }
        Msg::Store(
            event @ (StoreEvent::CheckRecorded { .. }
            | StoreEvent::CheckQueued { .. }
            | StoreEvent::Audit { .. }
            | StoreEvent::LastPurge { .. }),
        ) => state.on_store_check(event),
        Msg::Store(
            event @ (StoreEvent::HouseholdRecorded { .. } | StoreEvent::MembersRead { .. }),
        ) => state.on_store_household(event),
        Msg::Store(event @ StoreEvent::Exported { .. }) => {
            let mut effects = state.on_store_household(event.clone());
            effects.extend(state.on_store_dossier(event));
            effects
        }
        Msg::Store(event @ (StoreEvent::Outbox { .. } | StoreEvent::Requeued { .. })) => {
            state.on_store_sync(event)
        }
        Msg::Store(event) => state.on_store_dossier(event),
        Msg::Sync(event) => state.on_sync(event),
        Msg::DemoBackend(result) => state.on_demo_backend(result),
        Msg::Backend(event) => state.on_backend(event),
        Msg::Card(event) => state.on_card(event),
        Msg::Scan { text, at } => state.on_scan(&text, at),
        Msg::ScanTooLong { len } => {
            state.flash = Some(Flash {
                text: state.lang.f(
                    "flash.scan_too_long",
                    &[("len", &len), ("max", &crate::card::qr::MAX_LEN)],
                ),
                error: true,
            });
            Vec::new()
        }
        Msg::ScannerProblem(e) => {
            state.flash = Some(Flash {
                text: state
                    .lang
                    .f("flash.scanner", &[("error", &crate::text::shown(&e, 60))]),
                error: true,
            });
            Vec::new()
        }
        Msg::DraftTimer => state.on_draft_timer(),
        Msg::Shutdown => state.before_quit(),
    }
}

fn on_key(state: &mut State, key: Key) -> Vec<Effect> {
    state.flash = None;
    let group = state.group();
    if let Some(binding) = state.keymap.lookup(group, key) {
        let (action, dangerous) = (binding.action, binding.dangerous);
        return run_action(state, action, dangerous);
    }
    if group.takes_text() && key.is_text_editing() {
        if let Some(lock) = state.lock.as_mut() {
            lock.on_text_key(key);
            return Vec::new();
        }
        let outcome = match (state.layers.last_mut(), state.screens.last_mut()) {
            (Some(layer), _) => layer.on_text_key(key),
            (None, Some(Screen::Procedures(p))) => p.on_text_key(key, state.height),
            (None, Some(Screen::SignIn(s))) => s.on_text_key(key),
            (None, Some(Screen::Intake(_))) => return state.intake_text(key),
            (None, Some(Screen::Dossiers(d))) => {
                d.on_text_key(key);
                Outcome::default()
            }
            (None, Some(Screen::Check(_))) => return state.check_text(key),
            (None, Some(Screen::Audit(_))) => return state.audit_text(key),
            (None, Some(Screen::Household(_))) => return state.household_text(key),
            (None, Some(Screen::Card(_))) => return state.card_text(key),
            (None, Some(Screen::Sync(_)) | None) => Outcome::default(),
        };
        return apply(state, outcome);
    }
    Vec::new()
}

/// Runs an action; a dangerous one first asks for confirmation.
pub fn run_action(state: &mut State, action: Action, dangerous: bool) -> Vec<Effect> {
    if state.lock.is_some() {
        return state.on_lock_action(action);
    }
    if dangerous && !matches!(state.layers.last(), Some(Layer::Confirm(_))) {
        let layer = Layer::Confirm(ConfirmState { action });
        return apply(state, Outcome::push(layer));
    }
    let outcome = match action {
        Action::Quit => {
            let effects = state.before_quit();
            Outcome {
                effects,
                ..Outcome::default()
            }
        }
        Action::Dossiers if state.layers.is_empty() => {
            let effects = state.open_list();
            Outcome {
                effects,
                ..Outcome::default()
            }
        }
        Action::AuditLog
            if state.layers.is_empty() && !matches!(state.screen(), Screen::Audit(_)) =>
        {
            Outcome {
                effects: state.open_audit(),
                ..Outcome::default()
            }
        }
        Action::SyncScreen
            if state.layers.is_empty() && !matches!(state.screen(), Screen::Sync(_)) =>
        {
            Outcome {
                effects: state.open_sync(),
                ..Outcome::default()
            }
        }
        Action::ExportReceipt if matches!(state.layers.last(), Some(Layer::Receipt(_))) => {
            state.export_receipt()
        }
        Action::Redraw => Outcome::effect(Effect::ClearScreen),
        Action::ToggleLanguage => {
            state.lang = state.lang.other();
            Outcome {
                flash: Some(Flash {
                    text: state.lang.t("flash.language").to_string(),
                    error: false,
                }),
                ..Outcome::default()
            }
        }
        Action::Help if matches!(state.layers.last(), Some(Layer::Help(_))) => Outcome::pop(),
        Action::Help => Outcome::push(Layer::Help(HelpState::default())),
        Action::Palette if matches!(state.layers.last(), Some(Layer::Palette(_))) => Outcome::pop(),
        Action::Palette => {
            Outcome::push(Layer::Palette(PaletteState::new(&state.keymap, state.lang)))
        }
        _ => {
            let (lang, height) = (state.lang, state.height);
            match (state.layers.last_mut(), state.screens.last_mut()) {
                (Some(layer), _) => layer.on_action(action, &state.keymap, lang, height),
                (None, Some(Screen::Procedures(p))) => {
                    let req = state.next_req + 1;
                    let out = p.on_action(action, height, req);
                    for e in &out.effects {
                        if let Effect::Store(cmd) = e {
                            state.next_req = req;
                            if let StoreCmd::NewDossier { req, .. } = cmd {
                                state.flow.pending_new = Some(*req);
                            }
                        }
                    }
                    out
                }
                (None, Some(Screen::Intake(_))) => state.intake_action(action),
                (None, Some(Screen::Dossiers(_))) => state.dossiers_action(action),
                (None, Some(Screen::Check(_))) => state.check_action(action),
                (None, Some(Screen::Audit(_))) => state.audit_action(action),
                (None, Some(Screen::Household(_))) => state.household_action(action),
                (None, Some(Screen::Card(_))) => state.card_action(action),
                (None, Some(Screen::Sync(_))) => state.sync_action(action),
                (None, Some(Screen::SignIn(s))) => {
                    let req = state.next_req + 1;
                    let out = s.on_action(action, req);
                    if !out.effects.is_empty() {
                        state.next_req = req;
                    }
                    out
                }
                (None, None) => Outcome::unhandled(),
            }
        }
    };
    apply(state, outcome)
}

fn apply(state: &mut State, outcome: Outcome) -> Vec<Effect> {
    let Outcome {
        mut effects,
        push,
        pop,
        flash,
        run,
        unhandled,
    } = outcome;
    if pop {
        state.layers.pop();
    }
    if let Some(layer) = push {
        state.layers.push(layer);
    }
    if flash.is_some() {
        state.flash = flash;
    }
    if unhandled {
        state.flash = Some(Flash {
            text: state.lang.t("flash.not_here").to_string(),
            error: true,
        });
    }
    if let Some((action, confirmed)) = run {
        let dangerous = !confirmed && state.is_dangerous(action);
        effects.extend(run_action(state, action, dangerous));
    }
    effects
}

/// The most this machine's clock may differ from the backend's before the app warns:
/// received dates, appointment dates and dossier codes come from it.
pub const CLOCK_SKEW_WARN_S: i64 = 300;

/// "5 ngày chậm" / "3 hours ahead": how far this machine's clock is off, when it is
/// off by more than [`CLOCK_SKEW_WARN_S`]. `offset_s` is the backend's clock minus ours.
#[must_use]
pub fn clock_skew_words(offset_s: i64, lang: Lang) -> Option<String> {
    let off = offset_s.unsigned_abs();
    if off <= CLOCK_SKEW_WARN_S.unsigned_abs() {
        return None;
    }
    let (n, unit) = if off >= 86_400 {
        (off / 86_400, "clock.days")
    } else if off >= 3_600 {
        (off / 3_600, "clock.hours")
    } else {
        (off / 60, "clock.minutes")
    };
    let way = if offset_s > 0 {
        "clock.behind"
    } else {
        "clock.ahead"
    };
    Some(lang.f(way, &[("amount", &lang.f(unit, &[("n", &n)]))]))
}

/// Opens the details of a procedure (used by the procedure screen).
#[must_use]
pub fn detail_layer(procedure: &Procedure, stt: usize) -> Layer {
    Layer::Detail(DetailState {
        procedure: procedure.clone(),
        stt,
        scroll: 0,
    })
}
