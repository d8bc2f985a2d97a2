//! The generator of the `kometa-schemas` crate's inputs, and the test that
//! holds them to Kometa's vendored schemas (vendor/kometa-2.4.4/json-schema):
//! `BLESS=1 cargo test --lib schema::generate` rewrites them (review the
//! diff, then rebuild).
//!
//! - `kometa-schemas/schemas/*.json`: Kometa's six files, five of them
//!   byte for byte; in config-schema.json each `patternProperties` key that
//!   is a literal prefix (`^name_.*$`, `^name_.+$`) becomes `^name_`,
//!   which the validator macro compiles to `starts_with` instead of a regex,
//!   and the six `"additionalProperties": false` beside `"type": "array"`
//!   are left out: they can only fail where the type fails, and the macro
//!   would report them instead of the type (see `best::inapplicable`). The
//!   text is otherwise Kometa's, so the diff shows only those lines.
//! - `kometa-schemas/src/tables.rs`: each rewritten key with Kometa's
//!   spelling and where it is; the bare prefixes of the `.+` ones (a key
//!   equal to one is where the two forms differ); and for each schema the
//!   `properties` beside every `additionalProperties`, by JSON pointer, which
//!   name the allowed keys without parsing the schema at run time.

use std::collections::BTreeSet;
use std::fs;

use kometa_schemas::Kind;
use serde_json::{Map, Value};

/// A file of the repository.
fn repository(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Keywords whose value maps names to subschemas: a `patternProperties`
/// key directly under one of them is a name, not the keyword.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependencies",
];

/// Regexes of config-schema.json respelt so that they compile to small
/// ASCII automata (each cost 0.1-0.3 ms to compile on first use as Kometa
/// wrote it, mostly for its Unicode classes), with the documents on which
/// the two spellings can answer differently, which `Kind::exact`
/// (kometa-schemas/src/lib.rs) sends to Kometa's own schema:
///
/// - a trailing `.*` after a look-ahead matches anything: exact;
/// - a trailing `.+$`/`.*$` after a look-ahead: a key holding a line feed,
///   or (for `.+`) a key that stops right there: `""`, `use_`;
/// - `\d` in a look-ahead pattern, which jsonschema leaves to fancy-regex as
///   Unicode's digits: a non-ASCII key starting with `rating`;
/// - `\s`, which ECMA-262 (and jsonschema's translation) reads as 25
///   whitespace characters: a string value holding one that is not ASCII;
/// - the `pattern` `.*` matches every string: `^` (no regex at all), exact.
const RESPELT: &[(&str, &str)] = &[
    (
        r"^(?!plex|tmdb|tautulli|webhooks|omdb|mdblist|notifiarr|gotify|ntfy|anidb|radarr|sonarr|trakt|mal).+$",
        r"^(?!plex|tmdb|tautulli|webhooks|omdb|mdblist|notifiarr|gotify|ntfy|anidb|radarr|sonarr|trakt|mal)",
    ),
    (r"^use_(?!all$).+$", r"^use_(?!all$)"),
    (r"^font_(?!size).*", r"^font_(?!size)"),
    (
        r"^rating\d+_(?!(font_|stroke_|horizontal_offset$|vertical_offset$)).*$",
        r"^rating[0-9]+_(?!(font_|stroke_|horizontal_offset$|vertical_offset$))",
    ),
    (
        r"^(current_year(\s*-\s*\d+)?)$|^(first(\s*\+\s*\d+)?)$|^(latest(\s*-\s*\d+)?)$",
        r"^(current_year([\t\n\v\f\r ]*-[\t\n\v\f\r ]*\d+)?)$|^(first([\t\n\v\f\r ]*\+[\t\n\v\f\r ]*\d+)?)$|^(latest([\t\n\v\f\r ]*-[\t\n\v\f\r ]*\d+)?)$",
    ),
    (
        r"^(tt\d{7,8})(,\s*tt\d{7,8})*$",
        r"^(tt\d{7,8})(,[\t\n\v\f\r ]*tt\d{7,8})*$",
    ),
    (
        r"^\d{1,8}(\s*,\s*\d{1,8})*$",
        r"^\d{1,8}([\t\n\v\f\r ]*,[\t\n\v\f\r ]*\d{1,8})*$",
    ),
    (r".*", r"^"),
];

/// How a pattern of config-schema.json is compiled: its literal-prefix
/// form, or its `RESPELT` form.
fn respelt(pattern: &str) -> Option<String> {
    literal_prefix(pattern).map(|(now, _)| now).or_else(|| {
        RESPELT
            .iter()
            .find(|(was, _)| *was == pattern)
            .map(|(_, now)| now.to_string())
    })
}

/// A rewritten pattern: where it is (its `patternProperties`, or its
/// `pattern` keyword), the pattern now, Kometa's.
struct Rewrite {
    at: String,
    now: String,
    was: String,
}

/// `^name_` for a literal-prefix pattern `^name_.*$` or `^name_.+$`, and
/// whether it was the `.+` form.
fn literal_prefix(pattern: &str) -> Option<(String, bool)> {
    let rest = pattern.strip_prefix('^')?;
    let (prefix, plus) = match (rest.strip_suffix(".*$"), rest.strip_suffix(".+$")) {
        (Some(p), _) => (p, false),
        (_, Some(p)) => (p, true),
        _ => return None,
    };
    let literal = !prefix.is_empty()
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/'));
    literal.then(|| (format!("^{prefix}"), plus))
}

/// A JSON pointer segment.
fn segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// `value` (the config schema) with its literal-prefix `patternProperties`
/// keys and its `RESPELT` patterns rewritten, recording each. (The other
/// schemas are compiled as Kometa wrote them: nothing sends a document
/// they could answer otherwise to Kometa's own file.)
fn rewrite(value: &Value, at: &str, parent: Option<&str>, out: &mut Vec<Rewrite>) -> Value {
    match value {
        Value::Object(map) => {
            let mut copy = Map::new();
            for (key, child) in map {
                let here = format!("{at}/{}", segment(key));
                let keyword = !parent.is_some_and(|p| NAME_MAPS.contains(&p));
                let child = match child {
                    Value::String(pattern) if keyword && key == "pattern" => {
                        match respelt(pattern).filter(|_| literal_prefix(pattern).is_none()) {
                            Some(now) => {
                                out.push(Rewrite {
                                    at: here.clone(),
                                    now: now.clone(),
                                    was: pattern.clone(),
                                });
                                Value::String(now)
                            }
                            None => child.clone(),
                        }
                    }
                    Value::Object(patterns) if keyword && key == "patternProperties" => {
                        let mut renamed = Map::new();
                        for (pattern, sub) in patterns {
                            let name = match respelt(pattern) {
                                Some(now) => {
                                    out.push(Rewrite {
                                        at: here.clone(),
                                        now: now.clone(),
                                        was: pattern.clone(),
                                    });
                                    now
                                }
                                None => pattern.clone(),
                            };
                            let sub_at = format!("{here}/{}", segment(&name));
                            let sub = rewrite(sub, &sub_at, None, out);
                            assert!(
                                renamed.insert(name, sub).is_none(),
                                "two keys of {here} rewrite alike"
                            );
                        }
                        Value::Object(renamed)
                    }
                    _ => rewrite(child, &here, Some(key), out),
                };
                copy.insert(key.clone(), child);
            }
            Value::Object(copy)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| rewrite(v, &format!("{at}/{i}"), None, out))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `value` without the keywords that apply only to a type their schema
/// object's own `type` excludes, recording where each was.
fn moot(value: &Value, at: &str, parent: Option<&str>, out: &mut Vec<String>) -> Value {
    match value {
        Value::Object(map) => {
            let keyword = !parent.is_some_and(|p| NAME_MAPS.contains(&p));
            let types: Vec<&str> = match map.get("type") {
                Some(Value::String(t)) => vec![t.as_str()],
                Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            let mut copy = Map::new();
            for (key, child) in map {
                let here = format!("{at}/{}", segment(key));
                let excluded = super::best::family(key).is_some_and(|family| {
                    !types
                        .iter()
                        .any(|t| *t == family || (family == "number" && *t == "integer"))
                });
                if keyword && !types.is_empty() && excluded {
                    out.push(here);
                    continue;
                }
                copy.insert(key.clone(), moot(child, &here, Some(key), out));
            }
            Value::Object(copy)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| moot(v, &format!("{at}/{i}"), None, out))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `text` without the line of each left-out keyword: each is a definition's
/// `"additionalProperties": false,` (asserted), found in its definition.
fn without_lines(text: &str, left_out: &[String]) -> String {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    for pointer in left_out {
        let name = pointer
            .strip_prefix("/definitions/")
            .and_then(|rest| rest.strip_suffix("/additionalProperties"))
            .filter(|name| !name.contains('/'))
            .unwrap_or_else(|| panic!("{pointer}: not a definition's additionalProperties"));
        let start = lines
            .iter()
            .position(|l| *l == format!("    \"{name}\": {{\n"))
            .unwrap_or_else(|| panic!("{name}: no definition line"));
        let offset = lines[start + 1..]
            .iter()
            .take_while(|l| !l.starts_with("    }"))
            .position(|l| *l == "      \"additionalProperties\": false,\n")
            .unwrap_or_else(|| panic!("{name}: no additionalProperties line"));
        lines.remove(start + 1 + offset);
    }
    lines.concat()
}

/// Every schema object with an `additionalProperties` beside `properties`:
/// its pointer and the property names.
fn properties(value: &Value, at: &str, out: &mut Vec<(String, Vec<String>)>) {
    match value {
        Value::Object(map) => {
            if map.contains_key("additionalProperties")
                && let Some(Value::Object(props)) = map.get("properties")
            {
                out.push((at.to_string(), props.keys().cloned().collect()));
            }
            for (key, child) in map {
                properties(child, &format!("{at}/{}", segment(key)), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                properties(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The rewritten text of a schema: Kometa's text with each rewritten key
/// respelt and each left-out keyword's line removed (so its diff shows only
/// those), held to the structural rewrite.
fn rewritten_text(
    original: &str,
    rewrites: &[Rewrite],
    left_out: &[String],
    structural: &Value,
) -> String {
    let mut text = without_lines(original, left_out);
    let distinct: BTreeSet<(bool, &str, &str)> = rewrites
        .iter()
        .map(|r| (r.at.ends_with("/pattern"), r.was.as_str(), r.now.as_str()))
        .collect();
    let json = |s: &str| serde_json::to_string(s).unwrap();
    for (value, was, now) in distinct {
        let (was, now) = (json(was), json(now));
        text = match value {
            true => text.replace(
                &format!("\"pattern\": {was}"),
                &format!("\"pattern\": {now}"),
            ),
            false => text.replace(&format!("{was}:"), &format!("{now}:")),
        };
    }
    let reparsed: Value = serde_json::from_str(&text).expect("the rewritten text is JSON");
    assert!(
        &reparsed == structural,
        "the textual rewrite differs from the structural one"
    );
    text
}

fn table(name: &str, entries: &[(String, Vec<String>)]) -> String {
    let mut out = format!("pub(crate) static {name}: &[(&str, &[&str])] = &[\n");
    for (at, keys) in entries {
        let keys: Vec<String> = keys.iter().map(|k| format!("{k:?}")).collect();
        out.push_str(&format!("    ({at:?}, &[{}]),\n", keys.join(", ")));
    }
    out.push_str("];\n");
    out
}

/// The generated files: (path in the repository, content).
fn generated() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut rewrites = Vec::new();
    let mut tables = String::new();
    for kind in Kind::ALL {
        let name = kind.file_name();
        let original = fs::read_to_string(repository(&format!(
            "vendor/kometa-2.4.4/json-schema/{name}"
        )))
        .unwrap();
        let schema: Value = serde_json::from_str(&original).unwrap();
        let mut found = Vec::new();
        let mut left_out = Vec::new();
        let respelt = match kind {
            Kind::Config => rewrite(&schema, "", None, &mut found),
            _ => schema.clone(),
        };
        let structural = moot(&respelt, "", None, &mut left_out);
        let text = if found.is_empty() && left_out.is_empty() {
            original
        } else {
            rewritten_text(&original, &found, &left_out, &structural)
        };
        if kind == Kind::Config {
            assert_eq!(left_out.len(), 6, "{left_out:?}");
        } else {
            assert!(
                found.is_empty() && left_out.is_empty(),
                "{name}: only the config schema changes"
            );
        }
        files.push((format!("kometa-schemas/schemas/{name}"), text));
        rewrites.extend(found);
        let mut entries = Vec::new();
        properties(&structural, "", &mut entries);
        entries.sort();
        entries.dedup_by(|a, b| a.0 == b.0);
        let static_name = format!("{kind:?}").to_uppercase();
        tables.push('\n');
        tables.push_str(&table(&static_name, &entries));
    }
    // Where a key stops right after what `now` matches, Kometa's `.+`
    // wants one more character: the key that is the bare prefix.
    let bare: BTreeSet<String> = rewrites
        .iter()
        .filter(|r| !r.at.ends_with("/pattern") && r.was.ends_with(".+$"))
        .map(|r| match r.now.split_once("(?!") {
            Some((prefix, _)) => prefix[1..].to_string(),
            None => r.now[1..].to_string(),
        })
        .collect();
    let mut out = String::from(
        "//! Generated from vendor/kometa-2.4.4/json-schema by kometa-trakt's\n\
         //! `BLESS=1 cargo test --lib schema::generate` (src/schema/generate.rs):\n\
         //! do not edit.\n\n\
         /// A pattern of config-schema.json (a `patternProperties` key or a\n\
         /// `pattern`) as this crate compiles it, and as Kometa wrote it.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq)]\n\
         pub struct Rewrite {\n    \
             /// The JSON pointer of the `patternProperties` that holds it, or of\n    \
             /// the `pattern`.\n    \
             pub at: &'static str,\n    \
             /// The pattern here: `^name_`.\n    \
             pub now: &'static str,\n    \
             /// Kometa's: `^name_.*$`, `^name_.+$`, or one of the few others\n    \
             /// respelt (src/schema/generate.rs of kometa-trakt says why).\n    \
             pub was: &'static str,\n\
         }\n\n\
         /// Every rewritten key, in the schema's order.\n\
         pub static REWRITTEN: &[Rewrite] = &[\n",
    );
    for r in &rewrites {
        out.push_str(&format!(
            "    Rewrite {{ at: {:?}, now: {:?}, was: {:?} }},\n",
            r.at, r.now, r.was
        ));
    }
    out.push_str(
        "];\n\n\
         /// The `pattern`s of `REWRITTEN` (which a message may name).\n\
         pub static PATTERNS: &[Rewrite] = &[\n",
    );
    for r in rewrites.iter().filter(|r| r.at.ends_with("/pattern")) {
        out.push_str(&format!(
            "    Rewrite {{ at: {:?}, now: {:?}, was: {:?} }},\n",
            r.at, r.now, r.was
        ));
    }
    out.push_str(
        "];\n\n\
         /// The prefixes of the rewritten `^name_.+$` (and of the look-aheads\n\
         /// followed by `.+$`), sorted: a key equal to one matches the pattern\n\
         /// here but not Kometa's.\n\
         pub(crate) static BARE: &[&str] = &[\n",
    );
    for b in bare {
        out.push_str(&format!("    {b:?},\n"));
    }
    out.push_str(
        "];\n\n\
         // For each schema, the `properties` names beside each\n\
         // `additionalProperties`, by the JSON pointer of their schema object,\n\
         // sorted.\n",
    );
    out.push_str(&tables);
    files.push(("kometa-schemas/src/tables.rs".to_string(), out));
    files
}

#[test]
fn the_built_in_schemas_are_kometas_with_only_literal_prefixes_respelt() {
    let bless = std::env::var_os("BLESS").is_some();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for (path, content) in generated() {
        let file = root.join(&path);
        if fs::read_to_string(&file).ok().as_deref() != Some(content.as_str()) {
            if bless {
                fs::write(&file, &content).unwrap();
            }
            stale.push(path);
        }
    }
    assert!(
        bless || stale.is_empty(),
        "stale, run BLESS=1 cargo test --lib schema::generate and rebuild: {stale:?}"
    );
}

#[test]
fn the_respelt_keys_are_the_literal_prefixes_and_each_maps_back() {
    assert_eq!(
        literal_prefix("^back_color_.*$"),
        Some(("^back_color_".into(), false))
    );
    assert_eq!(literal_prefix("^name_.+$"), Some(("^name_".into(), true)));
    for kept in [
        "^use_(?!all$).+$",
        "^.*$",
        "^font_(?!size).*",
        "^a.b_.*$",
        "^x_.*",
    ] {
        assert_eq!(literal_prefix(kept), None, "{kept}");
    }
    let rewritten = kometa_schemas::REWRITTEN;
    // Of the config schema's 442 `patternProperties` entries, the 427
    // literal prefixes.
    let literal = rewritten
        .iter()
        .filter(|r| literal_prefix(r.was).is_some())
        .count();
    assert_eq!(literal, 427);
    for r in rewritten {
        assert_eq!(respelt(r.was).as_deref(), Some(r.now), "{}", r.was);
        assert!(
            r.at.ends_with("/patternProperties") || r.at.ends_with("/pattern"),
            "{}",
            r.at
        );
    }
    // Every respelling is used; none needs a Unicode class any more.
    for (was, now) in RESPELT {
        assert!(rewritten.iter().any(|r| r.was == *was), "{was} unused");
        assert!(
            !now.contains("\\s") && !now.contains(".+") && !now.contains(".*"),
            "{now}"
        );
    }
}
