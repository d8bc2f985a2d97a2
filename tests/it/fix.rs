//! `check --fix`: every unambiguous fix as a minimal edit of the trakt
//! block (exact bytes), idempotent, previewed with `--dry-run`, pending
//! with `--check`, and refused where the edit layer would refuse.

use std::fs;

use crate::support;
use crate::support::{NOW, fixture, kt, temp_file};

const BROKEN: &str = "\
plex:
  url: http://plex:32400   # untouched
trakt:
  client_id: !!str 4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f
  client_secret: <<trakt_secret>>   # the secret lives in KOMETA_TRAKT_SECRET
  pin: 12345678
  authorization:
    access_token: a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90
    token_type: Bearer
    expires_in: '86400'
    refresh_token: 0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0
    scope: public
    created_at: \"1795860000\"
mdblist:
  apikey: <<MDBLIST_KEY>>
";

const FIXED: &str = "\
plex:
  url: http://plex:32400   # untouched
trakt:
  client_id: 4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f
  client_secret: <<trakt-secret>>   # the secret lives in KOMETA_TRAKT_SECRET
  pin: '12345678'
  authorization:
    access_token: a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90
    token_type: Bearer
    expires_in: 86400
    refresh_token: 0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0
    scope: public
    created_at: 1795860000
  force_refresh: false
mdblist:
  apikey: <<MDBLIST_KEY>>
";

/// What `check` still says of FIXED: the placeholder's variable is not set
/// here (where Kometa runs, it may be).
fn unset_note(name: &str) -> String {
    format!(
        "{name}:5:18: note[placeholder-unset]: `trakt.client_secret` needs KOMETA_TRAKT_SECRET where Kometa runs: it is not set here, nor in Kometa's config/.env (unset, the value becomes null)
  |
5 |   client_secret: <<trakt-secret>>   # the secret lives in KOMETA_TRAKT_SECRET
  |                  ^^^^^^^^^^^^^^^^
  = hint: set it in Kometa's environment (Docker: the container's environment, or /config/.env)
0 errors, 0 warnings in 1 file
"
    )
}

/// The fixes made to BROKEN, one line each, in the order they are made.
fn fixes_made(name: &str, verb: &str) -> String {
    format!(
        "{name}:3:1: {verb} [kometa-will-rewrite]: Kometa's first run will rewrite the whole file to add `force_refresh`: quotes, comment columns, CRLF and a BOM are lost
{name}:4:14: {verb} [tagged-value]: `trakt.client_id` carries the tag `!!str`: ruamel.yaml loads a TaggedScalar object, not a string: Kometa crashes sending it (InvalidHeader: a header value must be str or bytes, not TaggedScalar; modules/trakt.py:162) and its whole run aborts
{name}:5:18: {verb} [placeholder-spelling]: `trakt.client_secret` is <<trakt_secret>>, but <<trakt_secret>> can never be filled (Kometa fills <<trakt-secret>> from KOMETA_TRAKT_SECRET); the value becomes null: Kometa stops with \"trakt sub-attribute client_secret is blank\" and runs without Trakt
{name}:6:8: {verb} [pin-type]: `trakt.pin` is an integer, not a string: Trakt refuses the PIN when a PIN exchange is needed (Kometa reads the PIN only when both tokens fail)
{name}:10:17: {verb} [quoted-number]: `trakt.authorization.expires_in` is a number written as a string
{name}:13:17: {verb} [quoted-number]: `trakt.authorization.created_at` is a number written as a string
"
    )
}

fn fix(file: &std::path::Path, extra: &[&str]) -> (i32, String, String) {
    let out = kt(["check", "--fix"])
        .args(extra)
        .arg(file)
        .env("KOMETA_TRAKT_NOW", NOW)
        .run();
    (out.code, out.stdout, out.stderr)
}

#[test]
fn every_fixable_finding_is_fixed_by_a_minimal_edit_and_a_second_run_changes_nothing() {
    let (_dir, file) = temp_file("config.yml", BROKEN.as_bytes());
    let name = file.display().to_string();
    let (code, stdout, stderr) = fix(&file, &[]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(
        stdout,
        format!(
            "{}{}6 fixed, 0 remaining\n",
            unset_note(&name),
            fixes_made(&name, "fixed")
        )
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), FIXED);
    let (code, stdout, _) = fix(&file, &[]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        format!("{}0 fixed, 0 remaining\n", unset_note(&name))
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), FIXED);
}

#[test]
fn dry_run_shows_the_masked_diff_and_check_says_fixes_are_pending() {
    let (_dir, file) = temp_file("config.yml", BROKEN.as_bytes());
    let (code, stdout, _) = fix(&file, &["--dry-run"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("\n-  pin: ****\n")
            && stdout.contains("\n+  pin: '****'\n")
            && stdout.contains(
                "\n-  client_secret: <<trakt_secret>>   # the secret lives in KOMETA_TRAKT_SECRET\n"
            )
            && stdout.contains(
                "\n+  client_secret: <<trakt-secret>>   # the secret lives in KOMETA_TRAKT_SECRET\n"
            )
            && stdout.contains("+  force_refresh: false\n")
            && stdout.ends_with(&format!(
                "{}{}6 would be fixed, 0 remaining\n",
                unset_note(&file.display().to_string()),
                fixes_made(&file.display().to_string(), "would fix")
            )),
        "{stdout}"
    );
    assert!(!stdout.contains("a1b2c3d4"), "a secret in the diff");
    assert_eq!(fs::read_to_string(&file).unwrap(), BROKEN);
    let (code, _, _) = fix(&file, &["--check"]);
    assert_eq!(code, 1, "fixes are pending");
    assert_eq!(fs::read_to_string(&file).unwrap(), BROKEN);
}

#[test]
fn what_is_not_unambiguous_is_only_suggested_and_what_the_edit_layer_refuses_is_left() {
    let text = "\
trakt:
  client_id: 4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f
  client_secret: 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d
  pin: &p 12345678
  force_refresh: \"true\"
  authorization:
";
    let (_dir, file) = temp_file("config.yml", text.as_bytes());
    let (code, stdout, stderr) = fix(&file, &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stderr.contains("cannot fix [pin-type]") && stderr.contains("`trakt.pin` is anchored (&)"),
        "{stderr}"
    );
    assert!(
        stdout.contains("warning[force-refresh-type]")
            && stdout.ends_with("0 fixed, 2 remaining\n"),
        "{stdout}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), text);
}

#[test]
fn the_bundled_fixture_needs_no_fix() {
    let (_dir, file) = temp_file("config.yml", &fs::read(fixture("config.yml")).unwrap());
    let (code, stdout, _) = fix(&file, &["--check"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.ends_with("0 would be fixed, 1 remaining\n"),
        "{stdout}"
    );
}

/// Every rule fixture of `fixtures/check/` with `--fix`: the file becomes
/// exactly `fixtures/fix/NAME.yml` (only where something is fixable), a
/// second run changes nothing, and every fixable finding is gone.
/// `BLESS=1` writes the expected files (review them before committing).
#[test]
fn every_fixable_check_fixture_is_fixed_to_its_expected_bytes() {
    let dir = fixture("check");
    let expected_dir = fixture("fix");
    let bless = std::env::var_os("BLESS").is_some();
    let mut fixed = Vec::new();
    for (name, text) in support::configs(&dir) {
        let extra: Vec<String> = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# args: "))
            .map(|a| a.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        if extra.iter().any(|a| a == "--schema") {
            continue;
        }
        let (_tmp, file) = temp_file(&name, text.as_bytes());
        let args: Vec<&str> = extra.iter().map(String::as_str).collect();
        let (_, stdout, _) = fix(&file, &args);
        let after = fs::read_to_string(&file).unwrap();
        let expected = expected_dir.join(&name);
        if after == text {
            assert!(
                !expected.exists(),
                "{name}: nothing was fixed, yet {expected:?} exists"
            );
            continue;
        }
        fixed.push(name.clone());
        if bless {
            fs::write(&expected, &after).unwrap();
        } else {
            assert_eq!(after, fs::read_to_string(&expected).unwrap(), "{name}");
        }
        let (_, again, _) = fix(&file, &args);
        assert!(again.contains("\n0 fixed, "), "{name}: {again}");
        assert!(
            !again.contains("[pin-type]")
                && !again.contains("[tagged-value]")
                && !again.contains("[quoted-number]")
                && !again.contains("[placeholder-spelling]")
                && !again.contains("[kometa-will-rewrite]"),
            "{name}: a fixable finding remains:\n{stdout}\n{again}"
        );
    }
    assert!(fixed.len() >= 7, "fixed only {fixed:?}");
}
