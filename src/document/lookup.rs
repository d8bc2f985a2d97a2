//! Finding a key in a mapping the way YAML loaders read it: a key may be
//! written as an alias (`*k : value` where `&k name`), and a merge key
//! (`<<: *base`, `<<: [*a, *b]`) brings in the entries of other mappings,
//! which the mapping's own keys override.

use super::Document;
use super::tree::{Entry, Kind, Node};

/// How a key was found.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Found<'d, 'a> {
    /// Written as a plain key of the mapping.
    Direct(&'d Entry<'a>),
    /// The mapping's key is an alias of a scalar with the key's text.
    AliasKey(&'d Entry<'a>),
    /// Brought in by the merge key `merge` from another mapping.
    Merged {
        entry: &'d Entry<'a>,
        merge: &'d Entry<'a>,
    },
}

impl<'d, 'a> Found<'d, 'a> {
    /// The entry holding the value.
    pub(crate) fn entry(self) -> &'d Entry<'a> {
        match self {
            Found::Direct(e) | Found::AliasKey(e) => e,
            Found::Merged { entry, .. } => entry,
        }
    }

    /// The value found.
    pub(crate) fn value(self) -> &'d Node<'a> {
        &self.entry().value
    }
}

impl<'a> Document<'a> {
    /// The node carrying anchor `id`, if a tree was built for it.
    pub(crate) fn anchored(&self, id: usize) -> Option<&Node<'a>> {
        let mut stack: Vec<&Node<'a>> = self.roots.iter().rev().collect();
        while let Some(node) = stack.pop() {
            if node.anchor == id {
                return Some(node);
            }
            match &node.kind {
                Kind::Mapping { entries, .. } => {
                    stack.extend(entries.iter().rev().flat_map(|e| [&e.value, &e.key]))
                }
                Kind::Sequence { items, .. } => stack.extend(items.iter().rev()),
                _ => {}
            }
        }
        None
    }

    /// The node itself, or the node an alias points to.
    pub(crate) fn target<'d>(&'d self, node: &'d Node<'a>) -> &'d Node<'a> {
        match node.kind {
            Kind::Alias(id) => self.anchored(id).unwrap_or(node),
            _ => node,
        }
    }

    /// The text of a scalar key, through an alias.
    pub(crate) fn key_text<'d>(&'d self, key: &'d Node<'a>) -> Option<&'d str> {
        self.target(key).scalar()
    }

    /// `key` in `mapping` as a YAML loader with merge keys reads it: the
    /// mapping's own keys (written plainly or as aliases) first, then the
    /// merged mappings in order.
    pub(crate) fn lookup<'d>(&'d self, mapping: &'d Node<'a>, key: &str) -> Option<Found<'d, 'a>> {
        self.lookup_in(mapping, key, 0)
    }

    fn lookup_in<'d>(
        &'d self,
        mapping: &'d Node<'a>,
        key: &str,
        depth: usize,
    ) -> Option<Found<'d, 'a>> {
        let entries = self.target(mapping).entries()?;
        if let Some(e) = entries.iter().find(|e| e.key.scalar() == Some(key)) {
            return Some(Found::Direct(e));
        }
        if let Some(e) = entries
            .iter()
            .find(|e| matches!(e.key.kind, Kind::Alias(_)) && self.key_text(&e.key) == Some(key))
        {
            return Some(Found::AliasKey(e));
        }
        if depth > 16 {
            return None;
        }
        for merge in entries.iter().filter(|e| is_merge_key(&e.key)) {
            let sources: Vec<&Node<'a>> = match &self.target(&merge.value).kind {
                Kind::Sequence { items, .. } => items.iter().collect(),
                _ => vec![&merge.value],
            };
            for source in sources {
                if let Some(found) = self.lookup_in(source, key, depth + 1) {
                    return Some(Found::Merged {
                        entry: found.entry(),
                        merge,
                    });
                }
            }
        }
        None
    }
}

/// Whether `key` is the merge key `<<` (plain, untagged or tagged `!!merge`).
pub(crate) fn is_merge_key(key: &Node<'_>) -> bool {
    matches!(&key.kind, Kind::Scalar { value, style } if value == "<<"
        && *style == super::Style::Plain
        && key.tag.as_deref().is_none_or(|t| t == "tag:yaml.org,2002:merge"))
}
