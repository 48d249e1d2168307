//! BER-TLV walked to the bottom, then DG13 (see `motcua::card::fuzzing::tlv_dg13`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    motcua::card::fuzzing::tlv_dg13(data);
});
