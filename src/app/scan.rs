//! Telling a keyboard-wedge scanner from a person typing. A QR scanner that acts as a
//! keyboard "types" the whole code in a burst (a few milliseconds between keys) and
//! ends it with Enter. Such a burst is taken as one scan and never reaches the screens
//! as keys, so the digits and letters of a code cannot trigger shortcuts. Anything else
//! is handed on as the keys it was, in order, at most [`GAP`] late.
//!
//! A burst longer than any CCCD's QR code ([`MAX_LEN`] bytes) is refused: the keys held
//! are dropped, the rest of the burst is swallowed as it comes, and one
//! [`Input::TooLong`] says so when it ends. So at most [`MAX_LEN`] keys are ever held,
//! and a scanner spewing megabytes never reaches a field as keys.
//!
//! Pure: the input thread feeds it keys with their arrival times and asks it when to
//! give up waiting.

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// The longest pause between two keys of a scan. People type at 100 ms a key and more;
/// scanners at a few ms (USB HID polls at 1–8 ms).
pub const GAP: Duration = Duration::from_millis(25);

/// The shortest text taken as a scan (a CCCD QR code is over 60 characters).
pub const MIN_LEN: usize = 20;

/// The longest burst held, in bytes of text: the longest QR text [`crate::card::qr`]
/// reads.
pub const MAX_LEN: usize = crate::card::qr::MAX_LEN;

/// What the detector hands on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Key(KeyEvent),
    /// A whole scan, without its final Enter.
    Scan(String),
    /// A burst longer than [`MAX_LEN`] was refused: `len` bytes of text (with the keys
    /// held before it was known) were dropped.
    TooLong {
        len: usize,
    },
}

/// Holds keys that may be the start of a scan.
#[derive(Debug, Default)]
pub struct Detector {
    held: Vec<KeyEvent>,
    text: String,
    last: Option<Instant>,
    /// The bytes of a burst being refused (it passed [`MAX_LEN`]).
    refused: Option<usize>,
}

/// A key a scanner can type: a character with no Ctrl or Alt.
fn scannable(k: &KeyEvent) -> Option<char> {
    match k.code {
        KeyCode::Char(c)
            if !k
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(c)
        }
        _ => None,
    }
}

impl Detector {
    /// A key arrived at `at`. Returns what is ready to hand on.
    pub fn push(&mut self, key: KeyEvent, at: Instant) -> Vec<Input> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        let mut out = Vec::new();
        let in_burst = self
            .last
            .is_some_and(|t| at.saturating_duration_since(t) <= GAP);
        if !in_burst {
            out.extend(self.flush());
        }
        if let Some(len) = self.refused.as_mut() {
            // The rest of a refused burst: swallowed, up to its Enter.
            if let Some(c) = scannable(&key) {
                *len = len.saturating_add(c.len_utf8());
                self.last = Some(at);
                return out;
            }
            out.extend(self.flush());
            if key.code == KeyCode::Enter {
                return out;
            }
            out.push(Input::Key(key));
            return out;
        }
        if key.code == KeyCode::Enter && in_burst && self.is_scan() {
            let text = std::mem::take(&mut self.text);
            self.held.clear();
            self.last = None;
            out.push(Input::Scan(text));
            return out;
        }
        if let Some(c) = scannable(&key) {
            self.held.push(key);
            self.text.push(c);
            self.last = Some(at);
            if self.text.len() > MAX_LEN {
                self.refused = Some(self.text.len());
                self.held = Vec::new();
                self.text = String::new();
            }
        } else {
            out.extend(self.flush());
            out.push(Input::Key(key));
        }
        out
    }

    /// A scan is long enough and looks like a card's QR code (fields split by `|`).
    fn is_scan(&self) -> bool {
        self.text.chars().count() >= MIN_LEN && self.text.contains('|')
    }

    /// When to call [`Detector::flush`] if no key arrives before.
    #[must_use]
    pub fn deadline(&self) -> Option<Instant> {
        self.last.map(|t| t + GAP)
    }

    /// Hands on the held keys as keys (the pause was too long for a scan); ends a
    /// refused burst with its [`Input::TooLong`].
    pub fn flush(&mut self) -> Vec<Input> {
        self.text.clear();
        self.last = None;
        let refused = self.refused.take().map(|len| Input::TooLong { len });
        refused
            .into_iter()
            .chain(self.held.drain(..).map(Input::Key))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn enter() -> KeyEvent {
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)
    }

    const QR: &str = "079192019782||Lê Thị Thu Hà|14051992|Nữ|Số 25|10082021";

    fn feed(d: &mut Detector, text: &str, start: Instant, step_ms: u64) -> (Vec<Input>, Instant) {
        let mut out = Vec::new();
        let mut t = start;
        for c in text.chars() {
            out.extend(d.push(key(c), t));
            t += Duration::from_millis(step_ms);
        }
        (out, t)
    }

    #[test]
    fn a_fast_burst_ending_in_enter_is_one_scan() {
        let mut d = Detector::default();
        let (out, t) = feed(&mut d, QR, Instant::now(), 2);
        assert!(out.is_empty(), "keys of a scan are held: {out:?}");
        let out = d.push(enter(), t);
        assert_eq!(out, vec![Input::Scan(QR.to_owned())]);
        assert!(d.deadline().is_none());
    }

    #[test]
    fn typing_is_handed_on_as_keys_in_order() {
        let mut d = Detector::default();
        let (mut out, t) = feed(&mut d, "q|abc", Instant::now(), 120);
        out.extend(d.push(enter(), t));
        out.extend(d.flush());
        let expected: Vec<Input> = "q|abc"
            .chars()
            .map(key)
            .chain([enter()])
            .map(Input::Key)
            .collect();
        assert_eq!(out, expected);
    }

    #[test]
    fn a_ten_megabyte_burst_is_refused_holding_at_most_max_len_keys() {
        // A scanner (or a paste typed as keys) sending 10 MB of a QR-looking text in
        // one burst: never more than MAX_LEN keys held, nothing handed on as keys, one
        // refusal with the whole length when the burst ends in Enter.
        let mut d = Detector::default();
        let t0 = Instant::now();
        let unit = "079192019782||Lê Thị Thu Hà|14051992|Nữ|Số 25|10082021|";
        let total = 10 * 1024 * 1024;
        let (mut sent, mut t, mut most_held) = (0, t0, 0);
        let mut out = Vec::new();
        while sent < total {
            for c in unit.chars() {
                out.extend(d.push(key(c), t));
                sent += c.len_utf8();
                most_held = most_held.max(d.held.len());
            }
            t += Duration::from_millis(1);
        }
        assert!(out.is_empty(), "keys of a refused burst were handed on");
        assert!(most_held <= MAX_LEN, "{most_held} keys held");
        assert_eq!(d.held.capacity(), 0);
        assert_eq!(d.push(enter(), t), vec![Input::TooLong { len: sent }]);
        // The next scan is read as usual.
        let (out, t) = feed(&mut d, QR, t + Duration::from_secs(1), 2);
        assert!(out.is_empty());
        assert_eq!(d.push(enter(), t), vec![Input::Scan(QR.to_owned())]);
    }

    #[test]
    fn a_refused_burst_ends_at_a_pause_or_a_key_that_is_not_text() {
        let t0 = Instant::now();
        let long = "1|".repeat(MAX_LEN);
        // Ended by a pause: the refusal comes with the flush, then the next key as usual.
        let mut d = Detector::default();
        let (out, t) = feed(&mut d, &long, t0, 1);
        assert!(out.is_empty());
        assert_eq!(d.flush(), vec![Input::TooLong { len: long.len() }]);
        let out = d.push(key('x'), t + Duration::from_secs(1));
        assert!(out.is_empty(), "held as the possible start of a scan");
        assert_eq!(d.flush(), vec![Input::Key(key('x'))]);
        // Ended by Ctrl+S inside the burst: the refusal, then the key.
        let mut d = Detector::default();
        let (_, t) = feed(&mut d, &long, t0, 1);
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(
            d.push(ctrl_s, t),
            vec![Input::TooLong { len: long.len() }, Input::Key(ctrl_s)]
        );
    }

    #[test]
    fn a_short_or_unlike_burst_stays_keys() {
        let t0 = Instant::now();
        // A pasted word (no `|`) followed by Enter, all in one burst.
        let mut d = Detector::default();
        let (mut out, t) = feed(&mut d, "Nguyễn Văn An, Phường Bến Thành", t0, 1);
        out.extend(d.push(enter(), t));
        assert_eq!(
            out.len(),
            "Nguyễn Văn An, Phường Bến Thành".chars().count() + 1
        );
        assert!(out.iter().all(|i| matches!(i, Input::Key(_))));
        // Ctrl+S inside a burst is a key, and cuts the burst.
        let mut d = Detector::default();
        let (mut out, t) = feed(&mut d, "0791920", t0, 1);
        out.extend(d.push(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL), t));
        assert_eq!(out.len(), 8);
        // A pause longer than GAP ends the burst: the held keys are flushed.
        let mut d = Detector::default();
        let head: String = QR.chars().take(30).collect();
        let (_, t) = feed(&mut d, &head, t0, 1);
        assert_eq!(d.deadline(), Some(t0 + Duration::from_millis(29) + GAP));
        let out = d.push(key('x'), t + Duration::from_millis(100));
        assert_eq!(out.len(), 30);
    }
}
