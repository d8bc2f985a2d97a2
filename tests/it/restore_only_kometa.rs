//! `restore --only-kometa` (the `kometa-trakt-restore` pre-commit hook):
//! a file is restored only when it is, byte for byte, Kometa's save of the
//! original (proven with Kometa's own dumper: ruamel.yaml 0.19.1 running
//! Kometa's `YAML` class, see `support::ruamel_python`). A Kometa save
//! mixed with other edits is refused (exit 1, the lines of each named);
//! anything else is a person's edit and is left alone (exit 0). Nothing
//! here writes unless it restores.
//!
//! The corpus: 26 human edits over ten bundled configs (never reverted,
//! never refused), every Kometa save of `tests/data/redumped/` and
//! `tests/data/kometa-saves/` (with the keys Kometa adds, aliases, `%YAML
//! 1.1`, a MyAnimeList block; restored exactly), and five mixes.

use std::fs;
use std::path::PathBuf;

use crate::support::{Run, configs, data, git, kt, ruamel_python};

/// What `restore` says of a person's edit that means what the original
/// means.
const SAME_DATA: &str =
    "left as it is: not Kometa's save: it means what the original means (an edit of yours)";
/// ... and of any other edit of a person's.
const NOT_A_SAVE: &str = "left as it is: not Kometa's save: it is not what Kometa writes when it saves the original (an edit of yours)";

/// A file to restore and its original, each in a directory of its own.
struct Files {
    _dir: tempfile::TempDir,
    config: PathBuf,
    original: PathBuf,
}

fn files(original: &[u8], working: &[u8]) -> Files {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("config")).unwrap();
    let config = dir.path().join("config/config.yml");
    let original_path = dir.path().join("original.yml");
    fs::write(&config, working).unwrap();
    fs::write(&original_path, original).unwrap();
    Files {
        _dir: dir,
        config,
        original: original_path,
    }
}

/// `restore FILE --original ORIG --only-kometa` on `f`, with Kometa's Python.
fn restore_only_kometa(f: &Files) -> Run {
    kt([
        "restore".as_ref(),
        f.config.as_os_str(),
        "--original".as_ref(),
        f.original.as_os_str(),
        "--only-kometa".as_ref(),
    ])
    .env("KOMETA_TRAKT_PYTHON", ruamel_python())
    .run()
}

/// [`restore_only_kometa`] on files holding `original` and `working`; the
/// run and the file's bytes afterwards.
pub(crate) fn only_kometa(original: &[u8], working: &[u8]) -> (Run, Vec<u8>, String) {
    let f = files(original, working);
    let run = restore_only_kometa(&f);
    let after = fs::read(&f.config).unwrap();
    (run, after, f.config.display().to_string())
}

/// `restore FILE --original ORIG` (no --only-kometa): the file afterwards.
fn plain_restore(original: &[u8], working: &[u8]) -> (Run, Vec<u8>) {
    let f = files(original, working);
    let run = kt([
        "restore".as_ref(),
        f.config.as_os_str(),
        "--original".as_ref(),
        f.original.as_os_str(),
    ])
    .run();
    (run, fs::read(&f.config).unwrap())
}

fn read(path: PathBuf) -> String {
    String::from_utf8(fs::read(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn config(name: &str) -> String {
    read(data("configs").join(name))
}

fn saves(folder: &str, name: &str) -> String {
    read(data("kometa-saves").join(folder).join(name))
}

/// `text` with `from` replaced by `to` once; `from` must be there.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} is not in the text");
    text.replacen(from, to, 1)
}

/// A human edit: its name, the original, the edited file, and whether it
/// means what the original means.
struct Human {
    what: &'static str,
    original: String,
    edited: String,
    same_data: bool,
}

fn human(what: &'static str, original: String, edited: String, same_data: bool) -> Human {
    assert_ne!(original, edited, "{what}: no edit");
    Human {
        what,
        original,
        edited,
        same_data,
    }
}

fn human_edits() -> Vec<Human> {
    let hex = config("kt-authorized-hex.yml");
    let template = config("01_Kometa__config.yml.template.yml");
    let quoted = config("kt-quoted-strings.yml");
    let crlf = config("kt-crlf-bom-no-final-newline.yml");
    let sink = config("02_Kometa__kitchen_sink_config.yml");
    let yaml11 = saves("original", "yaml11-booleans.yml");
    let alias = saves("original", "alias-authorization.yml");
    let four = saves("original", "missing-keys-mal.yml");
    let redumped_hex = read(data("redumped/kt-authorized-hex.yml"));
    let token_lines = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| {
                let key = l.trim_start().split(':').next().unwrap_or_default();
                ["access_token", "token_type", "refresh_token", "created_at"].contains(&key)
            })
            .map(str::to_string)
            .collect()
    };
    // The tokens Kometa saved, typed by hand where they were (no dump).
    let mut typed = hex.clone();
    for (old, new) in token_lines(&hex).iter().zip(token_lines(&redumped_hex)) {
        typed = edit(&typed, old, &new);
    }
    let comment =
        "## Plex and TMDb are the two connections which are required for the script to run\n";
    vec![
        human(
            "a comment added under settings",
            hex.clone(),
            edit(&hex, "settings:\n", "settings:\n  # tuned for the NAS\n"),
            true,
        ),
        human(
            "the plex token unquoted",
            yaml11.clone(),
            edit(&yaml11, "token: \"xXpLeXtOkEnXx\"", "token: xXpLeXtOkEnXx"),
            true,
        ),
        human(
            "a comment line deleted",
            template.clone(),
            edit(&template, "## Do not remove the above line\n", ""),
            true,
        ),
        human(
            "a token quoted",
            hex.clone(),
            edit(
                &hex,
                "access_token: 3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b",
                "access_token: \"3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b\"",
            ),
            true,
        ),
        human(
            "a comment moved",
            template.clone(),
            edit(
                &edit(&template, comment, ""),
                "settings:\n",
                &format!("{comment}settings:\n"),
            ),
            true,
        ),
        human(
            "a value changed",
            hex.clone(),
            edit(&hex, "cache_expiration: 60", "cache_expiration: 90"),
            false,
        ),
        human(
            "keys reordered",
            quoted.clone(),
            edit(
                &quoted,
                "  cache: true\n  cache_expiration: 60\n",
                "  cache_expiration: 60\n  cache: true\n",
            ),
            true,
        ),
        human(
            "a library added",
            config("kt-filled-words.yml"),
            edit(
                &config("kt-filled-words.yml"),
                "libraries:\n",
                "libraries:\n  Anime:\n    collection_files:\n      - default: anilist\n",
            ),
            false,
        ),
        human(
            "lists re-indented as Kometa's dump indents them",
            hex.clone(),
            hex.replace("      - default", "    - default"),
            true,
        ),
        human(
            "lists re-indented as Kometa's dump indents them, and a value changed",
            hex.clone(),
            edit(
                &hex.replace("      - default", "    - default"),
                "cache_expiration: 60",
                "cache_expiration: 90",
            ),
            false,
        ),
        human(
            "the settings block re-indented to four spaces",
            hex.clone(),
            edit(
                &hex,
                "  cache: true\n  cache_expiration: 60\n  asset_directory: config/assets\n  sync_mode: append\n  minimum_items: 1\n",
                "    cache: true\n    cache_expiration: 60\n    asset_directory: config/assets\n    sync_mode: append\n    minimum_items: 1\n",
            ),
            true,
        ),
        human(
            "LF converted to CRLF",
            quoted.clone(),
            quoted.replace('\n', "\r\n"),
            true,
        ),
        human(
            "CRLF converted to LF",
            crlf.clone(),
            crlf.replace("\r\n", "\n"),
            true,
        ),
        human(
            "the BOM removed",
            crlf.clone(),
            crlf.trim_start_matches('\u{feff}').to_string(),
            true,
        ),
        human(
            "the client id changed in the trakt block",
            hex.clone(),
            edit(
                &hex,
                "client_id: 5f1c0e6c3b2a49d8a7e6f5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a2918",
                "client_id: 6a2d1f7d4c3b5ae9b8f7a6e5d4c3b2a1a9f8e7d6c5b4a3b2a1f0e9d8c7b6a5f4",
            ),
            false,
        ),
        human(
            "new tokens pasted into the trakt block in its own quotes",
            quoted.clone(),
            edit(
                &edit(
                    &quoted,
                    "access_token: \"the access token goes here\"",
                    "access_token: \"7d1a54127b222502f5b79b5fb0803061152a44f92b37e23c6527baf665d4da9a\"",
                ),
                "refresh_token: \"the refresh token goes here\"",
                "refresh_token: \"1e5c3f0a2b4d6e8f1a3c5e7f9b0d2f4a6c8e0a2c4e6f8a0b2d4f6a8c0e2a4c6e\"",
            ),
            false,
        ),
        human(
            "Kometa's new tokens typed by hand where they were",
            hex.clone(),
            typed,
            false,
        ),
        human(
            "a PIN entered in the trakt block",
            hex.clone(),
            edit(&hex, "  pin:\n", "  pin: 12AB34CD\n"),
            false,
        ),
        human(
            "force_refresh added by hand",
            quoted.clone(),
            edit(&quoted, "  pin:\n", "  pin:\n  force_refresh: true\n"),
            false,
        ),
        human(
            "a key Kometa adds, added by hand with Kometa's default",
            template.clone(),
            edit(
                &template,
                "  run_again_delay: 2\n",
                "  run_again_delay: 2\n  auto_sort_hubs:\n",
            ),
            false,
        ),
        human(
            "trailing blanks removed",
            config("kt-trailing-spaces.yml"),
            config("kt-trailing-spaces.yml")
                .lines()
                .map(|l| format!("{}\n", l.trim_end()))
                .collect(),
            true,
        ),
        human(
            "a YAML 1.1 boolean respelt",
            yaml11.clone(),
            edit(&yaml11, "  cache: yes\n", "  cache: true\n"),
            true,
        ),
        human(
            "an alias written out by hand",
            alias.clone(),
            edit(
                &alias,
                "apikey: *plex_token   #",
                "apikey: 'xXpLeXtOkEnXx'   #",
            ),
            true,
        ),
        human(
            "a comment added in a four-space trakt block",
            four.clone(),
            edit(&four, "trakt:\n", "trakt:\n    # app: kometa-nas\n"),
            true,
        ),
        human(
            "a value changed in Kometa's own kitchen sink",
            sink.clone(),
            edit(&sink, "  sync_mode: sync\n", "  sync_mode: append\n"),
            false,
        ),
        human(
            "a comment deleted in Kometa's own kitchen sink",
            sink.clone(),
            edit(
                &sink,
                "# yaml-language-server: $schema=./config-schema.json\n",
                "",
            ),
            true,
        ),
    ]
}

#[test]
fn no_human_edit_is_reverted_or_refused() {
    let edits = human_edits();
    assert!(edits.len() >= 20, "the corpus holds {} edits", edits.len());
    let mut failures = Vec::new();
    for h in &edits {
        let (run, after, file) = only_kometa(h.original.as_bytes(), h.edited.as_bytes());
        let said = if h.same_data { SAME_DATA } else { NOT_A_SAVE };
        let expected = format!("kometa-trakt: {file}: {said}\n");
        if run.code != 0 || run.stderr != expected || !run.stdout.is_empty() {
            failures.push(format!(
                "{}: exit {}, stdout {:?}, stderr {:?}",
                h.what, run.code, run.stdout, run.stderr
            ));
        }
        if after != h.edited.as_bytes() {
            failures.push(format!("{}: the file was written", h.what));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every pair of `tests/data/kometa-saves/`: the file Kometa ran on
/// (`original/`), the committed file when a person had edited it before
/// (`committed/`), and what Kometa left (`saved/`).
fn kometa_saves() -> Vec<(String, String, String)> {
    configs(&data("kometa-saves/saved"))
        .into_iter()
        .map(|(name, saved)| {
            let committed = data("kometa-saves").join("committed").join(&name);
            let original = if committed.exists() {
                read(committed)
            } else {
                saves("original", &name)
            };
            (name, original, saved)
        })
        .collect()
}

#[test]
fn every_kometa_save_of_the_bundled_configs_is_restored_as_restore_without_only_kometa_does() {
    let mut restored = 0;
    for (name, saved) in configs(&data("redumped")) {
        let original = config(&name);
        let (run, after, file) = only_kometa(original.as_bytes(), saved.as_bytes());
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert_eq!(run.stderr, "", "{name}");
        let (plain, expected) = plain_restore(original.as_bytes(), saved.as_bytes());
        assert_eq!(plain.code, 0, "{name}: {}", plain.stderr);
        assert_eq!(after, expected, "{name}");
        if after == saved.as_bytes() {
            // Kometa's kitchen sink is written as Kometa dumps: restoring it
            // gives Kometa's save, byte for byte, which is not written again.
            assert_eq!(
                run.stdout,
                format!("{file}: already in your formatting: nothing to restore\n"),
                "{name}"
            );
        } else {
            assert!(
                run.stdout
                    .starts_with(&format!("{file}: restored into your formatting: ")),
                "{name}: {}",
                run.stdout
            );
            restored += 1;
        }
    }
    assert_eq!(restored, 21, "all but Kometa's kitchen sink");
}

#[test]
fn kometa_saves_with_added_keys_aliases_yaml_1_1_and_mal_are_restored_exactly() {
    let mut seen = 0;
    for (name, original, saved) in kometa_saves() {
        if data("kometa-saves/committed").join(&name).exists() {
            continue; // a save of a file a person had edited: a mix, below
        }
        let expected = read(data("kometa-saves/restored").join(&name));
        let (run, after, file) = only_kometa(original.as_bytes(), saved.as_bytes());
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert_eq!(
            String::from_utf8(after).unwrap(),
            expected,
            "{name}: restored"
        );
        assert!(
            run.stdout
                .starts_with(&format!("{file}: restored into your formatting: ")),
            "{name}: {}",
            run.stdout
        );
        // Without --only-kometa the same (aliases and YAML 1.1 are carried).
        let (plain, after) = plain_restore(original.as_bytes(), saved.as_bytes());
        assert_eq!(plain.code, 0, "{name}: {}", plain.stderr);
        assert_eq!(String::from_utf8(after).unwrap(), expected, "{name}");
        seen += 1;
    }
    assert_eq!(seen, 3);
}

#[test]
fn the_restored_files_keep_the_original_where_kometa_changed_nothing() {
    // The alias Kometa replaced is written out where it was; the other
    // aliases and their anchors stay; `on` stays `on`.
    let alias = read(data("kometa-saves/restored/alias-authorization.yml"));
    assert!(alias.contains("  client_id: *trakt_id\n"), "{alias}");
    assert!(alias.contains("  token: *plex_token\n"), "{alias}");
    assert!(
        alias.contains(
            "  pin:\n  force_refresh: false\n  authorization:\n    access_token: 13342cb4"
        ),
        "{alias}"
    );
    let yaml11 = read(data("kometa-saves/restored/yaml11-booleans.yml"));
    assert!(
        yaml11.starts_with("%YAML 1.1\n---\n") && yaml11.contains("  asset_folders: on\n"),
        "{yaml11}"
    );
    assert!(
        yaml11.contains("  run_order:\n    - operations\n"),
        "Kometa's added list, indented as the file indents lists: {yaml11}"
    );
    let four = read(data("kometa-saves/restored/missing-keys-mal.yml"));
    assert!(
        four.contains("    localhost_url:\n    cache_expiration: 60\nsettings:\n    run_order:\n        -   operations\n"),
        "{four}"
    );
}

#[test]
fn a_kometa_save_written_with_crlf_is_one() {
    // Kometa on Windows writes through Python's text mode: CRLF.
    let name = "kt-quoted-strings.yml";
    let original = config(name);
    let saved = read(data("redumped").join(name));
    let (run, after, _) = only_kometa(original.as_bytes(), saved.replace('\n', "\r\n").as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (_, expected) = plain_restore(original.as_bytes(), saved.as_bytes());
    assert_eq!(after, expected);
}

/// A mix: its name, the original, the file, and the lines of each.
pub(crate) fn mixes() -> Vec<(&'static str, String, String, &'static str)> {
    let hex = config("kt-authorized-hex.yml");
    let hex_saved = read(data("redumped/kt-authorized-hex.yml"));
    let template = config("01_Kometa__config.yml.template.yml");
    let template_saved = read(data("redumped/01_Kometa__config.yml.template.yml"));
    let yaml11 = saves("original", "yaml11-booleans.yml");
    let yaml11_saved = saves("saved", "yaml11-booleans.yml");
    vec![
        (
            "Kometa's save, then a comment added under settings",
            hex.clone(),
            edit(
                &hex_saved,
                "settings:\n",
                "settings:\n  # tuned for the NAS\n",
            ),
            "Kometa: 4-5, 7, 10, 32-33, 35, 37; yours: 12",
        ),
        (
            "Kometa's save, then a value changed",
            hex,
            edit(&hex_saved, "cache_expiration: 60", "cache_expiration: 90"),
            "Kometa: 4-5, 7, 10, 31-32, 34, 36; yours: 13",
        ),
        (
            "Kometa's save, then a comment line removed",
            template.clone(),
            edit(&template_saved, "## Do not remove the above line\n", ""),
            "Kometa: 43-44, 48, 50-52, 144, 160, 178-181, 183; yours: 2",
        ),
        (
            "Kometa's save, then the plex token quoted again",
            yaml11.clone(),
            edit(
                &yaml11_saved,
                "token: xXpLeXtOkEnXx",
                "token: \"xXpLeXtOkEnXx\"",
            ),
            "Kometa: 7, 9, 11-13, 15-52, 57-61, 63, 65-66, 71-74, 76-78; yours: 55",
        ),
        (
            "Kometa's save of a file a person had edited",
            read(data("kometa-saves/committed/person-then-kometa.yml")),
            saves("saved", "person-then-kometa.yml"),
            "Kometa: 4, 10-50, 53, 55-59, 61, 63-64, 71-74, 76; yours: 6, 9",
        ),
    ]
}

#[test]
fn a_kometa_save_mixed_with_other_edits_is_refused_naming_the_lines_of_each() {
    let mut failures = Vec::new();
    for (what, original, working, lines) in mixes() {
        let (run, after, file) = only_kometa(original.as_bytes(), working.as_bytes());
        let expected = format!(
            "kometa-trakt: {file}: not restored: Kometa's save is mixed with other edits ({lines}); nothing was written. Commit Kometa's save apart from your edits, or carry every value into the original's formatting with --force (your comments and formatting there are then lost)\n"
        );
        if run.code != 1 || run.stderr != expected || !run.stdout.is_empty() {
            failures.push(format!(
                "{what}: exit {}, stdout {:?}, stderr {:?}",
                run.code, run.stdout, run.stderr
            ));
        }
        if after != working.as_bytes() {
            failures.push(format!("{what}: the file was written"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_message_shows_a_secret() {
    let secret = "469d7d278694bb4f4ca0fc79dd6fe3aa978513f5d00d172af39551a3db3dadc0";
    for (_, original, working, _) in mixes().into_iter().take(1) {
        assert!(working.contains(secret));
        let (run, _, _) = only_kometa(original.as_bytes(), working.as_bytes());
        assert!(!run.stderr.contains(secret) && !run.stdout.contains(secret));
        assert!(!run.stderr.contains("469d7d27"));
    }
    let h = &human_edits()[0];
    let (run, _, _) = only_kometa(h.original.as_bytes(), h.edited.as_bytes());
    assert!(!run.stderr.contains("3c4d5e6f") && !run.stdout.contains("3c4d5e6f"));
}

#[test]
fn the_same_bytes_are_never_written() {
    let text = config("kt-authorized-hex.yml");
    let f = files(text.as_bytes(), text.as_bytes());
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    fs::File::options()
        .write(true)
        .open(&f.config)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let run = restore_only_kometa(&f);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "{}: already in your formatting: nothing to restore\n",
            f.config.display()
        )
    );
    assert_eq!(fs::metadata(&f.config).unwrap().modified().unwrap(), old);
}

#[test]
fn without_kometas_python_nothing_is_guessed() {
    let name = "kt-authorized-hex.yml";
    let original = config(name);
    let saved = read(data("redumped").join(name));
    let dir = tempfile::tempdir().unwrap();
    // A Python without ruamel.yaml (`-S`: no site-packages), and none.
    let bare = dir.path().join("bare-python");
    fs::write(
        &bare,
        format!("#!/bin/sh\nexec {} -S \"$@\"\n", ruamel_python()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&bare, fs::Permissions::from_mode(0o755)).unwrap();
    let missing = dir.path().join("no-such-python");
    for (python, why) in [
        (
            bare.display().to_string(),
            "ruamel.yaml is not installed for ",
        ),
        (
            missing.display().to_string(),
            &*format!("{} is not installed", missing.display()),
        ),
    ] {
        let f = files(original.as_bytes(), saved.as_bytes());
        let run = kt([
            "restore".as_ref(),
            f.config.as_os_str(),
            "--original".as_ref(),
            f.original.as_os_str(),
            "--only-kometa".as_ref(),
            "--python".as_ref(),
            python.as_ref(),
        ])
        .run();
        assert_eq!(run.code, 0, "{}", run.stderr);
        let prefix = format!(
            "kometa-trakt: {}: left as it is: cannot tell whether it is Kometa's save: ",
            f.config.display()
        );
        assert!(
            run.stderr.starts_with(&prefix) && run.stderr.contains(why),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.ends_with(". --only-kometa proves a save with Kometa's own dumper, ruamel.yaml 0.19.1 (`pip install ruamel.yaml==0.19.1`); --python or KOMETA_TRAKT_PYTHON names the Python that has it\n"),
            "{}",
            run.stderr
        );
        assert_eq!(fs::read_to_string(&f.config).unwrap(), saved);
    }
}

#[test]
fn the_hooks_form_restores_kometas_save_and_leaves_a_commit_of_yours() {
    let name = "alias-authorization.yml";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.yml");
    let original = saves("original", name);
    fs::write(&file, &original).unwrap();
    git(dir.path(), &["init", "-q", "."]);
    git(dir.path(), &["add", "config.yml"]);
    git(dir.path(), &["commit", "-q", "-m", "config"]);
    let hook = || {
        kt(["restore", "config.yml", "--git", "HEAD", "--only-kometa"])
            .dir(dir.path())
            .env("KOMETA_TRAKT_PYTHON", ruamel_python())
            .run()
    };
    // Kometa saved its tokens: restored into the committed formatting.
    fs::write(&file, saves("saved", name)).unwrap();
    let run = hook();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        read(data("kometa-saves/restored").join(name))
    );
    // That is committed; then your own edit: left alone.
    git(dir.path(), &["commit", "-q", "-am", "tokens"]);
    let mine = edit(
        &fs::read_to_string(&file).unwrap(),
        "  timeout: 60\n",
        "  timeout: 120   # slow NAS\n",
    );
    fs::write(&file, &mine).unwrap();
    let run = hook();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!("kometa-trakt: config.yml: {NOT_A_SAVE}\n")
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), mine);
}
