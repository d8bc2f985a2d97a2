//! The one lock every kometa-trakt writer takes: an exclusive `flock` on
//! the directory holding the config. A lock on the config itself would be
//! lost when a rename replaces the file; the directory stays, and locking
//! it needs no lock file (so it works in a read-only directory too).
//! Kometa takes no lock: this guards kometa-trakt against itself only.

use std::fs::File;
use std::io;
use std::path::Path;

/// The held lock; released when dropped.
#[derive(Debug)]
pub(crate) struct Lock {
    _held: File,
}

/// Waits for the exclusive lock of the directory holding `target`.
pub(crate) fn lock(target: &Path) -> io::Result<Lock> {
    let file = open_lockable(target)?;
    file.lock()?;
    Ok(Lock { _held: file })
}

#[cfg(unix)]
fn open_lockable(target: &Path) -> io::Result<File> {
    File::open(target.parent().unwrap_or(Path::new(".")))
}

/// Windows cannot lock a directory handle opened this way, and cannot
/// rename over an open file either: the config itself is locked.
#[cfg(not(unix))]
fn open_lockable(target: &Path) -> io::Result<File> {
    File::open(target)
}
