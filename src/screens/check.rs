//! The population-database check (*Kiểm tra CSDL Dân cư*, seed 000): the four mandatory
//! inputs in a box over the form, the two quick checks, and the field-by-field diff of
//! the form, the card and the database, where the official marks the database values to
//! take into the dossier.
//!
//! Pure state and drawing; the app sends the calls and writes the audit record before
//! an answer reaches [`CheckState::show_answer`].

use std::collections::BTreeSet;

use jiff::civil::Date;
use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::action::Action;
use crate::api::service::{CheckAnswer, CheckCall};
use crate::api::{DigitalIdentityRequest, DocumentType, VerifyRequest};
use crate::dossier::population::{self, CardValues, LookupInput, PopField, Row, Status};
use crate::dossier::validate::Problem;
use crate::dossier::{PersonForm, Role};
use crate::i18n::Lang;
use crate::keymap::{Group, Key};
use crate::store::audit::CheckKind;
use crate::text;
use crate::theme::Theme;
use crate::ui::input::TextInput;
use crate::ui::widgets;

/// The inputs, in Tab order.
pub use crate::dossier::population::LookupField as Input;

const INPUTS: [Input; 4] = [Input::Name, Input::Birth, Input::DocType, Input::Number];

/// Where the check is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Typing the inputs.
    Input,
    /// A call in flight (its answer is written to the audit log before it shows).
    Waiting { req: u64, kind: CheckKind },
    /// The record came back: the diff.
    Diff(Box<DiffView>),
    /// A quick check's answer, or a lookup that found nobody: (i18n key, is it good news).
    Answer { key: &'static str, good: bool },
    /// The call failed: what to tell the official.
    Failed(String),
    /// Offline: the lookup is queued and will be answered through sync.
    Queued,
}

/// The diff and what the official marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffView {
    pub rows: Vec<Row>,
    pub marked: BTreeSet<PopField>,
    pub expanded: BTreeSet<PopField>,
    /// The selected row (an index into `rows`).
    pub cursor: usize,
    /// The citizen's name and number as the database has them (the title).
    pub who: String,
}

/// What the screen asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Nothing,
    /// Send this call.
    Send(CheckKind),
    /// Take these database values into the form and close.
    Apply(Vec<PopField>),
    Close,
    Unhandled,
}

/// The check screen.
#[derive(Debug, Clone)]
pub struct CheckState {
    /// Whose block is checked.
    pub role: Role,
    pub dossier_id: String,
    pub dossier_code: Option<String>,
    pub procedure_code: String,
    /// What the procedure keeps.
    pub kept: Vec<PopField>,
    /// The person block as it was when the check opened (the Form column).
    pub form: PersonForm,
    /// Values read from the card (the Card column; empty until a card is read).
    pub card: Option<CardValues>,
    /// Today, for checking the birth date.
    today: Date,
    inputs: [TextInput; 3],
    pub doc: DocumentType,
    focus: usize,
    /// Problems shown after a refused send.
    problems: Vec<(Input, Problem)>,
    pub phase: Phase,
}

impl CheckState {
    /// A check of `form`, its inputs prefilled from it.
    #[must_use]
    pub fn new(
        role: Role,
        form: &PersonForm,
        dossier: &crate::dossier::Dossier,
        today: Date,
    ) -> Self {
        let id = form.id_number.trim();
        let doc = if id.len() == 9 {
            DocumentType::Cmnd
        } else {
            DocumentType::Cccd
        };
        let mut inputs: [TextInput; 3] = Default::default();
        inputs[0].insert_str(form.name.trim());
        inputs[1].insert_str(form.birth.trim());
        inputs[2].insert_str(id);
        let mut s = Self {
            role,
            dossier_id: dossier.id.clone(),
            dossier_code: dossier.code.clone(),
            procedure_code: dossier.procedure.code.clone(),
            kept: population::kept_fields(&dossier.procedure.population_fields),
            form: form.clone(),
            card: dossier.cards.get(&role).map(|c| c.values.clone()),
            today,
            inputs,
            doc,
            focus: 0,
            problems: Vec::new(),
            phase: Phase::Input,
        };
        // Start on the first empty input, else on the name.
        s.focus = INPUTS
            .iter()
            .position(|i| s.input(*i).is_some_and(|t| t.text().trim().is_empty()))
            .unwrap_or(0);
        s
    }

    /// The key group: the inputs take text; the diff does not.
    #[must_use]
    pub fn group(&self) -> Group {
        match self.phase {
            Phase::Diff(_) => Group::CheckDiff,
            _ => Group::Check,
        }
    }

    fn input(&self, i: Input) -> Option<&TextInput> {
        match i {
            Input::Name => Some(&self.inputs[0]),
            Input::Birth => Some(&self.inputs[1]),
            Input::Number => Some(&self.inputs[2]),
            Input::DocType => None,
        }
    }

    fn input_mut(&mut self, i: Input) -> Option<&mut TextInput> {
        match i {
            Input::Name => Some(&mut self.inputs[0]),
            Input::Birth => Some(&mut self.inputs[1]),
            Input::Number => Some(&mut self.inputs[2]),
            Input::DocType => None,
        }
    }

    /// The focused input.
    #[must_use]
    pub fn focused(&self) -> Input {
        INPUTS[self.focus]
    }

    /// The request id in flight, if any.
    #[must_use]
    pub fn waiting(&self) -> Option<(u64, CheckKind)> {
        match self.phase {
            Phase::Waiting { req, kind } => Some((req, kind)),
            _ => None,
        }
    }

    /// The document number typed.
    #[must_use]
    pub fn number(&self) -> String {
        self.inputs[2].text().trim().to_owned()
    }

    /// The inputs as typed.
    #[must_use]
    pub fn lookup_input(&self) -> LookupInput {
        LookupInput {
            name: self.inputs[0].text().to_owned(),
            birth: self.inputs[1].text().to_owned(),
            doc: self.doc,
            number: self.inputs[2].text().to_owned(),
        }
    }

    /// The problems of the inputs (domain.md §4).
    #[must_use]
    pub fn check_inputs(&self) -> Vec<(Input, Problem)> {
        self.lookup_input().problems(self.today)
    }

    /// The call for `kind`, from the inputs.
    #[must_use]
    pub fn call(&self, kind: CheckKind) -> CheckCall {
        let r = self.lookup_input().request(
            self.today,
            &self.procedure_code,
            self.dossier_code.clone(),
        );
        match kind {
            // The check screen never sends a household verification (its own screen does).
            CheckKind::Lookup | CheckKind::Household => CheckCall::Lookup(r),
            CheckKind::Verify => CheckCall::Verify(VerifyRequest {
                document_type: r.document_type,
                document_number: r.document_number,
                full_name: r.full_name,
                birth_date: r.birth_date,
                procedure_code: r.procedure_code,
                dossier_code: r.dossier_code,
            }),
            CheckKind::DigitalIdentity => CheckCall::DigitalIdentity(DigitalIdentityRequest {
                id_number: r.document_number,
                full_name: r.full_name,
                birth_date: r.birth_date,
                procedure_code: r.procedure_code,
                dossier_code: r.dossier_code,
            }),
        }
    }

    /// Marks a call as sent.
    pub fn sent(&mut self, req: u64, kind: CheckKind) {
        self.phase = Phase::Waiting { req, kind };
    }

    /// Shows an answer that is in the audit log.
    pub fn show_answer(&mut self, answer: &CheckAnswer) {
        self.phase = match answer {
            CheckAnswer::Lookup(r) => match &r.citizen {
                Some(c) => {
                    let rows = population::diff(&self.form, self.card.as_ref(), c, &self.kept);
                    // Start on the first value that could be taken because it differs.
                    let first = population::differing(&rows).first().copied();
                    let cursor = rows
                        .iter()
                        .position(|r| Some(r.field) == first)
                        .unwrap_or(0);
                    Phase::Diff(Box::new(DiffView {
                        rows,
                        marked: BTreeSet::new(),
                        expanded: BTreeSet::new(),
                        cursor,
                        who: format!("{} · {}", c.full_name.full(), c.id_number),
                    }))
                }
                None => Phase::Answer {
                    key: "check.not_found",
                    good: false,
                },
            },
            CheckAnswer::Verify(r) => Phase::Answer {
                key: if r.exists {
                    "check.exists"
                } else {
                    "check.not_exists"
                },
                good: r.exists,
            },
            CheckAnswer::DigitalIdentity(r) => Phase::Answer {
                key: match (r.valid, r.has_account) {
                    (false, _) => "check.identity_invalid",
                    (true, true) => "check.has_account",
                    (true, false) => "check.no_account",
                },
                good: r.valid && r.has_account,
            },
        };
    }

    /// A key typed into the focused input.
    pub fn on_text_key(&mut self, key: Key) -> Ask {
        if matches!(self.phase, Phase::Diff(_)) {
            return Ask::Nothing;
        }
        let field = self.focused();
        if field == Input::DocType {
            if matches!(
                key.code,
                KeyCode::Left | KeyCode::Right | KeyCode::Char(' ')
            ) {
                self.doc = match self.doc {
                    DocumentType::Cccd => DocumentType::Cmnd,
                    DocumentType::Cmnd => DocumentType::Cccd,
                };
                self.edited();
            }
            return Ask::Nothing;
        }
        if let Some(input) = self.input_mut(field) {
            let before = input.text().to_owned();
            if input.handle(key) && input.text() != before {
                self.edited();
            }
        }
        Ask::Nothing
    }

    /// Pasted text into the focused input.
    pub fn on_paste(&mut self, pasted: &str) {
        if matches!(self.phase, Phase::Diff(_)) {
            return;
        }
        let field = self.focused();
        if let Some(input) = self.input_mut(field) {
            input.insert_str(pasted.lines().next().unwrap_or(""));
            self.edited();
        }
    }

    /// Typing drops a shown answer and the problems already fixed; a call in flight
    /// stays in flight (its answer is for the old inputs, and is dropped as stale).
    fn edited(&mut self) {
        if !matches!(self.phase, Phase::Input) {
            self.phase = Phase::Input;
        }
        if !self.problems.is_empty() {
            let now = self.check_inputs();
            self.problems
                .retain(|(i, _)| now.iter().any(|(j, _)| j == i));
            for (i, p) in now {
                if let Some(slot) = self.problems.iter_mut().find(|(j, _)| *j == i) {
                    slot.1 = p;
                }
            }
        }
    }

    /// An action.
    pub fn on_action(&mut self, action: Action) -> Ask {
        if let Phase::Diff(view) = &mut self.phase {
            if action == Action::EditInputs {
                self.phase = Phase::Input;
                return Ask::Nothing;
            }
            return on_diff_action(view, action);
        }
        match action {
            Action::NextField | Action::Down => {
                self.focus = (self.focus + 1).min(INPUTS.len() - 1);
            }
            Action::PrevField | Action::Up => self.focus = self.focus.saturating_sub(1),
            Action::Back => return Ask::Close,
            Action::Confirm | Action::PopulationCheck => return self.try_send(CheckKind::Lookup),
            Action::VerifyId => return self.try_send(CheckKind::Verify),
            Action::DigitalIdentity => {
                if self.doc == DocumentType::Cmnd {
                    self.problems = vec![(
                        Input::DocType,
                        Problem {
                            key: "check.identity_needs_cccd",
                            args: Vec::new(),
                        },
                    )];
                    self.phase = Phase::Input;
                    return Ask::Nothing;
                }
                return self.try_send(CheckKind::DigitalIdentity);
            }
            _ => return Ask::Unhandled,
        }
        Ask::Nothing
    }

    fn try_send(&mut self, kind: CheckKind) -> Ask {
        let problems = self.check_inputs();
        if let Some((first, _)) = problems.first() {
            self.focus = INPUTS.iter().position(|i| i == first).unwrap_or(0);
            self.problems = problems;
            self.phase = Phase::Input;
            return Ask::Nothing;
        }
        self.problems.clear();
        Ask::Send(kind)
    }
}

fn on_diff_action(view: &mut DiffView, action: Action) -> Ask {
    let n = view.rows.len();
    match action {
        Action::Down | Action::NextField => view.cursor = (view.cursor + 1).min(n - 1),
        Action::Up | Action::PrevField => view.cursor = view.cursor.saturating_sub(1),
        Action::PageDown => view.cursor = (view.cursor + 8).min(n - 1),
        Action::PageUp => view.cursor = view.cursor.saturating_sub(8),
        Action::Top => view.cursor = 0,
        Action::Bottom => view.cursor = n - 1,
        Action::TakeValue => {
            let row = &view.rows[view.cursor];
            if row.takeable && !view.marked.remove(&row.field) {
                view.marked.insert(row.field);
            }
            if view.cursor + 1 < n {
                view.cursor += 1;
            }
        }
        Action::TakeAllDiffering => {
            let all = population::differing(&view.rows);
            if all.iter().all(|f| view.marked.contains(f)) {
                for f in &all {
                    view.marked.remove(f);
                }
            } else {
                view.marked.extend(all);
            }
        }
        Action::ExpandGroup => {
            let f = view.rows[view.cursor].field;
            if f.is_person() {
                view.expanded.insert(f);
            }
        }
        Action::CollapseGroup => {
            view.expanded.remove(&view.rows[view.cursor].field);
        }
        Action::ExpandAll => {
            view.expanded = view
                .rows
                .iter()
                .filter(|r| r.field.is_person() && !r.parts.is_empty())
                .map(|r| r.field)
                .collect();
        }
        Action::CollapseAll => view.expanded.clear(),
        Action::ApplyTaken => {
            return if view.marked.is_empty() {
                Ask::Nothing
            } else {
                Ask::Apply(view.marked.iter().copied().collect())
            };
        }
        Action::Back => return Ask::Close,
        _ => return Ask::Unhandled,
    }
    Ask::Nothing
}

// ---------------------------------------------------------------------------
// Drawing

const LABEL_W: usize = 16;

fn status_style(s: Status, theme: &Theme) -> Style {
    match s {
        Status::Empty => theme.dim,
        Status::Equal => theme.info,
        Status::Normalized => theme.key,
        Status::MissingHere | Status::MissingInDb => theme.matched,
        Status::Different => theme.error,
    }
}

/// Draws the inputs box (over whatever is below) or the diff (the whole area).
pub fn render(state: &CheckState, frame: &mut Frame<'_>, area: Rect, lang: Lang, theme: &Theme) {
    match &state.phase {
        Phase::Diff(view) => render_diff(state, view, frame, area, lang, theme),
        _ => render_inputs(state, frame, area, lang, theme),
    }
}

fn render_inputs(state: &CheckState, frame: &mut Frame<'_>, area: Rect, lang: Lang, theme: &Theme) {
    let box_area = widgets::centered(area, 70, 14);
    let who = lang.t(match state.role {
        Role::Submitter => "intake.section.submitter",
        Role::Owner => "intake.section.owner",
    });
    let title = lang.f("check.title", &[("who", &who)]);
    let inner = widgets::boxed(frame, box_area, theme, &title);
    let width = usize::from(inner.width);
    let mut lines: Vec<Line<'_>> = vec![Line::styled(
        format!(" {}", lang.t("check.required_heading")),
        theme.group,
    )];
    let value_w = width.saturating_sub(LABEL_W + 2).max(8);
    let mut cursor = None;
    for (i, input) in INPUTS.iter().enumerate() {
        let focused = i == state.focus;
        let label_key = match input {
            Input::Name => "check.name",
            Input::Birth => "check.birth",
            Input::DocType => "check.doc_type",
            Input::Number => "check.number",
        };
        let label = format!(" {:<w$}", lang.t(label_key), w = LABEL_W - 1);
        let problem = state.problems.iter().find(|(j, _)| j == input);
        let label_style = if problem.is_some() {
            theme.error
        } else if focused {
            theme.key
        } else {
            theme.dim
        };
        let value = match state.input(*input) {
            Some(t) => {
                let shown = text::truncate(t.text(), value_w).into_owned();
                if focused {
                    cursor = Some((
                        lines.len(),
                        t.cursor_column().min(value_w.saturating_sub(1)),
                    ));
                }
                let filler = if theme.ascii { "_" } else { "·" };
                let pad = value_w.saturating_sub(text::width(&shown));
                format!("{shown}{}", filler.repeat(pad))
            }
            None => format!(
                "‹{}›",
                match state.doc {
                    DocumentType::Cccd => lang.t("check.doc_cccd"),
                    DocumentType::Cmnd => lang.t("check.doc_cmnd"),
                }
            ),
        };
        let style = if focused {
            theme.selected
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(label, label_style),
            Span::styled(value, style),
        ]));
        if let Some((_, p)) = problem {
            let mark = if theme.ascii { "x" } else { "✗" };
            let msg = format!("{mark} {}", crate::screens::intake::problem_text(p, lang));
            lines.push(Line::from(vec![
                Span::raw(" ".repeat(LABEL_W)),
                Span::styled(
                    text::truncate(&msg, width.saturating_sub(LABEL_W)).into_owned(),
                    theme.error,
                ),
            ]));
        }
    }
    for part in text::wrap(lang.t("check.birth_hint"), width.saturating_sub(2), 2) {
        lines.push(Line::styled(format!(" {part}"), theme.dim));
    }
    lines.push(Line::raw(""));
    let (msg, style) = match &state.phase {
        Phase::Input | Phase::Diff(_) => (String::new(), theme.dim),
        Phase::Waiting { kind, .. } => (
            lang.t(match kind {
                CheckKind::Lookup | CheckKind::Household => "check.waiting_lookup",
                CheckKind::Verify => "check.waiting_verify",
                CheckKind::DigitalIdentity => "check.waiting_identity",
            })
            .to_owned(),
            theme.info,
        ),
        Phase::Answer { key, good } => (
            lang.f(key, &[("number", &state.number())]),
            if *good { theme.info } else { theme.error },
        ),
        Phase::Failed(msg) => (msg.clone(), theme.error),
        Phase::Queued => (lang.t("check.queued").to_owned(), theme.matched),
    };
    if !msg.is_empty() {
        for part in text::wrap(&msg, width.saturating_sub(2), 3) {
            lines.push(Line::styled(format!(" {part}"), style));
        }
    }
    widgets::lines_in(
        frame,
        inner,
        lines,
        cursor.map(|(y, col)| (y, LABEL_W + col)),
    );
}

/// One drawn line of the diff: a field row, or a part of an expanded sub-record.
enum DiffLine<'a> {
    Field(usize, &'a Row),
    Part(&'a population::SubRow),
}

fn render_diff(
    state: &CheckState,
    view: &DiffView,
    frame: &mut Frame<'_>,
    area: Rect,
    lang: Lang,
    theme: &Theme,
) {
    if area.height < 6 {
        return;
    }
    let width = usize::from(area.width);
    let differ = view
        .rows
        .iter()
        .filter(|r| r.status == Status::Different)
        .count();
    let missing = view
        .rows
        .iter()
        .filter(|r| matches!(r.status, Status::MissingHere | Status::MissingInDb))
        .count();
    let title = format!(
        " {} · {}",
        lang.t("check.diff_title"),
        text::sanitize(&view.who).0
    );
    let counts = lang.f(
        "check.counts",
        &[
            ("differ", &differ),
            ("missing", &missing),
            ("marked", &view.marked.len()),
        ],
    );
    let title = text::truncate(&title, width.saturating_sub(text::width(&counts) + 2)).into_owned();
    let gap = width.saturating_sub(text::width(&title) + text::width(&counts) + 1);
    frame.render_widget(
        Line::from(vec![
            Span::styled(title, theme.header),
            Span::raw(" ".repeat(gap)),
            Span::styled(counts, theme.dim),
        ]),
        Rect { height: 1, ..area },
    );
    // Columns: mark(4) status(2) label | form | card | db | status word.
    let has_card = state.card.is_some();
    let status_w = 10;
    let fixed = 6 + LABEL_W + status_w + 4;
    let columns = width.saturating_sub(fixed);
    let card_w = if has_card { columns / 3 } else { 7 };
    let form_w = (columns.saturating_sub(card_w)) / 2;
    let db_w = columns.saturating_sub(card_w + form_w);
    let sep = if theme.ascii { "|" } else { "│" };
    let header = format!(
        "{}{}{sep}{}{sep}{}{sep}{}",
        " ".repeat(6),
        text::cell(lang.t("check.col_field"), LABEL_W),
        text::cell(lang.t("check.col_form"), form_w),
        text::cell(lang.t("check.col_card"), card_w),
        text::cell(lang.t("check.col_db"), db_w),
    );
    frame.render_widget(
        Line::styled(text::truncate(&header, width).into_owned(), theme.group),
        Rect {
            y: area.y + 1,
            height: 1,
            ..area
        },
    );
    let mut lines: Vec<DiffLine<'_>> = Vec::new();
    for (i, r) in view.rows.iter().enumerate() {
        lines.push(DiffLine::Field(i, r));
        if view.expanded.contains(&r.field) {
            lines.extend(r.parts.iter().map(DiffLine::Part));
        }
    }
    // Two lines at the bottom show the selected row in full.
    let rows = usize::from(area.height).saturating_sub(5);
    let cursor_line = lines
        .iter()
        .position(|l| matches!(l, DiffLine::Field(i, _) if *i == view.cursor))
        .unwrap_or(0);
    let mut top = 0;
    if cursor_line >= rows {
        top = cursor_line + 1 - rows;
    }
    for (n, line) in lines.iter().enumerate().skip(top).take(rows) {
        let y = area.y + 2 + (n - top) as u16;
        let rect = Rect {
            y,
            height: 1,
            ..area
        };
        let widget = match line {
            DiffLine::Field(i, r) => {
                let selected = *i == view.cursor;
                let mark = match (r.takeable, view.marked.contains(&r.field), theme.ascii) {
                    (false, _, _) => "   ",
                    (true, true, false) => "[✓]",
                    (true, true, true) => "[x]",
                    (true, false, _) => "[ ]",
                };
                let fold = if r.field.is_person() && !r.parts.is_empty() {
                    let (open, closed) = theme.fold_marks();
                    if view.expanded.contains(&r.field) {
                        open
                    } else {
                        closed
                    }
                } else {
                    " "
                };
                let pointer = if selected { ">" } else { " " };
                let sym = r.status.symbol(theme.ascii);
                let label_style = if selected { theme.selected } else { theme.dim };
                Line::from(vec![
                    Span::styled(format!("{pointer}{mark}"), label_style),
                    Span::styled(sym, status_style(r.status, theme)),
                    Span::styled(fold, theme.dim),
                    Span::styled(text::cell(lang.t(&r.field.key()), LABEL_W), label_style),
                    Span::styled(sep, theme.border),
                    Span::raw(text::cell(&r.form, form_w)),
                    Span::styled(sep, theme.border),
                    Span::raw(text::cell(&r.card, card_w)),
                    Span::styled(sep, theme.border),
                    Span::raw(text::cell(&r.db, db_w)),
                    Span::styled(sep, theme.border),
                    Span::styled(
                        text::cell(lang.t(r.status.key()), status_w),
                        status_style(r.status, theme),
                    ),
                ])
            }
            DiffLine::Part(p) => {
                let branch = if theme.ascii { "`-" } else { "└ " };
                Line::from(vec![
                    Span::raw(" ".repeat(7)),
                    Span::styled(
                        text::cell(&format!("{branch}{}", lang.t(p.key)), LABEL_W - 1),
                        theme.dim,
                    ),
                    Span::styled(sep, theme.border),
                    Span::raw(" ".repeat(form_w)),
                    Span::styled(sep, theme.border),
                    Span::raw(" ".repeat(card_w)),
                    Span::styled(sep, theme.border),
                    Span::raw(text::cell(&p.db, db_w)),
                ])
            }
        };
        frame.render_widget(widget, rect);
    }
    // The selected row in full, and why it cannot be taken.
    let row = &view.rows[view.cursor];
    let bottom = area.y + area.height;
    let full = |key: &str, v: &str| {
        format!(
            " {}: {}",
            lang.t(key),
            if v.is_empty() {
                "—".to_owned()
            } else {
                text::sanitize(v).0
            }
        )
    };
    let first = full("check.col_form", &row.form);
    let second = if row.takeable || row.db.is_empty() {
        full("check.col_db", &row.db)
    } else {
        format!(
            "{} ({})",
            full("check.col_db", &row.db),
            lang.t("check.not_kept")
        )
    };
    for (k, l) in [first, second].into_iter().enumerate() {
        frame.render_widget(
            Line::styled(text::truncate(&l, width).into_owned(), theme.dim),
            Rect {
                y: bottom - 3 + k as u16,
                height: 1,
                ..area
            },
        );
    }
    let legend = lang.t(if theme.ascii {
        "check.legend_ascii"
    } else {
        "check.legend"
    });
    frame.render_widget(
        Line::styled(text::truncate(legend, width).into_owned(), theme.dim),
        Rect {
            y: bottom - 1,
            height: 1,
            ..area
        },
    );
}
