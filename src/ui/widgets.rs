//! Small shared pieces: the status bar, the hint bar, the "too small" notice, and
//! helpers for boxed layers.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::app::{Flash, MIN_HEIGHT, MIN_WIDTH};
use crate::i18n::Lang;
use crate::keymap::{Group, Keymap};
use crate::text;
use crate::theme::Theme;

/// The top row: app name, screen title, count, and the DEMO badge.
pub fn status_bar(
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    title: &str,
    right: &str,
    demo_badge: Option<&str>,
) {
    let badge = demo_badge.map(|b| format!(" {b} "));
    let badge_w = badge.as_deref().map_or(0, text::width);
    let right = format!("{right} ");
    let left = format!(" motcua │ {title}");
    let left = if theme.ascii {
        left.replace('│', "|")
    } else {
        left
    };
    let room = usize::from(area.width).saturating_sub(badge_w + text::width(&right));
    let left = text::truncate(&left, room).into_owned();
    let gap = room.saturating_sub(text::width(&left));
    let mut spans = vec![
        Span::styled(left, theme.title),
        Span::styled(" ".repeat(gap), theme.title),
    ];
    spans.push(Span::styled(right, theme.title));
    if let Some(b) = badge {
        spans.push(Span::styled(b, theme.badge));
    }
    frame.render_widget(Line::from(spans), area);
}

/// The bottom row: the keys of the current group, from the keymap; or a flash message.
pub fn hint_bar(
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    keymap: &Keymap,
    group: Group,
    lang: Lang,
    flash: Option<&Flash>,
) {
    if let Some(f) = flash {
        let style = if f.error { theme.error } else { theme.info };
        let text = text::truncate(&f.text, usize::from(area.width)).into_owned();
        frame.render_widget(Line::from(Span::styled(text, style)), area);
        return;
    }
    let mut spans = Vec::new();
    let mut used = 0usize;
    let width = usize::from(area.width);
    for (keys, desc) in keymap.hints(group, lang, theme.ascii) {
        let w = text::width(&keys) + 1 + text::width(&desc) + 2;
        if used + w > width {
            break;
        }
        spans.push(Span::styled(keys, theme.key));
        spans.push(Span::styled(format!(" {desc}  "), theme.dim));
        used += w;
    }
    frame.render_widget(Line::from(spans), area);
}

/// Shown instead of the screens when the terminal is below 80×24.
pub fn too_small(frame: &mut Frame<'_>, area: Rect, theme: &Theme, lang: Lang) {
    let msg = lang.f(
        "app.too_small",
        &[
            ("w", &area.width),
            ("h", &area.height),
            ("min_w", &MIN_WIDTH),
            ("min_h", &MIN_HEIGHT),
        ],
    );
    let p = Paragraph::new(msg)
        .style(theme.error)
        .wrap(Wrap { trim: true });
    let h = area.height.min(4);
    let y = area.y + area.height.saturating_sub(h) / 2;
    frame.render_widget(
        p,
        Rect {
            y,
            height: h,
            ..area
        },
    );
}

/// A centred rectangle of at most `width`×`height` inside `area`.
#[must_use]
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Draws `lines` one per row inside `inner` (those below its bottom are dropped), and
/// puts the cursor at `cursor` (a line index and a column within the box) when that
/// line is shown.
pub fn lines_in(
    frame: &mut Frame<'_>,
    inner: Rect,
    lines: Vec<ratatui::text::Line<'_>>,
    cursor: Option<(usize, usize)>,
) {
    let rows = usize::from(inner.height);
    for (y, line) in lines.into_iter().enumerate().take(rows) {
        frame.render_widget(
            line,
            Rect {
                y: inner.y + y as u16,
                height: 1,
                ..inner
            },
        );
    }
    if let Some((y, col)) = cursor
        && y < rows
    {
        frame.set_cursor_position(ratatui::layout::Position {
            x: inner.x + col as u16,
            y: inner.y + y as u16,
        });
    }
}

/// Clears `area` and draws a titled box; returns the inside.
pub fn boxed(frame: &mut Frame<'_>, area: Rect, theme: &Theme, title: &str) -> Rect {
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .border_style(theme.border)
        .title(Span::styled(format!(" {title} "), theme.header));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// Where a list's selection goes for a moving action (up, down, a page, top, bottom),
/// kept within `len` rows; `None` for any other action.
#[must_use]
pub fn moved(
    selected: usize,
    action: crate::action::Action,
    len: usize,
    page: usize,
) -> Option<usize> {
    use crate::action::Action;
    let last = len.saturating_sub(1);
    Some(match action {
        Action::Up => selected.saturating_sub(1),
        Action::Down => (selected + 1).min(last),
        Action::PageUp => selected.saturating_sub(page),
        Action::PageDown => (selected + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;

    fn row_text(t: &Terminal<TestBackend>, y: u16) -> String {
        let buf = t.backend().buffer();
        (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
    }

    #[test]
    fn hint_bar_comes_from_the_keymap_and_styles_keys() {
        let keymap = Keymap::default_keymap();
        let theme = Theme::mono(false);
        let mut t = Terminal::new(TestBackend::new(80, 1)).unwrap();
        t.draw(|f| {
            hint_bar(
                f,
                f.area(),
                &theme,
                &keymap,
                Group::Procedures,
                Lang::Vi,
                None,
            );
        })
        .unwrap();
        let row = row_text(&t, 0);
        assert!(row.starts_with("? Trợ giúp"), "{row}");
        assert!(row.contains("/ Lọc thủ tục"), "{row}");
        let buf = t.backend().buffer();
        assert!(
            buf[(0, 0)]
                .modifier
                .contains(ratatui::style::Modifier::BOLD),
            "keys are bold"
        );

        // In the filter, plain-character global keys (q, ?) are text, so not offered.
        t.draw(|f| hint_bar(f, f.area(), &theme, &keymap, Group::Filter, Lang::En, None))
            .unwrap();
        let row = row_text(&t, 0);
        assert!(
            row.contains("Enter Done") && !row.contains("q Quit"),
            "{row}"
        );
    }

    #[test]
    fn flash_replaces_the_hints() {
        let keymap = Keymap::default_keymap();
        let theme = Theme::color(false);
        let mut t = Terminal::new(TestBackend::new(40, 1)).unwrap();
        let flash = Flash {
            text: "Lệnh này không dùng được ở đây.".into(),
            error: true,
        };
        t.draw(|f| {
            hint_bar(
                f,
                f.area(),
                &theme,
                &keymap,
                Group::Procedures,
                Lang::Vi,
                Some(&flash),
            );
        })
        .unwrap();
        assert!(row_text(&t, 0).starts_with("Lệnh này"));
        assert_eq!(t.backend().buffer()[(0, 0)].style().fg, theme.error.fg);
    }

    #[test]
    fn status_bar_keeps_the_demo_badge_when_narrow() {
        let theme = Theme::color(true);
        let mut t = Terminal::new(TestBackend::new(30, 1)).unwrap();
        t.draw(|f| {
            status_bar(
                f,
                f.area(),
                &theme,
                "Danh mục thủ tục rất dài",
                "2000 thủ tục",
                Some("DEMO"),
            );
        })
        .unwrap();
        let row = row_text(&t, 0);
        assert!(row.trim_end().ends_with("DEMO"), "{row}");
        assert!(!row.contains('│'), "ASCII mode avoids box drawing: {row}");
    }
}
