//! Reading a config and writing it back without ever losing it: one lock
//! that every writer takes, a save path proven before anything is spent,
//! atomic or in-place writes that keep what the file is (owner, mode,
//! extended attributes, links), private files created exclusively, and
//! recovery files for tokens that could not be saved. [`Session`] is the one
//! path every command that writes goes through.

pub mod file;
pub mod lock;
pub mod private;
pub mod recovery;
pub mod session;
pub mod write;

pub use file::{Loaded, ReadError, describe, read};
pub use session::{Needs, SaveError, Session};
pub use write::Method;
