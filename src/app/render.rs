//! Draws the whole state: status bar, the top screen, the layers, the hint bar. Reads
//! state, writes cells; no I/O.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Screen, State};
use crate::screens::procedures::{self, Load};
use crate::ui::widgets;

/// Draws one frame.
pub fn render(state: &State, frame: &mut Frame<'_>) {
    let area = frame.area();
    let lang = state.lang;
    let theme = &state.theme;
    if area.width < super::MIN_WIDTH || area.height < super::MIN_HEIGHT {
        widgets::too_small(frame, area, theme, lang);
        return;
    }
    let status = Rect { height: 1, ..area };
    let body = Rect {
        y: area.y + 1,
        height: area.height - 2,
        ..area
    };
    let hints = Rect {
        y: area.y + area.height - 1,
        height: 1,
        ..area
    };

    let demo = state.demo.then(|| lang.t("app.demo"));
    match state.screen() {
        Screen::Procedures(p) => {
            let count = match p.load {
                Load::Loaded => lang.f("proc.count", &[("n", &p.entries.len())]),
                _ => String::new(),
            };
            widgets::status_bar(frame, status, theme, lang.t("proc.title"), &count, demo);
            procedures::render(p, frame, body, lang, theme);
        }
    }
    for layer in &state.layers {
        layer.render(frame, body, &state.keymap, lang, theme);
    }
    widgets::hint_bar(
        frame,
        hints,
        theme,
        &state.keymap,
        state.group(),
        lang,
        state.flash.as_ref(),
    );
}
