//! The CCCD's machine-readable zone (ICAO 9303-5, TD1: 3 lines of 30 characters), the
//! BAC key seed's input (ICAO 9303-11), and the card's expiry rule.
//!
//! ```text
//! IDVNM1920197823079192019782<<3   ID, VNM, document number + cd, optional data
//! 9205141F3205149VNM<<<<<<<<<<<4   birth + cd, sex, expiry + cd, nationality, composite cd
//! LE<<THI<THU<HA<<<<<<<<<<<<<<<<   SURNAME<<GIVEN<NAMES
//! ```
//!
//! On the CCCD the document number is the last 9 digits of the 12-digit personal ID, and
//! the optional data of line 1 holds the full 12-digit ID, `<` fillers and the ID's
//! check digit in the last position.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Line length of a TD1 MRZ.
pub const LINE_LEN: usize = 30;

/// The expiry field of a card valid for life ("Không thời hạn").
pub const NO_EXPIRY: &str = "991231";

/// Longer input is refused before it is split into lines.
const MAX_INPUT: usize = 1024;

/// The ages at whose birthday a CCCD expires.
pub const EXPIRY_AGES: [i16; 3] = [25, 40, 60];

/// The ICAO 9303 check digit of `s`: weights 7, 3, 1 repeating over the characters'
/// values (digits their value, `A`–`Z` 10–35, `<` 0), sum mod 10. `None` when `s` has any
/// other character (lower case included).
pub fn check_digit(s: &str) -> Option<u8> {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let mut sum = 0u32;
    for (c, w) in s.bytes().zip(WEIGHTS.iter().cycle()) {
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'Z' => c - b'A' + 10,
            b'<' => 0,
            _ => return None,
        };
        sum += u32::from(v) * w;
    }
    // `sum % 10` is below 10.
    Some((sum % 10) as u8)
}

fn check_digit_bytes(s: &[u8]) -> Option<u8> {
    std::str::from_utf8(s).ok().and_then(check_digit)
}

/// A date as `YYMMDD` (the year modulo 100), as in the MRZ.
pub fn yymmdd(d: Date) -> String {
    format!(
        "{:02}{:02}{:02}",
        d.year().rem_euclid(100),
        d.month(),
        d.day()
    )
}

/// The fields protected by a check digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckField {
    /// Document number (line 1, positions 6–14; digit at 15).
    Document,
    /// The 12-digit personal ID in line 1's optional data (digit at 30).
    Id,
    /// Date of birth (line 2, 1–6; digit at 7).
    Birth,
    /// Date of expiry (line 2, 9–14; digit at 15).
    Expiry,
    /// Composite (line 2, position 30).
    Composite,
}

impl CheckField {
    /// A stable name: `document`, `id`, `birth`, `expiry`, `composite`.
    pub const fn name(self) -> &'static str {
        match self {
            CheckField::Document => "document",
            CheckField::Id => "id",
            CheckField::Birth => "birth",
            CheckField::Expiry => "expiry",
            CheckField::Composite => "composite",
        }
    }
}

/// What is wrong with an MRZ (or with the data to build the BAC seed from).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MrzError {
    /// Not 3 lines of 30 characters (nor 90 characters in one line). `lines` holds the
    /// length of each non-empty line, in characters (at most 4 are listed).
    #[error("a TD1 MRZ has 3 lines of 30 characters (found lines of {lines:?})")]
    Length {
        /// Length of each non-empty line read, in characters (the first 4 lines).
        lines: Vec<usize>,
    },
    /// A character other than `0`–`9`, `A`–`Z` and `<` (line and column from 1).
    #[error("line {line}, column {column}: {found:?} is not an MRZ character")]
    Chars {
        /// Line, from 1.
        line: u8,
        /// Column, from 1.
        column: u8,
        /// The character found.
        found: char,
    },
    /// Line 1 does not start with a TD1 document code (`I`, `A` or `C`; the CCCD's is `ID`).
    #[error("not a TD1 identity card (document code {found:?})")]
    DocType {
        /// The first two characters of line 1.
        found: String,
    },
    /// A check digit does not match.
    #[error("the {} check digit is {found:?}, {expected} expected", .field.name())]
    Check {
        /// Which check digit.
        field: CheckField,
        /// The digit computed from the data.
        expected: u8,
        /// The character in the check digit's place.
        found: char,
    },
    /// The sex is not `M`, `F`, `X` or `<`.
    #[error("the sex {found:?} is not M, F or <")]
    Sex {
        /// The character found.
        found: char,
    },
    /// The 12-digit ID in the optional data does not end with the document number.
    #[error("the personal ID {id} does not end with the document number {document}")]
    IdMismatch {
        /// The 12-digit ID.
        id: String,
        /// The document number.
        document: String,
    },
    /// Not a 12-digit personal ID (building the BAC seed).
    #[error("a personal ID has 12 digits (got {value:?})")]
    IdNumber {
        /// What was given.
        value: String,
    },
}

/// A character shown back: itself when printable, `U+XXXX` otherwise.
fn show_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("U+{:04X}", u32::from(c))
    } else {
        c.to_string()
    }
}

impl MrzError {
    /// The i18n key: `mrz.length`, `mrz.chars`, `mrz.doc_type`, `mrz.check.document`,
    /// `mrz.check.id`, `mrz.check.birth`, `mrz.check.expiry`, `mrz.check.composite`,
    /// `mrz.sex`, `mrz.id_mismatch`, `mrz.id_number`.
    pub const fn key(&self) -> &'static str {
        match self {
            MrzError::Length { .. } => "mrz.length",
            MrzError::Chars { .. } => "mrz.chars",
            MrzError::DocType { .. } => "mrz.doc_type",
            MrzError::Check { field, .. } => match field {
                CheckField::Document => "mrz.check.document",
                CheckField::Id => "mrz.check.id",
                CheckField::Birth => "mrz.check.birth",
                CheckField::Expiry => "mrz.check.expiry",
                CheckField::Composite => "mrz.check.composite",
            },
            MrzError::Sex { .. } => "mrz.sex",
            MrzError::IdMismatch { .. } => "mrz.id_mismatch",
            MrzError::IdNumber { .. } => "mrz.id_number",
        }
    }

    /// The values its message names.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            MrzError::Length { lines } => vec![(
                "lines",
                lines
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            )],
            MrzError::Chars {
                line,
                column,
                found,
            } => vec![
                ("line", line.to_string()),
                ("column", column.to_string()),
                ("found", show_char(*found)),
            ],
            MrzError::DocType { found } | MrzError::IdNumber { value: found } => {
                vec![("value", crate::text::shown(found, 20))]
            }
            MrzError::Check {
                expected, found, ..
            } => vec![
                ("expected", expected.to_string()),
                ("found", show_char(*found)),
            ],
            MrzError::Sex { found } => vec![("found", show_char(*found))],
            MrzError::IdMismatch { id, document } => {
                vec![("id", id.clone()), ("document", document.clone())]
            }
        }
    }
}

/// A TD1 MRZ, read and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Td1 {
    /// The three lines, 30 characters each.
    pub lines: [String; 3],
    /// Document number, without trailing `<` (on the CCCD, the ID's last 9 digits).
    pub document_number: String,
    /// The 12-digit personal ID, when line 1's optional data starts with 12 digits.
    pub id_number: Option<String>,
    /// Date of birth, `YYMMDD` as written.
    pub birth: String,
    /// `M`, `F` (or `X`); `None` for `<`.
    pub sex: Option<char>,
    /// Date of expiry, `YYMMDD` as written ([`NO_EXPIRY`] for none).
    pub expiry: String,
    /// Nationality, without trailing `<` (`VNM`).
    pub nationality: String,
    /// Surname, `<` read as spaces (no diacritics: `LE`).
    pub surname: String,
    /// Given names, `<` read as spaces (`THI THU HA`).
    pub given_names: String,
}

/// `YYMMDD` with a century; `None` unless it is a real date.
fn date_from(s: &str, century: i16) -> Option<Date> {
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let part = |r: std::ops::Range<usize>| s.get(r).and_then(|p| p.parse::<i8>().ok());
    let yy = i16::from(part(0..2)?);
    Date::new(century + yy, part(2..4)?, part(4..6)?).ok()
}

impl Td1 {
    /// The date of birth: in the 2000s unless that is after `today`, then in the
    /// 1900s. `None` when the field is not a full date.
    pub fn birth_date(&self, today: Date) -> Option<Date> {
        match date_from(&self.birth, 2000) {
            Some(d) if d <= today => Some(d),
            _ => date_from(&self.birth, 1900),
        }
    }

    /// Whether the card is valid for life (expiry [`NO_EXPIRY`]).
    pub fn no_expiry(&self) -> bool {
        self.expiry == NO_EXPIRY
    }

    /// The date of expiry (in the 2000s); `None` for a card valid for life or a field
    /// that is not a full date.
    pub fn expiry_date(&self) -> Option<Date> {
        if self.no_expiry() {
            return None;
        }
        date_from(&self.expiry, 2000)
    }
}

/// Splits the text into three lines of 30 characters.
fn lines_of(text: &str) -> Result<[[u8; LINE_LEN]; 3], MrzError> {
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if text.len() > MAX_INPUT {
        return Err(MrzError::Length {
            lines: vec![text.chars().count()],
        });
    }
    let parts: Vec<&str> = text
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let lengths = || MrzError::Length {
        lines: parts.iter().take(4).map(|l| l.chars().count()).collect(),
    };
    let lines: Vec<&str> = match parts.as_slice() {
        [one] if one.chars().count() == 3 * LINE_LEN => {
            // One 90-character line: cut where the characters are, checked below.
            let cuts: Vec<usize> = one
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(one.len()))
                .step_by(LINE_LEN)
                .collect();
            cuts.windows(2)
                .filter_map(|w| one.get(w.first().copied()?..w.get(1).copied()?))
                .collect()
        }
        [_, _, _] => parts.clone(),
        _ => return Err(lengths()),
    };
    if lines.len() != 3 || lines.iter().any(|l| l.chars().count() != LINE_LEN) {
        return Err(lengths());
    }
    let mut out = [[b'<'; LINE_LEN]; 3];
    for ((line_no, line), slot) in (1u8..).zip(&lines).zip(out.iter_mut()) {
        for ((column, c), b) in (1u8..).zip(line.chars()).zip(slot.iter_mut()) {
            if !matches!(c, '0'..='9' | 'A'..='Z' | '<') {
                return Err(MrzError::Chars {
                    line: line_no,
                    column,
                    found: c,
                });
            }
            // ASCII, checked just above.
            *b = u8::try_from(c).unwrap_or(b'<');
        }
    }
    Ok(out)
}

/// Text of MRZ bytes (always ASCII once read by `lines_of`).
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn fillers_trimmed(bytes: &[u8]) -> String {
    text(bytes).trim_end_matches('<').to_owned()
}

/// Checks the digit `found` against the one computed over `data`.
fn verify(field: CheckField, data: &[u8], found: u8) -> Result<(), MrzError> {
    // `data` is MRZ characters only, so the digit is always computed.
    let expected = check_digit_bytes(data).unwrap_or(0);
    if found == b'0' + expected {
        Ok(())
    } else {
        Err(MrzError::Check {
            field,
            expected,
            found: char::from(found),
        })
    }
}

/// `SURNAME<<GIVEN<NAMES<<<` → (`SURNAME`, `GIVEN NAMES`).
fn names(line: &[u8]) -> (String, String) {
    let s = text(line);
    let s = s.trim_end_matches('<');
    let (surname, given) = s.split_once("<<").unwrap_or((s, ""));
    let spaced = |p: &str| p.replace('<', " ").trim().to_owned();
    (spaced(surname), spaced(given))
}

/// Reads a TD1 MRZ: three lines separated by any newline (`\n`, `\r\n`, `\r`), or the
/// 90 characters in one line; whitespace around lines is ignored.
///
/// Every check digit is verified, in the order document number, 12-digit ID (when
/// line 1's optional data starts with 12 digits and carries one digit among the `<`
/// after them), birth, expiry, composite; the first failure is returned. The 12-digit ID
/// must end with the document number.
pub fn parse_td1(text_in: &str) -> Result<Td1, MrzError> {
    let [l1, l2, l3] = lines_of(text_in)?;

    if !matches!(l1[0], b'I' | b'A' | b'C') {
        return Err(MrzError::DocType {
            found: text(&l1[0..2]),
        });
    }

    // Line 1: document number and its check digit.
    verify(CheckField::Document, &l1[5..14], l1[14])?;
    let document_number = fillers_trimmed(&l1[5..14]);

    // Optional data: the 12-digit ID, fillers and its check digit.
    let optional = &l1[15..30];
    let id_number = match optional.split_at(12) {
        (id, rest) if id.iter().all(u8::is_ascii_digit) => {
            let digits: Vec<u8> = rest.iter().copied().filter(|b| *b != b'<').collect();
            if let &[cd] = digits.as_slice()
                && cd.is_ascii_digit()
            {
                verify(CheckField::Id, id, cd)?;
            }
            let id = text(id);
            if !id.ends_with(&document_number) || document_number.len() != 9 {
                return Err(MrzError::IdMismatch {
                    id,
                    document: document_number,
                });
            }
            Some(id)
        }
        _ => None,
    };

    // Line 2.
    verify(CheckField::Birth, &l2[0..6], l2[6])?;
    verify(CheckField::Expiry, &l2[8..14], l2[14])?;
    let composite: Vec<u8> = [&l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]].concat();
    verify(CheckField::Composite, &composite, l2[29])?;
    let sex = match l2[7] {
        b'<' => None,
        s @ (b'M' | b'F' | b'X') => Some(char::from(s)),
        other => {
            return Err(MrzError::Sex {
                found: char::from(other),
            });
        }
    };

    let (surname, given_names) = names(&l3);
    Ok(Td1 {
        lines: [text(&l1), text(&l2), text(&l3)],
        document_number,
        id_number,
        birth: text(&l2[0..6]),
        sex,
        expiry: text(&l2[8..14]),
        nationality: fillers_trimmed(&l2[15..18]),
        surname,
        given_names,
    })
}

/// The BAC key seed's input (ICAO 9303-11): document number (the ID's last 9 digits)
/// and its check digit, birth `YYMMDD` and its check digit, expiry `YYMMDD` and its
/// check digit; a card without expiry uses [`NO_EXPIRY`]. The seed is the first 16
/// bytes of this string's SHA-1.
pub fn bac_key_seed_input(
    id12: &str,
    birth: Date,
    expiry: Option<Date>,
) -> Result<String, MrzError> {
    let id = id12.trim();
    let document = match id.get(3..) {
        Some(doc) if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) => doc,
        _ => {
            return Err(MrzError::IdNumber {
                value: id12.to_owned(),
            });
        }
    };
    let birth = yymmdd(birth);
    let expiry = expiry.map_or_else(|| NO_EXPIRY.to_owned(), yymmdd);
    let mut out = String::with_capacity(24);
    for field in [document, &birth, &expiry] {
        out.push_str(field);
        // Digits only: the check digit is always computed.
        out.push(char::from(b'0' + check_digit(field).unwrap_or(0)));
    }
    Ok(out)
}

/// Builds the TD1 lines of a CCCD (for the virtual card and tests): `IDVNM`, the
/// document number (the ID's last 9 digits) and its check digit, the full ID with `<<`
/// and its check digit; birth, sex, expiry (`991231` without one), `VNM`, the composite
/// check digit; then `SURNAME<<GIVEN<NAMES` (ASCII letters; anything else becomes `<`).
pub fn build_td1(
    id12: &str,
    birth: Date,
    sex: char,
    expiry: Option<Date>,
    surname: &str,
    given_names: &str,
) -> Result<[String; 3], MrzError> {
    let id = id12.trim();
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MrzError::IdNumber {
            value: id12.to_owned(),
        });
    }
    let cd = |s: &str| char::from(b'0' + check_digit(s).unwrap_or(0));
    let document = &id[3..];
    let optional = format!("{id}<<{}", cd(id));
    let mut l1 = format!("IDVNM{document}{}{optional}", cd(document));
    let birth = yymmdd(birth);
    let expiry = expiry.map_or_else(|| NO_EXPIRY.to_owned(), yymmdd);
    l1 = format!("{l1:<<30}");
    let mut l2 = format!("{birth}{}{sex}{expiry}{}VNM", cd(&birth), cd(&expiry));
    l2 = format!("{l2:<<29}");
    let composite = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
    l2.push(cd(&composite));
    let clean = |s: &str| -> String {
        s.trim()
            .chars()
            .map(|c| {
                let c = c.to_ascii_uppercase();
                if c.is_ascii_uppercase() { c } else { '<' }
            })
            .collect()
    };
    let l3: String = format!("{}<<{}", clean(surname), clean(given_names))
        .chars()
        .take(30)
        .collect();
    Ok([l1, l2, format!("{l3:<<30}")])
}

/// The birthday at `age`; a 29 February birthday falls on 28 February in other years.
/// Past the calendar's end (year 9999), [`Date::MAX`].
fn birthday_at(birth: Date, age: i16) -> Date {
    let Some(year) = birth.year().checked_add(age) else {
        return Date::MAX;
    };
    Date::new(year, birth.month(), birth.day())
        .or_else(|_| Date::new(year, birth.month(), 28))
        .unwrap_or(Date::MAX)
}

/// The birthdays at 25, 40 and 60: the dates a CCCD can expire on (29 February births
/// on 28 February in non-leap years).
pub fn expiry_candidates(birth: Date) -> [Date; 3] {
    EXPIRY_AGES.map(|age| birthday_at(birth, age))
}

/// The expiry to propose for a card issued `today`: the first of the 25th, 40th and 60th
/// birthdays after `today`; `None` from the 60th birthday on (valid for life, MRZ
/// [`NO_EXPIRY`]). The official confirms: offer [`expiry_candidates`] too.
pub fn propose_expiry(birth: Date, today: Date) -> Option<Date> {
    expiry_candidates(birth).into_iter().find(|d| *d > today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date as d;
    use proptest::prelude::*;

    /// 079192019782, born 14/05/1992, female, expiring at 40 (14/05/2032), LE THI THU HA.
    const L1: &str = "IDVNM1920197823079192019782<<3";
    const L2: &str = "9205141F3205149VNM<<<<<<<<<<<4";
    const L3: &str = "LE<<THI<THU<HA<<<<<<<<<<<<<<<<";

    fn sample() -> String {
        format!("{L1}\n{L2}\n{L3}")
    }

    /// Replaces the character at (line, column) (from 0).
    fn with(line: usize, col: usize, c: char) -> String {
        let mut lines = [L1.to_owned(), L2.to_owned(), L3.to_owned()];
        lines[line].replace_range(col..=col, &c.to_string());
        lines.join("\n")
    }

    #[test]
    fn a_built_td1_parses_with_every_check_digit() {
        let lines = build_td1(
            "079192019782",
            jiff::civil::date(1992, 5, 14),
            'F',
            Some(jiff::civil::date(2032, 5, 14)),
            "Le",
            "Thi Thu Ha",
        )
        .unwrap();
        assert_eq!(lines[0], "IDVNM1920197823079192019782<<3");
        let td1 = parse_td1(&lines.join("\n")).unwrap();
        assert_eq!(td1.id_number.as_deref(), Some("079192019782"));
        assert_eq!(td1.surname, "LE");
        let none = build_td1(
            "001146003957",
            jiff::civil::date(1946, 1, 1),
            'F',
            None,
            "Pham",
            "Thi Nhan",
        )
        .unwrap();
        assert!(parse_td1(&none.join("\n")).unwrap().no_expiry());
    }

    #[test]
    fn icao_check_digit_examples() {
        assert_eq!(check_digit("L898902C3"), Some(6));
        assert_eq!(check_digit("740812"), Some(2));
        assert_eq!(check_digit("120415"), Some(9));
        assert_eq!(check_digit("D23145890"), Some(7));
        assert_eq!(check_digit(""), Some(0));
        assert_eq!(check_digit("<<<"), Some(0));
        assert_eq!(check_digit("l898902c3"), None);
        assert_eq!(check_digit("12 3"), None);
        assert_eq!(check_digit("Đ"), None);
    }

    #[test]
    fn the_icao_td1_example_parses() {
        // ICAO 9303-5 TD1 specimen (a generic I< card, no 12-digit ID).
        let text = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<";
        let m = parse_td1(text).unwrap();
        assert_eq!(m.document_number, "D23145890");
        assert_eq!(m.id_number, None);
        assert_eq!(m.birth, "740812");
        assert_eq!(m.expiry, "120415");
        assert_eq!(m.nationality, "UTO");
        assert_eq!(
            (m.surname.as_str(), m.given_names.as_str()),
            ("ERIKSSON", "ANNA MARIA")
        );
    }

    #[test]
    fn the_cccd_sample_parses() {
        let m = parse_td1(&sample()).unwrap();
        assert_eq!(m.lines, [L1, L2, L3]);
        assert_eq!(m.document_number, "192019782");
        assert_eq!(m.id_number.as_deref(), Some("079192019782"));
        assert_eq!(m.birth, "920514");
        assert_eq!(m.sex, Some('F'));
        assert_eq!(m.expiry, "320514");
        assert_eq!(m.nationality, "VNM");
        assert_eq!(m.surname, "LE");
        assert_eq!(m.given_names, "THI THU HA");
        assert_eq!(m.birth_date(d(2026, 11, 23)), Some(d(1992, 5, 14)));
        assert_eq!(m.expiry_date(), Some(d(2032, 5, 14)));
        assert!(!m.no_expiry());
        // CR/LF, CR, one 90-character line, spaces around.
        for text in [
            format!("{L1}\r\n{L2}\r\n{L3}\r\n"),
            format!("{L1}\r{L2}\r{L3}"),
            format!("{L1}{L2}{L3}"),
            format!("  {L1} \n\n {L2}\n{L3}  \n"),
        ] {
            assert_eq!(parse_td1(&text).unwrap(), m, "{text:?}");
        }
        // Serialises.
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Td1>(&json).unwrap(), m);
    }

    #[test]
    fn each_check_digit_failure_is_named() {
        let cases = [
            (with(0, 14, '4'), "mrz.check.document"),
            (with(0, 29, '0'), "mrz.check.id"),
            (with(1, 6, '2'), "mrz.check.birth"),
            (with(1, 14, '0'), "mrz.check.expiry"),
            (with(1, 29, '5'), "mrz.check.composite"),
            // A changed data digit: the field's own digit catches it first.
            (with(1, 3, '6'), "mrz.check.birth"),
            (with(0, 20, '3'), "mrz.check.id"),
            // Data outside any field's own digit: only the composite catches it.
            (with(1, 20, 'X'), "mrz.check.composite"),
        ];
        for (text, key) in cases {
            let e = parse_td1(&text).unwrap_err();
            assert_eq!(e.key(), key, "{text}");
        }
        let e = parse_td1(&with(1, 6, '2')).unwrap_err();
        assert_eq!(
            e,
            MrzError::Check {
                field: CheckField::Birth,
                expected: 1,
                found: '2'
            }
        );
        assert_eq!(e.args(), [("expected", "1".into()), ("found", "2".into())]);
        // A filler where a digit belongs.
        let e = parse_td1(&with(1, 14, '<')).unwrap_err();
        assert_eq!(e.key(), "mrz.check.expiry");
    }

    #[test]
    fn every_single_digit_change_is_caught() {
        let mut tried = 0;
        for (line, text) in [L1, L2].into_iter().enumerate() {
            for (col, original) in text.char_indices() {
                if !original.is_ascii_digit() {
                    continue;
                }
                for c in ('0'..='9').filter(|c| *c != original) {
                    assert!(parse_td1(&with(line, col, c)).is_err(), "{line}:{col} {c}");
                    tried += 1;
                }
            }
        }
        assert_eq!(tried, (23 + 15) * 9);
    }

    #[test]
    fn shape_errors() {
        let key = |t: &str| parse_td1(t).unwrap_err().key();
        assert_eq!(key(""), "mrz.length");
        assert_eq!(key(&format!("{L1}\n{L2}")), "mrz.length");
        assert_eq!(key(&format!("{L1}\n{L2}\n{L3}<")), "mrz.length");
        assert_eq!(key(&format!("{L1}\n{L2}\n{L3}\n{L3}")), "mrz.length");
        assert_eq!(key(&"<".repeat(5000)), "mrz.length");
        assert_eq!(
            parse_td1(&format!("{L1}\n{L2}")).unwrap_err(),
            MrzError::Length {
                lines: vec![30, 30]
            }
        );
        assert_eq!(
            parse_td1(&with(2, 3, 'a')).unwrap_err(),
            MrzError::Chars {
                line: 3,
                column: 4,
                found: 'a'
            }
        );
        assert_eq!(key(&with(2, 3, 'Ê')), "mrz.chars");
        let e = parse_td1(&with(0, 10, '\u{1b}')).unwrap_err();
        assert_eq!(e.args()[2], ("found", "U+001B".to_owned()));
        assert_eq!(key(&with(0, 0, 'P')), "mrz.doc_type");
        assert_eq!(key(&with(1, 7, 'Q')), "mrz.sex");
        // The 12-digit ID must end with the document number.
        let other = "IDVNM1920197823079192019783<<4";
        assert_eq!(check_digit("079192019783"), Some(4));
        let e = parse_td1(&format!("{other}\n{L2}\n{L3}")).unwrap_err();
        assert_eq!(e.key(), "mrz.id_mismatch");
    }

    #[test]
    fn no_expiry_and_no_id_check_digit() {
        // Valid for life: 991231; the ID without its check digit.
        let l1 = "IDVNM0460010065034046001006<<<";
        let l2a = "4601014M9912315VNM<<<<<<<<<<<";
        assert_eq!(check_digit("046001006"), Some(5));
        assert_eq!(check_digit("460101"), Some(4));
        assert_eq!(check_digit("991231"), Some(5));
        let composite = format!(
            "{}{}{}{}",
            &l1[5..30],
            &l2a[0..7],
            &l2a[8..15],
            &l2a[18..29]
        );
        let l2 = format!("{l2a}{}", check_digit(&composite).unwrap());
        // A name line without its fillers is refused.
        let m = parse_td1(&format!("{l1}\n{l2}\nTRAN<<VAN<BA")).unwrap_err();
        assert_eq!(m.key(), "mrz.length");
        let m = parse_td1(&format!("{l1}\n{l2}\nTRAN<<VAN<BA<<<<<<<<<<<<<<<<<<")).unwrap();
        assert_eq!(m.id_number.as_deref(), Some("034046001006"));
        assert!(m.no_expiry());
        assert_eq!(m.expiry_date(), None);
        assert_eq!(m.sex, Some('M'));
        assert_eq!(m.birth_date(d(2026, 1, 1)), Some(d(1946, 1, 1)));
    }

    #[test]
    fn bac_seed_input() {
        let seed = bac_key_seed_input("079192019782", d(1992, 5, 14), Some(d(2032, 5, 14)));
        assert_eq!(seed.unwrap(), "192019782392051413205149");
        // The same fields as in the MRZ.
        let m = parse_td1(&sample()).unwrap();
        assert_eq!(
            bac_key_seed_input("079192019782", d(1992, 5, 14), Some(d(2032, 5, 14))).unwrap(),
            format!(
                "{}{}{}",
                &m.lines[0][5..15],
                &m.lines[1][0..7],
                &m.lines[1][8..15]
            )
        );
        // No expiry: 991231 and its check digit 5.
        let seed = bac_key_seed_input("034046001006", d(1946, 1, 1), None).unwrap();
        assert_eq!(seed, "046001006546010149912315");
        for bad in [
            "07919201978",
            "0791920197820",
            "07919201978A",
            "",
            "０７９１９２０１９７８２",
        ] {
            let e = bac_key_seed_input(bad, d(1992, 5, 14), None).unwrap_err();
            assert_eq!(e.key(), "mrz.id_number", "{bad}");
        }
    }

    #[test]
    fn yymmdd_pads_and_wraps() {
        assert_eq!(yymmdd(d(1992, 5, 14)), "920514");
        assert_eq!(yymmdd(d(2005, 1, 2)), "050102");
        assert_eq!(yymmdd(d(2100, 12, 31)), "001231");
    }

    #[test]
    fn expiry_proposals() {
        // 26 at issue: expires at 40.
        assert_eq!(
            propose_expiry(d(2000, 7, 21), d(2026, 11, 23)),
            Some(d(2040, 7, 21))
        );
        // 16: expires at 25.
        assert_eq!(
            propose_expiry(d(2010, 1, 1), d(2026, 6, 1)),
            Some(d(2035, 1, 1))
        );
        // 58: expires at 60; 80: valid for life.
        assert_eq!(
            propose_expiry(d(1968, 3, 9), d(2026, 11, 23)),
            Some(d(2028, 3, 9))
        );
        assert_eq!(propose_expiry(d(1946, 5, 19), d(2026, 11, 23)), None);
        // On the birthday itself, the next one.
        assert_eq!(
            propose_expiry(d(2001, 11, 23), d(2026, 11, 23)),
            Some(d(2041, 11, 23))
        );
        assert_eq!(propose_expiry(d(1966, 11, 23), d(2026, 11, 23)), None);
        assert_eq!(
            propose_expiry(d(1966, 11, 24), d(2026, 11, 23)),
            Some(d(2026, 11, 24))
        );
        assert_eq!(
            expiry_candidates(d(1992, 5, 14)),
            [d(2017, 5, 14), d(2032, 5, 14), d(2052, 5, 14)]
        );
        // 29 February: 28 February in non-leap years, 29 in leap years.
        assert_eq!(
            expiry_candidates(d(2000, 2, 29)),
            [d(2025, 2, 28), d(2040, 2, 29), d(2060, 2, 29)]
        );
        assert_eq!(
            expiry_candidates(d(2004, 2, 29)),
            [d(2029, 2, 28), d(2044, 2, 29), d(2064, 2, 29)]
        );
        assert_eq!(
            propose_expiry(d(2004, 2, 29), d(2029, 2, 28)),
            Some(d(2044, 2, 29))
        );
        // The calendar's end does not panic.
        assert_eq!(expiry_candidates(d(9990, 1, 1))[1], Date::MAX);
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in any::<String>()) {
            let _ = parse_td1(&s);
        }

        #[test]
        fn mrz_like_text_never_panics(s in "[0-9A-Z<\n\r ]{0,100}") {
            if let Ok(m) = parse_td1(&s) {
                prop_assert!(m.lines.iter().all(|l| l.len() == LINE_LEN));
            }
        }

        #[test]
        fn any_date_proposal_is_a_candidate(y in 1900i16..2100, m in 1i8..=12, day in 1i8..=28,
                                             age in 0i16..90) {
            let birth = d(y, m, day);
            let today = d(y + age, 6, 15);
            match propose_expiry(birth, today) {
                Some(e) => {
                    prop_assert!(e > today);
                    prop_assert!(expiry_candidates(birth).contains(&e));
                }
                None => prop_assert!(birthday_at(birth, 60) <= today),
            }
        }
    }
}
