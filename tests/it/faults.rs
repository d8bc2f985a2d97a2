//! `renew` under real filesystem faults, made with mounts in a private
//! mount namespace: a read-only config is refused before any request; a
//! full filesystem leaves a recovery file that restores the config; a
//! single-file bind mount is renewed in place.

use std::fs;

use crate::support::trakt::{
    assert_no_secret, config_text, in_namespace_with, one_page_config, recovery_path, renewed,
};
use crate::support::{Run, in_namespace, kt};
use trakt_test_server::{Config, Server, TOKEN};

#[test]
fn read_only_config_is_refused_before_any_request() {
    let server = Server::start(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    fs::create_dir(dir.path().join("mnt")).unwrap();
    fs::write(dir.path().join("config.yml"), config_text()).unwrap();
    let out = in_namespace_with(&server, &format!(
            "mount -t tmpfs -o size=1m tmpfs {d}/mnt
             cp {d}/config.yml {d}/mnt/config.yml
             mount -o remount,bind,ro {d}/mnt
             set +e; \"$BIN\" renew {d}/mnt/config.yml --api-url $URL --auth-url $URL 2>{d}/err; echo rc=$?"
        ),
    );
    assert_eq!(out, "rc=2\n");
    let err = fs::read_to_string(dir.path().join("err")).unwrap();
    assert!(
        err.contains("cannot write: Read-only file system; not contacting Trakt"),
        "{err}"
    );
    assert!(server.log().is_empty(), "the server saw a request");
}

#[test]
fn full_filesystem_leaves_a_recovery_file_that_restores_the_config() {
    let server = Server::start(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    fs::create_dir(dir.path().join("mnt")).unwrap();
    fs::create_dir(dir.path().join("state")).unwrap();
    let padded = one_page_config();
    fs::write(dir.path().join("config.yml"), &padded).unwrap();
    let out = in_namespace_with(&server, &format!(
            "mount -t tmpfs -o size=64k tmpfs {d}/mnt
             cp {d}/config.yml {d}/mnt/config.yml
             dd if=/dev/zero of={d}/mnt/fill bs=4096 2>/dev/null || true
             set +e; XDG_STATE_HOME={d}/state \"$BIN\" renew {d}/mnt/config.yml --api-url $URL --auth-url $URL 2>{d}/err; echo rc=$?; set -e
             cp {d}/mnt/config.yml {d}/after.yml
             ls -A {d}/mnt"
        ),
    );
    let err = fs::read_to_string(dir.path().join("err")).unwrap();
    assert_eq!(out, "rc=2\nconfig.yml\nfill\n", "{err}");
    assert_eq!(server.count(TOKEN), 1);
    assert_eq!(
        fs::read_to_string(dir.path().join("after.yml")).unwrap(),
        padded,
        "the config is intact"
    );
    let recovery = recovery_path(&err);
    assert_eq!(
        recovery.parent(),
        Some(dir.path().join("state/kometa-trakt").as_path())
    );
    assert!(err.contains("No space left on device"), "{err}");
    assert!(err.contains("kometa-trakt auth"), "{err}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        fs::metadata(&recovery).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_no_secret(
        &server,
        &Run {
            code: 2,
            stdout: String::new(),
            stderr: err,
        },
    );
    // The config (at the same path, the tmpfs gone) still holds the spent
    // refresh token: renewing it again points to the recovery file.
    let file = dir.path().join("mnt/config.yml");
    let config = file.to_str().unwrap();
    fs::write(&file, &padded).unwrap();
    let url = server.url();
    let with_state = |args: &[&str]| {
        let out = kt(args)
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .run();
        (out.code, out.stdout, out.stderr)
    };
    let (code, _, stderr) = with_state(&["renew", config, "--api-url", &url, "--auth-url", &url]);
    assert_eq!(code, 3, "{stderr}");
    let shown = recovery.display();
    assert!(
        stderr.ends_with(&format!(
            "(invalid_grant): it was already used, expired or revoked; authorize again with `kometa-trakt auth --pin PIN` or `--device`\n  but {shown} holds newer tokens from a renewal that could not be saved: apply them with `kometa-trakt auth {config} --from-file {shown}`\n"
        )),
        "{stderr}"
    );
    // Applying it restores a working config (the stored refresh token is
    // the live one) and removes it.
    let (code, stdout, stderr) = with_state(&["auth", config, "--from-file", &shown.to_string()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.ends_with(&format!(
            "\nremoved {shown}: superseded by the tokens just saved\n"
        )),
        "{stdout}"
    );
    assert!(!recovery.exists());
    let restored = fs::read_to_string(&file).unwrap();
    let live = server.refresh_token().unwrap();
    assert!(
        restored.contains(&format!("refresh_token: {live}\n")),
        "{restored}"
    );
    let renew = kt(["renew", config, "--force"]).against(&server).run();
    assert_eq!(renew.code, 0, "{}", renew.stderr);
}

#[test]
fn configs_with_one_name_on_full_filesystems_get_their_own_recovery_files() {
    let (one, two) = (
        Server::start(Config::default()),
        Server::start(Config::default()),
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    fs::write(dir.path().join("config.yml"), one_page_config()).unwrap();
    let out = in_namespace(
        &format!(
            "for n in 1 2; do
               mkdir {d}/mnt$n; mount -t tmpfs -o size=64k tmpfs {d}/mnt$n
               cp {d}/config.yml {d}/mnt$n/config.yml
               dd if=/dev/zero of={d}/mnt$n/fill bs=4096 2>/dev/null || true
             done
             set +e
             XDG_STATE_HOME={d}/state \"$BIN\" renew {d}/mnt1/config.yml --api-url $ONE --auth-url $ONE 2>{d}/err1; echo rc=$?
             XDG_STATE_HOME={d}/state \"$BIN\" renew {d}/mnt2/config.yml --api-url $TWO --auth-url $TWO 2>{d}/err2; echo rc=$?"
        ),
        &[("ONE", &one.url()), ("TWO", &two.url())],
    );
    assert_eq!(out, "rc=2\nrc=2\n");
    let err = |n: u8| fs::read_to_string(dir.path().join(format!("err{n}"))).unwrap();
    let (first, second) = (recovery_path(&err(1)), recovery_path(&err(2)));
    let hash = |path: &std::path::Path| {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let hash = name
            .strip_prefix("config.yml.")
            .and_then(|n| n.split_once(".kometa-trakt-recovery."))
            .map(|(hash, _)| hash.to_string())
            .unwrap_or_else(|| panic!("{name}"));
        assert!(
            hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{name}"
        );
        hash
    };
    assert_ne!(hash(&first), hash(&second), "two configs, one name prefix");
    for (path, server) in [(first, &one), (second, &two)] {
        let live = server.refresh_token().unwrap();
        let saved = fs::read_to_string(&path).unwrap();
        assert!(
            saved.contains(&format!("refresh_token: \"{live}\"\n")),
            "{saved}"
        );
    }
}

#[test]
fn single_file_bind_mount_is_renewed_in_place() {
    let server = Server::start(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    fs::write(dir.path().join("source.yml"), config_text()).unwrap();
    fs::create_dir(dir.path().join("app")).unwrap();
    fs::write(dir.path().join("app/config.yml"), "x\n").unwrap();
    let out = in_namespace_with(&server, &format!(
            "mount --bind {d}/source.yml {d}/app/config.yml
             set +e; \"$BIN\" renew {d}/app/config.yml --api-url $URL --auth-url $URL >/dev/null 2>{d}/err; echo rc=$?; set -e
             ls -A {d}/app"
        ),
    );
    assert_eq!(
        out,
        "rc=0\nconfig.yml\n",
        "{}",
        fs::read_to_string(dir.path().join("err")).unwrap()
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("source.yml")).unwrap(),
        renewed(&config_text(), &server.issued()[0])
    );
}
