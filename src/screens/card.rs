//! Reading the citizen's card into a person block (*Đọc thẻ CCCD*): the chip's access
//! key (BAC: the 12-digit ID, the birth date and the expiry, which a QR scan fills and
//! the age rule proposes), the read in progress (Esc cancels), and what the card said
//! with its passive-authentication level, taken into the form with `Enter`. A QR scan
//! can also be taken on its own (`F4`).
//!
//! Pure state and drawing: the app sends the read to the card service and turns its
//! answer into a [`ChipView`].

use jiff::civil::Date;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::action::Action;
use crate::card::{dg13, mrz, qr::QrData, values};
use crate::dossier::population::PopField;
use crate::dossier::validate::Problem;
use crate::dossier::{CardReading, PersonForm, Role, Source, Trust, format_date};
use crate::i18n::Lang;
use crate::keymap::{Group, Key};
use crate::text;
use crate::theme::Theme;
use crate::ui::input::TextInput;
use crate::ui::widgets;

/// The access-key inputs, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Id,
    Birth,
    Expiry,
}

const INPUTS: [Input; 3] = [Input::Id, Input::Birth, Input::Expiry];

/// What the card said, ready to show and to take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChipView {
    /// The reading as the dossier will keep it.
    pub reading: CardReading,
    /// Why passive authentication did not verify, as messages.
    pub reasons: Vec<Problem>,
    /// Shown but not taken: the card's identifying features.
    pub features: Option<String>,
}

/// Where the reading is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Typing or scanning the access key.
    Input,
    /// A read in flight; `step` is the file being read (an i18n-free label).
    Reading { id: u64, step: String },
    /// The chip was read.
    Read(Box<ChipView>),
    /// The read failed: what to tell the official.
    Failed(Problem),
}

/// What the screen asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Nothing,
    /// Read the chip with this BAC key input (MRZ information).
    Read {
        bac_info: String,
    },
    /// Stop the read in flight.
    Cancel,
    /// Take this reading into the person block and close.
    Take(Box<CardReading>),
    Close,
    Unhandled,
}

/// The card screen.
#[derive(Debug, Clone)]
pub struct CardState {
    /// Whose block the card is read into.
    pub role: Role,
    today: Date,
    /// When the last QR was scanned (office time).
    qr_at: Option<jiff::civil::DateTime>,
    inputs: [TextInput; 3],
    focus: usize,
    problems: Vec<(Input, Problem)>,
    /// The last QR scanned, and what was wrong with a bad one.
    pub qr: Option<QrData>,
    pub qr_problem: Option<Problem>,
    /// Which proposal `F3` showed last (the candidates, then "no expiry").
    expiry_pick: usize,
    pub phase: Phase,
}

fn problem(key: &'static str, args: Vec<(&'static str, String)>) -> Problem {
    Problem { key, args }
}

impl CardState {
    /// The screen for `form`'s block; its ID and birth date prefill the access key and
    /// the expiry is proposed from the birth date (as of `today`).
    #[must_use]
    pub fn new(role: Role, form: &PersonForm, today: Date) -> Self {
        let mut s = Self {
            role,
            today,
            qr_at: None,
            inputs: Default::default(),
            focus: 0,
            problems: Vec::new(),
            qr: None,
            qr_problem: None,
            expiry_pick: 0,
            phase: Phase::Input,
        };
        let id = form.id_number.trim();
        if id.len() == 12 {
            s.inputs[0].insert_str(id);
        }
        if let Some(birth) = dg13::parse_date(&form.birth) {
            s.set_birth(birth);
        }
        s.focus = s.first_empty();
        s
    }

    fn first_empty(&self) -> usize {
        self.inputs
            .iter()
            .position(|t| t.text().trim().is_empty())
            .unwrap_or(0)
    }

    fn set_birth(&mut self, birth: Date) {
        self.inputs[1].clear();
        self.inputs[1].insert_str(&format_date(birth));
        self.inputs[2].clear();
        let proposed = mrz::propose_expiry(birth, self.today);
        self.inputs[2].insert_str(&expiry_text(proposed));
        self.expiry_pick = 0;
    }

    /// The key group: the inputs take text; the result does not.
    #[must_use]
    pub fn group(&self) -> Group {
        match self.phase {
            Phase::Read(_) | Phase::Reading { .. } => Group::CardResult,
            _ => Group::Card,
        }
    }

    /// The read in flight, if any.
    #[must_use]
    pub fn reading(&self) -> Option<u64> {
        match self.phase {
            Phase::Reading { id, .. } => Some(id),
            _ => None,
        }
    }

    /// The focused input.
    #[must_use]
    pub fn focused(&self) -> Input {
        INPUTS[self.focus]
    }

    /// A key typed into the focused input.
    pub fn on_text_key(&mut self, key: Key) {
        if !matches!(self.phase, Phase::Input | Phase::Failed(_)) {
            return;
        }
        let before = self.inputs[self.focus].text().to_owned();
        if self.inputs[self.focus].handle(key) && self.inputs[self.focus].text() != before {
            self.edited();
        }
    }

    /// Pasted text into the focused input (its first line).
    pub fn on_paste(&mut self, pasted: &str) {
        if !matches!(self.phase, Phase::Input | Phase::Failed(_)) {
            return;
        }
        self.inputs[self.focus].insert_str(pasted.lines().next().unwrap_or(""));
        self.edited();
    }

    fn edited(&mut self) {
        self.phase = Phase::Input;
        if self.focused() == Input::Birth
            && let Some(birth) = dg13::parse_date(self.inputs[1].text())
            && self.inputs[1].text().trim().len() == 10
        {
            // A complete birth date proposes the expiry again.
            self.inputs[2].clear();
            self.inputs[2].insert_str(&expiry_text(mrz::propose_expiry(birth, self.today)));
            self.expiry_pick = 0;
        }
        let now = self.key_problems();
        self.problems
            .retain(|(i, _)| now.iter().any(|(j, _)| j == i));
    }

    /// A QR code was scanned at `at`: its ID and birth date fill the access key.
    pub fn on_scan(&mut self, text: &str, at: jiff::civil::DateTime) {
        match crate::card::qr::parse(text) {
            Ok(q) => {
                self.qr_at = Some(at);
                self.inputs[0].clear();
                self.inputs[0].insert_str(&q.id_number);
                self.set_birth(q.birth_date);
                self.qr = Some(q);
                self.qr_problem = None;
                self.problems.clear();
                self.focus = 2;
                if !matches!(self.phase, Phase::Reading { .. }) {
                    self.phase = Phase::Input;
                }
            }
            Err(e) => {
                self.qr_problem = Some(problem(e.key(), e.args()));
            }
        }
    }

    /// The read started.
    pub fn started(&mut self, id: u64) {
        self.phase = Phase::Reading {
            id,
            step: String::new(),
        };
    }

    /// The read reached a file.
    pub fn progress(&mut self, id: u64, step: &str) {
        if let Phase::Reading {
            id: current,
            step: s,
        } = &mut self.phase
            && *current == id
        {
            step.clone_into(s);
        }
    }

    /// The read ended.
    pub fn finished(&mut self, result: Result<ChipView, Problem>) {
        self.phase = match result {
            Ok(view) => Phase::Read(Box::new(view)),
            Err(p) => Phase::Failed(p),
        };
    }

    /// The access key's problems: a 12-digit ID, a full birth date not in the future,
    /// and an expiry date or "no expiry".
    #[must_use]
    pub fn key_problems(&self) -> Vec<(Input, Problem)> {
        let mut out = Vec::new();
        let id = self.inputs[0].text().trim();
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            out.push((Input::Id, problem("card.key.id", Vec::new())));
        }
        match dg13::parse_date(self.inputs[1].text()) {
            Some(d) if d <= self.today => {}
            _ => out.push((Input::Birth, problem("card.key.birth", Vec::new()))),
        }
        if parse_expiry(self.inputs[2].text()).is_none() {
            out.push((Input::Expiry, problem("card.key.expiry", Vec::new())));
        }
        out
    }

    /// The BAC key input from the inputs, when they are valid.
    fn bac_info(&self) -> Option<String> {
        let birth = dg13::parse_date(self.inputs[1].text())?;
        let expiry = parse_expiry(self.inputs[2].text())?;
        mrz::bac_key_seed_input(self.inputs[0].text().trim(), birth, expiry).ok()
    }

    /// A QR reading of the last scan, for the block.
    fn qr_reading(&self) -> Option<CardReading> {
        let q = self.qr.as_ref()?;
        Some(CardReading {
            source: Source::Qr,
            at: self.qr_at?,
            values: values::from_qr(q),
            passive_auth: None,
            signer: None,
            trust: Trust::Medium,
            reader: None,
            apdu_count: None,
            unchecked_groups: Vec::new(),
            issue_date: q.issue_date.map(format_date),
            expiry: None,
        })
    }

    /// An action.
    pub fn on_action(&mut self, action: Action) -> Ask {
        match (&self.phase, action) {
            (Phase::Reading { .. }, Action::Back) => Ask::Cancel,
            (Phase::Reading { .. }, _) => Ask::Nothing,
            (Phase::Read(view), Action::Confirm | Action::TakeCard) => {
                if view.reading.passive_auth.as_deref() == Some("failed") {
                    // A chip whose data does not match its signature is not taken.
                    Ask::Nothing
                } else {
                    Ask::Take(Box::new(view.reading.clone()))
                }
            }
            (Phase::Read(_), Action::Back) => Ask::Close,
            (Phase::Read(_), Action::EditInputs) => {
                self.phase = Phase::Input;
                Ask::Nothing
            }
            (Phase::Read(_), _) => Ask::Unhandled,
            (_, Action::NextField | Action::Down) => {
                self.focus = (self.focus + 1).min(INPUTS.len() - 1);
                Ask::Nothing
            }
            (_, Action::PrevField | Action::Up) => {
                self.focus = self.focus.saturating_sub(1);
                Ask::Nothing
            }
            (_, Action::Back) => Ask::Close,
            (_, Action::NextExpiry) => {
                self.next_expiry();
                Ask::Nothing
            }
            (_, Action::TakeQr) => {
                if let Some(r) = self.qr_reading() {
                    Ask::Take(Box::new(r))
                } else {
                    self.qr_problem = Some(problem("card.qr_none", Vec::new()));
                    Ask::Nothing
                }
            }
            (_, Action::Confirm | Action::ReadCard) => {
                let problems = self.key_problems();
                if let Some((first, _)) = problems.first() {
                    self.focus = INPUTS.iter().position(|i| i == first).unwrap_or(0);
                    self.problems = problems;
                    self.phase = Phase::Input;
                    return Ask::Nothing;
                }
                self.problems.clear();
                match self.bac_info() {
                    Some(bac_info) => Ask::Read { bac_info },
                    None => Ask::Nothing,
                }
            }
            _ => Ask::Unhandled,
        }
    }

    /// `F3`: the next expiry the card may have: the birthdays at 25, 40 and 60 after
    /// the birth date, then "no expiry".
    fn next_expiry(&mut self) {
        let Some(birth) = dg13::parse_date(self.inputs[1].text()) else {
            self.problems = vec![(Input::Birth, problem("card.key.birth", Vec::new()))];
            return;
        };
        let mut options: Vec<Option<Date>> = mrz::expiry_candidates(birth)
            .into_iter()
            .map(Some)
            .collect();
        options.push(None);
        let current = parse_expiry(self.inputs[2].text());
        let at = options.iter().position(|o| Some(*o) == current);
        self.expiry_pick = at.map_or(0, |i| (i + 1) % options.len());
        self.inputs[2].clear();
        self.inputs[2].insert_str(&expiry_text(options[self.expiry_pick]));
        self.problems.retain(|(i, _)| *i != Input::Expiry);
        self.focus = 2;
    }
}

/// An expiry as typed: `dd/mm/yyyy`, or "không thời hạn" / "none" / "-" for a card
/// without one. `Some(None)` is "no expiry".
#[must_use]
pub fn parse_expiry(s: &str) -> Option<Option<Date>> {
    let folded = text::fold(s.trim());
    if matches!(
        folded.as_str(),
        "khong thoi han" | "khong" | "none" | "-" | "vo thoi han"
    ) {
        return Some(None);
    }
    dg13::parse_date(s).map(Some)
}

fn expiry_text(d: Option<Date>) -> String {
    d.map_or_else(|| "không thời hạn".to_owned(), format_date)
}

// ---------------------------------------------------------------------------
// Drawing

const LABEL_W: usize = 16;

/// The line naming the reader and whether a card is on it (given by the app).
pub type ReaderLine = (String, bool);

fn pa_style(level: Option<&str>, theme: &Theme) -> Style {
    match level {
        Some("verified") => theme.info,
        Some("failed") => theme.error,
        _ => theme.matched,
    }
}

fn pa_mark(level: Option<&str>, ascii: bool) -> &'static str {
    match (level, ascii) {
        (Some("verified"), false) => "✓",
        (Some("verified"), true) => "+",
        (Some("failed"), false) => "✗",
        (Some("failed"), true) => "x",
        _ => "?",
    }
}

/// Draws the screen as a box over the form.
pub fn render(
    state: &CardState,
    reader: &ReaderLine,
    frame: &mut Frame<'_>,
    area: Rect,
    lang: Lang,
    theme: &Theme,
) {
    let box_area = widgets::centered(area, 76, 20);
    let who = lang.t(match state.role {
        Role::Submitter => "intake.section.submitter",
        Role::Owner => "intake.section.owner",
    });
    let title = lang.f("card.title", &[("who", &who)]);
    let inner = widgets::boxed(frame, box_area, theme, &title);
    let width = usize::from(inner.width);
    let mut lines: Vec<Line<'_>> = Vec::new();
    let (reader_text, reader_ok) = reader;
    lines.push(Line::from(vec![
        Span::styled(
            format!(" {:<w$}", lang.t("card.reader"), w = LABEL_W - 1),
            theme.dim,
        ),
        Span::styled(
            text::shown(reader_text, width.saturating_sub(LABEL_W)),
            if *reader_ok {
                theme.info
            } else {
                theme.matched
            },
        ),
    ]));
    let mut cursor = None;
    if let Phase::Read(view) = &state.phase {
        result_lines(view, &mut lines, width, lang, theme);
    } else {
        {
            lines.push(Line::styled(
                format!(" {}", lang.t("card.key_heading")),
                theme.group,
            ));
            cursor = input_lines(state, &mut lines, width, lang, theme);
            lines.push(Line::raw(""));
            qr_lines(state, &mut lines, width, lang, theme);
            lines.push(Line::raw(""));
            let (msg, style) = match &state.phase {
                Phase::Reading { step, .. } if step.is_empty() => {
                    (lang.t("card.reading").to_owned(), theme.info)
                }
                Phase::Reading { step, .. } => (
                    lang.f("card.reading_step", &[("step", &lang.t(step))]),
                    theme.info,
                ),
                Phase::Failed(p) => (crate::screens::intake::problem_text(p, lang), theme.error),
                _ => (lang.t("card.key_hint").to_owned(), theme.dim),
            };
            for part in text::wrap(&msg, width.saturating_sub(2), 3) {
                lines.push(Line::styled(format!(" {part}"), style));
            }
        }
    }
    widgets::lines_in(
        frame,
        inner,
        lines,
        cursor.map(|(y, col)| (y, LABEL_W + col)),
    );
}

fn input_lines(
    state: &CardState,
    lines: &mut Vec<Line<'_>>,
    width: usize,
    lang: Lang,
    theme: &Theme,
) -> Option<(usize, usize)> {
    let value_w = width.saturating_sub(LABEL_W + 2).clamp(8, 24);
    let mut cursor = None;
    for (i, input) in INPUTS.iter().enumerate() {
        let focused = i == state.focus && !matches!(state.phase, Phase::Reading { .. });
        let label_key = match input {
            Input::Id => "card.key.id_label",
            Input::Birth => "card.key.birth_label",
            Input::Expiry => "card.key.expiry_label",
        };
        let problem = state.problems.iter().find(|(j, _)| j == input);
        let label_style = if problem.is_some() {
            theme.error
        } else if focused {
            theme.key
        } else {
            theme.dim
        };
        let t = &state.inputs[i];
        let shown = text::truncate(t.text(), value_w).into_owned();
        if focused {
            cursor = Some((
                lines.len(),
                t.cursor_column().min(value_w.saturating_sub(1)),
            ));
        }
        let filler = if theme.ascii { "_" } else { "·" };
        let pad = value_w.saturating_sub(text::width(&shown));
        let mut spans = vec![
            Span::styled(
                format!(" {:<w$}", lang.t(label_key), w = LABEL_W - 1),
                label_style,
            ),
            Span::styled(
                format!("{shown}{}", filler.repeat(pad)),
                if focused {
                    theme.selected
                } else {
                    Style::new()
                },
            ),
        ];
        if *input == Input::Expiry {
            let hint = format!(" {}", lang.t("card.key.expiry_hint"));
            let room = width.saturating_sub(LABEL_W + value_w);
            spans.push(Span::styled(
                text::truncate(&hint, room).into_owned(),
                theme.dim,
            ));
        }
        lines.push(Line::from(spans));
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
    cursor
}

fn qr_lines(state: &CardState, lines: &mut Vec<Line<'_>>, width: usize, lang: Lang, theme: &Theme) {
    let w = width.saturating_sub(2);
    match (&state.qr, &state.qr_problem) {
        (_, Some(p)) => {
            let msg = lang.f(
                "card.qr_bad",
                &[("error", &crate::screens::intake::problem_text(p, lang))],
            );
            for part in text::wrap(&msg, w, 2) {
                lines.push(Line::styled(format!(" {part}"), theme.error));
            }
        }
        (Some(q), None) => {
            let summary = format!(
                "{} · {} · {}",
                text::shown(&q.full_name, 40),
                q.id_number,
                format_date(q.birth_date)
            );
            lines.push(Line::styled(
                format!(
                    " {}",
                    text::truncate(&lang.f("card.qr_read", &[("who", &summary)]), w)
                ),
                theme.info,
            ));
            lines.push(Line::styled(
                format!(" {}", text::truncate(lang.t("card.qr_take_hint"), w)),
                theme.dim,
            ));
        }
        (None, None) => {
            for part in text::wrap(lang.t("card.qr_hint"), w, 2) {
                lines.push(Line::styled(format!(" {part}"), theme.dim));
            }
        }
    }
}

fn result_lines(
    view: &ChipView,
    lines: &mut Vec<Line<'_>>,
    width: usize,
    lang: Lang,
    theme: &Theme,
) {
    let r = &view.reading;
    let level = r.passive_auth.as_deref();
    let w = width.saturating_sub(2);
    let level_key = match level {
        Some("verified") => "pa.level.verified",
        Some("failed") => "pa.level.failed",
        _ => "pa.level.signer_not_trusted",
    };
    let head = format!(
        "{} {}: {}",
        pa_mark(level, theme.ascii),
        lang.t("card.pa"),
        lang.t(level_key)
    );
    lines.push(Line::styled(
        format!(" {}", text::truncate(&head, w)),
        pa_style(level, theme),
    ));
    for reason in view.reasons.iter().take(2) {
        let msg = crate::screens::intake::problem_text(reason, lang);
        lines.push(Line::styled(
            format!("   {}", text::truncate(&msg, w.saturating_sub(2))),
            pa_style(level, theme),
        ));
    }
    if let Some(signer) = &r.signer {
        let msg = lang.f("card.signer", &[("signer", &text::shown(signer, w))]);
        lines.push(Line::styled(
            format!(" {}", text::truncate(&msg, w)),
            theme.dim,
        ));
    }
    let value_w = width.saturating_sub(LABEL_W + 1);
    let row = |label: String, value: String| {
        Line::from(vec![
            Span::styled(format!(" {:<w$}", label, w = LABEL_W - 1), theme.dim),
            Span::raw(text::shown(&value, value_w)),
        ])
    };
    let v = |f: PopField| r.values.get(&f).cloned().unwrap_or_default();
    // Two or three short fields share a row, so everything fits the box at 80×24.
    let pair = |fields: &[PopField]| {
        let parts: Vec<String> = fields
            .iter()
            .map(|f| v(*f))
            .filter(|x| !x.is_empty())
            .collect();
        parts.join(" · ")
    };
    for (key, fields) in [
        ("pop.full_name", &[PopField::FullName][..]),
        ("card.row.id", &[PopField::IdNumber, PopField::OldIdNumber]),
        ("card.row.birth", &[PopField::BirthDate, PopField::Sex]),
        (
            "card.row.origin",
            &[
                PopField::Nationality,
                PopField::Ethnicity,
                PopField::Religion,
            ],
        ),
        ("pop.home_town", &[PopField::HomeTown]),
        ("pop.permanent_address", &[PopField::PermanentAddress]),
        ("card.row.parents", &[PopField::Father, PopField::Mother]),
        ("pop.spouse", &[PopField::Spouse]),
    ] {
        let value = pair(fields);
        if value.is_empty() && fields == [PopField::Spouse] {
            continue;
        }
        lines.push(row(lang.t(key).to_owned(), value));
    }
    let dates = format!(
        "{} / {}",
        r.issue_date.as_deref().unwrap_or("—"),
        r.expiry.as_deref().unwrap_or("—")
    );
    lines.push(row(lang.t("card.dates").to_owned(), dates));
    if let Some(features) = &view.features {
        lines.push(row(lang.t("card.features").to_owned(), features.clone()));
    }
    let mut facts = vec![lang.f("card.apdus", &[("n", &r.apdu_count.unwrap_or(0))])];
    if let Some(reader) = &r.reader {
        facts.push(text::shown(reader, 30));
    }
    if !r.unchecked_groups.is_empty() {
        let groups: Vec<String> = r
            .unchecked_groups
            .iter()
            .map(|g| format!("DG{g}"))
            .collect();
        facts.push(lang.f("card.unchecked", &[("groups", &groups.join(", "))]));
    }
    lines.push(Line::styled(
        format!(" {}", text::truncate(&facts.join(" · "), w)),
        theme.dim,
    ));
    let hint = if level == Some("failed") {
        lang.t("card.failed_hint")
    } else {
        lang.t("card.take_hint")
    };
    lines.push(Line::styled(
        format!(" {}", text::truncate(hint, w)),
        if level == Some("failed") {
            theme.error
        } else {
            theme.key
        },
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn now() -> jiff::civil::DateTime {
        date(2026, 11, 24).at(9, 0, 0, 0)
    }

    #[test]
    fn a_qr_scan_fills_the_key_and_proposes_the_expiry() {
        let mut s = CardState::new(Role::Submitter, &PersonForm::default(), now().date());
        assert_eq!(s.focused(), Input::Id);
        s.on_scan(
            "079192019782||Lê Thị Thu Hà|14051992|Nữ|Số 25|10082021\r\n",
            now(),
        );
        assert!(s.qr.is_some());
        assert_eq!(s.inputs[0].text(), "079192019782");
        assert_eq!(s.inputs[1].text(), "14/05/1992");
        // 34 years old on 24/11/2026: the card runs to the 40th birthday.
        assert_eq!(s.inputs[2].text(), "14/05/2032");
        let Ask::Read { bac_info } = s.on_action(Action::Confirm) else {
            panic!("no read")
        };
        assert_eq!(
            bac_info,
            mrz::bac_key_seed_input("079192019782", date(1992, 5, 14), Some(date(2032, 5, 14)))
                .unwrap()
        );
        // F3 walks the candidates, then "no expiry".
        s.on_action(Action::NextExpiry);
        assert_eq!(s.inputs[2].text(), "14/05/2052");
        s.on_action(Action::NextExpiry);
        assert_eq!(s.inputs[2].text(), "không thời hạn");
        assert_eq!(parse_expiry(s.inputs[2].text()), Some(None));
        s.on_action(Action::NextExpiry);
        assert_eq!(s.inputs[2].text(), "14/05/2017");
    }

    #[test]
    fn a_bad_key_is_refused_with_its_problems_and_a_bad_scan_is_reported() {
        let mut s = CardState::new(Role::Owner, &PersonForm::default(), now().date());
        assert_eq!(s.on_action(Action::Confirm), Ask::Nothing);
        let keys: Vec<&str> = s.problems.iter().map(|(_, p)| p.key).collect();
        assert_eq!(keys, ["card.key.id", "card.key.birth", "card.key.expiry"]);
        s.on_scan("079192019782|Lê Thị Thu Hà", now());
        assert!(s.qr.is_none());
        assert!(s.qr_problem.is_some());
        assert_eq!(s.on_action(Action::TakeQr), Ask::Nothing);
    }

    #[test]
    fn a_read_can_be_cancelled_and_a_failed_chip_is_not_taken() {
        let form = PersonForm {
            id_number: "079192019782".into(),
            birth: "14/05/1992".into(),
            ..PersonForm::default()
        };
        let mut s = CardState::new(Role::Submitter, &form, now().date());
        assert!(matches!(s.on_action(Action::Confirm), Ask::Read { .. }));
        s.started(7);
        assert_eq!(s.group(), Group::CardResult);
        s.progress(7, "DG13");
        assert_eq!(s.on_action(Action::Back), Ask::Cancel);
        let mut reading = chip_reading();
        reading.passive_auth = Some("failed".into());
        s.finished(Ok(ChipView {
            reading,
            reasons: Vec::new(),
            features: None,
        }));
        assert_eq!(s.on_action(Action::Confirm), Ask::Nothing);
        assert_eq!(s.on_action(Action::Back), Ask::Close);
    }

    fn chip_reading() -> CardReading {
        CardReading {
            source: Source::Chip,
            at: now(),
            values: crate::dossier::population::CardValues::new(),
            passive_auth: None,
            signer: None,
            trust: Trust::High,
            reader: None,
            apdu_count: Some(1),
            unchecked_groups: Vec::new(),
            issue_date: None,
            expiry: None,
        }
    }
}
