//! Helpers shared by the integration tests: running the binary ([`kt`]),
//! temp files, the repository's test data, the third-party corpus, mount
//! namespaces and the config directory's lock.

mod kt;
pub(crate) mod trakt;

use std::fs;
use std::path::{Path, PathBuf};

pub(crate) use kt::{BIN, Kt, Run, Running, clean, kt};
use tempfile::TempDir;

/// 2026-11-28 12:00:00 UTC (`KOMETA_TRAKT_NOW`): the rule fixtures' tokens
/// are judged at this time.
pub(crate) const NOW: &str = "1795867200";

/// A temp directory holding `name` with `content`.
pub(crate) fn temp_file(name: &str, content: &[u8]) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    fs::write(&path, content).expect("write fixture");
    (dir, path)
}

/// Restores `kometa` (Kometa's file, in a temp dir) against `original`
/// (beside it); returns the run, the dir, Kometa's file and the original.
pub(crate) fn restore_texts(
    original: &str,
    kometa: &str,
    extra: &[&str],
) -> (Run, TempDir, PathBuf, PathBuf) {
    let (dir, file) = temp_file("config.yml", kometa.as_bytes());
    let orig = dir.path().join("original.yml");
    fs::write(&orig, original).unwrap();
    let mut args = vec!["restore", file.to_str().unwrap(), "--original"];
    args.push(orig.to_str().unwrap());
    args.extend_from_slice(extra);
    let r = kt(&args).run();
    (r, dir, file, orig)
}

/// A file or folder of the repository's test data (`tests/data/NAME`,
/// provenance in `tests/data/MANIFEST.tsv`).
pub(crate) fn data(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    assert!(path.exists(), "test data missing: {}", path.display());
    path
}

/// A folder of third-party material beside the repository
/// (`../shared/NAME`: third-party configs in `corpus/`, Kometa's source in
/// `reference/`), which is not distributed: a clone does not have it. Tests
/// over it have `workspace_` in their names and are `#[ignore]`d; `.ci/run` runs them
/// where it is present. Run without it, they fail naming the path.
pub(crate) fn shared(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing: this test needs third-party material beside the repository, which is not shipped with the source",
        path.display()
    );
    path
}

/// Every `.yml` file of `dir` with its text, sorted by name.
pub(crate) fn configs(dir: &Path) -> Vec<(String, String)> {
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
pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A recovery file's text, as `renew` writes it, holding `refresh_token`.
pub(crate) fn recovery_block(refresh_token: &str) -> String {
    format!(
        "trakt:\n  authorization:\n    access_token: \"{}\"\n    token_type: \"bearer\"\n    expires_in: 86400\n    refresh_token: \"{refresh_token}\"\n    scope: \"public\"\n    created_at: 1764200000\n",
        "c".repeat(64)
    )
}

/// Writes a recovery file holding `refresh_token` beside `dir`'s
/// `config.yml`, named and private as `renew` makes them; returns its path.
pub(crate) fn recovery_file(dir: &Path, refresh_token: &str) -> PathBuf {
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
pub(crate) fn set(content: &str, path: &str, value: &str, extra: &[&str]) -> (Run, String) {
    let (_dir, file) = temp_file("config.yml", content.as_bytes());
    let file_arg = file.to_str().expect("utf-8 path");
    let mut args = vec!["set", file_arg, path, value];
    args.extend_from_slice(extra);
    let run = kt(&args).run();
    let after = String::from_utf8(fs::read(&file).expect("read back")).expect("utf-8");
    (run, after)
}

/// Whether the tests run as root (as CI does).
pub(crate) fn is_root() -> bool {
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
/// [`namespace_args`]), with `$BIN` the binary, the environment
/// [`clean`]ed and `vars` set; returns its stdout.
pub(crate) fn in_namespace(script: &str, vars: &[(&str, &str)]) -> String {
    let mut command = std::process::Command::new("unshare");
    let out = clean(&mut command)
        .args(namespace_args())
        .args(["sh", "-euc", script])
        .env("BIN", BIN)
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
pub(crate) fn wait_until(what: &str, limit: std::time::Duration, mut ready: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + limit;
    while !ready() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Takes the lock every kometa-trakt writer takes (an exclusive `flock` on
/// the directory holding the config) and holds it until dropped: writers
/// started meanwhile wait for it together.
pub(crate) fn hold_lock(dir: &Path) -> fs::File {
    let file = fs::File::open(dir).expect("open the directory");
    file.lock().expect("lock the directory");
    file
}

/// Who holds and who waits for the lock of `dir` now, from `/proc/locks`:
/// `(pid, waiting)` for each `flock` on the directory.
pub(crate) fn lockers(dir: &Path) -> Vec<(u32, bool)> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::metadata(dir).expect("the directory");
    let (dev, ino) = (meta.dev(), meta.ino());
    let id = format!(
        "{:02x}:{:02x}:{ino}",
        rustix::fs::major(dev),
        rustix::fs::minor(dev)
    );
    // "1: FLOCK  ADVISORY  WRITE PID MAJ:MIN:INODE 0 EOF", a waiter with
    // "->" before FLOCK.
    fs::read_to_string("/proc/locks")
        .expect("/proc/locks")
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().skip(1).collect();
            let waiting = fields.first() == Some(&"->");
            let fields = &fields[usize::from(waiting)..];
            (fields.first() == Some(&"FLOCK") && fields.get(4) == Some(&id.as_str()))
                .then(|| fields.get(3)?.parse().ok())
                .flatten()
                .map(|pid| (pid, waiting))
        })
        .collect()
}

/// Waits until each of `pids` waits for the lock of `dir`: each is then
/// inside the binary, past its first read of the config and before its
/// write, at the same time as the others and whoever holds the lock.
pub(crate) fn wait_until_waiting_for_lock(dir: &Path, pids: &[u32]) {
    wait_until(
        &format!("{pids:?} to wait for the lock of {}", dir.display()),
        std::time::Duration::from_secs(20),
        || {
            let now = lockers(dir);
            pids.iter().all(|pid| now.contains(&(*pid, true)))
        },
    );
}

/// A Python with ruamel.yaml 0.19.1 (Kometa 2.4.4's pin), which `restore
/// --only-kometa` runs to reproduce Kometa's save: the one
/// `KOMETA_TRAKT_PYTHON` names where the tests run, else `python3` if it
/// has it, else a venv made for the tests (`target/ruamel-venv`, from PyPI,
/// once). Without one the test fails, saying how to get one: these tests
/// are not skipped.
pub(crate) fn ruamel_python() -> String {
    static FOUND: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    let found = FOUND.get_or_init(|| {
        if let Ok(python) = std::env::var("KOMETA_TRAKT_PYTHON")
            && !python.is_empty()
        {
            return has_ruamel(&python);
        }
        let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ruamel-venv");
        let python = venv.join("bin/python").to_string_lossy().into_owned();
        let mut seen = Vec::new();
        for candidate in [python.as_str(), "python3"] {
            match has_ruamel(candidate) {
                Ok(found) => return Ok(found),
                Err(e) => seen.push(e),
            }
        }
        let made = std::process::Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && std::process::Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                ])
                .arg("ruamel.yaml==0.19.1")
                .status()
                .is_ok_and(|s| s.success());
        if made {
            return has_ruamel(&python);
        }
        seen.push(format!(
            "making {} failed (python3 -m venv, then pip install ruamel.yaml==0.19.1 from PyPI)",
            venv.display()
        ));
        Err(seen.join("; "))
    });
    match found {
        Ok(python) => python.clone(),
        Err(seen) => panic!(
            "this test needs Python with ruamel.yaml 0.19.1 (Kometa 2.4.4's pin), which restore --only-kometa runs ({seen}): `pip install ruamel.yaml==0.19.1` and set KOMETA_TRAKT_PYTHON to that python"
        ),
    }
}

/// `python` when it imports ruamel.yaml 0.19.1, else what it has.
fn has_ruamel(python: &str) -> Result<String, String> {
    let version = std::process::Command::new(python)
        .args([
            "-c",
            "import ruamel.yaml, sys; sys.stdout.write(ruamel.yaml.__version__)",
        ])
        .output();
    match version {
        Ok(out) if out.status.success() && out.stdout == b"0.19.1" => Ok(python.to_string()),
        Ok(out) if out.status.success() => Err(format!(
            "{python} has ruamel.yaml {}",
            String::from_utf8_lossy(&out.stdout)
        )),
        Ok(_) => Err(format!("{python} has no ruamel.yaml")),
        Err(e) => Err(format!("{python}: {e}")),
    }
}

/// Runs git in `dir` as a fixed author, without line-ending conversion
/// (files are committed byte for byte); a failure fails the test.
pub(crate) fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "core.autocrlf=false"])
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
