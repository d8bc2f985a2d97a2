//! Reading a config and writing it back safely: atomically where the
//! directory allows, in place with a backup where rename is impossible
//! (a single-file bind mount), always keeping the file's mode and owner.

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt, fchown};
use std::path::{Path, PathBuf};

/// How a file was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A temp file in the same directory renamed over the original.
    Renamed,
    /// Rewritten in place after a backup; the backup is removed again.
    InPlace,
}

/// A file read for editing.
pub struct Loaded {
    /// The file the path resolves to (symlinks followed).
    pub target: PathBuf,
    pub text: String,
}

/// Reads `path` as UTF-8 text, following symlinks to the real file.
pub fn read(path: &Path) -> io::Result<Loaded> {
    let target = fs::canonicalize(path)?;
    if !fs::metadata(&target)?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let bytes = fs::read(&target)?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "UTF-16 text: save the file as UTF-8",
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    Ok(Loaded { target, text })
}

/// Replaces the contents of the file `loaded` came from with `text`,
/// keeping its mode and owner; refuses when the file changed or vanished
/// since it was read (someone else's edit would be lost).
pub fn write(loaded: &Loaded, text: &str) -> io::Result<Method> {
    let target = loaded.target.as_path();
    let current = fs::read(target)?;
    if current != loaded.text.as_bytes() {
        return Err(io::Error::other(
            "the file changed since it was read; nothing was written",
        ));
    }
    let meta = fs::metadata(target)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    match write_renamed(target, dir, text, &meta) {
        Ok(()) => Ok(Method::Renamed),
        Err(_) => {
            write_in_place(target, text)?;
            Ok(Method::InPlace)
        }
    }
}

fn write_renamed(target: &Path, dir: &Path, text: &str, meta: &fs::Metadata) -> io::Result<()> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    let file = tmp.as_file();
    file.set_permissions(Permissions::from_mode(meta.mode() & 0o7777))?;
    // Keeping the owner needs privileges we may not have; a file we could
    // create is ours, which is the best a non-root user can do.
    let _ = fchown(file, Some(meta.uid()), Some(meta.gid()));
    file.sync_all()?;
    tmp.persist(target).map_err(|e| e.error)?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Rewrites `target` in place after saving its current contents to a
/// backup, which is removed once the new contents are on disk.
fn write_in_place(target: &Path, text: &str) -> io::Result<()> {
    let original = fs::read(target)?;
    let mut file = OpenOptions::new().write(true).open(target)?;
    let backup = write_backup(target, &original)?;
    if let Err(e) = overwrite(&mut file, text.as_bytes()) {
        // Put the original back; if even that fails the backup stays.
        return match overwrite(&mut file, &original) {
            Ok(()) => {
                let _ = fs::remove_file(&backup);
                Err(e)
            }
            Err(_) => Err(io::Error::new(
                e.kind(),
                format!(
                    "{}; the original contents are saved in {}",
                    crate::error::io_reason(&e),
                    backup.display()
                ),
            )),
        };
    }
    fs::remove_file(&backup)
}

fn overwrite(file: &mut File, bytes: &[u8]) -> io::Result<()> {
    file.seek(SeekFrom::Start(0))?;
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)?;
    file.sync_all()
}

/// Saves `original` next to the file, else in the user's state directory.
fn write_backup(target: &Path, original: &[u8]) -> io::Result<PathBuf> {
    write_private_near(target, "kometa-trakt.bak", original)
}

/// Where a file about `target` (named NAME) goes, in order of preference:
/// `.NAME.SUFFIX` next to it, else `NAME.HASH.SUFFIX` in the user's state
/// directory, where HASH tells apart the files of configs with one name.
pub fn places_near(target: &Path, suffix: &str) -> Vec<PathBuf> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let absolute = std::path::absolute(target).unwrap_or_else(|_| target.to_path_buf());
    let hash = fnv1a(absolute.as_os_str().as_encoded_bytes());
    [
        target
            .parent()
            .map(|dir| dir.join(format!(".{name}.{suffix}"))),
        state_dir().map(|dir| dir.join(format!("{name}.{hash:016x}.{suffix}"))),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Writes `bytes` readable by its owner only to the first of
/// [`places_near`] that takes it.
pub fn write_private_near(target: &Path, suffix: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let mut last = io::Error::other("no place for the file");
    for path in places_near(target, suffix) {
        match write_private(&path, bytes) {
            Ok(()) => return Ok(path),
            Err(e) => {
                // A partial copy is worse than none: it looks complete.
                let _ = fs::remove_file(&path);
                last = e;
            }
        }
    }
    Err(last)
}

/// The 64-bit FNV-1a hash: stable across builds, unlike std's hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Writes `bytes` to a new or truncated file readable by its owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.set_permissions(Permissions::from_mode(0o600))?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// `$XDG_STATE_HOME/kometa-trakt`, else `~/.local/state/kometa-trakt`.
pub fn state_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(base.join("kometa-trakt"))
}
