//! The CCCD (Vietnamese citizen identity card): its QR code, and the chip — MRZ, DG13,
//! BAC and secure messaging, the read over any APDU transport, passive authentication
//! (the EF.SOD's signature and hashes, X.509, a test PKI), and a virtual card.
//! No reader I/O here: a transport is given.

pub mod bac;
pub mod dg13;
pub mod mrz;
pub mod pa;
pub mod qr;
pub mod reader;
pub mod serial_scanner;
pub mod service;
pub mod testpki;
pub mod tlv;
pub mod values;
pub mod virtual_card;
pub mod x509;
