//! A schema the user names (`--schema`) is compiled, for the first
//! document, from only the part that document's keys reach; a later
//! document with other keys gets the whole schema. These tests hold the
//! pruned validator to the whole one on Kometa's own schema, and show what
//! a schema that does not compile does to a run.

mod support;

use std::fs;

use kometa_trakt::document::Document;
use kometa_trakt::schema::json::{Strings, to_json};
use kometa_trakt::schema::{Schema, Violation};
use serde_json::{Value, json};
use support::{bin, data, fixture, temp_file};

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
    let out = bin()
        .current_dir(dir.path())
        .args(["check", "--schema", schema.to_str().unwrap(), "reaches.yml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!(
            "kometa-trakt: --schema {}: not a valid JSON Schema: ",
            schema.display()
        )),
        "{stderr}"
    );
}

#[test]
fn a_part_of_the_schema_no_key_reaches_is_not_compiled() {
    // Like Python's jsonschema (which compiles a pattern when it first
    // applies it), a broken part that no key of the file reaches does not
    // stop the check of that file.
    let (dir, schema) = temp_file("broken.json", BROKEN.as_bytes());
    fs::write(dir.path().join("elsewhere.yml"), "other: x\n").unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args([
            "check",
            "--schema",
            schema.to_str().unwrap(),
            "elsewhere.yml",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_malformed_keyword_anywhere_is_refused_before_any_file_is_read() {
    let malformed = r#"{ "definitions": { "unused": { "type": "strin" } } }"#;
    let (dir, schema) = temp_file("malformed.json", malformed.as_bytes());
    let out = bin()
        .current_dir(dir.path())
        .args(["check", "--schema", schema.to_str().unwrap(), "missing.yml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "kometa-trakt: --schema {}: not a valid JSON Schema: at /definitions/unused/type: \
             value is not one of \"array\", \"boolean\" or 5 other candidates\n",
            schema.display()
        )
    );
}
