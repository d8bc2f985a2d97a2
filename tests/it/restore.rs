//! `restore`: every bundled config, re-dumped the way Kometa 2.4.4 saves
//! (tests/data/redumped/, made by scripts/kometa-redump), is restored into
//! its original formatting: the result differs from the original only in
//! the lines of the values Kometa changed, keeps CRLF, BOM, quotes and
//! comments, and keeps placeholders. Refusals leave both files untouched.
//! `--only-kometa` (the hook) is `restore_only_kometa.rs`.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::support;
use crate::support::{configs, data, git, kt, restore_texts, ruamel_python, temp_file};

/// The keys whose lines a restore may change: what Kometa's save writes.
const SAVED: &[&str] = &[
    "access_token",
    "token_type",
    "expires_in",
    "refresh_token",
    "scope",
    "created_at",
    "pin",
    "authorization",
];

fn key_of(line: &str) -> &str {
    line.trim_start()
        .trim_start_matches('{')
        .split(':')
        .next()
        .unwrap_or_default()
        .trim()
}

/// Restores `name` (its re-dump in a temp dir) against the original;
/// returns the run, the restored text and the original.
fn restore(name: &str, extra: &[&str]) -> (support::Run, String, String, tempfile::TempDir) {
    let original = data("configs").join(name);
    let redumped = fs::read(data("redumped").join(name)).unwrap();
    let (dir, file) = temp_file("config.yml", &redumped);
    let mut args = vec![
        "restore",
        file.to_str().unwrap(),
        "--original",
        original.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let r = kt(&args).run();
    let after = fs::read_to_string(&file).unwrap();
    (r, after, fs::read_to_string(original).unwrap(), dir)
}

#[test]
fn every_redumped_config_is_restored_changing_only_the_lines_of_saved_values() {
    let mut restored = 0;
    for (name, _) in configs(&data("redumped")) {
        let (r, after, original, _dir) = restore(&name, &[]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        if name == "kt-redacted-sequence.yml" {
            // `access_token: [REDACTED]`: Kometa's save writes a whole new
            // value, which replaces the sequence.
            assert!(
                after.contains("    access_token: 84136c82")
                    && !after.contains("scope: [REDACTED]"),
                "{after}"
            );
        }
        let diff = similar::TextDiff::from_lines(&original, &after);
        for change in diff.iter_all_changes() {
            if change.tag() == similar::ChangeTag::Equal {
                continue;
            }
            let line = change.value();
            assert!(
                SAVED.contains(&key_of(line)) || line.contains("access_token:"),
                "{name}: restore changed a line Kometa's save does not write: {line:?}"
            );
        }
        // The original's bytes: BOM, line endings, final newline.
        assert_eq!(
            after.starts_with('\u{feff}'),
            original.starts_with('\u{feff}'),
            "{name}"
        );
        assert_eq!(after.contains("\r\n"), original.contains("\r\n"), "{name}");
        assert_eq!(after.ends_with('\n'), original.ends_with('\n'), "{name}");
        restored += 1;
    }
    assert_eq!(restored, 22, "every re-dumped config");
}

#[test]
fn a_restored_config_holds_kometas_new_values_in_the_original_style() {
    let (r, after, original, _dir) = restore("kt-crlf-bom-no-final-newline.yml", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The new values are Kometa's (deterministic in scripts/kometa-redump).
    let redumped = fs::read_to_string(data("redumped/kt-crlf-bom-no-final-newline.yml")).unwrap();
    let value = |text: &str, key: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(&format!("{key}:")))
            .map(|l| l.split_once(':').unwrap().1.trim().to_string())
            .unwrap()
    };
    for key in ["access_token", "refresh_token", "created_at", "token_type"] {
        assert_eq!(value(&after, key), value(&redumped, key), "{key}");
    }
    assert!(after.starts_with('\u{feff}') && after.contains("\r\n") && !after.ends_with('\n'));
    assert_eq!(value(&original, "scope"), value(&after, "scope"));
    assert!(
        r.stdout
            .ends_with("line(s) differ from the original (Kometa's save changed 28)\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn placeholders_stay_and_kometas_values_go_to_a_private_file() {
    let (r, after, original, dir) = restore("kt-placeholders-sorted-quoted-numbers.yml", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        after.contains("    access_token: <<TRAKT_ACCESS_TOKEN>>\n"),
        "{after}"
    );
    assert!(
        after.contains("    refresh_token: <<TRAKT_REFRESH_TOKEN>>\n"),
        "{after}"
    );
    assert!(
        r.stdout
            .contains("kept the placeholder at `trakt.authorization.refresh_token`: Kometa wrote ")
            && r.stdout
                .contains("; update KOMETA_TRAKT_REFRESH_TOKEN to it\n"),
        "{}",
        r.stdout
    );
    let redumped =
        fs::read_to_string(data("redumped/kt-placeholders-sorted-quoted-numbers.yml")).unwrap();
    let refresh = redumped
        .lines()
        .find_map(|l| l.trim().strip_prefix("refresh_token: "))
        .unwrap();
    assert!(
        !r.stdout.contains(refresh) && !r.stderr.contains(refresh),
        "a secret was printed"
    );
    let kept: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("kometa-trakt-inlined"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(
        fs::metadata(&kept[0]).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(fs::read_to_string(&kept[0]).unwrap().contains(refresh));
    assert_ne!(after, original);
}

#[test]
fn a_users_own_edit_is_refused_named_beside_kometas_with_only_kometa_and_carried_with_force() {
    let name = "kt-authorized-hex.yml";
    let edited = fs::read_to_string(data("redumped").join(name))
        .unwrap()
        .replacen("cache_expiration: 60", "cache_expiration: 90", 1);
    let original = data("configs").join(name);
    let (_dir, file) = temp_file("config.yml", edited.as_bytes());
    let f = file.to_str().unwrap();
    let o = original.to_str().unwrap();
    let refused = kt(["restore", f, "--original", o]).run();
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("it differs from the original in what Kometa does not change: `settings.cache_expiration` (--force carries them over too)"),
        "{}",
        refused.stderr
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), edited);
    // Kometa's save with an edit of yours: a mix, refused (exit 1).
    let mixed = kt(["restore", f, "--original", o, "--only-kometa"])
        .env("KOMETA_TRAKT_PYTHON", ruamel_python())
        .run();
    assert_eq!(mixed.code, 1, "{}", mixed.stderr);
    assert!(
        mixed.stderr.contains(": not restored: Kometa's save is mixed with other edits (Kometa: 4-5, 7, 10, 31-32, 34, 36; yours: 13); nothing was written."),
        "{}",
        mixed.stderr
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), edited);
    let forced = kt(["restore", f, "--original", o, "--force"]).run();
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(
        forced
            .stdout
            .contains("  carried over with --force: `settings.cache_expiration`\n")
    );
    let after = fs::read_to_string(&file).unwrap();
    assert!(
        after.contains("  cache_expiration: 90\n") && after.contains("      - default: basic\n")
    );
}

#[test]
fn check_dry_run_and_a_second_run() {
    let name = "kt-filled-words.yml";
    let (_dir, file) = temp_file(
        "config.yml",
        &fs::read(data("redumped").join(name)).unwrap(),
    );
    let f = file.to_str().unwrap();
    let o = data("configs").join(name);
    let o = o.to_str().unwrap();
    let check = kt(["restore", f, "--original", o, "--check"]).run();
    assert_eq!(check.code, 1);
    let dry = kt(["restore", f, "--original", o, "--dry-run"]).run();
    assert_eq!(dry.code, 0);
    assert!(
        dry.stdout.contains("\n-    token_type: Bearer\n")
            && dry.stdout.contains("\n+    token_type: bearer\n"),
        "{}",
        dry.stdout
    );
    assert!(
        !dry.stdout.contains("access_token: TOKEN"),
        "the diff is against the original"
    );
    assert_eq!(kt(["restore", f, "--original", o]).run().code, 0);
    let again = kt(["restore", f, "--original", o, "--check"]).run();
    assert_eq!(again.code, 0, "restored: nothing left to do");
    assert_eq!(
        kt(["restore", f, "--original", o]).run().stdout,
        format!("{f}: already in your formatting: nothing to restore\n")
    );
}

#[test]
fn the_original_comes_from_git() {
    let name = "kt-quoted-strings.yml";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.yml");
    let original = fs::read_to_string(data("configs").join(name)).unwrap();
    fs::write(&file, &original).unwrap();
    git(dir.path(), &["init", "-q", "."]);
    git(dir.path(), &["add", "config.yml"]);
    git(dir.path(), &["commit", "-q", "-m", "config"]);
    fs::copy(data("redumped").join(name), &file).unwrap();
    let r = kt(["restore", file.to_str().unwrap(), "--git"]).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = fs::read_to_string(&file).unwrap();
    assert!(
        after.contains("  client_id: \"the client id goes here\"\n"),
        "{after}"
    );
    // A file git does not know is left alone by the hook's form.
    let new = dir.path().join("other.yml");
    fs::write(&new, "trakt: {}\n").unwrap();
    let hook = kt(["restore", new.to_str().unwrap(), "--git", "--only-kometa"]).run();
    assert_eq!(hook.code, 0, "{}", hook.stderr);
    assert_eq!(fs::read_to_string(&new).unwrap(), "trakt: {}\n");
}

/// Where the editor refuses to write a value into the original, the
/// position it gives is in the original, and the message names it.
#[test]
fn a_refusal_of_the_editor_names_the_original_where_it_is() {
    let original = "trakt:\n  client_id: abc\n  authorization:\n    access_token: |-\n      old\n";
    let kometa = "trakt:\n  client_id: abc\n  authorization:\n    access_token: new\n";
    let (r, _dir, file, orig) = restore_texts(original, kometa, &["--force"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "kometa-trakt: {}:4:19: `trakt.authorization.access_token` is a block scalar (| or >), which kometa-trakt does not rewrite; nothing was changed\n",
            orig.display()
        )
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), kometa);
    assert_eq!(fs::read_to_string(&orig).unwrap(), original);
}

/// Kometa's token save writes `authorization` with its six keys: a key a
/// person kept there is gone from Kometa's file, and the restore removes
/// its line, keeping the original's order and every other byte.
#[test]
fn a_key_kometas_save_dropped_from_the_authorization_is_removed() {
    let original = "trakt:\n  client_id: abc\n  pin:\n  authorization:\n    created_at: 1\n    scope: public # kept\n    access_token: old\n    token_type: Bearer\n    expires_in: 1\n    refresh_token: r\n    extra: keep me\n";
    let kometa = "trakt:\n  client_id: abc\n  pin:\n  authorization:\n    access_token: a1\n    token_type: bearer\n    expires_in: 86400\n    refresh_token: r1\n    scope: public\n    created_at: 1796000000\n";
    let (r, _dir, file, _) = restore_texts(original, kometa, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "trakt:\n  client_id: abc\n  pin:\n  authorization:\n    created_at: 1796000000\n    scope: public # kept\n    access_token: a1\n    token_type: bearer\n    expires_in: 86400\n    refresh_token: r1\n"
    );
    // Elsewhere a key Kometa's file lacks is a person's edit: refused.
    let kometa = format!("{kometa}settings:\n  cache: true\n");
    let original = format!("{original}settings:\n  cache: true\n  mine: 1\n");
    let (r, _dir, file, _) = restore_texts(&original, &kometa, &["--force"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        format!(
            "kometa-trakt: {}: cannot be restored exactly: `settings.mine`: the key was removed; nothing was written\n",
            file.display()
        )
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), kometa);
}
