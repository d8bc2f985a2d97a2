//! The Docker recipe's entrypoint (`docker/renew-then-kometa.sh`), run for
//! real with the binary against the Trakt-like test server: it renews, then
//! starts Kometa with the container's arguments. No Docker engine runs
//! here: Kometa's `python3` is a stand-in script that reports what it got.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::support::{BIN, clean, data, fixture, ruamel_python};
use trakt_test_server::{Config, Fault, Server, TOKEN};

/// Runs the entrypoint with `args` in a fresh directory holding the
/// fixture as the config; returns the exit code, stdout and stderr.
fn entrypoint(server: &Server, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yml");
    fs::copy(fixture("config.yml"), &config).unwrap();
    run_entrypoint(dir.path(), server, args, env)
}

/// Runs the entrypoint in `dir`, whose `config.yml` is the config.
fn run_entrypoint(
    dir: &Path,
    server: &Server,
    args: &[&str],
    env: &[(&str, &str)],
) -> (i32, String, String) {
    let config = dir.join("config.yml");
    let bin_dir = dir.join("bin");
    fs::create_dir_all(&bin_dir).unwrap();
    // Kometa's interpreter: prints its arguments and the refresh token it
    // would find in the config; with KOMETA_SAVES set, saves the config as
    // Kometa would (a re-dumped file).
    let python = bin_dir.join("python3");
    fs::write(
        &python,
        "#!/bin/sh\necho \"kometa started: $*\"\ngrep refresh_token \"$KOMETA_CONFIG\"\nif [ -n \"$KOMETA_SAVES\" ]; then cp \"$KOMETA_SAVES\" \"$KOMETA_CONFIG\"; fi\n",
    )
    .unwrap();
    fs::set_permissions(&python, fs::Permissions::from_mode(0o755)).unwrap();
    let ours = Path::new(BIN).parent().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("docker/renew-then-kometa.sh");
    // The entrypoint runs the binary (from PATH) in the same clean
    // environment as every other run of it.
    let out = clean(&mut Command::new("sh"))
        .arg(&script)
        .args(args)
        .current_dir(dir)
        .env(
            "PATH",
            format!("{}:{}:/usr/bin:/bin", bin_dir.display(), ours.display()),
        )
        .env("KOMETA_CONFIG", &config)
        .env("TRAKT_API_URL", server.url())
        .env("TRAKT_AUTH_URL", server.url())
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn renews_then_starts_kometa_with_the_new_tokens_and_its_arguments() {
    let server = Server::start(Config::default());
    let (code, stdout, stderr) = entrypoint(&server, &["--run", "--trace"], &[]);
    assert_eq!(code, 0, "{stderr}");
    let issued = &server.issued()[0];
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].contains(": renewed ("), "{stdout}");
    assert_eq!(lines[1], "kometa started: kometa.py --run --trace");
    assert_eq!(
        lines[2],
        format!("    refresh_token: {}", issued.refresh_token)
    );
    assert_eq!(stderr, "");
}

#[test]
fn a_dead_authorization_is_reported_and_kometa_still_starts() {
    let server = Server::start(Config::default());
    server.fault(TOKEN, Fault::InvalidClient, 1);
    let (code, stdout, stderr) = entrypoint(&server, &["--run"], &[]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("kometa started: kometa.py --run\n"),
        "{stdout}"
    );
    let advice = stderr
        .split_once("\nrenew-then-kometa: ")
        .map(|(_, a)| a)
        .unwrap_or_default();
    let config = advice
        .split("`kometa-trakt auth ")
        .nth(1)
        .and_then(|c| c.split('`').next())
        .unwrap_or_default();
    assert!(config.ends_with("/config.yml"), "{stderr}");
    assert_eq!(
        advice,
        format!(
            "the Trakt authorization is dead: run `kometa-trakt auth {config}` (the device flow), or paste a block from the Kometa Utilities page with `kometa-trakt auth {config} --paste`\n"
        ),
        "{stderr}"
    );
}

#[test]
fn with_kometa_trakt_required_a_failed_renewal_stops_the_container() {
    let server = Server::start(Config::default());
    server.fault(TOKEN, Fault::Status(503), 1);
    let (code, stdout, stderr) = entrypoint(&server, &["--run"], &[("KOMETA_TRAKT_REQUIRED", "1")]);
    assert_eq!(code, 4, "{stderr}");
    assert_eq!(stdout, "", "Kometa did not start");
    assert!(
        stderr.ends_with("renew-then-kometa: Trakt could not be reached; nothing was spent, Kometa checks the token itself\n"),
        "{stderr}"
    );
}

#[test]
fn with_kometa_trakt_restore_kometas_save_is_carried_back_into_the_original_formatting() {
    let server = Server::start(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let name = "kt-authorized-hex.yml";
    let original = fs::read_to_string(data("configs").join(name)).unwrap();
    fs::write(dir.path().join("config.yml"), &original).unwrap();
    let saves = data("redumped").join(name);
    let (code, stdout, stderr) = run_entrypoint(
        dir.path(),
        &server,
        &["--run"],
        &[
            ("KOMETA_TRAKT_RESTORE", "1"),
            ("KOMETA_SAVES", saves.to_str().unwrap()),
            // Kometa's interpreter, which has its ruamel.yaml (`python3`
            // here is the stand-in for Kometa).
            ("KOMETA_TRAKT_PYTHON", &ruamel_python()),
            ("TMPDIR", dir.path().to_str().unwrap()),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("restored into your formatting: 4 value(s) carried over"),
        "{stdout}"
    );
    let after = fs::read_to_string(dir.path().join("config.yml")).unwrap();
    // The original's formatting (Kometa's dump re-indents these lists).
    assert!(after.contains("      - default: basic\n"), "{after}");
    let redumped = fs::read_to_string(&saves).unwrap();
    let refresh = |text: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with("refresh_token:"))
            .map(str::trim)
            .unwrap()
            .to_string()
    };
    assert_eq!(
        refresh(&after),
        refresh(&redumped),
        "Kometa's new token is kept"
    );
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        2,
        "the copy made in TMPDIR is gone (config.yml and bin/ remain)"
    );
}
