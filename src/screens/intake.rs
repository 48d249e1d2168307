//! The intake form (*Thêm mới hồ sơ*, seed 001 part II): Thông tin hồ sơ, Người nộp,
//! Chủ hồ sơ, Nội dung. Every edit goes straight into the dossier, so the draft the app
//! saves is always what is on screen; problems are shown beside the fields as typed.
//!
//! A finalized dossier opens read-only (`View`); editing it starts the next revision.

use std::collections::BTreeSet;

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use crate::action::Action;
use crate::api::Sex;
use crate::calendar::office::OfficeCalendar;
use crate::catalogue::format_amount;
use crate::dossier::population;
use crate::dossier::validate::Problem;
use crate::dossier::{Dossier, FieldId, PersonField, PersonForm, Role, format_datetime};
use crate::i18n::Lang;
use crate::keymap::{Group, Key};
use crate::text;
use crate::theme::Theme;
use crate::ui::input::TextInput;

/// Editing, or looking at a finalized revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Edit,
    View,
}

/// Whether the draft on screen is in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// Nothing typed since it was opened or saved.
    Clean,
    /// Typed; a save is due within a second.
    Dirty,
    /// Handed to the store, not yet written: "saved" is said only once it is.
    Saving,
    /// The store refused the last save (shown until a save succeeds).
    Failed(String),
}

/// The intake screen.
#[derive(Debug, Clone)]
pub struct IntakeState {
    pub dossier: Dossier,
    pub mode: Mode,
    fields: Vec<FieldId>,
    focus: usize,
    input: TextInput,
    /// Fields the official has left at least once (their empty-required problems show).
    touched: BTreeSet<FieldId>,
    /// A finalize was refused: every problem shows.
    show_all: bool,
    /// First line of the form shown.
    scroll: usize,
    pub saved: Saved,
    /// The finalize in flight, and whether a new form follows it.
    pub finalizing: Option<(u64, bool)>,
    /// The person block as it was before database values were last taken (one undo).
    pub undo: Option<(Role, PersonForm)>,
}

/// What the screen asks of the app after an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Nothing,
    /// The form changed: a draft save is due.
    Changed,
    /// Finalize (`and_new`: open a new form for the same procedure afterwards).
    Finalize {
        and_new: bool,
    },
    /// Finalize refused: this many problems.
    Refused(usize),
    /// Start the next revision of a finalized dossier.
    Edit,
    /// Show the receipt.
    Receipt,
    /// Check this person block against the population database.
    Check(Role),
    /// Database values were taken back out (undo).
    Undone,
    /// There is nothing to undo.
    NothingToUndo,
    /// Open the household verification.
    Household,
    /// Read a citizen's card into this person block.
    ReadCard(Role),
    /// Close the form.
    Close,
    /// The action is not for this screen.
    Unhandled,
}

impl IntakeState {
    /// A form on `dossier` (its due date computed with `calendar`).
    #[must_use]
    pub fn new(mut dossier: Dossier, mode: Mode, calendar: &OfficeCalendar) -> Self {
        if mode == Mode::Edit {
            dossier.compute_due(calendar);
        }
        let fields = FieldId::all();
        let first = FieldId::Person(Role::Submitter, PersonField::Name);
        let focus = fields.iter().position(|f| *f == first).unwrap_or(0);
        let mut s = Self {
            dossier,
            mode,
            fields,
            focus,
            input: TextInput::default(),
            touched: BTreeSet::new(),
            show_all: false,
            scroll: 0,
            saved: Saved::Clean,
            finalizing: None,
            undo: None,
        };
        s.load_input();
        s
    }

    /// The key group: the form takes text while editing.
    #[must_use]
    pub fn group(&self) -> Group {
        match self.mode {
            Mode::Edit => Group::Intake,
            Mode::View => Group::IntakeView,
        }
    }

    /// The focused field.
    #[must_use]
    pub fn focused(&self) -> FieldId {
        self.fields[self.focus]
    }

    /// Whether anything was entered (an empty new form is not worth a draft).
    #[must_use]
    pub fn is_blank(&self) -> bool {
        self.dossier.submitter.is_empty()
            && self.dossier.owner.is_empty()
            && self.dossier.summary.trim().is_empty()
    }

    /// Whether typing is waiting to be saved.
    #[must_use]
    pub fn is_dirty(&self) -> bool {
        matches!(self.saved, Saved::Dirty | Saved::Failed(_))
    }

    fn load_input(&mut self) {
        self.input = TextInput::default();
        self.input.insert_str(self.dossier.text(self.focused()));
    }

    fn move_focus(&mut self, forward: bool) {
        self.touched.insert(self.focused());
        // No wrapping: Up on the first field stays there, as in a paper form.
        self.focus = if forward {
            (self.focus + 1).min(self.fields.len() - 1)
        } else {
            self.focus.saturating_sub(1)
        };
        self.load_input();
    }

    /// Puts the cursor where typing stopped: the last field with text (a reopened draft).
    pub fn resume(&mut self) {
        if let Some(last) = self
            .fields
            .iter()
            .rposition(|f| !f.is_choice() && !self.dossier.text(*f).trim().is_empty())
        {
            self.focus = last;
            self.load_input();
        }
    }

    /// Focuses a field (the first problem after a refused finalize).
    pub fn focus_field(&mut self, field: FieldId) {
        if let Some(i) = self.fields.iter().position(|f| *f == field) {
            self.focus = i;
            self.load_input();
        }
    }

    fn changed(&mut self) -> Ask {
        if !matches!(self.saved, Saved::Failed(_)) {
            self.saved = Saved::Dirty;
        }
        Ask::Changed
    }

    /// The problems to show: those of fields touched or non-empty, all after a refused
    /// finalize.
    #[must_use]
    pub fn visible_problems(&self) -> Vec<(FieldId, Problem)> {
        let today = self.dossier.received_at.date();
        self.dossier
            .problems(today)
            .into_iter()
            .filter(|(f, _)| {
                self.show_all
                    || self.touched.contains(f)
                    || !self.dossier.text(*f).trim().is_empty()
            })
            .collect()
    }

    /// A key typed into the focused field.
    pub fn on_text_key(&mut self, key: Key, calendar: &OfficeCalendar) -> Ask {
        if self.mode == Mode::View {
            return Ask::Nothing;
        }
        let field = self.focused();
        if field.is_choice() {
            let back = match key.code {
                KeyCode::Left => true,
                KeyCode::Right | KeyCode::Char(' ') => false,
                _ => return Ask::Nothing,
            };
            match field {
                FieldId::Channel => {
                    self.dossier.channel = self.dossier.channel.next(back);
                    self.dossier.compute_due(calendar);
                }
                FieldId::Person(role, _) => self.dossier.person_mut(role).cycle_sex(back),
                FieldId::Summary => {}
            }
            return self.changed();
        }
        let before = self.input.text().to_owned();
        if !self.input.handle(key) || self.input.text() == before {
            return Ask::Nothing;
        }
        self.dossier.set_text(field, self.input.text().to_owned());
        self.changed()
    }

    /// Pasted text into the focused field.
    pub fn on_paste(&mut self, pasted: &str) -> Ask {
        if self.mode == Mode::View || self.focused().is_choice() {
            return Ask::Nothing;
        }
        self.input.insert_str(pasted);
        self.dossier
            .set_text(self.focused(), self.input.text().to_owned());
        self.changed()
    }

    /// An action.
    pub fn on_action(&mut self, action: Action, calendar: &OfficeCalendar) -> Ask {
        match (self.mode, action) {
            (_, Action::NextField | Action::Down) => self.move_focus(true),
            (_, Action::PrevField | Action::Up) => self.move_focus(false),
            (_, Action::Top) => self.focus_field(self.fields[0]),
            (_, Action::Bottom) => self.focus_field(self.fields[self.fields.len() - 1]),
            (_, Action::Back) => return Ask::Close,
            (Mode::Edit, Action::SaveDossier | Action::SaveAndNew) => {
                self.touched.insert(self.focused());
                let today = self.dossier.received_at.date();
                let problems = self.dossier.problems(today);
                if let Some((first, _)) = problems.first() {
                    self.show_all = true;
                    self.focus_field(*first);
                    return Ask::Refused(problems.len());
                }
                if self.finalizing.is_some() {
                    return Ask::Nothing;
                }
                return Ask::Finalize {
                    and_new: action == Action::SaveAndNew,
                };
            }
            (Mode::Edit, Action::CopySubmitter) => {
                self.dossier.copy_submitter_to_owner();
                self.load_input();
                self.dossier.compute_due(calendar);
                return self.changed();
            }
            (Mode::Edit, Action::CycleSource) => {
                let FieldId::Person(role, f) = self.focused() else {
                    return Ask::Nothing;
                };
                if !f.is_identity() {
                    return Ask::Nothing;
                }
                let p = self.dossier.person_mut(role);
                let next = p.evidence_of(f).source.next_declared();
                p.evidence.insert(f, crate::dossier::Evidence::of(next));
                return self.changed();
            }
            (Mode::Edit, Action::PopulationCheck) => return Ask::Check(self.check_role()),
            (Mode::Edit, Action::Household) => return Ask::Household,
            (Mode::Edit, Action::ReadCard) => {
                // The block the cursor is in; elsewhere the submitter (who is at the desk).
                let role = match self.focused() {
                    FieldId::Person(role, _) => role,
                    _ => Role::Submitter,
                };
                return Ask::ReadCard(role);
            }
            (Mode::Edit, Action::UndoTake) => {
                let Some((role, before)) = self.undo.take() else {
                    return Ask::NothingToUndo;
                };
                *self.dossier.person_mut(role) = before;
                self.load_input();
                self.changed();
                return Ask::Undone;
            }
            (Mode::View, Action::EditDossier) => return Ask::Edit,
            (Mode::View, Action::ShowReceipt) => return Ask::Receipt,
            _ => return Ask::Unhandled,
        }
        Ask::Nothing
    }

    /// The block a population check is for: the one the cursor is in; elsewhere the
    /// owner when filled in, else the submitter.
    #[must_use]
    pub fn check_role(&self) -> Role {
        match self.focused() {
            FieldId::Person(role, _) => role,
            _ if !self.dossier.owner.is_empty() => Role::Owner,
            _ => Role::Submitter,
        }
    }

    /// Takes database values into a person block (undoable once). Returns how many.
    pub fn take_from_db(
        &mut self,
        role: Role,
        rows: &[population::Row],
        fields: &[population::PopField],
    ) -> usize {
        let before = self.dossier.person(role).clone();
        let n = population::take(self.dossier.person_mut(role), rows, fields);
        if n > 0 {
            self.undo = Some((role, before));
            self.load_input();
            self.changed();
        }
        n
    }

    /// Takes what a card says into a person block (undoable once) and keeps the reading
    /// as evidence. Returns how many fields were set.
    pub fn take_card(&mut self, role: Role, reading: crate::dossier::CardReading) -> usize {
        let before = self.dossier.person(role).clone();
        let kept = population::kept_fields(&self.dossier.procedure.population_fields);
        let n = population::take_card(
            self.dossier.person_mut(role),
            &reading.values,
            reading.evidence(),
            &kept,
        );
        self.dossier.cards.insert(role, reading);
        self.undo = Some((role, before));
        self.load_input();
        self.changed();
        n
    }

    /// Something other than typing changed the dossier (a household table): save it.
    pub fn mark_dirty(&mut self) {
        self.changed();
    }

    /// Records where the population check of a block stands.
    pub fn mark_check(&mut self, role: Role, mark: population::CheckMark) {
        self.dossier.population_checks.insert(role, mark);
        self.changed();
    }

    /// The draft was saved (or not).
    pub fn on_saved(&mut self, result: Result<(), String>) {
        self.saved = match result {
            // Typed again since this save was sent: still to save.
            Ok(()) if self.saved == Saved::Dirty => Saved::Dirty,
            Ok(()) => Saved::Clean,
            Err(e) => Saved::Failed(e),
        };
    }

    /// Marks the draft as handed to the store (call when sending a save).
    pub fn mark_saving(&mut self) {
        if self.is_dirty() {
            self.saved = Saved::Saving;
        }
    }
}

/// One line of the form as drawn.
enum FormLine {
    Section(&'static str, Option<String>),
    /// Label, value: read-only information.
    Info(&'static str, String, Option<(&'static str, String)>),
    Field(FieldId),
    /// A value taken from the population database that the form has no box for.
    Extra(population::PopField, String, crate::dossier::Evidence),
    Problem(String),
}

fn sex_label(sex: Option<Sex>, lang: Lang) -> &'static str {
    match sex {
        Some(Sex::Male) => lang.t("sex.male"),
        Some(Sex::Female) => lang.t("sex.female"),
        None => lang.t("sex.none"),
    }
}

fn field_label(field: FieldId, lang: Lang) -> String {
    let name = match field {
        FieldId::Channel => lang.t("intake.channel"),
        FieldId::Person(_, f) => lang.t(f.key()),
        FieldId::Summary => lang.t("intake.summary"),
    };
    if field.required() {
        format!("{name} *")
    } else {
        name.to_owned()
    }
}

/// A problem as text in the interface language.
#[must_use]
pub fn problem_text(p: &Problem, lang: Lang) -> String {
    let args: Vec<(&str, &dyn std::fmt::Display)> = p
        .args
        .iter()
        .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
        .collect();
    lang.f(p.key, &args)
}

fn lines(
    state: &IntakeState,
    problems: &[(FieldId, Problem)],
    lang: Lang,
    width: usize,
) -> Vec<FormLine> {
    let d = &state.dossier;
    let terms = d.terms();
    let code = match (&d.code, d.code_provisional) {
        (Some(c), true) => format!("{c} {}", lang.t("intake.provisional")),
        (Some(c), false) => c.clone(),
        (None, _) => lang.t("intake.code_on_save").to_owned(),
    };
    let fee = if terms.fee == 0 && terms.charge == 0 {
        lang.t("intake.no_fee").to_owned()
    } else {
        lang.f(
            "intake.fee_value",
            &[
                ("fee", &format_amount(terms.fee)),
                ("charge", &format_amount(terms.charge)),
            ],
        )
    };
    let due = d
        .due_at
        .map_or_else(|| lang.t("intake.no_term").to_owned(), format_datetime);
    let mut out = vec![
        FormLine::Section("intake.section.dossier", None),
        FormLine::Info(
            "intake.procedure",
            format!("{} {}", d.procedure.code, d.procedure.name),
            None,
        ),
        FormLine::Field(FieldId::Channel),
        FormLine::Info("intake.code", code, None),
        FormLine::Info(
            "intake.received",
            format_datetime(d.received_at),
            Some(("intake.days", terms.days.to_string())),
        ),
        FormLine::Info("intake.due", due, Some(("intake.fee", fee))),
    ];
    if let Some(h) = d.household.as_ref().filter(|h| !h.rows.is_empty()) {
        let c = crate::household::Counts::of(&h.rows);
        out.push(FormLine::Info(
            "intake.household",
            lang.f(
                "intake.household_value",
                &[
                    ("head", &text::sanitize(h.head.id_number.trim()).0),
                    ("member", &c.member),
                    ("not_member", &c.not_member),
                    ("error", &c.error),
                    ("unchecked", &(c.total - c.done())),
                ],
            ),
            None,
        ));
    }
    let push_field = |out: &mut Vec<FormLine>, f: FieldId| {
        out.push(FormLine::Field(f));
        if let Some((_, p)) = problems.iter().find(|(pf, _)| *pf == f) {
            // A long message takes two lines rather than being cut.
            let msg = problem_text(p, lang);
            for part in text::wrap(&msg, width.saturating_sub(LABEL_W + 3).max(20), 2) {
                out.push(FormLine::Problem(part));
            }
        }
    };
    for (role, key, hint) in [
        (Role::Submitter, "intake.section.submitter", None),
        (
            Role::Owner,
            "intake.section.owner",
            (state.mode == Mode::Edit).then(|| lang.t("intake.copy_hint").to_owned()),
        ),
    ] {
        out.push(FormLine::Section(key, hint));
        if let Some(mark) = d.population_checks.get(&role) {
            let at = mark
                .at
                .parse::<jiff::Timestamp>()
                .map(|t| {
                    t.to_zoned_datetime(crate::clock::vn_tz())
                        .strftime("%d/%m/%Y %H:%M")
                        .to_string()
                })
                .unwrap_or_default();
            out.push(FormLine::Info(
                "intake.population",
                lang.f(mark.state.key(), &[("at", &at)]),
                None,
            ));
        }
        for f in PersonField::ALL {
            push_field(&mut out, FieldId::Person(role, f));
        }
        for (field, value) in &d.person(role).extra {
            out.push(FormLine::Extra(
                *field,
                text::sanitize(&value.value).0,
                value.evidence,
            ));
        }
    }
    out.push(FormLine::Section("intake.section.content", None));
    push_field(&mut out, FieldId::Summary);
    out
}

const LABEL_W: usize = 17;
/// Width kept at the right of a field for its evidence tag.
const EVIDENCE_W: usize = 12;

/// Draws the form.
pub fn render(state: &IntakeState, frame: &mut Frame<'_>, area: Rect, lang: Lang, theme: &Theme) {
    if area.height < 3 {
        return;
    }
    let width = usize::from(area.width);
    // The title line: procedure, mode, and whether the draft is saved.
    let (mode, mode_style) = match (state.mode, &state.saved) {
        (Mode::View, _) => (lang.t("intake.read_only").to_owned(), theme.dim),
        (Mode::Edit, Saved::Failed(e)) => (
            lang.f("intake.save_failed", &[("error", &text::sanitize(e).0)]),
            theme.error,
        ),
        (Mode::Edit, Saved::Dirty | Saved::Saving) => {
            (lang.t("intake.unsaved").to_owned(), theme.dim)
        }
        (Mode::Edit, Saved::Clean) => (lang.t("intake.draft_saved").to_owned(), theme.info),
    };
    let title = if state.mode == Mode::View {
        lang.f(
            "intake.title_view",
            &[(
                "code",
                &text::sanitize(state.dossier.code.as_deref().unwrap_or("")).0,
            )],
        )
    } else if state.dossier.revision > 1 {
        lang.f("intake.title_revision", &[("n", &state.dossier.revision)])
    } else {
        lang.t("intake.title").to_owned()
    };
    let mode = text::truncate(&mode, width.saturating_sub(text::width(&title) + 3)).into_owned();
    let gap = width.saturating_sub(text::width(&title) + text::width(&mode) + 1);
    frame.render_widget(
        Line::from(vec![
            Span::styled(format!(" {title}"), theme.header),
            Span::raw(" ".repeat(gap)),
            Span::styled(mode, mode_style),
        ]),
        Rect { height: 1, ..area },
    );

    let problems = state.visible_problems();
    let all = lines(state, &problems, lang, width);
    let rows = usize::from(area.height) - 1;
    // Keep the focused field (and its problem line) in view.
    let focus_line = all
        .iter()
        .position(|l| matches!(l, FormLine::Field(f) if *f == state.focused()))
        .unwrap_or(0);
    let mut focus_end = focus_line;
    while matches!(all.get(focus_end + 1), Some(FormLine::Problem(_))) {
        focus_end += 1;
    }
    let mut top = state.scroll.min(all.len().saturating_sub(rows));
    if focus_line < top {
        // Show the section heading above the first field of a section.
        top = focus_line.saturating_sub(usize::from(
            focus_line > 0 && matches!(all[focus_line - 1], FormLine::Section(..)),
        ));
    }
    if focus_end >= top + rows {
        top = focus_end + 1 - rows;
    }
    let value_w = width.saturating_sub(LABEL_W + EVIDENCE_W + 3).max(8);
    for (i, line) in all.iter().enumerate().skip(top).take(rows) {
        let y = area.y + 1 + (i - top) as u16;
        let rect = Rect {
            y,
            height: 1,
            ..area
        };
        let widget = match line {
            FormLine::Section(key, hint) => {
                let name = lang.t(key);
                let hint = hint
                    .as_deref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                let rule = if theme.ascii { "-" } else { "─" };
                let head =
                    text::truncate(&format!("{rule}{rule} {name}{hint} "), width).into_owned();
                let fill = width.saturating_sub(text::width(&head));
                Line::from(vec![
                    Span::styled(head, theme.group),
                    Span::styled(rule.repeat(fill), theme.border),
                ])
            }
            FormLine::Info(key, value, right) => {
                let label = format!(" {:<w$}", lang.t(key), w = LABEL_W - 1);
                let mut spans = vec![Span::styled(label, theme.dim)];
                match right {
                    Some((rkey, rvalue)) => {
                        let half = value_w.min(24);
                        let v = text::truncate(value, half).into_owned();
                        let pad = half.saturating_sub(text::width(&v));
                        spans.push(Span::raw(format!("{v}{}  ", " ".repeat(pad))));
                        spans.push(Span::styled(format!("{} ", lang.t(rkey)), theme.dim));
                        spans.push(Span::raw(rvalue.clone()));
                    }
                    None => spans.push(Span::raw(value.clone())),
                }
                Line::from(spans)
            }
            FormLine::Extra(field, value, ev) => {
                let label = text::truncate(lang.t(&field.key()), LABEL_W - 2).into_owned();
                let label = format!(" {label:<w$}", w = LABEL_W - 1);
                let value = text::truncate(value, value_w).into_owned();
                let pad = value_w.saturating_sub(text::width(&value));
                Line::from(vec![
                    Span::styled(label, theme.dim),
                    Span::raw(format!("{value}{}", " ".repeat(pad))),
                    Span::styled(
                        format!(
                            " {} {}",
                            lang.t(ev.source.tag_key()),
                            ev.trust.dots(theme.ascii)
                        ),
                        theme.dim,
                    ),
                ])
            }
            FormLine::Problem(msg) => {
                let first = matches!(all.get(i.wrapping_sub(1)), Some(FormLine::Field(_)));
                let mark = match (first, theme.ascii) {
                    (false, _) => " ",
                    (true, true) => "x",
                    (true, false) => "✗",
                };
                let msg = text::truncate(&format!("{mark} {msg}"), width.saturating_sub(LABEL_W))
                    .into_owned();
                Line::from(vec![
                    Span::raw(" ".repeat(LABEL_W)),
                    Span::styled(msg, theme.error),
                ])
            }
            FormLine::Field(f) => {
                let focused = *f == state.focused();
                let d = &state.dossier;
                let shown = match f {
                    FieldId::Channel => format!("‹{}›", lang.t(d.channel.key())),
                    FieldId::Person(role, PersonField::Sex) => {
                        format!("‹{}›", sex_label(d.person(*role).sex, lang))
                    }
                    _ if focused && state.mode == Mode::Edit => state.input.text().to_owned(),
                    _ => text::sanitize(d.text(*f)).0,
                };
                // Long text scrolls so the cursor stays visible.
                let (shown, skip_cols) = if focused && !f.is_choice() {
                    let col = state.input.cursor_column();
                    let skip = col.saturating_sub(value_w.saturating_sub(1));
                    (skip_columns(&shown, skip), skip)
                } else {
                    (shown, 0)
                };
                let shown = text::truncate(&shown, value_w).into_owned();
                let has_problem = problems.iter().any(|(pf, _)| pf == f);
                let label = text::truncate(&field_label(*f, lang), LABEL_W - 2).into_owned();
                let label = format!(" {label:<w$}", w = LABEL_W - 1);
                let label_style = if has_problem {
                    theme.error
                } else if focused {
                    theme.key
                } else {
                    theme.dim
                };
                let mut spans = vec![Span::styled(label, label_style)];
                let pad = value_w.saturating_sub(text::width(&shown));
                let filler = if state.mode == Mode::Edit && !f.is_choice() {
                    if theme.ascii { "_" } else { "·" }
                } else {
                    " "
                };
                let value_style = if focused && state.mode == Mode::Edit {
                    theme.selected
                } else {
                    ratatui::style::Style::new()
                };
                spans.push(Span::styled(
                    format!("{shown}{}", filler.repeat(pad)),
                    value_style,
                ));
                if let FieldId::Person(role, pf) = f
                    && pf.is_identity()
                    && !d.person(*role).text(*pf).is_empty()
                {
                    let ev = d.person(*role).evidence_of(*pf);
                    spans.push(Span::styled(
                        format!(
                            " {} {}",
                            lang.t(ev.source.tag_key()),
                            ev.trust.dots(theme.ascii)
                        ),
                        theme.dim,
                    ));
                }
                if focused && state.mode == Mode::Edit && !f.is_choice() {
                    let col = state.input.cursor_column() - skip_cols;
                    frame.set_cursor_position(Position {
                        x: area.x + LABEL_W as u16 + (col.min(value_w - 1)) as u16,
                        y,
                    });
                }
                Line::from(spans)
            }
        };
        frame.render_widget(widget, rect);
    }
}

/// `s` without its first `cols` display columns.
fn skip_columns(s: &str, cols: usize) -> String {
    let mut skipped = 0;
    let mut out = String::new();
    for c in s.chars() {
        if skipped < cols {
            skipped += text::width(c.encode_utf8(&mut [0; 4]));
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::ProcedureInfo;
    use jiff::civil::date;

    fn form() -> IntakeState {
        let d = Dossier::new(
            "id".into(),
            ProcedureInfo {
                code: "1.001776".into(),
                name: "Đăng ký khai sinh".into(),
                days: 15,
                ..ProcedureInfo::default()
            },
            date(2023, 3, 6).at(14, 27, 45, 0),
        );
        IntakeState::new(d, Mode::Edit, &OfficeCalendar::default())
    }

    fn typed(s: &mut IntakeState, text: &str) {
        for c in text.chars() {
            s.on_text_key(
                Key {
                    code: KeyCode::Char(c),
                    ctrl: false,
                    alt: false,
                },
                &OfficeCalendar::default(),
            );
        }
    }

    #[test]
    fn typing_fills_the_focused_field_and_marks_the_draft_dirty() {
        let mut s = form();
        assert_eq!(s.dossier.due_at, Some(date(2023, 3, 27).at(14, 27, 45, 0)));
        assert_eq!(
            s.focused(),
            FieldId::Person(Role::Submitter, PersonField::Name)
        );
        typed(&mut s, "Lê Thị Thu Hà");
        assert_eq!(s.dossier.submitter.name, "Lê Thị Thu Hà");
        assert!(s.is_dirty());
        s.mark_saving();
        assert!(!s.is_dirty());
        // "Saved" only once the store says so; typing meanwhile keeps it to save.
        assert_eq!(s.saved, Saved::Saving);
        typed(&mut s, "!");
        s.on_saved(Ok(()));
        assert_eq!(s.saved, Saved::Dirty);
        s.mark_saving();
        s.on_saved(Ok(()));
        assert_eq!(s.saved, Saved::Clean);
    }

    #[test]
    fn a_form_with_problems_is_refused_and_focuses_the_first() {
        let cal = OfficeCalendar::default();
        let mut s = form();
        typed(&mut s, "Lê Thị Thu Hà");
        s.on_action(Action::NextField, &cal);
        typed(&mut s, "03080104271");
        s.on_action(Action::NextField, &cal);
        assert_eq!(s.visible_problems().len(), 1);
        assert_eq!(s.on_action(Action::SaveDossier, &cal), Ask::Refused(1));
        assert_eq!(
            s.focused(),
            FieldId::Person(Role::Submitter, PersonField::IdNumber)
        );
        s.on_text_key(Key::parse("ctrl+u").unwrap(), &cal);
        typed(&mut s, "079192019782");
        assert_eq!(
            s.on_action(Action::SaveAndNew, &cal),
            Ask::Finalize { and_new: true }
        );
    }

    #[test]
    fn copy_from_submitter_and_declared_source() {
        let cal = OfficeCalendar::default();
        let mut s = form();
        typed(&mut s, "Nguyễn Đức Minh");
        s.on_action(Action::CycleSource, &cal);
        assert_eq!(
            s.dossier.submitter.evidence_of(PersonField::Name).source,
            crate::dossier::Source::Vneid
        );
        s.on_action(Action::CopySubmitter, &cal);
        assert_eq!(s.dossier.owner.name, "Nguyễn Đức Minh");
        assert_eq!(
            s.dossier.owner.evidence_of(PersonField::Name).source,
            crate::dossier::Source::Vneid
        );
    }

    #[test]
    fn channel_cycles_with_arrows_and_recomputes_the_due_date() {
        let cal = OfficeCalendar::default();
        let mut s = form();
        s.focus_field(FieldId::Channel);
        let before = s.dossier.due_at;
        s.on_text_key(Key::parse("right").unwrap(), &cal);
        assert_eq!(s.dossier.channel, crate::dossier::Channel::Postal);
        assert_eq!(
            s.dossier.due_at, before,
            "same terms when the channel has none"
        );
        s.on_text_key(Key::parse("left").unwrap(), &cal);
        assert_eq!(s.dossier.channel, crate::dossier::Channel::Direct);
    }

    #[test]
    fn a_reopened_draft_resumes_at_the_last_field_typed() {
        let cal = OfficeCalendar::default();
        let mut s = form();
        typed(&mut s, "Trần Văn Bình");
        s.on_action(Action::NextField, &cal);
        typed(&mut s, "0310850123");
        let mut again = IntakeState::new(s.dossier.clone(), Mode::Edit, &cal);
        again.resume();
        assert_eq!(
            again.focused(),
            FieldId::Person(Role::Submitter, PersonField::IdNumber)
        );
        typed(&mut again, "45");
        assert_eq!(again.dossier.submitter.id_number, "031085012345");
    }

    #[test]
    fn view_mode_does_not_edit() {
        let cal = OfficeCalendar::default();
        let mut s = form();
        s.mode = Mode::View;
        typed(&mut s, "x");
        assert_eq!(s.dossier.submitter.name, "");
        assert_eq!(s.on_action(Action::SaveDossier, &cal), Ask::Unhandled);
        assert_eq!(s.on_action(Action::EditDossier, &cal), Ask::Edit);
    }
}
