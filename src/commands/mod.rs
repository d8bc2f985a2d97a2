//! One module per command: each reads its inputs, calls the library, and
//! returns an exit code or a failure; `main` prints failures.

pub mod auth;
pub mod check;
pub mod completions;
pub mod get;
pub mod set;
pub mod status;

use std::path::Path;

use crate::document::EditError;
use crate::error::{Failure, io_reason};
use crate::save::{self, Loaded};

/// Reads a config for a command, with a message naming the file.
fn load(file: &Path) -> Result<Loaded, Failure> {
    save::read(file).map_err(|e| {
        Failure::usage(format!(
            "{}: cannot read: {}",
            file.display(),
            io_reason(&e)
        ))
    })
}

/// A refusal from the document layer, prefixed with the file name.
fn refused(file: &Path, e: EditError) -> Failure {
    match e.pos {
        Some(pos) => Failure::usage(format!("{}:{pos}: {}", file.display(), e.message)),
        None => Failure::usage(format!("{}: {}", file.display(), e.message)),
    }
}
