//! A virtual CCCD: the chip's files built from a person's data, served with BAC and
//! ICAO secure messaging, answering 6982 to unprotected reads. Used in process by the
//! tests and the demo (and, through vpcd, by pcscd in the end-to-end test).

use std::collections::BTreeMap;

use jiff::civil::{Date, date};

use super::bac::{self, BacKeys, Session};
use super::dg13::{self, Dg13};
use super::mrz;
use super::reader::{self, Transport};
use super::tlv;

/// Who the card belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub id_number: String,
    /// For the MRZ: ASCII, no diacritics.
    pub surname: String,
    pub given_names: String,
    pub birth: Date,
    /// `M` or `F`.
    pub sex: char,
    pub expiry: Option<Date>,
    /// DG13 as the card holds it.
    pub details: Dg13,
}

/// The card.
#[derive(Debug, Clone)]
pub struct VirtualCard {
    files: BTreeMap<u16, Vec<u8>>,
    keys: BacKeys,
    k_ic: [u8; 16],
    challenge: Option<[u8; 8]>,
    session: Option<Session>,
    selected: Option<u16>,
    app_selected: bool,
    counter: u64,
    /// Test switch: answer nothing (the card was pulled) after this many APDUs.
    pub pull_after: Option<usize>,
    /// The card takes extended-length commands (and says so to the transport).
    pub extended: bool,
    apdus: usize,
}

fn sw(code: u16) -> Vec<u8> {
    code.to_be_bytes().to_vec()
}

impl VirtualCard {
    /// A card for `holder`; `seed` makes its challenges and keys (different cards,
    /// different seeds).
    pub fn new(holder: &Holder, seed: u64) -> Result<Self, mrz::MrzError> {
        let lines = mrz::build_td1(
            &holder.id_number,
            holder.birth,
            holder.sex,
            holder.expiry,
            &holder.surname,
            &holder.given_names,
        )?;
        let dg1 = tlv::encode(0x61, &tlv::encode(0x5F1F, lines.concat().as_bytes()));
        let dg13 = dg13::encode(&holder.details, true);
        let com = tlv::encode(
            0x60,
            &[
                tlv::encode(0x5F01, b"0107"),
                tlv::encode(0x5F36, b"040000"),
                tlv::encode(0x5C, &[0x61, 0x75, 0x6D]),
            ]
            .concat(),
        );
        let mut files = BTreeMap::new();
        files.insert(reader::EF_DG2, dg2(&synthetic_photo(seed)));
        files.insert(reader::EF_COM, com);
        files.insert(reader::EF_DG1, dg1);
        files.insert(reader::EF_DG13, dg13);
        let info = mrz::bac_key_seed_input(&holder.id_number, holder.birth, holder.expiry)?;
        let mut rng = crate::rng::SplitMix64(seed);
        let mut k_ic = [0u8; 16];
        for b in &mut k_ic {
            *b = rng.next_u64().to_le_bytes()[0];
        }
        Ok(Self {
            files,
            keys: BacKeys::from_mrz_info(&info),
            k_ic,
            challenge: None,
            session: None,
            selected: None,
            app_selected: false,
            counter: seed,
            pull_after: None,
            extended: false,
            apdus: 0,
        })
    }

    /// The card is reset or powered off and on: the application and secure messaging
    /// must be set up again.
    pub fn reset(&mut self) {
        self.challenge = None;
        self.session = None;
        self.selected = None;
        self.app_selected = false;
    }

    /// A file's bytes, as the card holds it.
    #[must_use]
    pub fn file(&self, fid: u16) -> Option<&[u8]> {
        self.files.get(&fid).map(Vec::as_slice)
    }

    /// Signs the card's data groups (DG1, DG2, DG13) into an EF.SOD with `pki`'s
    /// document signer, as the issuing state does.
    pub fn sign(&mut self, pki: &super::testpki::TestPki) {
        let dgs: BTreeMap<u8, Vec<u8>> = [
            (1, reader::EF_DG1),
            (2, reader::EF_DG2),
            (13, reader::EF_DG13),
        ]
        .into_iter()
        .filter_map(|(n, fid)| self.files.get(&fid).map(|f| (n, f.clone())))
        .collect();
        let sod = pki.sign_sod(&dgs);
        self.files.insert(reader::EF_SOD, sod);
    }

    /// Replaces a file (tests: a tampered DG13, an SOD).
    pub fn set_file(&mut self, fid: u16, bytes: Vec<u8>) {
        self.files.insert(fid, bytes);
    }

    fn challenge(&mut self) -> [u8; 8] {
        self.counter = self.counter.wrapping_add(0x9E37_79B9_7F4A_7C15);
        crate::rng::SplitMix64(self.counter)
            .next_u64()
            .to_be_bytes()
    }

    fn protected(&mut self, apdu: &[u8]) -> Vec<u8> {
        let Some(mut s) = self.session.take() else {
            return sw(0x6988);
        };
        let Ok(cmd) = s.unprotect_command(apdu) else {
            // A broken MAC ends the session.
            return sw(0x6988);
        };
        let (data, status): (Vec<u8>, u16) = match (cmd.header[1], cmd.header[2]) {
            (0xA4, 0x02) => match <[u8; 2]>::try_from(cmd.data.as_slice()) {
                Ok(fid) if self.files.contains_key(&u16::from_be_bytes(fid)) => {
                    self.selected = Some(u16::from_be_bytes(fid));
                    (Vec::new(), 0x9000)
                }
                _ => (Vec::new(), 0x6A82),
            },
            (0xB0, _) => {
                let offset = usize::from(u16::from_be_bytes([cmd.header[2], cmd.header[3]]));
                let want = match cmd.le {
                    // A card without extended length refuses a longer Le (wrong length).
                    Some(n) if n > 256 && !self.extended => {
                        let out = s.protect_response(&[], [0x67, 0x00]);
                        self.session = Some(s);
                        return out;
                    }
                    Some(n) => n,
                    None => 0,
                };
                match self.selected.and_then(|f| self.files.get(&f)) {
                    None => (Vec::new(), 0x6986),
                    Some(file) if offset > file.len() => (Vec::new(), 0x6B00),
                    Some(file) => {
                        let end = (offset + want).min(file.len());
                        let status = if end - offset < want { 0x6282 } else { 0x9000 };
                        (file[offset..end].to_vec(), status)
                    }
                }
            }
            _ => (Vec::new(), 0x6D00),
        };
        let out = s.protect_response(&data, status.to_be_bytes());
        self.session = Some(s);
        out
    }
}

impl Transport for VirtualCard {
    fn extended_length(&self) -> bool {
        self.extended
    }

    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, String> {
        self.apdus += 1;
        if self.pull_after.is_some_and(|n| self.apdus > n) {
            return Err("card removed".into());
        }
        if apdu.len() < 4 {
            return Ok(sw(0x6700));
        }
        if apdu[0] & 0x0C == 0x0C {
            return Ok(self.protected(apdu));
        }
        Ok(match (apdu[1], apdu[2]) {
            (0xA4, 0x04) if apdu.get(5..12) == Some(&reader::AID[..]) => {
                self.app_selected = true;
                self.session = None;
                sw(0x9000)
            }
            (0x84, _) if self.app_selected => {
                let c = self.challenge();
                self.challenge = Some(c);
                let mut out = c.to_vec();
                out.extend(sw(0x9000));
                out
            }
            (0x82, _) => match (self.challenge.take(), apdu.get(5..45)) {
                (Some(rnd_ic), Some(data)) => {
                    match bac::card_authenticate(&self.keys, data, &rnd_ic, &self.k_ic) {
                        Ok((answer, session)) => {
                            self.session = Some(session);
                            let mut out = answer;
                            out.extend(sw(0x9000));
                            out
                        }
                        Err(_) => sw(0x6300),
                    }
                }
                _ => sw(0x6985),
            },
            // Files are read under secure messaging only.
            (0xA4 | 0xB0, _) => sw(0x6982),
            _ => sw(0x6D00),
        })
    }
}

/// DG2 (ICAO 9303-10 §4.7.2) holding one face image: a biometric information group
/// template with one instance, its header, and the ISO/IEC 19794-5 record (here a
/// minimal facial record header followed by the image bytes).
#[must_use]
pub fn dg2(image: &[u8]) -> Vec<u8> {
    let header = [
        tlv::encode(0x80, &[0x01, 0x01]),
        tlv::encode(0x81, &[0x02]),
        tlv::encode(0x87, &[0x01, 0x01]),
        tlv::encode(0x88, &[0x00, 0x08]),
    ]
    .concat();
    let mut record = b"FAC\x00010\x00".to_vec();
    let total = u32::try_from(14 + image.len()).unwrap_or(u32::MAX);
    record.extend(total.to_be_bytes());
    record.extend([0x00, 0x01]);
    record.extend(image);
    let instance = tlv::encode(
        0x7F60,
        &[tlv::encode(0xA1, &header), tlv::encode(0x5F2E, &record)].concat(),
    );
    let group = tlv::encode(0x7F61, &[tlv::encode(0x02, &[0x01]), instance].concat());
    tlv::encode(0x75, &group)
}

/// A stand-in for a card photo: a JPEG's start and end markers around 12 KiB of
/// bytes drawn from `seed` (the size of a real CCCD's DG2).
fn synthetic_photo(seed: u64) -> Vec<u8> {
    let mut rng = crate::rng::SplitMix64(seed ^ 0x5048_4F54_4F00_0000);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0];
    while out.len() < 12 * 1024 {
        out.extend(rng.next_u64().to_le_bytes());
    }
    out.extend([0xFF, 0xD9]);
    out
}

/// The demo card's holder (also a citizen of the demo backend's data).
#[must_use]
pub fn demo_holder() -> Holder {
    Holder {
        id_number: "079192019782".into(),
        surname: "Le".into(),
        given_names: "Thi Thu Ha".into(),
        birth: date(1992, 5, 14),
        sex: 'F',
        expiry: Some(date(2032, 5, 14)),
        details: Dg13 {
            id_number: Some("079192019782".into()),
            full_name: Some("Lê Thị Thu Hà".into()),
            birth_date: Some("14/05/1992".into()),
            sex: Some("Nữ".into()),
            nationality: Some("Việt Nam".into()),
            ethnicity: Some("Kinh".into()),
            religion: Some("Không".into()),
            hometown: Some("Phường Tân Định, Thành phố Hồ Chí Minh".into()),
            permanent_address: Some(
                "Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh".into(),
            ),
            identifying_features: Some("Nốt ruồi C:2cm dưới trước mép trái".into()),
            issue_date: Some("10/08/2021".into()),
            expiry: Some("14/05/2032".into()),
            father_name: Some("Lê Văn Tâm".into()),
            mother_name: Some("Trần Thị Lan".into()),
            spouse_name: Some("Phạm Quốc Bảo".into()),
            ..Dg13::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn holder() -> Holder {
        demo_holder()
    }

    fn nonce() -> impl FnMut(&mut [u8]) {
        let mut rng = crate::rng::SplitMix64(7);
        move |buf: &mut [u8]| {
            for b in buf {
                *b = rng.next_u64().to_le_bytes()[0];
            }
        }
    }

    /// The fewest APDUs a read of these files can take.
    fn minimum(r: &reader::CardRead) -> usize {
        let file = |len: usize| 1 + len.div_ceil(reader::MAX_READ);
        3 + file(r.com.len()) + file(r.dg1.len()) + file(r.dg13.len()) + 1
    }

    fn info(h: &Holder) -> String {
        mrz::bac_key_seed_input(&h.id_number, h.birth, h.expiry).unwrap()
    }

    #[test]
    fn a_full_read_under_bac_and_secure_messaging() {
        let h = holder();
        let mut card = VirtualCard::new(&h, 1).unwrap();
        let read = reader::read(&mut card, &info(&h), &mut nonce()).unwrap();
        assert_eq!(read.td1.id_number.as_deref(), Some("079192019782"));
        assert_eq!(read.details.full_name.as_deref(), Some("Lê Thị Thu Hà"));
        assert_eq!(read.details.mother_name.as_deref(), Some("Trần Thị Lan"));
        assert_eq!(read.sod, None);
        // Select, challenge, authenticate; per file a select and as few reads as its
        // length needs; EF.SOD's select answers "no such file".
        assert_eq!(read.apdu_count, minimum(&read), "{}", read.apdu_count);
    }

    #[test]
    fn a_long_file_is_read_in_as_few_commands_as_fit() {
        let mut h = holder();
        h.details.identifying_features = Some("x".repeat(600));
        let mut card = VirtualCard::new(&h, 2).unwrap();
        let read = reader::read(&mut card, &info(&h), &mut nonce()).unwrap();
        assert!(read.dg13.len() > 2 * reader::MAX_READ);
        assert_eq!(read.apdu_count, minimum(&read));
        assert_eq!(
            read.details.identifying_features.map(|s| s.len()),
            Some(600)
        );
    }

    #[test]
    fn extended_length_reads_the_photo_in_one_command_when_the_card_takes_it() {
        let h = holder();
        let mut card = VirtualCard::new(&h, 4).unwrap();
        let short =
            reader::read_with(&mut card, &info(&h), &mut nonce(), true, &mut |_| {}).unwrap();
        let dg2 = short.dg2.clone().expect("DG2 read when asked for");
        assert_eq!(Some(dg2.as_slice()), card.file(reader::EF_DG2));
        // Short APDUs: DG2 alone takes 1 + ceil(len / 224) commands.
        let dg2_short = 1 + dg2.len().div_ceil(reader::MAX_READ);
        assert_eq!(short.apdu_count, minimum(&short) + dg2_short);
        let mut card = VirtualCard::new(&h, 4).unwrap();
        card.extended = true;
        let mut steps = Vec::new();
        let long = reader::read_with(&mut card, &info(&h), &mut nonce(), true, &mut |s| {
            steps.push(s);
        })
        .unwrap();
        assert_eq!(long.dg2, short.dg2);
        assert_eq!(long.details, short.details);
        // Every file in one READ BINARY after its select.
        assert_eq!(long.apdu_count, 3 + 2 * 4 + 1);
        assert_eq!(steps, ["BAC", "EF.COM", "DG1", "DG13", "DG2", "EF.SOD"]);
        // Not asked for: no DG2.
        let mut card = VirtualCard::new(&h, 4).unwrap();
        assert_eq!(
            reader::read(&mut card, &info(&h), &mut nonce())
                .unwrap()
                .dg2,
            None
        );
    }

    #[test]
    fn a_card_without_extended_length_refuses_a_long_le() {
        let h = holder();
        let mut card = VirtualCard::new(&h, 5).unwrap();
        let mut s = handshake(&mut card, &h);
        let select = s
            .protect(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x02])
            .unwrap();
        let r = card.transmit(&select).unwrap();
        assert_eq!(s.unprotect(&r).unwrap().1, [0x90, 0x00]);
        let read = s.protect_read_extended(0, 1000);
        let r = card.transmit(&read).unwrap();
        assert_eq!(s.unprotect(&r).unwrap(), (Vec::new(), [0x67, 0x00]));
    }

    /// Select, challenge and BAC by hand: the session the terminal holds.
    fn handshake(card: &mut VirtualCard, h: &Holder) -> bac::Session {
        let mut select = vec![0x00, 0xA4, 0x04, 0x0C, 0x07];
        select.extend(reader::AID);
        assert_eq!(card.transmit(&select).unwrap(), [0x90, 0x00]);
        let c = card.transmit(&[0x00, 0x84, 0x00, 0x00, 0x08]).unwrap();
        let rnd_ic: [u8; 8] = c[..8].try_into().unwrap();
        let keys = BacKeys::from_mrz_info(&info(h));
        let (rnd_ifd, k_ifd) = ([1u8; 8], [2u8; 16]);
        let mut auth = vec![0x00, 0x82, 0x00, 0x00, 0x28];
        auth.extend(bac::authenticate_data(&keys, &rnd_ic, &rnd_ifd, &k_ifd));
        auth.push(0x28);
        let answer = card.transmit(&auth).unwrap();
        bac::finish_authentication(&keys, &answer[..40], &rnd_ic, &rnd_ifd, &k_ifd).unwrap()
    }

    #[test]
    fn a_wrong_key_a_pulled_card_and_unprotected_reads() {
        let h = holder();
        let mut card = VirtualCard::new(&h, 3).unwrap();
        let wrong = mrz::bac_key_seed_input(&h.id_number, date(1992, 5, 15), h.expiry).unwrap();
        assert_eq!(
            reader::read(&mut card, &wrong, &mut nonce()),
            Err(reader::ReadError::WrongKey)
        );
        let mut card = VirtualCard::new(&h, 3).unwrap();
        card.pull_after = Some(6);
        assert!(matches!(
            reader::read(&mut card, &info(&h), &mut nonce()),
            Err(reader::ReadError::Transport(_))
        ));
        let mut card = VirtualCard::new(&h, 3).unwrap();
        card.transmit(&[0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0, 0, 2, 0x47, 0x10, 1])
            .unwrap();
        assert_eq!(
            card.transmit(&[0x00, 0xB0, 0x00, 0x00, 0x04]).unwrap(),
            [0x69, 0x82]
        );
    }
}
