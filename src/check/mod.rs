//! `check`: structural findings from the schema, semantic rules in code,
//! and document-level rules (syntax, duplicates, several documents).

pub mod diagnostic;
mod rules;
mod structure;
mod suggest;

use std::collections::HashSet;
use std::ops::Range;

use crate::document::{Document, Entry, Node};
use crate::schema::Schema;
use crate::schema::json::{TooLarge, to_json};
pub use diagnostic::{Diagnostic, Severity};

/// What `check` demands beyond the defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// A missing trakt block is an error, not a note.
    pub require_trakt: bool,
    /// The token must stay valid this many seconds: an error otherwise.
    pub require_valid_for: Option<i64>,
    /// Literal secrets and tokens are errors.
    pub no_plaintext_secrets: bool,
    /// The current time, Unix seconds.
    pub now: i64,
}

/// The schemas a check uses: the trakt schema, and optionally one the user
/// names for the whole document.
pub struct Schemas {
    pub trakt: Schema,
    pub extra: Option<Schema>,
}

/// A finding with the JSON pointer it is about, so that a semantic rule
/// can stand in for the schema's generic finding on the same value.
type Claimed = (String, Diagnostic);

/// The findings of one file and where its secrets are (to mask them).
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    pub secrets: Vec<Range<usize>>,
}

/// Every finding in `text`, in source order. Without a document schema
/// only the trakt block gets a tree; the rest is streamed.
pub fn check(text: &str, schemas: &Schemas, options: &Options) -> Checked {
    let parsed = match schemas.extra {
        Some(_) => Document::parse(text),
        None => Document::parse_root_keys(text, &["trakt"]),
    };
    let doc = match parsed {
        Ok(doc) => doc,
        Err(e) => {
            let end = text[e.byte..]
                .chars()
                .next()
                .map_or(e.byte, |c| e.byte + c.len_utf8());
            let syntax = Diagnostic::new(
                "yaml-syntax",
                Severity::Error,
                e.byte..end,
                format!("YAML syntax error: {}", e.message),
            )
            .hint("fix the YAML first: nothing else was checked");
            return Checked {
                diagnostics: vec![syntax],
                secrets: Vec::new(),
            };
        }
    };
    let mut found = Vec::new();
    for &start in doc.doc_starts.iter().skip(1) {
        let end = start
            + text[start..]
                .find(['\r', '\n'])
                .unwrap_or(text.len() - start);
        found.push(
            Diagnostic::new(
                "several-documents",
                Severity::Error,
                start..end,
                "the file holds several YAML documents",
            )
            .hint("Kometa reads one document: remove this `---` and what follows, or merge it"),
        );
    }
    for dup in &doc.duplicates {
        found.push(
            Diagnostic::new(
                "duplicate-key",
                Severity::Error,
                dup.at.clone(),
                format!(
                    "duplicate key `{}` (first at line {})",
                    dup.key,
                    doc.pos(dup.first).line
                ),
            )
            .hint("YAML loaders disagree on which one wins; keep one"),
        );
    }
    match doc.roots.first() {
        None => found.push(no_trakt(options)),
        Some(root) => {
            found.extend(document_schema(root, schemas.extra.as_ref()));
            match root
                .entries()
                .and_then(|entries| entries.iter().find(|e| e.key.scalar() == Some("trakt")))
            {
                Some(trakt) => found.extend(trakt_block(trakt, root, schemas, options)),
                None => found.push(no_trakt(options)),
            }
        }
    }
    found.sort_by_key(|d| d.range.as_ref().map(|r| r.start));
    Checked {
        diagnostics: found,
        secrets: doc.secrets,
    }
}

fn no_trakt(options: &Options) -> Diagnostic {
    let severity = if options.require_trakt {
        Severity::Error
    } else {
        Severity::Note
    };
    Diagnostic::new(
        "no-trakt",
        severity,
        0..0,
        "no `trakt` block at the root of the file",
    )
    .hint("nothing to check here; --require-trakt makes this an error")
}

/// The trakt block's findings: schema violations, unless a semantic rule
/// said something more precise about the same value.
fn trakt_block(
    trakt: &Entry<'_>,
    root: &Node<'_>,
    schemas: &Schemas,
    options: &Options,
) -> Vec<Diagnostic> {
    let instance = match to_json(&trakt.value, root) {
        Ok(value) => serde_json::json!({ "trakt": value }),
        Err(TooLarge) => return vec![too_large(trakt)],
    };
    let semantic: Vec<Claimed> = rules::check(trakt, options);
    let claimed: HashSet<&str> = semantic.iter().map(|(p, _)| p.as_str()).collect();
    let wrapped = |pointer: &str| pointer.strip_prefix("/trakt").map(str::to_string);
    let structural: Vec<Diagnostic> = schemas
        .trakt
        .validate(&instance)
        .into_iter()
        .filter_map(|v| wrapped(&v.pointer).map(|rel| (v, rel)))
        .filter(|(_, rel)| !claimed.contains(rel.as_str()))
        .flat_map(|(v, rel)| structure::diagnose(&v, trakt, rel))
        .collect();
    semantic
        .into_iter()
        .map(|(_, d)| d)
        .chain(structural)
        .collect()
}

fn too_large(entry: &Entry<'_>) -> Diagnostic {
    Diagnostic::new(
        "alias-expansion",
        Severity::Error,
        entry.key.start..entry.key.end,
        "aliases expand to more than a million nodes; not validated",
    )
    .hint("this looks like an alias bomb")
}

/// Findings of a user-supplied schema over the whole document.
fn document_schema(root: &Node<'_>, schema: Option<&Schema>) -> Vec<Diagnostic> {
    let Some(schema) = schema else {
        return Vec::new();
    };
    let instance = match to_json(root, root) {
        Ok(v) => v,
        Err(TooLarge) => {
            return vec![Diagnostic::new(
                "alias-expansion",
                Severity::Error,
                0..0,
                "aliases expand to more than a million nodes; not validated",
            )];
        }
    };
    schema
        .validate(&instance)
        .iter()
        .flat_map(|v| structure::generic(v, root))
        .collect()
}

/// Every rule: its id, default severity, and what it finds (for SARIF and
/// the README).
pub const RULES: &[(&str, Severity, &str)] = &[
    ("unreadable", Severity::Error, "The file cannot be read."),
    (
        "yaml-syntax",
        Severity::Error,
        "The file is not valid YAML.",
    ),
    (
        "several-documents",
        Severity::Error,
        "The file holds several YAML documents.",
    ),
    (
        "duplicate-key",
        Severity::Error,
        "A mapping holds the same key twice.",
    ),
    (
        "alias-expansion",
        Severity::Error,
        "Aliases expand to an unreasonable size.",
    ),
    (
        "no-trakt",
        Severity::Note,
        "The file has no trakt block at its root.",
    ),
    (
        "trakt-not-mapping",
        Severity::Error,
        "The trakt key has no value or is not a mapping.",
    ),
    (
        "missing-credential",
        Severity::Error,
        "client_id or client_secret is missing or empty.",
    ),
    (
        "credential-format",
        Severity::Warning,
        "client_id or client_secret is not 64 hex characters.",
    ),
    (
        "redacted-value",
        Severity::Error,
        "A value is a redaction leftover such as (redacted) or [REDACTED].",
    ),
    (
        "template-placeholder",
        Severity::Warning,
        "A value is a ${VAR} template, which Kometa reads literally.",
    ),
    (
        "pin-type",
        Severity::Error,
        "The PIN is a number; Kometa expects a string.",
    ),
    (
        "force-refresh-type",
        Severity::Warning,
        "force_refresh is a string, which Kometa ignores.",
    ),
    (
        "authorization-type",
        Severity::Error,
        "authorization is not a mapping.",
    ),
    (
        "not-authorized",
        Severity::Warning,
        "The trakt block holds no tokens yet.",
    ),
    (
        "authorization-partial",
        Severity::Error,
        "The authorization block holds tokens but misses some of its six values.",
    ),
    ("token-type", Severity::Error, "token_type is not Bearer."),
    (
        "number-type",
        Severity::Error,
        "expires_in or created_at is not a whole number of seconds.",
    ),
    (
        "quoted-number",
        Severity::Warning,
        "expires_in or created_at is a number written as a string.",
    ),
    (
        "created-in-future",
        Severity::Error,
        "created_at lies in the future.",
    ),
    (
        "token-expired",
        Severity::Warning,
        "The access token has expired (an error with --require-valid-for).",
    ),
    (
        "token-expiring",
        Severity::Warning,
        "The access token is due for renewal, or expires sooner than --require-valid-for.",
    ),
    (
        "unknown-key",
        Severity::Warning,
        "A key the trakt block does not know, with a suggestion.",
    ),
    (
        "plaintext-secret",
        Severity::Error,
        "A literal secret where --no-plaintext-secrets demands a placeholder.",
    ),
    (
        "value-type",
        Severity::Error,
        "A trakt value of the wrong type.",
    ),
    (
        "schema",
        Severity::Error,
        "A violation of the schema given with --schema.",
    ),
];
