//! The official YAML test suite (tests/data/yaml-test-suite, MIT) through
//! the editor: every valid case parses, every value reachable by string
//! keys is replaced exactly or refused with a reason, no-op edits leave the
//! bytes identical, every error case is refused; the counts are those the
//! suite gave before the edits were streamed. Each edit's result is held
//! to the old sequential planning and the old whole-tree verification.

use std::collections::BTreeMap;

use super::{oracle, suite};
use crate::document::{Document, Edit, EditError, Kind, NewValue, Node, Value, apply};
use crate::kometa::PROTECT;

/// Every scalar value reachable from the root through string keys.
fn targets<'d, 'a>(
    node: &'d Node<'a>,
    path: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, &'d Node<'a>)>,
) {
    let Kind::Mapping { entries, .. } = &node.kind else {
        return;
    };
    for e in entries {
        let Some(key) = e.key.scalar() else { continue };
        if key.is_empty() || key.contains('.') {
            continue;
        }
        path.push(key.to_string());
        match &e.value.kind {
            Kind::Scalar { .. } => out.push((path.clone(), &e.value)),
            Kind::Mapping { .. } => targets(&e.value, path, out),
            _ => {}
        }
        path.pop();
    }
}

fn reason(message: &str) -> String {
    let known = [
        "is anchored",
        "is an alias",
        "block scalar",
        "duplicate key",
        "several YAML documents",
        "has the tag",
        "is read as a",
        "empty value whose position is unclear",
        "holds a float",
        "not a mapping",
        "separated from its key by a tab",
    ];
    known
        .iter()
        .find(|k| message.contains(*k))
        .map_or_else(|| message.to_string(), |k| k.to_string())
}

/// `apply`, with its result held to the old planning and verification.
fn applied(name: &str, text: &str, edit: Edit) -> Result<String, EditError> {
    let edits = [edit];
    let outcome = apply(text, &edits, &PROTECT, None);
    let old = oracle::sequential(text, &edits, &PROTECT);
    match &outcome {
        Ok(outcome) => {
            assert_eq!(
                old.as_deref(),
                Ok(outcome.text.as_str()),
                "{name}: planning differs"
            );
            if outcome.text != text {
                assert_eq!(
                    oracle::verify(text, &outcome.text, &outcome.changes, &edits, &PROTECT),
                    Ok(()),
                    "{name}: the old verification refuses what the new one accepts"
                );
            }
        }
        Err(e) => assert!(
            !e.message().contains("internal check failed"),
            "{name} {:?}: {e}",
            edits[0].path
        ),
    }
    outcome.map(|o| o.text)
}

#[test]
fn every_case_edits_exactly_or_is_refused_clearly() {
    let (mut valid, mut errors, mut edited, mut noops) = (0, 0, 0, 0);
    let mut refused: BTreeMap<String, usize> = BTreeMap::new();
    for (name, text, error) in suite() {
        if error {
            errors += 1;
            assert!(Document::parse(&text).is_err(), "{name}: error case parsed");
            let edit = Edit {
                path: vec!["a".into()],
                value: NewValue::Typed(Value::Str("x".into())),
            };
            assert!(
                apply(&text, &[edit], &PROTECT, None).is_err(),
                "{name}: error case edited"
            );
            continue;
        }
        valid += 1;
        let doc = Document::parse(&text).unwrap_or_else(|e| panic!("{name}: rejected: {e:?}"));
        let mut found = Vec::new();
        for root in &doc.roots {
            targets(root, &mut Vec::new(), &mut found);
        }
        for (path, node) in found {
            let edit = Edit {
                path: path.clone(),
                value: NewValue::Typed(Value::Str("edited value".into())),
            };
            match applied(&name, &text, edit.clone()) {
                Ok(out) => {
                    edited += 1;
                    let (from, to) = if node.start == node.end {
                        (node.start + 1, node.start + 1)
                    } else {
                        (node.prop_start, node.end)
                    };
                    let kept_after = text.len() - to;
                    assert_eq!(&out[..from], &text[..from], "{name} {path:?}: before");
                    assert_eq!(
                        &out[out.len() - kept_after..],
                        &text[to..],
                        "{name} {path:?}: after"
                    );
                    assert_eq!(
                        applied(&name, &out, edit).as_ref(),
                        Ok(&out),
                        "{name}: not idempotent"
                    );
                }
                Err(e) => *refused.entry(reason(&e.message())).or_default() += 1,
            }
            let noop = Edit {
                path: path.clone(),
                value: NewValue::Text {
                    raw: node.scalar().unwrap_or_default().to_string(),
                    fallback: None,
                },
            };
            match applied(&name, &text, noop) {
                Ok(out) => {
                    assert_eq!(out, text, "{name} {path:?}: a no-op edit changed bytes");
                    noops += 1;
                }
                Err(e) => {
                    *refused
                        .entry(format!("no-op: {}", reason(&e.message())))
                        .or_default() += 1;
                }
            }
        }
    }
    println!("yaml-test-suite: {valid} valid, {errors} errors, {edited} edited, {noops} no-ops");
    for (why, n) in &refused {
        println!("yaml-test-suite: refused {n}: {why}");
    }
    assert_eq!((valid, errors), (308, 94), "cases parsed / refused");
    // A tagged key on the path is refused (Kometa's loader keeps the tag).
    assert_eq!((edited, noops), (136, 192), "values edited / no-op edits");
}
