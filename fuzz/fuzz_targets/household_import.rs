//! A household members list (a CSV file or a paste) through `household::parse_list`
//! (see `motcua::fuzzing::household_import`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    motcua::fuzzing::household_import(data);
});
