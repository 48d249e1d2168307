//! Telling a keyboard-wedge scanner from a person typing. A QR scanner that acts as a
//! keyboard "types" the whole code in a burst (a few milliseconds between keys) and
//! ends it with Enter. Such a burst is taken as one scan and never reaches the screens
//! as keys, so the digits and letters of a code cannot trigger shortcuts. Anything else
//! is handed on as the keys it was, in order, at most [`GAP`] late.
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

/// What the detector hands on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Key(KeyEvent),
    /// A whole scan, without its final Enter.
    Scan(String),
}

/// Holds keys that may be the start of a scan.
#[derive(Debug, Default)]
pub struct Detector {
    held: Vec<KeyEvent>,
    text: String,
    last: Option<Instant>,
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

    /// Hands on the held keys as keys (the pause was too long for a scan).
    pub fn flush(&mut self) -> Vec<Input> {
        self.text.clear();
        self.last = None;
        self.held.drain(..).map(Input::Key).collect()
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
