//! The secret-leak audit: every command and every failure path reachable
//! here runs with distinctive secrets, and none of stdout, stderr or any
//! file other than the config and the 0600 recovery file contains them.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support;
use crate::support::{Kt, kt};
use trakt_test_server::{Config, Device, Fault, Server, TOKEN};

const CLIENT_SECRET: &str = "SECRETcsQ7v9w2x4y6z8a1b3c5d7e9f0g2h4j6k8m1n3p5q7r9s2t4u6v8w1x3y5";
const ACCESS: &str = "SECRETatQ7v9w2x4y6z8a1b3c5d7e9f0g2h4j6k8m1n3p5q7r9s2t4u6v8w1x3y5";
const REFRESH: &str = "SECRETrtQ7v9w2x4y6z8a1b3c5d7e9f0g2h4j6k8m1n3p5q7r9s2t4u6v8w1x3y5";
const PIN: &str = "SECRETpin7Q2W";
const CLIENT_ID: &str = "4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f";

fn config() -> String {
    format!(
        "trakt:\n  client_id: {CLIENT_ID}\n  client_secret: \"{CLIENT_SECRET}\"\n  pin: '{PIN}'\n  authorization:\n    access_token: {ACCESS}\n    token_type: Bearer\n    expires_in: 86400\n    refresh_token: {REFRESH}\n    scope: public\n    created_at: 1764115200\n"
    )
}

struct Audit {
    home: tempfile::TempDir,
    outputs: Vec<(String, String)>,
    runs: usize,
}

impl Audit {
    fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.home.path().join(name);
        fs::write(&path, content).unwrap();
        path
    }

    fn run(&mut self, server: Option<&Server>, args: &[&str]) {
        let mut run = self.kt(args);
        if let Some(s) = server {
            run = run.against(s);
        }
        let out = run.run();
        self.outputs
            .push((format!("{args:?}"), format!("{}{}", out.stdout, out.stderr)));
        self.runs += 1;
    }

    /// The binary with `args`, its home and state directory ours.
    fn kt(&self, args: &[&str]) -> Kt {
        kt(args)
            .env("HOME", self.home.path())
            .env("XDG_STATE_HOME", self.home.path().join("state"))
    }
}

/// The first 8 characters are enough to identify each secret (masks show 4).
fn leaked(text: &str, extra: &[String]) -> Vec<String> {
    [CLIENT_SECRET, ACCESS, REFRESH, PIN]
        .iter()
        .map(|s| s.to_string())
        .chain(extra.iter().cloned())
        .filter(|s| text.contains(&s[..8]))
        .collect()
}

fn files_under(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, found)
        } else {
            found.push(path)
        }
    }
}

#[test]
fn no_secret_leaves_the_config_except_into_the_recovery_file() {
    let server = Server::start(Config {
        client_secret: CLIENT_SECRET.into(),
        access_token: ACCESS.into(),
        refresh_token: REFRESH.into(),
        ..Config::default()
    });
    let mut a = Audit {
        home: tempfile::tempdir().unwrap(),
        outputs: Vec::new(),
        runs: 0,
    };
    let cfg = a.file("config.yml", &config());
    let c = cfg.to_str().unwrap().to_string();
    let broken = a.file(
        "broken.yml",
        &format!("trakt:\n  access_token: {ACCESS}: [\n  pin: {PIN}\n"),
    );
    let b = broken.to_str().unwrap().to_string();
    let many = a.file(
        "many.yml",
        &config()
            .replace("token_type: Bearer", "token_type: MAC\n    extra: 1")
            .replace(&format!("pin: '{PIN}'"), &format!("pin: {PIN}\n  pinn: x")),
    );
    let m = many.to_str().unwrap().to_string();

    for format in ["text", "json", "github", "sarif"] {
        for file in [&c, &b, &m] {
            a.run(
                None,
                &[
                    "check",
                    "--format",
                    format,
                    "--no-plaintext-secrets",
                    "--require-valid-for",
                    "1d",
                    "--color",
                    "always",
                    file,
                ],
            );
        }
    }
    for format in ["text", "json"] {
        a.run(None, &["status", "--format", format, &c]);
        a.run(None, &["status", "--format", format, &b]);
    }
    a.run(Some(&server), &["status", "--online", &c]);
    for key in [
        "trakt.client_secret",
        "trakt.pin",
        "trakt.authorization.access_token",
        "trakt.authorization.refresh_token",
        "trakt.nope",
    ] {
        a.run(None, &["get", &c, key]);
        a.run(None, &["get", &b, key]);
        a.run(None, &["set", &c, key, "SECRETnewvalue123456", "--dry-run"]);
        a.run(
            None,
            &["set", &c, key, "SECRETnewvalue123456", "--check", "--diff"],
        );
        a.run(None, &["set", &b, key, "SECRETnewvalue123456"]);
    }
    a.run(
        None,
        &[
            "set",
            &c,
            "trakt.authorization.expires_in",
            "SECRETnewvalue123456",
        ],
    );
    a.run(Some(&server), &["renew", &c, "--dry-run"]);
    a.run(Some(&server), &["renew", &c, "--check"]);
    for fault in [
        Fault::InvalidClient,
        Fault::Status(403),
        Fault::Cloudflare,
        Fault::Status(410),
        Fault::Status(423),
        Fault::RateLimited(1),
        Fault::Status(500),
        Fault::Status(520),
        Fault::Malformed,
        Fault::MissingFields,
        Fault::DropAfterRotation,
    ] {
        let fresh = a.file("fault.yml", &config());
        let live = server.refresh_token().unwrap();
        fs::write(&fresh, config().replace(REFRESH, &live)).unwrap();
        server.fault(TOKEN, fault, 1);
        a.run(Some(&server), &["renew", fresh.to_str().unwrap()]);
    }
    let live = server.refresh_token().unwrap();
    fs::write(&cfg, config().replace(REFRESH, &live)).unwrap();
    a.run(Some(&server), &["renew", &c, "--diff", "--verify"]);
    a.run(Some(&server), &["renew", &c, "--force", "--diff"]);
    let stale = a.file("stale.yml", &config());
    a.run(Some(&server), &["renew", stale.to_str().unwrap()]);
    a.run(Some(&server), &["auth", stale.to_str().unwrap(), "--pin"]);
    a.run(
        Some(&server),
        &["auth", stale.to_str().unwrap(), "--pin", PIN],
    );
    server.set_devices(Device::Denied);
    let block = a.file("block.yml", &format!("access_token: {ACCESS}\n"));
    a.run(
        None,
        &[
            "auth",
            stale.to_str().unwrap(),
            "--from-file",
            block.to_str().unwrap(),
        ],
    );

    // A change to the config during the token call: the write refuses to
    // overwrite it, and the new tokens go to the recovery file.
    let live = server.refresh_token().unwrap();
    let raced = a.file("raced.yml", &config().replace(REFRESH, &live));
    server.fault(TOKEN, Fault::Slow(std::time::Duration::from_millis(800)), 1);
    let posted = server.count(TOKEN) + 1;
    let child = a
        .kt(&["renew", raced.to_str().unwrap()])
        .against(&server)
        .spawn();
    // The token call is in flight (the server answers it late).
    support::wait_until(
        "the token request",
        std::time::Duration::from_secs(10),
        || server.count(TOKEN) >= posted,
    );
    let edited = format!(
        "{}# edited during the renewal\n",
        fs::read_to_string(&raced).unwrap()
    );
    fs::write(&raced, &edited).unwrap();
    let out = child.wait();
    let stderr = out.stderr;
    assert_eq!(out.code, 2, "{stderr}");
    assert!(
        stderr.contains("the file changed since it was read")
            && stderr.contains("/.raced.yml.kometa-trakt-recovery."),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(&raced).unwrap(),
        edited,
        "the other edit survives"
    );
    a.outputs.push((
        "renew during an edit".into(),
        format!("{}{stderr}", out.stdout),
    ));
    let recovery = support::trakt::recovery_path(&stderr);
    let applied = a
        .kt(&[
            "auth",
            raced.to_str().unwrap(),
            "--from-file",
            recovery.to_str().unwrap(),
        ])
        .run();
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    a.outputs.push((
        "auth --from-file RECOVERY".into(),
        format!("{}{}", applied.stdout, applied.stderr),
    ));
    let restored = fs::read_to_string(&raced).unwrap();
    assert!(
        restored.ends_with("# edited during the renewal\n")
            && restored.contains(&server.refresh_token().unwrap())
    );

    let issued: Vec<String> = server
        .issued()
        .iter()
        .flat_map(|i| [i.access_token.clone(), i.refresh_token.clone()])
        .collect();
    for (args, output) in &a.outputs {
        let found = leaked(output, &issued);
        assert!(found.is_empty(), "{args} printed {found:?}:\n{output}");
    }
    let mut files = Vec::new();
    files_under(a.home.path(), &mut files);
    let inputs = [
        cfg.clone(),
        broken,
        many,
        stale,
        block,
        raced,
        a.home.path().join("fault.yml"),
    ];
    for file in files.iter().filter(|f| !inputs.contains(f)) {
        let text = fs::read_to_string(file).unwrap_or_default();
        let found = leaked(&text, &issued);
        if file.to_string_lossy().contains("kometa-trakt-recovery.") {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(file).unwrap().permissions().mode() & 0o777,
                0o600
            );
            assert!(!found.is_empty(), "the recovery file holds the new tokens");
        } else {
            assert!(found.is_empty(), "{} holds {found:?}", file.display());
        }
    }
    assert!(
        a.runs >= 60 && a.outputs.len() >= 62,
        "the audit ran {} commands",
        a.runs
    );
}
