//! Shared bench rig: the real `update` and `render` drawing into an 80×24 in-memory
//! terminal, counting the bytes a terminal would receive.
#![allow(dead_code)]

use std::time::Duration;

use motcua::app::term::{FrameBuffer, wrap_frame};
use motcua::app::{Effect, Msg, Options, State, render::render, update};
use motcua::i18n::Lang;
use motcua::keymap::Keymap;
use motcua::store::service::StoreEvent;
use motcua::text::MatchMode;
use motcua::theme::Theme;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

pub struct Rig {
    pub state: State,
    pub terminal: Terminal<CrosstermBackend<FrameBuffer>>,
    pub out: FrameBuffer,
}

impl Rig {
    pub fn new(mono: bool, mode: MatchMode, catalogue: Vec<motcua::catalogue::Procedure>) -> Self {
        let out = FrameBuffer::default();
        let terminal = Terminal::with_options(
            CrosstermBackend::new(out.clone()),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
            },
        )
        .expect("terminal");
        let opts = Options {
            lang: Lang::Vi,
            theme: if mono {
                Theme::mono(false)
            } else {
                Theme::color(false)
            },
            keymap: Keymap::default_keymap(),
            match_mode: mode,
            demo: true,
            seed_catalogue: None,
            calendar: motcua::calendar::office::OfficeCalendar::default(),
            export_dir: std::env::temp_dir().join("motcua-test-exports"),
            household_concurrency: 4,
            card_service: true,
            backend: motcua::app::BackendMode::None,
        };
        let mut state = State::new(opts, 80, 24);
        let _ = state.init();
        let _ = update(
            &mut state,
            Msg::Store(StoreEvent::Catalogue {
                req: 1,
                result: Ok(catalogue),
                cursor: None,
            }),
        );
        Self {
            state,
            terminal,
            out,
        }
    }

    /// Handles one message without drawing; returns its effects.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        update(&mut self.state, msg)
    }

    /// Handles one message, draws, and returns the bytes a terminal would receive.
    pub fn step(&mut self, msg: Msg) -> usize {
        let _ = update(&mut self.state, msg);
        self.draw()
    }

    pub fn draw(&mut self) -> usize {
        self.terminal
            .draw(|f| render(&self.state, f))
            .expect("draw");
        let bytes = self.out.take();
        if bytes.is_empty() {
            0
        } else {
            wrap_frame(&bytes).len()
        }
    }
}

pub fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

pub fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    let mean = v.iter().sum::<Duration>() / u32::try_from(v.len()).unwrap_or(1);
    let p = |percent: usize| v[(v.len() - 1) * percent / 100];
    format!(
        "n={:>4}  mean {:>7.3} ms  p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms",
        v.len(),
        mean.as_secs_f64() * 1e3,
        p(50).as_secs_f64() * 1e3,
        p(99).as_secs_f64() * 1e3,
        v.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    )
}
