//! A backend answer: status, `Retry-After` and body through the client's decoding of every
//! response type and its error classification (see `motcua::fuzzing::backend_response`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    motcua::fuzzing::backend_response(data);
});
