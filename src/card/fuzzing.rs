//! Fuzz entry points: the bodies that the cargo-fuzz targets in `fuzz/fuzz_targets/`
//! call and that `tests/fuzz_corpus.rs` replays over the committed corpora in
//! `fuzz/corpus/<target>/` on every `cargo test`.
//!
//! Each takes arbitrary bytes and must never panic. Besides "no panic", each asserts
//! invariants that must hold for any input: what a parser accepts re-encodes and reads
//! back as the same value (where the encoder makes that true), offsets in errors stay
//! inside the input, the send-sequence counter moves once per message. A failed
//! assertion here is a finding, the same as a crash in the parser itself.

use jiff::civil::Date;

use super::bac::{Command, Session};
use super::dg13::{self, Dg13};
use super::mrz::{self, LINE_LEN, Td1};
use super::qr::{self, QrData};
use super::reader;
use super::tlv::{self, Tlv};
use crate::api::Sex;

/// The session `sm_response` unprotects with: the session keys and send-sequence
/// counter of the ICAO 9303-11 Appendix D worked example (after MUTUAL AUTHENTICATE).
/// The corpus's protected responses and commands were made under it.
#[must_use]
pub fn session() -> Session {
    Session {
        enc: [
            0x97, 0x9E, 0xC1, 0x3B, 0x1C, 0xBF, 0xE9, 0xDC, 0xD0, 0x1A, 0xB0, 0xFE, 0xD3, 0x07,
            0xEA, 0xE5,
        ],
        mac: [
            0xF1, 0xCB, 0x1F, 0x1F, 0xB5, 0xAD, 0xF2, 0x08, 0x80, 0x6B, 0x89, 0xDC, 0x57, 0x9D,
            0xC1, 0xF8,
        ],
        ssc: 0x8870_2212_0C06_C226,
    }
}

/// Checks one element found at `data[t.offset..]`: its value is the very slice of
/// `data` its offsets say, and encoding it again gives the same element (the same
/// bytes when the original length was in the shortest form).
fn check_element(data: &[u8], t: &Tlv<'_>) {
    let end = t.value_offset + t.value.len();
    assert!(
        t.offset < t.value_offset && end <= data.len(),
        "element out of bounds"
    );
    let at = data.get(t.value_offset..end).map(<[u8]>::as_ptr);
    assert_eq!(
        at,
        Some(t.value.as_ptr()),
        "value is not where its offset says"
    );
    let original = data.get(t.offset..end).unwrap_or_default();
    let encoded = tlv::encode(t.tag, t.value);
    let again = tlv::parse_first(&encoded).expect("an encoded element reads back");
    assert_eq!(
        (again.tag, again.constructed, again.value),
        (t.tag, t.constructed, t.value),
        "re-encoded element differs"
    );
    assert_eq!(again.value_offset + again.value.len(), encoded.len());
    // The encoder writes the shortest length: never longer than the original, and
    // byte for byte the original when that was already the shortest.
    assert!(encoded.len() <= original.len(), "re-encoding grew");
    if encoded.len() == original.len() {
        assert_eq!(encoded, original, "same length, different bytes");
    }
}

/// Elements of `list` lie one after the other from `start` to `end` (offsets in
/// `data`).
fn check_tiling(list: &[Tlv<'_>], start: usize, end: usize) {
    let mut at = start;
    for t in list {
        assert_eq!(t.offset, at, "elements do not follow each other");
        at = t.value_offset + t.value.len();
    }
    assert_eq!(at, end, "elements do not cover their bytes");
}

/// BER-TLV then DG13: `tlv::parse_all` over the bytes, every element's children
/// walked (constructed or not: `tlv::children` reads any value), `peek_header` and
/// `parse_first` compared with it, then `dg13::parse`. What DG13 accepts encodes with
/// `dg13::encode` (with and without the leading element) and reads back the same.
pub fn tlv_dg13(data: &[u8]) {
    match tlv::parse_all(data) {
        Ok(top) => {
            check_tiling(&top, 0, data.len());
            // Depth-first over every element; each byte starts at most one element,
            // so there are never more elements than bytes.
            let mut pending: Vec<Tlv<'_>> = top.iter().rev().copied().collect();
            while let Some(t) = pending.pop() {
                check_element(data, &t);
                match tlv::children(&t) {
                    Ok(kids) => {
                        check_tiling(&kids, t.value_offset, t.value_offset + t.value.len());
                        pending.extend(kids.into_iter().rev());
                    }
                    Err(e) => {
                        let value_end = t.value_offset + t.value.len();
                        assert!(
                            (t.value_offset..=value_end).contains(&e.offset),
                            "a child's error offset {} outside its parent's value",
                            e.offset
                        );
                    }
                }
            }
            if let Some(first) = top.first() {
                assert_eq!(tlv::parse_first(data).ok(), Some(*first));
            }
        }
        Err(e) => {
            assert!(e.offset <= data.len(), "error offset past the input");
            assert!(!e.key().is_empty());
            assert!(!e.args().is_empty());
        }
    }
    if let Ok(t) = tlv::parse_first(data) {
        let h = tlv::peek_header(data).expect("the header of a whole element reads");
        assert_eq!(
            (h.tag, h.constructed, h.header_len, h.value_len),
            (t.tag, t.constructed, t.value_offset, t.value.len())
        );
        assert_eq!(h.total_len(), t.value_offset + t.value.len());
    }

    match dg13::parse(data) {
        Ok(d) => check_dg13_round_trip(&d),
        Err(e) => {
            assert!(!e.key().is_empty());
            let _ = e.args();
            let _ = e.to_string();
        }
    }
}

fn check_dg13_round_trip(d: &Dg13) {
    for leading in [false, true] {
        let bytes = dg13::encode(d, leading);
        match dg13::parse(&bytes) {
            Ok(again) => assert_eq!(&again, d, "DG13 differs after encoding"),
            // Items that were all empty are left out when encoding.
            Err(dg13::Dg13Error::NoItems) => {
                assert_eq!(d, &Dg13::default(), "items lost in encoding");
            }
            Err(e) => panic!("an encoded DG13 does not read back: {e}"),
        }
    }
}

/// The MRZ checks: what `parse_td1` accepts is three lines of MRZ characters that read
/// back the same however they are joined.
fn check_td1(text: &str) {
    match mrz::parse_td1(text) {
        Ok(m) => check_td1_value(&m),
        Err(e) => {
            assert!(!e.key().is_empty());
            let _ = e.args();
            let _ = e.to_string();
            if let mrz::MrzError::Length { lines } = &e {
                assert!(lines.len() <= 4, "more than 4 line lengths listed");
            }
        }
    }
}

fn check_td1_value(m: &Td1) {
    for line in &m.lines {
        assert_eq!(line.len(), LINE_LEN);
        assert!(
            line.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b == b'<'),
            "not an MRZ character in {line:?}"
        );
    }
    assert!(!m.document_number.ends_with('<'));
    if let Some(id) = &m.id_number {
        assert!(id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()));
        assert!(id.ends_with(&m.document_number));
    }
    assert!(matches!(m.sex, None | Some('M' | 'F' | 'X')));
    assert_eq!((m.birth.len(), m.expiry.len()), (6, 6));
    for joined in [m.lines.join("\n"), m.lines.join("\r\n"), m.lines.concat()] {
        assert_eq!(
            mrz::parse_td1(&joined).as_ref(),
            Ok(m),
            "the MRZ reads differently joined as {joined:?}"
        );
    }
}

/// The MRZ: `mrz::parse_td1` on the bytes as (lossy) UTF-8 and as Latin-1 (one
/// character per byte: `parse_td1` takes text, so this is how every byte value reaches
/// it), and `reader::mrz_of` on the bytes as a DG1. An accepted DG1 rebuilt from its
/// lines reads back the same.
pub fn mrz(data: &[u8]) {
    check_td1(&String::from_utf8_lossy(data));
    let latin1: String = data.iter().copied().map(char::from).collect();
    check_td1(&latin1);
    match reader::mrz_of(data) {
        Ok(m) => {
            check_td1_value(&m);
            let dg1 = tlv::encode(0x61, &tlv::encode(0x5F1F, m.lines.concat().as_bytes()));
            assert_eq!(
                reader::mrz_of(&dg1).as_ref(),
                Ok(&m),
                "a rebuilt DG1 reads differently"
            );
        }
        Err(e) => {
            assert!(!e.key().is_empty());
            let _ = e.to_string();
        }
    }
}

fn ddmmyyyy(d: Date) -> String {
    format!("{:02}{:02}{:04}", d.day(), d.month(), d.year())
}

/// The QR text of what was read, in the card's layout (the issue date field always
/// written, empty when absent, so the fields after it keep their place).
fn qr_text(q: &QrData) -> String {
    let mut fields = vec![
        q.id_number.clone(),
        q.old_id_number.clone().unwrap_or_default(),
        q.full_name.clone(),
        ddmmyyyy(q.birth_date),
        match q.sex {
            Sex::Male => "Nam".to_owned(),
            Sex::Female => "Nữ".to_owned(),
        },
        q.address.clone(),
        q.issue_date.map(ddmmyyyy).unwrap_or_default(),
    ];
    fields.extend(q.extra.iter().cloned());
    fields.join("|")
}

/// The QR: `qr::parse` on the bytes as lossy UTF-8. What it accepts has the shape it
/// promises (12-digit ID, 9-digit CMND, a name and an address without control
/// characters), and written back in the card's layout reads the same.
pub fn qr(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match qr::parse(&text) {
        Ok(q) => {
            let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
            assert!(digits(&q.id_number, 12));
            assert!(q.old_id_number.as_deref().is_none_or(|s| digits(s, 9)));
            for s in [&q.full_name, &q.address] {
                let edge = |c: char| c.is_whitespace() || c == '\u{feff}';
                assert!(!s.is_empty() && s.trim_matches(edge) == s.as_str());
                assert!(!s.chars().any(char::is_control), "a control char in {s:?}");
            }
            let again = qr_text(&q);
            // Normalisation and "Nam"/"Nữ" for "m"/"f" can lengthen the text.
            if again.len() <= qr::MAX_LEN {
                assert_eq!(
                    qr::parse(&again).as_ref(),
                    Ok(&q),
                    "the QR reads differently written back as {again:?}"
                );
            }
        }
        Err(e) => {
            assert!(!e.key().is_empty());
            let _ = e.args();
        }
    }
}

/// Secure messaging: the bytes as a response unprotected by the terminal's
/// [`session`], and as a command unprotected by the card's side of the same session.
/// Either way the counter moves exactly once. An accepted response, protected again by
/// the card at the same counter, unprotects to the same data and status; an accepted
/// command (short, or an extended-length READ BINARY), protected again by the
/// terminal, to the same command.
pub fn sm_response(data: &[u8]) {
    let start = session();
    let next = start.ssc.wrapping_add(1);

    let mut terminal = start.clone();
    let response = terminal.unprotect(data);
    assert_eq!(terminal.ssc, next, "one counter step per response");
    match response {
        Ok((plain, sw)) => {
            assert!(plain.len() < data.len());
            let mut card = start.clone();
            let again = card.protect_response(&plain, sw);
            let mut terminal = start.clone();
            assert_eq!(
                terminal.unprotect(&again),
                Ok((plain, sw)),
                "a re-protected response reads differently"
            );
        }
        Err(e) => assert!(!e.key().is_empty()),
    }

    let mut card = start.clone();
    let command = card.unprotect_command(data);
    assert_eq!(card.ssc, next, "one counter step per command");
    if let Ok(cmd) = command {
        assert!(
            cmd.le.is_none_or(|n| (1..=0x1_0000).contains(&n)),
            "Le out of range"
        );
        if let Some(protected) = protect_again(&start, &cmd) {
            let mut card = start;
            assert_eq!(
                card.unprotect_command(&protected),
                Ok(cmd),
                "a re-protected command reads differently"
            );
        }
    }
}

/// `cmd` protected by the terminal side of `start`, when the terminal can write it: a
/// short command (data up to 255 bytes and Le up to 256, all fitting a short APDU once
/// protected), or an extended-length READ BINARY without data.
fn protect_again(start: &Session, cmd: &Command) -> Option<Vec<u8>> {
    let mut terminal = start.clone();
    match cmd.le {
        Some(le) if le > 256 => {
            let [cla, ins, p1, p2] = cmd.header;
            (cla == 0 && ins == 0xB0 && cmd.data.is_empty())
                .then(|| terminal.protect_read_extended(u16::from_be_bytes([p1, p2]), le))
        }
        le => {
            let mut apdu = cmd.header.to_vec();
            if !cmd.data.is_empty() {
                apdu.push(u8::try_from(cmd.data.len()).ok()?);
                apdu.extend_from_slice(&cmd.data);
            }
            if let Some(le) = le {
                // 256 is written 0.
                apdu.push(u8::try_from(le % 256).ok()?);
            }
            // Data near 255 bytes no longer fits a short command once protected.
            terminal.protect(&apdu).ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_is_the_icao_worked_example() {
        // ICAO 9303-11 Appendix D: SELECT EF.COM protected under the session keys.
        let mut s = session();
        let cmd = s
            .protect(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x1E])
            .unwrap();
        let expected = [
            0x0C, 0xA4, 0x02, 0x0C, 0x15, 0x87, 0x09, 0x01, 0x63, 0x75, 0x43, 0x29, 0x08, 0xC0,
            0x44, 0xF6, 0x8E, 0x08, 0xBF, 0x8B, 0x92, 0xD6, 0x35, 0xFF, 0x24, 0xF8, 0x00,
        ];
        assert_eq!(cmd, expected);
        // The card's side of it reads it, and the target takes it without a finding.
        assert_eq!(
            session().unprotect_command(&cmd).unwrap().data,
            [0x01, 0x1E]
        );
        sm_response(&cmd);
    }

    #[test]
    #[should_panic(expected = "DG13 differs after encoding")]
    fn a_value_the_parser_would_not_give_fails_the_round_trip() {
        // The parser trims: an untrimmed name cannot come out of it, and does not
        // survive encoding — the check notices.
        let d = Dg13 {
            full_name: Some(" Lê ".into()),
            ..Dg13::default()
        };
        check_dg13_round_trip(&d);
    }

    #[test]
    fn every_target_takes_empty_and_short_input() {
        for data in [&[][..], &[0x00], &[0x6D, 0x00], &[0x90, 0x00], b"|||||"] {
            tlv_dg13(data);
            mrz(data);
            qr(data);
            sm_response(data);
        }
    }
}
