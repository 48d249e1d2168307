//! BER-TLV as found in the chip's files (ICAO 9303-10, ISO/IEC 7816-4): a tag of one
//! or more bytes, a length (short form, or long form `81 XX`, `82 XX XX`, `83 XX XX XX`)
//! and the value.
//!
//! The walker borrows from the input, never panics and never reads past its end: any
//! malformed element is an error that says what is wrong and at which offset (counted
//! from the start of the bytes first given to [`parse_all`] or [`parse_first`], also for
//! [`children`]).

/// Longest tag accepted, in bytes (it must fit a `u32`).
pub const MAX_TAG_BYTES: usize = 4;

/// One element: its tag, whether it is constructed, and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag's bytes read big-endian: `0x6D`, `0x5F1F`.
    pub tag: u32,
    /// Bit 6 (`0x20`) of the tag's first byte: the value is itself a list of TLVs.
    pub constructed: bool,
    /// The value's bytes.
    pub value: &'a [u8],
    /// Where the element (its tag's first byte) starts.
    pub offset: usize,
    /// Where the value starts (after the tag and the length).
    pub value_offset: usize,
}

/// A tag and a length, read without the value (to know how much of a file to read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The tag's bytes read big-endian.
    pub tag: u32,
    /// Bit 6 of the tag's first byte.
    pub constructed: bool,
    /// Bytes taken by the tag and the length.
    pub header_len: usize,
    /// The value's length, as the length field says.
    pub value_len: usize,
}

impl Header {
    /// The whole element's length: header and value.
    #[must_use]
    pub fn total_len(&self) -> usize {
        self.header_len.saturating_add(self.value_len)
    }
}

/// What is wrong, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("malformed TLV at offset {offset}: {kind}")]
pub struct TlvError {
    /// Offset of the byte where the problem was found.
    pub offset: usize,
    /// The problem.
    pub kind: TlvErrorKind,
}

/// The kinds of malformed TLV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TlvErrorKind {
    /// The bytes end inside a tag.
    #[error("the data ends inside a tag")]
    TruncatedTag,
    /// A tag longer than [`MAX_TAG_BYTES`].
    #[error("a tag longer than {MAX_TAG_BYTES} bytes")]
    TagTooLong,
    /// The bytes end inside a length (or where a length was due).
    #[error("the data ends inside a length")]
    TruncatedLength,
    /// `0x80`: indefinite length, not used by these cards.
    #[error("indefinite length (0x80)")]
    IndefiniteLength,
    /// A long-form length of more than 3 bytes (`0x84` and up).
    #[error("a length of {bytes} bytes (at most 3)")]
    LengthTooLong {
        /// How many length bytes the first length byte announced.
        bytes: u8,
    },
    /// The value is longer than the bytes left.
    #[error("a value of {length} bytes where only {available} are left")]
    TruncatedValue {
        /// The length announced.
        length: usize,
        /// The bytes left after the header.
        available: usize,
    },
}

impl TlvError {
    /// The i18n key.
    #[must_use]
    pub const fn key(&self) -> &'static str {
        match self.kind {
            TlvErrorKind::TruncatedTag => "tlv.truncated_tag",
            TlvErrorKind::TagTooLong => "tlv.tag_too_long",
            TlvErrorKind::TruncatedLength => "tlv.truncated_length",
            TlvErrorKind::IndefiniteLength => "tlv.indefinite_length",
            TlvErrorKind::LengthTooLong { .. } => "tlv.length_too_long",
            TlvErrorKind::TruncatedValue { .. } => "tlv.truncated_value",
        }
    }

    /// The values its message names (always `offset`; `length` and `available` for a
    /// truncated value, `bytes` for a length too long).
    #[must_use]
    pub fn args(&self) -> Vec<(&'static str, String)> {
        let mut args = vec![("offset", self.offset.to_string())];
        match self.kind {
            TlvErrorKind::LengthTooLong { bytes } => args.push(("bytes", bytes.to_string())),
            TlvErrorKind::TruncatedValue { length, available } => {
                args.push(("length", length.to_string()));
                args.push(("available", available.to_string()));
            }
            _ => {}
        }
        args
    }
}

/// Reads the header (tag and length) at the start of `bytes`; `base` is the offset of
/// `bytes` in the original input, for errors. The value need not be present.
fn header_at(bytes: &[u8], base: usize) -> Result<Header, TlvError> {
    let err = |at: usize, kind| TlvError {
        offset: base.saturating_add(at),
        kind,
    };
    let Some(&first) = bytes.first() else {
        return Err(err(0, TlvErrorKind::TruncatedTag));
    };
    let mut tag = u32::from(first);
    let mut pos = 1;
    if first & 0x1F == 0x1F {
        // Subsequent tag bytes: bit 8 set on all but the last.
        loop {
            let Some(&b) = bytes.get(pos) else {
                return Err(err(pos, TlvErrorKind::TruncatedTag));
            };
            if pos >= MAX_TAG_BYTES {
                return Err(err(0, TlvErrorKind::TagTooLong));
            }
            tag = (tag << 8) | u32::from(b);
            pos += 1;
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let Some(&len0) = bytes.get(pos) else {
        return Err(err(pos, TlvErrorKind::TruncatedLength));
    };
    let len_at = pos;
    pos += 1;
    let value_len = match len0 {
        0x00..=0x7F => usize::from(len0),
        0x80 => return Err(err(len_at, TlvErrorKind::IndefiniteLength)),
        0x81..=0x83 => {
            let n = usize::from(len0 & 0x7F);
            let Some(len_bytes) = bytes.get(pos..pos + n) else {
                return Err(err(len_at, TlvErrorKind::TruncatedLength));
            };
            pos += n;
            len_bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
        }
        _ => {
            return Err(err(
                len_at,
                TlvErrorKind::LengthTooLong { bytes: len0 & 0x7F },
            ));
        }
    };
    Ok(Header {
        tag,
        constructed: first & 0x20 != 0,
        header_len: pos,
        value_len,
    })
}

/// Reads the tag and length at the start of `bytes` without needing the value: how
/// long the whole element is (to read a file from the card in pieces).
pub fn peek_header(bytes: &[u8]) -> Result<Header, TlvError> {
    header_at(bytes, 0)
}

/// Reads one element at the start of `bytes` (offsets start at `base`); returns it and
/// the position after it.
fn one_at(bytes: &[u8], base: usize) -> Result<(Tlv<'_>, usize), TlvError> {
    let h = header_at(bytes, base)?;
    let available = bytes.len().saturating_sub(h.header_len);
    let end = h.header_len.saturating_add(h.value_len);
    let Some(value) = bytes.get(h.header_len..end) else {
        return Err(TlvError {
            offset: base,
            kind: TlvErrorKind::TruncatedValue {
                length: h.value_len,
                available,
            },
        });
    };
    let tlv = Tlv {
        tag: h.tag,
        constructed: h.constructed,
        value,
        offset: base,
        value_offset: base.saturating_add(h.header_len),
    };
    Ok((tlv, end))
}

/// The elements of a byte string, one after the other, each read or an error; after an
/// error it yields nothing more.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    rest: &'a [u8],
    offset: usize,
    failed: bool,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Result<Tlv<'a>, TlvError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        match one_at(self.rest, self.offset) {
            Ok((tlv, used)) => {
                self.rest = self.rest.get(used..).unwrap_or_default();
                self.offset = self.offset.saturating_add(used);
                Some(Ok(tlv))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// Iterates over the elements of `bytes` (offsets from its start).
#[must_use]
pub fn iter(bytes: &[u8]) -> Iter<'_> {
    Iter {
        rest: bytes,
        offset: 0,
        failed: false,
    }
}

/// All the elements of `bytes`, which must be nothing but whole elements.
pub fn parse_all(bytes: &[u8]) -> Result<Vec<Tlv<'_>>, TlvError> {
    iter(bytes).collect()
}

/// The first element of `bytes`; anything after it (padding at the end of a file) is
/// ignored.
pub fn parse_first(bytes: &[u8]) -> Result<Tlv<'_>, TlvError> {
    one_at(bytes, 0).map(|(tlv, _)| tlv)
}

/// The elements inside `t`'s value (offsets keep counting from the original input).
/// It is read whether or not `t` is marked constructed.
pub fn children<'a>(t: &Tlv<'a>) -> Result<Vec<Tlv<'a>>, TlvError> {
    Iter {
        rest: t.value,
        offset: t.value_offset,
        failed: false,
    }
    .collect()
}

/// The whole element `t` (tag, length and value) as it stands in `input`, the bytes
/// first given to [`parse_all`] or [`parse_first`] (what a signature covers); `None` if
/// `t` was not read from `input`.
#[must_use]
pub fn raw<'a>(input: &'a [u8], t: &Tlv<'_>) -> Option<&'a [u8]> {
    let end = t.value_offset.checked_add(t.value.len())?;
    input.get(t.offset..end)
}

/// Encodes one element: the tag's bytes (big-endian, without leading zero bytes; tag
/// `0` is the byte `00`), the length in the shortest form, then the value.
///
/// Lengths over `0xFF_FFFF` are written with 4 or more length bytes, which is valid BER
/// but which [`parse_all`] refuses (no card file is that long).
#[must_use]
pub fn encode(tag: u32, value: &[u8]) -> Vec<u8> {
    let tag_bytes = tag.to_be_bytes();
    let skip = tag_bytes.iter().take(3).take_while(|&&b| b == 0).count();
    let mut out = Vec::with_capacity(value.len() + 10);
    out.extend_from_slice(tag_bytes.get(skip..).unwrap_or(&[0]));
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let len_bytes = len.to_be_bytes();
        let skip = len_bytes.iter().take_while(|&&b| b == 0).count();
        let significant = len_bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(value);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn short_and_long_form_lengths() {
        for len in [0usize, 1, 0x7F, 0x80, 0xFF, 0x100, 0x1234, 0xFFFF, 0x1_0000] {
            let value = vec![0xAB; len];
            let bytes = encode(0x04, &value);
            let header_len = match len {
                0..=0x7F => 2,
                0x80..=0xFF => 3,
                0x100..=0xFFFF => 4,
                _ => 5,
            };
            assert_eq!(bytes.len(), header_len + len, "{len}");
            let all = parse_all(&bytes).unwrap();
            assert_eq!(all.len(), 1);
            assert_eq!(all[0].tag, 0x04);
            assert!(!all[0].constructed);
            assert_eq!(all[0].value, &value[..]);
            assert_eq!(all[0].value_offset, header_len);
            let h = peek_header(&bytes[..header_len]).unwrap();
            assert_eq!(h.value_len, len);
            assert_eq!(h.total_len(), bytes.len());
        }
        assert_eq!(encode(0x0C, &[0; 0x80])[..3], [0x0C, 0x81, 0x80]);
        assert_eq!(encode(0x0C, &[0; 0x100])[..4], [0x0C, 0x82, 0x01, 0x00]);
        // Non-minimal long forms are read too.
        let t = parse_first(&[0x13, 0x81, 0x02, b'O', b'K']).unwrap();
        assert_eq!(t.value, b"OK");
        let t = parse_first(&[0x13, 0x83, 0x00, 0x00, 0x01, b'!']).unwrap();
        assert_eq!(t.value, b"!");
    }

    #[test]
    fn multi_byte_tags() {
        // DG1's MRZ: 5F1F.
        let bytes = encode(0x5F1F, b"IDVNM");
        assert_eq!(bytes[..3], [0x5F, 0x1F, 0x05]);
        let t = parse_first(&bytes).unwrap();
        assert_eq!(t.tag, 0x5F1F);
        assert_eq!(t.value, b"IDVNM");
        // Three bytes: 7F 81 01 (bit 8 set on the middle byte).
        let bytes = encode(0x7F_8101, &[1, 2]);
        let t = parse_first(&bytes).unwrap();
        assert_eq!(t.tag, 0x7F_8101);
        assert!(t.constructed);
        assert_eq!(t.value, [1, 2]);
        // Four bytes is the most.
        let t = parse_first(&[0x1F, 0x81, 0x82, 0x03, 0x00]).unwrap();
        assert_eq!(t.tag, 0x1F81_8203);
        let e = parse_first(&[0x1F, 0x81, 0x82, 0x83, 0x04, 0x00]).unwrap_err();
        assert_eq!(e.kind, TlvErrorKind::TagTooLong);
        assert_eq!(e.key(), "tlv.tag_too_long");
        // Tag 0 is one byte.
        assert_eq!(encode(0, &[]), [0, 0]);
    }

    #[test]
    fn constructed_and_children() {
        let inner = [encode(0x02, &[1]), encode(0x0C, "Hà".as_bytes())].concat();
        let outer = [vec![0xFF, 0xFF], encode(0x30, &inner)].concat();
        let all = parse_all(&outer[2..]).unwrap();
        assert!(all[0].constructed);
        let kids = children(&all[0]).unwrap();
        assert_eq!(kids.len(), 2);
        assert_eq!(
            (kids[0].tag, kids[0].offset, kids[0].value),
            (0x02, 2, &[1u8][..])
        );
        assert_eq!(kids[1].offset, 5);
        assert_eq!(std::str::from_utf8(kids[1].value).unwrap(), "Hà");
        // Offsets in errors inside a child count from the start.
        let broken = encode(0x30, &[0x02, 0x05, 0x01]);
        let t = parse_first(&broken).unwrap();
        let e = children(&t).unwrap_err();
        assert_eq!(e.offset, 2);
        assert_eq!(
            e.kind,
            TlvErrorKind::TruncatedValue {
                length: 5,
                available: 1
            }
        );
        // Elements one after the other; trailing padding refused by parse_all, ignored
        // by parse_first.
        let two = [encode(0x01, &[]), encode(0x02, &[9])].concat();
        assert_eq!(parse_all(&two).unwrap().len(), 2);
        assert_eq!(parse_all(&two).unwrap()[1].offset, 2);
        let padded = [encode(0x6D, &[]), vec![0x00]].concat();
        assert!(parse_first(&padded).is_ok());
        assert_eq!(
            parse_all(&padded).unwrap_err().kind,
            TlvErrorKind::TruncatedLength
        );
        assert_eq!(parse_all(&[]).unwrap(), []);
        // The raw bytes of a child, header included.
        let t = parse_first(&outer[2..]).unwrap();
        let kids = children(&t).unwrap();
        assert_eq!(
            raw(&outer[2..], &kids[1]).unwrap(),
            &encode(0x0C, "Hà".as_bytes())[..]
        );
        assert_eq!(raw(&outer[2..], &t).unwrap(), &outer[2..]);
        assert_eq!(raw(&outer[..4], &t), None);
    }

    #[test]
    fn truncated_and_malformed_input_errors_with_offset() {
        let cases: [(&[u8], usize, TlvErrorKind); 9] = [
            (&[], 0, TlvErrorKind::TruncatedTag),
            (&[0x5F], 1, TlvErrorKind::TruncatedTag),
            (&[0x5F, 0x81], 2, TlvErrorKind::TruncatedTag),
            (&[0x04], 1, TlvErrorKind::TruncatedLength),
            (&[0x04, 0x82, 0x01], 1, TlvErrorKind::TruncatedLength),
            (&[0x30, 0x80, 0x00, 0x00], 1, TlvErrorKind::IndefiniteLength),
            (
                &[0x04, 0x84, 0, 0, 0, 1, 0],
                1,
                TlvErrorKind::LengthTooLong { bytes: 4 },
            ),
            (
                &[0x04, 0x03, 0xAA],
                0,
                TlvErrorKind::TruncatedValue {
                    length: 3,
                    available: 1,
                },
            ),
            (
                &[0x04, 0x82, 0xFF, 0xFF, 0xAA],
                0,
                TlvErrorKind::TruncatedValue {
                    length: 0xFFFF,
                    available: 1,
                },
            ),
        ];
        for (bytes, offset, kind) in cases {
            let e = parse_first(bytes).unwrap_err();
            // The header alone fails the same way, unless only the value is short.
            if let Err(h) = peek_header(bytes) {
                assert_eq!(h, e);
            }
            assert_eq!((e.offset, e.kind), (offset, kind), "{bytes:02X?}");
            assert!(!e.key().is_empty());
            assert_eq!(e.args()[0], ("offset", offset.to_string()));
        }
        assert_eq!(parse_all(&[]).unwrap(), []);
        assert_eq!(
            parse_all(&[0x04]).unwrap_err().kind,
            TlvErrorKind::TruncatedLength
        );
        // The second element is the broken one: its offset is reported.
        let bytes = [0x01, 0x00, 0x02, 0x05, 0x00];
        assert_eq!(parse_all(&bytes).unwrap_err().offset, 2);
        let mut it = iter(&bytes);
        assert!(it.next().unwrap().is_ok());
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(all) = parse_all(&bytes) {
                let mut end = 0;
                for t in &all {
                    prop_assert_eq!(t.offset, end);
                    prop_assert!(t.value_offset + t.value.len() <= bytes.len());
                    end = t.value_offset + t.value.len();
                    let _ = children(t);
                }
                prop_assert_eq!(end, bytes.len());
            }
            let _ = peek_header(&bytes);
            let _ = parse_first(&bytes);
        }

        #[test]
        fn encode_then_parse(tag in prop_oneof![0u32..0x1F, 0x1F1Fu32..0x1F7F, 0x5F01u32..0x5F7F],
                             value in proptest::collection::vec(any::<u8>(), 0..600)) {
            let bytes = encode(tag, &value);
            let t = parse_first(&bytes).unwrap();
            prop_assert_eq!(t.tag, tag);
            prop_assert_eq!(t.value, &value[..]);
            prop_assert_eq!(t.value_offset + value.len(), bytes.len());
        }
    }
}
