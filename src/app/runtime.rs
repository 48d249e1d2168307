//! The app loop: one task owns the state and the terminal. Terminal input arrives from
//! a reader thread, services answer through the same channel, signals end the loop
//! cleanly. The loop handles every queued message, then draws once.

use std::io;
use std::time::Duration;

use ratatui::crossterm::event::{self, Event};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::term::{self, Tui};
use super::{Effect, Msg, Options, State, render::render, update};
use crate::api::client::Client;
use crate::api::service::{BackendCmd, BackendService};
use crate::store::service::{StoreCmd, StoreService};

/// The backend the app talks to.
pub struct Backend {
    pub client: std::sync::Arc<Client>,
    /// Credentials the runtime signs in with by itself (the embedded demo's official).
    /// Kept here, outside the app state, and never logged.
    pub auto_sign_in: Option<(String, String)>,
    /// The embedded demo server, stopped when the app ends.
    pub server: Option<crate::server::RunningServer>,
    /// How the sync worker runs.
    pub sync: crate::sync::worker::WorkerOptions,
    /// How long offline sign-ins (against the keyring) work after an online one.
    pub offline_for: Duration,
    /// Lock the screen after this long without a key (`None`: never).
    pub idle_lock: Option<Duration>,
}

/// The embedded demo server, which the official may stop and start again (to see
/// offline work drain): its state and address outlive a stop.
struct DemoServer {
    running: Option<crate::server::RunningServer>,
    state: std::sync::Arc<crate::server::AppState>,
    addr: std::net::SocketAddr,
}

/// The devices the app reads: a card service and a serial QR scanner.
#[derive(Default)]
pub struct Devices {
    /// Starts the card service (PC/SC, or a virtual card in process).
    pub card: Option<crate::card::service::CardStarter>,
    /// A serial (CDC) QR scanner's device.
    pub scanner: Option<std::path::PathBuf>,
}

/// The services the runtime carries effects out with.
struct Services {
    store: StoreService,
    backend: Option<BackendService>,
    auto_sign_in: Option<(String, String)>,
    card: Option<Box<dyn crate::card::service::CardLink>>,
    /// Kept so the scanner thread runs as long as the app.
    _scanner: Option<crate::card::serial_scanner::ScannerHandle>,
    /// The sync worker, started when the store opens.
    sync: std::cell::RefCell<Option<crate::sync::worker::SyncHandle>>,
    /// What starting the sync worker takes, until it has started.
    sync_start: std::cell::RefCell<Option<SyncStart>>,
    demo: std::cell::RefCell<Option<DemoServer>>,
    idle_lock: Option<Duration>,
}

/// What the sync worker is started with, once the store key is known.
struct SyncStart {
    store_path: std::path::PathBuf,
    busy_timeout: Duration,
    client: std::sync::Arc<Client>,
    opts: crate::sync::worker::WorkerOptions,
    tx: UnboundedSender<Msg>,
}

impl SyncStart {
    fn start(self, key: crate::vault::StoreKey) -> Option<crate::sync::worker::SyncHandle> {
        let tx = self.tx;
        let started = crate::sync::worker::spawn(
            self.store_path,
            key,
            self.busy_timeout,
            self.client,
            std::sync::Arc::new(crate::clock::SystemClock),
            self.opts,
            Box::new(move |ev| {
                let _ = tx.send(Msg::Sync(ev));
            }),
        );
        match started {
            Ok(h) => Some(h),
            Err(e) => {
                tracing::error!(error = %e, "cannot start the sync worker");
                None
            }
        }
    }
}

/// Starts the app in the terminal and runs it until the user quits.
pub fn run(
    opts: Options,
    store_path: std::path::PathBuf,
    busy_timeout: Duration,
    backend: Option<Backend>,
    devices: Devices,
) -> io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let (tx, rx) = unbounded_channel::<Msg>();
        let store_tx = tx.clone();
        let worker_store = store_path.clone();
        let store = StoreService::spawn(
            store_path,
            busy_timeout,
            std::sync::Arc::new(crate::clock::SystemClock),
            move |ev| {
                let _ = store_tx.send(Msg::Store(ev));
            },
        )?;
        let keyring = crate::vault::keyring_for(&worker_store);
        let (backend_service, auto_sign_in, server, sync_start, idle_lock) = match backend {
            Some(b) => {
                let sync_start = SyncStart {
                    store_path: worker_store,
                    busy_timeout,
                    client: b.client.clone(),
                    opts: b.sync,
                    tx: tx.clone(),
                };
                let backend_tx = tx.clone();
                let service = BackendService::new(b.client, move |ev| {
                    let _ = backend_tx.send(Msg::Backend(ev));
                })
                .with_vault(crate::vault::VaultOptions {
                    keyring,
                    offline_for: b.offline_for,
                });
                (
                    Some(service),
                    b.auto_sign_in,
                    b.server,
                    Some(sync_start),
                    b.idle_lock,
                )
            }
            None => (None, None, None, None, None),
        };
        let demo = server.map(|s| DemoServer {
            state: s.state.clone(),
            addr: s.addr,
            running: Some(s),
        });
        let card = match devices.card {
            Some(start) => {
                let card_tx = tx.clone();
                match start(Box::new(move |ev| {
                    let _ = card_tx.send(Msg::Card(ev));
                })) {
                    Ok(link) => Some(link),
                    Err(e) => {
                        tracing::error!(error = %e, "cannot start the card service");
                        None
                    }
                }
            }
            None => None,
        };
        let scanner = match devices.scanner {
            Some(path) => {
                let scan_tx = tx.clone();
                let started = crate::card::serial_scanner::spawn(path, move |ev| {
                    let msg = match ev {
                        crate::card::serial_scanner::ScannerEvent::Line(text) => Msg::Scan {
                            text,
                            at: crate::card::service::office_now(),
                        },
                        crate::card::serial_scanner::ScannerEvent::Problem(e) => {
                            Msg::ScannerProblem(e)
                        }
                        crate::card::serial_scanner::ScannerEvent::TooLong { len } => {
                            Msg::ScanTooLong { len }
                        }
                    };
                    let _ = scan_tx.send(msg);
                });
                match started {
                    Ok(h) => Some(h),
                    Err(e) => {
                        tracing::error!(error = %e, "cannot start the scanner thread");
                        None
                    }
                }
            }
            None => None,
        };
        let services = Services {
            store,
            backend: backend_service,
            auto_sign_in,
            card,
            _scanner: scanner,
            sync: std::cell::RefCell::new(None),
            sync_start: std::cell::RefCell::new(sync_start),
            demo: std::cell::RefCell::new(demo),
            idle_lock,
        };
        term::install_panic_hook();
        let mut tui = Tui::enter()?;
        spawn_input_reader(tx.clone());
        let size = tui.terminal.size()?;
        let mut state = State::new(opts, size.width, size.height);
        let result = event_loop(&mut state, &mut tui, rx, tx.clone(), &services).await;
        drop(tui);
        drop(services);
        result
    })
}

/// Reads the terminal. Keys pass through the scan detector, so that a keyboard-wedge
/// scanner's burst arrives as one `Msg::Scan`.
fn spawn_input_reader(tx: UnboundedSender<Msg>) {
    use super::scan::{Detector, Input};
    let spawned = std::thread::Builder::new()
        .name("input".into())
        .spawn(move || {
            let mut detector = Detector::default();
            let send = |inputs: Vec<Input>| {
                inputs.into_iter().all(|i| {
                    let msg = match i {
                        Input::Key(k) => Msg::Key(k),
                        Input::Scan(text) => Msg::Scan {
                            text,
                            at: crate::card::service::office_now(),
                        },
                        Input::TooLong { len } => Msg::ScanTooLong { len },
                    };
                    tx.send(msg).is_ok()
                })
            };
            loop {
                if let Some(deadline) = detector.deadline() {
                    let wait = deadline.saturating_duration_since(std::time::Instant::now());
                    // Nothing arrived in time: the held keys were typed, not scanned.
                    if matches!(event::poll(wait), Ok(false)) {
                        if !send(detector.flush()) {
                            return;
                        }
                        continue;
                    }
                }
                let msg = match event::read() {
                    Ok(Event::Key(k)) => {
                        if !send(detector.push(k, std::time::Instant::now())) {
                            return;
                        }
                        continue;
                    }
                    Ok(Event::Paste(s)) => Msg::Paste(s),
                    Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                    Ok(_) => continue,
                    Err(e) => {
                        tracing::info!(error = %e, "terminal input closed");
                        let _ = send(detector.flush());
                        let _ = tx.send(Msg::Shutdown);
                        return;
                    }
                };
                if !send(detector.flush()) || tx.send(msg).is_err() {
                    return;
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the input thread");
    }
}

async fn event_loop(
    state: &mut State,
    tui: &mut Tui,
    mut rx: UnboundedReceiver<Msg>,
    tx: UnboundedSender<Msg>,
    services: &Services,
) -> io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;

    let effects = state.init();
    if run_effects(effects, tui, services, &tx)? {
        return Ok(());
    }
    draw(state, tui)?;
    // The idle lock: measured from the last key or paste (service answers do not count).
    let mut last_input = tokio::time::Instant::now();
    let mut idle_sent = false;
    loop {
        let idle_at = services
            .idle_lock
            .filter(|_| !idle_sent)
            .map(|d| last_input + d);
        let idle = async {
            match idle_at {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        let first = tokio::select! {
            msg = rx.recv() => msg.unwrap_or(Msg::Shutdown),
            _ = sigterm.recv() => Msg::Shutdown,
            // A hang-up (the SSH session dropped) saves the draft and leaves: the keys
            // go with the process, and the next session signs in again.
            _ = sighup.recv() => Msg::Shutdown,
            _ = sigint.recv() => Msg::Shutdown,
            () = idle => {
                idle_sent = true;
                Msg::Idle
            }
        };
        if matches!(first, Msg::Key(_) | Msg::Paste(_)) {
            last_input = tokio::time::Instant::now();
            idle_sent = false;
        }
        let mut quit = run_effects(update(state, first), tui, services, &tx)?;
        while !quit {
            match rx.try_recv() {
                Ok(msg) => {
                    if matches!(msg, Msg::Key(_) | Msg::Paste(_)) {
                        last_input = tokio::time::Instant::now();
                        idle_sent = false;
                    }
                    quit = run_effects(update(state, msg), tui, services, &tx)?;
                }
                Err(_) => break,
            }
        }
        if quit {
            tracing::info!("leaving");
            return Ok(());
        }
        draw(state, tui)?;
    }
}

/// Carries out effects; returns `true` when the app must stop.
fn run_effects(
    effects: Vec<Effect>,
    tui: &mut Tui,
    services: &Services,
    tx: &UnboundedSender<Msg>,
) -> io::Result<bool> {
    for effect in effects {
        match effect {
            Effect::Quit => return Ok(true),
            Effect::DraftTimer { after_ms } => {
                let tx = tx.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(after_ms)).await;
                    let _ = tx.send(Msg::DraftTimer);
                });
            }
            Effect::ClearScreen => tui.clear()?,
            Effect::Store(cmd) => {
                if !services.store.send(cmd) {
                    tracing::error!("the store thread has stopped");
                }
            }
            Effect::Card(cmd) => {
                if let Some(c) = &services.card {
                    c.send(cmd);
                }
            }
            Effect::Backend(cmd) => {
                if let Some(b) = &services.backend {
                    b.send(cmd);
                } else {
                    tracing::warn!(?cmd, "no backend configured");
                }
            }
            Effect::Sync(cmd) => {
                if let Some(s) = services.sync.borrow().as_ref() {
                    s.send(cmd);
                }
            }
            Effect::OpenStore(key) => {
                if !services.store.send(StoreCmd::Open { key: key.clone() }) {
                    tracing::error!("the store thread has stopped");
                }
                if let Some(start) = services.sync_start.borrow_mut().take() {
                    *services.sync.borrow_mut() = start.start(key);
                }
            }
            Effect::DemoBackend { on } => {
                let mut demo = services.demo.borrow_mut();
                let answer = match demo.as_mut() {
                    None => Err("no demo backend".to_owned()),
                    Some(d) if !on => {
                        // Dropping the handle stops the server and waits for its thread.
                        drop(d.running.take());
                        tracing::info!("demo backend stopped by the official");
                        Ok(false)
                    }
                    Some(d) if d.running.is_some() => Ok(true),
                    Some(d) => match crate::server::spawn(d.state.clone(), d.addr) {
                        Ok(s) => {
                            d.running = Some(s);
                            tracing::info!("demo backend started again");
                            Ok(true)
                        }
                        Err(e) => Err(e),
                    },
                };
                let _ = tx.send(Msg::DemoBackend(answer));
            }
            Effect::AutoSignIn { req } => {
                if let (Some(b), Some((username, password))) =
                    (&services.backend, &services.auto_sign_in)
                {
                    b.send(BackendCmd::SignIn {
                        req,
                        username: username.clone(),
                        password: password.clone(),
                    });
                }
            }
        }
    }
    Ok(false)
}

fn draw(state: &State, tui: &mut Tui) -> io::Result<()> {
    tui.terminal.autoresize()?;
    tui.terminal.draw(|f| render(state, f))?;
    tui.commit()?;
    Ok(())
}
