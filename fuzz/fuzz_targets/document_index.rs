//! The document index on arbitrary bytes: parsing, data, secrets and
//! positions never panic.
#![no_main]

use kometa_trakt::document::{Document, Parse};
use kometa_trakt::kometa::sensitive::is_secret_key;
use kometa_trakt::document::data::Data;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    if let Ok(doc) = Document::parse(text) {
        for root in &doc.roots {
            let _ = Data::of(root);
        }
        for range in &doc.secrets {
            assert!(range.start <= range.end && range.end <= text.len());
            assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
            let _ = doc.pos(range.start);
        }
    }
    let masking = Parse::masking(is_secret_key);
    let _ = Document::parse_with(text, masking.root_keys(&["trakt"]));
});
