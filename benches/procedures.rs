//! Procedure list benchmarks: prints figures, asserts nothing.
//!
//! `cargo bench --bench procedures`
//!
//! - update+render time per filter keystroke over a 2,000-procedure catalogue;
//! - bytes written to an 80×24 terminal for the first frame, a one-row selection move
//!   and a filter keystroke (synchronized-output markers included).

use std::time::{Duration, Instant};

use motcua::app::term::{FrameBuffer, wrap_frame};
use motcua::app::{Msg, Options, State, render::render, update};
use motcua::i18n::Lang;
use motcua::keymap::Keymap;
use motcua::store::service::StoreEvent;
use motcua::text::MatchMode;
use motcua::theme::Theme;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

struct Rig {
    state: State,
    terminal: Terminal<CrosstermBackend<FrameBuffer>>,
    out: FrameBuffer,
}

impl Rig {
    fn new(mono: bool, mode: MatchMode, catalogue: Vec<motcua::catalogue::Procedure>) -> Self {
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

    /// Handles one message, draws, and returns the bytes a terminal would receive.
    fn step(&mut self, msg: Msg) -> usize {
        let _ = update(&mut self.state, msg);
        self.draw()
    }

    fn draw(&mut self) -> usize {
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

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn stats(mut v: Vec<Duration>) -> String {
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

fn main() {
    let catalogue = motcua::catalogue::generate(2000, 1);
    println!(
        "motcua procedure-list bench: {} procedures, 80×24",
        catalogue.len()
    );

    let queries = [
        "thu tuc cap giay phep",
        "dang ky khai sinh",
        "xay dung nha o",
        "thu vien",
        "gia han",
    ];
    for mode in [MatchMode::AllWords, MatchMode::Fuzzy] {
        let mut times = Vec::new();
        for round in 0..5 {
            let mut rig = Rig::new(false, mode, catalogue.clone());
            rig.draw();
            rig.step(key(KeyCode::Char('/')));
            for q in queries {
                for c in q.chars() {
                    let t = Instant::now();
                    rig.step(key(KeyCode::Char(c)));
                    if round > 0 {
                        times.push(t.elapsed());
                    }
                }
                for _ in q.chars() {
                    let t = Instant::now();
                    rig.step(key(KeyCode::Backspace));
                    if round > 0 {
                        times.push(t.elapsed());
                    }
                }
            }
        }
        println!(
            "update+render per filter keystroke ({mode:?}): {}  [target ≤ 2 ms]",
            stats(times)
        );
    }

    for mono in [false, true] {
        let mut rig = Rig::new(mono, MatchMode::AllWords, catalogue.clone());
        let first = rig.draw();
        let mut moves = Vec::new();
        for _ in 0..40 {
            moves.push(rig.step(key(KeyCode::Down)));
        }
        let scroll_free: Vec<usize> = moves.iter().take(18).copied().collect();
        let mut rig = Rig::new(mono, MatchMode::AllWords, catalogue.clone());
        rig.draw();
        rig.step(key(KeyCode::Char('/')));
        let mut keystrokes = Vec::new();
        for c in "thu vien".chars() {
            keystrokes.push(rig.step(key(KeyCode::Char(c))));
        }
        let avg = |v: &[usize]| v.iter().sum::<usize>() / v.len().max(1);
        let theme = if mono { "mono" } else { "colour" };
        println!(
            "bytes ({theme}): first frame {first} B [≤ 5 KB]; selection move avg {} B, max {} B (no scroll) [≤ 300 B]; \
             with scrolling avg {} B; filter keystroke avg {} B, max {} B",
            avg(&scroll_free),
            scroll_free.iter().max().copied().unwrap_or(0),
            avg(&moves),
            avg(&keystrokes),
            keystrokes.iter().max().copied().unwrap_or(0),
        );
    }
}
