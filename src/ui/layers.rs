//! Modal layers over the screens: help, command palette, procedure details and
//! confirmation. `Esc` pops one. Each layer has its state, its action handler and its
//! render, like a screen.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::action::Action;
use crate::app::Outcome;
use crate::catalogue::Procedure;
use crate::catalogue::format_amount;
use crate::dossier::receipt::Receipt;
use crate::i18n::Lang;
use crate::keymap::{Group, Key, Keymap};
use crate::text::{self, Folded, MatchMode, Query};
use crate::theme::Theme;
use crate::ui::input::TextInput;
use crate::ui::widgets::{boxed, centered};

/// A modal layer.
#[derive(Debug, Clone)]
pub enum Layer {
    Help(HelpState),
    Palette(PaletteState),
    Detail(DetailState),
    Confirm(ConfirmState),
    Receipt(ReceiptState),
}

impl Layer {
    /// The key group of this layer.
    #[must_use]
    pub fn group(&self) -> Group {
        match self {
            Layer::Help(_) => Group::Help,
            Layer::Palette(_) => Group::Palette,
            Layer::Detail(_) => Group::Detail,
            Layer::Confirm(_) => Group::Confirm,
            Layer::Receipt(_) => Group::Receipt,
        }
    }

    /// Handles an action aimed at this layer.
    pub fn on_action(
        &mut self,
        action: Action,
        keymap: &Keymap,
        lang: Lang,
        height: u16,
    ) -> Outcome {
        if action == Action::Back {
            return Outcome::pop();
        }
        match self {
            Layer::Help(h) => {
                let max = help_lines(keymap, lang, false).len().saturating_sub(1);
                let page = usize::from(height.saturating_sub(6)).max(1);
                h.scroll = match action {
                    Action::Up => h.scroll.saturating_sub(1),
                    Action::Down => h.scroll + 1,
                    Action::PageUp => h.scroll.saturating_sub(page),
                    Action::PageDown => h.scroll + page,
                    Action::Top => 0,
                    Action::Bottom => max,
                    _ => return Outcome::unhandled(),
                }
                .min(max);
                Outcome::default()
            }
            Layer::Palette(p) => match action {
                Action::Up => {
                    p.selected = p.selected.saturating_sub(1);
                    Outcome::default()
                }
                Action::Down => {
                    p.selected = (p.selected + 1).min(p.results.len().saturating_sub(1));
                    Outcome::default()
                }
                Action::Top => {
                    p.selected = 0;
                    Outcome::default()
                }
                Action::Bottom => {
                    p.selected = p.results.len().saturating_sub(1);
                    Outcome::default()
                }
                Action::Confirm | Action::Open => match p.results.get(p.selected) {
                    Some((i, _)) => Outcome {
                        pop: true,
                        run: Some((p.items[*i].action, false)),
                        ..Outcome::default()
                    },
                    None => Outcome::default(),
                },
                _ => Outcome::unhandled(),
            },
            Layer::Detail(d) => match action {
                Action::Up => {
                    d.scroll = d.scroll.saturating_sub(1);
                    Outcome::default()
                }
                Action::Down => {
                    d.scroll = (d.scroll + 1).min(20);
                    Outcome::default()
                }
                Action::Open | Action::Confirm => Outcome::pop(),
                _ => Outcome::unhandled(),
            },
            Layer::Confirm(c) => match action {
                Action::Confirm => Outcome {
                    pop: true,
                    run: Some((c.action, true)),
                    ..Outcome::default()
                },
                _ => Outcome::unhandled(),
            },
            Layer::Receipt(r) => match action {
                Action::Up => {
                    r.scroll = r.scroll.saturating_sub(1);
                    Outcome::default()
                }
                Action::Down => {
                    r.scroll = (r.scroll + 1).min(r.receipt.lines.len() as u16);
                    Outcome::default()
                }
                // Exporting needs the export folder: the app handles it.
                _ => Outcome::unhandled(),
            },
        }
    }

    /// A text-editing key, for layers with a text field.
    pub fn on_text_key(&mut self, key: Key) -> Outcome {
        if let Layer::Palette(p) = self {
            let before = p.input.text().to_string();
            p.input.handle(key);
            if p.input.text() != before {
                p.refilter();
            }
        }
        Outcome::default()
    }

    /// Pasted text, for layers with a text field.
    pub fn on_paste(&mut self, text: &str) -> Outcome {
        if let Layer::Palette(p) = self {
            p.input.insert_str(text);
            p.refilter();
        }
        Outcome::default()
    }

    /// Draws the layer over `area`.
    pub fn render(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        keymap: &Keymap,
        lang: Lang,
        theme: &Theme,
    ) {
        match self {
            Layer::Help(h) => render_help(h, frame, area, keymap, lang, theme),
            Layer::Palette(p) => render_palette(p, frame, area, lang, theme),
            Layer::Detail(d) => render_detail(d, frame, area, lang, theme),
            Layer::Confirm(c) => render_confirm(c, frame, area, keymap, lang, theme),
            Layer::Receipt(r) => render_receipt(r, frame, area, lang, theme),
        }
    }
}

// ── Help ─────────────────────────────────────────────────────────────────────────

/// The `?` overlay: every binding, by group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelpState {
    pub scroll: usize,
}

fn help_lines(keymap: &Keymap, lang: Lang, ascii: bool) -> Vec<(bool, String, String)> {
    let mut out = Vec::new();
    for &g in Group::ALL {
        let mut rows: Vec<(String, String)> = Vec::new();
        for b in keymap.in_group(g) {
            let desc = format!(
                "{}{}",
                b.description(lang),
                if b.dangerous { " ⚠" } else { "" }
            );
            match rows.iter_mut().find(|(_, d)| *d == desc) {
                Some(row) => {
                    row.0.push('/');
                    row.0.push_str(&b.key.label(ascii));
                }
                None => rows.push((b.key.label(ascii), desc)),
            }
        }
        if rows.is_empty() {
            continue;
        }
        out.push((
            true,
            lang.t(&format!("group.{}", g.name())).to_string(),
            String::new(),
        ));
        out.extend(rows.into_iter().map(|(k, d)| (false, k, d)));
    }
    out
}

fn render_help(
    h: &HelpState,
    frame: &mut Frame<'_>,
    area: Rect,
    keymap: &Keymap,
    lang: Lang,
    theme: &Theme,
) {
    let outer = centered(area, 76, area.height.saturating_sub(2));
    let inner = boxed(frame, outer, theme, lang.t("help.title"));
    let lines = help_lines(keymap, lang, theme.ascii);
    let key_w = lines
        .iter()
        .filter(|l| !l.0)
        .map(|l| text::width(&l.1))
        .max()
        .unwrap_or(0)
        .min(22);
    let scroll = h
        .scroll
        .min(lines.len().saturating_sub(usize::from(inner.height)));
    let shown: Vec<Line> = lines
        .iter()
        .skip(scroll)
        .take(usize::from(inner.height))
        .map(|(heading, k, d)| {
            if *heading {
                Line::from(Span::styled(k.clone(), theme.group))
            } else {
                let pad = key_w.saturating_sub(text::width(k));
                Line::from(vec![
                    Span::raw("  "),
                    Span::styled(k.clone(), theme.key),
                    Span::raw(" ".repeat(pad + 2)),
                    Span::raw(d.clone()),
                ])
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

// ── Command palette ──────────────────────────────────────────────────────────────

/// One command in the palette.
#[derive(Debug, Clone)]
pub struct PaletteItem {
    pub action: Action,
    pub label: String,
    pub keys: String,
    folded: Folded,
}

/// The `:` palette: run any action by (part of) its name or description.
#[derive(Debug, Clone)]
pub struct PaletteState {
    pub input: TextInput,
    pub items: Vec<PaletteItem>,
    /// Matching items: index and highlighted positions in the label.
    pub results: Vec<(usize, Vec<usize>)>,
    pub selected: usize,
}

impl PaletteState {
    /// The palette over every action, described in `lang`.
    #[must_use]
    pub fn new(keymap: &Keymap, lang: Lang) -> Self {
        let items = Action::ALL
            .iter()
            .map(|&action| {
                let desc = keymap.first_for(action).map_or("", |b| b.description(lang));
                let label = format!("{desc} · {}", action.name());
                let keys = keymap
                    .bindings()
                    .iter()
                    .filter(|b| b.action == action)
                    .map(|b| b.key.label(false))
                    .fold(Vec::<String>::new(), |mut v, k| {
                        if !v.contains(&k) {
                            v.push(k);
                        }
                        v
                    })
                    .join("/");
                PaletteItem {
                    action,
                    folded: Folded::new(&label),
                    label,
                    keys,
                }
            })
            .collect();
        let mut p = Self {
            input: TextInput::default(),
            items,
            results: Vec::new(),
            selected: 0,
        };
        p.refilter();
        p
    }

    fn refilter(&mut self) {
        let q = Query::new(self.input.text(), MatchMode::AllWords);
        let mut results: Vec<(i64, usize, Vec<usize>)> = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| q.matches(&item.folded).map(|m| (m.score, i, m.positions)))
            .collect();
        if !q.is_empty() {
            results.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        }
        self.results = results.into_iter().map(|(_, i, p)| (i, p)).collect();
        self.selected = 0;
    }
}

fn render_palette(p: &PaletteState, frame: &mut Frame<'_>, area: Rect, lang: Lang, theme: &Theme) {
    let outer = centered(area, 72, 18.min(area.height.saturating_sub(2)));
    let inner = boxed(frame, outer, theme, lang.t("palette.title"));
    if inner.height < 2 {
        return;
    }
    let prompt = Line::from(vec![
        Span::styled(": ", theme.key),
        Span::raw(p.input.text().to_string()),
    ]);
    frame.render_widget(prompt, Rect { height: 1, ..inner });
    let cursor_x =
        inner.x + 2 + (p.input.cursor_column() as u16).min(inner.width.saturating_sub(3));
    frame.set_cursor_position(Position {
        x: cursor_x,
        y: inner.y,
    });
    let list = Rect {
        y: inner.y + 1,
        height: inner.height - 1,
        ..inner
    };
    if p.results.is_empty() {
        frame.render_widget(
            Line::from(Span::styled(lang.t("palette.none"), theme.dim)),
            list,
        );
        return;
    }
    let visible = usize::from(list.height);
    let offset = p.selected.saturating_sub(visible.saturating_sub(1));
    let buf = frame.buffer_mut();
    for (y, (i, (item, positions))) in
        (list.y..).zip(p.results.iter().enumerate().skip(offset).take(visible))
    {
        let item = &p.items[*item];
        let base = if i == p.selected {
            theme.selected
        } else {
            Style::new()
        };
        let keys_w = text::width(&item.keys) as u16;
        let label_w = list.width.saturating_sub(keys_w + 2);
        let row = Rect {
            y,
            height: 1,
            ..list
        };
        buf.set_style(row, base);
        let label = text::truncate(&item.label, usize::from(label_w));
        let mut spans = Vec::new();
        for (ci, c) in label.chars().enumerate() {
            let style = if positions.contains(&ci) {
                base.patch(theme.matched)
            } else {
                base
            };
            spans.push(Span::styled(c.to_string(), style));
        }
        buf.set_line(row.x, y, &Line::from(spans), label_w);
        buf.set_string(
            row.x + list.width.saturating_sub(keys_w),
            y,
            &item.keys,
            base.patch(theme.key),
        );
    }
}

// ── Procedure details ────────────────────────────────────────────────────────────

/// Details of one procedure (opened with Enter on the list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailState {
    pub procedure: Procedure,
    pub stt: usize,
    pub scroll: u16,
}

fn render_detail(d: &DetailState, frame: &mut Frame<'_>, area: Rect, lang: Lang, theme: &Theme) {
    let outer = centered(area, 76, 16.min(area.height.saturating_sub(2)));
    let inner = boxed(frame, outer, theme, lang.t("detail.title"));
    let p = &d.procedure;
    let (yes, no) = (lang.t("detail.yes"), lang.t("detail.no"));
    let dash = "—".to_string();
    let rows: Vec<(&str, String)> = vec![
        ("detail.name", p.name.clone()),
        ("detail.field", p.field.clone()),
        ("detail.stt", d.stt.to_string()),
        ("detail.code", p.code.clone()),
        (
            "detail.local_code",
            if p.local_code.is_empty() {
                dash
            } else {
                p.local_code.clone()
            },
        ),
        (
            "detail.days",
            lang.f("detail.days_value", &[("n", &p.days)]),
        ),
        (
            "detail.charges",
            if p.charges_fee {
                yes.to_string()
            } else {
                no.to_string()
            },
        ),
        ("detail.fee", format!("{} đ", format_amount(p.fee))),
        ("detail.charge", format!("{} đ", format_amount(p.charge))),
    ];
    let label_w = rows
        .iter()
        .map(|(k, _)| text::width(lang.t(k)))
        .max()
        .unwrap_or(0);
    let lines: Vec<Line> = rows
        .into_iter()
        .map(|(k, v)| {
            let label = lang.t(k);
            Line::from(vec![
                Span::styled(
                    format!("{label}{}", " ".repeat(label_w - text::width(label) + 2)),
                    theme.header,
                ),
                Span::raw(v),
            ])
        })
        .collect();
    let para = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((d.scroll, 0));
    frame.render_widget(para, inner);
}

// ── Confirmation ─────────────────────────────────────────────────────────────────

/// Asks before a dangerous action runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmState {
    pub action: Action,
}

fn render_confirm(
    c: &ConfirmState,
    frame: &mut Frame<'_>,
    area: Rect,
    keymap: &Keymap,
    lang: Lang,
    theme: &Theme,
) {
    let outer = centered(area, 60, 6);
    let inner = boxed(frame, outer, theme, lang.t("confirm.title"));
    let desc = keymap
        .first_for(c.action)
        .map_or(c.action.name(), |b| b.description(lang));
    let question = lang.f("confirm.question", &[("action", &desc)]);
    let yes = keymap.keys_for(Group::Confirm, Action::Confirm, theme.ascii);
    let no = keymap.keys_for(Group::Confirm, Action::Back, theme.ascii);
    let lines = vec![
        Line::from(Span::styled(question, theme.error)),
        Line::from(""),
        Line::from(vec![
            Span::styled(yes, theme.key),
            Span::raw(format!(" {}   ", lang.t("confirm.yes"))),
            Span::styled(no, theme.key),
            Span::raw(format!(" {}", lang.t("confirm.no"))),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}

// ── Receipt ──────────────────────────────────────────────────────────────────────

/// The receipt of a finalized dossier, on screen; `x` writes the printable file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptState {
    pub receipt: Receipt,
    pub scroll: u16,
    /// Where the last export went.
    pub exported: Option<String>,
    /// The export in flight.
    pub exporting: Option<u64>,
}

impl ReceiptState {
    #[must_use]
    pub fn new(receipt: Receipt) -> Self {
        Self {
            receipt,
            scroll: 0,
            exported: None,
            exporting: None,
        }
    }
}

fn render_receipt(r: &ReceiptState, frame: &mut Frame<'_>, area: Rect, lang: Lang, theme: &Theme) {
    let height = (r.receipt.lines.len() as u16 + 7).min(area.height.saturating_sub(1));
    let outer = centered(area, 76, height);
    let inner = boxed(frame, outer, theme, lang.t("receipt.title"));
    let rc = &r.receipt;
    let mut lines = vec![Line::from(Span::styled(
        crate::dossier::receipt::TITLE,
        theme.header,
    ))];
    let mut code = vec![
        Span::styled(format!("{} ", lang.t("receipt.code")), theme.dim),
        Span::styled(text::sanitize(&rc.code).0, theme.key),
    ];
    if rc.provisional {
        code.push(Span::styled(
            format!(" {}", lang.t("intake.provisional")),
            theme.error,
        ));
    }
    lines.push(Line::from(code));
    if rc.provisional {
        lines.push(Line::from(Span::styled(
            crate::dossier::receipt::PROVISIONAL_NOTE,
            theme.dim,
        )));
    }
    let label_w = rc
        .lines
        .iter()
        .map(|l| text::width(l.label))
        .max()
        .unwrap_or(0);
    for l in &rc.lines {
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{}{}  ",
                    l.label,
                    " ".repeat(label_w - text::width(l.label))
                ),
                theme.dim,
            ),
            Span::raw(text::sanitize(&l.value).0),
        ]));
    }
    if let Some(path) = &r.exported {
        lines.push(Line::from(Span::styled(
            lang.f("receipt.exported", &[("path", &text::sanitize(path).0)]),
            theme.info,
        )));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((r.scroll, 0)),
        inner,
    );
}
