//! `check`: document-level rules (syntax, duplicates, several documents),
//! structural findings from the schema, and the semantic rules of the
//! trakt block, each as severe as what Kometa does with the value.

pub(crate) mod diagnostic;
mod document_schema;
pub(crate) mod rule;
mod semantic;
mod structure;
mod tabs;

use std::collections::HashSet;
use std::ops::Range;

use crate::document::{Document, Entry, Node, Parse, SyntaxError};
use crate::kometa::Version;
use crate::kometa::sensitive::is_secret_key;
use crate::schema::json::{Strings, TooLarge, to_json};
use crate::schema::{Schema, TRAKT_STRINGS};
use crate::words::{WORD, clip};
pub(crate) use diagnostic::{Diagnostic, Severity};
pub(crate) use rule::Rule;

/// What `check` demands beyond the defaults.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Options {
    /// A missing trakt block is an error, not a note.
    pub(crate) require_trakt: bool,
    /// The token must stay valid this many seconds: an error otherwise.
    pub(crate) require_valid_for: Option<i64>,
    /// Literal secrets and tokens are errors.
    pub(crate) no_plaintext_secrets: bool,
    /// The Kometa that reads the config.
    pub(crate) kometa: Version,
    /// The current time, Unix seconds.
    pub(crate) now: i64,
}

/// The schemas a check uses: the trakt schema, and optionally one the user
/// names for the whole document.
pub(crate) struct Schemas {
    pub(crate) trakt: Schema,
    pub(crate) extra: Option<Schema>,
}

/// The findings of one file and where its secrets are (to mask them).
pub(crate) struct Checked {
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) secrets: Vec<Range<usize>>,
}

/// Every finding in `text`, in source order. Without a document schema
/// only the trakt block gets a tree; the rest is streamed.
pub(crate) fn check(text: &str, schemas: &Schemas, options: &Options) -> Checked {
    check_parsed(text, &parse(text, schemas), schemas, options)
}

/// `text` parsed as [`check`] parses it: trees for the trakt block only
/// (or all of it, for a document schema), and where secrets are.
pub(crate) fn parse<'a>(text: &'a str, schemas: &Schemas) -> Result<Document<'a>, SyntaxError> {
    let parse = Parse::masking(is_secret_key);
    match schemas.extra {
        Some(_) => Document::parse_with(text, parse),
        None => Document::parse_with(text, parse.root_keys(&["trakt"])),
    }
}

/// Every finding in `text`, `parsed` by [`parse`].
pub(crate) fn check_parsed(
    text: &str,
    parsed: &Result<Document<'_>, SyntaxError>,
    schemas: &Schemas,
    options: &Options,
) -> Checked {
    match parsed {
        Ok(doc) => check_doc(doc, schemas, options),
        Err(e) => {
            let end = text[e.byte..]
                .chars()
                .next()
                .map_or(e.byte, |c| e.byte + c.len_utf8());
            let syntax = Diagnostic::new(
                Rule::YamlSyntax,
                e.byte..end,
                format!("YAML syntax error: {}", e.message),
            )
            .hint("fix the YAML first: nothing else was checked");
            Checked {
                diagnostics: vec![syntax],
                secrets: Vec::new(),
            }
        }
    }
}

/// Every finding in a document parsed as [`parse`] parses it.
pub(crate) fn check_doc(doc: &Document<'_>, schemas: &Schemas, options: &Options) -> Checked {
    let mut found = document_rules(doc);
    match doc.roots.first() {
        None => found.push(no_trakt(options)),
        Some(root) => {
            found.extend(document_schema(root, schemas.extra.as_ref()));
            match root
                .entries()
                .and_then(|entries| entries.iter().find(|e| e.key.scalar() == Some("trakt")))
            {
                Some(trakt) => found.extend(trakt_block(doc, trakt, root, schemas, options)),
                None => found.push(no_trakt(options)),
            }
        }
    }
    found.sort_by_key(|d| d.range.as_ref().map(|r| r.start));
    Checked {
        diagnostics: found
            .into_iter()
            .map(|d| d.for_kometa(options.kometa))
            .collect(),
        secrets: doc.secrets.clone(),
    }
}

/// Several documents and duplicate keys, anywhere in the file.
fn document_rules(doc: &Document<'_>) -> Vec<Diagnostic> {
    let text = doc.source.text;
    let mut found = Vec::new();
    for &start in doc.doc_starts.iter().skip(1) {
        let end = start
            + text[start..]
                .find(['\r', '\n'])
                .unwrap_or(text.len() - start);
        found.push(
            Diagnostic::new(
                Rule::SeveralDocuments,
                start..end,
                "the file holds several YAML documents",
            )
            .hint("Kometa reads one document: remove this `---` and what follows, or merge it"),
        );
    }
    let tabs = tabs::refused(doc);
    if let Some(&first) = tabs.first() {
        let more = match tabs.len() {
            1 => String::new(),
            2 => " (and on 1 more line)".to_string(),
            n => format!(" (and on {} more lines)", n - 1),
        };
        found.push(
            Diagnostic::new(
                Rule::YamlTab,
                first..first + 1,
                format!("a tab outside quotes and comments{more}: Kometa's YAML loader refuses the whole file (\"Tabs are not allowed in YAML files\")"),
            )
            .hint("replace the tab with spaces"),
        );
    }
    for dup in &doc.duplicates {
        found.push(
            Diagnostic::new(
                Rule::DuplicateKey,
                dup.at.clone(),
                format!(
                    "duplicate key `{}` (first at line {})",
                    clip(&dup.key, WORD),
                    doc.pos(dup.first).line
                ),
            )
            .hint("YAML loaders disagree on which one wins; keep one"),
        );
    }
    found
}

fn no_trakt(options: &Options) -> Diagnostic {
    let d = Diagnostic::new(
        Rule::NoTrakt,
        0..0,
        "no `trakt` block at the root of the file",
    )
    .hint("nothing to check here; --require-trakt makes this an error");
    if options.require_trakt {
        d.severity(Severity::Error)
    } else {
        d
    }
}

/// The trakt block's findings: schema violations, unless a semantic rule
/// said something more precise about the same value.
fn trakt_block(
    doc: &Document<'_>,
    trakt: &Entry<'_>,
    root: &Node<'_>,
    schemas: &Schemas,
    options: &Options,
) -> Vec<Diagnostic> {
    let instance = match to_json(&trakt.value, root, TRAKT_STRINGS) {
        Ok(value) => serde_json::json!({ "trakt": value }),
        Err(TooLarge) => return vec![too_large(trakt.key.start..trakt.key.end)],
    };
    let semantic = semantic::check(doc, trakt, options);
    let superseded: HashSet<&str> = semantic
        .iter()
        .filter_map(|f| f.supersedes.as_deref())
        .collect();
    let structural: Vec<Diagnostic> = schemas
        .trakt
        .validate(&instance)
        .into_iter()
        .filter_map(|v| {
            let rel = v.pointer.strip_prefix("/trakt")?.to_string();
            (!superseded.contains(rel.as_str())).then_some((v, rel))
        })
        .flat_map(|(v, rel)| structure::diagnose(&v, trakt, rel))
        .collect();
    semantic
        .into_iter()
        .map(|f| f.diagnostic)
        .chain(structural)
        .collect()
}

fn too_large(range: Range<usize>) -> Diagnostic {
    Diagnostic::new(
        Rule::AliasExpansion,
        range,
        "aliases expand to more than a million nodes; not validated",
    )
    .hint("this looks like an alias bomb")
}

/// Findings of a user-supplied schema over the whole document.
fn document_schema(root: &Node<'_>, schema: Option<&Schema>) -> Vec<Diagnostic> {
    let Some(schema) = schema else {
        return Vec::new();
    };
    let instance = match to_json(root, root, Strings::Whole) {
        Ok(v) => v,
        Err(TooLarge) => return vec![too_large(0..0)],
    };
    schema
        .validate(&instance)
        .iter()
        .flat_map(|v| document_schema::findings(v, root))
        .collect()
}
