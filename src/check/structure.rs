//! Schema violations as findings: each violation's JSON pointer is mapped
//! back to the key or value it names in the YAML source.

use std::ops::Range;

use super::diagnostic::{Diagnostic, Severity};
use super::rule::Rule;
use crate::document::scalar::resolve;
use crate::document::{Entry, Kind, Node};
use crate::links::APP_PAGE;
use crate::schema::TRAKT_STRINGS;
use crate::schema::Violation;
use crate::schema::json::{json_key, node_at};
use crate::words::{WORD, clip, closest};

use crate::kometa::{AUTH_KEYS, TRAKT_KEYS};

/// Where a node is worth pointing at: its value, or its key when the
/// value is empty.
pub(super) fn value_range(key: Option<&Node<'_>>, node: &Node<'_>) -> Range<usize> {
    match key {
        Some(k) if node.prop_start == node.end => k.start..k.end,
        _ => node.prop_start..node.end,
    }
}

/// The trakt schema's violation `v` (at `rel` inside the trakt block) as
/// findings with rule ids of their own, as severe as what Kometa does.
pub(super) fn diagnose(v: &Violation, trakt: &Entry<'_>, rel: String) -> Vec<Diagnostic> {
    let (key, node) = match rel.as_str() {
        "" => (Some(&trakt.key), &trakt.value),
        _ => {
            let (k, n) = node_at(&trakt.value, &rel);
            (k.or(Some(&trakt.key)), n)
        }
    };
    let name = clip(&format!("trakt{}", rel.replace('/', ".")), 2 * WORD).into_owned();
    let at = value_range(key, node);
    let d = |rule, message: String| Diagnostic::new(rule, at.clone(), message);
    let copy = format!("copy it from your Trakt application at {APP_PAGE}");
    let finding = match (rel.as_str(), v.keyword.as_str()) {
        (_, "additionalProperties") => return unknown_keys(v, node, &name, &rel),
        ("", "required") => {
            let missing = v.missing.clone().unwrap_or_default();
            let key = &trakt.key;
            Diagnostic::new(
                Rule::MissingCredential,
                key.start..key.end,
                format!("`trakt.{missing}` is missing: Kometa adds it empty by rewriting the whole file, then runs without Trakt"),
            )
            .hint(copy)
        }
        ("", "type") if node.is_null() => d(
            Rule::TraktNotMapping,
            "`trakt` has no value: Kometa adds `client_id:` by rewriting the whole file, then runs without Trakt".into(),
        )
        .hint("give it client_id and client_secret, or remove the `trakt:` line"),
        ("", "type") => d(
            Rule::TraktNotMapping,
            format!("`trakt` is a {}, not a mapping: Kometa's whole run aborts", node.kind_name()),
        )
        .hint("give it client_id and client_secret, or remove the `trakt:` line"),
        ("/client_id" | "/client_secret", _) if node.is_null() || node.scalar() == Some("") => d(
            Rule::MissingCredential,
            format!("`{name}` is empty: Kometa runs without Trakt (\"is blank\")"),
        )
        .hint(copy),
        ("/client_id" | "/client_secret", _) => d(
            Rule::ValueType,
            format!("`{name}` is {}, not a string: Kometa's whole run aborts sending it", type_of(node)),
        )
        .hint(copy),
        ("/force_refresh", _) if matches!(node.kind, Kind::Scalar { .. }) => d(
            Rule::ForceRefreshType,
            format!(
                "`trakt.force_refresh` is {:?}, not a boolean: Kometa ignores it",
                clip(node.scalar().unwrap_or_default(), WORD)
            ),
        )
        .hint("write `false` without quotes (`true` refreshes, and rewrites the file, on every run)"),
        ("/authorization", "type") => d(
            Rule::AuthorizationType,
            format!("`trakt.authorization` is a {}, not a mapping: Kometa's whole run aborts reading it", node.kind_name()),
        )
        .hint("leave it empty until you authorize, or paste the whole block Trakt's authorization gave you"),
        ("/authorization/token_type", _) => d(
            Rule::TokenType,
            "`trakt.authorization.token_type` is not Bearer: Kometa never reads it".into(),
        )
        .hint("Trakt issues Bearer tokens: token_type: Bearer"),
        ("/authorization/expires_in" | "/authorization/created_at", _) => {
            let what = if rel.ends_with("expires_in") {
                "a positive whole number of seconds"
            } else {
                "a whole number of Unix seconds"
            };
            d(
                Rule::NumberType,
                format!("`{name}` must be {what}: Kometa never reads it, but the expiry cannot be known"),
            )
            .hint("the next renewal writes it (`kometa-trakt renew --force`)")
        }
        ("/authorization/scope" | "/force_refresh", _) => d(
            Rule::ValueType,
            format!("`{name}`: {}; Kometa never reads it", v.message),
        )
        .severity(Severity::Warning)
        .hint("see schemas/trakt.schema.json for what each key holds"),
        _ => d(Rule::ValueType, format!("`{name}`: {}", v.message))
            .hint("see schemas/trakt.schema.json for what each key holds"),
    };
    vec![finding]
}

/// What a node is, for messages: "an integer", "a sequence".
fn type_of(node: &Node<'_>) -> String {
    let name = match &node.kind {
        Kind::Scalar { value, style } => resolve(value, *style, node.tag.as_deref()).type_name(),
        _ => node.kind_name(),
    };
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name}")
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
            let entry = entries
                .iter()
                .rev()
                .find(|e| json_key(&e.key, TRAKT_STRINGS) == *key)?;
            let hint = match closest(key, known) {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!("`{name}` knows {}", known.join(", ")),
            };
            Some(
                Diagnostic::new(
                    Rule::UnknownKey,
                    entry.key.start..entry.key.end,
                    format!("unknown key `{}` in `{name}`", clip(key, WORD)),
                )
                .hint(hint),
            )
        })
        .collect()
}
