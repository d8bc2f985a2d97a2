//! Crash consistency, proven (issue 20, "The proof"): `renew`, `auth --pin`,
//! `set`, `check --fix` and `restore --original` are each run once under
//! strace for a reference trace, then once per *point* of that trace with a
//! fault injected there: SIGKILL at every point, and ENOSPC, then EIO, at
//! every write/pwrite/fsync/fdatasync/rename/openat on a file. After each
//! run the config holds exactly the old or exactly the new text, the
//! refresh token the test server now holds is in the config or in a
//! recovery file that `status` and `renew` both name (or the server never
//! rotated), and no file the run left holds a secret with a wider mode or
//! another owner than the config.
//!
//! A point is a (system call, k-th occurrence) pair of one thread's file,
//! descriptor and network calls (strace's %file, %desc and %network),
//! futex, epoll, eventfd and memory-mapping calls excepted (they vary from
//! run to run, or are not file calls). Runs use one malloc arena: with one
//! per thread, glibc reads `/proc/sys/vm/overcommit_memory` from whichever
//! thread first trims its heap, which varies. strace counts `when=K` per call and
//! per thread, so:
//! - main-thread points are injected without `-f` (only that thread is
//!   traced); those on the run's own files of fixed names by counting
//!   only the calls on that file (`-P PATH`, "by path"), which calls on
//!   other descriptors cannot shift (an eventfd closed by whichever thread
//!   drops the HTTP runtime last);
//! - another thread's point is injected with `-f` where that call is made
//!   by no other thread ("unique"); else, where the file it touches is
//!   touched by no other thread, by path; else where no other thread makes
//!   that call k times ("beyond"); else it is listed as not injectable.
//!
//! Every injected run's own trace is checked: the fault hit the call of
//! the reference (same call, same file), else the run is made again, and
//! reported as drift after ten misses (a count shifted by calls of the same
//! name that vary, see `TRIES`).
//!
//! The **spend window** (renew, auth --pin) is the list of points from the
//! arrival of Trakt's answer to the end of the fsync of the first file
//! holding the new refresh token; it must be at most 10 calls. A SIGKILL
//! after the spending request was sent and up to that fsync is the one
//! loss no client can prevent: there only a lost token is excused (the
//! config must still not be torn); an ENOSPC or EIO is never excused.
//!
//! `renew` and `auth --pin` are swept twice: with the config renamed over
//! (its usual write) and written in place (a config with a second hard
//! link), whose failure path writes the recovery file.
//!
//! CI mode (the default) runs every file point with all three faults,
//! every point from the spending request on, every point on a file under
//! the run's own directories, and every 5th other point; `CRASH_SWEEP_ALL=1`
//! runs every point (`scripts/crash-sweep`). `CRASH_SWEEP_JOBS` sets how
//! many runs go at once (default: the number of CPUs); `cargo test
//! --release` sweeps the release build. Reports and the
//! reference traces are written under `target/tmp/crash-sweep/`.
//!
//! Needs root and strace (as CI, whose `.ci/run` installs it): otherwise
//! each test fails saying so; a sweep that cannot run is not a pass.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use trakt_test_server::{Config, Issued, Server};

use crate::support::{self, kt};

/// The spend window's limit, in points.
const WINDOW_LIMIT: usize = 10;
/// CI runs every this-many-th point that is not otherwise covered.
const STRIDE: usize = 5;
/// How often a run whose fault missed its call is made: a point counted
/// among calls of its name that vary (see the report's "follow an
/// eventfd/epoll call" line) is hit in about half the runs. A point never
/// hit fails the test (a false alarm at worst, never a false pass).
const TRIES: usize = 10;
/// One run's limit: a run that takes longer is reported as hung.
const RUN_LIMIT: Duration = Duration::from_secs(60);
/// "Now" for every run (`KOMETA_TRAKT_NOW`): the fixtures' tokens expired.
const NOW: &str = "1795867200";
const PIN: &str = "7F3A9C21";
/// The value `set` writes.
const SET_VALUE: &str = "5e7d1c9a3b8f2e6d4c0a9b7e5f3d1c8a6b4e2f0d9c7a5b3e1f8d6c4a2b0e9f7d";

/// Calls that fail with ENOSPC and EIO when on a file.
const ERROR_CALLS: &[&str] = &[
    "write",
    "pwrite64",
    "writev",
    "pwritev",
    "pwritev2",
    "fsync",
    "fdatasync",
    "rename",
    "renameat",
    "renameat2",
    "open",
    "openat",
    "openat2",
    "creat",
];

/// Memory calls strace counts among %desc (mmap takes a descriptor): not
/// file calls.
const MEMORY_CALLS: &[&str] = &[
    "mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise", "brk",
];

/// The file calls of the spend window's end.
const SYNC_CALLS: &[&str] = &["fsync", "fdatasync", "sync_file_range", "syncfs"];
const WRITE_CALLS: &[&str] = &["write", "pwrite64", "writev", "pwritev", "pwritev2"];
const READ_CALLS: &[&str] = &["read", "recvfrom", "recvmsg", "readv"];

// ---------------------------------------------------------------------------
// The commands swept.

struct Scenario {
    name: &'static str,
    /// The config before the run.
    config: String,
    /// `restore --original`'s original, kept outside the config's directory.
    original: Option<String>,
    /// Runs against a fresh test server (which spends tokens).
    server: bool,
    /// A PIN the server accepts once.
    pin: Option<&'static str>,
    /// `{CONFIG}`, `{ORIGINAL}` and `{URL}` are replaced.
    args: Vec<&'static str>,
    /// Values no file may hold with a wider mode than the config's
    /// (besides the tokens the server issues).
    secrets: Vec<String>,
    /// A refresh token that must survive in the config or a private file
    /// (restore: the one Kometa wrote, which the restored file replaces
    /// with its placeholder).
    kept: Option<String>,
    /// The config has a second hard link (outside its directory): a rename
    /// would split them, so it is written in place after a backup.
    linked: bool,
}

fn fixture_secrets() -> Vec<String> {
    let c = Config::default();
    vec![c.client_secret, c.access_token, c.refresh_token]
}

const NET: [&str; 6] = [
    "--api-url",
    "{URL}",
    "--auth-url",
    "{URL}",
    "--timeout",
    "5",
];

fn renew() -> Scenario {
    Scenario {
        name: "renew",
        config: support::trakt::config_text(),
        original: None,
        server: true,
        pin: None,
        args: [&["renew", "{CONFIG}"][..], &NET[..]].concat(),
        secrets: fixture_secrets(),
        kept: None,
        linked: false,
    }
}

/// `renew` of a config with two hard links: written in place after a
/// private backup (the path a failed save takes to its recovery file).
fn renew_in_place() -> Scenario {
    Scenario {
        name: "renew in place",
        linked: true,
        ..renew()
    }
}

fn auth_pin() -> Scenario {
    let mut secrets = fixture_secrets();
    secrets.push(PIN.into());
    Scenario {
        name: "auth --pin",
        config: support::trakt::UNAUTHORIZED.to_string(),
        original: None,
        server: true,
        pin: Some(PIN),
        args: [&["auth", "{CONFIG}", "--pin", PIN][..], &NET[..]].concat(),
        secrets,
        kept: None,
        linked: false,
    }
}

/// `auth --pin` of a config with two hard links (see `renew_in_place`).
fn auth_pin_in_place() -> Scenario {
    Scenario {
        name: "auth --pin in place",
        linked: true,
        ..auth_pin()
    }
}

fn set() -> Scenario {
    let mut secrets = fixture_secrets();
    secrets.push(SET_VALUE.into());
    Scenario {
        name: "set",
        config: support::trakt::config_text(),
        original: None,
        server: false,
        pin: None,
        args: vec![
            "set",
            "{CONFIG}",
            "trakt.authorization.refresh_token",
            SET_VALUE,
        ],
        secrets,
        kept: None,
        linked: false,
    }
}

/// tests/fix.rs's config with six fixable findings.
const FIXABLE: &str = "\
plex:
  url: http://plex:32400   # untouched
trakt:
  client_id: !!str 4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f
  client_secret: <<trakt_secret>>   # the secret lives in KOMETA_TRAKT_SECRET
  pin: 12345678
  authorization:
    access_token: a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90
    token_type: Bearer
    expires_in: '86400'
    refresh_token: 0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0
    scope: public
    created_at: \"1795860000\"
mdblist:
  apikey: <<MDBLIST_KEY>>
";

fn check_fix() -> Scenario {
    Scenario {
        name: "check --fix",
        config: FIXABLE.to_string(),
        original: None,
        server: false,
        pin: None,
        args: vec!["check", "--fix", "{CONFIG}"],
        secrets: fixture_secrets(),
        kept: None,
        linked: false,
    }
}

/// A config whose tokens are placeholders, re-dumped by Kometa with the
/// values inlined: restoring it keeps the placeholders and moves Kometa's
/// tokens to a private file (the path a new refresh token takes there).
fn restore() -> Scenario {
    let name = "kt-placeholders-sorted-quoted-numbers.yml";
    let redumped = fs::read_to_string(support::data("redumped").join(name)).unwrap();
    let value = |key: &str| {
        redumped
            .lines()
            .find_map(|l| l.trim().strip_prefix(key))
            .map(|v| v.trim().trim_matches(['\'', '"']).to_string())
            .unwrap_or_else(|| panic!("{name} has no {key}"))
    };
    let refresh = value("refresh_token: ");
    let mut secrets = fixture_secrets();
    secrets.extend([value("access_token: "), refresh.clone()]);
    Scenario {
        name: "restore --original",
        config: redumped,
        original: Some(fs::read_to_string(support::data("configs").join(name)).unwrap()),
        server: false,
        pin: None,
        args: vec!["restore", "{CONFIG}", "--original", "{ORIGINAL}"],
        secrets,
        kept: Some(refresh),
        linked: false,
    }
}

#[test]
fn crash_sweep_renew() {
    sweep(renew());
}

#[test]
fn crash_sweep_renew_in_place() {
    sweep(renew_in_place());
}

#[test]
fn crash_sweep_auth_pin() {
    sweep(auth_pin());
}

#[test]
fn crash_sweep_auth_pin_in_place() {
    sweep(auth_pin_in_place());
}

#[test]
fn crash_sweep_set() {
    sweep(set());
}

#[test]
fn crash_sweep_check_fix() {
    sweep(check_fix());
}

#[test]
fn crash_sweep_restore() {
    sweep(restore());
}

// ---------------------------------------------------------------------------
// Prerequisites, and the runs going on at once.

/// The strace binary; fails the test (never skips it) when the sweep cannot
/// run here.
fn prerequisites() -> PathBuf {
    // The effective uid, from the kernel (no `id` command needed).
    let euid = fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(str::to_string))
        })
        .unwrap_or_default();
    assert!(
        euid == "0",
        "crash_sweep injects faults with strace and runs as root (as CI does); \
         it cannot run here, and a sweep that did not run is not a pass"
    );
    let strace = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("strace"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "crash_sweep needs strace, which is not installed: `apt-get install strace` \
                 (.ci/run installs it); a sweep that did not run is not a pass"
            )
        });
    let works = Command::new(&strace)
        .args([
            "-o",
            "/dev/null",
            "-e",
            "inject=getpid:error=EIO:when=1",
            "true",
        ])
        .output()
        .expect("run strace");
    assert!(
        works.status.success(),
        "strace cannot trace here (ptrace denied?): {}",
        String::from_utf8_lossy(&works.stderr)
    );
    strace
}

fn jobs() -> usize {
    std::env::var("CRASH_SWEEP_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
}

fn sweep_all() -> bool {
    std::env::var("CRASH_SWEEP_ALL").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The runs of every test in this file share `jobs()` slots: the tests
/// run side by side, the machine's CPUs do not multiply.
static SLOTS: Mutex<usize> = Mutex::new(0);
static FREED: Condvar = Condvar::new();

struct Slot;

impl Slot {
    fn take() -> Slot {
        let limit = jobs();
        let mut used = SLOTS.lock().unwrap_or_else(|e| e.into_inner());
        while *used >= limit {
            used = FREED.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += 1;
        Slot
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        *SLOTS.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        FREED.notify_one();
    }
}

// ---------------------------------------------------------------------------
// One run: a fresh directory, config and server.

struct Workspace {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    dir: PathBuf,
    config: PathBuf,
    state: PathBuf,
    original: PathBuf,
    server: Option<Server>,
    uid: u32,
    gid: u32,
}

impl Workspace {
    fn new(s: &Scenario) -> Workspace {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().canonicalize().unwrap();
        let dir = root.join("cfg");
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        let config = dir.join("config.yml");
        fs::write(&config, &s.config).unwrap();
        // A careful user's config: only its owner may read it. A file
        // holding its secrets may be no wider.
        fs::set_permissions(&config, fs::Permissions::from_mode(0o600)).unwrap();
        if s.linked {
            fs::hard_link(&config, root.join("link.yml")).unwrap();
        }
        let original = root.join("original.yml");
        if let Some(text) = &s.original {
            fs::write(&original, text).unwrap();
        }
        fs::create_dir(root.join("home")).unwrap();
        let server = s.server.then(|| {
            let server = Server::start(Config::default());
            if let Some(pin) = s.pin {
                server.add_pin(pin);
            }
            server
        });
        let meta = fs::metadata(&config).unwrap();
        Workspace {
            state: root.join("state"),
            _tmp: tmp,
            root,
            dir,
            config,
            original,
            server,
            uid: meta.uid(),
            gid: meta.gid(),
        }
    }

    fn url(&self) -> String {
        self.server.as_ref().map(Server::url).unwrap_or_default()
    }

    fn argv(&self, args: &[&str]) -> Vec<String> {
        args.iter()
            .map(|a| {
                a.replace("{CONFIG}", self.config.to_str().unwrap())
                    .replace("{ORIGINAL}", self.original.to_str().unwrap())
                    .replace("{URL}", &self.url())
            })
            .collect()
    }

    /// The binary run as `kt` runs it (through `strace` with
    /// `strace_args` when given), with the run's environment only.
    fn command(&self, args: &[&str], strace: Option<(&Path, Vec<std::ffi::OsString>)>) -> Command {
        let run = kt(self.argv(args));
        let run = match strace {
            Some((program, strace_args)) => run.via(program, strace_args),
            None => run,
        };
        let mut cmd = run.command();
        cmd.env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", self.root.join("home"))
            .env("XDG_STATE_HOME", &self.state)
            .env("NO_COLOR", "1")
            .env("LANG", "C.UTF-8")
            .env("KOMETA_TRAKT_NOW", NOW)
            .env("GLIBC_TUNABLES", "glibc.malloc.arena_max=1")
            .current_dir(&self.root)
            .stdin(Stdio::null());
        cmd
    }

    /// Runs the binary with `args` (not traced), e.g. `status`.
    fn tool(&self, args: &[&str]) -> Ran {
        let cmd = self.command(args, None);
        self.finish(cmd, "tool")
    }

    /// Runs the scenario's command under strace with `strace_args`, the
    /// trace written to `trace`.
    fn traced<A: AsRef<std::ffi::OsStr>>(
        &self,
        strace: &Path,
        s: &Scenario,
        strace_args: &[A],
        trace: &Path,
    ) -> Ran {
        let mut wrapper: Vec<std::ffi::OsString> = vec!["-o".into(), trace.as_os_str().into()];
        wrapper.extend(strace_args.iter().map(|a| a.as_ref().to_owned()));
        wrapper.push("--".into());
        let cmd = self.command(&s.args, Some((strace, wrapper)));
        self.finish(cmd, "run")
    }

    fn finish(&self, mut cmd: Command, tag: &str) -> Ran {
        let out = self.root.join(format!("{tag}.out"));
        let err = self.root.join(format!("{tag}.err"));
        cmd.stdout(fs::File::create(&out).unwrap())
            .stderr(fs::File::create(&err).unwrap());
        let started = Instant::now();
        let mut child = cmd.spawn().expect("spawn");
        let mut timed_out = false;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if started.elapsed() > RUN_LIMIT && !timed_out {
                timed_out = true;
                // strace passes SIGTERM on to the command it started.
                let _ = Command::new("kill")
                    .args(["-TERM", &child.id().to_string()])
                    .status();
                std::thread::sleep(Duration::from_secs(2));
                let _ = child.kill();
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        use std::os::unix::process::ExitStatusExt;
        let read =
            |p: &Path| String::from_utf8_lossy(&fs::read(p).unwrap_or_default()).into_owned();
        Ran {
            code: status.code(),
            signal: status.signal(),
            timed_out,
            elapsed: started.elapsed(),
            stdout: read(&out),
            stderr: read(&err),
        }
    }

    /// Waits until the server has handled every request sent so far (a
    /// killed client's request may still be in its queue).
    fn settle(&self) {
        if let Some(server) = &self.server {
            server.settle();
        }
    }

    /// Every file under the config's directory and the state directory.
    fn files(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            let Ok(entries) = fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                match fs::symlink_metadata(&path) {
                    Ok(m) if m.is_dir() => walk(&path, out),
                    Ok(_) => out.push(path),
                    Err(_) => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.dir, &mut out);
        walk(&self.state, &mut out);
        out.sort();
        out
    }

    fn normalize(&self, text: &str) -> String {
        normalize(text, &self.root)
    }
}

struct Ran {
    code: Option<i32>,
    signal: Option<i32>,
    timed_out: bool,
    elapsed: Duration,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn describe(&self) -> String {
        match (self.timed_out, self.code, self.signal) {
            (true, _, _) => "timed out".into(),
            (_, Some(code), _) => format!("exit {code}"),
            (_, _, Some(9)) => "killed".into(),
            (_, _, Some(sig)) => format!("signal {sig}"),
            _ => "?".into(),
        }
    }
}

/// Replaces a run's own directory by `$ROOT` and the random parts of the
/// names kometa-trakt and tempfile make by `*`, so that runs compare.
fn normalize(text: &str, root: &Path) -> String {
    let text = text.replace(root.to_str().unwrap(), "$ROOT");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("$ROOT/") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail
            .find(['"', '>', ' ', ',', ')', '\n'])
            .unwrap_or(tail.len());
        let (path, after) = tail.split_at(end);
        let (dir, name) = path.rsplit_once('/').unwrap();
        out.push_str(dir);
        out.push('/');
        out.push_str(&normalize_name(name));
        rest = after;
    }
    out.push_str(rest);
    for marker in ["socket:[", "pipe:[", "TCP:[", "UNIX:["] {
        out = mask_brackets(&out, marker);
    }
    mask_pids(&out)
}

/// `/proc/1234/` as `/proc/*/`.
fn mask_pids(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("/proc/") {
        let start = i + "/proc/".len();
        out.push_str(&rest[..start]);
        let digits = rest[start..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len() - start);
        if digits > 0 {
            out.push('*');
        }
        rest = &rest[start + digits..];
    }
    out.push_str(rest);
    out
}

fn normalize_name(name: &str) -> String {
    const KNOWN: &[&str] = &[
        "config",
        "yml",
        "tmp",
        "probe",
        "kometa-trakt-recovery",
        "kometa-trakt-backup",
        "kometa-trakt-inlined",
        "trace",
        "out",
        "err",
    ];
    name.split('.')
        .map(|part| {
            if part.len() >= 6
                && !KNOWN.contains(&part)
                && part.chars().all(|c| c.is_ascii_alphanumeric())
            {
                "*"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn mask_brackets(text: &str, marker: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(marker) {
        let start = i + marker.len();
        out.push_str(&rest[..start]);
        let end = rest[start..].find(']').map_or(rest.len(), |j| start + j);
        out.push('*');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------
// Traces.

#[derive(Debug, Clone)]
struct Call {
    /// Position among the trace's calls (the order of their starts).
    seq: usize,
    /// 0 for the main thread, then in the order threads first appear.
    thread: usize,
    name: String,
    /// Which call of `name` in its thread this is (from 1).
    k: usize,
    /// The call as strace printed it (an unfinished call joined with its
    /// resumption).
    text: String,
    fd: Option<i64>,
    /// The file or socket the call is about: its first path argument, else
    /// its first descriptor's target (`-y`).
    operand: String,
    /// `operand` with the run's directory and random names masked.
    norm: String,
}

impl Call {
    fn on_file(&self) -> bool {
        !self.operand.is_empty()
            && !self.fd.is_some_and(|fd| (0..=2).contains(&fd))
            && ![
                "socket:",
                "pipe:",
                "anon_inode:",
                "TCP",
                "UDP",
                "UNIX",
                "NETLINK",
            ]
            .iter()
            .any(|p| self.operand.starts_with(p))
    }

    fn on_socket(&self) -> bool {
        self.operand.starts_with("socket:") || self.operand.starts_with("TCP")
    }

    /// Whether the call is a point (see the module's comment).
    fn is_point(&self) -> bool {
        !(self.name == "futex"
            || self.name.starts_with("epoll")
            || self.name.starts_with("eventfd")
            || MEMORY_CALLS.contains(&self.name.as_str())
            || self.operand.starts_with("anon_inode:[eventfd]")
            || self.operand.starts_with("anon_inode:[eventpoll]"))
    }

    fn error_point(&self) -> bool {
        ERROR_CALLS.contains(&self.name.as_str()) && self.on_file()
    }

    /// What the call returned, as strace printed it (`3</path>`, `-1
    /// ENOENT (...)`, `?` for a call the process died in), or "" while
    /// unfinished. strace pads the arguments to a column: the result is
    /// what follows the last `)` that is followed by `= `.
    fn result(&self) -> &str {
        let text = self.text.trim_end();
        for (i, _) in text.rmatch_indices(')') {
            if let Some(r) = text[i + 1..].trim_start().strip_prefix("= ") {
                return r;
            }
        }
        ""
    }

    /// Whether the call returned something positive.
    fn returned_data(&self) -> bool {
        self.result()
            .split_whitespace()
            .next()
            .and_then(|n| n.parse::<i64>().ok())
            .is_some_and(|n| n > 0)
    }

    /// Whether the process died in this call (or before it returned).
    fn died_in(&self) -> bool {
        self.result() == "?" || self.text.trim_end().ends_with("<unfinished ...>")
    }

    fn label(&self) -> String {
        let thread = if self.thread == 0 {
            String::new()
        } else {
            format!(" [thread {}]", self.thread)
        };
        let on = if self.norm.is_empty() {
            String::new()
        } else {
            format!(" {}", clip(&self.norm, 70))
        };
        format!("{}#{}{thread}{on}", self.name, self.k)
    }
}

#[derive(Debug, Default)]
struct Trace {
    calls: Vec<Call>,
    killed: bool,
}

impl Trace {
    fn parse(text: &str, root: &Path) -> Trace {
        let mut trace = Trace::default();
        let mut threads: Vec<u32> = Vec::new();
        let mut pending: HashMap<u32, usize> = HashMap::new();
        let mut counts: HashMap<(usize, String), usize> = HashMap::new();
        for line in text.lines() {
            let (tid, rest) = strip_prefix(line);
            if rest.starts_with("+++") || rest.starts_with("---") {
                if rest.contains("killed by SIGKILL") {
                    trace.killed = true;
                }
                continue;
            }
            if let Some(resumed) = rest.strip_prefix("<... ") {
                if let Some(i) = pending.remove(&tid) {
                    let tail = resumed.split_once("resumed>").map_or("", |(_, t)| t);
                    let call = &mut trace.calls[i];
                    call.text = format!("{}{tail}", call.text.trim_end_matches("<unfinished ...>"));
                }
                continue;
            }
            let Some(open) = rest.find('(') else {
                continue;
            };
            let name = &rest[..open];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let thread = match threads.iter().position(|&t| t == tid) {
                Some(i) => i,
                None => {
                    threads.push(tid);
                    threads.len() - 1
                }
            };
            let k = counts.entry((thread, name.to_string())).or_insert(0);
            *k += 1;
            let (fd, operand) = operand(name, &rest[open + 1..]);
            let seq = trace.calls.len();
            if rest.ends_with("<unfinished ...>") {
                pending.insert(tid, seq);
            }
            trace.calls.push(Call {
                seq,
                thread,
                name: name.to_string(),
                k: *k,
                text: rest.to_string(),
                fd,
                norm: normalize(&operand, root),
                operand,
            });
        }
        trace
    }
}

/// Splits strace's `PID ` and `HH:MM:SS.micros ` prefixes off a line.
fn strip_prefix(line: &str) -> (u32, &str) {
    let mut rest = line;
    let mut tid = 0;
    let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
    if digits > 0 && rest[digits..].starts_with(' ') {
        tid = rest[..digits].parse().unwrap_or(0);
        rest = rest[digits..].trim_start();
    }
    let word = rest.split(' ').next().unwrap_or("");
    if word.len() > 8 && word.as_bytes()[2] == b':' && word.contains('.') {
        rest = rest[word.len()..].trim_start();
    }
    (tid, rest)
}

/// The first path or descriptor a call is about: `(fd, target)`.
fn operand(name: &str, args: &str) -> (Option<i64>, String) {
    let quoted = |s: &str| -> Option<String> {
        let s = s.strip_prefix('"')?;
        let mut out = String::new();
        let mut escaped = false;
        for c in s.chars() {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => return Some(out),
                _ => {
                    if escaped && c != '"' && c != '\\' {
                        out.push('\\');
                    }
                    escaped = false;
                    out.push(c);
                }
            }
        }
        Some(out)
    };
    let second = |s: &str| -> Option<String> {
        let i = s.find(", ")?;
        quoted(s[i + 2..].trim_start())
    };
    if args.starts_with('"') {
        return (None, quoted(args).unwrap_or_default());
    }
    if args.starts_with("AT_FDCWD") {
        return (None, second(args).unwrap_or_default());
    }
    let digits = args.find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
    if digits > 0 && args[digits..].starts_with('<') {
        let fd = args[..digits].parse().ok();
        let target = args[digits + 1..]
            .split_once('>')
            .map_or("", |(t, _)| t)
            .to_string();
        // `openat(dirfd, "name")` and the like: a relative name under the
        // directory, an absolute one on its own.
        if (name.ends_with("at") || name.ends_with("at2") || name == "statx")
            && let Some(path) = second(args).filter(|p| !p.is_empty())
        {
            return if path.starts_with('/') {
                (None, path)
            } else {
                (None, format!("{target}/{path}"))
            };
        }
        return (fd, target);
    }
    (None, String::new())
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}

// ---------------------------------------------------------------------------
// The reference run and its points.

struct Reference {
    trace: Trace,
    raw: String,
    root: PathBuf,
    after: String,
    issued: Option<Issued>,
    ran: Ran,
}

fn reference(s: &Scenario, strace: &Path) -> Reference {
    let ws = Workspace::new(s);
    let path = ws.root.join("reference.trace");
    let args = [
        "-f",
        "-tt",
        "-y",
        "-s",
        "65536",
        "-e",
        "trace=%file,%desc,%network",
    ];
    let ran = ws.traced(strace, s, &args, &path);
    ws.settle();
    let after = fs::read_to_string(&ws.config).unwrap_or_default();
    assert!(
        !ran.timed_out && ran.signal.is_none() && matches!(ran.code, Some(0 | 1)),
        "{}: the reference run failed ({}):\n{}{}",
        s.name,
        ran.describe(),
        ran.stdout,
        ran.stderr
    );
    assert_ne!(
        after, s.config,
        "{}: the reference run changed nothing:\n{}",
        s.name, ran.stderr
    );
    let raw = fs::read_to_string(&path).unwrap();
    let issued = ws.server.as_ref().and_then(|server| {
        let issued = server.issued();
        assert_eq!(issued.len(), 1, "{}: the reference run spent once", s.name);
        issued.into_iter().next()
    });
    Reference {
        trace: Trace::parse(&raw, &ws.root),
        raw,
        root: ws.root.clone(),
        after,
        issued,
        ran,
    }
}

/// How a point is injected (see the module's comment).
#[derive(Debug, Clone, PartialEq, Eq)]
enum How {
    Main,
    Unique,
    /// `-P` each path (`$ROOT` standing for the run's directory),
    /// counting only the calls on them; `follow`: with `-f`.
    ByPath {
        paths: Vec<std::ffi::OsString>,
        n: usize,
        follow: bool,
    },
    Beyond,
    Not(String),
}

#[derive(Debug, Clone)]
struct Point {
    call: Call,
    how: How,
    /// ENOSPC and EIO are injected too.
    file: bool,
    /// In the spend window (answer's arrival to the fsync).
    window: bool,
    /// After the spending request was sent, up to the fsync: a SIGKILL's
    /// lost token is excused there.
    excused: bool,
    after_send: bool,
    /// Stable between the two reference traces.
    stable: bool,
}

/// The spend window found in a reference: the spending request, the
/// answer's arrival, the first file write holding the new refresh token
/// and its sync, as positions in the trace.
struct Spend {
    send: usize,
    arrival: usize,
    write: usize,
    sync: usize,
}

fn spend(r: &Reference) -> Result<Spend, String> {
    let issued = r.issued.as_ref().ok_or("no tokens issued")?;
    let calls = &r.trace.calls;
    let send = calls
        .iter()
        .find(|c| c.on_socket() && c.text.contains("POST /oauth/token"))
        .ok_or("no request to /oauth/token in the trace")?;
    let arrival = calls[send.seq..]
        .iter()
        .find(|c| {
            READ_CALLS.contains(&c.name.as_str())
                && c.operand == send.operand
                && c.text.contains("\"HTTP/1.1 ")
                && c.returned_data()
        })
        .ok_or("no answer read from the socket")?;
    let write = calls[arrival.seq..]
        .iter()
        .find(|c| {
            WRITE_CALLS.contains(&c.name.as_str())
                && c.on_file()
                && c.text.contains(&issued.refresh_token)
        })
        .ok_or("the new refresh token is written to no file")?;
    // Durable once its data is synced: by fsync/fdatasync of that file,
    // syncfs or sync, or by the write itself on a file opened O_SYNC or
    // O_DSYNC.
    let synced_writes = calls[..write.seq].iter().rev().find(|c| {
        c.name.starts_with("open") && c.result().contains(&format!("<{}>", write.operand))
    });
    let sync = synced_writes
        .filter(|open| open.text.contains("O_SYNC") || open.text.contains("O_DSYNC"))
        .map(|_| write)
        .or_else(|| {
            calls[write.seq..].iter().find(|c| {
                c.name == "sync"
                    || c.name == "syncfs"
                    || SYNC_CALLS.contains(&c.name.as_str()) && c.operand == write.operand
            })
        })
        .ok_or_else(|| {
            format!(
                "the first file holding the new refresh token ({}) is never synced",
                write.norm
            )
        })?;
    Ok(Spend {
        send: send.seq,
        arrival: arrival.seq,
        write: write.seq,
        sync: sync.seq,
    })
}

/// The key of the file a call touches, for `-P`: system files by their
/// real path (strace resolves `-P` paths), the run's own by name.
fn file_key(c: &Call) -> Option<String> {
    if !c.on_file() || !c.operand.starts_with('/') {
        return None;
    }
    if c.norm.starts_with("$ROOT") {
        return Some(c.norm.clone());
    }
    let path = PathBuf::from(unescape(&c.operand));
    Some(
        fs::canonicalize(&path)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned(),
    )
}

/// The bytes strace printed as `\305`, `\n`, `\"`... (`-P` needs the
/// real path).
fn unescape(text: &str) -> std::ffi::OsString {
    use std::os::unix::ffi::OsStringExt;
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' || i + 1 == b.len() {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let c = b[i + 1];
        i += 2;
        match c {
            b'0'..=b'7' => {
                let mut value = u32::from(c - b'0');
                let mut n = 1;
                while n < 3 && i < b.len() && (b'0'..=b'7').contains(&b[i]) {
                    value = value * 8 + u32::from(b[i] - b'0');
                    i += 1;
                    n += 1;
                }
                out.push(value as u8);
            }
            b'x' if i + 2 <= b.len() => {
                let hex = std::str::from_utf8(&b[i..i + 2]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.extend([b'\\', b'x']),
                }
            }
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'v' => out.push(0x0b),
            b'f' => out.push(0x0c),
            b'\\' | b'"' => out.push(c),
            _ => out.extend([b'\\', c]),
        }
    }
    std::ffi::OsString::from_vec(out)
}

/// Calls with two paths: `-P` would count them on either.
const TWO_PATHS: &[&str] = &[
    "rename",
    "renameat",
    "renameat2",
    "link",
    "linkat",
    "symlink",
    "symlinkat",
];

/// For every call of a trace: the key of the file it touches, and which
/// call of its name in its thread on that file it is.
fn per_file(r: &Reference) -> (Vec<Option<String>>, Vec<usize>) {
    let keys: Vec<Option<String>> = r.trace.calls.iter().map(file_key).collect();
    let mut seen: HashMap<(usize, &str, &str), usize> = HashMap::new();
    let nth = r
        .trace
        .calls
        .iter()
        .map(|c| match &keys[c.seq] {
            Some(key) => {
                let n = seen.entry((c.thread, &c.name, key)).or_insert(0);
                *n += 1;
                *n
            }
            None => 0,
        })
        .collect();
    (keys, nth)
}

type ByCount = BTreeSet<(usize, String, usize, String)>;
type ByFile = BTreeSet<(usize, String, String, usize)>;

/// The points of a trace, for comparing two: by count (thread, call, k,
/// file) and by file (thread, call, file, n).
fn identities(r: &Reference) -> (ByCount, ByFile) {
    let (keys, nth) = per_file(r);
    let mut by_count = BTreeSet::new();
    let mut by_file = BTreeSet::new();
    for c in r.trace.calls.iter().filter(|c| c.is_point()) {
        by_count.insert((c.thread, c.name.clone(), c.k, c.norm.clone()));
        if let Some(key) = &keys[c.seq] {
            by_file.insert((c.thread, c.name.clone(), key.clone(), nth[c.seq]));
        }
    }
    (by_count, by_file)
}

fn points(r: &Reference, other: &Reference, spend: Option<&Spend>) -> Vec<Point> {
    // Per call name: the threads making it and how often (in either
    // reference: a call another thread makes in either is not unique).
    let mut by_name: HashMap<&str, BTreeMap<usize, usize>> = HashMap::new();
    for c in r.trace.calls.iter().chain(&other.trace.calls) {
        let e = by_name
            .entry(&c.name)
            .or_default()
            .entry(c.thread)
            .or_insert(0);
        *e = (*e).max(c.k);
    }
    let (keys, nth) = per_file(r);
    let mut key_threads: HashMap<&str, BTreeSet<usize>> = HashMap::new();
    let mut key_strings: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for c in &r.trace.calls {
        if let Some(key) = &keys[c.seq] {
            key_threads.entry(key).or_default().insert(c.thread);
            key_strings.entry(key).or_default().insert(&c.operand);
        }
    }
    let (b_count, b_file) = identities(other);
    let mut out = Vec::new();
    for c in r.trace.calls.iter().filter(|c| c.is_point()) {
        let key = keys[c.seq].as_deref();
        // A file whose path a run can be given: not a random name.
        let predictable = key.filter(|_| {
            !c.norm.contains('*') && c.norm != "$ROOT" && !TWO_PATHS.contains(&c.name.as_str())
        });
        let by_path = |key: &str, follow: bool| How::ByPath {
            paths: if key.starts_with("$ROOT") {
                vec![key.into()]
            } else {
                key_strings[key].iter().map(|s| unescape(s)).collect()
            },
            n: nth[c.seq],
            follow,
        };
        let how = if c.seq == 0 && c.name == "execve" {
            How::Not("the command's own execve: strace injects nothing into it".into())
        } else if c.thread == 0 {
            match predictable {
                // The run's own files by path: their count cannot shift
                // with calls on other descriptors (an eventfd closed by
                // whichever thread drops the HTTP runtime last).
                Some(key) if key.starts_with("$ROOT") => by_path(key, false),
                _ => How::Main,
            }
        } else {
            let others_max = by_name[c.name.as_str()]
                .iter()
                .filter(|(t, _)| **t != c.thread)
                .map(|(_, n)| *n)
                .max()
                .unwrap_or(0);
            match (others_max, predictable) {
                (0, _) => How::Unique,
                (_, Some(key)) if key_threads[key].len() == 1 => by_path(key, true),
                (n, _) if n < c.k => How::Beyond,
                _ => How::Not(format!(
                    "{} is made by another thread too, {others_max} times",
                    c.name
                )),
            }
        };
        let (window, excused, after_send) = match spend {
            Some(sp) => (
                (sp.arrival..=sp.sync).contains(&c.seq),
                c.seq > sp.send && c.seq <= sp.sync,
                c.seq > sp.send,
            ),
            None => (false, false, false),
        };
        let stable = match (&how, key) {
            (How::ByPath { .. }, Some(key)) => {
                b_file.contains(&(c.thread, c.name.clone(), key.to_string(), nth[c.seq]))
            }
            _ => b_count.contains(&(c.thread, c.name.clone(), c.k, c.norm.clone())),
        };
        out.push(Point {
            how,
            file: c.error_point(),
            window,
            excused,
            after_send,
            stable,
            call: c.clone(),
        });
    }
    out
}

/// How two reference traces differ, in words (empty when they agree).
fn variance(a: &Reference, b: &Reference) -> Vec<String> {
    let index = |r: &Reference| {
        let mut by: BTreeMap<(usize, String), Vec<(usize, String)>> = BTreeMap::new();
        for c in r.trace.calls.iter().filter(|c| c.is_point()) {
            by.entry((c.thread, c.name.clone()))
                .or_default()
                .push((c.k, c.norm.clone()));
        }
        by
    };
    let (ia, ib) = (index(a), index(b));
    let keys: BTreeSet<&(usize, String)> = ia.keys().chain(ib.keys()).collect();
    let mut out = Vec::new();
    for key in keys {
        let empty = Vec::new();
        let (ca, cb) = (ia.get(key).unwrap_or(&empty), ib.get(key).unwrap_or(&empty));
        if ca == cb {
            continue;
        }
        let first = ca.iter().zip(cb.iter()).find(|(x, y)| x != y);
        out.push(format!(
            "thread {}: {} {} vs {} points{}",
            key.0,
            key.1,
            ca.len(),
            cb.len(),
            match first {
                Some((x, y)) => format!(
                    ", first difference: #{} {} vs #{} {}",
                    x.0,
                    clip(&x.1, 60),
                    y.0,
                    clip(&y.1, 60)
                ),
                None => ", one a prefix of the other".into(),
            }
        ));
    }
    let threads = |r: &Reference| r.trace.calls.iter().map(|c| c.thread).max().unwrap_or(0) + 1;
    if threads(a) != threads(b) {
        out.push(format!("{} vs {} threads", threads(a), threads(b)));
    }
    out
}

// ---------------------------------------------------------------------------
// Faults and their runs.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Fault {
    Kill,
    Enospc,
    Eio,
}

impl Fault {
    fn inject(self) -> &'static str {
        match self {
            Fault::Kill => "signal=KILL",
            Fault::Enospc => "error=ENOSPC",
            Fault::Eio => "error=EIO",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Fault::Kill => "SIGKILL",
            Fault::Enospc => "ENOSPC",
            Fault::Eio => "EIO",
        }
    }
}

/// What the runs to make are: (point, fault), in CI or full mode.
fn select(points: &[Point], all: bool) -> Vec<(usize, Fault)> {
    let mut tasks = Vec::new();
    let mut others = 0;
    for (i, p) in points.iter().enumerate() {
        if matches!(p.how, How::Not(_)) {
            continue;
        }
        let covered =
            all || p.file || p.after_send || p.window || p.call.norm.starts_with("$ROOT") || {
                others += 1;
                (others - 1) % STRIDE == 0
            };
        if covered {
            tasks.push((i, Fault::Kill));
        }
        if p.file {
            tasks.push((i, Fault::Enospc));
            tasks.push((i, Fault::Eio));
        }
    }
    tasks
}

/// One broken invariant of one run.
#[derive(Debug, Clone)]
struct Finding {
    what: &'static str,
    /// Comparable between runs (normalized): the runs of one class share it.
    detail: String,
    excused: bool,
}

struct Outcome {
    point: usize,
    fault: Fault,
    findings: Vec<Finding>,
    ran: String,
    elapsed: Duration,
    /// The files left, with modes (for the report).
    left: String,
    /// Runs made for this one (a fault that missed its call is retried).
    tries: usize,
    /// What the run left, in words.
    state: String,
}

fn strace_args(p: &Point, fault: Fault, root: &Path) -> Vec<std::ffi::OsString> {
    let name = &p.call.name;
    let mut args: Vec<std::ffi::OsString> = vec!["-y".into(), "-s".into(), "256".into()];
    let when = match &p.how {
        How::Main => p.call.k,
        How::Unique | How::Beyond => {
            args.push("-f".into());
            p.call.k
        }
        How::ByPath { paths, n, follow } => {
            if *follow {
                args.push("-f".into());
            }
            for path in paths {
                args.push("-P".into());
                let path = path.to_string_lossy();
                args.push(match path.strip_prefix("$ROOT") {
                    Some(rest) => format!("{}{rest}", root.display()).into(),
                    None => path.into_owned().into(),
                });
            }
            *n
        }
        How::Not(_) => unreachable!(),
    };
    args.extend([
        "-e".into(),
        format!("trace={name}").into(),
        "-e".into(),
        format!("inject={name}:{}:when={when}", fault.inject()).into(),
    ]);
    args
}

/// Whether the fault hit the reference's call: `None` if so, else why not.
fn hit(p: &Point, fault: Fault, trace: &Trace) -> Option<Finding> {
    let miss = |what: &'static str, detail: String| {
        Some(Finding {
            what,
            detail,
            excused: false,
        })
    };
    let hits: Vec<&Call> = match fault {
        Fault::Kill => {
            if !trace.killed {
                return miss(
                    "fault not reached",
                    "the run ended without reaching the point".into(),
                );
            }
            trace.calls.iter().filter(|c| c.died_in()).collect()
        }
        _ => trace
            .calls
            .iter()
            .filter(|c| c.text.contains("(INJECTED)"))
            .collect(),
    };
    match hits.as_slice() {
        [] => miss(
            "fault not reached",
            "the run ended without reaching the point".into(),
        ),
        // A call that did not run prints no output arguments (getcwd's
        // buffer): its name must match then.
        [one] if one.norm == p.call.norm || one.norm.is_empty() && one.name == p.call.name => None,
        [one] => miss(
            "point drift",
            format!(
                "the fault hit {} instead of {}",
                one.label(),
                p.call.label()
            ),
        ),
        many => miss(
            "point drift",
            format!(
                "the fault hit {} calls: {}",
                many.len(),
                many.iter()
                    .map(|c| c.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    }
}

fn attempt(s: &Scenario, strace: &Path, r: &Reference, p: &Point, fault: Fault) -> Outcome {
    let _slot = Slot::take();
    let ws = Workspace::new(s);
    let trace_path = ws.root.join("run.trace");
    let ran = ws.traced(strace, s, &strace_args(p, fault, &ws.root), &trace_path);
    ws.settle();
    let mut findings = Vec::new();
    if ran.timed_out {
        findings.push(Finding {
            what: "command hung",
            detail: format!("no end within {RUN_LIMIT:?}"),
            excused: false,
        });
    }
    let trace = Trace::parse(
        &fs::read_to_string(&trace_path).unwrap_or_default(),
        &ws.root,
    );
    findings.extend(hit(p, fault, &trace));
    let (broken, state) = invariants(s, r, &ws, p, fault);
    findings.extend(broken);
    let left = ws
        .files()
        .iter()
        .map(|f| {
            let mode = fs::symlink_metadata(f).map_or(0, |m| m.mode() & 0o7777);
            format!("{} ({mode:o})", ws.normalize(&f.display().to_string()))
        })
        .collect::<Vec<_>>()
        .join(", ");
    Outcome {
        point: 0,
        fault,
        findings,
        ran: ran.describe(),
        elapsed: ran.elapsed,
        left,
        tries: 1,
        state,
    }
}

/// Which values a text holds, in words: for a config that is neither the
/// old nor the new one.
fn contents(text: Option<&str>, known: &[(&str, &str)]) -> String {
    match text {
        None => "no config file".into(),
        Some("") => "an empty config".into(),
        Some(text) => {
            let held: Vec<&str> = known
                .iter()
                .filter(|(_, v)| !v.is_empty() && text.contains(*v))
                .map(|(k, _)| *k)
                .collect();
            format!(
                "a config of {} bytes holding {}",
                text.len(),
                if held.is_empty() {
                    "none of the tokens".to_string()
                } else {
                    held.join(", ")
                }
            )
        }
    }
}

fn invariants(
    s: &Scenario,
    r: &Reference,
    ws: &Workspace,
    p: &Point,
    fault: Fault,
) -> (Vec<Finding>, String) {
    let mut findings = Vec::new();
    // What the run left, in words (tallied in the report).
    let mut state: Vec<&str> = Vec::new();
    let mut found = |what: &'static str, detail: String, excused: bool| {
        findings.push(Finding {
            what,
            detail,
            excused,
        })
    };
    let issued = ws.server.as_ref().map(Server::issued).unwrap_or_default();
    let text = fs::read(&ws.config)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned());

    // 1. The config: exactly the old text or exactly the new one.
    let new = match (&r.issued, issued.first()) {
        (Some(was), Some(now)) => Some(
            r.after
                .replace(&was.access_token, &now.access_token)
                .replace(&was.refresh_token, &now.refresh_token)
                .replace(&was.created_at.to_string(), &now.created_at.to_string()),
        ),
        (Some(_), None) => None,
        (None, _) => Some(r.after.clone()),
    };
    let old_or_new = text.as_deref() == Some(s.config.as_str()) || text.is_some() && text == new;
    state.push(if text.as_deref() == Some(s.config.as_str()) {
        "config old"
    } else if old_or_new {
        "config new"
    } else {
        "config neither"
    });
    if !old_or_new {
        let config = Config::default();
        let mut known = vec![
            ("the old access token", config.access_token.as_str()),
            ("the old refresh token", config.refresh_token.as_str()),
        ];
        if let Some(now) = issued.first() {
            known.push(("the new access token", now.access_token.as_str()));
            known.push(("the new refresh token", now.refresh_token.as_str()));
        }
        found(
            "config neither old nor new",
            format!(
                "{} (old: {} bytes, new: {})",
                contents(text.as_deref(), &known),
                s.config.len(),
                new.as_ref()
                    .map_or("none".into(), |n| format!("{} bytes", n.len()))
            ),
            false,
        );
    }

    // 2. The refresh token the server now holds is in the config, or in a
    // recovery file that `status` and `renew` name.
    let excused = fault == Fault::Kill && p.excused;
    if ws.server.is_some() && issued.is_empty() {
        state.push("nothing spent");
    }
    if let (Some(server), false) = (&ws.server, issued.is_empty()) {
        let live = server.refresh_token().expect("a live refresh token");
        let in_config = text.as_deref().is_some_and(|t| t.contains(&live));
        if in_config {
            state.push("token in the config");
        } else {
            let holding: Vec<String> = ws
                .files()
                .iter()
                .filter(|f| fs::read(f).is_ok_and(|b| String::from_utf8_lossy(&b).contains(&live)))
                .map(|f| ws.normalize(&f.display().to_string()))
                .collect();
            let status = ws.tool(&["status", "{CONFIG}"]);
            let offered = status.stdout.lines().find_map(|l| {
                l.trim_start()
                    .strip_prefix("recovery:")
                    .and_then(|rest| rest.trim().split(" holds newer tokens").next())
                    .map(PathBuf::from)
            });
            let offers_live = offered
                .as_ref()
                .is_some_and(|path| fs::read_to_string(path).is_ok_and(|t| t.contains(&live)));
            if !offers_live {
                state.push("token lost");
                found(
                    "refresh token lost",
                    format!(
                        "the server's refresh token is {}; `status` offers {}",
                        if holding.is_empty() {
                            "in no file".into()
                        } else {
                            format!("only in {}", holding.join(", "))
                        },
                        offered.map_or("no recovery file".into(), |o| {
                            format!("{} (without it)", ws.normalize(&o.display().to_string()))
                        })
                    ),
                    excused,
                );
            } else {
                state.push("token in a recovery file");
                let path = offered.unwrap();
                let mut args = vec!["renew", "{CONFIG}"];
                args.extend(NET);
                let renew = ws.tool(&args);
                if !renew
                    .stderr
                    .contains(&format!("{} holds newer tokens", path.display()))
                {
                    found(
                        "renew does not name the recovery file",
                        format!(
                            "`status` names it, `renew` says: {}",
                            clip(&ws.normalize(renew.stderr.trim()), 160)
                        ),
                        false,
                    );
                }
            }
        }
    }
    if let Some(kept) = &s.kept {
        let in_config = text.as_deref().is_some_and(|t| t.contains(kept.as_str()));
        let private = ws.files().iter().any(|f| {
            f.file_name()
                .is_some_and(|n| n.to_string_lossy().contains(".kometa-trakt-"))
                && fs::symlink_metadata(f)
                    .is_ok_and(|m| m.mode() & 0o777 == 0o600 && m.uid() == ws.uid)
                && fs::read_to_string(f).is_ok_and(|t| t.contains(kept.as_str()))
        });
        state.push(match (in_config, private) {
            (true, _) => "token in the config",
            (false, true) => "token in a private file",
            (false, false) => "token lost",
        });
        if !in_config && !private {
            found(
                "refresh token lost",
                "Kometa's refresh token is in neither the config nor a private file".into(),
                false,
            );
        }
    }

    // 3. No file holds a secret with a wider mode or another owner than
    // the config (0600, ours).
    let mut secrets = s.secrets.clone();
    for i in &issued {
        secrets.push(i.access_token.clone());
        secrets.push(i.refresh_token.clone());
    }
    for f in ws.files() {
        let Ok(meta) = fs::symlink_metadata(&f) else {
            continue;
        };
        let wider = meta.mode() & 0o777 & !0o600 != 0;
        let other = meta.uid() != ws.uid || meta.gid() != ws.gid;
        if !(wider || other) {
            continue;
        }
        let holds = fs::read(&f).is_ok_and(|b| {
            let text = String::from_utf8_lossy(&b);
            secrets.iter().any(|s| text.contains(s.as_str()))
        });
        if holds || f == ws.config {
            found(
                "secret in a wider file",
                format!(
                    "{} has mode {:o}, owner {}:{} (the config: 600, {}:{})",
                    ws.normalize(&f.display().to_string()),
                    meta.mode() & 0o7777,
                    meta.uid(),
                    meta.gid(),
                    ws.uid,
                    ws.gid
                ),
                false,
            );
        }
    }
    (findings, state.join(", "))
}

// ---------------------------------------------------------------------------
// The sweep and its report.

fn sweep(s: Scenario) {
    let strace = prerequisites();
    let started = Instant::now();
    let all = sweep_all();
    let a = reference(&s, &strace);
    let b = reference(&s, &strace);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("crash-sweep");
    fs::create_dir_all(&dir).unwrap();
    let slug = s.name.replace([' ', '-'], "_").replace("__", "_");
    fs::write(dir.join(format!("{slug}.reference.trace")), &a.raw).unwrap();

    let mut report = String::new();
    let mut problems: Vec<String> = Vec::new();
    let _ = writeln!(
        report,
        "== crash sweep: {} ({} mode; binary {})",
        s.name,
        if all { "full" } else { "CI" },
        support::BIN
    );
    let total = syscall_total(&s, &strace);
    let traced = a.trace.calls.len();
    let ca = a
        .trace
        .calls
        .iter()
        .filter(|c| {
            [
                "/etc/ssl",
                "ca-certificates",
                "/etc/pki",
                "/etc/security/certificates",
                "/usr/lib/ssl",
            ]
            .iter()
            .any(|m| c.operand.contains(m))
        })
        .count();
    let _ = writeln!(
        report,
        "reference: {} system calls in all (strace -f -c), {traced} of them file/desc/network calls (strace -e trace=%file,%desc,%network) in {} thread(s); {ca} on CA certificates; ran {}",
        total.map_or("?".into(), |n| n.to_string()),
        a.trace.calls.iter().map(|c| c.thread).max().unwrap_or(0) + 1,
        a.ran.describe(),
    );
    let varies = variance(&a, &b);
    if varies.is_empty() {
        let _ = writeln!(
            report,
            "determinism: two reference traces agree on every point (call, count and file, per thread)"
        );
    } else {
        let _ = writeln!(
            report,
            "determinism: the two reference traces differ (points past a difference are flagged unstable; each run checks the fault hit the reference's call):"
        );
        for v in &varies {
            let _ = writeln!(report, "  {v}");
        }
    }

    let spent = s.server.then(|| spend(&a));
    let window = match &spent {
        Some(Ok(sp)) => Some(sp),
        Some(Err(why)) => {
            problems.push(format!("spend window not found: {why}"));
            let _ = writeln!(report, "spend window: NOT FOUND: {why}");
            None
        }
        None => None,
    };
    let pts = points(&a, &b, window);
    if let Some(sp) = window {
        let listed: Vec<&Point> = pts.iter().filter(|p| p.window).collect();
        let _ = writeln!(
            report,
            "spend window (the answer's arrival to the end of the fsync of the first file holding the new refresh token, {}): {} points (limit {WINDOW_LIMIT}); SIGKILL is excused from the request's sending on ({} points)",
            a.trace.calls[sp.write].norm,
            listed.len(),
            pts.iter().filter(|p| p.excused).count()
        );
        for p in &listed {
            let _ = writeln!(
                report,
                "  {:<45} {}",
                p.call.label(),
                clip(&normalize(&p.call.text, &a.root), 110)
            );
        }
        let main = listed.iter().filter(|p| p.call.thread == 0).count();
        // Debug builds check a descriptor is open before closing it
        // (`fcntl(fd, F_GETFD)`, std's debug assertion): not in a release.
        let debug_only = listed
            .iter()
            .filter(|p| p.call.name == "fcntl" && p.call.text.contains("F_GETFD"))
            .count();
        let _ = writeln!(
            report,
            "  ({main} in the main thread, {} in others; {debug_only} of them fcntl(F_GETFD), which only a debug build makes)",
            listed.len() - main
        );
        if listed.len() > WINDOW_LIMIT {
            problems.push(format!(
                "the spend window is {} points, more than {WINDOW_LIMIT}",
                listed.len()
            ));
        }
    }
    let mut hows: BTreeMap<String, usize> = BTreeMap::new();
    for p in &pts {
        let key = match (&p.how, p.call.thread) {
            (How::Main, _) => "main thread".to_string(),
            (How::Unique, t) => format!("thread {t}, unique calls"),
            (How::ByPath { .. }, 0) => "main thread, by path".to_string(),
            (How::ByPath { .. }, t) => format!("thread {t}, by path"),
            (How::Beyond, t) => format!("thread {t}, beyond other threads' counts"),
            (How::Not(_), t) => format!("thread {t}, NOT injectable"),
        };
        *hows.entry(key).or_default() += 1;
    }
    let _ = writeln!(
        report,
        "points: {} ({}), {} of them ENOSPC/EIO points, {} unstable",
        pts.len(),
        hows.iter()
            .map(|(k, n)| format!("{k}: {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        pts.iter().filter(|p| p.file).count(),
        pts.iter().filter(|p| !p.stable).count(),
    );
    let shifted: Vec<&Point> = pts
        .iter()
        .filter(|p| matches!(p.how, How::Main | How::Unique | How::Beyond))
        .filter(|p| {
            a.trace.calls[..p.call.seq]
                .iter()
                .any(|c| c.thread == p.call.thread && c.name == p.call.name && !c.is_point())
        })
        .collect();
    if !shifted.is_empty() {
        let _ = writeln!(
            report,
            "  {} points follow an eventfd/epoll call of the same name in their thread, which strace counts too: were that call to vary, their `when` would shift (a run checks its hit and is retried): {}",
            shifted.len(),
            shifted
                .iter()
                .take(8)
                .map(|p| p.call.label())
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    let mut not: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &pts {
        if let How::Not(why) = &p.how {
            *not.entry(why).or_default() += 1;
        }
    }
    for (why, n) in &not {
        let _ = writeln!(report, "  not injectable: {n} points: {why}");
    }

    // The runs.
    let tasks = select(&pts, all);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Outcome>> = Mutex::new(Vec::new());
    let sweep_started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..jobs() {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&(point, fault)) = tasks.get(i) else {
                        break;
                    };
                    // A fault that missed its call (a count shifted by a
                    // call that varies, such as an eventfd write of the
                    // same name) is tried again; every run counted hit.
                    let mut tries = 0;
                    let mut outcome = loop {
                        tries += 1;
                        let outcome = attempt(&s, &strace, &a, &pts[point], fault);
                        let missed = outcome
                            .findings
                            .iter()
                            .any(|f| f.what == "point drift" || f.what == "fault not reached");
                        if !missed || tries == TRIES {
                            break outcome;
                        }
                    };
                    outcome.point = point;
                    outcome.tries = tries;
                    let mut done = results.lock().unwrap();
                    done.push(outcome);
                    if done.len().is_multiple_of(200) {
                        eprintln!(
                            "crash sweep {}: {}/{} runs",
                            s.name,
                            done.len(),
                            tasks.len()
                        );
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|o| (pts[o.point].call.seq, o.fault));
    let took = sweep_started.elapsed();
    let mut by_fault: BTreeMap<Fault, usize> = BTreeMap::new();
    for o in &results {
        *by_fault.entry(o.fault).or_default() += 1;
    }
    let per_run: Duration =
        results.iter().map(|o| o.elapsed).sum::<Duration>() / results.len().max(1) as u32;
    let _ = writeln!(
        report,
        "runs: {} ({}) in {:.1} s, {} at a time, {:.0} ms per run",
        results.len(),
        by_fault
            .iter()
            .map(|(f, n)| format!("{} {n}", f.name()))
            .collect::<Vec<_>>()
            .join(", "),
        took.as_secs_f64(),
        jobs(),
        per_run.as_secs_f64() * 1000.0
    );

    let mut tally: BTreeMap<(Fault, String), usize> = BTreeMap::new();
    for o in &results {
        *tally
            .entry((o.fault, format!("{}: {}", o.ran, o.state)))
            .or_default() += 1;
    }
    let _ = writeln!(report, "outcomes:");
    for ((fault, what), n) in &tally {
        let _ = writeln!(report, "  {:<7} {n:>5} × {what}", fault.name());
    }
    let retried: Vec<&Outcome> = results.iter().filter(|o| o.tries > 1).collect();
    if !retried.is_empty() {
        let _ = writeln!(
            report,
            "retried: {} runs whose fault first missed its call (then hit it, unless listed below): {}",
            retried.len(),
            points_list(&pts, &retried)
        );
    }

    // Failures, by class.
    let mut classes: BTreeMap<(bool, &str, Fault, String), Vec<&Outcome>> = BTreeMap::new();
    for o in &results {
        for f in &o.findings {
            classes
                .entry((f.excused, f.what, o.fault, f.detail.clone()))
                .or_default()
                .push(o);
        }
    }
    let failing: Vec<_> = classes.iter().filter(|(k, _)| !k.0).collect();
    let excused: Vec<_> = classes.iter().filter(|(k, _)| k.0).collect();
    let _ = writeln!(
        report,
        "failures: {} runs in {} classes{}",
        failing.iter().map(|(_, v)| v.len()).sum::<usize>(),
        failing.len(),
        if failing.is_empty() { "" } else { ":" }
    );
    for ((_, what, fault, detail), runs) in &failing {
        describe_class(&mut report, &a, &pts, what, *fault, detail, runs);
    }
    if !excused.is_empty() {
        let _ = writeln!(
            report,
            "excused (SIGKILL after the spending request, before the answer is durably saved):"
        );
        for ((_, what, fault, detail), runs) in &excused {
            let _ = writeln!(
                report,
                "  [{what}] {}: {detail}: {} runs, {}",
                fault.name(),
                runs.len(),
                points_list(&pts, runs)
            );
        }
    }
    let _ = writeln!(report, "total {:.1} s", started.elapsed().as_secs_f64());
    let file = dir.join(format!("{slug}.report.txt"));
    fs::write(&file, &report).unwrap();
    println!("{report}(also in {})", file.display());

    for ((_, what, fault, detail), runs) in &failing {
        problems.push(format!(
            "[{what}] {}: {detail} ({} runs, e.g. at {})",
            fault.name(),
            runs.len(),
            pts[runs[0].point].call.label()
        ));
    }
    assert!(
        problems.is_empty(),
        "crash sweep of {} failed:\n  {}\n(the report: {})",
        s.name,
        problems.join("\n  "),
        file.display()
    );
}

fn points_list(pts: &[Point], runs: &[&Outcome]) -> String {
    let labels: Vec<String> = runs.iter().map(|o| pts[o.point].call.label()).collect();
    let shown = labels
        .iter()
        .take(6)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if labels.len() > 6 {
        format!("{shown}; … ({} more)", labels.len() - 6)
    } else {
        shown
    }
}

fn describe_class(
    report: &mut String,
    a: &Reference,
    pts: &[Point],
    what: &str,
    fault: Fault,
    detail: &str,
    runs: &[&Outcome],
) {
    let first = runs[0];
    let p = &pts[first.point];
    let _ = writeln!(
        report,
        "  [{what}] {} at {} point(s): {detail}",
        fault.name(),
        runs.len()
    );
    let _ = writeln!(report, "    points: {}", points_list(pts, runs));
    let _ = writeln!(
        report,
        "    e.g. {} at {} (thread {}, when={}{}): the command {}; files left: {}",
        fault.name(),
        p.call.label(),
        p.call.thread,
        p.call.k,
        if p.stable { "" } else { ", unstable" },
        first.ran,
        if first.left.is_empty() {
            "none"
        } else {
            &first.left
        }
    );
    let _ = writeln!(report, "    reference trace around it:");
    let seq = p.call.seq;
    let from = seq.saturating_sub(4);
    let to = (seq + 4).min(a.trace.calls.len() - 1);
    for c in &a.trace.calls[from..=to] {
        let mark = if c.seq == seq { "=>" } else { "  " };
        let _ = writeln!(
            report,
            "    {mark} [{}] {}",
            c.thread,
            clip(&normalize(&c.text, &a.root), 150)
        );
    }
}

/// The number of system calls of one run, all of them (`strace -f -c`).
fn syscall_total(s: &Scenario, strace: &Path) -> Option<usize> {
    let ws = Workspace::new(s);
    let path = ws.root.join("summary");
    ws.traced(strace, s, &["-f", "-c"], &path);
    ws.settle();
    let text = fs::read_to_string(&path).ok()?;
    let line = text.lines().find(|l| l.trim_end().ends_with(" total"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}
