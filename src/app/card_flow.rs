//! The card side of `update`: opening the card screen from the intake form, sending a
//! read to the card service and cancelling it, showing what the chip said with its
//! passive-authentication level, taking a reading (chip or QR) into the form, QR scans
//! from a keyboard-wedge or serial scanner, and the reader's state for the status bar.
//! Pure like the rest of `update`: it returns effects.

use jiff::civil::DateTime;

use super::{Effect, Flash, Outcome, Screen, State};
use crate::action::Action;
use crate::card::service::{CardCmd, CardEvent, ChipRead, ServiceError};
use crate::card::{reader, values};
use crate::dossier::validate::Problem;
use crate::dossier::{CardReading, Role, Source, Trust};
use crate::keymap::Key;
use crate::screens::card::{self, CardState, ChipView};

/// The data groups whose protections (chip and active authentication) motcua does not
/// check yet; a card listing them says so.
const UNCHECKED: [u8; 2] = [14, 15];

impl State {
    fn card_mut(&mut self) -> Option<&mut CardState> {
        match self.screens.last_mut() {
            Some(Screen::Card(c)) => Some(c.as_mut()),
            _ => None,
        }
    }

    /// The intake form asked to read a card into a person block.
    pub(super) fn open_card(&mut self, role: Role) -> Outcome {
        let Some(form) = self.intake_mut() else {
            return Outcome::unhandled();
        };
        let d = &form.dossier;
        let state = CardState::new(role, d.person(role), d.received_at.date());
        self.screens.push(Screen::Card(Box::new(state)));
        Outcome::default()
    }

    pub(super) fn card_text(&mut self, key: Key) -> Vec<Effect> {
        if let Some(c) = self.card_mut() {
            c.on_text_key(key);
        }
        Vec::new()
    }

    pub(super) fn card_paste(&mut self, text: &str) -> Vec<Effect> {
        if let Some(c) = self.card_mut() {
            c.on_paste(text);
        }
        Vec::new()
    }

    pub(super) fn card_action(&mut self, action: Action) -> Outcome {
        let lang = self.lang;
        let enabled = self.card_service;
        let Some(c) = self.card_mut() else {
            return Outcome::unhandled();
        };
        match c.on_action(action) {
            card::Ask::Nothing => Outcome::default(),
            card::Ask::Unhandled => Outcome::unhandled(),
            card::Ask::Read { bac_info } => {
                if !enabled {
                    c.finished(Err(Problem {
                        key: "card.disabled",
                        args: Vec::new(),
                    }));
                    return Outcome::default();
                }
                let id = self.request_id();
                let Some(c) = self.card_mut() else {
                    return Outcome::default();
                };
                c.started(id);
                let role = c.role;
                self.card_read = Some((id, role));
                Outcome::effect(Effect::Card(CardCmd::Read {
                    id,
                    bac_info,
                    want_dg2: false,
                }))
            }
            card::Ask::Cancel => Outcome::effect(Effect::Card(CardCmd::Cancel)),
            card::Ask::Close => {
                let reading = c.reading().is_some();
                self.screens.pop();
                if reading {
                    self.card_read = None;
                    return Outcome::effect(Effect::Card(CardCmd::Cancel));
                }
                Outcome::default()
            }
            card::Ask::Take(reading) => {
                let role = c.role;
                self.screens.pop();
                let Some(form) = self.intake_mut() else {
                    return Outcome::default();
                };
                let n = form.take_card(role, *reading);
                Outcome {
                    effects: self.draft_changed(),
                    flash: Some(Flash {
                        text: lang.f("flash.card_taken", &[("n", &n)]),
                        error: false,
                    }),
                    ..Outcome::default()
                }
            }
        }
    }

    /// A QR code arrived from a scanner (a keyboard-wedge burst or a serial line).
    pub(super) fn on_scan(&mut self, text: &str, at: DateTime) -> Vec<Effect> {
        if self.card_mut().is_none()
            && self.layers.is_empty()
            && let Some(Screen::Intake(i)) = self.screens.last()
            && i.mode == crate::screens::intake::Mode::Edit
        {
            let role = match i.focused() {
                crate::dossier::FieldId::Person(role, _) => role,
                _ => Role::Submitter,
            };
            self.open_card(role);
        }
        if let Some(c) = self.card_mut() {
            c.on_scan(text, at);
        } else {
            self.flash = Some(Flash {
                text: self.lang.t("flash.scan_nowhere").to_owned(),
                error: true,
            });
        }
        Vec::new()
    }

    /// The card service reported something.
    pub(super) fn on_card(&mut self, event: CardEvent) -> Vec<Effect> {
        match event {
            CardEvent::Reader(state) => self.reader = Some(state),
            CardEvent::Progress { id, step } => {
                if let Some(c) = self.card_mut() {
                    c.progress(id, step);
                }
            }
            CardEvent::Done { id, result } => {
                if self.card_read.map(|(r, _)| r) != Some(id) {
                    // A read whose screen was closed: nothing of it is kept.
                    return Vec::new();
                }
                self.card_read = None;
                let shown = result.map(|r| chip_view(&r)).map_err(|e| problem(&e));
                if let Some(c) = self.card_mut()
                    && c.reading() == Some(id)
                {
                    c.finished(shown);
                }
            }
        }
        Vec::new()
    }

    /// The reader line of the card screen: its name and whether a card is on it.
    #[must_use]
    pub fn reader_line(&self) -> card::ReaderLine {
        use crate::card::service::ReaderState;
        let lang = self.lang;
        match &self.reader {
            _ if !self.card_service => (lang.t("card.disabled").to_owned(), false),
            None => (lang.t("card.starting").to_owned(), false),
            Some(ReaderState::NoService) => (lang.t("card.no_service").to_owned(), false),
            Some(ReaderState::NoReader) => (lang.t("card.no_reader").to_owned(), false),
            Some(ReaderState::Ready { reader, card: true }) => {
                (lang.f("card.present", &[("reader", reader)]), true)
            }
            Some(ReaderState::Ready {
                reader,
                card: false,
            }) => (lang.f("card.absent", &[("reader", reader)]), false),
            Some(ReaderState::Error(e)) => (crate::text::shown(e, 60), false),
        }
    }
}

fn problem(e: &ServiceError) -> Problem {
    Problem {
        key: e.key(),
        args: e.args(),
    }
}

/// What a chip read shows and, once taken, records.
#[must_use]
pub fn chip_view(r: &ChipRead) -> ChipView {
    let d = &r.read.details;
    let trust = match r.pa.level {
        "verified" => Trust::High,
        "failed" => Trust::Low,
        _ => Trust::Medium,
    };
    let listed = reader::com_groups(&r.read.com);
    ChipView {
        reading: CardReading {
            source: Source::Chip,
            at: r.at,
            values: values::from_dg13(d),
            passive_auth: Some(r.pa.level.to_owned()),
            signer: r.pa.signer.clone(),
            trust,
            reader: Some(r.reader.clone()),
            apdu_count: u32::try_from(r.read.apdu_count).ok(),
            unchecked_groups: UNCHECKED
                .iter()
                .copied()
                .filter(|g| listed.contains(g))
                .collect(),
            issue_date: d.issue_date.clone(),
            expiry: d.expiry.clone(),
        },
        reasons: r
            .pa
            .reasons
            .iter()
            .map(|(key, args)| Problem {
                key,
                args: args.clone(),
            })
            .collect(),
        features: d.identifying_features.clone(),
    }
}
