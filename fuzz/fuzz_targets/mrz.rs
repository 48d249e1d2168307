//! The TD1 MRZ as text and inside a DG1 (see `motcua::card::fuzzing::mrz`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    motcua::card::fuzzing::mrz(data);
});
