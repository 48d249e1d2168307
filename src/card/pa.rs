//! Passive authentication (ICAO 9303-10 §4.6.2, 9303-11 §5.1): the EF.SOD is a CMS
//! SignedData (RFC 5652) whose content, the LDS security object, lists a hash of every
//! data group. We check the hashes of the data groups read, the signature of the
//! document signer (DS) whose certificate the SOD carries, and that the DS certificate
//! was signed by a country signing CA (CSCA) in the trust store.
//!
//! The outcome is a [`Report`] with one of three levels and the reasons for it; it never
//! panics on any bytes. Certificate validity dates are not checked: a document signer's
//! certificate expires long before the cards it signed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::tlv::{self, Tlv};
use super::x509::{
    self, AlgId, Certificate, Check, Der, Fields, Hash, Malformed, Scheme, malformed, oid, tag,
};

/// Largest EF.SOD accepted, in bytes.
pub const MAX_SOD: usize = 64 * 1024;

/// Largest certificate file read by [`TrustStore::load_dir`], in bytes.
pub const MAX_CERT_FILE: u64 = 1024 * 1024;

/// Most certificates read from one SOD.
const MAX_SOD_CERTS: usize = 16;

/// How far the chip's data could be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// The hashes match, the signature is valid and the signer chains to a trusted CSCA.
    Verified,
    /// Nothing is wrong, but the signer could not be tied to a trusted CSCA (no or
    /// another trust store, or an algorithm we cannot check).
    SignerNotTrusted,
    /// The data or the SOD was altered or is broken.
    Failed,
}

impl Level {
    /// A stable name for logs and records: `verified`, `signer_not_trusted`, `failed`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Verified => "verified",
            Level::SignerNotTrusted => "signer_not_trusted",
            Level::Failed => "failed",
        }
    }

    /// The i18n key.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Level::Verified => "pa.level.verified",
            Level::SignerNotTrusted => "pa.level.signer_not_trusted",
            Level::Failed => "pa.level.failed",
        }
    }
}

/// One data group's hash against the SOD's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashCheck {
    /// Equal.
    Match,
    /// Different: the data group was altered.
    Mismatch,
    /// The SOD lists no hash for this data group.
    NotInSod,
}

impl HashCheck {
    /// A stable name: `match`, `mismatch`, `not_in_sod`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            HashCheck::Match => "match",
            HashCheck::Mismatch => "mismatch",
            HashCheck::NotInSod => "not_in_sod",
        }
    }

    /// The i18n key.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            HashCheck::Match => "pa.hash.match",
            HashCheck::Mismatch => "pa.hash.mismatch",
            HashCheck::NotInSod => "pa.hash.not_in_sod",
        }
    }
}

/// Why a report is not [`Level::Verified`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    /// The SOD is larger than [`MAX_SOD`].
    #[error("the SOD is {len} bytes (at most {MAX_SOD})")]
    TooLarge {
        /// Its length.
        len: usize,
    },
    /// The SOD is not the structure it should be.
    #[error("the SOD is malformed: {part} at offset {offset}")]
    Malformed {
        /// The ASN.1 part (`SignerInfo.signature`).
        part: &'static str,
        /// Where, in the SOD's bytes.
        offset: usize,
    },
    /// A digest algorithm we do not have.
    #[error("unsupported digest algorithm {algorithm}")]
    UnsupportedDigest {
        /// Its name or OID.
        algorithm: String,
    },
    /// A data group's hash differs from the SOD's.
    #[error("DG{dg}'s hash differs from the SOD's")]
    DgHashMismatch {
        /// The data group number.
        dg: u8,
    },
    /// A data group was read but the SOD has no hash for it.
    #[error("DG{dg} is not listed in the SOD")]
    DgNotInSod {
        /// The data group number.
        dg: u8,
    },
    /// The signed messageDigest is not the hash of the LDS security object.
    #[error("the signed message digest does not match the SOD's content")]
    MessageDigestMismatch,
    /// The SOD carries no certificate for its signer.
    #[error("the SOD has no document signer certificate")]
    NoSignerCertificate,
    /// The document signer's signature does not verify.
    #[error("the document signer's signature is not valid")]
    SignatureInvalid,
    /// The SOD's signature uses an algorithm or key we cannot check.
    #[error("unsupported signature algorithm {algorithm}")]
    UnsupportedSignature {
        /// Its name or OID.
        algorithm: String,
    },
    /// No CSCA certificates are configured.
    #[error("no CSCA certificates are configured")]
    NoTrustStore,
    /// No CSCA in the trust store issued the DS certificate.
    #[error("no trusted CSCA for issuer {issuer}")]
    UnknownCsca {
        /// The DS certificate's issuer, readable.
        issuer: String,
    },
    /// The trusted CSCA's signature on the DS certificate does not verify.
    #[error("the DS certificate's signature by {csca} is not valid")]
    CscaSignatureInvalid {
        /// The CSCA's subject, readable.
        csca: String,
    },
    /// The DS certificate's signature uses an algorithm or key we cannot check.
    #[error("unsupported certificate signature {algorithm}")]
    UnsupportedCscaSignature {
        /// Its name or OID.
        algorithm: String,
    },
}

impl Reason {
    /// The i18n key.
    #[must_use]
    pub const fn key(&self) -> &'static str {
        match self {
            Reason::TooLarge { .. } => "pa.reason.too_large",
            Reason::Malformed { .. } => "pa.reason.malformed",
            Reason::UnsupportedDigest { .. } => "pa.reason.unsupported_digest",
            Reason::DgHashMismatch { .. } => "pa.reason.dg_hash_mismatch",
            Reason::DgNotInSod { .. } => "pa.reason.dg_not_in_sod",
            Reason::MessageDigestMismatch => "pa.reason.message_digest_mismatch",
            Reason::NoSignerCertificate => "pa.reason.no_signer_certificate",
            Reason::SignatureInvalid => "pa.reason.signature_invalid",
            Reason::UnsupportedSignature { .. } => "pa.reason.unsupported_signature",
            Reason::NoTrustStore => "pa.reason.no_trust_store",
            Reason::UnknownCsca { .. } => "pa.reason.unknown_csca",
            Reason::CscaSignatureInvalid { .. } => "pa.reason.csca_signature_invalid",
            Reason::UnsupportedCscaSignature { .. } => "pa.reason.unsupported_csca_signature",
        }
    }

    /// The values its message names.
    #[must_use]
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Reason::TooLarge { len } => {
                vec![("len", len.to_string()), ("max", MAX_SOD.to_string())]
            }
            Reason::Malformed { part, offset } => {
                vec![
                    ("part", (*part).to_string()),
                    ("offset", offset.to_string()),
                ]
            }
            Reason::UnsupportedDigest { algorithm }
            | Reason::UnsupportedSignature { algorithm }
            | Reason::UnsupportedCscaSignature { algorithm } => {
                vec![("algorithm", algorithm.clone())]
            }
            Reason::DgHashMismatch { dg } | Reason::DgNotInSod { dg } => {
                vec![("dg", dg.to_string())]
            }
            Reason::UnknownCsca { issuer } => vec![("issuer", issuer.clone())],
            Reason::CscaSignatureInvalid { csca } => vec![("csca", csca.clone())],
            Reason::MessageDigestMismatch
            | Reason::NoSignerCertificate
            | Reason::SignatureInvalid
            | Reason::NoTrustStore => Vec::new(),
        }
    }

    /// Whether this reason makes the report [`Level::Failed`] (otherwise it is
    /// [`Level::SignerNotTrusted`]).
    #[must_use]
    pub const fn fails(&self) -> bool {
        match self {
            Reason::TooLarge { .. }
            | Reason::Malformed { .. }
            | Reason::DgHashMismatch { .. }
            | Reason::DgNotInSod { .. }
            | Reason::MessageDigestMismatch
            | Reason::SignatureInvalid
            | Reason::CscaSignatureInvalid { .. } => true,
            Reason::UnsupportedDigest { .. }
            | Reason::NoSignerCertificate
            | Reason::UnsupportedSignature { .. }
            | Reason::NoTrustStore
            | Reason::UnknownCsca { .. }
            | Reason::UnsupportedCscaSignature { .. } => false,
        }
    }
}

impl From<Malformed> for Reason {
    fn from(m: Malformed) -> Self {
        Reason::Malformed {
            part: m.part,
            offset: m.offset,
        }
    }
}

/// What passive authentication found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The outcome.
    pub level: Level,
    /// Why it is not [`Level::Verified`] (empty when it is).
    pub reasons: Vec<Reason>,
    /// Each data group that was read, against the SOD (empty when the SOD could not be
    /// read or its digest algorithm is unsupported).
    pub dg_hashes: Vec<(u8, HashCheck)>,
    /// The data groups the SOD lists, in its order.
    pub dgs_in_sod: Vec<u8>,
    /// The data groups' digest algorithm (`SHA-256`).
    pub digest_algorithm: Option<String>,
    /// The SOD's signature algorithm (`ECDSA P-256 with SHA-256`).
    pub signature_algorithm: Option<String>,
    /// The document signer certificate's subject, readable (`C=VN, O=…, CN=…`).
    pub signer: Option<String>,
    /// The trusted CSCA's subject, when the signer chains to one.
    pub csca: Option<String>,
}

impl Report {
    fn new() -> Self {
        Self {
            level: Level::Failed,
            reasons: Vec::new(),
            dg_hashes: Vec::new(),
            dgs_in_sod: Vec::new(),
            digest_algorithm: None,
            signature_algorithm: None,
            signer: None,
            csca: None,
        }
    }

    fn add(&mut self, reason: Reason) {
        if !self.reasons.contains(&reason) {
            self.reasons.push(reason);
        }
    }

    fn finish(mut self) -> Self {
        self.level = if self.reasons.iter().any(Reason::fails) {
            Level::Failed
        } else if self.reasons.is_empty() {
            Level::Verified
        } else {
            Level::SignerNotTrusted
        };
        self
    }
}

/// The CSCA certificates trusted to sign document signers.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    certs: Vec<Certificate>,
    rejected: Vec<(usize, String)>,
}

impl TrustStore {
    /// No certificates: every signer is [`Level::SignerNotTrusted`] at best.
    #[must_use]
    pub fn empty() -> Self {
        Self::default()
    }

    /// A store of DER certificates; unreadable ones are skipped and listed by
    /// [`TrustStore::rejected`], duplicates kept once.
    #[must_use]
    pub fn from_der(certs: Vec<Vec<u8>>) -> Self {
        let mut store = Self::empty();
        for (i, der) in certs.into_iter().enumerate() {
            if let Err(e) = store.add_der(&der) {
                store.rejected.push((i, e.to_string()));
            }
        }
        store
    }

    /// The certificates [`TrustStore::from_der`] skipped: their index and why.
    #[must_use]
    pub fn rejected(&self) -> &[(usize, String)] {
        &self.rejected
    }

    /// Reads every `*.pem`, `*.crt`, `*.cer` and `*.der` file in `dir` (PEM with one or
    /// more certificates, or one DER certificate; other files are ignored). Each file or
    /// certificate that cannot be read is reported with its problem and skipped; so is a
    /// folder that cannot be read.
    #[must_use]
    pub fn load_dir(dir: &Path) -> (Self, Vec<(PathBuf, String)>) {
        let mut store = Self::empty();
        let mut problems = Vec::new();
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                problems.push((dir.to_path_buf(), format!("cannot read the folder: {e}")));
                return (store, problems);
            }
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.extension()
                    .and_then(|x| x.to_str())
                    .map(str::to_ascii_lowercase)
                    .is_some_and(|x| matches!(x.as_str(), "pem" | "crt" | "cer" | "der"))
            })
            .collect();
        paths.sort();
        for path in paths {
            if let Err(problem) = store.add_file(&path) {
                problems.push((path, problem));
            }
        }
        (store, problems)
    }

    /// Adds the certificates of one file; an error for the whole file or the first
    /// certificate in it that could not be read (the others are still added).
    fn add_file(&mut self, path: &Path) -> Result<(), String> {
        let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
        if !meta.is_file() {
            return Err("not a file".into());
        }
        if meta.len() > MAX_CERT_FILE {
            return Err(format!("larger than {MAX_CERT_FILE} bytes"));
        }
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
        if bytes.windows(11).any(|w| w == b"-----BEGIN ") {
            let text = String::from_utf8_lossy(&bytes);
            let blocks: Vec<_> = pem_blocks(&text)
                .into_iter()
                .filter(|(label, _)| label == "CERTIFICATE")
                .collect();
            if blocks.is_empty() {
                return Err("no CERTIFICATE block in this PEM file".into());
            }
            let mut problems = Vec::new();
            for (i, (_, der)) in blocks.iter().enumerate() {
                let result = der
                    .as_ref()
                    .map_err(Clone::clone)
                    .and_then(|der| self.add_der(der).map_err(|e| e.to_string()));
                if let Err(e) = result {
                    problems.push(format!("certificate {}: {e}", i + 1));
                }
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(problems.join("; "))
            }
        } else {
            self.add_der(&bytes).map_err(|e| e.to_string())
        }
    }

    fn add_der(&mut self, der: &[u8]) -> Result<(), Malformed> {
        let cert = Certificate::from_der(der)?;
        if !self.certs.contains(&cert) {
            self.certs.push(cert);
        }
        Ok(())
    }

    /// How many certificates it holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// Whether it holds none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    /// The certificates, in the order added.
    #[must_use]
    pub fn certificates(&self) -> &[Certificate] {
        &self.certs
    }
}

/// The blocks of a PEM text: each label (`CERTIFICATE`) with its decoded bytes, or why
/// they could not be decoded.
#[must_use]
pub fn pem_blocks(text: &str) -> Vec<(String, Result<Vec<u8>, String>)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = rest.get(start + 11..).unwrap_or_default();
        let Some(label_end) = after.find("-----") else {
            break;
        };
        let label = after.get(..label_end).unwrap_or_default().to_string();
        let body_and_more = after.get(label_end + 5..).unwrap_or_default();
        let end_marker = format!("-----END {label}-----");
        let Some(body_end) = body_and_more.find(&end_marker) else {
            out.push((label, Err("the PEM block has no END line".into())));
            break;
        };
        let body = body_and_more.get(..body_end).unwrap_or_default();
        let decoded = base64_decode(body).ok_or_else(|| "the PEM block is not base64".to_string());
        out.push((label, decoded));
        rest = body_and_more
            .get(body_end + end_marker.len()..)
            .unwrap_or_default();
    }
    out
}

/// Decodes base64 (standard alphabet), ignoring whitespace; padding optional.
#[must_use]
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits, mut padding) = (0u32, 0u32, 0usize);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return None,
        };
        if padding > 0 {
            return None;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Six bits left over means one base64 character too many; at most two `=`.
    (bits < 6 && padding <= 2).then_some(out)
}

/// Checks `sod` (EF.SOD as read) against the data groups read (`dgs`: number → the
/// file's bytes) and the trust store.
#[must_use]
pub fn verify(sod: &[u8], dgs: &BTreeMap<u8, Vec<u8>>, trust: &TrustStore) -> Report {
    let mut report = Report::new();
    if sod.len() > MAX_SOD {
        report.add(Reason::TooLarge { len: sod.len() });
        return report.finish();
    }
    let parsed = match Sod::parse(sod) {
        Ok(p) => p,
        Err(m) => {
            report.add(m.into());
            return report.finish();
        }
    };
    report.dgs_in_sod = parsed.hashes.iter().map(|(dg, _)| *dg).collect();

    // The data groups' hashes.
    let lds_hash = Hash::from_oid(parsed.lds_hash.oid);
    let lds_hash_name = lds_hash.map_or_else(
        || x509::oid_to_string(parsed.lds_hash.oid),
        |h| h.name().to_string(),
    );
    report.digest_algorithm = Some(lds_hash_name.clone());
    match lds_hash {
        Some(h) => {
            for (&dg, bytes) in dgs {
                let check = match parsed.hashes.iter().find(|(n, _)| *n == dg) {
                    None => HashCheck::NotInSod,
                    Some((_, want)) if h.digest(bytes) == *want => HashCheck::Match,
                    Some(_) => HashCheck::Mismatch,
                };
                match check {
                    HashCheck::Match => {}
                    HashCheck::Mismatch => report.add(Reason::DgHashMismatch { dg }),
                    HashCheck::NotInSod => report.add(Reason::DgNotInSod { dg }),
                }
                report.dg_hashes.push((dg, check));
            }
        }
        None => report.add(Reason::UnsupportedDigest {
            algorithm: lds_hash_name,
        }),
    }

    // The signed attributes: the message digest must be the content's hash, and the
    // signature covers them (or, without them, the content itself).
    let signer = &parsed.signer;
    let signer_hash = Hash::from_oid(signer.digest_alg.oid);
    let message: &[u8] = match &signer.attrs {
        Some(attrs) => {
            match signer_hash {
                Some(h) if h.digest(parsed.e_content) == attrs.message_digest => {}
                Some(_) => report.add(Reason::MessageDigestMismatch),
                None => report.add(Reason::UnsupportedDigest {
                    algorithm: x509::oid_to_string(signer.digest_alg.oid),
                }),
            }
            &attrs.as_set
        }
        None => parsed.e_content,
    };

    // The document signer and its signature.
    let Some(ds) = parsed.certs.iter().find(|c| signer.sid.matches(c)) else {
        report.add(Reason::NoSignerCertificate);
        return report.finish();
    };
    report.signer = Some(ds.subject());
    match Scheme::from_alg(&signer.sig_alg, signer_hash) {
        Ok(scheme) => {
            report.signature_algorithm = Some(scheme.describe(Some(ds.key())));
            match x509::check(ds.key(), scheme, message, signer.signature) {
                Check::Valid => {}
                Check::Invalid => report.add(Reason::SignatureInvalid),
                Check::Unsupported(algorithm) => {
                    report.add(Reason::UnsupportedSignature { algorithm });
                }
            }
        }
        Err(algorithm) => {
            report.signature_algorithm = Some(algorithm.clone());
            report.add(Reason::UnsupportedSignature { algorithm });
        }
    }

    // The chain to a trusted CSCA.
    match chain(ds, trust) {
        Ok(csca) => report.csca = Some(csca),
        Err(reason) => report.add(reason),
    }
    report.finish()
}

/// The subject of the trusted CSCA that signed `ds`, or why there is none.
fn chain(ds: &Certificate, trust: &TrustStore) -> Result<String, Reason> {
    if trust.is_empty() {
        return Err(Reason::NoTrustStore);
    }
    // Same issuer name (DER bytes) and, when both say, the same key identifier; a CSCA
    // with the same name but another key (a new CSCA key) is not a candidate.
    let candidates: Vec<&Certificate> = trust
        .certs
        .iter()
        .filter(|c| c.subject_der() == ds.issuer_der())
        .filter(|c| match (ds.aki(), c.ski()) {
            (Some(aki), Some(ski)) => aki == ski,
            _ => true,
        })
        .collect();
    if candidates.is_empty() {
        return Err(Reason::UnknownCsca {
            issuer: ds.issuer(),
        });
    }
    let (mut invalid, mut unsupported) = (None, None);
    for csca in candidates {
        match ds.check_signed_by(csca.key()) {
            Check::Valid => return Ok(csca.subject()),
            Check::Invalid => invalid = Some(csca.subject()),
            Check::Unsupported(what) => unsupported = Some(what),
        }
    }
    // A CSCA we could not check may be the right one: not a failure.
    match (unsupported, invalid) {
        (Some(algorithm), _) => Err(Reason::UnsupportedCscaSignature { algorithm }),
        (None, csca) => Err(Reason::CscaSignatureInvalid {
            csca: csca.unwrap_or_default(),
        }),
    }
}

/// How a SignerInfo names its certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sid<'a> {
    /// The issuer's Name (DER) and the serial number (INTEGER content).
    IssuerSerial { issuer: &'a [u8], serial: &'a [u8] },
    /// The subject key identifier.
    Ski(&'a [u8]),
}

impl Sid<'_> {
    fn matches(&self, cert: &Certificate) -> bool {
        match *self {
            Sid::IssuerSerial { issuer, serial } => {
                cert.issuer_der() == issuer && cert.serial_raw() == serial
            }
            Sid::Ski(id) => cert.ski() == Some(id),
        }
    }
}

/// The signed attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SignedAttrs<'a> {
    /// Their DER with the SET tag, as signed.
    as_set: Vec<u8>,
    message_digest: &'a [u8],
}

/// The one SignerInfo used.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Signer<'a> {
    sid: Sid<'a>,
    digest_alg: AlgId<'a>,
    attrs: Option<SignedAttrs<'a>>,
    sig_alg: AlgId<'a>,
    signature: &'a [u8],
}

/// Data group numbers and their hashes, in the SOD's order.
type DgHashes<'a> = Vec<(u8, &'a [u8])>;

/// An EF.SOD, read.
#[derive(Debug, Clone)]
struct Sod<'a> {
    /// The LDSSecurityObject's DER (eContent).
    e_content: &'a [u8],
    lds_hash: AlgId<'a>,
    hashes: DgHashes<'a>,
    /// The certificates it carries.
    certs: Vec<Certificate>,
    signer: Signer<'a>,
}

/// Shifts the offsets of an error found in a part read on its own (starting at `base`).
fn at(base: usize) -> impl Fn(Malformed) -> Malformed {
    move |e| malformed(e.part, base.saturating_add(e.offset))
}

impl<'a> Sod<'a> {
    fn parse(bytes: &'a [u8]) -> Der<Self> {
        let outer = tlv::parse_first(bytes).map_err(|e| malformed("EF.SOD", e.offset))?;
        // EF.SOD is `77 { ContentInfo }`; a bare ContentInfo is read too.
        let content_info = match outer.tag {
            0x77 => {
                let mut f = Fields::of(&outer, 0x77, "EF.SOD")?;
                let ci = f.take(tag::SEQUENCE, "ContentInfo")?;
                f.finish("EF.SOD")?;
                ci
            }
            _ => outer,
        };
        let mut ci = Fields::of(&content_info, tag::SEQUENCE, "ContentInfo")?;
        let ct = ci.take(tag::OID, "ContentInfo.contentType")?;
        if x509::oid_of(&ct, "ContentInfo.contentType")? != oid::SIGNED_DATA {
            return Err(malformed("ContentInfo.contentType", ct.offset));
        }
        let explicit = ci.take(tag::CTX0, "ContentInfo.content")?;
        ci.finish("ContentInfo")?;
        let mut e = Fields::of(&explicit, tag::CTX0, "ContentInfo.content")?;
        let signed_data = e.take(tag::SEQUENCE, "SignedData")?;
        e.finish("ContentInfo.content")?;

        let mut sd = Fields::of(&signed_data, tag::SEQUENCE, "SignedData")?;
        x509::integer(
            &sd.take(tag::INTEGER, "SignedData.version")?,
            "SignedData.version",
        )?;
        sd.take(tag::SET, "SignedData.digestAlgorithms")?;
        let encap = sd.take(tag::SEQUENCE, "EncapsulatedContentInfo")?;
        let certificates = sd.optional(tag::CTX0);
        sd.optional(tag::CTX1); // crls
        let signer_infos = sd.take(tag::SET, "SignedData.signerInfos")?;
        sd.finish("SignedData")?;

        // The LDS security object.
        let mut ec = Fields::of(&encap, tag::SEQUENCE, "EncapsulatedContentInfo")?;
        let e_type = ec.take(tag::OID, "eContentType")?;
        let e_content_type = x509::oid_of(&e_type, "eContentType")?;
        if e_content_type != oid::LDS_SECURITY_OBJECT {
            return Err(malformed("eContentType", e_type.offset));
        }
        let wrapper = ec.take(tag::CTX0, "eContent")?;
        ec.finish("EncapsulatedContentInfo")?;
        let mut w = Fields::of(&wrapper, tag::CTX0, "eContent")?;
        let e_content_tlv = w.take(tag::OCTET_STRING, "eContent")?;
        w.finish("eContent")?;
        let e_content = e_content_tlv.value;
        let (lds_hash, hashes) = lds(e_content).map_err(at(e_content_tlv.value_offset))?;

        // The certificates (other CertificateChoices are skipped). One that cannot be
        // read makes the SOD malformed.
        let mut certs = Vec::new();
        if let Some(set) = certificates {
            let all = x509::items(&set, tag::CTX0, "SignedData.certificates")?;
            if all.len() > MAX_SOD_CERTS {
                return Err(malformed("SignedData.certificates", set.offset));
            }
            for c in all.iter().filter(|c| c.tag == tag::SEQUENCE) {
                let der = tlv::raw(bytes, c)
                    .ok_or_else(|| malformed("SignedData.certificates", c.offset))?;
                certs.push(Certificate::from_der(der).map_err(at(c.offset))?);
            }
        }

        // The first SignerInfo (ICAO: there is one).
        let infos = x509::items(&signer_infos, tag::SET, "SignedData.signerInfos")?;
        let first = infos
            .first()
            .ok_or_else(|| malformed("SignedData.signerInfos", signer_infos.offset))?;
        let signer = signer_info(bytes, first, e_content_type)?;
        Ok(Self {
            e_content,
            lds_hash,
            hashes,
            certs,
            signer,
        })
    }
}

/// LDSSecurityObject ::= SEQUENCE { version, hashAlgorithm, dataGroupHashValues
/// SEQUENCE OF { dataGroupNumber INTEGER, dataGroupHashValue OCTET STRING },
/// ldsVersionInfo OPTIONAL }.
fn lds(content: &[u8]) -> Der<(AlgId<'_>, DgHashes<'_>)> {
    const PART: &str = "LDSSecurityObject";
    let seq = x509::single(content, tag::SEQUENCE, PART)?;
    let mut f = Fields::of(&seq, tag::SEQUENCE, PART)?;
    x509::integer(&f.take(tag::INTEGER, "LDSSecurityObject.version")?, PART)?;
    let hash = AlgId::parse(
        &f.take(tag::SEQUENCE, "LDSSecurityObject.hashAlgorithm")?,
        "LDSSecurityObject.hashAlgorithm",
    )?;
    let list = f.take(tag::SEQUENCE, "dataGroupHashValues")?;
    f.optional(tag::SEQUENCE); // ldsVersionInfo
    f.finish(PART)?;
    let mut hashes: DgHashes<'_> = Vec::new();
    for item in x509::items(&list, tag::SEQUENCE, "dataGroupHashValues")? {
        const DGH: &str = "DataGroupHash";
        let mut h = Fields::of(&item, tag::SEQUENCE, DGH)?;
        let number_tlv = h.take(tag::INTEGER, "DataGroupHash.dataGroupNumber")?;
        let number = x509::small_uint(&number_tlv, "DataGroupHash.dataGroupNumber")?;
        let dg = u8::try_from(number)
            .ok()
            .filter(|dg| !hashes.iter().any(|(n, _)| n == dg))
            .ok_or_else(|| malformed("DataGroupHash.dataGroupNumber", number_tlv.offset))?;
        let value = x509::octets(
            &h.take(tag::OCTET_STRING, "DataGroupHash.dataGroupHashValue")?,
            DGH,
        )?;
        h.finish(DGH)?;
        hashes.push((dg, value));
    }
    Ok((hash, hashes))
}

/// SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, signedAttrs [0] IMPLICIT
/// OPTIONAL, signatureAlgorithm, signature OCTET STRING, unsignedAttrs [1] OPTIONAL }.
fn signer_info<'a>(sod: &'a [u8], t: &Tlv<'a>, e_content_type: &[u8]) -> Der<Signer<'a>> {
    const PART: &str = "SignerInfo";
    let mut f = Fields::of(t, tag::SEQUENCE, PART)?;
    x509::integer(&f.take(tag::INTEGER, "SignerInfo.version")?, PART)?;
    let sid = if let Some(id) = f.optional(tag::CTX0_PRIM) {
        Sid::Ski(id.value)
    } else {
        let ias = f.take(tag::SEQUENCE, "SignerInfo.sid")?;
        let mut s = Fields::of(&ias, tag::SEQUENCE, "IssuerAndSerialNumber")?;
        let issuer = s.take(tag::SEQUENCE, "IssuerAndSerialNumber.issuer")?;
        let serial = s.take(tag::INTEGER, "IssuerAndSerialNumber.serialNumber")?;
        x509::integer(&serial, "IssuerAndSerialNumber.serialNumber")?;
        s.finish("IssuerAndSerialNumber")?;
        Sid::IssuerSerial {
            issuer: tlv::raw(sod, &issuer)
                .ok_or_else(|| malformed("IssuerAndSerialNumber.issuer", issuer.offset))?,
            serial: serial.value,
        }
    };
    let digest_alg = AlgId::parse(
        &f.take(tag::SEQUENCE, "SignerInfo.digestAlgorithm")?,
        "SignerInfo.digestAlgorithm",
    )?;
    let attrs = match f.optional(tag::CTX0) {
        Some(a) => Some(signed_attrs(sod, &a, e_content_type)?),
        None => None,
    };
    let sig_alg = AlgId::parse(
        &f.take(tag::SEQUENCE, "SignerInfo.signatureAlgorithm")?,
        "SignerInfo.signatureAlgorithm",
    )?;
    let signature = x509::octets(
        &f.take(tag::OCTET_STRING, "SignerInfo.signature")?,
        "SignerInfo.signature",
    )?;
    f.optional(tag::CTX1); // unsignedAttrs
    f.finish(PART)?;
    Ok(Signer {
        sid,
        digest_alg,
        attrs,
        sig_alg,
        signature,
    })
}

/// The signed attributes: contentType (which must be the eContentType) and
/// messageDigest must each be there once.
fn signed_attrs<'a>(sod: &'a [u8], t: &Tlv<'a>, e_content_type: &[u8]) -> Der<SignedAttrs<'a>> {
    const PART: &str = "SignerInfo.signedAttrs";
    let raw = tlv::raw(sod, t).ok_or_else(|| malformed(PART, t.offset))?;
    // Signed as a SET OF: the same bytes with the SET tag.
    let mut as_set = raw.to_vec();
    if let Some(first) = as_set.first_mut() {
        *first = 0x31;
    }
    let (mut content_type, mut digest) = (None, None);
    for attr in x509::items(t, tag::CTX0, PART)? {
        let mut a = Fields::of(&attr, tag::SEQUENCE, "Attribute")?;
        let kind = x509::oid_of(
            &a.take(tag::OID, "Attribute.attrType")?,
            "Attribute.attrType",
        )?;
        let values_tlv = a.take(tag::SET, "Attribute.attrValues")?;
        a.finish("Attribute")?;
        let values = x509::items(&values_tlv, tag::SET, "Attribute.attrValues")?;
        match kind {
            oid::CONTENT_TYPE => {
                let part = "signedAttrs.contentType";
                match values.as_slice() {
                    [v] if content_type.is_none() => content_type = Some(x509::oid_of(v, part)?),
                    _ => return Err(malformed(part, attr.offset)),
                }
            }
            oid::MESSAGE_DIGEST => {
                let part = "signedAttrs.messageDigest";
                match values.as_slice() {
                    [v] if digest.is_none() => digest = Some(x509::octets(v, part)?),
                    _ => return Err(malformed(part, attr.offset)),
                }
            }
            _ => {}
        }
    }
    match content_type {
        Some(ct) if ct == e_content_type => {}
        _ => return Err(malformed("signedAttrs.contentType", t.offset)),
    }
    let message_digest = digest.ok_or_else(|| malformed("signedAttrs.messageDigest", t.offset))?;
    Ok(SignedAttrs {
        as_set,
        message_digest,
    })
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use proptest::prelude::*;
    use rsa::rand_core::{TryCryptoRng, TryRng};
    use rsa::{BoxedUint, Pkcs1v15Sign, PrivateKey, pss::Pss};
    use sha2::{Digest, Sha256, Sha384};

    use super::*;
    use crate::card::reader;
    use crate::card::testpki::{self, CertSpec, SodSpec, TestPki};
    use crate::card::virtual_card::{VirtualCard, demo_holder};
    use crate::card::x509::tests::oid_from_dotted;

    const CSCA_NAME: &str = "C=VN, O=motcua test, CN=motcua test CSCA";

    /// DG1, DG2 and DG13 of the demo card.
    fn dgs() -> BTreeMap<u8, Vec<u8>> {
        let card = VirtualCard::new(&demo_holder(), 1).unwrap();
        [
            (1, reader::EF_DG1),
            (2, reader::EF_DG2),
            (13, reader::EF_DG13),
        ]
        .into_iter()
        .map(|(dg, fid)| (dg, card.file(fid).unwrap().to_vec()))
        .collect()
    }

    fn store_of(pki: &TestPki) -> TrustStore {
        let store = TrustStore::from_der(vec![pki.csca_der().to_vec()]);
        assert_eq!((store.len(), store.rejected()), (1, &[][..]));
        store
    }

    fn all_match(dgs: &BTreeMap<u8, Vec<u8>>) -> Vec<(u8, HashCheck)> {
        dgs.keys().map(|&dg| (dg, HashCheck::Match)).collect()
    }

    /// A TBSCertificate field of a DER certificate (0 version, 1 serial, … 6 SPKI), whole.
    fn tbs_field(cert: &[u8], index: usize) -> Vec<u8> {
        let c = tlv::parse_first(cert).unwrap();
        let tbs = tlv::children(&c).unwrap()[0];
        let field = tlv::children(&tbs).unwrap()[index];
        tlv::raw(cert, &field).unwrap().to_vec()
    }

    fn ski_of(cert: &[u8]) -> Vec<u8> {
        Certificate::from_der(cert).unwrap().ski().unwrap().to_vec()
    }

    /// A DS certificate for `spki`, issued by `pki`'s CSCA.
    fn ds_issued_by(pki: &TestPki, cn: &str, spki: &[u8]) -> Vec<u8> {
        testpki::certificate(
            &CertSpec {
                serial: &[0x42],
                issuer: &testpki::name("motcua test CSCA"),
                subject: &testpki::name(cn),
                spki,
                extensions: vec![testpki::extension(
                    oid::AKI,
                    false,
                    &testpki::authority_key_id(&ski_of(pki.csca_der())),
                )],
                sig_alg: &testpki::alg(oid::ECDSA_WITH_SHA256, None),
            },
            &|tbs: &[u8]| pki.csca_sign(tbs),
        )
    }

    /// An SOD over `dgs` signed by `sign`, carrying `ds` and naming it by issuer and
    /// serial.
    fn sod_with(
        dgs: &BTreeMap<u8, Vec<u8>>,
        lds_hash: Hash,
        digest: Hash,
        sig_alg: Vec<u8>,
        ds: &[u8],
        sign: &dyn Fn(&[u8]) -> Vec<u8>,
    ) -> Vec<u8> {
        testpki::build_sod(
            &testpki::lds(lds_hash, dgs),
            &SodSpec {
                digest,
                sid: testpki::issuer_and_serial(ds),
                sig_alg,
                signed_attrs: true,
                certs: vec![ds.to_vec()],
            },
            sign,
        )
    }

    #[test]
    fn a_test_pki_sod_verifies_with_its_csca() {
        let pki = TestPki::generate(7);
        let dgs = dgs();
        let sod = pki.sign_sod(&dgs);
        let r = verify(&sod, &dgs, &store_of(&pki));
        assert_eq!(r.reasons, []);
        assert_eq!(r.level, Level::Verified);
        assert_eq!(r.dg_hashes, all_match(&dgs));
        assert_eq!(r.dgs_in_sod, [1, 2, 13]);
        assert_eq!(r.digest_algorithm.as_deref(), Some("SHA-256"));
        assert_eq!(
            r.signature_algorithm.as_deref(),
            Some("ECDSA P-256 with SHA-256")
        );
        assert_eq!(
            r.signer.as_deref(),
            Some("C=VN, O=motcua test, CN=motcua test document signer 7")
        );
        assert_eq!(r.csca.as_deref(), Some(CSCA_NAME));
        // Reading fewer data groups than the SOD lists is fine.
        let dg1_only: BTreeMap<u8, Vec<u8>> =
            dgs.range(1..2).map(|(k, v)| (*k, v.clone())).collect();
        let r = verify(&sod, &dg1_only, &store_of(&pki));
        assert_eq!(
            (r.level, r.dg_hashes),
            (Level::Verified, vec![(1, HashCheck::Match)])
        );
        // The same seed gives the same bytes; another seed, others.
        assert_eq!(TestPki::generate(7).sign_sod(&dgs), sod);
        assert_ne!(TestPki::generate(8).csca_der(), pki.csca_der());
    }

    #[test]
    fn without_a_trusted_csca_the_signer_is_not_trusted() {
        let pki = TestPki::generate(7);
        let dgs = dgs();
        let sod = pki.sign_sod(&dgs);
        let r = verify(&sod, &dgs, &TrustStore::empty());
        assert_eq!(r.level, Level::SignerNotTrusted);
        assert_eq!(r.reasons, [Reason::NoTrustStore]);
        assert_eq!(r.dg_hashes, all_match(&dgs));
        assert_eq!(r.csca, None);
        assert!(r.signer.is_some());
        // Another seed's CSCA has the same name but another key (and key identifier):
        // as after a CSCA key change, it is not the issuer.
        let r = verify(&sod, &dgs, &store_of(&TestPki::generate(8)));
        assert_eq!(r.level, Level::SignerNotTrusted);
        assert_eq!(
            r.reasons,
            [Reason::UnknownCsca {
                issuer: CSCA_NAME.into()
            }]
        );
        assert_eq!(r.reasons[0].key(), "pa.reason.unknown_csca");
        assert_eq!(r.reasons[0].args(), [("issuer", CSCA_NAME.to_string())]);
        // With both CSCAs in the store, the right one is found.
        let both = TrustStore::from_der(vec![
            TestPki::generate(8).csca_der().to_vec(),
            pki.csca_der().to_vec(),
        ]);
        assert_eq!(verify(&sod, &dgs, &both).level, Level::Verified);
    }

    #[test]
    fn a_changed_data_group_fails() {
        let pki = TestPki::generate(7);
        let mut dgs = dgs();
        let sod = pki.sign_sod(&dgs);
        let dg13 = dgs.get_mut(&13).unwrap();
        let last = dg13.len() - 1;
        dg13[last] ^= 0x01;
        let r = verify(&sod, &dgs, &store_of(&pki));
        assert_eq!(r.level, Level::Failed);
        assert_eq!(r.reasons, [Reason::DgHashMismatch { dg: 13 }]);
        assert_eq!(
            r.dg_hashes,
            [
                (1, HashCheck::Match),
                (2, HashCheck::Match),
                (13, HashCheck::Mismatch)
            ]
        );
        // The signature itself is still good.
        assert_eq!(r.csca.as_deref(), Some(CSCA_NAME));
    }

    #[test]
    fn a_data_group_missing_from_the_sod_fails() {
        let pki = TestPki::generate(7);
        let dgs = dgs();
        let without_dg2: BTreeMap<u8, Vec<u8>> = dgs
            .iter()
            .filter(|(dg, _)| **dg != 2)
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        let sod = pki.sign_sod(&without_dg2);
        let r = verify(&sod, &dgs, &store_of(&pki));
        assert_eq!(r.level, Level::Failed);
        assert_eq!(r.reasons, [Reason::DgNotInSod { dg: 2 }]);
        assert_eq!(r.dgs_in_sod, [1, 13]);
        assert_eq!(r.dg_hashes[1], (2, HashCheck::NotInSod));
    }

    #[test]
    fn a_flipped_signature_or_signed_attribute_fails() {
        let pki = TestPki::generate(7);
        let dgs = dgs();
        let sod = pki.sign_sod(&dgs);
        let store = store_of(&pki);
        // The signature is the SOD's last element: its last byte is in s.
        let mut bad = sod.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0x01;
        let r = verify(&bad, &dgs, &store);
        assert_eq!(
            (r.level, r.reasons.clone()),
            (Level::Failed, vec![Reason::SignatureInvalid])
        );
        assert_eq!(r.dg_hashes, all_match(&dgs));
        // The signed messageDigest: the signature breaks and it no longer matches.
        let digest = Sha256::digest(testpki::lds(Hash::Sha256, &dgs));
        let at = sod
            .windows(32)
            .position(|w| w == digest.as_slice())
            .unwrap();
        let mut bad = sod.clone();
        bad[at + 5] ^= 0x80;
        let r = verify(&bad, &dgs, &store);
        assert_eq!(r.level, Level::Failed);
        assert_eq!(
            r.reasons,
            [Reason::MessageDigestMismatch, Reason::SignatureInvalid]
        );
        // A DG hash inside the signed content.
        let dg1_hash = Sha256::digest(&dgs[&1]);
        let at = sod
            .windows(32)
            .position(|w| w == dg1_hash.as_slice())
            .unwrap();
        let mut bad = sod.clone();
        bad[at] ^= 0x01;
        let r = verify(&bad, &dgs, &store);
        assert_eq!(r.level, Level::Failed);
        assert_eq!(
            r.reasons,
            [
                Reason::DgHashMismatch { dg: 1 },
                Reason::MessageDigestMismatch
            ]
        );
    }

    #[test]
    fn a_csca_with_the_right_name_but_the_wrong_key_fails() {
        let pki = TestPki::generate(7);
        let other = TestPki::generate(8);
        let dgs = dgs();
        let sod = pki.sign_sod(&dgs);
        let name = testpki::name("motcua test CSCA");
        let impostor = |ski: Option<Vec<u8>>| {
            let extensions = ski
                .map(|id| testpki::extension(oid::SKI, false, &tlv::encode(tag::OCTET_STRING, &id)))
                .into_iter()
                .collect();
            testpki::certificate(
                &CertSpec {
                    serial: &[0x01],
                    issuer: &name,
                    subject: &name,
                    spki: &tbs_field(other.csca_der(), 6),
                    extensions,
                    sig_alg: &testpki::alg(oid::ECDSA_WITH_SHA256, None),
                },
                &|tbs: &[u8]| other.csca_sign(tbs),
            )
        };
        // Claiming the real CSCA's key identifier, or none: checked, and wrong.
        for ski in [Some(ski_of(pki.csca_der())), None] {
            let store = TrustStore::from_der(vec![impostor(ski)]);
            let r = verify(&sod, &dgs, &store);
            assert_eq!(r.level, Level::Failed);
            assert_eq!(
                r.reasons,
                [Reason::CscaSignatureInvalid {
                    csca: CSCA_NAME.into()
                }]
            );
            assert_eq!(r.csca, None);
        }
    }

    #[test]
    fn signer_named_by_key_identifier_or_content_signed_directly() {
        let pki = TestPki::generate(3);
        let dgs = dgs();
        let ds_ski = ski_of(pki.ds_der());
        for (sid, signed_attrs) in [
            (tlv::encode(tag::CTX0_PRIM, &ds_ski), true),
            (testpki::issuer_and_serial(pki.ds_der()), false),
        ] {
            let sod = testpki::build_sod(
                &testpki::lds(Hash::Sha256, &dgs),
                &SodSpec {
                    digest: Hash::Sha256,
                    sid,
                    sig_alg: testpki::alg(oid::ECDSA_WITH_SHA256, None),
                    signed_attrs,
                    certs: vec![pki.csca_der().to_vec(), pki.ds_der().to_vec()],
                },
                &|m: &[u8]| pki.ds_sign(m),
            );
            let r = verify(&sod, &dgs, &store_of(&pki));
            assert_eq!(
                (r.level, r.reasons),
                (Level::Verified, vec![]),
                "{signed_attrs}"
            );
            assert_eq!(
                r.signer.as_deref(),
                Some("C=VN, O=motcua test, CN=motcua test document signer 3")
            );
        }
        // A key identifier no certificate has.
        let sod = testpki::build_sod(
            &testpki::lds(Hash::Sha256, &dgs),
            &SodSpec {
                digest: Hash::Sha256,
                sid: tlv::encode(tag::CTX0_PRIM, &[1, 2, 3]),
                sig_alg: testpki::alg(oid::ECDSA_WITH_SHA256, None),
                signed_attrs: true,
                certs: vec![pki.ds_der().to_vec()],
            },
            &|m: &[u8]| pki.ds_sign(m),
        );
        let r = verify(&sod, &dgs, &store_of(&pki));
        assert_eq!(
            (r.level, r.reasons),
            (Level::SignerNotTrusted, vec![Reason::NoSignerCertificate])
        );
        assert_eq!(r.dg_hashes, all_match(&dgs));
    }

    /// The RSA test key (tests/data/pa-rsa-test-key.pem, PKCS#1, made once with
    /// `openssl genrsa -traditional 2048`; a test key, nothing else).
    fn rsa_key() -> (PrivateKey, Vec<u8>) {
        let text = include_str!("../../tests/data/pa-rsa-test-key.pem");
        let blocks = pem_blocks(text);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].0, "RSA PRIVATE KEY");
        let der = blocks[0].1.clone().unwrap();
        let seq = x509::single(&der, tag::SEQUENCE, "RSAPrivateKey").unwrap();
        let ints = x509::items(&seq, tag::SEQUENCE, "RSAPrivateKey").unwrap();
        let int = |i: usize| x509::unsigned(&ints[i], "RSAPrivateKey").unwrap().to_vec();
        let (n, e, p, q) = (int(1), int(2), int(4), int(5));
        let key = PrivateKey::from_p_q(
            BoxedUint::from_be_slice_vartime(&p),
            BoxedUint::from_be_slice_vartime(&q),
            BoxedUint::from_be_slice_vartime(&e),
        )
        .unwrap();
        let public = tlv::encode(
            tag::SEQUENCE,
            &[testpki::uint(&n), testpki::uint(&e)].concat(),
        );
        let spki = testpki::spki(
            &testpki::alg(oid::RSA_ENCRYPTION, Some(&tlv::encode(tag::NULL, &[]))),
            &public,
        );
        (key, spki)
    }

    /// Deterministic randomness for PSS salts (splitmix64; tests only).
    struct TestRng(crate::rng::SplitMix64);

    impl TryRng for TestRng {
        type Error = Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Infallible> {
            Ok(self.0.next_u64() as u32)
        }
        fn try_next_u64(&mut self) -> Result<u64, Infallible> {
            Ok(self.0.next_u64())
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
            for chunk in dst.chunks_mut(8) {
                let bytes = self.0.next_u64().to_le_bytes();
                chunk.copy_from_slice(&bytes[..chunk.len()]);
            }
            Ok(())
        }
    }

    impl TryCryptoRng for TestRng {}

    /// RSASSA-PSS-params: SHA-256, MGF1 with SHA-256, salt 32.
    fn pss_sha256() -> Vec<u8> {
        let sha256 = testpki::alg(oid::SHA256, Some(&tlv::encode(tag::NULL, &[])));
        let params = tlv::encode(
            tag::SEQUENCE,
            &[
                tlv::encode(tag::CTX0, &sha256),
                tlv::encode(tag::CTX1, &testpki::alg(oid::MGF1, Some(&sha256))),
                tlv::encode(tag::CTX2, &tlv::encode(tag::INTEGER, &[32])),
            ]
            .concat(),
        );
        testpki::alg(oid::RSASSA_PSS, Some(&params))
    }

    #[test]
    fn rsa_pkcs1_v15_signatures_verify() {
        let pki = TestPki::generate(5);
        let (key, spki) = rsa_key();
        let ds = ds_issued_by(&pki, "motcua test RSA signer", &spki);
        let dgs = dgs();
        let sign = |m: &[u8]| {
            key.sign(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(m))
                .unwrap()
        };
        let with_rsa = testpki::alg(oid::SHA256_WITH_RSA, Some(&tlv::encode(tag::NULL, &[])));
        // rsaEncryption: the hash is the SignerInfo's digest algorithm.
        let plain_rsa = testpki::alg(oid::RSA_ENCRYPTION, Some(&tlv::encode(tag::NULL, &[])));
        for sig_alg in [with_rsa, plain_rsa] {
            let sod = sod_with(&dgs, Hash::Sha256, Hash::Sha256, sig_alg, &ds, &sign);
            let r = verify(&sod, &dgs, &store_of(&pki));
            assert_eq!((r.level, r.reasons), (Level::Verified, vec![]));
            assert_eq!(
                r.signature_algorithm.as_deref(),
                Some("RSA PKCS#1 v1.5 with SHA-256")
            );
            let mut bad = sod.clone();
            let last = bad.len() - 1;
            bad[last] ^= 0x01;
            let r = verify(&bad, &dgs, &store_of(&pki));
            assert_eq!(
                (r.level, r.reasons),
                (Level::Failed, vec![Reason::SignatureInvalid])
            );
        }
        assert_eq!(
            Certificate::from_der(&ds).unwrap().key_description(),
            "RSA 2048"
        );
    }

    #[test]
    fn rsa_pss_signatures_and_an_rsa_csca_verify() {
        let (key, spki) = rsa_key();
        let rng = std::cell::RefCell::new(TestRng(crate::rng::SplitMix64(9)));
        let sign = |m: &[u8]| {
            key.sign_with_rng(
                &mut *rng.borrow_mut(),
                Pss::<Sha256>::new_with_salt(32),
                &Sha256::digest(m),
            )
            .unwrap()
        };
        // An RSA CSCA (self-signed with PSS) issuing an RSA DS (the same test key).
        let csca_name = testpki::name("motcua test RSA CSCA");
        let csca = testpki::certificate(
            &CertSpec {
                serial: &[0x10],
                issuer: &csca_name,
                subject: &csca_name,
                spki: &spki,
                extensions: vec![],
                sig_alg: &pss_sha256(),
            },
            &sign,
        );
        let ds = testpki::certificate(
            &CertSpec {
                serial: &[0x11],
                issuer: &csca_name,
                subject: &testpki::name("motcua test PSS signer"),
                spki: &spki,
                extensions: vec![],
                sig_alg: &pss_sha256(),
            },
            &sign,
        );
        let dgs = dgs();
        let sod = sod_with(&dgs, Hash::Sha256, Hash::Sha256, pss_sha256(), &ds, &sign);
        let store = TrustStore::from_der(vec![csca]);
        let r = verify(&sod, &dgs, &store);
        assert_eq!((r.level, r.reasons), (Level::Verified, vec![]));
        assert_eq!(
            r.signature_algorithm.as_deref(),
            Some("RSASSA-PSS with SHA-256")
        );
        assert_eq!(
            r.csca.as_deref(),
            Some("C=VN, O=motcua test, CN=motcua test RSA CSCA")
        );
        let mut bad = sod.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0x01;
        assert_eq!(verify(&bad, &dgs, &store).level, Level::Failed);
    }

    #[test]
    fn ecdsa_p384_and_explicit_p256_parameters_verify() {
        use p384::ecdsa::signature::hazmat::PrehashSigner;
        let pki = TestPki::generate(5);
        let dgs = dgs();
        // P-384, SHA-384 signature, SHA-512 data group hashes.
        let key = p384::ecdsa::SigningKey::from_slice(&[7u8; 48]).unwrap();
        let point = key.verifying_key().to_sec1_point(false);
        let spki = testpki::spki(
            &testpki::alg(oid::EC_PUBLIC_KEY, Some(&tlv::encode(tag::OID, oid::P384))),
            point.as_bytes(),
        );
        let ds = ds_issued_by(&pki, "motcua test P-384 signer", &spki);
        let sign = |m: &[u8]| {
            let sig: p384::ecdsa::Signature = key.sign_prehash(&Sha384::digest(m)).unwrap();
            let bytes = sig.to_bytes();
            let (r, s) = bytes.split_at(48);
            tlv::encode(
                tag::SEQUENCE,
                &[testpki::uint(r), testpki::uint(s)].concat(),
            )
        };
        let sig_alg = testpki::alg(oid::ECDSA_WITH_SHA384, None);
        let sod = sod_with(&dgs, Hash::Sha512, Hash::Sha384, sig_alg, &ds, &sign);
        let r = verify(&sod, &dgs, &store_of(&pki));
        assert_eq!((r.level, r.reasons), (Level::Verified, vec![]));
        assert_eq!(r.digest_algorithm.as_deref(), Some("SHA-512"));
        assert_eq!(
            r.signature_algorithm.as_deref(),
            Some("ECDSA P-384 with SHA-384")
        );

        // The test PKI's P-256 DS key, but with explicit curve parameters.
        let named = tbs_field(pki.ds_der(), 6);
        let spki_tlv = tlv::parse_first(&named).unwrap();
        let point = x509::bit_string(&tlv::children(&spki_tlv).unwrap()[1], "x").unwrap();
        let curve = x509::Curve::P256;
        let params = tlv::encode(
            tag::SEQUENCE,
            &[
                tlv::encode(tag::INTEGER, &[1]),
                tlv::encode(
                    tag::SEQUENCE,
                    &[
                        tlv::encode(tag::OID, oid::PRIME_FIELD),
                        testpki::uint(curve.prime()),
                    ]
                    .concat(),
                ),
                tlv::encode(tag::SEQUENCE, &[]),
                tlv::encode(tag::OCTET_STRING, &curve.generator(false)),
                tlv::encode(tag::INTEGER, &[1]),
            ]
            .concat(),
        );
        let spki = testpki::spki(&testpki::alg(oid::EC_PUBLIC_KEY, Some(&params)), point);
        let ds = ds_issued_by(&pki, "motcua test explicit signer", &spki);
        let sig_alg = testpki::alg(oid::ECDSA_WITH_SHA256, None);
        let sod = sod_with(
            &dgs,
            Hash::Sha256,
            Hash::Sha256,
            sig_alg,
            &ds,
            &|m: &[u8]| pki.ds_sign(m),
        );
        let r = verify(&sod, &dgs, &store_of(&pki));
        assert_eq!((r.level, r.reasons), (Level::Verified, vec![]));
        assert_eq!(
            r.signature_algorithm.as_deref(),
            Some("ECDSA P-256 with SHA-256")
        );
    }

    #[test]
    fn unsupported_algorithms_are_not_trusted_but_not_failed() {
        let pki = TestPki::generate(5);
        let dgs = dgs();
        let store = store_of(&pki);
        // Ed25519 (1.3.101.112) as the SOD's signature algorithm.
        let ed25519 = oid_from_dotted("1.3.101.112");
        let sod = sod_with(
            &dgs,
            Hash::Sha256,
            Hash::Sha256,
            testpki::alg(&ed25519, None),
            pki.ds_der(),
            &|m: &[u8]| pki.ds_sign(m),
        );
        let r = verify(&sod, &dgs, &store);
        assert_eq!(r.level, Level::SignerNotTrusted);
        assert_eq!(
            r.reasons,
            [Reason::UnsupportedSignature {
                algorithm: "1.3.101.112".into()
            }]
        );
        assert_eq!(r.dg_hashes, all_match(&dgs));
        assert_eq!(r.csca.as_deref(), Some(CSCA_NAME));
        // A DS key on a Brainpool curve.
        let brainpool = oid_from_dotted("1.3.36.3.3.2.8.1.1.7");
        let spki = testpki::spki(
            &testpki::alg(oid::EC_PUBLIC_KEY, Some(&tlv::encode(tag::OID, &brainpool))),
            &[0x04; 65],
        );
        let ds = ds_issued_by(&pki, "motcua test brainpool signer", &spki);
        let sig_alg = testpki::alg(oid::ECDSA_WITH_SHA256, None);
        let sod = sod_with(
            &dgs,
            Hash::Sha256,
            Hash::Sha256,
            sig_alg,
            &ds,
            &|m: &[u8]| pki.ds_sign(m),
        );
        let r = verify(&sod, &dgs, &store);
        assert_eq!(r.level, Level::SignerNotTrusted);
        assert_eq!(
            r.reasons,
            [Reason::UnsupportedSignature {
                algorithm: "ECDSA brainpoolP256r1".into()
            }]
        );
        assert_eq!(
            r.signature_algorithm.as_deref(),
            Some("ECDSA brainpoolP256r1 with SHA-256")
        );
        // An unknown data group hash: nothing to compare, not trusted.
        let sha3 = oid_from_dotted("2.16.840.1.101.3.4.2.8");
        let lds = tlv::encode(
            tag::SEQUENCE,
            &[
                tlv::encode(tag::INTEGER, &[0]),
                testpki::alg(&sha3, None),
                tlv::encode(tag::SEQUENCE, &[]),
            ]
            .concat(),
        );
        let sod = testpki::build_sod(
            &lds,
            &SodSpec {
                digest: Hash::Sha256,
                sid: testpki::issuer_and_serial(pki.ds_der()),
                sig_alg: testpki::alg(oid::ECDSA_WITH_SHA256, None),
                signed_attrs: true,
                certs: vec![pki.ds_der().to_vec()],
            },
            &|m: &[u8]| pki.ds_sign(m),
        );
        let r = verify(&sod, &dgs, &store);
        assert_eq!(r.level, Level::SignerNotTrusted);
        assert_eq!(
            r.reasons,
            [Reason::UnsupportedDigest {
                algorithm: "2.16.840.1.101.3.4.2.8".into()
            }]
        );
        assert_eq!(r.dg_hashes, []);
    }

    #[test]
    fn malformed_and_oversized_sods_fail() {
        let dgs = dgs();
        let store = TrustStore::empty();
        let r = verify(&[], &dgs, &store);
        assert_eq!(r.level, Level::Failed);
        assert!(matches!(
            r.reasons[..],
            [Reason::Malformed {
                part: "EF.SOD",
                offset: 0
            }]
        ));
        assert_eq!(r.reasons[0].key(), "pa.reason.malformed");
        assert_eq!(r.reasons[0].args()[0], ("part", "EF.SOD".to_string()));
        let r = verify(&vec![0u8; MAX_SOD + 1], &dgs, &store);
        assert_eq!(r.reasons, [Reason::TooLarge { len: MAX_SOD + 1 }]);
        assert_eq!(r.level, Level::Failed);
        // A ContentInfo that is not signedData.
        let data = tlv::encode(
            0x77,
            &tlv::encode(
                tag::SEQUENCE,
                &tlv::encode(tag::OID, &oid_from_dotted("1.2.840.113549.1.7.1")),
            ),
        );
        let r = verify(&data, &dgs, &store);
        assert!(matches!(
            r.reasons[..],
            [Reason::Malformed {
                part: "ContentInfo.contentType",
                offset: 4
            }]
        ));
        // Nothing else is reported for a malformed SOD.
        assert_eq!((r.dg_hashes, r.signer), (vec![], None));
        // A certificate that cannot be read.
        let pki = TestPki::generate(5);
        let sod = testpki::build_sod(
            &testpki::lds(Hash::Sha256, &dgs),
            &SodSpec {
                digest: Hash::Sha256,
                sid: testpki::issuer_and_serial(pki.ds_der()),
                sig_alg: testpki::alg(oid::ECDSA_WITH_SHA256, None),
                signed_attrs: true,
                certs: vec![
                    pki.ds_der().to_vec(),
                    tlv::encode(tag::SEQUENCE, &[1, 2, 3]),
                ],
            },
            &|m: &[u8]| pki.ds_sign(m),
        );
        let r = verify(&sod, &dgs, &store_of(&pki));
        assert_eq!(r.level, Level::Failed);
        assert!(
            matches!(
                r.reasons[..],
                [Reason::Malformed {
                    part: "Certificate",
                    ..
                }]
            ),
            "{:?}",
            r.reasons
        );
    }

    /// An SOD made by OpenSSL 3.0 (`openssl cms -sign -binary -nodetach
    /// -econtent_type 2.23.136.1.1.1 -md sha256 -keyopt rsa_padding_mode:pss -keyopt
    /// rsa_pss_saltlen:32`, wrapped in `77`): a P-384 CSCA (ecdsa-with-SHA384), an RSA DS
    /// (the test key), signed attributes with signingTime and smimeCapabilities, over
    /// the two data groups below.
    #[test]
    fn an_openssl_made_sod_verifies() {
        let sod = include_bytes!("../../tests/data/pa-openssl-sod.der");
        let csca = include_str!("../../tests/data/pa-openssl-csca.pem");
        let dgs: BTreeMap<u8, Vec<u8>> = [
            (1, b"openssl interop DG1".to_vec()),
            (13, b"openssl interop DG13".to_vec()),
        ]
        .into_iter()
        .collect();
        let der = pem_blocks(csca).remove(0).1.unwrap();
        let store = TrustStore::from_der(vec![der]);
        let r = verify(sod, &dgs, &store);
        assert_eq!((r.level, r.reasons.clone()), (Level::Verified, vec![]));
        assert_eq!(
            r.signature_algorithm.as_deref(),
            Some("RSASSA-PSS with SHA-256")
        );
        assert_eq!(
            r.signer.as_deref(),
            Some("C=VN, O=motcua interop, CN=OpenSSL interop DS")
        );
        assert_eq!(
            r.csca.as_deref(),
            Some("C=VN, O=motcua interop, CN=OpenSSL interop CSCA")
        );
        assert_eq!(store.certificates()[0].key_description(), "P-384");
        let mut changed = dgs.clone();
        changed.insert(13, b"openssl interop DG13!".to_vec());
        assert_eq!(verify(sod, &changed, &store).level, Level::Failed);
    }

    #[test]
    fn the_sod_structure_and_oids_read_back() {
        let pki = TestPki::generate(11);
        let dgs = dgs();
        let sod = pki.sign_sod(&dgs);
        // 77 { 30 { 06 signedData, A0 { 30 SignedData } } }
        let outer = tlv::parse_first(&sod).unwrap();
        assert_eq!(
            (outer.tag, outer.offset + 4 + outer.value.len()),
            (0x77, sod.len())
        );
        let ci = tlv::children(&tlv::children(&outer).unwrap()[0]).unwrap();
        assert_eq!(ci[0].value, oid_from_dotted("1.2.840.113549.1.7.2"));
        let sd = tlv::children(&tlv::children(&ci[1]).unwrap()[0]).unwrap();
        assert_eq!(
            sd.iter().map(|t| t.tag).collect::<Vec<_>>(),
            [tag::INTEGER, tag::SET, tag::SEQUENCE, tag::CTX0, tag::SET]
        );
        let encap = tlv::children(&sd[2]).unwrap();
        assert_eq!(encap[0].value, oid_from_dotted("2.23.136.1.1.1"));

        let parsed = Sod::parse(&sod).unwrap();
        assert_eq!(parsed.e_content, testpki::lds(Hash::Sha256, &dgs));
        assert_eq!(
            parsed.lds_hash.oid,
            oid_from_dotted("2.16.840.1.101.3.4.2.1")
        );
        let want: Vec<(u8, Vec<u8>)> = dgs
            .iter()
            .map(|(dg, bytes)| (*dg, Sha256::digest(bytes).to_vec()))
            .collect();
        let got: Vec<(u8, Vec<u8>)> = parsed
            .hashes
            .iter()
            .map(|(dg, h)| (*dg, h.to_vec()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(parsed.certs.len(), 1);
        let ds = &parsed.certs[0];
        assert_eq!(ds.der(), pki.ds_der());
        assert!(parsed.signer.sid.matches(ds));
        assert_eq!(parsed.signer.digest_alg.oid, oid::SHA256);
        assert_eq!(
            parsed.signer.sig_alg.oid,
            oid_from_dotted("1.2.840.10045.4.3.2")
        );
        let attrs = parsed.signer.attrs.as_ref().unwrap();
        assert_eq!(attrs.as_set[0], 0x31);
        assert_eq!(attrs.message_digest, &Sha256::digest(parsed.e_content)[..]);

        // The certificates: names, key identifiers, serials, keys.
        let csca = Certificate::from_der(pki.csca_der()).unwrap();
        assert_eq!(
            (csca.subject(), csca.issuer()),
            (CSCA_NAME.to_string(), CSCA_NAME.to_string())
        );
        assert_eq!(ds.issuer(), CSCA_NAME);
        assert_eq!(ds.aki(), csca.ski());
        assert_eq!(csca.ski().map(<[u8]>::len), Some(20));
        assert_eq!(csca.serial_hex(), "01000000000000000B");
        assert_eq!(ds.serial_hex(), "02000000000000000B");
        assert_eq!(csca.key_description(), "P-256");
        assert_eq!(csca.check_signed_by(csca.key()), Check::Valid);
        assert_eq!(ds.check_signed_by(csca.key()), Check::Valid);
        assert_eq!(ds.check_signed_by(ds.key()), Check::Invalid);
        // A certificate with anything after it is refused.
        let mut trailing = pki.csca_der().to_vec();
        trailing.push(0);
        assert!(Certificate::from_der(&trailing).is_err());
    }

    #[test]
    fn a_trust_store_folder_reads_pem_and_der_and_reports_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            TestPki::generate(1),
            TestPki::generate(2),
            TestPki::generate(3),
        );
        let two = format!("a CSCA bundle\n{}\n{}", a.csca_pem(), b.csca_pem());
        std::fs::write(dir.path().join("bundle.pem"), two).unwrap();
        std::fs::write(dir.path().join("c.DER"), c.csca_der()).unwrap();
        // The same certificate again, as .crt in PEM: kept once.
        std::fs::write(dir.path().join("c-again.crt"), c.csca_pem()).unwrap();
        std::fs::write(
            dir.path().join("broken.pem"),
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("junk.cer"), [0x30, 0x03, 0x02, 0x01, 0x00]).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not a certificate").unwrap();
        std::fs::create_dir(dir.path().join("sub.pem")).unwrap();

        let (store, problems) = TrustStore::load_dir(dir.path());
        assert_eq!(store.len(), 3);
        assert!(!store.is_empty());
        let named: Vec<_> = problems
            .iter()
            .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(named, ["broken.pem", "junk.cer", "sub.pem"]);
        assert!(problems[0].1.contains("certificate 1"), "{}", problems[0].1);
        assert!(problems[1].1.contains("Certificate"), "{}", problems[1].1);
        // Each of the three CSCAs is usable.
        let dgs = dgs();
        for pki in [&a, &b, &c] {
            assert_eq!(
                verify(&pki.sign_sod(&dgs), &dgs, &store).level,
                Level::Verified
            );
        }

        let missing = dir.path().join("missing");
        let (store, problems) = TrustStore::load_dir(&missing);
        assert!(store.is_empty());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, missing);
    }

    #[test]
    fn from_der_skips_unreadable_certificates() {
        let pki = TestPki::generate(4);
        let store = TrustStore::from_der(vec![
            b"garbage".to_vec(),
            pki.csca_der().to_vec(),
            pki.csca_der().to_vec(),
            pki.csca_der()[..40].to_vec(),
        ]);
        assert_eq!(store.len(), 1);
        let rejected: Vec<usize> = store.rejected().iter().map(|(i, _)| *i).collect();
        assert_eq!(rejected, [0, 3]);
        assert_eq!(store.certificates()[0].subject(), CSCA_NAME);
    }

    #[test]
    fn base64_and_pem() {
        for len in 0..40u8 {
            let bytes: Vec<u8> = (0..len)
                .map(|i| i.wrapping_mul(37).wrapping_add(11))
                .collect();
            let text = testpki::base64_encode(&bytes);
            assert_eq!(base64_decode(&text).unwrap(), bytes, "{len}");
        }
        assert_eq!(testpki::base64_encode(b"Ma"), "TWE=");
        assert_eq!(base64_decode("TW\nE=").unwrap(), b"Ma");
        assert_eq!(base64_decode("TWE").unwrap(), b"Ma");
        assert_eq!(base64_decode("T"), None);
        assert_eq!(base64_decode("TW=E"), None);
        assert_eq!(base64_decode("TWE*"), None);
        let pki = TestPki::generate(4);
        let pem = pki.csca_pem();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(pem.lines().all(|l| l.len() <= 64));
        let blocks = pem_blocks(&pem);
        assert_eq!(
            blocks,
            [("CERTIFICATE".to_string(), Ok(pki.csca_der().to_vec()))]
        );
        let unterminated = pem_blocks("-----BEGIN CERTIFICATE-----\nTWE=\n");
        assert!(unterminated[0].1.is_err());
    }

    #[test]
    fn level_and_reason_keys() {
        for (level, name) in [
            (Level::Verified, "verified"),
            (Level::SignerNotTrusted, "signer_not_trusted"),
            (Level::Failed, "failed"),
        ] {
            assert_eq!(level.as_str(), name);
            assert_eq!(level.key(), format!("pa.level.{name}"));
        }
        assert_eq!(HashCheck::NotInSod.key(), "pa.hash.not_in_sod");
        let reasons = [
            Reason::TooLarge { len: 1 },
            Reason::Malformed {
                part: "x",
                offset: 1,
            },
            Reason::UnsupportedDigest {
                algorithm: "a".into(),
            },
            Reason::DgHashMismatch { dg: 1 },
            Reason::DgNotInSod { dg: 1 },
            Reason::MessageDigestMismatch,
            Reason::NoSignerCertificate,
            Reason::SignatureInvalid,
            Reason::UnsupportedSignature {
                algorithm: "a".into(),
            },
            Reason::NoTrustStore,
            Reason::UnknownCsca { issuer: "i".into() },
            Reason::CscaSignatureInvalid { csca: "c".into() },
            Reason::UnsupportedCscaSignature {
                algorithm: "a".into(),
            },
        ];
        for lang in [crate::i18n::Lang::Vi, crate::i18n::Lang::En] {
            for key in reasons
                .iter()
                .map(Reason::key)
                .chain([Level::Verified, Level::SignerNotTrusted, Level::Failed].map(Level::key))
                .chain(
                    [HashCheck::Match, HashCheck::Mismatch, HashCheck::NotInSod]
                        .map(HashCheck::key),
                )
            {
                assert!(!lang.t(key).starts_with('⟦'), "{key} missing");
            }
            for r in &reasons {
                for (name, _) in r.args() {
                    assert!(
                        lang.t(r.key()).contains(&format!("{{{name}}}")),
                        "{} {name}",
                        r.key()
                    );
                }
            }
        }
    }

    /// Byte ranges of our SOD that neither the signature nor the hashes cover and that
    /// verification does not read: the two version numbers' values and the content of
    /// SignedData.digestAlgorithms.
    fn unchecked_ranges(sod: &[u8]) -> Vec<std::ops::Range<usize>> {
        let outer = tlv::parse_first(sod).unwrap();
        let ci = tlv::children(&tlv::children(&outer).unwrap()[0]).unwrap();
        let sd = tlv::children(&tlv::children(&ci[1]).unwrap()[0]).unwrap();
        let signer = tlv::children(&tlv::children(&sd[4]).unwrap()[0]).unwrap();
        let range = |t: &Tlv<'_>| t.value_offset..t.value_offset + t.value.len();
        vec![range(&sd[0]), range(&sd[1]), range(&signer[0])]
    }

    /// A valid SOD, its data groups and a store with its CSCA.
    type Fixture = (Vec<u8>, BTreeMap<u8, Vec<u8>>, TrustStore);

    fn fixture() -> &'static Fixture {
        static FIXTURE: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
        FIXTURE.get_or_init(|| {
            let pki = TestPki::generate(21);
            // Small data groups keep the cases quick.
            let dgs: BTreeMap<u8, Vec<u8>> = [(1, b"DG1".to_vec()), (13, b"DG13".to_vec())]
                .into_iter()
                .collect();
            (pki.sign_sod(&dgs), dgs, store_of(&pki))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn random_bytes_never_panic_nor_verify(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
            let (_, dgs, store) = fixture();
            prop_assert_ne!(verify(&bytes, dgs, store).level, Level::Verified);
            let mut wrapped = tlv::encode(0x77, &bytes);
            prop_assert_ne!(verify(&wrapped, dgs, store).level, Level::Verified);
            wrapped.truncate(wrapped.len() / 2);
            let _ = verify(&wrapped, dgs, store);
        }

        #[test]
        fn a_mutated_sod_never_panics_and_verifies_only_if_unchanged_where_checked(
            flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4),
            truncate in prop::option::weighted(0.2, any::<prop::sample::Index>()),
        ) {
            let (sod, dgs, store) = fixture();
            prop_assert_eq!(verify(sod, dgs, store).level, Level::Verified);
            let mut bytes = sod.clone();
            for (at, xor) in &flips {
                bytes[at.index(sod.len())] ^= xor;
            }
            if let Some(at) = truncate {
                bytes.truncate(at.index(sod.len()));
            }
            let report = verify(&bytes, dgs, store);
            if report.level == Level::Verified {
                let unchecked = unchecked_ranges(sod);
                prop_assert_eq!(bytes.len(), sod.len());
                for (i, (a, b)) in bytes.iter().zip(sod).enumerate() {
                    prop_assert!(a == b || unchecked.iter().any(|r| r.contains(&i)), "byte {} changed", i);
                }
            }
        }
    }

    /// Every single-byte change of a valid SOD, outside the fields nothing checks,
    /// stops it from verifying.
    #[test]
    fn no_single_byte_change_of_a_checked_part_verifies() {
        let (sod, dgs, store) = fixture();
        let unchecked = unchecked_ranges(sod);
        let mut failed = 0;
        for i in 0..sod.len() {
            for xor in [0x01u8, 0x80, 0xFF] {
                let mut bytes = sod.clone();
                bytes[i] ^= xor;
                let level = verify(&bytes, dgs, store).level;
                let checked = !unchecked.iter().any(|r| r.contains(&i));
                assert!(
                    !(checked && level == Level::Verified),
                    "byte {i} ^ {xor:02X}"
                );
                failed += usize::from(level == Level::Failed);
            }
        }
        // Most changes are caught as failures, not merely as an untrusted signer.
        assert!(failed > sod.len() * 3 / 2, "{failed} of {}", sod.len() * 3);
    }
}
