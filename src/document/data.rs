//! What a document means, independent of how it is written: the basis for
//! checking that an edit changed exactly what it was asked to.

use super::scalar::{Resolved, resolve};
use super::tree::{Kind, Node};

/// The meaning of a node. Aliases stay references (by anchor id) so that
/// an alias bomb is compared in linear time and memory.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Data {
    Scalar(Resolved),
    Seq(Vec<Data>),
    Map(Vec<(Data, Data)>),
    Alias(usize),
    /// A node with a tag outside the core schema.
    Tagged(String, Box<Data>),
}

const CORE: &str = "tag:yaml.org,2002:";

impl Data {
    /// The meaning of `node`.
    pub(crate) fn of(node: &Node<'_>) -> Data {
        let data = match &node.kind {
            Kind::Scalar { value, style } => {
                Data::Scalar(resolve(value, *style, node.tag.as_deref()))
            }
            Kind::Mapping { entries, .. } => Data::Map(
                entries
                    .iter()
                    .map(|e| (Data::of(&e.key), Data::of(&e.value)))
                    .collect(),
            ),
            Kind::Sequence { items, .. } => Data::Seq(items.iter().map(Data::of).collect()),
            Kind::Alias(id) => Data::Alias(*id),
        };
        // `!` alone is the non-specific tag: a plain string, not a custom type.
        match &node.tag {
            Some(tag) if !tag.starts_with(CORE) && tag != "!" => {
                Data::Tagged(tag.clone(), Box::new(data))
            }
            _ => data,
        }
    }

    /// Sets the value at `path`, creating mappings where keys are missing
    /// or values are null, as the editor does.
    pub(crate) fn set(&mut self, path: &[String], value: Resolved) {
        if let Data::Tagged(_, inner) = self
            && !path.is_empty()
        {
            return inner.set(path, value);
        }
        let Some((first, rest)) = path.split_first() else {
            *self = Data::Scalar(value);
            return;
        };
        if matches!(self, Data::Scalar(Resolved::Null)) {
            *self = Data::Map(Vec::new());
        }
        if let Data::Map(entries) = self {
            let key = Data::Scalar(Resolved::Str(first.clone()));
            let named =
                |k: &Data| *k == key || matches!(k, Data::Tagged(_, inner) if **inner == key);
            let slot = match entries.iter().position(|(k, _)| named(k)) {
                Some(i) => i,
                None => {
                    entries.push((key, Data::Scalar(Resolved::Null)));
                    entries.len() - 1
                }
            };
            entries[slot].1.set(rest, value);
        }
    }
}
