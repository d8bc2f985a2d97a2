//! Real configs (Kometa's own, bundled in `tests/data/configs/` with our
//! own configs of the shapes community configs take; and the workspace's
//! 30 real public configs of `../shared/corpus/kometa-configs/`): setting
//! the three values a renewal changes touches exactly their lines (or
//! inserts exactly the missing lines), and every other byte stays the same.
//! The expected bytes come from a line-based oracle written independently
//! of the editor, plus an explicit list of refusals.

use std::fs;

use crate::support::{configs, data, kt, shared, temp_file};

const ACCESS: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const REFRESH: &str = "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592";
const CREATED: &str = "1764200000";
const EDITS: [(&str, &str); 3] = [
    ("access_token", ACCESS),
    ("refresh_token", REFRESH),
    ("created_at", CREATED),
];

/// Files whose values are placeholders or redaction sequences: these keys
/// are refused (exit 2) and the others are still edited.
const REFUSED: &[(&str, &[&str], &str)] = &[
    (
        "kt-redacted-sequence",
        &["access_token", "refresh_token", "created_at"],
        "is a sequence, not a scalar",
    ),
    (
        "kt-placeholders-joined",
        &["access_token", "refresh_token"],
        "is the placeholder `<<TRAKT",
    ),
    (
        "kt-placeholders-sorted",
        &["access_token", "refresh_token"],
        "is the placeholder `<<TRAKT_",
    ),
    (
        "kt-dollar-templates",
        &["access_token", "refresh_token"],
        "is the placeholder `${PMM_TRAKT_",
    ),
    (
        "06_",
        &["access_token", "refresh_token", "created_at"],
        "is a sequence, not a scalar",
    ),
    (
        "10_",
        &["access_token", "refresh_token"],
        "is the placeholder `<<TRAKT",
    ),
    (
        "17_",
        &["access_token", "refresh_token"],
        "is the placeholder `<<TRAKT_",
    ),
    (
        "24_",
        &["access_token", "refresh_token"],
        "is the placeholder `${PMM_TRAKT_",
    ),
];

/// Files without a root `trakt` mapping.
const NOT_TRAKT: &[&str] = &["kt-jinja-template", "kt-nested-trakt", "28_", "29_"];

/// Files whose trakt block the line-based oracle cannot read: flow style
/// (tests/it/traps.rs covers flow edits byte by byte).
const NOT_LINES: &[&str] = &["kt-flow-authorization"];

/// The Jinja template that is not YAML, and the file whose `trakt` key is
/// nested, of each set.
const JINJA: [&str; 2] = ["kt-jinja-template", "28_"];
const NESTED: [&str; 2] = ["kt-nested-trakt", "29_"];

fn listed(name: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| name.starts_with(p))
}

fn bundled() -> Vec<(String, String)> {
    configs(&data("configs"))
}

fn workspace() -> Vec<(String, String)> {
    configs(&shared("corpus/kometa-configs"))
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_content(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#')
}

/// The lines (indices) of the block mapping under the key line `at`:
/// the child indent and every child key line.
fn children(lines: &[&str], at: usize) -> (usize, Vec<usize>) {
    let parent = indent(lines[at]);
    let mut child = None;
    let mut keys = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(at + 1) {
        if !is_content(line) {
            continue;
        }
        let n = indent(line);
        if n <= parent {
            break;
        }
        let c = *child.get_or_insert(n);
        if n == c {
            keys.push(i);
        }
    }
    (child.unwrap_or(parent + 2), keys)
}

fn key_of(line: &str) -> &str {
    line.trim_start().split(':').next().unwrap_or("")
}

/// The line with its value replaced the way a careful person would.
fn replaced(line: &str, key: &str, new: &str) -> String {
    let head = format!("{}{key}:", " ".repeat(indent(line)));
    let rest = &line[head.len()..];
    let body = rest.trim_end_matches(['\n', '\r']);
    let eol = &rest[body.len()..];
    let trimmed = body.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return format!("{head} {new}{rest}");
    }
    let gap = &body[..body.len() - trimmed.len()];
    let value_len = trimmed.find(" #").unwrap_or(trimmed.len());
    let value = trimmed[..value_len].trim_end();
    let tail = &trimmed[value.len()..];
    let rendered = match value.chars().next() {
        Some('"') => format!("\"{new}\""),
        Some('\'') => format!("'{new}'"),
        _ => new.to_string(),
    };
    format!("{head}{gap}{rendered}{tail}{eol}")
}

/// What the file should hold after the non-refused edits.
fn oracle(text: &str, refused: &[&str]) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let view: Vec<&str> = text.split_inclusive('\n').collect();
    let trakt = view
        .iter()
        .position(|l| l.starts_with("trakt:"))
        .expect("root trakt");
    let (trakt_indent, trakt_keys) = children(&view, trakt);
    let edits: Vec<(&str, &str)> = EDITS
        .iter()
        .copied()
        .filter(|(k, _)| !refused.contains(k))
        .collect();
    let auth = trakt_keys
        .iter()
        .copied()
        .find(|&i| key_of(view[i]) == "authorization");
    let mut inserts: Vec<(usize, String)> = Vec::new();
    match auth {
        Some(a) => {
            let (auth_indent, keys) = children(&view, a);
            let mut missing = String::new();
            for (key, new) in &edits {
                match keys.iter().find(|&&i| key_of(view[i]) == *key) {
                    Some(&i) => lines[i] = replaced(view[i], key, new),
                    None => missing.push_str(&format!("{}{key}: {new}\n", " ".repeat(auth_indent))),
                }
            }
            let after = keys.last().copied().unwrap_or(a);
            inserts.push((after, missing));
        }
        None => {
            let mut block = format!("{}authorization:\n", " ".repeat(trakt_indent));
            for (key, new) in &edits {
                block.push_str(&format!("{}{key}: {new}\n", " ".repeat(trakt_indent * 2)));
            }
            inserts.push((*trakt_keys.last().expect("trakt has keys"), block));
        }
    }
    for (after, mut block) in inserts {
        if !block.is_empty() && !lines[after].ends_with('\n') {
            lines[after].push('\n');
            block.pop();
        }
        lines[after].push_str(&block);
    }
    lines.concat()
}

/// Sets the three renewal values in every config of `files` with a root
/// trakt block; returns how many were checked.
fn renewal_values_change_exactly_their_lines(files: Vec<(String, String)>) -> usize {
    let mut checked = 0;
    for (name, text) in files {
        if listed(&name, NOT_TRAKT) || listed(&name, NOT_LINES) {
            continue;
        }
        let (refused, why) = REFUSED
            .iter()
            .find(|(p, _, _)| name.starts_with(p))
            .map_or((&[][..], ""), |(_, keys, why)| (*keys, *why));
        let (_dir, file) = temp_file("config.yml", text.as_bytes());
        let arg = file.to_str().unwrap();
        for (key, new) in EDITS {
            let path = format!("trakt.authorization.{key}");
            let r = kt(["set", arg, &path, new]).run();
            if refused.contains(&key) {
                assert_eq!(r.code, 2, "{name}: {key} should be refused");
                assert!(r.stderr.contains(why), "{name}: {}", r.stderr);
            } else {
                assert_eq!(r.code, 0, "{name}: {key}: {}", r.stderr);
            }
        }
        let after = fs::read_to_string(&file).unwrap();
        assert_eq!(after, oracle(&text, refused), "{name}");
        checked += 1;
    }
    checked
}

#[test]
fn renewal_values_change_exactly_their_lines_in_every_bundled_config() {
    assert_eq!(renewal_values_change_exactly_their_lines(bundled()), 21);
}

#[test]
#[ignore = "needs third-party configs not shipped with the source (their licences do not allow it)"]
fn renewal_values_change_exactly_their_lines_in_every_workspace_config() {
    assert_eq!(renewal_values_change_exactly_their_lines(workspace()), 28);
}

fn jinja_template_is_refused_and_left_untouched(files: Vec<(String, String)>) {
    let (name, text) = files
        .into_iter()
        .find(|(n, _)| listed(n, &JINJA))
        .expect("the set holds a Jinja template");
    let (_dir, file) = temp_file("config.yml", text.as_bytes());
    let r = kt(["set", file.to_str().unwrap(), "trakt.client_id", "x"]).run();
    assert_eq!(r.code, 2, "{name}");
    assert!(
        r.stderr
            .contains(":5:1: YAML syntax error: simple key expect ':'"),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), text);
}

fn nested_trakt_key_is_not_the_trakt_block(files: Vec<(String, String)>) {
    let (_, text) = files
        .into_iter()
        .find(|(n, _)| listed(n, &NESTED))
        .expect("the set holds a nested trakt key");
    let (_dir, file) = temp_file("config.yml", text.as_bytes());
    let r = kt(["get", file.to_str().unwrap(), "trakt.client_id"]).run();
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.ends_with("`trakt.client_id` is not set\n"),
        "{}",
        r.stderr
    );
    let nested = kt([
        "get",
        file.to_str().unwrap(),
        "templates.trakt.collection_mode",
    ])
    .run();
    assert_eq!((nested.code, nested.stdout.as_str()), (0, "hide\n"));
}

const NOT_SET: &str = "`trakt.authorization.scope` is not set\n";
const SEQUENCE: &str = "`trakt.authorization.scope` is a sequence, not a scalar\n";
const JINJA_SYNTAX: &str = ":5:1: YAML syntax error: simple key expect ':'\n";

/// What `get FILE trakt.authorization.scope` gives on each config of both
/// sets: exit 0 and the value (empty for a null), 1 and the end of the
/// message where no scope is set (no authorization values, or no root
/// `trakt`), 2 where it cannot be read: a sequence in its place, or a file
/// that is not YAML.
const SCOPE: &[(&str, i32, &str)] = &[
    ("01_", 0, "public\n"),
    ("02_", 0, "public\n"),
    ("03_", 0, "public\n"),
    ("04_", 0, "public\n"),
    ("05_", 0, "public\n"),
    ("06_", 2, SEQUENCE),
    ("07_", 0, "(redacted)\n"),
    ("08_", 0, "public\n"),
    ("09_", 0, "public\n"),
    ("10_", 0, "public\n"),
    ("11_", 1, NOT_SET),
    ("12_", 0, "public\n"),
    ("13_", 0, "public\n"),
    ("14_", 0, "public\n"),
    ("15_", 0, "public\n"),
    ("16_", 1, NOT_SET),
    ("17_", 0, "public\n"),
    ("19_", 1, NOT_SET),
    ("20_", 0, "\n"),
    ("21_", 0, "\n"),
    ("22_", 0, "public\n"),
    ("23_", 0, "public\n"),
    ("24_", 0, "public\n"),
    ("25_", 0, "\n"),
    ("26_", 0, "public<private>\n"),
    ("27_", 0, "public\n"),
    ("28_", 2, JINJA_SYNTAX),
    ("29_", 1, NOT_SET),
    ("30_", 0, "public\n"),
    ("31_", 0, "public\n"),
    ("kt-authorized-hex", 0, "public\n"),
    ("kt-comment-after-trakt", 1, NOT_SET),
    ("kt-crlf-bom-no-final-newline", 0, "public\n"),
    ("kt-dollar-templates", 0, "public\n"),
    ("kt-filled-words", 0, "public\n"),
    ("kt-flow-authorization", 0, "public\n"),
    ("kt-four-spaces-tabs-in-comments", 0, "public\n"),
    ("kt-hash-values", 1, NOT_SET),
    ("kt-jinja-quoted", 0, "public\n"),
    ("kt-jinja-template", 2, JINJA_SYNTAX),
    ("kt-nested-trakt", 1, NOT_SET),
    ("kt-placeholders-joined", 0, "public\n"),
    ("kt-placeholders-sorted-quoted-numbers", 0, "public\n"),
    ("kt-private-markers", 0, "public<private>\n"),
    ("kt-quoted-strings", 0, "public\n"),
    ("kt-redacted-angle-pin-last", 0, "public\n"),
    ("kt-redacted-parens", 0, "(redacted)\n"),
    ("kt-redacted-sequence", 2, SEQUENCE),
    ("kt-trailing-spaces", 0, "public\n"),
    ("kt-xxxx-redacted", 0, "public\n"),
];

/// Every config of `files` gives what [`SCOPE`] says: the exact exit code,
/// the value on stdout or the end of the message on stderr; no panic.
fn every_config_parses_or_is_refused_without_a_panic(files: Vec<(String, String)>) {
    for (name, text) in files {
        let (_dir, file) = temp_file("config.yml", text.as_bytes());
        let r = kt(["get", file.to_str().unwrap(), "trakt.authorization.scope"]).run();
        assert!(!r.stderr.contains("panicked"), "{name}: {}", r.stderr);
        let &(_, code, said) = SCOPE
            .iter()
            .find(|(p, ..)| name.starts_with(p))
            .unwrap_or_else(|| panic!("{name} has no row in SCOPE"));
        assert_eq!(r.code, code, "{name}: {}", r.stderr);
        if code == 0 {
            assert_eq!((r.stdout.as_str(), r.stderr.as_str()), (said, ""), "{name}");
        } else {
            assert_eq!(r.stdout, "", "{name}");
            assert!(r.stderr.ends_with(said), "{name}: {}", r.stderr);
        }
    }
}

#[test]
fn bundled_jinja_template_is_refused_and_left_untouched() {
    jinja_template_is_refused_and_left_untouched(bundled());
}

#[test]
#[ignore = "needs third-party configs not shipped with the source (their licences do not allow it)"]
fn workspace_jinja_template_is_refused_and_left_untouched() {
    jinja_template_is_refused_and_left_untouched(workspace());
}

#[test]
fn bundled_nested_trakt_key_is_not_the_trakt_block() {
    nested_trakt_key_is_not_the_trakt_block(bundled());
}

#[test]
#[ignore = "needs third-party configs not shipped with the source (their licences do not allow it)"]
fn workspace_nested_trakt_key_is_not_the_trakt_block() {
    nested_trakt_key_is_not_the_trakt_block(workspace());
}

#[test]
fn every_bundled_config_parses_or_is_refused_without_a_panic() {
    every_config_parses_or_is_refused_without_a_panic(bundled());
}

#[test]
#[ignore = "needs third-party configs not shipped with the source (their licences do not allow it)"]
fn every_workspace_config_parses_or_is_refused_without_a_panic() {
    every_config_parses_or_is_refused_without_a_panic(workspace());
}
