//! The difference in meaning between two documents, path by path: which
//! scalars changed or were added, as the values both read. What cannot be
//! carried from one to the other by edits of scalars is named instead: a
//! changed sequence, a change through an anchor or alias, a removed key.

use super::Document;
use super::data::Data;
use super::scalar::Resolved;
use super::tree::{Kind, Node};

/// A scalar that differs: changed (`old` is its value before) or added.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change {
    pub(crate) path: Vec<String>,
    pub(crate) old: Option<Resolved>,
    pub(crate) new: Resolved,
}

/// A difference that edits of scalars cannot carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Uncarried {
    pub(crate) path: String,
    pub(crate) why: &'static str,
}

/// Every scalar of `after`'s root that differs from `before`'s, or the
/// first difference that cannot be carried. Keys are compared as strings.
pub(crate) fn changes(
    before: &Document<'_>,
    after: &Document<'_>,
) -> Result<Vec<Change>, Uncarried> {
    let mut found = Vec::new();
    match (before.roots.first(), after.roots.first()) {
        (Some(b), Some(a)) => walk(b, a, &mut Vec::new(), &mut found)?,
        (None, Some(a)) => added(a, &mut Vec::new(), &mut found)?,
        (Some(_), None) => return Err(uncarried(&[], "the whole document was removed")),
        (None, None) => {}
    }
    Ok(found)
}

fn uncarried(path: &[String], why: &'static str) -> Uncarried {
    Uncarried {
        path: if path.is_empty() {
            "(the document)".into()
        } else {
            path.join(".")
        },
        why,
    }
}

fn key<'n>(node: &'n Node<'_>) -> Option<&'n str> {
    match &node.kind {
        Kind::Scalar { value, .. } => Some(value),
        _ => None,
    }
}

fn walk(
    before: &Node<'_>,
    after: &Node<'_>,
    path: &mut Vec<String>,
    found: &mut Vec<Change>,
) -> Result<(), Uncarried> {
    let before_data = Data::of(before);
    let after_data = Data::of(after);
    if before_data == after_data {
        return Ok(());
    }
    if before.anchor != 0 || after.anchor != 0 {
        return Err(uncarried(
            path,
            "it changed inside an anchored node (&), whose aliases would change too",
        ));
    }
    match (&before.kind, &after.kind) {
        (Kind::Alias(_), _) | (_, Kind::Alias(_)) => {
            Err(uncarried(path, "it changed through an alias (*)"))
        }
        (Kind::Mapping { entries: b, .. }, Kind::Mapping { entries: a, .. }) => {
            for entry in b {
                let Some(k) = key(&entry.key) else {
                    return Err(uncarried(path, "a mapping with a complex key changed"));
                };
                if !a.iter().any(|e| key(&e.key) == Some(k)) {
                    path.push(k.to_string());
                    return Err(uncarried(path, "the key was removed"));
                }
            }
            for entry in a {
                let Some(k) = key(&entry.key) else {
                    return Err(uncarried(path, "a mapping with a complex key changed"));
                };
                path.push(k.to_string());
                match b.iter().find(|e| key(&e.key) == Some(k)) {
                    Some(old) => walk(&old.value, &entry.value, path, found)?,
                    None => added(&entry.value, path, found)?,
                }
                path.pop();
            }
            Ok(())
        }
        (Kind::Scalar { .. }, Kind::Mapping { .. }) if before.is_null() => {
            added(after, path, found)
        }
        (Kind::Scalar { .. }, Kind::Scalar { .. }) => match (before_data, after_data) {
            (Data::Scalar(old), Data::Scalar(new)) => {
                found.push(Change {
                    path: path.clone(),
                    old: Some(old),
                    new,
                });
                Ok(())
            }
            _ => Err(uncarried(path, "a tagged value changed")),
        },
        (Kind::Sequence { .. }, _) | (_, Kind::Sequence { .. }) => {
            Err(uncarried(path, "a sequence changed"))
        }
        _ => Err(uncarried(
            path,
            "a value changed its kind (scalar, mapping, sequence)",
        )),
    }
}

/// Every scalar under `node`, which `before` did not have at `path`.
fn added(
    node: &Node<'_>,
    path: &mut Vec<String>,
    found: &mut Vec<Change>,
) -> Result<(), Uncarried> {
    match &node.kind {
        Kind::Scalar { .. } => match Data::of(node) {
            Data::Scalar(new) => {
                found.push(Change {
                    path: path.clone(),
                    old: None,
                    new,
                });
                Ok(())
            }
            _ => Err(uncarried(path, "a tagged value was added")),
        },
        Kind::Mapping { entries, .. } if node.anchor == 0 => {
            for entry in entries {
                let Some(k) = key(&entry.key) else {
                    return Err(uncarried(path, "a mapping with a complex key was added"));
                };
                path.push(k.to_string());
                added(&entry.value, path, found)?;
                path.pop();
            }
            Ok(())
        }
        Kind::Sequence { .. } => Err(uncarried(path, "a sequence was added")),
        _ => Err(uncarried(path, "an anchor or alias was added")),
    }
}
