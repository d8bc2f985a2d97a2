//! Entry points for the fuzz targets (`fuzz/`, run by `scripts/fuzz.sh`):
//! each runs one operation of the library on arbitrary input and asserts
//! its invariants; a panic is a finding. They are the library's only
//! public items besides [`crate::run`].

use crate::check::{Options, Schemas, check};
use crate::document::data::Data;
use crate::document::{Document, Edit, NewValue, Parse, Value, apply};
use crate::kometa::PROTECT;
use crate::kometa::sensitive::is_secret_key;
use crate::schema::Schema;

/// `check` on arbitrary YAML: findings, never a panic; every range lies
/// inside the text on character boundaries.
pub fn check_text(text: &str) {
    thread_local! {
        static SCHEMAS: Schemas = Schemas { trakt: Schema::trakt(), extra: None };
    }
    let options = Options {
        require_trakt: false,
        require_valid_for: Some(3600),
        no_plaintext_secrets: true,
        kometa: Default::default(),
        now: 1_795_867_200,
        env: Default::default(),
    };
    SCHEMAS.with(|schemas| {
        let checked = check(text, schemas, &options);
        for d in &checked.diagnostics {
            if let Some(r) = &d.range {
                assert!(r.start <= r.end && r.end <= text.len(), "{d:?}");
                assert!(
                    text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
                    "{d:?}"
                );
            }
        }
    });
}

/// The document index on arbitrary bytes: parsing, data, secrets and
/// positions never panic, and secret ranges lie on character boundaries.
pub fn index_bytes(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
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
}

/// `set` on arbitrary YAML, at the path `pick` chooses among the file's
/// keys (and the token path): the edit is refused, or it verifies (a
/// verification failure is a bug) and applying it again changes nothing.
/// An unparseable file is never edited.
pub fn set_value(text: &str, pick: u8, value: &str) {
    let paths = match Document::parse(text) {
        Ok(doc) => key_paths(&doc),
        Err(_) => {
            let edit = Edit {
                path: vec!["trakt".into()],
                value: NewValue::Typed(Value::Str(value.into())),
            };
            assert!(
                apply(text, &[edit], &PROTECT, None).is_err(),
                "an unparseable file was edited"
            );
            return;
        }
    };
    let Some(path) = paths.get(usize::from(pick) % paths.len().max(1)).cloned() else {
        return;
    };
    for new in [
        NewValue::Typed(Value::Str(value.to_string())),
        NewValue::Text {
            raw: value.to_string(),
            fallback: None,
        },
    ] {
        let edit = Edit {
            path: path.clone(),
            value: new,
        };
        match apply(text, std::slice::from_ref(&edit), &PROTECT, None) {
            Ok(outcome) => {
                let again = apply(&outcome.text, &[edit], &PROTECT, None)
                    .expect("an applied edit applies again");
                assert_eq!(again.text, outcome.text, "not idempotent");
            }
            Err(e) => assert!(!e.to_string().contains("internal check failed"), "{e}"),
        }
    }
}

/// The token path, and every root key and key one level below it that a
/// dotted path can name.
fn key_paths(doc: &Document<'_>) -> Vec<Vec<String>> {
    let usable = |k: &&str| !k.is_empty() && !k.contains('.');
    let mut paths = vec![vec![
        "trakt".to_string(),
        "authorization".to_string(),
        "access_token".to_string(),
    ]];
    let entries = doc
        .roots
        .first()
        .and_then(|r| r.entries())
        .unwrap_or_default();
    for e in entries {
        let Some(k) = e.key.scalar().filter(usable) else {
            continue;
        };
        paths.push(vec![k.to_string()]);
        for inner in e.value.entries().unwrap_or_default() {
            if let Some(k2) = inner.key.scalar().filter(usable) {
                paths.push(vec![k.to_string(), k2.to_string()]);
            }
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{check_text, index_bytes, set_value};
    use crate::test_data::regressions;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: regressions(), ..ProptestConfig::default() })]

        /// The fuzz targets' invariants, bounded for CI: parsing, checking
        /// and editing arbitrary YAML-ish text never panic, findings point
        /// inside the text, and an edit is refused or verified and
        /// idempotent.
        #[test]
        fn arbitrary_text_never_panics(
            text in "[a-z:\\-\\[\\]{}&*!|>'\"#, \\n\\t~0-9é\u{a0}]{0,120}",
            pick in any::<u8>(),
            value in "[ -~é]{0,12}",
        ) {
            check_text(&text);
            index_bytes(text.as_bytes());
            set_value(&text, pick, &value);
        }
    }
}
