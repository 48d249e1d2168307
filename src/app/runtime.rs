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
use crate::store::service::StoreService;

/// The backend the app talks to.
pub struct Backend {
    pub client: std::sync::Arc<Client>,
    /// Credentials the runtime signs in with by itself (the embedded demo's official).
    /// Kept here, outside the app state, and never logged.
    pub auto_sign_in: Option<(String, String)>,
    /// The embedded demo server, stopped when the app ends.
    pub server: Option<crate::server::RunningServer>,
}

/// The services the runtime carries effects out with.
struct Services {
    store: StoreService,
    backend: Option<BackendService>,
    auto_sign_in: Option<(String, String)>,
}

/// Starts the app in the terminal and runs it until the user quits.
pub fn run(
    opts: Options,
    store_path: std::path::PathBuf,
    busy_timeout: Duration,
    backend: Option<Backend>,
) -> io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let (tx, rx) = unbounded_channel::<Msg>();
        let store_tx = tx.clone();
        let store = StoreService::spawn(
            store_path,
            busy_timeout,
            std::sync::Arc::new(crate::clock::SystemClock),
            move |ev| {
                let _ = store_tx.send(Msg::Store(ev));
            },
        )?;
        let (backend_service, auto_sign_in, server) = match backend {
            Some(b) => {
                let backend_tx = tx.clone();
                let service = BackendService::new(b.client, move |ev| {
                    let _ = backend_tx.send(Msg::Backend(ev));
                });
                (Some(service), b.auto_sign_in, b.server)
            }
            None => (None, None, None),
        };
        let services = Services {
            store,
            backend: backend_service,
            auto_sign_in,
        };
        term::install_panic_hook();
        let mut tui = Tui::enter()?;
        spawn_input_reader(tx.clone());
        let size = tui.terminal.size()?;
        let mut state = State::new(opts, size.width, size.height);
        let result = event_loop(&mut state, &mut tui, rx, tx.clone(), &services).await;
        drop(tui);
        drop(server);
        result
    })
}

fn spawn_input_reader(tx: UnboundedSender<Msg>) {
    let spawned = std::thread::Builder::new()
        .name("input".into())
        .spawn(move || {
            loop {
                let msg = match event::read() {
                    Ok(Event::Key(k)) => Msg::Key(k),
                    Ok(Event::Paste(s)) => Msg::Paste(s),
                    Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                    Ok(_) => continue,
                    Err(e) => {
                        tracing::info!(error = %e, "terminal input closed");
                        let _ = tx.send(Msg::Shutdown);
                        return;
                    }
                };
                if tx.send(msg).is_err() {
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
    loop {
        let first = tokio::select! {
            msg = rx.recv() => msg.unwrap_or(Msg::Shutdown),
            _ = sigterm.recv() => Msg::Shutdown,
            _ = sighup.recv() => Msg::Shutdown,
            _ = sigint.recv() => Msg::Shutdown,
        };
        let mut quit = run_effects(update(state, first), tui, services, &tx)?;
        while !quit {
            match rx.try_recv() {
                Ok(msg) => quit = run_effects(update(state, msg), tui, services, &tx)?,
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
            Effect::ClearScreen => tui.terminal.clear()?,
            Effect::Store(cmd) => {
                if !services.store.send(cmd) {
                    tracing::error!("the store thread has stopped");
                }
            }
            Effect::Backend(cmd) => {
                if let Some(b) = &services.backend {
                    b.send(cmd);
                } else {
                    tracing::warn!(?cmd, "no backend configured");
                }
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
