//! Backup and recovery files hold the whole config or its tokens: each is
//! created exclusively under a fresh name, never through a symlink, mode
//! 0600 from birth; kept next to the config unless others may write in its
//! directory; found again only if it is a regular file of this user, 0600.

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use crate::support::trakt::{config_text, recovery_path, renew_changed_midway};
use crate::support::{kt, recovery_block, temp_file};
use trakt_test_server::{Config, Server, TOKEN};

/// Runs `renew --force` on `dir/NAME` (made from the fixture after
/// `prepare` ran in `dir`), with the state directory `dir/state`, while the
/// config changes under the token call: the spent answer goes to a
/// recovery file. Returns stderr.
fn renew_unsaved(server: &Server, dir: &Path, name: &str, prepare: impl FnOnce(&Path)) -> String {
    prepare(dir);
    let file = dir.join(name);
    fs::write(&file, config_text()).unwrap();
    let state = dir.join("state");
    let r = renew_changed_midway(
        server,
        &file,
        &[("XDG_STATE_HOME", state.to_str().unwrap())],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    r.stderr
}

#[test]
fn a_planted_symlink_is_never_followed_and_the_recovery_file_is_new_and_private() {
    let server = Server::start(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    fs::write(&victim, "not yours\n").unwrap();
    // Links at every name a fixed scheme would use, pointing at the victim.
    let work = dir.path().join("work");
    let err = renew_unsaved(&server, &work, "config.yml", |d| {
        fs::create_dir(d).unwrap();
        for n in [
            ".config.yml.kometa-trakt-recovery.yml",
            ".config.yml.kometa-trakt.bak",
            ".config.yml.kometa-trakt-backup.yml",
        ] {
            symlink(&victim, d.join(n)).unwrap();
        }
    });
    assert_eq!(server.count(TOKEN), 1, "{err}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "not yours\n");
    assert_eq!(
        fs::metadata(&victim).unwrap().permissions().mode() & 0o777,
        0o644
    );
    let recovery = recovery_path(&err);
    let meta = fs::symlink_metadata(&recovery).unwrap();
    assert!(meta.file_type().is_file());
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let live = server.refresh_token().unwrap();
    assert!(fs::read_to_string(&recovery).unwrap().contains(&live));
}

#[test]
fn in_a_directory_others_may_write_the_recovery_file_goes_to_the_private_state_directory() {
    let server = Server::start(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let err = renew_unsaved(&server, dir.path(), "config.yml", |d| {
        fs::set_permissions(d, fs::Permissions::from_mode(0o777)).unwrap()
    });
    let recovery = recovery_path(&err);
    let state = dir.path().join("state/kometa-trakt");
    assert_eq!(recovery.parent(), Some(state.as_path()), "{err}");
    assert_eq!(
        fs::metadata(&state).unwrap().permissions().mode() & 0o777,
        0o700
    );
}

#[test]
fn a_newline_in_the_config_name_does_not_break_the_recovery_file() {
    let server = Server::start(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let name = "con\nfig.yml";
    let err = renew_unsaved(&server, dir.path(), name, |_| {});
    let recovery = recovery_path(&err);
    let saved = fs::read_to_string(&recovery).unwrap();
    assert!(
        saved.contains("config: \"") && saved.contains("con\\nfig.yml\"\n"),
        "{saved}"
    );
    // The file applies as it is.
    let (_d, file) = temp_file("target.yml", config_text().as_bytes());
    let r = kt([
        "auth",
        file.to_str().unwrap(),
        "--from-file",
        recovery.to_str().unwrap(),
    ])
    .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let live = server.refresh_token().unwrap();
    assert!(fs::read_to_string(&file).unwrap().contains(&live));
}

/// A recovery-file name beside `dir/config.yml`, as `renew` makes them.
fn recovery_name(dir: &Path) -> PathBuf {
    dir.join(".config.yml.kometa-trakt-recovery.PLANTED1.yml")
}

#[test]
fn recovery_files_that_are_links_or_not_private_are_not_trusted() {
    let (dir, file) = temp_file("config.yml", config_text().as_bytes());
    let spent = Server::start(Config {
        refresh_token: "another-token".into(),
        ..Config::default()
    });
    let elsewhere = dir.path().join("elsewhere.yml");
    fs::write(&elsewhere, recovery_block(&"d".repeat(64))).unwrap();
    fs::set_permissions(&elsewhere, fs::Permissions::from_mode(0o600)).unwrap();
    // A link with a recovery file's name, and a file others may read.
    symlink(&elsewhere, recovery_name(dir.path())).unwrap();
    let readable = dir
        .path()
        .join(".config.yml.kometa-trakt-recovery.PLANTED2.yml");
    fs::write(&readable, recovery_block(&"e".repeat(64))).unwrap();
    fs::set_permissions(&readable, fs::Permissions::from_mode(0o644)).unwrap();
    let r = kt(["renew", file.to_str().unwrap()]).against(&spent).run();
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(!r.stderr.contains("recovery"), "{}", r.stderr);
    let status = kt(["status", file.to_str().unwrap()]).run();
    assert!(!status.stdout.contains("recovery"), "{}", status.stdout);
    // Given to --from-file by that name, the link is refused too.
    let applied = kt([
        "auth",
        file.to_str().unwrap(),
        "--from-file",
        recovery_name(dir.path()).to_str().unwrap(),
    ])
    .run();
    assert_eq!(applied.code, 2);
    assert!(
        applied.stderr.contains("not a private file of this user"),
        "{}",
        applied.stderr
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), config_text());
}
