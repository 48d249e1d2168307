//! DG13 of the CCCD's chip: the Vietnamese details (tag `6D`).
//!
//! Inside the `6D`, a list of elements; the details are items
//! `30 LL { 02 01 n, value… }` keyed by `n`:
//!
//! | n | item | n | item |
//! |---|------|---|------|
//! | 1 | personal ID (PrintableString) | 9 | permanent residence |
//! | 2 | full name | 10 | identifying features |
//! | 3 | birth date `dd/mm/yyyy` | 11 | issue date `dd/mm/yyyy` |
//! | 4 | sex (`Nam`/`Nữ`) | 12 | expiry (a date, or text such as `Không thời hạn`) |
//! | 5 | nationality | 13 | father and mother |
//! | 6 | ethnicity | 14 | spouse |
//! | 7 | religion | 15 | old ID (CMND) |
//! | 8 | hometown | 16 | a 16-character code (meaning unknown) |
//!
//! The elements are walked as TLVs, never at fixed offsets: unknown elements (real cards
//! have one before item 1) and unknown item numbers are skipped, SEQUENCEs that are not
//! items are looked into (a few levels deep), items may come in any order, and a
//! repeated item keeps its first value. Item 13 holds two SEQUENCEs `30 { 02 01 k, 0C
//! name }` or just the two strings: the first is the father, the second the mother.
//! Strings are UTF-8; invalid UTF-8 in a known item is an error naming the item.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::tlv::{self, Tlv, TlvError};

/// DG13's tag.
pub const TAG: u32 = 0x6D;

const SEQUENCE: u32 = 0x30;
const SET: u32 = 0x31;
const INTEGER: u32 = 0x02;
const UTF8_STRING: u32 = 0x0C;
const PRINTABLE_STRING: u32 = 0x13;

/// String types read as text (all decoded as UTF-8): UTF8String, PrintableString,
/// T61String, IA5String, VisibleString.
const STRING_TAGS: [u32; 5] = [UTF8_STRING, PRINTABLE_STRING, 0x14, 0x16, 0x1A];

/// How deep SEQUENCEs that are not items are looked into.
const MAX_DEPTH: usize = 4;

/// Item numbers.
pub mod item {
    /// Personal ID (12 digits).
    pub const ID_NUMBER: u8 = 1;
    /// Full name.
    pub const FULL_NAME: u8 = 2;
    /// Birth date, `dd/mm/yyyy`.
    pub const BIRTH_DATE: u8 = 3;
    /// Sex: `Nam` or `Nữ`.
    pub const SEX: u8 = 4;
    /// Nationality.
    pub const NATIONALITY: u8 = 5;
    /// Ethnicity (dân tộc).
    pub const ETHNICITY: u8 = 6;
    /// Religion (tôn giáo).
    pub const RELIGION: u8 = 7;
    /// Hometown (quê quán).
    pub const HOMETOWN: u8 = 8;
    /// Permanent residence (nơi thường trú).
    pub const PERMANENT_ADDRESS: u8 = 9;
    /// Identifying features (đặc điểm nhận dạng).
    pub const IDENTIFYING_FEATURES: u8 = 10;
    /// Issue date, `dd/mm/yyyy`.
    pub const ISSUE_DATE: u8 = 11;
    /// Expiry, a date or text.
    pub const EXPIRY: u8 = 12;
    /// Father and mother.
    pub const PARENTS: u8 = 13;
    /// Spouse.
    pub const SPOUSE: u8 = 14;
    /// Old ID (CMND).
    pub const OLD_ID_NUMBER: u8 = 15;
    /// A 16-character code of unknown meaning.
    pub const UNKNOWN_CODE: u8 = 16;
    /// The highest item number known.
    pub const LAST: u8 = 16;
}

/// The details DG13 holds, as text (cleaned of control characters, NFC, trimmed; empty
/// values are `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dg13 {
    /// 1: personal ID (12 digits).
    pub id_number: Option<String>,
    /// 2: full name, with diacritics.
    pub full_name: Option<String>,
    /// 3: birth date as written (`dd/mm/yyyy`); see [`parse_date`].
    pub birth_date: Option<String>,
    /// 4: sex as written (`Nam`, `Nữ`).
    pub sex: Option<String>,
    /// 5: nationality (`Việt Nam`).
    pub nationality: Option<String>,
    /// 6: ethnicity (`Kinh`).
    pub ethnicity: Option<String>,
    /// 7: religion (`Không`).
    pub religion: Option<String>,
    /// 8: hometown (quê quán).
    pub hometown: Option<String>,
    /// 9: permanent residence (nơi thường trú).
    pub permanent_address: Option<String>,
    /// 10: identifying features.
    pub identifying_features: Option<String>,
    /// 11: issue date as written (`dd/mm/yyyy`).
    pub issue_date: Option<String>,
    /// 12: expiry as written: a date, or text such as `Không thời hạn`.
    pub expiry: Option<String>,
    /// 13, first: father's name.
    pub father_name: Option<String>,
    /// 13, second: mother's name.
    pub mother_name: Option<String>,
    /// 14: spouse's name.
    pub spouse_name: Option<String>,
    /// 15: old ID (CMND, 9 digits).
    pub old_id_number: Option<String>,
    /// 16: a 16-character code of unknown meaning, kept as text.
    pub unknown_code: Option<String>,
}

impl Dg13 {
    /// The field of a single-valued item (all but 13).
    fn single_mut(&mut self, n: u8) -> Option<&mut Option<String>> {
        Some(match n {
            item::ID_NUMBER => &mut self.id_number,
            item::FULL_NAME => &mut self.full_name,
            item::BIRTH_DATE => &mut self.birth_date,
            item::SEX => &mut self.sex,
            item::NATIONALITY => &mut self.nationality,
            item::ETHNICITY => &mut self.ethnicity,
            item::RELIGION => &mut self.religion,
            item::HOMETOWN => &mut self.hometown,
            item::PERMANENT_ADDRESS => &mut self.permanent_address,
            item::IDENTIFYING_FEATURES => &mut self.identifying_features,
            item::ISSUE_DATE => &mut self.issue_date,
            item::EXPIRY => &mut self.expiry,
            item::SPOUSE => &mut self.spouse_name,
            item::OLD_ID_NUMBER => &mut self.old_id_number,
            item::UNKNOWN_CODE => &mut self.unknown_code,
            _ => return None,
        })
    }

    /// The single-valued items in order, with their numbers (13 is apart).
    fn singles(&self) -> [(u8, Option<&str>); 15] {
        [
            (item::ID_NUMBER, self.id_number.as_deref()),
            (item::FULL_NAME, self.full_name.as_deref()),
            (item::BIRTH_DATE, self.birth_date.as_deref()),
            (item::SEX, self.sex.as_deref()),
            (item::NATIONALITY, self.nationality.as_deref()),
            (item::ETHNICITY, self.ethnicity.as_deref()),
            (item::RELIGION, self.religion.as_deref()),
            (item::HOMETOWN, self.hometown.as_deref()),
            (item::PERMANENT_ADDRESS, self.permanent_address.as_deref()),
            (
                item::IDENTIFYING_FEATURES,
                self.identifying_features.as_deref(),
            ),
            (item::ISSUE_DATE, self.issue_date.as_deref()),
            (item::EXPIRY, self.expiry.as_deref()),
            (item::SPOUSE, self.spouse_name.as_deref()),
            (item::OLD_ID_NUMBER, self.old_id_number.as_deref()),
            (item::UNKNOWN_CODE, self.unknown_code.as_deref()),
        ]
    }
}

/// What is wrong with a DG13.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Dg13Error {
    /// Malformed TLV (truncated, bad length…).
    #[error(transparent)]
    Tlv(#[from] TlvError),
    /// The outer tag is not `6D`.
    #[error("not a DG13: tag {tag:#X}")]
    NotDg13 {
        /// The tag found.
        tag: u32,
    },
    /// A known item's string is not valid UTF-8.
    #[error("item {item} is not valid UTF-8 (offset {offset})")]
    Text {
        /// The item number.
        item: u8,
        /// Offset of the string's element.
        offset: usize,
    },
    /// No known item at all.
    #[error("no known item in the DG13")]
    NoItems,
}

impl Dg13Error {
    /// The i18n key: `dg13.tlv`, `dg13.tag`, `dg13.text`, `dg13.no_items`.
    pub const fn key(&self) -> &'static str {
        match self {
            Dg13Error::Tlv(_) => "dg13.tlv",
            Dg13Error::NotDg13 { .. } => "dg13.tag",
            Dg13Error::Text { .. } => "dg13.text",
            Dg13Error::NoItems => "dg13.no_items",
        }
    }

    /// The values its message names.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Dg13Error::Tlv(e) => e.args(),
            Dg13Error::NotDg13 { tag } => vec![("tag", format!("{tag:02X}"))],
            Dg13Error::Text { item, offset } => {
                vec![("item", item.to_string()), ("offset", offset.to_string())]
            }
            Dg13Error::NoItems => Vec::new(),
        }
    }
}

/// `dd/mm/yyyy` (also `d/m/yyyy`, `-` or `.` separators) as a date.
pub fn parse_date(s: &str) -> Option<Date> {
    let mut parts = s.trim().split(['/', '-', '.']);
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || !(1..=2).contains(&d.len())
        || !(1..=2).contains(&m.len())
    {
        return None;
    }
    // Digits only: `parse` alone would take a sign (`+1/+5/+999`).
    if ![d, m, y]
        .iter()
        .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

/// The item number of an INTEGER's value (1 to 4 bytes, big-endian); larger values are
/// no known item.
fn item_number(value: &[u8]) -> Option<u32> {
    if value.is_empty() || value.len() > 4 {
        return None;
    }
    Some(value.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
}

/// A string element's text, cleaned; `Ok(None)` when empty.
fn text_of(t: &Tlv<'_>, n: u8) -> Result<Option<String>, Dg13Error> {
    let s = std::str::from_utf8(t.value).map_err(|_| Dg13Error::Text {
        item: n,
        offset: t.offset,
    })?;
    let clean = crate::text::sanitize_field(s);
    Ok((!clean.is_empty()).then_some(clean))
}

/// The constructed elements looked into: SEQUENCE and SET.
fn is_container(t: &Tlv<'_>) -> bool {
    t.tag == SEQUENCE || t.tag == SET
}

/// The first string among `elements`, looking into SEQUENCEs and SETs (a few levels).
/// `Ok(None)` when there is none, or only an empty one.
fn first_string(elements: &[Tlv<'_>], n: u8, depth: usize) -> Result<Option<String>, Dg13Error> {
    for e in elements {
        if STRING_TAGS.contains(&e.tag) {
            return text_of(e, n);
        }
        if is_container(e) && depth < MAX_DEPTH {
            let kids = tlv::children(e)?;
            if kids
                .iter()
                .any(|k| STRING_TAGS.contains(&k.tag) || is_container(k))
            {
                return first_string(&kids, n, depth + 1);
            }
        }
    }
    Ok(None)
}

/// Item 13: one slot per string or SEQUENCE, in order.
fn parents(content: &[Tlv<'_>]) -> Result<(Option<String>, Option<String>), Dg13Error> {
    let mut slots = Vec::with_capacity(2);
    for e in content {
        if slots.len() == 2 {
            break;
        }
        if STRING_TAGS.contains(&e.tag) {
            slots.push(text_of(e, item::PARENTS)?);
        } else if is_container(e) {
            slots.push(first_string(&tlv::children(e)?, item::PARENTS, 1)?);
        }
    }
    let mut slots = slots.into_iter();
    Ok((slots.next().flatten(), slots.next().flatten()))
}

/// Walks a list of elements, filling `out`; `seen` marks the items read.
fn walk(
    elements: &[Tlv<'_>],
    depth: usize,
    out: &mut Dg13,
    seen: &mut [bool; item::LAST as usize + 1],
) -> Result<(), Dg13Error> {
    for e in elements {
        if !is_container(e) {
            continue; // An unknown primitive (or other) element.
        }
        let kids = match tlv::children(e) {
            Ok(kids) => kids,
            // Item-shaped (starts with an INTEGER): it is broken.
            Err(err) if e.value.first() == Some(&0x02) => return Err(err.into()),
            // Something else that is not TLV inside: not ours, skipped.
            Err(_) => continue,
        };
        let Some((first, content)) = kids.split_first() else {
            continue;
        };
        if first.tag != INTEGER {
            if depth < MAX_DEPTH {
                walk(&kids, depth + 1, out, seen)?;
            }
            continue;
        }
        let Some(n) = item_number(first.value)
            .and_then(|n| u8::try_from(n).ok())
            .filter(|n| (1..=item::LAST).contains(n))
        else {
            continue; // Unknown item number.
        };
        let Some(flag) = seen.get_mut(usize::from(n)) else {
            continue;
        };
        if *flag {
            continue; // Repeated: the first is kept.
        }
        *flag = true;
        if n == item::PARENTS {
            (out.father_name, out.mother_name) = parents(content)?;
        } else if let Some(slot) = out.single_mut(n) {
            *slot = first_string(content, n, depth + 1)?;
        }
    }
    Ok(())
}

/// Reads a DG13 file: the outer `6D` element (anything after it, such as padding, is
/// ignored) and the items inside it.
pub fn parse(bytes: &[u8]) -> Result<Dg13, Dg13Error> {
    let outer = tlv::parse_first(bytes)?;
    if outer.tag != TAG {
        return Err(Dg13Error::NotDg13 { tag: outer.tag });
    }
    let elements = tlv::children(&outer)?;
    let mut out = Dg13::default();
    let mut seen = [false; item::LAST as usize + 1];
    walk(&elements, 0, &mut out, &mut seen)?;
    if !seen.contains(&true) {
        return Err(Dg13Error::NoItems);
    }
    Ok(out)
}

/// The unknown element real cards have before item 1 (19 bytes): here a SEQUENCE of an
/// OBJECT IDENTIFIER and a version string, standing in for it.
const UNKNOWN_LEADING_ELEMENT: [u8; 19] = [
    0x30, 0x11, // SEQUENCE
    0x06, 0x09, 0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x15, 0x14, // OID
    0x13, 0x04, b'1', b'.', b'0', b'0', // PrintableString "1.00"
];

/// `02 01 n`.
fn integer(n: u8) -> Vec<u8> {
    tlv::encode(INTEGER, &[n])
}

/// A string element: PrintableString for the numbers and the code when they fit it,
/// UTF8String otherwise.
fn string(n: u8, s: &str) -> Vec<u8> {
    let printable = |c: char| c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c);
    let numbered = matches!(
        n,
        item::ID_NUMBER | item::OLD_ID_NUMBER | item::UNKNOWN_CODE
    );
    let tag = if numbered && s.chars().all(printable) {
        PRINTABLE_STRING
    } else {
        UTF8_STRING
    };
    tlv::encode(tag, s.as_bytes())
}

/// `30 { 02 01 n, content }`.
fn item_element(n: u8, content: &[u8]) -> Vec<u8> {
    tlv::encode(SEQUENCE, &[integer(n), content.to_vec()].concat())
}

/// Builds a DG13 in the cards' layout: optionally the unknown leading element, then
/// items 1 to 16 in order, each `30 { 02 01 n, string }`; item 13 as two SEQUENCEs
/// `30 { 02 01 1, father }`, `30 { 02 01 2, mother }` (a missing name leaves its
/// SEQUENCE with the number only). Items whose value is `None` are left out (13 when
/// both parents are). Lengths take the long form where needed.
pub fn encode(d: &Dg13, with_unknown_leading_element: bool) -> Vec<u8> {
    let mut body = Vec::new();
    if with_unknown_leading_element {
        body.extend_from_slice(&UNKNOWN_LEADING_ELEMENT);
    }
    for (n, value) in d.singles() {
        if n == item::SPOUSE && (d.father_name.is_some() || d.mother_name.is_some()) {
            let parent = |k: u8, name: Option<&str>| {
                let name = name.map(|s| string(item::PARENTS, s)).unwrap_or_default();
                tlv::encode(SEQUENCE, &[integer(k), name].concat())
            };
            let content = [
                parent(1, d.father_name.as_deref()),
                parent(2, d.mother_name.as_deref()),
            ]
            .concat();
            body.extend(item_element(item::PARENTS, &content));
        }
        if let Some(v) = value {
            body.extend(item_element(n, &string(n, v)));
        }
    }
    tlv::encode(TAG, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn person() -> Dg13 {
        Dg13 {
            id_number: Some("079192019782".into()),
            full_name: Some("Lê Thị Thu Hà".into()),
            birth_date: Some("14/05/1992".into()),
            sex: Some("Nữ".into()),
            nationality: Some("Việt Nam".into()),
            ethnicity: Some("Kinh".into()),
            religion: Some("Không".into()),
            hometown: Some("Xã Hải Thanh, Huyện Tĩnh Gia, Tỉnh Thanh Hóa".into()),
            permanent_address: Some(
                "Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh".into(),
            ),
            identifying_features: Some("Nốt ruồi C:1cm trên trước đầu mày phải".into()),
            issue_date: Some("10/08/2021".into()),
            expiry: Some("14/05/2032".into()),
            father_name: Some("Lê Văn Tám".into()),
            mother_name: Some("Nguyễn Thị Mai".into()),
            spouse_name: Some("Trần Minh Quân".into()),
            old_id_number: Some("025123456".into()),
            unknown_code: Some("A1B2C3D4E5F60718".into()),
        }
    }

    fn item_bytes(n: u8, content: &[u8]) -> Vec<u8> {
        item_element(n, content)
    }

    fn utf8(s: &str) -> Vec<u8> {
        tlv::encode(UTF8_STRING, s.as_bytes())
    }

    fn dg13(elements: &[Vec<u8>]) -> Vec<u8> {
        tlv::encode(TAG, &elements.concat())
    }

    #[test]
    fn round_trip_with_and_without_the_leading_element() {
        let p = person();
        for leading in [false, true] {
            let bytes = encode(&p, leading);
            assert_eq!(bytes[0], 0x6D);
            assert_eq!(parse(&bytes).unwrap(), p, "leading element: {leading}");
        }
        let with = encode(&p, true);
        let without = encode(&p, false);
        assert_eq!(with.len(), without.len() + 19);
        // The layout: the leading element, then item 1 as 30 LL 02 01 01 13 0C …
        let body = tlv::children(&tlv::parse_first(&with).unwrap()).unwrap();
        assert_eq!(body[0].tag, 0x30);
        assert_eq!(body[0].value.len() + 2, 19);
        let first_item = &with[body[1].offset..];
        assert_eq!(first_item[2..7], [0x02, 0x01, 0x01, 0x13, 0x0C]);
        assert_eq!(&first_item[7..19], b"079192019782");
        // Items 1..16 in order (13 before 14).
        let numbers: Vec<u8> = body[1..]
            .iter()
            .map(|t| tlv::children(t).unwrap()[0].value[0])
            .collect();
        assert_eq!(numbers, (1..=16).collect::<Vec<u8>>());
        // Padding after the file is ignored.
        let padded = [without.clone(), vec![0x00; 8]].concat();
        assert_eq!(parse(&padded).unwrap(), p);
        // Serialises.
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Dg13>(&json).unwrap(), p);
    }

    #[test]
    fn long_form_lengths() {
        let mut p = person();
        p.permanent_address = Some(
            format!("Số 1 {}", "đường Lê Lợi ".repeat(10))
                .trim()
                .to_owned(),
        );
        let address = p.permanent_address.as_deref().unwrap();
        assert!(address.len() >= 200, "{}", address.len());
        let bytes = encode(&p, true);
        // The outer length takes two bytes (82 XX XX), the address's item one (81 XX).
        assert_eq!(bytes[1], 0x82);
        let needle = [0x02, 0x01, 0x09, 0x0C, 0x81];
        assert!(bytes.windows(5).any(|w| w == needle));
        assert_eq!(parse(&bytes).unwrap(), p);
        // Non-minimal long forms too.
        let bytes = [
            vec![0x6D, 0x81, 0x12],
            vec![0x30, 0x81, 0x0F, 0x02, 0x01, 0x01],
            vec![0x13, 0x82, 0x00, 0x08],
            b"01234567".to_vec(),
        ]
        .concat();
        assert_eq!(
            parse(&bytes).unwrap().id_number.as_deref(),
            Some("01234567")
        );
    }

    #[test]
    fn absent_and_empty_items() {
        let mut p = person();
        p.spouse_name = None;
        p.old_id_number = None;
        p.identifying_features = None;
        let parsed = parse(&encode(&p, true)).unwrap();
        assert_eq!(parsed, p);
        // Spouse present but empty, old ID an empty PrintableString: None.
        let bytes = dg13(&[
            item_bytes(1, &tlv::encode(0x13, b"079192019782")),
            item_bytes(14, &utf8("")),
            item_bytes(15, &tlv::encode(0x13, b"  ")),
            item_bytes(10, &[]),
        ]);
        let d = parse(&bytes).unwrap();
        assert_eq!(d.id_number.as_deref(), Some("079192019782"));
        assert_eq!(
            (d.spouse_name, d.old_id_number, d.identifying_features),
            (None, None, None)
        );
    }

    #[test]
    fn expiry_as_text() {
        let mut p = person();
        p.expiry = Some("Không thời hạn".into());
        let d = parse(&encode(&p, false)).unwrap();
        assert_eq!(d.expiry.as_deref(), Some("Không thời hạn"));
        assert_eq!(parse_date(d.expiry.as_deref().unwrap()), None);
        assert_eq!(
            parse_date(d.birth_date.as_deref().unwrap()),
            Some(jiff::civil::date(1992, 5, 14))
        );
        assert_eq!(parse_date("1/2/2003"), Some(jiff::civil::date(2003, 2, 1)));
        for bad in [
            "31/02/2003",
            "14/05/92",
            "14051992",
            "14/05/1992/1",
            "",
            "+1/+5/+999",
            "14/+5/1992",
            "14/005/1992",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn unknown_elements_and_items_are_skipped() {
        let bytes = dg13(&[
            // Unknown item numbers, before and after.
            item_bytes(0, &utf8("zero")),
            item_bytes(17, &utf8("seventeen")),
            item_element(2, &utf8("Lê Thị Thu Hà")),
            // A primitive element, a context-specific one, an INTEGER of 300.
            tlv::encode(0x04, &[1, 2, 3]),
            tlv::encode(0xA0, &[0xFF, 0xFF]),
            tlv::encode(
                0x30,
                &[tlv::encode(0x02, &[0x01, 0x2C]), utf8("x")].concat(),
            ),
            // A SEQUENCE with something that is not TLV inside.
            tlv::encode(0x30, &[0x05, 0x09]),
            item_bytes(1, &tlv::encode(0x13, b"079192019782")),
        ]);
        let d = parse(&bytes).unwrap();
        assert_eq!(d.full_name.as_deref(), Some("Lê Thị Thu Hà"));
        assert_eq!(d.id_number.as_deref(), Some("079192019782"));
        assert_eq!(d.sex, None);
    }

    #[test]
    fn order_repeats_and_wrappers() {
        // Out of order; a repeated item keeps the first.
        let bytes = dg13(&[
            item_bytes(4, &utf8("Nữ")),
            item_bytes(2, &utf8("Lê Thị Thu Hà")),
            item_bytes(2, &utf8("Someone Else")),
            item_bytes(1, &utf8("079192019782")),
        ]);
        let d = parse(&bytes).unwrap();
        assert_eq!(d.full_name.as_deref(), Some("Lê Thị Thu Hà"));
        assert_eq!(d.sex.as_deref(), Some("Nữ"));
        // The items wrapped in an outer SEQUENCE (and a SET).
        let inner = [
            item_bytes(1, &utf8("079192019782")),
            tlv::encode(0x31, &item_bytes(5, &utf8("Việt Nam"))),
        ]
        .concat();
        let bytes = dg13(&[UNKNOWN_LEADING_ELEMENT.to_vec(), tlv::encode(0x30, &inner)]);
        let d = parse(&bytes).unwrap();
        assert_eq!(d.id_number.as_deref(), Some("079192019782"));
        assert_eq!(d.nationality.as_deref(), Some("Việt Nam"));
        // The value nested one level inside the item.
        let bytes = dg13(&[item_bytes(14, &tlv::encode(0x30, &utf8("Trần Minh Quân")))]);
        assert_eq!(
            parse(&bytes).unwrap().spouse_name.as_deref(),
            Some("Trần Minh Quân")
        );
        // A control character inside shows as a mark, NFC, trimmed.
        let bytes = dg13(&[item_bytes(2, &utf8(" Le\u{0302} \u{1b}[31mA\t"))]);
        assert_eq!(
            parse(&bytes).unwrap().full_name.as_deref(),
            Some("Lê \u{FFFD}[31mA")
        );
    }

    #[test]
    fn parents_nested_or_flat() {
        let nested = |k: u8, name: &[u8]| tlv::encode(0x30, &[integer(k), name.to_vec()].concat());
        // Nested, as encoded.
        let bytes = dg13(&[item_bytes(
            13,
            &[
                nested(1, &utf8("Lê Văn Tám")),
                nested(2, &utf8("Nguyễn Thị Mai")),
            ]
            .concat(),
        )]);
        let d = parse(&bytes).unwrap();
        assert_eq!(d.father_name.as_deref(), Some("Lê Văn Tám"));
        assert_eq!(d.mother_name.as_deref(), Some("Nguyễn Thị Mai"));
        // Just the strings.
        let bytes = dg13(&[item_bytes(
            13,
            &[utf8("Lê Văn Tám"), utf8("Nguyễn Thị Mai")].concat(),
        )]);
        assert_eq!(parse(&bytes).unwrap(), d);
        // The father unknown: his SEQUENCE without a name, or an empty name.
        for father in [nested(1, &[]), nested(1, &utf8(""))] {
            let bytes = dg13(&[item_bytes(
                13,
                &[father, nested(2, &utf8("Nguyễn Thị Mai"))].concat(),
            )]);
            let d = parse(&bytes).unwrap();
            assert_eq!(d.father_name, None);
            assert_eq!(d.mother_name.as_deref(), Some("Nguyễn Thị Mai"));
        }
        // Round trip without a father.
        let mut p = person();
        p.father_name = None;
        assert_eq!(parse(&encode(&p, true)).unwrap(), p);
        p.mother_name = None;
        assert_eq!(parse(&encode(&p, true)).unwrap(), p);
    }

    #[test]
    fn errors_not_panics() {
        let good = encode(&person(), true);
        // Every truncation is an error.
        for len in 0..good.len() {
            let e = parse(&good[..len]).unwrap_err();
            assert_eq!(e.key(), "dg13.tlv", "{len}");
        }
        // Not a DG13.
        let mut other = good.clone();
        other[0] = 0x6C;
        let e = parse(&other).unwrap_err();
        assert_eq!(e, Dg13Error::NotDg13 { tag: 0x6C });
        assert_eq!(e.args(), [("tag", "6C".to_owned())]);
        // Garbage inside the 6D.
        assert_eq!(
            parse(&[0x6D, 0x03, 0x30, 0x05, 0x02]).unwrap_err().key(),
            "dg13.tlv"
        );
        // A broken item.
        let e = parse(&dg13(&[tlv::encode(
            0x30,
            &[0x02, 0x01, 0x01, 0x0C, 0x09, b'x'],
        )]))
        .unwrap_err();
        assert_eq!(e.key(), "dg13.tlv");
        // Nothing known.
        assert_eq!(parse(&[0x6D, 0x00]).unwrap_err(), Dg13Error::NoItems);
        assert_eq!(
            parse(&dg13(&[item_bytes(42, &utf8("x"))]))
                .unwrap_err()
                .key(),
            "dg13.no_items"
        );
        // Invalid UTF-8 names the item and where.
        let bytes = dg13(&[
            item_bytes(1, &utf8("079192019782")),
            item_bytes(9, &tlv::encode(0x0C, &[b'H', 0xC3, 0x28])),
        ]);
        let at = bytes
            .windows(3)
            .position(|w| w == [0x0C, 0x03, b'H'])
            .unwrap();
        assert_eq!(
            parse(&bytes).unwrap_err(),
            Dg13Error::Text {
                item: 9,
                offset: at
            }
        );
        // Invalid UTF-8 in an unknown item is skipped with it.
        let bytes = dg13(&[
            item_bytes(1, &utf8("1")),
            item_bytes(20, &tlv::encode(0x0C, &[0xFF])),
        ]);
        assert!(parse(&bytes).is_ok());
        // Deep nesting does not exhaust the stack.
        let mut deep = item_bytes(1, &utf8("079192019782"));
        for _ in 0..2000 {
            deep = tlv::encode(0x30, &deep);
        }
        assert_eq!(
            parse(&tlv::encode(TAG, &deep)).unwrap_err(),
            Dg13Error::NoItems
        );
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = parse(&bytes);
        }

        #[test]
        fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = parse(&tlv::encode(TAG, &body));
        }

        #[test]
        fn mutated_cards_never_panic(at in 0usize..400, byte in any::<u8>(), leading in any::<bool>()) {
            let mut bytes = encode(&person(), leading);
            let i = at % bytes.len();
            bytes[i] = byte;
            let _ = parse(&bytes);
        }

        #[test]
        fn any_text_round_trips(name in "\\PC{1,120}", code in "[A-Z0-9]{16}") {
            let mut p = person();
            p.full_name = Some(crate::text::sanitize(&name).0.trim().to_owned()).filter(|s| !s.is_empty());
            p.unknown_code = Some(code);
            prop_assert_eq!(parse(&encode(&p, true)).unwrap(), p);
        }
    }
}
