//! The embedded schema is compiled when the crate is built (see
//! `Schema::trakt`); these tests hold that validator to the one jsonschema
//! compiles at run time from the same file, as `--schema` would.

use std::collections::BTreeSet;

use crate::support;
use kometa_trakt::document::Document;
use kometa_trakt::kometa::{AUTH_KEYS, TRAKT_KEYS};
use kometa_trakt::schema::json::{Strings, to_json};
use kometa_trakt::schema::{Schema, TRAKT_SCHEMA, Violation};
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
