//! The document index on arbitrary bytes (see `kometa_trakt::fuzz::index_bytes`).
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| kometa_trakt::fuzz::index_bytes(bytes));
