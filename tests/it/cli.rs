//! `get` and `set` through the real binary: exact output, exit codes, diffs,
//! masking of secrets.

use std::fs;

use crate::support;
use crate::support::{fixture, kt, set, temp_file};

const CONFIG: &str = "trakt:
  client_id: 4f2a9c1e7b3d8a6f
  client_secret: \"9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b\"   # from trakt.tv
  pin:
  authorization:
    access_token: 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
    expires_in: 86400            # 24 hours
    refresh_token: 0f9e8d7c6b5a49382716a5b4c3d2e1f0
    created_at: 1764115200
";

/// A distinctive secret that must never appear in any output.
const SECRET: &str = "zq9SECRETzq9f00dfeedbeefcafe0123456789";

fn get(path: &str, extra: &[&str]) -> support::Run {
    let (_dir, file) = temp_file("config.yml", CONFIG.as_bytes());
    let mut args = vec!["get", file.to_str().unwrap(), path];
    args.extend_from_slice(extra);
    kt(&args).run()
}

#[test]
fn get_prints_the_decoded_value() {
    let r = get("trakt.client_id", &[]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "4f2a9c1e7b3d8a6f\n", "")
    );
    assert_eq!(get("trakt.authorization.expires_in", &[]).stdout, "86400\n");
}

#[test]
fn get_masks_secrets_unless_asked() {
    assert_eq!(get("trakt.client_secret", &[]).stdout, "9e8d…(32 chars)\n");
    assert_eq!(
        get("trakt.authorization.access_token", &[]).stdout,
        "a1b2…(32 chars)\n"
    );
    assert_eq!(
        get("trakt.authorization.access_token", &["--show-secrets"]).stdout,
        "a1b2c3d4e5f60718293a4b5c6d7e8f90\n"
    );
}

#[test]
fn get_of_a_null_prints_an_empty_line() {
    let r = get("trakt.pin", &[]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "\n"));
}

#[test]
fn get_of_a_missing_path_exits_1() {
    let r = get("trakt.force_refresh", &[]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert!(
        r.stderr
            .ends_with("config.yml: `trakt.force_refresh` is not set\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn get_of_a_mapping_exits_2() {
    let r = get("trakt.authorization", &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .ends_with("config.yml:6:5: `trakt.authorization` is a mapping, not a scalar\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn dry_run_prints_a_masked_diff_and_writes_nothing() {
    let (r, after) = set(
        CONFIG,
        "trakt.authorization.access_token",
        SECRET,
        &["--dry-run"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(after, CONFIG);
    let name = r
        .stdout
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("--- ")
        .to_string();
    assert_eq!(
        r.stdout,
        format!(
            "--- {name}\n+++ {name}\n@@ -3,7 +3,7 @@\n   client_secret: \"9e8d…(32 chars)\"   # from trakt.tv\n   pin:\n   authorization:\n-    access_token: 'a1b2…(32 chars)'\n+    access_token: 'zq9S…(38 chars)'\n     expires_in: 86400            # 24 hours\n     refresh_token: 0f9e…(32 chars)\n     created_at: 1764115200\n"
        )
    );
}

#[test]
fn diff_prints_what_was_written() {
    let (r, after) = set(
        CONFIG,
        "trakt.authorization.created_at",
        "1764200000",
        &["--diff"],
    );
    assert_eq!(r.code, 0);
    assert_eq!(
        after,
        CONFIG.replace("created_at: 1764115200", "created_at: 1764200000")
    );
    assert!(
        r.stdout
            .ends_with("-    created_at: 1764115200\n+    created_at: 1764200000\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn check_exits_1_when_the_file_would_change_and_writes_nothing() {
    let (r, after) = set(
        CONFIG,
        "trakt.authorization.created_at",
        "1764200000",
        &["--check"],
    );
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert!(
        r.stderr
            .ends_with("`trakt.authorization.created_at` would change\n"),
        "{}",
        r.stderr
    );
    assert_eq!(after, CONFIG);
    let (same, _) = set(
        CONFIG,
        "trakt.authorization.created_at",
        "1764115200",
        &["--check"],
    );
    assert_eq!(
        (same.code, same.stdout.as_str(), same.stderr.as_str()),
        (0, "", "")
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let (plain, _) = set(
        CONFIG,
        "trakt.authorization.created_at",
        "1",
        &["--dry-run"],
    );
    assert!(!plain.stdout.contains('\x1b'));
    let (coloured, _) = set(
        CONFIG,
        "trakt.authorization.created_at",
        "1",
        &["--dry-run", "--color", "always"],
    );
    assert!(
        coloured
            .stdout
            .contains("\x1b[31m-    created_at: 1764115200\x1b[0m\n"),
        "{}",
        coloured.stdout
    );
    assert!(
        coloured
            .stdout
            .contains("\x1b[32m+    created_at: 1\x1b[0m\n")
    );
}

#[test]
fn show_secrets_unmasks_the_diff() {
    let (r, _) = set(
        CONFIG,
        "trakt.authorization.access_token",
        SECRET,
        &["--dry-run", "--show-secrets"],
    );
    assert!(
        r.stdout
            .contains(&format!("+    access_token: '{SECRET}'\n")),
        "{}",
        r.stdout
    );
}

#[test]
fn no_secret_reaches_any_output_of_set() {
    // Each flag set with its exit code: only `--check` says the file would
    // change (1).
    let flags: [(&[&str], i32); 4] = [
        (&["--dry-run"], 0),
        (&["--diff"], 0),
        (&["--check", "--diff"], 1),
        (&[], 0),
    ];
    for (extra, code) in flags {
        for path in [
            "trakt.authorization.access_token",
            "trakt.pin",
            "trakt.client_secret",
        ] {
            let (r, after) = set(CONFIG, path, SECRET, extra);
            assert!(
                !r.stdout.contains(SECRET) && !r.stderr.contains(SECRET),
                "{path} {extra:?}"
            );
            assert!(
                !r.stdout.contains("zq9SECRET"),
                "{path} {extra:?}: prefix is 4 chars at most"
            );
            assert_eq!(r.code, code, "{path} {extra:?}: {}", r.stderr);
            let written = code == 0 && !extra.contains(&"--dry-run");
            assert_eq!(after != CONFIG, written, "{path} {extra:?}: written?");
        }
    }
    let (refused, _) = set(CONFIG, "trakt.authorization.expires_in", SECRET, &[]);
    assert_eq!(refused.code, 2);
    assert!(!refused.stderr.contains(SECRET), "{}", refused.stderr);
}

#[test]
fn missing_file_exits_2() {
    let r = kt(["set", "/nonexistent/config.yml", "trakt.pin", "1"]).run();
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "kometa-trakt: /nonexistent/config.yml: cannot read: No such file or directory\n"
    );
}

#[test]
fn invalid_utf8_exits_2_and_is_left_alone() {
    let bytes = b"trakt:\n  client_id: \xff\xfe\n";
    let (_dir, file) = temp_file("config.yml", bytes);
    let r = kt(["set", file.to_str().unwrap(), "trakt.client_id", "x"]).run();
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .ends_with("cannot read: not UTF-8 text (invalid byte at offset 20)\n"),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read(&file).unwrap(), bytes);
}

#[test]
fn a_directory_is_not_a_config() {
    let dir = tempfile::tempdir().unwrap();
    let r = kt(["get", dir.path().to_str().unwrap(), "trakt.pin"]).run();
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.ends_with("cannot read: not a regular file\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_arguments_exit_2() {
    assert_eq!(kt(["set", "config.yml"]).run().code, 2);
    assert_eq!(kt(["get", "config.yml", "trakt..pin"]).run().code, 2);
    let (r, after) = set(
        CONFIG,
        "trakt.authorization.expires_in",
        "soon",
        &["--type", "int"],
    );
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            2,
            "kometa-trakt: --type int: the value is not a valid int\n"
        )
    );
    assert_eq!(after, CONFIG);
}

#[test]
fn bundled_fixture_renews_by_hand() {
    let text = fs::read_to_string(fixture("config.yml")).unwrap();
    let (r, after) = set(&text, "trakt.authorization.created_at", "1764200000", &[]);
    assert_eq!(r.code, 0);
    assert_eq!(
        after,
        text.replace("created_at: 1764115200", "created_at: 1764200000")
    );
}
