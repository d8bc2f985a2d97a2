//! `status`: the authorization state, offline, in text and JSON.

use crate::support::{fixture, kt, recovery_file, temp_file};
use trakt_test_server::{Config, Fault, SETTINGS, Server};

fn status(dir: &std::path::Path, now: &str, args: &[&str]) -> (i32, String, String) {
    let out = kt(["status"])
        .args(args)
        .dir(dir)
        .env("KOMETA_TRAKT_NOW", now)
        .run();
    (out.code, out.stdout, out.stderr)
}

#[test]
fn authorized_config_in_text() {
    let (code, out, err) = status(&fixture(""), "1764150000", &["config.yml"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        "config.yml: authorized
  token type:  Bearer
  created:     2025-11-26 00:00:00 UTC (9 hours 40 minutes ago)
  expires:     2025-11-27 00:00:00 UTC (in 14 hours 20 minutes)
  lifetime:    1 day
  renewal due: no (due in 8 hours 20 minutes)
  client id:   4f2a…(64 chars)
"
    );
}

#[test]
fn due_token_in_json_and_expired_token_in_text() {
    let (code, out, _) = status(
        &fixture(""),
        "1764200000",
        &["--format", "json", "config.yml"],
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        r#"{
  "path": "config.yml",
  "trakt": true,
  "authorized": true,
  "token_type": "Bearer",
  "token": {
    "created_at": 1764115200,
    "expires_at": 1764201600,
    "expires_in": 86400,
    "remaining": 1600,
    "expired": false,
    "renewal_due": true
  },
  "client_id": "4f2a…(64 chars)",
  "account": null,
  "recovery": null,
  "backup": null
}
"#
    );
    let (_, text, _) = status(&fixture(""), "1764300000", &["config.yml"]);
    assert!(
        text.contains("  expires:     2025-11-27 00:00:00 UTC (expired 1 day 3 hours ago)\n"),
        "{text}"
    );
    assert!(text.contains("  renewal due: yes (expired)\n"), "{text}");
}

#[test]
fn unauthorized_and_missing_blocks() {
    let (dir, _) = temp_file(
        "config.yml",
        b"trakt:\n  client_id: abc\n  authorization:\n    access_token:\n    scope: public\n",
    );
    let (_, out, _) = status(dir.path(), "0", &["config.yml"]);
    assert_eq!(out, "config.yml: not authorized\n  client id:   ****\n");
    let (dir, _) = temp_file("config.yml", b"plex:\n  url: x\n");
    let (code, out, _) = status(dir.path(), "0", &["config.yml"]);
    assert_eq!((code, out.as_str()), (0, "config.yml: no trakt block\n"));
}

#[test]
fn file_defaults_to_kometa_config_then_config_dir() {
    let (dir, _) = temp_file("my.yml", b"plex:\n  url: x\n");
    let out = kt(["status"])
        .dir(dir.path())
        .env("KOMETA_CONFIG", "my.yml")
        .run();
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "my.yml: no trakt block\n")
    );
    let out = kt(["status"]).dir(dir.path()).run();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "kometa-trakt: config/config.yml: cannot read: No such file or directory\n"
    );
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = kt(["completions", shell]).run();
        assert_eq!(out.code, 0, "{shell}");
        let script = out.stdout;
        assert!(
            script.contains("kometa-trakt") && script.contains("require-valid-for"),
            "{shell}"
        );
    }
}

#[test]
fn an_unapplied_recovery_file_is_shown_with_the_command_that_applies_it() {
    let config = std::fs::read(fixture("config.yml")).unwrap();
    let (dir, _) = temp_file("config.yml", &config);
    let recovery = recovery_file(dir.path(), &"d".repeat(64));
    let shown = std::fs::canonicalize(&recovery)
        .unwrap()
        .display()
        .to_string();
    let (code, text, _) = status(dir.path(), "1764150000", &["config.yml"]);
    assert_eq!(code, 0);
    assert!(
        text.ends_with(&format!(
            "  client id:   4f2a…(64 chars)\n  recovery:    {shown} holds newer tokens from a renewal that could not be saved: apply them with `kometa-trakt auth config.yml --from-file {shown}`\n"
        )),
        "{text}"
    );
    let (_, json, _) = status(
        dir.path(),
        "1764150000",
        &["--format", "json", "config.yml"],
    );
    assert!(
        json.ends_with(&format!(
            "  \"recovery\": \"{shown}\",\n  \"backup\": null\n}}\n"
        )),
        "{json}"
    );
    // Once the config holds its refresh token, the file is applied: not shown.
    recovery_file(dir.path(), &Config::default().refresh_token);
    let (_, text, _) = status(dir.path(), "1764150000", &["config.yml"]);
    assert!(!text.contains("recovery"), "{text}");
}

#[test]
fn status_online_names_the_account() {
    let server = Server::start(Config::default());
    let r = kt([
        "status",
        fixture("config.yml").to_str().unwrap(),
        "--online",
    ])
    .against(&server)
    .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.ends_with("  account:     sean\n"), "{}", r.stdout);
}

#[test]
fn safe_calls_are_retried_after_429_and_5xx() {
    let server = Server::start(Config::default());
    server.fault(SETTINGS, Fault::Status(502), 1);
    server.fault(SETTINGS, Fault::RateLimited(1), 1);
    let r = kt([
        "status",
        fixture("config.yml").to_str().unwrap(),
        "--online",
    ])
    .against(&server)
    .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.ends_with("  account:     sean\n"));
    assert_eq!(server.count(SETTINGS), 3);
    let dead = Server::start(Config {
        access_token: "another".into(),
        ..Config::default()
    });
    let r = kt([
        "status",
        fixture("config.yml").to_str().unwrap(),
        "--online",
    ])
    .against(&dead)
    .run();
    assert_eq!(r.code, 3);
    assert!(
        r.stderr
            .contains("Trakt refused the access token (401 Unauthorized)"),
        "{}",
        r.stderr
    );
}
