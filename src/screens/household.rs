//! Household verification (*Xác thực chủ hộ*, seed 004 annex 3): the head, and the
//! members table — STT | Số định danh | Họ tên | Quan hệ với chủ hộ | Trạng thái — with
//! members added by typing, pasting a list, importing a CSV file, or from the people on
//! the dossier; verified one, the selected, or all, with a gauge, cancel and retry.
//!
//! Pure state and drawing; the app runs the batch and logs each answer before the table
//! shows it.

use std::collections::BTreeSet;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::action::Action;
use crate::household::{self, Counts, HeadInput, HouseholdCheck, MemberInput, MemberState};
use crate::i18n::Lang;
use crate::keymap::{Group, Key};
use crate::text;
use crate::theme::Theme;
use crate::ui::input::TextInput;

/// The inputs, then the table, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    HeadNumber,
    HeadBirth,
    HeadName,
    Add,
    Table,
}

const FOCI: [Focus; 5] = [
    Focus::HeadNumber,
    Focus::HeadBirth,
    Focus::HeadName,
    Focus::Add,
    Focus::Table,
];

/// What the screen asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Nothing,
    /// The table or the head changed (keep it with the dossier).
    Changed,
    /// Verify these members.
    Verify(Vec<String>),
    /// Stop the batch.
    Cancel,
    /// Read a members file.
    Read(String),
    /// Add the people on the dossier.
    FromDossier,
    /// Export the table (CSV and JSON).
    Export,
    Close,
    Unhandled,
}

/// The household screen.
#[derive(Debug, Clone)]
pub struct HouseholdState {
    pub check: HouseholdCheck,
    inputs: [TextInput; 4],
    focus: usize,
    /// Selected members (by number).
    pub selected: BTreeSet<String>,
    cursor: usize,
    /// The batch running.
    pub running: Option<u64>,
    /// The members file being read.
    pub reading: Option<u64>,
    /// The export being written (two files: CSV then JSON).
    pub exporting: Vec<u64>,
    /// A line under the table: (text, is it an error).
    pub message: Option<(String, bool)>,
}

impl HouseholdState {
    /// The screen on a dossier's household check (or a new one on `head`).
    #[must_use]
    pub fn new(mut check: HouseholdCheck) -> Self {
        // A table saved mid-batch (a quit, a crash): nothing is running now.
        for r in &mut check.rows {
            if r.state == MemberState::Checking {
                r.state = MemberState::Unchecked;
            }
        }
        let mut inputs: [TextInput; 4] = Default::default();
        inputs[0].insert_str(check.head.id_number.trim());
        inputs[1].insert_str(check.head.birth.trim());
        inputs[2].insert_str(check.head.name.trim());
        let focus = if check.head.id_number.trim().is_empty() {
            0
        } else if check.rows.is_empty() {
            3
        } else {
            4
        };
        Self {
            check,
            inputs,
            focus,
            selected: BTreeSet::new(),
            cursor: 0,
            running: None,
            reading: None,
            exporting: Vec::new(),
            message: None,
        }
    }

    #[must_use]
    pub fn focused(&self) -> Focus {
        FOCI[self.focus]
    }

    /// The inputs take text; the table takes keys.
    #[must_use]
    pub fn group(&self) -> Group {
        if self.focused() == Focus::Table {
            Group::HouseholdTable
        } else {
            Group::Household
        }
    }

    fn input_mut(&mut self) -> Option<&mut TextInput> {
        match self.focused() {
            Focus::HeadNumber => Some(&mut self.inputs[0]),
            Focus::HeadBirth => Some(&mut self.inputs[1]),
            Focus::HeadName => Some(&mut self.inputs[2]),
            Focus::Add => Some(&mut self.inputs[3]),
            Focus::Table => None,
        }
    }

    fn sync_head(&mut self) {
        self.check.head = HeadInput {
            id_number: self.inputs[0].text().trim().to_owned(),
            birth: self.inputs[1].text().trim().to_owned(),
            name: self.inputs[2].text().trim().to_owned(),
        };
    }

    /// The numbers of the members a verify of the selection covers: the selected, else
    /// the one under the cursor.
    fn chosen(&self) -> Vec<String> {
        if self.selected.is_empty() {
            self.check
                .rows
                .get(self.cursor)
                .map(|r| vec![r.id_number.clone()])
                .unwrap_or_default()
        } else {
            self.check
                .rows
                .iter()
                .filter(|r| self.selected.contains(&r.id_number))
                .map(|r| r.id_number.clone())
                .collect()
        }
    }

    /// Adds members from a list (typed, pasted or read); says what was added and skipped.
    pub fn add_list(&mut self, text: &str, lang: Lang) -> Ask {
        let (members, problems) = household::parse_list(text);
        let added = self.check.add(&members);
        let mut msg = lang.f("household.added", &[("n", &added)]);
        // The problem that stopped reading, when one did; else the first.
        let stopped = problems.last().filter(|p| {
            matches!(
                p.key,
                "household.line.too_many" | "household.line.too_many_problems"
            )
        });
        if let Some(p) = stopped.or(problems.first()) {
            msg.push(' ');
            msg.push_str(&lang.f(
                "household.skipped",
                &[
                    ("n", &problems.len()),
                    ("line", &p.line),
                    ("why", &lang.t(p.key)),
                ],
            ));
        }
        self.message = Some((msg, added == 0 && !problems.is_empty()));
        if added > 0 {
            Ask::Changed
        } else {
            Ask::Nothing
        }
    }

    /// Adds the people on the dossier (not the head).
    pub fn add_people(&mut self, people: &[MemberInput], lang: Lang) -> Ask {
        let added = self.check.add(people);
        self.message = Some((lang.f("household.added", &[("n", &added)]), false));
        if added > 0 {
            Ask::Changed
        } else {
            Ask::Nothing
        }
    }

    /// A key typed into the focused input.
    pub fn on_text_key(&mut self, key: Key) -> Ask {
        let focus = self.focused();
        let Some(input) = self.input_mut() else {
            return Ask::Nothing;
        };
        let before = input.text().to_owned();
        if !input.handle(key) || input.text() == before {
            return Ask::Nothing;
        }
        if focus == Focus::Add {
            return Ask::Nothing;
        }
        self.sync_head();
        Ask::Changed
    }

    /// Pasted text: a list into the table (unless it is one line into a head field).
    pub fn on_paste(&mut self, pasted: &str, lang: Lang) -> Ask {
        // Terminals send a pasted line break as CR, CR LF or LF.
        let pasted = &pasted.replace("\r\n", "\n").replace('\r', "\n");
        let one_line = !pasted.trim().contains('\n');
        match self.focused() {
            Focus::HeadNumber | Focus::HeadBirth | Focus::HeadName if one_line => {
                if let Some(input) = self.input_mut() {
                    input.insert_str(pasted.trim());
                }
                self.sync_head();
                Ask::Changed
            }
            Focus::Add if one_line => {
                if let Some(input) = self.input_mut() {
                    input.insert_str(pasted.trim());
                }
                Ask::Nothing
            }
            _ => self.add_list(pasted, lang),
        }
    }

    /// Applies answers (already logged) to the table.
    pub fn apply(&mut self, rows: &[(String, MemberState)], at: &str) {
        self.set_states(rows);
        self.check.checked_at = Some(at.to_owned());
    }

    /// Sets members' states (answers, or errors that are not answers).
    pub fn set_states(&mut self, rows: &[(String, MemberState)]) {
        for (id, state) in rows {
            if let Some(r) = self.check.rows.iter_mut().find(|r| &r.id_number == id) {
                if let MemberState::Member { relation } = state {
                    relation.clone_into(&mut r.relation);
                }
                r.state = state.clone();
            }
        }
    }

    /// The batch is over: members still marked as being checked were not started.
    pub fn finished(&mut self, lang: Lang) {
        self.running = None;
        for r in &mut self.check.rows {
            if r.state == MemberState::Checking {
                r.state = MemberState::Unchecked;
            }
        }
        let c = Counts::of(&self.check.rows);
        self.message = Some((
            lang.f(
                "household.finished",
                &[
                    ("member", &c.member),
                    ("not_member", &c.not_member),
                    ("error", &c.error),
                    ("unchecked", &(c.total - c.done())),
                ],
            ),
            c.error > 0,
        ));
    }

    /// Marks members as being checked (the app sends the batch).
    pub fn start(&mut self, req: u64, ids: &[String]) {
        self.running = Some(req);
        for r in &mut self.check.rows {
            if ids.contains(&r.id_number) {
                r.state = MemberState::Checking;
            }
        }
        self.message = None;
    }

    /// What is wrong with the head, if anything (i18n key).
    #[must_use]
    pub fn head_problem(&self) -> Option<&'static str> {
        let id = self.check.head.id_number.trim();
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Some("household.bad_head_field");
        }
        None
    }

    pub fn on_action(&mut self, action: Action, height: u16, lang: Lang) -> Ask {
        let n = self.check.rows.len();
        let page = usize::from(height.saturating_sub(12)).max(1);
        match (self.focused(), action) {
            (_, Action::Back) => {
                if self.running.is_some() {
                    return Ask::Cancel;
                }
                return Ask::Close;
            }
            (_, Action::NextField) => self.focus = (self.focus + 1) % FOCI.len(),
            (_, Action::PrevField) => self.focus = (self.focus + FOCI.len() - 1) % FOCI.len(),
            (_, Action::AddFromDossier) => return Ask::FromDossier,
            (_, Action::VerifyAll) => {
                return Ask::Verify(
                    self.check
                        .rows
                        .iter()
                        .filter(|r| !r.state.is_answered())
                        .map(|r| r.id_number.clone())
                        .collect(),
                );
            }
            (_, Action::CancelBatch) if self.running.is_some() => return Ask::Cancel,
            (_, Action::ExportHousehold) => return Ask::Export,
            (Focus::Add, Action::Confirm) => {
                let typed = self.inputs[3].text().trim().to_owned();
                if typed.is_empty() {
                    return Ask::Nothing;
                }
                self.inputs[3].clear();
                let looks_like_path = typed.contains('/')
                    || std::path::Path::new(&typed)
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
                if looks_like_path {
                    return Ask::Read(typed);
                }
                return self.add_list(&typed.replace([',', ';', ' '], "\n"), lang);
            }
            (Focus::HeadNumber | Focus::HeadBirth | Focus::HeadName, Action::Confirm) => {
                self.focus += 1;
            }
            (Focus::Table, Action::Up) => self.cursor = self.cursor.saturating_sub(1),
            (Focus::Table, Action::Down) => {
                self.cursor = (self.cursor + 1).min(n.saturating_sub(1));
            }
            (Focus::Table, Action::PageUp) => self.cursor = self.cursor.saturating_sub(page),
            (Focus::Table, Action::PageDown) => {
                self.cursor = (self.cursor + page).min(n.saturating_sub(1));
            }
            (Focus::Table, Action::Top) => self.cursor = 0,
            (Focus::Table, Action::Bottom) => self.cursor = n.saturating_sub(1),
            (Focus::Table, Action::ToggleSelect) => {
                if let Some(r) = self.check.rows.get(self.cursor) {
                    let id = r.id_number.clone();
                    if !self.selected.remove(&id) {
                        self.selected.insert(id);
                    }
                    self.cursor = (self.cursor + 1).min(n.saturating_sub(1));
                }
            }
            (Focus::Table, Action::VerifySelected) => return Ask::Verify(self.chosen()),
            (Focus::Table, Action::RetryFailed) => {
                return Ask::Verify(
                    self.check
                        .rows
                        .iter()
                        .filter(|r| matches!(r.state, MemberState::Error { .. }))
                        .map(|r| r.id_number.clone())
                        .collect(),
                );
            }
            (Focus::Table, Action::RemoveMember) => {
                if self.running.is_some() || self.cursor >= n {
                    return Ask::Nothing;
                }
                let r = self.check.rows.remove(self.cursor);
                self.selected.remove(&r.id_number);
                self.cursor = self.cursor.min(self.check.rows.len().saturating_sub(1));
                return Ask::Changed;
            }
            _ => return Ask::Unhandled,
        }
        Ask::Nothing
    }
}

// ---------------------------------------------------------------------------
// Drawing

/// The status word and its style.
fn state_text(s: &MemberState, lang: Lang, theme: &Theme) -> (String, Style) {
    let ok = if theme.ascii { "+" } else { "✓" };
    let no = if theme.ascii { "-" } else { "✗" };
    match s {
        MemberState::Unchecked => (lang.t("household.state.unchecked").to_owned(), theme.dim),
        MemberState::Checking => (lang.t("household.state.checking").to_owned(), theme.info),
        MemberState::Member { .. } => (
            format!("{ok} {}", lang.t("household.state.member")),
            theme.info,
        ),
        MemberState::NotMember => (
            format!("{no} {}", lang.t("household.state.not_member")),
            theme.matched,
        ),
        MemberState::Error { reason } => (format!("! {}", reason_text(reason, lang)), theme.error),
    }
}

/// An error reason code (see `household::batch`) in words.
#[must_use]
pub fn reason_text(reason: &str, lang: Lang) -> String {
    let (code, detail) = reason.split_once(':').unwrap_or((reason, ""));
    let key = match code {
        "head_not_found" => "household.reason.head_not_found",
        "not_in_db" => "household.reason.not_in_db",
        "no_result" => "household.reason.no_result",
        "offline" => "household.reason.offline",
        "rate_limited" => "household.reason.rate_limited",
        "unavailable" => "household.reason.unavailable",
        "sign_in" => "household.reason.sign_in",
        "not_logged" => "household.reason.not_logged",
        "refused" => "household.reason.refused",
        _ => "household.reason.failed",
    };
    lang.f(key, &[("detail", &text::sanitize(detail).0)])
}

fn field_line(
    label: &str,
    input: &TextInput,
    width: usize,
    focused: bool,
    theme: &Theme,
) -> Vec<Span<'static>> {
    let filler = if theme.ascii { "_" } else { "·" };
    let shown = text::truncate(input.text(), width).into_owned();
    let pad = width.saturating_sub(text::width(&shown));
    vec![
        Span::styled(
            format!(" {label:<15}"),
            if focused { theme.key } else { theme.dim },
        ),
        Span::styled(
            format!("{shown}{}", filler.repeat(pad)),
            if focused {
                theme.selected
            } else {
                Style::new()
            },
        ),
    ]
}

/// Draws the screen.
pub fn render(
    state: &HouseholdState,
    frame: &mut Frame<'_>,
    area: Rect,
    lang: Lang,
    theme: &Theme,
) {
    if area.height < 12 {
        return;
    }
    let width = usize::from(area.width);
    let c = Counts::of(&state.check.rows);
    let counts = lang.f(
        "household.counts",
        &[
            ("done", &c.done()),
            ("total", &c.total),
            ("member", &c.member),
            ("not_member", &c.not_member),
            ("error", &c.error),
        ],
    );
    let title = format!(" {}", lang.t("household.subtitle"));
    let gap = width.saturating_sub(text::width(&title) + text::width(&counts) + 1);
    let mut lines: Vec<Line<'static>> = vec![Line::from(vec![
        Span::styled(title, theme.header),
        Span::raw(" ".repeat(gap)),
        Span::styled(counts, theme.dim),
    ])];
    let rule = if theme.ascii { "-" } else { "─" };
    let section = |name: &str| {
        let head = format!("{rule}{rule} {name} ");
        let fill = width.saturating_sub(text::width(&head));
        Line::from(vec![
            Span::styled(head, theme.group),
            Span::styled(rule.repeat(fill), theme.border),
        ])
    };
    lines.push(section(lang.t("household.section.head")));
    let f = state.focused();
    let mut cursor: Option<(u16, u16)> = None;
    let mut head_line = field_line(
        lang.t("household.head_number"),
        &state.inputs[0],
        14,
        f == Focus::HeadNumber,
        theme,
    );
    head_line.push(Span::raw("  "));
    head_line.extend(field_line(
        lang.t("household.head_birth"),
        &state.inputs[1],
        12,
        f == Focus::HeadBirth,
        theme,
    ));
    match f {
        Focus::HeadNumber => cursor = Some((16 + state.inputs[0].cursor_column() as u16, 2)),
        Focus::HeadBirth => {
            cursor = Some((48 + state.inputs[1].cursor_column() as u16, 2));
        }
        Focus::HeadName => cursor = Some((16 + state.inputs[2].cursor_column() as u16, 3)),
        Focus::Add => cursor = Some((16 + state.inputs[3].cursor_column() as u16, 5)),
        Focus::Table => {}
    }
    lines.push(Line::from(head_line));
    lines.push(Line::from(field_line(
        lang.t("household.head_name"),
        &state.inputs[2],
        width.saturating_sub(18).min(48),
        f == Focus::HeadName,
        theme,
    )));
    lines.push(section(lang.t("household.section.members")));
    let mut add = field_line(
        lang.t("household.add"),
        &state.inputs[3],
        24,
        f == Focus::Add,
        theme,
    );
    let used: usize = add.iter().map(|s| text::width(&s.content)).sum();
    add.push(Span::styled(
        text::truncate(
            &format!(" {}", lang.t("household.add_hint")),
            width.saturating_sub(used),
        )
        .into_owned(),
        theme.dim,
    ));
    lines.push(Line::from(add));
    // The gauge.
    let gauge_w = width.saturating_sub(24).max(10);
    let filled = (c.done() * gauge_w).checked_div(c.total).unwrap_or(0);
    let (full, empty) = if theme.ascii {
        ("#", "-")
    } else {
        ("█", "░")
    };
    let running = if state.running.is_some() {
        lang.t("household.running")
    } else {
        ""
    };
    lines.push(Line::from(vec![
        Span::styled(format!(" {}", full.repeat(filled)), theme.info),
        Span::styled(empty.repeat(gauge_w - filled), theme.dim),
        Span::styled(format!(" {}/{} {running}", c.done(), c.total), theme.dim),
    ]));
    let (stt_w, id_w, rel_w, state_w) = (4, 13, 14, 23);
    let name_w = width.saturating_sub(5 + stt_w + id_w + rel_w + state_w + 4);
    lines.push(Line::styled(
        format!(
            "     {} {} {} {} {}",
            text::cell(lang.t("household.col.stt"), stt_w),
            text::cell(lang.t("household.col.id"), id_w),
            text::cell(lang.t("household.col.name"), name_w),
            text::cell(lang.t("household.col.relation"), rel_w),
            text::cell(lang.t("household.col.state"), state_w),
        ),
        theme.group,
    ));
    let rows_h = usize::from(area.height).saturating_sub(lines.len() + 1);
    let top = state.cursor.saturating_sub(rows_h.saturating_sub(1));
    if state.check.rows.is_empty() {
        lines.push(Line::styled(
            format!(" {}", lang.t("household.empty")),
            theme.dim,
        ));
    }
    for (i, r) in state.check.rows.iter().enumerate().skip(top).take(rows_h) {
        let here = f == Focus::Table && i == state.cursor;
        let mark = match (state.selected.contains(&r.id_number), theme.ascii) {
            (true, false) => "[✓]",
            (true, true) => "[x]",
            (false, _) => "[ ]",
        };
        let (word, style) = state_text(&r.state, lang, theme);
        let base = if here { theme.selected } else { Style::new() };
        lines.push(Line::from(vec![
            Span::styled(format!("{}{mark}", if here { ">" } else { " " }), base),
            Span::styled(
                format!(
                    " {} {} {} {} ",
                    text::cell(&(i + 1).to_string(), stt_w),
                    text::cell(&r.id_number, id_w),
                    text::cell(&r.name, name_w),
                    text::cell(&r.relation, rel_w),
                ),
                base,
            ),
            Span::styled(text::cell(&word, state_w), style),
        ]));
    }
    let bottom = area.y + area.height - 1;
    for (y, line) in lines.into_iter().enumerate() {
        let y = area.y + y as u16;
        if y >= bottom {
            break;
        }
        frame.render_widget(
            line,
            Rect {
                y,
                height: 1,
                ..area
            },
        );
    }
    let (msg, style) = match (&state.message, state.head_problem()) {
        (Some((m, err)), _) => (m.clone(), if *err { theme.error } else { theme.info }),
        (None, Some(key)) => (lang.t(key).to_owned(), theme.dim),
        (None, None) => (String::new(), theme.dim),
    };
    frame.render_widget(
        Line::styled(
            text::truncate(&format!(" {msg}"), width).into_owned(),
            style,
        ),
        Rect {
            y: bottom,
            height: 1,
            ..area
        },
    );
    if let Some((x, y)) = cursor {
        frame.set_cursor_position(Position {
            x: area.x + x,
            y: area.y + y,
        });
    }
}
