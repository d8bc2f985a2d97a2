//! The one path every writer takes: prove the save path, take the lock
//! (waiting a bounded time), re-read the file under it, reserve the space
//! a save needs, and write only if the file still holds what was read.
//! Whatever is spent between `begin` and `write` (a refresh token, a PIN)
//! was spent knowing the save would work.

use std::borrow::Cow;
use std::fs::{self, Metadata};
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::file::{ReadError, describe, read_unless};
use super::lock::{Lock, LockError, lock};
use super::private;
use super::recovery::{self, Reservation};
use super::write::{self, Method, Spare, WriteError};

/// What must be proven before a session begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Needs {
    /// The file can be written.
    Write,
    /// The file can be written, and a recovery file can be made should the
    /// write still fail: for tokens that cannot be asked for again.
    WriteOrRecover,
}

/// How long to wait for the lock, and whom to tell that we wait.
#[derive(Clone, Copy)]
pub(crate) struct Wait<'a> {
    pub(crate) timeout: Duration,
    pub(crate) notice: &'a dyn Fn(&str),
}

/// Why a session could not begin or write.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SaveError {
    #[error("cannot read: {0}")]
    Read(#[from] ReadError),
    #[error("cannot write: {0}")]
    Unwritable(String),
    #[error("no place for a recovery file ({0})")]
    NoRecoveryPlace(String),
    #[error("not enough space for the save ({0})")]
    NoSpace(String),
    #[error("{0}")]
    Lock(#[from] LockError),
    #[error("cannot write: {0}")]
    Write(#[from] WriteError),
}

impl SaveError {
    /// When another program (which takes no lock) wrote the file in the
    /// instant before the rename: the file holds this write, and what the
    /// other wrote is kept; what happened, said.
    pub(crate) fn superseded(&self) -> Option<String> {
        match self {
            SaveError::Write(e @ WriteError::Superseded { .. }) => Some(e.to_string()),
            _ => None,
        }
    }

    /// Whether the file is as it was read: not when a write replaced it
    /// (another program wrote the file replaced) or may have left it torn.
    pub(crate) fn left_unchanged(&self) -> bool {
        !matches!(
            self,
            SaveError::Write(WriteError::Superseded { .. } | WriteError::Stranded { .. })
        )
    }
}

/// A config being changed: the save path proven, the lock held, the text
/// as it is under the lock (borrowed when it is a text the caller read
/// before, which is then not kept twice).
#[derive(Debug)]
pub(crate) struct Session<'t> {
    target: PathBuf,
    text: Cow<'t, str>,
    method: Method,
    spare: Option<Spare>,
    _lock: Lock,
}

/// Proves that the config at `target` (its metadata `meta`) can be saved
/// as `needs` says, without locking or changing anything; returns the
/// method the write will use.
pub(crate) fn preflight(target: &Path, meta: &Metadata, needs: Needs) -> Result<Method, SaveError> {
    let preferred = write::method(meta);
    let method = match write::probe(target, preferred) {
        Ok(()) => preferred,
        Err(first) => {
            let other = match preferred {
                Method::Rename => Method::InPlace,
                Method::InPlace => return Err(SaveError::Unwritable(describe(&first))),
            };
            write::probe(target, other).map_err(|_| SaveError::Unwritable(describe(&first)))?;
            other
        }
    };
    if needs == Needs::WriteOrRecover {
        private::probe_near(target, recovery::KIND)
            .map_err(|e| SaveError::NoRecoveryPlace(describe(&e)))?;
    }
    Ok(method)
}

impl Session<'static> {
    /// Proves the save path of `path`, takes the lock and reads the file
    /// under it.
    pub(crate) fn begin(path: &Path, needs: Needs, wait: Wait<'_>) -> Result<Self, SaveError> {
        Self::locked(path, None, needs, wait)
    }
}

impl<'t> Session<'t> {
    /// [`Session::begin`] for a file the caller read before as `known`:
    /// when the file still holds it under the lock, the session's text is
    /// `known` (one copy of a large config, not two).
    pub(crate) fn begin_from(
        path: &Path,
        known: &'t str,
        needs: Needs,
        wait: Wait<'_>,
    ) -> Result<Self, SaveError> {
        Self::locked(path, Some(known), needs, wait)
    }

    /// Reads the file (compared with `known`, when given, rather than read
    /// again), proves the save path, takes the lock and reads the file
    /// under it.
    fn locked(
        path: &Path,
        known: Option<&'t str>,
        needs: Needs,
        wait: Wait<'_>,
    ) -> Result<Self, SaveError> {
        let target = fs::canonicalize(path).map_err(ReadError::from)?;
        // Only that it reads, and its metadata, matter before the lock: a
        // large text is not held while the file is read again.
        let meta = read_unless(&target, known)?.1;
        let method = preflight(&target, &meta, needs)?;
        let held = lock(&target, wait.timeout, wait.notice)?;
        let (text, _) = read_unless(&target, known)?;
        Ok(Session {
            target,
            text,
            method,
            spare: None,
            _lock: held,
        })
    }

    /// The file's text under the lock.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The file's text under the lock, the session ended (the lock
    /// released).
    pub(crate) fn into_text(self) -> Cow<'t, str> {
        self.text
    }

    /// The file written (symlinks resolved).
    pub(crate) fn target(&self) -> &Path {
        &self.target
    }

    /// Before a request that spends something: makes the recovery file its
    /// answer will go to first, and the temp file a rename will use, each
    /// at the size it may need (`size` for the config's new text), written
    /// and synced. A full disk or quota shows here, before anything is
    /// spent.
    pub(crate) fn reserve(&mut self, size: u64) -> Result<Reservation, SaveError> {
        let no_space = |e: io::Error| SaveError::NoSpace(describe(&e));
        let reservation = recovery::reserve(&self.target).map_err(no_space)?;
        if self.method == Method::Rename {
            match write::spare(&self.target, size) {
                Ok(spare) => self.spare = Some(spare),
                Err(e) => {
                    reservation.discard();
                    return Err(no_space(e));
                }
            }
        }
        Ok(reservation)
    }

    /// Writes `text` if the file still holds what was read under the lock;
    /// a rename that fails unexpectedly falls back to an in-place write.
    pub(crate) fn write(&mut self, text: &str) -> Result<Method, SaveError> {
        let target = &self.target;
        let expected = &self.text;
        match write::write(target, expected, text, self.method, self.spare.take()) {
            Err(WriteError::Io(_)) if self.method == Method::Rename => {
                write::write(target, expected, text, Method::InPlace, None)?;
                Ok(Method::InPlace)
            }
            result => result.map(|()| self.method).map_err(SaveError::from),
        }
    }
}
