//! The embedded trakt schema and `--schema`'s pruning, in process: the
//! schema compiled at build time holds to the one jsonschema compiles at
//! run time from the same file, and a schema compiled for the part of it a
//! document reaches finds exactly what the whole schema finds (Kometa's
//! schema over every bundled config and fixture, and generated schemas
//! with generated documents).

use std::collections::BTreeSet;
use std::fs;

use super::json::{Strings, to_json};
use super::{Schema, TRAKT_SCHEMA, Violation};
use crate::document::Document;
use crate::test_data as support;
use serde_json::{Value, json};

fn embedded() -> Value {
    serde_json::from_str(TRAKT_SCHEMA).expect("the embedded schema is JSON")
}

/// Trakt blocks to validate: every corpus config's and every check
/// fixture's, then each key of a clean block set to each of many values.
fn instances() -> Vec<Value> {
    let mut files: Vec<_> = std::fs::read_dir(support::data("configs"))
        .expect("bundled configs")
        .chain(std::fs::read_dir(support::fixture("check")).expect("fixtures"))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .collect();
    files.sort();
    let mut out: Vec<Value> = files
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            let doc = Document::parse(&text).ok()?;
            let root = doc.roots.first()?;
            let trakt = root
                .entries()?
                .iter()
                .find(|e| e.key.scalar() == Some("trakt"))?;
            Some(json!({ "trakt": to_json(&trakt.value, root, Strings::Whole).ok()? }))
        })
        .collect();
    assert!(
        out.len() > 30,
        "only {} files have a trakt block",
        out.len()
    );
    let clean = json!({
        "client_id": "a".repeat(64), "client_secret": "b".repeat(64), "pin": null,
        "force_refresh": false,
        "authorization": {
            "access_token": "c".repeat(64), "token_type": "Bearer", "expires_in": 7_776_000,
            "refresh_token": "d".repeat(64), "scope": "public", "created_at": 1_764_115_200
        }
    });
    let samples = [
        json!(null),
        json!(true),
        json!(0),
        json!(1),
        json!(-1),
        json!(1.5),
        json!(""),
        json!("0"),
        json!("12"),
        json!("x"),
        json!("bearer"),
        json!([]),
        json!({}),
        json!({"x": 1}),
    ];
    // Each key Kometa knows, and one it does not.
    // The keys the schema names, and one it does not.
    let schema = embedded();
    let properties = |pointer: &str| -> Vec<String> {
        schema
            .pointer(pointer)
            .and_then(Value::as_object)
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    let trakt_keys = properties("/properties/trakt/properties");
    let auth = properties("/properties/trakt/properties/authorization/properties");
    assert!(
        trakt_keys.len() == 5 && auth.len() == 6,
        "{trakt_keys:?} {auth:?}"
    );
    let extra = ["extra".to_string()];
    let keys = trakt_keys.iter().chain(&extra);
    let auth_keys = auth.iter().chain(&extra);
    for sample in &samples {
        out.push(json!({ "trakt": sample }));
        for key in keys.clone().map(String::as_str) {
            let mut block = clean.clone();
            block[key] = sample.clone();
            out.push(json!({ "trakt": block }));
            let mut without = clean.clone();
            without.as_object_mut().map(|o| o.remove(key));
            out.push(json!({ "trakt": without }));
        }
        for key in auth_keys.clone().map(String::as_str) {
            let mut block = clean.clone();
            block["authorization"][key] = sample.clone();
            out.push(json!({ "trakt": block }));
            let mut without = clean.clone();
            without["authorization"]
                .as_object_mut()
                .map(|o| o.remove(key));
            out.push(json!({ "trakt": without }));
        }
    }
    out
}

#[test]
fn the_built_and_the_run_time_validators_agree_on_every_instance() {
    let as_declared = Schema::compile(embedded()).expect("compiles as 2020-12");
    let built = Schema::trakt();
    let mut keywords_seen = BTreeSet::new();
    for instance in instances() {
        let declared: Vec<Violation> = as_declared.validate(&instance);
        assert_eq!(built.validate(&instance), declared, "on {instance}");
        for v in declared {
            if v.union.is_some() {
                keywords_seen.insert("anyOf".to_string());
            }
            keywords_seen.insert(v.keyword);
        }
    }
    // The comparison is not vacuous: every kind of violation was produced.
    let expected = [
        "additionalProperties",
        "anyOf",
        "minLength",
        "required",
        "type",
    ];
    for keyword in expected {
        assert!(
            keywords_seen.contains(keyword),
            "no {keyword} violation in {keywords_seen:?}"
        );
    }
}

fn kometa_schema() -> Value {
    let text =
        fs::read_to_string(crate::test_data::data("schemas/kometa-config-schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every bundled config, the mistakes file and the check fixtures as JSON,
/// and each top-level section of each on its own.
pub(super) fn documents() -> Vec<(String, Value)> {
    let mut files: Vec<_> = [
        crate::test_data::data("configs"),
        crate::test_data::data("redumped"),
        crate::test_data::fixture("check"),
    ]
    .iter()
    .flat_map(|dir| fs::read_dir(dir).unwrap())
    .map(|e| e.unwrap().path())
    .chain([crate::test_data::data("schema/mistakes.yml")])
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

mod generated {
    //! Generated schemas (properties, literal-prefix and other patterns,
    //! additionalProperties, unions, required keys, definitions reached
    //! through `$ref`) and generated documents over the same few keys: the
    //! pruned validator finds exactly what the whole schema finds.

    use crate::schema::{Schema, Violation};
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
        #![proptest_config(ProptestConfig { cases: 300, failure_persistence: crate::test_data::regressions(), ..ProptestConfig::default() })]
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
