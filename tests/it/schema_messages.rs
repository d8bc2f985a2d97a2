//! `check --schema` with Kometa's own schema (tests/data/schemas/,
//! provenance in tests/data/MANIFEST.tsv) on a file of common mistakes:
//! each finding names the deepest wrong key or value, at its line and
//! column, with the closest valid spelling (exact output in
//! tests/data/schema/mistakes.out; `BLESS=1` rewrites it). No secret is
//! shown, and the JSON output lists every branch of a failed union.

use std::fs;

use crate::support::{data, kt, temp_file};

/// `check` with `args` in `dir`: exit code and stdout.
fn check(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let run = kt([&["check"], args].concat()).dir(dir).run();
    (run.code, run.stdout)
}

#[test]
fn common_mistakes_are_named_at_the_wrong_key_or_value_with_a_suggestion() {
    let dir = data("schema");
    let schema = data("schemas/kometa-config-schema.json");
    let (code, stdout) = check(
        &dir,
        &["--schema", schema.to_str().unwrap(), "mistakes.yml"],
    );
    let got = format!("{stdout}exit {code}\n");
    let expected = dir.join("mistakes.out");
    if std::env::var_os("BLESS").is_some() {
        fs::write(&expected, &got).unwrap();
    }
    assert_eq!(got, fs::read_to_string(expected).unwrap());
}

#[test]
fn the_json_output_lists_every_branch_of_a_failed_union() {
    let schema = data("schemas/kometa-config-schema.json");
    let (_, stdout) = check(
        &data("schema"),
        &[
            "--schema",
            schema.to_str().unwrap(),
            "--format",
            "json",
            "mistakes.yml",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let typo = doc["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("`defualt`"))
        .expect("the typo's finding");
    let notes = typo["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 23, "{notes:#?}");
    assert!(
        notes[0]
            .as_str()
            .unwrap()
            .starts_with("branch 1: /libraries/Movies/collection_files/1: ")
    );
}

#[test]
fn a_value_under_a_secret_key_is_masked_in_a_schema_message() {
    let schema = r#"{"type": "object", "properties": {"plex": {"type": "object",
        "properties": {"token": {"enum": ["a", "b"]}}}}}"#;
    let (dir, _) = temp_file("schema.json", schema.as_bytes());
    fs::write(
        dir.path().join("config.yml"),
        "plex:\n  token: S3cr3tS3cr3tS3cr3tS3cr3t\n",
    )
    .unwrap();
    let (code, stdout) = check(dir.path(), &["--schema", "schema.json", "config.yml"]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("`token` is `S3cr…(24 chars)`; expected one of a, b"),
        "{stdout}"
    );
    assert!(!stdout.contains("S3cr3tS3"), "{stdout}");
}
