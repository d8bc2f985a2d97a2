//! Trakt and Kometa as they are since late 2026: apps without a client
//! secret, the device flow first (the PIN page is gone), Trakt's 2026
//! failures named, Kometa after its August change (`KOMETA_VERSION`), and
//! the README's "Try it without Trakt" run as written.

use std::fs;
use std::path::Path;

use crate::support::trakt::{UNAUTHORIZED, config_text, renewed};
use crate::support::{NOW, kt, temp_file};
use trakt_test_server::{Config, DEVICE_CODE, DEVICE_TOKEN, Fault, SETTINGS, Server, TOKEN};

const SECRET: &str = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d";

/// An app without a client secret, as Trakt's new app page makes them.
fn secretless() -> Server {
    Server::start(Config {
        client_secret: String::new(),
        approve_after: Some(0),
        ..Config::default()
    })
}

/// The body of the last request to `path`, as the server got it.
fn last_body(server: &Server, path: &str) -> String {
    server
        .log()
        .into_iter()
        .rev()
        .find(|r| r.path == path)
        .map(|r| r.body)
        .unwrap_or_default()
}

#[test]
fn an_app_without_a_secret_refreshes_and_authorizes_and_no_secret_is_sent() {
    let server = secretless();
    let without = config_text().replace(
        &format!("  client_secret: \"{SECRET}\"   # from your Trakt app's page\n"),
        "",
    );
    assert_ne!(without, config_text());
    let (_dir, file) = temp_file("config.yml", without.as_bytes());
    let r = kt(["renew", file.to_str().unwrap(), "--force"])
        .against(&server)
        .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        renewed(&without, &server.issued()[0])
    );
    assert!(!last_body(&server, TOKEN).contains("client_secret"));
    // An empty secret is the same as none.
    let empty = config_text().replace(&format!("\"{SECRET}\""), "");
    let (_dir, file) = temp_file("config.yml", empty.as_bytes());
    let server = secretless();
    let r = kt(["renew", file.to_str().unwrap(), "--force"])
        .against(&server)
        .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!last_body(&server, TOKEN).contains("client_secret"));
    // The device flow.
    let unauthorized = UNAUTHORIZED.replace(&format!("  client_secret: {SECRET}\n"), "");
    let (_dir, file) = temp_file("config.yml", unauthorized.as_bytes());
    let r = kt(["auth", file.to_str().unwrap(), "--device"])
        .against(&server)
        .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!last_body(&server, DEVICE_TOKEN).contains("client_secret"));
    // An app with a secret still needs it.
    let with = Server::start(Config::default());
    let (_dir, file) = temp_file("config.yml", without.as_bytes());
    let r = kt(["renew", file.to_str().unwrap(), "--force"])
        .against(&with)
        .run();
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("(invalid_client)"), "{}", r.stderr);
}

#[test]
fn auth_alone_runs_the_device_flow_even_beside_a_pin() {
    let server = Server::start(Config {
        approve_after: Some(0),
        ..Config::default()
    });
    server.add_pin("7F3A9C21");
    let (_dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
    let r = kt(["auth", file.to_str().unwrap()]).against(&server).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(
            "note: the file holds a PIN; `--pin` would use it (legacy: Trakt retired its PIN page), the device flow does not\nOpen https://trakt.tv/activate and enter the code "
        ),
        "{}",
        r.stdout
    );
    assert_eq!((server.count(DEVICE_CODE), server.count(TOKEN)), (1, 0));
}

#[test]
fn the_help_puts_the_device_flow_and_the_paste_before_the_legacy_pin() {
    let help = kt(["auth", "--help"]).run().stdout;
    let at = |flag: &str| {
        help.find(flag)
            .unwrap_or_else(|| panic!("{flag} in {help}"))
    };
    assert!(
        at("--device") < at("--paste") && at("--paste") < at("--pin"),
        "{help}"
    );
    assert!(
        help.contains(
            "Legacy: exchange a PIN from Trakt's PIN page, which Trakt retired in late 2026"
        ),
        "{help}"
    );
}

#[test]
fn trakts_2026_failures_are_named_in_auth_and_status() {
    let server = Server::start(Config::default());
    server.fault(DEVICE_CODE, Fault::Status(403), 3);
    let (_dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
    let r = kt(["auth", file.to_str().unwrap(), "--device"])
        .against(&server)
        .run();
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "kometa-trakt: Trakt does not know this app (403 Forbidden): it was deleted (Trakt deletes apps unused for 30 days, and deleted free users' apps in July 2026) or its client_id/client_secret is wrong; create an app at https://app.trakt.tv/settings/apps/api, or use Kometa's app on the Kometa Utilities page (https://utilities.kometa.wiki/trakt-oauth/), then authorize again: `kometa-trakt auth --device`, or paste a new block from the Kometa Utilities page with `kometa-trakt auth --paste`\n"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), UNAUTHORIZED);
    let server = Server::start(Config::default());
    server.fault(SETTINGS, Fault::Status(426), 3);
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let r = kt(["status", file.to_str().unwrap(), "--online"])
        .against(&server)
        .run();
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            3,
            "kometa-trakt: Trakt answered 426 Upgrade Required: this needs a Trakt VIP account\n"
        )
    );
}

#[test]
fn kometa_version_in_the_environment_sets_the_kometa_every_command_judges_for() {
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let path = file.to_str().unwrap();
    let check = |env: Option<&str>, args: &[&str]| {
        let run = kt(["check", path]).args(args).env("KOMETA_TRAKT_NOW", NOW);
        let run = match env {
            Some(v) => run.env("KOMETA_VERSION", v),
            None => run,
        };
        run.run()
    };
    let rules = |r: &crate::support::Run| {
        r.stdout
            .lines()
            .filter_map(|l| {
                l.split_once("[")
                    .and_then(|(_, r)| r.split_once("]"))
                    .map(|(id, _)| id.to_string())
            })
            .collect::<Vec<_>>()
    };
    let latest = check(Some("latest"), &[]);
    assert_eq!(
        rules(&latest),
        ["obsolete-key", "obsolete-key", "token-expired"]
    );
    assert_eq!(
        rules(&check(Some("latest"), &["--kometa-version", "2.4"])),
        ["token-expired"]
    );
    assert_eq!(rules(&check(None, &[])), ["token-expired"]);
    let bad = check(Some("3"), &[]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("invalid value '3' for '--kometa-version <KOMETA_VERSION>'"),
        "{}",
        bad.stderr
    );
    // renew says once that Kometa after August 2026 refreshes by itself.
    let server = Server::start(Config::default());
    let r = kt(["renew", path, "--force"])
        .against(&server)
        .env("KOMETA_VERSION", "latest")
        .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout
            .matches(
                "note: Kometa releases after August 2026 refresh the token on every run themselves"
            )
            .count(),
        1,
        "{}",
        r.stdout
    );
}

/// Every text file under `dir` with the given extensions.
fn texts(dir: &Path, exts: &[&str], out: &mut Vec<(String, String)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            texts(&path, exts, out);
        } else if path
            .extension()
            .is_some_and(|x| exts.iter().any(|e| *e == x))
        {
            out.push((
                path.display().to_string(),
                fs::read_to_string(&path).unwrap(),
            ));
        }
    }
}

#[test]
fn no_message_help_or_document_sends_users_to_trakts_retired_app_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let retired = "trakt.tv/oauth/applications";
    let mut files = vec![(
        "README.md".to_string(),
        fs::read_to_string(root.join("README.md")).unwrap(),
    )];
    texts(&root.join("docs"), &["md"], &mut files);
    texts(&root.join("src"), &["rs"], &mut files);
    for command in ["check", "status", "renew", "auth", "restore", "get", "set"] {
        files.push((
            format!("{command} --help"),
            kt([command, "--help"]).run().stdout,
        ));
    }
    for (name, text) in &files {
        assert!(!text.contains(retired), "{name} names {retired}");
    }
    assert!(files.len() > 40);
}

#[test]
fn the_first_auth_example_is_the_device_flow_then_the_paste_and_the_pin_only_under_legacy() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for doc in ["README.md", "docs/commands.md"] {
        let text = fs::read_to_string(root.join(doc)).unwrap();
        let first = |needle: &str| {
            text.find(needle)
                .unwrap_or_else(|| panic!("{doc}: {needle}"))
        };
        let (device, paste, pin) = (first("--device"), first("--paste"), first("--pin"));
        assert!(device < paste && paste < pin, "{doc}");
        let legacy = first("Legacy");
        assert!(legacy < pin, "{doc}: `--pin` before the Legacy heading");
    }
}

#[test]
fn the_readme_tries_it_without_trakt_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let block = readme
        .split_once("### Try it without Trakt")
        .and_then(|(_, rest)| rest.split("```sh\n").nth(1))
        .and_then(|b| b.split("```").next())
        .expect("the README's try-it block");
    let mut lines = block.lines();
    let start = lines.next().unwrap();
    assert_eq!(
        start,
        "cargo run -q -p trakt-test-server -- 127.0.0.1:8765 --approve-after 2 &"
    );
    // The server runs in this process (on a port of its own), the rest
    // as written, with our binary for `cargo run -q --`.
    let server = Server::start(Config {
        approve_after: Some(2),
        ..Config::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let script: String = lines
        .map(|l| {
            l.replace("http://127.0.0.1:8765", &server.url())
                .replace(
                    "/tmp/config.yml",
                    &dir.path().join("config.yml").display().to_string(),
                )
                .replace("cargo run -q --", "\"$BIN\"")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let out = std::process::Command::new("sh")
        .args(["-euc", &script])
        .env("BIN", crate::support::BIN)
        .env_remove("KOMETA_CONFIG")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(": authorized; the token is valid until "),
        "{stdout}"
    );
    assert!(
        stdout.contains(": authorized\n  token type:  bearer\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(": renewed (--force); the new token is valid until "),
        "{stdout}"
    );
    assert_eq!(server.count(TOKEN), 1);
}
