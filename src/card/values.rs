//! What a card says, as population-database fields: the chip's DG13 and the QR code,
//! in the form the intake form and the diff use (dates `dd/mm/yyyy`, sex `Nam`/`Nữ`,
//! text in NFC with control characters removed).

use unicode_normalization::UnicodeNormalization;

use super::dg13::{self, Dg13};
use super::qr::QrData;
use crate::api::Sex;
use crate::dossier::format_date;
use crate::dossier::population::{CardValues, PopField};

/// Outside text as a form value: NFC, trimmed, no control characters.
fn clean(s: &str) -> String {
    let nfc: String = s.trim().nfc().collect();
    crate::text::sanitize_field(&nfc)
}

/// The sex as the form writes it, when the card's text is recognisable.
fn sex_word(s: &str) -> Option<&'static str> {
    match crate::text::fold(s.trim()).as_str() {
        "nam" | "m" | "male" => Some("Nam"),
        "nu" | "f" | "female" => Some("Nữ"),
        _ => None,
    }
}

const fn sex_of(s: Sex) -> &'static str {
    match s {
        Sex::Male => "Nam",
        Sex::Female => "Nữ",
    }
}

/// A date as the form writes it: a card's `d/m/yyyy` becomes `dd/mm/yyyy`; anything
/// else (a year alone, text) is kept as written.
fn date_text(s: &str) -> String {
    match dg13::parse_date(s) {
        Some(d) => format_date(d),
        None => clean(s),
    }
}

/// The chip's DG13 as population-database fields.
#[must_use]
pub fn from_dg13(d: &Dg13) -> CardValues {
    let mut out = CardValues::new();
    let mut put = |field: PopField, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            out.insert(field, v);
        }
    };
    put(PopField::IdNumber, d.id_number.as_deref().map(clean));
    put(PopField::OldIdNumber, d.old_id_number.as_deref().map(clean));
    put(PopField::FullName, d.full_name.as_deref().map(clean));
    put(
        PopField::Sex,
        d.sex
            .as_deref()
            .map(|s| sex_word(s).map_or_else(|| clean(s), str::to_owned)),
    );
    put(PopField::Ethnicity, d.ethnicity.as_deref().map(clean));
    put(PopField::BirthDate, d.birth_date.as_deref().map(date_text));
    put(PopField::HomeTown, d.hometown.as_deref().map(clean));
    put(
        PopField::PermanentAddress,
        d.permanent_address.as_deref().map(clean),
    );
    put(PopField::Religion, d.religion.as_deref().map(clean));
    put(PopField::Nationality, d.nationality.as_deref().map(clean));
    put(PopField::Father, d.father_name.as_deref().map(clean));
    put(PopField::Mother, d.mother_name.as_deref().map(clean));
    put(PopField::Spouse, d.spouse_name.as_deref().map(clean));
    out
}

/// The card's QR code as population-database fields.
#[must_use]
pub fn from_qr(q: &QrData) -> CardValues {
    let mut out = CardValues::new();
    out.insert(PopField::IdNumber, clean(&q.id_number));
    if let Some(old) = q.old_id_number.as_deref().filter(|s| !s.is_empty()) {
        out.insert(PopField::OldIdNumber, clean(old));
    }
    out.insert(PopField::FullName, clean(&q.full_name));
    out.insert(PopField::Sex, sex_of(q.sex).to_owned());
    out.insert(PopField::BirthDate, format_date(q.birth_date));
    out.insert(PopField::PermanentAddress, clean(&q.address));
    out.retain(|_, v| !v.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::virtual_card::demo_holder;

    #[test]
    fn dg13_fields_become_form_values() {
        let mut d = demo_holder().details;
        d.birth_date = Some("4/5/1992".into());
        d.full_name = Some("Le\u{302} Thi\u{323} Thu Ha\u{300}\u{1b}[31m".into());
        d.sex = Some(" Nữ ".into());
        d.old_id_number = Some(String::new());
        let v = from_dg13(&d);
        assert_eq!(v[&PopField::BirthDate], "04/05/1992");
        assert_eq!(v[&PopField::FullName], "Lê Thị Thu Hà\u{FFFD}[31m");
        assert_eq!(v[&PopField::Sex], "Nữ");
        assert_eq!(v[&PopField::Mother], "Trần Thị Lan");
        assert!(!v.contains_key(&PopField::OldIdNumber));
        assert!(!v.contains_key(&PopField::HouseholdHead));
    }

    #[test]
    fn qr_fields_become_form_values() {
        let q = crate::card::qr::parse(
            "079192019782|123456789|Lê Thị Thu Hà|14051992|Nữ|Số 25, Phường Bến Thành|10082021\r\n",
        )
        .unwrap();
        let v = from_qr(&q);
        assert_eq!(v[&PopField::IdNumber], "079192019782");
        assert_eq!(v[&PopField::OldIdNumber], "123456789");
        assert_eq!(v[&PopField::BirthDate], "14/05/1992");
        assert_eq!(v[&PopField::Sex], "Nữ");
        assert_eq!(v[&PopField::PermanentAddress], "Số 25, Phường Bến Thành");
    }
}
