//! The CCCD (Vietnamese citizen identity card): its QR code, and the chip — MRZ, DG13,
//! BAC and secure messaging, the read over any APDU transport, passive authentication
//! (the EF.SOD's signature and hashes, X.509, a test PKI), and a virtual card.
//! Device I/O lives in three modules only: `pcsc_service` (the card service, on its own
//! thread, over PC/SC), `vpcd` (the virtual card served to pcscd's virtual reader) and
//! `serial_scanner` (a serial QR scanner, on its own thread). [`fuzzing`] holds the
//! bodies the fuzz targets (`fuzz/`) and the corpus replay (`tests/fuzz_corpus.rs`)
//! share.

pub mod bac;
pub mod dg13;
pub mod fuzzing;
pub mod holder_file;
pub mod mrz;
pub mod pa;
pub mod pcsc_service;
pub mod qr;
pub mod reader;
pub mod serial_scanner;
pub mod service;
pub mod testpki;
pub mod tlv;
pub mod values;
pub mod virtual_card;
pub mod vpcd;
pub mod x509;
