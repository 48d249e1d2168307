//! The CCCD (Vietnamese citizen identity card): its QR code, and the chip's data (MRZ,
//! DG13) as parsed from bytes. Pure parsers: no reader, no I/O.

pub mod bac;
pub mod dg13;
pub mod mrz;
pub mod qr;
pub mod tlv;
