//! `renew` and `auth` through the real binary against the Trakt-like test
//! server on 127.0.0.1: exact bytes after success, exit codes and
//! untouched files after failures, no secret in any output.

mod support;

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use support::{Run, bin, fixture, in_namespace, recovery_block, temp_file};
use trakt_test_server::{
    Config, DEVICE_CODE, Device, Fault, GrantStyle, Issued, SETTINGS, Server, TOKEN,
};

/// The bundled fixture's values are what the test server accepts by default.
fn config_text() -> String {
    fs::read_to_string(fixture("config.yml")).unwrap()
}

/// Runs the binary against `server` with `args` (the file path included).
fn run(server: &Server, args: &[&str]) -> Run {
    let url = server.url();
    let out = bin()
        .args(args)
        .args(["--api-url", &url, "--auth-url", &url, "--timeout", "2"])
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every secret the fixture and the server know: none may be printed.
fn assert_no_secret(server: &Server, r: &Run) {
    let config = Config::default();
    let mut secrets = vec![
        config.client_secret,
        config.access_token,
        config.refresh_token,
    ];
    for i in server.issued() {
        secrets.push(i.access_token);
        secrets.push(i.refresh_token);
    }
    for s in secrets {
        assert!(
            !r.stdout.contains(&s[..12]) && !r.stderr.contains(&s[..12]),
            "a secret was printed:\n{}\n{}",
            r.stdout,
            r.stderr
        );
    }
}

/// The fixture after storing `issued` (only the three changed lines).
fn renewed(text: &str, issued: &Issued) -> String {
    text.replace(
        "access_token: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90'",
        &format!("access_token: '{}'", issued.access_token),
    )
    .replace(
        "refresh_token: 0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0",
        &format!("refresh_token: {}", issued.refresh_token),
    )
    .replace(
        "created_at: 1764115200",
        &format!("created_at: {}", issued.created_at),
    )
}

#[test]
fn refresh_changes_exactly_the_three_values() {
    let server = Server::start(Config::default());
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let r = run(&server, &["renew", file.to_str().unwrap(), "--verify"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let issued = server.issued();
    assert_eq!(issued.len(), 1);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        renewed(&config_text(), &issued[0])
    );
    assert!(
        r.stdout
            .contains("verified: the new token works for Trakt user sean\n"),
        "{}",
        r.stdout
    );
    assert_eq!((server.count(TOKEN), server.count(SETTINGS)), (1, 1));
    for request in server.log() {
        assert_eq!(
            request.headers.get("user-agent").map(String::as_str),
            Some(concat!("kometa-trakt/", env!("CARGO_PKG_VERSION")))
        );
        assert_eq!(
            request.headers.get("trakt-api-version").map(String::as_str),
            Some("2")
        );
        assert_eq!(
            request.headers.get("trakt-api-key"),
            Some(&Config::default().client_id)
        );
    }
    assert_no_secret(&server, &r);
    // The old refresh token is dead now; the stored one works.
    assert_eq!(
        server.refresh_token().as_deref(),
        Some(issued[0].refresh_token.as_str())
    );
}

#[test]
fn not_due_is_nothing_to_do() {
    let server = Server::start(Config::default());
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    assert_eq!(run(&server, &["renew", file.to_str().unwrap()]).code, 0);
    let r = run(
        &server,
        &["renew", file.to_str().unwrap(), "--within", "1h"],
    );
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .contains(": nothing to do: the token is not due for renewal"),
        "{}",
        r.stdout
    );
    assert_eq!(server.count(TOKEN), 1);
    let forced = run(
        &server,
        &["renew", file.to_str().unwrap(), "--within", "2d"],
    );
    assert_eq!((forced.code, server.count(TOKEN)), (0, 2));
}

#[test]
fn dry_run_and_check_send_no_token_request() {
    let server = Server::start(Config::default());
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let dry = run(&server, &["renew", file.to_str().unwrap(), "--dry-run"]);
    assert_eq!(dry.code, 0);
    assert!(
        dry.stdout.contains("renewal due: the token expired"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains(
            "-    access_token: 'a1b2…(64 chars)'\n+    access_token: 'ffff…(64 chars)'\n"
        ),
        "{}",
        dry.stdout
    );
    let check = run(&server, &["renew", file.to_str().unwrap(), "--check"]);
    assert_eq!(check.code, 1);
    assert!(server.log().is_empty(), "no request at all");
    assert_eq!(fs::read_to_string(&file).unwrap(), config_text());
    assert_no_secret(&server, &dry);
}

/// A failure leaves the file byte-identical, exits `code`, says `why`.
fn fails(fault: Fault, code: i32, why: &str) {
    let server = Server::start(Config::default());
    server.fault(TOKEN, fault, 10);
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let r = run(&server, &["renew", file.to_str().unwrap()]);
    assert_eq!(r.code, code, "{why}: {}", r.stderr);
    assert!(r.stderr.contains(why), "{}", r.stderr);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        config_text(),
        "{why}: the file changed"
    );
    assert_no_secret(&server, &r);
    assert_eq!(
        server.count(TOKEN),
        1,
        "{why}: a token POST is never repeated"
    );
}

#[test]
fn every_trakt_error_has_its_exit_code_and_leaves_the_file_alone() {
    let mut cases = vec![
        (Fault::InvalidClient, 3, "invalid_client".to_string()),
        (
            Fault::Status(403),
            3,
            "application was probably deleted".to_string(),
        ),
        (Fault::Cloudflare, 4, "Cloudflare".to_string()),
        (Fault::Status(410), 3, "deactivated (410 Gone)".to_string()),
        (Fault::Status(423), 3, "locked (423 Locked)".to_string()),
        (Fault::RateLimited(1), 4, "rate limit".to_string()),
        (
            Fault::Slow(Duration::from_secs(4)),
            4,
            "no answer from Trakt to the refresh token in time".to_string(),
        ),
        (Fault::Malformed, 4, "was not valid JSON".to_string()),
        (
            Fault::MissingFields,
            4,
            "lacks refresh_token, created_at".to_string(),
        ),
        (
            Fault::DropAfterRotation,
            4,
            "the connection broke during the refresh token".to_string(),
        ),
    ];
    for status in [500, 502, 503, 504, 520, 521, 522] {
        cases.push((
            Fault::Status(status),
            4,
            format!("Trakt is having trouble ({status})"),
        ));
    }
    for (fault, code, why) in cases {
        fails(fault, code, &why);
    }
}

#[test]
fn a_used_refresh_token_is_invalid_grant_in_every_style() {
    for style in [
        GrantStyle::Json400,
        GrantStyle::Json401,
        GrantStyle::Empty400,
    ] {
        let server = Server::start(Config {
            refresh_token: "another-token".into(),
            grant_style: style,
            ..Config::default()
        });
        let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
        let r = run(&server, &["renew", file.to_str().unwrap()]);
        assert_eq!(r.code, 3, "{style:?}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("Trakt refused the refresh token (invalid_grant)"),
            "{}",
            r.stderr
        );
        assert_eq!(fs::read_to_string(&file).unwrap(), config_text());
    }
}

#[test]
fn placeholders_in_tokens_are_refused_before_any_request() {
    let server = Server::start(Config::default());
    let text = config_text().replace(
        "'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90'",
        "<<TRAKT_TOKEN>>",
    );
    let (_dir, file) = temp_file("config.yml", text.as_bytes());
    let r = run(&server, &["renew", file.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("is a placeholder; kometa-trakt never overwrites placeholders"),
        "{}",
        r.stderr
    );
    assert!(server.log().is_empty());
}

#[test]
fn credential_placeholders_are_resolved_from_kometa_variables() {
    let server = Server::start(Config::default());
    let config = Config::default();
    let text = config_text()
        .replace(
            &format!("client_id: {}", config.client_id),
            "client_id: <<trakt-id>>",
        )
        .replace(
            &format!("client_secret: \"{}\"", config.client_secret),
            "client_secret: <<TRAKT_SECRET>>",
        );
    let (_dir, file) = temp_file("config.yml", text.as_bytes());
    let url = server.url();
    let missing = bin()
        .args([
            "renew",
            file.to_str().unwrap(),
            "--api-url",
            &url,
            "--auth-url",
            &url,
        ])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no KOMETA_TRAKT_ID is set"));
    assert!(server.log().is_empty());
    let ok = bin()
        .args([
            "renew",
            file.to_str().unwrap(),
            "--api-url",
            &url,
            "--auth-url",
            &url,
        ])
        .env("KOMETA_TRAKT_ID", &config.client_id)
        .env("KOMETA_TRAKT_SECRET", &config.client_secret)
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let after = fs::read_to_string(&file).unwrap();
    assert!(
        after.contains("client_id: <<trakt-id>>\n")
            && after.contains("client_secret: <<TRAKT_SECRET>>   #"),
        "{after}"
    );
}

#[test]
fn plain_http_is_refused_unless_loopback() {
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let out = bin()
        .args([
            "renew",
            file.to_str().unwrap(),
            "--auth-url",
            "http://trakt.example",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--auth-url: only https:// is allowed"));
}

const UNAUTHORIZED: &str = "trakt:
  client_id: 4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f
  client_secret: 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d
  pin: '7F3A9C21'   # from trakt.tv/activate
  authorization:
mal:
  client_id: x
";

fn authorized(issued: &Issued) -> String {
    format!(
        "trakt:
  client_id: 4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f
  client_secret: 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d
  pin:    # from trakt.tv/activate
  authorization:
    access_token: {}
    token_type: bearer
    expires_in: 86400
    refresh_token: {}
    scope: public
    created_at: {}
mal:
  client_id: x
",
        issued.access_token, issued.refresh_token, issued.created_at
    )
}

#[test]
fn pin_from_the_file_gives_the_six_values_and_clears_the_pin() {
    let server = Server::start(Config::default());
    server.add_pin("7F3A9C21");
    let (_dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
    let r = run(&server, &["auth", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        authorized(&server.issued()[0])
    );
    let again = run(
        &server,
        &["auth", file.to_str().unwrap(), "--pin", "7F3A9C21"],
    );
    assert_eq!(again.code, 3, "a PIN works once");
    assert_no_secret(&server, &r);
}

#[test]
fn device_flow_polls_until_approved_or_denied() {
    let server = Server::start(Config::default());
    let (_dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
    let child = device_auth(&server, &file);
    while server.count(DEVICE_CODE) == 0 {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(1500));
    server.set_devices(Device::Approved);
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.starts_with("Open https://trakt.tv/activate and enter the code 5EA10001\n"),
        "{stdout}"
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        authorized(&server.issued()[0])
    );

    let denied = Server::start(Config::default());
    let (_dir2, file2) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
    let child = device_auth(&denied, &file2);
    while denied.count(DEVICE_CODE) == 0 {
        std::thread::sleep(Duration::from_millis(50));
    }
    denied.set_devices(Device::Denied);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("denied on Trakt's page (418)"));
    assert_eq!(fs::read_to_string(&file2).unwrap(), UNAUTHORIZED);
}

#[test]
fn a_pasted_block_is_applied_with_or_without_the_trakt_root() {
    let issued = Issued {
        access_token: "c".repeat(64),
        refresh_token: "d".repeat(64),
        expires_in: 86400,
        created_at: 1_795_867_200,
    };
    let body = format!(
        "access_token: {}\ntoken_type: bearer\nexpires_in: 86400\nrefresh_token: {}\nscope: public\ncreated_at: 1795867200\n",
        issued.access_token, issued.refresh_token
    );
    let nested = format!(
        "trakt:\n  authorization:\n{}",
        body.lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    );
    for pasted in [body.clone(), nested] {
        let (dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
        let block = dir.path().join("block.yml");
        fs::write(&block, &pasted).unwrap();
        let out = support::run(&[
            "auth",
            file.to_str().unwrap(),
            "--from-file",
            block.to_str().unwrap(),
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(fs::read_to_string(&file).unwrap(), authorized(&issued));
    }
    let (dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
    let block = dir.path().join("block.yml");
    fs::write(&block, "access_token: x\n").unwrap();
    let out = support::run(&[
        "auth",
        file.to_str().unwrap(),
        "--from-file",
        block.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("not a complete authorization block"));
    assert_eq!(fs::read_to_string(&file).unwrap(), UNAUTHORIZED);
}

#[test]
fn two_renewals_at_once_refresh_once() {
    let server = Server::start(Config {
        ..Config::default()
    });
    server.fault(TOKEN, Fault::Slow(Duration::from_millis(300)), 1);
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let url = server.url();
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_kometa-trakt"))
            .args([
                "renew",
                file.to_str().unwrap(),
                "--api-url",
                &url,
                "--auth-url",
                &url,
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert_eq!(
        (a.status.code(), b.status.code()),
        (Some(0), Some(0)),
        "{}{}",
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr)
    );
    assert_eq!(
        server.count(TOKEN),
        1,
        "exactly one refresh reached the server"
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&b.stdout)
    );
    assert!(
        said.contains("another process renewed the tokens meanwhile"),
        "{said}"
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        renewed(&config_text(), &server.issued()[0])
    );
}

#[test]
fn real_configs_keep_every_other_byte() {
    let cases = [
        (
            "kt-filled-words.yml",
            "CLIENT_ID",
            "CLIENT_SECRET",
            "TOKEN",
            7_889_238,
        ),
        (
            "kt-xxxx-redacted.yml",
            "XXXX-redacted-XXXX",
            "XXXX-redacted-XXXX",
            "XXXX-redacted-XXXX",
            7_889_238,
        ),
        (
            "02_Kometa__kitchen_sink_config.yml",
            "(redacted)",
            "(redacted)",
            "(redacted)",
            7_889_238,
        ),
    ];
    for (name, id, secret, refresh, expires_in) in cases {
        let text = fs::read_to_string(support::data("configs").join(name)).unwrap();
        let server = Server::start(Config {
            client_id: id.into(),
            client_secret: secret.into(),
            refresh_token: refresh.into(),
            expires_in,
            ..Config::default()
        });
        let (_dir, file) = temp_file("config.yml", text.as_bytes());
        let r = run(&server, &["renew", file.to_str().unwrap(), "--force"]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let after = fs::read_to_string(&file).unwrap();
        let issued = &server.issued()[0];
        let before_lines: Vec<&str> = text.split_inclusive('\n').collect();
        let after_lines: Vec<&str> = after.split_inclusive('\n').collect();
        assert_eq!(before_lines.len(), after_lines.len(), "{name}");
        let changed: Vec<(&str, &str)> = before_lines
            .iter()
            .zip(&after_lines)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| (*a, *b))
            .collect();
        assert_eq!(changed.len(), 3, "{name}: {changed:#?}");
        for (_, line) in &changed {
            let ok = line.ends_with(&format!("access_token: {}\n", issued.access_token))
                || line.ends_with(&format!("refresh_token: {}\n", issued.refresh_token))
                || line.ends_with(&format!("created_at: {}\n", issued.created_at));
            assert!(ok, "{name}: {line:?}");
        }
    }
}

#[test]
fn read_only_config_is_refused_before_any_request() {
    let server = Server::start(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    fs::create_dir(dir.path().join("mnt")).unwrap();
    fs::write(dir.path().join("config.yml"), config_text()).unwrap();
    let out = in_namespace_with(&server, &format!(
            "mount -t tmpfs -o size=1m tmpfs {d}/mnt
             cp {d}/config.yml {d}/mnt/config.yml
             mount -o remount,bind,ro {d}/mnt
             set +e; \"$BIN\" renew {d}/mnt/config.yml --api-url $URL --auth-url $URL 2>{d}/err; echo rc=$?"
        ),
    );
    assert_eq!(out, "rc=2\n");
    let err = fs::read_to_string(dir.path().join("err")).unwrap();
    assert!(
        err.contains("cannot write: Read-only file system; not contacting Trakt"),
        "{err}"
    );
    assert!(server.log().is_empty(), "the server saw a request");
}

#[test]
fn full_filesystem_leaves_a_recovery_file_that_restores_the_config() {
    let server = Server::start(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    fs::create_dir(dir.path().join("mnt")).unwrap();
    fs::create_dir(dir.path().join("state")).unwrap();
    let padded = one_page_config();
    fs::write(dir.path().join("config.yml"), &padded).unwrap();
    let out = in_namespace_with(&server, &format!(
            "mount -t tmpfs -o size=64k tmpfs {d}/mnt
             cp {d}/config.yml {d}/mnt/config.yml
             dd if=/dev/zero of={d}/mnt/fill bs=4096 2>/dev/null || true
             set +e; XDG_STATE_HOME={d}/state \"$BIN\" renew {d}/mnt/config.yml --api-url $URL --auth-url $URL 2>{d}/err; echo rc=$?; set -e
             cp {d}/mnt/config.yml {d}/after.yml
             ls -A {d}/mnt"
        ),
    );
    let err = fs::read_to_string(dir.path().join("err")).unwrap();
    assert_eq!(out, "rc=2\nconfig.yml\nfill\n", "{err}");
    assert_eq!(server.count(TOKEN), 1);
    assert_eq!(
        fs::read_to_string(dir.path().join("after.yml")).unwrap(),
        padded,
        "the config is intact"
    );
    let recovery = recovery_path(&err);
    assert_eq!(
        recovery.parent(),
        Some(dir.path().join("state/kometa-trakt").as_path())
    );
    assert!(err.contains("No space left on device"), "{err}");
    assert!(err.contains("kometa-trakt auth"), "{err}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        fs::metadata(&recovery).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_no_secret(
        &server,
        &Run {
            code: 2,
            stdout: String::new(),
            stderr: err,
        },
    );
    // The config (at the same path, the tmpfs gone) still holds the spent
    // refresh token: renewing it again points to the recovery file.
    let file = dir.path().join("mnt/config.yml");
    let config = file.to_str().unwrap();
    fs::write(&file, &padded).unwrap();
    let url = server.url();
    let with_state = |args: &[&str]| {
        let out = bin()
            .args(args)
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .output()
            .unwrap();
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (
            out.status.code().unwrap(),
            text(out.stdout),
            text(out.stderr),
        )
    };
    let (code, _, stderr) = with_state(&["renew", config, "--api-url", &url, "--auth-url", &url]);
    assert_eq!(code, 3, "{stderr}");
    let shown = recovery.display();
    assert!(
        stderr.ends_with(&format!(
            "(invalid_grant): it was already used, expired or revoked; authorize again with `kometa-trakt auth --pin PIN` or `--device`\n  but {shown} holds newer tokens from a renewal that could not be saved: apply them with `kometa-trakt auth {config} --from-file {shown}`\n"
        )),
        "{stderr}"
    );
    // Applying it restores a working config (the stored refresh token is
    // the live one) and removes it.
    let (code, stdout, stderr) = with_state(&["auth", config, "--from-file", &shown.to_string()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.ends_with(&format!(
            "\nremoved {shown}: superseded by the tokens just saved\n"
        )),
        "{stdout}"
    );
    assert!(!recovery.exists());
    let restored = fs::read_to_string(&file).unwrap();
    let live = server.refresh_token().unwrap();
    assert!(
        restored.contains(&format!("refresh_token: {live}\n")),
        "{restored}"
    );
    let renew = run(&server, &["renew", config, "--force"]);
    assert_eq!(renew.code, 0, "{}", renew.stderr);
}

#[test]
fn recovery_files_are_pointed_to_only_while_unapplied_and_cleared_by_a_renewal() {
    let (dir, file) = temp_file("config.yml", config_text().as_bytes());
    let recovery = dir.path().join(".config.yml.kometa-trakt-recovery.yml");
    // The config already holds the recovery file's refresh token: no pointer.
    fs::write(&recovery, recovery_block(&Config::default().refresh_token)).unwrap();
    let spent = Server::start(Config {
        refresh_token: "another-token".into(),
        ..Config::default()
    });
    let r = run(&spent, &["renew", file.to_str().unwrap()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(!r.stderr.contains("recovery"), "{}", r.stderr);
    // Other tokens: pointed to.
    fs::write(&recovery, recovery_block(&"d".repeat(64))).unwrap();
    let r = run(&spent, &["renew", file.to_str().unwrap()]);
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
    let r = run(&live, &["renew", file.to_str().unwrap(), "--force"]);
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

/// The fixture config padded to most of one 4 KiB page: renewed, it needs
/// a second page.
fn one_page_config() -> String {
    let base = config_text().replace(
        "'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90'",
        "'a1b2'",
    );
    let line = "# padding padding padding padding padding padding padding padding padding\n";
    let mut padded = format!("{}{base}", line.repeat((4060 - base.len()) / line.len()));
    padded.insert_str(0, &format!("#{}\n", "-".repeat(4060 - padded.len() - 2)));
    assert_eq!(
        padded.len(),
        4060,
        "fits one page now, needs two after renewal"
    );
    padded
}

/// The recovery file a failed renewal names: "They are in PATH (readable by you only)".
fn recovery_path(err: &str) -> PathBuf {
    let rest = err
        .split("They are in ")
        .nth(1)
        .unwrap_or_else(|| panic!("no recovery file in {err}"));
    PathBuf::from(rest.split(" (readable by you only)").next().unwrap())
}

#[test]
fn configs_with_one_name_on_full_filesystems_get_their_own_recovery_files() {
    let (one, two) = (
        Server::start(Config::default()),
        Server::start(Config::default()),
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    fs::write(dir.path().join("config.yml"), one_page_config()).unwrap();
    let out = in_namespace(
        &format!(
            "for n in 1 2; do
               mkdir {d}/mnt$n; mount -t tmpfs -o size=64k tmpfs {d}/mnt$n
               cp {d}/config.yml {d}/mnt$n/config.yml
               dd if=/dev/zero of={d}/mnt$n/fill bs=4096 2>/dev/null || true
             done
             set +e
             XDG_STATE_HOME={d}/state \"$BIN\" renew {d}/mnt1/config.yml --api-url $ONE --auth-url $ONE 2>{d}/err1; echo rc=$?
             XDG_STATE_HOME={d}/state \"$BIN\" renew {d}/mnt2/config.yml --api-url $TWO --auth-url $TWO 2>{d}/err2; echo rc=$?"
        ),
        &[("ONE", &one.url()), ("TWO", &two.url())],
    );
    assert_eq!(out, "rc=2\nrc=2\n");
    let err = |n: u8| fs::read_to_string(dir.path().join(format!("err{n}"))).unwrap();
    let (first, second) = (recovery_path(&err(1)), recovery_path(&err(2)));
    assert_ne!(first, second, "one recovery file for two configs");
    for (path, server) in [(first, &one), (second, &two)] {
        let name = path.file_name().unwrap().to_str().unwrap();
        let hash = name
            .strip_prefix("config.yml.")
            .and_then(|n| n.strip_suffix(".kometa-trakt-recovery.yml"))
            .unwrap_or_else(|| panic!("{name}"));
        assert!(
            hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{name}"
        );
        let live = server.refresh_token().unwrap();
        let saved = fs::read_to_string(&path).unwrap();
        assert!(
            saved.contains(&format!("refresh_token: \"{live}\"\n")),
            "{saved}"
        );
    }
}

#[test]
fn single_file_bind_mount_is_renewed_in_place() {
    let server = Server::start(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    fs::write(dir.path().join("source.yml"), config_text()).unwrap();
    fs::create_dir(dir.path().join("app")).unwrap();
    fs::write(dir.path().join("app/config.yml"), "x\n").unwrap();
    let out = in_namespace_with(&server, &format!(
            "mount --bind {d}/source.yml {d}/app/config.yml
             set +e; \"$BIN\" renew {d}/app/config.yml --api-url $URL --auth-url $URL >/dev/null 2>{d}/err; echo rc=$?; set -e
             ls -A {d}/app"
        ),
    );
    assert_eq!(
        out,
        "rc=0\nconfig.yml\n",
        "{}",
        fs::read_to_string(dir.path().join("err")).unwrap()
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("source.yml")).unwrap(),
        renewed(&config_text(), &server.issued()[0])
    );
}

#[test]
fn status_online_names_the_account() {
    let server = Server::start(Config::default());
    let r = run(
        &server,
        &[
            "status",
            fixture("config.yml").to_str().unwrap(),
            "--online",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.ends_with("  account:     sean\n"), "{}", r.stdout);
}

/// Runs `auth --device` against `server` in the background and returns it.
fn device_auth(server: &Server, file: &std::path::Path) -> std::process::Child {
    let url = server.url();
    std::process::Command::new(env!("CARGO_BIN_EXE_kometa-trakt"))
        .args([
            "auth",
            file.to_str().unwrap(),
            "--device",
            "--api-url",
            &url,
            "--auth-url",
            &url,
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn device_flow_reports_expired_and_used_codes_and_stops_at_expiry() {
    for (state, why) in [
        (Device::Expired, "expired before it was approved (410)"),
        (Device::Used, "already used (409)"),
    ] {
        let server = Server::start(Config::default());
        let (_dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
        let child = device_auth(&server, &file);
        while server.count(DEVICE_CODE) == 0 {
            std::thread::sleep(Duration::from_millis(50));
        }
        server.set_devices(state);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(3));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(why),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(fs::read_to_string(&file).unwrap(), UNAUTHORIZED);
    }
    let server = Server::start(Config {
        device_expires_in: 2,
        ..Config::default()
    });
    let (_dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
    let out = device_auth(&server, &file).wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("the device code expired before it was approved")
    );
    assert!(server.count(trakt_test_server::DEVICE_TOKEN) >= 1);
}

#[test]
fn device_polling_slows_down_on_429() {
    let server = Server::start(Config::default());
    server.fault(trakt_test_server::DEVICE_TOKEN, Fault::RateLimited(1), 1);
    let (_dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
    let child = device_auth(&server, &file);
    while server.count(trakt_test_server::DEVICE_TOKEN) < 2 {
        std::thread::sleep(Duration::from_millis(50));
    }
    server.set_devices(Device::Approved);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        authorized(&server.issued()[0])
    );
}

#[test]
fn safe_calls_are_retried_after_429_and_5xx() {
    let server = Server::start(Config::default());
    server.fault(SETTINGS, Fault::Status(502), 1);
    server.fault(SETTINGS, Fault::RateLimited(1), 1);
    let r = run(
        &server,
        &[
            "status",
            fixture("config.yml").to_str().unwrap(),
            "--online",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.ends_with("  account:     sean\n"));
    assert_eq!(server.count(SETTINGS), 3);
    let dead = Server::start(Config {
        access_token: "another".into(),
        ..Config::default()
    });
    let r = run(
        &dead,
        &[
            "status",
            fixture("config.yml").to_str().unwrap(),
            "--online",
        ],
    );
    assert_eq!(r.code, 3);
    assert!(
        r.stderr
            .contains("Trakt refused the access token (401 Unauthorized)"),
        "{}",
        r.stderr
    );
}

/// `in_namespace` with `$URL` set to the server's.
fn in_namespace_with(server: &Server, script: &str) -> String {
    in_namespace(script, &[("URL", &server.url())])
}
