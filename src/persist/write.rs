//! Replacing a config's contents and keeping what the file is: atomically
//! (a temp file in the same directory, synced, renamed over it) where that
//! keeps its owner, group, mode and extended attributes; in place, after a
//! private backup, where a rename cannot keep them (another owner, several
//! hard links, a single-file bind mount, a read-only directory).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::Path;

use super::file::describe;
use super::private;

/// How a file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    /// A temp file in the same directory renamed over the original.
    Rename,
    /// Rewritten in place after a backup; the backup is removed again.
    InPlace,
}

/// What a backup file is called among the private files.
const BACKUP: &str = "kometa-trakt-backup";

/// Why a file cannot be written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WriteError {
    #[error("the file changed since it was read; nothing was written")]
    Changed,
    #[error("{}", describe(.0))]
    Io(#[from] io::Error),
    #[error("{reason}; the original contents are saved in {backup}")]
    Stranded { reason: String, backup: String },
}

/// The method that keeps what `target` is: in place when a rename would
/// split its hard links or could not give it back its owner.
pub(crate) fn method(target: &Path) -> io::Result<Method> {
    let meta = fs::metadata(target)?;
    Ok(if platform::rename_keeps(target, &meta) {
        Method::Rename
    } else {
        Method::InPlace
    })
}

/// Proves, without changing `target`, that `method` can write it: a temp
/// file can be made in its directory and given the file's owner, mode and
/// extended attributes (rename); or the file opens for writing and a
/// backup can be made (in place).
pub(crate) fn probe(target: &Path, method: Method) -> io::Result<()> {
    match method {
        Method::Rename => {
            let meta = fs::metadata(target)?;
            let tmp = temp_beside(target)?;
            platform::keep_metadata(target, tmp.as_file(), &meta)
        }
        Method::InPlace => {
            OpenOptions::new().write(true).open(target)?;
            private::probe_near(target, BACKUP)
        }
    }
}

/// Writes `text` over `target` by `method`, if the file still holds
/// `expected` (the caller holds the lock: no kometa-trakt writer can change
/// it between this check and the write).
pub(crate) fn write(
    target: &Path,
    expected: &str,
    text: &str,
    method: Method,
) -> Result<(), WriteError> {
    if !holds(target, expected.as_bytes())? {
        return Err(WriteError::Changed);
    }
    match method {
        Method::Rename => write_renamed(target, text).map_err(WriteError::from),
        Method::InPlace => write_in_place(target, expected.as_bytes(), text.as_bytes()),
    }
}

/// Whether the file at `target` holds exactly `expected`, compared as it is
/// read (a large config is not read into memory a second time).
fn holds(target: &Path, expected: &[u8]) -> io::Result<bool> {
    use std::io::Read;
    let mut file = File::open(target)?;
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

fn temp_beside(target: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
}

fn write_renamed(target: &Path, text: &str) -> io::Result<()> {
    let meta = fs::metadata(target)?;
    let mut tmp = temp_beside(target)?;
    tmp.write_all(text.as_bytes())?;
    platform::keep_metadata(target, tmp.as_file(), &meta)?;
    tmp.as_file().sync_all()?;
    tmp.persist(target).map_err(|e| e.error)?;
    if let Some(dir) = target.parent()
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Rewrites `target` in place after saving `original` to a private backup,
/// which is removed once the new contents are on disk. If the write fails
/// the original is put back; if even that fails, the backup stays.
fn write_in_place(target: &Path, original: &[u8], text: &[u8]) -> Result<(), WriteError> {
    let mut file = OpenOptions::new().write(true).open(target)?;
    let backup = private::create_near(target, BACKUP, ".yml", original)?;
    if let Err(e) = overwrite(&mut file, text) {
        return match overwrite(&mut file, original) {
            Ok(()) => {
                let _ = fs::remove_file(&backup);
                Err(WriteError::Io(e))
            }
            Err(_) => Err(WriteError::Stranded {
                reason: describe(&e),
                backup: backup.display().to_string(),
            }),
        };
    }
    fs::remove_file(&backup)?;
    Ok(())
}

fn overwrite(file: &mut File, bytes: &[u8]) -> io::Result<()> {
    file.seek(SeekFrom::Start(0))?;
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)?;
    file.sync_all()
}

#[cfg(unix)]
mod platform {
    use std::fs::{self, File};
    use std::io;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::path::Path;

    use rustix::fs::{XattrFlags, fchown, fgetxattr, flistxattr, fsetxattr};
    use rustix::process::{Gid, Uid, getegid, geteuid, getgroups};

    /// Whether a new file renamed over `target` can be what it is: a single
    /// link, and an owner and group this user can give it.
    pub(super) fn rename_keeps(_target: &Path, meta: &fs::Metadata) -> bool {
        if meta.nlink() > 1 {
            return false;
        }
        let euid = geteuid();
        if euid.is_root() {
            return true;
        }
        let group_ok = meta.gid() == getegid().as_raw()
            || getgroups().is_ok_and(|g| g.iter().any(|g| g.as_raw() == meta.gid()));
        meta.uid() == euid.as_raw() && group_ok
    }

    /// Gives `file` the owner, group, mode bits (setuid/setgid and sticky
    /// included: chmod after chown, which clears them) and extended
    /// attributes of `target`.
    pub(super) fn keep_metadata(target: &Path, file: &File, meta: &fs::Metadata) -> io::Result<()> {
        let (uid, gid) = (Uid::from_raw(meta.uid()), Gid::from_raw(meta.gid()));
        fchown(file, Some(uid), Some(gid))?;
        file.set_permissions(fs::Permissions::from_mode(meta.mode() & 0o7777))?;
        copy_xattrs(&File::open(target)?, file)
    }

    fn copy_xattrs(from: &File, to: &File) -> io::Result<()> {
        let mut names = vec![0u8; 4096];
        let len = match flistxattr(from, &mut names) {
            Ok(len) => len,
            // A filesystem without extended attributes has none to keep.
            Err(e) if e == rustix::io::Errno::NOTSUP => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        for name in names[..len].split(|&b| b == 0).filter(|n| !n.is_empty()) {
            let name = std::ffi::CStr::from_bytes_with_nul(&[name, &[0]].concat())
                .map(|c| c.to_owned())
                .map_err(io::Error::other)?;
            let mut value = vec![0u8; 65536];
            let n = fgetxattr(from, &name, &mut value)?;
            fsetxattr(to, &name, &value[..n], XattrFlags::empty())?;
        }
        Ok(())
    }
}

#[cfg(not(unix))]
mod platform {
    use std::fs::{self, File};
    use std::io;
    use std::path::Path;

    pub fn rename_keeps(_target: &Path, _meta: &fs::Metadata) -> bool {
        true
    }

    pub fn keep_metadata(_target: &Path, file: &File, meta: &fs::Metadata) -> io::Result<()> {
        file.set_permissions(meta.permissions())
    }
}
