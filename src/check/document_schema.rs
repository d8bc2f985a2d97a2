//! Findings of a schema the user names for the whole document (`--schema`,
//! e.g. Kometa's own), in our own words and at the exact key or value: for
//! a failed `anyOf`/`oneOf`, the best branch's deepest error (see
//! `schema::best`), with the nearest allowed key or value suggested.

use super::diagnostic::Diagnostic;
use super::rule::Rule;
use super::structure::value_range;
use crate::document::scalar::resolve;
use crate::document::{Kind, Node};
use crate::kometa::mask::mask;
use crate::kometa::sensitive::is_secret_key;
use crate::schema::Violation;
use crate::schema::json::{key_text, node_at};
use crate::words::{WORD, clip, closest};

/// How many allowed keys or values a message lists.
const LISTED: usize = 8;

/// The finding(s) of violation `v` in the document `root`.
pub(super) fn findings(v: &Violation, root: &Node<'_>) -> Vec<Diagnostic> {
    let (key, node) = node_at(root, &v.pointer);
    let path = pointer_path(&v.pointer);
    let name = if path.is_empty() {
        "(document)".to_string()
    } else {
        clip(&path.join("."), 2 * WORD).into_owned()
    };
    let last = path.last().map(String::as_str).unwrap_or_default();
    let notes = v.branches.clone();
    let with_notes = |mut d: Diagnostic| {
        d.notes = notes.clone();
        d
    };
    if !v.unexpected.is_empty() {
        let entries = node.entries().unwrap_or_default();
        let allowed: Vec<&str> = v.allowed.iter().map(String::as_str).collect();
        return v
            .unexpected
            .iter()
            .filter_map(|k| entries.iter().rev().find(|e| key_text(&e.key) == *k))
            .map(|e| {
                let k = key_text(&e.key);
                let d = Diagnostic::new(
                    Rule::Schema,
                    e.key.start..e.key.end,
                    format!("unknown key `{}` in `{name}`", clip(&k, WORD)),
                );
                let d = match closest(&k, &allowed) {
                    Some(near) => d.hint(format!("did you mean `{near}`?")),
                    None if !allowed.is_empty() => {
                        d.hint(format!("allowed here: {}", listed(&v.allowed)))
                    }
                    None => d,
                };
                with_notes(d)
            })
            .collect();
    }
    let at = value_range(key, node);
    let shown = shown_value(node, last);
    let d = match v.keyword.as_str() {
        "enum" | "const" if !v.expected.is_empty() => {
            let d = Diagnostic::new(
                Rule::Schema,
                at,
                format!(
                    "`{}` is {shown}; expected {}",
                    clip(last, WORD),
                    one_of(&v.expected)
                ),
            );
            let options: Vec<&str> = v.expected.iter().map(String::as_str).collect();
            match node.scalar().and_then(|s| closest(s, &options)) {
                Some(near) => d.hint(format!("did you mean `{near}`?")),
                None => d,
            }
        }
        "type" if v.expected_type.is_some() => Diagnostic::new(
            Rule::Schema,
            at,
            format!(
                "`{name}` is {}; expected {}",
                type_of(node),
                v.expected_type.as_deref().unwrap_or_default()
            ),
        ),
        "required" if v.missing.is_some() => Diagnostic::new(
            Rule::Schema,
            at,
            format!(
                "`{name}` lacks the required key `{}`",
                v.missing.as_deref().unwrap_or_default()
            ),
        ),
        _ => Diagnostic::new(Rule::Schema, at, format!("`{name}`: {}", v.message)),
    };
    vec![with_notes(d)]
}

/// The keys of a JSON pointer.
fn pointer_path(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// A value for a message: `tmbd` in backquotes, masked under a secret key.
fn shown_value(node: &Node<'_>, key: &str) -> String {
    match node.scalar() {
        Some(text) if is_secret_key(key) => format!("`{}`", mask(text)),
        Some(text) => format!("`{}`", clip(text, WORD)),
        None => type_of(node),
    }
}

/// `one of tmdb, tvdb, imdb, …` (at most a few).
fn one_of(options: &[String]) -> String {
    match options {
        [one] => format!("`{one}`"),
        _ => format!("one of {}", listed(options)),
    }
}

fn listed(words: &[String]) -> String {
    let mut text = words
        .iter()
        .take(LISTED)
        .map(|w| clip(w, WORD).into_owned())
        .collect::<Vec<_>>()
        .join(", ");
    if words.len() > LISTED {
        text.push_str(", …");
    }
    text
}

/// What a node is, for messages: "a string", "an object".
fn type_of(node: &Node<'_>) -> String {
    let name = match &node.kind {
        Kind::Scalar { value, style } => {
            match resolve(value, *style, node.tag.as_deref()).type_name() {
                "integer" | "float" => "a number",
                "boolean" => "a boolean",
                "null" => "null",
                _ => "a string",
            }
        }
        Kind::Mapping { .. } => "an object",
        Kind::Sequence { .. } => "an array",
        Kind::Alias(_) => "an alias",
    };
    name.to_string()
}
