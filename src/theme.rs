//! Colours and symbols. A colour theme, and a monochrome one (reverse, bold and
//! underline only — no colour codes at all) for `NO_COLOR`, `TERM=dumb|vt100|vt220|linux`
//! or by config. ASCII borders on request.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::config::ThemeChoice;

/// Styles for every kind of text on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub mono: bool,
    pub ascii: bool,
    pub title: Style,
    pub badge: Style,
    pub header: Style,
    pub group: Style,
    pub selected: Style,
    pub matched: Style,
    pub key: Style,
    pub dim: Style,
    pub error: Style,
    pub info: Style,
    pub border: Style,
}

impl Theme {
    /// The colour theme.
    #[must_use]
    pub fn color(ascii: bool) -> Self {
        let b = Style::new();
        Self {
            mono: false,
            ascii,
            title: b
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
            badge: b
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            header: b.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            group: b.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            selected: b.fg(Color::Black).bg(Color::Cyan),
            matched: b
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            key: b.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            dim: b.fg(Color::Gray),
            error: b.fg(Color::LightRed).add_modifier(Modifier::BOLD),
            info: b.fg(Color::Green),
            border: b.fg(Color::Blue),
        }
    }

    /// The monochrome theme: only reverse, bold and underline.
    #[must_use]
    pub fn mono(ascii: bool) -> Self {
        let b = Style::new();
        Self {
            mono: true,
            ascii,
            title: b.add_modifier(Modifier::REVERSED),
            badge: b.add_modifier(Modifier::BOLD),
            header: b.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            group: b.add_modifier(Modifier::BOLD),
            selected: b.add_modifier(Modifier::REVERSED),
            matched: b.add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
            key: b.add_modifier(Modifier::BOLD),
            dim: b,
            error: b.add_modifier(Modifier::BOLD),
            info: b,
            border: b,
        }
    }

    /// Picks the theme from the config choice and the environment.
    #[must_use]
    pub fn choose(
        choice: ThemeChoice,
        ascii: bool,
        no_color: Option<&str>,
        term: Option<&str>,
    ) -> Self {
        let mono = match choice {
            ThemeChoice::Color => false,
            ThemeChoice::Mono => true,
            ThemeChoice::Auto => wants_mono(no_color, term),
        };
        if mono {
            Self::mono(ascii)
        } else {
            Self::color(ascii)
        }
    }

    /// Border characters.
    #[must_use]
    pub fn border_set(&self) -> border::Set<'static> {
        if self.ascii {
            border::Set {
                top_left: "+",
                top_right: "+",
                bottom_left: "+",
                bottom_right: "+",
                vertical_left: "|",
                vertical_right: "|",
                horizontal_top: "-",
                horizontal_bottom: "-",
            }
        } else {
            border::PLAIN
        }
    }

    /// The marker of an expanded and a collapsed group.
    #[must_use]
    pub fn fold_marks(&self) -> (&'static str, &'static str) {
        if self.ascii {
            ("-", "+")
        } else {
            ("▾", "▸")
        }
    }

    /// The "charges a fee" marks (yes, no).
    #[must_use]
    pub fn fee_marks(&self) -> (&'static str, &'static str) {
        if self.ascii {
            ("x", "-")
        } else {
            ("✓", "⊗")
        }
    }
}

/// Whether the environment asks for no colour: `NO_COLOR` set and non-empty, or a
/// terminal type known to lack colour.
#[must_use]
pub fn wants_mono(no_color: Option<&str>, term: Option<&str>) -> bool {
    no_color.is_some_and(|v| !v.is_empty())
        || matches!(term, Some("dumb" | "vt100" | "vt220" | "linux"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_uses_no_colour() {
        let t = Theme::mono(false);
        for s in [
            t.title, t.badge, t.header, t.group, t.selected, t.matched, t.key, t.dim, t.error,
            t.info, t.border,
        ] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
    }

    #[test]
    fn auto_picks_mono_for_no_color_and_plain_terminals() {
        assert!(Theme::choose(ThemeChoice::Auto, false, Some("1"), Some("xterm-256color")).mono);
        assert!(!Theme::choose(ThemeChoice::Auto, false, Some(""), Some("xterm-256color")).mono);
        for term in ["dumb", "vt100", "vt220", "linux"] {
            assert!(
                Theme::choose(ThemeChoice::Auto, false, None, Some(term)).mono,
                "{term}"
            );
        }
        assert!(!Theme::choose(ThemeChoice::Auto, false, None, Some("xterm")).mono);
        assert!(!Theme::choose(ThemeChoice::Color, false, Some("1"), Some("vt100")).mono);
        assert!(Theme::choose(ThemeChoice::Mono, false, None, Some("xterm")).mono);
    }
}
