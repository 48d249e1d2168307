//! Comparing one value from two sources (the form, the card, the population database)
//! the way an official reads them: identical, identical once written the same way, or
//! different. Pure.
//!
//! "Written the same way" forgives what carries no meaning: case, extra spaces, NFC vs NFD,
//! old vs new tone-mark placement (*Hoà*/*Hòa*, *Thanh Hoá*/*Thanh Hóa*, *Thuý*/*Thúy*)
//! and date formats (`dd/mm/yyyy`, `yyyyMMdd`, `yyyy-mm-dd`). It never forgives a
//! missing or different diacritic: *Hà* and *Ha* are different names.

use unicode_normalization::UnicodeNormalization;

use crate::api::types::{Address, CodeName};

/// How two values compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compared {
    /// Byte for byte the same (after trimming).
    Equal,
    /// The same once case, spacing, Unicode form, tone-mark placement or date format are
    /// set aside.
    EqualNormalized,
    Different,
    /// Only the left (first) value is there.
    OnlyLeft,
    /// Only the right (second) value is there.
    OnlyRight,
    /// Neither is there.
    BothEmpty,
}

/// The five Vietnamese tone marks as combining characters, numbered as in the
/// telex-style convention: 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng.
fn tone_of(c: char) -> Option<u8> {
    match c {
        '\u{0301}' => Some(1),
        '\u{0300}' => Some(2),
        '\u{0309}' => Some(3),
        '\u{0303}' => Some(4),
        '\u{0323}' => Some(5),
        _ => None,
    }
}

/// A spelling-independent key of a text: each word lower-cased, without its tone mark
/// (kept as a digit after the word, wherever the mark was written), NFC, words joined
/// by one space. Vowel marks (â, ă, ê, ô, ơ, ư) and đ stay: they change the word.
#[must_use]
pub fn canonical(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut base = String::new();
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            // No marks to move: lower-case it (control characters dropped).
            out.extend(
                word.chars()
                    .filter(|c| !c.is_control())
                    .map(|c| c.to_ascii_lowercase()),
            );
            continue;
        }
        let mut tone = None;
        base.clear();
        base.extend(
            word.nfd()
                .filter(|&c| match tone_of(c) {
                    Some(t) => {
                        tone.get_or_insert(t);
                        false
                    }
                    None => !c.is_control(),
                })
                .flat_map(char::to_lowercase),
        );
        out.extend(base.nfc());
        if let Some(t) = tone {
            out.push(char::from(b'0' + t));
        }
    }
    out
}

/// Compares two texts.
#[must_use]
pub fn compare_text(left: &str, right: &str) -> Compared {
    let (l, r) = (left.trim(), right.trim());
    match (l.is_empty(), r.is_empty()) {
        (true, true) => Compared::BothEmpty,
        (false, true) => Compared::OnlyLeft,
        (true, false) => Compared::OnlyRight,
        (false, false) if l == r => Compared::Equal,
        (false, false) if canonical(l) == canonical(r) => Compared::EqualNormalized,
        (false, false) => Compared::Different,
    }
}

/// A date as the sources write it: `dd/mm/yyyy`, `yyyyMMdd`, `yyyy-mm-dd` or a year
/// alone. `(year, Some((month, day)))`, or `None` when it is none of these.
#[must_use]
pub fn parse_any_date(s: &str) -> Option<(i16, Option<(i8, i8)>)> {
    let s = s.trim();
    let num = |t: &str| -> Option<i64> {
        (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let (y, md) = if s.len() == 4 {
        (num(s)?, None)
    } else if s.len() == 8 && num(s).is_some() {
        (num(&s[..4])?, Some((num(&s[4..6])?, num(&s[6..])?)))
    } else if let [d, m, y] = s.split('/').collect::<Vec<_>>()[..] {
        (num(y)?, Some((num(m)?, num(d)?)))
    } else if let [y, m, d] = s.split('-').collect::<Vec<_>>()[..] {
        (num(y)?, Some((num(m)?, num(d)?)))
    } else {
        return None;
    };
    let year = i16::try_from(y).ok()?;
    let md = match md {
        None => None,
        Some((m, d)) => {
            let (m, d) = (i8::try_from(m).ok()?, i8::try_from(d).ok()?);
            jiff::civil::Date::new(year, m, d).ok()?;
            Some((m, d))
        }
    };
    Some((year, md))
}

/// Compares two dates written in any of the sources' formats. A year alone against a
/// full date of that year is `EqualNormalized` (the population database may hold only
/// the year); text that is not a date is compared as text.
#[must_use]
pub fn compare_date(left: &str, right: &str) -> Compared {
    match compare_text(left, right) {
        Compared::Different => {}
        other => return other,
    }
    match (parse_any_date(left), parse_any_date(right)) {
        (Some((ly, lmd)), Some((ry, rmd))) if ly == ry => match (lmd, rmd) {
            (Some(a), Some(b)) if a != b => Compared::Different,
            _ => Compared::EqualNormalized,
        },
        _ => Compared::Different,
    }
}

/// Administrative-unit type words as `canonical` writes them, each followed by a space
/// before the unit's name: phường, xã, thị trấn, đặc khu, quận, huyện, thị xã,
/// thành phố, tỉnh, and the abbreviations tp, tx, tt.
const UNIT_TYPES: [&str; 12] = [
    "phương2",
    "xa4",
    "thi5 trân1",
    "đăc5 khu",
    "quân5",
    "huyên5",
    "thi5 xa4",
    "thanh2 phô1",
    "tinh3",
    "tp",
    "tx",
    "tt",
];

/// Abbreviated unit types ending in a dot; the name may follow without a space
/// ("P.Bến Thành").
const UNIT_TYPES_DOTTED: [&str; 7] = ["p.", "x.", "q.", "h.", "tp.", "tx.", "tt."];

/// A unit's canonical name without its leading type word ("phương2 bên1 thanh2" →
/// "bên1 thanh2"). A type word alone is kept.
fn strip_unit_type(key: &str) -> &str {
    for t in UNIT_TYPES {
        if let Some(rest) = key.strip_prefix(t).and_then(|r| r.strip_prefix(' '))
            && !rest.is_empty()
        {
            return rest;
        }
    }
    for t in UNIT_TYPES_DOTTED {
        if let Some(rest) = key.strip_prefix(t).map(|r| r.trim_start_matches(' '))
            && !rest.is_empty()
        {
            return rest;
        }
    }
    key
}

/// The canonical keys of the parts of an address line, split on ',' and ';'; empty
/// parts are dropped.
fn address_parts(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split([',', ';']).map(canonical).filter(|p| !p.is_empty())
}

/// The trimmed, non-empty parts joined by ", ".
fn join_parts(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(p);
    }
    out
}

/// The address in its two-level form: detail, ward, province (the non-empty ones),
/// joined by ", ".
#[must_use]
pub fn address_text(a: &Address) -> String {
    join_parts(&[&a.detail, &a.ward.name, &a.province.name])
}

/// The address in its three-level form as registered before 1 Jul 2025: detail, ward,
/// district, province (the non-empty ones), joined by ", ". `None` without that form.
#[must_use]
pub fn legacy_address_text(a: &Address) -> Option<String> {
    a.legacy
        .as_ref()
        .map(|l| join_parts(&[&a.detail, &l.ward.name, &l.district.name, &l.province.name]))
}

/// Whether the text's unit parts (canonical keys) are these units, in order. A unit with
/// a blank name is skipped; a part of digits alone may give the unit's code instead.
fn units_match(parts: &[String], units: &[&CodeName]) -> bool {
    let present = || units.iter().filter(|u| !u.name.trim().is_empty());
    // Counting first spares the canonical keys of a form the text cannot be.
    if present().count() != parts.len() {
        return false;
    }
    parts.iter().zip(present()).all(|(p, u)| {
        (p.bytes().all(|b| b.is_ascii_digit()) && p == u.code.trim())
            || strip_unit_type(p) == strip_unit_type(&canonical(&u.name))
    })
}

/// Compares an address typed on the form or read from the card (one line of text) with
/// the population database's. `EqualNormalized` when, part by part, it is the two-level
/// or the three-level (legacy) address once case, spacing, Unicode form, tone-mark
/// placement and unit type words (*Phường*, *P.*, *TP*…) are set aside, or a unit is
/// given by its code.
#[must_use]
pub fn compare_address(text: &str, a: &Address) -> Compared {
    let t = text.trim();
    let db_empty = [&a.detail, &a.ward.name, &a.province.name]
        .iter()
        .all(|s| s.trim().is_empty());
    match (t.is_empty(), db_empty) {
        (true, true) => return Compared::BothEmpty,
        (false, true) => return Compared::OnlyLeft,
        (true, false) => return Compared::OnlyRight,
        (false, false) => {}
    }
    if t == address_text(a) {
        return Compared::Equal;
    }
    let parts: Vec<String> = address_parts(t).collect();
    let mut rest = parts.iter();
    for d in address_parts(&a.detail) {
        if rest.next() != Some(&d) {
            return Compared::Different;
        }
    }
    let units = rest.as_slice();
    let same = units_match(units, &[&a.ward, &a.province])
        || a.legacy
            .as_ref()
            .is_some_and(|l| units_match(units, &[&l.ward, &l.district, &l.province]));
    if same {
        Compared::EqualNormalized
    } else {
        Compared::Different
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tone_mark_placement_case_spacing_and_unicode_form() {
        for (a, b) in [
            ("Hoà", "Hòa"),
            ("Thanh Hoá", "Thanh Hóa"),
            ("Nguyễn Thị Thuý", "NGUYỄN  THỊ THÚY"),
            ("Lê Thị Thu Hà", "Le\u{302} Thi\u{323} Thu Ha\u{300}"),
            ("  Khoẻ ", "khỏe"),
        ] {
            assert_eq!(compare_text(a, b), Compared::EqualNormalized, "{a} / {b}");
        }
        assert_eq!(compare_text("Hà", "Hà"), Compared::Equal);
    }

    #[test]
    fn a_missing_or_different_mark_is_a_difference() {
        for (a, b) in [
            ("Hà", "Ha"),
            ("Hà", "Há"),
            ("Đức", "Duc"),
            ("Đức", "Dức"),
            ("Lê Thị Thu Hà", "LE THI THU HA"),
            ("Hương", "Huong"),
            ("Mai", "Mại"),
        ] {
            assert_eq!(compare_text(a, b), Compared::Different, "{a} / {b}");
        }
    }

    #[test]
    fn missing_sides() {
        assert_eq!(compare_text("", " "), Compared::BothEmpty);
        assert_eq!(compare_text("a", ""), Compared::OnlyLeft);
        assert_eq!(compare_text("", "a"), Compared::OnlyRight);
    }

    #[test]
    fn dates_in_any_format() {
        assert_eq!(
            compare_date("14/05/1992", "19920514"),
            Compared::EqualNormalized
        );
        assert_eq!(
            compare_date("14/05/1992", "1992-05-14"),
            Compared::EqualNormalized
        );
        assert_eq!(
            compare_date("14/05/1992", "1992"),
            Compared::EqualNormalized
        );
        assert_eq!(compare_date("1992", "1992"), Compared::Equal);
        assert_eq!(
            compare_date("14/05/1992", "15/05/1992"),
            Compared::Different
        );
        assert_eq!(compare_date("14/05/1992", "1993"), Compared::Different);
        assert_eq!(compare_date("31/02/1992", "1992"), Compared::Different);
        assert_eq!(compare_date("không rõ", "1992"), Compared::Different);
        assert_eq!(parse_any_date("19920231"), None);
        assert_eq!(parse_any_date("1992"), Some((1992, None)));
    }

    fn cn(code: &str, name: &str) -> CodeName {
        CodeName {
            code: code.into(),
            name: name.into(),
        }
    }

    /// Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh; before
    /// 1 Jul 2025 also Quận 1 (the legacy ward has its own code, 26740).
    fn ben_thanh(legacy: bool) -> Address {
        Address {
            detail: "Số 25 đường Nguyễn Thị Minh Khai".into(),
            province: cn("79", "Thành phố Hồ Chí Minh"),
            ward: cn("26734", "Phường Bến Thành"),
            legacy: legacy.then(|| crate::api::types::LegacyAddress {
                province: cn("79", "Thành phố Hồ Chí Minh"),
                district: cn("760", "Quận 1"),
                ward: cn("26740", "Phường Bến Thành"),
            }),
        }
    }

    #[test]
    fn unit_type_keys_are_canonical() {
        let words = [
            "Phường",
            "Xã",
            "Thị trấn",
            "Đặc khu",
            "Quận",
            "Huyện",
            "Thị xã",
            "Thành phố",
            "Tỉnh",
            "TP",
            "TX",
            "TT",
        ];
        for (w, key) in words.iter().zip(UNIT_TYPES) {
            assert_eq!(canonical(w), key, "{w}");
        }
        for key in UNIT_TYPES_DOTTED {
            assert_eq!(canonical(key), key);
        }
    }

    #[test]
    fn address_renderings() {
        let a = ben_thanh(true);
        assert_eq!(
            address_text(&a),
            "Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh"
        );
        assert_eq!(
            legacy_address_text(&a).as_deref(),
            Some(
                "Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Quận 1, Thành phố Hồ Chí Minh"
            )
        );
        assert_eq!(legacy_address_text(&ben_thanh(false)), None);
        let mut no_detail = ben_thanh(false);
        no_detail.detail = "  ".into();
        assert_eq!(
            address_text(&no_detail),
            "Phường Bến Thành, Thành phố Hồ Chí Minh"
        );
    }

    #[test]
    fn addresses_as_an_official_reads_them() {
        use Compared::{Different, Equal, EqualNormalized};
        let nfd: String =
            "Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh"
                .nfd()
                .collect();
        let cases: &[(&str, bool, Compared)] = &[
            (
                "Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh",
                false,
                Equal,
            ),
            (
                "  Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh ",
                false,
                Equal,
            ),
            (
                "số 25 đường nguyễn thị minh khai, P. Bến Thành, TP Hồ Chí Minh",
                false,
                EqualNormalized,
            ),
            (
                "Số 25 đường Nguyễn Thị Minh Khai, P.Bến Thành, TP.Hồ Chí Minh",
                false,
                EqualNormalized,
            ),
            (
                "Số 25 đường Nguyễn Thị Minh Khai; phường Bến Thành; thành phố Hồ Chí Minh;",
                false,
                EqualNormalized,
            ),
            (
                "Số 25  đường Nguyễn Thị Minh Khai ,Phường  Bến Thành,, Thành phố Hồ Chí Minh",
                false,
                EqualNormalized,
            ),
            (
                "SỐ 25 ĐƯỜNG NGUYỄN THỊ MINH KHAI, PHƯỜNG BẾN THÀNH, THÀNH PHỐ HỒ CHÍ MINH",
                false,
                EqualNormalized,
            ),
            (
                "Số 25 đường Nguyễn Thị Minh Khai, Bến Thành, Hồ Chí Minh",
                false,
                EqualNormalized,
            ),
            (
                "Số 25 đường Nguyễn Thị Minh Khai, 26734, 79",
                false,
                EqualNormalized,
            ),
            (
                "Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, 79",
                false,
                EqualNormalized,
            ),
            (
                "Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Quận 1, Thành phố Hồ Chí Minh",
                true,
                EqualNormalized,
            ),
            (
                "Số 25 đường Nguyễn Thị Minh Khai, P. Bến Thành, Q.1, TP. Hồ Chí Minh",
                true,
                EqualNormalized,
            ),
            (
                "Số 25 đường Nguyễn Thị Minh Khai, 26740, 760, 79",
                true,
                EqualNormalized,
            ),
            // The two-level form still matches when the record also has the legacy one.
            (
                "Số 25 đường Nguyễn Thị Minh Khai, P. Bến Thành, TP Hồ Chí Minh",
                true,
                EqualNormalized,
            ),
            // Negatives.
            (
                "Số 25 đường Nguyễn Thị Minh Khai, Phường Sài Gòn, Thành phố Hồ Chí Minh",
                true,
                Different,
            ),
            (
                "Số 27 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh",
                true,
                Different,
            ),
            (
                "Số 25 đường Nguyễn Thị Minh Khai, Phường Ben Thanh, Thành phố Hồ Chí Minh",
                true,
                Different,
            ),
            (
                "So 25 duong Nguyen Thi Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh",
                true,
                Different,
            ),
            (
                "Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Quận 1, Thành phố Hồ Chí Minh",
                false,
                Different,
            ),
            (
                "Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Quận 3, Thành phố Hồ Chí Minh",
                true,
                Different,
            ),
            (
                "Số 25 đường Nguyễn Thị Minh Khai, Thành phố Hồ Chí Minh",
                true,
                Different,
            ),
            ("Phường Bến Thành, Thành phố Hồ Chí Minh", true, Different),
            (
                "Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh, Việt Nam",
                true,
                Different,
            ),
            // Codes count only at their own position and in their own form.
            (
                "Số 25 đường Nguyễn Thị Minh Khai, 26735, 79",
                true,
                Different,
            ),
            (
                "Số 25 đường Nguyễn Thị Minh Khai, 79, 26734",
                true,
                Different,
            ),
            (
                "Số 25 đường Nguyễn Thị Minh Khai, 26740, 79",
                true,
                Different,
            ),
            (
                "Số 25 đường Nguyễn Thị Minh Khai, 26734, 760, 79",
                true,
                Different,
            ),
            // Digits in the detail are the house number, not a code.
            (
                "25, Phường Bến Thành, Thành phố Hồ Chí Minh",
                true,
                Different,
            ),
            (",,;", true, Different),
        ];
        for &(text, legacy, want) in cases {
            assert_eq!(compare_address(text, &ben_thanh(legacy)), want, "{text}");
        }
        assert_eq!(compare_address(&nfd, &ben_thanh(false)), EqualNormalized);

        let thanh_hoa = Address {
            detail: "Thôn Đông, xã cũ Hoằng Hoá".into(),
            province: cn("38", "Tỉnh Thanh Hóa"),
            ward: cn("16000", "Phường Hạc Thành"),
            legacy: None,
        };
        assert_eq!(
            compare_address(
                "thôn đông, Xã cũ Hoằng Hóa, P. Hạc Thành, Tỉnh Thanh Hoá",
                &thanh_hoa
            ),
            EqualNormalized
        );
        assert_eq!(
            compare_address(
                "Thôn Đông xã cũ Hoằng Hoá, Hạc Thành, Thanh Hoá",
                &thanh_hoa
            ),
            Different
        );
    }

    #[test]
    fn missing_addresses() {
        let empty = Address {
            detail: " ".into(),
            province: cn("79", ""),
            ward: cn("26734", ""),
            legacy: None,
        };
        assert_eq!(compare_address("", &empty), Compared::BothEmpty);
        assert_eq!(compare_address("  ", &ben_thanh(true)), Compared::OnlyRight);
        assert_eq!(compare_address("Bến Thành", &empty), Compared::OnlyLeft);
        // A unit without a name is left out of both renderings.
        let no_ward = Address {
            ward: cn("", ""),
            ..ben_thanh(false)
        };
        assert_eq!(
            compare_address(
                "Số 25 đường Nguyễn Thị Minh Khai, Thành phố Hồ Chí Minh",
                &no_ward
            ),
            Compared::Equal
        );
        assert_eq!(
            compare_address("số 25 đường Nguyễn Thị Minh Khai, TP Hồ Chí Minh", &no_ward),
            Compared::EqualNormalized
        );
    }

    const VI_WORD: &str =
        "[a-zA-Z0-9àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵĐ]{1,8}";

    fn vi_name() -> impl Strategy<Value = String> {
        prop::collection::vec(VI_WORD, 1..4).prop_map(|w| w.join(" "))
    }

    fn unit(types: &'static [&'static str]) -> impl Strategy<Value = CodeName> {
        ("[0-9]{2,5}", prop::sample::select(types), vi_name())
            .prop_map(|(code, t, name)| cn(&code, &format!("{t}{name}")))
    }

    fn vi_address() -> impl Strategy<Value = Address> {
        (
            prop::collection::vec(vi_name(), 1..3),
            unit(&["", "Tỉnh ", "Thành phố ", "TP. "]),
            unit(&["", "Phường ", "Xã ", "Đặc khu ", "P."]),
            prop::option::of((
                unit(&["", "Tỉnh ", "Thành phố "]),
                unit(&["", "Quận ", "Huyện ", "Thị xã ", "Q."]),
                unit(&["", "Phường ", "Xã ", "Thị trấn "]),
            )),
        )
            .prop_map(|(detail, province, ward, legacy)| Address {
                detail: detail.join(", "),
                province,
                ward,
                legacy: legacy.map(
                    |(province, district, ward)| crate::api::types::LegacyAddress {
                        province,
                        district,
                        ward,
                    },
                ),
            })
    }

    fn any_address() -> impl Strategy<Value = Address> {
        let any_unit = || (any::<String>(), any::<String>()).prop_map(|(c, n)| cn(&c, &n));
        (
            any::<String>(),
            any_unit(),
            any_unit(),
            prop::option::of((any_unit(), any_unit(), any_unit())),
        )
            .prop_map(|(detail, province, ward, legacy)| Address {
                detail,
                province,
                ward,
                legacy: legacy.map(
                    |(province, district, ward)| crate::api::types::LegacyAddress {
                        province,
                        district,
                        ward,
                    },
                ),
            })
    }

    proptest! {
        #[test]
        fn any_address_never_panics(s in any::<String>(), a in any_address(), b in vi_address()) {
            let _ = compare_address(&s, &a);
            let _ = compare_address(&s, &b);
            let _ = compare_address(&address_text(&a), &b);
            let _ = legacy_address_text(&a);
            let c = compare_address(&address_text(&a), &a);
            prop_assert!(matches!(c, Compared::Equal | Compared::BothEmpty));
        }

        #[test]
        fn an_address_equals_its_own_renderings(a in vi_address()) {
            let text = address_text(&a);
            prop_assert_eq!(compare_address(&text, &a), Compared::Equal);
            let nfd: String = text.nfd().collect();
            prop_assert!(matches!(
                compare_address(&nfd, &a),
                Compared::Equal | Compared::EqualNormalized
            ));
            prop_assert!(matches!(
                compare_address(&text.to_uppercase(), &a),
                Compared::Equal | Compared::EqualNormalized
            ));
            prop_assert!(matches!(
                compare_address(&text.to_lowercase(), &a),
                Compared::Equal | Compared::EqualNormalized
            ));
            if let Some(legacy) = legacy_address_text(&a) {
                prop_assert_eq!(compare_address(&legacy, &a), Compared::EqualNormalized);
                prop_assert_eq!(
                    compare_address(&legacy.to_uppercase(), &a),
                    Compared::EqualNormalized
                );
            }
        }
    }

    proptest! {
        #[test]
        fn any_text_never_panics_and_equals_itself(s in any::<String>(), t in any::<String>()) {
            let _ = compare_text(&s, &t);
            let _ = compare_date(&s, &t);
            let c = compare_text(&s, &s);
            prop_assert!(matches!(c, Compared::Equal | Compared::BothEmpty));
        }

        #[test]
        fn canonical_ignores_case_and_unicode_form(s in "[a-zA-Zàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ ]{0,30}") {
            let nfd: String = s.nfd().collect();
            prop_assert_eq!(canonical(&s), canonical(&nfd));
            prop_assert_eq!(canonical(&s), canonical(&s.to_uppercase()));
            prop_assert_eq!(canonical(&canonical(&s)), canonical(&s));
        }
    }
}
