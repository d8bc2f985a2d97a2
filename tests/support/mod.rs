//! Helpers shared by the integration tests: the real binary, temp files,
//! and the shared corpus.
#![allow(dead_code)]

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

/// A folder of the shared corpus (`../shared/corpus/NAME`).
pub fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(name)
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
    let out = bin().args(args).output().expect("run binary");
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

/// Whether this process may create mount namespaces (root). Without root a
/// test is skipped loudly; under CI=true that is a failure.
pub fn root() -> bool {
    let uid = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if uid.is_ok_and(|u| u == "0") {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "this test needs root, and CI runs as root"
    );
    eprintln!(
        "SKIPPED: this filesystem-fault test needs root (mount namespaces); run the tests as root"
    );
    false
}

/// Runs `script` with `sh -eu` in a private mount namespace, with `$BIN`
/// the binary and `vars` set; returns its stdout.
pub fn in_namespace(script: &str, vars: &[(&str, &str)]) -> String {
    let out = std::process::Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-euc", script])
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
