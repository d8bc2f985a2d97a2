//! The official YAML test suite (`tests/data/yaml-test-suite/`, MIT): every
//! valid case parses; in every mapping reachable by string keys, replacing
//! each scalar value (and a no-op edit) gives exactly the intended change
//! with identical bytes elsewhere, or a clear refusal; every error case is
//! refused. The counts are printed (`cargo test -- --show-output`).

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use super::Protect;
use super::{Document, Edit, Kind, NewValue, Node, Value, apply};
use crate::test_data::data;

fn cases() -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![data("yaml-test-suite")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir)
            .expect("yaml-test-suite present")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "in.yaml") {
                found.push(dir.clone());
            }
        }
    }
    found.sort();
    found
}

/// Every scalar value reachable from the root through string keys: its
/// path and node.
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

/// A refusal's reason without positions or names, for counting.
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

#[test]
fn every_case_edits_exactly_or_is_refused_clearly() {
    let (mut valid, mut errors, mut edited, mut noops) = (0, 0, 0, 0);
    let mut refused: BTreeMap<String, usize> = BTreeMap::new();
    for case in cases() {
        let name = case
            .strip_prefix(data("yaml-test-suite"))
            .unwrap()
            .display()
            .to_string();
        let text = fs::read_to_string(case.join("in.yaml")).expect("in.yaml is UTF-8");
        if case.join("error").exists() {
            errors += 1;
            assert!(Document::parse(&text).is_err(), "{name}: error case parsed");
            let edit = Edit {
                path: vec!["a".into()],
                value: NewValue::Typed(Value::Str("x".into())),
            };
            assert!(
                apply(&text, &[edit], &Protect::NONE, None).is_err(),
                "{name}: error case edited"
            );
            continue;
        }
        valid += 1;
        let doc =
            Document::parse(&text).unwrap_or_else(|e| panic!("{name}: valid case rejected: {e:?}"));
        let mut found = Vec::new();
        for root in &doc.roots {
            targets(root, &mut Vec::new(), &mut found);
        }
        for (path, node) in found {
            let new = Value::Str("edited value".into());
            let edit = Edit {
                path: path.clone(),
                value: NewValue::Typed(new),
            };
            match apply(&text, &[edit], &Protect::NONE, None) {
                Ok(outcome) => {
                    edited += 1;
                    let out = &outcome.text;
                    // An empty value is filled after its colon, which stays.
                    let (from, to) = if node.start == node.end {
                        (node.start + 1, node.start + 1)
                    } else {
                        (node.prop_start, node.end)
                    };
                    let kept_after = text.len() - to;
                    assert_eq!(
                        &out[..from],
                        &text[..from],
                        "{name} {path:?}: bytes before changed"
                    );
                    assert_eq!(
                        &out[out.len() - kept_after..],
                        &text[to..],
                        "{name} {path:?}: bytes after changed"
                    );
                    let again = Edit {
                        path: path.clone(),
                        value: NewValue::Typed(Value::Str("edited value".into())),
                    };
                    assert_eq!(
                        apply(out, &[again], &Protect::NONE, None)
                            .map(|o| o.text)
                            .as_ref(),
                        Ok(out),
                        "{name}: not idempotent"
                    );
                }
                Err(e) => {
                    assert!(
                        !e.to_string().contains("internal check failed"),
                        "{name} {path:?}: {e}"
                    );
                    *refused.entry(reason(&e.to_string())).or_default() += 1;
                }
            }
            let current = node.scalar().unwrap_or_default().to_string();
            let noop = Edit {
                path: path.clone(),
                value: NewValue::Text {
                    raw: current,
                    fallback: None,
                },
            };
            match apply(&text, &[noop], &Protect::NONE, None) {
                Ok(outcome) => {
                    assert_eq!(
                        outcome.text, text,
                        "{name} {path:?}: a no-op edit changed bytes"
                    );
                    noops += 1;
                }
                Err(e) => {
                    assert!(
                        !e.to_string().contains("internal check failed"),
                        "{name} {path:?}: {e}"
                    );
                    *refused
                        .entry(format!("no-op: {}", reason(&e.to_string())))
                        .or_default() += 1;
                }
            }
        }
    }
    println!("yaml-test-suite: {valid} valid cases parsed, {errors} error cases refused");
    println!(
        "yaml-test-suite: {edited} values replaced exactly, {noops} no-op edits left the bytes identical"
    );
    for (why, n) in &refused {
        println!("yaml-test-suite: refused {n}: {why}");
    }
    // The data release of 2022-01-17: a change here means a change in what
    // the editor accepts, which deserves a look.
    assert_eq!((valid, errors), (308, 94), "cases parsed / refused");
    assert_eq!((edited, noops), (138, 197), "values edited / no-op edits");
}
