//! Every `kometa-trakt …` command the README shows (in its code blocks and
//! code spans) is run, as written, on the bundled example against the Trakt
//! test server, and ends as the README says. A command added to the README
//! fails here until this file says how it ends.

use std::fs;
use std::path::Path;

use tempfile::TempDir;
use trakt_test_server::{Config, Server};

use crate::support::trakt::config_text;
use crate::support::{NOW, Run, git, kt};

/// The README's commands, in order of first appearance: in fenced code
/// blocks each `kometa-trakt` word to the end of its command (a comment or
/// `&&` ends it), and every code span that starts with `kometa-trakt `.
fn examples(readme: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut add = |command: &str| {
        let command = command.trim().to_string();
        if !found.contains(&command) {
            found.push(command);
        }
    };
    let mut fenced = false;
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("kometa-trakt ") {
            let tail = &rest[i..];
            let end = ["#", "&&", "`"]
                .iter()
                .filter_map(|stop| tail.find(stop))
                .min()
                .unwrap_or(tail.len());
            // A crate or package name (`-p kometa-trakt`), not a command.
            if tail["kometa-trakt ".len()..].starts_with(|c: char| c.is_ascii_lowercase()) {
                add(&tail[..end]);
            }
            rest = &tail[end.max(1)..];
        }
    }
    // Code spans, joined across the line breaks of a paragraph.
    let prose: String = readme.split("```").step_by(2).collect::<Vec<_>>().join(" ");
    let flat = prose.split_whitespace().collect::<Vec<_>>().join(" ");
    for (i, span) in flat.split('`').enumerate() {
        if i % 2 == 1 && span.starts_with("kometa-trakt ") {
            add(span);
        }
    }
    found
}

/// A directory holding the bundled example as `config/config.yml`.
fn workspace() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("config")).unwrap();
    fs::write(dir.path().join("config/config.yml"), config_text()).unwrap();
    dir
}

/// Runs `command` (the README's words) in `dir` against `server`, with the
/// README's absolute config paths pointing at `dir`'s config.
fn run(command: &str, dir: &Path, server: &Server, stdin: Option<&str>) -> Run {
    let config = dir.join("config/config.yml");
    let words: Vec<String> = command
        .split_whitespace()
        .skip(1)
        .map(|w| match w {
            "/srv/kometa/config/config.yml" | "/config/config.yml" => {
                config.to_str().unwrap().to_string()
            }
            w => w.to_string(),
        })
        .collect();
    let talks = ["auth", "renew", "status"].contains(&words[0].as_str());
    let mut k = kt(&words).dir(dir).env("KOMETA_TRAKT_NOW", NOW);
    if talks {
        k = k
            .env("TRAKT_API_URL", server.url())
            .env("TRAKT_AUTH_URL", server.url());
    }
    if let Some(input) = stdin {
        k = k.stdin(input.as_bytes().to_vec());
    }
    k.run()
}

/// The block the Kometa Utilities page prints, for `auth --paste`.
const PASTED: &str = "trakt:\n  client_id: 4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f\n  client_secret: 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d\n  authorization:\n    access_token: c1c2c3c4c5c6c7c8c9c0c1c2c3c4c5c6c7c8c9c0c1c2c3c4c5c6c7c8c9c0c1c2\n    token_type: bearer\n    expires_in: 604800\n    refresh_token: d1d2d3d4d5d6d7d8d9d0d1d2d3d4d5d6d7d8d9d0d1d2d3d4d5d6d7d8d9d0d1d2\n    scope: public\n    created_at: 1795867200\n";

/// How the README's `command` ends on the bundled example: its exit code
/// and the config afterwards (`None`: unchanged), checked against `dir`'s
/// file and the server. `Err` names a command this file does not know.
fn expect(command: &str, dir: &Path, server: &Server) -> Result<(), String> {
    let config = dir.join("config/config.yml");
    let original = config_text();
    let ran = |stdin: Option<&str>| run(command, dir, server, stdin);
    let exit = |r: &Run, code: i32| {
        assert_eq!(
            r.code, code,
            "{command}: exit {}\nstdout: {}\nstderr: {}",
            r.code, r.stdout, r.stderr
        );
    };
    let now = || fs::read_to_string(&config).unwrap();
    let holds_server_tokens = || {
        let refresh = server.refresh_token().expect("the server issued a token");
        assert!(
            now().contains(&refresh),
            "{command}: the config does not hold the server's refresh token"
        );
        assert_ne!(now(), original, "{command}");
    };
    match command {
        // The check (and the pre-commit hook's entry, given the file by
        // pre-commit): the expired token is a warning, exit 0.
        "kometa-trakt check config/config.yml" | "kometa-trakt check" => {
            let r = if command.ends_with("check") {
                run("kometa-trakt check config/config.yml", dir, server, None)
            } else {
                ran(None)
            };
            exit(&r, 0);
            assert!(
                r.stdout.ends_with("0 errors, 1 warning in 1 file\n"),
                "{}",
                r.stdout
            );
            assert_eq!(now(), original);
        }
        "kometa-trakt auth config/config.yml --device" => {
            let r = ran(None);
            exit(&r, 0);
            holds_server_tokens();
        }
        "kometa-trakt auth config/config.yml --paste" => {
            let r = ran(Some(PASTED));
            exit(&r, 0);
            assert!(now().contains("d1d2d3d4d5d6d7d8d9d0"), "{command}");
        }
        "kometa-trakt auth config/config.yml --pin" => {
            server.add_pin("8C2F41D7");
            fs::write(&config, original.replace("pin:", "pin: '8C2F41D7'")).unwrap();
            let r = ran(None);
            exit(&r, 0);
            holds_server_tokens();
        }
        "kometa-trakt renew /srv/kometa/config/config.yml"
        | "kometa-trakt renew /config/config.yml"
        | "kometa-trakt renew" => {
            let r = ran(None);
            exit(&r, 0);
            holds_server_tokens();
        }
        "kometa-trakt set config/config.yml trakt.client_secret --stdin" => {
            let secret = "0123456789abcdef0123456789abcdef";
            let r = ran(Some(&format!("{secret}\n")));
            exit(&r, 0);
            assert!(now().contains(secret), "{command}");
        }
        // The restore hook's entry in a repository whose file is as
        // committed: nothing to restore, nothing written.
        "kometa-trakt restore --git HEAD --only-kometa" | "kometa-trakt restore" => {
            git(dir, &["init", "-q", "."]);
            git(dir, &["add", "config/config.yml"]);
            git(dir, &["commit", "-q", "-m", "config"]);
            let r = run(
                "kometa-trakt restore config/config.yml --git HEAD --only-kometa",
                dir,
                server,
                None,
            );
            exit(&r, 0);
            assert_eq!(now(), original);
        }
        "kometa-trakt --help" => {
            let r = ran(None);
            exit(&r, 0);
            assert!(r.stdout.contains("Exit codes"), "{}", r.stdout);
        }
        "kometa-trakt COMMAND --help" => {
            for sub in ["check", "status", "renew", "auth", "restore", "get", "set"] {
                let r = run(&format!("kometa-trakt {sub} --help"), dir, server, None);
                exit(&r, 0);
                assert!(r.stdout.contains("Usage: kometa-trakt"), "{sub}");
            }
        }
        "kometa-trakt completions bash|zsh|fish|elvish|powershell" => {
            for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
                let r = run(
                    &format!("kometa-trakt completions {shell}"),
                    dir,
                    server,
                    None,
                );
                exit(&r, 0);
                assert!(r.stdout.contains("kometa-trakt"), "{shell}");
            }
        }
        _ => return Err(command.to_string()),
    }
    Ok(())
}

#[test]
fn every_command_in_the_readme_ends_as_it_says_on_the_bundled_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let commands = examples(&readme);
    assert!(commands.len() >= 10, "{commands:?}");
    let mut unknown = Vec::new();
    for command in &commands {
        let server = Server::start(Config {
            approve_after: Some(0),
            ..Config::default()
        });
        let dir = workspace();
        if let Err(c) = expect(command, dir.path(), &server) {
            unknown.push(c);
        }
    }
    assert_eq!(
        unknown,
        Vec::<String>::new(),
        "README commands this test does not run"
    );
}

#[test]
fn the_readme_commands_are_found_in_blocks_spans_and_hook_entries() {
    let readme = "text `kometa-trakt set F p --stdin` and `cargo run`\n\
                  ```sh\n\
                  kometa-trakt renew /x && docker start -a kometa\n\
                  cargo run -q -p kometa-trakt -- check\n\
                  ```\n\
                  ```yaml\n\
                  entry: kometa-trakt check --fix\n\
                  ```\n\
                  a span over\n`kometa-trakt auth\nF --pin`.\n";
    assert_eq!(
        examples(readme),
        [
            "kometa-trakt renew /x",
            "kometa-trakt check --fix",
            "kometa-trakt set F p --stdin",
            "kometa-trakt auth F --pin",
        ]
    );
}
