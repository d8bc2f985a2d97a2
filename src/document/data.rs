//! What a document means, independent of how it is written: the basis for
//! checking that an edit changed exactly what it was asked to.

use super::scalar::{Resolved, Style, resolve};
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

/// Whether a node with `tag` means a custom type (`!` alone is the
/// non-specific tag: a plain string, not a custom type).
pub(crate) fn custom_tag(tag: &str) -> bool {
    !tag.starts_with(CORE) && tag != "!"
}

impl Data {
    /// The meaning of a scalar written as `value` in `style` with `tag`.
    pub(crate) fn scalar(value: &str, style: Style, tag: Option<&str>) -> Data {
        let data = Data::Scalar(resolve(value, style, tag));
        match tag {
            Some(tag) if custom_tag(tag) => Data::Tagged(tag.to_string(), Box::new(data)),
            _ => data,
        }
    }

    /// The value at `key` as [`Data::set`] reaches it: through a tag, a
    /// null made a mapping, a key added at the end when missing. `None`
    /// where `set` changes nothing (a sequence, an alias, another scalar).
    pub(crate) fn slot(&mut self, key: &str) -> Option<&mut Data> {
        if let Data::Tagged(_, inner) = self {
            return inner.slot(key);
        }
        if matches!(self, Data::Scalar(Resolved::Null)) {
            *self = Data::Map(Vec::new());
        }
        let Data::Map(entries) = self else {
            return None;
        };
        let named = |k: &Data| match k {
            Data::Scalar(Resolved::Str(s)) => s == key,
            Data::Tagged(_, inner) => {
                matches!(&**inner, Data::Scalar(Resolved::Str(s)) if s == key)
            }
            _ => false,
        };
        let slot = match entries.iter().position(|(k, _)| named(k)) {
            Some(i) => i,
            None => {
                entries.push((
                    Data::Scalar(Resolved::Str(key.to_string())),
                    Data::Scalar(Resolved::Null),
                ));
                entries.len() - 1
            }
        };
        Some(&mut entries[slot].1)
    }

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
        match &node.tag {
            Some(tag) if custom_tag(tag) => Data::Tagged(tag.clone(), Box::new(data)),
            _ => data,
        }
    }

    /// Sets the value at `path`, creating mappings where keys are missing
    /// or values are null, as the editor does.
    pub(crate) fn set(&mut self, path: &[String], value: Resolved) {
        match path.split_first() {
            None => *self = Data::Scalar(value),
            Some((first, rest)) => {
                if let Some(child) = self.slot(first) {
                    child.set(rest, value);
                }
            }
        }
    }
}
