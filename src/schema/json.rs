//! A document tree as JSON for schema validation, and JSON pointers back to
//! the nodes they name. Strings stay strings: a token of digits written in
//! quotes is never a number.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};

use crate::document::lookup::is_merge_key;
use crate::document::scalar::{Resolved, resolve};
use crate::document::{Kind, Node};

/// Aliases expanding to more nodes than this are refused (an alias bomb).
pub(crate) const EXPANSION_LIMIT: usize = 1_000_000;

/// The document grew past `EXPANSION_LIMIT` nodes when aliases were expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge;

/// How much of each string goes into the JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strings {
    /// All of it (any schema may look at any character).
    Whole,
    /// At most this many bytes (on a character boundary): for a schema
    /// whose string rules (types, a minimum length, patterns of short
    /// words) read the same on such a prefix, so a huge value is not copied.
    Prefix(usize),
}

impl Strings {
    fn take(self, text: &str) -> String {
        match self {
            Strings::Prefix(max) if text.len() > max => {
                let mut cut = max;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text[..cut].to_string()
            }
            _ => text.to_string(),
        }
    }

    fn long(self, text: &str) -> bool {
        matches!(self, Strings::Prefix(max) if text.len() > max)
    }
}

/// Converts `node` to JSON, expanding aliases (whose anchors may lie
/// anywhere in `root`) and merge keys; keys become strings.
pub(crate) fn to_json(
    node: &Node<'_>,
    root: &Node<'_>,
    strings: Strings,
) -> Result<Value, TooLarge> {
    let anchors = anchors(root);
    let mut convert = Convert {
        anchors,
        budget: EXPANSION_LIMIT,
        strings,
    };
    convert.value(node)
}

/// A key as the JSON of `to_json` names it.
pub(crate) fn json_key(key: &Node<'_>, strings: Strings) -> String {
    strings.take(&key_text(key))
}

/// Every anchored node of a document by anchor id.
fn anchors<'d, 'a>(root: &'d Node<'a>) -> HashMap<usize, &'d Node<'a>> {
    let mut found = HashMap::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.anchor != 0 {
            found.insert(node.anchor, node);
        }
        match &node.kind {
            Kind::Mapping { entries, .. } => {
                stack.extend(entries.iter().flat_map(|e| [&e.key, &e.value]))
            }
            Kind::Sequence { items, .. } => stack.extend(items),
            _ => {}
        }
    }
    found
}

struct Convert<'d, 'a> {
    anchors: HashMap<usize, &'d Node<'a>>,
    budget: usize,
    strings: Strings,
}

impl Convert<'_, '_> {
    fn value(&mut self, node: &Node<'_>) -> Result<Value, TooLarge> {
        self.budget = self.budget.checked_sub(1).ok_or(TooLarge)?;
        Ok(match &node.kind {
            Kind::Scalar { value, .. } if self.strings.long(value) => {
                Value::String(self.strings.take(value))
            }
            Kind::Scalar { value, style } => match resolve(value, *style, node.tag.as_deref()) {
                Resolved::Null => Value::Null,
                Resolved::Bool(b) => Value::Bool(b),
                Resolved::Int(i) => i64::try_from(i)
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(value.to_string())),
                Resolved::Float(f) => f
                    .parse::<f64>()
                    .ok()
                    .and_then(Number::from_f64)
                    .map_or_else(|| Value::String(value.to_string()), Value::Number),
                Resolved::Str(s) => Value::String(s),
            },
            Kind::Mapping { entries, .. } => {
                let mut map = Map::with_capacity(entries.len());
                let (merges, own): (Vec<_>, Vec<_>) =
                    entries.iter().partition(|e| is_merge_key(&e.key));
                for e in own {
                    let key = match e.key.kind {
                        Kind::Alias(id) => self.anchors.get(&id).copied().unwrap_or(&e.key),
                        _ => &e.key,
                    };
                    let key = json_key(key, self.strings);
                    let value = self.value(&e.value)?;
                    map.insert(key, value);
                }
                // Merge keys (`<<: *base`) bring in the keys the mapping
                // lacks, earlier sources first, as Kometa's loader reads them.
                for merge in merges {
                    let sources = match self.value(&merge.value)? {
                        Value::Array(items) => items,
                        other => vec![other],
                    };
                    for source in sources {
                        if let Value::Object(fields) = source {
                            for (k, v) in fields {
                                map.entry(k).or_insert(v);
                            }
                        }
                    }
                }
                Value::Object(map)
            }
            Kind::Sequence { items, .. } => Value::Array(
                items
                    .iter()
                    .map(|i| self.value(i))
                    .collect::<Result<_, _>>()?,
            ),
            Kind::Alias(id) => match self.anchors.get(id).copied() {
                Some(target) => self.value(target)?,
                None => Value::Null,
            },
        })
    }
}

/// A key as the string JSON uses for it.
pub(crate) fn key_text(key: &Node<'_>) -> String {
    match &key.kind {
        Kind::Scalar { value, .. } => value.to_string(),
        Kind::Alias(_) => "*alias".to_string(),
        _ => "(complex key)".to_string(),
    }
}

/// The node a JSON pointer names, and the key node holding it, as far as
/// the pointer can be followed (aliases stop it).
pub(crate) fn node_at<'d, 'a>(
    root: &'d Node<'a>,
    pointer: &str,
) -> (Option<&'d Node<'a>>, &'d Node<'a>) {
    let mut key = None;
    let mut node = root;
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        let next = match &node.kind {
            Kind::Mapping { entries, .. } => entries
                .iter()
                .rev()
                .find(|e| key_text(&e.key) == segment)
                .map(|e| (Some(&e.key), &e.value)),
            Kind::Sequence { items, .. } => segment
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .map(|n| (None, n)),
            _ => None,
        };
        match next {
            Some((k, n)) => {
                key = k.or(key);
                node = n;
            }
            None => break,
        }
    }
    (key, node)
}
