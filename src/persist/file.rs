//! Reading the files we are given (a config, a schema, an original, a
//! pasted block, a `.env`, a recovery file) without ever hanging or running
//! out of memory on what is not a file: each is opened without blocking
//! (a FIFO or a device opens at once), checked on the descriptor to be a
//! regular file, and read up to a size cap. Standard input is exempt from
//! the regular-file check and has the same cap.

use std::borrow::Cow;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The most a config (or an original, or a schema) may hold.
pub(crate) const MAX_CONFIG: u64 = 256 << 20;

/// The most a small file (a `.env`, a recovery file, a pasted block, a
/// secret on stdin) may hold.
pub(crate) const MAX_SMALL: u64 = 1 << 20;

/// A file read for editing.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// The file the path resolves to (symlinks followed).
    pub(crate) target: PathBuf,
    pub(crate) text: String,
}

/// Why a file cannot be read as text.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    #[error("{}", describe(.0))]
    Io(#[from] io::Error),
    #[error("not a regular file")]
    NotRegular,
    #[error("owned by another user, or writable by others")]
    Untrusted,
    #[error("larger than {} MiB", .0 >> 20)]
    TooLarge(u64),
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

/// Opens `path` for reading without blocking, following symlinks or not,
/// and checks on the descriptor that it is a regular file.
pub(crate) fn open_regular(path: &Path, follow: bool) -> Result<(File, Metadata), ReadError> {
    let mut options = OpenOptions::new();
    options.read(true);
    platform::no_block(&mut options, follow);
    let file = options.open(path).map_err(platform::not_followed)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    Ok((file, meta))
}

/// Reads at most `cap` bytes of `from`; more is an error, not a truncation.
pub(crate) fn read_capped(from: impl Read, cap: u64) -> Result<Vec<u8>, ReadError> {
    read_sized(from, cap, 0)
}

/// [`read_capped`], into room made for `expected` bytes (a file's size:
/// a large config is read into one buffer of its size, not into a buffer
/// doubled as it fills, up to twice its size).
fn read_sized(from: impl Read, cap: u64, expected: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::with_capacity(expected.min(cap) as usize);
    from.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge(cap));
    }
    Ok(bytes)
}

/// The text of the regular file at `path` (symlinks followed), at most
/// `cap` bytes; `-` is standard input.
pub(crate) fn read_text(path: &Path, cap: u64) -> Result<String, ReadError> {
    if path.as_os_str() == "-" {
        return decode(read_capped(io::stdin().lock(), cap)?);
    }
    let (file, meta) = open_regular(path, true)?;
    decode(read_sized(file, cap, meta.len())?)
}

/// The text of a small file that holds secrets for us (a `.env`): `None`
/// when there is none; refused unless it is a regular file owned by this
/// user or root that no one else may write.
pub(crate) fn read_trusted(path: &Path) -> Result<Option<String>, ReadError> {
    let (file, meta) = match open_regular(path, true) {
        Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        other => other?,
    };
    if !platform::trusted(&meta) {
        return Err(ReadError::Untrusted);
    }
    decode(read_capped(file, MAX_SMALL)?).map(Some)
}

/// Reads the config at `path` as UTF-8 text, at the real file it resolves
/// to.
pub(crate) fn read(path: &Path) -> Result<Loaded, ReadError> {
    let target = fs::canonicalize(path)?;
    read_target(&target)
}

/// Reads the config at `target`, a path already resolved: a symlink found
/// there now is a change, not something to follow.
pub(crate) fn read_target(target: &Path) -> Result<Loaded, ReadError> {
    let (file, meta) = open_regular(target, false)?;
    let text = decode(read_sized(file, MAX_CONFIG, meta.len())?)?;
    Ok(Loaded {
        target: target.to_path_buf(),
        text,
    })
}

/// The text of the config at `target`, a path already resolved, read as
/// [`read_target`] reads it, with the metadata of the descriptor it was
/// read from; when it is exactly `known`, `known` itself (the file is
/// compared as it is read: a large config is not read into memory a
/// second time).
pub(crate) fn read_unless<'k>(
    target: &Path,
    known: Option<&'k str>,
) -> Result<(Cow<'k, str>, Metadata), ReadError> {
    let (mut file, meta) = open_regular(target, false)?;
    if let Some(known) = known {
        if holds(&file, known.as_bytes())? {
            return Ok((Cow::Borrowed(known), meta));
        }
        file.seek(SeekFrom::Start(0))?;
    }
    let text = decode(read_sized(file, MAX_CONFIG, meta.len())?)?;
    Ok((Cow::Owned(text), meta))
}

/// Whether `file` (read from its start) holds exactly `expected`, compared
/// as it is read (a large config is not read into memory a second time).
pub(crate) fn holds(mut file: &File, expected: &[u8]) -> io::Result<bool> {
    let mut chunk = vec![0; 64 * 1024];
    let mut at = 0;
    loop {
        let n = match file.read(&mut chunk) {
            Ok(0) => return Ok(at == expected.len()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if expected.get(at..at + n) != Some(&chunk[..n]) {
            return Ok(false);
        }
        at += n;
    }
}

/// The bytes of a config as text.
pub(crate) fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ReadError::Utf16);
    }
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(e.utf8_error().valid_up_to()))
}

#[cfg(unix)]
mod platform {
    use std::fs::OpenOptions;
    use std::io;
    use std::os::unix::fs::OpenOptionsExt;

    use rustix::fs::OFlags;

    use super::ReadError;

    /// `O_NONBLOCK` (a FIFO opens at once), and `O_NOFOLLOW` unless
    /// symlinks are to be followed.
    pub(super) fn no_block(options: &mut OpenOptions, follow: bool) {
        let mut flags = OFlags::NONBLOCK;
        if !follow {
            flags |= OFlags::NOFOLLOW;
        }
        options.custom_flags(flags.bits() as i32);
    }

    /// Owned by this user or root, and writable by no one else.
    pub(super) fn trusted(meta: &std::fs::Metadata) -> bool {
        use std::os::unix::fs::MetadataExt;
        let owner = meta.uid();
        (owner == 0 || owner == rustix::process::geteuid().as_raw()) && meta.mode() & 0o022 == 0
    }

    /// A symlink where none may be is no regular file.
    pub(super) fn not_followed(e: io::Error) -> ReadError {
        if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
            ReadError::NotRegular
        } else {
            ReadError::Io(e)
        }
    }
}

#[cfg(not(unix))]
mod platform {
    use std::fs::OpenOptions;
    use std::io;

    use super::ReadError;

    pub(super) fn no_block(_options: &mut OpenOptions, _follow: bool) {}

    pub(super) fn trusted(_meta: &std::fs::Metadata) -> bool {
        true
    }

    pub(super) fn not_followed(e: io::Error) -> ReadError {
        ReadError::Io(e)
    }
}
