//! Basic Access Control and secure messaging (ICAO 9303-11 §9.7–9.8, BAC with 3DES):
//! keys from the MRZ information, MUTUAL AUTHENTICATE, session keys, and protecting
//! commands / unprotecting responses (DO87, DO97, DO99, DO8E), the MAC checked on every
//! response and the send-sequence counter kept as 8 bytes. Pure functions and one small
//! state (`Session`); no reader.

use des::cipher::{BlockDecrypt, BlockEncrypt, KeyInit, generic_array::GenericArray};
use des::{Des, TdesEde2};
use sha1::{Digest, Sha1};

/// What went wrong unprotecting a response or authenticating.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmError {
    #[error("the card's answer is too short or malformed")]
    Malformed,
    #[error("the card's answer failed its MAC check")]
    BadMac,
    #[error("the card's answer has no status (DO99)")]
    NoStatus,
    #[error("the card's data is not padded as ISO 9797-1 method 2")]
    BadPadding,
    #[error("the card did not prove it knows the key (wrong MRZ data?)")]
    AuthFailed,
}

impl SmError {
    /// The i18n key.
    #[must_use]
    pub const fn key(&self) -> &'static str {
        match self {
            SmError::Malformed => "sm.malformed",
            SmError::BadMac => "sm.bad_mac",
            SmError::NoStatus => "sm.no_status",
            SmError::BadPadding => "sm.bad_padding",
            SmError::AuthFailed => "sm.auth_failed",
        }
    }
}

/// Sets each byte's lowest bit so the byte has odd parity (DES keys).
fn adjust_parity(key: &mut [u8]) {
    for b in key {
        let ones = (*b & 0xFE).count_ones();
        *b = (*b & 0xFE) | u8::from(ones % 2 == 0);
    }
}

/// `K_seed` = the first 16 bytes of SHA-1 of the MRZ information.
#[must_use]
pub fn key_seed(mrz_info: &str) -> [u8; 16] {
    let digest = Sha1::digest(mrz_info.as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

/// The key derivation function: SHA-1(seed ‖ counter), 16 bytes, parity adjusted.
/// Counter 1 gives the encryption key, 2 the MAC key.
#[must_use]
pub fn derive(seed: &[u8; 16], counter: u32) -> [u8; 16] {
    let mut h = Sha1::new();
    h.update(seed);
    h.update(counter.to_be_bytes());
    let digest = h.finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    adjust_parity(&mut out);
    out
}

/// ISO 9797-1 padding method 2: `80` then zeros to a multiple of 8.
#[must_use]
pub fn pad(data: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    out.push(0x80);
    while !out.len().is_multiple_of(8) {
        out.push(0);
    }
    out
}

/// Removes method-2 padding.
pub fn unpad(data: &[u8]) -> Result<&[u8], SmError> {
    let end = data
        .iter()
        .rposition(|&b| b != 0)
        .ok_or(SmError::BadPadding)?;
    if data[end] != 0x80 || data.len() - end > 8 {
        return Err(SmError::BadPadding);
    }
    Ok(&data[..end])
}

/// Two-key 3DES in CBC mode with a zero IV; `data` a multiple of 8 bytes.
#[must_use]
pub fn encrypt(key: &[u8; 16], data: &[u8]) -> Vec<u8> {
    let cipher = TdesEde2::new(GenericArray::from_slice(key));
    let mut prev = [0u8; 8];
    let mut out = Vec::with_capacity(data.len());
    for chunk in data.chunks(8) {
        let mut block = [0u8; 8];
        for (i, b) in chunk.iter().enumerate() {
            block[i] = b ^ prev[i];
        }
        let mut ga = GenericArray::clone_from_slice(&block);
        cipher.encrypt_block(&mut ga);
        prev.copy_from_slice(&ga);
        out.extend_from_slice(&ga);
    }
    out
}

/// The inverse of [`encrypt`].
#[must_use]
pub fn decrypt(key: &[u8; 16], data: &[u8]) -> Vec<u8> {
    let cipher = TdesEde2::new(GenericArray::from_slice(key));
    let mut prev = [0u8; 8];
    let mut out = Vec::with_capacity(data.len());
    for chunk in data.chunks_exact(8) {
        let mut ga = GenericArray::clone_from_slice(chunk);
        cipher.decrypt_block(&mut ga);
        for i in 0..8 {
            out.push(ga[i] ^ prev[i]);
        }
        prev.copy_from_slice(chunk);
    }
    out
}

/// ISO 9797-1 MAC algorithm 3 (retail MAC) with DES over already padded data.
#[must_use]
pub fn mac(key: &[u8; 16], padded: &[u8]) -> [u8; 8] {
    let ka = Des::new(GenericArray::from_slice(&key[..8]));
    let kb = Des::new(GenericArray::from_slice(&key[8..]));
    let mut state = [0u8; 8];
    for chunk in padded.chunks(8) {
        for (i, b) in chunk.iter().enumerate() {
            state[i] ^= b;
        }
        let mut ga = GenericArray::clone_from_slice(&state);
        ka.encrypt_block(&mut ga);
        state.copy_from_slice(&ga);
    }
    let mut ga = GenericArray::clone_from_slice(&state);
    kb.decrypt_block(&mut ga);
    ka.encrypt_block(&mut ga);
    let mut out = [0u8; 8];
    out.copy_from_slice(&ga);
    out
}

/// The BAC keys of a card.
#[derive(Clone, PartialEq, Eq)]
pub struct BacKeys {
    pub enc: [u8; 16],
    pub mac: [u8; 16],
}

impl std::fmt::Debug for BacKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keys never go to logs.
        f.write_str("BacKeys(..)")
    }
}

impl BacKeys {
    /// From the MRZ information (document number, birth, expiry, each with its check
    /// digit: see `mrz::bac_key_seed_input`).
    #[must_use]
    pub fn from_mrz_info(info: &str) -> Self {
        let seed = key_seed(info);
        Self {
            enc: derive(&seed, 1),
            mac: derive(&seed, 2),
        }
    }
}

/// The MUTUAL AUTHENTICATE command data: `E.IFD ‖ M.IFD` over `RND.IFD ‖ RND.IC ‖ K.IFD`.
#[must_use]
pub fn authenticate_data(
    keys: &BacKeys,
    rnd_ic: &[u8; 8],
    rnd_ifd: &[u8; 8],
    k_ifd: &[u8; 16],
) -> Vec<u8> {
    let mut s = Vec::with_capacity(32);
    s.extend_from_slice(rnd_ifd);
    s.extend_from_slice(rnd_ic);
    s.extend_from_slice(k_ifd);
    let e = encrypt(&keys.enc, &s);
    let m = mac(&keys.mac, &pad(&e));
    let mut out = e;
    out.extend_from_slice(&m);
    out
}

/// The secure-messaging session after MUTUAL AUTHENTICATE.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    pub enc: [u8; 16],
    pub mac: [u8; 16],
    /// The send-sequence counter, 8 bytes.
    pub ssc: u64,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("ssc", &self.ssc)
            .finish_non_exhaustive()
    }
}

/// Checks the card's MUTUAL AUTHENTICATE answer (40 bytes: `E.IC ‖ M.IC`) and makes the
/// session: the card must echo `RND.IFD` and `RND.IC`.
pub fn finish_authentication(
    keys: &BacKeys,
    answer: &[u8],
    rnd_ic: &[u8; 8],
    rnd_ifd: &[u8; 8],
    k_ifd: &[u8; 16],
) -> Result<Session, SmError> {
    if answer.len() != 40 {
        return Err(SmError::Malformed);
    }
    let (e, m) = answer.split_at(32);
    if mac(&keys.mac, &pad(e)) != m {
        return Err(SmError::AuthFailed);
    }
    let r = decrypt(&keys.enc, e);
    if r[..8] != rnd_ic[..] || r[8..16] != rnd_ifd[..] {
        return Err(SmError::AuthFailed);
    }
    let mut seed = [0u8; 16];
    for (i, s) in seed.iter_mut().enumerate() {
        *s = k_ifd[i] ^ r[16 + i];
    }
    let mut ssc = [0u8; 8];
    ssc[..4].copy_from_slice(&rnd_ic[4..]);
    ssc[4..].copy_from_slice(&rnd_ifd[4..]);
    Ok(Session {
        enc: derive(&seed, 1),
        mac: derive(&seed, 2),
        ssc: u64::from_be_bytes(ssc),
    })
}

/// A BER length (short, or long form up to two bytes).
fn ber_len(n: usize) -> Vec<u8> {
    match n {
        0..=0x7F => vec![u8::try_from(n).unwrap_or(0)],
        0x80..=0xFF => vec![0x81, u8::try_from(n).unwrap_or(0)],
        _ => vec![
            0x82,
            u8::try_from(n >> 8).unwrap_or(0xFF),
            u8::try_from(n & 0xFF).unwrap_or(0),
        ],
    }
}

impl Session {
    fn next_ssc(&mut self) -> [u8; 8] {
        self.ssc = self.ssc.wrapping_add(1);
        self.ssc.to_be_bytes()
    }

    /// Protects a short command APDU `CLA INS P1 P2 [Lc data] [Le]`.
    pub fn protect(&mut self, apdu: &[u8]) -> Result<Vec<u8>, SmError> {
        if apdu.len() < 4 {
            return Err(SmError::Malformed);
        }
        let header = [apdu[0] | 0x0C, apdu[1], apdu[2], apdu[3]];
        let body = &apdu[4..];
        let (data, le): (&[u8], Option<u8>) = match body.len() {
            0 => (&[], None),
            1 => (&[], Some(body[0])),
            n => {
                let lc = usize::from(body[0]);
                if n == lc + 1 {
                    (&body[1..], None)
                } else if n == lc + 2 {
                    (&body[1..=lc], Some(body[lc + 1]))
                } else {
                    return Err(SmError::Malformed);
                }
            }
        };
        let mut dos = Vec::new();
        if !data.is_empty() {
            let enc = encrypt(&self.enc, &pad(data));
            dos.push(0x87);
            dos.extend(ber_len(enc.len() + 1));
            dos.push(0x01);
            dos.extend(enc);
        }
        if let Some(le) = le {
            dos.extend([0x97, 0x01, le]);
        }
        let ssc = self.next_ssc();
        let mut n = ssc.to_vec();
        n.extend(pad(&header));
        n.extend(&dos);
        let cc = mac(&self.mac, &pad(&n));
        dos.extend([0x8E, 0x08]);
        dos.extend(cc);
        let mut out = header.to_vec();
        out.push(u8::try_from(dos.len()).map_err(|_| SmError::Malformed)?);
        out.extend(dos);
        out.push(0x00);
        Ok(out)
    }

    /// Protects a READ BINARY at `offset` asking for `le` bytes (1 to 65536) as an
    /// extended-length APDU: DO97 carries two bytes of Le, the command has a three-byte
    /// Lc and a two-byte Le. For cards that announce extended length.
    pub fn protect_read_extended(&mut self, offset: u16, le: usize) -> Vec<u8> {
        let header = [0x0C, 0xB0, (offset >> 8) as u8, (offset & 0xFF) as u8];
        let le16 = if le >= 0x1_0000 { 0 } else { le as u16 };
        let mut dos = vec![0x97, 0x02];
        dos.extend(le16.to_be_bytes());
        let ssc = self.next_ssc();
        let mut n = ssc.to_vec();
        n.extend(pad(&header));
        n.extend(&dos);
        let cc = mac(&self.mac, &pad(&n));
        dos.extend([0x8E, 0x08]);
        dos.extend(cc);
        let mut out = header.to_vec();
        out.push(0x00);
        out.extend((dos.len() as u16).to_be_bytes());
        out.extend(dos);
        out.extend([0x00, 0x00]);
        out
    }

    /// Unprotects a response (`data ‖ SW1 SW2`): checks the MAC over DO87/DO99, then
    /// returns the decrypted data and the status the card put in DO99.
    pub fn unprotect(&mut self, response: &[u8]) -> Result<(Vec<u8>, [u8; 2]), SmError> {
        let ssc = self.next_ssc();
        if response.len() < 2 {
            return Err(SmError::Malformed);
        }
        let body = &response[..response.len() - 2];
        let mut do87: Option<&[u8]> = None;
        let mut do99: Option<&[u8]> = None;
        let mut mac_do: Option<&[u8]> = None;
        let mut covered = Vec::new();
        let mut rest = body;
        while !rest.is_empty() {
            let t = super::tlv::parse_first(rest).map_err(|_| SmError::Malformed)?;
            let whole = rest
                .get(..t.value_offset + t.value.len())
                .ok_or(SmError::Malformed)?;
            match t.tag {
                0x87 => {
                    do87 = Some(t.value);
                    covered.extend_from_slice(whole);
                }
                0x99 => {
                    do99 = Some(t.value);
                    covered.extend_from_slice(whole);
                }
                0x8E => mac_do = Some(t.value),
                _ => return Err(SmError::Malformed),
            }
            rest = &rest[whole.len()..];
        }
        let cc = mac_do.ok_or(SmError::BadMac)?;
        let mut k = ssc.to_vec();
        k.extend(&covered);
        if mac(&self.mac, &pad(&k)) != cc {
            return Err(SmError::BadMac);
        }
        let sw = match do99 {
            Some([a, b]) => [*a, *b],
            _ => return Err(SmError::NoStatus),
        };
        let data = match do87 {
            None => Vec::new(),
            Some([0x01, enc @ ..]) if !enc.is_empty() && enc.len().is_multiple_of(8) => {
                unpad(&decrypt(&self.enc, enc))?.to_vec()
            }
            Some(_) => return Err(SmError::Malformed),
        };
        Ok((data, sw))
    }
}

/// A protected command as the card reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// CLA (without the SM bits), INS, P1, P2.
    pub header: [u8; 4],
    pub data: Vec<u8>,
    /// How many bytes the command asks for (Le, with a short 0 read as 256 and an
    /// extended 0 as 65536), when it asks for data.
    pub le: Option<usize>,
}

impl Session {
    /// The card's side: checks a protected command's MAC and decrypts its data.
    pub fn unprotect_command(&mut self, apdu: &[u8]) -> Result<Command, SmError> {
        let ssc = self.next_ssc();
        if apdu.len() < 5 || apdu[0] & 0x0C != 0x0C {
            return Err(SmError::Malformed);
        }
        let header = [apdu[0], apdu[1], apdu[2], apdu[3]];
        // Extended length: a zero byte, then a two-byte Lc.
        let (lc, start) = if apdu[4] == 0 && apdu.len() > 7 {
            (usize::from(u16::from_be_bytes([apdu[5], apdu[6]])), 7)
        } else {
            (usize::from(apdu[4]), 5)
        };
        let body = apdu.get(start..start + lc).ok_or(SmError::Malformed)?;
        let mut data = Vec::new();
        let mut le = None;
        let mut covered = Vec::new();
        let mut cc: Option<&[u8]> = None;
        let mut rest = body;
        while !rest.is_empty() {
            let t = super::tlv::parse_first(rest).map_err(|_| SmError::Malformed)?;
            let whole = rest
                .get(..t.value_offset + t.value.len())
                .ok_or(SmError::Malformed)?;
            match (t.tag, t.value) {
                (0x87, [0x01, enc @ ..]) if enc.len().is_multiple_of(8) && !enc.is_empty() => {
                    data = unpad(&decrypt(&self.enc, enc))?.to_vec();
                    covered.extend_from_slice(whole);
                }
                (0x97, [n]) => {
                    le = Some(if *n == 0 { 256 } else { usize::from(*n) });
                    covered.extend_from_slice(whole);
                }
                (0x97, [a, b]) => {
                    let n = usize::from(u16::from_be_bytes([*a, *b]));
                    le = Some(if n == 0 { 0x1_0000 } else { n });
                    covered.extend_from_slice(whole);
                }
                (0x8E, v) => cc = Some(v),
                _ => return Err(SmError::Malformed),
            }
            rest = &rest[whole.len()..];
        }
        let mut n = ssc.to_vec();
        n.extend(pad(&header));
        n.extend(&covered);
        if cc != Some(&mac(&self.mac, &pad(&n))[..]) {
            return Err(SmError::BadMac);
        }
        Ok(Command {
            header: [header[0] & !0x0C, header[1], header[2], header[3]],
            data,
            le,
        })
    }

    /// The card's side: protects a response (data and status).
    #[must_use]
    pub fn protect_response(&mut self, data: &[u8], sw: [u8; 2]) -> Vec<u8> {
        let ssc = self.next_ssc();
        let mut dos = Vec::new();
        if !data.is_empty() {
            let enc = encrypt(&self.enc, &pad(data));
            dos.push(0x87);
            dos.extend(ber_len(enc.len() + 1));
            dos.push(0x01);
            dos.extend(enc);
        }
        dos.extend([0x99, 0x02, sw[0], sw[1]]);
        let mut k = ssc.to_vec();
        k.extend(&dos);
        let cc = mac(&self.mac, &pad(&k));
        dos.extend([0x8E, 0x08]);
        dos.extend(cc);
        dos.extend(sw);
        dos
    }
}

/// The card's answer to MUTUAL AUTHENTICATE, and its session: checks the terminal's
/// cryptogram, then returns `E.IC ‖ M.IC` over `RND.IC ‖ RND.IFD ‖ K.IC`.
pub fn card_authenticate(
    keys: &BacKeys,
    data: &[u8],
    rnd_ic: &[u8; 8],
    k_ic: &[u8; 16],
) -> Result<(Vec<u8>, Session), SmError> {
    if data.len() != 40 {
        return Err(SmError::Malformed);
    }
    let (e, m) = data.split_at(32);
    if mac(&keys.mac, &pad(e)) != m {
        return Err(SmError::AuthFailed);
    }
    let s = decrypt(&keys.enc, e);
    if s[8..16] != rnd_ic[..] {
        return Err(SmError::AuthFailed);
    }
    let rnd_ifd: [u8; 8] = s[..8].try_into().map_err(|_| SmError::Malformed)?;
    let mut r = Vec::with_capacity(32);
    r.extend_from_slice(rnd_ic);
    r.extend_from_slice(&rnd_ifd);
    r.extend_from_slice(k_ic);
    let e_ic = encrypt(&keys.enc, &r);
    let m_ic = mac(&keys.mac, &pad(&e_ic));
    let mut seed = [0u8; 16];
    for (i, b) in seed.iter_mut().enumerate() {
        *b = s[16 + i] ^ k_ic[i];
    }
    let mut ssc = [0u8; 8];
    ssc[..4].copy_from_slice(&rnd_ic[4..]);
    ssc[4..].copy_from_slice(&rnd_ifd[4..]);
    let mut answer = e_ic;
    answer.extend_from_slice(&m_ic);
    Ok((
        answer,
        Session {
            enc: derive(&seed, 1),
            mac: derive(&seed, 2),
            ssc: u64::from_be_bytes(ssc),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn arr<const N: usize>(s: &str) -> [u8; N] {
        hex(s).try_into().unwrap()
    }

    // ICAO Doc 9303-11, Appendix D (worked example of BAC and secure messaging).
    const MRZ_INFO: &str = "L898902C<369080619406236";

    #[test]
    fn key_derivation_from_the_mrz() {
        assert_eq!(
            key_seed(MRZ_INFO),
            arr::<16>("239AB9CB282DAF66231DC5A4DF6BFBAE")
        );
        let k = BacKeys::from_mrz_info(MRZ_INFO);
        assert_eq!(k.enc, arr::<16>("AB94FDECF2674FDFB9B391F85D7F76F2"));
        assert_eq!(k.mac, arr::<16>("7962D9ECE03D1ACD4C76089DCE131543"));
        assert_eq!(format!("{k:?}"), "BacKeys(..)");
    }

    #[test]
    fn mutual_authentication_and_session_keys() {
        let k = BacKeys::from_mrz_info(MRZ_INFO);
        let rnd_ic = arr::<8>("4608F91988702212");
        let rnd_ifd = arr::<8>("781723860C06C226");
        let k_ifd = arr::<16>("0B795240CB7049B01C19B33E32804F0B");
        let cmd = authenticate_data(&k, &rnd_ic, &rnd_ifd, &k_ifd);
        assert_eq!(
            cmd,
            hex("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A7")
        );
        let answer =
            hex("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449");
        let s = finish_authentication(&k, &answer, &rnd_ic, &rnd_ifd, &k_ifd).unwrap();
        assert_eq!(s.enc, arr::<16>("979EC13B1CBFE9DCD01AB0FED307EAE5"));
        assert_eq!(s.mac, arr::<16>("F1CB1F1FB5ADF208806B89DC579DC1F8"));
        assert_eq!(s.ssc, 0x8870_2212_0C06_C226);
        // A wrong key (another MRZ) is refused, and so is a tampered answer.
        let wrong = BacKeys::from_mrz_info("L898902C<369080619406237");
        assert_eq!(
            finish_authentication(&wrong, &answer, &rnd_ic, &rnd_ifd, &k_ifd),
            Err(SmError::AuthFailed)
        );
        let mut bad = answer.clone();
        bad[3] ^= 1;
        assert_eq!(
            finish_authentication(&k, &bad, &rnd_ic, &rnd_ifd, &k_ifd),
            Err(SmError::AuthFailed)
        );
    }

    fn session() -> Session {
        Session {
            enc: arr::<16>("979EC13B1CBFE9DCD01AB0FED307EAE5"),
            mac: arr::<16>("F1CB1F1FB5ADF208806B89DC579DC1F8"),
            ssc: 0x8870_2212_0C06_C226,
        }
    }

    #[test]
    fn select_and_read_binary_protected_and_unprotected() {
        let mut s = session();
        // SELECT EF.COM.
        let cmd = s.protect(&hex("00A4020C02011E")).unwrap();
        assert_eq!(
            cmd,
            hex("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")
        );
        let (data, sw) = s
            .unprotect(&hex("990290008E08FA855A5D4C50A8ED9000"))
            .unwrap();
        assert!(data.is_empty());
        assert_eq!(sw, [0x90, 0x00]);
        // READ BINARY, the first 4 bytes.
        let cmd = s.protect(&hex("00B0000004")).unwrap();
        assert_eq!(cmd, hex("0CB000000D9701048E08ED6705417E96BA5500"));
        let (data, sw) = s
            .unprotect(&hex(
                "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000",
            ))
            .unwrap();
        assert_eq!(data, hex("60145F01"));
        assert_eq!(sw, [0x90, 0x00]);
        assert_eq!(s.ssc, 0x8870_2212_0C06_C22A);
    }

    #[test]
    fn a_response_with_a_wrong_mac_or_no_status_is_refused() {
        let mut s = session();
        s.protect(&hex("00A4020C02011E")).unwrap();
        let mut s2 = s.clone();
        assert_eq!(
            s.unprotect(&hex("990290008E08FA855A5D4C50A8EE9000")),
            Err(SmError::BadMac)
        );
        assert_eq!(s2.unprotect(&hex("6982")), Err(SmError::BadMac));
        let mut s3 = session();
        for junk in [vec![], vec![0x90], hex("87FF"), hex("0102039000")] {
            assert!(s3.unprotect(&junk).is_err());
        }
    }

    #[test]
    fn the_card_side_mirrors_the_terminal_side() {
        let k = BacKeys::from_mrz_info(MRZ_INFO);
        let rnd_ic = arr::<8>("4608F91988702212");
        let rnd_ifd = arr::<8>("781723860C06C226");
        let k_ifd = arr::<16>("0B795240CB7049B01C19B33E32804F0B");
        let k_ic = arr::<16>("0B4F80323EB3191CB04970CB4052790B");
        let cmd = authenticate_data(&k, &rnd_ic, &rnd_ifd, &k_ifd);
        let (answer, mut card) = card_authenticate(&k, &cmd, &rnd_ic, &k_ic).unwrap();
        assert_eq!(
            answer,
            hex("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449")
        );
        let mut term = finish_authentication(&k, &answer, &rnd_ic, &rnd_ifd, &k_ifd).unwrap();
        assert_eq!(card, term);
        // SELECT EF.COM, as in the worked example, then READ BINARY.
        let apdu = term.protect(&hex("00A4020C02011E")).unwrap();
        assert_eq!(card.unprotect_command(&apdu).unwrap().data, hex("011E"));
        let resp = card.protect_response(&[], [0x90, 0x00]);
        assert_eq!(resp, hex("990290008E08FA855A5D4C50A8ED9000"));
        term.unprotect(&resp).unwrap();
        let apdu = term.protect(&hex("00B0000004")).unwrap();
        let c = card.unprotect_command(&apdu).unwrap();
        assert_eq!((c.header, c.le), ([0, 0xB0, 0, 0], Some(4)));
        let resp = card.protect_response(&hex("60145F01"), [0x90, 0x00]);
        assert_eq!(
            resp,
            hex("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")
        );
        assert_eq!(term.unprotect(&resp).unwrap().0, hex("60145F01"));
        // A tampered command is refused.
        let apdu = term.protect(&hex("00A4020C02011E")).unwrap();
        let mut bad = apdu.clone();
        bad[8] ^= 1;
        let mut card2 = card.clone();
        assert_eq!(card.unprotect_command(&apdu).unwrap().data, hex("011E"));
        assert!(card2.unprotect_command(&bad).is_err());
    }

    #[test]
    fn padding_round_trips() {
        for n in 0u8..20 {
            let data: Vec<u8> = (1..=n).collect();
            let p = pad(&data);
            assert_eq!(p.len() % 8, 0);
            assert_eq!(unpad(&p).unwrap(), &data[..]);
            assert_eq!(decrypt(&[7; 16], &encrypt(&[7; 16], &p)), p);
        }
        assert!(unpad(&[0; 8]).is_err());
        assert!(unpad(&[1, 2, 3, 4, 5, 6, 7, 8]).is_err());
    }
}
