//! The app loop: one task owns the state and the terminal. Terminal input arrives from
//! a reader thread, services answer through the same channel, signals end the loop
//! cleanly. The loop handles every queued message, then draws once.

use std::io;
use std::time::Duration;

use ratatui::crossterm::event::{self, Event};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::term::{self, Tui};
use super::{Effect, Msg, Options, State, render::render, update};
use crate::store::service::StoreService;

/// Starts the app in the terminal and runs it until the user quits.
pub fn run(
    opts: Options,
    store_path: std::path::PathBuf,
    busy_timeout: Duration,
) -> io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let (tx, rx) = unbounded_channel::<Msg>();
        let store_tx = tx.clone();
        let store = StoreService::spawn(store_path, busy_timeout, move |ev| {
            let _ = store_tx.send(Msg::Store(ev));
        })?;
        term::install_panic_hook();
        let mut tui = Tui::enter()?;
        spawn_input_reader(tx.clone());
        let size = tui.terminal.size()?;
        let mut state = State::new(opts, size.width, size.height);
        let result = event_loop(&mut state, &mut tui, rx, &store).await;
        drop(tui);
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
    store: &StoreService,
) -> io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;

    let effects = state.init();
    if run_effects(effects, tui, store)? {
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
        let mut quit = run_effects(update(state, first), tui, store)?;
        while !quit {
            match rx.try_recv() {
                Ok(msg) => quit = run_effects(update(state, msg), tui, store)?,
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
fn run_effects(effects: Vec<Effect>, tui: &mut Tui, store: &StoreService) -> io::Result<bool> {
    for effect in effects {
        match effect {
            Effect::Quit => return Ok(true),
            Effect::ClearScreen => tui.terminal.clear()?,
            Effect::Store(cmd) => {
                if !store.send(cmd) {
                    tracing::error!("the store thread has stopped");
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
