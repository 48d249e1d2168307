//! The procedure list: the catalogue grouped by field (*lĩnh vực*), collapsible group
//! headers, columns STT · Tên thủ tục · Số ngày · Thu phí · Phí · Lệ phí, and a filter that
//! matches as you type, ignoring accents and case.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::action::Action;
use crate::app::{Effect, Outcome, detail_layer};
use crate::catalogue::{Procedure, format_amount};
use crate::i18n::Lang;
use crate::keymap::{Group, Key};
use crate::store::service::StoreCmd;
use crate::text::{self, Folded, MatchMode, Query};
use crate::theme::Theme;
use crate::ui::input::TextInput;

/// Rows above the list: status bar, filter line, column header. Below: the hint bar.
const CHROME_ROWS: u16 = 4;

/// The list's height for a terminal height.
#[must_use]
pub fn list_height(height: u16) -> usize {
    usize::from(height.saturating_sub(CHROME_ROWS)).max(1)
}

/// One procedure with what the list needs to show and filter it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub procedure: Procedure,
    /// Its number in the catalogue (STT), 1-based.
    pub stt: usize,
    pub group: usize,
    folded: Folded,
    folded_code: String,
}

/// A field (*lĩnh vực*) heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfo {
    pub name: String,
    pub collapsed: bool,
    pub total: usize,
}

/// A row of the list as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Group { group: usize, matches: usize },
    Item { entry: usize, positions: Vec<usize> },
}

/// Where the catalogue is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Load {
    NotAsked,
    Loading { req: u64 },
    Loaded,
    Failed(String),
}

/// The procedure list's state.
#[derive(Debug, Clone)]
pub struct ProceduresState {
    pub load: Load,
    pub entries: Vec<Entry>,
    pub groups: Vec<GroupInfo>,
    pub filter: TextInput,
    pub filter_focused: bool,
    pub mode: MatchMode,
    pub rows: Vec<Row>,
    pub selected: usize,
    pub offset: usize,
    /// Procedures that match the filter (all of them when it is empty).
    pub matched: usize,
    /// A background reload (after the catalogue feed) whose answer replaces the list
    /// in place, keeping the selection.
    pub reload: Option<u64>,
}

/// Remembers what was selected across a rebuild.
#[derive(Clone, Copy)]
enum Anchor {
    Group(usize),
    Entry(usize),
    First,
}

impl ProceduresState {
    #[must_use]
    pub fn new(mode: MatchMode) -> Self {
        Self {
            load: Load::NotAsked,
            entries: Vec::new(),
            groups: Vec::new(),
            filter: TextInput::default(),
            filter_focused: false,
            mode,
            rows: Vec::new(),
            selected: 0,
            offset: 0,
            matched: 0,
            reload: None,
        }
    }

    /// The key group: typing a filter, or moving in the list.
    #[must_use]
    pub fn group(&self) -> Group {
        if self.filter_focused {
            Group::Filter
        } else {
            Group::Procedures
        }
    }

    /// Marks the catalogue as being loaded by request `req`.
    pub fn start_loading(&mut self, req: u64) {
        self.load = Load::Loading { req };
    }

    /// Waits for a background reload: the list stays on screen until it arrives.
    pub fn expect_reload(&mut self, req: u64) {
        if matches!(self.load, Load::Loaded) {
            self.reload = Some(req);
        } else {
            self.load = Load::Loading { req };
        }
    }

    /// The store's answer. A stale answer (not the latest request) is dropped; returns
    /// whether it was the answer awaited.
    pub fn on_catalogue(
        &mut self,
        req: u64,
        result: Result<Vec<Procedure>, String>,
        height: u16,
    ) -> bool {
        if self.reload == Some(req) {
            self.reload = None;
            match result {
                Ok(procedures) => {
                    let anchor = self.anchor();
                    let code = match anchor {
                        Anchor::Entry(i) => self.entries.get(i).map(|e| e.procedure.code.clone()),
                        _ => None,
                    };
                    self.set_catalogue(procedures);
                    let anchor = code
                        .and_then(|c| self.entries.iter().position(|e| e.procedure.code == c))
                        .map_or(Anchor::First, Anchor::Entry);
                    self.rebuild(anchor, height);
                }
                // The old list stays; the failure is the app's to report.
                Err(_) => return false,
            }
            return true;
        }
        if self.load != (Load::Loading { req }) {
            return false;
        }
        match result {
            Ok(procedures) => {
                self.set_catalogue(procedures);
                self.load = Load::Loaded;
                self.rebuild(Anchor::First, height);
            }
            Err(e) => self.load = Load::Failed(e),
        }
        true
    }

    /// Puts a catalogue in, grouped by field in order of first appearance. Collapsed
    /// fields stay collapsed when the catalogue is reloaded.
    pub fn set_catalogue(&mut self, procedures: Vec<Procedure>) {
        let collapsed: std::collections::HashSet<String> = self
            .groups
            .iter()
            .filter(|g| g.collapsed)
            .map(|g| g.name.clone())
            .collect();
        let mut groups: Vec<GroupInfo> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut by_group: Vec<Vec<Procedure>> = Vec::new();
        for p in procedures {
            let g = *index.entry(p.field.clone()).or_insert_with(|| {
                groups.push(GroupInfo {
                    name: p.field.clone(),
                    collapsed: collapsed.contains(&p.field),
                    total: 0,
                });
                by_group.push(Vec::new());
                groups.len() - 1
            });
            groups[g].total += 1;
            by_group[g].push(p);
        }
        let mut entries = Vec::new();
        for (g, list) in by_group.into_iter().enumerate() {
            for procedure in list {
                entries.push(Entry {
                    stt: entries.len() + 1,
                    group: g,
                    folded: Folded::new(&procedure.name),
                    folded_code: text::fold(&procedure.code),
                    procedure,
                });
            }
        }
        self.entries = entries;
        self.groups = groups;
    }

    fn anchor(&self) -> Anchor {
        match self.rows.get(self.selected) {
            Some(Row::Group { group, .. }) => Anchor::Group(*group),
            Some(Row::Item { entry, .. }) => Anchor::Entry(*entry),
            None => Anchor::First,
        }
    }

    /// Recomputes the visible rows from the filter and the collapsed groups.
    fn rebuild(&mut self, anchor: Anchor, height: u16) {
        let query = Query::new(self.filter.text(), self.mode);
        let ranked = self.mode == MatchMode::Fuzzy && !query.is_empty();
        let code_query: String = text::fold(self.filter.text()).split_whitespace().collect();
        let mut per_group: Vec<Vec<(i64, usize, Vec<usize>)>> = vec![Vec::new(); self.groups.len()];
        let mut matched = 0;
        for (i, e) in self.entries.iter().enumerate() {
            let hit = match query.matches(&e.folded) {
                Some(m) => Some((m.score, m.positions)),
                None if code_query.len() >= 3 && e.folded_code.contains(&code_query) => {
                    Some((0, Vec::new()))
                }
                None => None,
            };
            if let Some((score, positions)) = hit {
                per_group[e.group].push((score, i, positions));
                matched += 1;
            }
        }
        let mut order: Vec<usize> = (0..self.groups.len()).collect();
        if ranked {
            for list in &mut per_group {
                list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            }
            let best = |g: usize| per_group[g].first().map_or(i64::MIN, |h| h.0);
            order.sort_by(|&a, &b| best(b).cmp(&best(a)).then(a.cmp(&b)));
        }
        let mut rows = Vec::with_capacity(self.groups.len() + matched);
        for g in order {
            let hits = std::mem::take(&mut per_group[g]);
            if hits.is_empty() && !query.is_empty() {
                continue;
            }
            rows.push(Row::Group {
                group: g,
                matches: hits.len(),
            });
            if !self.groups[g].collapsed {
                rows.extend(
                    hits.into_iter()
                        .map(|(_, entry, positions)| Row::Item { entry, positions }),
                );
            }
        }
        self.rows = rows;
        self.matched = matched;
        self.selected = match anchor {
            Anchor::Group(g) => self
                .rows
                .iter()
                .position(|r| matches!(r, Row::Group { group, .. } if *group == g)),
            Anchor::Entry(e) => self
                .rows
                .iter()
                .position(|r| matches!(r, Row::Item { entry, .. } if *entry == e)),
            Anchor::First => None,
        }
        .or_else(|| self.rows.iter().position(|r| matches!(r, Row::Item { .. })))
        .unwrap_or(0);
        if matches!(anchor, Anchor::First) {
            self.offset = 0;
        }
        self.scroll_into_view(height);
    }

    /// Keeps the selection visible after a resize.
    pub fn resize(&mut self, height: u16) {
        self.scroll_into_view(height);
    }

    fn scroll_into_view(&mut self, height: u16) {
        let h = list_height(height);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + h {
            self.offset = self.selected + 1 - h;
        }
        let max_offset = self.rows.len().saturating_sub(h);
        self.offset = self.offset.min(max_offset);
    }

    fn move_to(&mut self, index: usize, height: u16) {
        self.selected = index.min(self.rows.len().saturating_sub(1));
        self.scroll_into_view(height);
    }

    /// The group of the selected row.
    fn selected_group(&self) -> Option<usize> {
        match self.rows.get(self.selected)? {
            Row::Group { group, .. } => Some(*group),
            Row::Item { entry, .. } => Some(self.entries[*entry].group),
        }
    }

    fn set_collapsed(&mut self, group: usize, collapsed: bool, height: u16) {
        self.groups[group].collapsed = collapsed;
        self.rebuild(Anchor::Group(group), height);
    }

    /// Handles an action. `req` is the id to use if a store request is made.
    pub fn on_action(&mut self, action: Action, height: u16, req: u64) -> Outcome {
        let page = list_height(height).saturating_sub(1).max(1);
        match action {
            Action::Up => self.move_to(self.selected.saturating_sub(1), height),
            Action::Down => self.move_to(self.selected + 1, height),
            Action::PageUp => self.move_to(self.selected.saturating_sub(page), height),
            Action::PageDown => self.move_to(self.selected + page, height),
            Action::Top => self.move_to(0, height),
            Action::Bottom => self.move_to(usize::MAX, height),
            Action::Filter => self.filter_focused = true,
            Action::FilterAccept => self.filter_focused = false,
            Action::FilterClear => {
                self.filter_focused = false;
                if !self.filter.is_empty() {
                    self.filter.clear();
                    let anchor = self.anchor();
                    self.rebuild(anchor, height);
                }
            }
            Action::Back if !self.filter.is_empty() => {
                return self.on_action(Action::FilterClear, height, req);
            }
            Action::ToggleMatchMode => {
                self.mode = match self.mode {
                    MatchMode::AllWords => MatchMode::Fuzzy,
                    MatchMode::Fuzzy => MatchMode::AllWords,
                };
                self.rebuild(Anchor::First, height);
            }
            Action::Open => match self.rows.get(self.selected) {
                Some(Row::Item { entry, .. }) => {
                    let e = &self.entries[*entry];
                    return Outcome::push(detail_layer(&e.procedure, e.stt));
                }
                Some(Row::Group { group, .. }) => {
                    let g = *group;
                    self.set_collapsed(g, !self.groups[g].collapsed, height);
                }
                None => {}
            },
            Action::NewDossier => match self.rows.get(self.selected) {
                Some(Row::Item { entry, .. }) => {
                    return Outcome::effect(Effect::Store(StoreCmd::NewDossier {
                        req,
                        procedure_code: self.entries[*entry].procedure.code.clone(),
                    }));
                }
                Some(Row::Group { group, .. }) => {
                    let g = *group;
                    self.set_collapsed(g, !self.groups[g].collapsed, height);
                }
                None => {}
            },
            Action::ToggleGroup => {
                if let Some(g) = self.selected_group() {
                    self.set_collapsed(g, !self.groups[g].collapsed, height);
                }
            }
            Action::CollapseGroup => {
                if let Some(g) = self.selected_group() {
                    self.set_collapsed(g, true, height);
                }
            }
            Action::ExpandGroup => {
                if let Some(g) = self.selected_group() {
                    self.set_collapsed(g, false, height);
                }
            }
            Action::CollapseAll | Action::ExpandAll => {
                let collapsed = action == Action::CollapseAll;
                let anchor = self.selected_group().map_or(Anchor::First, Anchor::Group);
                for g in &mut self.groups {
                    g.collapsed = collapsed;
                }
                self.rebuild(anchor, height);
            }
            Action::Reload => {
                self.load = Load::Loading { req };
                return Outcome::effect(Effect::Store(StoreCmd::LoadCatalogue {
                    req,
                    seed_if_empty: None,
                }));
            }
            Action::Back => {}
            _ => return Outcome::unhandled(),
        }
        Outcome::default()
    }

    /// A key for the focused filter field.
    pub fn on_text_key(&mut self, key: Key, height: u16) -> Outcome {
        let before = self.filter.text().to_string();
        self.filter.handle(key);
        if self.filter.text() != before {
            self.rebuild(Anchor::First, height);
        }
        Outcome::default()
    }

    /// Pasted text goes into the filter.
    pub fn on_paste(&mut self, text: &str, height: u16) -> Outcome {
        self.filter_focused = true;
        self.filter.insert_str(text);
        self.rebuild(Anchor::First, height);
        Outcome::default()
    }
}

/// Column widths at a terminal width: STT, name, days, fee flag, fee, charge.
struct Columns {
    stt: u16,
    name: u16,
    days: u16,
    flag: u16,
    fee: u16,
    charge: u16,
}

impl Columns {
    fn at(width: u16) -> Self {
        let (stt, days, flag, fee, charge) = (4, 7, 7, 9, 9);
        let fixed = stt + days + flag + fee + charge + 5;
        Self {
            stt,
            name: width.saturating_sub(fixed).max(10),
            days,
            flag,
            fee,
            charge,
        }
    }
}

fn pad_left(s: &str, w: u16) -> String {
    let w = usize::from(w);
    let s = text::truncate(s, w);
    format!("{}{}", " ".repeat(w.saturating_sub(text::width(&s))), s)
}

fn pad_right(s: &str, w: u16) -> String {
    let w = usize::from(w);
    let s = text::truncate(s, w);
    format!("{}{}", s, " ".repeat(w.saturating_sub(text::width(&s))))
}

fn center(s: &str, w: u16) -> String {
    let w = usize::from(w);
    let s = text::truncate(s, w);
    let gap = w.saturating_sub(text::width(&s));
    format!("{}{}{}", " ".repeat(gap / 2), s, " ".repeat(gap - gap / 2))
}

/// Splits `name` into spans with the matched chars highlighted, cut to `width` cells.
fn highlighted<'a>(
    name: &'a str,
    positions: &[usize],
    width: u16,
    base: Style,
    hit: Style,
) -> Vec<Span<'a>> {
    let shown = text::truncate(name, usize::from(width));
    let shown_chars = shown.chars().count();
    let cut = shown_chars < name.chars().count();
    let visible_chars = if cut { shown_chars - 1 } else { shown_chars };
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_hit = false;
    let mut p = positions.iter().peekable();
    for (i, c) in name.chars().take(visible_chars).enumerate() {
        while p.peek().is_some_and(|&&x| x < i) {
            p.next();
        }
        let is_hit = p.peek() == Some(&&i);
        if is_hit != run_hit && !run.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                if run_hit { base.patch(hit) } else { base },
            ));
        }
        run_hit = is_hit;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(
            run,
            if run_hit { base.patch(hit) } else { base },
        ));
    }
    if cut {
        spans.push(Span::styled("…", base));
    }
    let used: usize = spans.iter().map(|s| text::width(&s.content)).sum();
    let pad = usize::from(width).saturating_sub(used);
    if pad > 0 {
        spans.push(Span::styled(" ".repeat(pad), base));
    }
    spans
}

/// Draws the procedure screen's body: filter line, column header and list.
pub fn render(
    state: &ProceduresState,
    frame: &mut Frame<'_>,
    area: Rect,
    lang: Lang,
    theme: &Theme,
) {
    if area.height < 3 {
        return;
    }
    let filter_area = Rect { height: 1, ..area };
    let header_area = Rect {
        y: area.y + 1,
        height: 1,
        ..area
    };
    let list_area = Rect {
        y: area.y + 2,
        height: area.height - 2,
        ..area
    };
    render_filter(state, frame, filter_area, lang, theme);

    let cols = Columns::at(area.width);
    let header = Line::from(vec![Span::raw(format!(
        "{} {} {} {} {} {}",
        pad_left(lang.t("proc.col.stt"), cols.stt),
        pad_right(lang.t("proc.col.name"), cols.name),
        pad_left(lang.t("proc.col.days"), cols.days),
        center(lang.t("proc.col.charges"), cols.flag),
        pad_left(lang.t("proc.col.fee"), cols.fee),
        pad_left(lang.t("proc.col.charge"), cols.charge),
    ))])
    .style(theme.header);
    frame.render_widget(header, header_area);

    let message = match &state.load {
        Load::NotAsked | Load::Loading { .. } => {
            Some((lang.t("proc.loading").to_string(), theme.dim))
        }
        Load::Failed(e) => Some((lang.f("proc.load_failed", &[("error", e)]), theme.error)),
        Load::Loaded if state.entries.is_empty() => {
            Some((lang.t("proc.empty").to_string(), theme.dim))
        }
        Load::Loaded if state.rows.is_empty() => Some((
            lang.f("proc.no_match", &[("query", &state.filter.text())]),
            theme.dim,
        )),
        Load::Loaded => None,
    };
    if let Some((text, style)) = message {
        let p = ratatui::widgets::Paragraph::new(text)
            .style(style)
            .wrap(ratatui::widgets::Wrap { trim: true });
        frame.render_widget(
            p,
            Rect {
                x: list_area.x + 1,
                width: list_area.width.saturating_sub(2),
                ..list_area
            },
        );
        return;
    }

    let (open_mark, closed_mark) = theme.fold_marks();
    let (yes, no) = theme.fee_marks();
    let buf = frame.buffer_mut();
    let visible = state
        .rows
        .iter()
        .enumerate()
        .skip(state.offset)
        .take(usize::from(list_area.height));
    for (y, (i, row)) in (list_area.y..).zip(visible) {
        let row_area = Rect {
            y,
            height: 1,
            ..list_area
        };
        let selected = i == state.selected;
        let base = if selected {
            theme.selected
        } else {
            Style::new()
        };
        let line = match row {
            Row::Group { group, matches } => {
                let g = &state.groups[*group];
                let mark = if g.collapsed { closed_mark } else { open_mark };
                let count = if state.filter.is_empty() {
                    format!("({})", g.total)
                } else {
                    format!("({}/{})", matches, g.total)
                };
                let title = format!("{mark} {}{}", lang.t("proc.group_prefix"), g.name);
                let room = usize::from(row_area.width).saturating_sub(text::width(&count) + 1);
                let title = text::truncate(&title, room).into_owned();
                let gap = usize::from(row_area.width)
                    .saturating_sub(text::width(&title) + text::width(&count));
                let style = base.patch(theme.group);
                Line::from(vec![
                    Span::styled(title, style),
                    Span::styled(" ".repeat(gap), style),
                    Span::styled(count, style),
                ])
            }
            Row::Item { entry, positions } => {
                let e = &state.entries[*entry];
                let p = &e.procedure;
                let mut spans = vec![Span::styled(
                    format!("{} ", pad_left(&e.stt.to_string(), cols.stt)),
                    base,
                )];
                spans.extend(highlighted(
                    &p.name,
                    positions,
                    cols.name,
                    base,
                    theme.matched,
                ));
                spans.push(Span::styled(
                    format!(
                        " {} {} {} {}",
                        pad_left(&p.days.to_string(), cols.days),
                        center(if p.charges_fee { yes } else { no }, cols.flag),
                        pad_left(&format_amount(p.fee), cols.fee),
                        pad_left(&format_amount(p.charge), cols.charge),
                    ),
                    base,
                ));
                Line::from(spans)
            }
        };
        buf.set_style(row_area, base);
        buf.set_line(row_area.x, row_area.y, &line, row_area.width);
    }
}

fn render_filter(
    state: &ProceduresState,
    frame: &mut Frame<'_>,
    area: Rect,
    lang: Lang,
    theme: &Theme,
) {
    let mode = match state.mode {
        MatchMode::AllWords => lang.t("proc.mode.words"),
        MatchMode::Fuzzy => lang.t("proc.mode.fuzzy"),
    };
    let right = if matches!(state.load, Load::Loaded) {
        format!("[{mode}] {}/{}", state.matched, state.entries.len())
    } else {
        format!("[{mode}]")
    };
    let right_w = text::width(&right) as u16;
    let label = lang.t("proc.filter_label");
    let label_w = text::width(label) as u16 + 1;
    let field_w = area.width.saturating_sub(label_w + right_w + 2);
    let mut spans = vec![Span::styled(
        format!("{label} "),
        if state.filter_focused {
            theme.key
        } else {
            theme.dim
        },
    )];
    if state.filter.is_empty() && !state.filter_focused {
        spans.push(Span::styled(
            pad_right(lang.t("proc.filter_hint"), field_w),
            theme.dim,
        ));
    } else {
        spans.push(Span::raw(pad_right(state.filter.text(), field_w)));
    }
    spans.push(Span::raw("  "));
    spans.push(Span::styled(right, theme.dim));
    frame.render_widget(Line::from(spans), area);
    if state.filter_focused {
        let col = (state.filter.cursor_column() as u16).min(field_w.saturating_sub(1));
        frame.set_cursor_position(Position {
            x: area.x + label_w + col,
            y: area.y,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(procs: Vec<Procedure>) -> ProceduresState {
        let mut s = ProceduresState::new(MatchMode::AllWords);
        s.start_loading(1);
        s.on_catalogue(1, Ok(procs), 24);
        s
    }

    fn type_filter(s: &mut ProceduresState, text: &str) {
        s.on_action(Action::Filter, 24, 0);
        for c in text.chars() {
            s.on_text_key(
                Key {
                    code: ratatui::crossterm::event::KeyCode::Char(c),
                    ctrl: false,
                    alt: false,
                },
                24,
            );
        }
    }

    fn item_names(s: &ProceduresState) -> Vec<&str> {
        s.rows
            .iter()
            .filter_map(|r| match r {
                Row::Item { entry, .. } => Some(s.entries[*entry].procedure.name.as_str()),
                Row::Group { .. } => None,
            })
            .collect()
    }

    #[test]
    fn groups_in_catalogue_order_with_continuous_stt() {
        let s = loaded(crate::catalogue::sample());
        assert_eq!(s.groups.len(), 8);
        assert_eq!(s.groups[0].name, "Thư viện");
        assert_eq!(s.rows.len(), 14 + 8);
        assert_eq!(
            s.entries.iter().map(|e| e.stt).collect::<Vec<_>>(),
            (1..=14).collect::<Vec<_>>()
        );
        assert!(
            matches!(s.rows[s.selected], Row::Item { .. }),
            "selection starts on the first procedure"
        );
    }

    #[test]
    fn accent_and_case_insensitive_filter_finds_the_three_library_procedures() {
        for q in ["thu vien", "THƯ VIỆN", "thư viện", "Thu Vien"] {
            let mut s = loaded(crate::catalogue::sample());
            type_filter(&mut s, q);
            let names = item_names(&s);
            assert_eq!(names.len(), 3, "{q}: {names:?}");
            assert!(names.iter().all(|n| n.contains("thư viện")), "{q}");
            assert_eq!(s.matched, 3);
            assert_eq!(s.rows.len(), 4, "one header and three rows");
        }
    }

    #[test]
    fn no_match_shows_nothing_and_clear_restores() {
        let mut s = loaded(crate::catalogue::sample());
        type_filter(&mut s, "xyzzy");
        assert!(s.rows.is_empty());
        s.on_action(Action::FilterClear, 24, 0);
        assert_eq!(s.rows.len(), 22);
        assert!(!s.filter_focused);
    }

    #[test]
    fn collapse_hides_rows_and_keeps_selection_on_header() {
        let mut s = loaded(crate::catalogue::sample());
        s.on_action(Action::ToggleGroup, 24, 0);
        assert!(s.groups[0].collapsed);
        assert_eq!(s.rows.len(), 22 - 3);
        assert_eq!(
            s.rows[s.selected],
            Row::Group {
                group: 0,
                matches: 3
            }
        );
        s.on_action(Action::CollapseAll, 24, 0);
        assert_eq!(s.rows.len(), 8);
        s.on_action(Action::ExpandAll, 24, 0);
        assert_eq!(s.rows.len(), 22);
    }

    #[test]
    fn selection_scrolls_within_the_window() {
        let mut s = loaded(crate::catalogue::generate(2000, 7));
        let h = list_height(24);
        for _ in 0..100 {
            s.on_action(Action::Down, 24, 0);
            assert!(s.selected >= s.offset && s.selected < s.offset + h);
        }
        s.on_action(Action::Bottom, 24, 0);
        assert_eq!(s.selected, s.rows.len() - 1);
        assert_eq!(s.offset, s.rows.len() - h);
        s.on_action(Action::Top, 24, 0);
        assert_eq!((s.selected, s.offset), (0, 0));
    }

    #[test]
    fn stale_catalogue_answer_is_dropped() {
        let mut s = ProceduresState::new(MatchMode::AllWords);
        s.start_loading(2);
        s.on_catalogue(1, Ok(crate::catalogue::sample()), 24);
        assert_eq!(s.load, Load::Loading { req: 2 });
        assert!(s.entries.is_empty());
    }

    #[test]
    fn open_shows_details_and_new_dossier_asks_the_store() {
        let mut s = loaded(crate::catalogue::sample());
        let out = s.on_action(Action::Open, 24, 0);
        assert!(matches!(out.push, Some(crate::ui::layers::Layer::Detail(ref d)) if d.stt == 1));
        let out = s.on_action(Action::NewDossier, 24, 7);
        assert!(matches!(
            out.effects.as_slice(),
            [Effect::Store(StoreCmd::NewDossier { req: 7, .. })]
        ));
    }

    #[test]
    fn amounts_are_grouped_with_dots() {
        assert_eq!(format_amount(0), "0");
        assert_eq!(format_amount(1000), "1.000");
        assert_eq!(format_amount(1_000_000), "1.000.000");
        assert_eq!(format_amount(50_000), "50.000");
    }

    #[test]
    fn highlight_cuts_with_ellipsis_and_pads() {
        let spans = highlighted(
            "thư viện cộng đồng",
            &[0, 1, 2],
            8,
            Style::new(),
            Style::new().bold(),
        );
        let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text::width(&text), 8);
        assert!(text.ends_with('…'));
        assert_eq!(spans[0].content, "thư");
    }
}
