//! The sync side of `update`: the worker's reports (status bar, final codes, answers
//! to queued checks, reference tables to fetch again), the sync screen, and the demo's
//! backend switch.

use super::{Effect, Flash, Link, Outcome, Screen, State};
use crate::action::Action;
use crate::api::service::BackendCmd;
use crate::dossier::population::{CheckMark, CheckMarkState};
use crate::screens::sync::{self, SyncState};
use crate::store::service::{StoreCmd, StoreEvent};
use crate::sync::Stop;
use crate::sync::worker::{Reach, SyncCmd, SyncEvent};

impl State {
    fn sync_screen_mut(&mut self) -> Option<&mut SyncState> {
        self.screens.iter_mut().rev().find_map(|s| match s {
            Screen::Sync(s) => Some(s),
            _ => None,
        })
    }

    /// Opens the sync screen (once).
    pub(super) fn open_sync(&mut self) -> Vec<Effect> {
        if let Some(i) = self
            .screens
            .iter()
            .rposition(|s| matches!(s, Screen::Sync(_)))
        {
            let s = self.screens.remove(i);
            self.screens.push(s);
            return self.load_outbox();
        }
        let req = self.request_id();
        self.screens.push(Screen::Sync(SyncState::new(req)));
        vec![Effect::Store(StoreCmd::ListOutbox { req })]
    }

    fn load_outbox(&mut self) -> Vec<Effect> {
        let req = self.request_id();
        let Some(s) = self.sync_screen_mut() else {
            return Vec::new();
        };
        s.loading = Some(req);
        vec![Effect::Store(StoreCmd::ListOutbox { req })]
    }

    /// Tells the worker something was saved.
    pub(super) fn kick_sync() -> Effect {
        Effect::Sync(SyncCmd::Kick)
    }

    pub(super) fn sync_action(&mut self, action: Action) -> Outcome {
        let (height, lang) = (self.height, self.lang);
        let Some(s) = self.sync_screen_mut() else {
            return Outcome::unhandled();
        };
        match s.on_action(action, height) {
            sync::Ask::Nothing => Outcome::default(),
            sync::Ask::Unhandled => Outcome::unhandled(),
            sync::Ask::Close => {
                if let Some(i) = self
                    .screens
                    .iter()
                    .rposition(|s| matches!(s, Screen::Sync(_)))
                {
                    self.screens.remove(i);
                }
                Outcome::default()
            }
            sync::Ask::Load => Outcome {
                effects: self.load_outbox(),
                ..Outcome::default()
            },
            sync::Ask::NotParked => Outcome {
                flash: Some(Flash {
                    text: lang.t("flash.sync_not_parked").to_owned(),
                    error: true,
                }),
                ..Outcome::default()
            },
            sync::Ask::Requeue(id) => {
                let req = self.request_id();
                self.flow.requeue_req = Some(req);
                Outcome::effect(Effect::Store(StoreCmd::Requeue { req, id: Some(id) }))
            }
            sync::Ask::RequeueAll => {
                let req = self.request_id();
                self.flow.requeue_req = Some(req);
                Outcome::effect(Effect::Store(StoreCmd::Requeue { req, id: None }))
            }
            sync::Ask::SyncNow => Outcome {
                effects: vec![Effect::Sync(SyncCmd::Now)],
                flash: Some(Flash {
                    text: lang.t("flash.sync_started").to_owned(),
                    error: false,
                }),
                ..Outcome::default()
            },
            sync::Ask::DemoBackend => match self.demo_backend {
                Some(on) => Outcome::effect(Effect::DemoBackend { on: !on }),
                None => Outcome {
                    flash: Some(Flash {
                        text: lang.t("flash.demo_only").to_owned(),
                        error: true,
                    }),
                    ..Outcome::default()
                },
            },
        }
    }

    /// The store's answers for the sync screen.
    pub(super) fn on_store_sync(&mut self, event: StoreEvent) -> Vec<Effect> {
        match event {
            StoreEvent::Outbox { req, result } => {
                if let Some(s) = self.sync_screen_mut() {
                    s.on_rows(req, result);
                }
                Vec::new()
            }
            StoreEvent::Requeued { req, result } => {
                if self.flow.requeue_req != Some(req) {
                    return Vec::new();
                }
                self.flow.requeue_req = None;
                match result {
                    Ok(n) => {
                        self.flash_info(self.lang.f("flash.sync_requeued", &[("n", &n)]));
                        let mut effects = self.load_outbox();
                        if n > 0 {
                            effects.push(Effect::Sync(SyncCmd::Now));
                        }
                        effects
                    }
                    Err(e) => {
                        self.flash_error(self.lang.f(
                            "flash.sync_failed",
                            &[("error", &crate::text::sanitize(&e).0)],
                        ));
                        Vec::new()
                    }
                }
            }
            _ => Vec::new(),
        }
    }

    /// The demo backend was switched (`Ok(on)`), or could not be started again.
    pub(super) fn on_demo_backend(&mut self, result: Result<bool, String>) -> Vec<Effect> {
        match result {
            Ok(on) => {
                self.demo_backend = Some(on);
                let key = if on {
                    "flash.demo_backend_on"
                } else {
                    "flash.demo_backend_off"
                };
                self.flash_info(self.lang.t(key).to_owned());
                Vec::new()
            }
            Err(e) => {
                self.flash_error(self.lang.f(
                    "flash.demo_backend_failed",
                    &[("error", &crate::text::sanitize(&e).0)],
                ));
                Vec::new()
            }
        }
    }

    /// What the sync worker reported.
    pub(super) fn on_sync(&mut self, event: SyncEvent) -> Vec<Effect> {
        match event {
            SyncEvent::Status(status) => {
                match status.reach {
                    Reach::Online => self.link = Link::Online,
                    Reach::Offline => self.link = Link::Offline,
                    Reach::Unknown => {}
                }
                let changed = self
                    .sync
                    .as_ref()
                    .is_none_or(|s| s.summary != status.summary);
                self.sync = Some(status);
                if changed && !self.sync.as_ref().is_some_and(|s| s.running) {
                    return self.load_outbox();
                }
                Vec::new()
            }
            SyncEvent::Pass(report) => self.on_pass(&report),
            SyncEvent::Failed(e) => {
                self.flash_error(self.lang.f(
                    "flash.sync_failed",
                    &[("error", &crate::text::sanitize(&e).0)],
                ));
                Vec::new()
            }
        }
    }

    fn on_pass(&mut self, report: &crate::sync::Report) -> Vec<Effect> {
        let lang = self.lang;
        let mut effects = Vec::new();
        // Final codes on the form that is open, and in the list.
        let mut answered = None;
        if let Some(form) = self.intake_mut() {
            for (id, code) in &report.codes {
                if form.dossier.id == *id {
                    form.dossier.code = Some(code.clone());
                    form.dossier.code_provisional = false;
                }
            }
            for a in &report.changes.answers {
                if a.dossier_id.as_deref() != Some(form.dossier.id.as_str()) {
                    continue;
                }
                let Ok(role) =
                    serde_json::from_value::<crate::dossier::Role>(serde_json::json!(a.role))
                else {
                    continue;
                };
                let pending = form
                    .dossier
                    .population_checks
                    .get(&role)
                    .is_none_or(|m| m.state == CheckMarkState::Pending);
                if pending {
                    let state = if a.found {
                        CheckMarkState::Found
                    } else {
                        CheckMarkState::NotFound
                    };
                    form.mark_check(
                        role,
                        CheckMark {
                            state,
                            at: a.at.clone(),
                        },
                    );
                    answered = Some(state);
                }
            }
        }
        if let Some(state) = answered {
            let result = lang.t(state.key()).replace("{at}", "");
            self.flash_info(lang.f("flash.check_answered", &[("result", &result.trim())]));
        }
        if !report.codes.is_empty() || !report.changes.statuses.is_empty() {
            effects.extend(self.reload_list());
            if !report.codes.is_empty() {
                self.flash_info(lang.f("flash.sync_codes", &[("n", &report.codes.len())]));
            }
        }
        if report.parked > 0 {
            self.flash_error(lang.f("flash.sync_parked", &[("n", &report.parked)]));
        }
        if report.changes.catalogue || (!self.feed_done && report.stop == Stop::Done) {
            effects.extend(self.sync_catalogue());
        }
        if report.changes.holidays {
            effects.push(Effect::Backend(BackendCmd::Holidays));
        }
        if let Stop::NeedsSignIn { .. } = report.stop {
            if self.backend == super::BackendMode::Demo && self.auto_sign_in.is_none() {
                let req = self.request_id();
                self.auto_sign_in = Some(req);
                effects.push(Effect::AutoSignIn { req });
            } else {
                self.official = None;
                self.flash_error(lang.f("sync.stop.sign_in", &[("error", &"")]));
            }
        }
        effects.extend(self.load_outbox());
        effects
    }
}
