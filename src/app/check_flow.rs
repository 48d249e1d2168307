//! The population-check side of `update`: opening the check from the intake form,
//! sending lookups and quick checks, writing each answer to the audit log *before* it is
//! shown, taking database values into the form, queueing a lookup made offline, and the
//! audit screen. Pure like the rest of `update`: it returns effects.

use std::collections::BTreeMap;

use super::{Effect, Flash, Link, Outcome, Screen, State};
use crate::action::Action;
use crate::api::ErrorCode;
use crate::api::client::{ClientError, ErrorClass};
use crate::api::service::{BackendCmd, CheckAnswer, CheckCall};
use crate::dossier::Role;
use crate::dossier::population::{CheckMark, CheckMarkState};
use crate::keymap::Key;
use crate::screens::audit::{self, AuditState};
use crate::screens::check::{self, CheckState, Phase};
use crate::screens::intake::{self, Mode};
use crate::store::audit::{CheckKind, LookupAudit};
use crate::store::service::{CheckReply, StoreCmd, StoreEvent};

/// A call in flight: what its audit record will say, and whose block it is for.
#[derive(Debug, Clone)]
pub(super) struct InFlight {
    audit: LookupAudit,
    role: Role,
    call: CheckCall,
}

/// Population calls in flight, by request id. A call whose screen was closed or
/// superseded still gets its audit record; only its display is dropped.
pub(super) type Calls = BTreeMap<u64, InFlight>;

impl State {
    fn check_mut(&mut self) -> Option<&mut CheckState> {
        match self.screens.last_mut() {
            Some(Screen::Check(c)) => Some(c.as_mut()),
            _ => None,
        }
    }

    fn audit_mut(&mut self) -> Option<&mut AuditState> {
        self.screens.iter_mut().rev().find_map(|s| match s {
            Screen::Audit(a) => Some(a),
            _ => None,
        })
    }

    /// The intake form asked for a check of a person block.
    pub(super) fn open_check(&mut self, role: Role) -> Outcome {
        let Some(form) = self.intake_mut() else {
            return Outcome::unhandled();
        };
        let d = &form.dossier;
        let today = d.received_at.date();
        let state = CheckState::new(role, d.person(role), d, today);
        self.screens.push(Screen::Check(Box::new(state)));
        Outcome::default()
    }

    pub(super) fn check_text(&mut self, key: Key) -> Vec<Effect> {
        if let Some(c) = self.check_mut() {
            c.on_text_key(key);
        }
        Vec::new()
    }

    pub(super) fn check_paste(&mut self, text: &str) -> Vec<Effect> {
        if let Some(c) = self.check_mut() {
            c.on_paste(text);
        }
        Vec::new()
    }

    pub(super) fn check_action(&mut self, action: Action) -> Outcome {
        let lang = self.lang;
        let Some(c) = self.check_mut() else {
            return Outcome::unhandled();
        };
        match c.on_action(action) {
            check::Ask::Nothing => Outcome::default(),
            check::Ask::Unhandled => Outcome::unhandled(),
            check::Ask::Close => {
                self.screens.pop();
                Outcome::default()
            }
            check::Ask::Send(kind) => self.send_check(kind),
            check::Ask::Apply(fields) => {
                let Some(Screen::Check(c)) = self.screens.pop() else {
                    return Outcome::default();
                };
                let Phase::Diff(view) = &c.phase else {
                    return Outcome::default();
                };
                let role = c.role;
                let Some(form) = self.intake_mut() else {
                    return Outcome::default();
                };
                let n = form.take_from_db(role, &view.rows, &fields);
                let mut out = Outcome {
                    flash: Some(Flash {
                        text: lang.f("flash.taken", &[("n", &n)]),
                        error: false,
                    }),
                    ..Outcome::default()
                };
                if n > 0 {
                    out.effects = self.draft_changed();
                }
                out
            }
        }
    }

    fn send_check(&mut self, kind: CheckKind) -> Outcome {
        let req = self.request_id();
        let official = self.official_name();
        let Some(c) = self.check_mut() else {
            return Outcome::default();
        };
        let call = c.call(kind);
        let audit = LookupAudit {
            kind,
            official,
            citizen: c.number(),
            procedure_code: c.procedure_code.clone(),
            dossier_id: Some(c.dossier_id.clone()),
            dossier_code: c.dossier_code.clone(),
            fields: Vec::new(),
            outcome: String::new(),
            lookup_id: None,
        };
        let role = c.role;
        c.sent(req, kind);
        let offline = self.official.is_none() && self.link == Link::Offline;
        self.checks.insert(
            req,
            InFlight {
                audit,
                role,
                call: call.clone(),
            },
        );
        if offline {
            // Working offline without a sign-in: nothing can be sent; a lookup is queued
            // at once, a quick check says so (and both are logged).
            let cause = self.lang.t("check.not_signed_in").to_owned();
            return Outcome {
                effects: self.on_checked(req, Err(ClientError::Offline(cause))),
                ..Outcome::default()
            };
        }
        Outcome::effect(Effect::Backend(BackendCmd::Check { req, call }))
    }

    /// The backend answered a population call: log it first, show it after.
    pub(super) fn on_checked(
        &mut self,
        req: u64,
        result: Result<CheckAnswer, ClientError>,
    ) -> Vec<Effect> {
        let Some(flight) = self.checks.get_mut(&req) else {
            return Vec::new();
        };
        let audit = &mut flight.audit;
        if let (Err(e), CheckCall::Lookup(request)) = (&result, &flight.call)
            && e.class() == ErrorClass::Offline
        {
            self.link = Link::Offline;
            audit.outcome = "queued".into();
            let cmd = StoreCmd::QueueCheck {
                req,
                audit: Box::new(audit.clone()),
                role: role_name(flight.role).to_owned(),
                request: Box::new(request.clone()),
            };
            return vec![Effect::Store(cmd)];
        }
        audit.answered(&result);
        if result.is_ok() {
            self.link = Link::Online;
        }
        vec![Effect::Store(StoreCmd::RecordCheck {
            req,
            audit: Box::new(audit.clone()),
            answer: Box::new(result),
        })]
    }

    /// Store answers about checks and the audit log.
    pub(super) fn on_store_check(&mut self, event: StoreEvent) -> Vec<Effect> {
        let lang = self.lang;
        match event {
            StoreEvent::CheckRecorded {
                req,
                answer,
                result,
            } => {
                let Some(flight) = self.checks.remove(&req) else {
                    return Vec::new();
                };
                let entry = match result {
                    Ok(e) => e,
                    Err(e) => {
                        // Not logged, so not shown.
                        if let Some(c) = self.waiting_check(req) {
                            c.phase = Phase::Failed(lang.f(
                                "check.audit_failed",
                                &[("error", &crate::text::sanitize(&e).0)],
                            ));
                        }
                        return Vec::new();
                    }
                };
                let mark = match &*answer {
                    Ok(CheckAnswer::Lookup(r)) => Some(if r.citizen.is_some() {
                        CheckMarkState::Found
                    } else {
                        CheckMarkState::NotFound
                    }),
                    _ => None,
                };
                let shown = match self.waiting_check(req) {
                    Some(c) => {
                        show(c, &answer, lang);
                        true
                    }
                    None => false,
                };
                if shown && let Some(state) = mark {
                    return self.mark_dossier(flight.role, state, entry.at.clone());
                }
                Vec::new()
            }
            StoreEvent::CheckQueued { req, result } => {
                let Some(flight) = self.checks.remove(&req) else {
                    return Vec::new();
                };
                match result {
                    Ok(entry) => {
                        if let Some(c) = self.waiting_check(req) {
                            c.phase = Phase::Queued;
                        }
                        let mut effects = self.mark_dossier(
                            flight.role,
                            CheckMarkState::Pending,
                            entry.at.clone(),
                        );
                        // Sent, and answered, as soon as the backend is reachable.
                        effects.push(Self::kick_sync());
                        effects
                    }
                    Err(e) => {
                        if let Some(c) = self.waiting_check(req) {
                            c.phase = Phase::Failed(lang.f(
                                "check.queue_failed",
                                &[("error", &crate::text::sanitize(&e).0)],
                            ));
                        }
                        Vec::new()
                    }
                }
            }
            StoreEvent::Audit { req, result } => {
                if let Some(a) = self.audit_mut() {
                    a.on_rows(req, result);
                }
                Vec::new()
            }
            StoreEvent::LastPurge { req, result } => {
                if let Some(a) = self.audit_mut() {
                    a.on_purge(req, result);
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The check screen waiting for `req` (none when it was closed or superseded).
    fn waiting_check(&mut self, req: u64) -> Option<&mut CheckState> {
        self.screens.iter_mut().rev().find_map(|s| match s {
            Screen::Check(c) if c.waiting().is_some_and(|(r, _)| r == req) => Some(c.as_mut()),
            _ => None,
        })
    }

    fn mark_dossier(&mut self, role: Role, state: CheckMarkState, at: String) -> Vec<Effect> {
        match self.intake_mut() {
            Some(form) if form.mode == Mode::Edit && form.finalizing.is_none() => {
                form.mark_check(role, CheckMark { state, at });
                self.draft_changed()
            }
            _ => Vec::new(),
        }
    }

    /// Opens the audit screen.
    pub(super) fn open_audit(&mut self) -> Vec<Effect> {
        let req = self.request_id();
        let purge = self.request_id();
        let mut screen = AuditState::new(req);
        screen.purge_req = Some(purge);
        self.screens.push(Screen::Audit(screen));
        vec![
            Effect::Store(StoreCmd::ListAudit { req, citizen: None }),
            Effect::Store(StoreCmd::LastPurge { req: purge }),
        ]
    }

    fn load_audit(&mut self) -> Vec<Effect> {
        let req = self.request_id();
        let Some(a) = self.audit_mut() else {
            return Vec::new();
        };
        a.loading = Some(req);
        let citizen = a.citizen();
        vec![Effect::Store(StoreCmd::ListAudit { req, citizen })]
    }

    fn on_audit_ask(&mut self, ask: &audit::Ask) -> Outcome {
        match ask {
            audit::Ask::Nothing => Outcome::default(),
            audit::Ask::Unhandled => Outcome::unhandled(),
            audit::Ask::Close => {
                if let Some(i) = self
                    .screens
                    .iter()
                    .rposition(|s| matches!(s, Screen::Audit(_)))
                {
                    self.screens.remove(i);
                }
                Outcome::default()
            }
            audit::Ask::Load => Outcome {
                effects: self.load_audit(),
                ..Outcome::default()
            },
        }
    }

    pub(super) fn audit_action(&mut self, action: Action) -> Outcome {
        let height = self.height;
        let Some(a) = self.audit_mut() else {
            return Outcome::unhandled();
        };
        let ask = a.on_action(action, height);
        self.on_audit_ask(&ask)
    }

    pub(super) fn audit_text(&mut self, key: Key) -> Vec<Effect> {
        let Some(a) = self.audit_mut() else {
            return Vec::new();
        };
        let ask = a.on_text_key(key);
        self.on_audit_ask(&ask).effects
    }

    pub(super) fn audit_paste(&mut self, text: &str) -> Vec<Effect> {
        let Some(a) = self.audit_mut() else {
            return Vec::new();
        };
        let ask = a.on_paste(text);
        self.on_audit_ask(&ask).effects
    }

    /// The intake screen's answer to check-related actions.
    pub(super) fn intake_check_ask(&mut self, ask: &intake::Ask) -> Outcome {
        let lang = self.lang;
        match ask {
            intake::Ask::Check(role) => self.open_check(*role),
            intake::Ask::Undone => Outcome {
                effects: self.draft_changed(),
                flash: Some(Flash {
                    text: lang.t("flash.take_undone").to_owned(),
                    error: false,
                }),
                ..Outcome::default()
            },
            _ => Outcome {
                flash: Some(Flash {
                    text: lang.t("flash.nothing_to_undo").to_owned(),
                    error: true,
                }),
                ..Outcome::default()
            },
        }
    }
}

const fn role_name(role: Role) -> &'static str {
    match role {
        Role::Submitter => "submitter",
        Role::Owner => "owner",
    }
}

/// Shows a logged answer on the check screen.
fn show(c: &mut CheckState, answer: &CheckReply, lang: crate::i18n::Lang) {
    match answer {
        Ok(a) => c.show_answer(a),
        Err(e) => c.phase = Phase::Failed(failure_text(e, lang)),
    }
}

/// What to tell the official about a failed call.
#[must_use]
pub fn failure_text(e: &ClientError, lang: crate::i18n::Lang) -> String {
    let detail = crate::text::sanitize(&e.detail()).0;
    match (e.class(), e.code()) {
        (ErrorClass::Offline, _) => lang.f("check.offline", &[("error", &detail)]),
        (ErrorClass::NeedsSignIn, _) => lang.t("check.sign_in_expired").to_owned(),
        (_, Some(ErrorCode::ProcedureNotLicensed)) => lang.t("check.not_licensed").to_owned(),
        (_, Some(ErrorCode::RateLimited)) => {
            let secs = e.retry_after().map_or(30, |d| d.as_secs().max(1));
            lang.f("check.rate_limited", &[("secs", &secs)])
        }
        (_, Some(ErrorCode::UpstreamUnavailable)) => {
            lang.f("check.unavailable", &[("error", &detail)])
        }
        (_, Some(ErrorCode::ValidationFailed)) => {
            let fields = e
                .api_error()
                .map(|a| {
                    a.fields
                        .iter()
                        .map(|f| crate::text::sanitize(&f.message).0)
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            lang.f(
                "check.invalid",
                &[("error", &if fields.is_empty() { detail } else { fields })],
            )
        }
        _ => lang.f("check.failed", &[("error", &detail)]),
    }
}
