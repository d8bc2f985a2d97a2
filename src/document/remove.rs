//! Removing one key of a block mapping, the way a person deletes its lines:
//! the lines from the key to the end of its value go, every other byte
//! stays. Verified as every edit is: the result must mean the original
//! without that key, by saphyr and by yaml-rust2, or nothing is removed.

use std::collections::HashMap;

use yaml_rust2::{Yaml, YamlLoader};

use super::Document;
use super::apply::text_problem;
use super::data::Data;
use super::lex::line_start;
use super::lookup::{Found, is_merge_key};
use super::scalar::Resolved;
use super::source::line_after;
use super::tree::{Kind, Node};
use super::verify::EXPANSION_LIMIT;

/// Why a key was not removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Kept(pub(crate) &'static str);

/// `text` without the entry at `path` (a key of a block mapping, written
/// on lines of its own): those lines removed, trailing comment included.
pub(crate) fn remove_entry(text: &str, path: &[String]) -> Result<String, Kept> {
    if text_problem(text).is_some() {
        return Err(Kept(
            "the file holds a control character or a bare carriage return",
        ));
    }
    // YAML 1.2 reads these as text; Kometa's YAML 1.1 loader as line
    // breaks: lines would not be the same lines to it.
    if text.contains(['\u{2028}', '\u{2029}']) {
        return Err(Kept(
            "the file holds a Unicode line or paragraph separator (U+2028, U+2029), which Kometa's loader reads as a line break",
        ));
    }
    let doc = Document::parse(text).map_err(|_| Kept("the file does not parse"))?;
    let (last, parents) = path.split_last().ok_or(Kept("no key to remove"))?;
    let mut node = match doc.root() {
        Ok(Some(root)) => root,
        Ok(None) => return Err(Kept("the file is empty")),
        Err(_) => return Err(Kept("the file holds several documents")),
    };
    for key in parents {
        node = match doc.lookup(node, key) {
            Some(Found::Direct(e)) => &e.value,
            _ => return Err(Kept("a mapping on the way is not written out")),
        };
    }
    let Kind::Mapping {
        flow: false,
        entries,
        ..
    } = &node.kind
    else {
        return Err(Kept("the key is not in a block mapping"));
    };
    if entries.iter().any(|e| is_merge_key(&e.key)) {
        return Err(Kept(
            "the mapping has a merge key (`<<`), which may bring the key in again",
        ));
    }
    let entry = match doc.lookup(node, last) {
        Some(Found::Direct(e)) => e,
        Some(_) => return Err(Kept("the key is there through a merge key or an alias")),
        None => return Err(Kept("the key is not there")),
    };
    let start = line_start(text, entry.key.prop_start);
    let indent = entry.key.prop_start - start;
    if !text[start..entry.key.prop_start].bytes().all(|b| b == b' ') {
        return Err(Kept("the key does not start its line"));
    }
    let end = entry_end(text, start, indent, entry.value.end.max(entry.key.end));
    let result = format!("{}{}", &text[..start], &text[end..]);
    verify(text, &result, &doc, path)?;
    Ok(result)
}

/// Where the lines of an entry whose key starts the line at `start`,
/// indented `indent` spaces, end: after the last line up to `value_end`'s
/// that is the key's own or holds its value (indented deeper, or an item
/// of a sequence at the key's indentation). A comment or `...` at the
/// key's indentation or less after the value is not the entry's: a block
/// scalar's node reaches up to the next token, over such lines.
fn entry_end(text: &str, start: usize, indent: usize, value_end: usize) -> usize {
    let last = line_after(text, value_end.saturating_sub(1).max(start));
    let mut end = line_after(text, start);
    let mut at = end;
    while at < last {
        let next = line_after(text, at);
        let line = text[at..next].trim_end_matches(['\n', '\r']);
        let content = line.trim_start_matches(' ');
        let deeper = line.len() - content.len() > indent;
        let item =
            line.len() - content.len() == indent && (content == "-" || content.starts_with("- "));
        if !content.trim().is_empty() && (deeper || item) {
            end = next;
        }
        at = next;
    }
    end
}

/// The result must mean the original without the key at `path`, to
/// saphyr and to yaml-rust2.
fn verify(original: &str, result: &str, doc: &Document<'_>, path: &[String]) -> Result<(), Kept> {
    let wrong = Err(Kept(
        "the file would mean something else without those lines",
    ));
    let data = |root: Option<&Node<'_>>| root.map(Data::of);
    let mut expected = data(doc.root().ok().flatten());
    if let Some(root) = expected.as_mut()
        && !remove_data(root, path)
    {
        return wrong;
    }
    let after = Document::parse(result).map_err(|_| Kept("the file would not parse"))?;
    if data(after.root().ok().flatten()) != expected {
        return wrong;
    }
    // yaml-rust2's loader copies what aliases repeat: past the limit the
    // edit's verification also leaves it out (an alias bomb).
    let mut sizes = HashMap::new();
    if doc
        .root()
        .ok()
        .flatten()
        .is_some_and(|root| expanded(doc, root, &mut sizes) > EXPANSION_LIMIT)
    {
        return Ok(());
    }
    let load = |t: &str| YamlLoader::load_from_str(t.strip_prefix('\u{feff}').unwrap_or(t));
    match (load(original), load(result)) {
        (Ok(mut before), Ok(after)) if !before.is_empty() => {
            if remove_yaml(&mut before[0], path) && before == after {
                Ok(())
            } else {
                wrong
            }
        }
        _ => wrong,
    }
}

/// How many nodes `node` holds with its aliases expanded (saturating).
fn expanded(doc: &Document<'_>, node: &Node<'_>, sizes: &mut HashMap<usize, usize>) -> usize {
    if node.anchor != 0 {
        // An alias inside the node it repeats never ends: count it so.
        sizes.insert(node.anchor, usize::MAX);
    }
    let own = match &node.kind {
        Kind::Scalar { .. } => 1,
        Kind::Mapping { entries, .. } => entries.iter().fold(1, |n: usize, e| {
            n.saturating_add(expanded(doc, &e.key, sizes))
                .saturating_add(expanded(doc, &e.value, sizes))
        }),
        Kind::Sequence { items, .. } => items.iter().fold(1, |n: usize, item| {
            n.saturating_add(expanded(doc, item, sizes))
        }),
        Kind::Alias(id) => match sizes.get(id) {
            Some(&n) => n,
            None => doc
                .anchored(*id)
                .map_or(1, |anchored| expanded(doc, anchored, sizes)),
        },
    };
    if node.anchor != 0 {
        sizes.insert(node.anchor, own);
    }
    own
}

fn remove_data(data: &mut Data, path: &[String]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let Data::Map(entries) = data else {
        return false;
    };
    let Some(i) = entries
        .iter()
        .position(|(k, _)| matches!(k, Data::Scalar(Resolved::Str(s)) if s == first))
    else {
        return false;
    };
    if rest.is_empty() {
        entries.remove(i);
        true
    } else {
        remove_data(&mut entries[i].1, rest)
    }
}

fn remove_yaml(node: &mut Yaml, path: &[String]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let Yaml::Hash(map) = node else {
        return false;
    };
    let key = Yaml::String(first.clone());
    if rest.is_empty() {
        map.remove(&key).is_some()
    } else {
        map.get_mut(&key)
            .is_some_and(|child| remove_yaml(child, rest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> Vec<String> {
        p.split('.').map(String::from).collect()
    }

    #[test]
    fn the_lines_of_the_key_go_and_every_other_byte_stays() {
        let text = "# top\ntrakt:\r\n  client_id: x   # id\r\n  pin: 1234   # old\r\n  force_refresh: false\r\n  authorization:\r\n    scope: public\r\nplex: {}\r\n";
        assert_eq!(
            remove_entry(text, &path("trakt.pin")).unwrap(),
            "# top\ntrakt:\r\n  client_id: x   # id\r\n  force_refresh: false\r\n  authorization:\r\n    scope: public\r\nplex: {}\r\n"
        );
        assert_eq!(
            remove_entry(text, &path("trakt.authorization")).unwrap(),
            "# top\ntrakt:\r\n  client_id: x   # id\r\n  pin: 1234   # old\r\n  force_refresh: false\r\nplex: {}\r\n"
        );
        let last = "trakt:\n  client_id: x\n  force_refresh: false";
        assert_eq!(
            remove_entry(last, &path("trakt.force_refresh")).unwrap(),
            "trakt:\n  client_id: x\n"
        );
    }

    #[test]
    fn a_value_ends_at_its_last_line_not_at_the_next_token() {
        let after = "  client_id: x\n";
        for (value, tail) in [
            ("|\n    a\n    b\n", "  # kept\n"),
            ("|+\n    a\n", "# kept\n"),
            (">-\n    a\n    b\n", "\n  # kept\n"),
            ("\n  - 1\n  - 2\n", "  # kept\n"),
            ("\n    - 1\n    - 2\n", "  # kept\n"),
            ("\n    a: 1\n    # inside\n    b: 2\n", "  # kept\n"),
            ("plain\n    continued\n", "# kept\n"),
        ] {
            let text = format!("trakt:\n  pin: {value}{tail}{after}");
            assert_eq!(
                remove_entry(&text, &path("trakt.pin")).as_deref(),
                Ok(format!("trakt:\n{tail}{after}").as_str()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn an_alias_bomb_is_verified_without_expanding_it() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text += &format!("a{i}: &a{i} [{refs}]\n");
        }
        text += "trakt:\n  client_id: x\n  pin: 1\n";
        assert_eq!(
            remove_entry(&text, &path("trakt.pin")).unwrap(),
            text.replace("  pin: 1\n", "")
        );
    }

    #[test]
    fn what_cannot_go_by_whole_lines_is_kept_with_a_reason() {
        let cases = [
            (
                "trakt: {pin: 1, client_id: x}\n",
                "the key is not in a block mapping",
            ),
            (
                "trakt:\n  pin: 1\n",
                "the file would mean something else without those lines",
            ),
            ("trakt:\n  client_id: x\n", "the key is not there"),
            (
                "base: &b\n  pin: 1\ntrakt:\n  <<: *b\n  client_id: x\n",
                "the mapping has a merge key (`<<`), which may bring the key in again",
            ),
            (
                "trakt:\n  client_id: x\n  ? pin\n  : 1\n",
                "the key does not start its line",
            ),
        ];
        for (text, why) in cases {
            assert_eq!(
                remove_entry(text, &path("trakt.pin")),
                Err(Kept(why)),
                "{text:?}"
            );
        }
    }
}
