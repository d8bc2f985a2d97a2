//! `check`: document-level rules (syntax, duplicates, several documents),
//! structural findings from the schema, and the semantic rules of the
//! trakt block, each as severe as what Kometa does with the value.

mod config;
pub(crate) mod diagnostic;
mod document_schema;
mod file;
#[cfg(test)]
mod registry;
pub(crate) mod rule;
mod semantic;
mod spaces;
mod structure;
mod tabs;

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use crate::document::{Document, Entry, Node, Parse, SyntaxError};
use crate::kometa::Version;
use crate::kometa::mask::{mask_message, shaped};
use crate::kometa::secrets::Environment;
use crate::kometa::sensitive::is_secret_key;
use crate::schema::json::{Strings, TooLarge, to_json};
use crate::schema::{Schema, TRAKT_STRINGS};
use crate::words::{WORD, clip};
pub(crate) use diagnostic::{Diagnostic, Fix, Severity};
pub(crate) use file::check_file;
pub(crate) use rule::Rule;

/// What a caller adds to a check of the whole document: findings about its
/// root (the files it links to, see `linked`).
pub(crate) type Extra<'x> = &'x mut dyn FnMut(&Node<'_>) -> Vec<Diagnostic>;

/// What `check` demands beyond the defaults.
#[derive(Debug, Clone, Default)]
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
    /// Kometa's secrets as this process sees them, to fill placeholders as
    /// Kometa would (nothing known: every placeholder's variable unset).
    pub(crate) env: Arc<Environment>,
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
    check_with(text, schemas, options, None)
}

/// The same, with `extra`'s findings about the document's root: the whole
/// document gets a tree, and the rules of a whole config apply (see
/// `config`).
pub(crate) fn check_with(
    text: &str,
    schemas: &Schemas,
    options: &Options,
    extra: Option<Extra<'_>>,
) -> Checked {
    let whole = schemas.extra.is_some() || extra.is_some();
    check_parsed_with(text, &parse_as(text, whole), schemas, options, extra)
}

/// `text` parsed as [`check`] parses it: trees for the trakt block only
/// (the whole document for a document schema), and where secrets are.
pub(crate) fn parse<'a>(text: &'a str, schemas: &Schemas) -> Result<Document<'a>, SyntaxError> {
    parse_as(text, schemas.extra.is_some())
}

fn parse_as(text: &str, whole: bool) -> Result<Document<'_>, SyntaxError> {
    let parse = Parse::masking(is_secret_key);
    match whole {
        true => Document::parse_with(text, parse),
        false => Document::parse_with(text, parse.root_keys(&["trakt"])),
    }
}

/// Every finding in `text`, `parsed` by [`parse`]: what [`check`] finds.
pub(crate) fn check_parsed(
    text: &str,
    parsed: &Result<Document<'_>, SyntaxError>,
    schemas: &Schemas,
    options: &Options,
) -> Checked {
    check_parsed_with(text, parsed, schemas, options, None)
}

/// Every finding in a document parsed by [`parse`] (an edit's result,
/// verified and parsed as its original was): what [`check`] finds in its
/// text.
pub(crate) fn check_doc(doc: &Document<'_>, schemas: &Schemas, options: &Options) -> Checked {
    check_doc_with(doc, schemas, options, None)
}

fn check_parsed_with(
    text: &str,
    parsed: &Result<Document<'_>, SyntaxError>,
    schemas: &Schemas,
    options: &Options,
    extra: Option<Extra<'_>>,
) -> Checked {
    match parsed {
        Ok(doc) => check_doc_with(doc, schemas, options, extra),
        Err(e) => {
            let found = web_spaces(text)
                .into_iter()
                .chain([syntax(text, e)])
                .collect();
            masked(text, found, Vec::new())
        }
    }
}

fn check_doc_with(
    doc: &Document<'_>,
    schemas: &Schemas,
    options: &Options,
    extra: Option<Extra<'_>>,
) -> Checked {
    let text = doc.source.text;
    let whole = schemas.extra.is_some() || extra.is_some();
    let mut found = document_rules(doc);
    found.extend(web_spaces(text));
    found.extend(secret_arguments(options));
    match doc.roots.first() {
        None => found.push(no_trakt(options)),
        Some(root) => {
            found.extend(document_schema(root, schemas.extra.as_ref()));
            if whole {
                found.extend(config::rules(root));
            }
            if let Some(extra) = extra {
                found.extend(extra(root));
            }
            match root
                .entries()
                .and_then(|entries| entries.iter().find(|e| e.key.scalar() == Some("trakt")))
            {
                Some(trakt) => found.extend(trakt_block(doc, trakt, root, schemas, options)),
                None => {
                    let whole = match schemas.extra {
                        Some(_) => None,
                        None => Document::parse_with(text, Parse::masking(is_secret_key)).ok(),
                    };
                    let whole = whole.as_ref().unwrap_or(doc);
                    let misplaced = trakt_elsewhere(whole);
                    if misplaced.is_empty() {
                        found.push(no_trakt(options));
                    }
                    found.extend(misplaced);
                }
            }
        }
    }
    found.sort_by_key(|d| d.range.as_ref().map(|r| r.start));
    let found = found
        .into_iter()
        .map(|d| d.for_kometa(options.kometa))
        .collect();
    masked(text, found, doc.secrets.clone())
}

/// A YAML syntax error, at the character where the parser stopped.
pub(super) fn syntax(text: &str, e: &SyntaxError) -> Diagnostic {
    let end = text[e.byte..]
        .chars()
        .next()
        .map_or(e.byte, |c| e.byte + c.len_utf8());
    Diagnostic::new(
        Rule::YamlSyntax,
        e.byte..end,
        format!("YAML syntax error: {}", e.message),
    )
    .hint("fix the YAML first: nothing else was checked")
}

/// The findings with the token-shaped runs of the trakt block masked in
/// their words, and those runs added to the secret ranges every excerpt
/// masks.
pub(super) fn masked(
    text: &str,
    mut diagnostics: Vec<Diagnostic>,
    mut secrets: Vec<Range<usize>>,
) -> Checked {
    let shapes = shaped(text, &secrets);
    let runs: Vec<&str> = shapes.iter().map(|r| &text[r.clone()]).collect();
    for d in &mut diagnostics {
        d.message = mask_message(&d.message, &runs);
        d.hint = d.hint.as_deref().map(|h| mask_message(h, &runs));
        for note in &mut d.notes {
            *note = mask_message(note, &runs);
        }
    }
    secrets.extend(shapes);
    secrets.sort_by_key(|r| r.start);
    Checked {
        diagnostics,
        secrets,
    }
}

/// Several documents and duplicate keys, anywhere in the file.
pub(super) fn document_rules(doc: &Document<'_>) -> Vec<Diagnostic> {
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

/// Web spaces after a key's colon: one finding at the first, which fixes
/// them all.
pub(super) fn web_spaces(text: &str) -> Option<Diagnostic> {
    let found = spaces::after_colons(text);
    let first = found.first()?.clone();
    let more = match found.len() {
        1 => String::new(),
        2 => " (and on 1 more line)".to_string(),
        n => format!(" (and on {} more lines)", n - 1),
    };
    Some(
        Diagnostic::new(
            Rule::NoBreakSpace,
            first,
            format!("a no-break space after a key's colon{more}: YAML reads the line as one scalar, not a key and a value, and Kometa's run aborts"),
        )
        .hint("replace it with a plain space (`check --fix` does)")
        .repair(Fix::Respace(found)),
    )
}

/// A block the user meant as the trakt block under another key: a root
/// key spelt otherwise (`Trakt`, `TRAKT`, `"trakt "`, `trakt_tv`), or a
/// `trakt` key nested in another block: one holding credentials anywhere,
/// any in a section of Kometa's own keys. Kometa
/// reads only the root key `trakt` (config.py:924-946).
fn trakt_elsewhere(doc: &Document<'_>) -> Vec<Diagnostic> {
    let Some(root) = doc.roots.first() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for e in root.entries().unwrap_or_default() {
        let Some(key) = doc.key_text(&e.key) else {
            continue;
        };
        if key != "trakt" && trakt_like(key) {
            found.push(
                Diagnostic::new(
                    Rule::TraktKey,
                    e.key.start..e.key.end,
                    format!(
                        "the block `{}` is not `trakt`: Kometa reads only the root key `trakt` (\"trakt attribute not found\") and runs without Trakt",
                        clip(key, WORD)
                    ),
                )
                .hint("rename the key to `trakt` (lower case, nothing around it)"),
            );
        }
    }
    let mut stack: Vec<(&Node<'_>, String, usize)> = root
        .entries()
        .unwrap_or_default()
        .iter()
        .map(|e| {
            (
                &e.value,
                doc.key_text(&e.key).unwrap_or_default().to_string(),
                1,
            )
        })
        .collect();
    while let Some((node, parent, depth)) = stack.pop() {
        let node = doc.target(node);
        let Some(entries) = node.entries() else {
            continue;
        };
        for e in entries {
            let key = doc.key_text(&e.key).unwrap_or_default();
            let value = doc.target(&e.value);
            let credentials = value.entries().is_some_and(|inner| {
                inner.iter().any(|i| {
                    matches!(
                        doc.key_text(&i.key),
                        Some("client_id" | "client_secret" | "authorization")
                    )
                })
            });
            // A block that holds what a trakt block holds, or any `trakt`
            // key in a root section whose keys are Kometa's own (`settings`,
            // `plex`...): a template or collection named `trakt` is not one.
            let fixed = depth == 1 && FIXED_SECTIONS.contains(&parent.as_str());
            if trakt_like(key) && (credentials || fixed) {
                found.push(
                    Diagnostic::new(
                        Rule::TraktKey,
                        e.key.start..e.key.end,
                        format!(
                            "the trakt block is under `{}`, not at the root: Kometa reads only the root key `trakt` (\"trakt attribute not found\") and runs without Trakt",
                            clip(&parent, WORD)
                        ),
                    )
                    .hint("move the block to the root of the file, as `trakt:` without indentation"),
                );
            } else if depth < 8 {
                stack.push((&e.value, key.to_string(), depth + 1));
            }
        }
    }
    found
}

/// Root sections whose keys Kometa defines (config.py reads each by name),
/// unlike `libraries`, `playlist_files` or `templates`, whose keys are names
/// the user chooses.
const FIXED_SECTIONS: &[&str] = &[
    "settings",
    "webhooks",
    "plex",
    "tmdb",
    "tautulli",
    "github",
    "omdb",
    "mdblist",
    "notifiarr",
    "gotify",
    "ntfy",
    "anidb",
    "radarr",
    "sonarr",
    "mal",
];

/// A key the user meant as `trakt`: the word in any case with anything
/// around it, or starting a longer key (`trakt_tv`, `trakt.tv`).
fn trakt_like(key: &str) -> bool {
    let lower = key.trim().to_lowercase();
    lower.starts_with("trakt") && lower.len() <= 16
}

/// Secret arguments Kometa misreads: `--kometa-x=value` (a secret named
/// `x=value`, its value the next argument) and a last one with nothing
/// after it, on which Kometa's start crashes (kometa.py:193-199).
fn secret_arguments(options: &Options) -> Vec<Diagnostic> {
    let shown = |arg: &str| match arg.split_once('=') {
        Some((name, _)) => (format!("{}=…", clip(name, WORD)), name.to_string()),
        None => (clip(arg, WORD).into_owned(), arg.to_string()),
    };
    let mut found = Vec::new();
    if let Some(arg) = options.env.dangling.as_deref() {
        let (shown, name) = shown(arg);
        found.push(
            Diagnostic::new(
                Rule::SecretArgument,
                0..0,
                format!(
                    "the argument `{shown}` has no value after it: Kometa reads the next argument as a secret's value, finds none, and its start crashes (IndexError at kometa.py:199)"
                ),
            )
            .hint(format!("give it as `{name} VALUE` (a space, not `=`)")),
        );
    }
    for arg in options.env.misread_arguments() {
        let (shown, name) = shown(arg);
        found.push(
            Diagnostic::new(
                Rule::SecretArgument,
                0..0,
                format!(
                    "the argument `{shown}`: Kometa reads it as a secret named after all of it, `=` and value included, and takes the next argument as that secret's value"
                ),
            )
            .hint(format!("give it as `{name} VALUE` (a space, not `=`)")),
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
            // A missing key is superseded by its own pointer.
            let at = match (v.keyword.as_str(), &v.missing) {
                ("required", Some(key)) => format!("{rel}/{key}"),
                _ => rel.clone(),
            };
            (!superseded.contains(at.as_str())).then_some((v, rel))
        })
        .flat_map(|(v, rel)| structure::diagnose(&v, trakt, rel))
        .collect();
    semantic
        .into_iter()
        .filter_map(|f| f.diagnostic)
        .chain(structural)
        .collect()
}

pub(super) fn too_large(range: Range<usize>) -> Diagnostic {
    Diagnostic::new(
        Rule::AliasExpansion,
        range,
        "aliases expand to more than a million nodes; not validated",
    )
    .hint("this looks like an alias bomb")
}

/// Findings of a user-supplied schema over the whole document.
pub(super) fn document_schema(root: &Node<'_>, schema: Option<&Schema>) -> Vec<Diagnostic> {
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
