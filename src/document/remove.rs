//! Removing one key of a block mapping, the way a person deletes its lines:
//! the lines from the key to the end of its value go, every other byte
//! stays. Verified as every edit is: the result must mean the original
//! without that key, by saphyr and by yaml-rust2, or nothing is removed.

use yaml_rust2::{Yaml, YamlLoader};

use super::Document;
use super::data::Data;
use super::lookup::Found;
use super::scalar::Resolved;
use super::tree::{Kind, Node};

/// Why a key was not removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Kept(pub(crate) &'static str);

/// `text` without the entry at `path` (a key of a block mapping, written
/// on lines of its own): those lines removed, trailing comment included.
pub(crate) fn remove_entry(text: &str, path: &[String]) -> Result<String, Kept> {
    let doc = Document::parse(text).map_err(|_| Kept("the file does not parse"))?;
    let (last, parents) = path.split_last().ok_or(Kept("no key to remove"))?;
    let mut node = doc
        .root()
        .ok()
        .flatten()
        .ok_or(Kept("the file has no mapping"))?;
    for key in parents {
        node = match doc.lookup(node, key) {
            Some(Found::Direct(e)) => &e.value,
            _ => return Err(Kept("a mapping on the way is not written out")),
        };
    }
    if !matches!(node.kind, Kind::Mapping { flow: false, .. }) {
        return Err(Kept("the key is not in a block mapping"));
    }
    let entry = match doc.lookup(node, last) {
        Some(Found::Direct(e)) => e,
        Some(_) => return Err(Kept("the key is there through a merge key or an alias")),
        None => return Err(Kept("the key is not there")),
    };
    let start = line_start(text, entry.key.prop_start);
    if !text[start..entry.key.prop_start]
        .bytes()
        .all(|b| b == b' ' || b == b'\t')
    {
        return Err(Kept("the key does not start its line"));
    }
    let end = line_end(text, entry.value.end.max(entry.key.end));
    let result = format!("{}{}", &text[..start], &text[end..]);
    verify(text, &result, &doc, path)?;
    Ok(result)
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

/// Where the line holding `byte` starts.
fn line_start(text: &str, byte: usize) -> usize {
    text[..byte].rfind('\n').map_or(0, |i| i + 1)
}

/// Where the line holding `byte` ends, after its line break.
fn line_end(text: &str, byte: usize) -> usize {
    text[byte..].find('\n').map_or(text.len(), |i| byte + i + 1)
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
                "the key is there through a merge key or an alias",
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
