//! A schema the user names (`--schema`) is compiled, for the first
//! document, from only the part that document's keys reach; a later
//! document with other keys gets the whole schema. These tests hold the
//! pruned validator to the whole one on Kometa's own schema, and show what
//! a schema that does not compile does to a run.

use std::fs;
use std::path::Path;

use crate::support::{Run, kt, temp_file};

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
