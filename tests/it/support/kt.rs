//! The one way the tests run the binary: [`kt`] builds a run, always in a
//! clean environment (see [`clean`]), with stdin empty unless given.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;

use trakt_test_server::Server;

/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_kometa-trakt");

/// Clears what the binary would otherwise inherit from the environment the
/// tests run in (a developer's or CI's): every `KOMETA_*` variable (the
/// config path, the pinned clock, Kometa's variables and version), every
/// `TRAKT_*` variable (the API URLs), `GITHUB_ACTIONS` (the output format);
/// and sets `NO_COLOR`. What a test sets itself comes after this.
pub(crate) fn clean(command: &mut Command) -> &mut Command {
    for (key, _) in std::env::vars_os() {
        let name = key.to_string_lossy();
        if name.starts_with("KOMETA_") || name.starts_with("TRAKT_") || name == "GITHUB_ACTIONS" {
            command.env_remove(&key);
        }
    }
    command.env("NO_COLOR", "1")
}

/// A run of the binary with `args`, to be configured, then [`Kt::run`] or
/// [`Kt::spawn`].
pub(crate) fn kt<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>) -> Kt {
    Kt {
        args: args.into_iter().map(|a| a.as_ref().to_owned()).collect(),
        dir: None,
        env: Vec::new(),
        stdin: None,
        via: None,
    }
}

/// A run being configured (see [`kt`]).
#[must_use = "a run does nothing until `.run()` or `.spawn()`"]
pub(crate) struct Kt {
    args: Vec<OsString>,
    dir: Option<PathBuf>,
    /// Set (`Some`) or removed (`None`), in order, after [`clean`].
    env: Vec<(OsString, Option<OsString>)>,
    stdin: Option<Vec<u8>>,
    /// A program that runs the binary: itself, its arguments, then the
    /// binary and its arguments (prlimit, setpriv, GNU time).
    via: Option<(OsString, Vec<OsString>)>,
}

impl Kt {
    /// One more argument.
    pub(crate) fn arg(mut self, arg: impl AsRef<OsStr>) -> Kt {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// More arguments.
    pub(crate) fn args<S: AsRef<OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Kt {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Runs in `dir`.
    pub(crate) fn dir(mut self, dir: impl AsRef<Path>) -> Kt {
        self.dir = Some(dir.as_ref().to_owned());
        self
    }

    /// Sets the variable `key` to `value`.
    pub(crate) fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Kt {
        self.env
            .push((key.as_ref().to_owned(), Some(value.as_ref().to_owned())));
        self
    }

    /// Sets each of `vars`.
    pub(crate) fn envs<K: AsRef<OsStr>, V: AsRef<OsStr>>(
        mut self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Kt {
        for (key, value) in vars {
            self = self.env(key, value);
        }
        self
    }

    /// Removes the variable `key` (beyond what [`clean`] removes).
    pub(crate) fn env_remove(mut self, key: impl AsRef<OsStr>) -> Kt {
        self.env.push((key.as_ref().to_owned(), None));
        self
    }

    /// Gives the binary `bytes` on stdin (otherwise stdin is empty).
    pub(crate) fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Kt {
        self.stdin = Some(bytes.into());
        self
    }

    /// Talks to `server` instead of Trakt: `--api-url`, `--auth-url` and a
    /// `--timeout` of 2 seconds.
    pub(crate) fn against(self, server: &Server) -> Kt {
        let url = server.url();
        self.arg("--api-url")
            .arg(&url)
            .arg("--auth-url")
            .arg(&url)
            .arg("--timeout")
            .arg("2")
    }

    /// Runs the binary through `program` with `args` before it (`prlimit
    /// --as=N`, `setpriv --reuid=N`, `/usr/bin/time -f %M`); the
    /// environment is cleaned for both.
    pub(crate) fn via<S: AsRef<OsStr>>(
        mut self,
        program: impl AsRef<OsStr>,
        args: impl IntoIterator<Item = S>,
    ) -> Kt {
        let args = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        self.via = Some((program.as_ref().to_owned(), args));
        self
    }

    /// The command, not started: stdin, stdout and stderr are pipes.
    pub(crate) fn command(&self) -> Command {
        let mut command = match &self.via {
            None => Command::new(BIN),
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).arg(BIN);
                c
            }
        };
        clean(&mut command).args(&self.args);
        for (key, value) in &self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        if let Some(dir) = &self.dir {
            command.current_dir(dir);
        }
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Starts the binary; [`Running::wait`] gives its outcome.
    pub(crate) fn spawn(self) -> Running {
        let mut child = self
            .command()
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.describe()));
        // Written on a thread of its own: a large input cannot block us.
        let stdin = child.stdin.take().expect("stdin is a pipe");
        let bytes = self.stdin.unwrap_or_default();
        let feeder = std::thread::spawn(move || {
            let mut stdin = stdin;
            // The binary may exit without reading it all.
            let _ = stdin.write_all(&bytes);
        });
        Running {
            child: Some(child),
            feeder: Some(feeder),
            what: self.args,
        }
    }

    /// Runs the binary to its end.
    pub(crate) fn run(self) -> Run {
        self.spawn().wait()
    }

    fn describe(&self) -> String {
        let program = self.via.as_ref().map_or(BIN.into(), |(p, _)| p.clone());
        format!("{} {:?}", program.to_string_lossy(), self.args)
    }
}

/// A started run of the binary; killed if dropped before [`Running::wait`]
/// (a test that fails half-way leaves no process behind).
pub(crate) struct Running {
    child: Option<Child>,
    feeder: Option<JoinHandle<()>>,
    what: Vec<OsString>,
}

impl Running {
    fn child(&mut self) -> &mut Child {
        self.child.as_mut().expect("not waited for yet")
    }

    /// The process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.as_ref().expect("not waited for yet").id()
    }

    /// Whether it is still running.
    pub(crate) fn is_running(&mut self) -> bool {
        self.child()
            .try_wait()
            .expect("the child's state")
            .is_none()
    }

    /// Waits for the end of the run.
    pub(crate) fn wait(mut self) -> Run {
        let child = self.child.take().expect("not waited for yet");
        let out = child.wait_with_output().expect("wait for the binary");
        if let Some(feeder) = self.feeder.take() {
            feeder.join().expect("stdin written");
        }
        let text = |bytes: Vec<u8>, stream: &str| {
            String::from_utf8(bytes)
                .unwrap_or_else(|e| panic!("{stream} of {:?} is not UTF-8: {e}", self.what))
        };
        Run {
            code: out.status.code().unwrap_or_else(|| {
                panic!("{:?} ended without an exit code: {}", self.what, out.status)
            }),
            stdout: text(out.stdout, "stdout"),
            stderr: text(out.stderr, "stderr"),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The outcome of running the binary: exit code, stdout, stderr.
pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}
