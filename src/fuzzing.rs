//! Fuzz entry points for what comes from outside besides the card (whose parsers have
//! theirs in [`crate::card::fuzzing`]): the backend's answers, catalogue imports and
//! household members lists. The cargo-fuzz targets in `fuzz/fuzz_targets/` call these,
//! and `tests/fuzz_corpus.rs` replays the committed corpora through them on every
//! `cargo test`.
//!
//! Each takes arbitrary bytes and must never panic. Besides "no panic", each asserts
//! what must hold for any input: what is accepted is clean (no control characters, NFC,
//! within its limits) and reads back the same when written out again; a refusal is
//! classified as the client's callers expect. A failed assertion is a finding, the same
//! as a crash.

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::client::{
    self, ClientError, ErrorClass, MAX_ERROR_MESSAGE_CHARS, MAX_FIELD_ERRORS, MAX_FIELD_TEXT_CHARS,
    MAX_RETRY_AFTER, StatusCode,
};
use crate::api::{self, ErrorCode};
use crate::catalogue::{self, Format, Procedure};
use crate::household::{self, MemberInput};

// ---------------------------------------------------------------------------
// Backend answers
// ---------------------------------------------------------------------------

/// The longest `Retry-After` text a `backend_response` input carries.
const MAX_RETRY_AFTER_TEXT: usize = 32;

/// A `backend_response` input: the status (two bytes, big-endian, folded into
/// 100..=999), the `Retry-After` header's length (one byte, at most 32; 0: no header)
/// and text, then the body. [`backend_response_input`] writes one.
struct Answer<'a> {
    status: StatusCode,
    retry_after: Option<&'a str>,
    body: &'a [u8],
}

fn split_answer(data: &[u8]) -> Answer<'_> {
    let raw = match data {
        [hi, lo, ..] => u16::from_be_bytes([*hi, *lo]),
        _ => 200,
    };
    let status = StatusCode::from_u16(100 + raw % 900).unwrap_or(StatusCode::OK);
    let rest = data.get(2..).unwrap_or_default();
    let (retry_after, body) = match rest.split_first() {
        Some((&n, rest)) if n > 0 => {
            let n = usize::from(n).min(MAX_RETRY_AFTER_TEXT).min(rest.len());
            let (header, body) = rest.split_at(n);
            (std::str::from_utf8(header).ok(), body)
        }
        Some((_, rest)) => (None, rest),
        None => (None, rest),
    };
    Answer {
        status,
        retry_after,
        body,
    }
}

/// Builds a `backend_response` input (for seeds).
#[must_use]
pub fn backend_response_input(status: u16, retry_after: Option<&str>, body: &[u8]) -> Vec<u8> {
    let header = retry_after.unwrap_or_default().as_bytes();
    let header = &header[..header.len().min(MAX_RETRY_AFTER_TEXT)];
    let mut out = status.saturating_sub(100).to_be_bytes().to_vec();
    out.push(u8::try_from(header.len()).unwrap_or(0));
    out.extend(header);
    out.extend(body);
    out
}

/// The client's decoding of one answer, for every type a route answers with: what a
/// 2xx body decodes to writes out and decodes again the same; a 2xx body that is not
/// the type is a retryable failure; any other status is a failure classified by its
/// status (and the server's `retryable`), its texts cut to the client's limits, its
/// wait at most [`MAX_RETRY_AFTER`].
pub fn backend_response(data: &[u8]) {
    let answer = split_answer(data);
    let wait = client::retry_after_of(answer.retry_after);
    assert!(
        wait.is_none_or(|w| w <= MAX_RETRY_AFTER),
        "a wait of {wait:?}"
    );
    decode_as::<api::TokenResponse>(&answer, wait);
    decode_as::<api::ProcedurePage>(&answer, wait);
    decode_as::<api::HolidayTable>(&answer, wait);
    decode_as::<api::AdminUnits>(&answer, wait);
    decode_as::<api::CodeTable>(&answer, wait);
    decode_as::<api::LookupResponse>(&answer, wait);
    decode_as::<api::VerifyResponse>(&answer, wait);
    decode_as::<api::HouseholdVerifyResponse>(&answer, wait);
    decode_as::<api::DigitalIdentityResponse>(&answer, wait);
    decode_as::<api::ReservationResponse>(&answer, wait);
    decode_as::<api::SyncResponse>(&answer, wait);
    decode_as::<api::ChangePage>(&answer, wait);
    decode_as::<api::Digest>(&answer, wait);
    decode_as::<api::ServerTime>(&answer, wait);
    decode_as::<api::Health>(&answer, wait);
}

fn decode_as<T>(answer: &Answer<'_>, wait: Option<Duration>)
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let decoded = client::decode_answer::<T>(answer.status, wait, answer.body);
    match decoded {
        Ok(value) => {
            assert!(answer.status.is_success(), "{} decoded", answer.status);
            let again = serde_json::to_vec(&value).expect("a decoded answer serialises");
            let back = client::decode_answer::<T>(StatusCode::OK, None, &again)
                .expect("a decoded answer, written out, decodes again");
            assert_eq!(back, value, "an answer reads differently written out");
        }
        Err(e) => check_failure(answer.status, wait, &e),
    }
}

fn check_failure(status: StatusCode, wait: Option<Duration>, e: &ClientError) {
    let Some(error) = e.api_error() else {
        panic!("a decoded answer failed without an error: {e:?}");
    };
    assert!(error.message.chars().count() <= MAX_ERROR_MESSAGE_CHARS + 1);
    assert!(error.fields.len() <= MAX_FIELD_ERRORS);
    for f in &error.fields {
        for text in [&f.field, &f.code, &f.message] {
            assert!(text.chars().count() <= MAX_FIELD_TEXT_CHARS + 1);
        }
    }
    if status.is_success() {
        // A 2xx body that is not the type: the outcome is unknown.
        assert_eq!(e.class(), ErrorClass::Retryable);
        assert_eq!(e.code(), Some(ErrorCode::Internal));
        assert_eq!(e.retry_after(), None);
        return;
    }
    let expected = match status.as_u16() {
        401 => ErrorClass::NeedsSignIn,
        408 | 429 | 500..=599 => ErrorClass::Retryable,
        _ if error.retryable => ErrorClass::Retryable,
        _ => ErrorClass::Permanent,
    };
    assert_eq!(e.class(), expected, "status {status}");
    match e {
        ClientError::Retryable { retry_after, .. } => assert_eq!(*retry_after, wait),
        _ => assert_eq!(e.retry_after(), None),
    }
}

// ---------------------------------------------------------------------------
// Catalogue imports
// ---------------------------------------------------------------------------

/// The catalogue import, CSV and JSON: what `catalogue::parse` accepts is clean (no
/// control or bidi characters, NFC, within the field limits, codes unique) and, written
/// out as JSON and as CSV, imports again as the same catalogue — unless a text holds the
/// mark a bidi control was cleaned to, which an import refuses as damaged text.
pub fn catalogue_import(data: &[u8]) {
    for format in [Format::Json, Format::Csv] {
        match catalogue::parse(data, format) {
            Ok(list) => check_catalogue(&list),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
}

fn check_catalogue(list: &[Procedure]) {
    assert!(!list.is_empty(), "an empty catalogue accepted");
    let mut codes = std::collections::HashSet::new();
    for p in list {
        assert!(codes.insert(p.code.as_str()), "code {:?} twice", p.code);
        assert!(!p.code.is_empty() && !p.name.is_empty() && !p.field.is_empty());
        assert!(p.days <= 365);
        for (text, max) in [
            (&p.code, 64),
            (&p.local_code, 64),
            (&p.name, 1000),
            (&p.field, 200),
        ] {
            assert_eq!(text.trim(), text, "untrimmed {text:?}");
            assert_eq!(&crate::text::sanitize(text).0, text, "not clean: {text:?}");
            assert!(text.chars().count() <= max, "{text:?} over {max}");
        }
    }
    let marked = list.iter().any(|p| {
        [&p.code, &p.local_code, &p.name, &p.field]
            .iter()
            .any(|t| t.contains(crate::text::REMOVED_MARK))
    });
    if marked {
        return;
    }
    let json = serde_json::to_vec(&serde_json::json!({ "procedures": list }))
        .expect("a catalogue serialises");
    assert_eq!(
        catalogue::parse(&json, Format::Json).as_deref(),
        Ok(list),
        "a catalogue written as JSON imports differently"
    );
    let csv = catalogue_csv(list);
    assert_eq!(
        catalogue::parse(&csv, Format::Csv).as_deref(),
        Ok(list),
        "a catalogue written as CSV imports differently"
    );
}

// ---------------------------------------------------------------------------
// Household members lists
// ---------------------------------------------------------------------------

/// The members list (a file, a paste): every member read is a 12-digit number, once,
/// with a clean name; problems name lines in order, at most
/// [`household::MAX_PROBLEMS`] and one that stopped the reading; the members, written
/// out as CSV with a header, read back the same.
pub fn household_import(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (members, problems) = household::parse_list(&text);
    assert!(members.len() <= household::MAX_MEMBERS);
    assert!(problems.len() <= household::MAX_PROBLEMS + 1);
    let mut seen = std::collections::HashSet::new();
    for m in &members {
        assert!(
            m.id_number.len() == 12 && m.id_number.bytes().all(|b| b.is_ascii_digit()),
            "member {:?}",
            m.id_number
        );
        assert!(seen.insert(m.id_number.as_str()), "{} twice", m.id_number);
        assert_eq!(
            crate::text::sanitize(&m.name).0,
            m.name,
            "name {:?}",
            m.name
        );
        assert!(m.line >= 1);
    }
    assert!(
        members.windows(2).all(|w| w[0].line < w[1].line),
        "members out of line order"
    );
    assert!(
        problems.windows(2).all(|w| w[0].line < w[1].line),
        "problems out of line order"
    );
    for p in &problems {
        assert!(p.line >= 1 && !p.key.is_empty());
        // Quoted as `text::shown(line, 40)`: 40 columns, and (marks that take no
        // column included) at most 160 characters.
        assert!(
            crate::text::width(&p.text) <= 40 && p.text.chars().count() <= 160,
            "problem text {:?}",
            p.text
        );
    }
    if members.is_empty() {
        return;
    }
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(["so_dinh_danh", "ho_ten"])
        .expect("a CSV header");
    for m in &members {
        csv.write_record([&m.id_number, &m.name])
            .expect("a CSV row");
    }
    let csv = csv.into_inner().expect("the CSV written");
    let (again, problems) = household::parse_list(&String::from_utf8_lossy(&csv));
    let pairs = |list: &[MemberInput]| -> Vec<(String, String)> {
        list.iter()
            .map(|m| (m.id_number.clone(), m.name.clone()))
            .collect()
    };
    assert_eq!(
        pairs(&again),
        pairs(&members),
        "members read back differently"
    );
    assert!(
        problems.is_empty(),
        "written members read with problems: {problems:?}"
    );
}

/// A catalogue as a CSV file with the import's columns (a header, then one row each).
#[must_use]
pub fn catalogue_csv(list: &[Procedure]) -> Vec<u8> {
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record([
        "code",
        "local_code",
        "name",
        "field",
        "days",
        "charges_fee",
        "fee",
        "charge",
    ])
    .expect("a CSV header");
    for p in list {
        csv.write_record([
            p.code.clone(),
            p.local_code.clone(),
            p.name.clone(),
            p.field.clone(),
            p.days.to_string(),
            p.charges_fee.to_string(),
            p.fee.to_string(),
            p.charge.to_string(),
        ])
        .expect("a CSV row");
    }
    csv.into_inner().expect("the CSV written")
}
