//! Checks an edit before anything is written: the result parses, means the
//! original with exactly the intended changes (by saphyr and, as a second
//! opinion, yaml-rust2), and applying the same edits again is a no-op.

use yaml_rust2::{Yaml, YamlLoader};

use super::apply::{Outcome, apply_unverified};
use super::data::Data;
use super::edit::{Edit, Protect};
use super::scalar::{Resolved, Value};
use super::tree::{Kind, Node};
use super::{Document, EditError};

/// Alias expansions beyond this many nodes skip the yaml-rust2 opinion,
/// which expands aliases by copying (an alias bomb would exhaust memory).
const EXPANSION_LIMIT: usize = 1_000_000;

/// Verifies that `outcome` is `original` with exactly its changes.
pub(super) fn verify(
    original: &str,
    outcome: &Outcome,
    edits: &[Edit],
    protect: &Protect,
) -> Result<(), EditError> {
    let bug = |what: &str| {
        Err(EditError::new(
            None,
            format!(
                "internal check failed ({what}); nothing was written. Please report this with the file's shape"
            ),
        ))
    };
    let before = Document::parse(original)?;
    let Ok(after) = Document::parse(&outcome.text) else {
        return bug("the edited text does not parse");
    };
    let (Ok(root_before), Ok(Some(root_after))) = (before.root(), after.root()) else {
        return bug("the edited text is not one document");
    };
    let mut expected = root_before.map_or(Data::Scalar(Resolved::Null), Data::of);
    for (path, value) in &outcome.changes {
        expected.set(path, Resolved::from(value));
    }
    if Data::of(root_after) != expected {
        return bug("the edited document's data differs from the intended change");
    }
    if expansion(&before) <= EXPANSION_LIMIT && !second_opinion(original, outcome) {
        return bug("yaml-rust2 reads the edited document differently");
    }
    match apply_unverified(&outcome.text, edits, protect) {
        Ok(again) if again.text == outcome.text => Ok(()),
        _ => bug("applying the same edit again is not a no-op"),
    }
}

/// yaml-rust2's reading of the result equals its reading of the original
/// with the changes applied. A document yaml-rust2 cannot read gives no opinion.
fn second_opinion(original: &str, outcome: &Outcome) -> bool {
    let load = |t: &str| YamlLoader::load_from_str(t.strip_prefix('\u{feff}').unwrap_or(t)).ok();
    let Some(mut expected) = load(original) else {
        return true;
    };
    let Some(actual) = load(&outcome.text) else {
        return false;
    };
    if expected.is_empty() {
        expected.push(Yaml::Null);
    }
    for (path, value) in &outcome.changes {
        set(&mut expected[0], path, value);
    }
    expected == actual
}

fn set(node: &mut Yaml, path: &[String], value: &Value) {
    let Some((first, rest)) = path.split_first() else {
        *node = match value {
            Value::Null => Yaml::Null,
            Value::Bool(b) => Yaml::Boolean(*b),
            Value::Int(i) => Yaml::Integer(*i),
            Value::Str(s) => Yaml::String(s.clone()),
        };
        return;
    };
    if node.is_null() {
        *node = Yaml::Hash(Default::default());
    }
    if let Yaml::Hash(map) = node {
        // `entry` would move an existing key to the end; order matters here.
        let key = Yaml::String(first.clone());
        if !map.contains_key(&key) {
            map.insert(key.clone(), Yaml::Null);
        }
        if let Some(child) = map.get_mut(&key) {
            set(child, rest, value);
        }
    }
}

/// How many nodes the document has with every alias expanded.
fn expansion(doc: &Document<'_>) -> usize {
    let mut sizes = std::collections::HashMap::new();
    doc.roots
        .iter()
        .map(|r| size(r, &mut sizes))
        .fold(0, usize::saturating_add)
}

fn size(node: &Node<'_>, anchors: &mut std::collections::HashMap<usize, usize>) -> usize {
    let n = match &node.kind {
        Kind::Scalar { .. } => 1,
        Kind::Alias(id) => anchors.get(id).copied().unwrap_or(1),
        Kind::Mapping { entries, .. } => entries
            .iter()
            .map(|e| size(&e.key, anchors).saturating_add(size(&e.value, anchors)))
            .fold(1, usize::saturating_add),
        Kind::Sequence { items, .. } => items
            .iter()
            .map(|i| size(i, anchors))
            .fold(1, usize::saturating_add),
    };
    if node.anchor != 0 {
        anchors.insert(node.anchor, n);
    }
    n
}
