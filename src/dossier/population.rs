//! The population-database check: the 20 fields the database shares (domain.md §4), the
//! field-by-field diff of the form, the card and the database, and taking database
//! values into the form. Pure: no terminal, no SQLite, no HTTP.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::compare::{Compared, address_text, compare_address, compare_date, compare_text};
use super::validate::{self, BirthDate, Problem};
use super::{Evidence, PersonField, PersonForm, Source};
use crate::api::{BloodGroup, CitizenRecord, DocumentType, MaritalStatus, RelatedPerson, Sex};

/// One of the four mandatory inputs of a lookup (domain.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupField {
    Name,
    Birth,
    DocType,
    Number,
}

/// The four mandatory inputs of a lookup, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupInput {
    pub name: String,
    /// `dd/mm/yyyy` or the year alone.
    pub birth: String,
    pub doc: DocumentType,
    pub number: String,
}

impl LookupInput {
    /// What is wrong with the inputs: a name; a birth date as `dd/mm/yyyy` (two-digit
    /// day and month) or a year, not after `today`; a 12-digit CCCD that agrees with the
    /// birth year, or a 9-digit CMND.
    #[must_use]
    pub fn problems(&self, today: jiff::civil::Date) -> Vec<(LookupField, Problem)> {
        let required = || Problem {
            key: "intake.required",
            args: Vec::new(),
        };
        let mut out = Vec::new();
        if self.name.trim().is_empty() {
            out.push((LookupField::Name, required()));
        }
        let birth = if self.birth.trim().is_empty() {
            out.push((LookupField::Birth, required()));
            None
        } else {
            match validate::parse_birth_date(&self.birth, true, today) {
                Ok(b) => Some(b),
                Err(p) => {
                    out.push((LookupField::Birth, p));
                    None
                }
            }
        };
        let number = self.number.trim();
        let checked = match self.doc {
            DocumentType::Cccd => validate::check_cccd(number, birth, None),
            DocumentType::Cmnd => validate::check_cmnd(number),
        };
        if let Err(p) = checked {
            out.push((LookupField::Number, p));
        }
        out
    }

    /// The birth date as the API takes it: `YYYY-MM-DD`, or `YYYY`.
    #[must_use]
    pub fn api_birth(&self, today: jiff::civil::Date) -> String {
        match validate::parse_birth_date(&self.birth, true, today) {
            Ok(BirthDate::Full(d)) => d.to_string(),
            Ok(BirthDate::Year(y)) => format!("{y:04}"),
            Err(_) => self.birth.trim().to_owned(),
        }
    }

    /// The lookup request for a procedure (and dossier).
    #[must_use]
    pub fn request(
        &self,
        today: jiff::civil::Date,
        procedure_code: &str,
        dossier_code: Option<String>,
    ) -> crate::api::LookupRequest {
        crate::api::LookupRequest {
            document_type: self.doc,
            document_number: self.number.trim().to_owned(),
            full_name: self.name.trim().to_owned(),
            birth_date: self.api_birth(today),
            procedure_code: procedure_code.trim().to_owned(),
            dossier_code,
        }
    }
}

/// One of the 20 fields of the population database, in its order (seed 000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PopField {
    IdNumber,
    OldIdNumber,
    FullName,
    Sex,
    Ethnicity,
    BirthDate,
    BirthRegistrationPlace,
    HomeTown,
    PermanentAddress,
    CurrentAddress,
    Religion,
    MaritalStatus,
    BloodGroup,
    Nationality,
    Father,
    Mother,
    Spouse,
    Representative,
    HouseholdHead,
    HouseholdBookNumber,
}

impl PopField {
    pub const ALL: [PopField; 20] = [
        PopField::IdNumber,
        PopField::OldIdNumber,
        PopField::FullName,
        PopField::Sex,
        PopField::Ethnicity,
        PopField::BirthDate,
        PopField::BirthRegistrationPlace,
        PopField::HomeTown,
        PopField::PermanentAddress,
        PopField::CurrentAddress,
        PopField::Religion,
        PopField::MaritalStatus,
        PopField::BloodGroup,
        PopField::Nationality,
        PopField::Father,
        PopField::Mother,
        PopField::Spouse,
        PopField::Representative,
        PopField::HouseholdHead,
        PopField::HouseholdBookNumber,
    ];

    /// What a procedure keeps when its catalogue record names nothing: the fields the
    /// intake form has.
    pub const DEFAULT_KEPT: [PopField; 5] = [
        PopField::IdNumber,
        PopField::FullName,
        PopField::Sex,
        PopField::BirthDate,
        PopField::PermanentAddress,
    ];

    /// Fields never stored unless the procedure names them (special personal data).
    pub const SENSITIVE: [PopField; 3] = [
        PopField::Ethnicity,
        PopField::Religion,
        PopField::BloodGroup,
    ];

    /// The wire name (`id_number`, `full_name`, …), as in the catalogue and the API.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            PopField::IdNumber => "id_number",
            PopField::OldIdNumber => "old_id_number",
            PopField::FullName => "full_name",
            PopField::Sex => "sex",
            PopField::Ethnicity => "ethnicity",
            PopField::BirthDate => "birth_date",
            PopField::BirthRegistrationPlace => "birth_registration_place",
            PopField::HomeTown => "home_town",
            PopField::PermanentAddress => "permanent_address",
            PopField::CurrentAddress => "current_address",
            PopField::Religion => "religion",
            PopField::MaritalStatus => "marital_status",
            PopField::BloodGroup => "blood_group",
            PopField::Nationality => "nationality",
            PopField::Father => "father",
            PopField::Mother => "mother",
            PopField::Spouse => "spouse",
            PopField::Representative => "representative",
            PopField::HouseholdHead => "household_head",
            PopField::HouseholdBookNumber => "household_book_number",
        }
    }

    /// The field of that wire name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name.trim())
    }

    /// The i18n key of its label.
    #[must_use]
    pub fn key(self) -> String {
        format!("pop.{}", self.name())
    }

    /// The intake-form field it fills, when the form has one.
    #[must_use]
    pub const fn form_field(self) -> Option<PersonField> {
        match self {
            PopField::IdNumber => Some(PersonField::IdNumber),
            PopField::FullName => Some(PersonField::Name),
            PopField::Sex => Some(PersonField::Sex),
            PopField::BirthDate => Some(PersonField::Birth),
            PopField::PermanentAddress => Some(PersonField::Address),
            _ => None,
        }
    }

    /// A sub-record (a person), shown expanded on demand.
    #[must_use]
    pub const fn is_person(self) -> bool {
        matches!(
            self,
            PopField::Father
                | PopField::Mother
                | PopField::Spouse
                | PopField::Representative
                | PopField::HouseholdHead
        )
    }
}

/// The fields a procedure keeps: those its catalogue record names (unknown names
/// ignored), else [`PopField::DEFAULT_KEPT`]. The form's own fields are always kept.
#[must_use]
pub fn kept_fields(named: &[String]) -> Vec<PopField> {
    let mut out: Vec<PopField> = PopField::DEFAULT_KEPT.to_vec();
    for f in named.iter().filter_map(|n| PopField::from_name(n)) {
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out.sort();
    out
}

/// A value taken from a source for a field the intake form has no box for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sourced {
    pub value: String,
    pub evidence: Evidence,
}

/// Where a dossier's population check stands, per person block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckMark {
    pub state: CheckMarkState,
    /// When, as the audit log has it (RFC 3339, Vietnam time).
    pub at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckMarkState {
    /// Queued offline: the answer comes with sync.
    Pending,
    /// Checked: the database has the citizen.
    Found,
    /// Checked: no citizen matches.
    NotFound,
}

impl CheckMarkState {
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            CheckMarkState::Pending => "check.mark.pending",
            CheckMarkState::Found => "check.mark.found",
            CheckMarkState::NotFound => "check.mark.not_found",
        }
    }
}

/// How one field compares across the sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Nothing anywhere.
    Empty,
    /// The same, character for character.
    Equal,
    /// The same once written the same way (case, spacing, Unicode form, tone-mark
    /// placement, date format, codes vs names, old vs new address levels).
    Normalized,
    /// The database has it; the dossier does not.
    MissingHere,
    /// The dossier (or card) has it; the database does not.
    MissingInDb,
    /// The values differ.
    Different,
}

impl Status {
    fn of(c: Compared) -> Self {
        match c {
            Compared::Equal => Status::Equal,
            Compared::EqualNormalized => Status::Normalized,
            Compared::Different => Status::Different,
            Compared::OnlyLeft => Status::MissingInDb,
            Compared::OnlyRight => Status::MissingHere,
            Compared::BothEmpty => Status::Empty,
        }
    }

    /// Symbol, for colourless terminals and plain-text snapshots.
    #[must_use]
    pub const fn symbol(self, ascii: bool) -> &'static str {
        match (self, ascii) {
            (Status::Empty, _) => " ",
            (Status::Equal, _) => "=",
            (Status::Normalized, false) => "≈",
            (Status::Normalized, true) => "~",
            (Status::MissingHere | Status::MissingInDb, false) => "∅",
            (Status::MissingHere | Status::MissingInDb, true) => "0",
            (Status::Different, false) => "≠",
            (Status::Different, true) => "!",
        }
    }

    /// The i18n key of its word.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Status::Empty => "diff.empty",
            Status::Equal => "diff.equal",
            Status::Normalized => "diff.normalized",
            Status::MissingHere => "diff.missing_here",
            Status::MissingInDb => "diff.missing_db",
            Status::Different => "diff.different",
        }
    }

    /// Whether "take all that differ" takes it.
    #[must_use]
    pub const fn differs(self) -> bool {
        matches!(self, Status::Different | Status::MissingHere)
    }
}

/// A part of a sub-record (a parent, the spouse, the representative, the head).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubRow {
    /// i18n key of the label.
    pub key: &'static str,
    pub db: String,
}

/// One row of the diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub field: PopField,
    /// What the dossier holds (the form box, or a value taken before).
    pub form: String,
    /// What the card says (empty until a card is read).
    pub card: String,
    /// What the population database returned, as text.
    pub db: String,
    pub status: Status,
    /// The procedure keeps this field, so its database value may be taken.
    pub takeable: bool,
    /// The parts of a sub-record.
    pub parts: Vec<SubRow>,
}

/// Values read from the card, by field (filled by the card reader).
pub type CardValues = BTreeMap<PopField, String>;

/// The field-by-field diff of a person block (and the card, when read) against the
/// database record. `kept` is what the procedure keeps ([`kept_fields`]).
#[must_use]
pub fn diff(
    form: &PersonForm,
    card: Option<&CardValues>,
    db: &CitizenRecord,
    kept: &[PopField],
) -> Vec<Row> {
    PopField::ALL
        .iter()
        .map(|&field| {
            let here = form_value(form, field);
            let theirs = db_value(db, field);
            let card_value = card
                .and_then(|c| c.get(&field))
                .map(|s| s.trim().to_owned())
                .unwrap_or_default();
            let mut status = Status::of(compare(field, &here, db, &theirs));
            if !card_value.is_empty() {
                let c = Status::of(compare(field, &card_value, db, &theirs));
                // The card can only make it worse: a card that disagrees is a difference
                // even when the form agrees.
                if c > status && c != Status::MissingHere {
                    status = c;
                }
            }
            Row {
                field,
                form: here,
                card: card_value,
                takeable: !theirs.is_empty() && kept.contains(&field),
                db: theirs,
                status,
                parts: parts(db, field),
            }
        })
        .collect()
}

fn compare(field: PopField, here: &str, db: &CitizenRecord, theirs: &str) -> Compared {
    match field {
        PopField::BirthDate => compare_date(here, theirs),
        PopField::PermanentAddress => compare_address(here, &db.permanent_address),
        PopField::CurrentAddress => compare_address(here, &db.current_address),
        PopField::HomeTown => compare_address(here, &db.home_town),
        PopField::BirthRegistrationPlace => compare_address(here, &db.birth_registration_place),
        PopField::IdNumber | PopField::OldIdNumber | PopField::HouseholdBookNumber => {
            let digits = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            match compare_text(here, theirs) {
                Compared::Different if digits(here) == digits(theirs) => Compared::EqualNormalized,
                other => other,
            }
        }
        _ => compare_text(here, theirs),
    }
}

/// The form's value of a field: its box, or what was taken into the dossier before.
#[must_use]
pub fn form_value(form: &PersonForm, field: PopField) -> String {
    let id = form.id_number.trim();
    let digits = id.len();
    match field {
        PopField::IdNumber if digits != 9 => id.to_owned(),
        PopField::OldIdNumber if digits == 9 => id.to_owned(),
        PopField::IdNumber => String::new(),
        PopField::FullName => form.name.trim().to_owned(),
        PopField::Sex => form.sex.map(sex_text).unwrap_or_default().to_owned(),
        PopField::BirthDate => form.birth.trim().to_owned(),
        PopField::PermanentAddress => form.address.trim().to_owned(),
        other => form
            .extra
            .get(&other)
            .map(|s| s.value.clone())
            .unwrap_or_default(),
    }
}

const fn sex_text(s: Sex) -> &'static str {
    match s {
        Sex::Male => "Nam",
        Sex::Female => "Nữ",
    }
}

/// A date from the database (`YYYY-MM-DD` or `YYYY`) as the form writes it.
#[must_use]
pub fn db_date(s: &str) -> String {
    match s.trim().split('-').collect::<Vec<_>>()[..] {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => s.trim().to_owned(),
    }
}

fn person_text(p: Option<&RelatedPerson>) -> String {
    p.map(|p| {
        let mut s = p.full_name.trim().to_owned();
        if let Some(id) = p.id_number.as_deref().or(p.old_id_number.as_deref())
            && !id.trim().is_empty()
        {
            s.push_str(" · ");
            s.push_str(id.trim());
        }
        s
    })
    .unwrap_or_default()
}

/// The database's value of a field, as text.
#[must_use]
pub fn db_value(db: &CitizenRecord, field: PopField) -> String {
    match field {
        PopField::IdNumber => db.id_number.trim().to_owned(),
        PopField::OldIdNumber => db.old_id_number.clone().unwrap_or_default(),
        PopField::FullName => db.full_name.full(),
        PopField::Sex => sex_text(db.sex).to_owned(),
        PopField::Ethnicity => db.ethnicity.name.clone(),
        PopField::BirthDate => db_date(&db.birth_date),
        PopField::BirthRegistrationPlace => address_text(&db.birth_registration_place),
        PopField::HomeTown => address_text(&db.home_town),
        PopField::PermanentAddress => address_text(&db.permanent_address),
        PopField::CurrentAddress => address_text(&db.current_address),
        PopField::Religion => db.religion.name.clone(),
        PopField::MaritalStatus => match db.marital_status {
            MaritalStatus::Single => "Chưa kết hôn",
            MaritalStatus::Married => "Đang có vợ/chồng",
            MaritalStatus::DivorcedOrWidowed => "Ly hôn/góa",
        }
        .to_owned(),
        PopField::BloodGroup => match db.blood_group {
            BloodGroup::Unknown => "",
            BloodGroup::A => "A",
            BloodGroup::B => "B",
            BloodGroup::AB => "AB",
            BloodGroup::O => "O",
        }
        .to_owned(),
        PopField::Nationality => db.nationality.name.clone(),
        PopField::Father => person_text(db.father.as_ref()),
        PopField::Mother => person_text(db.mother.as_ref()),
        PopField::Spouse => person_text(db.spouse.as_ref()),
        PopField::Representative => person_text(db.representative.as_ref()),
        PopField::HouseholdHead => db
            .household_head
            .as_ref()
            .map(|h| format!("{} · {}", h.full_name.trim(), h.id_number.trim()))
            .unwrap_or_default(),
        PopField::HouseholdBookNumber => db.household_book_number.clone().unwrap_or_default(),
    }
}

fn parts(db: &CitizenRecord, field: PopField) -> Vec<SubRow> {
    let person = |p: Option<&RelatedPerson>| {
        p.map(|p| {
            vec![
                SubRow {
                    key: "pop.part.name",
                    db: p.full_name.clone(),
                },
                SubRow {
                    key: "pop.part.nationality",
                    db: p.nationality.name.clone(),
                },
                SubRow {
                    key: "pop.part.id_number",
                    db: p.id_number.clone().unwrap_or_default(),
                },
                SubRow {
                    key: "pop.part.old_id_number",
                    db: p.old_id_number.clone().unwrap_or_default(),
                },
            ]
        })
        .unwrap_or_default()
    };
    match field {
        PopField::Father => person(db.father.as_ref()),
        PopField::Mother => person(db.mother.as_ref()),
        PopField::Spouse => person(db.spouse.as_ref()),
        PopField::Representative => person(db.representative.as_ref()),
        PopField::HouseholdHead => db
            .household_head
            .as_ref()
            .map(|h| {
                vec![
                    SubRow {
                        key: "pop.part.name",
                        db: h.full_name.clone(),
                    },
                    SubRow {
                        key: "pop.part.relation",
                        db: h.relation.clone(),
                    },
                    SubRow {
                        key: "pop.part.id_number",
                        db: h.id_number.clone(),
                    },
                    SubRow {
                        key: "pop.part.old_id_number",
                        db: h.old_id_number.clone().unwrap_or_default(),
                    },
                ]
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The fields the database returned with a value (for the audit log).
#[must_use]
pub fn fields_returned(db: &CitizenRecord) -> Vec<&'static str> {
    PopField::ALL
        .iter()
        .filter(|f| !db_value(db, **f).is_empty())
        .map(|f| f.name())
        .collect()
}

/// Takes the database values of `fields` into a person block: form boxes get the value
/// and the population database as their evidence; other kept fields go to `extra`.
/// Rows that are not takeable are skipped. Returns how many fields changed.
pub fn take(person: &mut PersonForm, rows: &[Row], fields: &[PopField]) -> usize {
    let evidence = Evidence::of(Source::PopulationDb);
    let mut changed = 0;
    for row in rows
        .iter()
        .filter(|r| r.takeable && fields.contains(&r.field))
    {
        put(person, row.field, &row.db, evidence);
        changed += 1;
    }
    changed
}

/// Takes what a card says into a person block with the card's evidence: the form boxes
/// always, other fields only when the procedure keeps them (`kept`). Returns how many
/// fields were set.
pub fn take_card(
    person: &mut PersonForm,
    card: &CardValues,
    evidence: Evidence,
    kept: &[PopField],
) -> usize {
    let mut changed = 0;
    for (field, value) in card {
        if value.trim().is_empty() || (field.form_field().is_none() && !kept.contains(field)) {
            continue;
        }
        put(person, *field, value, evidence);
        changed += 1;
    }
    changed
}

/// Sets one field of a person block from outside text (sanitised: no control
/// characters into the dossier) with its evidence.
fn put(person: &mut PersonForm, field: PopField, value: &str, evidence: Evidence) {
    let value = crate::text::sanitize(value.trim()).0;
    match field.form_field() {
        Some(PersonField::Sex) => {
            person.sex = match value.as_str() {
                "Nam" => Some(Sex::Male),
                "Nữ" => Some(Sex::Female),
                _ => person.sex,
            };
            person.evidence.insert(PersonField::Sex, evidence);
        }
        Some(f) => {
            let slot = match f {
                PersonField::Name => &mut person.name,
                PersonField::IdNumber => &mut person.id_number,
                PersonField::Birth => &mut person.birth,
                _ => &mut person.address,
            };
            *slot = value;
            person.evidence.insert(f, evidence);
        }
        None => {
            person.extra.insert(field, Sourced { value, evidence });
        }
    }
}

/// The rows "take all that differ" marks.
#[must_use]
pub fn differing(rows: &[Row]) -> Vec<PopField> {
    rows.iter()
        .filter(|r| r.takeable && r.status.differs())
        .map(|r| r.field)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Address, CodeName, HouseholdHead, LegacyAddress};
    use proptest::prelude::*;

    fn cn(code: &str, name: &str) -> CodeName {
        CodeName {
            code: code.into(),
            name: name.into(),
        }
    }

    fn address() -> Address {
        Address {
            detail: "Số 25 đường Nguyễn Thị Minh Khai".into(),
            province: cn("79", "Thành phố Hồ Chí Minh"),
            ward: cn("26734", "Phường Bến Thành"),
            legacy: Some(LegacyAddress {
                province: cn("79", "Thành phố Hồ Chí Minh"),
                district: cn("760", "Quận 1"),
                ward: cn("26734", "Phường Bến Thành"),
            }),
        }
    }

    fn person(name: &str, id: Option<&str>) -> RelatedPerson {
        RelatedPerson {
            full_name: name.into(),
            nationality: cn("VN", "Việt Nam"),
            id_number: id.map(Into::into),
            old_id_number: None,
        }
    }

    pub(crate) fn record() -> CitizenRecord {
        CitizenRecord {
            id_number: "079192019782".into(),
            old_id_number: None,
            full_name: crate::api::PersonName {
                family: "Lê".into(),
                middle: "Thị Thu".into(),
                given: "Hà".into(),
            },
            sex: Sex::Female,
            ethnicity: cn("01", "Kinh"),
            birth_date: "1992-05-14".into(),
            birth_registration_place: address(),
            home_town: address(),
            permanent_address: address(),
            current_address: address(),
            religion: cn("00", "Không"),
            marital_status: MaritalStatus::Married,
            blood_group: BloodGroup::O,
            nationality: cn("VN", "Việt Nam"),
            father: Some(person("Lê Văn Tâm", None)),
            mother: Some(person("Trần Thị Lan", None)),
            spouse: Some(person("Phạm Quốc Bảo", Some("042089006135"))),
            representative: None,
            household_head: Some(HouseholdHead {
                relation: "Chủ hộ".into(),
                id_number: "079192019782".into(),
                old_id_number: None,
                full_name: "Lê Thị Thu Hà".into(),
            }),
            household_book_number: Some("790142857".into()),
        }
    }

    fn form() -> PersonForm {
        PersonForm {
            name: "Lê Thị Thu Hà".into(),
            id_number: "079192019782".into(),
            birth: "14/05/1992".into(),
            sex: Some(Sex::Female),
            address: "Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh"
                .into(),
            ..PersonForm::default()
        }
    }

    fn status(rows: &[Row], f: PopField) -> Status {
        rows.iter().find(|r| r.field == f).unwrap().status
    }

    #[test]
    fn a_form_typed_as_the_record_is_equal_field_by_field() {
        let rows = diff(&form(), None, &record(), &kept_fields(&[]));
        assert_eq!(rows.len(), 20);
        for f in [
            PopField::IdNumber,
            PopField::FullName,
            PopField::Sex,
            PopField::BirthDate,
            PopField::PermanentAddress,
        ] {
            assert_eq!(status(&rows, f), Status::Equal, "{f:?}");
        }
        assert_eq!(status(&rows, PopField::OldIdNumber), Status::Empty);
        assert_eq!(status(&rows, PopField::Ethnicity), Status::MissingHere);
        assert!(
            differing(&rows).is_empty(),
            "nothing the procedure keeps differs"
        );
    }

    #[test]
    fn the_comparison_traps_are_equal_after_normalisation() {
        let mut f = form();
        f.name = "LE\u{302} THI\u{323} THU HA\u{300}".into();
        f.birth = "1992".into();
        f.address = "số 25 đường nguyễn thị minh khai, P. Bến Thành, Quận 1, TP Hồ Chí Minh".into();
        f.id_number = "0791 9201 9782".into();
        let rows = diff(&f, None, &record(), &kept_fields(&[]));
        for p in [
            PopField::FullName,
            PopField::BirthDate,
            PopField::PermanentAddress,
            PopField::IdNumber,
        ] {
            assert_eq!(status(&rows, p), Status::Normalized, "{p:?}");
        }
    }

    #[test]
    fn differences_missing_values_and_the_card() {
        let mut f = form();
        f.sex = Some(Sex::Male);
        f.name = "Le Thi Thu Ha".into();
        f.address = String::new();
        let mut card = CardValues::new();
        card.insert(PopField::BirthDate, "15/05/1992".into());
        let rows = diff(&f, Some(&card), &record(), &kept_fields(&[]));
        assert_eq!(status(&rows, PopField::Sex), Status::Different);
        assert_eq!(
            status(&rows, PopField::FullName),
            Status::Different,
            "a missing diacritic is a difference"
        );
        assert_eq!(
            status(&rows, PopField::PermanentAddress),
            Status::MissingHere
        );
        assert_eq!(
            status(&rows, PopField::BirthDate),
            Status::Different,
            "the card disagrees although the form agrees"
        );
        assert_eq!(
            differing(&rows),
            vec![
                PopField::FullName,
                PopField::Sex,
                PopField::BirthDate,
                PopField::PermanentAddress
            ]
        );
    }

    #[test]
    fn a_nine_digit_number_is_compared_with_the_cmnd() {
        let mut r = record();
        r.old_id_number = Some("183456789".into());
        let mut f = form();
        f.id_number = "183456789".into();
        let rows = diff(&f, None, &r, &kept_fields(&[]));
        assert_eq!(status(&rows, PopField::OldIdNumber), Status::Equal);
        assert_eq!(status(&rows, PopField::IdNumber), Status::MissingHere);
    }

    #[test]
    fn only_kept_fields_are_takeable_and_sensitive_ones_only_when_named() {
        let rows = diff(&form(), None, &record(), &kept_fields(&[]));
        let takeable: Vec<PopField> = rows
            .iter()
            .filter(|r| r.takeable)
            .map(|r| r.field)
            .collect();
        assert_eq!(takeable, PopField::DEFAULT_KEPT.to_vec());
        for s in PopField::SENSITIVE {
            assert!(!takeable.contains(&s));
        }
        let kept = kept_fields(&["ethnicity".into(), "nonsense".into(), "father".into()]);
        assert!(kept.contains(&PopField::Ethnicity) && kept.contains(&PopField::Father));
        assert!(!kept.contains(&PopField::Religion));
        let rows = diff(&form(), None, &record(), &kept);
        let mut f = form();
        let n = take(&mut f, &rows, &PopField::ALL);
        assert_eq!(n, kept.len(), "every kept field with a value is taken");
        assert!(f.extra.contains_key(&PopField::Ethnicity));
        assert!(!f.extra.contains_key(&PopField::Religion));
        assert!(!f.extra.contains_key(&PopField::BloodGroup));
    }

    #[test]
    fn taking_sets_values_and_the_population_db_as_evidence() {
        let mut f = PersonForm {
            name: "Le Thi Thu Ha".into(),
            sex: Some(Sex::Male),
            ..PersonForm::default()
        };
        let kept = kept_fields(&["household_book_number".into()]);
        let rows = diff(&f, None, &record(), &kept);
        let marked = differing(&rows);
        take(&mut f, &rows, &marked);
        assert_eq!(f.name, "Lê Thị Thu Hà");
        assert_eq!(f.sex, Some(Sex::Female));
        assert_eq!(f.birth, "14/05/1992");
        assert_eq!(f.id_number, "079192019782");
        assert!(f.address.starts_with("Số 25 đường"));
        assert_eq!(
            f.evidence_of(PersonField::Name).source,
            Source::PopulationDb
        );
        assert_eq!(f.extra[&PopField::HouseholdBookNumber].value, "790142857");
        // Taken again, everything now agrees.
        let again = diff(&f, None, &record(), &kept);
        assert!(differing(&again).is_empty());
        assert_eq!(status(&again, PopField::HouseholdBookNumber), Status::Equal);
    }

    #[test]
    fn sub_records_have_their_parts_and_fields_returned_lists_what_came() {
        let rows = diff(&form(), None, &record(), &kept_fields(&[]));
        let spouse = rows.iter().find(|r| r.field == PopField::Spouse).unwrap();
        assert_eq!(spouse.parts.len(), 4);
        assert_eq!(spouse.db, "Phạm Quốc Bảo · 042089006135");
        let returned = fields_returned(&record());
        assert!(returned.contains(&"mother"));
        assert!(!returned.contains(&"representative"));
        assert!(!returned.contains(&"old_id_number"));
    }

    #[test]
    fn lookup_inputs_are_validated_as_the_form() {
        let today = jiff::civil::date(2026, 11, 23);
        let ok = LookupInput {
            name: "Lê Thị Thu Hà".into(),
            birth: "14/05/1992".into(),
            doc: DocumentType::Cccd,
            number: "079192019782".into(),
        };
        assert!(ok.problems(today).is_empty());
        assert_eq!(ok.api_birth(today), "1992-05-14");
        let year = LookupInput {
            birth: "1946".into(),
            ..ok.clone()
        };
        assert_eq!(year.api_birth(today), "1946");
        let bad = LookupInput {
            name: " ".into(),
            birth: "2/1/1981".into(),
            doc: DocumentType::Cmnd,
            number: "03080104271".into(),
        };
        let fields: Vec<LookupField> = bad.problems(today).iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            vec![LookupField::Name, LookupField::Birth, LookupField::Number]
        );
    }

    proptest! {
        #[test]
        fn any_form_text_diffs_without_panic(
            name in any::<String>(),
            id in any::<String>(),
            birth in any::<String>(),
            addr in any::<String>(),
        ) {
            let f = PersonForm {
                name,
                id_number: id,
                birth,
                address: addr,
                ..PersonForm::default()
            };
            let rows = diff(&f, None, &record(), &PopField::ALL);
            prop_assert_eq!(rows.len(), 20);
        }
    }
}
