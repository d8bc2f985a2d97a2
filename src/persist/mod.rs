//! Reading a config and writing it back without ever losing it: one lock
//! that every writer takes, a save path proven before anything is spent,
//! atomic or in-place writes that keep what the file is (owner, mode,
//! extended attributes, links), private files created exclusively, and
//! recovery files for tokens that could not be saved. [`Session`] is the one
//! path every command that writes goes through.

pub(crate) mod file;
pub(crate) mod lock;
pub(crate) mod private;
pub(crate) mod recovery;
pub(crate) mod session;
pub(crate) mod write;

pub(crate) use file::{Loaded, describe, read};
pub(crate) use session::{Needs, SaveError, Session, Wait};
