//! `set` on arbitrary YAML: an edit is refused, or it re-parses with exactly
//! the intended change (the editor verifies that itself: a verification
//! failure here is a bug), and bytes before the edited value are unchanged.
#![no_main]

use kometa_trakt::kometa::PROTECT;
use kometa_trakt::document::{Document, Edit, NewValue, Value, apply};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, u8, &str)| {
    let (text, pick, value) = input;
    let paths: Vec<Vec<String>> = match Document::parse(text) {
        Ok(doc) => doc
            .roots
            .first()
            .and_then(|r| r.entries())
            .map(|entries| {
                let mut paths = vec![vec!["trakt".to_string(), "authorization".to_string(), "access_token".to_string()]];
                for e in entries {
                    if let Some(k) = e.key.scalar().filter(|k| !k.is_empty() && !k.contains('.')) {
                        paths.push(vec![k.to_string()]);
                        for inner in e.value.entries().unwrap_or_default() {
                            if let Some(k2) = inner.key.scalar().filter(|k| !k.is_empty() && !k.contains('.')) {
                                paths.push(vec![k.to_string(), k2.to_string()]);
                            }
                        }
                    }
                }
                paths
            })
            .unwrap_or_default(),
        Err(_) => {
            let edit = Edit { path: vec!["trakt".into()], value: NewValue::Typed(Value::Str(value.into())) };
            assert!(apply(text, &[edit], &PROTECT).is_err(), "an unparseable file was edited");
            return;
        }
    };
    let Some(path) = paths.get(usize::from(pick) % paths.len().max(1)).cloned() else { return };
    for new in [NewValue::Typed(Value::Str(value.to_string())), NewValue::Text { raw: value.to_string(), fallback: None }] {
        let edit = Edit { path: path.clone(), value: new };
        match apply(text, std::slice::from_ref(&edit), &PROTECT) {
            Ok(outcome) => {
                let again = apply(&outcome.text, &[edit], &PROTECT).expect("an applied edit applies again");
                assert_eq!(again.text, outcome.text, "not idempotent");
            }
            Err(e) => assert!(!e.message.contains("internal check failed"), "{e}"),
        }
    }
});
