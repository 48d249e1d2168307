//! The sync screen (*đồng bộ*): the outbox item by item — parked first, then waiting,
//! then the latest sent — with each item's state, tries and last error; the official
//! syncs now, puts a parked item (or all of them) back in the queue after fixing it, and
//! in the demo switches the embedded backend off and on to see offline work drain.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::action::Action;
use crate::api::SyncKind;
use crate::i18n::Lang;
use crate::keymap::Group;
use crate::store::sync::{ItemState, OutboxEntry};
use crate::sync::Stop;
use crate::sync::worker::{Reach, SyncStatus};
use crate::text;
use crate::theme::Theme;

/// The sync screen.
#[derive(Debug, Clone)]
pub struct SyncState {
    /// The read in flight.
    pub loading: Option<u64>,
    pub error: Option<String>,
    pub rows: Vec<OutboxEntry>,
    selected: usize,
}

/// What the screen asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Nothing,
    /// Read the outbox again.
    Load,
    Close,
    /// Put this parked item back in the queue.
    Requeue(String),
    /// Put every parked item back in the queue.
    RequeueAll,
    /// The selected item is not parked: nothing to put back.
    NotParked,
    SyncNow,
    /// Demo only: stop or start the embedded backend.
    DemoBackend,
    Unhandled,
}

/// What the screen shows besides its rows (kept by the app).
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    pub status: Option<&'a SyncStatus>,
    /// The embedded demo backend is running (`None`: not the demo).
    pub demo_backend: Option<bool>,
}

impl SyncState {
    #[must_use]
    pub fn new(req: u64) -> Self {
        Self {
            loading: Some(req),
            error: None,
            rows: Vec::new(),
            selected: 0,
        }
    }

    #[must_use]
    pub fn group(&self) -> Group {
        Group::Sync
    }

    /// The store's answer.
    pub fn on_rows(&mut self, req: u64, result: Result<Vec<OutboxEntry>, String>) {
        if self.loading != Some(req) {
            return;
        }
        self.loading = None;
        match result {
            Ok(rows) => {
                // Keep the selection on the same item when it is still listed.
                let id = self.rows.get(self.selected).map(|e| e.id.clone());
                self.rows = rows;
                self.error = None;
                self.selected = id
                    .and_then(|id| self.rows.iter().position(|e| e.id == id))
                    .unwrap_or(self.selected)
                    .min(self.rows.len().saturating_sub(1));
            }
            Err(e) => self.error = Some(e),
        }
    }

    pub fn on_action(&mut self, action: Action, height: u16) -> Ask {
        let page = usize::from(height.saturating_sub(8)).max(1);
        if let Some(i) = crate::ui::widgets::moved(self.selected, action, self.rows.len(), page) {
            self.selected = i;
            return Ask::Nothing;
        }
        match action {
            Action::Back => Ask::Close,
            Action::Reload => Ask::Load,
            Action::SyncNow => Ask::SyncNow,
            Action::RequeueAll => Ask::RequeueAll,
            Action::DemoBackend => Ask::DemoBackend,
            Action::Requeue => match self.rows.get(self.selected) {
                Some(e) if e.state == ItemState::Parked => Ask::Requeue(e.id.clone()),
                _ => Ask::NotParked,
            },
            _ => Ask::Unhandled,
        }
    }
}

/// The i18n key of an item state.
#[must_use]
pub const fn state_key(state: ItemState) -> &'static str {
    match state {
        ItemState::Pending => "sync.state.pending",
        ItemState::Synced => "sync.state.synced",
        ItemState::Parked => "sync.state.parked",
    }
}

const fn kind_key(kind: SyncKind) -> &'static str {
    match kind {
        SyncKind::Dossier => "sync.kind.dossier",
        SyncKind::Audit => "sync.kind.audit",
        SyncKind::PopulationCheck => "sync.kind.check",
    }
}

/// What the item carries, in a few words.
fn what(e: &OutboxEntry) -> String {
    match (e.kind, &e.dossier_code, &e.citizen) {
        (SyncKind::Dossier, Some(code), _) => format!("{code} #{}", e.revision.unwrap_or(0)),
        (_, _, Some(c)) => c.clone(),
        _ => String::new(),
    }
}

/// The status bar's words for the queue: `⇅ 3 chờ · 1 giữ · 09:05` (or offline).
#[must_use]
pub fn status_words(status: &SyncStatus, lang: Lang) -> String {
    let s = &status.summary;
    let mut parts = Vec::new();
    if status.reach == Reach::Offline {
        parts.push(lang.t("app.offline").to_owned());
    }
    if status.running {
        parts.push(lang.t("sync.bar.running").to_owned());
    }
    if s.pending > 0 {
        parts.push(lang.f("sync.bar.pending", &[("n", &s.pending)]));
    }
    if s.parked > 0 {
        parts.push(lang.f("sync.bar.parked", &[("n", &s.parked)]));
    }
    if let Some(t) = s.last_sync.as_deref().and_then(clock_of) {
        parts.push(lang.f("sync.bar.last", &[("time", &t)]));
    } else if s.pending == 0 && s.parked == 0 && status.reach != Reach::Offline {
        return String::new();
    }
    parts.join(" · ")
}

/// `HH:MM` of an RFC 3339 time (as stored, Vietnam time).
fn clock_of(rfc: &str) -> Option<String> {
    let t = rfc.split_once('T')?.1;
    t.get(..5).map(str::to_owned)
}

/// `DD/MM HH:MM:SS` of an RFC 3339 time.
fn when(rfc: &str) -> String {
    match rfc.split_once('T') {
        Some((d, t)) => {
            let mut parts = d.split('-');
            let (_, m, day) = (parts.next(), parts.next(), parts.next());
            format!(
                "{}/{} {}",
                day.unwrap_or(""),
                m.unwrap_or(""),
                t.get(..8).unwrap_or(t)
            )
        }
        None => rfc.to_owned(),
    }
}

/// Why a sync pass ended, in words (outside text made safe).
#[must_use]
pub fn stop_line(stop: &Stop, lang: Lang) -> String {
    let clean = |s: &str| text::sanitize(s).0;
    match stop {
        Stop::Done => lang.t("sync.stop.done").to_owned(),
        Stop::Offline { error } => lang.f("sync.stop.offline", &[("error", &clean(error))]),
        Stop::Retry {
            error,
            retry_after_s: Some(s),
        } => lang.f(
            "sync.stop.retry_after",
            &[("error", &clean(error)), ("s", s)],
        ),
        Stop::Retry { error, .. } => lang.f("sync.stop.retry", &[("error", &clean(error))]),
        Stop::NeedsSignIn { error } => lang.f("sync.stop.sign_in", &[("error", &clean(error))]),
        Stop::Store { error } => lang.f("sync.stop.store", &[("error", &clean(error))]),
    }
}

fn line_at(frame: &mut Frame<'_>, area: Rect, dy: u16, line: Line<'_>) {
    if dy < area.height {
        frame.render_widget(
            line,
            Rect {
                y: area.y + dy,
                height: 1,
                ..area
            },
        );
    }
}

/// Draws the screen.
pub fn render(
    state: &SyncState,
    view: View<'_>,
    frame: &mut Frame<'_>,
    area: Rect,
    lang: Lang,
    theme: &Theme,
) {
    if area.height < 8 {
        return;
    }
    let width = usize::from(area.width);
    // Title: where the backend stands.
    let reach = match view.status.map(|s| s.reach) {
        Some(Reach::Online) => lang.t("sync.reach.online"),
        Some(Reach::Offline) => lang.t("sync.reach.offline"),
        Some(Reach::Unknown) | None => lang.t("sync.reach.unknown"),
    };
    let title = format!(" {} · {reach}", lang.t("sync.title"));
    let last = view
        .status
        .and_then(|s| s.summary.last_sync.as_deref())
        .map_or_else(|| lang.t("sync.never").to_owned(), when);
    let right = lang.f("sync.last", &[("time", &last)]);
    let gap = width.saturating_sub(text::width(&title) + text::width(&right) + 1);
    line_at(
        frame,
        area,
        0,
        Line::from(vec![
            Span::styled(
                text::truncate(&title, width.saturating_sub(text::width(&right) + 1)).into_owned(),
                theme.header,
            ),
            Span::raw(" ".repeat(gap)),
            Span::styled(right, theme.dim),
        ]),
    );
    // The queue in numbers, and what the worker is doing.
    let mut summary = match view.status {
        Some(s) => lang.f(
            "sync.summary",
            &[
                ("pending", &s.summary.pending),
                ("parked", &s.summary.parked),
                ("synced", &s.summary.synced),
            ],
        ),
        None => lang.t("sync.no_worker").to_owned(),
    };
    let mut style = theme.dim;
    if let Some(s) = view.status {
        if s.running {
            summary.push_str(" · ");
            summary.push_str(lang.t("sync.bar.running"));
        } else if let Some(stop) = &s.last_error {
            summary = format!("{summary} · {}", stop_line(stop, lang));
            if let Some(p) = s.paused_for {
                summary.push_str(&lang.f("sync.paused", &[("s", &p.as_secs().max(1))]));
            }
            style = theme.error;
        }
    }
    line_at(
        frame,
        area,
        1,
        Line::styled(
            text::truncate(&format!(" {summary}"), width).into_owned(),
            style,
        ),
    );
    let mut y = 2;
    if let Some(on) = view.demo_backend {
        let key = if on { "sync.demo_on" } else { "sync.demo_off" };
        line_at(
            frame,
            area,
            y,
            Line::styled(
                text::truncate(&format!(" {}", lang.t(key)), width).into_owned(),
                if on { theme.dim } else { theme.error },
            ),
        );
        y += 1;
    }
    let (state_w, kind_w, what_w, tries_w) = (10, 8, 29, 4);
    let err_w = width.saturating_sub(state_w + kind_w + what_w + tries_w + 5);
    let header = format!(
        " {} {} {} {} {}",
        text::cell(lang.t("sync.col.state"), state_w),
        text::cell(lang.t("sync.col.kind"), kind_w),
        text::cell(lang.t("sync.col.what"), what_w),
        text::cell(lang.t("sync.col.tries"), tries_w),
        text::cell(lang.t("sync.col.error"), err_w),
    );
    line_at(
        frame,
        area,
        y,
        Line::styled(text::truncate(&header, width).into_owned(), theme.group),
    );
    y += 1;
    // Rows, then one line for the selected item's whole error.
    let rows = usize::from(area.height.saturating_sub(y + 1));
    if let Some(e) = &state.error {
        line_at(
            frame,
            area,
            y,
            Line::styled(
                text::truncate(
                    &lang.f("sync.failed", &[("error", &text::sanitize(e).0)]),
                    width,
                )
                .into_owned(),
                theme.error,
            ),
        );
    } else if state.rows.is_empty() {
        let key = if state.loading.is_some() {
            "sync.loading"
        } else {
            "sync.empty"
        };
        line_at(
            frame,
            area,
            y,
            Line::styled(format!(" {}", lang.t(key)), theme.dim),
        );
    }
    let top = state.selected.saturating_sub(rows.saturating_sub(1));
    for (i, e) in state.rows.iter().enumerate().skip(top).take(rows) {
        let error = e
            .last_error
            .as_deref()
            .map_or_else(String::new, |s| text::sanitize(s).0);
        let line = format!(
            " {} {} {} {} {}",
            text::cell(lang.t(state_key(e.state)), state_w),
            text::cell(lang.t(kind_key(e.kind)), kind_w),
            text::cell(&text::sanitize(&what(e)).0, what_w),
            text::cell(&e.tries.to_string(), tries_w),
            text::cell(&error, err_w),
        );
        let style = if i == state.selected {
            theme.selected
        } else if e.state == ItemState::Parked {
            theme.error
        } else if e.state == ItemState::Synced {
            theme.dim
        } else {
            ratatui::style::Style::new()
        };
        let dy = y + u16::try_from(i - top).unwrap_or(0);
        line_at(
            frame,
            area,
            dy,
            Line::styled(text::truncate(&line, width).into_owned(), style),
        );
    }
    if let Some(e) = state.rows.get(state.selected) {
        let detail = match (&e.last_error, e.state) {
            (Some(err), ItemState::Parked | ItemState::Pending) => {
                lang.f("sync.detail_error", &[("error", &text::sanitize(err).0)])
            }
            _ => lang.f(
                "sync.detail",
                &[
                    ("created", &when(&e.created_at)),
                    (
                        "synced",
                        &e.synced_at.as_deref().map_or_else(|| "—".to_owned(), when),
                    ),
                ],
            ),
        };
        line_at(
            frame,
            area,
            area.height - 1,
            Line::styled(
                text::truncate(&format!(" {detail}"), width).into_owned(),
                theme.dim,
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sync::SyncSummary;

    fn status(pending: usize, parked: usize, reach: Reach, last: Option<&str>) -> SyncStatus {
        SyncStatus {
            reach,
            summary: SyncSummary {
                pending,
                parked,
                synced: 4,
                last_sync: last.map(str::to_owned),
            },
            running: false,
            paused_for: None,
            last_error: None,
        }
    }

    #[test]
    fn the_status_words_say_what_waits_and_when_it_last_synced() {
        let lang = Lang::En;
        assert_eq!(
            status_words(&status(0, 0, Reach::Online, None), lang),
            "",
            "nothing to say before the first sync"
        );
        let w = status_words(
            &status(3, 1, Reach::Offline, Some("2026-11-24T09:05:12+07:00")),
            lang,
        );
        assert!(w.contains(lang.t("app.offline")), "{w}");
        assert!(
            w.contains('3') && w.contains('1') && w.contains("09:05"),
            "{w}"
        );
    }

    #[test]
    fn requeue_only_takes_a_parked_item() {
        let mut s = SyncState::new(1);
        let entry = |id: &str, state| OutboxEntry {
            id: id.into(),
            kind: SyncKind::Dossier,
            state,
            tries: 1,
            last_error: None,
            dossier_code: Some("C".into()),
            revision: Some(1),
            citizen: None,
            action: None,
            created_at: "2026-11-24T09:00:00+07:00".into(),
            synced_at: None,
        };
        s.on_rows(
            1,
            Ok(vec![
                entry("a", ItemState::Parked),
                entry("b", ItemState::Pending),
            ]),
        );
        assert_eq!(s.on_action(Action::Requeue, 24), Ask::Requeue("a".into()));
        s.on_action(Action::Down, 24);
        assert_eq!(s.on_action(Action::Requeue, 24), Ask::NotParked);
        // A reload keeps the selection on the same item.
        s.loading = Some(2);
        s.on_rows(
            2,
            Ok(vec![
                entry("c", ItemState::Parked),
                entry("a", ItemState::Parked),
                entry("b", ItemState::Pending),
            ]),
        );
        assert_eq!(s.on_action(Action::Requeue, 24), Ask::NotParked);
        s.on_action(Action::Up, 24);
        assert_eq!(s.on_action(Action::Requeue, 24), Ask::Requeue("a".into()));
    }
}
