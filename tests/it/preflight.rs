//! Before a single-use refresh token or PIN is spent, the whole save path
//! is proven: the write method that will be used, a place for a backup and
//! for a recovery file, and the edit for every value Trakt's answer may
//! change. Otherwise nothing is sent (exit 2), and the file is untouched.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::support::trakt::{UNAUTHORIZED, config_text};
use crate::support::{is_root, kt, temp_file};
use trakt_test_server::{Config, Server};

/// Runs the binary as an ordinary user: as root, as `nobody` (setpriv);
/// otherwise as ourselves. Returns exit code and stderr.
fn as_user(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut run = kt(args).envs(env.iter().copied());
    if is_root() {
        run = run.via(
            "setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups"],
        );
    }
    let out = run.run();
    (out.code, out.stderr)
}

/// Gives `path` to the user `as_user` runs as.
fn give(path: &Path) {
    if is_root() {
        std::os::unix::fs::chown(path, Some(65534), Some(65534)).unwrap();
    }
}

#[test]
fn a_read_only_directory_and_no_writable_state_directory_refuse_before_any_request() {
    let server = Server::start(Config::default());
    let root = tempfile::tempdir().unwrap();
    fs::set_permissions(root.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let dir = root.path().join("config");
    let home = root.path().join("home");
    fs::create_dir(&dir).unwrap();
    fs::create_dir(&home).unwrap();
    let file = dir.join("config.yml");
    fs::write(&file, config_text()).unwrap();
    for path in [&dir, &home, &file] {
        give(path);
    }
    // The config is writable; its directory and the home are not.
    fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).unwrap();
    fs::set_permissions(&home, fs::Permissions::from_mode(0o555)).unwrap();
    let url = server.url();
    let home_var = home.to_str().unwrap();
    let (code, stderr) = as_user(
        &[
            "renew",
            file.to_str().unwrap(),
            "--force",
            "--api-url",
            &url,
            "--auth-url",
            &url,
        ],
        &[("HOME", home_var), ("XDG_STATE_HOME", "")],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("; nothing was sent to Trakt, so nothing was spent"),
        "{stderr}"
    );
    assert!(server.log().is_empty(), "a request was made");
    assert_eq!(fs::read_to_string(&file).unwrap(), config_text());
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(&home, fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn values_only_the_answer_changes_are_planned_before_any_request() {
    let cases = [
        ("expires_in: 86400", "expires_in: &l 86400", "is anchored"),
        (
            "expires_in: 86400",
            "expires_in: \t86400",
            "separated from its key by a tab",
        ),
        (
            "created_at: 1764115200",
            "created_at: &c 1764115200",
            "is anchored",
        ),
    ];
    for (from, to, why) in cases {
        let server = Server::start(Config::default());
        let text = config_text().replacen(from, to, 1);
        assert_ne!(text, config_text());
        let (_dir, file) = temp_file("config.yml", text.as_bytes());
        let r = kt(["renew", file.to_str().unwrap(), "--force"])
            .against(&server)
            .run();
        assert_eq!(r.code, 2, "{to:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(why)
                && r.stderr.contains(
                    "not contacting Trakt, since the new tokens could not be stored here"
                ),
            "{to:?}: {}",
            r.stderr
        );
        assert!(server.log().is_empty(), "{to:?}: a request was made");
        assert_eq!(fs::read_to_string(&file).unwrap(), text);
    }
}

#[test]
fn a_trailing_no_break_space_is_renewed_not_refused() {
    let server = Server::start(Config::default());
    let text = config_text().replacen("scope: public\n", "scope: public\u{a0}\n", 1);
    let (_dir, file) = temp_file("config.yml", text.as_bytes());
    let r = kt(["renew", file.to_str().unwrap(), "--force"])
        .against(&server)
        .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = fs::read_to_string(&file).unwrap();
    assert!(after.contains("    scope: public\n"), "{after}");
}

#[test]
fn a_pin_or_device_code_is_not_spent_where_the_tokens_could_not_be_stored() {
    let placeholders = UNAUTHORIZED.replace(
        "  authorization:\n",
        "  authorization:\n    access_token: <<trakt-access>>\n    refresh_token: <<trakt-refresh>>\n",
    );
    let anchored = UNAUTHORIZED.replace(
        "  authorization:\n",
        "  authorization: &auth {scope: public}\n",
    );
    for (text, why) in [
        (&placeholders, "is the placeholder `<<trakt-access>>`"),
        (&anchored, "is anchored (&)"),
    ] {
        for flow in [&["--pin", "7F3A9C21"][..], &["--device"][..]] {
            let server = Server::start(Config::default());
            server.add_pin("7F3A9C21");
            let (_dir, file) = temp_file("config.yml", text.as_bytes());
            let mut args = vec!["auth", file.to_str().unwrap()];
            args.extend_from_slice(flow);
            let r = kt(&args).against(&server).run();
            assert_eq!(r.code, 2, "{flow:?}: {}", r.stderr);
            assert!(r.stderr.contains(why), "{flow:?}: {}", r.stderr);
            assert!(server.log().is_empty(), "{flow:?}: a request was made");
            assert_eq!(&fs::read_to_string(&file).unwrap(), text);
        }
    }
}
