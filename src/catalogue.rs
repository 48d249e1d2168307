//! The procedure catalogue (danh mục thủ tục hành chính).
//!
//! Until the backend exists the catalogue is imported from a JSON or CSV file
//! (`motcua catalogue import FILE`). [`parse`] reads and validates a whole file
//! and returns either every procedure or the first problem, naming the row and
//! field, so that a bad file imports nothing.
//!
//! [`sample`] is the 14 procedures of a Ninh Thuận guidance letter, and
//! [`generate`] builds a deterministic, realistic provincial catalogue for
//! tests and benchmarks.

use crate::rng::SplitMix64;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The sample catalogue file, embedded.
pub const SAMPLE_JSON: &str = include_str!("../config/sample-catalogue.json");

/// One administrative procedure (thủ tục hành chính).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Procedure {
    /// National procedure code, e.g. "1.001776".
    pub code: String,
    /// Local variant code, e.g. "1.001776.000.00.00.H56"; may be empty.
    #[serde(default)]
    pub local_code: String,
    /// Tên thủ tục.
    pub name: String,
    /// Lĩnh vực.
    pub field: String,
    /// Số ngày: processing time in days, 0..=365.
    pub days: u32,
    /// Thu phí: whether a fee is charged.
    pub charges_fee: bool,
    /// Phí, in VND.
    #[serde(default)]
    pub fee: u64,
    /// Lệ phí, in VND.
    #[serde(default)]
    pub charge: u64,
}

/// Import file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

impl Format {
    /// The format for a file name ending in `.json` or `.csv` (any case).
    #[must_use]
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?;
        if ext.eq_ignore_ascii_case("json") {
            Some(Format::Json)
        } else if ext.eq_ignore_ascii_case("csv") {
            Some(Format::Csv)
        } else {
            None
        }
    }
}

/// Why a catalogue file was rejected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    /// A field of one row is invalid. `row` is 1-based: for CSV the header is
    /// row 1 and the first data row is row 2; for JSON it is the 1-based index
    /// of the element in the array.
    #[error("row {row}, field `{field}`: {problem}")]
    Field {
        row: usize,
        field: String,
        problem: String,
    },
    /// A whole row is invalid (not an object, too many values, …).
    #[error("row {row}: {problem}")]
    Row { row: usize, problem: String },
    /// The file cannot be read as a catalogue at all.
    #[error("{0}")]
    File(String),
}

/// Parse and validate a whole file. All or nothing: the first problem found
/// (in row order) is returned and no procedure is.
///
/// # Errors
///
/// [`ImportError::Field`] or [`ImportError::Row`] for the first invalid row,
/// [`ImportError::File`] when the file cannot be read as a catalogue at all
/// (empty, not UTF-8, bad JSON syntax, missing CSV columns, no procedures).
pub fn parse(bytes: &[u8], format: Format) -> Result<Vec<Procedure>, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].split(|&b| b == b'\n').count();
        ImportError::File(format!(
            "the file is not UTF-8 text (invalid byte on line {line}); save it as UTF-8"
        ))
    })?;
    if text.trim().is_empty() {
        return Err(ImportError::File("the file is empty".to_owned()));
    }
    let procedures = match format {
        Format::Json => parse_json(text)?,
        Format::Csv => parse_csv(text)?,
    };
    if procedures.is_empty() {
        return Err(ImportError::File(
            "the file contains no procedures".to_owned(),
        ));
    }
    Ok(procedures)
}

/// The 14 procedures of the sample file, in file order.
///
/// # Panics
///
/// Only if the embedded sample file is invalid, which the tests rule out.
#[must_use]
pub fn sample() -> Vec<Procedure> {
    parse(SAMPLE_JSON.as_bytes(), Format::Json).expect("the embedded sample catalogue is valid")
}

// ---------------------------------------------------------------------------
// Validation shared by both formats
// ---------------------------------------------------------------------------

/// Column / key names, in display order.
const COLUMNS: [&str; 8] = [
    "code",
    "local_code",
    "name",
    "field",
    "days",
    "charges_fee",
    "fee",
    "charge",
];
/// CSV columns that must be present in the header.
const REQUIRED_COLUMNS: [&str; 5] = ["code", "name", "field", "days", "charges_fee"];

const MAX_CODE_CHARS: usize = 64;
const MAX_NAME_CHARS: usize = 1000;
const MAX_FIELD_CHARS: usize = 200;
const MAX_DAYS: u64 = 365;

const DAY_UNITS: [&str; 2] = ["ngày làm việc", "ngày"];
const MONEY_UNITS: [&str; 5] = ["vnđ", "vnd", "đồng", "đ", "₫"];

/// One raw value of one field, before validation.
#[derive(Clone, Copy)]
enum Raw<'a> {
    /// No such key / column.
    Absent,
    Text(&'a str),
    Bool(bool),
    Number(&'a serde_json::Number),
    /// Any other JSON value, described for the message ("a list").
    Other(&'static str),
}

impl Raw<'_> {
    fn describe(self) -> String {
        match self {
            Raw::Absent => "nothing".to_owned(),
            Raw::Text(s) => format!("`{}`", shorten(s.trim())),
            Raw::Bool(b) => format!("`{b}`"),
            Raw::Number(n) => format!("the number {n}"),
            Raw::Other(what) => what.to_owned(),
        }
    }
}

/// At most 40 characters of `s` from the file, for quoting in messages: cleaned first
/// (a control character shows as `�`), since the message goes to the official's terminal.
fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    let s = crate::text::sanitize(s).0;
    if s.chars().count() <= MAX {
        s
    } else {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    }
}

fn field_error(row: usize, field: &str, problem: impl Into<String>) -> ImportError {
    ImportError::Field {
        row,
        field: field.to_owned(),
        problem: problem.into(),
    }
}

/// Why a character may not appear in catalogue text, if it may not.
fn forbidden_char(c: char) -> Option<&'static str> {
    match c {
        '\u{2028}' | '\u{2029}' => Some("a line break"),
        '\u{FEFF}' | '\u{200B}' => Some("an invisible character"),
        '\u{FFFD}' => Some("a replacement character (the text was damaged by a wrong encoding)"),
        c if c.is_control() => Some("a control character"),
        _ => None,
    }
}

/// Why `text` (already trimmed) is not acceptable single-line catalogue text.
fn text_problem(text: &str, max_chars: usize) -> Option<String> {
    if let Some((c, why)) = text
        .chars()
        .find_map(|c| forbidden_char(c).map(|why| (c, why)))
    {
        return Some(format!(
            "contains {why} (U+{:04X}); use plain single-line text",
            u32::from(c)
        ));
    }
    let chars = text.chars().count();
    (chars > max_chars).then(|| format!("is too long ({chars} characters, at most {max_chars})"))
}

fn read_text(
    row: usize,
    field: &str,
    raw: Raw<'_>,
    required: bool,
    max_chars: usize,
) -> Result<String, ImportError> {
    let text = match raw {
        Raw::Absent => "",
        Raw::Text(s) => s.trim(),
        Raw::Number(_) => {
            return Err(field_error(
                row,
                field,
                format!("must be text in quotes, found {}", raw.describe()),
            ));
        }
        Raw::Bool(_) | Raw::Other(_) => {
            return Err(field_error(
                row,
                field,
                format!("must be text, found {}", raw.describe()),
            ));
        }
    };
    if text.is_empty() {
        return if required {
            Err(field_error(row, field, "is missing"))
        } else {
            Ok(String::new())
        };
    }
    if let Some(problem) = text_problem(text, max_chars) {
        return Err(field_error(row, field, problem));
    }
    // Text is stored cleaned (a bidi control becomes a mark) and NFC, so that "Hoà"
    // typed in NFD and in NFC is one value (and one code: duplicates are found after
    // this). NFC may lengthen a text (U+0958 becomes two characters): the limit holds
    // for what is stored.
    let clean = crate::text::sanitize(text).0;
    let chars = clean.chars().count();
    if chars > max_chars {
        return Err(field_error(
            row,
            field,
            format!("is too long ({chars} characters, at most {max_chars})"),
        ));
    }
    Ok(clean)
}

/// Why a value is not a whole non-negative number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumProblem {
    Negative,
    Fraction,
    Invalid,
    TooLarge,
}

fn is_group_separator(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ' ' | '\u{A0}' | '\u{202F}' | '\u{2009}' | '\''
    )
}

/// `text` without a case-insensitive `suffix`, if it ends with one.
fn strip_suffix_ci<'t>(text: &'t str, suffix: &str) -> Option<&'t str> {
    let mut rest = text;
    for s in suffix.chars().rev() {
        let c = rest.chars().next_back()?;
        if !c.to_lowercase().eq(s.to_lowercase()) {
            return None;
        }
        rest = &rest[..rest.len() - c.len_utf8()];
    }
    Some(rest)
}

/// Parse a whole number written by a person: "15", "1.000.000", "1,000",
/// "1 000 000", "50.000 đ". Separators must group thousands, so "1,5" and
/// "1.50" are fractions, not 15 and 150.
fn parse_whole(text: &str, units: &[&str]) -> Result<u64, NumProblem> {
    let mut t = text.trim();
    if let Some(rest) = units.iter().find_map(|unit| strip_suffix_ci(t, unit)) {
        t = rest.trim_end();
    }
    if let Some(rest) = t.strip_prefix(['-', '−']) {
        return Err(
            if rest.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
                NumProblem::Negative
            } else {
                NumProblem::Invalid
            },
        );
    }
    let groups: Vec<&str> = t.split(is_group_separator).collect();
    if groups
        .iter()
        .any(|g| g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(NumProblem::Invalid);
    }
    if groups.len() > 1 {
        let separators: Vec<char> = t.chars().filter(|&c| is_group_separator(c)).collect();
        let last = groups[groups.len() - 1];
        if last.len() != 3 {
            return Err(if matches!(separators.last(), Some('.' | ',')) {
                NumProblem::Fraction
            } else {
                NumProblem::Invalid
            });
        }
        let class = |c: char| {
            if matches!(c, '.' | ',' | '\'') {
                c
            } else {
                ' '
            }
        };
        let mixed = separators.iter().any(|&c| class(c) != class(separators[0]));
        let badly_grouped = groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3);
        if mixed || badly_grouped {
            return Err(NumProblem::Invalid);
        }
    }
    let digits: String = groups.concat();
    digits.parse::<u64>().map_err(|_| NumProblem::TooLarge)
}

/// A whole number from a raw value; `Ok(None)` when absent or blank.
fn raw_whole(raw: Raw<'_>, units: &[&str]) -> Result<Option<u64>, NumProblem> {
    match raw {
        Raw::Absent => Ok(None),
        Raw::Text(s) if s.trim().is_empty() => Ok(None),
        Raw::Text(s) => parse_whole(s, units).map(Some),
        Raw::Number(n) => match n.as_u64() {
            Some(v) => Ok(Some(v)),
            None if n.as_i64().is_some() => Err(NumProblem::Negative),
            None if n.to_string().starts_with('-') => Err(NumProblem::Negative),
            None => Err(NumProblem::Fraction),
        },
        Raw::Bool(_) | Raw::Other(_) => Err(NumProblem::Invalid),
    }
}

fn read_days(row: usize, raw: Raw<'_>) -> Result<u32, ImportError> {
    match raw_whole(raw, &DAY_UNITS) {
        Ok(None) => Err(field_error(
            row,
            "days",
            "is missing; give a whole number of days between 0 and 365",
        )),
        Ok(Some(days)) if days <= MAX_DAYS => {
            Ok(u32::try_from(days).expect("at most 365 fits in u32"))
        }
        _ => Err(field_error(
            row,
            "days",
            format!(
                "must be a whole number of days between 0 and 365, found {}",
                raw.describe()
            ),
        )),
    }
}

fn read_amount(row: usize, field: &str, raw: Raw<'_>) -> Result<u64, ImportError> {
    let found = raw.describe();
    match raw_whole(raw, &MONEY_UNITS) {
        Ok(amount) => Ok(amount.unwrap_or(0)),
        Err(NumProblem::Negative) => Err(field_error(
            row,
            field,
            format!("must not be negative, found {found}"),
        )),
        Err(NumProblem::Fraction) => Err(field_error(
            row,
            field,
            format!("must be a whole number of VND, found {found}"),
        )),
        Err(NumProblem::Invalid) => Err(field_error(
            row,
            field,
            format!("must be a whole number of VND such as 50.000, found {found}"),
        )),
        Err(NumProblem::TooLarge) => Err(field_error(
            row,
            field,
            format!("is too large, found {found}"),
        )),
    }
}

/// Yes/no as written in spreadsheets: true/false, 1/0, ✓/⊗, x/empty,
/// có/không, yes/no (case-insensitive, trimmed).
fn parse_flag(text: &str) -> Option<bool> {
    // Drop combining marks so that decomposed (NFD) "có"/"không" match too.
    let t: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| !('\u{300}'..='\u{36F}').contains(c))
        .collect();
    match t.as_str() {
        "true" | "1" | "✓" | "✔" | "☑" | "x" | "có" | "co" | "yes" | "y" => Some(true),
        "" | "false" | "0" | "⊗" | "✗" | "✘" | "không" | "khong" | "no" | "n" => Some(false),
        _ => None,
    }
}

fn read_flag(row: usize, field: &str, raw: Raw<'_>) -> Result<bool, ImportError> {
    let flag = match raw {
        Raw::Absent => return Err(field_error(row, field, "is missing")),
        Raw::Bool(b) => Some(b),
        Raw::Text(s) => parse_flag(s),
        Raw::Number(n) => match n.as_u64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Raw::Other(_) => None,
    };
    flag.ok_or_else(|| {
        field_error(
            row,
            field,
            format!(
                "must be yes or no (✓/⊗, true/false, 1/0, x/empty, có/không, yes/no), found {}",
                raw.describe()
            ),
        )
    })
}

/// Validate one row whose raw values are given by `get`.
fn build<'a>(row: usize, get: impl Fn(&str) -> Raw<'a>) -> Result<Procedure, ImportError> {
    Ok(Procedure {
        code: read_text(row, "code", get("code"), true, MAX_CODE_CHARS)?,
        local_code: read_text(row, "local_code", get("local_code"), false, MAX_CODE_CHARS)?,
        name: read_text(row, "name", get("name"), true, MAX_NAME_CHARS)?,
        field: read_text(row, "field", get("field"), true, MAX_FIELD_CHARS)?,
        days: read_days(row, get("days"))?,
        charges_fee: read_flag(row, "charges_fee", get("charges_fee"))?,
        fee: read_amount(row, "fee", get("fee"))?,
        charge: read_amount(row, "charge", get("charge"))?,
    })
}

/// Remembers codes seen so far, to reject duplicates.
#[derive(Default)]
struct Codes(HashMap<String, usize>);

impl Codes {
    fn check(&mut self, row: usize, code: &str) -> Result<(), ImportError> {
        if let Some(&first) = self.0.get(code) {
            return Err(field_error(row, "code", format!("duplicates row {first}")));
        }
        self.0.insert(code.to_owned(), row);
        Ok(())
    }
}

fn expected_list() -> String {
    COLUMNS.join(", ")
}

// ---------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------

fn parse_json(text: &str) -> Result<Vec<Procedure>, ImportError> {
    use serde::de::DeserializeSeed as _;
    let mut rows = JsonRows::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let read = Top(&mut rows).deserialize(&mut de).and_then(|()| de.end());
    if let Some(e) = rows.error {
        return Err(e);
    }
    match read {
        Ok(()) => Ok(rows.out),
        // Valid JSON of another shape (a string, a number…).
        Err(e) if e.classify() == serde_json::error::Category::Data => Err(ImportError::File(
            "expected an array of procedures or {\"procedures\": [...]}".to_owned(),
        )),
        Err(e) => Err(ImportError::File(format!("not valid JSON: {e}"))),
    }
}

/// What a JSON import has read so far. The file is read as a stream: each element is
/// checked and turned into a [`Procedure`] as soon as it is read, and only its
/// top-level values are kept meanwhile (a nested list or object is skipped, not built).
/// So memory follows the procedures kept, never a tree of the whole file: a
/// `serde_json::Value` of `[[],[],…]` costs some twenty times its text.
#[derive(Default)]
struct JsonRows {
    codes: Codes,
    out: Vec<Procedure>,
    /// The first problem, which stops the reading.
    error: Option<ImportError>,
    seen_procedures: bool,
}

impl JsonRows {
    /// Stops the reading with `e` (kept; serde gets a placeholder).
    fn fail<E: serde::de::Error>(&mut self, e: ImportError) -> E {
        self.error = Some(e);
        E::custom("stopped")
    }
}

/// One JSON value as a field holds it: scalars kept, a list or an object only named.
#[derive(Debug)]
enum JsonRaw {
    Null,
    Text(String),
    Bool(bool),
    Number(serde_json::Number),
    Other(&'static str),
}

impl JsonRaw {
    fn raw(&self) -> Raw<'_> {
        match self {
            JsonRaw::Null => Raw::Absent,
            JsonRaw::Text(s) => Raw::Text(s),
            JsonRaw::Bool(b) => Raw::Bool(*b),
            JsonRaw::Number(n) => Raw::Number(n),
            JsonRaw::Other(what) => Raw::Other(what),
        }
    }
}

/// An element of the array: an object's fields, or another value.
enum JsonItem {
    Object(std::collections::BTreeMap<String, JsonRaw>),
    Value(JsonRaw),
}

/// Reads a [`JsonRaw`]; a list or an object is skipped without being built.
struct RawVisitor;

impl<'de> serde::de::Visitor<'de> for RawVisitor {
    type Value = JsonRaw;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<JsonRaw, E> {
        Ok(JsonRaw::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<JsonRaw, E> {
        Ok(JsonRaw::Bool(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<JsonRaw, E> {
        Ok(JsonRaw::Number(v.into()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<JsonRaw, E> {
        Ok(JsonRaw::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<JsonRaw, E> {
        Ok(serde_json::Number::from_f64(v).map_or(JsonRaw::Other("a number"), JsonRaw::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<JsonRaw, E> {
        Ok(JsonRaw::Text(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<JsonRaw, E> {
        Ok(JsonRaw::Text(v))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<JsonRaw, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(JsonRaw::Other("a list"))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<JsonRaw, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(JsonRaw::Other("an object"))
    }
}

impl<'de> serde::Deserialize<'de> for JsonRaw {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

impl<'de> serde::Deserialize<'de> for JsonItem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ItemVisitor;
        impl<'de> serde::de::Visitor<'de> for ItemVisitor {
            type Value = JsonItem;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a procedure")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<JsonItem, A::Error> {
                // A key given twice: the last value counts, as in a JSON object.
                let mut fields = std::collections::BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<String, JsonRaw>()? {
                    fields.insert(k, v);
                }
                Ok(JsonItem::Object(fields))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<JsonItem, E> {
                Ok(JsonItem::Value(JsonRaw::Null))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<JsonItem, E> {
                RawVisitor.visit_bool(v).map(JsonItem::Value)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<JsonItem, E> {
                RawVisitor.visit_u64(v).map(JsonItem::Value)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<JsonItem, E> {
                RawVisitor.visit_i64(v).map(JsonItem::Value)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<JsonItem, E> {
                RawVisitor.visit_f64(v).map(JsonItem::Value)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<JsonItem, E> {
                RawVisitor.visit_str(v).map(JsonItem::Value)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<JsonItem, A::Error> {
                RawVisitor.visit_seq(seq).map(JsonItem::Value)
            }
        }
        d.deserialize_any(ItemVisitor)
    }
}

/// The whole file: an array of procedures, or `{"procedures": [...]}`.
struct Top<'a>(&'a mut JsonRows);

impl<'de> serde::de::DeserializeSeed<'de> for Top<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Top<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of procedures or {\"procedures\": [...]}")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let rows = self.0;
        let mut row = 0;
        while let Some(item) = seq.next_element::<JsonItem>()? {
            row += 1;
            if let Err(e) = rows.take(row, item) {
                return Err(rows.fail(e));
            }
        }
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let rows = self.0;
        while let Some(key) = map.next_key::<String>()? {
            if key != "procedures" {
                let e = ImportError::File(format!(
                    "unknown top-level key `{}`; expected {{\"procedures\": [...]}} or a plain array",
                    shorten(&key)
                ));
                return Err(rows.fail(e));
            }
            if rows.seen_procedures {
                return Err(rows.fail(ImportError::File("`procedures` is given twice".to_owned())));
            }
            rows.seen_procedures = true;
            map.next_value_seed(List(&mut *rows))?;
        }
        if rows.seen_procedures {
            Ok(())
        } else {
            Err(rows.fail(ImportError::File(
                "expected {\"procedures\": [...]} or a plain array".to_owned(),
            )))
        }
    }
}

/// The value of `procedures`: it must be an array.
struct List<'a>(&'a mut JsonRows);

impl<'de> serde::de::DeserializeSeed<'de> for List<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        // An array is read row by row; anything else is skipped, then refused.
        let rows = self.0;
        let mut list = Some(Top(&mut *rows));
        if d.deserialize_any(EitherList(&mut list))? {
            Ok(())
        } else {
            Err(rows.fail(ImportError::File(
                "`procedures` must be an array of procedures".to_owned(),
            )))
        }
    }
}

/// Reads an array through the [`Top`] it holds (returning `true`), or skips any other
/// value (returning `false`).
struct EitherList<'a, 'b>(&'a mut Option<Top<'b>>);

impl<'de> serde::de::Visitor<'de> for EitherList<'_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        match self.0.take() {
            Some(top) => top.visit_seq(seq).map(|()| true),
            None => Ok(false),
        }
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        RawVisitor.visit_map(map).map(|_| false)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
}

impl JsonRows {
    /// Checks one element (row `row`, 1-based) and keeps its procedure.
    fn take(&mut self, row: usize, item: JsonItem) -> Result<(), ImportError> {
        let object = match item {
            JsonItem::Object(object) => object,
            JsonItem::Value(value) => {
                return Err(ImportError::Row {
                    row,
                    problem: format!(
                        "must be an object such as {{\"code\": …, \"name\": …}}, found {}",
                        value.raw().describe()
                    ),
                });
            }
        };
        if let Some(key) = object.keys().find(|k| !COLUMNS.contains(&k.as_str())) {
            return Err(field_error(
                row,
                &shorten(key),
                format!("is not a known field (expected {})", expected_list()),
            ));
        }
        let procedure = build(row, |name| {
            object.get(name).map_or(Raw::Absent, JsonRaw::raw)
        })?;
        self.codes.check(row, &procedure.code)?;
        self.out.push(procedure);
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

fn parse_csv(text: &str) -> Result<Vec<Procedure>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err(ImportError::File("the file is empty".to_owned())),
        Some(record) => record.map_err(|e| ImportError::File(format!("cannot read CSV: {e}")))?,
    };
    let columns = read_header(&header)?;

    let mut codes = Codes::default();
    let mut out = Vec::new();
    for (index, record) in records.enumerate() {
        let row = index + 2;
        let record =
            record.map_err(|e| ImportError::File(format!("cannot read CSV at row {row}: {e}")))?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue; // spreadsheets leave empty rows behind
        }
        if let Some(extra) = (0..record.len()).find(|&i| {
            !record[i].trim().is_empty() && columns.by_index.get(i).is_none_or(Option::is_none)
        }) {
            return Err(ImportError::Row {
                row,
                problem: if extra < header.len() {
                    format!("has a value in column {}, which has no name", extra + 1)
                } else {
                    format!(
                        "has {} values but the header has {} columns",
                        record.len(),
                        header.len()
                    )
                },
            });
        }
        let procedure = build(row, |name| match columns.index_of(name) {
            None => Raw::Absent,
            Some(i) => Raw::Text(record.get(i).unwrap_or("")),
        })?;
        codes.check(row, &procedure.code)?;
        out.push(procedure);
    }
    Ok(out)
}

/// Which header column holds which field.
struct Columns {
    /// For each CSV column, the index into [`COLUMNS`], or `None` for an
    /// unnamed (ignored, must stay empty) column.
    by_index: Vec<Option<usize>>,
}

impl Columns {
    fn index_of(&self, name: &str) -> Option<usize> {
        let wanted = COLUMNS.iter().position(|c| *c == name)?;
        self.by_index.iter().position(|c| *c == Some(wanted))
    }
}

/// The index into [`COLUMNS`] of a header cell, ignoring case.
fn column_index(name: &str) -> Option<usize> {
    COLUMNS.iter().position(|c| c.eq_ignore_ascii_case(name))
}

fn read_header(header: &csv::StringRecord) -> Result<Columns, ImportError> {
    if header.len() == 1
        && let Some(sep) = header[0].chars().find(|c| matches!(c, ';' | '\t'))
    {
        return Err(ImportError::File(format!(
            "columns must be separated by commas, not {}; the first row must be the header {}",
            if sep == ';' { "semicolons" } else { "tabs" },
            COLUMNS.join(",")
        )));
    }
    let mut by_index = Vec::with_capacity(header.len());
    for cell in header {
        let name = cell.trim();
        if name.is_empty() {
            by_index.push(None);
            continue;
        }
        let Some(known) = column_index(name) else {
            let others: Vec<String> = header
                .iter()
                .map(str::trim)
                .filter(|other| {
                    !other.is_empty() && *other != name && column_index(other).is_none()
                })
                .map(|other| format!("`{}`", shorten(other)))
                .collect();
            let also = if others.is_empty() {
                String::new()
            } else {
                format!(" (nor are {})", others.join(", "))
            };
            return Err(field_error(
                1,
                &shorten(name),
                format!(
                    "is not a known column{also}; the first row must be the header with columns {}",
                    expected_list()
                ),
            ));
        };
        if by_index.contains(&Some(known)) {
            return Err(field_error(
                1,
                COLUMNS[known],
                "appears twice in the header",
            ));
        }
        by_index.push(Some(known));
    }
    let missing: Vec<String> = REQUIRED_COLUMNS
        .iter()
        .filter(|required| {
            let wanted = COLUMNS.iter().position(|c| c == *required);
            !by_index.contains(&wanted)
        })
        .map(|c| format!("`{c}`"))
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::File(format!(
            "the header (row 1) is missing column{} {}; required: {}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            REQUIRED_COLUMNS.join(", ")
        )));
    }
    Ok(Columns { by_index })
}

// ---------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------

/// What kind of thing a procedure acts on; decides the verbs and qualifiers.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Giấy phép, giấy chứng nhận, chứng chỉ, thẻ.
    Permit,
    /// Hộ tịch events: khai sinh, kết hôn…
    Civil,
    /// Other registrations: biện pháp bảo đảm, tàu cá…
    Register,
    /// Businesses and cooperatives.
    Business,
    /// Organisations: thư viện, trường, hội…
    Entity,
    /// Titles and statuses: người có uy tín, hộ nghèo…
    Status,
    /// Plans, designs, dossiers to appraise or approve.
    Document,
    /// Complaints and requests.
    Request,
    /// Allowances and support.
    Benefit,
    /// Chứng thực, công chứng.
    Certify,
}

impl Kind {
    fn verbs(self) -> &'static [&'static str] {
        match self {
            Kind::Permit => &[
                "Cấp",
                "Cấp lại",
                "Cấp đổi",
                "Gia hạn",
                "Điều chỉnh",
                "Thu hồi",
            ],
            Kind::Civil => &[
                "Đăng ký",
                "Đăng ký lại",
                "Ghi vào sổ hộ tịch việc",
                "Cấp bản sao trích lục",
            ],
            Kind::Register => &[
                "Đăng ký",
                "Đăng ký thay đổi",
                "Xóa đăng ký",
                "Cung cấp thông tin về",
            ],
            Kind::Business => &[
                "Đăng ký thành lập",
                "Đăng ký thay đổi nội dung đăng ký",
                "Thông báo tạm ngừng kinh doanh của",
                "Chấm dứt hoạt động",
                "Cấp lại giấy chứng nhận đăng ký",
            ],
            Kind::Entity => &[
                "Thông báo thành lập",
                "Thông báo sáp nhập, hợp nhất, chia, tách",
                "Thông báo chấm dứt hoạt động",
                "Cho phép thành lập",
                "Cho phép hoạt động",
                "Giải thể",
            ],
            Kind::Status => &[
                "Công nhận",
                "Công nhận lại",
                "Xác nhận",
                "Đưa ra khỏi danh sách",
            ],
            Kind::Document => &[
                "Thẩm định",
                "Phê duyệt",
                "Thẩm định, phê duyệt",
                "Điều chỉnh",
                "Tiếp nhận",
            ],
            Kind::Request => &["Giải quyết", "Tiếp nhận", "Xử lý"],
            Kind::Benefit => &[
                "Giải quyết",
                "Điều chỉnh",
                "Thôi hưởng",
                "Chi trả",
                "Tạm dừng",
            ],
            Kind::Certify => &[
                "Chứng thực",
                "Sửa lỗi sai sót khi chứng thực",
                "Cấp bản sao có chứng thực",
            ],
        }
    }

    fn qualifiers(self) -> &'static [&'static str] {
        match self {
            Kind::Permit => &[
                "tại cấp huyện",
                "tại cấp tỉnh",
                "trên môi trường điện tử",
                "đối với tổ chức",
                "đối với cá nhân",
            ],
            Kind::Civil => &[
                "tại cấp xã",
                "tại cấp huyện",
                "có yếu tố nước ngoài",
                "lưu động",
                "tại khu vực biên giới",
                "trên môi trường điện tử",
            ],
            Kind::Register => &[
                "tại cấp huyện",
                "tại cấp tỉnh",
                "đối với tổ chức",
                "đối với cá nhân",
                "trực tuyến",
            ],
            Kind::Business => &[
                "tại cấp huyện",
                "tại cấp tỉnh",
                "trên môi trường điện tử",
                "theo thủ tục rút gọn",
            ],
            Kind::Entity => &[
                "tại cấp xã",
                "tại cấp huyện",
                "tại cấp tỉnh",
                "đối với cơ sở ngoài công lập",
                "đối với cơ sở công lập",
                "có vốn đầu tư nước ngoài",
            ],
            Kind::Status => &[
                "tại cấp xã",
                "tại cấp huyện",
                "tại cấp tỉnh",
                "theo định kỳ",
            ],
            Kind::Document => &[
                "tại cấp huyện",
                "tại cấp tỉnh",
                "đối với dự án đầu tư công",
                "theo hình thức rút gọn",
            ],
            Kind::Request => &[
                "tại cấp xã",
                "tại cấp huyện",
                "tại cấp tỉnh",
                "lần đầu",
                "lần hai",
                "trên môi trường điện tử",
            ],
            Kind::Benefit => &[
                "tại cấp xã",
                "tại cấp huyện",
                "đối với người đang hưởng",
                "đối với người cao tuổi",
                "đối với trẻ em",
                "khi thay đổi nơi cư trú",
            ],
            Kind::Certify => &[
                "tại cấp xã",
                "tại Phòng Tư pháp",
                "tại tổ chức hành nghề công chứng",
            ],
        }
    }

    /// How often procedures of this kind charge a fee or charge, in percent
    /// (about a fifth overall).
    fn fee_percent(self) -> u64 {
        match self {
            Kind::Certify => 50,
            Kind::Permit => 32,
            Kind::Civil | Kind::Business => 25,
            Kind::Register => 20,
            Kind::Document => 15,
            Kind::Entity => 8,
            Kind::Status => 2,
            Kind::Request | Kind::Benefit => 0,
        }
    }

    fn days(self) -> &'static [(u32, u32)] {
        match self {
            Kind::Certify | Kind::Civil => &[(0, 30), (1, 30), (3, 20), (5, 15), (10, 5)],
            _ => &[
                (0, 2),
                (1, 4),
                (3, 8),
                (5, 14),
                (7, 8),
                (10, 12),
                (15, 20),
                (20, 9),
                (30, 12),
                (45, 5),
                (60, 6),
            ],
        }
    }
}

/// One lĩnh vực of the generated catalogue: name, relative size, objects.
struct FieldSpec {
    name: &'static str,
    weight: u32,
    objects: &'static [(Kind, &'static str)],
}

/// Fields in Vietnamese alphabetical order (the generated catalogue's order).
/// Weights are roughly the sizes found in a provincial catalogue of ~2,000.
#[rustfmt::skip]
const FIELDS: &[FieldSpec] = &[
    FieldSpec { name: "Bảo trợ xã hội", weight: 60, objects: &[
        (Kind::Benefit, "trợ cấp xã hội hằng tháng"),
        (Kind::Benefit, "hỗ trợ kinh phí chăm sóc, nuôi dưỡng"),
        (Kind::Benefit, "hỗ trợ chi phí mai táng"),
        (Kind::Status, "hộ nghèo, hộ cận nghèo"),
        (Kind::Status, "hộ gia đình có mức sống trung bình"),
        (Kind::Entity, "cơ sở trợ giúp xã hội"),
    ] },
    FieldSpec { name: "Bồi thường nhà nước", weight: 12, objects: &[
        (Kind::Request, "yêu cầu bồi thường trong hoạt động quản lý hành chính"),
        (Kind::Request, "yêu cầu phục hồi danh dự"),
        (Kind::Document, "quyết định giải quyết bồi thường"),
    ] },
    FieldSpec { name: "Chăn nuôi", weight: 25, objects: &[
        (Kind::Permit, "giấy chứng nhận đủ điều kiện chăn nuôi trang trại quy mô lớn"),
        (Kind::Permit, "giấy chứng nhận đủ điều kiện sản xuất thức ăn chăn nuôi"),
        (Kind::Register, "kê khai hoạt động chăn nuôi"),
        (Kind::Entity, "cơ sở chăn nuôi gia cầm tập trung"),
    ] },
    FieldSpec { name: "Chứng thực", weight: 45, objects: &[
        (Kind::Certify, "bản sao từ bản chính giấy tờ, văn bản"),
        (Kind::Certify, "chữ ký trong giấy tờ, văn bản"),
        (Kind::Certify, "hợp đồng, giao dịch liên quan đến tài sản là động sản"),
        (Kind::Certify, "hợp đồng, giao dịch liên quan đến thực hiện quyền của người sử dụng đất"),
        (Kind::Certify, "văn bản thỏa thuận phân chia di sản"),
        (Kind::Certify, "di chúc"),
        (Kind::Certify, "văn bản từ chối nhận di sản"),
    ] },
    FieldSpec { name: "Công chứng", weight: 30, objects: &[
        (Kind::Certify, "hợp đồng mua bán nhà ở"),
        (Kind::Certify, "hợp đồng thế chấp bất động sản"),
        (Kind::Certify, "bản dịch giấy tờ, văn bản"),
        (Kind::Entity, "văn phòng công chứng"),
        (Kind::Permit, "thẻ công chứng viên"),
    ] },
    FieldSpec { name: "Công thương", weight: 90, objects: &[
        (Kind::Permit, "giấy phép bán lẻ sản phẩm rượu"),
        (Kind::Permit, "giấy phép kinh doanh bán buôn sản phẩm thuốc lá"),
        (Kind::Permit, "giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai"),
        (Kind::Permit, "giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu"),
        (Kind::Permit, "giấy xác nhận ưu đãi dự án sản xuất sản phẩm công nghiệp hỗ trợ"),
        (Kind::Register, "hợp đồng theo mẫu, điều kiện giao dịch chung"),
        (Kind::Register, "thực hiện khuyến mại"),
    ] },
    FieldSpec { name: "Dân tộc", weight: 20, objects: &[
        (Kind::Status, "người có uy tín trong đồng bào dân tộc thiểu số"),
        (Kind::Status, "thôn đặc biệt khó khăn vùng đồng bào dân tộc thiểu số"),
        (Kind::Benefit, "chính sách hỗ trợ đồng bào dân tộc thiểu số"),
    ] },
    FieldSpec { name: "Du lịch", weight: 35, objects: &[
        (Kind::Permit, "giấy phép kinh doanh dịch vụ lữ hành nội địa"),
        (Kind::Permit, "giấy phép kinh doanh dịch vụ lữ hành quốc tế"),
        (Kind::Permit, "thẻ hướng dẫn viên du lịch"),
        (Kind::Status, "hạng cơ sở lưu trú du lịch"),
        (Kind::Status, "điểm du lịch"),
    ] },
    FieldSpec { name: "Dược phẩm", weight: 40, objects: &[
        (Kind::Permit, "chứng chỉ hành nghề dược"),
        (Kind::Permit, "giấy chứng nhận đủ điều kiện kinh doanh dược"),
        (Kind::Permit, "giấy xác nhận nội dung quảng cáo thuốc"),
        (Kind::Register, "hội thảo giới thiệu thuốc"),
    ] },
    FieldSpec { name: "Đăng ký biện pháp bảo đảm", weight: 20, objects: &[
        (Kind::Register, "thế chấp quyền sử dụng đất"),
        (Kind::Register, "thế chấp tài sản gắn liền với đất"),
        (Kind::Register, "biện pháp bảo đảm bằng động sản"),
    ] },
    FieldSpec { name: "Đăng ký kinh doanh", weight: 100, objects: &[
        (Kind::Business, "hộ kinh doanh"),
        (Kind::Business, "doanh nghiệp tư nhân"),
        (Kind::Business, "công ty trách nhiệm hữu hạn một thành viên"),
        (Kind::Business, "công ty trách nhiệm hữu hạn hai thành viên trở lên"),
        (Kind::Business, "công ty cổ phần"),
        (Kind::Business, "chi nhánh, văn phòng đại diện, địa điểm kinh doanh"),
    ] },
    FieldSpec { name: "Đất đai", weight: 110, objects: &[
        (Kind::Permit, "giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất"),
        (Kind::Permit, "giấy chứng nhận quyền sử dụng đất"),
        (Kind::Register, "biến động quyền sử dụng đất, tài sản gắn liền với đất"),
        (Kind::Document, "phương án giao đất, cho thuê đất"),
        (Kind::Document, "hồ sơ chuyển mục đích sử dụng đất"),
        (Kind::Document, "phương án bồi thường, hỗ trợ, tái định cư"),
        (Kind::Request, "tranh chấp đất đai"),
    ] },
    FieldSpec { name: "Đầu tư", weight: 40, objects: &[
        (Kind::Permit, "giấy chứng nhận đăng ký đầu tư"),
        (Kind::Document, "chủ trương đầu tư dự án"),
        (Kind::Document, "dự án đầu tư theo phương thức đối tác công tư"),
        (Kind::Request, "kiến nghị về kết quả lựa chọn nhà thầu"),
    ] },
    FieldSpec { name: "Đo đạc và bản đồ", weight: 12, objects: &[
        (Kind::Permit, "giấy phép hoạt động đo đạc và bản đồ"),
        (Kind::Permit, "chứng chỉ hành nghề đo đạc và bản đồ hạng II"),
        (Kind::Request, "yêu cầu cung cấp thông tin, dữ liệu, sản phẩm đo đạc và bản đồ"),
    ] },
    FieldSpec { name: "Gia đình", weight: 15, objects: &[
        (Kind::Status, "gia đình văn hóa"),
        (Kind::Entity, "cơ sở hỗ trợ nạn nhân bạo lực gia đình"),
        (Kind::Permit, "giấy chứng nhận đăng ký hoạt động cơ sở tư vấn về phòng, chống bạo lực gia đình"),
    ] },
    FieldSpec { name: "Giáo dục nghề nghiệp", weight: 30, objects: &[
        (Kind::Entity, "trung tâm giáo dục nghề nghiệp"),
        (Kind::Entity, "trường trung cấp"),
        (Kind::Permit, "giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp"),
    ] },
    FieldSpec { name: "Giáo dục và Đào tạo", weight: 95, objects: &[
        (Kind::Entity, "trường mầm non"),
        (Kind::Entity, "trường tiểu học"),
        (Kind::Entity, "trường trung học cơ sở"),
        (Kind::Entity, "trung tâm ngoại ngữ, tin học"),
        (Kind::Permit, "giấy phép hoạt động giáo dục"),
        (Kind::Permit, "văn bằng, chứng chỉ"),
        (Kind::Status, "trường đạt chuẩn quốc gia"),
    ] },
    FieldSpec { name: "Giao thông vận tải", weight: 100, objects: &[
        (Kind::Permit, "giấy phép lái xe"),
        (Kind::Permit, "giấy phép kinh doanh vận tải bằng xe ô tô"),
        (Kind::Permit, "phù hiệu xe ô tô kinh doanh vận tải"),
        (Kind::Permit, "giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn"),
        (Kind::Register, "phương tiện thủy nội địa"),
        (Kind::Document, "thiết kế kỹ thuật công trình giao thông"),
        (Kind::Status, "bến xe khách"),
    ] },
    FieldSpec { name: "Hòa giải ở cơ sở", weight: 8, objects: &[
        (Kind::Status, "hòa giải viên"),
        (Kind::Benefit, "thù lao cho hòa giải viên"),
        (Kind::Entity, "tổ hòa giải"),
    ] },
    FieldSpec { name: "Hộ tịch", weight: 65, objects: &[
        (Kind::Civil, "khai sinh"),
        (Kind::Civil, "kết hôn"),
        (Kind::Civil, "khai tử"),
        (Kind::Civil, "giám hộ"),
        (Kind::Civil, "nhận cha, mẹ, con"),
        (Kind::Civil, "thay đổi, cải chính, bổ sung thông tin hộ tịch"),
        (Kind::Permit, "giấy xác nhận tình trạng hôn nhân"),
    ] },
    FieldSpec { name: "Khám bệnh, chữa bệnh", weight: 60, objects: &[
        (Kind::Permit, "chứng chỉ hành nghề khám bệnh, chữa bệnh"),
        (Kind::Permit, "giấy phép hoạt động phòng khám chuyên khoa"),
        (Kind::Permit, "giấy phép hoạt động phòng khám đa khoa"),
        (Kind::Permit, "giấy phép hoạt động cơ sở dịch vụ y tế"),
        (Kind::Document, "danh mục kỹ thuật chuyên môn"),
    ] },
    FieldSpec { name: "Khoa học và Công nghệ", weight: 35, objects: &[
        (Kind::Permit, "giấy chứng nhận đăng ký hoạt động khoa học và công nghệ"),
        (Kind::Permit, "giấy phép tiến hành công việc bức xạ"),
        (Kind::Permit, "chứng chỉ nhân viên bức xạ"),
        (Kind::Register, "kết quả thực hiện nhiệm vụ khoa học và công nghệ"),
        (Kind::Status, "doanh nghiệp khoa học và công nghệ"),
    ] },
    FieldSpec { name: "Khoáng sản", weight: 25, objects: &[
        (Kind::Permit, "giấy phép thăm dò khoáng sản"),
        (Kind::Permit, "giấy phép khai thác khoáng sản"),
        (Kind::Permit, "giấy phép khai thác tận thu khoáng sản"),
        (Kind::Document, "đề án đóng cửa mỏ khoáng sản"),
        (Kind::Document, "trữ lượng khoáng sản"),
    ] },
    FieldSpec { name: "Kinh tế hợp tác", weight: 20, objects: &[
        (Kind::Business, "hợp tác xã"),
        (Kind::Business, "liên hiệp hợp tác xã"),
        (Kind::Business, "tổ hợp tác"),
    ] },
    FieldSpec { name: "Lao động", weight: 70, objects: &[
        (Kind::Permit, "giấy phép lao động cho người lao động nước ngoài"),
        (Kind::Permit, "giấy phép hoạt động cho thuê lại lao động"),
        (Kind::Register, "nội quy lao động"),
        (Kind::Register, "thỏa ước lao động tập thể"),
        (Kind::Document, "kế hoạch đưa người lao động đi làm việc ở nước ngoài"),
        (Kind::Request, "tranh chấp lao động tập thể"),
    ] },
    FieldSpec { name: "Lâm nghiệp", weight: 40, objects: &[
        (Kind::Document, "phương án quản lý rừng bền vững"),
        (Kind::Document, "hồ sơ khai thác lâm sản"),
        (Kind::Document, "phương án trồng rừng thay thế"),
        (Kind::Document, "hồ sơ chuyển loại rừng"),
        (Kind::Status, "nguồn giống cây trồng lâm nghiệp"),
        (Kind::Permit, "giấy phép vận chuyển đặc biệt động vật rừng"),
    ] },
    FieldSpec { name: "Lý lịch tư pháp", weight: 10, objects: &[
        (Kind::Permit, "phiếu lý lịch tư pháp số 1"),
        (Kind::Permit, "phiếu lý lịch tư pháp số 2"),
        (Kind::Request, "yêu cầu cấp phiếu lý lịch tư pháp"),
    ] },
    FieldSpec { name: "Môi trường", weight: 60, objects: &[
        (Kind::Permit, "giấy phép môi trường"),
        (Kind::Permit, "giấy xác nhận hoàn thành công trình bảo vệ môi trường"),
        (Kind::Document, "báo cáo đánh giá tác động môi trường"),
        (Kind::Document, "kế hoạch bảo vệ môi trường"),
        (Kind::Document, "phương án cải tạo, phục hồi môi trường"),
        (Kind::Register, "môi trường"),
    ] },
    FieldSpec { name: "Người có công", weight: 60, objects: &[
        (Kind::Benefit, "chế độ ưu đãi người có công với cách mạng"),
        (Kind::Benefit, "trợ cấp tuất liệt sĩ"),
        (Kind::Benefit, "chế độ điều dưỡng phục hồi sức khỏe"),
        (Kind::Benefit, "trợ cấp một lần khi người có công từ trần"),
        (Kind::Status, "liệt sĩ"),
        (Kind::Status, "thương binh, người hưởng chính sách như thương binh"),
        (Kind::Permit, "bằng Tổ quốc ghi công"),
    ] },
    FieldSpec { name: "Nội vụ", weight: 50, objects: &[
        (Kind::Entity, "hội"),
        (Kind::Entity, "quỹ xã hội, quỹ từ thiện"),
        (Kind::Document, "đề án vị trí việc làm"),
        (Kind::Document, "kết quả tuyển dụng công chức cấp xã"),
        (Kind::Status, "thôn, tổ dân phố mới"),
    ] },
    FieldSpec { name: "Nông nghiệp", weight: 45, objects: &[
        (Kind::Document, "kế hoạch khuyến nông địa phương"),
        (Kind::Document, "dự án khuyến nông"),
        (Kind::Status, "nghề truyền thống"),
        (Kind::Status, "làng nghề"),
        (Kind::Benefit, "hỗ trợ khắc phục thiệt hại do thiên tai"),
        (Kind::Permit, "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông lâm thủy sản"),
    ] },
    FieldSpec { name: "Nuôi con nuôi", weight: 12, objects: &[
        (Kind::Civil, "nuôi con nuôi trong nước"),
        (Kind::Civil, "nuôi con nuôi thực tế"),
        (Kind::Permit, "giấy phép hoạt động của tổ chức con nuôi nước ngoài"),
    ] },
    FieldSpec { name: "Phòng cháy chữa cháy", weight: 30, objects: &[
        (Kind::Document, "thiết kế về phòng cháy và chữa cháy"),
        (Kind::Document, "kết quả nghiệm thu về phòng cháy và chữa cháy"),
        (Kind::Document, "phương án chữa cháy của cơ sở"),
        (Kind::Permit, "giấy chứng nhận huấn luyện nghiệp vụ phòng cháy, chữa cháy"),
        (Kind::Permit, "giấy chứng nhận đủ điều kiện kinh doanh dịch vụ phòng cháy, chữa cháy"),
    ] },
    FieldSpec { name: "Phòng, chống tham nhũng", weight: 8, objects: &[
        (Kind::Request, "yêu cầu giải trình"),
        (Kind::Request, "kiến nghị về xác minh tài sản, thu nhập"),
        (Kind::Document, "bản kê khai tài sản, thu nhập"),
    ] },
    FieldSpec { name: "Quốc tịch", weight: 12, objects: &[
        (Kind::Permit, "giấy xác nhận có quốc tịch Việt Nam"),
        (Kind::Request, "hồ sơ xin nhập quốc tịch Việt Nam"),
        (Kind::Request, "hồ sơ xin trở lại quốc tịch Việt Nam"),
    ] },
    FieldSpec { name: "Tài chính", weight: 30, objects: &[
        (Kind::Document, "giá đất cụ thể"),
        (Kind::Document, "phương án giá hàng hóa, dịch vụ"),
        (Kind::Document, "quyết toán dự án hoàn thành"),
        (Kind::Register, "kê khai giá hàng hóa, dịch vụ"),
        (Kind::Permit, "mã số đơn vị có quan hệ với ngân sách"),
    ] },
    FieldSpec { name: "Tài nguyên nước", weight: 35, objects: &[
        (Kind::Permit, "giấy phép khai thác nước mặt"),
        (Kind::Permit, "giấy phép khai thác nước dưới đất"),
        (Kind::Permit, "giấy phép xả nước thải vào nguồn nước"),
        (Kind::Permit, "giấy phép thăm dò nước dưới đất"),
        (Kind::Register, "khai thác nước dưới đất"),
        (Kind::Document, "phương án cắm mốc giới hành lang bảo vệ nguồn nước"),
    ] },
    FieldSpec { name: "Thể thao", weight: 30, objects: &[
        (Kind::Permit, "giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao"),
        (Kind::Entity, "câu lạc bộ thể thao cơ sở"),
        (Kind::Status, "đẳng cấp vận động viên"),
        (Kind::Document, "kế hoạch tổ chức giải thi đấu thể thao quần chúng"),
    ] },
    FieldSpec { name: "Thi đua khen thưởng", weight: 40, objects: &[
        (Kind::Status, "danh hiệu Chiến sĩ thi đua cơ sở"),
        (Kind::Status, "danh hiệu Lao động tiên tiến"),
        (Kind::Status, "danh hiệu Tập thể lao động tiên tiến"),
        (Kind::Document, "hồ sơ đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"),
        (Kind::Document, "hồ sơ đề nghị tặng Giấy khen"),
    ] },
    FieldSpec { name: "Thông tin và Truyền thông", weight: 40, objects: &[
        (Kind::Permit, "giấy phép xuất bản bản tin"),
        (Kind::Permit, "giấy phép hoạt động in"),
        (Kind::Permit, "giấy phép thiết lập trang thông tin điện tử tổng hợp"),
        (Kind::Permit, "giấy phép tổ chức triển lãm tài liệu"),
        (Kind::Permit, "giấy chứng nhận đủ điều kiện hoạt động điểm cung cấp dịch vụ trò chơi điện tử công cộng"),
        (Kind::Register, "hoạt động cơ sở in"),
    ] },
    FieldSpec { name: "Thú y", weight: 30, objects: &[
        (Kind::Permit, "chứng chỉ hành nghề thú y"),
        (Kind::Permit, "giấy chứng nhận vùng an toàn dịch bệnh động vật"),
        (Kind::Permit, "giấy chứng nhận kiểm dịch động vật vận chuyển ra khỏi địa bàn cấp tỉnh"),
        (Kind::Permit, "giấy chứng nhận điều kiện vệ sinh thú y"),
    ] },
    FieldSpec { name: "Thuế", weight: 30, objects: &[
        (Kind::Document, "tờ khai phí bảo vệ môi trường đối với nước thải"),
        (Kind::Document, "hồ sơ khai lệ phí trước bạ"),
        (Kind::Register, "thuế lần đầu"),
        (Kind::Request, "đề nghị miễn, giảm tiền thuê đất"),
        (Kind::Request, "đề nghị hoàn thuế"),
    ] },
    FieldSpec { name: "Thủy lợi", weight: 25, objects: &[
        (Kind::Permit, "giấy phép cho các hoạt động trong phạm vi bảo vệ công trình thủy lợi"),
        (Kind::Document, "phương án bảo vệ công trình thủy lợi"),
        (Kind::Document, "phương án ứng phó thiên tai cho công trình, vùng hạ du đập"),
        (Kind::Document, "quy trình vận hành hồ chứa nước"),
    ] },
    FieldSpec { name: "Thủy sản", weight: 30, objects: &[
        (Kind::Permit, "giấy phép khai thác thủy sản"),
        (Kind::Permit, "giấy chứng nhận cơ sở đủ điều kiện sản xuất, ương dưỡng giống thủy sản"),
        (Kind::Register, "tàu cá"),
        (Kind::Register, "nuôi trồng thủy sản lồng bè"),
    ] },
    FieldSpec { name: "Thư viện", weight: 5, objects: &[
        (Kind::Entity, "thư viện cộng đồng"),
        (Kind::Entity, "thư viện chuyên ngành"),
    ] },
    FieldSpec { name: "Tiếp công dân", weight: 10, objects: &[
        (Kind::Request, "đơn kiến nghị, phản ánh"),
        (Kind::Request, "khiếu nại"),
        (Kind::Request, "tố cáo"),
    ] },
    FieldSpec { name: "Tôn giáo", weight: 35, objects: &[
        (Kind::Register, "hoạt động tín ngưỡng"),
        (Kind::Register, "người vào tu"),
        (Kind::Register, "sinh hoạt tôn giáo tập trung"),
        (Kind::Request, "đề nghị tổ chức cuộc lễ ngoài cơ sở tôn giáo"),
        (Kind::Entity, "tổ chức tôn giáo trực thuộc"),
    ] },
    FieldSpec { name: "Trồng trọt và Bảo vệ thực vật", weight: 30, objects: &[
        (Kind::Permit, "giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật"),
        (Kind::Permit, "giấy chứng nhận đủ điều kiện sản xuất phân bón"),
        (Kind::Permit, "giấy phép vận chuyển thuốc bảo vệ thực vật"),
        (Kind::Status, "cây đầu dòng"),
        (Kind::Status, "vườn cây đầu dòng"),
    ] },
    FieldSpec { name: "Trợ giúp pháp lý", weight: 12, objects: &[
        (Kind::Request, "yêu cầu trợ giúp pháp lý"),
        (Kind::Permit, "thẻ cộng tác viên trợ giúp pháp lý"),
        (Kind::Register, "tham gia trợ giúp pháp lý"),
    ] },
    FieldSpec { name: "Tư pháp", weight: 25, objects: &[
        (Kind::Permit, "chứng chỉ hành nghề đấu giá"),
        (Kind::Entity, "văn phòng thừa phát lại"),
        (Kind::Register, "hoạt động của tổ chức hành nghề luật sư"),
        (Kind::Permit, "giấy đăng ký hoạt động của trung tâm tư vấn pháp luật"),
    ] },
    FieldSpec { name: "Văn hóa", weight: 50, objects: &[
        (Kind::Permit, "giấy phép tổ chức lễ hội"),
        (Kind::Permit, "giấy phép kinh doanh dịch vụ karaoke"),
        (Kind::Permit, "giấy phép kinh doanh dịch vụ vũ trường"),
        (Kind::Permit, "giấy phép tổ chức biểu diễn nghệ thuật"),
        (Kind::Status, "di tích lịch sử - văn hóa cấp tỉnh"),
        (Kind::Entity, "bảo tàng ngoài công lập"),
    ] },
    FieldSpec { name: "Việc làm", weight: 30, objects: &[
        (Kind::Benefit, "trợ cấp thất nghiệp"),
        (Kind::Benefit, "hỗ trợ học nghề"),
        (Kind::Benefit, "hỗ trợ tư vấn, giới thiệu việc làm"),
        (Kind::Permit, "giấy phép hoạt động dịch vụ việc làm"),
    ] },
    FieldSpec { name: "Xây dựng", weight: 110, objects: &[
        (Kind::Permit, "giấy phép xây dựng nhà ở riêng lẻ"),
        (Kind::Permit, "giấy phép xây dựng công trình không theo tuyến"),
        (Kind::Permit, "giấy phép xây dựng công trình theo tuyến"),
        (Kind::Permit, "giấy phép di dời công trình"),
        (Kind::Permit, "chứng chỉ hành nghề hoạt động xây dựng"),
        (Kind::Permit, "chứng chỉ năng lực hoạt động xây dựng"),
        (Kind::Document, "báo cáo kinh tế - kỹ thuật đầu tư xây dựng"),
        (Kind::Document, "thiết kế cơ sở dự án đầu tư xây dựng"),
        (Kind::Document, "đồ án quy hoạch chi tiết xây dựng"),
        (Kind::Document, "nhiệm vụ quy hoạch chi tiết xây dựng"),
    ] },
    FieldSpec { name: "Y tế dự phòng", weight: 30, objects: &[
        (Kind::Permit, "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm"),
        (Kind::Permit, "giấy chứng nhận cơ sở đủ điều kiện tiêm chủng"),
        (Kind::Register, "bản công bố sản phẩm"),
        (Kind::Status, "cơ sở xét nghiệm đạt tiêu chuẩn an toàn sinh học cấp I"),
    ] },
];

const FEES: [u64; 9] = [
    0, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000, 1_500_000,
];
const CHARGES: [u64; 6] = [0, 0, 10_000, 20_000, 50_000, 100_000];

const MIN_NAME_CHARS: usize = 20;
const MAX_GENERATED_NAME_CHARS: usize = 160;

/// A chosen name and the key that orders it within its field.
struct Choice {
    key: (usize, usize, usize, usize),
    kind: Kind,
    name: String,
}

/// "verb object [qualifier]", prefixed with "Thủ tục" when asked or short.
/// `None` when the name would be too long.
fn compose(verb: &str, object: &str, qualifier: Option<&str>, prefixed: bool) -> Option<String> {
    let mut core = format!("{verb} {object}");
    if let Some(q) = qualifier {
        core.push(' ');
        core.push_str(q);
    }
    let name = if prefixed || core.chars().count() < MIN_NAME_CHARS {
        let mut chars = core.chars();
        let first = chars.next()?;
        format!("Thủ tục {}{}", first.to_lowercase(), chars.as_str())
    } else {
        core
    };
    (name.chars().count() <= MAX_GENERATED_NAME_CHARS).then_some(name)
}

/// Pick `count` names for `spec` not yet in `used` (keyed without the
/// "Thủ tục" prefix, so "Cấp X" and "Thủ tục cấp X" never both appear).
fn choose_names(
    spec: &FieldSpec,
    count: usize,
    rng: &mut SplitMix64,
    used: &mut HashSet<String>,
) -> Vec<Choice> {
    let attempt = |o: usize, v: usize, q: usize, prefixed: bool, used: &mut HashSet<String>| {
        let (kind, object) = spec.objects[o];
        let verb = kind.verbs()[v];
        let qualifier = q.checked_sub(1).map(|i| kind.qualifiers()[i]);
        // No "… tại điểm tại cấp huyện" or "… đối với nước thải đối với tổ chức".
        let repeats = |q: &str| {
            let first = q.split(' ').next().unwrap_or(q);
            object.split(' ').any(|word| word == first)
        };
        if qualifier.is_some_and(repeats) {
            return None;
        }
        let name = compose(verb, object, qualifier, prefixed)?;
        let core = compose(verb, object, qualifier, false)?;
        used.insert(core.to_lowercase()).then_some(Choice {
            key: (o, v, q, 0),
            kind,
            name,
        })
    };
    let random = |rng: &mut SplitMix64, used: &mut HashSet<String>| {
        (0..64).find_map(|_| {
            let o = rng.below(spec.objects.len());
            let kind = spec.objects[o].0;
            let v = rng.below(kind.verbs().len());
            let q = if rng.chance(55) {
                0
            } else {
                1 + rng.below(kind.qualifiers().len())
            };
            let prefixed = rng.chance(25);
            attempt(o, v, q, prefixed, used)
        })
    };
    let exhaustive = |used: &mut HashSet<String>| {
        spec.objects.iter().enumerate().find_map(|(o, &(kind, _))| {
            (0..kind.verbs().len()).find_map(|v| {
                (0..=kind.qualifiers().len()).find_map(|q| attempt(o, v, q, false, used))
            })
        })
    };
    let mut choices = Vec::with_capacity(count);
    let mut exhausted = false;
    let mut variant = 1;
    while choices.len() < count {
        if !exhausted {
            if let Some(choice) = random(rng, used).or_else(|| exhaustive(used)) {
                choices.push(choice);
                continue;
            }
            exhausted = true;
        }
        // Every combination is taken (only for very large `n`): number variants.
        variant += 1;
        let (kind, object) = spec.objects[0];
        let name = format!("{} {object} (trường hợp {variant})", kind.verbs()[0]);
        if used.insert(name.to_lowercase()) {
            choices.push(Choice {
                key: (usize::MAX, 0, 0, variant),
                kind,
                name,
            });
        }
    }
    choices
}

/// How many procedures each field gets: proportional to its weight, with a
/// little seed-dependent jitter so that sizes are uneven.
fn allocate(n: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let weights: Vec<u128> = FIELDS
        .iter()
        .map(|f| u128::from(f.weight) * u128::from(85 + rng.next_u64() % 31))
        .collect();
    let total: u128 = weights.iter().sum();
    let n_wide = n as u128;
    let mut counts: Vec<usize> = weights
        .iter()
        .map(|&w| usize::try_from(n_wide * w / total).expect("share of n fits in usize"))
        .collect();
    let mut order: Vec<usize> = (0..FIELDS.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weights[i]));
    let mut rest = n - counts.iter().sum::<usize>();
    for &i in order.iter().cycle() {
        if rest == 0 {
            break;
        }
        counts[i] += 1;
        rest -= 1;
    }
    counts
}

/// `n` distinct national codes "1.00xxxx" (wider beyond ~2,500), shuffled.
fn national_codes(n: usize, rng: &mut SplitMix64) -> Vec<String> {
    let gap = match n {
        0..=2000 => 4,
        2001..=4000 => 2,
        _ => 1,
    };
    let mut next = 100 + rng.next_u64() % 400;
    let mut codes = Vec::with_capacity(n);
    for _ in 0..n {
        codes.push(format!("1.{next:06}"));
        next += 1 + rng.next_u64() % gap;
    }
    rng.shuffle(&mut codes);
    codes
}

/// A deterministic, realistic provincial catalogue of `n` procedures: ~54
/// fields of uneven size, grouped by field in a stable order, unique codes
/// and names. The same seed always gives the same catalogue.
#[must_use]
pub fn generate(n: usize, seed: u64) -> Vec<Procedure> {
    let mut rng = SplitMix64(seed ^ 0x6D6F_7463_7561_0001);
    let counts = allocate(n, &mut rng);
    let codes = national_codes(n, &mut rng);
    let mut used = HashSet::with_capacity(n);
    let mut chosen = Vec::with_capacity(n);
    for (spec, &count) in FIELDS.iter().zip(&counts) {
        let mut choices = choose_names(spec, count, &mut rng, &mut used);
        // Related procedures sit together, as in a published catalogue.
        choices.sort_by_key(|c| c.key);
        chosen.extend(choices.into_iter().map(|choice| (spec.name, choice)));
    }
    let mut out = Vec::with_capacity(n);
    for ((field, choice), code) in chosen.into_iter().zip(codes) {
        let charges_fee = rng.chance(choice.kind.fee_percent());
        let (fee, charge) = if charges_fee {
            (rng.pick(&FEES), rng.pick(&CHARGES))
        } else {
            (0, 0)
        };
        out.push(Procedure {
            local_code: format!("{code}.000.00.00.H56"),
            code,
            name: choice.name,
            field: field.to_owned(),
            days: rng.weighted(choice.kind.days()),
            charges_fee,
            fee,
            charge,
        });
    }
    out
}

/// Groups thousands with dots, as Vietnamese amounts are written: 1.000.000.
#[must_use]
pub fn format_amount(v: u64) -> String {
    let digits = v.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_err(row: usize, field: &str) -> impl Fn(&ImportError) -> bool {
        let field = field.to_owned();
        move |e| matches!(e, ImportError::Field { row: r, field: f, .. } if *r == row && *f == field)
    }

    fn json_err(text: &str) -> ImportError {
        parse(text.as_bytes(), Format::Json).expect_err("should be rejected")
    }

    fn csv_err(text: &str) -> ImportError {
        parse(text.as_bytes(), Format::Csv).expect_err("should be rejected")
    }

    fn problem(e: &ImportError) -> &str {
        match e {
            ImportError::Field { problem, .. }
            | ImportError::Row { problem, .. }
            | ImportError::File(problem) => problem,
        }
    }

    const GOOD_ROW: &str = r#"{"code": "1.000001", "name": "Cấp giấy phép xây dựng", "field": "Xây dựng", "days": 15, "charges_fee": true, "fee": 50000}"#;

    // --- sample ------------------------------------------------------------

    #[test]
    fn imported_text_is_nfc() {
        let json = r#"[{"code":"X1","name":"Ho\u0061\u0300 gia\u0309i","field":"Thu\u0309y","days":1,"charges_fee":false}]"#;
        let p = parse(json.as_bytes(), Format::Json).unwrap();
        assert_eq!(p[0].name, "Hoà giải");
        assert_eq!(p[0].field, "Thủy");
    }

    #[test]
    fn sample_has_the_fourteen_procedures_in_letter_order() {
        let sample = sample();
        assert_eq!(sample.len(), 14);
        let codes: Vec<String> = (1..=14).map(|i| format!("NT.{i:04}")).collect();
        assert_eq!(
            sample.iter().map(|p| p.code.clone()).collect::<Vec<_>>(),
            codes
        );

        let mut fields: Vec<&str> = sample.iter().map(|p| p.field.as_str()).collect();
        fields.dedup();
        assert_eq!(
            fields,
            [
                "Thư viện",
                "Sức khỏe Bà mẹ - Trẻ em",
                "Môi trường",
                "Đấu thầu, lựa chọn nhà thầu",
                "Công tác dân tộc",
                "Thuế",
                "Nông nghiệp",
                "Phòng, chống tham nhũng",
            ]
        );
        let days: Vec<u32> = sample.iter().map(|p| p.days).collect();
        assert_eq!(days, [15, 15, 15, 10, 15, 5, 17, 5, 5, 10, 60, 3, 15, 5]);
        let with_fee: Vec<usize> = (0..14)
            .filter(|&i| sample[i].charges_fee)
            .map(|i| i + 1)
            .collect();
        assert_eq!(with_fee, [5, 7]);
        assert!(
            sample
                .iter()
                .all(|p| p.fee == 0 && p.charge == 0 && p.local_code.is_empty())
        );

        assert_eq!(
            sample[0].name,
            "Thủ tục thông báo thành lập thư viện đối với thư viện cộng đồng"
        );
        assert_eq!(
            sample[6].name,
            "Giải quyết kiến nghị về kết quả lựa chọn nhà thầu"
        );
        assert_eq!(sample[13].name, "Thủ tục tiếp nhận yêu cầu giải trình");
    }

    #[test]
    fn sample_has_exactly_three_library_procedures() {
        let library: Vec<usize> = sample()
            .iter()
            .enumerate()
            .filter(|(_, p)| p.name.contains("thư viện"))
            .map(|(i, _)| i + 1)
            .collect();
        assert_eq!(library, [1, 2, 3]);
    }

    #[test]
    fn sample_text_is_precomposed() {
        // NFC Vietnamese has no combining diacritics; NFD text would.
        assert!(
            !SAMPLE_JSON
                .chars()
                .any(|c| ('\u{300}'..='\u{36F}').contains(&c))
        );
    }

    // --- formats -------------------------------------------------------------

    #[test]
    fn format_from_path_by_extension() {
        assert_eq!(Format::from_path(Path::new("a/b.json")), Some(Format::Json));
        assert_eq!(
            Format::from_path(Path::new("DANH-MUC.CSV")),
            Some(Format::Csv)
        );
        assert_eq!(Format::from_path(Path::new("x.Json")), Some(Format::Json));
        assert_eq!(Format::from_path(Path::new("x.xlsx")), None);
        assert_eq!(Format::from_path(Path::new("json")), None);
    }

    #[test]
    fn json_array_and_object_shapes_give_the_same_catalogue() {
        let array = format!("[{GOOD_ROW}]");
        let object = format!("{{\"procedures\": [{GOOD_ROW}]}}");
        let a = parse(array.as_bytes(), Format::Json).unwrap();
        let b = parse(object.as_bytes(), Format::Json).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            a,
            [Procedure {
                code: "1.000001".into(),
                local_code: String::new(),
                name: "Cấp giấy phép xây dựng".into(),
                field: "Xây dựng".into(),
                days: 15,
                charges_fee: true,
                fee: 50_000,
                charge: 0,
            }]
        );
    }

    #[test]
    fn json_trims_text_and_accepts_written_numbers() {
        let text = r#"[{"code": " 1.2 ", "name": "  Đăng ký khai sinh  ", "field": "Hộ tịch",
            "days": "3", "charges_fee": "✓", "fee": "1.000.000", "charge": null, "local_code": null}]"#;
        let p = &parse(text.as_bytes(), Format::Json).unwrap()[0];
        assert_eq!(p.code, "1.2");
        assert_eq!(p.name, "Đăng ký khai sinh");
        assert_eq!(
            (p.days, p.charges_fee, p.fee, p.charge),
            (3, true, 1_000_000, 0)
        );
    }

    #[test]
    fn csv_with_bom_marks_and_thousands_separators() {
        let text = "\u{FEFF}Code,Name,Field,Days,Charges_Fee,Fee,Charge,Local_Code\r\n\
            1.001,Cấp giấy phép xây dựng nhà ở riêng lẻ,Xây dựng,15,✓,\"1.000.000\",50.000 đ,1.001.000.00.00.H56\r\n\
            1.002,\"Đăng ký kết hôn, có yếu tố nước ngoài\",Hộ tịch,5,⊗,,,\r\n\
            1.003,Chứng thực chữ ký,Chứng thực,0, X ,\"1,500\",2 000,\r\n";
        let got = parse(text.as_bytes(), Format::Csv).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].name, "Cấp giấy phép xây dựng nhà ở riêng lẻ");
        assert_eq!(got[0].local_code, "1.001.000.00.00.H56");
        assert_eq!(
            (got[0].charges_fee, got[0].fee, got[0].charge),
            (true, 1_000_000, 50_000)
        );
        assert_eq!(got[1].name, "Đăng ký kết hôn, có yếu tố nước ngoài");
        assert_eq!(
            (got[1].charges_fee, got[1].fee, got[1].charge),
            (false, 0, 0)
        );
        assert_eq!(
            (got[2].days, got[2].charges_fee, got[2].fee, got[2].charge),
            (0, true, 1_500, 2_000)
        );
    }

    #[test]
    fn csv_optional_columns_may_be_left_out_and_blank_rows_skipped() {
        let text =
            "days,field,name,charges_fee,code\n7,Đất đai,Đăng ký biến động đất đai,có,A1\n,,,,\n";
        let got = parse(text.as_bytes(), Format::Csv).unwrap();
        assert_eq!(
            got,
            [Procedure {
                code: "A1".into(),
                local_code: String::new(),
                name: "Đăng ký biến động đất đai".into(),
                field: "Đất đai".into(),
                days: 7,
                charges_fee: true,
                fee: 0,
                charge: 0,
            }]
        );
    }

    #[test]
    fn flags_in_every_accepted_spelling() {
        for yes in [
            "true",
            "TRUE",
            "1",
            "✓",
            "x",
            "X",
            "có",
            "CÓ",
            "co\u{301}",
            "yes",
            " Yes ",
        ] {
            assert_eq!(parse_flag(yes), Some(true), "{yes:?}");
        }
        for no in ["false", "0", "⊗", "", "  ", "không", "Không", "no", "NO"] {
            assert_eq!(parse_flag(no), Some(false), "{no:?}");
        }
        for bad in ["maybe", "2", "✓✓", "ok"] {
            assert_eq!(parse_flag(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn whole_numbers_as_people_write_them() {
        let ok = |s: &str| parse_whole(s, &MONEY_UNITS);
        assert_eq!(ok("1.000.000"), Ok(1_000_000));
        assert_eq!(ok("1,000,000"), Ok(1_000_000));
        assert_eq!(ok("1 000 000"), Ok(1_000_000));
        assert_eq!(ok("1\u{A0}000"), Ok(1_000));
        assert_eq!(ok("50.000 đ"), Ok(50_000));
        assert_eq!(ok("50.000VND"), Ok(50_000));
        assert_eq!(ok("1000000"), Ok(1_000_000));
        assert_eq!(ok("0"), Ok(0));
        assert_eq!(ok("-5"), Err(NumProblem::Negative));
        assert_eq!(ok("-1.000"), Err(NumProblem::Negative));
        assert_eq!(ok("1,5"), Err(NumProblem::Fraction));
        assert_eq!(ok("1.50"), Err(NumProblem::Fraction));
        assert_eq!(ok("1.000,50"), Err(NumProblem::Fraction));
        assert_eq!(ok("1.000,000"), Err(NumProblem::Invalid));
        assert_eq!(ok("10.00.000"), Err(NumProblem::Invalid));
        assert_eq!(ok("abc"), Err(NumProblem::Invalid));
        assert_eq!(ok("1..000"), Err(NumProblem::Invalid));
        assert_eq!(ok("99999999999999999999999"), Err(NumProblem::TooLarge));
        assert_eq!(parse_whole("15 ngày", &DAY_UNITS), Ok(15));
        assert_eq!(parse_whole("15 ngày làm việc", &DAY_UNITS), Ok(15));
    }

    // --- errors --------------------------------------------------------------

    #[test]
    fn json_bad_days_names_row_and_field() {
        let e = json_err(&format!(
            r#"[{GOOD_ROW}, {{"code": "B", "name": "N", "field": "F", "days": "abc", "charges_fee": false}}]"#
        ));
        assert!(field_err(2, "days")(&e), "{e:?}");
        assert_eq!(
            e.to_string(),
            "row 2, field `days`: must be a whole number of days between 0 and 365, found `abc`"
        );

        for days in ["-1", "366", "1.5", "true", "[]", "\"1.000\""] {
            let e = json_err(&format!(
                r#"[{GOOD_ROW}, {{"code": "B", "name": "N", "field": "F", "days": {days}, "charges_fee": false}}]"#
            ));
            assert!(field_err(2, "days")(&e), "days {days}: {e:?}");
        }
        let e = json_err(r#"[{"code": "B", "name": "N", "field": "F", "charges_fee": false}]"#);
        assert!(field_err(1, "days")(&e), "{e:?}");
        assert!(problem(&e).starts_with("is missing"));
    }

    #[test]
    fn json_type_errors_name_the_field() {
        let e = json_err(
            r#"[{"code": 1.001776, "name": "N", "field": "F", "days": 1, "charges_fee": false}]"#,
        );
        assert!(field_err(1, "code")(&e), "{e:?}");
        assert!(problem(&e).contains("in quotes"));
        let e = json_err(
            r#"[{"code": "A", "name": "N", "field": "F", "days": 1, "charges_fee": "maybe"}]"#,
        );
        assert!(field_err(1, "charges_fee")(&e), "{e:?}");
        let e = json_err(
            r#"[{"code": "A", "name": "N", "field": "F", "days": 1, "charges_fee": true, "fee": -100}]"#,
        );
        assert!(field_err(1, "fee")(&e), "{e:?}");
        assert!(problem(&e).contains("negative"));
        let e = json_err(
            r#"[{"code": "A", "name": "N", "field": "F", "days": 1, "charges_fee": true, "charge": 1.5}]"#,
        );
        assert!(field_err(1, "charge")(&e), "{e:?}");
        let e = json_err(&format!("[{GOOD_ROW}, 42]"));
        assert_eq!(
            e,
            ImportError::Row {
                row: 2,
                problem:
                    "must be an object such as {\"code\": …, \"name\": …}, found the number 42"
                        .into()
            }
        );
    }

    #[test]
    fn json_unknown_key_names_row_and_key() {
        let e = json_err(&format!(
            r#"{{"procedures": [{GOOD_ROW}, {GOOD_ROW}, {{"code": "C", "name": "N", "field": "F", "days": 1, "charges_fee": false, "ten": "x"}}]}}"#
        ));
        // Row 2 duplicates row 1 first.
        assert!(field_err(2, "code")(&e), "{e:?}");
        let e = json_err(&format!(
            r#"[{GOOD_ROW}, {{"code": "C", "name": "N", "field": "F", "days": 1, "charges_fee": false, "ten": "x"}}]"#
        ));
        assert!(field_err(2, "ten")(&e), "{e:?}");
        assert!(problem(&e).contains("not a known field"));
        let e = json_err(&format!(r#"{{"procedures": [{GOOD_ROW}], "version": 2}}"#));
        assert!(
            matches!(&e, ImportError::File(m) if m.contains("`version`")),
            "{e:?}"
        );
    }

    #[test]
    fn json_is_read_as_a_stream_row_by_row() {
        // A bad first row is refused as soon as it is read: the rest of the file (here
        // a million empty lists, then broken JSON) is never parsed, let alone built.
        let tail = "[],".repeat(1_000_000);
        let e = json_err(&format!("[42, {tail} oops"));
        assert_eq!(
            e,
            ImportError::Row {
                row: 1,
                problem:
                    "must be an object such as {\"code\": …, \"name\": …}, found the number 42"
                        .into()
            }
        );
        // Lists and objects inside a field are skipped, not built, however deep.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = json_err(&format!(
            r#"[{{"code": "A", "name": {deep}, "field": "F", "days": 1, "charges_fee": false}}]"#
        ));
        assert!(field_err(1, "name")(&e), "{e:?}");
        assert!(problem(&e).contains("found a list"), "{e:?}");
    }

    #[test]
    fn json_shapes_other_than_a_list_of_procedures_are_refused() {
        let file = |text: &str| match json_err(text) {
            ImportError::File(m) => m,
            e => panic!("{text}: {e:?}"),
        };
        assert!(file(r#""procedures""#).starts_with("expected an array of procedures"));
        assert!(file("12").starts_with("expected an array of procedures"));
        assert!(file("{}").starts_with("expected {\"procedures\": [...]}"));
        assert_eq!(
            file(r#"{"procedures": {"code": "A"}}"#),
            "`procedures` must be an array of procedures"
        );
        assert_eq!(
            file(&format!(
                r#"{{"procedures": [{GOOD_ROW}], "procedures": []}}"#
            )),
            "`procedures` is given twice"
        );
        assert!(file(&format!("[{GOOD_ROW}] []")).starts_with("not valid JSON"));
        // A key given twice in a row: the last value counts, as in any JSON object.
        let p = parse(
            r#"[{"code": "A", "name": "N", "name": "M", "field": "F", "days": 1, "charges_fee": false}]"#
                .as_bytes(),
            Format::Json,
        )
        .unwrap();
        assert_eq!(p[0].name, "M");
    }

    #[test]
    fn invalid_json_syntax_reports_the_line() {
        let e = json_err("[\n  {\"code\": \"A\",\n    \"name\" \"N\"}\n]");
        let ImportError::File(message) = &e else {
            panic!("expected File, got {e:?}");
        };
        assert!(message.contains("line 3"), "{message}");
    }

    #[test]
    fn empty_files_are_rejected() {
        for format in [Format::Json, Format::Csv] {
            for text in ["", "  \n\r\n", "\u{FEFF}"] {
                let e = parse(text.as_bytes(), format).unwrap_err();
                assert_eq!(e, ImportError::File("the file is empty".into()));
            }
        }
        assert_eq!(
            json_err("[]"),
            ImportError::File("the file contains no procedures".into())
        );
        assert_eq!(
            csv_err("code,name,field,days,charges_fee\n"),
            ImportError::File("the file contains no procedures".into())
        );
    }

    #[test]
    fn non_utf8_is_rejected_with_its_line() {
        let e = parse(
            b"code,name,field,days,charges_fee\nA,Ch\xE9ng,F,1,0\n",
            Format::Csv,
        )
        .unwrap_err();
        assert!(
            matches!(&e, ImportError::File(m) if m.contains("not UTF-8") && m.contains("line 2")),
            "{e:?}"
        );
    }

    #[test]
    fn csv_missing_name_on_row_three() {
        let e =
            csv_err("code,name,field,days,charges_fee\nA,Tên,F,1,0\nB,  ,F,1,0\nC,Tên 3,F,1,0\n");
        assert_eq!(
            e,
            ImportError::Field {
                row: 3,
                field: "name".into(),
                problem: "is missing".into()
            }
        );
        assert_eq!(e.to_string(), "row 3, field `name`: is missing");
        // A short row is missing its trailing fields.
        let e = csv_err("code,name,field,days,charges_fee\nA,Tên,F\n");
        assert!(field_err(2, "days")(&e), "{e:?}");
    }

    #[test]
    fn duplicate_code_names_the_second_row() {
        let e = csv_err("code,name,field,days,charges_fee\nA,N1,F,1,0\nB,N2,F,1,0\n A ,N3,F,1,0\n");
        assert_eq!(
            e,
            ImportError::Field {
                row: 4,
                field: "code".into(),
                problem: "duplicates row 2".into()
            }
        );
        let e = json_err(&format!("[{GOOD_ROW}, {GOOD_ROW}]"));
        assert_eq!(
            e,
            ImportError::Field {
                row: 2,
                field: "code".into(),
                problem: "duplicates row 1".into()
            }
        );
    }

    #[test]
    fn csv_header_problems() {
        let e = csv_err("code,name,field,days,charges_fee,ghi_chu\nA,N,F,1,0,x\n");
        assert!(field_err(1, "ghi_chu")(&e), "{e:?}");
        assert!(problem(&e).contains("not a known column"));
        let e = csv_err("code,name,Ghi chú,field,days,charges_fee,STT\n");
        assert!(field_err(1, "Ghi chú")(&e), "{e:?}");
        assert!(
            problem(&e).starts_with("is not a known column (nor are `STT`)"),
            "{e:?}"
        );

        let e = csv_err("code,field,charges_fee\nA,F,0\n");
        assert_eq!(
            e,
            ImportError::File(
                "the header (row 1) is missing columns `name`, `days`; required: code, name, field, days, charges_fee".into()
            )
        );
        let e = csv_err("code,name,NAME,field,days,charges_fee\n");
        assert!(field_err(1, "name")(&e), "{e:?}");

        let e = csv_err("code;name;field;days;charges_fee\nA;N;F;1;0\n");
        assert!(
            matches!(&e, ImportError::File(m) if m.contains("semicolons")),
            "{e:?}"
        );

        // No header at all: the first data row is reported as unknown columns.
        let e = csv_err("1.001,Cấp phép,Xây dựng,15,0\n");
        assert!(
            matches!(&e, ImportError::Field { row: 1, field, .. } if field == "1.001"),
            "{e:?}"
        );
    }

    #[test]
    fn csv_row_problems() {
        let e = csv_err("code,name,field,days,charges_fee\nA,N,F,1,0,extra\n");
        assert_eq!(
            e,
            ImportError::Row {
                row: 2,
                problem: "has 6 values but the header has 5 columns".into()
            }
        );
        // Trailing empty cells (spreadsheet exports) are fine.
        assert_eq!(
            parse(
                b"code,name,field,days,charges_fee,\nA,N,F,1,0,\n",
                Format::Csv
            )
            .unwrap()
            .len(),
            1
        );

        let e = csv_err("code,name,field,days,charges_fee\nA,N,F,366,0\n");
        assert!(field_err(2, "days")(&e), "{e:?}");
        let e = csv_err("code,name,field,days,charges_fee,fee\nA,N,F,1,1,\"1,5\"\n");
        assert_eq!(
            e,
            ImportError::Field {
                row: 2,
                field: "fee".into(),
                problem: "must be a whole number of VND, found `1,5`".into()
            }
        );
        let e = csv_err("code,name,field,days,charges_fee\nA,N,F,1,maybe\n");
        assert!(field_err(2, "charges_fee")(&e), "{e:?}");
    }

    #[test]
    fn text_fields_reject_control_characters_and_overlong_values() {
        let e = csv_err("code,name,field,days,charges_fee\nA,\"Dòng một\nDòng hai\",F,1,0\n");
        assert!(field_err(2, "name")(&e), "{e:?}");
        assert!(problem(&e).contains("control character (U+000A)"), "{e:?}");
        let e = json_err(
            r#"[{"code": "A", "name": "Tab\there", "field": "F", "days": 1, "charges_fee": false}]"#,
        );
        assert!(field_err(1, "name")(&e), "{e:?}");

        let long_name = "a".repeat(1001);
        let e = json_err(&format!(
            r#"[{{"code": "A", "name": "{long_name}", "field": "F", "days": 1, "charges_fee": false}}]"#
        ));
        assert!(field_err(1, "name")(&e), "{e:?}");
        let ok_name = "ă".repeat(1000);
        assert!(parse(format!(r#"[{{"code": "A", "name": "{ok_name}", "field": "F", "days": 1, "charges_fee": false}}]"#).as_bytes(), Format::Json).is_ok());
        let long_code = "1".repeat(65);
        let e = json_err(&format!(
            r#"[{{"code": "{long_code}", "name": "N", "field": "F", "days": 1, "charges_fee": false}}]"#
        ));
        assert!(field_err(1, "code")(&e), "{e:?}");
    }

    #[test]
    fn messages_quote_the_file_without_its_control_characters() {
        // A value, a header cell, a JSON key and a JSON item: each is quoted in the
        // message the CLI prints to the terminal, and none may carry an escape sequence.
        let osc = "\u{1b}]0;INJ\u{7}";
        let errors = [
            csv_err(&format!(
                "code,name,field,days,charges_fee\nA,N,F,\"1{osc}\u{9b}6n\",0\n"
            )),
            csv_err(&format!(
                "code,name,field,days,charges_fee,x{osc}\nA,N,F,1,0,v\n"
            )),
            json_err(
                r#"[{"code": "A", "name": "N", "field": "F", "days": 1, "charges_fee": false, "k\u001b[2J\u202e": 1}]"#,
            ),
            json_err(r#"{"procedures": [], "v\u001b]2;x\u0007": 1}"#),
            json_err(r#"["\u001b[31mred"]"#),
        ];
        for e in errors {
            let message = e.to_string();
            assert!(message.contains('\u{FFFD}'), "{message:?}");
            assert!(
                !message.chars().any(|c| c.is_control() || c == '\u{202e}'),
                "{message:?}"
            );
        }
    }

    #[test]
    fn errors_come_in_row_order() {
        // Row 2 has a bad field, row 3 duplicates row 1: row 2 is reported.
        let e = csv_err("code,name,field,days,charges_fee\nA,N,F,1,0\nB,N,,1,0\nA,N,F,1,0\n");
        assert!(field_err(3, "field")(&e), "{e:?}");
    }

    // --- generator -------------------------------------------------------------

    #[test]
    fn generate_is_deterministic_per_seed() {
        let a = generate(2000, 7);
        assert_eq!(a, generate(2000, 7));
        let b = generate(2000, 8);
        assert_ne!(a, b);
        assert_ne!(
            a.iter().map(|p| &p.name).collect::<Vec<_>>(),
            b.iter().map(|p| &p.name).collect::<Vec<_>>()
        );
        assert!(generate(0, 1).is_empty());
        assert_eq!(generate(10, 1).len(), 10);
        assert_eq!(generate(20_000, 1).len(), 20_000);
    }

    #[test]
    fn generated_catalogue_looks_like_a_province() {
        let all = generate(2000, 42);
        assert_eq!(all.len(), 2000);

        let codes: HashSet<&str> = all.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes.len(), 2000, "codes are unique");
        let names: HashSet<&str> = all.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names.len(), 2000, "names are unique");

        for p in &all {
            assert!(
                p.code.starts_with("1.00") && p.code.len() == 8,
                "{}",
                p.code
            );
            assert_eq!(p.local_code, format!("{}.000.00.00.H56", p.code));
            let chars = p.name.chars().count();
            assert!((20..=160).contains(&chars), "{chars}: {}", p.name);
            assert!(
                !p.name.chars().any(|c| ('\u{300}'..='\u{36F}').contains(&c)),
                "NFC: {}",
                p.name
            );
            assert!([0, 1, 3, 5, 7, 10, 15, 20, 30, 45, 60].contains(&p.days));
            assert!(p.charges_fee || (p.fee == 0 && p.charge == 0));
        }

        // Groups are contiguous and in FIELDS order.
        let mut fields: Vec<&str> = all.iter().map(|p| p.field.as_str()).collect();
        fields.dedup();
        let distinct: HashSet<&str> = fields.iter().copied().collect();
        assert_eq!(
            fields.len(),
            distinct.len(),
            "each field is one contiguous group"
        );
        assert!((40..=60).contains(&fields.len()), "{} fields", fields.len());
        let order: Vec<&str> = FIELDS
            .iter()
            .map(|f| f.name)
            .filter(|f| distinct.contains(f))
            .collect();
        assert_eq!(fields, order);

        // Uneven sizes.
        let size = |name: &str| all.iter().filter(|p| p.field == name).count();
        assert!(size("Xây dựng") > 80 && size("Đất đai") > 80);
        assert!(size("Thư viện") < 10);

        // "thư viện" is rare; fees are charged for about a fifth.
        let library = all.iter().filter(|p| p.name.contains("thư viện")).count();
        assert!((1..=10).contains(&library), "{library}");
        let paid = all.iter().filter(|p| p.charges_fee).count();
        assert!((300..=500).contains(&paid), "{paid}");
        assert!(all.iter().any(|p| p.fee == 500_000));
        assert!(all.iter().any(|p| p.name.starts_with("Thủ tục ")));
        assert!(all.iter().any(|p| p.name.contains(" có yếu tố nước ngoài")));
    }

    #[test]
    fn generated_catalogue_passes_import_validation() {
        let all = generate(2000, 3);
        let json = serde_json::to_vec(&serde_json::json!({ "procedures": all })).unwrap();
        assert_eq!(parse(&json, Format::Json).unwrap(), all);

        let mut writer = csv::Writer::from_writer(Vec::new());
        for p in &all {
            writer.serialize(p).unwrap();
        }
        let bytes = writer.into_inner().unwrap();
        assert_eq!(parse(&bytes, Format::Csv).unwrap(), all);
    }
}
