//! `restore` never writes a file that means something else than the file
//! Kometa left. Over a generated space of pairs: a small config as a person
//! wrote it, and the same config as Kometa left it (new tokens) with one
//! more difference of a kind a person makes (a key quoted or tagged, keys
//! swapped, a collection or a value tagged, a key that reads as another
//! type, a merge key quoted, a document added, a value changed, a key added
//! amid others), on either side, restored with and without `--force`.
//! Whenever `restore` exits 0, the restored file must read as Kometa's file
//! reads, by yaml-rust2 (not the parser `restore` compares with), and
//! without `--force` holds every comment of Kometa's file: the same
//! documents, keys in the same order and of the same types, merge keys
//! apart from `"<<"` strings, the same values and tags (but for the order
//! of `trakt.authorization`, which Kometa's save writes in its own order and
//! reads by key). Whenever it exits otherwise, the file is unchanged.

use std::fs;

use yaml_rust2::Yaml;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

use crate::support::{restore_texts, ruamel_python};

/// The config as a person wrote it (Kometa left it with new tokens).
const BASE: &str = "\
settings:
  cache: true
  since: 2021-06-01
  size: 1_000
  legacy: 017
  run_order:
  - operations
  - metadata
libraries:
  Movies:
    library_type: movie
    collection_files:
    - default: basic
  TV Shows:
    library_type: show
plex:
  url: http://192.168.1.12:32400
  timeout: 60
  notes: &notes |
    kept as written
trakt:
  client_id: 0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f
  client_secret: 1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e
  pin:
  authorization:
    access_token: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    token_type: Bearer
    expires_in: 7889237
    refresh_token: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
    scope: public
    created_at: 1700000000
";

/// `text` with the tokens a Kometa renewal writes.
fn renewed(text: &str) -> String {
    text.replace(
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "cccccccccccccccccccccccccccccccc",
    )
    .replace(
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        "dddddddddddddddddddddddddddddddd",
    )
    .replace("created_at: 1700000000", "created_at: 1790000000")
}

/// A line's indentation, whether it is a sequence item, and its key.
fn parts(line: &str) -> (usize, bool, Option<&str>) {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let item = rest.starts_with("- ");
    let rest = rest.trim_start_matches("- ");
    let key = rest.split_once(':').map(|(k, _)| k);
    (indent, item, key)
}

/// The lines of the entry that starts at line `i` (its key and what is
/// nested under it, sequence items at its own indentation included).
fn block(lines: &[&str], i: usize) -> std::ops::Range<usize> {
    let (indent, item, _) = parts(lines[i]);
    let mut end = i + 1;
    while end < lines.len() {
        let (ind, it, _) = parts(lines[end]);
        if ind > indent || (ind == indent && it && !item) {
            end += 1;
        } else {
            break;
        }
    }
    i..end
}

/// The next entry of the same mapping after the entry at line `i`.
fn sibling(lines: &[&str], i: usize) -> Option<usize> {
    let next = block(lines, i).end;
    let (indent, item, _) = parts(lines[i]);
    let (ind, it, key) = parts(lines.get(next)?);
    (ind == indent && !it && !item && key.is_some()).then_some(next)
}

/// Each way of changing the config a person has, at every place of the
/// base it applies to: the changed text, and a name for messages.
fn edits() -> Vec<(String, String)> {
    let lines: Vec<&str> = BASE.lines().collect();
    let join = |lines: &[String]| lines.iter().map(|l| format!("{l}\n")).collect::<String>();
    let with = |i: usize, new: String| {
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        out[i] = new;
        join(&out)
    };
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let (indent, item, key) = parts(line);
        let Some(key) = key else { continue };
        let lead = &line[..indent + if item { 2 } else { 0 }];
        let rest = &line[lead.len() + key.len()..];
        // The key written otherwise: the same string, or a tag.
        for styled in [
            format!("\"{key}\""),
            format!("'{key}'"),
            format!("!!str {key}"),
            format!("!custom {key}"),
        ] {
            out.push((
                format!("key {key} as {styled}"),
                with(i, format!("{lead}{styled}{rest}")),
            ));
        }
        let value = rest.trim_start_matches(':').trim();
        if value.is_empty() {
            // A collection (or null) under the key: tagged.
            let collection = lines
                .get(i + 1)
                .is_some_and(|l| parts(l).0 > indent || parts(l).1);
            let tags: &[&str] = match collection {
                true => &["!custom", "!!map", "!!seq", "!!set", "!!omap", "!"],
                false => &["!!null", "!!str", "!custom"],
            };
            for tag in tags {
                out.push((
                    format!("{key} tagged {tag}"),
                    with(i, format!("{line} {tag}")),
                ));
            }
        } else {
            for tag in ["!!str", "!custom", "!!float", "!!int", "!", "!!binary"] {
                out.push((
                    format!("{key}'s value tagged {tag}"),
                    with(i, format!("{lead}{key}: {tag} {value}")),
                ));
            }
            out.push((
                format!("{key}'s value changed"),
                with(i, format!("{lead}{key}: {value}x")),
            ));
            out.push((
                format!("{key}'s value quoted"),
                with(i, format!("{lead}{key}: \"{value}\"")),
            ));
        }
        // Swapped with the next entry of its mapping.
        if let Some(next) = sibling(&lines, i) {
            let (a, b) = (block(&lines, i), block(&lines, next));
            let mut swapped: Vec<String> = lines[..a.start].iter().map(|l| l.to_string()).collect();
            swapped.extend(lines[b.clone()].iter().map(|l| l.to_string()));
            swapped.extend(lines[a].iter().map(|l| l.to_string()));
            swapped.extend(lines[b.end..].iter().map(|l| l.to_string()));
            out.push((format!("{key} swapped with the next key"), join(&swapped)));
        }
        // A comment: on a line of its own before this one, or after it.
        out.push((
            format!("a comment before {key}"),
            join(
                &lines[..i]
                    .iter()
                    .map(|l| l.to_string())
                    .chain([format!("{}# a person's note", &line[..indent])])
                    .chain(lines[i..].iter().map(|l| l.to_string()))
                    .collect::<Vec<_>>(),
            ),
        ));
        out.push((
            format!("a comment after {key}"),
            with(i, format!("{line} # a person's note")),
        ));
        // A key added before this one, in its mapping.
        if !item {
            let mut added: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            added.insert(i, format!("{}added: 1", &line[..indent]));
            out.push((format!("a key added before {key}"), join(&added)));
        }
    }
    // Root keys that read as another type than they look, and merge keys.
    for key in [
        "\"2024\"", "2024", "\"true\"", "true", "\"null\"", "null", "'1'", "1", "0x1", "!!str 1",
        "\"<<\"", "<<", "? extra",
    ] {
        out.push((
            format!("root key {key}"),
            format!("{BASE}{key}: {{a: 1}}\n"),
        ));
    }
    for tail in [
        "---\nextra: 1\n",
        "---\n",
        "...\n",
        "--- {}\n",
        "...\n---\nextra: 1\n",
    ] {
        out.push((format!("documents {tail:?}"), format!("{BASE}{tail}")));
    }
    // A version directive: YAML 1.1 reads `017` as 15.
    for head in ["%YAML 1.1\n---\n", "%YAML 1.2\n---\n", "---\n"] {
        out.push((format!("directive {head:?}"), format!("{head}{BASE}")));
    }
    out
}

/// An open collection while reading events: a mapping knows whether a
/// key comes next, its last key, and where its events start.
struct Open {
    mapping: bool,
    key_next: bool,
    key: String,
    start: usize,
}

/// How yaml-rust2 reads a text: its events with scalars resolved by the
/// core schema (or their tags), tags of the other nodes, a plain `<<` apart
/// from the string `"<<"`; the entries of `trakt.authorization` sorted.
fn meaning(text: &str) -> Result<Vec<String>, String> {
    let mut open: Vec<Open> = Vec::new();
    let mut out = Vec::new();
    for event in events(text)? {
        let starts = event.starts_with("mapping") || event.starts_with("sequence");
        let ends = event == "MappingEnd" || event == "SequenceEnd";
        if ends {
            let done = open.pop().expect("an open collection");
            let path: Vec<&str> = open.iter().map(|o| o.key.as_str()).collect();
            if done.mapping && path == [r#"String("trakt")"#, r#"String("authorization")"#] {
                let mut pairs: Vec<String> =
                    out[done.start..].chunks(2).map(|p| p.join(" ")).collect();
                pairs.sort();
                out.truncate(done.start);
                out.extend(pairs);
            }
        } else if let Some(parent) = open.last_mut().filter(|o| o.mapping) {
            if parent.key_next {
                parent.key = event.clone();
            }
            parent.key_next = !parent.key_next;
        }
        out.push(event.clone());
        if starts {
            open.push(Open {
                mapping: event.starts_with("mapping"),
                key_next: true,
                key: String::new(),
                start: out.len(),
            });
        }
    }
    Ok(out)
}

/// The events of [`meaning`], each as a string.
fn events(text: &str) -> Result<Vec<String>, String> {
    let core = "tag:yaml.org,2002:";
    let tag = |t: Option<yaml_rust2::parser::Tag>| match t {
        None => String::new(),
        Some(t) => format!("{}{}", t.handle.replace("!!", core), t.suffix),
    };
    let mut parser = Parser::new_from_str(text);
    let mut out = Vec::new();
    loop {
        let (event, _) = parser.next_token().map_err(|e| e.to_string())?;
        out.push(match event {
            Event::StreamEnd => return Ok(out),
            Event::Scalar(value, style, _, t) => {
                let t = tag(t);
                let plain = style == TScalarStyle::Plain;
                let resolved = |value: &str| match Yaml::from_str(value) {
                    Yaml::Real(r) => format!("float {:?}", Yaml::Real(r).as_f64()),
                    other => format!("{other:?}"),
                };
                match t.strip_prefix(core).unwrap_or(&t) {
                    "" if plain && value == "<<" => "merge key".to_string(),
                    // ruamel.yaml resolves a plain scalar tagged `!` as
                    // an untagged one (`! 12` is 12), against the spec.
                    "" | "!" if plain => resolved(&value),
                    // ruamel.yaml reads `!!str x` as a TaggedScalar, no
                    // string: the tag stays.
                    "" | "!" => format!("{:?}", Yaml::String(value)),
                    "int" | "bool" | "null" => resolved(&value),
                    "float" => format!("float {:?}", value.parse::<f64>().ok()),
                    _ => format!("{t} {value:?}"),
                }
            }
            // A collection's own tag, or `!`, is no tag.
            Event::MappingStart(_, t) => {
                let t = tag(t);
                let own = t == "!" || t == format!("{core}map");
                format!("mapping {}", if own { "" } else { &t })
            }
            Event::SequenceStart(_, t) => {
                let t = tag(t);
                let own = t == "!" || t == format!("{core}seq");
                format!("sequence {}", if own { "" } else { &t })
            }
            Event::Alias(id) => format!("alias {id}"),
            other => format!("{other:?}"),
        });
    }
}

#[test]
fn a_restored_file_means_what_kometas_file_means() {
    let original = BASE.to_string();
    let (mut restored, mut refused) = (0, 0);
    let mut wrong = Vec::new();
    // Each restored file beside Kometa's, for Kometa's own loader.
    let mut judged: Vec<(String, String, String)> = Vec::new();
    for (name, edited) in edits() {
        // The person's edit in Kometa's file, or in the original (Kometa's
        // file then is the base, renewed).
        for (side, before, kometa) in [
            ("in Kometa's file", original.clone(), renewed(&edited)),
            ("in the original", edited.clone(), renewed(&original)),
        ] {
            let Ok(kometa_means) = meaning(&kometa) else {
                continue;
            };
            for force in [false, true] {
                let extra: &[&str] = if force { &["--force"] } else { &[] };
                let (r, _dir, file, _) = restore_texts(&before, &kometa, extra);
                let after = fs::read_to_string(&file).unwrap();
                let case = format!("{name}, {side}, force {force}");
                assert!(!r.stderr.contains("panicked"), "{case}: {}", r.stderr);
                if r.code != 0 {
                    refused += 1;
                    if after != kometa {
                        wrong.push(format!("{case}: exit {} but the file changed", r.code));
                    }
                    continue;
                }
                restored += 1;
                judged.push((case.clone(), kometa.clone(), after.clone()));
                let notes = |t: &str| t.matches("# a person's note").count();
                if !force && notes(&after) < notes(&kometa) {
                    wrong.push(format!(
                        "{case}: restored, but a comment of Kometa's file is gone:\n{after}"
                    ));
                }
                if meaning(&after) != Ok(kometa_means.clone()) {
                    wrong.push(format!(
                        "{case}: restored, but it means something else than Kometa's file:\n{after}"
                    ));
                }
            }
        }
    }
    wrong.extend(ruamel_judges(&judged));
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // Both outcomes occur: the space holds edits restore carries and
    // edits it must refuse.
    assert!(
        restored > 100 && refused > 100,
        "{restored} restored, {refused} refused"
    );
}

/// Reads each pair (Kometa's file, the restored file) with ruamel.yaml's
/// round trip, Kometa's loader, and compares what it loads: types (a
/// `TaggedScalar`, a date, `1_000` as an integer), values, key order but
/// for `trakt.authorization`'s, and tags. Every case it reads otherwise is
/// named.
fn ruamel_judges(judged: &[(String, String, String)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    for (i, (_, kometa, restored)) in judged.iter().enumerate() {
        fs::write(dir.path().join(format!("{i}.kometa.yml")), kometa).unwrap();
        fs::write(dir.path().join(format!("{i}.restored.yml")), restored).unwrap();
    }
    let out = std::process::Command::new(ruamel_python())
        .args([
            "-c",
            JUDGE,
            dir.path().to_str().unwrap(),
            &judged.len().to_string(),
        ])
        .output()
        .expect("run Python");
    assert!(
        out.status.success(),
        "the judge failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(
        lines.last(),
        Some(&"judged"),
        "the judge did not finish: {said}"
    );
    lines[..lines.len() - 1]
        .iter()
        .map(|line| {
            let (i, why) = line.split_once(' ').unwrap_or((line, ""));
            let (case, _, restored) = &judged[i.parse::<usize>().unwrap()];
            format!("{case}: restored, but ruamel.yaml reads it otherwise ({why}):\n{restored}")
        })
        .collect()
}

/// The judge: prints `N why` for each pair ruamel.yaml reads differently,
/// then `judged`.
const JUDGE: &str = r#"
import sys
from ruamel.yaml import YAML
from ruamel.yaml.comments import TaggedScalar

def tag_of(v):
    t = getattr(v, "tag", None)
    t = getattr(t, "value", t)
    own = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "!", None)
    return None if t in own else str(t)

def canon(v, path):
    if isinstance(v, TaggedScalar):
        return ["tagged", tag_of(v), v.value]
    if isinstance(v, dict):
        items = [[canon(k, None), canon(x, path + (str(k),) if path is not None else None)]
                 for k, x in v.items()]
        if path == ("trakt", "authorization"):
            items.sort(key=repr)
        return [type(v).__name__, tag_of(v), items]
    if isinstance(v, (list, tuple, set)):
        return [type(v).__name__, tag_of(v), [canon(x, None) for x in v]]
    if isinstance(v, bool):
        return ["bool", v]
    if isinstance(v, int):
        return ["int", int(v)]
    if isinstance(v, float):
        return ["float", repr(float(v))]
    if v is None:
        return ["null"]
    if isinstance(v, str):
        return ["str", str(v)]
    return [type(v).__name__, repr(v)]

def load(path):
    return list(YAML().load_all(open(path, encoding="utf-8")))

folder, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    try:
        kometa = [canon(d, ()) for d in load(f"{folder}/{i}.kometa.yml")]
    except Exception:
        continue  # Kometa could not load its own file: nothing to judge
    try:
        restored = [canon(d, ()) for d in load(f"{folder}/{i}.restored.yml")]
    except Exception as e:
        print(i, "it does not load:", type(e).__name__)
        continue
    if kometa != restored:
        print(i, repr(kometa)[:300], "!=", repr(restored)[:300])
print("judged")
"#;
