//! `check` on arbitrary YAML: findings, never a panic; ranges stay inside
//! the text on character boundaries.
#![no_main]

use kometa_trakt::check::{Options, Schemas, check};
use kometa_trakt::schema::Schema;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    thread_local! {
        static SCHEMAS: Schemas = Schemas { trakt: Schema::trakt(), extra: None };
    }
    let options = Options { require_trakt: false, require_valid_for: Some(3600), no_plaintext_secrets: true, kometa: Default::default(), now: 1_795_867_200 };
    SCHEMAS.with(|schemas| {
        let checked = check(text, schemas, &options);
        for d in &checked.diagnostics {
            if let Some(r) = &d.range {
                assert!(r.start <= r.end && r.end <= text.len(), "{d:?}");
                assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end), "{d:?}");
            }
        }
    });
});
