//! Files only their owner may read (backups, recovery files): created
//! exclusively under a fresh name (never opening what someone else put
//! there, never following a symlink), mode 0600 from birth; next to the
//! config unless others may write in its directory, else in the user's
//! 0700 state directory.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Where the files about `target` go, in order of preference, with the
/// name prefix they carry there: `.NAME.KIND.` next to the config (a
/// recreated container keeps them), `NAME.HASH.KIND.` in the state
/// directory, where HASH tells apart configs that share a file name.
pub(crate) fn places(target: &Path, kind: &str) -> Vec<(PathBuf, String)> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut found = Vec::new();
    if let Some(dir) = target.parent()
        && !shared(dir)
    {
        found.push((dir.to_path_buf(), format!(".{name}.{kind}.")));
    }
    if let Ok(dir) = state_dir() {
        let absolute = std::path::absolute(target).unwrap_or_else(|_| target.to_path_buf());
        let hash = fnv1a(absolute.as_os_str().as_encoded_bytes());
        found.push((dir, format!("{name}.{hash:016x}.{kind}.")));
    }
    found
}

/// Creates a new private file in `dir` named `prefix`, a random part and
/// `suffix`, holding `bytes`, synced; returns it open, with its path. A
/// partial file is removed.
pub(crate) fn create_open(
    dir: &Path,
    prefix: &str,
    suffix: &str,
    bytes: &[u8],
) -> io::Result<(fs::File, PathBuf)> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix).suffix(suffix).rand_bytes(8);
    platform::private(&mut builder);
    let (mut file, path) = builder.tempfile_in(dir)?.keep().map_err(|e| e.error)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = fs::remove_file(&path);
        return Err(e);
    }
    Ok((file, path))
}

/// [`create_open`] in the first of [`places`] that takes it.
pub(crate) fn create_open_near(
    target: &Path,
    kind: &str,
    suffix: &str,
    bytes: &[u8],
) -> io::Result<(fs::File, PathBuf)> {
    let mut last = io::Error::other("no place for the file");
    for (dir, prefix) in places(target, kind) {
        match create_open(&dir, &prefix, suffix, bytes) {
            Ok(made) => return Ok(made),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Creates `bytes` as a private file in the first of [`places`] that
/// takes it; returns its path.
pub(crate) fn create_near(
    target: &Path,
    kind: &str,
    suffix: &str,
    bytes: &[u8],
) -> io::Result<PathBuf> {
    create_open_near(target, kind, suffix, bytes).map(|(_, path)| path)
}

/// Proves that a private file about `target` could be created: creates an
/// empty one in the first place that takes it and removes it again.
pub(crate) fn probe_near(target: &Path, kind: &str) -> io::Result<()> {
    let path = create_near(target, kind, ".probe", b"")?;
    fs::remove_file(path)
}

/// The private files about `target` of `kind` that can be trusted: regular
/// files (not links) named with the prefix of one of [`places`] and
/// `suffix`, owned by this user, readable by this user only.
pub(crate) fn find(target: &Path, kind: &str, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for (dir, prefix) in places(target, kind) {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut here: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with(&prefix) && name.ends_with(suffix)
            })
            .map(|e| e.path())
            .filter(|p| trusted(p))
            .collect();
        here.sort();
        found.extend(here);
    }
    found
}

/// `$XDG_STATE_HOME/kometa-trakt`, else `~/.local/state/kometa-trakt`:
/// created 0700 if missing; refused unless it is a directory (not a
/// link) of this user that no one else may enter.
pub(crate) fn state_dir() -> io::Result<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .ok_or_else(|| io::Error::other("neither XDG_STATE_HOME nor HOME is set"))?;
    let dir = base.join("kometa-trakt");
    if !dir.exists() {
        create_private_dir(&dir)?;
    }
    if !trusted_dir(&dir) {
        return Err(io::Error::other(format!(
            "{} is not a private directory of this user (mode 0700)",
            dir.display()
        )));
    }
    Ok(dir)
}

/// The 64-bit FNV-1a hash: stable across builds, unlike std's hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(unix)]
mod platform {
    use std::fs;
    use std::io;
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    use std::path::Path;

    /// Mode 0600 from the file's creation.
    pub(super) fn private(builder: &mut tempfile::Builder<'_, '_>) {
        builder.permissions(fs::Permissions::from_mode(0o600));
    }

    /// Whether users other than the owner may create files in `dir`.
    pub(super) fn shared(dir: &Path) -> bool {
        fs::metadata(dir).is_ok_and(|m| m.mode() & 0o022 != 0)
    }

    pub(super) fn create_private_dir(dir: &Path) -> io::Result<()> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }

    fn own(meta: &fs::Metadata) -> bool {
        meta.uid() == rustix::process::geteuid().as_raw()
    }

    fn trusted_meta(m: &fs::Metadata) -> bool {
        m.file_type().is_file() && own(m) && m.mode() & 0o777 == 0o600
    }

    pub(super) fn trusted(path: &Path) -> bool {
        fs::symlink_metadata(path).is_ok_and(|m| trusted_meta(&m))
    }

    /// Opens `path` without following a symlink, then checks what was opened.
    pub(crate) fn open_trusted(path: &Path) -> io::Result<fs::File> {
        use std::os::unix::fs::OpenOptionsExt;
        let file = fs::OpenOptions::new()
            .read(true)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
            .open(path)
            .map_err(|e| {
                if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
                    super::untrusted()
                } else {
                    e
                }
            })?;
        if !trusted_meta(&file.metadata()?) {
            return Err(super::untrusted());
        }
        Ok(file)
    }

    pub(super) fn trusted_dir(dir: &Path) -> bool {
        fs::symlink_metadata(dir)
            .is_ok_and(|m| m.file_type().is_dir() && own(&m) && m.mode() & 0o077 == 0)
    }
}

#[cfg(not(unix))]
mod platform {
    use std::fs;
    use std::io;
    use std::path::Path;

    /// Windows files carry ACLs, not modes: a new file inherits its
    /// directory's, which for the user's own directories is private.
    pub fn private(_builder: &mut tempfile::Builder<'_, '_>) {}

    pub fn shared(_dir: &Path) -> bool {
        false
    }

    pub fn create_private_dir(dir: &Path) -> io::Result<()> {
        fs::create_dir_all(dir)
    }

    pub fn trusted(path: &Path) -> bool {
        fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
    }

    pub fn open_trusted(path: &Path) -> io::Result<fs::File> {
        if !trusted(path) {
            return Err(super::untrusted());
        }
        fs::File::open(path)
    }

    pub fn trusted_dir(dir: &Path) -> bool {
        fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_dir())
    }
}

pub(crate) use platform::open_trusted;
use platform::{create_private_dir, shared, trusted, trusted_dir};

fn untrusted() -> io::Error {
    io::Error::other("not a private file of this user (a regular file, mode 0600)")
}
