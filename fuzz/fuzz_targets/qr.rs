//! The CCCD's QR text (see `motcua::card::fuzzing::qr`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    motcua::card::fuzzing::qr(data);
});
