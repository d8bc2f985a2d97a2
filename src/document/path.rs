//! Dotted paths (`trakt.authorization.access_token`) and walking them
//! through a document tree, refusing what would make an edit ambiguous.

use super::lookup::Found;
use super::scalar::{Resolved, resolve};
use super::tree::{Entry, Kind, Node};
use super::{Document, EditError, Here, Via, WalkRefusal};

/// Splits a dotted path into keys; empty keys are refused.
pub(crate) fn parse_path(path: &str) -> Result<Vec<String>, EditError> {
    let keys: Vec<String> = path.split('.').map(str::to_string).collect();
    if keys.iter().any(String::is_empty) {
        return Err(EditError::EmptyKey {
            path: path.to_string(),
        });
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
        let refuse = |why: WalkRefusal| {
            Err(EditError::Walk {
                pos: doc.pos(node.prop_start),
                here: Here(walked.clone()),
                why,
            })
        };
        if let Kind::Alias(_) = node.kind {
            return refuse(WalkRefusal::Alias);
        }
        if node.is_null() && node.anchor == 0 {
            return Ok(Walk::Missing {
                entry,
                parent_flow,
                node: Some(node),
                depth,
            });
        }
        let Kind::Mapping { flow, entries, .. } = &node.kind else {
            return refuse(WalkRefusal::NotAMapping {
                kind: node.kind_name(),
                path: path.join("."),
            });
        };
        if node.anchor != 0 {
            return refuse(WalkRefusal::Anchored);
        }
        let mut found = entries.iter().filter(|e| key_matches(e, key));
        let first = found.next();
        if let Some(dup) = found.next() {
            let a = doc.pos(first.map_or(0, |e| e.key.start));
            return Err(EditError::DuplicateKey {
                pos: doc.pos(dup.key.start),
                key: key.clone(),
                here: Here(walked.clone()),
                first_line: a.line,
            });
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
                    let via = match found {
                        Found::Merged { merge, .. } => Via::Merge {
                            line: doc.pos(merge.key.start).line,
                        },
                        _ => Via::AliasKey,
                    };
                    return Err(EditError::Indirect {
                        pos: doc.pos(found.entry().key.start),
                        key: key.clone(),
                        here: Here(walked.clone()),
                        via,
                    });
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

/// A key written like `key` that YAML reads as another type (`1:`, `true:`),
/// or that carries a tag (`!!str key:`, `!x key:`; not `!` alone), which Kometa's loader
/// (ruamel.yaml) keeps: its key is then not the string `key`, and a value
/// written there would be one Kometa never reads.
fn key_conflict(entry: &Entry<'_>, key: &str, doc: &Document<'_>) -> Option<EditError> {
    match &entry.key.kind {
        Kind::Scalar { value, style } if value == key => {
            let resolved = resolve(value, *style, entry.key.tag.as_deref());
            let string = resolved == Resolved::Str(key.to_string());
            // `!` alone, the non-specific tag, leaves a string key.
            let tagged = entry.key.tag.as_deref().is_some_and(|t| t != "!");
            let type_name = match (tagged, string) {
                (true, true) => "tagged scalar by Kometa's loader (ruamel.yaml keeps a key's tag)",
                _ => resolved.type_name(),
            };
            (tagged || !string).then(|| EditError::KeyType {
                pos: doc.pos(entry.key.start),
                key: key.to_string(),
                type_name,
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
            return Err(EditError::NotAMapping {
                pos: doc.pos(here.prop_start),
                path: path[..depth].join("."),
                kind: here.kind_name(),
            });
        }
        match doc.lookup(here, key) {
            Some(found) => node = doc.target(found.value()),
            None => return Ok(None),
        }
    }
    Ok(Some(node))
}
