//! A test PKI for the virtual card and the tests: a CSCA and a document signer, both
//! ECDSA P-256 keys made from a seed, their certificates, and an EF.SOD signed over any
//! data groups. Deterministic: the same seed gives the same bytes (RFC 6979 signing).
//! Never for real documents: the keys follow from the seed.

use std::collections::BTreeMap;

use p256::ecdsa::SigningKey;
use p256::ecdsa::signature::hazmat::PrehashSigner;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::tlv;
use super::x509::{Hash, oid, tag};

/// A CSCA and a document signer made from a seed.
#[derive(Debug, Clone)]
pub struct TestPki {
    csca_key: SigningKey,
    csca: Vec<u8>,
    ds_key: SigningKey,
    ds: Vec<u8>,
}

impl TestPki {
    /// The PKI of `seed`: CSCA "C=VN, O=motcua test, CN=motcua test CSCA" (self-signed,
    /// basicConstraints CA, SKI) and DS "C=VN, O=motcua test, CN=motcua test document
    /// signer <seed>" (signed by the CSCA, AKI), valid 2020-01-01 to 2045-12-31.
    #[must_use]
    pub fn generate(seed: u64) -> Self {
        let csca_key = key_from_seed(seed, b"csca");
        let ds_key = key_from_seed(seed, b"document signer");
        let csca_name = name("motcua test CSCA");
        let csca_spki = ec_spki(&csca_key);
        let csca_id = key_id(&csca_spki);
        let sign_with_csca = |tbs: &[u8]| ecdsa_sign(&csca_key, tbs);
        let csca = certificate(
            &CertSpec {
                serial: &[&[0x01][..], &seed.to_be_bytes()].concat(),
                issuer: &csca_name,
                subject: &csca_name,
                spki: &csca_spki,
                extensions: vec![
                    extension(oid::BASIC_CONSTRAINTS, true, &basic_constraints_ca()),
                    extension(
                        oid::KEY_USAGE,
                        true,
                        &tlv::encode(tag::BIT_STRING, &[0x01, 0x06]),
                    ),
                    extension(oid::SKI, false, &tlv::encode(tag::OCTET_STRING, &csca_id)),
                ],
                sig_alg: &alg(oid::ECDSA_WITH_SHA256, None),
            },
            &sign_with_csca,
        );
        let ds_spki = ec_spki(&ds_key);
        let ds = certificate(
            &CertSpec {
                serial: &[&[0x02][..], &seed.to_be_bytes()].concat(),
                issuer: &csca_name,
                subject: &name(&format!("motcua test document signer {seed}")),
                spki: &ds_spki,
                extensions: vec![
                    extension(oid::AKI, false, &authority_key_id(&csca_id)),
                    extension(
                        oid::KEY_USAGE,
                        true,
                        &tlv::encode(tag::BIT_STRING, &[0x07, 0x80]),
                    ),
                    extension(
                        oid::SKI,
                        false,
                        &tlv::encode(tag::OCTET_STRING, &key_id(&ds_spki)),
                    ),
                ],
                sig_alg: &alg(oid::ECDSA_WITH_SHA256, None),
            },
            &sign_with_csca,
        );
        Self {
            csca_key,
            csca,
            ds_key,
            ds,
        }
    }

    /// The CSCA certificate (DER).
    #[must_use]
    pub fn csca_der(&self) -> &[u8] {
        &self.csca
    }

    /// The CSCA certificate as PEM.
    #[must_use]
    pub fn csca_pem(&self) -> String {
        pem("CERTIFICATE", &self.csca)
    }

    /// The document signer certificate (DER).
    #[must_use]
    pub fn ds_der(&self) -> &[u8] {
        &self.ds
    }

    /// An EF.SOD (tag `77`) over `dgs` (number → file bytes): SHA-256 hashes, signed
    /// attributes contentType and messageDigest, ecdsa-with-SHA256 by the document
    /// signer, whose certificate it carries, named by issuer and serial number.
    #[must_use]
    pub fn sign_sod(&self, dgs: &BTreeMap<u8, Vec<u8>>) -> Vec<u8> {
        build_sod(
            &lds(Hash::Sha256, dgs),
            &SodSpec {
                digest: Hash::Sha256,
                sid: issuer_and_serial(&self.ds),
                sig_alg: alg(oid::ECDSA_WITH_SHA256, None),
                signed_attrs: true,
                certs: vec![self.ds.clone()],
            },
            &|message: &[u8]| self.ds_sign(message),
        )
    }

    /// Signs `message` with the document signer's key (ECDSA with SHA-256, DER), for
    /// SODs built another way.
    #[must_use]
    pub fn ds_sign(&self, message: &[u8]) -> Vec<u8> {
        ecdsa_sign(&self.ds_key, message)
    }

    /// Signs `message` with the CSCA's key (ECDSA with SHA-256, DER), to issue other
    /// test certificates.
    #[must_use]
    pub fn csca_sign(&self, message: &[u8]) -> Vec<u8> {
        ecdsa_sign(&self.csca_key, message)
    }
}

/// A P-256 key from `seed` and `role`: SHA-256 of both (and a counter, in the
/// astronomically rare case the hash is not a valid scalar).
fn key_from_seed(seed: u64, role: &[u8]) -> SigningKey {
    let mut counter = 0u32;
    loop {
        let mut h = Sha256::new();
        h.update(b"motcua test PKI\0");
        h.update(role);
        h.update(seed.to_be_bytes());
        h.update(counter.to_be_bytes());
        if let Ok(key) = SigningKey::from_slice(&h.finalize()) {
            return key;
        }
        counter = counter.wrapping_add(1);
    }
}

/// ECDSA with SHA-256 over `message` (RFC 6979), as a DER ECDSA-Sig-Value.
pub(crate) fn ecdsa_sign(key: &SigningKey, message: &[u8]) -> Vec<u8> {
    let prehash = Sha256::digest(message);
    // Signing a 32-byte hash with a valid key only fails with negligible probability
    // (a zero r or s), which RFC 6979 rules out for a fixed key and hash.
    let sig: p256::ecdsa::Signature = key
        .sign_prehash(&prehash)
        .expect("ECDSA signing of a SHA-256 hash");
    let bytes = sig.to_bytes();
    let (r, s) = bytes.split_at(bytes.len() / 2);
    tlv::encode(tag::SEQUENCE, &[uint(r), uint(s)].concat())
}

/// A DER INTEGER for a big-endian unsigned value.
pub(crate) fn uint(magnitude: &[u8]) -> Vec<u8> {
    let zeros = magnitude.iter().take_while(|&&b| b == 0).count();
    let m = magnitude.get(zeros..).unwrap_or_default();
    let mut content = Vec::with_capacity(m.len() + 1);
    if m.first().is_none_or(|&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(m);
    tlv::encode(tag::INTEGER, &content)
}

/// `C=VN, O=motcua test, CN=<cn>`.
pub(crate) fn name(cn: &str) -> Vec<u8> {
    let rdn = |id: &[u8], string_tag: u32, value: &[u8]| {
        tlv::encode(
            tag::SET,
            &tlv::encode(
                tag::SEQUENCE,
                &[tlv::encode(tag::OID, id), tlv::encode(string_tag, value)].concat(),
            ),
        )
    };
    tlv::encode(
        tag::SEQUENCE,
        &[
            rdn(oid::AT_C, 0x13, b"VN"),
            rdn(oid::AT_O, 0x0C, b"motcua test"),
            rdn(oid::AT_CN, 0x0C, cn.as_bytes()),
        ]
        .concat(),
    )
}

/// An AlgorithmIdentifier with optional parameters (their whole TLV).
pub(crate) fn alg(id: &[u8], params: Option<&[u8]>) -> Vec<u8> {
    tlv::encode(
        tag::SEQUENCE,
        &[&tlv::encode(tag::OID, id)[..], params.unwrap_or_default()].concat(),
    )
}

/// The SubjectPublicKeyInfo of a P-256 key (named curve, uncompressed point).
pub(crate) fn ec_spki(key: &SigningKey) -> Vec<u8> {
    let point = key.verifying_key().to_sec1_point(false);
    spki(
        &alg(oid::EC_PUBLIC_KEY, Some(&tlv::encode(tag::OID, oid::P256))),
        point.as_bytes(),
    )
}

/// A SubjectPublicKeyInfo from an encoded AlgorithmIdentifier and the key's bytes.
pub(crate) fn spki(algorithm: &[u8], key: &[u8]) -> Vec<u8> {
    tlv::encode(
        tag::SEQUENCE,
        &[
            algorithm,
            &tlv::encode(tag::BIT_STRING, &[&[0u8][..], key].concat()),
        ]
        .concat(),
    )
}

/// A key identifier: SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2, method 1).
pub(crate) fn key_id(spki_der: &[u8]) -> Vec<u8> {
    let bits = tlv::parse_first(spki_der)
        .ok()
        .and_then(|t| tlv::children(&t).ok())
        .and_then(|kids| {
            kids.get(1)
                .map(|b| b.value.get(1..).unwrap_or_default().to_vec())
        })
        .unwrap_or_default();
    Sha1::digest(&bits).to_vec()
}

fn basic_constraints_ca() -> Vec<u8> {
    tlv::encode(
        tag::SEQUENCE,
        &[
            tlv::encode(tag::BOOLEAN, &[0xFF]),
            tlv::encode(tag::INTEGER, &[0]),
        ]
        .concat(),
    )
}

/// AuthorityKeyIdentifier with only the keyIdentifier.
pub(crate) fn authority_key_id(id: &[u8]) -> Vec<u8> {
    tlv::encode(tag::SEQUENCE, &tlv::encode(tag::CTX0_PRIM, id))
}

/// One Extension: OID, critical flag when set, and the value's DER.
pub(crate) fn extension(id: &[u8], critical: bool, value: &[u8]) -> Vec<u8> {
    let mut content = tlv::encode(tag::OID, id);
    if critical {
        content.extend(tlv::encode(tag::BOOLEAN, &[0xFF]));
    }
    content.extend(tlv::encode(tag::OCTET_STRING, value));
    tlv::encode(tag::SEQUENCE, &content)
}

/// What a certificate says.
pub(crate) struct CertSpec<'a> {
    /// The serial number's INTEGER content (positive, minimal).
    pub serial: &'a [u8],
    /// Names, DER.
    pub issuer: &'a [u8],
    pub subject: &'a [u8],
    /// SubjectPublicKeyInfo, DER.
    pub spki: &'a [u8],
    /// Extensions, each DER.
    pub extensions: Vec<Vec<u8>>,
    /// The signature AlgorithmIdentifier, DER.
    pub sig_alg: &'a [u8],
}

/// A v3 certificate, its TBSCertificate signed by `sign`; valid 2020-01-01 to
/// 2045-12-31.
pub(crate) fn certificate(spec: &CertSpec<'_>, sign: &dyn Fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let validity = tlv::encode(
        tag::SEQUENCE,
        &[
            tlv::encode(0x17, b"200101000000Z"),
            tlv::encode(0x17, b"451231235959Z"),
        ]
        .concat(),
    );
    let mut tbs = vec![
        tlv::encode(tag::CTX0, &tlv::encode(tag::INTEGER, &[2])),
        tlv::encode(tag::INTEGER, spec.serial),
        spec.sig_alg.to_vec(),
        spec.issuer.to_vec(),
        validity,
        spec.subject.to_vec(),
        spec.spki.to_vec(),
    ];
    if !spec.extensions.is_empty() {
        tbs.push(tlv::encode(
            tag::CTX3,
            &tlv::encode(tag::SEQUENCE, &spec.extensions.concat()),
        ));
    }
    let tbs = tlv::encode(tag::SEQUENCE, &tbs.concat());
    let signature = sign(&tbs);
    tlv::encode(
        tag::SEQUENCE,
        &[
            tbs,
            spec.sig_alg.to_vec(),
            tlv::encode(tag::BIT_STRING, &[&[0u8][..], &signature].concat()),
        ]
        .concat(),
    )
}

/// The LDSSecurityObject (version 0) over `dgs` with `hash`.
pub(crate) fn lds(hash: Hash, dgs: &BTreeMap<u8, Vec<u8>>) -> Vec<u8> {
    let hashes: Vec<u8> = dgs
        .iter()
        .flat_map(|(&dg, bytes)| {
            tlv::encode(
                tag::SEQUENCE,
                &[
                    tlv::encode(tag::INTEGER, &[dg]),
                    tlv::encode(tag::OCTET_STRING, &hash.digest(bytes)),
                ]
                .concat(),
            )
        })
        .collect();
    tlv::encode(
        tag::SEQUENCE,
        &[
            tlv::encode(tag::INTEGER, &[0]),
            alg(hash.oid(), None),
            tlv::encode(tag::SEQUENCE, &hashes),
        ]
        .concat(),
    )
}

/// The IssuerAndSerialNumber naming a certificate (DER); empty if `cert` is not one.
pub(crate) fn issuer_and_serial(cert: &[u8]) -> Vec<u8> {
    let parts = || -> Option<Vec<u8>> {
        let c = tlv::parse_first(cert).ok()?;
        let kids = tlv::children(&c).ok()?;
        let tbs = kids.first()?;
        let fields = tlv::children(tbs).ok()?;
        // version [0], serial, signature, issuer.
        let serial = fields.get(1)?;
        let issuer = fields.get(3)?;
        Some(tlv::encode(
            tag::SEQUENCE,
            &[tlv::raw(cert, issuer)?, tlv::raw(cert, serial)?].concat(),
        ))
    };
    parts().unwrap_or_default()
}

/// How an SOD is signed.
pub(crate) struct SodSpec {
    /// The SignerInfo's digest algorithm (for messageDigest).
    pub digest: Hash,
    /// The SignerIdentifier, DER (IssuerAndSerialNumber, or `80` SKI).
    pub sid: Vec<u8>,
    /// The signatureAlgorithm, DER.
    pub sig_alg: Vec<u8>,
    /// Whether to sign attributes (contentType, messageDigest) or the content itself.
    pub signed_attrs: bool,
    /// Certificates to carry, DER.
    pub certs: Vec<Vec<u8>>,
}

/// A DER SET OF: its elements sorted by their encodings.
fn set_of(mut items: Vec<Vec<u8>>, set_tag: u32) -> Vec<u8> {
    items.sort();
    tlv::encode(set_tag, &items.concat())
}

/// The EF.SOD (tag `77`) around `lds_der`, signed by `sign` (which gets the bytes to
/// sign and returns the signature value).
pub(crate) fn build_sod(
    lds_der: &[u8],
    spec: &SodSpec,
    sign: &dyn Fn(&[u8]) -> Vec<u8>,
) -> Vec<u8> {
    let digest_alg = alg(spec.digest.oid(), None);
    let mut signer_info = vec![
        tlv::encode(
            tag::INTEGER,
            &[if spec.sid.first() == Some(&0x30) {
                1
            } else {
                3
            }],
        ),
        spec.sid.clone(),
        digest_alg.clone(),
    ];
    let signature = if spec.signed_attrs {
        let attr = |id: &[u8], value: Vec<u8>| {
            tlv::encode(
                tag::SEQUENCE,
                &[tlv::encode(tag::OID, id), tlv::encode(tag::SET, &value)].concat(),
            )
        };
        let attrs = vec![
            attr(
                oid::CONTENT_TYPE,
                tlv::encode(tag::OID, oid::LDS_SECURITY_OBJECT),
            ),
            attr(
                oid::MESSAGE_DIGEST,
                tlv::encode(tag::OCTET_STRING, &spec.digest.digest(lds_der)),
            ),
        ];
        let as_set = set_of(attrs, tag::SET);
        // The same bytes under [0] IMPLICIT in the SignerInfo.
        let mut implicit = as_set.clone();
        if let Some(first) = implicit.first_mut() {
            *first = 0xA0;
        }
        signer_info.push(implicit);
        sign(&as_set)
    } else {
        sign(lds_der)
    };
    signer_info.push(spec.sig_alg.clone());
    signer_info.push(tlv::encode(tag::OCTET_STRING, &signature));
    let signer_info = tlv::encode(tag::SEQUENCE, &signer_info.concat());

    let mut signed_data = vec![
        tlv::encode(tag::INTEGER, &[3]),
        tlv::encode(tag::SET, &digest_alg),
        tlv::encode(
            tag::SEQUENCE,
            &[
                tlv::encode(tag::OID, oid::LDS_SECURITY_OBJECT),
                tlv::encode(tag::CTX0, &tlv::encode(tag::OCTET_STRING, lds_der)),
            ]
            .concat(),
        ),
    ];
    if !spec.certs.is_empty() {
        signed_data.push(set_of(spec.certs.clone(), tag::CTX0));
    }
    signed_data.push(tlv::encode(tag::SET, &signer_info));
    let content_info = tlv::encode(
        tag::SEQUENCE,
        &[
            tlv::encode(tag::OID, oid::SIGNED_DATA),
            tlv::encode(
                tag::CTX0,
                &tlv::encode(tag::SEQUENCE, &signed_data.concat()),
            ),
        ]
        .concat(),
    );
    tlv::encode(0x77, &content_info)
}

/// PEM text: the label's BEGIN and END lines around base64 in lines of 64.
#[must_use]
pub fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64_encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// Base64 (standard alphabet, padded).
#[must_use]
pub fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                let index = (n >> shift) & 0x3F;
                out.push(char::from(ALPHABET[index as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::x509::Certificate;

    #[test]
    fn the_same_seed_gives_the_same_pki() {
        let a = TestPki::generate(42);
        let b = TestPki::generate(42);
        let c = TestPki::generate(43);
        assert_eq!((a.csca_der(), a.ds_der()), (b.csca_der(), b.ds_der()));
        assert_ne!(a.csca_der(), c.csca_der());
        assert_ne!(a.ds_der(), c.ds_der());
        // RFC 6979: signing is deterministic too.
        assert_eq!(a.ds_sign(b"x"), b.ds_sign(b"x"));
        assert_ne!(a.ds_sign(b"x"), a.csca_sign(b"x"));
    }

    #[test]
    fn the_certificates_say_what_they_should() {
        let pki = TestPki::generate(42);
        let csca = Certificate::from_der(pki.csca_der()).unwrap();
        let ds = Certificate::from_der(pki.ds_der()).unwrap();
        assert_eq!(csca.subject(), "C=VN, O=motcua test, CN=motcua test CSCA");
        assert_eq!(csca.issuer(), csca.subject());
        assert_eq!(
            ds.subject(),
            "C=VN, O=motcua test, CN=motcua test document signer 42"
        );
        assert_eq!(ds.issuer(), csca.subject());
        assert_eq!(ds.aki(), csca.ski());
        assert_eq!(csca.ski(), Some(&key_id(&ec_spki(&pki.csca_key))[..]));
        // Validity 2020-01-01 to 2045-12-31, basicConstraints CA, keyCertSign.
        for der in [pki.csca_der(), pki.ds_der()] {
            let text = String::from_utf8_lossy(der);
            assert!(text.contains("200101000000Z") && text.contains("451231235959Z"));
        }
        let bc = extension(oid::BASIC_CONSTRAINTS, true, &basic_constraints_ca());
        assert!(pki.csca_der().windows(bc.len()).any(|w| w == bc.as_slice()));
        assert!(!pki.ds_der().windows(bc.len()).any(|w| w == bc.as_slice()));
    }

    #[test]
    fn integers_and_sets_are_der() {
        assert_eq!(uint(&[]), [0x02, 0x01, 0x00]);
        assert_eq!(uint(&[0, 0, 0x7F]), [0x02, 0x01, 0x7F]);
        assert_eq!(uint(&[0x80]), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(
            set_of(
                vec![vec![0x30, 0x01, 0x02], vec![0x30, 0x01, 0x01]],
                tag::SET
            ),
            [0x31, 0x06, 0x30, 0x01, 0x01, 0x30, 0x01, 0x02]
        );
        assert_eq!(issuer_and_serial(b"not a certificate"), Vec::<u8>::new());
    }

    #[test]
    fn pem_wraps_base64_in_lines() {
        let der: Vec<u8> = (0..=255u8).collect();
        let text = pem("CERTIFICATE", &der);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.first(), Some(&"-----BEGIN CERTIFICATE-----"));
        assert_eq!(lines.last(), Some(&"-----END CERTIFICATE-----"));
        assert!(lines[1..lines.len() - 1].iter().all(|l| l.len() <= 64));
        assert_eq!(base64_encode(b""), "");
        assert_eq!(base64_encode(b"f"), "Zg==");
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
    }
}
