//! `set` on arbitrary YAML (see `kometa_trakt::fuzz::set_value`).
#![no_main]

libfuzzer_sys::fuzz_target!(|input: (&str, u8, &str)| {
    let (text, pick, value) = input;
    kometa_trakt::fuzz::set_value(text, pick, value)
});
