//! The exit-code table, held to the binary row by row: the README's table
//! and every command's `--help` hold the same rows, word for word, and each
//! row's code is what real runs of what the row describes end with; a row
//! without such a run, or a run whose row the table lacks, fails.

use std::fs;
use std::time::Duration;

use crate::restore_only_kometa::{mixes, only_kometa};
use crate::support::trakt::config_text;
use crate::support::{fixture, hold_lock, kt, temp_file, wait_until};
use trakt_test_server::{Config, Fault, Server, TOKEN};

/// A row's meaning as one line of words, without Markdown's backticks.
fn words(text: &str) -> String {
    text.replace('`', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `(code, meaning)` rows of the README's "Exit codes" table.
fn readme_rows() -> Vec<(String, String)> {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("\n## Exit codes\n")
        .nth(1)
        .expect("the README has an Exit codes section");
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| code "))
        .map(|l| {
            let (code, meaning) = l
                .trim_matches('|')
                .split_once(" | ")
                .unwrap_or_else(|| panic!("a row of two cells: {l}"));
            (code.trim().to_string(), words(meaning))
        })
        .collect()
}

/// The `(code, meaning)` rows `--help` prints after "Exit codes:".
fn help_rows(args: &[&str]) -> Vec<(String, String)> {
    let r = kt(args).run();
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    let table = r
        .stdout
        .split("\nExit codes:\n")
        .nth(1)
        .unwrap_or_else(|| panic!("{args:?} prints no exit codes:\n{}", r.stdout));
    let mut rows: Vec<(String, String)> = Vec::new();
    for line in table.lines() {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        match rows.last_mut() {
            Some((_, meaning)) if indent > 2 => {
                *meaning = words(&format!("{meaning} {body}"));
            }
            _ => {
                let (code, meaning) = body.split_once(' ').unwrap_or((body, ""));
                rows.push((code.to_string(), words(meaning)));
            }
        }
    }
    rows
}

#[test]
fn the_readme_and_every_help_give_the_same_table() {
    let readme = readme_rows();
    let codes: Vec<&str> = readme.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["0", "1", "2", "3", "4", "5", "128+n"]);
    for command in [
        "", "check", "status", "renew", "auth", "restore", "get", "set",
    ] {
        let args: Vec<&str> = [command, "--help"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        assert_eq!(help_rows(&args), readme, "kometa-trakt {command} --help");
    }
}

/// A run that a row describes: the row, what was run, its exit code.
type Outcome = (&'static str, &'static str, i32);

fn check(content: &[u8], extra: &[&str]) -> i32 {
    let (_dir, file) = temp_file("config.yml", content);
    kt(["check".as_ref(), file.as_os_str()])
        .args(extra)
        .run()
        .code
}

fn renew_against(server: &Server, content: &str, extra: &[&str]) -> i32 {
    let (_dir, file) = temp_file("config.yml", content.as_bytes());
    kt(["renew".as_ref(), file.as_os_str()])
        .args(extra)
        .against(server)
        .run()
        .code
}

/// What the rows of success and findings describe (no network).
fn offline_outcomes() -> Vec<Outcome> {
    let bundled = fixture("config.yml");
    let bundled = bundled.to_str().unwrap();
    let config = config_text();
    let dir = tempfile::tempdir().unwrap();
    let mut found = vec![
        (
            "0",
            "check: warnings only (the bundled example)",
            kt(["check", bundled]).run().code,
        ),
        (
            "0",
            "get: a value that is set",
            kt(["get", bundled, "trakt.authorization.scope"]).run().code,
        ),
        (
            "1",
            "check: an error",
            check(&fs::read(fixture("check/pin-type.yml")).unwrap(), &[]),
        ),
        (
            "1",
            "check --strict: a warning",
            check(config.as_bytes(), &["--strict"]),
        ),
        (
            "1",
            "check: a file that is not there",
            kt(["check".as_ref(), dir.path().join("none.yml").as_os_str()])
                .run()
                .code,
        ),
        (
            "1",
            "check: a directory",
            kt(["check".as_ref(), dir.path().as_os_str()]).run().code,
        ),
        (
            "1",
            "check: YAML that does not parse",
            check(b"trakt: [unclosed\n", &[]),
        ),
        (
            "1",
            "check: binary bytes",
            check(b"\x00\xff\xfe binary\n", &[]),
        ),
        (
            "1",
            "renew --check: a renewal is due",
            kt(["renew", bundled, "--check"]).run().code,
        ),
        (
            "1",
            "set --check: the file would change",
            kt([
                "set",
                bundled,
                "trakt.authorization.scope",
                "private",
                "--check",
            ])
            .run()
            .code,
        ),
        (
            "1",
            "get: a path that is not set",
            kt(["get", bundled, "trakt.nothing"]).run().code,
        ),
        (
            "2",
            "bad arguments",
            kt(["check", bundled, "--format", "nothing"]).run().code,
        ),
        (
            "2",
            "renew: a file that is not there",
            kt(["renew".as_ref(), dir.path().join("none.yml").as_os_str()])
                .run()
                .code,
        ),
        ("2", "set: YAML that does not parse", {
            let (_d, file) = temp_file("config.yml", b"trakt: [unclosed\n");
            kt([
                "set".as_ref(),
                file.as_os_str(),
                "trakt.pin".as_ref(),
                "1".as_ref(),
            ])
            .run()
            .code
        }),
        ("2", "set: a refused edit (a mapping is not a scalar)", {
            let (_d, file) = temp_file("config.yml", config.as_bytes());
            kt([
                "set".as_ref(),
                file.as_os_str(),
                "trakt".as_ref(),
                "x".as_ref(),
            ])
            .run()
            .code
        }),
    ];
    let (mix, original, working, _) = mixes().swap_remove(0);
    let (run, _, _) = only_kometa(original.as_bytes(), working.as_bytes());
    assert!(!mix.is_empty());
    found.push((
        "1",
        "restore --only-kometa: Kometa's save mixed with other edits",
        run.code,
    ));
    found
}

/// What the rows of Trakt's answers describe, against the test server.
fn online_outcomes() -> Vec<Outcome> {
    let config = config_text();
    let code_with = |fault: Option<Fault>| {
        let server = Server::start(Config::default());
        if let Some(fault) = fault {
            server.fault(TOKEN, fault, 1);
        }
        renew_against(&server, &config, &["--force"])
    };
    let mut found = vec![
        ("0", "renew: renewed", code_with(None)),
        (
            "3",
            "renew: invalid_grant (a session Trakt no longer knows)",
            code_with(Some(Fault::SessionNotFound)),
        ),
        (
            "3",
            "renew: the app was deleted (401 invalid_client)",
            code_with(Some(Fault::InvalidClient)),
        ),
        (
            "4",
            "renew: Trakt answers 502",
            code_with(Some(Fault::Status(502))),
        ),
        (
            "4",
            "renew: rate limited for longer than it waits",
            code_with(Some(Fault::RateLimited(3600))),
        ),
        (
            "5",
            "renew: the token was rotated but no answer came",
            code_with(Some(Fault::DropAfterRotation)),
        ),
    ];
    {
        let server = Server::start(Config::default());
        let (dir, _file) = temp_file("config.yml", config.as_bytes());
        let _held = hold_lock(dir.path());
        let file = dir.path().join("config.yml");
        let code = kt(["renew".as_ref(), file.as_os_str(), "--force".as_ref()])
            .args(["--lock-timeout", "1s"])
            .against(&server)
            .run()
            .code;
        found.push(("2", "renew: a lock held too long", code));
    }
    {
        let server = Server::start(Config::default());
        let (_dir, file) = temp_file("config.yml", config.as_bytes());
        server.fault(TOKEN, Fault::Hold, 1);
        let running = kt(["renew".as_ref(), file.as_os_str(), "--force".as_ref()])
            .against(&server)
            .spawn();
        wait_until("the token request", Duration::from_secs(20), || {
            server.count(TOKEN) == 1
        });
        let status = std::process::Command::new("kill")
            .args(["-TERM", &running.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        std::thread::sleep(Duration::from_millis(200));
        server.release();
        found.push((
            "128+n",
            "renew: SIGTERM (15) during the token call",
            running.wait().code,
        ));
    }
    found
}

#[test]
fn every_row_is_what_the_runs_it_describes_end_with() {
    let outcomes: Vec<Outcome> = offline_outcomes()
        .into_iter()
        .chain(online_outcomes())
        .collect();
    let rows = readme_rows();
    let mut wrong = Vec::new();
    for (row, what, code) in &outcomes {
        let expected = match *row {
            "128+n" => 128 + 15,
            n => n.parse().unwrap(),
        };
        if !rows.iter().any(|(c, _)| c == row) {
            wrong.push(format!("{what}: row {row} is not in the table"));
        } else if *code != expected {
            wrong.push(format!("{what}: exit {code}, the table says {row}"));
        }
    }
    for (row, meaning) in &rows {
        if !outcomes.iter().any(|(r, _, _)| r == row) {
            wrong.push(format!("row {row} ({meaning}): no run ends with it"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
