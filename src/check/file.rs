//! A Kometa file other than the config (a collection, overlay, metadata,
//! playlist, template or image file): its YAML as Kometa's loader reads it,
//! and the schema of its kind. No trakt rules: such a file has no trakt
//! block.

use super::{
    Checked, Diagnostic, Extra, Options, Rule, document_rules, document_schema, masked, syntax,
    web_spaces,
};
use crate::document::{Document, Node, Parse};
use crate::kometa::sensitive::is_secret_key;
use crate::schema::Schema;

/// Every finding in the Kometa file `text`, in source order: its YAML, an
/// empty file, `schema`'s violations, and `extra`'s findings about its root
/// (the templates it links to).
pub(crate) fn check_file(
    text: &str,
    schema: Option<&Schema>,
    options: &Options,
    extra: Option<Extra<'_>>,
) -> Checked {
    let respace = web_spaces(text);
    let doc = match Document::parse_with(text, Parse::masking(is_secret_key)) {
        Ok(doc) => doc,
        Err(e) => {
            let found = respace.into_iter().chain([syntax(text, &e)]).collect();
            return masked(text, found, Vec::new());
        }
    };
    let mut found = document_rules(&doc);
    found.extend(respace);
    match doc.roots.first() {
        Some(root) if root.entries().is_some_and(|e| !e.is_empty()) => {
            found.extend(document_schema(root, schema));
            if let Some(extra) = extra {
                found.extend(extra(root));
            }
        }
        root => found.push(empty(root)),
    }
    found.sort_by_key(|d| d.range.as_ref().map(|r| r.start));
    let found = found
        .into_iter()
        .map(|d| d.for_kometa(options.kometa))
        .collect();
    masked(text, found, doc.secrets)
}

/// A file Kometa's loader finds empty: no document, a null, an empty
/// mapping, or a root that is not a mapping (modules/request.py:290-292).
fn empty(root: Option<&Node<'_>>) -> Diagnostic {
    let hint = "Kometa skips it (\"YAML Error: File is empty\")";
    match root {
        Some(root) if !root.is_null() => {
            let what = match root.entries() {
                Some(_) => "an empty mapping".to_string(),
                None => format!("a {}", root.kind_name()),
            };
            Diagnostic::new(
                Rule::EmptyFile,
                root.start..root.end,
                format!("the file holds {what}, not a mapping of Kometa's keys"),
            )
            .hint(hint)
        }
        _ => Diagnostic::whole_file(
            Rule::EmptyFile,
            "the file is empty (or holds only comments)",
        )
        .hint(hint),
    }
}
