//! The one lock every kometa-trakt writer takes: an exclusive `flock` on
//! the directory holding the config. A lock on the config itself would be
//! lost when a rename replaces the file; the directory stays, and locking
//! it needs no lock file (so it works in a read-only directory too).
//! Kometa takes no lock: this guards kometa-trakt against itself only.
//!
//! Anyone who can open the directory can take the same lock, so the wait
//! is bounded: after `wait`, the lock is refused naming the directory and,
//! where `/proc/locks` shows it, the process that holds it.

use std::fs::{File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::signals;

/// How long a wait goes unmentioned.
const QUIET: Duration = Duration::from_secs(1);

/// The held lock; released when dropped.
#[derive(Debug)]
pub(crate) struct Lock {
    _held: File,
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LockError {
    #[error("cannot lock {}: {}", .dir.display(), super::describe(.error))]
    Io { dir: PathBuf, error: io::Error },
    #[error("{} is locked by another process{}; gave up after {}s (--lock-timeout)", .dir.display(), holder_text(.holder), .waited.as_secs())]
    Timeout {
        dir: PathBuf,
        holder: Option<Holder>,
        waited: Duration,
    },
}

/// The process holding a lock, as `/proc/locks` tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Holder {
    pub(crate) pid: u32,
    pub(crate) user: Option<String>,
}

fn holder_text(holder: &Option<Holder>) -> String {
    match holder {
        Some(Holder {
            pid,
            user: Some(user),
        }) => format!(" (PID {pid}, user {user})"),
        Some(Holder { pid, user: None }) => format!(" (PID {pid})"),
        None => String::new(),
    }
}

/// Takes the exclusive lock of the directory holding `target`, waiting at
/// most `wait`; `waiting` is told once, with what holds it, when the wait
/// passes a second. The wait is a blocking `flock` on a thread of its own
/// (so the kernel queues us, and `/proc/locks` shows us waiting), given up
/// after `wait`: the thread then ends with the process, or drops the lock
/// at once if it gets it after all.
pub(crate) fn lock(
    target: &Path,
    wait: Duration,
    waiting: &dyn Fn(&str),
) -> Result<Lock, LockError> {
    let dir = platform::lockable(target);
    let io = |error| LockError::Io {
        dir: dir.clone(),
        error,
    };
    let file = File::open(&dir).map_err(io)?;
    match file.try_lock() {
        Ok(()) => return Ok(Lock { _held: file }),
        Err(TryLockError::Error(e)) => return Err(io(e)),
        Err(TryLockError::WouldBlock) => {}
    }
    let probe = file.try_clone().map_err(io)?;
    let (tx, rx) = mpsc::channel();
    signals::blocked(|| {
        thread::spawn(move || {
            let _ = tx.send(file.lock().map(|()| file));
        })
    });
    let start = Instant::now();
    let mut told = false;
    loop {
        let left = wait.saturating_sub(start.elapsed());
        let slice = if told { left } else { left.min(QUIET) };
        match rx.recv_timeout(slice) {
            Ok(Ok(file)) => return Ok(Lock { _held: file }),
            Ok(Err(e)) => return Err(io(e)),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(io(std::io::Error::other("the lock wait ended")));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        let waited = start.elapsed();
        if waited >= wait {
            return Err(LockError::Timeout {
                holder: platform::holder(&probe),
                dir,
                waited,
            });
        }
        if !told {
            told = true;
            waiting(&format!(
                "waiting for the lock on {}, held by another process{} (at most {}s more)",
                dir.display(),
                holder_text(&platform::holder(&probe)),
                (wait - waited).as_secs()
            ));
        }
    }
}

#[cfg(unix)]
mod platform {
    use std::fs::{self, File};
    use std::os::unix::fs::MetadataExt;
    use std::path::{Path, PathBuf};

    use super::Holder;

    pub(super) fn lockable(target: &Path) -> PathBuf {
        match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// The process holding an exclusive flock on the file `locked` is open
    /// on: `/proc/locks` names it by device and inode
    /// (`1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF`).
    pub(super) fn holder(locked: &File) -> Option<Holder> {
        let meta = locked.metadata().ok()?;
        let dev = rustix::fs::Dev::from(meta.dev());
        let id = format!(
            "{:02x}:{:02x}:{}",
            rustix::fs::major(dev),
            rustix::fs::minor(dev),
            meta.ino()
        );
        let locks = fs::read_to_string("/proc/locks").ok()?;
        let pid: u32 = locks.lines().find_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // Waiters are listed as `1: -> FLOCK ...`; they hold nothing.
            (fields.get(1) == Some(&"FLOCK") && fields.get(5) == Some(&id.as_str()))
                .then(|| fields.get(4)?.parse().ok())
                .flatten()
        })?;
        Some(Holder {
            pid,
            user: user_of(pid),
        })
    }

    fn user_of(pid: u32) -> Option<String> {
        let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let uid = status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))?
            .split_whitespace()
            .next()?
            .to_string();
        let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
        let name = passwd.lines().find_map(|l| {
            let mut parts = l.split(':');
            let name = parts.next()?;
            (parts.nth(1)? == uid).then(|| name.to_string())
        });
        Some(name.unwrap_or_else(|| format!("uid {uid}")))
    }
}

/// Windows cannot lock a directory handle opened this way, and cannot
/// rename over an open file either: the config itself is locked.
#[cfg(not(unix))]
mod platform {
    use std::fs::File;
    use std::path::{Path, PathBuf};

    use super::Holder;

    pub(super) fn lockable(target: &Path) -> PathBuf {
        target.to_path_buf()
    }

    pub(super) fn holder(_locked: &File) -> Option<Holder> {
        None
    }
}
