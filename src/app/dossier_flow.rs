//! The dossier side of `update`: opening the intake form, saving drafts as the official
//! types, finalizing, the dossier list, the receipt, and the codes and holidays that come
//! from the backend. Pure like the rest of `update`: it returns effects.

use super::{Effect, Flash, Link, Outcome, Screen, State};
use crate::action::Action;
use crate::api::service::{BackendCmd, BackendEvent};
use crate::calendar::office::Table;
use crate::dossier::Dossier;
use crate::dossier::receipt;
use crate::screens::dossiers::{self, Days, DossiersState};
use crate::screens::intake::{self, IntakeState, Mode};
use crate::store::service::{StoreCmd, StoreEvent};
use crate::ui::layers::{Layer, ReceiptState};

/// Codes reserved at a time.
pub const CODE_BLOCK: u32 = 20;
/// Reserve more when fewer are left.
pub const CODES_LOW: usize = 3;
/// The longest a typed change waits before its draft is saved, in milliseconds.
pub const DRAFT_SAVE_MS: u64 = 1000;

/// What the dossier side is waiting for.
#[derive(Debug, Clone, Default)]
pub(super) struct Flow {
    /// A draft save is scheduled.
    pub draft_timer: bool,
    /// The new dossier being created.
    pub pending_new: Option<u64>,
    /// The dossier being opened from the list.
    pub open_req: Option<u64>,
    /// The start-up recovery read.
    pub recover_req: Option<u64>,
    /// A code reservation is in flight.
    pub reserving: bool,
    /// Parked items being put back in the queue.
    pub requeue_req: Option<u64>,
}

impl State {
    pub(super) fn flash_info(&mut self, text: String) {
        self.flash = Some(Flash { text, error: false });
    }

    pub(super) fn flash_error(&mut self, text: String) {
        self.flash = Some(Flash { text, error: true });
    }

    /// The intake form on the stack, if any (there is at most one).
    pub(super) fn intake_mut(&mut self) -> Option<&mut IntakeState> {
        self.screens.iter_mut().rev().find_map(|s| match s {
            Screen::Intake(i) => Some(i.as_mut()),
            _ => None,
        })
    }

    fn dossiers_mut(&mut self) -> Option<&mut DossiersState> {
        self.screens.iter_mut().rev().find_map(|s| match s {
            Screen::Dossiers(d) => Some(d),
            _ => None,
        })
    }

    pub(super) fn official_name(&self) -> String {
        self.official
            .as_ref()
            .map_or_else(|| "offline".to_owned(), |o| o.username.clone())
    }

    fn unit(&self) -> Option<String> {
        self.official.as_ref().map(|o| o.unit_code.clone())
    }

    /// Puts an intake form on top (below the sign-in screen if that is showing).
    fn push_intake(&mut self, d: Dossier, mode: Mode) {
        let mut form = Box::new(IntakeState::new(d, mode, &self.calendar));
        if mode == Mode::Edit {
            form.resume();
        }
        let at = match self.screens.last() {
            Some(Screen::SignIn(_)) => self.screens.len() - 1,
            _ => self.screens.len(),
        };
        self.screens.insert(at, Screen::Intake(form));
    }

    /// Starts a new dossier for a procedure.
    pub(super) fn new_dossier(&mut self, procedure_code: String) -> Vec<Effect> {
        let req = self.request_id();
        self.flow.pending_new = Some(req);
        vec![Effect::Store(StoreCmd::NewDossier {
            req,
            procedure_code,
        })]
    }

    /// After an edit: make sure a draft save follows within a second.
    fn arm_draft_timer(&mut self) -> Vec<Effect> {
        if self.flow.draft_timer {
            return Vec::new();
        }
        self.flow.draft_timer = true;
        vec![Effect::DraftTimer {
            after_ms: DRAFT_SAVE_MS,
        }]
    }

    /// The form changed outside typing (a check, values taken): arm the draft save.
    pub(super) fn draft_changed(&mut self) -> Vec<Effect> {
        self.arm_draft_timer()
    }

    /// The draft save due now, if the form has unsaved typing.
    pub(super) fn flush_draft(&mut self, open: bool) -> Option<Effect> {
        let form = self.intake_mut()?;
        if form.mode != Mode::Edit || form.finalizing.is_some() || !form.is_dirty() {
            return None;
        }
        form.mark_saving();
        Some(Effect::Store(StoreCmd::SaveDraft {
            dossier: Box::new(form.dossier.clone()),
            open,
        }))
    }

    pub(super) fn on_draft_timer(&mut self) -> Vec<Effect> {
        self.flow.draft_timer = false;
        self.flush_draft(true).into_iter().collect()
    }

    /// What `Quit` must do first: save the typing (it reopens at the next start).
    pub(super) fn before_quit(&mut self) -> Vec<Effect> {
        let mut effects: Vec<Effect> = self.flush_draft(true).into_iter().collect();
        effects.push(Effect::Quit);
        effects
    }

    /// A key typed into the intake form.
    pub(super) fn intake_text(&mut self, key: crate::keymap::Key) -> Vec<Effect> {
        let cal = self.calendar.clone();
        let Some(form) = self.intake_mut() else {
            return Vec::new();
        };
        if form.finalizing.is_some() {
            return Vec::new();
        }
        match form.on_text_key(key, &cal) {
            intake::Ask::Changed => self.arm_draft_timer(),
            _ => Vec::new(),
        }
    }

    pub(super) fn intake_paste(&mut self, text: &str) -> Vec<Effect> {
        let Some(form) = self.intake_mut() else {
            return Vec::new();
        };
        if form.finalizing.is_some() {
            return Vec::new();
        }
        match form.on_paste(text) {
            intake::Ask::Changed => self.arm_draft_timer(),
            _ => Vec::new(),
        }
    }

    /// An action on the intake form.
    pub(super) fn intake_action(&mut self, action: Action) -> Outcome {
        let cal = self.calendar.clone();
        let lang = self.lang;
        let Some(form) = self.intake_mut() else {
            return Outcome::unhandled();
        };
        if action == Action::DiscardDraft {
            if form.mode != Mode::Edit {
                return Outcome::unhandled();
            }
            let id = form.dossier.id.clone();
            self.close_intake();
            self.flash_info(lang.t("flash.draft_discarded").to_owned());
            let mut out = Outcome::effect(Effect::Store(StoreCmd::DiscardDraft { id }));
            out.effects.extend(self.reload_list());
            return out;
        }
        match form.on_action(action, &cal) {
            intake::Ask::Nothing => Outcome::default(),
            intake::Ask::Unhandled => Outcome::unhandled(),
            ask @ (intake::Ask::Check(_) | intake::Ask::Undone | intake::Ask::NothingToUndo) => {
                self.intake_check_ask(&ask)
            }
            intake::Ask::Household => self.open_household(),
            intake::Ask::ReadCard(role) => self.open_card(role),
            intake::Ask::Changed => Outcome {
                effects: self.arm_draft_timer(),
                ..Outcome::default()
            },
            intake::Ask::Refused(n) => Outcome {
                flash: Some(Flash {
                    text: lang.f("flash.has_problems", &[("n", &n)]),
                    error: true,
                }),
                ..Outcome::default()
            },
            intake::Ask::Finalize { and_new } => {
                let req = self.request_id();
                let (unit, official) = (self.unit(), self.official_name());
                let Some(form) = self.intake_mut() else {
                    return Outcome::default();
                };
                form.finalizing = Some((req, and_new));
                form.mark_saving();
                Outcome::effect(Effect::Store(StoreCmd::Finalize {
                    req,
                    dossier: Box::new(form.dossier.clone()),
                    unit,
                    official,
                }))
            }
            intake::Ask::Edit => {
                let mut d = form.dossier.clone();
                d.revision += 1;
                self.close_intake();
                self.push_intake(d.clone(), Mode::Edit);
                Outcome::effect(Effect::Store(StoreCmd::SaveDraft {
                    dossier: Box::new(d),
                    open: true,
                }))
            }
            intake::Ask::Receipt => {
                let d = form.dossier.clone();
                let r = receipt::receipt(&d, &self.unit_label(), &self.official_name());
                Outcome::push(Layer::Receipt(ReceiptState::new(r)))
            }
            intake::Ask::Close => {
                let mode = form.mode;
                let blank = form.is_blank() && form.dossier.revision == 1;
                let id = form.dossier.id.clone();
                let mut effects = Vec::new();
                if mode == Mode::Edit {
                    if blank {
                        effects.push(Effect::Store(StoreCmd::DiscardDraft { id }));
                    } else {
                        // Always write it: the form leaves the screen, the draft stays.
                        let form = self.intake_mut().expect("checked above");
                        form.mark_saving();
                        effects.push(Effect::Store(StoreCmd::SaveDraft {
                            dossier: Box::new(form.dossier.clone()),
                            open: false,
                        }));
                        self.flash_info(lang.t("flash.draft_kept").to_owned());
                    }
                }
                self.close_intake();
                effects.extend(self.reload_list());
                Outcome {
                    effects,
                    ..Outcome::default()
                }
            }
        }
    }

    fn unit_label(&self) -> String {
        self.unit().unwrap_or_default()
    }

    fn close_intake(&mut self) {
        if let Some(i) = self
            .screens
            .iter()
            .rposition(|s| matches!(s, Screen::Intake(_)))
        {
            self.screens.remove(i);
        }
    }

    /// Reloads the dossier list if it is on the stack.
    pub(super) fn reload_list(&mut self) -> Vec<Effect> {
        let req = self.request_id();
        let Some(list) = self.dossiers_mut() else {
            return Vec::new();
        };
        let days = list.days;
        list.start_loading(req);
        vec![Effect::Store(StoreCmd::ListDossiers { req, days })]
    }

    /// Opens the dossier list (closing the form, whose draft is kept).
    pub(super) fn open_list(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        if let Some(form) = self.intake_mut() {
            if form.mode == Mode::Edit && form.is_blank() && form.dossier.revision == 1 {
                // Nothing typed: no draft to keep.
                let id = form.dossier.id.clone();
                effects.push(Effect::Store(StoreCmd::DiscardDraft { id }));
            } else if form.mode == Mode::Edit {
                // Leaving the form: write it once more, no longer as the open draft.
                form.saved = intake::Saved::Dirty;
                effects.extend(self.flush_draft(false));
            }
            self.close_intake();
        }
        if self.dossiers_mut().is_some() {
            self.screens.retain(|s| !matches!(s, Screen::Dossiers(_)));
        }
        let req = self.request_id();
        self.screens.push(Screen::Dossiers(DossiersState::new(req)));
        effects.push(Effect::Store(StoreCmd::ListDossiers {
            req,
            days: Days::Today,
        }));
        effects
    }

    /// An action on the dossier list.
    pub(super) fn dossiers_action(&mut self, action: Action) -> Outcome {
        let height = self.height;
        let Some(list) = self.dossiers_mut() else {
            return Outcome::unhandled();
        };
        let ask = list.on_action(action, height);
        list.settle(height);
        match ask {
            dossiers::Ask::Nothing => Outcome::default(),
            dossiers::Ask::Unhandled => Outcome::unhandled(),
            dossiers::Ask::Close => {
                self.screens.retain(|s| !matches!(s, Screen::Dossiers(_)));
                Outcome::default()
            }
            dossiers::Ask::Load(days) => {
                let req = self.request_id();
                let list = self.dossiers_mut().expect("checked above");
                list.start_loading(req);
                Outcome::effect(Effect::Store(StoreCmd::ListDossiers { req, days }))
            }
            dossiers::Ask::Open(id) => {
                let req = self.request_id();
                self.flow.open_req = Some(req);
                Outcome::effect(Effect::Store(StoreCmd::LoadDossier { req, id }))
            }
        }
    }

    /// `x` on the receipt: write the printable file.
    pub(super) fn export_receipt(&mut self) -> Outcome {
        let req = self.request_id();
        let dir = self.export_dir.clone();
        let Some(Layer::Receipt(r)) = self.layers.last_mut() else {
            return Outcome::unhandled();
        };
        r.exporting = Some(req);
        Outcome::effect(Effect::Store(StoreCmd::ExportReceipt {
            req,
            dir,
            code: r.receipt.code.clone(),
            html: receipt::html(&r.receipt),
        }))
    }

    /// Store answers about dossiers.
    pub(super) fn on_store_dossier(&mut self, event: StoreEvent) -> Vec<Effect> {
        let lang = self.lang;
        match event {
            StoreEvent::Catalogue { .. }
            | StoreEvent::CheckRecorded { .. }
            | StoreEvent::CheckQueued { .. }
            | StoreEvent::Audit { .. }
            | StoreEvent::LastPurge { .. }
            | StoreEvent::HouseholdRecorded { .. }
            | StoreEvent::MembersRead { .. }
            | StoreEvent::Outbox { .. }
            | StoreEvent::Requeued { .. } => Vec::new(),
            StoreEvent::NewDossier { req, result } => {
                if self.flow.pending_new != Some(req) {
                    return Vec::new();
                }
                self.flow.pending_new = None;
                match result {
                    Ok(d) => self.push_intake(*d, Mode::Edit),
                    Err(e) => self.flash_error(lang.f(
                        "flash.new_dossier_failed",
                        &[("error", &crate::text::sanitize(&e).0)],
                    )),
                }
                Vec::new()
            }
            StoreEvent::Recovered {
                req,
                draft,
                holidays,
                problem,
            } => {
                if self.flow.recover_req != Some(req) {
                    return Vec::new();
                }
                self.flow.recover_req = None;
                if let Some(t) = holidays {
                    self.calendar.backend = Table::from_api(&t);
                }
                if let Some(d) = draft {
                    let code = d.procedure.name.clone();
                    self.push_intake(*d, Mode::Edit);
                    self.flash_info(lang.f(
                        "flash.draft_recovered",
                        &[("procedure", &crate::text::sanitize(&code).0)],
                    ));
                }
                if let Some(e) = problem {
                    self.flash_error(lang.f(
                        "flash.draft_unreadable",
                        &[("error", &crate::text::sanitize(&e).0)],
                    ));
                }
                Vec::new()
            }
            StoreEvent::DraftSaved { id, result } => {
                if let Some(form) = self.intake_mut()
                    && form.dossier.id == id
                {
                    form.on_saved(result);
                    if form.is_dirty() && !matches!(form.saved, intake::Saved::Failed(_)) {
                        return self.arm_draft_timer();
                    }
                } else if let Err(e) = result {
                    self.flash_error(lang.f(
                        "flash.draft_save_failed",
                        &[("error", &crate::text::sanitize(&e).0)],
                    ));
                }
                Vec::new()
            }
            StoreEvent::Finalized { req, result } => {
                let Some(form) = self.intake_mut() else {
                    return Vec::new();
                };
                let Some((awaited, and_new)) = form.finalizing else {
                    return Vec::new();
                };
                if awaited != req {
                    return Vec::new();
                }
                form.finalizing = None;
                match result {
                    Ok(f) => {
                        let d = f.dossier;
                        let code = d.code.clone().unwrap_or_default();
                        self.close_intake();
                        let mut effects = self.reload_list();
                        effects.push(Self::kick_sync());
                        let key = if d.code_provisional {
                            "flash.finalized_provisional"
                        } else {
                            "flash.finalized"
                        };
                        self.flash_info(lang.f(key, &[("code", &code)]));
                        if and_new {
                            effects.extend(self.new_dossier(d.procedure.code.clone()));
                        } else {
                            let r = receipt::receipt(&d, &self.unit_label(), &self.official_name());
                            self.layers.push(Layer::Receipt(ReceiptState::new(r)));
                        }
                        if f.codes_left < CODES_LOW {
                            effects.extend(self.reserve_codes());
                        }
                        effects
                    }
                    Err(e) => {
                        form.saved = intake::Saved::Dirty;
                        self.flash_error(lang.f(
                            "flash.finalize_failed",
                            &[("error", &crate::text::sanitize(&e).0)],
                        ));
                        self.arm_draft_timer()
                    }
                }
            }
            StoreEvent::Dossiers { req, result } => {
                let height = self.height;
                if let Some(list) = self.dossiers_mut() {
                    list.on_rows(req, result);
                    list.settle(height);
                }
                Vec::new()
            }
            StoreEvent::Dossier { req, result } => {
                if self.flow.open_req != Some(req) {
                    return Vec::new();
                }
                self.flow.open_req = None;
                match result {
                    Ok((_, Some(draft))) => self.push_intake(*draft, Mode::Edit),
                    Ok((Some(body), None)) => self.push_intake(*body, Mode::View),
                    Ok((None, None)) => self.flash_error(lang.t("flash.dossier_gone").to_owned()),
                    Err(e) => self.flash_error(lang.f(
                        "flash.dossier_load_failed",
                        &[("error", &crate::text::sanitize(&e).0)],
                    )),
                }
                Vec::new()
            }
            StoreEvent::CodesCounted { unit, left } => {
                if left < CODES_LOW && self.unit().as_deref() == Some(unit.as_str()) {
                    self.reserve_codes()
                } else {
                    Vec::new()
                }
            }
            StoreEvent::Exported { req, result } => {
                let Some(Layer::Receipt(r)) = self.layers.last_mut() else {
                    return Vec::new();
                };
                if r.exporting != Some(req) {
                    return Vec::new();
                }
                r.exporting = None;
                match result {
                    Ok(path) => r.exported = Some(path.display().to_string()),
                    Err(e) => self.flash_error(lang.f(
                        "flash.export_failed",
                        &[("error", &crate::text::sanitize(&e).0)],
                    )),
                }
                Vec::new()
            }
        }
    }

    /// What to do once an official is signed in: remember the unit for offline codes,
    /// reserve a block of codes, fetch the holiday table.
    pub(super) fn after_sign_in(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        if let Some(unit) = self.unit() {
            effects.push(Effect::Store(StoreCmd::RememberUnit { unit: unit.clone() }));
            // Reserve only when today's block runs low: unused codes leave gaps.
            effects.push(Effect::Store(StoreCmd::CountCodes { unit }));
        }
        effects.push(Effect::Backend(BackendCmd::Holidays));
        effects.push(Effect::Backend(BackendCmd::ServerTime));
        effects.push(Effect::Sync(crate::sync::worker::SyncCmd::SignedIn));
        effects
    }

    /// Asks the backend for a block of codes, unless offline or already asking.
    fn reserve_codes(&mut self) -> Vec<Effect> {
        if self.flow.reserving || self.link != Link::Online || self.official.is_none() {
            return Vec::new();
        }
        self.flow.reserving = true;
        vec![Effect::Backend(BackendCmd::ReserveCodes {
            count: CODE_BLOCK,
        })]
    }

    /// Backend answers about codes and holidays.
    pub(super) fn on_backend_dossier(&mut self, event: BackendEvent) -> Vec<Effect> {
        match event {
            BackendEvent::CodesReserved(Ok(r)) => {
                self.flow.reserving = false;
                vec![Effect::Store(StoreCmd::AddCodes(r))]
            }
            BackendEvent::Holidays(Ok(t)) => {
                self.calendar.backend = Table::from_api(&t);
                let cal = self.calendar.clone();
                if let Some(form) = self.intake_mut()
                    && form.mode == Mode::Edit
                    && form.finalizing.is_none()
                {
                    form.dossier.compute_due(&cal);
                }
                vec![Effect::Store(StoreCmd::SaveHolidays(t))]
            }
            BackendEvent::CodesReserved(Err(e)) => {
                self.flow.reserving = false;
                tracing::warn!(class = ?e.class(), "code reservation failed: {e}");
                Vec::new()
            }
            BackendEvent::Holidays(Err(e)) => {
                // Offline codes and the computed calendar take over; nothing is lost.
                tracing::warn!(class = ?e.class(), "backend call failed: {e}");
                Vec::new()
            }
            BackendEvent::SignedIn { .. }
            | BackendEvent::PasswordChecked { .. }
            | BackendEvent::CatalogueFeed { .. }
            | BackendEvent::Checked { .. }
            | BackendEvent::HouseholdChunk { .. }
            | BackendEvent::HouseholdDone { .. }
            | BackendEvent::ClockOffset(_) => Vec::new(),
        }
    }
}
