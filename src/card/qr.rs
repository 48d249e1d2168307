//! The QR code printed on the CCCD:
//! `CCCD12|CMND9|Họ tên|DDMMYYYY|Giới tính|Nơi thường trú|DDMMYYYY (ngày cấp)`.
//!
//! Tolerated variants: an empty CMND field, trailing CR/LF (scanners add them), dates
//! written `dd/mm/yyyy`, and fields after the seventh (kept, not interpreted). Anything
//! else gets a specific error naming the field, so the desk knows what to rescan.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::api::Sex;

/// Longer than any card's QR: refused before parsing.
pub const MAX_LEN: usize = 2048;

/// What the QR says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrData {
    /// 12-digit personal ID number.
    pub id_number: String,
    /// 9-digit old ID (CMND), when the card has one.
    pub old_id_number: Option<String>,
    pub full_name: String,
    pub birth_date: Date,
    pub sex: Sex,
    /// Nơi thường trú.
    pub address: String,
    /// Ngày cấp, when present.
    pub issue_date: Option<Date>,
    /// Fields after the seventh, as read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

/// What is wrong with a QR text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrError {
    Empty,
    TooLong {
        len: usize,
    },
    /// Fewer than 6 `|`-separated fields.
    Fields {
        found: usize,
    },
    BadId {
        value: String,
    },
    BadOldId {
        value: String,
    },
    NoName,
    BadDate {
        field: &'static str,
        value: String,
    },
    BadSex {
        value: String,
    },
    NoAddress,
}

impl QrError {
    /// The i18n key.
    #[must_use]
    pub const fn key(&self) -> &'static str {
        match self {
            QrError::Empty => "qr.empty",
            QrError::TooLong { .. } => "qr.too_long",
            QrError::Fields { .. } => "qr.fields",
            QrError::BadId { .. } => "qr.bad_id",
            QrError::BadOldId { .. } => "qr.bad_old_id",
            QrError::NoName => "qr.no_name",
            QrError::BadDate { .. } => "qr.bad_date",
            QrError::BadSex { .. } => "qr.bad_sex",
            QrError::NoAddress => "qr.no_address",
        }
    }

    /// The values its message names.
    #[must_use]
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            QrError::Empty | QrError::NoName | QrError::NoAddress => Vec::new(),
            QrError::TooLong { len } => {
                vec![("len", len.to_string()), ("max", MAX_LEN.to_string())]
            }
            QrError::Fields { found } => vec![("found", found.to_string())],
            QrError::BadId { value } | QrError::BadOldId { value } | QrError::BadSex { value } => {
                vec![("value", value.clone())]
            }
            QrError::BadDate { field, value } => {
                vec![("field", (*field).to_owned()), ("value", value.clone())]
            }
        }
    }
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// `DDMMYYYY` or `dd/mm/yyyy` (also `dd-mm-yyyy`, `dd.mm.yyyy`).
fn date(field: &'static str, s: &str) -> Result<Date, QrError> {
    let bad = || QrError::BadDate {
        field,
        value: crate::text::shown(s, 40),
    };
    let compact: String = s
        .chars()
        .filter(|c| !matches!(c, '/' | '-' | '.'))
        .collect();
    let separated = compact.len() != s.len();
    if separated {
        // Each part must be d, m (one or two digits) and a four-digit year.
        let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
        let [d, m, y] = parts[..] else {
            return Err(bad());
        };
        if !(1..=2).contains(&d.len()) || !(1..=2).contains(&m.len()) || y.len() != 4 {
            return Err(bad());
        }
        // Digits only: `parse` alone would take a sign (`+1/+2/+999`).
        if ![d, m, y]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad());
        }
        let num = |t: &str| t.parse::<i16>().map_err(|_| bad());
        return Date::new(
            num(y)?,
            i8::try_from(num(m)?).map_err(|_| bad())?,
            i8::try_from(num(d)?).map_err(|_| bad())?,
        )
        .map_err(|_| bad());
    }
    if !digits(&compact, 8) {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| compact[r].parse::<i16>().map_err(|_| bad());
    Date::new(
        num(4..8)?,
        i8::try_from(num(2..4)?).map_err(|_| bad())?,
        i8::try_from(num(0..2)?).map_err(|_| bad())?,
    )
    .map_err(|_| bad())
}

fn sex(s: &str) -> Result<Sex, QrError> {
    let folded = crate::text::fold(s.trim());
    match folded.as_str() {
        "nam" | "male" | "m" => Ok(Sex::Male),
        "nu" | "female" | "f" => Ok(Sex::Female),
        _ => Err(QrError::BadSex {
            value: crate::text::shown(s, 40),
        }),
    }
}

/// Whitespace and the byte-order mark U+FEFF: trimmed from the text and its fields.
fn is_edge(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// A text field: control characters removed, then trimmed (so nothing is left at its
/// ends that a control character hid from the trim).
fn cleaned(field: &str) -> String {
    crate::text::sanitize_field(field)
        .trim_matches(is_edge)
        .to_owned()
}

/// Parses a scanned QR text.
pub fn parse(text: &str) -> Result<QrData, QrError> {
    if text.len() > MAX_LEN {
        return Err(QrError::TooLong { len: text.len() });
    }
    let text = text.trim_matches(is_edge);
    if text.is_empty() {
        return Err(QrError::Empty);
    }
    let fields: Vec<&str> = text.split('|').map(str::trim).collect();
    if fields.len() < 6 {
        return Err(QrError::Fields {
            found: fields.len(),
        });
    }
    let id = fields[0];
    if !digits(id, 12) {
        return Err(QrError::BadId {
            value: crate::text::shown(id, 40),
        });
    }
    let old = fields[1];
    let old_id_number = if old.is_empty() {
        None
    } else if digits(old, 9) {
        Some(old.to_owned())
    } else {
        return Err(QrError::BadOldId {
            value: crate::text::shown(old, 40),
        });
    };
    let full_name = cleaned(fields[2]);
    if full_name.is_empty() {
        return Err(QrError::NoName);
    }
    let birth_date = date("birth", fields[3])?;
    let sex = sex(fields[4])?;
    let address = cleaned(fields[5]);
    if address.is_empty() {
        return Err(QrError::NoAddress);
    }
    let issue_date = match fields.get(6) {
        None | Some(&"") => None,
        Some(s) => Some(date("issue", s)?),
    };
    let extra = fields.iter().skip(7).map(|s| cleaned(s)).collect();
    Ok(QrData {
        id_number: id.to_owned(),
        old_id_number,
        full_name,
        birth_date,
        sex,
        address,
        issue_date,
        extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date as d;
    use proptest::prelude::*;

    const SAMPLE: &str = "079192019782||Lê Thị Thu Hà|14051992|Nữ|Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh|10082021";

    #[test]
    fn the_card_layout_and_its_variants() {
        let q = parse(SAMPLE).unwrap();
        assert_eq!(q.id_number, "079192019782");
        assert_eq!(q.old_id_number, None);
        assert_eq!(q.full_name, "Lê Thị Thu Hà");
        assert_eq!(q.birth_date, d(1992, 5, 14));
        assert_eq!(q.sex, Sex::Female);
        assert_eq!(q.issue_date, Some(d(2021, 8, 10)));
        // Trailing CR/LF, a CMND, slashed dates, an extra field.
        let v = "042089006135|183456789|Phạm Quốc Bảo|02/11/1989|Nam|Xã Cẩm Xuyên, Tỉnh Hà Tĩnh|01/02/2022|X1\r\n";
        let q = parse(v).unwrap();
        assert_eq!(q.old_id_number.as_deref(), Some("183456789"));
        assert_eq!(q.birth_date, d(1989, 11, 2));
        assert_eq!(q.sex, Sex::Male);
        assert_eq!(q.extra, ["X1"]);
        // Without the issue date.
        let q = parse("079192019782||Lê Thị Thu Hà|14051992|Nữ|Hà Nội").unwrap();
        assert_eq!(q.issue_date, None);
    }

    #[test]
    fn what_is_wrong_is_said_by_field() {
        let cases: [(&str, &str); 10] = [
            ("", "qr.empty"),
            ("079192019782|Lê Thị Thu Hà", "qr.fields"),
            ("07919201978||A|14051992|Nữ|X", "qr.bad_id"),
            ("079192019782|12345|A|14051992|Nữ|X", "qr.bad_old_id"),
            ("079192019782|| |14051992|Nữ|X", "qr.no_name"),
            ("079192019782||A|31021992|Nữ|X", "qr.bad_date"),
            ("079192019782||A|14051992|N?|X", "qr.bad_sex"),
            ("079192019782||A|14051992|Nữ|  ", "qr.no_address"),
            ("079192019782||A|14051992|Nữ|X|99999999", "qr.bad_date"),
            ("079192019782||A|+1/+2/+999|Nữ|X", "qr.bad_date"),
        ];
        for (text, key) in cases {
            assert_eq!(parse(text).unwrap_err().key(), key, "{text}");
        }
        assert_eq!(
            parse(&"1".repeat(MAX_LEN + 1)).unwrap_err().key(),
            "qr.too_long"
        );
        let e = parse("079192019782||A|14051992|\u{1b}[31mX|Y").unwrap_err();
        assert!(e.args().iter().all(|(_, v)| !v.contains('\u{1b}')));
    }

    #[test]
    fn extra_fields_are_trimmed_once_cleaned() {
        // Found by fuzzing (the `qr` target): a control character next to a space kept
        // the space once removed, so the field read differently written back.
        let q = parse("079192019782||A|14051992|Nữ|X||\0 \0X1|X2 \u{1b}|\u{1b}").unwrap();
        assert_eq!(q.extra, ["X1", "X2", ""]);
        let again = parse("079192019782||A|14051992|Nữ|X||X1|X2|").unwrap();
        assert_eq!(again, q);
        // And so was a byte-order mark before a control character at the very end
        // (the text's own trim stops at the control character).
        let q = parse("079192019782||\u{feff}\0A|14051992|Nữ|X \u{1b}||X1\u{feff}\u{1b} ").unwrap();
        assert_eq!((q.full_name.as_str(), q.address.as_str()), ("A", "X"));
        assert_eq!(q.extra, ["X1"]);
        assert_eq!(parse("079192019782||A|14051992|Nữ|X||X1").unwrap(), q);
    }

    proptest! {
        #[test]
        fn any_text_parses_or_says_why(s in any::<String>()) {
            if let Ok(q) = parse(&s) {
                prop_assert_eq!(q.id_number.len(), 12);
                prop_assert!(!q.full_name.chars().any(char::is_control));
            }
        }
    }
}
