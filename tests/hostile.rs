//! Hostile and huge inputs: a clear error (or the right result), no panic,
//! no partial write, bounded memory.

mod support;

use std::fs;

use kometa_trakt::persist::Method;
use kometa_trakt::persist::write::WriteError;
use std::process::Command;

use support::{run, temp_file};

fn check(file: &std::path::Path) -> support::Run {
    run(&["check", "--format", "json", file.to_str().unwrap()])
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
    let set = run(&["set", file.to_str().unwrap(), "trakt.client_id", "x"]);
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
    let r = run(&["set", file.to_str().unwrap(), "trakt.client_id", "new"]);
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
    let out = Command::new("prlimit")
        .arg(format!("--as={}", 360 * 1024 * 1024))
        .arg(env!("CARGO_BIN_EXE_kometa-trakt"))
        .args(["check", "--format", "json", file.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
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
    let set = run(&["set", file.to_str().unwrap(), "trakt.pin", "x"]);
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
    let set = run(&["set", fifo.to_str().unwrap(), "trakt.pin", "x"]);
    assert_eq!(
        (set.code, set.stderr.contains("not a regular file")),
        (2, true)
    );
}

#[test]
fn a_file_changed_or_gone_between_read_and_write_is_not_overwritten() {
    let (_dir, file) = temp_file("config.yml", b"trakt:\n  pin: a\n");
    let loaded = kometa_trakt::persist::read(&file).unwrap();
    fs::write(&file, "trakt:\n  pin: someone else's edit\n").unwrap();
    let write = |text: &str| {
        kometa_trakt::persist::write::write(&loaded.target, &loaded.text, text, Method::Rename)
    };
    let err = write("trakt:\n  pin: b\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "the file changed since it was read; nothing was written"
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "trakt:\n  pin: someone else's edit\n"
    );
    fs::remove_file(&file).unwrap();
    assert!(matches!(
        write("x").unwrap_err(),
        WriteError::Io(e) if e.kind() == std::io::ErrorKind::NotFound
    ));
    assert!(!file.exists());
}
