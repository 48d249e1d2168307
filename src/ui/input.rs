//! A one-line text input: text plus a cursor, edited by the keys a desk clerk expects.

use ratatui::crossterm::event::KeyCode;

use crate::keymap::Key;
use crate::text;

/// A one-line text field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    /// Cursor position in chars.
    cursor: usize,
}

impl TextInput {
    /// The text.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor, in chars from the start.
    #[must_use]
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Whether the field is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Empties the field.
    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_idx)
            .map_or(self.text.len(), |(i, _)| i)
    }

    /// Inserts text from outside (a paste): line breaks become spaces, other control
    /// characters a visible mark, and the result is NFC, so nothing typed or pasted can
    /// drive the terminal.
    pub fn insert_str(&mut self, s: &str) {
        let (clean, _) = text::sanitize_input(s);
        let at = self.byte_at(self.cursor);
        self.text.insert_str(at, &clean);
        self.cursor += clean.chars().count();
        self.renormalize();
    }

    /// Keeps the text NFC after an edit (typing a combining tone mark after a vowel).
    fn renormalize(&mut self) {
        let before: String = self.text.chars().take(self.cursor).collect();
        let (nfc_before, _) = text::sanitize(&before);
        let (nfc_all, _) = text::sanitize(&self.text);
        self.cursor = nfc_before.chars().count().min(nfc_all.chars().count());
        self.text = nfc_all;
    }

    /// Applies an editing key. Returns `true` when the key was an editing key (whether or
    /// not the text changed), `false` when it is not for the field.
    pub fn handle(&mut self, key: Key) -> bool {
        if key.alt {
            return false;
        }
        if key.ctrl {
            // Ctrl+U clears to the start, Ctrl+W deletes a word: shell habits.
            return match key.code {
                KeyCode::Char('u') => {
                    let at = self.byte_at(self.cursor);
                    self.text.replace_range(..at, "");
                    self.cursor = 0;
                    true
                }
                KeyCode::Char('w') => {
                    let chars: Vec<char> = self.text.chars().collect();
                    let mut start = self.cursor;
                    while start > 0 && chars[start - 1] == ' ' {
                        start -= 1;
                    }
                    while start > 0 && chars[start - 1] != ' ' {
                        start -= 1;
                    }
                    let (a, b) = (self.byte_at(start), self.byte_at(self.cursor));
                    self.text.replace_range(a..b, "");
                    self.cursor = start;
                    true
                }
                _ => false,
            };
        }
        match key.code {
            KeyCode::Char(c) => {
                let mut buf = [0u8; 4];
                self.insert_str(c.encode_utf8(&mut buf));
            }
            KeyCode::Backspace => {
                if self.cursor > 0 {
                    let (a, b) = (self.byte_at(self.cursor - 1), self.byte_at(self.cursor));
                    self.text.replace_range(a..b, "");
                    self.cursor -= 1;
                }
            }
            KeyCode::Delete => {
                if self.cursor < self.text.chars().count() {
                    let (a, b) = (self.byte_at(self.cursor), self.byte_at(self.cursor + 1));
                    self.text.replace_range(a..b, "");
                }
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.text.chars().count()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.text.chars().count(),
            _ => return false,
        }
        true
    }

    /// The display column of the cursor (wide characters count two).
    #[must_use]
    pub fn cursor_column(&self) -> usize {
        let before: String = self.text.chars().take(self.cursor).collect();
        text::width(&before)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Key {
        Key::parse(s).unwrap()
    }

    #[test]
    fn edits_in_the_middle_with_vietnamese() {
        let mut t = TextInput::default();
        for c in "thư vin".chars() {
            assert!(t.handle(Key {
                code: KeyCode::Char(c),
                ctrl: false,
                alt: false
            }));
        }
        t.handle(k("left"));
        t.handle(Key {
            code: KeyCode::Char('ệ'),
            ctrl: false,
            alt: false,
        });
        assert_eq!(t.text(), "thư viện");
        assert_eq!(t.cursor(), 7);
        t.handle(k("backspace"));
        t.handle(k("end"));
        t.handle(k("backspace"));
        assert_eq!(t.text(), "thư vi");
        t.handle(k("ctrl+w"));
        assert_eq!(t.text(), "thư ");
        t.handle(k("home"));
        t.handle(k("delete"));
        assert_eq!(t.text(), "hư ");
        t.handle(k("end"));
        t.handle(k("ctrl+u"));
        assert!(t.is_empty());
    }

    #[test]
    fn paste_is_sanitised_and_nfc() {
        let mut t = TextInput::default();
        t.insert_str("a\u{1b}[2Jb\nc\u{202e}d Hoa\u{300}");
        assert!(!t.text().contains('\u{1b}'));
        assert!(!t.text().contains('\n'));
        assert!(!t.text().contains('\u{202e}'));
        assert!(t.text().ends_with("Hoà"));
        assert_eq!(t.cursor(), t.text().chars().count());
    }

    #[test]
    fn combining_mark_typed_after_a_vowel_joins_it() {
        let mut t = TextInput::default();
        t.insert_str("a");
        t.insert_str("\u{301}");
        assert_eq!(t.text(), "á");
        assert_eq!(t.cursor(), 1);
    }
}
