//! The twelve ways an adversarial pass broke the promise (issue 20), each
//! through the real binary: stop signals during the token call, a full
//! disk (`faults.rs`), an answer that is broken but usable, a lock held by
//! someone else, non-regular files where files are read, metadata taken
//! by path after the content check, proxies for clear-text credentials,
//! secrets shown by shape, terminal escapes, a revision read as an option,
//! secrets on the command line, and torn files and leftovers.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use crate::support::trakt::{assert_no_secret, config_text, recovery_path, renewed};
use crate::support::{NOW, hold_lock, kt, temp_file, wait_until};
use trakt_test_server::{Config, Fault, Server, TOKEN};

/// The fixture's client secret: no file of another owner may hold it.
const SECRET: &str = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d";

/// Starts `renew --force` on `file` with the token call held, and waits
/// until the server has it.
fn renew_held(server: &Server, file: &Path) -> crate::support::Running {
    server.fault(TOKEN, Fault::Hold, 1);
    let running = kt(["renew", file.to_str().unwrap(), "--force"])
        .against(server)
        .spawn();
    wait_until("the token request", Duration::from_secs(20), || {
        server.count(TOKEN) >= 1
    });
    running
}

fn kill(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
}

#[test]
fn a_stop_signal_during_the_token_call_waits_until_the_answer_is_saved() {
    for (signal, code) in [("-TERM", 143), ("-INT", 130), ("-HUP", 129)] {
        let server = Server::start(Config::default());
        let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
        let running = renew_held(&server, &file);
        kill(running.pid(), signal);
        // The signal is held: the answer still arrives and is saved.
        std::thread::sleep(Duration::from_millis(300));
        server.release();
        let r = running.wait();
        assert_eq!(r.code, code, "{signal}: {}", r.stderr);
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            renewed(&config_text(), &server.issued()[0]),
            "{signal}"
        );
        assert_eq!(
            server.refresh_token().as_deref(),
            Some(server.issued()[0].refresh_token.as_str())
        );
    }
}

#[test]
fn a_stop_signal_cuts_the_wait_for_an_answer_and_says_the_token_may_be_spent() {
    let server = Server::start(Config::default());
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    server.fault(TOKEN, Fault::Hold, 1);
    let url = server.url();
    let running = kt([
        "renew",
        file.to_str().unwrap(),
        "--force",
        "--api-url",
        &url,
        "--auth-url",
        &url,
        "--timeout",
        "120",
    ])
    .spawn();
    wait_until("the token request", Duration::from_secs(20), || {
        server.count(TOKEN) >= 1
    });
    kill(running.pid(), "-TERM");
    // Never released while the client waits: it gives up after 5 seconds
    // (not the 30 of --timeout), having saved nothing.
    let r = running.wait();
    server.release();
    assert_eq!(r.code, 143, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "kometa-trakt: stopped by a signal before Trakt answered (the refresh token); the request reached Trakt, so what it carried may be spent: run `kometa-trakt renew` again, and if Trakt then refuses the token (invalid_grant), authorize again with `kometa-trakt auth --device`\n"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), config_text());
}

#[test]
fn an_answer_with_a_usable_refresh_token_is_saved_whatever_else_is_wrong() {
    let server = Server::start(Config::default());
    server.fault(
        TOKEN,
        Fault::Answer(
            "{\"access_token\": \"a-new-access-token-of-trakt\", \"refresh_token\": \"r-new-refresh-token-of-trakt\", \"token_type\": \"bearer\", \"expires_in\": \"86400\", \"scope\": \"public\", \"created_at\": 1e400}".into(),
        ),
        1,
    );
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let r = kt(["renew", file.to_str().unwrap(), "--force"])
        .against(&server)
        .env("KOMETA_TRAKT_NOW", NOW)
        .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.ends_with(
            "note: Trakt's answer had no usable created_at; stand-ins were saved (the next renewal writes Trakt's values)\n"
        ),
        "{}",
        r.stdout
    );
    let expected = config_text()
        .replace(
            "access_token: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90'",
            "access_token: 'a-new-access-token-of-trakt'",
        )
        .replace(
            "refresh_token: 0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0",
            "refresh_token: r-new-refresh-token-of-trakt",
        )
        .replace("created_at: 1764115200", &format!("created_at: {NOW}"));
    assert_eq!(fs::read_to_string(&file).unwrap(), expected);
}

/// `user NAME` as /proc/locks and /etc/passwd tell of this process.
fn this_user() -> String {
    let uid = fs::metadata("/proc/self").unwrap().uid().to_string();
    fs::read_to_string("/etc/passwd")
        .unwrap()
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.get(2) == Some(&uid.as_str())).then(|| f[0].to_string())
        })
        .unwrap_or_else(|| format!("uid {uid}"))
}

#[test]
fn a_lock_held_by_someone_else_is_waited_for_a_bounded_time_naming_its_holder() {
    let (dir, file) = temp_file("config.yml", config_text().as_bytes());
    let _held = hold_lock(dir.path());
    for args in [
        vec!["set", file.to_str().unwrap(), "trakt.pin", "x"],
        vec!["renew", file.to_str().unwrap(), "--force"],
    ] {
        let r = kt(&args).arg("--lock-timeout").arg("2s").run();
        let d = dir.path().display();
        let holder = format!("(PID {}, user {})", std::process::id(), this_user());
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.starts_with(&format!(
                "kometa-trakt: waiting for the lock on {d}, held by another process {holder} (at most 0s more)\n"
            )) || r.stderr.starts_with(&format!(
                "kometa-trakt: waiting for the lock on {d}, held by another process {holder} (at most 1s more)\n"
            )),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains(&format!(
                "{d} is locked by another process {holder}; gave up after 2s (--lock-timeout)"
            )),
            "{}",
            r.stderr
        );
        assert_eq!(fs::read_to_string(&file).unwrap(), config_text());
    }
}

#[test]
fn a_config_swapped_for_a_fifo_during_the_token_call_does_not_hang_the_save() {
    let server = Server::start(Config::default());
    let (dir, file) = temp_file("config.yml", config_text().as_bytes());
    let running = renew_held(&server, &file);
    fs::rename(&file, dir.path().join("moved.yml")).unwrap();
    let fifo = dir.path().join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    symlink(&fifo, &file).unwrap();
    server.release();
    let r = running.wait();
    assert_eq!(r.code, 2, "{}", r.stderr);
    let recovery = recovery_path(&r.stderr);
    let live = server.refresh_token().unwrap();
    assert!(fs::read_to_string(&recovery).unwrap().contains(&live));
    assert!(
        fs::symlink_metadata(&file)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn what_is_not_a_regular_file_is_refused_at_once_where_a_file_is_read() {
    let (dir, file) = temp_file("config.yml", config_text().as_bytes());
    let fifo = dir.path().join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // A FIFO planted as `.env` is not read (nor waited on): renew goes on.
    let server = Server::start(Config::default());
    assert!(
        Command::new("mkfifo")
            .arg(dir.path().join(".env"))
            .status()
            .unwrap()
            .success()
    );
    let r = kt(["renew", file.to_str().unwrap(), "--force"])
        .against(&server)
        .via("timeout", ["20"])
        .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "kometa-trakt: {} is not used: not a regular file\n",
            dir.path().join(".env").display()
        )
    );
    let schema = |path: &str| {
        kt(["check", "--schema", path, file.to_str().unwrap()])
            .via("timeout", ["20"])
            .run()
    };
    for (path, why) in [
        (fifo.to_str().unwrap(), "not a regular file"),
        ("/dev/zero", "not a regular file"),
    ] {
        let r = schema(path);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (
                2,
                format!("kometa-trakt: --schema {path}: cannot read: {why}\n").as_str()
            )
        );
    }
    let r = kt(["auth", file.to_str().unwrap(), "--from-file", "/dev/zero"])
        .via("timeout", ["20"])
        .run();
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            2,
            "kometa-trakt: /dev/zero: cannot read: not a regular file; nothing was written\n"
        )
    );
    let r = kt(["auth", file.to_str().unwrap(), "--paste"])
        .stdin(vec![b'x'; 2 << 20])
        .via("timeout", ["20"])
        .run();
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            2,
            "kometa-trakt: the pasted block: cannot read: larger than 1 MiB; nothing was written\n"
        )
    );
}

#[test]
fn a_config_swapped_after_the_content_check_lends_the_new_file_nothing() {
    // Root's config in a sticky folder another user owns: that user may
    // swap the path for a link to a file of theirs. The swap lands while
    // the token call is held; the file is then no longer the one read.
    let server = Server::start(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared");
    fs::create_dir(&shared).unwrap();
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o1777)).unwrap();
    let file = shared.join("config.yml");
    fs::write(&file, config_text()).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
    let theirs = shared.join("theirs.yml");
    // They cannot read root's file; the test gives them its very bytes, so
    // that only the owner and mode tell the two apart.
    fs::write(&theirs, config_text()).unwrap();
    fs::set_permissions(&theirs, fs::Permissions::from_mode(0o644)).unwrap();
    std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).unwrap();
    let running = renew_held(&server, &file);
    fs::rename(&file, shared.join("root-config.yml")).unwrap();
    symlink(&theirs, &file).unwrap();
    server.release();
    let r = running.wait();
    assert_eq!(r.code, 2, "{}", r.stderr);
    // No file of theirs, and no file others may read, holds root's secret
    // with the new tokens.
    let live = server.refresh_token().unwrap();
    for entry in fs::read_dir(&shared).unwrap() {
        let path = entry.unwrap().path();
        let meta = fs::symlink_metadata(&path).unwrap();
        if !meta.is_file() {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap_or_default();
        if text.contains(&live) {
            assert_eq!(
                (meta.uid(), meta.mode() & 0o077),
                (0, 0),
                "{} holds the new tokens",
                path.display()
            );
        }
        if meta.uid() != 0 {
            assert!(!text.contains(&live), "{}", path.display());
            assert_eq!(text, config_text(), "{} was written", path.display());
        }
    }
    let recovery = recovery_path(&r.stderr);
    assert!(fs::read_to_string(&recovery).unwrap().contains(&live));
    let meta = fs::metadata(&recovery).unwrap();
    assert_eq!((meta.uid(), meta.mode() & 0o777), (0, 0o600));
}

/// A listener standing in for a proxy: the first line of each connection
/// it gets is sent back on the channel.
fn proxy() -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut line = String::new();
            let _ = BufReader::new(&stream).read_line(&mut line);
            let _ = tx.send(line);
            let _ = (&stream).write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        }
    });
    (url, rx)
}

#[test]
fn credentials_to_a_loopback_url_never_go_through_a_proxy_and_https_only_by_connect() {
    let (proxy_url, seen) = proxy();
    let server = Server::start(Config::default());
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let r = kt(["renew", file.to_str().unwrap(), "--force"])
        .against(&server)
        .envs([
            ("http_proxy", proxy_url.as_str()),
            ("HTTP_PROXY", proxy_url.as_str()),
            ("https_proxy", proxy_url.as_str()),
            ("HTTPS_PROXY", proxy_url.as_str()),
            ("ALL_PROXY", proxy_url.as_str()),
            ("all_proxy", proxy_url.as_str()),
            ("NO_PROXY", ""),
        ])
        .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.count(TOKEN), 1);
    assert!(seen.try_recv().is_err(), "the proxy saw a connection");
    assert_no_secret(&server, &r);
    // To https, through the proxy: a CONNECT only (the request itself
    // goes inside TLS to the host, never to the proxy in clear text).
    let r = kt([
        "status",
        file.to_str().unwrap(),
        "--online",
        "--api-url",
        "https://api.trakt.invalid",
        "--auth-url",
        "https://auth.trakt.invalid",
        "--timeout",
        "5",
    ])
    .env("HTTPS_PROXY", &proxy_url)
    .run();
    assert_eq!(r.code, 4, "{}", r.stderr);
    let first = seen
        .recv_timeout(Duration::from_secs(10))
        .expect("the proxy was asked");
    assert_eq!(first, "CONNECT api.trakt.invalid:443 HTTP/1.1\r\n");
}

#[test]
fn token_shaped_runs_of_the_trakt_block_are_masked_wherever_they_stand() {
    let token = "Zq9fT3kW8mN2xV5bR7cY1hJ4";
    // A block pasted from a web page: no-break spaces after the colons
    // make it one scalar, shown by the authorization-type snippet.
    let nbsp =
        format!("trakt:\n  client_id: abc\n  authorization:\u{a0}access_token:\u{a0}{token}\n");
    // A token left as a stray list item: a syntax error's snippet.
    let stray =
        format!("trakt:\n  client_id: abc\n  authorization:\n    - {token}\n    scope: public\n");
    // A token as a key: the unknown-key message.
    let keyed = format!("trakt:\n  client_id: abc\n  {token}: 1\n");
    for (text, shown) in [(nbsp, true), (stray, false), (keyed.clone(), true)] {
        let (_dir, file) = temp_file("config.yml", text.as_bytes());
        for format in ["text", "json", "github", "sarif"] {
            let r = kt(["check", "--format", format, file.to_str().unwrap()]).run();
            assert!(
                !r.stdout.contains(token) && !r.stderr.contains(token),
                "{format}: {}{}",
                r.stdout,
                r.stderr
            );
            if format == "text" && shown {
                assert!(r.stdout.contains("Zq9f…(24 chars)"), "{}", r.stdout);
            }
        }
    }
    // And in the context lines of set's diff.
    let (_dir, file) = temp_file("config.yml", keyed.as_bytes());
    let r = kt([
        "set",
        file.to_str().unwrap(),
        "trakt.client_id",
        "abd",
        "--dry-run",
    ])
    .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains(token), "{}", r.stdout);
    assert!(r.stdout.contains("   Zq9f…(24 chars): 1\n"), "{}", r.stdout);
}

#[test]
fn what_a_terminal_would_act_on_is_written_out_in_every_text_output() {
    let text = "trakt:\n  client_id: \"4f2a\\e]52;c;SGVsbG8=\\a\"\n  client_secret: x\n  authorization:\n    access_token: a\n    token_type: \"B\\e[2J\\u202ex\"\n    expires_in: 1\n    refresh_token: r\n    scope: public\n    created_at: 1\n";
    let (_dir, file) = temp_file("config.yml", text.as_bytes());
    let path = file.to_str().unwrap();
    let outputs = [
        kt(["status", path]).run(),
        kt(["get", path, "trakt.authorization.token_type"]).run(),
        kt(["check", path]).run(),
        kt(["check", "--format", "github", path]).run(),
        kt([
            "set",
            path,
            "trakt.authorization.scope",
            "private",
            "--dry-run",
        ])
        .run(),
    ];
    for r in &outputs {
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(!all.contains(['\x1b', '\x07', '\u{202e}']), "{all:?}");
    }
    assert_eq!(outputs[1].stdout, "B\\x1b[2J\\u{202e}x\n");
    assert!(
        outputs[0]
            .stdout
            .contains("  token type:  B\\x1b[2J\\u{202e}x\n"),
        "{}",
        outputs[0].stdout
    );
}

#[test]
fn a_revision_is_never_read_as_an_option_and_an_empty_original_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| crate::support::git(dir.path(), args);
    git(&["init", "-q"]);
    git(&["config", "user.email", "t@example.invalid"]);
    git(&["config", "user.name", "t"]);
    let file = dir.path().join("config.yml");
    fs::write(&file, config_text()).unwrap();
    git(&["add", "config.yml"]);
    git(&["commit", "-qm", "config"]);
    fs::create_dir(dir.path().join("PATH:.")).unwrap();
    let edited = config_text().replace("scope: public", "scope: private");
    fs::write(&file, &edited).unwrap();
    let r = kt(["restore", file.to_str().unwrap(), "--git=--output=PATH"]).run();
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            2,
            format!(
                "kometa-trakt: --git: `--output=PATH` names no commit of the repository holding {}\n",
                file.display()
            )
            .as_str()
        )
    );
    assert_eq!(fs::read_dir(dir.path().join("PATH:.")).unwrap().count(), 0);
    assert_eq!(fs::read_to_string(&file).unwrap(), edited);
    // An empty original would make every value look added by Kometa.
    let empty = dir.path().join("empty.yml");
    fs::write(&empty, "").unwrap();
    let r = kt([
        "restore",
        file.to_str().unwrap(),
        "--original",
        empty.to_str().unwrap(),
    ])
    .run();
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            2,
            format!(
                "kometa-trakt: {}: the original is empty or not a YAML mapping (--force uses it anyway); nothing was written\n",
                file.display()
            )
            .as_str()
        )
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), edited);
}

#[test]
fn a_secret_is_set_from_standard_input_never_from_the_command_line() {
    for value_arg in [None, Some("-")] {
        let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
        let mut run = kt(["set", file.to_str().unwrap(), "trakt.client_secret"]);
        run = match value_arg {
            Some(dash) => run.arg(dash),
            None => run.arg("--stdin"),
        };
        let r = run.stdin("0123456789abcdef0123456789abcdef\n").run();
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            config_text().replace(SECRET, "0123456789abcdef0123456789abcdef")
        );
    }
}

#[test]
fn a_torn_config_and_its_backup_are_named_with_how_to_put_it_back() {
    let (dir, file) = temp_file("config.yml", b"trakt:\n  client_id: [torn\n");
    let backup = dir
        .path()
        .join(".config.yml.kometa-trakt-backup.AbCdEfGh.yml");
    fs::write(&backup, config_text()).unwrap();
    fs::set_permissions(&backup, fs::Permissions::from_mode(0o600)).unwrap();
    let name = file.display();
    let b = backup.display();
    let note = format!(
        "an interrupted kometa-trakt write left a backup of this file: {b}; if the file was whole before, put it back with `cp {b} {name}`"
    );
    let set = kt(["set", file.to_str().unwrap(), "trakt.pin", "x"]).run();
    assert_eq!(set.code, 2);
    assert!(
        set.stderr.ends_with(&format!("\n  {note}\n")),
        "{}",
        set.stderr
    );
    let check = kt(["check", file.to_str().unwrap()]).run();
    assert!(
        check.stdout.contains(&format!("= hint: {note}\n")),
        "{}",
        check.stdout
    );
    // Once put back, status still mentions the backup until it is gone.
    fs::write(&file, config_text()).unwrap();
    let status = kt(["status", file.to_str().unwrap()]).run();
    assert!(
        status.stdout.ends_with(&format!(
            "  backup:      {b} (left by an interrupted write; the config parses, so it is likely stale: remove it once you have checked)\n"
        )),
        "{}",
        status.stdout
    );
}

#[test]
fn a_temp_file_left_by_a_stopped_renewal_is_offered_by_status_and_renew() {
    let server = Server::start(Config::default());
    let (dir, file) = temp_file("config.yml", config_text().as_bytes());
    // A renewal stopped between its temp file and the rename: the new
    // tokens are only there.
    let r = kt(["renew", file.to_str().unwrap(), "--force"])
        .against(&server)
        .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let leftover = dir.path().join(".config.yml.XyZ123.tmp");
    fs::rename(&file, &leftover).unwrap();
    fs::write(&file, config_text()).unwrap();
    let shown = leftover.display();
    let config = file.display();
    let advice = format!(
        "{shown} holds newer tokens from a renewal that could not be saved: apply them with `kometa-trakt auth {config} --from-file {shown}`"
    );
    let status = kt(["status", file.to_str().unwrap()]).run();
    assert!(
        status
            .stdout
            .contains(&format!("  recovery:    {advice}\n")),
        "{}",
        status.stdout
    );
    let again = kt(["renew", file.to_str().unwrap(), "--force"])
        .against(&server)
        .run();
    assert_eq!(again.code, 3);
    assert!(
        again.stderr.ends_with(&format!("\n  but {advice}\n")),
        "{}",
        again.stderr
    );
    let applied = kt([
        "auth",
        file.to_str().unwrap(),
        "--from-file",
        &shown.to_string(),
    ])
    .run();
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    assert!(!leftover.exists());
    let live = server.refresh_token().unwrap();
    assert!(fs::read_to_string(&file).unwrap().contains(&live));
}
