//! Dotted paths (`trakt.authorization.access_token`) and walking them
//! through a document tree, refusing what would make an edit ambiguous.

use super::lookup::Found;
use super::scalar::{Resolved, resolve};
use super::tree::{Entry, Kind, Node};
use super::{Document, EditError};

/// Splits a dotted path into keys; empty keys are refused.
pub(crate) fn parse_path(path: &str) -> Result<Vec<String>, EditError> {
    let keys: Vec<String> = path.split('.').map(str::to_string).collect();
    if keys.iter().any(String::is_empty) {
        return Err(EditError::new(
            None,
            format!("invalid path `{path}`: empty key"),
        ));
    }
    Ok(keys)
}

/// Where a walk along a path ended.
pub(crate) enum Walk<'d, 'a> {
    /// Every key exists; the node at the end of the path and the mapping
    /// holding it.
    Found {
        node: &'d Node<'a>,
        parent: Option<&'d Node<'a>>,
    },
    /// `path[depth]` is missing from `node`, a mapping, or `node` (the value
    /// of `entry`) is null and takes the rest of the path as a new mapping.
    Missing {
        entry: Option<&'d Entry<'a>>,
        parent_flow: bool,
        node: Option<&'d Node<'a>>,
        depth: usize,
    },
}

/// Walks `path` from the root of the single document in `doc`.
pub(crate) fn walk<'d, 'a>(
    doc: &'d Document<'a>,
    path: &[String],
) -> Result<Walk<'d, 'a>, EditError> {
    let Some(mut node) = doc.root()? else {
        return Ok(Walk::Missing {
            entry: None,
            parent_flow: false,
            node: None,
            depth: 0,
        });
    };
    let mut entry: Option<&Entry<'a>> = None;
    let mut parent: Option<&Node<'a>> = None;
    let mut parent_flow = false;
    let mut walked = String::new();
    for (depth, key) in path.iter().enumerate() {
        let at = doc.pos(node.prop_start);
        let here = if walked.is_empty() {
            "the document root".to_string()
        } else {
            format!("`{walked}`")
        };
        if let Kind::Alias(_) = node.kind {
            return Err(EditError::new(
                Some(at),
                format!("{here} is an alias; edit the anchored node instead"),
            ));
        }
        if node.is_null() && node.anchor == 0 {
            return Ok(Walk::Missing {
                entry,
                parent_flow,
                node: Some(node),
                depth,
            });
        }
        let Kind::Mapping { flow, entries } = &node.kind else {
            return Err(EditError::new(
                Some(at),
                format!(
                    "{here} is a {}, not a mapping: cannot reach `{}`",
                    node.kind_name(),
                    path.join(".")
                ),
            ));
        };
        if node.anchor != 0 {
            return Err(EditError::new(
                Some(at),
                format!("{here} is anchored (&): a change inside it would also change its aliases"),
            ));
        }
        let mut found = entries.iter().filter(|e| key_matches(e, key));
        let first = found.next();
        if let Some(dup) = found.next() {
            let a = doc.pos(first.map_or(0, |e| e.key.start));
            return Err(EditError::new(
                Some(doc.pos(dup.key.start)),
                format!(
                    "duplicate key `{key}` in {here} (first at line {}): which one to edit is ambiguous",
                    a.line
                ),
            ));
        }
        if let Some(err) = entries.iter().find_map(|e| key_conflict(e, key, doc)) {
            return Err(err);
        }
        match first {
            Some(e) => {
                entry = Some(e);
                parent = Some(node);
                parent_flow = *flow;
                node = &e.value;
            }
            None => {
                if let Some(found) = doc.lookup(node, key) {
                    let how = match found {
                        Found::Merged { merge, .. } => format!(
                            "comes from the merge key at line {}",
                            doc.pos(merge.key.start).line
                        ),
                        _ => "is written as an alias (`*name`)".to_string(),
                    };
                    return Err(EditError::new(
                        Some(doc.pos(found.entry().key.start)),
                        format!("`{key}` in {here} {how}: edit the value where it is written"),
                    ));
                }
                return Ok(Walk::Missing {
                    entry,
                    parent_flow,
                    node: Some(node),
                    depth,
                });
            }
        }
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(key);
    }
    Ok(Walk::Found { node, parent })
}

fn key_matches(entry: &Entry<'_>, key: &str) -> bool {
    match &entry.key.kind {
        Kind::Scalar { value, style } => {
            value == key
                && resolve(value, *style, entry.key.tag.as_deref())
                    == Resolved::Str(key.to_string())
        }
        _ => false,
    }
}

/// A key written like `key` that YAML reads as another type (`1:`, `true:`).
fn key_conflict(entry: &Entry<'_>, key: &str, doc: &Document<'_>) -> Option<EditError> {
    match &entry.key.kind {
        Kind::Scalar { value, style } if value == key => {
            let resolved = resolve(value, *style, entry.key.tag.as_deref());
            (resolved != Resolved::Str(key.to_string())).then(|| {
                EditError::new(
                    Some(doc.pos(entry.key.start)),
                    format!(
                        "key `{key}` is read as a {}, not a string key",
                        resolved.type_name()
                    ),
                )
            })
        }
        _ => None,
    }
}

/// The node at `path` as a YAML loader reads it (aliases, alias keys and
/// merge keys followed); `None` when a key is missing. Reading only: edits
/// go through [`walk`], which refuses what it cannot edit exactly.
pub(crate) fn read<'d, 'a>(
    doc: &'d Document<'a>,
    path: &[String],
) -> Result<Option<&'d Node<'a>>, EditError> {
    let Some(mut node) = doc.root()? else {
        return Ok(None);
    };
    for (depth, key) in path.iter().enumerate() {
        let here = doc.target(node);
        if here.entries().is_none() {
            if here.is_null() {
                return Ok(None);
            }
            return Err(EditError::new(
                Some(doc.pos(here.prop_start)),
                format!(
                    "`{}` is a {}, not a mapping",
                    path[..depth].join("."),
                    here.kind_name()
                ),
            ));
        }
        match doc.lookup(here, key) {
            Some(found) => node = doc.target(found.value()),
            None => return Ok(None),
        }
    }
    Ok(Some(node))
}
