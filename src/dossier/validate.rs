//! Validators for the intake form's fields (domain brief §3, §4, §6): dates, birth
//! dates, CCCD / CMND / passport numbers, phone numbers and e-mail addresses.
//!
//! Every function is pure and total: it never panics, whatever the input (any Unicode,
//! any length). Whitespace at both ends of the input is ignored. A rejected value gives a
//! [`Problem`]: an i18n key under `valid.` in `config/lang/*.toml` and the values of its
//! `{placeholders}`, so the form can say exactly what is wrong and what is expected.
//! Text typed by the official is echoed back sanitised ([`crate::text::sanitize`]) and
//! cut to a short length.

use jiff::civil::Date;

use crate::api::Sex;
use crate::text;

/// A validation problem: an i18n key (in config/lang/*.toml) and its {placeholders}.
///
/// `key` always starts with `valid.`; `args` gives a value for every `{name}` in the
/// string of that key, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The i18n key, e.g. `valid.cccd_length`.
    pub key: &'static str,
    /// `(placeholder, value)` pairs, e.g. `("n", "11")`.
    pub args: Vec<(&'static str, String)>,
}

fn problem(key: &'static str, args: Vec<(&'static str, String)>) -> Problem {
    Problem { key, args }
}

/// A birth date as the form takes it: a full date, or the year alone when the citizen's
/// papers give only the year (allowed by the population database, §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BirthDate {
    /// Day, month and year.
    Full(Date),
    /// The year alone.
    Year(i16),
}

impl BirthDate {
    /// The year of birth.
    pub fn year(self) -> i16 {
        match self {
            BirthDate::Full(d) => d.year(),
            BirthDate::Year(y) => y,
        }
    }

    /// As the form shows it: `dd/mm/yyyy`, or `yyyy` for a year alone.
    pub fn format(self) -> String {
        match self {
            BirthDate::Full(d) => format_date(d),
            BirthDate::Year(y) => format!("{y:04}"),
        }
    }
}

/// The kind of identity document a number in "Số CMND/Hộ chiếu" belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// Căn cước công dân / căn cước: 12 digits (the personal identification number).
    Cccd,
    /// Chứng minh nhân dân (old ID card): 9 digits.
    Cmnd,
    /// Vietnamese passport: one capital letter and 7 digits.
    Passport,
}

/// The 63 legacy provinces' 3-digit birth-registration codes used as CCCD prefixes
/// (001 Hà Nội … 096 Cà Mau), with names.
///
/// The code is the GSO province code of the 63 provinces in force before 1 Jul 2025;
/// CCCD numbers keep it (padded to 3 digits) after the 2025 mergers. Sorted by code.
pub const PROVINCE_CODES: &[(u16, &str)] = &[
    (1, "Thành phố Hà Nội"),
    (2, "Tỉnh Hà Giang"),
    (4, "Tỉnh Cao Bằng"),
    (6, "Tỉnh Bắc Kạn"),
    (8, "Tỉnh Tuyên Quang"),
    (10, "Tỉnh Lào Cai"),
    (11, "Tỉnh Điện Biên"),
    (12, "Tỉnh Lai Châu"),
    (14, "Tỉnh Sơn La"),
    (15, "Tỉnh Yên Bái"),
    (17, "Tỉnh Hòa Bình"),
    (19, "Tỉnh Thái Nguyên"),
    (20, "Tỉnh Lạng Sơn"),
    (22, "Tỉnh Quảng Ninh"),
    (24, "Tỉnh Bắc Giang"),
    (25, "Tỉnh Phú Thọ"),
    (26, "Tỉnh Vĩnh Phúc"),
    (27, "Tỉnh Bắc Ninh"),
    (30, "Tỉnh Hải Dương"),
    (31, "Thành phố Hải Phòng"),
    (33, "Tỉnh Hưng Yên"),
    (34, "Tỉnh Thái Bình"),
    (35, "Tỉnh Hà Nam"),
    (36, "Tỉnh Nam Định"),
    (37, "Tỉnh Ninh Bình"),
    (38, "Tỉnh Thanh Hóa"),
    (40, "Tỉnh Nghệ An"),
    (42, "Tỉnh Hà Tĩnh"),
    (44, "Tỉnh Quảng Bình"),
    (45, "Tỉnh Quảng Trị"),
    (46, "Thành phố Huế"),
    (48, "Thành phố Đà Nẵng"),
    (49, "Tỉnh Quảng Nam"),
    (51, "Tỉnh Quảng Ngãi"),
    (52, "Tỉnh Bình Định"),
    (54, "Tỉnh Phú Yên"),
    (56, "Tỉnh Khánh Hòa"),
    (58, "Tỉnh Ninh Thuận"),
    (60, "Tỉnh Bình Thuận"),
    (62, "Tỉnh Kon Tum"),
    (64, "Tỉnh Gia Lai"),
    (66, "Tỉnh Đắk Lắk"),
    (67, "Tỉnh Đắk Nông"),
    (68, "Tỉnh Lâm Đồng"),
    (70, "Tỉnh Bình Phước"),
    (72, "Tỉnh Tây Ninh"),
    (74, "Tỉnh Bình Dương"),
    (75, "Tỉnh Đồng Nai"),
    (77, "Tỉnh Bà Rịa - Vũng Tàu"),
    (79, "Thành phố Hồ Chí Minh"),
    (80, "Tỉnh Long An"),
    (82, "Tỉnh Tiền Giang"),
    (83, "Tỉnh Bến Tre"),
    (84, "Tỉnh Trà Vinh"),
    (86, "Tỉnh Vĩnh Long"),
    (87, "Tỉnh Đồng Tháp"),
    (89, "Tỉnh An Giang"),
    (91, "Tỉnh Kiên Giang"),
    (92, "Thành phố Cần Thơ"),
    (93, "Tỉnh Hậu Giang"),
    (94, "Tỉnh Sóc Trăng"),
    (95, "Tỉnh Bạc Liêu"),
    (96, "Tỉnh Cà Mau"),
];

/// The name of the legacy province with birth-registration `code` (e.g. 79 →
/// "Thành phố Hồ Chí Minh"), or `None` when no province has that code.
pub fn province_name(code: u16) -> Option<&'static str> {
    PROVINCE_CODES
        .binary_search_by_key(&code, |&(c, _)| c)
        .ok()
        .map(|i| PROVINCE_CODES[i].1)
}

// ---------------------------------------------------------------------------------
// Helpers

/// At most this many terminal cells of typed text are echoed in a message.
const ECHO_WIDTH: usize = 40;

/// The first oddities of a field named in a message.
const MAX_LISTED_CHARS: usize = 5;

/// `s` as it can be shown back in a message: sanitised and short.
fn echo(s: &str) -> String {
    // Look at a bounded prefix only: the input may be huge.
    let mut head: String = s.chars().take(ECHO_WIDTH * 2).collect();
    let cut_here = head.len() < s.len();
    head = text::sanitize(&head).0;
    let shown = text::truncate(&head, ECHO_WIDTH).into_owned();
    if cut_here && !shown.ends_with('…') {
        shown + "…"
    } else {
        shown
    }
}

/// The distinct characters that `bad` selects in `s`, quoted, for a message: `“O”, “-”`.
/// Characters that would not show (controls, zero-width, bidi) are named `U+200B`.
fn list_chars(s: &str, bad: impl Fn(char) -> bool) -> String {
    let mut seen: Vec<char> = Vec::new();
    for c in s.chars().filter(|&c| bad(c)) {
        if !seen.contains(&c) {
            seen.push(c);
            if seen.len() == MAX_LISTED_CHARS {
                break;
            }
        }
    }
    seen.iter()
        .map(|&c| {
            let one = c.to_string();
            let (clean, changed) = text::sanitize(&one);
            if changed || clean != one || c.is_control() || text::width(&one) == 0 {
                format!("U+{:04X}", u32::from(c))
            } else {
                format!("“{c}”")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn format_date(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
}

fn all_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// A count of characters for a message.
fn count(s: &str) -> String {
    s.chars().count().to_string()
}

/// The checks every ID number starts with: not empty, no inner whitespace.
fn id_basics(s: &str) -> Result<(), Problem> {
    if s.is_empty() {
        return Err(problem("valid.id_empty", vec![]));
    }
    if s.chars().any(char::is_whitespace) {
        return Err(problem("valid.id_space", vec![("typed", echo(s))]));
    }
    Ok(())
}

/// An ID number of digits only (after [`id_basics`]).
fn id_digits(s: &str) -> Result<(), Problem> {
    id_basics(s)?;
    if !all_digits(s) {
        let chars = list_chars(s, |c| !c.is_ascii_digit());
        return Err(problem("valid.id_chars", vec![("chars", chars)]));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// Dates

/// The first and last years a date field accepts.
const FIRST_YEAR: i16 = 1900;
const LAST_YEAR: i16 = 2100;

/// Day, month and year as typed, before checking that they make a date.
struct Parts {
    day: u32,
    month: u32,
    year: u32,
    /// Typed exactly as `dd/mm/yyyy`.
    strict: bool,
}

/// Recognises what the official meant: `dd/mm/yyyy`, and also `d/m/yyyy`,
/// `dd-mm-yyyy`, `dd.mm.yyyy`, `ddmmyyyy`, which are then refused with a suggestion.
fn date_parts(s: &str) -> Result<Parts, Problem> {
    let format_problem = || problem("valid.date_format", vec![("typed", echo(s))]);
    let number = |p: &str| -> Option<u32> {
        if p.is_empty() || p.len() > 4 || !all_digits(p) {
            None
        } else {
            p.parse().ok()
        }
    };
    if s.len() == 8 && all_digits(s) {
        let (d, rest) = s.split_at(2);
        let (m, y) = rest.split_at(2);
        return match (number(d), number(m), number(y)) {
            (Some(day), Some(month), Some(year)) => Ok(Parts {
                day,
                month,
                year,
                strict: false,
            }),
            _ => Err(format_problem()),
        };
    }
    if s.len() > 16 {
        return Err(format_problem());
    }
    let separators: &[char] = &['/', '-', '.'];
    let parts: Vec<&str> = s.split(separators).collect();
    let [d, m, y] = parts[..] else {
        return Err(format_problem());
    };
    let (Some(day), Some(month), Some(year)) = (number(d), number(m), number(y)) else {
        return Err(format_problem());
    };
    if d.len() > 2 || m.len() > 2 {
        return Err(format_problem());
    }
    if y.len() != 4 {
        return Err(problem("valid.date_year_digits", vec![("typed", echo(s))]));
    }
    let strict = d.len() == 2 && m.len() == 2 && s.as_bytes()[2] == b'/' && s.as_bytes()[5] == b'/';
    Ok(Parts {
        day,
        month,
        year,
        strict,
    })
}

/// Strict dd/mm/yyyy: two-digit day and month, four-digit year, a real date (31/02 and
/// 29/02/2023 rejected), year 1900..=2100. Surrounding whitespace is trimmed.
///
/// A date typed another way (`6/3/2023`, `06-03-2023`, `06032023`) is refused with
/// `valid.date_suggest`, which gives the strict form to type.
pub fn parse_date(s: &str) -> Result<Date, Problem> {
    let s = s.trim();
    if s.is_empty() {
        return Err(problem("valid.date_empty", vec![]));
    }
    let Parts {
        day,
        month,
        year,
        strict,
    } = date_parts(s)?;
    if !(1..=12).contains(&month) {
        return Err(problem(
            "valid.date_month",
            vec![("typed", echo(s)), ("month", format!("{month:02}"))],
        ));
    }
    let year_ok = i16::try_from(year)
        .ok()
        .filter(|y| (FIRST_YEAR..=LAST_YEAR).contains(y));
    let Some(y) = year_ok else {
        return Err(problem(
            "valid.date_range",
            vec![("year", format!("{year:04}"))],
        ));
    };
    // Month and year are in range, so neither conversion nor `Date::new` can fail.
    let m = i8::try_from(month).unwrap_or(1);
    let max = Date::new(y, m, 1).map_or(31, Date::days_in_month);
    let date = i8::try_from(day)
        .ok()
        .and_then(|d| Date::new(y, m, d).ok())
        .filter(|_| day >= 1);
    let Some(date) = date else {
        return Err(problem(
            "valid.date_invalid",
            vec![
                ("typed", echo(s)),
                ("month", format!("{month:02}")),
                ("year", format!("{year:04}")),
                ("max", max.to_string()),
            ],
        ));
    };
    if !strict {
        return Err(problem(
            "valid.date_suggest",
            vec![("typed", echo(s)), ("expected", format_date(date))],
        ));
    }
    Ok(date)
}

/// A birth date: dd/mm/yyyy, or the year alone ("1992") when `year_alone` is true.
/// Not after `today`; not before 1900.
///
/// A year typed alone when `year_alone` is false is refused with `valid.date_year_only`,
/// which asks for the full date.
pub fn parse_birth_date(s: &str, year_alone: bool, today: Date) -> Result<BirthDate, Problem> {
    let s = s.trim();
    let future = || {
        problem(
            "valid.date_future",
            vec![("typed", echo(s)), ("today", format_date(today))],
        )
    };
    if !s.is_empty() && all_digits(s) && s.len() <= 4 {
        if !year_alone {
            return Err(problem("valid.date_year_only", vec![("typed", echo(s))]));
        }
        if s.len() != 4 {
            return Err(problem("valid.date_year_digits", vec![("typed", echo(s))]));
        }
        let year: i16 = s.parse().unwrap_or(0);
        if year < FIRST_YEAR {
            return Err(problem("valid.date_range", vec![("year", s.to_owned())]));
        }
        if year > today.year() {
            return Err(future());
        }
        return Ok(BirthDate::Year(year));
    }
    if year_alone && all_digits(s) && s.len() > 4 && s.len() != 8 {
        return Err(problem("valid.date_year_digits", vec![("typed", echo(s))]));
    }
    let date = parse_date(s)?;
    if date > today {
        return Err(future());
    }
    Ok(BirthDate::Full(date))
}

// ---------------------------------------------------------------------------------
// ID numbers

/// The first year of the century coded by a CCCD's 4th digit (`digit / 2`).
const CENTURY_START: [i32; 5] = [1900, 2000, 2100, 2200, 1800];

/// A CCCD (12 digits): known province code (first 3 digits in PROVINCE_CODES), 4th digit
/// = sex/century (0/1 male/female 1900–1999, 2/3 2000–2099, 4/5 2100–2199, 6/7 2200–2299,
/// 8/9 1800–1899), digits 5–6 = last two digits of birth year. When `birth`/`sex` are
/// given they must agree with the number (a year-only birth date checks the year).
///
/// Problems, in the order checked: `valid.id_empty`, `valid.id_space`, `valid.id_chars`,
/// `valid.cccd_length` `{n}`, `valid.cccd_province` `{code}`, `valid.cccd_sex`
/// `{digit}` `{expected}` (the 4th digit the form's sex needs), `valid.cccd_year`
/// `{cccd_year}` `{birth_year}`.
pub fn check_cccd(s: &str, birth: Option<BirthDate>, sex: Option<Sex>) -> Result<(), Problem> {
    let s = s.trim();
    id_digits(s)?;
    if s.len() != 12 {
        return Err(problem("valid.cccd_length", vec![("n", count(s))]));
    }
    let b = s.as_bytes();
    let province = &s[..3];
    let code: u16 = province.parse().unwrap_or(0);
    if province_name(code).is_none() {
        return Err(problem(
            "valid.cccd_province",
            vec![("code", province.to_owned())],
        ));
    }
    let digit = b[3] - b'0';
    let century = usize::from(digit / 2);
    let number_is_female = digit % 2 == 1;
    if let Some(sex) = sex {
        let form_is_female = sex == Sex::Female;
        if form_is_female != number_is_female {
            let expected = digit / 2 * 2 + u8::from(form_is_female);
            return Err(problem(
                "valid.cccd_sex",
                vec![
                    ("digit", digit.to_string()),
                    ("expected", expected.to_string()),
                ],
            ));
        }
    }
    if let Some(birth) = birth {
        let yy = i32::from(b[4] - b'0') * 10 + i32::from(b[5] - b'0');
        let cccd_year = CENTURY_START[century] + yy;
        let birth_year = i32::from(birth.year());
        if cccd_year != birth_year {
            return Err(problem(
                "valid.cccd_year",
                vec![
                    ("cccd_year", cccd_year.to_string()),
                    ("birth_year", birth_year.to_string()),
                ],
            ));
        }
    }
    Ok(())
}

/// CMND: exactly 9 digits.
///
/// Problems: `valid.id_empty`, `valid.id_space`, `valid.id_chars`, `valid.cmnd_length`
/// `{n}`.
pub fn check_cmnd(s: &str) -> Result<(), Problem> {
    let s = s.trim();
    id_digits(s)?;
    if s.len() != 9 {
        return Err(problem("valid.cmnd_length", vec![("n", count(s))]));
    }
    Ok(())
}

/// The submitter's "Số CMND/Hộ chiếu" field: 12 digits → CCCD rules, 9 digits → CMND,
/// one uppercase letter + 7 digits (Vietnamese passport, e.g. C1234567) → Passport.
/// Anything else gets a specific message: all digits but wrong length names the count
/// ("11 digits; a CCCD has 12, a CMND 9" — seed 000's `03080104271` must give this),
/// letters/spaces inside digits, empty.
///
/// Problems: those of [`check_cccd`] for 12 digits; `valid.id_empty`, `valid.id_space`
/// `{typed}`, `valid.id_chars` `{chars}`, `valid.id_length` `{n}`, and for a letter
/// followed by digits `valid.passport_case` `{expected}` (a lower-case letter) or
/// `valid.passport_length` `{n}` (not 7 digits).
pub fn check_id_number(
    s: &str,
    birth: Option<BirthDate>,
    sex: Option<Sex>,
) -> Result<IdKind, Problem> {
    let s = s.trim();
    id_basics(s)?;
    let mut chars = s.chars();
    if let Some(first) = chars.next()
        && first.is_ascii_alphabetic()
    {
        let rest = chars.as_str();
        if !rest.is_empty() && all_digits(rest) {
            let n = rest.len();
            if n == 7 {
                if first.is_ascii_uppercase() {
                    return Ok(IdKind::Passport);
                }
                return Err(problem(
                    "valid.passport_case",
                    vec![("expected", format!("{}{rest}", first.to_ascii_uppercase()))],
                ));
            }
            // One letter in a CCCD's or CMND's length: a mistyped digit (O for 0).
            if n != 8 && n != 11 {
                return Err(problem("valid.passport_length", vec![("n", n.to_string())]));
            }
        }
    }
    id_digits(s)?;
    match s.len() {
        12 => check_cccd(s, birth, sex).map(|()| IdKind::Cccd),
        9 => Ok(IdKind::Cmnd),
        _ => Err(problem("valid.id_length", vec![("n", count(s))])),
    }
}

// ---------------------------------------------------------------------------------
// Phone and e-mail

/// Phone: 10 digits starting with 0 after removing spaces, dots and dashes; "+84xxxxxxxxx"
/// / "84xxxxxxxxx" (9 digits after 84) accepted as 0xxxxxxxxx. Returns the normalised form.
///
/// Problems: `valid.phone_empty`, `valid.phone_chars` `{chars}`, `valid.phone_start`
/// `{typed}` (neither 0 nor +84 / 84 first), `valid.phone_84` `{n}` (+84 not followed by
/// 9 digits), `valid.phone_length` `{n}`.
pub fn check_phone(s: &str) -> Result<String, Problem> {
    let s = s.trim();
    if s.is_empty() {
        return Err(problem("valid.phone_empty", vec![]));
    }
    let is_separator = |c: char| c.is_whitespace() || matches!(c, '.' | '-');
    let compact: String = s.chars().filter(|&c| !is_separator(c)).collect();
    let (plus, digits) = match compact.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    if !all_digits(digits) || digits.is_empty() {
        let chars = list_chars(digits, |c| !c.is_ascii_digit());
        if chars.is_empty() {
            // Only separators, or a lone "+".
            return Err(problem("valid.phone_length", vec![("n", "0".to_owned())]));
        }
        return Err(problem("valid.phone_chars", vec![("chars", chars)]));
    }
    if let Some(national) = digits.strip_prefix("84")
        && (plus || digits.len() == 11)
    {
        if national.len() != 9 {
            return Err(problem("valid.phone_84", vec![("n", count(national))]));
        }
        return Ok(format!("0{national}"));
    }
    if plus || !digits.starts_with('0') {
        return Err(problem("valid.phone_start", vec![("typed", echo(s))]));
    }
    if digits.len() != 10 {
        return Err(problem("valid.phone_length", vec![("n", count(digits))]));
    }
    Ok(digits.to_owned())
}

/// The most characters an e-mail address may have (RFC 5321's path limit).
const EMAIL_MAX: usize = 254;

/// Email: one @, non-empty local part, domain with a dot, no spaces, ≤ 254 chars.
///
/// The domain must have at least two non-empty labels (`gmail.com`, not `gmail.`);
/// characters that cannot appear unquoted in an address (`,` `;` `<` `>` `(` `)` `[`
/// `]` `\` `"`, controls) are refused, as a comma typed for a dot is a usual slip.
/// Problems: `valid.email_empty`, `valid.email_length` `{n}`, `valid.email_space`,
/// `valid.email_chars` `{chars}`, `valid.email_at` `{n}`, `valid.email_local`,
/// `valid.email_domain` `{domain}`.
pub fn check_email(s: &str) -> Result<(), Problem> {
    let s = s.trim();
    if s.is_empty() {
        return Err(problem("valid.email_empty", vec![]));
    }
    let n = s.chars().count();
    if n > EMAIL_MAX {
        return Err(problem("valid.email_length", vec![("n", n.to_string())]));
    }
    if s.chars().any(char::is_whitespace) {
        return Err(problem("valid.email_space", vec![]));
    }
    let forbidden = |c: char| {
        c.is_control()
            || matches!(
                c,
                ',' | ';' | '<' | '>' | '(' | ')' | '[' | ']' | '\\' | '"'
            )
            || text::sanitize(c.encode_utf8(&mut [0; 4])).1
    };
    if s.chars().any(forbidden) {
        let chars = list_chars(s, forbidden);
        return Err(problem("valid.email_chars", vec![("chars", chars)]));
    }
    let ats = s.matches('@').count();
    if ats != 1 {
        return Err(problem("valid.email_at", vec![("n", ats.to_string())]));
    }
    let (local, domain) = s.split_once('@').unwrap_or((s, ""));
    if local.is_empty() {
        return Err(problem("valid.email_local", vec![]));
    }
    if !domain.contains('.') || domain.split('.').any(str::is_empty) {
        return Err(problem(
            "valid.email_domain",
            vec![("domain", echo(domain))],
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use proptest::prelude::*;

    use super::*;

    fn problem_of<T: std::fmt::Debug>(r: Result<T, Problem>) -> Problem {
        r.expect_err("expected a problem")
    }

    fn key<T: std::fmt::Debug>(r: Result<T, Problem>) -> &'static str {
        problem_of(r).key
    }

    fn arg(p: &Problem, name: &str) -> String {
        p.args
            .iter()
            .find_map(|(n, v)| (*n == name).then(|| v.clone()))
            .unwrap_or_else(|| panic!("no {name} in {p:?}"))
    }

    const TODAY: Date = date(2025, 6, 15);

    // --- seed vectors -------------------------------------------------------------

    #[test]
    fn seed_cccd_numbers() {
        let female_1992 = BirthDate::Full(date(1992, 5, 17));
        assert_eq!(
            check_cccd("079192019782", Some(female_1992), Some(Sex::Female)),
            Ok(())
        );
        assert_eq!(
            check_id_number("079192019782", Some(female_1992), Some(Sex::Female)),
            Ok(IdKind::Cccd)
        );
        assert_eq!(
            check_id_number(
                " 001200017187 ",
                Some(BirthDate::Year(2000)),
                Some(Sex::Male)
            ),
            Ok(IdKind::Cccd)
        );
        assert_eq!(check_cccd("001200017187", None, None), Ok(()));
    }

    #[test]
    fn seed_000_eleven_digits_names_the_count() {
        let p = check_id_number("03080104271", None, None).unwrap_err();
        assert_eq!(p.key, "valid.id_length");
        assert_eq!(arg(&p, "n"), "11");
        let p = check_cccd("03080104271", None, None).unwrap_err();
        assert_eq!((p.key, arg(&p, "n").as_str()), ("valid.cccd_length", "11"));
    }

    #[test]
    fn sex_mismatch_says_which_digit_is_expected() {
        let p = check_cccd("079192019782", None, Some(Sex::Male)).unwrap_err();
        assert_eq!(p.key, "valid.cccd_sex");
        assert_eq!(arg(&p, "digit"), "1");
        assert_eq!(arg(&p, "expected"), "0");
        let p = check_id_number("001200017187", None, Some(Sex::Female)).unwrap_err();
        assert_eq!(
            (arg(&p, "digit").as_str(), arg(&p, "expected").as_str()),
            ("2", "3")
        );
    }

    #[test]
    fn year_mismatch_names_both_years() {
        let p = check_cccd(
            "079192019782",
            Some(BirthDate::Full(date(1993, 1, 2))),
            Some(Sex::Female),
        )
        .unwrap_err();
        assert_eq!(p.key, "valid.cccd_year");
        assert_eq!(arg(&p, "cccd_year"), "1992");
        assert_eq!(arg(&p, "birth_year"), "1993");
        // Right last two digits, wrong century.
        let p = check_cccd("079192019782", Some(BirthDate::Year(2092)), None).unwrap_err();
        assert_eq!(
            (
                arg(&p, "cccd_year").as_str(),
                arg(&p, "birth_year").as_str()
            ),
            ("1992", "2092")
        );
        // Century digits 8/9: 1800s.
        assert_eq!(
            check_cccd(
                "001999000001",
                Some(BirthDate::Year(1899)),
                Some(Sex::Female)
            ),
            Ok(())
        );
    }

    #[test]
    fn unknown_province_names_the_three_digits() {
        let p = check_cccd("003192019782", None, None).unwrap_err();
        assert_eq!(
            (p.key, arg(&p, "code").as_str()),
            ("valid.cccd_province", "003")
        );
        let p = check_id_number("000192019782", None, None).unwrap_err();
        assert_eq!(arg(&p, "code"), "000");
        assert_eq!(
            key(check_cccd("097192019782", None, None)),
            "valid.cccd_province"
        );
    }

    #[test]
    fn id_number_shapes() {
        assert_eq!(check_id_number("123456789", None, None), Ok(IdKind::Cmnd));
        assert_eq!(
            check_id_number("C1234567", None, None),
            Ok(IdKind::Passport)
        );
        assert_eq!(
            check_id_number("\tB7654321\n", None, None),
            Ok(IdKind::Passport)
        );
        let p = check_id_number("c1234567", None, None).unwrap_err();
        assert_eq!(
            (p.key, arg(&p, "expected").as_str()),
            ("valid.passport_case", "C1234567")
        );
        let p = check_id_number("C123456", None, None).unwrap_err();
        assert_eq!(
            (p.key, arg(&p, "n").as_str()),
            ("valid.passport_length", "6")
        );
        assert_eq!(key(check_id_number("", None, None)), "valid.id_empty");
        assert_eq!(key(check_id_number("   ", None, None)), "valid.id_empty");
        assert_eq!(
            key(check_id_number("079 192 019 782", None, None)),
            "valid.id_space"
        );
        assert_eq!(
            key(check_id_number("C 1234567", None, None)),
            "valid.id_space"
        );
        // A letter O typed for a zero in a CCCD.
        let p = check_id_number("O79192019782", None, None).unwrap_err();
        assert_eq!(
            (p.key, arg(&p, "chars").as_str()),
            ("valid.id_chars", "“O”")
        );
        let p = check_id_number("07919201978l", None, None).unwrap_err();
        assert_eq!(arg(&p, "chars"), "“l”");
        // Invisible characters are named by code point.
        let p = check_id_number("079192\u{200b}019782", None, None).unwrap_err();
        assert_eq!(arg(&p, "chars"), "U+200B");
        assert_eq!(
            key(check_id_number("１２３４５６７８９", None, None)),
            "valid.id_chars"
        );
    }

    #[test]
    fn cmnd() {
        assert_eq!(check_cmnd(" 012345678 "), Ok(()));
        let p = check_cmnd("01234567").unwrap_err();
        assert_eq!((p.key, arg(&p, "n").as_str()), ("valid.cmnd_length", "8"));
        assert_eq!(key(check_cmnd("0123-45678")), "valid.id_chars");
        assert_eq!(key(check_cmnd("")), "valid.id_empty");
    }

    // --- dates --------------------------------------------------------------------

    #[test]
    fn real_dates_only() {
        let p = parse_date("31/02/2024").unwrap_err();
        assert_eq!(p.key, "valid.date_invalid");
        assert_eq!(arg(&p, "max"), "29");
        assert_eq!(arg(&p, "month"), "02");
        assert_eq!(parse_date("29/02/2024"), Ok(date(2024, 2, 29)));
        let p = parse_date("29/02/2023").unwrap_err();
        assert_eq!(
            (p.key, arg(&p, "max").as_str()),
            ("valid.date_invalid", "28")
        );
        assert_eq!(key(parse_date("00/01/2023")), "valid.date_invalid");
        assert_eq!(key(parse_date("31/04/2023")), "valid.date_invalid");
        assert_eq!(parse_date("31/12/2100"), Ok(date(2100, 12, 31)));
        assert_eq!(parse_date(" 01/01/1900 "), Ok(date(1900, 1, 1)));
        let p = parse_date("15/13/2023").unwrap_err();
        assert_eq!(
            (p.key, arg(&p, "month").as_str()),
            ("valid.date_month", "13")
        );
        assert_eq!(key(parse_date("15/00/2023")), "valid.date_month");
        assert_eq!(key(parse_date("31/12/1899")), "valid.date_range");
        assert_eq!(key(parse_date("01/01/2101")), "valid.date_range");
    }

    #[test]
    fn other_shapes_get_a_suggestion_or_a_format_problem() {
        for typed in [
            "6/3/2023",
            "06-03-2023",
            "06.03.2023",
            "06032023",
            "6/03/2023",
        ] {
            let p = parse_date(typed).unwrap_err();
            assert_eq!(p.key, "valid.date_suggest", "{typed}");
            assert_eq!(arg(&p, "expected"), "06/03/2023");
        }
        assert_eq!(key(parse_date("06/03/23")), "valid.date_year_digits");
        for typed in ["", "  "] {
            assert_eq!(key(parse_date(typed)), "valid.date_empty");
        }
        for typed in [
            "hôm qua",
            "06/03/2023/1",
            "2023-03-06x",
            "006/03/2023",
            "06/03",
            "+6/03/2023",
            "06/ 03/2023",
        ] {
            assert_eq!(key(parse_date(typed)), "valid.date_format", "{typed}");
        }
        // ISO order is not guessed.
        assert_eq!(key(parse_date("2023-03-06")), "valid.date_format");
    }

    #[test]
    fn birth_dates() {
        assert_eq!(
            parse_birth_date("17/05/1992", false, TODAY),
            Ok(BirthDate::Full(date(1992, 5, 17)))
        );
        assert_eq!(
            parse_birth_date(" 1992 ", true, TODAY),
            Ok(BirthDate::Year(1992))
        );
        assert_eq!(
            parse_birth_date("17/05/1992", true, TODAY),
            Ok(BirthDate::Full(date(1992, 5, 17)))
        );
        let p = parse_birth_date("1992", false, TODAY).unwrap_err();
        assert_eq!(
            (p.key, arg(&p, "typed").as_str()),
            ("valid.date_year_only", "1992")
        );
        assert_eq!(
            parse_birth_date("15/06/2025", false, TODAY),
            Ok(BirthDate::Full(TODAY))
        );
        let p = parse_birth_date("16/06/2025", false, TODAY).unwrap_err();
        assert_eq!(
            (p.key, arg(&p, "today").as_str()),
            ("valid.date_future", "15/06/2025")
        );
        assert_eq!(
            key(parse_birth_date("2026", true, TODAY)),
            "valid.date_future"
        );
        assert_eq!(
            parse_birth_date("2025", true, TODAY),
            Ok(BirthDate::Year(2025))
        );
        assert_eq!(
            key(parse_birth_date("1899", true, TODAY)),
            "valid.date_range"
        );
        assert_eq!(
            key(parse_birth_date("31/12/1899", false, TODAY)),
            "valid.date_range"
        );
        assert_eq!(
            key(parse_birth_date("92", true, TODAY)),
            "valid.date_year_digits"
        );
        assert_eq!(
            key(parse_birth_date("19922", true, TODAY)),
            "valid.date_year_digits"
        );
        assert_eq!(key(parse_birth_date("", true, TODAY)), "valid.date_empty");
        assert_eq!(
            key(parse_birth_date("17051992", true, TODAY)),
            "valid.date_suggest"
        );
    }

    #[test]
    fn birth_date_format_and_year() {
        assert_eq!(BirthDate::Full(date(2000, 1, 2)).format(), "02/01/2000");
        assert_eq!(BirthDate::Full(date(2000, 1, 2)).year(), 2000);
        assert_eq!(BirthDate::Year(1992).format(), "1992");
        assert_eq!(BirthDate::Year(1992).year(), 1992);
    }

    // --- phone and e-mail ---------------------------------------------------------

    #[test]
    fn phones() {
        for (typed, normal) in [
            ("0912345678", "0912345678"),
            (" 0912 345 678 ", "0912345678"),
            ("0912.345.678", "0912345678"),
            ("0912-345-678", "0912345678"),
            ("+84912345678", "0912345678"),
            ("+84 912 345 678", "0912345678"),
            ("84912345678", "0912345678"),
        ] {
            assert_eq!(check_phone(typed).as_deref(), Ok(normal), "{typed}");
        }
        let p = check_phone("091234567").unwrap_err();
        assert_eq!((p.key, arg(&p, "n").as_str()), ("valid.phone_length", "9"));
        assert_eq!(key(check_phone("912345678")), "valid.phone_start");
        assert_eq!(key(check_phone("+1 415 555 0100")), "valid.phone_start");
        let p = check_phone("+840912345678").unwrap_err();
        assert_eq!((p.key, arg(&p, "n").as_str()), ("valid.phone_84", "10"));
        let p = check_phone("0912 345 67a").unwrap_err();
        assert_eq!(
            (p.key, arg(&p, "chars").as_str()),
            ("valid.phone_chars", "“a”")
        );
        assert_eq!(key(check_phone("(028) 3829 1234")), "valid.phone_chars");
        assert_eq!(key(check_phone("")), "valid.phone_empty");
        assert_eq!(key(check_phone("+")), "valid.phone_length");
        assert_eq!(key(check_phone("0912+345678")), "valid.phone_chars");
    }

    #[test]
    fn emails() {
        for ok in [
            "a@b.vn",
            " nguyen.van.a@gmail.com ",
            "x+tag@sub.domain.gov.vn",
            "thư@tênmiền.vn",
        ] {
            assert_eq!(check_email(ok), Ok(()), "{ok}");
        }
        assert_eq!(key(check_email("")), "valid.email_empty");
        let p = check_email("a@@b.vn").unwrap_err();
        assert_eq!((p.key, arg(&p, "n").as_str()), ("valid.email_at", "2"));
        assert_eq!(key(check_email("gmail.com")), "valid.email_at");
        assert_eq!(key(check_email("@gmail.com")), "valid.email_local");
        let p = check_email("a@gmail").unwrap_err();
        assert_eq!(
            (p.key, arg(&p, "domain").as_str()),
            ("valid.email_domain", "gmail")
        );
        assert_eq!(key(check_email("a@gmail.")), "valid.email_domain");
        assert_eq!(key(check_email("a@.com")), "valid.email_domain");
        assert_eq!(key(check_email("a@gmail..com")), "valid.email_domain");
        assert_eq!(key(check_email("a@")), "valid.email_domain");
        assert_eq!(
            key(check_email("nguyen van a@gmail.com")),
            "valid.email_space"
        );
        let p = check_email("a@gmail,com").unwrap_err();
        assert_eq!(
            (p.key, arg(&p, "chars").as_str()),
            ("valid.email_chars", "“,”")
        );
        assert_eq!(key(check_email("a\u{202e}@b.vn")), "valid.email_chars");
        let long = format!("{}@b.vn", "a".repeat(249));
        assert_eq!(long.chars().count(), 254);
        assert_eq!(check_email(&long), Ok(()));
        let p = check_email(&format!("a{long}")).unwrap_err();
        assert_eq!(
            (p.key, arg(&p, "n").as_str()),
            ("valid.email_length", "255")
        );
    }

    // --- tables -------------------------------------------------------------------

    #[test]
    fn province_codes_are_the_legacy_provinces() {
        let legacy: Vec<(u16, String)> = crate::server::synth::admin_units()
            .legacy
            .iter()
            .map(|p| (p.code.parse::<u16>().expect("numeric code"), p.name.clone()))
            .collect();
        let ours: Vec<(u16, String)> = PROVINCE_CODES
            .iter()
            .map(|&(c, n)| (c, n.to_owned()))
            .collect();
        assert_eq!(ours, legacy);
        assert_eq!(PROVINCE_CODES.len(), 63);
        assert!(PROVINCE_CODES.windows(2).all(|w| w[0].0 < w[1].0), "sorted");
        assert_eq!(province_name(1), Some("Thành phố Hà Nội"));
        assert_eq!(province_name(79), Some("Thành phố Hồ Chí Minh"));
        assert_eq!(province_name(96), Some("Tỉnh Cà Mau"));
        assert_eq!(province_name(3), None);
        assert_eq!(province_name(0), None);
        assert_eq!(province_name(u16::MAX), None);
    }

    /// Every key a validator can return has a string, with exactly the placeholders the
    /// validator fills, in both languages.
    #[test]
    fn every_key_has_its_strings() {
        use crate::i18n::Lang;
        let email_too_long = "a".repeat(300);
        let samples: Vec<Problem> = vec![
            problem_of(check_id_number("", None, None)),
            problem_of(check_id_number("0 1", None, None)),
            problem_of(check_id_number("01a", None, None)),
            problem_of(check_id_number("01", None, None)),
            problem_of(check_id_number("c1234567", None, None)),
            problem_of(check_id_number("C12", None, None)),
            problem_of(check_cccd("01", None, None)),
            problem_of(check_cccd("003192019782", None, None)),
            problem_of(check_cccd("079192019782", None, Some(Sex::Male))),
            problem_of(check_cccd(
                "079192019782",
                Some(BirthDate::Year(1990)),
                None,
            )),
            problem_of(check_cmnd("1")),
            problem_of(parse_date("")),
            problem_of(parse_date("x")),
            problem_of(parse_date("1/1/2020")),
            problem_of(parse_date("01/01/20")),
            problem_of(parse_date("01/13/2020")),
            problem_of(parse_date("30/02/2020")),
            problem_of(parse_date("01/01/1800")),
            problem_of(parse_birth_date("1990", false, TODAY)),
            problem_of(parse_birth_date("01/01/2030", false, TODAY)),
            problem_of(check_phone("")),
            problem_of(check_phone("0a")),
            problem_of(check_phone("1234567890")),
            problem_of(check_phone("+849")),
            problem_of(check_phone("012")),
            problem_of(check_email("")),
            problem_of(check_email("a b@c.d")),
            problem_of(check_email("a,@b.c")),
            problem_of(check_email("ab")),
            problem_of(check_email("@b.c")),
            problem_of(check_email("a@b")),
            problem_of(check_email(&email_too_long)),
        ];
        for p in &samples {
            assert!(p.key.starts_with("valid."), "{p:?}");
            for lang in [Lang::Vi, Lang::En] {
                let template = lang.t(p.key);
                assert!(!template.starts_with(crate::i18n::MISSING_OPEN), "{p:?}");
                for (name, _) in &p.args {
                    assert!(
                        template.contains(&format!("{{{name}}}")),
                        "{p:?} in {lang:?}"
                    );
                }
                let holes = template.matches('{').count();
                assert_eq!(holes, p.args.len(), "{p:?} in {lang:?}: {template}");
                assert!(!template.contains('"'), "{} in {lang:?}: use “ ”", p.key);
            }
        }
        // Every `valid.` string is one a validator returns (and is tested above).
        let used: std::collections::BTreeSet<&str> = samples.iter().map(|p| p.key).collect();
        let declared: std::collections::BTreeSet<&str> = Lang::Vi
            .table()
            .keys()
            .map(String::as_str)
            .filter(|k| k.starts_with("valid."))
            .collect();
        assert_eq!(used, declared);
    }

    #[test]
    fn huge_inputs_are_cheap_and_safe() {
        let huge = "9".repeat(1_000_000) + "é\u{202e}\u{0}";
        assert!(check_id_number(&huge, None, None).is_err());
        assert!(check_cccd(&huge, None, None).is_err());
        assert!(check_cmnd(&huge).is_err());
        assert!(check_phone(&huge).is_err());
        assert!(check_email(&huge).is_err());
        assert!(parse_date(&huge).is_err());
        assert!(parse_birth_date(&huge, true, TODAY).is_err());
        let p = check_id_number(&format!("1 {huge}"), None, None).unwrap_err();
        assert!(arg(&p, "typed").chars().count() <= ECHO_WIDTH + 1);
    }

    // --- properties ---------------------------------------------------------------

    fn valid_date() -> impl Strategy<Value = Date> {
        // 1900-01-01 .. 2100-12-31.
        (0_i32..73_414).prop_map(|days| {
            date(1900, 1, 1)
                .checked_add(jiff::Span::new().days(days))
                .expect("in range")
        })
    }

    fn any_sex() -> impl Strategy<Value = Sex> {
        prop_oneof![Just(Sex::Male), Just(Sex::Female)]
    }

    fn other(sex: Sex) -> Sex {
        match sex {
            Sex::Male => Sex::Female,
            Sex::Female => Sex::Male,
        }
    }

    proptest! {
        #[test]
        fn nothing_panics(s in any::<String>(), year_alone: bool, sex in proptest::option::of(any_sex()), y in any::<i16>()) {
            let birth = Some(BirthDate::Year(y));
            let _ = parse_date(&s);
            let _ = parse_birth_date(&s, year_alone, TODAY);
            let _ = parse_birth_date(&s, year_alone, Date::MIN);
            let _ = parse_birth_date(&s, year_alone, Date::MAX);
            let _ = check_cccd(&s, birth, sex);
            let _ = check_cmnd(&s);
            let _ = check_id_number(&s, birth, sex);
            let _ = check_phone(&s);
            let _ = check_email(&s);
            let _ = BirthDate::Year(y).format();
        }

        #[test]
        fn nothing_panics_on_near_misses(s in "[0-9 +./\\-@a-zA-Z\u{0300}\u{200b}\u{202e}]{0,20}", sex in proptest::option::of(any_sex()), d in valid_date()) {
            let birth = Some(BirthDate::Full(d));
            let _ = parse_date(&s);
            let _ = parse_birth_date(&s, true, TODAY);
            let _ = check_cccd(&s, birth, sex);
            let _ = check_id_number(&s, birth, sex);
            let _ = check_phone(&s);
            let _ = check_email(&s);
        }

        #[test]
        fn built_cccd_is_accepted_with_its_birth_date_and_sex(
            province in 0..PROVINCE_CODES.len(),
            century in 0_usize..5,
            yy in 0_i32..100,
            sex in any_sex(),
            serial in 0_u32..1_000_000,
            day_of_year in 0_i32..365,
            other_year in 1_i32..200,
        ) {
            let year = CENTURY_START[century] + yy;
            let digit = century * 2 + usize::from(sex == Sex::Female);
            let number = format!("{:03}{digit}{yy:02}{serial:06}", PROVINCE_CODES[province].0);
            prop_assert_eq!(number.len(), 12);
            let y = i16::try_from(year).unwrap();
            let born = date(y, 1, 1).checked_add(jiff::Span::new().days(day_of_year)).unwrap();
            prop_assert_eq!(born.year(), y);
            for birth in [BirthDate::Full(born), BirthDate::Year(y)] {
                prop_assert_eq!(check_cccd(&number, Some(birth), Some(sex)), Ok(()));
                prop_assert_eq!(check_id_number(&number, Some(birth), Some(sex)), Ok(IdKind::Cccd));
                prop_assert_eq!(key(check_cccd(&number, Some(birth), Some(other(sex)))), "valid.cccd_sex");
                prop_assert_eq!(key(check_id_number(&number, Some(birth), Some(other(sex)))), "valid.cccd_sex");
            }
            let wrong = BirthDate::Year(i16::try_from(year + other_year).unwrap());
            let p = check_cccd(&number, Some(wrong), Some(sex)).unwrap_err();
            prop_assert_eq!(p.key, "valid.cccd_year");
            prop_assert_eq!(arg(&p, "cccd_year"), year.to_string());
        }

        #[test]
        fn formatted_dates_round_trip(d in valid_date()) {
            let typed = format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year());
            prop_assert_eq!(parse_date(&typed), Ok(d));
            prop_assert_eq!(parse_date(&format!("  {typed}\t")), Ok(d));
            prop_assert_eq!(BirthDate::Full(d).format(), typed.clone());
            if d <= TODAY {
                prop_assert_eq!(parse_birth_date(&typed, false, TODAY), Ok(BirthDate::Full(d)));
            }
        }

        #[test]
        fn digit_strings_of_other_lengths_are_rejected(s in "[0-9]{0,40}") {
            prop_assume!(s.len() != 9 && s.len() != 12);
            let p = check_id_number(&s, None, None).unwrap_err();
            if s.is_empty() {
                prop_assert_eq!(p.key, "valid.id_empty");
            } else {
                prop_assert_eq!(p.key, "valid.id_length");
                prop_assert_eq!(arg(&p, "n"), s.len().to_string());
            }
        }

        #[test]
        fn nine_digits_are_a_cmnd(s in "[0-9]{9}") {
            prop_assert_eq!(check_id_number(&s, None, None), Ok(IdKind::Cmnd));
        }

        #[test]
        fn phone_normalisation_is_idempotent(s in "(\\+84|84|0)?[0-9 .\\-]{0,14}") {
            if let Ok(normal) = check_phone(&s) {
                prop_assert_eq!(normal.len(), 10);
                prop_assert!(normal.starts_with('0'));
                prop_assert_eq!(check_phone(&normal), Ok(normal.clone()));
            }
        }

        #[test]
        fn any_phone_normalises_to_itself(rest in "[0-9]{9}", sep in "[ .\\-]?") {
            let normal = format!("0{rest}");
            let spaced = format!("0{}{sep}{}{sep}{}", &rest[..3], &rest[3..6], &rest[6..]);
            prop_assert_eq!(check_phone(&spaced), Ok(normal.clone()));
            prop_assert_eq!(check_phone(&format!("+84{sep}{rest}")), Ok(normal.clone()));
            prop_assert_eq!(check_phone(&normal), Ok(normal.clone()));
        }
    }
}
