//! Comparing one value from two sources (the form, the card, the population database)
//! the way an official reads them: identical, identical once written the same way, or
//! different. Pure.
//!
//! "Written the same way" forgives what carries no meaning: case, extra spaces, NFC vs NFD,
//! old vs new tone-mark placement (*Hoà*/*Hòa*, *Thanh Hoá*/*Thanh Hóa*, *Thuý*/*Thúy*)
//! and date formats (`dd/mm/yyyy`, `yyyyMMdd`, `yyyy-mm-dd`). It never forgives a
//! missing or different diacritic: *Hà* and *Ha* are different names.

use unicode_normalization::UnicodeNormalization;

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
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        let mut tone = None;
        let base: String = word
            .nfd()
            .filter(|&c| match tone_of(c) {
                Some(t) => {
                    tone.get_or_insert(t);
                    false
                }
                None => !c.is_control(),
            })
            .flat_map(char::to_lowercase)
            .collect();
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
