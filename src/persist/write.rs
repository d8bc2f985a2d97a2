//! Replacing a config's contents and keeping what the file is: atomically
//! (a temp file in the same directory, synced, renamed over it) where that
//! keeps its owner, group, mode and extended attributes; in place, after a
//! private backup, where a rename cannot keep them (another owner, several
//! hard links, a single-file bind mount, a read-only directory).
//!
//! What the file is (its content, owner, mode, attributes) is always taken
//! from one descriptor: the one whose content was just compared with what
//! the edit was planned on. A path swapped for another file or a symlink
//! after that comparison cannot lend the new file its owner or mode.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::Path;

use super::file::{MAX_CONFIG, ReadError, describe, holds, open_regular, read_capped};
use super::private;
use crate::signals::Hold;

/// How a file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    /// A temp file in the same directory renamed over the original.
    Rename,
    /// Rewritten in place after a backup; the backup is removed again.
    InPlace,
}

/// What a backup file is called among the private files.
pub(crate) const BACKUP: &str = "kometa-trakt-backup";

/// Why a file cannot be written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WriteError {
    #[error("the file changed since it was read; nothing was written")]
    Changed,
    #[error("{}", describe(.0))]
    Io(#[from] io::Error),
    #[error("{reason}; the original contents are saved in {backup}")]
    Stranded { reason: String, backup: String },
    /// Another program (Kometa takes no lock) wrote the file in the
    /// instant between the check and the rename: the file holds this
    /// write, and what the other wrote is kept.
    #[error("{}", superseded(.kept, .target))]
    Superseded {
        /// The private copy of what the other wrote, or why there is none.
        kept: Result<String, String>,
        target: String,
    },
}

fn superseded(kept: &Result<String, String>, target: &str) -> String {
    let what = "another program (Kometa?) wrote the file while it was being replaced: the file holds kometa-trakt's text";
    match kept {
        Ok(kept) => format!(
            "{what}, and what the other program wrote is kept in {kept}; if that holds newer tokens, put it back with `cp {kept} {target}`"
        ),
        Err(why) => format!("{what}; what the other program wrote could not be kept ({why})"),
    }
}

impl From<ReadError> for WriteError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Io(e) => WriteError::Io(e),
            // Not a regular file, a symlink, or other text now: changed.
            _ => WriteError::Changed,
        }
    }
}

/// The method that keeps what the file of `meta` is: in place when a
/// rename would split its hard links or could not give it back its owner.
pub(crate) fn method(meta: &Metadata) -> Method {
    if platform::rename_keeps(meta) {
        Method::Rename
    } else {
        Method::InPlace
    }
}

/// A temp file beside a config, made before anything is spent and filled
/// to the size the result may need, so that a full disk shows before a
/// token is sent rather than after.
#[derive(Debug)]
pub(crate) struct Spare {
    tmp: tempfile::NamedTempFile,
}

/// Makes a [`Spare`] of `size` bytes beside `target`, synced.
pub(crate) fn spare(target: &Path, size: u64) -> io::Result<Spare> {
    let mut tmp = temp_beside(target)?;
    fill(tmp.as_file_mut(), size)?;
    Ok(Spare { tmp })
}

/// Writes `size` bytes of filler (real blocks, not a sparse hole or a
/// reservation a copy-on-write or network filesystem may not honour) and
/// syncs them.
pub(crate) fn fill(file: &mut File, size: u64) -> io::Result<()> {
    let chunk = vec![b'\n'; 64 << 10];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        file.write_all(&chunk[..n])?;
        left -= n as u64;
    }
    file.sync_all()
}

/// Proves, without changing `target`, that `method` can write it: a temp
/// file can be made in its directory and given the file's owner, mode and
/// extended attributes (rename); or the file opens for writing and a
/// backup can be made (in place).
pub(crate) fn probe(target: &Path, method: Method) -> io::Result<()> {
    let (current, meta) = open_regular(target, false).map_err(read_io)?;
    match method {
        Method::Rename => {
            let tmp = temp_beside(target)?;
            platform::keep_metadata(&current, tmp.as_file(), &meta)
        }
        Method::InPlace => {
            writable(target)?;
            private::probe_near(target, BACKUP)
        }
    }
}

/// Writes `text` over `target` by `method`, if the file still holds
/// `expected` (the caller holds the lock: no kometa-trakt writer can change
/// it between this check and the write). A `spare` made beforehand is used
/// as the temp file of a rename.
pub(crate) fn write(
    target: &Path,
    expected: &str,
    text: &str,
    method: Method,
    spare: Option<Spare>,
) -> Result<(), WriteError> {
    let (current, meta) = open_regular(target, false)?;
    if !holds(&current, expected.as_bytes())? {
        return Err(WriteError::Changed);
    }
    match method {
        Method::Rename => write_renamed(target, &current, &meta, expected, text, spare),
        Method::InPlace => write_in_place(target, &meta, expected.as_bytes(), text.as_bytes()),
    }
}

fn read_io(e: ReadError) -> io::Error {
    match e {
        ReadError::Io(e) => e,
        other => io::Error::other(other.to_string()),
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

fn write_renamed(
    target: &Path,
    current: &File,
    meta: &Metadata,
    expected: &str,
    text: &str,
    spare: Option<Spare>,
) -> Result<(), WriteError> {
    let mut tmp = match spare {
        Some(Spare { tmp }) => tmp,
        None => temp_beside(target)?,
    };
    overwrite(tmp.as_file_mut(), text.as_bytes())?;
    platform::keep_metadata(current, tmp.as_file(), meta)?;
    tmp.as_file().sync_all()?;
    tmp.persist(target).map_err(|e| e.error)?;
    if let Some(dir) = target.parent()
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
    // A program that takes no lock (Kometa's save) may have opened the
    // file and written it after the check: what it wrote is in the file
    // replaced, still open here. It is kept, never lost.
    let Some(theirs) = written_since(current, expected) else {
        return Ok(());
    };
    let kept = private::create_near(target, BACKUP, ".yml", &theirs)
        .map(|kept| kept.display().to_string())
        .map_err(|e| describe(&e));
    Err(WriteError::Superseded {
        kept,
        target: target.display().to_string(),
    })
}

/// What the file replaced holds now, if it is no longer `expected`. When
/// it cannot be read again the write stands (the rename is done).
fn written_since(mut replaced: &File, expected: &str) -> Option<Vec<u8>> {
    replaced.seek(SeekFrom::Start(0)).ok()?;
    if holds(replaced, expected.as_bytes()).ok()? {
        return None;
    }
    replaced.seek(SeekFrom::Start(0)).ok()?;
    read_capped(replaced, MAX_CONFIG).ok()
}

/// Opens `target` for writing in place, refusing anything but the regular
/// file that was read.
fn writable(target: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true);
    platform::no_follow(&mut options);
    let file = options.open(target)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    Ok(file)
}

/// Rewrites `target` in place after saving `original` to a private backup,
/// which is removed once the new contents are on disk. If the write fails
/// the original is put back; if even that fails, the backup stays. The
/// stop signals are held meanwhile: a stopped container does not leave a
/// half-written config.
fn write_in_place(
    target: &Path,
    read: &Metadata,
    original: &[u8],
    text: &[u8],
) -> Result<(), WriteError> {
    let mut file = writable(target)?;
    if !platform::same_file(&file.metadata()?, read) {
        return Err(WriteError::Changed);
    }
    let backup = private::create_near(target, BACKUP, ".yml", original)?;
    let hold = Hold::begin();
    let written = overwrite(&mut file, text);
    let outcome = match written {
        Ok(()) => fs::remove_file(&backup).map_err(WriteError::from),
        Err(e) => match overwrite(&mut file, original) {
            Ok(()) => {
                let _ = fs::remove_file(&backup);
                Err(WriteError::Io(e))
            }
            Err(_) => Err(WriteError::Stranded {
                reason: describe(&e),
                backup: backup.display().to_string(),
            }),
        },
    };
    // A stop signal that came meanwhile is delivered now, the file whole.
    drop(hold);
    outcome
}

fn overwrite(file: &mut File, bytes: &[u8]) -> io::Result<()> {
    file.seek(SeekFrom::Start(0))?;
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)?;
    file.sync_all()
}

#[cfg(unix)]
mod platform {
    use std::fs::{self, File, OpenOptions};
    use std::io;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};

    use rustix::fs::{OFlags, XattrFlags, fchown, fgetxattr, flistxattr, fsetxattr};
    use rustix::process::{Gid, Uid, getegid, geteuid, getgroups};

    /// Whether a new file renamed over the file of `meta` can be what it
    /// is: a single link, and an owner and group this user can give it.
    pub(super) fn rename_keeps(meta: &fs::Metadata) -> bool {
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

    pub(super) fn no_follow(options: &mut OpenOptions) {
        options.custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK).bits() as i32);
    }

    pub(super) fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
        a.dev() == b.dev() && a.ino() == b.ino()
    }

    /// Gives `file` the owner, group, mode bits (setuid/setgid and sticky
    /// included: chmod after chown, which clears them) and extended
    /// attributes of `current` (whose metadata is `meta`).
    pub(super) fn keep_metadata(
        current: &File,
        file: &File,
        meta: &fs::Metadata,
    ) -> io::Result<()> {
        let (uid, gid) = (Uid::from_raw(meta.uid()), Gid::from_raw(meta.gid()));
        fchown(file, Some(uid), Some(gid))?;
        file.set_permissions(fs::Permissions::from_mode(meta.mode() & 0o7777))?;
        copy_xattrs(current, file)
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
    use std::fs::{self, File, OpenOptions};
    use std::io;

    pub(super) fn rename_keeps(_meta: &fs::Metadata) -> bool {
        true
    }

    pub(super) fn no_follow(_options: &mut OpenOptions) {}

    pub(super) fn same_file(_a: &fs::Metadata, _b: &fs::Metadata) -> bool {
        true
    }

    pub(super) fn keep_metadata(
        _current: &File,
        file: &File,
        meta: &fs::Metadata,
    ) -> io::Result<()> {
        file.set_permissions(meta.permissions())
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::{Method, WriteError, write};
    use crate::persist::read;

    #[test]
    fn a_file_changed_or_gone_between_read_and_write_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.yml");
        fs::write(&file, "trakt:\n  pin: a\n").unwrap();
        let loaded = read(&file).unwrap();
        fs::write(&file, "trakt:\n  pin: someone else's edit\n").unwrap();
        let write = |text: &str| write(&loaded.target, &loaded.text, text, Method::Rename, None);
        let err = write("trakt:\n  pin: b\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the file changed since it was read; nothing was written"
        );
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            "trakt:\n  pin: someone else's edit\n"
        );
        fs::remove_file(&file).unwrap();
        assert!(matches!(
            write("x").unwrap_err(),
            WriteError::Io(e) if e.kind() == std::io::ErrorKind::NotFound
        ));
        assert!(!file.exists());
    }
}
