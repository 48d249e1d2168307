//! The lock screen: after `[security] idle_lock_min` without a key, everything is
//! hidden behind it until the signed-in official types their password again. The
//! password is checked against the keyring on this machine (it works offline). What was
//! on the screens underneath stays as it was.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use crate::action::Action;
use crate::api::service::BackendCmd;
use crate::app::Effect;
use crate::i18n::Lang;
use crate::keymap::Key;
use crate::text;
use crate::theme::Theme;
use crate::ui::input::TextInput;
use crate::ui::widgets;

/// Wrong passwords after which the app saves and quits (the next start signs in anew).
pub const MAX_TRIES: u32 = 5;

#[derive(Clone, PartialEq, Eq)]
pub struct LockState {
    pub username: String,
    pub full_name: String,
    password: TextInput,
    /// The check in flight.
    pub pending: Option<u64>,
    /// Why the last try failed.
    pub error: Option<String>,
    pub failures: u32,
    /// The demo's password is shown (it protects nothing but demo data).
    pub demo_hint: Option<&'static str>,
}

impl std::fmt::Debug for LockState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("LockState")
            .field("username", &self.username)
            .field("pending", &self.pending)
            .field("error", &self.error)
            .field("failures", &self.failures)
            .finish_non_exhaustive()
    }
}

/// What the app must do after a lock-screen action.
#[derive(Debug, PartialEq, Eq)]
pub enum LockAsk {
    Nothing,
    Check(Effect),
    /// Too many wrong passwords: save and quit.
    Quit,
}

impl LockState {
    pub fn new(official: &crate::api::Official, demo_hint: Option<&'static str>) -> Self {
        Self {
            username: official.username.clone(),
            full_name: text::sanitize(&official.full_name).0,
            password: TextInput::default(),
            pending: None,
            error: None,
            failures: 0,
            demo_hint,
        }
    }

    pub fn on_text_key(&mut self, key: Key) {
        if self.pending.is_none() {
            self.password.handle(key);
        }
    }

    pub fn on_paste(&mut self, pasted: &str) {
        if self.pending.is_none() {
            self.password
                .insert_str(pasted.lines().next().unwrap_or_default());
        }
    }

    /// `req` is the id to use if this action starts a check.
    pub fn on_action(&mut self, action: Action, req: u64) -> LockAsk {
        if action != Action::Confirm || self.pending.is_some() || self.password.is_empty() {
            return LockAsk::Nothing;
        }
        let password = self.password.text().to_owned();
        self.password.clear();
        self.pending = Some(req);
        self.error = None;
        LockAsk::Check(Effect::Backend(BackendCmd::CheckPassword {
            req,
            username: self.username.clone(),
            password,
        }))
    }

    /// The keyring's answer; `true` when the screen may unlock.
    pub fn on_checked(&mut self, req: u64, result: &Result<(), String>, lang: Lang) -> LockAsk {
        if self.pending != Some(req) {
            return LockAsk::Nothing;
        }
        self.pending = None;
        match result {
            Ok(()) => LockAsk::Check(Effect::ClearScreen),
            Err(e) => {
                self.failures += 1;
                if self.failures >= MAX_TRIES {
                    return LockAsk::Quit;
                }
                self.error = Some(lang.f(
                    "lock.failed",
                    &[
                        ("error", &text::sanitize(e).0),
                        ("left", &(MAX_TRIES - self.failures)),
                    ],
                ));
                LockAsk::Nothing
            }
        }
    }
}

pub fn render(state: &LockState, frame: &mut Frame<'_>, area: Rect, lang: Lang, theme: &Theme) {
    let boxed = widgets::centered(area, 64, 11);
    let inner = widgets::boxed(frame, boxed, theme, lang.t("lock.title"));
    if inner.height < 9 || inner.width < 30 {
        return;
    }
    let row = |i: u16| Rect {
        y: inner.y + i,
        height: 1,
        ..inner
    };
    let width = usize::from(inner.width.saturating_sub(2));
    let who = lang.f(
        "lock.who",
        &[("name", &state.full_name), ("user", &state.username)],
    );
    frame.render_widget(
        Line::from(Span::styled(
            format!(" {}", text::truncate(&who, width)),
            theme.dim,
        )),
        row(0),
    );
    let label = format!(" {} ", lang.t("signin.password"));
    let label_w = text::width(&label);
    let field_w = usize::from(inner.width).saturating_sub(label_w + 1);
    let shown =
        text::truncate(&"•".repeat(state.password.text().chars().count()), field_w).into_owned();
    let pad = field_w.saturating_sub(text::width(&shown));
    frame.render_widget(
        Line::from(vec![
            Span::styled(label, theme.key),
            Span::styled(format!("{shown}{}", "_".repeat(pad)), theme.selected),
        ]),
        row(2),
    );
    if state.pending.is_none() {
        let col =
            u16::try_from(state.password.cursor().min(field_w.saturating_sub(1))).unwrap_or(0);
        frame.set_cursor_position(Position {
            x: inner.x + u16::try_from(label_w).unwrap_or(0) + col,
            y: inner.y + 2,
        });
    }
    let (message, style) = match (&state.pending, &state.error) {
        (Some(_), _) => (lang.t("lock.checking").to_owned(), theme.info),
        (None, Some(e)) => (e.clone(), theme.error),
        (None, None) => (lang.t("lock.hint").to_owned(), theme.dim),
    };
    for (y, line) in (4..).zip(text::wrap(&message, width, 3)) {
        frame.render_widget(Line::from(Span::styled(format!(" {line}"), style)), row(y));
    }
    if let Some(pw) = state.demo_hint {
        let hint = lang.f("lock.demo", &[("password", &pw)]);
        frame.render_widget(
            Line::from(Span::styled(
                format!(" {}", text::truncate(&hint, width)),
                theme.dim,
            )),
            row(8),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyCode;

    fn official() -> crate::api::Official {
        crate::api::Official {
            username: "canbo1".into(),
            full_name: "Nguyễn Văn An".into(),
            unit_code: "000.00.92.H55".into(),
        }
    }

    #[test]
    fn enter_checks_the_typed_password_once_and_forgets_it() {
        let mut s = LockState::new(&official(), None);
        assert_eq!(s.on_action(Action::Confirm, 1), LockAsk::Nothing, "empty");
        for c in "bí mật".chars() {
            s.on_text_key(Key {
                code: KeyCode::Char(c),
                ctrl: false,
                alt: false,
            });
        }
        let LockAsk::Check(Effect::Backend(BackendCmd::CheckPassword {
            req: 2,
            username,
            password,
        })) = s.on_action(Action::Confirm, 2)
        else {
            panic!("expected a check")
        };
        assert_eq!((username.as_str(), password.as_str()), ("canbo1", "bí mật"));
        assert!(!format!("{s:?}").contains("bí mật"));
        assert_eq!(
            s.on_action(Action::Confirm, 3),
            LockAsk::Nothing,
            "in flight"
        );
        assert_eq!(
            s.on_checked(9, &Ok(()), Lang::Vi),
            LockAsk::Nothing,
            "stale"
        );
        assert_eq!(
            s.on_checked(2, &Ok(()), Lang::Vi),
            LockAsk::Check(Effect::ClearScreen)
        );
    }

    #[test]
    fn five_wrong_passwords_quit() {
        let mut s = LockState::new(&official(), None);
        for i in 1..=MAX_TRIES {
            s.on_paste("sai\n");
            assert!(matches!(
                s.on_action(Action::Confirm, u64::from(i)),
                LockAsk::Check(_)
            ));
            let ask = s.on_checked(u64::from(i), &Err("sai mật khẩu".into()), Lang::Vi);
            if i < MAX_TRIES {
                assert_eq!(ask, LockAsk::Nothing);
                assert!(
                    s.error
                        .as_deref()
                        .is_some_and(|e| e.contains("sai mật khẩu"))
                );
            } else {
                assert_eq!(ask, LockAsk::Quit);
            }
        }
    }
}
