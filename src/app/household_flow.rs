//! The household side of `update`: opening the household screen from the intake form,
//! running a batch through the backend service, logging each request's answers before
//! the table shows them, keeping the table with the dossier, and exporting it.

use super::{Effect, Outcome, Screen, State};
use crate::action::Action;
use crate::api::PersonRef;
use crate::api::service::BackendCmd;
use crate::dossier::population::PopField;
use crate::dossier::{Dossier, validate};
use crate::household::batch::{ChunkDone, Job, Options};
use crate::household::{HeadInput, HouseholdCheck, MemberInput, MemberState};
use crate::keymap::Key;
use crate::screens::household::{self, HouseholdState};
use crate::screens::intake::Mode;
use crate::store::audit::{CheckKind, LookupAudit};
use crate::store::service::{StoreCmd, StoreEvent};

/// A batch running: its job, answers handed to the store and not yet back, and
/// whether the service said it is over.
#[derive(Debug, Clone)]
pub(super) struct Running {
    job: Job,
    logging: usize,
    over: bool,
}

/// The head a new household check starts with: the owner's household head when the
/// population check brought one, else the owner (or the submitter).
fn head_of(d: &Dossier) -> HeadInput {
    let person = if d.owner.is_empty() {
        &d.submitter
    } else {
        &d.owner
    };
    if let Some(h) = person.extra.get(&PopField::HouseholdHead) {
        // "Name · ID" as the population check shows it.
        if let Some((name, id)) = h.value.rsplit_once(" · ") {
            return HeadInput {
                id_number: id.trim().to_owned(),
                name: name.trim().to_owned(),
                birth: String::new(),
            };
        }
    }
    HeadInput {
        id_number: person.id_number.trim().to_owned(),
        name: person.name.trim().to_owned(),
        birth: person.birth.trim().to_owned(),
    }
}

/// The people on the dossier, as members to add.
fn people_of(d: &Dossier) -> Vec<MemberInput> {
    [&d.submitter, &d.owner]
        .into_iter()
        .filter(|p| !p.id_number.trim().is_empty())
        .map(|p| MemberInput {
            id_number: p.id_number.trim().to_owned(),
            name: p.name.trim().to_owned(),
            line: 0,
        })
        .collect()
}

impl State {
    fn household_mut(&mut self) -> Option<&mut HouseholdState> {
        self.screens.iter_mut().rev().find_map(|s| match s {
            Screen::Household(h) => Some(h.as_mut()),
            _ => None,
        })
    }

    /// Opens the household screen on the dossier in the form.
    pub(super) fn open_household(&mut self) -> Outcome {
        let Some(form) = self.intake_mut() else {
            return Outcome::unhandled();
        };
        let check = form
            .dossier
            .household
            .clone()
            .unwrap_or_else(|| HouseholdCheck {
                head: head_of(&form.dossier),
                ..HouseholdCheck::default()
            });
        self.screens
            .push(Screen::Household(Box::new(HouseholdState::new(check))));
        Outcome::default()
    }

    /// Keeps the table with the dossier (saved with the draft).
    fn keep_household(&mut self) -> Vec<Effect> {
        let Some(check) = self.household_mut().map(|h| h.check.clone()) else {
            return Vec::new();
        };
        match self.intake_mut() {
            Some(form) if form.mode == Mode::Edit && form.finalizing.is_none() => {
                form.dossier.household = Some(check);
                form.mark_dirty();
                self.draft_changed()
            }
            _ => Vec::new(),
        }
    }

    pub(super) fn household_text(&mut self, key: Key) -> Vec<Effect> {
        let ask = match self.household_mut() {
            Some(h) => h.on_text_key(key),
            None => return Vec::new(),
        };
        self.on_household_ask(ask).effects
    }

    pub(super) fn household_paste(&mut self, text: &str) -> Vec<Effect> {
        let lang = self.lang;
        let ask = match self.household_mut() {
            Some(h) => h.on_paste(text, lang),
            None => return Vec::new(),
        };
        self.on_household_ask(ask).effects
    }

    pub(super) fn household_action(&mut self, action: Action) -> Outcome {
        let (height, lang) = (self.height, self.lang);
        let ask = match self.household_mut() {
            Some(h) => h.on_action(action, height, lang),
            None => return Outcome::unhandled(),
        };
        self.on_household_ask(ask)
    }

    fn on_household_ask(&mut self, ask: household::Ask) -> Outcome {
        let lang = self.lang;
        match ask {
            household::Ask::Nothing => Outcome::default(),
            household::Ask::Unhandled => Outcome::unhandled(),
            household::Ask::Changed => Outcome {
                effects: self.keep_household(),
                ..Outcome::default()
            },
            household::Ask::Close => {
                let effects = self.keep_household();
                if let Some(i) = self
                    .screens
                    .iter()
                    .rposition(|s| matches!(s, Screen::Household(_)))
                {
                    self.screens.remove(i);
                }
                Outcome {
                    effects,
                    ..Outcome::default()
                }
            }
            household::Ask::Cancel => {
                let Some(req) = self.household_mut().and_then(|h| h.running) else {
                    return Outcome::default();
                };
                if let Some(h) = self.household_mut() {
                    h.message = Some((lang.t("household.cancelling").to_owned(), false));
                }
                Outcome::effect(Effect::Backend(BackendCmd::CancelHousehold { req }))
            }
            household::Ask::FromDossier => {
                let people = self
                    .intake_mut()
                    .map(|f| people_of(&f.dossier))
                    .unwrap_or_default();
                let ask = match self.household_mut() {
                    Some(h) => h.add_people(&people, lang),
                    None => return Outcome::default(),
                };
                self.on_household_ask(ask)
            }
            household::Ask::Read(path) => {
                let req = self.request_id();
                if let Some(h) = self.household_mut() {
                    h.reading = Some(req);
                }
                Outcome::effect(Effect::Store(StoreCmd::ReadMembers {
                    req,
                    path: path.into(),
                }))
            }
            household::Ask::Export => {
                let code = self
                    .intake_mut()
                    .map(|f| {
                        f.dossier
                            .code
                            .clone()
                            .unwrap_or_else(|| f.dossier.id.clone())
                    })
                    .unwrap_or_default();
                let (a, b) = (self.request_id(), self.request_id());
                let dir = self.export_dir.clone();
                let Some(h) = self.household_mut() else {
                    return Outcome::default();
                };
                h.exporting = vec![a, b];
                let (csv, json) = (h.check.to_csv(), h.check.to_json());
                let file = |req, ext: &str, text| {
                    Effect::Store(StoreCmd::ExportFile {
                        req,
                        dir: dir.clone(),
                        prefix: "ho-gia-dinh".into(),
                        code: code.clone(),
                        ext: ext.into(),
                        text,
                    })
                };
                Outcome {
                    effects: vec![file(a, "csv", csv), file(b, "json", json)],
                    ..Outcome::default()
                }
            }
            household::Ask::Verify(ids) => self.verify_members(ids),
        }
    }

    fn verify_members(&mut self, ids: Vec<String>) -> Outcome {
        let lang = self.lang;
        let concurrency = self.household_concurrency;
        let procedure = self
            .intake_mut()
            .map(|f| (f.dossier.procedure.code.clone(), f.dossier.code.clone()));
        let req = self.request_id();
        let Some(h) = self.household_mut() else {
            return Outcome::default();
        };
        if h.running.is_some() {
            h.message = Some((lang.t("household.busy").to_owned(), true));
            return Outcome::default();
        }
        if let Some(key) = h.head_problem() {
            h.message = Some((lang.t(key).to_owned(), true));
            return Outcome::default();
        }
        if ids.is_empty() {
            h.message = Some((lang.t("household.nothing_to_verify").to_owned(), false));
            return Outcome::default();
        }
        let head = &h.check.head;
        let birth = validate::parse_birth_date(&head.birth, true, jiff::civil::date(9999, 1, 1))
            .ok()
            .map(|b| match b {
                validate::BirthDate::Full(d) => d.to_string(),
                validate::BirthDate::Year(y) => format!("{y:04}"),
            });
        let job = Job {
            head: PersonRef {
                id_number: head.id_number.trim().to_owned(),
                full_name: Some(head.name.trim().to_owned()).filter(|n| !n.is_empty()),
                birth_date: birth,
            },
            procedure_code: procedure.as_ref().map(|p| p.0.clone()).unwrap_or_default(),
            dossier_code: procedure.and_then(|p| p.1),
        };
        h.start(req, &ids);
        self.household_jobs.insert(
            req,
            Running {
                job: job.clone(),
                logging: 0,
                over: false,
            },
        );
        Outcome::effect(Effect::Backend(BackendCmd::Household {
            req,
            job,
            ids,
            opts: Options {
                concurrency,
                ..Options::default()
            },
        }))
    }

    /// One request's answers: log them first.
    pub(super) fn on_household_chunk(&mut self, req: u64, chunk: ChunkDone) -> Vec<Effect> {
        let official = self.official_name();
        let dossier_id = self.screens.iter().rev().find_map(|s| match s {
            Screen::Intake(i) => Some(i.dossier.id.clone()),
            _ => None,
        });
        let Some(running) = self.household_jobs.get_mut(&req) else {
            return Vec::new();
        };
        running.logging += 1;
        let audits = chunk.audits(&LookupAudit {
            kind: CheckKind::Household,
            official,
            citizen: String::new(),
            procedure_code: running.job.procedure_code.clone(),
            dossier_id,
            dossier_code: running.job.dossier_code.clone(),
            fields: Vec::new(),
            outcome: String::new(),
            lookup_id: None,
        });
        vec![Effect::Store(StoreCmd::RecordHousehold {
            req,
            audits,
            chunk: Box::new(chunk),
        })]
    }

    pub(super) fn on_household_done(&mut self, req: u64) -> Vec<Effect> {
        match self.household_jobs.get_mut(&req) {
            Some(r) if r.logging > 0 => {
                // Answers are still being logged: finish when the last is back.
                r.over = true;
                return Vec::new();
            }
            _ => {}
        }
        self.household_jobs.remove(&req);
        let lang = self.lang;
        match self.household_mut() {
            Some(h) if h.running == Some(req) => h.finished(lang),
            _ => return Vec::new(),
        }
        self.keep_household()
    }

    /// Store answers for the household screen.
    pub(super) fn on_store_household(&mut self, event: StoreEvent) -> Vec<Effect> {
        let lang = self.lang;
        match event {
            StoreEvent::HouseholdRecorded { req, chunk, result } => {
                let finish = match self.household_jobs.get_mut(&req) {
                    Some(r) => {
                        r.logging = r.logging.saturating_sub(1);
                        r.over && r.logging == 0
                    }
                    None => false,
                };
                let Some(h) = self.household_mut() else {
                    return Vec::new();
                };
                if let Ok(at) = result {
                    h.apply(&chunk.rows, &at);
                } else {
                    {
                        // Not logged, so not shown: those members are errors to retry.
                        let rows: Vec<(String, MemberState)> = chunk
                            .rows
                            .iter()
                            .map(|(id, _)| {
                                (
                                    id.clone(),
                                    MemberState::Error {
                                        reason: "not_logged".into(),
                                    },
                                )
                            })
                            .collect();
                        h.set_states(&rows);
                    }
                }
                if finish {
                    return self.on_household_done(req);
                }
                self.keep_household()
            }
            StoreEvent::MembersRead { req, result } => {
                let Some(h) = self.household_mut() else {
                    return Vec::new();
                };
                if h.reading != Some(req) {
                    return Vec::new();
                }
                h.reading = None;
                let ask = match result {
                    Ok(text) => h.add_list(&text, lang),
                    Err(e) => {
                        let why = lang.f_owned(e.key(), &e.args());
                        h.message = Some((
                            lang.f(
                                "household.read_failed",
                                &[("error", &crate::text::sanitize(&why).0)],
                            ),
                            true,
                        ));
                        household::Ask::Nothing
                    }
                };
                self.on_household_ask(ask).effects
            }
            StoreEvent::Exported { req, result } => {
                let Some(h) = self.household_mut() else {
                    return Vec::new();
                };
                if !h.exporting.contains(&req) {
                    return Vec::new();
                }
                h.exporting.retain(|r| *r != req);
                h.message = Some(match result {
                    Ok(path) => (
                        lang.f(
                            "household.exported",
                            &[(
                                "path",
                                &crate::text::sanitize(&path.display().to_string()).0,
                            )],
                        ),
                        false,
                    ),
                    Err(e) => (
                        lang.f(
                            "flash.export_failed",
                            &[("error", &crate::text::sanitize(&e).0)],
                        ),
                        true,
                    ),
                });
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}
