//! The audit log of population-database use (*nhật ký tra cứu*): every lookup and quick
//! check, newest first, filterable by the citizen's document number. Read-only: records
//! cannot be changed or deleted through the app.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use crate::action::Action;
use crate::i18n::Lang;
use crate::keymap::{Group, Key};
use crate::store::audit::AuditEntry;
use crate::store::retention::PurgeReport;
use crate::text;
use crate::theme::Theme;
use crate::ui::input::TextInput;

/// The audit screen.
#[derive(Debug, Clone)]
pub struct AuditState {
    /// The read in flight.
    pub loading: Option<u64>,
    pub error: Option<String>,
    pub rows: Vec<AuditEntry>,
    /// Document-number filter (digits; a prefix).
    pub filter: TextInput,
    pub filtering: bool,
    /// The read of the last retention purge in flight.
    pub purge_req: Option<u64>,
    /// The last retention purge, once read (`None` inside: there was none yet).
    pub purge: Option<Option<PurgeReport>>,
    selected: usize,
}

/// What the screen asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Nothing,
    /// Read the records again with the current filter.
    Load,
    Close,
    Unhandled,
}

impl AuditState {
    #[must_use]
    pub fn new(req: u64) -> Self {
        Self {
            loading: Some(req),
            error: None,
            rows: Vec::new(),
            filter: TextInput::default(),
            filtering: false,
            purge_req: None,
            purge: None,
            selected: 0,
        }
    }

    #[must_use]
    pub fn group(&self) -> Group {
        if self.filtering {
            Group::Filter
        } else {
            Group::Audit
        }
    }

    /// The citizen filter to read with (`None`: everyone).
    #[must_use]
    pub fn citizen(&self) -> Option<String> {
        let t = self.filter.text().trim();
        (!t.is_empty()).then(|| t.to_owned())
    }

    /// The store's answer.
    pub fn on_rows(&mut self, req: u64, result: Result<Vec<AuditEntry>, String>) {
        if self.loading != Some(req) {
            return;
        }
        self.loading = None;
        match result {
            Ok(rows) => {
                self.rows = rows;
                self.error = None;
                self.selected = self.selected.min(self.rows.len().saturating_sub(1));
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// The store's answer about the last retention purge (a failure shows nothing: the
    /// list's own read reports the store's trouble).
    pub fn on_purge(&mut self, req: u64, result: Result<Option<PurgeReport>, String>) {
        if self.purge_req != Some(req) {
            return;
        }
        self.purge_req = None;
        if let Ok(report) = result {
            self.purge = Some(report);
        }
    }

    /// A key typed into the filter: the list reloads as the number is typed.
    pub fn on_text_key(&mut self, key: Key) -> Ask {
        let before = self.filter.text().to_owned();
        if self.filtering && self.filter.handle(key) && self.filter.text() != before {
            return Ask::Load;
        }
        Ask::Nothing
    }

    pub fn on_paste(&mut self, pasted: &str) -> Ask {
        if self.filtering {
            self.filter.insert_str(pasted.lines().next().unwrap_or(""));
            return Ask::Load;
        }
        Ask::Nothing
    }

    pub fn on_action(&mut self, action: Action, height: u16) -> Ask {
        let page = usize::from(height.saturating_sub(6)).max(1);
        if let Some(i) = crate::ui::widgets::moved(self.selected, action, self.rows.len(), page) {
            self.selected = i;
            return Ask::Nothing;
        }
        match action {
            Action::Filter => self.filtering = true,
            Action::FilterAccept => self.filtering = false,
            Action::FilterClear => {
                self.filtering = false;
                self.filter.clear();
                return Ask::Load;
            }
            Action::Back if !self.filter.is_empty() => {
                self.filter.clear();
                return Ask::Load;
            }
            Action::Back => return Ask::Close,
            Action::Reload => return Ask::Load,
            _ => return Ask::Unhandled,
        }
        Ask::Nothing
    }
}

fn action_key(action: &str) -> &'static str {
    match action {
        "population.lookup" => "audit.action.lookup",
        "population.verify" => "audit.action.verify",
        "population.digital_identity" => "audit.action.identity",
        "population.household" => "audit.action.household",
        "dossier.finalize" => "audit.action.finalize",
        crate::store::retention::PURGE_ACTION => "audit.action.purge",
        _ => "audit.action.other",
    }
}

fn outcome_key(outcome: &str) -> &'static str {
    match outcome {
        "found" => "audit.outcome.found",
        "not_found" => "audit.outcome.not_found",
        "exists" => "audit.outcome.exists",
        "not_exists" => "audit.outcome.not_exists",
        "has_account" => "audit.outcome.has_account",
        "no_account" => "audit.outcome.no_account",
        "invalid" => "audit.outcome.invalid",
        "queued" => "audit.outcome.queued",
        "member" => "audit.outcome.member",
        "not_member" => "audit.outcome.not_member",
        "" => "audit.outcome.none",
        _ => "audit.outcome.error",
    }
}

/// The two lines about the last retention purge: when (the server's time) and where the
/// audit chain starts now; what went.
fn purge_lines(purge: Option<&PurgeReport>, lang: Lang) -> [String; 2] {
    let Some(p) = purge else {
        return [lang.t("audit.purge.none").to_owned(), String::new()];
    };
    let at = p.server_time.parse::<jiff::Timestamp>().map_or_else(
        |_| text::sanitize(&p.server_time).0,
        |t| {
            t.to_zoned_datetime(crate::clock::vn_tz())
                .strftime("%d/%m/%Y %H:%M")
                .to_string()
        },
    );
    let mut when = lang.f("audit.purge.last", &[("at", &at)]);
    let mut what = lang.f(
        "audit.purge.removed",
        &[
            ("dossiers", &p.dossiers),
            ("checks", &p.checks),
            ("audit", &p.audit),
        ],
    );
    if let Some(cp) = &p.checkpoint {
        when.push_str(&lang.f("audit.purge.checkpoint", &[("seq", &cp.seq)]));
        let hash: String = cp.hash.chars().take(8).collect();
        what.push_str(&lang.f("audit.purge.hash", &[("hash", &text::sanitize(&hash).0)]));
    }
    if p.audit_skipped.is_some() {
        what.push_str(lang.t("audit.purge.skipped"));
    }
    [when, what]
}

/// Draws the list.
pub fn render(state: &AuditState, frame: &mut Frame<'_>, area: Rect, lang: Lang, theme: &Theme) {
    if area.height < 6 {
        return;
    }
    let width = usize::from(area.width);
    let filter = if state.filter.is_empty() && !state.filtering {
        lang.t("audit.all").to_owned()
    } else {
        lang.f("audit.filtered", &[("number", &state.filter.text())])
    };
    let title = format!(" {} · {filter}", lang.t("audit.title"));
    let count = lang.f("audit.count", &[("n", &state.rows.len())]);
    let gap = width.saturating_sub(text::width(&title) + text::width(&count) + 1);
    frame.render_widget(
        Line::from(vec![
            Span::styled(
                text::truncate(&title, width.saturating_sub(text::width(&count) + 1)).into_owned(),
                theme.header,
            ),
            Span::raw(" ".repeat(gap)),
            Span::styled(count, theme.dim),
        ]),
        Rect { height: 1, ..area },
    );
    let (time_w, who_w, id_w, act_w) = (19, 8, 12, 12);
    let rest = width.saturating_sub(time_w + who_w + id_w + act_w + 6);
    let proc_w = rest.min(10);
    let out_w = rest.saturating_sub(proc_w);
    let header = format!(
        " {} {} {} {} {} {}",
        text::cell(lang.t("audit.col.time"), time_w),
        text::cell(lang.t("audit.col.official"), who_w),
        text::cell(lang.t("audit.col.citizen"), id_w),
        text::cell(lang.t("audit.col.action"), act_w),
        text::cell(lang.t("audit.col.procedure"), proc_w),
        text::cell(lang.t("audit.col.outcome"), out_w),
    );
    frame.render_widget(
        Line::styled(text::truncate(&header, width).into_owned(), theme.group),
        Rect {
            y: area.y + 1,
            height: 1,
            ..area
        },
    );
    // Two lines at the bottom for the last purge, once read (when there is room).
    let purge = state.purge.as_ref().filter(|_| area.height >= 7);
    let panel = if purge.is_some() { 5 } else { 4 };
    let rows = usize::from(area.height).saturating_sub(panel);
    let body = Rect {
        y: area.y + 2,
        height: u16::try_from(rows).unwrap_or(0),
        ..area
    };
    if let Some(e) = &state.error {
        frame.render_widget(
            Line::styled(
                text::truncate(
                    &lang.f("audit.failed", &[("error", &text::sanitize(e).0)]),
                    width,
                )
                .into_owned(),
                theme.error,
            ),
            Rect { height: 1, ..body },
        );
    } else if state.rows.is_empty() {
        let key = if state.loading.is_some() {
            "audit.loading"
        } else {
            "audit.empty"
        };
        frame.render_widget(
            Line::styled(format!(" {}", lang.t(key)), theme.dim),
            Rect { height: 1, ..body },
        );
    }
    let top = state.selected.saturating_sub(rows.saturating_sub(1));
    for (i, e) in state.rows.iter().enumerate().skip(top).take(rows) {
        let mut outcome = lang.t(outcome_key(e.outcome())).to_owned();
        if let Some(code) = e.outcome().strip_prefix("error:") {
            outcome = format!("{outcome} {code}");
        }
        let line = format!(
            " {} {} {} {} {} {}",
            text::cell(&e.at_local(), time_w),
            text::cell(&e.official, who_w),
            text::cell(&e.citizen, id_w),
            text::cell(lang.t(action_key(&e.action)), act_w),
            text::cell(&e.procedure_code, proc_w),
            text::cell(&outcome, out_w),
        );
        let style = if i == state.selected {
            theme.selected
        } else {
            ratatui::style::Style::new()
        };
        frame.render_widget(
            Line::styled(text::truncate(&line, width).into_owned(), style),
            Rect {
                y: body.y + u16::try_from(i - top).unwrap_or(0),
                height: 1,
                ..area
            },
        );
    }
    // The last retention purge, above the purpose line.
    if let Some(purge) = purge {
        for (i, line) in purge_lines(purge.as_ref(), lang).iter().enumerate() {
            frame.render_widget(
                Line::styled(
                    text::truncate(&format!(" {line}"), width).into_owned(),
                    theme.dim,
                ),
                Rect {
                    y: area.y + area.height - 3 + u16::try_from(i).unwrap_or(0),
                    height: 1,
                    ..area
                },
            );
        }
    }
    // The selected record's purpose: the dossier it was for (a purge's own record has
    // none: the panel above says what it did).
    if let Some(e) = state
        .rows
        .get(state.selected)
        .filter(|e| e.action != crate::store::retention::PURGE_ACTION)
    {
        let code = e
            .dossier_code
            .as_deref()
            .or_else(|| {
                e.detail
                    .get("dossier_code")
                    .and_then(serde_json::Value::as_str)
            })
            .unwrap_or("");
        let fields = e
            .detail
            .get("fields")
            .and_then(serde_json::Value::as_array)
            .map_or(0, Vec::len);
        let mut line = lang.f(
            "audit.purpose",
            &[
                ("procedure", &e.procedure_code),
                (
                    "dossier",
                    &if code.is_empty() {
                        e.dossier_id.clone().unwrap_or_else(|| "—".into())
                    } else {
                        code.to_owned()
                    },
                ),
            ],
        );
        if fields > 0 {
            line.push_str(&lang.f("audit.fields", &[("n", &fields)]));
        }
        frame.render_widget(
            Line::styled(
                text::truncate(&format!(" {}", text::sanitize(&line).0), width).into_owned(),
                theme.dim,
            ),
            Rect {
                y: area.y + area.height - 1,
                height: 1,
                ..area
            },
        );
    }
    if state.filtering {
        let x = area.x
            + u16::try_from(text::width(&format!(" {} · ", lang.t("audit.title")))).unwrap_or(0)
            + u16::try_from(text::width(
                lang.f("audit.filtered", &[("number", &"")]).as_str(),
            ))
            .unwrap_or(0)
            + u16::try_from(state.filter.cursor_column()).unwrap_or(0);
        frame.set_cursor_position(Position { x, y: area.y });
    }
}
