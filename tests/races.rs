//! Writers run together, for real and many times: every writer takes the
//! same lock (on the config's directory, which the rename that replaces the
//! file leaves in place) and writes only what it read under it, so no edit
//! is lost and a spent refresh token is never left in the config.

mod support;

use std::fs;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::temp_file;
use support::trakt::config_text;
use trakt_test_server::{Config, Fault, Server, TOKEN};

const ROUNDS: usize = 25;
/// However fast the machine, the rounds stop here (each asserted first).
const LIMIT: Duration = Duration::from_secs(60);

fn binary(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kometa-trakt"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

#[test]
fn two_sets_on_different_keys_both_land() {
    let started = Instant::now();
    for round in 0..ROUNDS {
        let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
        let path = file.to_str().unwrap();
        let a = binary(&["set", path, "trakt.authorization.scope", "public private"])
            .spawn()
            .unwrap();
        let b = binary(&["set", path, "trakt.authorization.token_type", "bearer"])
            .spawn()
            .unwrap();
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        assert_eq!(
            (a.status.code(), b.status.code()),
            (Some(0), Some(0)),
            "round {round}: {}{}",
            String::from_utf8_lossy(&a.stderr),
            String::from_utf8_lossy(&b.stderr)
        );
        let after = fs::read_to_string(&file).unwrap();
        assert_eq!(
            after,
            config_text()
                .replace("scope: public\n", "scope: public private\n")
                .replace("token_type: Bearer\n", "token_type: bearer\n"),
            "round {round}: an edit was lost"
        );
        if started.elapsed() > LIMIT {
            break;
        }
    }
}

#[test]
fn a_renewal_racing_a_set_never_leaves_a_spent_token() {
    let started = Instant::now();
    for round in 0..ROUNDS {
        let server = Server::start(Config::default());
        // The token call takes a while, so the set lands in the middle.
        server.fault(TOKEN, Fault::Slow(Duration::from_millis(60)), 1);
        let (dir, file) = temp_file("config.yml", config_text().as_bytes());
        let path = file.to_str().unwrap();
        let url = server.url();
        let renew = binary(&[
            "renew",
            path,
            "--force",
            "--api-url",
            &url,
            "--auth-url",
            &url,
        ])
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .spawn()
        .unwrap();
        std::thread::sleep(Duration::from_millis((round % 5) as u64 * 15));
        // A key the renewal does not write (scope it may: Trakt's answer wins).
        let set = binary(&["set", path, "settings.cache_expiration", "90"])
            .spawn()
            .unwrap();
        let (renew, set) = (
            renew.wait_with_output().unwrap(),
            set.wait_with_output().unwrap(),
        );
        assert_eq!(
            set.status.code(),
            Some(0),
            "round {round}: {}",
            String::from_utf8_lossy(&set.stderr)
        );
        assert_eq!(
            renew.status.code(),
            Some(0),
            "round {round}: {}",
            String::from_utf8_lossy(&renew.stderr)
        );
        let after = fs::read_to_string(&file).unwrap();
        let live = server.refresh_token().unwrap();
        assert!(
            after.contains(&format!("refresh_token: {live}\n"))
                && after.contains("cache_expiration: 90\n"),
            "round {round}: the config lost the live token or the edit:\n{after}"
        );
        if started.elapsed() > LIMIT {
            break;
        }
    }
}
