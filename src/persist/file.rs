//! Reading a config as UTF-8 text, at the file its path resolves to.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A file read for editing.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    /// The file the path resolves to (symlinks followed).
    pub(crate) target: PathBuf,
    pub(crate) text: String,
}

/// Why a file cannot be read as a config.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    #[error("{}", describe(.0))]
    Io(#[from] io::Error),
    #[error("not a regular file")]
    NotRegular,
    #[error("UTF-16 text: save the file as UTF-8")]
    Utf16,
    #[error("not UTF-8 text (invalid byte at offset {0})")]
    NotUtf8(usize),
}

/// An I/O error in words, without Rust's `(os error N)` suffix.
pub(crate) fn describe(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Reads `path` as UTF-8 text, following symlinks to the real file.
pub(crate) fn read(path: &Path) -> Result<Loaded, ReadError> {
    let target = fs::canonicalize(path)?;
    if !fs::metadata(&target)?.is_file() {
        return Err(ReadError::NotRegular);
    }
    let bytes = fs::read(&target)?;
    let text = decode(bytes)?;
    Ok(Loaded { target, text })
}

/// The bytes of a config as text.
pub(crate) fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ReadError::Utf16);
    }
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(e.utf8_error().valid_up_to()))
}
