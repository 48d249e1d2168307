//! X.509 certificates (RFC 5280) as an EF.SOD and a CSCA trust store carry them, read
//! with the TLV walker: serial, issuer, subject, public key, SKI and AKI; the object
//! identifiers passive authentication needs; and checking a signature (RSA PKCS#1 v1.5,
//! RSASSA-PSS, ECDSA on P-256 and P-384) with SHA-1 or SHA-2.
//!
//! Everything here reads untrusted bytes: nothing panics or indexes out of bounds, and
//! any structure that is not as it should be is an error naming the part and offset.

use p256::ecdsa::signature::hazmat::PrehashVerifier;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use super::tlv::{self, Tlv};

/// Object identifiers, as the content bytes of their DER encoding.
pub(crate) mod oid {
    /// 1.2.840.113549.1.7.2 signedData (CMS).
    pub const SIGNED_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];
    /// 2.23.136.1.1.1 ldsSecurityObject (ICAO 9303-10).
    pub const LDS_SECURITY_OBJECT: &[u8] = &[0x67, 0x81, 0x08, 0x01, 0x01, 0x01];
    /// 1.2.840.113549.1.9.3 contentType (a signed attribute).
    pub const CONTENT_TYPE: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x03];
    /// 1.2.840.113549.1.9.4 messageDigest (a signed attribute).
    pub const MESSAGE_DIGEST: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x04];
    /// 1.3.14.3.2.26
    pub const SHA1: &[u8] = &[0x2B, 0x0E, 0x03, 0x02, 0x1A];
    /// 2.16.840.1.101.3.4.2.4
    pub const SHA224: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04];
    /// 2.16.840.1.101.3.4.2.1
    pub const SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
    /// 2.16.840.1.101.3.4.2.2
    pub const SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
    /// 2.16.840.1.101.3.4.2.3
    pub const SHA512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03];
    /// 1.2.840.113549.1.1.1 rsaEncryption.
    pub const RSA_ENCRYPTION: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
    /// 1.2.840.113549.1.1.5 sha1WithRSAEncryption.
    pub const SHA1_WITH_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x05];
    /// 1.2.840.113549.1.1.14 sha224WithRSAEncryption.
    pub const SHA224_WITH_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0E];
    /// 1.2.840.113549.1.1.11 sha256WithRSAEncryption.
    pub const SHA256_WITH_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B];
    /// 1.2.840.113549.1.1.12 sha384WithRSAEncryption.
    pub const SHA384_WITH_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0C];
    /// 1.2.840.113549.1.1.13 sha512WithRSAEncryption.
    pub const SHA512_WITH_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0D];
    /// 1.2.840.113549.1.1.10 RSASSA-PSS.
    pub const RSASSA_PSS: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A];
    /// 1.2.840.113549.1.1.8 MGF1.
    pub const MGF1: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x08];
    /// 1.2.840.10045.2.1 ecPublicKey.
    pub const EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
    /// 1.2.840.10045.4.1 ecdsa-with-SHA1.
    pub const ECDSA_WITH_SHA1: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x01];
    /// 1.2.840.10045.4.3.1 ecdsa-with-SHA224.
    pub const ECDSA_WITH_SHA224: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x01];
    /// 1.2.840.10045.4.3.2 ecdsa-with-SHA256.
    pub const ECDSA_WITH_SHA256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02];
    /// 1.2.840.10045.4.3.3 ecdsa-with-SHA384.
    pub const ECDSA_WITH_SHA384: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03];
    /// 1.2.840.10045.4.3.4 ecdsa-with-SHA512.
    pub const ECDSA_WITH_SHA512: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x04];
    /// 1.2.840.10045.1.1 prime-field (explicit curve parameters).
    pub const PRIME_FIELD: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x01, 0x01];
    /// 1.2.840.10045.3.1.7 prime256v1 (P-256).
    pub const P256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
    /// 1.3.132.0.34 secp384r1 (P-384).
    pub const P384: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x22];
    /// 2.5.29.14 subjectKeyIdentifier.
    pub const SKI: &[u8] = &[0x55, 0x1D, 0x0E];
    /// 2.5.29.35 authorityKeyIdentifier.
    pub const AKI: &[u8] = &[0x55, 0x1D, 0x23];
    /// 2.5.29.19 basicConstraints.
    pub const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1D, 0x13];
    /// 2.5.29.15 keyUsage.
    pub const KEY_USAGE: &[u8] = &[0x55, 0x1D, 0x0F];
    /// 2.5.4.3 commonName.
    pub const AT_CN: &[u8] = &[0x55, 0x04, 0x03];
    /// 2.5.4.6 countryName.
    pub const AT_C: &[u8] = &[0x55, 0x04, 0x06];
    /// 2.5.4.10 organizationName.
    pub const AT_O: &[u8] = &[0x55, 0x04, 0x0A];
}

/// DER tags used here.
pub(crate) mod tag {
    pub const BOOLEAN: u32 = 0x01;
    pub const INTEGER: u32 = 0x02;
    pub const BIT_STRING: u32 = 0x03;
    pub const OCTET_STRING: u32 = 0x04;
    pub const NULL: u32 = 0x05;
    pub const OID: u32 = 0x06;
    pub const SEQUENCE: u32 = 0x30;
    pub const SET: u32 = 0x31;
    /// `[0]` constructed (EXPLICIT, or IMPLICIT of a constructed type).
    pub const CTX0: u32 = 0xA0;
    /// `[1]` constructed.
    pub const CTX1: u32 = 0xA1;
    /// `[2]` constructed.
    pub const CTX2: u32 = 0xA2;
    /// `[3]` constructed.
    pub const CTX3: u32 = 0xA3;
    /// `[0]` primitive (IMPLICIT OCTET STRING: a key identifier).
    pub const CTX0_PRIM: u32 = 0x80;
}

/// Where a structure is not what it should be: the part (an ASN.1 path such as
/// `SignerInfo.signature`) and the offset in the bytes given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("malformed {part} at offset {offset}")]
pub struct Malformed {
    /// The ASN.1 part.
    pub part: &'static str,
    /// Offset of the element (or of the TLV error) in the bytes given.
    pub offset: usize,
}

pub(crate) type Der<T> = Result<T, Malformed>;

pub(crate) fn malformed(part: &'static str, offset: usize) -> Malformed {
    Malformed { part, offset }
}

fn from_tlv(part: &'static str) -> impl Fn(tlv::TlvError) -> Malformed {
    move |e| malformed(part, e.offset)
}

/// The first element of `bytes`, which must be all of it.
pub(crate) fn single<'a>(bytes: &'a [u8], want: u32, part: &'static str) -> Der<Tlv<'a>> {
    let t = tlv::parse_first(bytes).map_err(from_tlv(part))?;
    if t.tag != want || t.value_offset.saturating_add(t.value.len()) != bytes.len() {
        return Err(malformed(part, 0));
    }
    Ok(t)
}

/// The elements inside a constructed element, taken in order with their expected tags.
pub(crate) struct Fields<'a> {
    items: Vec<Tlv<'a>>,
    next: usize,
    end: usize,
}

impl<'a> Fields<'a> {
    /// The children of `t`, which must have tag `want`.
    pub(crate) fn of(t: &Tlv<'a>, want: u32, part: &'static str) -> Der<Self> {
        if t.tag != want {
            return Err(malformed(part, t.offset));
        }
        let items = tlv::children(t).map_err(from_tlv(part))?;
        Ok(Self {
            items,
            next: 0,
            end: t.value_offset.saturating_add(t.value.len()),
        })
    }

    fn peek(&self) -> Option<&Tlv<'a>> {
        self.items.get(self.next)
    }

    /// The next element, which must be there with tag `want`.
    pub(crate) fn take(&mut self, want: u32, part: &'static str) -> Der<Tlv<'a>> {
        match self.peek() {
            Some(t) if t.tag == want => {
                let t = *t;
                self.next += 1;
                Ok(t)
            }
            Some(t) => Err(malformed(part, t.offset)),
            None => Err(malformed(part, self.end)),
        }
    }

    /// The next element if it has tag `want`.
    pub(crate) fn optional(&mut self, want: u32) -> Option<Tlv<'a>> {
        let t = *self.peek().filter(|t| t.tag == want)?;
        self.next += 1;
        Some(t)
    }

    /// The elements not taken yet.
    pub(crate) fn rest(&mut self) -> Vec<Tlv<'a>> {
        let rest = self.items.get(self.next..).unwrap_or_default().to_vec();
        self.next = self.items.len();
        rest
    }

    /// Nothing may be left.
    pub(crate) fn finish(&self, part: &'static str) -> Der<()> {
        match self.peek() {
            Some(t) => Err(malformed(part, t.offset)),
            None => Ok(()),
        }
    }
}

/// The children of `t` (tag `want`).
pub(crate) fn items<'a>(t: &Tlv<'a>, want: u32, part: &'static str) -> Der<Vec<Tlv<'a>>> {
    Ok(Fields::of(t, want, part)?.rest())
}

/// An OBJECT IDENTIFIER's content bytes.
pub(crate) fn oid_of<'a>(t: &Tlv<'a>, part: &'static str) -> Der<&'a [u8]> {
    if t.tag != tag::OID || t.value.is_empty() || t.value.last().is_some_and(|b| b & 0x80 != 0) {
        return Err(malformed(part, t.offset));
    }
    Ok(t.value)
}

/// A non-negative INTEGER's magnitude, without leading zero bytes (zero is empty).
pub(crate) fn unsigned<'a>(t: &Tlv<'a>, part: &'static str) -> Der<&'a [u8]> {
    if t.tag != tag::INTEGER || t.value.first().is_none_or(|b| b & 0x80 != 0) {
        return Err(malformed(part, t.offset));
    }
    let zeros = t.value.iter().take_while(|&&b| b == 0).count();
    Ok(t.value.get(zeros..).unwrap_or_default())
}

/// A small non-negative INTEGER (versions, data group numbers, salt lengths).
pub(crate) fn small_uint(t: &Tlv<'_>, part: &'static str) -> Der<u32> {
    let mag = unsigned(t, part)?;
    if mag.len() > 4 {
        return Err(malformed(part, t.offset));
    }
    Ok(mag.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
}

/// Any INTEGER (a version: its value is not checked).
pub(crate) fn integer(t: &Tlv<'_>, part: &'static str) -> Der<()> {
    if t.tag != tag::INTEGER || t.value.is_empty() {
        return Err(malformed(part, t.offset));
    }
    Ok(())
}

/// A BIT STRING's bytes, which must have no unused bits.
pub(crate) fn bit_string<'a>(t: &Tlv<'a>, part: &'static str) -> Der<&'a [u8]> {
    match t.value.split_first() {
        Some((0, bits)) if t.tag == tag::BIT_STRING => Ok(bits),
        _ => Err(malformed(part, t.offset)),
    }
}

/// An OCTET STRING's bytes.
pub(crate) fn octets<'a>(t: &Tlv<'a>, part: &'static str) -> Der<&'a [u8]> {
    if t.tag != tag::OCTET_STRING {
        return Err(malformed(part, t.offset));
    }
    Ok(t.value)
}

/// Upper-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02X}");
            out
        })
}

/// The dotted form of an OID's content bytes (`2.23.136.1.1.1`).
#[must_use]
pub fn oid_to_string(content: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut acc: u64 = 0;
    for &b in content {
        if acc > (u64::MAX >> 7) {
            return "(invalid OID)".into();
        }
        acc = (acc << 7) | u64::from(b & 0x7F);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (acc / 40).min(2);
                arcs.push(first);
                arcs.push(acc - first * 40);
            } else {
                arcs.push(acc);
            }
            acc = 0;
        }
    }
    if arcs.is_empty() || content.last().is_some_and(|b| b & 0x80 != 0) {
        return "(invalid OID)".into();
    }
    arcs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// An AlgorithmIdentifier: the OID and its parameters (absent or NULL is `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AlgId<'a> {
    pub oid: &'a [u8],
    pub params: Option<Tlv<'a>>,
}

impl<'a> AlgId<'a> {
    pub(crate) fn parse(t: &Tlv<'a>, part: &'static str) -> Der<Self> {
        let mut f = Fields::of(t, tag::SEQUENCE, part)?;
        let oid = oid_of(&f.take(tag::OID, part)?, part)?;
        let params = f.rest();
        let params = match params.as_slice() {
            [] => None,
            [p] if p.tag == tag::NULL && p.value.is_empty() => None,
            [p] => Some(*p),
            [_, extra, ..] => return Err(malformed(part, extra.offset)),
        };
        Ok(Self { oid, params })
    }
}

/// A hash function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    pub(crate) fn from_oid(oid: &[u8]) -> Option<Self> {
        Some(match oid {
            oid::SHA1 => Hash::Sha1,
            oid::SHA224 => Hash::Sha224,
            oid::SHA256 => Hash::Sha256,
            oid::SHA384 => Hash::Sha384,
            oid::SHA512 => Hash::Sha512,
            _ => return None,
        })
    }

    pub(crate) const fn oid(self) -> &'static [u8] {
        match self {
            Hash::Sha1 => oid::SHA1,
            Hash::Sha224 => oid::SHA224,
            Hash::Sha256 => oid::SHA256,
            Hash::Sha384 => oid::SHA384,
            Hash::Sha512 => oid::SHA512,
        }
    }

    pub(crate) const fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA-1",
            Hash::Sha224 => "SHA-224",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }

    pub(crate) fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => Sha1::digest(data).to_vec(),
            Hash::Sha224 => Sha224::digest(data).to_vec(),
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha384 => Sha384::digest(data).to_vec(),
            Hash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }
}

/// A readable name for an algorithm OID we do not support.
fn algorithm_name(oid: &[u8]) -> String {
    const NAMES: &[(&[u8], &str)] = &[
        // 1.3.36.3.3.2.8.1.1.x: the Brainpool curves, common on other countries' cards.
        (
            &[0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07],
            "brainpoolP256r1",
        ),
        (
            &[0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x09],
            "brainpoolP320r1",
        ),
        (
            &[0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0B],
            "brainpoolP384r1",
        ),
        (
            &[0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0D],
            "brainpoolP512r1",
        ),
        (&[0x2B, 0x81, 0x04, 0x00, 0x21], "P-224"),
        (&[0x2B, 0x81, 0x04, 0x00, 0x23], "P-521"),
        (&[0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01], "DSA"),
    ];
    NAMES
        .iter()
        .find(|(o, _)| *o == oid)
        .map_or_else(|| oid_to_string(oid), |(_, n)| (*n).to_string())
}

/// The curves we verify on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Curve {
    P256,
    P384,
}

impl Curve {
    const fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
        }
    }

    const fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
        }
    }

    /// The field prime.
    pub(crate) const fn prime(self) -> &'static [u8] {
        match self {
            Curve::P256 => &[
                0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                0xFF, 0xFF, 0xFF, 0xFF,
            ],
            Curve::P384 => &[
                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0xFF, 0xFF, 0xFF, 0xFF,
            ],
        }
    }

    /// The generator as a SEC1 point (the public key of the private scalar 1).
    pub(crate) fn generator(self, compressed: bool) -> Vec<u8> {
        let mut one = vec![0u8; self.field_len()];
        if let Some(last) = one.last_mut() {
            *last = 1;
        }
        match self {
            Curve::P256 => p256::ecdsa::SigningKey::from_slice(&one)
                .map(|k| {
                    k.verifying_key()
                        .to_sec1_point(compressed)
                        .as_bytes()
                        .to_vec()
                })
                .unwrap_or_default(),
            Curve::P384 => p384::ecdsa::SigningKey::from_slice(&one)
                .map(|k| {
                    k.verifying_key()
                        .to_sec1_point(compressed)
                        .as_bytes()
                        .to_vec()
                })
                .unwrap_or_default(),
        }
    }
}

/// A subject public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    /// Modulus and public exponent, big-endian, no leading zeros.
    Rsa { n: Vec<u8>, e: Vec<u8> },
    /// A SEC1 point on a curve we support.
    Ec { curve: Curve, point: Vec<u8> },
    /// Something we cannot verify with; what it is, readable.
    Unsupported(String),
}

impl Key {
    /// Reads a SubjectPublicKeyInfo.
    fn parse(info: &Tlv<'_>) -> Der<Self> {
        const PART: &str = "SubjectPublicKeyInfo";
        let mut fields = Fields::of(info, tag::SEQUENCE, PART)?;
        let alg = AlgId::parse(&fields.take(tag::SEQUENCE, PART)?, PART)?;
        let bits_tlv = fields.take(tag::BIT_STRING, PART)?;
        let bits = bit_string(&bits_tlv, PART)?;
        fields.finish(PART)?;
        match alg.oid {
            oid::RSA_ENCRYPTION | oid::RSASSA_PSS => {
                const RSA: &str = "RSAPublicKey";
                // Offsets inside the BIT STRING count from its content.
                let shift = |e: Malformed| malformed(e.part, bits_tlv.value_offset + 1 + e.offset);
                let key = single(bits, tag::SEQUENCE, RSA).map_err(shift)?;
                let mut parts = Fields::of(&key, tag::SEQUENCE, RSA).map_err(shift)?;
                let modulus = parts.take(tag::INTEGER, RSA).map_err(shift)?;
                let exponent = parts.take(tag::INTEGER, RSA).map_err(shift)?;
                parts.finish(RSA).map_err(shift)?;
                Ok(Key::Rsa {
                    n: unsigned(&modulus, RSA).map_err(shift)?.to_vec(),
                    e: unsigned(&exponent, RSA).map_err(shift)?.to_vec(),
                })
            }
            oid::EC_PUBLIC_KEY => {
                let curve = match alg.params {
                    Some(p) if p.tag == tag::OID => match p.value {
                        oid::P256 => Ok(Curve::P256),
                        oid::P384 => Ok(Curve::P384),
                        other => Err(format!("ECDSA {}", algorithm_name(other))),
                    },
                    Some(p) if p.tag == tag::SEQUENCE => explicit_curve(&p),
                    _ => Err("ECDSA (curve not named)".to_string()),
                };
                Ok(match curve {
                    Ok(curve) => Key::Ec {
                        curve,
                        point: bits.to_vec(),
                    },
                    Err(what) => Key::Unsupported(what),
                })
            }
            other => Ok(Key::Unsupported(algorithm_name(other))),
        }
    }

    /// What the key is, readable: `P-256`, `RSA 2048`.
    fn describe(&self) -> String {
        match self {
            Key::Rsa { n, .. } => {
                let bits = n.len() * 8
                    - n.first()
                        .map_or(0, |b| usize::try_from(b.leading_zeros()).unwrap_or(0));
                format!("RSA {bits}")
            }
            Key::Ec { curve, .. } => curve.name().to_string(),
            Key::Unsupported(what) => what.clone(),
        }
    }
}

/// Explicit curve parameters (ECParameters): P-256 or P-384 when the prime and the
/// generator are theirs.
fn explicit_curve(p: &Tlv<'_>) -> Result<Curve, String> {
    let unsupported = || "ECDSA (explicit curve parameters)".to_string();
    let read = || -> Der<(Vec<u8>, Vec<u8>)> {
        const PART: &str = "ECParameters";
        let mut f = Fields::of(p, tag::SEQUENCE, PART)?;
        f.take(tag::INTEGER, PART)?;
        let mut field = Fields::of(&f.take(tag::SEQUENCE, PART)?, tag::SEQUENCE, PART)?;
        if oid_of(&field.take(tag::OID, PART)?, PART)? != oid::PRIME_FIELD {
            return Err(malformed(PART, p.offset));
        }
        let prime = unsigned(&field.take(tag::INTEGER, PART)?, PART)?.to_vec();
        f.take(tag::SEQUENCE, PART)?;
        let base = octets(&f.take(tag::OCTET_STRING, PART)?, PART)?.to_vec();
        Ok((prime, base))
    };
    let (prime, base) = read().map_err(|_| unsupported())?;
    [Curve::P256, Curve::P384]
        .into_iter()
        .find(|c| {
            c.prime() == prime.as_slice()
                && (base == c.generator(false) || base == c.generator(true))
        })
        .ok_or_else(unsupported)
}

/// A signature scheme with its hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    RsaPkcs1(Hash),
    RsaPss { hash: Hash, salt: usize },
    Ecdsa(Hash),
}

impl Scheme {
    /// The scheme a signature AlgorithmIdentifier names. `digest` is the CMS digest
    /// algorithm, which gives the hash when the OID names only the key type
    /// (`rsaEncryption`, `ecPublicKey`). An unsupported scheme is `Err(name)`.
    pub(crate) fn from_alg(alg: &AlgId<'_>, digest: Option<Hash>) -> Result<Self, String> {
        let from_digest = |make: fn(Hash) -> Scheme, what: &str| {
            digest
                .map(make)
                .ok_or_else(|| format!("{what} with an unsupported digest"))
        };
        Ok(match alg.oid {
            oid::SHA1_WITH_RSA => Scheme::RsaPkcs1(Hash::Sha1),
            oid::SHA224_WITH_RSA => Scheme::RsaPkcs1(Hash::Sha224),
            oid::SHA256_WITH_RSA => Scheme::RsaPkcs1(Hash::Sha256),
            oid::SHA384_WITH_RSA => Scheme::RsaPkcs1(Hash::Sha384),
            oid::SHA512_WITH_RSA => Scheme::RsaPkcs1(Hash::Sha512),
            oid::RSA_ENCRYPTION => from_digest(Scheme::RsaPkcs1, "RSA PKCS#1 v1.5")?,
            oid::ECDSA_WITH_SHA1 => Scheme::Ecdsa(Hash::Sha1),
            oid::ECDSA_WITH_SHA224 => Scheme::Ecdsa(Hash::Sha224),
            oid::ECDSA_WITH_SHA256 => Scheme::Ecdsa(Hash::Sha256),
            oid::ECDSA_WITH_SHA384 => Scheme::Ecdsa(Hash::Sha384),
            oid::ECDSA_WITH_SHA512 => Scheme::Ecdsa(Hash::Sha512),
            oid::EC_PUBLIC_KEY => from_digest(Scheme::Ecdsa, "ECDSA")?,
            oid::RSASSA_PSS => pss_params(alg.params.as_ref())?,
            other => return Err(algorithm_name(other)),
        })
    }

    const fn hash(self) -> Hash {
        match self {
            Scheme::RsaPkcs1(h) | Scheme::RsaPss { hash: h, .. } | Scheme::Ecdsa(h) => h,
        }
    }

    /// A readable name: `ECDSA P-256 with SHA-256`, `RSASSA-PSS with SHA-256`.
    pub(crate) fn describe(self, key: Option<&Key>) -> String {
        let hash = self.hash().name();
        match self {
            Scheme::RsaPkcs1(_) => format!("RSA PKCS#1 v1.5 with {hash}"),
            Scheme::RsaPss { .. } => format!("RSASSA-PSS with {hash}"),
            Scheme::Ecdsa(_) => match key {
                Some(Key::Ec { curve, .. }) => format!("ECDSA {} with {hash}", curve.name()),
                Some(Key::Unsupported(what)) if what.starts_with("ECDSA") => {
                    format!("{what} with {hash}")
                }
                _ => format!("ECDSA with {hash}"),
            },
        }
    }
}

/// RSASSA-PSS-params (RFC 4055): hash `[0]` (default SHA-1), mask generation `[1]`
/// (default MGF1 with SHA-1; only MGF1 with the same hash is supported), salt length
/// `[2]` (default 20), trailer field `[3]` (must be 1).
fn pss_params(params: Option<&Tlv<'_>>) -> Result<Scheme, String> {
    const PART: &str = "RSASSA-PSS-params";
    let bad = || "RSASSA-PSS (unreadable parameters)".to_string();
    let Some(p) = params else {
        return Ok(Scheme::RsaPss {
            hash: Hash::Sha1,
            salt: 20,
        });
    };
    let mut f = Fields::of(p, tag::SEQUENCE, PART).map_err(|_| bad())?;
    // An explicitly tagged AlgorithmIdentifier: its OID and its parameters' whole TLV.
    let explicit_alg = |t: Tlv<'_>| -> Result<(Vec<u8>, Option<Vec<u8>>), String> {
        let inner = single(t.value, tag::SEQUENCE, PART).map_err(|_| bad())?;
        let alg = AlgId::parse(&inner, PART).map_err(|_| bad())?;
        let params = alg
            .params
            .map(|p| tlv::raw(t.value, &p).map(<[u8]>::to_vec).ok_or_else(bad))
            .transpose()?;
        Ok((alg.oid.to_vec(), params))
    };
    let hash = match f.optional(tag::CTX0) {
        Some(t) => {
            let (oid, _) = explicit_alg(t)?;
            Hash::from_oid(&oid)
                .ok_or_else(|| format!("RSASSA-PSS with {}", algorithm_name(&oid)))?
        }
        None => Hash::Sha1,
    };
    let mgf_hash = match f.optional(tag::CTX1) {
        Some(t) => {
            let (oid, params) = explicit_alg(t)?;
            if oid != oid::MGF1 {
                return Err(format!("RSASSA-PSS with mask {}", algorithm_name(&oid)));
            }
            // MGF1's parameter is the hash's AlgorithmIdentifier.
            let params = params.ok_or_else(bad)?;
            let inner = single(&params, tag::SEQUENCE, PART).map_err(|_| bad())?;
            let h = AlgId::parse(&inner, PART).map_err(|_| bad())?;
            Hash::from_oid(h.oid)
                .ok_or_else(|| format!("RSASSA-PSS with MGF1 {}", algorithm_name(h.oid)))?
        }
        None => Hash::Sha1,
    };
    if mgf_hash != hash {
        return Err(format!(
            "RSASSA-PSS with {} and MGF1 {}",
            hash.name(),
            mgf_hash.name()
        ));
    }
    let salt = match f.optional(tag::CTX2) {
        Some(t) => {
            let n = single(t.value, tag::INTEGER, PART)
                .and_then(|i| small_uint(&i, PART))
                .map_err(|_| bad())?;
            usize::try_from(n).map_err(|_| bad())?
        }
        None => 20,
    };
    if let Some(t) = f.optional(tag::CTX3) {
        let trailer = single(t.value, tag::INTEGER, PART)
            .and_then(|i| small_uint(&i, PART))
            .map_err(|_| bad())?;
        if trailer != 1 {
            return Err(format!("RSASSA-PSS with trailer field {trailer}"));
        }
    }
    f.finish(PART).map_err(|_| bad())?;
    Ok(Scheme::RsaPss { hash, salt })
}

/// The outcome of checking one signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Check {
    Valid,
    Invalid,
    /// Cannot be checked here; the algorithm or key, readable.
    Unsupported(String),
}

/// Checks `sig` over `message` with `key` under `scheme`.
pub(crate) fn check(key: &Key, scheme: Scheme, message: &[u8], sig: &[u8]) -> Check {
    let hashed = scheme.hash().digest(message);
    match (key, scheme) {
        (Key::Unsupported(what), _) => Check::Unsupported(what.clone()),
        (Key::Rsa { n, e }, Scheme::RsaPkcs1(h)) => rsa_check(n, e, h, None, &hashed, sig),
        (Key::Rsa { n, e }, Scheme::RsaPss { hash, salt }) => {
            rsa_check(n, e, hash, Some(salt), &hashed, sig)
        }
        (Key::Ec { curve, point }, Scheme::Ecdsa(_)) => {
            let Some(fixed) = ecdsa_fixed(sig, curve.field_len()) else {
                return Check::Invalid;
            };
            let ok = match curve {
                Curve::P256 => {
                    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(point);
                    let s = p256::ecdsa::Signature::from_slice(&fixed);
                    matches!((vk, s), (Ok(vk), Ok(s)) if vk.verify_prehash(&hashed, &s).is_ok())
                }
                Curve::P384 => {
                    let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(point);
                    let s = p384::ecdsa::Signature::from_slice(&fixed);
                    matches!((vk, s), (Ok(vk), Ok(s)) if vk.verify_prehash(&hashed, &s).is_ok())
                }
            };
            if ok { Check::Valid } else { Check::Invalid }
        }
        // A key of one kind with a scheme of the other: it cannot have signed this.
        _ => Check::Invalid,
    }
}

/// An ECDSA-Sig-Value (`SEQUENCE { r INTEGER, s INTEGER }`) as `r ‖ s`, each padded to
/// the field length.
fn ecdsa_fixed(sig: &[u8], field_len: usize) -> Option<Vec<u8>> {
    const PART: &str = "ECDSA-Sig-Value";
    let seq = single(sig, tag::SEQUENCE, PART).ok()?;
    let mut f = Fields::of(&seq, tag::SEQUENCE, PART).ok()?;
    let r = unsigned(&f.take(tag::INTEGER, PART).ok()?, PART).ok()?;
    let s = unsigned(&f.take(tag::INTEGER, PART).ok()?, PART).ok()?;
    f.finish(PART).ok()?;
    let mut out = vec![0u8; field_len * 2];
    for (i, v) in [r, s].into_iter().enumerate() {
        let pad = field_len.checked_sub(v.len())?;
        out.get_mut(i * field_len + pad..(i + 1) * field_len)?
            .copy_from_slice(v);
    }
    Some(out)
}

fn rsa_check(
    n: &[u8],
    e: &[u8],
    hash: Hash,
    pss_salt: Option<usize>,
    hashed: &[u8],
    sig: &[u8],
) -> Check {
    use rsa::{BoxedUint, Pkcs1v15Sign, PublicKey, pss::Pss};
    const MIN_BITS: usize = 1024;
    const MAX_BITS: usize = 8192;
    if n.is_empty() || n.len() > MAX_BITS / 8 || e.is_empty() || e.len() > 8 {
        return Check::Unsupported(format!("RSA key of {} bytes", n.len()));
    }
    let key = PublicKey::new_with_size_limits(
        BoxedUint::from_be_slice_vartime(n),
        BoxedUint::from_be_slice_vartime(e),
        MIN_BITS..=MAX_BITS,
    );
    let key = match key {
        Ok(k) => k,
        Err(rsa::Error::ModulusTooSmall | rsa::Error::ModulusTooLarge) => {
            return Check::Unsupported(format!("RSA key of {} bits", n.len() * 8));
        }
        Err(_) => return Check::Invalid,
    };
    let ok = match (hash, pss_salt) {
        (Hash::Sha1, None) => key.verify(Pkcs1v15Sign::new::<Sha1>(), hashed, sig),
        (Hash::Sha224, None) => key.verify(Pkcs1v15Sign::new::<Sha224>(), hashed, sig),
        (Hash::Sha256, None) => key.verify(Pkcs1v15Sign::new::<Sha256>(), hashed, sig),
        (Hash::Sha384, None) => key.verify(Pkcs1v15Sign::new::<Sha384>(), hashed, sig),
        (Hash::Sha512, None) => key.verify(Pkcs1v15Sign::new::<Sha512>(), hashed, sig),
        (Hash::Sha1, Some(s)) => key.verify(Pss::<Sha1>::new_with_salt(s), hashed, sig),
        (Hash::Sha224, Some(s)) => key.verify(Pss::<Sha224>::new_with_salt(s), hashed, sig),
        (Hash::Sha256, Some(s)) => key.verify(Pss::<Sha256>::new_with_salt(s), hashed, sig),
        (Hash::Sha384, Some(s)) => key.verify(Pss::<Sha384>::new_with_salt(s), hashed, sig),
        (Hash::Sha512, Some(s)) => key.verify(Pss::<Sha512>::new_with_salt(s), hashed, sig),
    };
    if ok.is_ok() {
        Check::Valid
    } else {
        Check::Invalid
    }
}

/// An X.509 certificate, read far enough to match and verify it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: Vec<u8>,
    serial: Vec<u8>,
    issuer: Vec<u8>,
    subject: Vec<u8>,
    key: Key,
    ski: Option<Vec<u8>>,
    aki: Option<Vec<u8>>,
    /// The outer signatureAlgorithm: its OID and parameters' whole TLV.
    sig_oid: Vec<u8>,
    sig_params: Option<Vec<u8>>,
    signature: Vec<u8>,
}

impl Certificate {
    /// Reads a DER certificate (nothing may follow it).
    pub fn from_der(der: &[u8]) -> Result<Self, Malformed> {
        const PART: &str = "Certificate";
        const TBS: &str = "TBSCertificate";
        let cert = single(der, tag::SEQUENCE, PART)?;
        let mut f = Fields::of(&cert, tag::SEQUENCE, PART)?;
        let tbs_tlv = f.take(tag::SEQUENCE, TBS)?;
        let outer_alg_tlv = f.take(tag::SEQUENCE, "Certificate.signatureAlgorithm")?;
        let outer_alg = AlgId::parse(&outer_alg_tlv, "Certificate.signatureAlgorithm")?;
        let signature = bit_string(&f.take(tag::BIT_STRING, PART)?, "Certificate.signature")?;
        f.finish(PART)?;

        let mut t = Fields::of(&tbs_tlv, tag::SEQUENCE, TBS)?;
        if let Some(v) = t.optional(tag::CTX0) {
            let version = single(v.value, tag::INTEGER, "TBSCertificate.version")
                .and_then(|i| small_uint(&i, "TBSCertificate.version"))
                .map_err(|e| malformed(e.part, v.offset))?;
            if version > 2 {
                return Err(malformed("TBSCertificate.version", v.offset));
            }
        }
        let serial_tlv = t.take(tag::INTEGER, "TBSCertificate.serialNumber")?;
        integer(&serial_tlv, "TBSCertificate.serialNumber")?;
        let inner_alg_tlv = t.take(tag::SEQUENCE, "TBSCertificate.signature")?;
        // The two algorithm fields must be the same (RFC 5280 §4.1.1.2); NULL and
        // absent parameters count as the same.
        let inner_alg = AlgId::parse(&inner_alg_tlv, "TBSCertificate.signature")?;
        let same_params = inner_alg.params.map(|p| (p.tag, p.value))
            == outer_alg.params.map(|p| (p.tag, p.value));
        if inner_alg.oid != outer_alg.oid || !same_params {
            return Err(malformed(
                "Certificate.signatureAlgorithm",
                outer_alg_tlv.offset,
            ));
        }
        let issuer = t.take(tag::SEQUENCE, "TBSCertificate.issuer")?;
        t.take(tag::SEQUENCE, "TBSCertificate.validity")?;
        let subject = t.take(tag::SEQUENCE, "TBSCertificate.subject")?;
        let key = Key::parse(&t.take(tag::SEQUENCE, "SubjectPublicKeyInfo")?)?;
        // issuerUniqueID [1] and subjectUniqueID [2], primitive or constructed: skipped.
        for unique in [0x81, tag::CTX1, 0x82, tag::CTX2] {
            t.optional(unique);
        }
        let (mut ski, mut aki) = (None, None);
        if let Some(ext) = t.optional(tag::CTX3) {
            let list = single(ext.value, tag::SEQUENCE, "TBSCertificate.extensions")
                .map_err(|e| malformed(e.part, ext.value_offset + e.offset))?;
            // Offsets inside count from the [3]'s content.
            let shift = |e: Malformed| malformed(e.part, ext.value_offset + e.offset);
            for item in items(&list, tag::SEQUENCE, "Extensions").map_err(shift)? {
                let (id, value) = extension(&item).map_err(shift)?;
                match id {
                    oid::SKI => {
                        let v = single(value, tag::OCTET_STRING, "SubjectKeyIdentifier")
                            .map_err(|e| malformed(e.part, item.offset + ext.value_offset))?;
                        ski = Some(v.value.to_vec());
                    }
                    oid::AKI => {
                        aki = authority_key_id(value)
                            .map_err(|e| malformed(e.part, item.offset + ext.value_offset))?;
                    }
                    _ => {}
                }
            }
        }
        t.finish(TBS)?;
        let raw = |x: &Tlv<'_>| tlv::raw(der, x).map(<[u8]>::to_vec).unwrap_or_default();
        Ok(Self {
            der: der.to_vec(),
            tbs: raw(&tbs_tlv),
            serial: serial_tlv.value.to_vec(),
            issuer: raw(&issuer),
            subject: raw(&subject),
            key,
            ski,
            aki,
            sig_oid: outer_alg.oid.to_vec(),
            sig_params: outer_alg.params.map(|p| raw(&p)),
            signature: signature.to_vec(),
        })
    }

    /// The certificate's DER bytes.
    #[must_use]
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The subject, readable (`C=VN, O=…, CN=…`).
    #[must_use]
    pub fn subject(&self) -> String {
        name_to_string(&self.subject)
    }

    /// The issuer, readable.
    #[must_use]
    pub fn issuer(&self) -> String {
        name_to_string(&self.issuer)
    }

    /// The serial number in hex.
    #[must_use]
    pub fn serial_hex(&self) -> String {
        hex(&self.serial)
    }

    /// What the public key is, readable (`P-256`, `RSA 2048`).
    #[must_use]
    pub fn key_description(&self) -> String {
        self.key.describe()
    }

    pub(crate) fn serial_raw(&self) -> &[u8] {
        &self.serial
    }

    pub(crate) fn issuer_der(&self) -> &[u8] {
        &self.issuer
    }

    pub(crate) fn subject_der(&self) -> &[u8] {
        &self.subject
    }

    pub(crate) fn key(&self) -> &Key {
        &self.key
    }

    pub(crate) fn ski(&self) -> Option<&[u8]> {
        self.ski.as_deref()
    }

    pub(crate) fn aki(&self) -> Option<&[u8]> {
        self.aki.as_deref()
    }

    /// Checks this certificate's signature with `issuer_key`.
    pub(crate) fn check_signed_by(&self, issuer_key: &Key) -> Check {
        let params = self
            .sig_params
            .as_deref()
            .and_then(|p| tlv::parse_first(p).ok());
        let alg = AlgId {
            oid: &self.sig_oid,
            params,
        };
        // A certificate's algorithm names its hash: no CMS digest to fall back on.
        match Scheme::from_alg(&alg, None) {
            Ok(scheme) => check(issuer_key, scheme, &self.tbs, &self.signature),
            Err(what) => Check::Unsupported(what),
        }
    }
}

/// One Extension: its OID and the extnValue's content.
fn extension<'a>(t: &Tlv<'a>) -> Der<(&'a [u8], &'a [u8])> {
    const PART: &str = "Extension";
    let mut f = Fields::of(t, tag::SEQUENCE, PART)?;
    let id = oid_of(&f.take(tag::OID, PART)?, PART)?;
    f.optional(tag::BOOLEAN);
    let value = octets(&f.take(tag::OCTET_STRING, PART)?, PART)?;
    f.finish(PART)?;
    Ok((id, value))
}

/// AuthorityKeyIdentifier's keyIdentifier `[0]`, if there.
fn authority_key_id(value: &[u8]) -> Der<Option<Vec<u8>>> {
    const PART: &str = "AuthorityKeyIdentifier";
    let seq = single(value, tag::SEQUENCE, PART)?;
    let mut f = Fields::of(&seq, tag::SEQUENCE, PART)?;
    Ok(f.optional(tag::CTX0_PRIM).map(|k| k.value.to_vec()))
}

/// Short names of the attribute types a name usually has.
fn attribute_name(oid: &[u8]) -> Option<&'static str> {
    Some(match oid {
        oid::AT_C => "C",
        oid::AT_O => "O",
        oid::AT_CN => "CN",
        [0x55, 0x04, 0x0B] => "OU",
        [0x55, 0x04, 0x07] => "L",
        [0x55, 0x04, 0x08] => "ST",
        [0x55, 0x04, 0x05] => "SERIALNUMBER",
        [0x55, 0x04, 0x61] => "organizationIdentifier",
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01] => "E",
        _ => return None,
    })
}

/// Longest readable name returned, in characters.
const MAX_NAME_CHARS: usize = 512;

/// A Name (`SEQUENCE OF SET OF { type, value }`) as `C=VN, O=…, CN=…`, in the order
/// written; control characters are replaced, so the text is safe on a terminal.
pub(crate) fn name_to_string(der: &[u8]) -> String {
    let read = || -> Der<String> {
        const PART: &str = "Name";
        let name = single(der, tag::SEQUENCE, PART)?;
        let mut rdns = Vec::new();
        for rdn in items(&name, tag::SEQUENCE, PART)? {
            let mut parts = Vec::new();
            for atv in items(&rdn, tag::SET, PART)? {
                let mut f = Fields::of(&atv, tag::SEQUENCE, PART)?;
                let id = oid_of(&f.take(tag::OID, PART)?, PART)?;
                let value = f.rest();
                let [value] = value.as_slice() else {
                    return Err(malformed(PART, atv.offset));
                };
                let label = attribute_name(id).map_or_else(|| oid_to_string(id), str::to_string);
                parts.push(format!("{label}={}", string_value(value)));
            }
            rdns.push(parts.join(" + "));
        }
        Ok(rdns.join(", "))
    };
    let text = read().unwrap_or_else(|_| "(unreadable name)".to_string());
    text.chars()
        .take(MAX_NAME_CHARS)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// A directory string's text (UTF8String, PrintableString, IA5String, TeletexString as
/// Latin-1, BMPString, UniversalString); anything else in hex.
fn string_value(t: &Tlv<'_>) -> String {
    match t.tag {
        0x0C | 0x13 | 0x16 | 0x12 | 0x1A => String::from_utf8_lossy(t.value).into_owned(),
        0x14 => t.value.iter().map(|&b| char::from(b)).collect(),
        0x1E => {
            let units: Vec<u16> = t
                .value
                .chunks(2)
                .map(|c| match c {
                    [hi, lo] => u16::from_be_bytes([*hi, *lo]),
                    _ => 0xFFFD,
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        0x1C => t
            .value
            .chunks(4)
            .map(|c| {
                <[u8; 4]>::try_from(c)
                    .ok()
                    .and_then(|b| char::from_u32(u32::from_be_bytes(b)))
                    .unwrap_or('\u{FFFD}')
            })
            .collect(),
        _ => {
            format!("#{}", hex(t.value))
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Encodes a dotted OID's content bytes (independent of the table above).
    pub(crate) fn oid_from_dotted(dotted: &str) -> Vec<u8> {
        let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
        let mut out = Vec::new();
        let mut push = |mut v: u64| {
            let mut bytes = vec![(v & 0x7F) as u8];
            v >>= 7;
            while v > 0 {
                bytes.push(0x80 | (v & 0x7F) as u8);
                v >>= 7;
            }
            bytes.reverse();
            out.extend(bytes);
        };
        push(arcs[0] * 40 + arcs[1]);
        for &a in &arcs[2..] {
            push(a);
        }
        out
    }

    #[test]
    fn oids_match_their_dotted_form() {
        let table: &[(&[u8], &str)] = &[
            (oid::SIGNED_DATA, "1.2.840.113549.1.7.2"),
            (oid::LDS_SECURITY_OBJECT, "2.23.136.1.1.1"),
            (oid::CONTENT_TYPE, "1.2.840.113549.1.9.3"),
            (oid::MESSAGE_DIGEST, "1.2.840.113549.1.9.4"),
            (oid::SHA1, "1.3.14.3.2.26"),
            (oid::SHA224, "2.16.840.1.101.3.4.2.4"),
            (oid::SHA256, "2.16.840.1.101.3.4.2.1"),
            (oid::SHA384, "2.16.840.1.101.3.4.2.2"),
            (oid::SHA512, "2.16.840.1.101.3.4.2.3"),
            (oid::RSA_ENCRYPTION, "1.2.840.113549.1.1.1"),
            (oid::SHA1_WITH_RSA, "1.2.840.113549.1.1.5"),
            (oid::SHA224_WITH_RSA, "1.2.840.113549.1.1.14"),
            (oid::SHA256_WITH_RSA, "1.2.840.113549.1.1.11"),
            (oid::SHA384_WITH_RSA, "1.2.840.113549.1.1.12"),
            (oid::SHA512_WITH_RSA, "1.2.840.113549.1.1.13"),
            (oid::RSASSA_PSS, "1.2.840.113549.1.1.10"),
            (oid::MGF1, "1.2.840.113549.1.1.8"),
            (oid::EC_PUBLIC_KEY, "1.2.840.10045.2.1"),
            (oid::ECDSA_WITH_SHA1, "1.2.840.10045.4.1"),
            (oid::ECDSA_WITH_SHA224, "1.2.840.10045.4.3.1"),
            (oid::ECDSA_WITH_SHA256, "1.2.840.10045.4.3.2"),
            (oid::ECDSA_WITH_SHA384, "1.2.840.10045.4.3.3"),
            (oid::ECDSA_WITH_SHA512, "1.2.840.10045.4.3.4"),
            (oid::PRIME_FIELD, "1.2.840.10045.1.1"),
            (oid::P256, "1.2.840.10045.3.1.7"),
            (oid::P384, "1.3.132.0.34"),
            (oid::SKI, "2.5.29.14"),
            (oid::AKI, "2.5.29.35"),
            (oid::BASIC_CONSTRAINTS, "2.5.29.19"),
            (oid::KEY_USAGE, "2.5.29.15"),
            (oid::AT_CN, "2.5.4.3"),
            (oid::AT_C, "2.5.4.6"),
            (oid::AT_O, "2.5.4.10"),
        ];
        for (bytes, dotted) in table {
            assert_eq!(*bytes, oid_from_dotted(dotted).as_slice(), "{dotted}");
            assert_eq!(oid_to_string(bytes), *dotted);
        }
        assert_eq!(oid_to_string(&[]), "(invalid OID)");
        assert_eq!(oid_to_string(&[0x2A, 0x86]), "(invalid OID)");
        assert_eq!(oid_to_string(&[0xFF; 12]), "(invalid OID)");
        assert_eq!(
            algorithm_name(&oid_from_dotted("1.3.36.3.3.2.8.1.1.7")),
            "brainpoolP256r1"
        );
    }

    #[test]
    fn hashes_have_their_lengths_and_known_values() {
        for (h, len) in [
            (Hash::Sha1, 20),
            (Hash::Sha224, 28),
            (Hash::Sha256, 32),
            (Hash::Sha384, 48),
            (Hash::Sha512, 64),
        ] {
            assert_eq!(h.digest(b"abc").len(), len);
            assert_eq!(Hash::from_oid(h.oid()), Some(h));
        }
        // FIPS 180 "abc" vector.
        assert_eq!(Hash::Sha256.digest(b"abc")[..4], [0xBA, 0x78, 0x16, 0xBF]);
        assert_eq!(Hash::from_oid(oid::RSA_ENCRYPTION), None);
    }

    #[test]
    fn names_read_in_order_and_safely() {
        let atv = |id: &[u8], t: u32, v: &[u8]| {
            tlv::encode(
                tag::SET,
                &tlv::encode(
                    tag::SEQUENCE,
                    &[tlv::encode(tag::OID, id), tlv::encode(t, v)].concat(),
                ),
            )
        };
        let name = tlv::encode(
            tag::SEQUENCE,
            &[
                atv(oid::AT_C, 0x13, b"VN"),
                atv(oid::AT_O, 0x0C, "Bộ Công an".as_bytes()),
                atv(oid::AT_CN, 0x0C, b"CSCA\x1b[31m"),
                atv(&oid_from_dotted("1.2.3.4"), 0x04, &[0xAB]),
                atv(oid::AT_CN, 0x1E, &[0x00, 0x41, 0x1E, 0xA1]),
            ]
            .concat(),
        );
        assert_eq!(
            name_to_string(&name),
            "C=VN, O=Bộ Công an, CN=CSCA\u{FFFD}[31m, 1.2.3.4=#AB, CN=Aạ"
        );
        assert_eq!(name_to_string(&[0x30, 0x05, 0x31]), "(unreadable name)");
    }

    #[test]
    fn ecdsa_signature_values_are_padded_or_refused() {
        let seq = |r: &[u8], s: &[u8]| {
            tlv::encode(
                tag::SEQUENCE,
                &[tlv::encode(tag::INTEGER, r), tlv::encode(tag::INTEGER, s)].concat(),
            )
        };
        let fixed = ecdsa_fixed(&seq(&[0x00, 0x80, 1], &[5]), 4).unwrap();
        assert_eq!(fixed, [0, 0, 0x80, 1, 0, 0, 0, 5]);
        // Negative, too long, trailing data, wrong tag.
        assert_eq!(ecdsa_fixed(&seq(&[0x80], &[1]), 4), None);
        assert_eq!(ecdsa_fixed(&seq(&[1; 5], &[1]), 4), None);
        assert_eq!(ecdsa_fixed(&[seq(&[1], &[1]), vec![0]].concat(), 4), None);
        assert_eq!(ecdsa_fixed(&tlv::encode(tag::SET, &[]), 4), None);
    }

    #[test]
    fn explicit_p256_parameters_are_recognised() {
        for curve in [Curve::P256, Curve::P384] {
            let g = curve.generator(false);
            assert_eq!(g.len(), 1 + 2 * curve.field_len());
            assert_eq!(g[0], 0x04);
            let params = |prime: &[u8], base: &[u8]| {
                tlv::encode(
                    tag::SEQUENCE,
                    &[
                        tlv::encode(tag::INTEGER, &[1]),
                        tlv::encode(
                            tag::SEQUENCE,
                            &[
                                tlv::encode(tag::OID, oid::PRIME_FIELD),
                                tlv::encode(tag::INTEGER, &[&[0u8][..], prime].concat()),
                            ]
                            .concat(),
                        ),
                        tlv::encode(tag::SEQUENCE, &[]),
                        tlv::encode(tag::OCTET_STRING, base),
                        tlv::encode(tag::INTEGER, &[1]),
                    ]
                    .concat(),
                )
            };
            let ok = params(curve.prime(), &g);
            assert_eq!(explicit_curve(&tlv::parse_first(&ok).unwrap()), Ok(curve));
            let compressed = params(curve.prime(), &curve.generator(true));
            assert_eq!(
                explicit_curve(&tlv::parse_first(&compressed).unwrap()),
                Ok(curve)
            );
            let mut other_g = g.clone();
            other_g[5] ^= 1;
            let bad = params(curve.prime(), &other_g);
            assert!(explicit_curve(&tlv::parse_first(&bad).unwrap()).is_err());
        }
    }

    #[test]
    fn pss_parameters() {
        let explicit = |n: u32, inner: Vec<u8>| tlv::encode(0xA0 + n, &inner);
        let alg = |o: &[u8], params: Option<Vec<u8>>| {
            tlv::encode(
                tag::SEQUENCE,
                &[tlv::encode(tag::OID, o), params.unwrap_or_default()].concat(),
            )
        };
        let params = |hash: &[u8], mgf_hash: &[u8], salt: u8| {
            tlv::encode(
                tag::SEQUENCE,
                &[
                    explicit(0, alg(hash, None)),
                    explicit(1, alg(oid::MGF1, Some(alg(mgf_hash, None)))),
                    explicit(2, tlv::encode(tag::INTEGER, &[salt])),
                ]
                .concat(),
            )
        };
        let p = params(oid::SHA256, oid::SHA256, 32);
        let t = tlv::parse_first(&p).unwrap();
        assert_eq!(
            pss_params(Some(&t)),
            Ok(Scheme::RsaPss {
                hash: Hash::Sha256,
                salt: 32
            })
        );
        let p = params(oid::SHA256, oid::SHA1, 32);
        let t = tlv::parse_first(&p).unwrap();
        assert!(pss_params(Some(&t)).unwrap_err().contains("MGF1 SHA-1"));
        assert_eq!(
            pss_params(None),
            Ok(Scheme::RsaPss {
                hash: Hash::Sha1,
                salt: 20
            })
        );
        let empty = tlv::encode(tag::SEQUENCE, &[]);
        let t = tlv::parse_first(&empty).unwrap();
        assert_eq!(pss_params(Some(&t)), pss_params(None));
    }
}
