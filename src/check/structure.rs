//! Schema violations as findings: each violation's JSON pointer is mapped
//! back to the key or value it names in the YAML source.

use std::ops::Range;

use super::diagnostic::{Diagnostic, Severity};
use super::suggest::closest;
use crate::document::{Entry, Kind, Node};
use crate::schema::Violation;
use crate::schema::json::{key_text, node_at};

use crate::kometa::{AUTH_KEYS, TRAKT_KEYS};

/// Where a node is worth pointing at: its value, or its key when the
/// value is empty.
pub fn value_range(key: Option<&Node<'_>>, node: &Node<'_>) -> Range<usize> {
    match key {
        Some(k) if node.prop_start == node.end => k.start..k.end,
        _ => node.prop_start..node.end,
    }
}

/// The trakt schema's violation `v` (at `rel` inside the trakt block) as
/// findings with rule ids of their own.
pub fn diagnose(v: &Violation, trakt: &Entry<'_>, rel: String) -> Vec<Diagnostic> {
    let (key, node) = match rel.as_str() {
        "" => (Some(&trakt.key), &trakt.value),
        _ => {
            let (k, n) = node_at(&trakt.value, &rel);
            (k.or(Some(&trakt.key)), n)
        }
    };
    let name = format!("trakt{}", rel.replace('/', "."));
    let at = value_range(key, node);
    let d = |rule, severity, message: String| Diagnostic::new(rule, severity, at.clone(), message);
    let keyword = v.keyword.as_str();
    match (rel.as_str(), keyword) {
        (_, "additionalProperties") => return unknown_keys(v, node, &name, &rel),
        ("", "required") => {
            let missing = v.missing.clone().unwrap_or_default();
            let key = &trakt.key;
            return vec![
                Diagnostic::new(
                    "missing-credential",
                    Severity::Error,
                    key.start..key.end,
                    format!("`trakt.{missing}` is missing"),
                )
                .hint("copy it from your Trakt application at https://trakt.tv/oauth/applications"),
            ];
        }
        ("", "type") => {
            let what = if node.is_null() {
                "has no value (Kometa stops on it)".to_string()
            } else {
                format!("is a {}, not a mapping", node.kind_name())
            };
            return vec![
                d(
                    "trakt-not-mapping",
                    Severity::Error,
                    format!("`trakt` {what}"),
                )
                .hint("give it client_id and client_secret, or remove the `trakt:` line"),
            ];
        }
        ("/client_id" | "/client_secret", _) if node.is_null() || node.scalar() == Some("") => {
            return vec![
                d(
                    "missing-credential",
                    Severity::Error,
                    format!("`{name}` is empty"),
                )
                .hint("copy it from your Trakt application at https://trakt.tv/oauth/applications"),
            ];
        }
        ("/pin", "type") if matches!(node.kind, Kind::Scalar { .. }) && is_int(node) => {
            return vec![
                d(
                    "pin-type",
                    Severity::Error,
                    "`trakt.pin` is a number; Kometa expects a string".into(),
                )
                .hint("quote it: pin: \"<your PIN>\""),
            ];
        }
        ("/force_refresh", "type") if is_quoted_text(node) => {
            return vec![
                d(
                    "force-refresh-type",
                    Severity::Warning,
                    format!(
                        "`trakt.force_refresh` is the string {:?}, which Kometa ignores",
                        node.scalar().unwrap_or_default()
                    ),
                )
                .hint("write a YAML boolean without quotes: force_refresh: true"),
            ];
        }
        ("/authorization", "type") => {
            return vec![d("authorization-type", Severity::Error, format!("`trakt.authorization` is a {}, not a mapping", node.kind_name()))
                .hint("leave it empty until you authorize, or paste the whole block Trakt's authorization gave you")];
        }
        ("/authorization/token_type", _) => {
            return vec![
                d(
                    "token-type",
                    Severity::Error,
                    "`trakt.authorization.token_type` is not Bearer".into(),
                )
                .hint("Trakt issues Bearer tokens: token_type: Bearer"),
            ];
        }
        ("/authorization/expires_in" | "/authorization/created_at", _) => {
            let what = if rel.ends_with("expires_in") {
                "a positive whole number of seconds"
            } else {
                "a whole number of Unix seconds"
            };
            return vec![
                d(
                    "number-type",
                    Severity::Error,
                    format!("`{name}` must be {what}"),
                )
                .hint("authorize again, or copy the value Trakt returned"),
            ];
        }
        _ => {}
    }
    vec![
        d(
            "value-type",
            Severity::Error,
            format!("`{name}`: {}", v.message),
        )
        .hint("see schemas/trakt.schema.json for what each key holds"),
    ]
}

fn is_int(node: &Node<'_>) -> bool {
    node.scalar().is_some_and(|s| {
        !s.is_empty()
            && s.trim_start_matches(['-', '+'])
                .chars()
                .all(|c| c.is_ascii_digit())
    })
}

fn is_quoted_text(node: &Node<'_>) -> bool {
    matches!(node.kind, Kind::Scalar { .. }) && !node.is_null()
}

/// One finding per key the schema does not know, with a suggestion.
fn unknown_keys(v: &Violation, node: &Node<'_>, name: &str, rel: &str) -> Vec<Diagnostic> {
    let known = if rel.is_empty() {
        TRAKT_KEYS
    } else {
        AUTH_KEYS
    };
    let entries = node.entries().unwrap_or_default();
    v.unexpected
        .iter()
        .filter_map(|key| {
            let entry = entries.iter().rev().find(|e| key_text(&e.key) == *key)?;
            let hint = match closest(key, known) {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!("`{name}` knows {}", known.join(", ")),
            };
            Some(
                Diagnostic::new(
                    "unknown-key",
                    Severity::Warning,
                    entry.key.start..entry.key.end,
                    format!("unknown key `{key}` in `{name}`"),
                )
                .hint(hint),
            )
        })
        .collect()
}

/// A violation of a user-supplied schema, positioned, with a generic rule id.
pub fn generic(v: &Violation, root: &Node<'_>) -> Vec<Diagnostic> {
    let (key, node) = node_at(root, &v.pointer);
    let name = if v.pointer.is_empty() {
        "(document)".to_string()
    } else {
        v.pointer[1..]
            .replace('/', ".")
            .replace("~1", "/")
            .replace("~0", "~")
    };
    if !v.unexpected.is_empty() {
        let entries = node.entries().unwrap_or_default();
        return v
            .unexpected
            .iter()
            .filter_map(|k| entries.iter().rev().find(|e| key_text(&e.key) == *k))
            .map(|e| {
                Diagnostic::new(
                    "schema",
                    Severity::Error,
                    e.key.start..e.key.end,
                    format!("`{name}`: key `{}` is not allowed", key_text(&e.key)),
                )
            })
            .collect();
    }
    vec![Diagnostic::new(
        "schema",
        Severity::Error,
        value_range(key, node),
        format!("`{name}`: {}", v.message),
    )]
}
