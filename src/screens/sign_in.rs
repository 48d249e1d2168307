//! The sign-in screen, shown when a real backend is configured: username and password,
//! Enter to sign in. The password is masked on screen, sent once, then forgotten.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use crate::action::Action;
use crate::api::client::{ClientError, ErrorClass};
use crate::api::service::BackendCmd;
use crate::app::{Effect, Outcome};
use crate::i18n::Lang;
use crate::keymap::{Group, Key};
use crate::text;
use crate::theme::Theme;
use crate::ui::input::TextInput;
use crate::ui::widgets;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Username,
    Password,
}

/// Why the last attempt failed, in words for the official.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInError {
    /// A field is empty.
    Missing,
    /// The server said no (its Vietnamese message).
    Refused(String),
    /// The server could not be reached.
    Offline(String),
    /// Something else went wrong (timeout, server error).
    Failed(String),
}

#[derive(Clone, PartialEq, Eq)]
pub struct SignInState {
    pub backend: String,
    pub username: TextInput,
    password: TextInput,
    pub focus: Field,
    /// The request in flight.
    pub pending: Option<u64>,
    pub error: Option<SignInError>,
}

impl std::fmt::Debug for SignInState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("SignInState")
            .field("backend", &self.backend)
            .field("username", &self.username.text())
            .field("focus", &self.focus)
            .field("pending", &self.pending)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl SignInState {
    pub fn new(backend: &str) -> Self {
        Self {
            backend: text::sanitize(backend).0,
            username: TextInput::default(),
            password: TextInput::default(),
            focus: Field::Username,
            pending: None,
            error: None,
        }
    }

    pub fn group(&self) -> Group {
        Group::SignIn
    }

    fn field_mut(&mut self) -> &mut TextInput {
        match self.focus {
            Field::Username => &mut self.username,
            Field::Password => &mut self.password,
        }
    }

    /// A key typed into the focused field.
    pub fn on_text_key(&mut self, key: Key) -> Outcome {
        if self.pending.is_none() {
            self.field_mut().handle(key);
        }
        Outcome::default()
    }

    pub fn on_paste(&mut self, text: &str) -> Outcome {
        if self.pending.is_none() {
            let line = text.lines().next().unwrap_or("");
            self.field_mut().insert_str(line);
        }
        Outcome::default()
    }

    /// `req` is the id to use if this action starts a request.
    pub fn on_action(&mut self, action: Action, req: u64) -> Outcome {
        match action {
            Action::NextField | Action::Down => {
                self.focus = Field::Password;
                Outcome::default()
            }
            Action::PrevField | Action::Up => {
                self.focus = Field::Username;
                Outcome::default()
            }
            Action::Confirm if self.pending.is_some() => Outcome::default(),
            Action::Confirm if self.focus == Field::Username && self.password.is_empty() => {
                self.focus = Field::Password;
                Outcome::default()
            }
            Action::Confirm => {
                let username = self.username.text().trim().to_owned();
                if username.is_empty() || self.password.is_empty() {
                    self.error = Some(SignInError::Missing);
                    self.focus = if username.is_empty() {
                        Field::Username
                    } else {
                        Field::Password
                    };
                    return Outcome::default();
                }
                let password = self.password.text().to_owned();
                self.password.clear();
                self.pending = Some(req);
                self.error = None;
                Outcome::effect(Effect::Backend(BackendCmd::SignIn {
                    req,
                    username,
                    password,
                }))
            }
            _ => Outcome::unhandled(),
        }
    }

    /// The answer to a sign-in; `true` when it was ours and it succeeded.
    pub fn on_signed_in(
        &mut self,
        req: u64,
        result: &Result<crate::api::Official, ClientError>,
    ) -> bool {
        if self.pending != Some(req) {
            return false;
        }
        self.pending = None;
        match result {
            Ok(_) => true,
            Err(e) => {
                let message = text::sanitize(&e.detail()).0;
                self.error = Some(match e.class() {
                    ErrorClass::Offline => SignInError::Offline(message),
                    ErrorClass::NeedsSignIn | ErrorClass::Permanent => {
                        SignInError::Refused(message)
                    }
                    ErrorClass::Retryable => SignInError::Failed(message),
                });
                self.focus = Field::Password;
                false
            }
        }
    }
}

pub fn render(state: &SignInState, frame: &mut Frame<'_>, area: Rect, lang: Lang, theme: &Theme) {
    let boxed = widgets::centered(area, 64, 11);
    let inner = widgets::boxed(frame, boxed, theme, lang.t("signin.title"));
    if inner.height < 9 || inner.width < 30 {
        return;
    }
    let label_w = 16u16;
    let field_w = inner.width.saturating_sub(label_w + 2);
    let row = |i: u16| Rect {
        y: inner.y + i,
        height: 1,
        ..inner
    };
    let server = format!("{} {}", lang.t("signin.server"), state.backend);
    frame.render_widget(
        Line::from(Span::styled(
            text::truncate(&server, usize::from(inner.width)).into_owned(),
            theme.dim,
        )),
        row(0),
    );
    let fields = [
        (
            Field::Username,
            lang.t("signin.username"),
            state.username.text().to_owned(),
            2u16,
        ),
        (
            Field::Password,
            lang.t("signin.password"),
            "•".repeat(state.password.text().chars().count()),
            4u16,
        ),
    ];
    for (field, label, shown, y) in fields {
        let focused = state.focus == field;
        let label = format!(" {label:<width$}", width = usize::from(label_w) - 1);
        let shown = text::truncate(&shown, usize::from(field_w)).into_owned();
        let pad = usize::from(field_w).saturating_sub(text::width(&shown));
        frame.render_widget(
            Line::from(vec![
                Span::styled(label, if focused { theme.key } else { theme.dim }),
                Span::styled(
                    format!("{shown}{}", "_".repeat(pad)),
                    if focused { theme.selected } else { theme.dim },
                ),
            ]),
            row(y),
        );
        if focused && state.pending.is_none() {
            let col = match field {
                Field::Username => state.username.cursor_column(),
                Field::Password => state.password.cursor(),
            } as u16;
            frame.set_cursor_position(Position {
                x: inner.x + label_w + col.min(field_w.saturating_sub(1)),
                y: inner.y + y,
            });
        }
    }
    let (message, style) = match (&state.pending, &state.error) {
        (Some(_), _) => (lang.t("signin.pending").to_owned(), theme.info),
        (None, Some(SignInError::Missing)) => (lang.t("signin.missing").to_owned(), theme.error),
        (None, Some(SignInError::Refused(m))) => (m.clone(), theme.error),
        (None, Some(SignInError::Offline(m))) => {
            (lang.f("signin.offline", &[("error", m)]), theme.error)
        }
        (None, Some(SignInError::Failed(m))) => {
            (lang.f("signin.failed", &[("error", m)]), theme.error)
        }
        (None, None) => (lang.t("signin.hint").to_owned(), theme.dim),
    };
    let width = usize::from(inner.width.saturating_sub(2));
    for (i, line) in wrap(&message, width).into_iter().take(3).enumerate() {
        frame.render_widget(
            Line::from(Span::styled(format!(" {line}"), style)),
            row(6 + i as u16),
        );
    }
}

/// Greedy word wrap by display width.
fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        if !cur.is_empty() && text::width(&cur) + 1 + text::width(word) > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyCode;

    fn typed(s: &mut SignInState, text: &str) {
        for c in text.chars() {
            s.on_text_key(Key {
                code: KeyCode::Char(c),
                ctrl: false,
                alt: false,
            });
        }
    }

    #[test]
    fn enter_moves_to_the_password_then_signs_in_and_forgets_it() {
        let mut s = SignInState::new("http://127.0.0.1:8787");
        typed(&mut s, "canbo1");
        assert!(s.on_action(Action::Confirm, 1).effects.is_empty());
        assert_eq!(s.focus, Field::Password);
        typed(&mut s, "mật khẩu");
        let out = s.on_action(Action::Confirm, 2);
        let [
            Effect::Backend(BackendCmd::SignIn {
                req,
                username,
                password,
            }),
        ] = out.effects.as_slice()
        else {
            panic!("expected a sign-in, got {:?}", out.effects);
        };
        assert_eq!(
            (*req, username.as_str(), password.as_str()),
            (2, "canbo1", "mật khẩu")
        );
        assert!(s.password.is_empty(), "the password is not kept");
        assert!(!format!("{s:?}").contains("mật khẩu"));
        assert!(
            !format!("{:?}", out.effects).contains("mật khẩu"),
            "not in logs either"
        );
    }

    #[test]
    fn empty_fields_are_caught_and_stale_answers_ignored() {
        let mut s = SignInState::new("x");
        s.focus = Field::Password;
        assert!(s.on_action(Action::Confirm, 1).effects.is_empty());
        assert_eq!(s.error, Some(SignInError::Missing));
        assert_eq!(s.focus, Field::Username);
        assert!(!s.on_signed_in(7, &Err(ClientError::Offline("x".into()))));
        assert_eq!(s.error, Some(SignInError::Missing));
    }
}
