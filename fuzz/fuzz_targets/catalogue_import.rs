//! A catalogue file, as JSON and as CSV, through `catalogue::parse` (see
//! `motcua::fuzzing::catalogue_import`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    motcua::fuzzing::catalogue_import(data);
});
