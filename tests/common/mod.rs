//! Shared helpers for the integration tests.
#![allow(dead_code)]

use motcua::app::{Msg, Options, State, render::render, update};
use motcua::catalogue::Procedure;
use motcua::i18n::Lang;
use motcua::keymap::Keymap;
use motcua::store::service::StoreEvent;
use motcua::text::MatchMode;
use motcua::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A state at 80×24 (or the given size) with the theme and language asked for.
pub fn state(lang: Lang, mono: bool, width: u16, height: u16) -> State {
    let opts = Options {
        lang,
        theme: if mono {
            Theme::mono(false)
        } else {
            Theme::color(false)
        },
        keymap: Keymap::default_keymap(),
        match_mode: MatchMode::AllWords,
        demo: true,
        seed_catalogue: None,
        calendar: motcua::calendar::office::OfficeCalendar::default(),
        export_dir: std::env::temp_dir().join("motcua-test-exports"),
        household_concurrency: 4,
        card_service: true,
        backend: motcua::app::BackendMode::None,
    };
    State::new(opts, width, height)
}

/// The state after the store answered with `catalogue`.
pub fn loaded(lang: Lang, mono: bool, catalogue: Vec<Procedure>) -> State {
    let mut s = state(lang, mono, 80, 24);
    let _ = s.init();
    let _ = update(
        &mut s,
        Msg::Store(StoreEvent::Catalogue {
            req: 1,
            result: Ok(catalogue),
            cursor: None,
        }),
    );
    s
}

pub fn press(s: &mut State, code: KeyCode) {
    let _ = update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

pub fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        press(s, KeyCode::Char(c));
    }
}

/// Renders the state to a buffer of the state's size.
pub fn draw(s: &State) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(s.width, s.height)).expect("test terminal");
    t.draw(|f| render(s, f)).expect("draw");
    t.backend().buffer().clone()
}

/// The buffer as plain text, one line per row, trailing spaces kept.
pub fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            out.push_str(sym);
            skip = unicode_width(sym).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

fn unicode_width(s: &str) -> usize {
    motcua::text::width(s)
}
