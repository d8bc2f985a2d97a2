//! Recovery files: pointed to while they hold newer tokens than the config,
//! removed once new tokens are saved.

use crate::support::trakt::config_text;
use crate::support::{kt, recovery_file, temp_file};
use trakt_test_server::{Config, Server};

#[test]
fn recovery_files_are_pointed_to_only_while_unapplied_and_cleared_by_a_renewal() {
    let (dir, file) = temp_file("config.yml", config_text().as_bytes());
    // The config already holds the recovery file's refresh token: no pointer.
    let recovery = recovery_file(dir.path(), &Config::default().refresh_token);
    let spent = Server::start(Config {
        refresh_token: "another-token".into(),
        ..Config::default()
    });
    let r = kt(["renew", file.to_str().unwrap()]).against(&spent).run();
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(!r.stderr.contains("recovery"), "{}", r.stderr);
    // Other tokens: pointed to.
    recovery_file(dir.path(), &"d".repeat(64));
    let r = kt(["renew", file.to_str().unwrap()]).against(&spent).run();
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains(&format!(
            "\n  but {} holds newer tokens",
            recovery.display()
        )),
        "{}",
        r.stderr
    );
    // A renewal that is saved supersedes the recovery file.
    let live = Server::start(Config::default());
    let r = kt(["renew", file.to_str().unwrap(), "--force"])
        .against(&live)
        .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.ends_with(&format!(
            "\nremoved {}: superseded by the tokens just saved\n",
            recovery.display()
        )),
        "{}",
        r.stdout
    );
    assert!(!recovery.exists());
}
