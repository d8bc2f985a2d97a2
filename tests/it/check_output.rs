//! `check` outputs other than the per-rule text: json, github and sarif for
//! a file with many findings, several files per call, positions in unusual
//! files, secrets never shown, and the real-world corpus.

use std::fs;

use crate::support;
use crate::support::{NOW, data, fixture, kt, shared, temp_file};
use serde_json::Value;

fn check_in(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let r = kt(["check"])
        .args(args)
        .dir(dir)
        .env("KOMETA_TRAKT_NOW", NOW)
        .run();
    (r.code, r.stdout, r.stderr)
}

#[test]
fn json_github_and_sarif_outputs_are_exact() {
    let dir = fixture("formats");
    for format in ["json", "github", "sarif"] {
        let (code, stdout, stderr) = check_in(&dir, &["--format", format, "many.yml"]);
        assert_eq!(stderr, "");
        let expected = fs::read_to_string(dir.join(format!("many.{format}.out"))).unwrap();
        assert_eq!(format!("{stdout}exit {code}\n"), expected, "{format}");
    }
}

#[test]
fn github_format_is_chosen_inside_github_actions() {
    let dir = fixture("formats");
    let out = kt(["check", "many.yml"])
        .dir(&dir)
        .env("KOMETA_TRAKT_NOW", NOW)
        .env("GITHUB_ACTIONS", "true")
        .run();
    let expected = fs::read_to_string(dir.join("many.github.out")).unwrap();
    assert_eq!(format!("{}exit {}\n", out.stdout, out.code), expected);
}

#[test]
fn sarif_output_validates_against_the_sarif_schema() {
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(data("schemas/sarif-schema-2.1.0.json")).unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("SARIF schema compiles");
    let (_, stdout, _) = check_in(
        &fixture("formats"),
        &["--format", "sarif", "many.yml", "missing.yml"],
    );
    let log: Value = serde_json::from_str(&stdout).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 12);
}

#[test]
fn json_output_has_the_documented_shape() {
    let (code, stdout, _) = check_in(
        &fixture("formats"),
        &["--format", "json", "many.yml", "missing.yml"],
    );
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["version"], 1);
    assert_eq!(
        doc["summary"],
        serde_json::json!({"errors": 4, "warnings": 8, "notes": 0, "files": 2})
    );
    let missing = &doc["files"][1];
    assert_eq!(missing["path"], "missing.yml");
    assert_eq!(missing["diagnostics"][0]["rule"], "unreadable");
    assert_eq!(missing["diagnostics"][0]["range"], Value::Null);
}

#[test]
fn a_missing_file_is_a_finding_and_the_others_are_still_checked() {
    let dir = fixture("check");
    let (code, stdout, _) = check_in(&dir, &["clean.yml", "nope.yml", "credential-format.yml"]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("nope.yml: error[unreadable]: cannot read: No such file or directory\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("credential-format.yml:2:14: warning[credential-format]"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("1 error, 1 warning in 3 files\n"),
        "{stdout}"
    );
}

#[test]
fn positions_count_characters_after_non_ascii_crlf_and_bom() {
    let body =
        "# Überschrift — 日本語 ✓\r\ntrakt:\r\n  client_id: ünïcödé\r\n  client_secret: abc\r\n";
    for (prefix, name) in [("", "crlf"), ("\u{feff}", "bom")] {
        let (dir, _) = temp_file("c.yml", format!("{prefix}{body}").as_bytes());
        let (_, stdout, _) = check_in(dir.path(), &["--format", "github", "c.yml"]);
        assert!(
            stdout.contains("::warning file=c.yml,line=3,col=14,endLine=3,endColumn=20,title=kometa-trakt credential-format::"),
            "{name}: {stdout}"
        );
        let (_, text, _) = check_in(dir.path(), &["c.yml"]);
        assert!(
            text.contains("3 |   client_id: ünïcödé\n  |              ^^^^^^^\n"),
            "{name}: {text}"
        );
    }
}

#[test]
fn no_output_format_ever_shows_a_secret() {
    let secrets = [
        "zq9SECRETzq9f00dfeedbeefcafe0123456789",
        "7777SECRETPIN",
        "ccSECRETclientsecret000000000000000000",
    ];
    let text = format!(
        "trakt:\n  client_id: abc\n  client_secret: {}\n  pin: {}\n  authorization:\n    access_token: {}\n    token_type: nope\n    expires_in: x\n    refresh_token: {}\n    scope: 1\n    created_at: 1\n    access_token: {}\n",
        secrets[2], secrets[1], secrets[0], secrets[0], secrets[0]
    );
    let broken = format!("trakt:\n  access_token: {}: : [\n", secrets[0]);
    for content in [text, broken] {
        let (dir, _) = temp_file("c.yml", content.as_bytes());
        for format in ["text", "json", "github", "sarif"] {
            for extra in [
                &[][..],
                &["--no-plaintext-secrets", "--require-valid-for", "1d"][..],
            ] {
                let mut args = vec!["--format", format, "c.yml"];
                args.extend_from_slice(extra);
                let (_, stdout, stderr) = check_in(dir.path(), &args);
                for s in secrets {
                    assert!(
                        !stdout.contains(&s[..8]) && !stderr.contains(&s[..8]),
                        "{format} {extra:?} shows {s}:\n{stdout}"
                    );
                }
            }
        }
    }
}

/// The findings a reader of each real config expects: rule ids in order;
/// every bundled config is listed.
const CORPUS: &[(&str, &[&str])] = &[
    (
        "01_",
        &[
            "kometa-will-rewrite",
            "missing-credential",
            "missing-credential",
            "not-authorized",
        ],
    ),
    (
        "02_",
        &[
            "kometa-will-rewrite",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "token-expired",
        ],
    ),
    (
        "03_",
        &[
            "kometa-will-rewrite",
            "value-whitespace",
            "value-whitespace",
            "not-authorized",
        ],
    ),
    (
        "31_",
        &[
            "kometa-will-rewrite",
            "missing-credential",
            "missing-credential",
            "not-authorized",
        ],
    ),
    ("kt-authorized-hex", &["token-expired"]),
    (
        "kt-comment-after-trakt",
        &[
            "kometa-will-rewrite",
            "credential-format",
            "credential-format",
            "not-authorized",
        ],
    ),
    ("kt-crlf-bom-no-final-newline", &["token-expired"]),
    (
        "kt-dollar-templates",
        &[
            "kometa-will-rewrite",
            "template-placeholder",
            "template-placeholder",
            "authorization-incomplete",
            "authorization-incomplete",
            "template-placeholder",
            "template-placeholder",
        ],
    ),
    (
        "kt-filled-words",
        &[
            "kometa-will-rewrite",
            "credential-format",
            "credential-format",
            "token-expired",
        ],
    ),
    (
        "kt-flow-authorization",
        &["placeholder-unset", "placeholder-unset", "token-expired"],
    ),
    ("kt-four-spaces-tabs-in-comments", &["token-expired"]),
    (
        "kt-hash-values",
        &[
            "kometa-will-rewrite",
            "not-authorized",
            "missing-credential",
            "missing-credential",
        ],
    ),
    (
        "kt-jinja-quoted",
        &[
            "kometa-will-rewrite",
            "missing-credential",
            "missing-credential",
            "not-authorized",
        ],
    ),
    ("kt-jinja-template", &["yaml-syntax"]),
    ("kt-nested-trakt", &["no-trakt"]),
    (
        "kt-placeholders-joined",
        &[
            "placeholder-unset",
            "placeholder-unset",
            "placeholder-unset",
            "placeholder-unset",
            "token-expired",
        ],
    ),
    (
        "kt-placeholders-sorted-quoted-numbers",
        &[
            "placeholder-unset",
            "quoted-number",
            "token-expired",
            "quoted-number",
            "placeholder-unset",
            "placeholder-unset",
            "placeholder-unset",
        ],
    ),
    (
        "kt-private-markers",
        &[
            "kometa-will-rewrite",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
        ],
    ),
    (
        "kt-quoted-strings",
        &[
            "kometa-will-rewrite",
            "value-whitespace",
            "value-whitespace",
            "value-whitespace",
            "value-whitespace",
            "authorization-incomplete",
        ],
    ),
    (
        "kt-redacted-angle-pin-last",
        &[
            "kometa-will-rewrite",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
        ],
    ),
    (
        "kt-redacted-parens",
        &[
            "kometa-will-rewrite",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
        ],
    ),
    (
        "kt-redacted-sequence",
        &[
            "kometa-will-rewrite",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
        ],
    ),
    (
        "kt-trailing-spaces",
        &[
            "kometa-will-rewrite",
            "missing-credential",
            "missing-credential",
            "not-authorized",
        ],
    ),
    (
        "kt-xxxx-redacted",
        &[
            "kometa-will-rewrite",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "token-expired",
        ],
    ),
    (
        "04_",
        &[
            "kometa-will-rewrite",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "token-expired",
        ],
    ),
    (
        "05_",
        &["missing-credential", "missing-credential", "not-authorized"],
    ),
    (
        "06_",
        &[
            "kometa-will-rewrite",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
        ],
    ),
    (
        "07_",
        &[
            "kometa-will-rewrite",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
        ],
    ),
    (
        "08_",
        &[
            "kometa-will-rewrite",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
        ],
    ),
    (
        "09_",
        &[
            "kometa-will-rewrite",
            "value-whitespace",
            "value-whitespace",
            "value-whitespace",
            "value-whitespace",
            "authorization-incomplete",
        ],
    ),
    (
        "10_",
        &[
            "placeholder-unset",
            "placeholder-unset",
            "placeholder-unset",
            "placeholder-unset",
            "token-expired",
        ],
    ),
    (
        "11_",
        &[
            "kometa-will-rewrite",
            "not-authorized",
            "missing-credential",
            "missing-credential",
        ],
    ),
    (
        "12_",
        &[
            "kometa-will-rewrite",
            "missing-credential",
            "missing-credential",
            "not-authorized",
        ],
    ),
    (
        "13_",
        &[
            "kometa-will-rewrite",
            "missing-credential",
            "missing-credential",
            "not-authorized",
        ],
    ),
    (
        "14_",
        &[
            "kometa-will-rewrite",
            "missing-credential",
            "missing-credential",
            "not-authorized",
        ],
    ),
    (
        "15_",
        &[
            "kometa-will-rewrite",
            "missing-credential",
            "missing-credential",
            "not-authorized",
        ],
    ),
    (
        "16_",
        &[
            "kometa-will-rewrite",
            "not-authorized",
            "missing-credential",
            "missing-credential",
        ],
    ),
    (
        "17_",
        &[
            "placeholder-unset",
            "quoted-number",
            "token-expired",
            "quoted-number",
            "placeholder-unset",
            "placeholder-unset",
            "placeholder-unset",
        ],
    ),
    (
        "19_",
        &[
            "kometa-will-rewrite",
            "credential-format",
            "credential-format",
            "not-authorized",
        ],
    ),
    (
        "20_",
        &[
            "kometa-will-rewrite",
            "missing-credential",
            "missing-credential",
            "not-authorized",
        ],
    ),
    (
        "21_",
        &[
            "kometa-will-rewrite",
            "placeholder-unset",
            "placeholder-unset",
            "not-authorized",
        ],
    ),
    (
        "22_",
        &["missing-credential", "missing-credential", "not-authorized"],
    ),
    (
        "23_",
        &[
            "kometa-will-rewrite",
            "credential-format",
            "credential-format",
            "token-expired",
        ],
    ),
    (
        "24_",
        &[
            "kometa-will-rewrite",
            "template-placeholder",
            "template-placeholder",
            "authorization-incomplete",
            "authorization-incomplete",
            "template-placeholder",
            "template-placeholder",
        ],
    ),
    ("25_", &["kometa-will-rewrite", "not-authorized"]),
    (
        "26_",
        &[
            "kometa-will-rewrite",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
        ],
    ),
    (
        "27_",
        &[
            "kometa-will-rewrite",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "redacted-value",
            "token-expired",
        ],
    ),
    ("28_", &["yaml-syntax"]),
    ("29_", &["no-trakt"]),
    (
        "30_",
        &[
            "kometa-will-rewrite",
            "missing-credential",
            "missing-credential",
            "not-authorized",
        ],
    ),
];

/// Checks every config of `dir` and compares its rule ids with [`CORPUS`],
/// and its exit code with its errors (1 with any, else 0). Returns the
/// names of the files that have no expectation there, and the prefixes of
/// [`CORPUS`] that matched a file.
fn configs_give_the_findings_a_reader_expects(
    dir: &std::path::Path,
) -> (Vec<String>, Vec<&'static str>) {
    let (mut unlisted, mut matched) = (Vec::new(), Vec::new());
    for (name, _) in support::configs(dir) {
        let (code, stdout, stderr) = check_in(dir, &["--format", "json", &name]);
        assert_eq!(stderr, "", "{name}");
        let doc: Value = serde_json::from_str(&stdout).unwrap();
        let errors = doc["summary"]["errors"].as_u64().unwrap();
        assert_eq!(code, i32::from(errors > 0), "{name}: {errors} errors");
        let rules: Vec<&str> = doc["files"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap())
            .collect();
        match CORPUS.iter().find(|(p, _)| name.starts_with(p)) {
            Some((prefix, expected)) => {
                assert_eq!(&rules, expected, "{name}");
                matched.push(*prefix);
            }
            None => unlisted.push(name),
        }
    }
    (unlisted, matched)
}

/// The prefixes of [`CORPUS`] that `matched` lacks, of those `keep` selects.
fn unmatched(matched: &[&str], keep: impl Fn(&str) -> bool) -> Vec<&'static str> {
    CORPUS
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| keep(p) && !matched.contains(p))
        .collect()
}

#[test]
fn bundled_configs_give_the_findings_a_reader_expects() {
    let (unlisted, matched) = configs_give_the_findings_a_reader_expects(&data("configs"));
    assert_eq!(unlisted, Vec::<String>::new(), "no expectation for these");
    // Our own configs (`kt-`) are all bundled: none is expected in vain.
    let missing = unmatched(&matched, |p| p.starts_with("kt-"));
    assert_eq!(missing, Vec::<&str>::new(), "expected, but not bundled");
}

#[test]
#[ignore = "needs third-party configs not shipped with the source (their licences do not allow it)"]
fn workspace_configs_give_the_findings_a_reader_expects() {
    let (unlisted, matched) =
        configs_give_the_findings_a_reader_expects(&shared("corpus/kometa-configs"));
    assert_eq!(unlisted, Vec::<String>::new(), "no expectation for these");
    // The corpus's configs are numbered: each numbered row has its file.
    let missing = unmatched(&matched, |p| p.starts_with(|c: char| c.is_ascii_digit()));
    assert_eq!(
        missing,
        Vec::<&str>::new(),
        "expected, but not in the corpus"
    );
}

/// Checks every config of `dir` against Kometa's own schema: every
/// finding is on a line of its file. Returns how many there are.
fn kometas_own_schema_findings(dir: &std::path::Path) -> usize {
    let schema = data("schemas/kometa-config-schema.json");
    let names: Vec<String> = support::configs(dir)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let (code, stdout, stderr) = check_in(
        dir,
        &[
            &["--format", "json", "--schema", schema.to_str().unwrap()][..],
            &names.iter().map(String::as_str).collect::<Vec<_>>(),
        ]
        .concat(),
    );
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let mut schema_findings = 0;
    for file in doc["files"].as_array().unwrap() {
        let lines = fs::read_to_string(dir.join(file["path"].as_str().unwrap()))
            .unwrap()
            .lines()
            .count();
        for d in file["diagnostics"].as_array().unwrap() {
            if d["rule"] == "schema" {
                schema_findings += 1;
                let line = d["range"]["start"]["line"].as_u64().unwrap() as usize;
                assert!((1..=lines).contains(&line), "{}: line {line}", file["path"]);
            }
        }
    }
    schema_findings
}

#[test]
fn kometas_own_schema_checks_every_bundled_config_with_positions() {
    assert_eq!(kometas_own_schema_findings(&data("configs")), 19);
    // The docs' own `pin: 12345` example fails Kometa's schema too; one such finding, positioned:
    let schema = data("schemas/kometa-config-schema.json");
    let (_, text, _) = check_in(
        &fixture("check"),
        &["--schema", schema.to_str().unwrap(), "pin-type.yml"],
    );
    assert!(
        text.contains(
            "pin-type.yml:4:8: error[schema]: `trakt.pin` is a number; expected null or string"
        ),
        "{text}"
    );
}

#[test]
#[ignore = "needs third-party configs not shipped with the source (their licences do not allow it)"]
fn kometas_own_schema_checks_every_workspace_config_with_positions() {
    let found = kometas_own_schema_findings(&shared("corpus/kometa-configs"));
    assert!(
        found > 50,
        "Kometa's schema finds plenty in real configs: {found}"
    );
}

#[test]
fn colour_when_asked_and_never_with_no_color() {
    let dir = fixture("check");
    let (_, plain, _) = check_in(&dir, &["pin-type.yml"]);
    assert!(!plain.contains('\x1b'));
    let (_, coloured, _) = check_in(&dir, &["--color", "always", "pin-type.yml"]);
    assert!(
        coloured.starts_with("\x1b[1mpin-type.yml:4:8\x1b[0m: \x1b[1;31merror[pin-type]\x1b[0m: "),
        "{coloured}"
    );
    assert!(coloured.contains("\x1b[1;31m^^^^\x1b[0m"), "{coloured}");
}
