//! Helpers shared by the integration tests: the real binary, temp files,
//! the repository's test data, and the workspace's shared corpus.
#![allow(dead_code)]

pub mod trakt;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The real `kometa-trakt` binary, with no colour and no inherited config.
pub fn bin() -> Command {
    let mut cmd = Command::cargo_bin("kometa-trakt").expect("binary built");
    cmd.env_remove("KOMETA_CONFIG")
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1");
    cmd
}

/// A temp directory holding `name` with `content`.
pub fn temp_file(name: &str, content: &[u8]) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    fs::write(&path, content).expect("write fixture");
    (dir, path)
}

/// A file or folder of the repository's test data (`tests/data/NAME`,
/// provenance in `tests/data/MANIFEST.tsv`).
pub fn data(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    assert!(path.exists(), "test data missing: {}", path.display());
    path
}

/// A folder of the workspace's shared corpus (`../shared/corpus/NAME`),
/// which exists beside our workspace only, never in a user's clone. Tests
/// over it are `#[ignore]`d with that reason and run by `.ci/run` when it
/// is there; run without it, they fail naming the path.
pub fn shared(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing: this test reads the workspace's shared corpus, which a clone does not have",
        path.display()
    );
    path
}

/// Every `.yml` file of `dir` with its text, sorted by name.
pub fn configs(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = fs::read_to_string(&p)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            (name, text)
        })
        .collect();
    files.sort();
    files
}

/// A bundled fixture (`fixtures/NAME`).
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// The outcome of running the binary: exit code, stdout, stderr.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary with `args`.
pub fn run(args: &[&str]) -> Run {
    outcome(bin().args(args))
}

/// Runs the binary with `args` in the directory `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    outcome(bin().current_dir(dir).args(args))
}

fn outcome(command: &mut Command) -> Run {
    let out = command.output().expect("run binary");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A recovery file's text, as `renew` writes it, holding `refresh_token`.
pub fn recovery_block(refresh_token: &str) -> String {
    format!(
        "trakt:\n  authorization:\n    access_token: \"{}\"\n    token_type: \"bearer\"\n    expires_in: 86400\n    refresh_token: \"{refresh_token}\"\n    scope: \"public\"\n    created_at: 1764200000\n",
        "c".repeat(64)
    )
}

/// Writes a recovery file holding `refresh_token` beside `dir`'s
/// `config.yml`, named and private as `renew` makes them; returns its path.
pub fn recovery_file(dir: &Path, refresh_token: &str) -> PathBuf {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join(".config.yml.kometa-trakt-recovery.TEST0001.yml");
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)
        .expect("create the recovery file");
    file.write_all(recovery_block(refresh_token).as_bytes())
        .expect("write the recovery file");
    path
}

/// Runs `set FILE PATH VALUE extra...` on a copy of `content` and returns
/// the run and the file's bytes afterwards.
pub fn set(content: &str, path: &str, value: &str, extra: &[&str]) -> (Run, String) {
    let (_dir, file) = temp_file("config.yml", content.as_bytes());
    let file_arg = file.to_str().expect("utf-8 path");
    let mut args = vec!["set", file_arg, path, value];
    args.extend_from_slice(extra);
    let run = run(&args);
    let after = String::from_utf8(fs::read(&file).expect("read back")).expect("utf-8");
    (run, after)
}

/// Whether the tests run as root (as CI does).
pub fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `unshare` arguments for a private mount namespace in which the script
/// may mount: as root a mount namespace; otherwise also a user namespace
/// mapping us to root in it, where the kernel allows that. Where it does
/// not, the test fails and says so: it cannot run here.
fn namespace_args() -> &'static [&'static str] {
    const ROOT: &[&str] = &["--mount", "--propagation", "private"];
    const USER: &[&str] = &[
        "--user",
        "--map-root-user",
        "--mount",
        "--propagation",
        "private",
    ];
    if is_root() {
        return ROOT;
    }
    let probe = std::process::Command::new("unshare")
        .args(USER)
        .arg("true")
        .output()
        .expect("the unshare command (util-linux) is installed");
    assert!(
        probe.status.success(),
        "this test mounts filesystems: run it as root (as CI does), or allow unprivileged user namespaces ({})",
        String::from_utf8_lossy(&probe.stderr).trim()
    );
    USER
}

/// Runs `script` with `sh -eu` in a private mount namespace (see
/// [`namespace_args`]), with `$BIN` the binary and `vars` set; returns its
/// stdout.
pub fn in_namespace(script: &str, vars: &[(&str, &str)]) -> String {
    let out = std::process::Command::new("unshare")
        .args(namespace_args())
        .args(["sh", "-euc", script])
        .env("BIN", env!("CARGO_BIN_EXE_kometa-trakt"))
        .env("NO_COLOR", "1")
        .envs(vars.iter().copied())
        .output()
        .expect("unshare runs");
    assert!(
        out.status.success(),
        "namespace script failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Waits until `ready` holds, checking every 20 ms; fails the test, naming
/// `what`, after `limit`.
pub fn wait_until(what: &str, limit: std::time::Duration, mut ready: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + limit;
    while !ready() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
