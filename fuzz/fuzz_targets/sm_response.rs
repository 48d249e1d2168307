//! Secure messaging: a protected response, and a protected command on the card's side
//! (see `motcua::card::fuzzing::sm_response`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    motcua::card::fuzzing::sm_response(data);
});
