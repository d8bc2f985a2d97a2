//! The embedded schema is compiled as draft 7 for speed (see
//! `Schema::trakt`); these tests hold that reading to the 2020-12 one the
//! file declares.

mod support;

use std::collections::BTreeSet;

use kometa_trakt::document::Document;
use kometa_trakt::kometa::{AUTH_KEYS, TRAKT_KEYS};
use kometa_trakt::schema::json::{Strings, to_json};
use kometa_trakt::schema::{DRAFT_7_SAFE, Schema, TRAKT_SCHEMA, Violation};
use serde_json::{Value, json};

fn embedded() -> Value {
    serde_json::from_str(TRAKT_SCHEMA).expect("the embedded schema is JSON")
}

/// Every keyword of `schema` and its subschemas.
fn keywords(schema: &Value, found: &mut BTreeSet<String>) {
    let Some(object) = schema.as_object() else {
        return;
    };
    for (keyword, value) in object {
        found.insert(keyword.clone());
        match keyword.as_str() {
            "properties" => value
                .as_object()
                .into_iter()
                .flat_map(|p| p.values())
                .for_each(|s| keywords(s, found)),
            "anyOf" => value
                .as_array()
                .into_iter()
                .flatten()
                .for_each(|s| keywords(s, found)),
            "additionalProperties" => keywords(value, found),
            _ => {}
        }
    }
}

#[test]
fn the_embedded_schema_uses_only_keywords_that_mean_the_same_in_draft_7() {
    let schema = embedded();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let mut found = BTreeSet::new();
    keywords(&schema, &mut found);
    let unsafe_: Vec<&String> = found
        .iter()
        .filter(|k| !DRAFT_7_SAFE.contains(&k.as_str()))
        .collect();
    assert!(
        unsafe_.is_empty(),
        "{unsafe_:?} may differ between draft 7 and 2020-12: compile Schema::trakt as 2020-12 or check them"
    );
    assert!(found.len() > 10, "the walk saw {found:?}");
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
    let keys = TRAKT_KEYS.iter().chain(&["extra"]);
    let auth_keys = AUTH_KEYS.iter().chain(&["extra"]);
    for sample in &samples {
        out.push(json!({ "trakt": sample }));
        for &key in keys.clone() {
            let mut block = clean.clone();
            block[key] = sample.clone();
            out.push(json!({ "trakt": block }));
            let mut without = clean.clone();
            without.as_object_mut().map(|o| o.remove(key));
            out.push(json!({ "trakt": without }));
        }
        for &key in auth_keys.clone() {
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
fn draft_7_and_2020_12_readings_agree_on_every_instance() {
    let as_declared = Schema::compile(&embedded()).expect("compiles as 2020-12");
    let fast = Schema::trakt();
    let mut keywords_seen = BTreeSet::new();
    for instance in instances() {
        let declared: Vec<Violation> = as_declared.validate(&instance);
        assert_eq!(fast.validate(&instance), declared, "on {instance}");
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
