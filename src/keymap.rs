//! Keybindings as data.
//!
//! `config/keymap.toml` (embedded) and the user's keymap file list bindings: key,
//! action, group, descriptions in Vietnamese and English, whether the hint bar shows it,
//! and whether it is dangerous (asks for confirmation). The same table drives dispatch,
//! the hint bar, the `?` help overlay, the `:` palette and `motcua keys`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use crate::action::Action;
use crate::config::{FileError, line_of};
use crate::i18n::Lang;

/// The default keymap, as shipped.
pub const DEFAULT_TOML: &str = include_str!("../config/keymap.toml");

/// Where a binding applies. Screens and layers name their group; `Global` applies under
/// every group except where a text field takes plain characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    Global,
    Procedures,
    Filter,
    Detail,
    Help,
    Palette,
    Confirm,
    SignIn,
    Intake,
    IntakeView,
    Dossiers,
    Receipt,
    Check,
    CheckDiff,
    Audit,
    Household,
    HouseholdTable,
    Card,
    CardResult,
    Sync,
}

impl Group {
    /// All groups, in the order help shows them.
    pub const ALL: &'static [Group] = &[
        Group::Global,
        Group::Procedures,
        Group::Filter,
        Group::Detail,
        Group::Help,
        Group::Palette,
        Group::Confirm,
        Group::SignIn,
        Group::Intake,
        Group::IntakeView,
        Group::Dossiers,
        Group::Receipt,
        Group::Check,
        Group::CheckDiff,
        Group::Audit,
        Group::Household,
        Group::HouseholdTable,
        Group::Card,
        Group::CardResult,
        Group::Sync,
    ];

    /// The name used in the keymap file.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Group::Global => "global",
            Group::Procedures => "procedures",
            Group::Filter => "filter",
            Group::Detail => "detail",
            Group::Help => "help",
            Group::Palette => "palette",
            Group::Confirm => "confirm",
            Group::SignIn => "sign_in",
            Group::Intake => "intake",
            Group::IntakeView => "intake_view",
            Group::Dossiers => "dossiers",
            Group::Receipt => "receipt",
            Group::Check => "check",
            Group::CheckDiff => "check_diff",
            Group::Audit => "audit",
            Group::Household => "household",
            Group::HouseholdTable => "household_table",
            Group::Card => "card",
            Group::CardResult => "card_result",
            Group::Sync => "sync",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|g| g.name() == name)
    }

    /// Whether plain characters typed in this group are text, not commands.
    #[must_use]
    pub const fn takes_text(self) -> bool {
        matches!(
            self,
            Group::Filter
                | Group::Palette
                | Group::SignIn
                | Group::Intake
                | Group::Check
                | Group::Household
                | Group::Card
        )
    }
}

/// A key with its modifiers (Ctrl and Alt; Shift is part of the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    /// The key of a terminal key event.
    #[must_use]
    pub fn from_event(ev: &KeyEvent) -> Self {
        let code = match ev.code {
            KeyCode::Char(c) if ev.modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            KeyCode::BackTab => KeyCode::BackTab,
            KeyCode::Tab if ev.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            other => other,
        };
        Self {
            code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// A plain printable character (no Ctrl or Alt), if this key is one.
    #[must_use]
    pub fn text_char(&self) -> Option<char> {
        match self.code {
            KeyCode::Char(c) if !self.ctrl && !self.alt => Some(c),
            _ => None,
        }
    }

    /// Whether a one-line text field takes this key: plain characters and the editing
    /// keys (Backspace, Delete, arrows left/right, Home, End, Ctrl+U, Ctrl+W).
    #[must_use]
    pub fn is_text_editing(&self) -> bool {
        if self.alt {
            return false;
        }
        if self.ctrl {
            return matches!(self.code, KeyCode::Char('u' | 'w'));
        }
        matches!(
            self.code,
            KeyCode::Char(_)
                | KeyCode::Backspace
                | KeyCode::Delete
                | KeyCode::Left
                | KeyCode::Right
                | KeyCode::Home
                | KeyCode::End
        )
    }

    /// Parses `q`, `?`, `G`, `enter`, `esc`, `up`, `pgdown`, `ctrl+c`, `alt+x`, `f1`, `space`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 1 && lower.starts_with("ctrl+") {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.chars().count() > 1 && lower.starts_with("alt+") {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() && c != ' ' => {
                KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c })
            }
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" | "shift+tab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pgup" | "pageup" => KeyCode::PageUp,
                "pgdown" | "pagedown" => KeyCode::PageDown,
                "space" => KeyCode::Char(' '),
                f if f.starts_with('f') && f.len() > 1 => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(format!("unknown key `{s}`")),
                },
                _ => return Err(format!("unknown key `{s}`")),
            },
        };
        Ok(Self { code, ctrl, alt })
    }

    /// How the key is shown in the hint bar and help (`ascii` avoids arrows).
    #[must_use]
    pub fn label(&self, ascii: bool) -> String {
        let mut out = String::new();
        if self.ctrl {
            out.push_str("Ctrl+");
        }
        if self.alt {
            out.push_str("Alt+");
        }
        let name = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.ctrl || self.alt => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift+Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Insert => "Ins".into(),
            KeyCode::Up => if ascii { "Up" } else { "↑" }.into(),
            KeyCode::Down => if ascii { "Down" } else { "↓" }.into(),
            KeyCode::Left => if ascii { "Left" } else { "←" }.into(),
            KeyCode::Right => if ascii { "Right" } else { "→" }.into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        out.push_str(&name);
        out
    }
}

/// One binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub key: Key,
    /// The key as written in the file.
    pub key_text: String,
    pub action: Action,
    pub group: Group,
    pub vi: String,
    pub en: String,
    /// Shown in the bottom hint bar.
    pub bar: bool,
    /// Asks for confirmation before it runs.
    pub dangerous: bool,
}

impl Binding {
    /// The description in `lang`.
    #[must_use]
    pub fn description(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    #[serde(default)]
    binding: Vec<toml::Spanned<FileBinding>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileBinding {
    key: toml::Spanned<String>,
    action: toml::Spanned<String>,
    #[serde(default = "default_group")]
    group: toml::Spanned<String>,
    #[serde(default)]
    vi: String,
    #[serde(default)]
    en: String,
    #[serde(default)]
    bar: bool,
    #[serde(default)]
    dangerous: bool,
}

fn default_group() -> toml::Spanned<String> {
    toml::Spanned::new(0..0, "global".to_string())
}

/// The bindings in effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
    index: HashMap<(Group, Key), usize>,
}

impl Keymap {
    /// Parses a keymap file. Duplicate keys within a group, unknown actions or groups and
    /// unparsable keys are errors naming the file, line and key.
    pub fn parse(file: &Path, text: &str) -> Result<Vec<Binding>, FileError> {
        let doc: FileDoc =
            toml::from_str(text).map_err(|e| FileError::from_toml(file, text, &e))?;
        let err = |offset: usize, problem: String| FileError {
            file: file.to_path_buf(),
            line: line_of(text, offset),
            problem,
        };
        let mut seen: HashMap<(Group, Key), String> = HashMap::new();
        let mut out = Vec::with_capacity(doc.binding.len());
        for spanned in doc.binding {
            let start = spanned.span().start;
            let b = spanned.into_inner();
            let key_at = b.key.span().start;
            let key_text = b.key.get_ref().clone();
            let key = Key::parse(&key_text).map_err(|p| err(key_at, p))?;
            let action = Action::from_name(b.action.get_ref()).ok_or_else(|| {
                err(
                    b.action.span().start,
                    format!("key `{key_text}`: unknown action `{}`", b.action.get_ref()),
                )
            })?;
            let group_at = if b.group.span().is_empty() {
                start
            } else {
                b.group.span().start
            };
            let group = Group::from_name(b.group.get_ref()).ok_or_else(|| {
                err(
                    group_at,
                    format!("key `{key_text}`: unknown group `{}`", b.group.get_ref()),
                )
            })?;
            if let Some(previous) = seen.insert((group, key), key_text.clone()) {
                return Err(err(
                    key_at,
                    format!(
                        "key `{key_text}` is bound twice in group `{}` (also as `{previous}`)",
                        group.name()
                    ),
                ));
            }
            out.push(Binding {
                key,
                key_text,
                action,
                group,
                vi: b.vi,
                en: b.en,
                bar: b.bar,
                dangerous: b.dangerous,
            });
        }
        Ok(out)
    }

    /// The default keymap.
    #[must_use]
    pub fn default_keymap() -> Self {
        let bindings = Self::parse(Path::new("config/keymap.toml"), DEFAULT_TOML)
            .unwrap_or_else(|e| panic!("the embedded keymap is invalid: {e}"));
        Self::from_bindings(bindings)
    }

    /// The default keymap with the user's file applied: a user binding replaces the
    /// default one for the same key and group, and otherwise adds to it. A user binding
    /// without descriptions takes the action's default ones.
    pub fn load(user_file: &Path) -> Result<(Self, Option<PathBuf>), FileError> {
        let mut keymap = Self::default_keymap();
        let text = match std::fs::read(user_file) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| FileError {
                file: user_file.to_path_buf(),
                line: 0,
                problem: format!("not valid UTF-8 text ({e})"),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((keymap, None)),
            Err(e) => {
                return Err(FileError {
                    file: user_file.to_path_buf(),
                    line: 0,
                    problem: e.to_string(),
                });
            }
        };
        let user = Self::parse(user_file, &text)?;
        keymap.apply(user);
        Ok((keymap, Some(user_file.to_path_buf())))
    }

    /// Applies user bindings on top of these.
    pub fn apply(&mut self, user: Vec<Binding>) {
        let mut bindings = std::mem::take(&mut self.bindings);
        for mut b in user {
            if (b.vi.is_empty() || b.en.is_empty())
                && let Some(d) = bindings.iter().find(|d| d.action == b.action)
            {
                if b.vi.is_empty() {
                    b.vi.clone_from(&d.vi);
                }
                if b.en.is_empty() {
                    b.en.clone_from(&d.en);
                }
            }
            bindings.retain(|d| !(d.group == b.group && d.key == b.key));
            bindings.push(b);
        }
        *self = Self::from_bindings(bindings);
    }

    fn from_bindings(bindings: Vec<Binding>) -> Self {
        let index = bindings
            .iter()
            .enumerate()
            .map(|(i, b)| ((b.group, b.key), i))
            .collect();
        Self { bindings, index }
    }

    /// All bindings, in file order.
    #[must_use]
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The binding for a key in a group, falling back to the global group. In a group that
    /// takes text, editing keys are never looked up in the global group.
    #[must_use]
    pub fn lookup(&self, group: Group, key: Key) -> Option<&Binding> {
        if let Some(&i) = self.index.get(&(group, key)) {
            return Some(&self.bindings[i]);
        }
        if group == Group::Global || (group.takes_text() && key.is_text_editing()) {
            return None;
        }
        self.index
            .get(&(Group::Global, key))
            .map(|&i| &self.bindings[i])
    }

    /// The bindings of one group.
    pub fn in_group(&self, group: Group) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.group == group)
    }

    /// The first binding of an action (its description stands for the action).
    #[must_use]
    pub fn first_for(&self, action: Action) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.action == action)
    }

    /// The keys bound to `action` in `group` (or globally), joined by `/`.
    #[must_use]
    pub fn keys_for(&self, group: Group, action: Action, ascii: bool) -> String {
        let mut keys: Vec<String> = self
            .bindings
            .iter()
            .filter(|b| b.action == action && (b.group == group || b.group == Group::Global))
            .map(|b| b.key.label(ascii))
            .collect();
        keys.dedup();
        keys.join("/")
    }

    /// The hint bar's entries for a group: (keys, description), the group's own first,
    /// then the global ones not shadowed; one entry per action.
    #[must_use]
    pub fn hints(&self, group: Group, lang: Lang, ascii: bool) -> Vec<(String, String)> {
        let mut out: Vec<(Action, String, String)> = Vec::new();
        let groups: &[Group] = if group == Group::Global {
            &[Group::Global]
        } else {
            &[group, Group::Global]
        };
        for &g in groups {
            for b in self.in_group(g).filter(|b| b.bar) {
                if g == Group::Global && self.index.contains_key(&(group, b.key)) {
                    continue;
                }
                if g == Group::Global && group.takes_text() && b.key.is_text_editing() {
                    continue;
                }
                if let Some(entry) = out.iter_mut().find(|(a, _, _)| *a == b.action) {
                    let label = b.key.label(ascii);
                    if !entry.1.split('/').any(|k| k == label) {
                        entry.1.push('/');
                        entry.1.push_str(&label);
                    }
                } else {
                    out.push((
                        b.action,
                        b.key.label(ascii),
                        b.description(lang).to_string(),
                    ));
                }
            }
        }
        // Help comes first, so the way to every other key is always on screen.
        out.sort_by_key(|(a, _, _)| *a != Action::Help);
        out.into_iter().map(|(_, k, d)| (k, d)).collect()
    }

    /// The table as Markdown (for `motcua keys` and the README).
    #[must_use]
    pub fn markdown(&self) -> String {
        let mut out = String::from(
            "| Nhóm (group) | Phím (key) | Hành động (action) | Mô tả | Description |\n|---|---|---|---|---|\n",
        );
        for &g in Group::ALL {
            for b in self.in_group(g) {
                let key = b.key.label(true).replace('|', "\\|");
                let warn = if b.dangerous { " ⚠" } else { "" };
                let _ = writeln!(
                    out,
                    "| {} | `{}` | `{}` | {}{warn} | {}{warn} |",
                    g.name(),
                    key,
                    b.action.name(),
                    b.vi.replace('|', "\\|"),
                    b.en.replace('|', "\\|"),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        Key::parse(s).unwrap()
    }

    #[test]
    fn default_keymap_binds_every_action_with_both_descriptions() {
        let km = Keymap::default_keymap();
        for &a in Action::ALL {
            let b = km
                .first_for(a)
                .unwrap_or_else(|| panic!("action {a} has no binding"));
            assert!(
                !b.vi.is_empty() && !b.en.is_empty(),
                "action {a} lacks a description"
            );
        }
    }

    #[test]
    fn parses_keys() {
        assert_eq!(key("q").code, KeyCode::Char('q'));
        assert_eq!(key("G").code, KeyCode::Char('G'));
        let c = key("ctrl+c");
        assert!(c.ctrl && c.code == KeyCode::Char('c'));
        assert_eq!(key("Ctrl+C"), c);
        assert_eq!(key("pgdown").code, KeyCode::PageDown);
        assert_eq!(key("f1").code, KeyCode::F(1));
        assert_eq!(key("space").code, KeyCode::Char(' '));
        assert_eq!(key("+").code, KeyCode::Char('+'));
        assert!(Key::parse("ctrl+").is_err());
        assert!(Key::parse("hyper+x").is_err());
        assert!(Key::parse("f13").is_err());
        assert!(Key::parse("").is_err());
    }

    #[test]
    fn duplicate_key_names_file_line_and_key() {
        let text = "[[binding]]\nkey = \"x\"\naction = \"quit\"\n\n[[binding]]\nkey = \"x\"\naction = \"help\"\n";
        let e = Keymap::parse(Path::new("/home/u/keymap.toml"), text).unwrap_err();
        assert_eq!(e.line, 6);
        assert!(e.problem.contains("`x`"), "{}", e.problem);
        assert!(e.to_string().starts_with("/home/u/keymap.toml:6:"));
    }

    #[test]
    fn unknown_action_and_bad_key_are_located() {
        let e = Keymap::parse(
            Path::new("k"),
            "[[binding]]\nkey = \"x\"\naction = \"fly\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.problem.contains("fly"));
        let e = Keymap::parse(
            Path::new("k"),
            "[[binding]]\n\nkey = \"ctrl+nope\"\naction = \"quit\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.problem.contains("ctrl+nope"));
        let e = Keymap::parse(
            Path::new("k"),
            "[[binding]]\nkey = \"x\"\naction = \"quit\"\ngroup = \"moon\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 4);
    }

    #[test]
    fn same_key_in_different_groups_is_fine_and_group_wins() {
        let km = Keymap::default_keymap();
        let esc = key("esc");
        assert_eq!(
            km.lookup(Group::Filter, esc).unwrap().action,
            Action::FilterClear
        );
        assert_eq!(
            km.lookup(Group::Procedures, esc).unwrap().action,
            Action::Back
        );
    }

    #[test]
    fn text_groups_do_not_take_plain_global_keys() {
        let km = Keymap::default_keymap();
        assert_eq!(
            km.lookup(Group::Procedures, key("q")).unwrap().action,
            Action::Quit
        );
        assert!(km.lookup(Group::Filter, key("q")).is_none());
        assert_eq!(
            km.lookup(Group::Filter, key("ctrl+c")).unwrap().action,
            Action::Quit
        );
    }

    #[test]
    fn user_bindings_replace_and_add() {
        let mut km = Keymap::default_keymap();
        let user = Keymap::parse(
            Path::new("u"),
            "[[binding]]\nkey = \"q\"\naction = \"help\"\ngroup = \"global\"\n\n[[binding]]\nkey = \"x\"\naction = \"quit\"\ndangerous = true\n",
        )
        .unwrap();
        km.apply(user);
        assert_eq!(
            km.lookup(Group::Procedures, key("q")).unwrap().action,
            Action::Help
        );
        let x = km.lookup(Group::Procedures, key("x")).unwrap();
        assert_eq!(x.action, Action::Quit);
        assert!(x.dangerous);
        assert!(!x.vi.is_empty(), "descriptions default to the action's");
    }

    #[test]
    fn hints_merge_keys_of_one_action() {
        let km = Keymap::default_keymap();
        let hints = km.hints(Group::Procedures, Lang::Vi, true);
        assert!(!hints.is_empty());
        let mut actions = std::collections::HashSet::new();
        for (_, d) in &hints {
            assert!(actions.insert(d.clone()), "duplicate hint {d}");
        }
    }
}
