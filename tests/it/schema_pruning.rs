//! A schema the user names (`--schema`) is compiled, for the first
//! document, from only the part that document's keys reach; a later
//! document with other keys gets the whole schema. These tests hold the
//! pruned validator to the whole one on Kometa's own schema, and show what
//! a schema that does not compile does to a run.

use std::fs;
use std::path::Path;

use crate::support::{Run, data, fixture, kt, temp_file};
use kometa_trakt::document::Document;
use kometa_trakt::schema::json::{Strings, to_json};
use kometa_trakt::schema::{Schema, Violation};
use serde_json::{Value, json};

fn kometa_schema() -> Value {
    let text = fs::read_to_string(data("schemas/kometa-config-schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every bundled config, the mistakes file and the check fixtures as JSON,
/// and each top-level section of each on its own.
fn documents() -> Vec<(String, Value)> {
    let mut files: Vec<_> = [data("configs"), data("redumped"), fixture("check")]
        .iter()
        .flat_map(|dir| fs::read_dir(dir).unwrap())
        .map(|e| e.unwrap().path())
        .chain([data("schema/mistakes.yml")])
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = fs::read_to_string(&path).unwrap();
        let Ok(doc) = Document::parse(&text) else {
            continue;
        };
        let Some(root) = doc.roots.first() else {
            continue;
        };
        let Ok(value) = to_json(root, root, Strings::Whole) else {
            continue;
        };
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if let Some(map) = value.as_object() {
            for (key, section) in map {
                out.push((format!("{name} {key}"), json!({ key: section })));
            }
        }
        out.push((name, value));
    }
    out
}

fn keywords(found: Vec<Violation>) -> Vec<String> {
    found.into_iter().map(|v| v.keyword).collect()
}

#[test]
fn the_pruned_schema_finds_exactly_what_the_whole_schema_finds() {
    let schema = kometa_schema();
    // A first document without keys takes the pruned validator; every
    // later document with keys is then validated by the whole schema.
    let whole = Schema::compile(schema.clone()).unwrap();
    assert_eq!(
        keywords(whole.validate(&json!({}))),
        ["required", "required"]
    );
    let (mut compared, mut found, mut unions, mut suggestions) = (0, 0, 0, 0);
    for (name, document) in documents() {
        let pruned = Schema::compile(schema.clone()).unwrap().validate(&document);
        assert_eq!(pruned, whole.validate(&document), "{name}");
        compared += 1;
        found += pruned.len();
        unions += pruned.iter().filter(|v| v.union.is_some()).count();
        suggestions += pruned.iter().filter(|v| !v.allowed.is_empty()).count();
    }
    // Not vacuous: many documents, with findings of every kind compared.
    assert!(compared > 300, "{compared} documents");
    assert!(
        found > 40 && unions > 10 && suggestions > 5,
        "{found} {unions} {suggestions}"
    );
}

#[test]
fn a_later_document_with_other_keys_is_validated_by_the_whole_schema() {
    let schema = Schema::compile(kometa_schema()).unwrap();
    let plex = json!({ "url": "http://plex:32400", "token": "t" });
    let tmdb = json!({ "apikey": "k" });
    let first = json!({ "plex": plex, "tmdb": tmdb, "settings": { "cache": true } });
    let mut later = first.clone();
    later["plex"]["timeout"] = json!("sixty");
    later["settings"]["cache"] = json!("yes please");
    assert_eq!(schema.validate(&first), Vec::<Violation>::new());
    let found: Vec<(String, String)> = schema
        .validate(&later)
        .into_iter()
        .map(|v| (v.pointer, v.keyword))
        .collect();
    assert_eq!(
        found,
        [
            ("/plex/timeout".to_string(), "type".to_string()),
            ("/settings/cache".to_string(), "type".to_string()),
        ]
    );
}

/// `check --schema SCHEMA FILE` in `dir`.
fn check_with(dir: &Path, schema: &Path, file: &str) -> Run {
    kt(["check", "--schema", schema.to_str().unwrap(), file])
        .dir(dir)
        .run()
}

/// A schema that passes its meta-schema but whose pattern does not compile
/// (draft 2020-12 only annotates `format: regex`).
const BROKEN: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "properties": { "broken": { "type": "string", "pattern": "(" } }
}"#;

#[test]
fn a_schema_that_does_not_compile_where_the_document_reaches_is_refused() {
    let (dir, schema) = temp_file("broken.json", BROKEN.as_bytes());
    fs::write(dir.path().join("reaches.yml"), "broken: x\n").unwrap();
    let out = check_with(dir.path(), &schema, "reaches.yml");
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.starts_with(&format!(
            "kometa-trakt: --schema {}: not a valid JSON Schema: ",
            schema.display()
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn a_part_of_the_schema_no_key_reaches_is_not_compiled() {
    // Like Python's jsonschema (which compiles a pattern when it first
    // applies it), a broken part that no key of the file reaches does not
    // stop the check of that file.
    let (dir, schema) = temp_file("broken.json", BROKEN.as_bytes());
    fs::write(dir.path().join("elsewhere.yml"), "other: x\n").unwrap();
    let out = check_with(dir.path(), &schema, "elsewhere.yml");
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 0);
}

#[test]
fn a_malformed_keyword_anywhere_is_refused_before_any_file_is_read() {
    let malformed = r#"{ "definitions": { "unused": { "type": "strin" } } }"#;
    let (dir, schema) = temp_file("malformed.json", malformed.as_bytes());
    let out = check_with(dir.path(), &schema, "missing.yml");
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!(
            "kometa-trakt: --schema {}: not a valid JSON Schema: at /definitions/unused/type: \
             value is not one of \"array\", \"boolean\" or 5 other candidates\n",
            schema.display()
        )
    );
}

mod generated {
    //! Generated schemas (properties, literal-prefix and other patterns,
    //! additionalProperties, unions, required keys, definitions reached
    //! through `$ref`) and generated documents over the same few keys: the
    //! pruned validator finds exactly what the whole schema finds.

    use kometa_trakt::schema::{Schema, Violation};
    use proptest::prelude::*;
    use serde_json::{Map, Value, json};

    const KEYS: [&str; 6] = ["a", "b", "c", "x_1", "x_2", "use_all"];
    const DEFINITIONS: usize = 3;

    /// A subschema; `Value::String("ref:N")` marks a reference to fill in.
    fn subschema() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(json!({})),
            prop::sample::select(vec!["string", "integer", "object", "array", "boolean"])
                .prop_map(|t| json!({ "type": t })),
            Just(json!({ "enum": [1, "one", true] })),
            (0..DEFINITIONS).prop_map(|n| json!(format!("ref:{n}"))),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                (
                    prop::collection::btree_map(
                        prop::sample::select(KEYS.to_vec()),
                        inner.clone(),
                        0..4
                    ),
                    prop::option::of(prop::sample::select(vec![
                        "^x_.+$",
                        "^y_.*$",
                        "^use_(?!all$).+$",
                        "^b",
                    ])),
                    prop::option::of(prop_oneof![Just(json!(false)), inner.clone()]),
                    prop::collection::btree_set(prop::sample::select(KEYS.to_vec()), 0..2),
                )
                    .prop_map(|(properties, pattern, additional, required)| {
                        let mut node = Map::new();
                        node.insert("type".into(), json!("object"));
                        node.insert("properties".into(), json!(properties));
                        if let Some(pattern) = pattern {
                            node.insert(
                                "patternProperties".into(),
                                json!({ pattern: {"type": "integer"} }),
                            );
                        }
                        if let Some(additional) = additional {
                            node.insert("additionalProperties".into(), additional);
                        }
                        if !required.is_empty() {
                            node.insert("required".into(), json!(required));
                        }
                        Value::Object(node)
                    }),
                prop::collection::vec(inner.clone(), 1..3).prop_map(|b| json!({ "anyOf": b })),
                prop::collection::vec(inner.clone(), 1..3).prop_map(|b| json!({ "oneOf": b })),
                inner.prop_map(|items| json!({ "type": "array", "items": items })),
            ]
        })
    }

    /// Replaces each `ref:N` by a reference, or by `{}` where it would
    /// make a cycle (a definition refers only to later ones).
    fn link(value: Value, after: Option<usize>) -> Value {
        match value {
            Value::String(s) if s.starts_with("ref:") => {
                let n: usize = s[4..].parse().unwrap();
                match after {
                    Some(m) if n <= m => json!({}),
                    _ => json!({ "$ref": format!("#/definitions/d{n}") }),
                }
            }
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| {
                        let v = match k.as_str() {
                            "enum" | "required" | "type" => v,
                            _ => link(v, after),
                        };
                        (k, v)
                    })
                    .collect(),
            ),
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|v| link(v, after)).collect())
            }
            other => other,
        }
    }

    fn schema() -> impl Strategy<Value = Value> {
        (subschema(), prop::collection::vec(subschema(), DEFINITIONS)).prop_map(|(root, defs)| {
            let mut root = match link(root, None) {
                Value::Object(map) => map,
                other => Map::from_iter([("allOf".to_string(), json!([other]))]),
            };
            let definitions: Map<String, Value> = defs
                .into_iter()
                .enumerate()
                .map(|(n, d)| (format!("d{n}"), link(d, Some(n))))
                .collect();
            root.insert(
                "$schema".into(),
                json!("http://json-schema.org/draft-07/schema#"),
            );
            root.insert("definitions".into(), Value::Object(definitions));
            Value::Object(root)
        })
    }

    fn document() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<i8>().prop_map(|n| json!(n)),
            Just(json!("one")),
            any::<bool>().prop_map(|b| json!(b)),
        ];
        leaf.prop_recursive(3, 20, 4, |inner| {
            prop_oneof![
                prop::collection::btree_map(
                    prop::sample::select(KEYS.to_vec()),
                    inner.clone(),
                    0..4
                )
                .prop_map(|m| json!(m)),
                prop::collection::vec(inner, 0..3).prop_map(Value::Array),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, failure_persistence: crate::support::regressions(), ..ProptestConfig::default() })]
        #[test]
        fn pruned_and_whole_find_the_same(schema in schema(), documents in prop::collection::vec(document(), 1..4)) {
            // The whole schema: a first document without keys, then
            // every document with keys is validated by the whole.
            let whole = Schema::compile(schema.clone()).unwrap();
            let _ = whole.validate(&json!({}));
            for document in documents {
                let pruned: Vec<Violation> = Schema::compile(schema.clone()).unwrap().validate(&document);
                prop_assert_eq!(pruned, whole.validate(&document), "{} on {}", schema, document);
            }
        }
    }
}
