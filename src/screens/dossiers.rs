//! The dossier list: the day's dossiers (or another day's, or all), with code, procedure,
//! applicant, appointment date, status and sync state; searched without accents.

use jiff::civil::Date;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use crate::action::Action;
pub use crate::dossier::Days;
use crate::dossier::{DossierRow, SyncState, format_date, status_key};
use crate::i18n::Lang;
use crate::keymap::{Group, Key};
use crate::text;
use crate::theme::Theme;
use crate::ui::input::TextInput;

/// Whether the rows are here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Load {
    Loading { req: u64 },
    Loaded,
    Failed(String),
}

/// The dossier list screen.
#[derive(Debug, Clone)]
pub struct DossiersState {
    pub days: Days,
    /// The day the store resolved `Today` to, once known.
    pub today: Option<Date>,
    pub load: Load,
    pub rows: Vec<DossierRow>,
    /// Indices into `rows` matching the search.
    shown: Vec<usize>,
    folded: Vec<String>,
    pub filter: TextInput,
    pub filtering: bool,
    selected: usize,
    offset: usize,
}

/// What the list asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Nothing,
    /// (Re)load the rows for `days`.
    Load(Days),
    /// Open a dossier.
    Open(String),
    Close,
    Unhandled,
}

impl DossiersState {
    #[must_use]
    pub fn new(req: u64) -> Self {
        Self {
            days: Days::Today,
            today: None,
            load: Load::Loading { req },
            rows: Vec::new(),
            shown: Vec::new(),
            folded: Vec::new(),
            filter: TextInput::default(),
            filtering: false,
            selected: 0,
            offset: 0,
        }
    }

    #[must_use]
    pub fn group(&self) -> Group {
        if self.filtering {
            Group::Filter
        } else {
            Group::Dossiers
        }
    }

    /// The request a reload is waiting for.
    #[must_use]
    pub fn awaiting(&self) -> Option<u64> {
        match self.load {
            Load::Loading { req } => Some(req),
            _ => None,
        }
    }

    pub fn start_loading(&mut self, req: u64) {
        self.load = Load::Loading { req };
    }

    /// The store's answer: rows and the day `Today` meant.
    pub fn on_rows(&mut self, req: u64, result: Result<(Vec<DossierRow>, Date), String>) {
        if self.awaiting() != Some(req) {
            return;
        }
        match result {
            Ok((rows, today)) => {
                let keep = self.selected_row().map(|r| r.id.clone());
                self.today = Some(today);
                if self.days == Days::Today {
                    self.days = Days::Day(today);
                }
                self.folded = rows
                    .iter()
                    .map(|r| {
                        text::fold(&format!(
                            "{} {} {} {}",
                            r.code.as_deref().unwrap_or(""),
                            r.procedure_code,
                            r.procedure_name,
                            r.applicant
                        ))
                    })
                    .collect();
                self.rows = rows;
                self.load = Load::Loaded;
                self.refilter();
                if let Some(id) = keep
                    && let Some(i) = self.shown.iter().position(|&r| self.rows[r].id == id)
                {
                    self.selected = i;
                }
            }
            Err(e) => self.load = Load::Failed(e),
        }
    }

    fn refilter(&mut self) {
        let words: Vec<String> = text::fold(self.filter.text())
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        self.shown = (0..self.rows.len())
            .filter(|&i| words.iter().all(|w| self.folded[i].contains(w.as_str())))
            .collect();
        self.selected = self.selected.min(self.shown.len().saturating_sub(1));
    }

    fn selected_row(&self) -> Option<&DossierRow> {
        self.shown.get(self.selected).map(|&i| &self.rows[i])
    }

    /// A key typed into the search.
    pub fn on_text_key(&mut self, key: Key) {
        if self.filtering && self.filter.handle(key) {
            self.refilter();
        }
    }

    pub fn on_paste(&mut self, pasted: &str) {
        if self.filtering {
            self.filter.insert_str(pasted);
            self.refilter();
        }
    }

    fn day_step(&self, forward: bool) -> Option<Days> {
        let base = match self.days {
            Days::Day(d) => d,
            Days::Today | Days::All => self.today?,
        };
        let next = if forward {
            base.tomorrow()
        } else {
            base.yesterday()
        };
        next.ok().map(Days::Day)
    }

    pub fn on_action(&mut self, action: Action, height: u16) -> Ask {
        let page = usize::from(height.saturating_sub(4)).max(1);
        if let Some(i) = crate::ui::widgets::moved(self.selected, action, self.shown.len(), page) {
            self.selected = i;
            return Ask::Nothing;
        }
        match action {
            Action::Filter => self.filtering = true,
            Action::FilterAccept => self.filtering = false,
            Action::FilterClear => {
                self.filtering = false;
                self.filter.clear();
                self.refilter();
            }
            Action::Back if !self.filter.is_empty() => {
                self.filter.clear();
                self.refilter();
            }
            Action::Back => return Ask::Close,
            Action::Open => {
                if let Some(r) = self.selected_row() {
                    return Ask::Open(r.id.clone());
                }
            }
            Action::PrevDay | Action::NextDay => {
                if let Some(days) = self.day_step(action == Action::NextDay) {
                    self.days = days;
                    return Ask::Load(days);
                }
            }
            Action::Today => {
                self.days = Days::Today;
                return Ask::Load(Days::Today);
            }
            Action::AllDays => {
                self.days = Days::All;
                return Ask::Load(Days::All);
            }
            Action::Reload => return Ask::Load(self.days),
            _ => return Ask::Unhandled,
        }
        Ask::Nothing
    }

    /// Keeps the selection in the visible window.
    fn window(&self, rows: usize) -> usize {
        let mut offset = self.offset.min(self.shown.len().saturating_sub(rows));
        if self.selected < offset {
            offset = self.selected;
        }
        if self.selected >= offset + rows {
            offset = self.selected + 1 - rows;
        }
        offset
    }

    /// Remembers the window after drawing (called by `update` on resize and moves).
    pub fn settle(&mut self, height: u16) {
        self.offset = self.window(usize::from(height.saturating_sub(4)).max(1));
    }
}

/// The part of a dossier code a desk reads: `yyMMdd-NNNN` (the unit is the desk's own).
#[must_use]
pub fn short_code(code: &str) -> &str {
    let mut dashes = code.rmatch_indices('-');
    match (dashes.next(), dashes.next()) {
        (Some(_), Some((i, _))) => &code[i + 1..],
        _ => code,
    }
}

/// Draws the list.
pub fn render(state: &DossiersState, frame: &mut Frame<'_>, area: Rect, lang: Lang, theme: &Theme) {
    if area.height < 4 {
        return;
    }
    let width = usize::from(area.width);
    let day = match state.days {
        Days::Today => lang.t("list.today").to_owned(),
        Days::Day(d) if Some(d) == state.today => {
            format!("{} {}", lang.t("list.today"), format_date(d))
        }
        Days::Day(d) => format_date(d),
        Days::All => lang.t("list.all_days").to_owned(),
    };
    let count = lang.f("list.count", &[("n", &state.shown.len())]);
    let head = format!(" {} · {day} · {count}", lang.t("list.title"));
    frame.render_widget(
        Line::from(Span::styled(
            text::truncate(&head, width).into_owned(),
            theme.header,
        )),
        Rect { height: 1, ..area },
    );
    // The search line.
    let search_y = area.y + 1;
    let label = format!(" {} ", lang.t("list.search"));
    let shown_filter = if state.filter.is_empty() && !state.filtering {
        lang.t("list.search_hint").to_owned()
    } else {
        state.filter.text().to_owned()
    };
    frame.render_widget(
        Line::from(vec![
            Span::styled(label.clone(), theme.key),
            Span::styled(
                text::truncate(&shown_filter, width.saturating_sub(label.len() + 1)).into_owned(),
                if state.filtering {
                    theme.selected
                } else {
                    theme.dim
                },
            ),
        ]),
        Rect {
            y: search_y,
            height: 1,
            ..area
        },
    );
    if state.filtering {
        frame.set_cursor_position(Position {
            x: area.x + text::width(&label) as u16 + state.filter.cursor_column() as u16,
            y: search_y,
        });
    }
    // Columns: code, procedure, applicant, appointment, status, sync.
    let (code_w, app_w, due_w, status_w, sync_w) = (12, 18, 10, 13, 8);
    let proc_w = width.saturating_sub(code_w + app_w + due_w + status_w + sync_w + 6);
    let header = format!(
        " {} {} {} {} {} {}",
        text::cell(lang.t("list.col.code"), code_w),
        text::cell(lang.t("list.col.procedure"), proc_w),
        text::cell(lang.t("list.col.applicant"), app_w),
        text::cell(lang.t("list.col.due"), due_w),
        text::cell(lang.t("list.col.status"), status_w),
        text::cell(lang.t("list.col.sync"), sync_w),
    );
    frame.render_widget(
        Line::from(Span::styled(header, theme.dim)),
        Rect {
            y: area.y + 2,
            height: 1,
            ..area
        },
    );
    let body = Rect {
        y: area.y + 3,
        height: area.height - 3,
        ..area
    };
    let message = match &state.load {
        Load::Loading { .. } if state.rows.is_empty() => {
            Some((lang.t("list.loading").to_owned(), theme.dim))
        }
        Load::Failed(e) => Some((
            lang.f("list.failed", &[("error", &text::sanitize(e).0)]),
            theme.error,
        )),
        _ if state.shown.is_empty() && !state.filter.is_empty() => {
            Some((lang.t("list.no_match").to_owned(), theme.dim))
        }
        _ if state.shown.is_empty() => Some((lang.t("list.empty").to_owned(), theme.dim)),
        _ => None,
    };
    if let Some((msg, style)) = message {
        frame.render_widget(
            Line::from(Span::styled(
                text::truncate(&format!(" {msg}"), width).into_owned(),
                style,
            )),
            Rect { height: 1, ..body },
        );
        return;
    }
    let rows = usize::from(body.height);
    let offset = state.window(rows);
    for (i, &r) in state.shown.iter().enumerate().skip(offset).take(rows) {
        let row = &state.rows[r];
        let code = match (&row.code, row.code_provisional) {
            (Some(c), true) => format!("{}*", short_code(c)),
            (Some(c), false) => short_code(c).to_owned(),
            (None, _) => "—".to_owned(),
        };
        let status = if row.finalized {
            lang.t(status_key(row.status)).to_owned()
        } else {
            lang.t("list.draft").to_owned()
        };
        let sync = if row.has_draft && row.finalized {
            lang.t("list.editing").to_owned()
        } else {
            lang.t(match row.sync {
                SyncState::Draft => "sync.draft",
                s => s.key(),
            })
            .to_owned()
        };
        let due = row
            .due_at
            .map_or_else(String::new, |d| format_date(d.date()));
        let line = format!(
            " {} {} {} {} {} {}",
            text::cell(&code, code_w),
            text::cell(&text::sanitize(&row.procedure_name).0, proc_w),
            text::cell(&text::sanitize(&row.applicant).0, app_w),
            text::cell(&due, due_w),
            text::cell(&status, status_w),
            text::cell(&sync, sync_w),
        );
        let style = if i == state.selected {
            theme.selected
        } else {
            ratatui::style::Style::new()
        };
        frame.render_widget(
            Line::from(Span::styled(
                text::truncate(&line, width).into_owned(),
                style,
            )),
            Rect {
                y: body.y + (i - offset) as u16,
                height: 1,
                ..body
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn row(id: &str, applicant: &str, code: Option<&str>) -> DossierRow {
        DossierRow {
            id: id.into(),
            revision: 1,
            code: code.map(str::to_owned),
            code_provisional: false,
            procedure_code: "1.001776".into(),
            procedure_name: "Đăng ký khai sinh".into(),
            applicant: applicant.into(),
            received_at: date(2026, 11, 23).at(9, 0, 0, 0),
            due_at: None,
            status: 2,
            sync: SyncState::Pending,
            finalized: true,
            has_draft: false,
        }
    }

    #[test]
    fn search_ignores_accents_and_open_gives_the_id() {
        let mut s = DossiersState::new(1);
        s.on_rows(
            1,
            Ok((
                vec![
                    row("a", "Lê Thị Thu Hà", Some("000.00.92.H55-261123-0001")),
                    row("b", "Nguyễn Đức Minh", None),
                ],
                date(2026, 11, 23),
            )),
        );
        assert_eq!(s.days, Days::Day(date(2026, 11, 23)));
        s.on_action(Action::Filter, 24);
        for c in "duc minh".chars() {
            s.on_text_key(Key {
                code: ratatui::crossterm::event::KeyCode::Char(c),
                ctrl: false,
                alt: false,
            });
        }
        assert_eq!(s.shown, vec![1]);
        s.on_action(Action::FilterAccept, 24);
        assert_eq!(s.on_action(Action::Open, 24), Ask::Open("b".into()));
        assert_eq!(
            s.on_action(Action::PrevDay, 24),
            Ask::Load(Days::Day(date(2026, 11, 22)))
        );
    }

    #[test]
    fn stale_rows_are_dropped() {
        let mut s = DossiersState::new(2);
        s.on_rows(1, Ok((vec![row("a", "x", None)], date(2026, 1, 1))));
        assert!(s.rows.is_empty());
    }

    #[test]
    fn short_codes() {
        assert_eq!(short_code("000.00.92.H55-230206-0001"), "230206-0001");
        assert_eq!(short_code("x"), "x");
    }
}
