//! The semantic rules of the trakt block, each as severe as what Kometa
//! does with the value (see docs/rules.md): placeholders and redaction
//! leftovers, tags, the PIN, keys Kometa adds by rewriting the file,
//! completeness of the authorization, quoted numbers, expiry, plaintext
//! secrets.

mod authorization;
mod credentials;
mod expiry;
mod pin;
mod placeholders;
mod reading;
mod rewrite;
mod values;

use super::Options;
use super::diagnostic::Diagnostic;
use super::rule::Rule;
use crate::document::{Document, Entry, Node};
use crate::kometa::load::glued_key;
use crate::words::{WORD, clip};

/// A semantic finding and the JSON pointer (inside the trakt block) of the
/// schema violation it stands in for, if any: the schema's generic finding
/// on that value is then not shown. A finding without a diagnostic only
/// silences the schema's (the value is fine for the Kometa judged).
pub(super) struct Finding {
    pub(crate) diagnostic: Option<Diagnostic>,
    pub(crate) supersedes: Option<String>,
}

/// What Kometa after August 2026 does when the authorization fails: it
/// carries on without it, and what needs an account stops silently.
const PUBLIC_MODE: &str = "; Kometa releases after August 2026 then carry on in public mode: user ratings, `me` and private lists, recommendations and list sync stop without the run failing";

/// What the rules look at: the document (for aliases and merge keys) and
/// the options.
struct Rules<'d, 'a> {
    doc: &'d Document<'a>,
    options: &'d Options,
    found: Vec<Finding>,
}

/// The semantic findings of the trakt block `trakt`.
pub(super) fn check(doc: &Document<'_>, trakt: &Entry<'_>, options: &Options) -> Vec<Finding> {
    let block = doc.target(&trakt.value);
    if block.entries().is_none() {
        return Vec::new();
    }
    let mut rules = Rules {
        doc,
        options,
        found: Vec::new(),
    };
    for e in block.entries().unwrap_or_default() {
        let Some(key) = doc.key_text(&e.key) else {
            continue;
        };
        if key != "authorization" {
            rules.values(e, &format!("/{key}"), &["trakt", key]);
        }
    }
    for key in ["client_id", "client_secret"] {
        if let Some(e) = rules.get(block, key) {
            rules.credential_format(e, key);
        }
    }
    rules.glued(block);
    rules.blank_credentials(trakt, block);
    rules.rewrite(trakt, block);
    let reading = rules.reading(block);
    rules.authorization(trakt, block, reading);
    rules.found
}

impl<'d, 'a> Rules<'d, 'a> {
    fn push(&mut self, diagnostic: Diagnostic, supersedes: Option<String>) {
        self.found.push(Finding {
            diagnostic: Some(diagnostic),
            supersedes,
        });
    }

    /// The schema's finding at `pointer` does not apply.
    fn silence(&mut self, pointer: &str) {
        self.found.push(Finding {
            diagnostic: None,
            supersedes: Some(pointer.to_string()),
        });
    }

    /// The entry of `key` in `mapping` as Kometa's loader reads it (a key
    /// ruamel.yaml reads with a colon, `{access_token:, …}`, is not `key`).
    fn get(&self, mapping: &'d Node<'a>, key: &str) -> Option<&'d Entry<'a>> {
        let target = self.doc.target(mapping);
        self.doc
            .lookup(mapping, key)
            .map(|f| f.entry())
            .filter(|e| !glued_key(self.doc, target, &e.key))
    }

    /// Keys of the block's flow mappings that ruamel.yaml reads with a
    /// colon (`{access_token:, …}`): Kometa does not find them.
    fn glued(&mut self, block: &'d Node<'a>) {
        let auth = self.get(block, "authorization").map(|e| self.value(e));
        for (mapping, parent) in [(Some(block), "trakt"), (auth, "trakt.authorization")] {
            let Some(mapping) = mapping else { continue };
            for e in mapping.entries().unwrap_or_default() {
                if !glued_key(self.doc, mapping, &e.key) {
                    continue;
                }
                let key = e.key.scalar().unwrap_or_default();
                let d = Diagnostic::new(
                    Rule::UnknownKey,
                    e.key.start..e.key.end + 1,
                    format!(
                        "`{}:` right before a comma or a closing brace in `{parent}`: Kometa's YAML loader (ruamel.yaml) reads the key as `{}:`, colon included, so Kometa finds no `{}`",
                        clip(key, WORD),
                        clip(key, WORD),
                        clip(key, WORD)
                    ),
                )
                .hint(format!("write `{}: null` (or a space after the colon)", clip(key, WORD)));
                self.push(d, None);
            }
        }
    }

    /// A value as YAML reads it (through an alias).
    fn value(&self, e: &'d Entry<'a>) -> &'d Node<'a> {
        self.doc.target(&e.value)
    }

    /// Whether a value is absent in substance: null or empty text.
    fn empty(&self, e: Option<&'d Entry<'a>>) -> bool {
        e.is_none_or(|e| {
            let v = self.value(e);
            v.is_null() || v.scalar() == Some("")
        })
    }
}
