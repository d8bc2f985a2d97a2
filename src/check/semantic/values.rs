//! Rules for any value of the block: redaction leftovers, explicit tags,
//! `${VAR}` templates and literal secrets where placeholders are demanded.

use super::Rules;
use super::reading::is_read;
use crate::check::diagnostic::{Diagnostic, Severity};
use crate::check::rule::Rule;
use crate::check::structure::value_range;
use crate::document::{Edit, Entry, Kind, NewValue, Node, Value};
use crate::kometa::is_template;
use crate::kometa::placeholder::{self};
use crate::kometa::sensitive::is_secret_key;
use crate::words::{WORD, clip};

impl<'d, 'a> Rules<'d, 'a> {
    /// Rules for any value: redaction leftovers, explicit tags, `${VAR}`
    /// templates, placeholders Kometa cannot resolve, and literal secrets
    /// when they are forbidden.
    pub(super) fn values(&mut self, e: &'d Entry<'a>, pointer: &str, keys: &[&str]) {
        let at = value_range(Some(&e.key), &e.value);
        let path = || -> Vec<String> { keys.iter().map(|k| k.to_string()).collect() };
        let name = &*clip(&keys.join("."), 2 * WORD).into_owned();
        let node = self.value(e);
        let key = keys.last().copied().unwrap_or_default();
        let suggested = format!("trakt-{}", key.replace('_', "-"));
        // What Kometa does with the values it reads is the model's
        // (reading.rs); here only the values it never reads.
        let read = is_read(keys);
        if redacted(node) && !read {
            self.push(
                Diagnostic::new(
                    Rule::RedactedValue,
                    at,
                    format!("`{name}` holds a redaction leftover, not a value: Kometa never reads it"),
                )
                .severity(Severity::Warning)
                .hint(format!(
                    "paste the real value, or write a placeholder such as <<{suggested}>> and set {}",
                    placeholder::variable(&suggested)
                )),
                Some(pointer.to_string()),
            );
            return;
        }
        if let Some(tag) = node.tag.as_deref().filter(|t| *t != "!" && !read) {
            let shown = tag.replace("tag:yaml.org,2002:", "!!");
            let mut d = Diagnostic::new(
                Rule::TaggedValue,
                node.prop_start..node.end,
                format!("`{name}` carries the tag `{shown}`: harmless, Kometa never reads it"),
            )
            .severity(Severity::Note);
            d = match (tag, node.scalar()) {
                ("tag:yaml.org,2002:str", Some(text)) => d
                    .hint(format!(
                        "remove `{shown}`: the value stays the string it is"
                    ))
                    .fix(vec![Edit {
                        path: path(),
                        value: NewValue::Untagged(Value::Str(text.to_string())),
                    }]),
                _ => d.hint(format!(
                    "remove `{shown}` and write the value as Kometa expects it"
                )),
            };
            self.push(d, Some(pointer.to_string()));
        }
        let Some(text) = node.scalar().filter(|_| !node.is_null()) else {
            return;
        };
        if is_template(text) {
            self.push(
                Diagnostic::new(
                    Rule::TemplatePlaceholder,
                    at,
                    format!("`{name}` is a `${{…}}` template: Kometa would read it literally and fail, unless the file is rendered first"),
                )
                .hint("render the file before Kometa reads it (envsubst), or use a Kometa placeholder such as <<trakt-client-id>> with KOMETA_TRAKT_CLIENT_ID set"),
                Some(pointer.to_string()),
            );
            return;
        }
        if !read {
            self.spelling(e, node, text, &path(), pointer);
        }
        if self.options.no_plaintext_secrets
            && is_secret_key(key)
            && !placeholder::contains(text)
            && !text.is_empty()
        {
            self.push(
                Diagnostic::new(
                    Rule::PlaintextSecret,
                    at,
                    format!("`{name}` holds a literal secret"),
                )
                .hint(format!(
                    "write a placeholder instead, e.g. {key}: <<{suggested}>>, and set {}",
                    placeholder::variable(&suggested)
                )),
                Some(pointer.to_string()),
            );
        }
    }
}

/// `(redacted)`, `<REDACTED>`, `<private>`, `XXXX-redacted-XXXX`,
/// `********`, or the flow sequence `[REDACTED]`.
pub(super) fn redacted(node: &Node<'_>) -> bool {
    match &node.kind {
        Kind::Scalar { value, .. } => crate::kometa::run::redacted(value),
        Kind::Sequence { items, .. } => items.len() == 1 && redacted(&items[0]),
        _ => false,
    }
}
