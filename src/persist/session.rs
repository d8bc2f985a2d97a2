//! The one path every writer takes: prove the save path, take the lock,
//! re-read the file under it, and write only if it still holds what was
//! read. Whatever is spent between `begin` and `write` (a refresh token, a
//! PIN) was spent knowing the save would work.

use std::path::Path;

use super::file::{Loaded, ReadError, describe, read};
use super::lock::{Lock, lock};
use super::private;
use super::recovery;
use super::write::{self, Method, WriteError};

/// What must be proven before a session begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Needs {
    /// The file can be written.
    Write,
    /// The file can be written, and a recovery file can be made should the
    /// write still fail: for tokens that cannot be asked for again.
    WriteOrRecover,
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
    #[error("cannot lock its directory: {0}")]
    Lock(String),
    #[error("cannot write: {0}")]
    Write(#[from] WriteError),
}

/// A config being changed: the save path proven, the lock held, the text
/// as it is under the lock.
#[derive(Debug)]
pub(crate) struct Session {
    loaded: Loaded,
    method: Method,
    _lock: Lock,
}

/// Proves that `target` can be saved as `needs` says, without locking or
/// changing anything; returns the method the write will use.
pub(crate) fn preflight(target: &Path, needs: Needs) -> Result<Method, SaveError> {
    let preferred = write::method(target).map_err(|e| SaveError::Unwritable(describe(&e)))?;
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

impl Session {
    /// Proves the save path of `path`, takes the lock and reads the file
    /// under it.
    pub(crate) fn begin(path: &Path, needs: Needs) -> Result<Session, SaveError> {
        let target = read(path)?.target;
        let method = preflight(&target, needs)?;
        let held = lock(&target).map_err(|e| SaveError::Lock(describe(&e)))?;
        let loaded = read(&target)?;
        Ok(Session {
            loaded,
            method,
            _lock: held,
        })
    }

    /// The file's text under the lock.
    pub(crate) fn text(&self) -> &str {
        &self.loaded.text
    }

    /// The file written (symlinks resolved).
    pub(crate) fn target(&self) -> &Path {
        &self.loaded.target
    }

    /// Writes `text` if the file still holds what was read under the lock;
    /// a rename that fails unexpectedly falls back to an in-place write.
    pub(crate) fn write(&self, text: &str) -> Result<Method, SaveError> {
        let target = &self.loaded.target;
        let expected = &self.loaded.text;
        match write::write(target, expected, text, self.method) {
            Err(WriteError::Io(_)) if self.method == Method::Rename => {
                write::write(target, expected, text, Method::InPlace)?;
                Ok(Method::InPlace)
            }
            result => result.map(|()| self.method).map_err(SaveError::from),
        }
    }
}
