//! The dossier (*hồ sơ*): what the official typed into the intake form, where each
//! identity value came from, the dossier code and the appointment date.
//!
//! Pure: no terminal, no SQLite, no HTTP. Form values are kept exactly as typed, so a
//! draft with mistakes round-trips; [`Dossier::problems`] says what is wrong.

pub mod compare;
pub mod population;
pub mod receipt;
pub mod validate;

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};

use crate::api::{ChannelTerms, Sex};
use crate::calendar::office::OfficeCalendar;
use validate::{BirthDate, Problem};

/// Portal status 2, *Được tiếp nhận*: what a dossier taken in at the desk becomes.
pub const STATUS_RECEIVED: u8 = 2;

/// The portal's dossier statuses (domain.md §3), 1 to 10, as i18n keys.
#[must_use]
pub fn status_key(status: u8) -> &'static str {
    match status {
        1 => "status.1",
        2 => "status.2",
        3 => "status.3",
        4 => "status.4",
        5 => "status.5",
        6 => "status.6",
        7 => "status.7",
        8 => "status.8",
        9 => "status.9",
        10 => "status.10",
        _ => "status.unknown",
    }
}

/// Loại tiếp nhận: how the dossier reached the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Trực tiếp: at the desk (channel 1).
    #[default]
    Direct,
    /// Bưu chính công ích: by public post (channel 3).
    Postal,
    /// Trực tuyến: online, taken over at the desk (channel 2).
    Online,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Direct, Channel::Postal, Channel::Online];

    /// The channel number of the procedure's terms (1 trực tiếp, 2 trực tuyến, 3 bưu chính).
    #[must_use]
    pub const fn number(self) -> u8 {
        match self {
            Channel::Direct => 1,
            Channel::Online => 2,
            Channel::Postal => 3,
        }
    }

    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Channel::Direct => "channel.direct",
            Channel::Postal => "channel.postal",
            Channel::Online => "channel.online",
        }
    }

    /// The next channel (a choice field cycles).
    #[must_use]
    pub fn next(self, back: bool) -> Self {
        let i = Self::ALL.iter().position(|c| *c == self).unwrap_or(0);
        let n = Self::ALL.len();
        Self::ALL[if back { (i + n - 1) % n } else { (i + 1) % n }]
    }
}

/// Where an identity value came from: the seven ways of domain.md §5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Typed by the official (from the card shown, or as told).
    #[default]
    Typed,
    /// The card's QR code, through a QR reader.
    Qr,
    /// The card's chip, through a chip reader.
    Chip,
    /// The national population database.
    PopulationDb,
    /// The VNeID electronic identity shown by the citizen.
    Vneid,
    /// A CT07 residence confirmation.
    Ct07,
    /// A personal-ID notice (TT 59/2021).
    Notice,
}

impl Source {
    pub const ALL: [Source; 7] = [
        Source::Typed,
        Source::Qr,
        Source::Chip,
        Source::PopulationDb,
        Source::Vneid,
        Source::Ct07,
        Source::Notice,
    ];

    /// The sources an official may declare by hand: what they looked at. QR, chip and
    /// population DB are set only by reading them.
    pub const DECLARED: [Source; 4] = [Source::Typed, Source::Vneid, Source::Ct07, Source::Notice];

    /// The i18n key of the short tag shown beside a field.
    #[must_use]
    pub const fn tag_key(self) -> &'static str {
        match self {
            Source::Typed => "source.typed",
            Source::Qr => "source.qr",
            Source::Chip => "source.chip",
            Source::PopulationDb => "source.population_db",
            Source::Vneid => "source.vneid",
            Source::Ct07 => "source.ct07",
            Source::Notice => "source.notice",
        }
    }

    /// The trust a value from this source has unless the reading says otherwise (a
    /// chip read whose signature was not verified is `Medium`).
    #[must_use]
    pub const fn default_trust(self) -> Trust {
        match self {
            Source::Typed => Trust::Low,
            Source::Qr | Source::Vneid | Source::Ct07 | Source::Notice => Trust::Medium,
            Source::Chip | Source::PopulationDb => Trust::High,
        }
    }

    /// The next declared source (F4 on a field cycles them).
    #[must_use]
    pub fn next_declared(self) -> Self {
        let i = Self::DECLARED.iter().position(|s| *s == self);
        match i {
            Some(i) => Self::DECLARED[(i + 1) % Self::DECLARED.len()],
            None => Source::Typed,
        }
    }
}

/// A card read into a person block: what it said, how it was read and how far it can
/// be trusted (the dossier's evidence of the reading).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardReading {
    /// `Chip` or `Qr`.
    pub source: Source,
    /// When it was read (office time).
    pub at: DateTime,
    /// What the card says, by population-database field.
    pub values: population::CardValues,
    /// The chip's passive authentication: `verified`, `signer_not_trusted` or `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passive_auth: Option<String>,
    /// The document signer, as its certificate names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// The trust given to the values taken from it.
    pub trust: Trust,
    /// The reader it was read with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reader: Option<String>,
    /// Command APDUs the read took.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apdu_count: Option<u32>,
    /// Ngày cấp, as the card writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<String>,
    /// Ngày hết hạn, as the card writes it ("Không thời hạn" for none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry: Option<String>,
    /// Data groups the chip lists that motcua does not check yet (DG14, DG15: chip and
    /// active authentication).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unchecked_groups: Vec<u8>,
}

impl CardReading {
    /// The evidence its values carry.
    #[must_use]
    pub const fn evidence(&self) -> Evidence {
        Evidence {
            source: self.source,
            trust: self.trust,
        }
    }
}

/// How far a value can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trust {
    /// Typed or told: unverified.
    Low,
    /// Read from a document whose authenticity was not proven by signature or database.
    Medium,
    /// Proven: the population database, or a chip whose signature was verified.
    High,
}

impl Trust {
    /// Three dots, filled to the level: readable without colour.
    #[must_use]
    pub const fn dots(self, ascii: bool) -> &'static str {
        match (self, ascii) {
            (Trust::Low, false) => "●○○",
            (Trust::Medium, false) => "●●○",
            (Trust::High, false) => "●●●",
            (Trust::Low, true) => "*..",
            (Trust::Medium, true) => "**.",
            (Trust::High, true) => "***",
        }
    }

    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Trust::Low => "trust.low",
            Trust::Medium => "trust.medium",
            Trust::High => "trust.high",
        }
    }
}

/// Where one value came from and how far it is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub source: Source,
    pub trust: Trust,
}

impl Evidence {
    #[must_use]
    pub const fn of(source: Source) -> Self {
        Self {
            source,
            trust: source.default_trust(),
        }
    }
}

impl Default for Evidence {
    fn default() -> Self {
        Self::of(Source::Typed)
    }
}

/// A field of a person block (submitter or owner).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonField {
    Name,
    IdNumber,
    Birth,
    Sex,
    Phone,
    Address,
    Email,
}

impl PersonField {
    pub const ALL: [PersonField; 7] = [
        PersonField::Name,
        PersonField::IdNumber,
        PersonField::Birth,
        PersonField::Sex,
        PersonField::Phone,
        PersonField::Address,
        PersonField::Email,
    ];

    /// Identity fields carry evidence (where the value came from).
    #[must_use]
    pub const fn is_identity(self) -> bool {
        matches!(
            self,
            PersonField::Name
                | PersonField::IdNumber
                | PersonField::Birth
                | PersonField::Sex
                | PersonField::Address
        )
    }

    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            PersonField::Name => "field.name",
            PersonField::IdNumber => "field.id_number",
            PersonField::Birth => "field.birth",
            PersonField::Sex => "field.sex",
            PersonField::Phone => "field.phone",
            PersonField::Address => "field.address",
            PersonField::Email => "field.email",
        }
    }
}

/// Whose block a person field is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Người nộp.
    Submitter,
    /// Chủ hồ sơ.
    Owner,
}

/// A field of the intake form that the official edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FieldId {
    Channel,
    Person(Role, PersonField),
    Summary,
}

impl FieldId {
    /// The editable fields in form order (Tab order).
    #[must_use]
    pub fn all() -> Vec<FieldId> {
        let mut v = vec![FieldId::Channel];
        for role in [Role::Submitter, Role::Owner] {
            v.extend(PersonField::ALL.iter().map(|f| FieldId::Person(role, *f)));
        }
        v.push(FieldId::Summary);
        v
    }

    /// Required fields (marked `*`): the submitter's name and document number (seed 001),
    /// and the owner's.
    #[must_use]
    pub const fn required(self) -> bool {
        matches!(
            self,
            FieldId::Person(_, PersonField::Name | PersonField::IdNumber)
        )
    }

    /// A choice field: Left/Right/Space cycle its values instead of typing.
    #[must_use]
    pub const fn is_choice(self) -> bool {
        matches!(
            self,
            FieldId::Channel | FieldId::Person(_, PersonField::Sex)
        )
    }
}

/// One person block as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonForm {
    pub name: String,
    pub id_number: String,
    pub birth: String,
    pub sex: Option<Sex>,
    pub phone: String,
    pub address: String,
    pub email: String,
    /// Where each identity value came from; a field missing here was typed.
    pub evidence: BTreeMap<PersonField, Evidence>,
    /// Values the form has no box for, taken from the population database (or the
    /// card): only the fields the procedure keeps.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<population::PopField, population::Sourced>,
}

impl PersonForm {
    /// The text of a field (the sex as its i18n-free code: "nam"/"nu"/"").
    #[must_use]
    pub fn text(&self, field: PersonField) -> &str {
        match field {
            PersonField::Name => &self.name,
            PersonField::IdNumber => &self.id_number,
            PersonField::Birth => &self.birth,
            PersonField::Sex => match self.sex {
                Some(Sex::Male) => "nam",
                Some(Sex::Female) => "nu",
                None => "",
            },
            PersonField::Phone => &self.phone,
            PersonField::Address => &self.address,
            PersonField::Email => &self.email,
        }
    }

    /// Sets a text field (not the sex). A value typed over replaces its evidence.
    pub fn set_text(&mut self, field: PersonField, value: String) {
        let slot = match field {
            PersonField::Name => &mut self.name,
            PersonField::IdNumber => &mut self.id_number,
            PersonField::Birth => &mut self.birth,
            PersonField::Phone => &mut self.phone,
            PersonField::Address => &mut self.address,
            PersonField::Email => &mut self.email,
            PersonField::Sex => return,
        };
        if *slot != value {
            *slot = value;
            self.evidence.remove(&field);
        }
    }

    /// Cycles the sex: none → Nam → Nữ → none.
    pub fn cycle_sex(&mut self, back: bool) {
        let order = [None, Some(Sex::Male), Some(Sex::Female)];
        let i = order.iter().position(|s| *s == self.sex).unwrap_or(0);
        self.sex = order[if back { (i + 2) % 3 } else { (i + 1) % 3 }];
        self.evidence.remove(&PersonField::Sex);
    }

    /// The evidence of a field (typed when none was recorded).
    #[must_use]
    pub fn evidence_of(&self, field: PersonField) -> Evidence {
        self.evidence.get(&field).copied().unwrap_or_default()
    }

    /// Whether nothing was entered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        PersonField::ALL
            .iter()
            .all(|f| self.text(*f).trim().is_empty())
    }

    /// The birth date as parsed (a year alone allowed), when it parses.
    #[must_use]
    pub fn birth_date(&self, today: Date) -> Option<BirthDate> {
        validate::parse_birth_date(&self.birth, true, today).ok()
    }

    /// The problems of this block, per field. Empty optional fields are fine.
    #[must_use]
    pub fn problems(&self, today: Date) -> Vec<(PersonField, Problem)> {
        let mut out = Vec::new();
        let missing = || Problem {
            key: "intake.required",
            args: Vec::new(),
        };
        if self.name.trim().is_empty() {
            out.push((PersonField::Name, missing()));
        }
        let birth = if self.birth.trim().is_empty() {
            None
        } else {
            match validate::parse_birth_date(&self.birth, true, today) {
                Ok(b) => Some(b),
                Err(p) => {
                    out.push((PersonField::Birth, p));
                    None
                }
            }
        };
        if self.id_number.trim().is_empty() {
            out.push((PersonField::IdNumber, missing()));
        } else if let Err(p) = validate::check_id_number(&self.id_number, birth, self.sex) {
            out.push((PersonField::IdNumber, p));
        }
        if !self.phone.trim().is_empty()
            && let Err(p) = validate::check_phone(&self.phone)
        {
            out.push((PersonField::Phone, p));
        }
        if !self.email.trim().is_empty()
            && let Err(p) = validate::check_email(&self.email)
        {
            out.push((PersonField::Email, p));
        }
        out
    }
}

/// The procedure a dossier is for, as it was when the dossier was opened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProcedureInfo {
    pub code: String,
    pub local_code: String,
    pub name: String,
    pub field: String,
    /// Days and fees per channel; empty when only the desk's terms are known.
    pub channels: Vec<ChannelTerms>,
    /// The desk terms shown in the list (used when `channels` has none for a channel).
    pub days: u32,
    pub fee: u64,
    pub charge: u64,
    /// Whether the catalogue licenses population-database lookups (`None`: unknown, as
    /// for an imported catalogue; the backend decides).
    pub population_lookup: Option<bool>,
    /// The population-database fields the procedure keeps beyond the form's own.
    pub population_fields: Vec<String>,
}

impl ProcedureInfo {
    /// The terms of a channel: its own, else the desk's.
    #[must_use]
    pub fn terms(&self, channel: Channel) -> ChannelTerms {
        self.channels
            .iter()
            .find(|t| t.channel == channel.number())
            .cloned()
            .unwrap_or(ChannelTerms {
                channel: channel.number(),
                days: self.days,
                charges_fee: self.fee > 0 || self.charge > 0,
                fee: self.fee,
                charge: self.charge,
            })
    }
}

/// A dossier: one revision's content. The id stays across revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    /// Client-minted UUIDv7.
    pub id: String,
    /// The revision this content is (1 for a new dossier; an edit of a finalized
    /// dossier is the next one).
    pub revision: u32,
    pub procedure: ProcedureInfo,
    #[serde(default)]
    pub channel: Channel,
    /// The dossier code once assigned (at finalizing).
    #[serde(default)]
    pub code: Option<String>,
    /// The code is provisional (minted offline) and will be replaced at sync.
    #[serde(default)]
    pub code_provisional: bool,
    /// Ngày tiếp nhận, Vietnam time.
    pub received_at: DateTime,
    /// Ngày hẹn trả; `None` when the procedure has no fixed term (0 days).
    #[serde(default)]
    pub due_at: Option<DateTime>,
    /// Which calendar tables computed `due_at`.
    #[serde(default)]
    pub calendar_version: String,
    #[serde(default)]
    pub submitter: PersonForm,
    #[serde(default)]
    pub owner: PersonForm,
    /// Nội dung: what the citizen asks for.
    #[serde(default)]
    pub summary: String,
    /// Portal status (1..=10).
    #[serde(default = "default_status")]
    pub status: u8,
    /// The username of the official who took it in.
    #[serde(default)]
    pub official: String,
    /// The population checks of the person blocks (done, or queued offline).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub population_checks: BTreeMap<Role, population::CheckMark>,
    /// The household verification done for this dossier, kept as evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household: Option<crate::household::HouseholdCheck>,
    /// The cards read into the person blocks (chip or QR), kept as evidence.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cards: BTreeMap<Role, CardReading>,
}

const fn default_status() -> u8 {
    STATUS_RECEIVED
}

impl Dossier {
    /// A new, empty dossier for a procedure, received at `received_at`.
    #[must_use]
    pub fn new(id: String, procedure: ProcedureInfo, received_at: DateTime) -> Self {
        Self {
            id,
            revision: 1,
            procedure,
            channel: Channel::Direct,
            code: None,
            code_provisional: false,
            received_at,
            due_at: None,
            calendar_version: String::new(),
            submitter: PersonForm::default(),
            owner: PersonForm::default(),
            summary: String::new(),
            status: STATUS_RECEIVED,
            official: String::new(),
            population_checks: BTreeMap::new(),
            household: None,
            cards: BTreeMap::new(),
        }
    }

    /// The terms of the chosen channel.
    #[must_use]
    pub fn terms(&self) -> ChannelTerms {
        self.procedure.terms(self.channel)
    }

    /// Recomputes the appointment date from the received time and the channel's days.
    pub fn compute_due(&mut self, calendar: &OfficeCalendar) {
        let days = self.terms().days;
        if days == 0 {
            self.due_at = None;
            self.calendar_version.clear();
        } else {
            self.due_at = Some(calendar.due(self.received_at, days));
            self.calendar_version = calendar.version_for(self.received_at, days);
        }
    }

    #[must_use]
    pub fn person(&self, role: Role) -> &PersonForm {
        match role {
            Role::Submitter => &self.submitter,
            Role::Owner => &self.owner,
        }
    }

    pub fn person_mut(&mut self, role: Role) -> &mut PersonForm {
        match role {
            Role::Submitter => &mut self.submitter,
            Role::Owner => &mut self.owner,
        }
    }

    /// The text of an editable field.
    #[must_use]
    pub fn text(&self, field: FieldId) -> &str {
        match field {
            FieldId::Channel => "",
            FieldId::Person(role, f) => self.person(role).text(f),
            FieldId::Summary => &self.summary,
        }
    }

    /// Sets a text field.
    pub fn set_text(&mut self, field: FieldId, value: String) {
        match field {
            FieldId::Channel => {}
            FieldId::Person(role, f) => self.person_mut(role).set_text(f, value),
            FieldId::Summary => self.summary = value,
        }
    }

    /// "Cập nhật từ người nộp": the owner becomes the submitter, evidence included.
    pub fn copy_submitter_to_owner(&mut self) {
        self.owner = self.submitter.clone();
    }

    /// The person the dossier is about: the owner when named, else the submitter.
    #[must_use]
    pub fn applicant(&self) -> &str {
        let owner = self.owner.name.trim();
        if owner.is_empty() {
            self.submitter.name.trim()
        } else {
            owner
        }
    }

    /// Everything wrong with the form, per field. A dossier with problems can be kept as
    /// a draft, not finalized. The owner block may be left empty (the submitter is then
    /// the owner).
    #[must_use]
    pub fn problems(&self, today: Date) -> Vec<(FieldId, Problem)> {
        let mut out: Vec<(FieldId, Problem)> = self
            .submitter
            .problems(today)
            .into_iter()
            .map(|(f, p)| (FieldId::Person(Role::Submitter, f), p))
            .collect();
        if !self.owner.is_empty() {
            out.extend(
                self.owner
                    .problems(today)
                    .into_iter()
                    .map(|(f, p)| (FieldId::Person(Role::Owner, f), p)),
            );
        }
        out
    }
}

/// The per-unit provisional code minted offline: `{unit}-{yyMMdd}-T{NNN}`. The `T`
/// (*tạm*) cannot occur in a final code, whose last part is four digits.
#[must_use]
pub fn provisional_code(unit: &str, day: Date, n: u32) -> String {
    format!("{unit}-{}-T{n:03}", crate::clock::short_date(day))
}

/// Where a dossier stands with the backend, for the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// A draft: not finalized, nothing to send.
    Draft,
    /// Finalized; waiting in the outbox.
    Pending,
    /// The backend accepted it.
    Synced,
    /// The backend refused it; the reason is kept with the outbox item.
    Parked,
}

impl SyncState {
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            SyncState::Draft => "sync.draft",
            SyncState::Pending => "sync.pending",
            SyncState::Synced => "sync.synced",
            SyncState::Parked => "sync.parked",
        }
    }
}

/// Which days the dossier list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Days {
    /// Today, by the store's clock.
    Today,
    Day(Date),
    All,
}

/// One row of the dossier list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierRow {
    pub id: String,
    pub revision: u32,
    pub code: Option<String>,
    pub code_provisional: bool,
    pub procedure_code: String,
    pub procedure_name: String,
    pub applicant: String,
    pub received_at: DateTime,
    pub due_at: Option<DateTime>,
    pub status: u8,
    pub sync: SyncState,
    /// A finalized revision exists (the dossier opens read-only).
    pub finalized: bool,
    /// An unfinished draft exists (a new dossier, or an edit in progress).
    pub has_draft: bool,
}

/// `dd/mm/yyyy HH:MM:SS`, as the portal shows dates and times.
#[must_use]
pub fn format_datetime(dt: DateTime) -> String {
    dt.strftime("%d/%m/%Y %H:%M:%S").to_string()
}

/// `dd/mm/yyyy`.
#[must_use]
pub fn format_date(d: Date) -> String {
    d.strftime("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn info(days: u32) -> ProcedureInfo {
        ProcedureInfo {
            code: "1.001776".into(),
            name: "Đăng ký khai sinh".into(),
            days,
            ..ProcedureInfo::default()
        }
    }

    #[test]
    fn due_date_keeps_the_time_of_day_seed_001() {
        let received = date(2023, 3, 6).at(14, 27, 45, 0);
        let mut d = Dossier::new("id".into(), info(15), received);
        d.compute_due(&OfficeCalendar::default());
        assert_eq!(d.due_at, Some(date(2023, 3, 27).at(14, 27, 45, 0)));
        assert_eq!(d.calendar_version, "computed:labour-code-2019");
        let mut none = Dossier::new("id".into(), info(0), received);
        none.compute_due(&OfficeCalendar::default());
        assert_eq!(none.due_at, None);
    }

    #[test]
    fn channel_terms_fall_back_to_the_desk_terms() {
        let mut p = info(10);
        p.channels.push(ChannelTerms {
            channel: 2,
            days: 7,
            charges_fee: false,
            fee: 0,
            charge: 0,
        });
        assert_eq!(p.terms(Channel::Online).days, 7);
        assert_eq!(p.terms(Channel::Postal).days, 10);
    }

    #[test]
    fn typing_over_a_value_drops_its_evidence() {
        let mut p = PersonForm {
            name: "Lê Thị Thu Hà".into(),
            ..PersonForm::default()
        };
        p.evidence
            .insert(PersonField::Name, Evidence::of(Source::PopulationDb));
        p.set_text(PersonField::Name, "Lê Thị Thu Hà".into());
        assert_eq!(
            p.evidence_of(PersonField::Name).source,
            Source::PopulationDb
        );
        p.set_text(PersonField::Name, "Lê Thị Thu".into());
        assert_eq!(p.evidence_of(PersonField::Name).source, Source::Typed);
        assert_eq!(p.evidence_of(PersonField::Name).trust, Trust::Low);
    }

    #[test]
    fn problems_per_block_and_empty_owner_is_fine() {
        let today = date(2026, 11, 23);
        let mut d = Dossier::new("id".into(), info(5), today.at(9, 0, 0, 0));
        let keys: Vec<_> = d.problems(today).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            keys,
            vec![
                FieldId::Person(Role::Submitter, PersonField::Name),
                FieldId::Person(Role::Submitter, PersonField::IdNumber)
            ]
        );
        d.submitter.name = "Lê Thị Thu Hà".into();
        d.submitter.id_number = "079192019782".into();
        d.submitter.birth = "14/05/1992".into();
        d.submitter.sex = Some(Sex::Female);
        assert!(d.problems(today).is_empty());
        d.owner.id_number = "03080104271".into();
        let fields: Vec<_> = d.problems(today).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            vec![
                FieldId::Person(Role::Owner, PersonField::Name),
                FieldId::Person(Role::Owner, PersonField::IdNumber)
            ]
        );
        d.copy_submitter_to_owner();
        assert!(d.problems(today).is_empty());
        assert_eq!(d.applicant(), "Lê Thị Thu Hà");
    }

    #[test]
    fn body_round_trips_through_json() {
        let mut d = Dossier::new(
            "0190-x".into(),
            info(15),
            date(2023, 3, 6).at(14, 27, 45, 0),
        );
        d.submitter.name = "Nguyễn Đức Minh".into();
        d.submitter
            .evidence
            .insert(PersonField::Name, Evidence::of(Source::Ct07));
        d.compute_due(&OfficeCalendar::default());
        let json = serde_json::to_string(&d).unwrap();
        let back: Dossier = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn provisional_codes_are_marked() {
        assert_eq!(
            provisional_code("000.00.92.H55", date(2023, 2, 6), 7),
            "000.00.92.H55-230206-T007"
        );
    }

    #[test]
    fn declared_sources_cycle_and_never_claim_a_reading() {
        let mut s = Source::Typed;
        for _ in 0..8 {
            s = s.next_declared();
            assert!(Source::DECLARED.contains(&s));
        }
        assert_eq!(Source::Chip.next_declared(), Source::Typed);
    }
}
