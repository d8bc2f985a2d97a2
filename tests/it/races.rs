//! Writers run together, for real and many times: every writer takes the
//! same lock (on the config's directory, which the rename that replaces the
//! file leaves in place) and writes only what it read under it, so no edit
//! is lost and a spent refresh token is never left in the config.
//!
//! That the runs overlapped is not left to chance: in every round each
//! writer is seen in `/proc/locks` waiting for the lock while another
//! holds it (the test itself, or a renewal whose token call the test
//! server holds), so both were running at once, between their first read
//! of the config and their write.

use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::support::trakt::{config_text, renewed};
use crate::support::{
    Running, hold_lock, kt, lockers, temp_file, wait_until, wait_until_waiting_for_lock,
};
use trakt_test_server::{Config, Fault, Server, TOKEN};

const ROUNDS: usize = 25;

/// Releases `held` once every one of `writers` waits for the lock of `dir`.
fn release_when_all_wait(dir: &Path, held: fs::File, writers: &[&Running]) {
    let pids: Vec<u32> = writers.iter().map(|w| w.pid()).collect();
    wait_until_waiting_for_lock(dir, &pids);
    drop(held);
}

#[test]
fn two_sets_on_different_keys_both_land() {
    for round in 0..ROUNDS {
        let (dir, file) = temp_file("config.yml", config_text().as_bytes());
        let path = file.to_str().unwrap();
        // Both start while the lock is ours, and wait for it together.
        let held = hold_lock(dir.path());
        let a = kt(["set", path, "trakt.authorization.scope", "public private"]).spawn();
        let b = kt(["set", path, "trakt.authorization.token_type", "bearer"]).spawn();
        release_when_all_wait(dir.path(), held, &[&a, &b]);
        let (a, b) = (a.wait(), b.wait());
        assert_eq!(
            (a.code, b.code),
            (0, 0),
            "round {round}: {}{}",
            a.stderr,
            b.stderr
        );
        let after = fs::read_to_string(&file).unwrap();
        assert_eq!(
            after,
            config_text()
                .replace("scope: public\n", "scope: public private\n")
                .replace("token_type: Bearer\n", "token_type: bearer\n"),
            "round {round}: an edit was lost"
        );
    }
    println!("races: {ROUNDS} rounds of two sets, both waiting for the lock at once in each");
}

#[test]
fn a_fix_and_a_set_both_land() {
    // `check --fix` unquotes the number; the set changes another line.
    let quoted = config_text().replace("expires_in: 86400  ", "expires_in: '86400'");
    assert_ne!(quoted, config_text());
    let both = quoted
        .replace("'86400'", "86400")
        .replace("scope: public\n", "scope: public private\n");
    for round in 0..ROUNDS {
        let (dir, file) = temp_file("config.yml", quoted.as_bytes());
        let path = file.to_str().unwrap();
        let held = hold_lock(dir.path());
        let fix = kt(["check", "--fix", path]).spawn();
        let set = kt(["set", path, "trakt.authorization.scope", "public private"]).spawn();
        release_when_all_wait(dir.path(), held, &[&fix, &set]);
        let (fix, set) = (fix.wait(), set.wait());
        assert_eq!(
            (fix.code, set.code),
            (0, 0),
            "round {round}: {}{}",
            fix.stderr,
            set.stderr
        );
        assert!(
            fix.stdout.ends_with("1 fixed, 1 remaining\n"),
            "round {round}: {}",
            fix.stdout
        );
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            both,
            "round {round}: an edit was lost"
        );
    }
    println!(
        "races: {ROUNDS} rounds of check --fix and a set, both waiting for the lock at once in each"
    );
}

#[test]
fn a_renewal_racing_a_set_never_leaves_a_spent_token() {
    for round in 0..ROUNDS {
        let server = Server::start(Config::default());
        let (dir, file) = temp_file("config.yml", config_text().as_bytes());
        let path = file.to_str().unwrap();
        let renew = || {
            kt(["renew", path, "--force"])
                .against(&server)
                .env("XDG_STATE_HOME", dir.path().join("state"))
                .spawn()
        };
        // A key the renewal does not write (scope it may: Trakt's answer wins).
        let set = || kt(["set", path, "settings.cache_expiration", "90"]).spawn();
        let (renew, set) = if round % 2 == 0 {
            // The renewal first: its token call is held, so it holds the
            // lock, having read the config, while the set waits for it.
            server.fault(TOKEN, Fault::Hold, 1);
            let mut renew = renew();
            wait_until("the token request", Duration::from_secs(10), || {
                server.count(TOKEN) == 1
            });
            let set = set();
            wait_until_waiting_for_lock(dir.path(), &[set.pid()]);
            assert!(
                renew.is_running() && lockers(dir.path()).contains(&(renew.pid(), false)),
                "round {round}: the renewal does not hold the lock"
            );
            server.release();
            (renew, set)
        } else {
            // Both start while the lock is ours and wait for it together:
            // either may take it first.
            let held = hold_lock(dir.path());
            let (renew, set) = (renew(), set());
            release_when_all_wait(dir.path(), held, &[&renew, &set]);
            (renew, set)
        };
        let (renew, set) = (renew.wait(), set.wait());
        assert_eq!(set.code, 0, "round {round}: {}", set.stderr);
        assert_eq!(renew.code, 0, "round {round}: {}", renew.stderr);
        assert_eq!(server.count(TOKEN), 1, "round {round}");
        let after = fs::read_to_string(&file).unwrap();
        let live = server.refresh_token().unwrap();
        assert!(
            after.contains(&format!("refresh_token: {live}\n"))
                && after.contains("cache_expiration: 90\n"),
            "round {round}: the config lost the live token or the edit:\n{after}"
        );
    }
    println!(
        "races: {ROUNDS} rounds of a renewal and a set, each waiting for the lock while the other or the test held it"
    );
}

/// Kometa takes no lock: its save may open the config and write it in
/// the instant between a writer's last check and its rename. The rename
/// is held there for real (strace delays it), Kometa's save lands in the
/// file being replaced, and what it wrote is kept in a private file the
/// message names, with how to put it back: never lost.
#[test]
fn a_save_without_the_lock_landing_before_the_rename_is_kept() {
    use std::os::unix::fs::PermissionsExt;
    use std::process::{Command, Stdio};

    let strace = strace();
    let original = config_text();
    let (dir, file) = temp_file("config.yml", original.as_bytes());
    let path = file.to_str().unwrap();
    let child = Command::new(strace)
        .args(["-f", "-o", "/dev/null", "-e"])
        .arg("inject=rename,renameat,renameat2:delay_enter=4000000")
        .args([
            crate::support::BIN,
            "set",
            path,
            "settings.cache_expiration",
            "90",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run strace");
    // The temp file written whole: the check is done, the rename held.
    let ours = original.replace("cache_expiration: 60", "cache_expiration: 90");
    assert_ne!(ours, original, "the config holds cache_expiration: 60");
    wait_until("the temp file", Duration::from_secs(20), || {
        fs::read_dir(dir.path()).unwrap().any(|e| {
            let e = e.unwrap();
            e.file_name().to_string_lossy().ends_with(".tmp")
                && e.metadata().is_ok_and(|m| m.len() == ours.len() as u64)
        })
    });
    // Kometa's save: written in place, as Python's open(path, "w") does.
    let kometa = original.replace("scope: public", "scope: private");
    fs::write(&file, &kometa).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(fs::read_to_string(&file).unwrap(), ours, "{stderr}");
    let kept = stderr
        .split("is kept in ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .unwrap_or_else(|| panic!("no copy named: {stderr}"));
    assert_eq!(
        stderr,
        format!(
            "kometa-trakt: {path}: cannot write: another program (Kometa?) wrote the file while it was being replaced: the file holds kometa-trakt's text, and what the other program wrote is kept in {kept}; if that holds newer tokens, put it back with `cp {kept} {path}`\n"
        )
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(fs::read_to_string(kept).unwrap(), kometa);
    assert_eq!(
        fs::metadata(kept).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

/// strace, which holds a rename for these tests (.ci/run installs it).
fn strace() -> std::path::PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("strace"))
        .find(|p| p.is_file())
        .expect(
            "this test holds a rename with strace, which is not installed (.ci/run installs it)",
        )
}

/// The same race during a renewal: the spent token's answer is in the
/// config (the rename landed), Kometa's save is kept apart, and so is the
/// recovery file, should Kometa's text be put back. The renewal succeeded:
/// exit 0, with a warning that says all of it.
#[test]
fn a_save_without_the_lock_landing_before_a_renewals_rename_is_kept() {
    use std::os::unix::fs::PermissionsExt;

    let server = Server::start(Config::default());
    let original = config_text();
    let (dir, file) = temp_file("config.yml", original.as_bytes());
    let path = file.to_str().unwrap();
    let run = kt(["renew", path, "--force"])
        .against(&server)
        .via(
            strace(),
            [
                "-f",
                "-o",
                "/dev/null",
                "-e",
                "inject=rename,renameat,renameat2:delay_enter=4000000",
            ],
        )
        .spawn();
    // The answer's save written whole to the temp file: its check is
    // done, its rename held.
    let mut ours = String::new();
    wait_until("the saved temp file", Duration::from_secs(20), || {
        let Some(issued) = server.issued().into_iter().next() else {
            return false;
        };
        ours = renewed(&original, &issued);
        fs::read_dir(dir.path()).unwrap().any(|e| {
            let e = e.unwrap();
            e.file_name().to_string_lossy().ends_with(".tmp")
                && fs::read_to_string(e.path()).is_ok_and(|t| t == ours)
        })
    });
    let kometa = original.replace("scope: public", "scope: private");
    assert_ne!(kometa, original, "the config holds scope: public");
    fs::write(&file, &kometa).unwrap();
    let r = run.wait();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fs::read_to_string(&file).unwrap(), ours, "{}", r.stderr);
    let named = |after: &str, until: char| {
        r.stderr
            .split(after)
            .nth(1)
            .and_then(|rest| rest.split(until).next())
            .unwrap_or_else(|| panic!("nothing after {after:?}: {}", r.stderr))
            .to_string()
    };
    let kept = named("is kept in ", ';');
    let recovery = named(", and kept in ", ' ');
    assert_eq!(
        r.stderr,
        format!(
            "kometa-trakt: {path}: warning: another program (Kometa?) wrote the file while it was being replaced: the file holds kometa-trakt's text, and what the other program wrote is kept in {kept}; if that holds newer tokens, put it back with `cp {kept} {path}`. The new tokens are saved in {path}, and kept in {recovery} too: should you put the other text back, apply them with `kometa-trakt auth {path} --from-file {recovery}`\n"
        )
    );
    assert!(
        r.stdout.contains(&format!("{path}: renewed (--force)")),
        "{}",
        r.stdout
    );
    assert_eq!(fs::read_to_string(&kept).unwrap(), kometa);
    let live = server.refresh_token().unwrap();
    assert!(
        fs::read_to_string(&recovery)
            .unwrap()
            .contains(&format!("refresh_token: \"{live}\"")),
        "the recovery file holds the live token"
    );
    for p in [&kept, &recovery] {
        assert_eq!(fs::metadata(p).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
