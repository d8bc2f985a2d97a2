//! `renew` under real faults: a read-only config and a full filesystem
//! (mounts in a private mount namespace) are refused before any request; a
//! save that fails once the token is spent (the config changed meanwhile)
//! leaves a recovery file that restores the config; a single-file bind
//! mount is renewed in place.

use std::fs;

use crate::support::kt;
use crate::support::trakt::{
    assert_no_secret, config_text, in_namespace_with, one_page_config, recovery_path,
    renew_changed_midway, renewed,
};
use trakt_test_server::{Config, Server};

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
        err.contains(
            "cannot write: Read-only file system; nothing was sent to Trakt, so nothing was spent"
        ),
        "{err}"
    );
    assert!(server.log().is_empty(), "the server saw a request");
}

#[test]
fn a_full_filesystem_refuses_before_anything_is_spent() {
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
             ls -A {d}/mnt {d}/state"
        ),
    );
    let err = fs::read_to_string(dir.path().join("err")).unwrap();
    assert_eq!(
        err,
        format!(
            "kometa-trakt: {d}/mnt/config.yml: not enough space for the save (No space left on device); nothing was sent to Trakt, so nothing was spent\n"
        )
    );
    // Nothing left behind: the reserved files are gone again.
    assert_eq!(
        out,
        format!("rc=2\n{d}/mnt:\nconfig.yml\nfill\n\n{d}/state:\nkometa-trakt\n")
    );
    assert!(server.log().is_empty(), "the server saw a request");
    assert_eq!(
        fs::read_to_string(dir.path().join("after.yml")).unwrap(),
        padded,
        "the config is intact"
    );
}

#[test]
fn a_renewal_whose_save_fails_keeps_the_tokens_in_a_recovery_file_that_restores_the_config() {
    let server = Server::start(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.yml");
    let config = file.to_str().unwrap();
    fs::write(&file, config_text()).unwrap();
    let state = dir.path().join("state");
    let state_env = [("XDG_STATE_HOME", state.to_str().unwrap())];
    let r = renew_changed_midway(&server, &file, &state_env);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let recovery = recovery_path(&r.stderr);
    assert_eq!(recovery.parent(), Some(dir.path()));
    let shown = recovery.display();
    assert_eq!(
        r.stderr,
        format!(
            "kometa-trakt: {config}: the new tokens could not be saved (cannot write: the file changed since it was read; nothing was written). They are in {shown} (readable by you only); apply them with:\n  kometa-trakt auth {config} --from-file {shown}\n"
        )
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        fs::metadata(&recovery).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_no_secret(&server, &r);
    let edited = format!("{}# edited meanwhile\n", config_text());
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        edited,
        "the person's edit stays"
    );
    // The config still holds the spent refresh token: status and a new
    // renewal point to the recovery file.
    let status = kt(["status", config]).envs(state_env).run();
    assert!(
        status.stdout.ends_with(&format!(
            "  recovery:    {shown} holds newer tokens from a renewal that could not be saved: apply them with `kometa-trakt auth {config} --from-file {shown}`\n"
        )),
        "{}",
        status.stdout
    );
    let again = kt(["renew", config]).against(&server).envs(state_env).run();
    assert_eq!(again.code, 3, "{}", again.stderr);
    assert!(
        again.stderr.ends_with(&format!(
            "\n  but {shown} holds newer tokens from a renewal that could not be saved: apply them with `kometa-trakt auth {config} --from-file {shown}`\n"
        )),
        "{}",
        again.stderr
    );
    // Applying it restores a working config (the stored refresh token is
    // the live one) and removes it.
    let applied = kt(["auth", config, "--from-file", &shown.to_string()])
        .envs(state_env)
        .run();
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    assert!(
        applied.stdout.ends_with(&format!(
            "\nremoved {shown}: superseded by the tokens just saved\n"
        )),
        "{}",
        applied.stdout
    );
    assert!(!recovery.exists());
    let live = server.refresh_token().unwrap();
    assert!(
        fs::read_to_string(&file)
            .unwrap()
            .contains(&format!("refresh_token: {live}\n"))
    );
    let renew = kt(["renew", config, "--force"])
        .against(&server)
        .envs(state_env)
        .run();
    assert_eq!(renew.code, 0, "{}", renew.stderr);
}

#[test]
fn configs_with_one_name_in_shared_directories_get_their_own_recovery_files() {
    let (one, two) = (
        Server::start(Config::default()),
        Server::start(Config::default()),
    );
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let env = [("XDG_STATE_HOME", state.to_str().unwrap())];
    let mut found = Vec::new();
    for (n, server) in [(1, &one), (2, &two)] {
        // Others may write in these directories: recovery files go to the
        // private state directory, where the two names must not meet.
        let sub = dir.path().join(format!("shared{n}"));
        fs::create_dir(&sub).unwrap();
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&sub, fs::Permissions::from_mode(0o777)).unwrap();
        let file = sub.join("config.yml");
        fs::write(&file, config_text()).unwrap();
        let r = renew_changed_midway(server, &file, &env);
        assert_eq!(r.code, 2, "{}", r.stderr);
        found.push(recovery_path(&r.stderr));
    }
    let hash = |path: &std::path::Path| {
        assert_eq!(path.parent(), Some(state.join("kometa-trakt").as_path()));
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
    assert_ne!(
        hash(&found[0]),
        hash(&found[1]),
        "two configs, one name prefix"
    );
    for (path, server) in found.iter().zip([&one, &two]) {
        let live = server.refresh_token().unwrap();
        let saved = fs::read_to_string(path).unwrap();
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
