//! Reading a CCCD's chip over any APDU transport (a PC/SC reader, or the virtual card):
//! select the eMRTD application, BAC, then EF.COM, DG1 and DG13 (and EF.SOD when
//! present) under secure messaging, in as few READ BINARY commands as a protected short
//! response allows. Counts the APDUs sent.

use super::bac::{self, BacKeys, SmError};
use super::dg13::{self, Dg13, Dg13Error};
use super::mrz::{self, MrzError, Td1};
use super::tlv::{self, TlvError};

/// The eMRTD application.
pub const AID: [u8; 7] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01];
pub const EF_COM: u16 = 0x011E;
pub const EF_DG1: u16 = 0x0101;
pub const EF_DG2: u16 = 0x0102;
pub const EF_DG13: u16 = 0x010D;
pub const EF_SOD: u16 = 0x011D;

/// The most data one protected READ BINARY asks for: the response's DO87 (padded data
/// plus 4 header bytes), DO99 and DO8E must fit a short response of 256 bytes.
pub const MAX_READ: usize = 0xE0;

/// Largest file read (a DG2 photo is far below it).
pub const MAX_FILE: usize = 64 * 1024;

/// The most data one protected READ BINARY asks for from a card that takes
/// extended-length commands: a DG2 photo in one or two commands.
pub const MAX_READ_EXTENDED: usize = 0x7F00;

/// Sends one command APDU and returns the response (data ‖ SW1 SW2).
pub trait Transport {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, String>;

    /// Whether the card takes extended-length commands (its ATR says so).
    fn extended_length(&self) -> bool {
        false
    }
}

/// Whether an ATR announces extended Lc and Le: the card capabilities in its
/// historical bytes (compact-TLV tag 7, third byte, bit 7; ISO/IEC 7816-4 §12.1.1.9).
#[must_use]
pub fn atr_supports_extended(atr: &[u8]) -> bool {
    // T0 gives the number of historical bytes; skip the interface bytes to reach them.
    let Some(&t0) = atr.get(1) else {
        return false;
    };
    let k = usize::from(t0 & 0x0F);
    let mut i = 2;
    let mut y = t0 >> 4;
    loop {
        let present = y.count_ones() as usize;
        let td = if y & 0x8 != 0 {
            atr.get(i + present - 1).copied()
        } else {
            None
        };
        i += present;
        match td {
            Some(td) => y = td >> 4,
            None => break,
        }
    }
    let Some(hist) = atr.get(i..i + k) else {
        return false;
    };
    // Category 0x80: compact-TLV objects follow.
    let Some((&0x80, mut rest)) = hist.split_first() else {
        return false;
    };
    while let Some((&tl, tail)) = rest.split_first() {
        let (tag, len) = (tl >> 4, usize::from(tl & 0x0F));
        let Some(value) = tail.get(..len) else {
            return false;
        };
        if tag == 7 && len >= 3 {
            return value[2] & 0x40 != 0;
        }
        rest = &tail[len..];
    }
    false
}

/// Why a read stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the reader failed: {0}")]
    Transport(String),
    #[error("the card answered {sw:04X} to {step}")]
    Status { step: &'static str, sw: u16 },
    #[error("the card refused the access key (wrong ID number, birth date or expiry)")]
    WrongKey,
    #[error("secure messaging failed: {0}")]
    Sm(SmError),
    #[error("a file is malformed: {0}")]
    Tlv(TlvError),
    #[error("the MRZ (DG1) is not valid: {0}")]
    Mrz(MrzError),
    #[error("DG13 is not valid: {0}")]
    Dg13(Dg13Error),
    #[error("the MRZ's ID number {mrz} differs from DG13's {dg13}")]
    IdMismatch { mrz: String, dg13: String },
    /// A file announces (in its TLV header) more than [`MAX_FILE`] bytes, or reaches
    /// past what READ BINARY can address: refused from the header, before it is read.
    #[error("{step} is {len} bytes long, more than {MAX_FILE}")]
    TooLarge { step: &'static str, len: usize },
}

impl ReadError {
    /// The i18n key.
    #[must_use]
    pub const fn key(&self) -> &'static str {
        match self {
            ReadError::Transport(_) => "card.transport",
            ReadError::Status { .. } => "card.status",
            ReadError::WrongKey => "card.wrong_key",
            ReadError::Sm(e) => e.key(),
            ReadError::Tlv(_) => "card.malformed",
            ReadError::Mrz(e) => e.key(),
            ReadError::Dg13(e) => e.key(),
            ReadError::IdMismatch { .. } => "card.id_mismatch",
            ReadError::TooLarge { .. } => "card.too_large",
        }
    }

    /// The message's arguments.
    #[must_use]
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ReadError::Status { step, sw } => {
                vec![("step", (*step).to_owned()), ("sw", format!("{sw:04X}"))]
            }
            ReadError::Mrz(e) => e.args(),
            ReadError::Dg13(e) => e.args(),
            ReadError::Tlv(e) => e.args(),
            ReadError::IdMismatch { mrz, dg13 } => {
                vec![("mrz", mrz.clone()), ("dg13", dg13.clone())]
            }
            ReadError::Transport(e) => vec![("error", e.clone())],
            ReadError::TooLarge { step, len } => vec![
                ("file", (*step).to_owned()),
                ("len", len.to_string()),
                ("max", MAX_FILE.to_string()),
            ],
            _ => Vec::new(),
        }
    }
}

/// What a read brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRead {
    pub com: Vec<u8>,
    pub dg1: Vec<u8>,
    pub dg13: Vec<u8>,
    /// DG2 (the face), when it was asked for and the card has it.
    pub dg2: Option<Vec<u8>>,
    /// EF.SOD, for passive authentication (`None` if the card has none).
    pub sod: Option<Vec<u8>>,
    pub td1: Td1,
    pub details: Dg13,
    /// Command APDUs sent.
    pub apdu_count: usize,
}

struct Counted<'a> {
    t: &'a mut dyn Transport,
    count: usize,
    /// The most one READ BINARY asks for.
    max_read: usize,
}

impl Counted<'_> {
    fn send(&mut self, apdu: &[u8]) -> Result<(Vec<u8>, u16), ReadError> {
        self.count += 1;
        let r = self.t.transmit(apdu).map_err(ReadError::Transport)?;
        if r.len() < 2 {
            return Err(ReadError::Transport("short answer".into()));
        }
        let (data, sw) = r.split_at(r.len() - 2);
        Ok((data.to_vec(), u16::from_be_bytes([sw[0], sw[1]])))
    }

    fn send_sm(&mut self, s: &mut bac::Session, apdu: &[u8]) -> Result<(Vec<u8>, u16), ReadError> {
        let protected = s.protect(apdu).map_err(ReadError::Sm)?;
        self.exchange(s, &protected)
    }

    fn exchange(
        &mut self,
        s: &mut bac::Session,
        protected: &[u8],
    ) -> Result<(Vec<u8>, u16), ReadError> {
        self.count += 1;
        let r = self.t.transmit(protected).map_err(ReadError::Transport)?;
        if r.len() == 2 {
            // A plain status: the card dropped secure messaging (6987/6988) or refused.
            let sw = u16::from_be_bytes([r[0], r[1]]);
            return Err(ReadError::Status {
                step: "secure messaging",
                sw,
            });
        }
        let (data, sw) = s.unprotect(&r).map_err(ReadError::Sm)?;
        Ok((data, u16::from_be_bytes(sw)))
    }

    /// Reads a whole file under secure messaging; `None` when the card has no such file.
    fn read_file(
        &mut self,
        s: &mut bac::Session,
        fid: u16,
        step: &'static str,
    ) -> Result<Option<Vec<u8>>, ReadError> {
        let [hi, lo] = fid.to_be_bytes();
        let (_, sw) = self.send_sm(s, &[0x00, 0xA4, 0x02, 0x0C, 0x02, hi, lo])?;
        match sw {
            0x9000 => {}
            0x6A82 => return Ok(None),
            sw => return Err(ReadError::Status { step, sw }),
        }
        // The first read takes as much as one response holds; its TLV header says the
        // file's length, which is checked before anything more is read or held: a card
        // announcing a 50 MB photo costs one READ BINARY.
        let mut out = self.read_binary(s, 0, self.max_read, step)?;
        let total = match tlv::peek_header(&out) {
            Ok(header) => header.total_len(),
            Err(e) => {
                return Err(match long_length(&out, &e) {
                    Some(len) if len > MAX_FILE => ReadError::TooLarge { step, len },
                    _ => ReadError::Tlv(e),
                });
            }
        };
        if total > MAX_FILE {
            return Err(ReadError::TooLarge { step, len: total });
        }
        out.truncate(total);
        while out.len() < total {
            let want = (total - out.len()).min(self.max_read);
            let chunk = self.read_binary(s, out.len(), want, step)?;
            if chunk.is_empty() {
                return Err(ReadError::Status { step, sw: 0x6282 });
            }
            out.extend(chunk);
        }
        out.truncate(total);
        Ok(Some(out))
    }

    fn read_binary(
        &mut self,
        s: &mut bac::Session,
        offset: usize,
        len: usize,
        step: &'static str,
    ) -> Result<Vec<u8>, ReadError> {
        let off =
            u16::try_from(offset)
                .ok()
                .filter(|o| *o <= 0x7FFF)
                .ok_or(ReadError::TooLarge {
                    step,
                    len: offset.saturating_add(len),
                })?;
        let [p1, p2] = off.to_be_bytes();
        let (data, sw) = if len > 256 {
            let apdu = s.protect_read_extended(off, len);
            self.exchange(s, &apdu)?
        } else {
            let le = u8::try_from(len).unwrap_or(0);
            self.send_sm(s, &[0x00, 0xB0, p1, p2, le])?
        };
        match sw {
            // 6282: end of file reached before Le bytes (a short file).
            0x9000 | 0x6282 => Ok(data),
            sw => Err(ReadError::Status { step, sw }),
        }
    }
}

/// The whole length (header included) that an element's header announces when
/// [`tlv::peek_header`] refused it for a length written on more than 3 bytes — 16 MB
/// and up, unless padded with zeros — so a card announcing a 50 MB file is told as
/// such, not as malformed.
fn long_length(data: &[u8], e: &tlv::TlvError) -> Option<usize> {
    let tlv::TlvErrorKind::LengthTooLong { bytes } = e.kind else {
        return None;
    };
    let start = e.offset + 1;
    let end = start.checked_add(usize::from(bytes))?;
    let value = data.get(start..end)?.iter().fold(0usize, |acc, &b| {
        acc.saturating_mul(256).saturating_add(usize::from(b))
    });
    Some(value.saturating_add(end))
}

/// Reads the card: `bac_info` is the MRZ information (see
/// [`mrz::bac_key_seed_input`]); `random` fills the terminal's nonces.
pub fn read(
    t: &mut dyn Transport,
    bac_info: &str,
    random: &mut dyn FnMut(&mut [u8]),
) -> Result<CardRead, ReadError> {
    read_with(t, bac_info, random, false, &mut |_| {})
}

/// [`read`], with DG2 (the face image) when `want_dg2`, and `progress` told the name of
/// each step as it starts.
pub fn read_with(
    t: &mut dyn Transport,
    bac_info: &str,
    random: &mut dyn FnMut(&mut [u8]),
    want_dg2: bool,
    progress: &mut dyn FnMut(&'static str),
) -> Result<CardRead, ReadError> {
    let max_read = if t.extended_length() {
        MAX_READ_EXTENDED
    } else {
        MAX_READ
    };
    let mut c = Counted {
        t,
        count: 0,
        max_read,
    };
    progress("BAC");
    let mut select = vec![0x00, 0xA4, 0x04, 0x0C, 0x07];
    select.extend(AID);
    match c.send(&select)?.1 {
        0x9000 => {}
        sw => {
            return Err(ReadError::Status {
                step: "select application",
                sw,
            });
        }
    }
    let (challenge, sw) = c.send(&[0x00, 0x84, 0x00, 0x00, 0x08])?;
    let rnd_ic: [u8; 8] = match (sw, challenge.try_into()) {
        (0x9000, Ok(r)) => r,
        (sw, _) => {
            return Err(ReadError::Status {
                step: "get challenge",
                sw,
            });
        }
    };
    let keys = BacKeys::from_mrz_info(bac_info);
    let mut rnd_ifd = [0u8; 8];
    let mut k_ifd = [0u8; 16];
    random(&mut rnd_ifd);
    random(&mut k_ifd);
    let mut auth = vec![0x00, 0x82, 0x00, 0x00, 0x28];
    auth.extend(bac::authenticate_data(&keys, &rnd_ic, &rnd_ifd, &k_ifd));
    auth.push(0x28);
    let (answer, sw) = c.send(&auth)?;
    match sw {
        0x9000 => {}
        0x6300 | 0x6982 | 0x6988 => return Err(ReadError::WrongKey),
        sw => {
            return Err(ReadError::Status {
                step: "mutual authenticate",
                sw,
            });
        }
    }
    let mut session = bac::finish_authentication(&keys, &answer, &rnd_ic, &rnd_ifd, &k_ifd)
        .map_err(|e| match e {
            SmError::AuthFailed => ReadError::WrongKey,
            e => ReadError::Sm(e),
        })?;
    progress("EF.COM");
    let com = c
        .read_file(&mut session, EF_COM, "EF.COM")?
        .ok_or(ReadError::Status {
            step: "EF.COM",
            sw: 0x6A82,
        })?;
    progress("DG1");
    let dg1 = c
        .read_file(&mut session, EF_DG1, "DG1")?
        .ok_or(ReadError::Status {
            step: "DG1",
            sw: 0x6A82,
        })?;
    progress("DG13");
    let dg13 = c
        .read_file(&mut session, EF_DG13, "DG13")?
        .ok_or(ReadError::Status {
            step: "DG13",
            sw: 0x6A82,
        })?;
    let dg2 = if want_dg2 && com_groups(&com).contains(&2) {
        progress("DG2");
        c.read_file(&mut session, EF_DG2, "DG2")?
    } else {
        None
    };
    progress("EF.SOD");
    let sod = c.read_file(&mut session, EF_SOD, "EF.SOD")?;
    let td1 = mrz_of(&dg1)?;
    let details = dg13::parse(&dg13).map_err(ReadError::Dg13)?;
    if let (Some(m), Some(d)) = (&td1.id_number, &details.id_number)
        && m != d
    {
        return Err(ReadError::IdMismatch {
            mrz: m.clone(),
            dg13: d.clone(),
        });
    }
    Ok(CardRead {
        com,
        dg1,
        dg13,
        dg2,
        sod,
        td1,
        details,
        apdu_count: c.count,
    })
}

/// The data groups EF.COM lists (its tag list, `5C`), by number.
#[must_use]
pub fn com_groups(com: &[u8]) -> Vec<u8> {
    let Ok(outer) = tlv::parse_first(com) else {
        return Vec::new();
    };
    let Ok(inner) = tlv::children(&outer) else {
        return Vec::new();
    };
    let Some(list) = inner.iter().find(|t| t.tag == 0x5C) else {
        return Vec::new();
    };
    list.value
        .iter()
        .filter_map(|tag| match tag {
            0x61 => Some(1),
            0x75 => Some(2),
            0x63 => Some(3),
            0x76 => Some(4),
            0x65..=0x70 => Some(tag - 0x65 + 5),
            _ => None,
        })
        .collect()
}

/// The MRZ inside DG1 (`61 { 5F1F mrz }`).
pub fn mrz_of(dg1: &[u8]) -> Result<Td1, ReadError> {
    let outer = tlv::parse_first(dg1).map_err(ReadError::Tlv)?;
    let inner = tlv::children(&outer).map_err(ReadError::Tlv)?;
    let text = inner
        .iter()
        .find(|t| t.tag == 0x5F1F)
        .map(|t| String::from_utf8_lossy(t.value).into_owned())
        .unwrap_or_default();
    mrz::parse_td1(&text).map_err(ReadError::Mrz)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_atr_says_whether_the_card_takes_extended_length() {
        // T0 = 0x8A: TD1 follows, 10 historical bytes; TD1 = 0x80: TD2 follows; TD2 = 0x01.
        // Historical bytes: category 80, card capabilities 73 with byte 3 = C0.
        let with = [
            0x3B, 0x8A, 0x80, 0x01, 0x80, 0x73, 0x00, 0x21, 0xC0, 0x31, 0xC1, 0x41, 0x00, 0x00,
            0x00,
        ];
        assert!(atr_supports_extended(&with));
        let mut without = with;
        without[8] = 0x80;
        assert!(!atr_supports_extended(&without));
        assert!(!atr_supports_extended(&[0x3B]));
        assert!(!atr_supports_extended(&[0x3B, 0x8F, 0x80]));
        assert!(!atr_supports_extended(&[]));
    }

    /// Passes every APDU to the card and notes what went by: how many, and the largest
    /// answer. A window on the real exchange, not a fake.
    struct Watched<'a> {
        card: &'a mut super::super::virtual_card::VirtualCard,
        sent: std::rc::Rc<std::cell::Cell<usize>>,
        largest_answer: usize,
    }

    impl Transport for Watched<'_> {
        fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, String> {
            self.sent.set(self.sent.get() + 1);
            let answer = self.card.transmit(apdu)?;
            self.largest_answer = self.largest_answer.max(answer.len());
            Ok(answer)
        }

        fn extended_length(&self) -> bool {
            self.card.extended_length()
        }
    }

    #[test]
    fn a_card_announcing_a_50_mb_photo_is_refused_from_its_header() {
        use super::super::virtual_card::{self, VirtualCard};
        let holder = virtual_card::demo_holder();
        let info = mrz::bac_key_seed_input(&holder.id_number, holder.birth, holder.expiry)
            .expect("the demo holder's key");
        // DG2 (tag 75) with a length saying 50 MB (four bytes: more than the three the
        // TLV reader takes) or 8 MB (three bytes), then the start of a photo: the card
        // holds 1 KB; the header is all it takes to refuse it.
        let fifty: usize = 50 * 1024 * 1024;
        let mut dg2_50 = vec![0x75, 0x84];
        dg2_50.extend(u32::try_from(fifty).unwrap().to_be_bytes());
        let eight: usize = 8 * 1024 * 1024;
        let dg2_8 = vec![0x75, 0x83, 0x80, 0x00, 0x00];
        for (dg2, len, extended, shown_len) in [
            (&dg2_50, fifty + 6, false, "52428806"),
            (&dg2_50, fifty + 6, true, "52428806"),
            (&dg2_8, eight + 5, false, "8388613"),
            (&dg2_8, eight + 5, true, "8388613"),
        ] {
            let dg2 = [&dg2[..], &[0xA5; 1024]].concat();
            let mut card = VirtualCard::new(&holder, 7).expect("the demo card");
            card.extended = extended;
            card.set_file(EF_DG2, dg2);
            let sent = std::rc::Rc::new(std::cell::Cell::new(0));
            let mut watched = Watched {
                card: &mut card,
                sent: std::rc::Rc::clone(&sent),
                largest_answer: 0,
            };
            let mut at_dg2 = None;
            let result = read_with(&mut watched, &info, &mut |b| b.fill(7), true, &mut |step| {
                if step == "DG2" {
                    at_dg2 = Some(sent.get());
                }
            });
            let e = result.expect_err("a 50 MB DG2 is read");
            assert_eq!(
                e,
                ReadError::TooLarge { step: "DG2", len },
                "extended {extended}"
            );
            // Two APDUs for DG2 — SELECT and one READ BINARY — then the read stopped:
            // nothing more was asked for, nothing sized by the header was held.
            let at_dg2 = at_dg2.expect("the read reached DG2");
            assert_eq!(sent.get() - at_dg2, 2, "extended {extended}");
            let most = if extended {
                MAX_READ_EXTENDED
            } else {
                MAX_READ
            };
            assert!(
                watched.largest_answer <= most + 64,
                "a {}-byte answer",
                watched.largest_answer
            );
            let shown = crate::i18n::Lang::Vi.f_owned(e.key(), &e.args());
            assert_eq!(
                shown,
                format!(
                    "Tệp DG2 trên chip báo dài {shown_len} byte, quá mức 65536 byte: không đọc tiếp."
                )
            );
        }
    }

    #[test]
    fn com_lists_data_groups_by_number() {
        let com = tlv::encode(
            0x60,
            &tlv::encode(0x5C, &[0x61, 0x75, 0x63, 0x76, 0x6D, 0x6E, 0x6F]),
        );
        assert_eq!(com_groups(&com), [1, 2, 3, 4, 13, 14, 15]);
        assert!(com_groups(&[0x60, 0x05]).is_empty());
    }
}
