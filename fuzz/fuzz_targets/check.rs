//! `check` on arbitrary YAML (see `kometa_trakt::fuzz::check_text`).
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| kometa_trakt::fuzz::check_text(text));
