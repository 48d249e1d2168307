//! Draws the whole state: status bar, the top screen, the layers, the hint bar. Reads
//! state, writes cells; no I/O.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Link, Screen, State};
use crate::screens::procedures::{self, Load};
use crate::screens::{audit, card, check, dossiers, household, intake, sign_in};
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
    // Locked: nothing of the screens underneath is drawn, not even the status bar's
    // counts.
    if let Some(lock) = &state.lock {
        widgets::status_bar(frame, status, theme, lang.t("lock.title"), "", demo);
        crate::screens::lock::render(lock, frame, body, lang, theme);
        hint_bar(state, frame, hints);
        return;
    }
    let mut right = Vec::new();
    if let Some(o) = &state.official {
        right.push(crate::text::sanitize(&o.username).0);
    }
    // A machine clock far from the backend's makes wrong dates and codes: say so always.
    if let Some(words) = state
        .clock_offset_s
        .and_then(|o| super::clock_skew_words(o, lang))
    {
        right.insert(0, words);
    }
    // The sync worker's words say offline themselves, with the queue.
    match (&state.sync, state.link) {
        (Some(s), _) => {
            let words = crate::screens::sync::status_words(s, lang);
            if !words.is_empty() {
                right.push(words);
            }
        }
        (None, Link::Offline) => right.push(lang.t("app.offline").to_owned()),
        (None, Link::Online | Link::Unknown) => {}
    }
    // The card on the reader, while there is a reader.
    if let Some(crate::card::service::ReaderState::Ready { card, .. }) = &state.reader {
        let (mark, key) = match (*card, theme.ascii) {
            (true, false) => ("▣", "status.card_present"),
            (true, true) => ("[#]", "status.card_present"),
            (false, false) => ("□", "status.card_absent"),
            (false, true) => ("[ ]", "status.card_absent"),
        };
        right.insert(0, format!("{mark} {}", lang.t(key)));
    }
    // The check's input box and the card screen are drawn over the form.
    let mut top = state.screen();
    let over_form = match top {
        Screen::Check(c) => !matches!(c.phase, check::Phase::Diff(_)),
        Screen::Card(_) => true,
        _ => false,
    };
    if over_form && let Some(below) = state.screens.iter().rev().nth(1) {
        top = below;
    }
    match top {
        Screen::Check(c) => {
            let right = right.join(" · ");
            widgets::status_bar(
                frame,
                status,
                theme,
                lang.t("check.status_title"),
                &right,
                demo,
            );
            check::render(c, frame, body, lang, theme);
        }
        Screen::Household(h) => {
            let right = right.join(" · ");
            widgets::status_bar(
                frame,
                status,
                theme,
                lang.t("household.title"),
                &right,
                demo,
            );
            household::render(h, frame, body, lang, theme);
        }
        Screen::Audit(a) => {
            let right = right.join(" · ");
            widgets::status_bar(frame, status, theme, lang.t("audit.title"), &right, demo);
            audit::render(a, frame, body, lang, theme);
        }
        Screen::Procedures(p) => {
            if p.load == Load::Loaded {
                right.insert(0, lang.f("proc.count", &[("n", &p.entries.len())]));
            }
            let right = right.join(" · ");
            widgets::status_bar(frame, status, theme, lang.t("proc.title"), &right, demo);
            procedures::render(p, frame, body, lang, theme);
        }
        Screen::SignIn(s) => {
            let right = right.join(" · ");
            widgets::status_bar(frame, status, theme, lang.t("signin.title"), &right, demo);
            sign_in::render(s, frame, body, lang, theme);
        }
        Screen::Intake(i) => {
            let right = right.join(" · ");
            let title = match i.mode {
                intake::Mode::Edit => lang.t("intake.status_title"),
                intake::Mode::View => lang.t("intake.status_view"),
            };
            widgets::status_bar(frame, status, theme, title, &right, demo);
            intake::render(i, frame, body, lang, theme);
        }
        Screen::Card(_) => {
            // Only when no form is below (never in practice): the box is drawn below.
            let right = right.join(" · ");
            widgets::status_bar(
                frame,
                status,
                theme,
                lang.t("card.status_title"),
                &right,
                demo,
            );
        }
        Screen::Dossiers(d) => {
            let right = right.join(" · ");
            widgets::status_bar(frame, status, theme, lang.t("list.title"), &right, demo);
            dossiers::render(d, frame, body, lang, theme);
        }
        Screen::Sync(s) => {
            let right = right.join(" · ");
            widgets::status_bar(frame, status, theme, lang.t("sync.title"), &right, demo);
            let view = crate::screens::sync::View {
                status: state.sync.as_ref(),
                demo_backend: state.demo_backend,
            };
            crate::screens::sync::render(s, view, frame, body, lang, theme);
        }
    }
    if let Screen::Check(c) = state.screen()
        && !matches!(c.phase, check::Phase::Diff(_))
    {
        check::render(c, frame, body, lang, theme);
    }
    if let Screen::Card(c) = state.screen() {
        card::render(c, &state.reader_line(), frame, body, lang, theme);
    }
    for layer in &state.layers {
        layer.render(frame, body, &state.keymap, lang, theme);
    }
    hint_bar(state, frame, hints);
}

/// The bottom line: the keys of the group in effect, or the flash message.
fn hint_bar(state: &State, frame: &mut Frame<'_>, area: Rect) {
    widgets::hint_bar(
        frame,
        area,
        &state.theme,
        &state.keymap,
        state.group(),
        state.lang,
        state.flash.as_ref(),
    );
}
