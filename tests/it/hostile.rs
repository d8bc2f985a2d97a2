//! Hostile and huge inputs: a clear error (or the right result), no panic,
//! no partial write, bounded memory.

use std::ffi::OsStr;
use std::fs;
use std::process::Command;

use crate::support;
use crate::support::{kt, temp_file};

fn check(file: &std::path::Path) -> support::Run {
    kt(["check", "--format", "json", file.to_str().unwrap()]).run()
}

fn rules(r: &support::Run) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|_| panic!("not JSON: {} {}", r.stdout, r.stderr));
    doc["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}: {}",
                d["rule"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn nesting_100k_levels_deep_is_refused() {
    let text = format!(
        "trakt:\n  client_id: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (_dir, file) = temp_file("config.yml", text.as_bytes());
    let r = check(&file);
    assert_eq!(r.code, 1);
    assert_eq!(
        rules(&r),
        ["yaml-syntax: YAML syntax error: recursion limit exceeded"]
    );
    let set = kt(["set", file.to_str().unwrap(), "trakt.client_id", "x"]).run();
    assert_eq!(set.code, 2);
    assert!(
        set.stderr
            .contains(": YAML syntax error: recursion limit exceeded"),
        "{}",
        set.stderr
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), text);
}

const BOMB: &str = "a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
trakt:
  client_id: old
";

#[test]
fn an_alias_bomb_is_edited_without_expanding_it() {
    let (_dir, file) = temp_file("config.yml", BOMB.as_bytes());
    let r = kt(["set", file.to_str().unwrap(), "trakt.client_id", "new"]).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        BOMB.replace("client_id: old", "client_id: new")
    );
    let c = check(&file);
    assert_eq!(
        rules(&c),
        [
            "kometa-will-rewrite: Kometa's first run will rewrite the whole file to add `pin`, `force_refresh`: quotes, comment columns, CRLF and a BOM are lost",
            "not-authorized: `trakt` is not authorized: it holds no tokens and no usable PIN: Kometa would prompt for a PIN, which fails without a terminal (Docker, cron)",
            "missing-credential: `trakt.client_secret` is missing: Kometa adds it empty by rewriting the whole file, then runs without Trakt",
            "credential-format: `trakt.client_id` is not 64 hex characters, the form of Trakt credentials"
        ]
    );
    let bombed = format!("{BOMB}  extra: [*i, *i]\n");
    let (_dir, file) = temp_file("config.yml", bombed.as_bytes());
    let c = check(&file);
    assert_eq!(
        rules(&c),
        ["alias-expansion: aliases expand to more than a million nodes; not validated"]
    );
}

#[test]
fn a_100_mb_line_is_checked_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.yml");
    let mut text = String::with_capacity(100_000_100);
    text.push_str("trakt:\n  client_id: abc\n  client_secret: def\n  pin: '7F3A9C21'\n  force_refresh: false\nnote: \"");
    text.extend(std::iter::repeat_n('x', 100_000_000));
    text.push_str("\"\n");
    fs::write(&file, &text).unwrap();
    drop(text);
    // Address space for the file three times over plus 60 MB: the check
    // holds the text once and never copies it whole.
    let out = kt(["check", "--format", "json", file.to_str().unwrap()])
        .via("prlimit", [format!("--as={}", 360 * 1024 * 1024)])
        .run();
    let stdout = out.stdout;
    assert_eq!(out.code, 0, "{stdout} {}", out.stderr);
    assert!(
        stdout.contains("\"rule\": \"credential-format\""),
        "{stdout}"
    );
}

#[test]
fn nul_bytes_utf16_and_invalid_utf8_get_clear_errors() {
    let (_dir, file) = temp_file("config.yml", &[0u8; 4096]);
    let r = check(&file);
    assert_eq!(r.code, 1);
    assert!(
        rules(&r)[0].starts_with("yaml-syntax: YAML syntax error"),
        "{:?}",
        rules(&r)
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("trakt:\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let (_dir, file) = temp_file("config.yml", &utf16);
    let r = check(&file);
    assert_eq!(
        rules(&r),
        ["unreadable: cannot read: UTF-16 text: save the file as UTF-8"]
    );
    let set = kt(["set", file.to_str().unwrap(), "trakt.pin", "x"]).run();
    assert_eq!(set.code, 2);
    assert_eq!(fs::read(&file).unwrap(), utf16);
    let (_dir, file) = temp_file("config.yml", b"trakt:\n  client_id: \xC3\x28\n");
    assert_eq!(
        rules(&check(&file)),
        ["unreadable: cannot read: not UTF-8 text (invalid byte at offset 20)"]
    );
}

#[test]
fn a_fifo_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("config.yml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let r = check(&fifo);
    assert_eq!(rules(&r), ["unreadable: cannot read: not a regular file"]);
    let set = kt(["set", fifo.to_str().unwrap(), "trakt.pin", "x"]).run();
    assert_eq!(
        (set.code, set.stderr.contains("not a regular file")),
        (2, true)
    );
}

/// GNU time, which measures the peak resident memory of a process.
const GNU_TIME: &str = "/usr/bin/time";

/// The peak resident memory (KiB) and the output sizes of `check` on `file`
/// in `format` (GNU time measures it).
fn peak_and_output(file: &std::path::Path, format: &str) -> (u64, usize, usize) {
    assert!(
        std::path::Path::new(GNU_TIME).is_file(),
        "this test needs GNU time at {GNU_TIME} (Debian: apt install time; .ci/run installs it)"
    );
    let rss_file = file.with_extension(format!("{format}.rss"));
    let out = kt(["check", "--format", format])
        .arg(file)
        .via(
            GNU_TIME,
            [
                OsStr::new("-f"),
                OsStr::new("%M"),
                OsStr::new("-o"),
                rss_file.as_os_str(),
            ],
        )
        .run();
    let rss = fs::read_to_string(&rss_file).unwrap();
    (
        rss.lines()
            .last()
            .unwrap_or_default()
            .trim()
            .parse()
            .unwrap(),
        out.stdout.len(),
        out.stderr.len(),
    )
}

#[test]
fn a_20_mb_value_gives_a_short_output_in_bounded_memory_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.yml");
    let long = "y".repeat(20_000_000);
    let text = format!(
        "trakt:\n  client_id: {long}\n  client_secret: b\n  {long}: 1\n  pin:\n  force_refresh: false\n  authorization:\n"
    );
    fs::write(&file, &text).unwrap();
    let budget = 2 * text.len() as u64 / 1024 + 8 * 1024;
    // The four runs at once, each measured on its own: the suite's slowest
    // test runs its checks side by side rather than one after another.
    let runs: Vec<_> = ["text", "json", "github", "sarif"]
        .into_iter()
        .map(|format| {
            let file = file.clone();
            (
                format,
                std::thread::spawn(move || peak_and_output(&file, format)),
            )
        })
        .collect();
    for (format, run) in runs {
        let (peak, stdout, stderr) = run.join().expect("the run finished");
        assert!(
            peak <= budget,
            "{format}: {peak} KiB, over twice the file plus 8 MiB ({budget} KiB)"
        );
        // SARIF also describes every rule of the registry (over 20 KB of
        // its own): what matters is that the value is not echoed.
        let most = if format == "sarif" { 64_000 } else { 20_000 };
        assert!(
            stdout < most && stderr == 0,
            "{format}: {stdout} bytes of output"
        );
    }
}

#[test]
fn trailing_unicode_spaces_after_a_value_are_edited_exactly() {
    for space in [
        '\u{a0}', '\u{2009}', '\u{3000}', '\u{1680}', '\u{2028}', '\u{2029}',
    ] {
        let before =
            format!("trakt:\n  authorization:\n    scope: public{space}\n    token_type: x\n");
        let (run, after) = support::set(&before, "trakt.authorization.scope", "private", &[]);
        assert_eq!(run.code, 0, "U+{:04X}: {}", space as u32, run.stderr);
        assert_eq!(
            after,
            before.replace(&format!("public{space}"), "private"),
            "U+{:04X}",
            space as u32
        );
    }
}

#[test]
fn alias_keys_and_merge_keys_are_read_as_yaml_reads_them() {
    let text = "\
defaults: &base
  client_secret: 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d
names:
  - &k refresh_token
trakt:
  <<: *base
  client_id: 4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f
  pin:
  force_refresh: false
  authorization:
    access_token: a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90
    token_type: Bearer
    expires_in: 86400
    *k : 0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0
    scope: public
    created_at: 1795860000
";
    let (_dir, file) = temp_file("config.yml", text.as_bytes());
    let path = file.to_str().unwrap();
    let secret = kt(["get", path, "trakt.client_secret", "--show-secrets"]).run();
    assert_eq!(
        (secret.code, secret.stdout.as_str()),
        (
            0,
            "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d\n"
        )
    );
    let refresh = kt(["get", path, "trakt.authorization.refresh_token"]).run();
    assert_eq!(
        (refresh.code, refresh.stdout.as_str()),
        (0, "0f9e…(64 chars)\n")
    );
    let c = kt(["check", "--format", "json", path]).run();
    let rules: Vec<String> = serde_json::from_str::<serde_json::Value>(&c.stdout).unwrap()["files"]
        [0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !rules
            .iter()
            .any(|r| r.starts_with("authorization") || r == "missing-credential"),
        "{rules:?}"
    );
    // Editing through them is refused, clearly: never a second key.
    let set = kt(["set", path, "trakt.authorization.refresh_token", "x"]).run();
    assert_eq!(set.code, 2);
    assert!(
        set.stderr
            .contains("`refresh_token` in `trakt.authorization` is written as an alias"),
        "{}",
        set.stderr
    );
    let set = kt(["set", path, "trakt.client_secret", "x"]).run();
    assert_eq!(set.code, 2);
    assert!(
        set.stderr
            .contains("`client_secret` in `trakt` comes from the merge key at line 6"),
        "{}",
        set.stderr
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), text);
}
