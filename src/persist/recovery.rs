//! Recovery files: the answer to a spending request, kept where it
//! survives (a private file, see `private`) before anything else is done
//! with it. The file is made before the request, filled with line breaks
//! to the size the answer needs (a full disk shows before anything is
//! spent), and overwritten with the answer as soon as it arrives: one write
//! and one sync. Finding them again, and our other leftovers (temp files of
//! a rename that did not happen, backups of an in-place write).

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use super::file::{MAX_CONFIG, MAX_SMALL, ReadError, read_capped};
use super::private;
use super::write::{BACKUP, fill};
use crate::authorization::Answer;
use crate::document::Document;
use crate::document::scalar::double_quoted;

/// What recovery files are called among the private files.
pub(crate) const KIND: &str = "kometa-trakt-recovery";

/// The end of a recovery file's name.
const SUFFIX: &str = ".yml";

/// The room a recovery file is made with: its text with tokens of up to
/// 2 KiB each (Trakt's are 64 characters).
pub(crate) const RESERVED: u64 = 16 << 10;

/// A recovery file made before a request, waiting for its answer. Unless
/// it was given one to keep, it is removed when dropped.
#[derive(Debug)]
pub(crate) struct Reservation {
    file: File,
    path: PathBuf,
    kept: bool,
}

/// Makes a recovery file for the config `target`, [`RESERVED`] bytes of
/// line breaks, synced.
pub(crate) fn reserve(target: &Path) -> io::Result<Reservation> {
    let (file, path) = private::create_open_near(target, KIND, SUFFIX, b"")?;
    let mut reservation = Reservation {
        file,
        path,
        kept: false,
    };
    fill(&mut reservation.file, RESERVED)?;
    Ok(reservation)
}

impl Reservation {
    /// Where the file is.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the answer over the reserved line breaks (those left over
    /// are blank lines) and syncs it: the first durable copy of a spent
    /// request's answer.
    pub(crate) fn keep(&mut self, target: &Path, answer: &Answer) -> io::Result<()> {
        let body = body(target, answer);
        platform::write_at_start(&self.file, body.as_bytes())?;
        self.file.sync_data()?;
        self.kept = true;
        Ok(())
    }

    /// Removes the file: its answer is saved in the config.
    pub(crate) fn discard(mut self) {
        self.kept = false;
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if !self.kept {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// A recovery file's text: the answer's values (those it holds), and the
/// config's path as a quoted YAML value, never raw (a file name may hold a
/// line break).
fn body(target: &Path, a: &Answer) -> String {
    let q = double_quoted;
    let mut lines = vec![
        "# kometa-trakt: new Trakt tokens that could not be saved into the config named below."
            .to_string(),
        "# Apply them with: kometa-trakt auth CONFIG --from-file THIS_FILE".to_string(),
        format!("config: {}", q(&target.to_string_lossy())),
        "trakt:".to_string(),
        "  authorization:".to_string(),
    ];
    let text = |v: &Option<String>| v.as_deref().map(q);
    let number = |n: &Option<i64>| n.map(|n| n.to_string());
    let values = [
        ("access_token", text(&a.access_token)),
        ("token_type", text(&a.token_type)),
        ("expires_in", number(&a.expires_in)),
        ("refresh_token", text(&a.refresh_token)),
        ("scope", text(&a.scope)),
        ("created_at", number(&a.created_at)),
    ];
    for (key, value) in values {
        if let Some(value) = value {
            lines.push(format!("    {key}: {value}"));
        }
    }
    lines.join("\n") + "\n"
}

/// The trusted recovery files of `target`.
pub(crate) fn find(target: &Path) -> Vec<PathBuf> {
    private::find(target, KIND, SUFFIX)
}

/// Our leftovers beside `target` that may hold newer tokens than the
/// config: temp files of a rename that never happened (`.NAME.XXXX.tmp`,
/// regular files of this user), newest first.
pub(crate) fn leftovers(target: &Path) -> Vec<PathBuf> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(dir) = target.parent() else {
        return Vec::new();
    };
    let prefix = format!(".{name}.");
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            n.starts_with(&prefix) && n.ends_with(".tmp") && !n.contains(KIND)
        })
        .filter_map(|e| {
            let meta = fs::symlink_metadata(e.path()).ok()?;
            let modified = meta.modified().ok()?;
            (meta.is_file() && platform::own(&meta)).then(|| (modified, e.path()))
        })
        .collect();
    found.sort();
    found.into_iter().rev().map(|(_, p)| p).collect()
}

/// The backups of `target` an in-place write left behind (it was stopped
/// before it could remove them), newest first.
pub(crate) fn backups(target: &Path) -> Vec<PathBuf> {
    let mut found = private::find(target, BACKUP, ".yml");
    found.sort_by_key(|p| std::cmp::Reverse(fs::metadata(p).and_then(|m| m.modified()).ok()));
    found
}

/// A recovery file or leftover of `target` holding another refresh token
/// than the config's `refresh_token`: from a renewal that could not be
/// saved, and likely the live one.
pub(crate) fn unapplied(target: &Path, refresh_token: Option<&str>) -> Option<PathBuf> {
    find(target)
        .into_iter()
        .chain(leftovers(target))
        .find(|path| {
            refresh_token_of(path).is_some_and(|token| Some(token.as_str()) != refresh_token)
        })
}

/// Removes the recovery files and temp leftovers of `target` once new
/// tokens are saved in it: they were applied or are superseded. Returns
/// the files removed.
pub(crate) fn clear(target: &Path) -> Vec<PathBuf> {
    find(target)
        .into_iter()
        .chain(leftovers(target))
        .filter(|path| fs::remove_file(path).is_ok())
        .collect()
}

/// The refresh token a recovery file or leftover holds (at `trakt:
/// authorization: refresh_token:`), if it can be read and trusted.
fn refresh_token_of(path: &Path) -> Option<String> {
    let file = open(path).ok()?;
    let text = super::file::decode(read_capped(file, MAX_CONFIG).ok()?).ok()?;
    let doc = Document::parse(&text).ok()?;
    let mut node = doc.roots.first()?;
    for key in ["trakt", "authorization", "refresh_token"] {
        node = doc.target(doc.lookup(node, key)?.value());
    }
    node.scalar()
        .filter(|s| !s.is_empty() && !node.is_null())
        .map(str::to_string)
}

/// The text of a file given to `auth --from-file`: a recovery file (by its
/// name) must pass the private files' checks, any other must be a regular
/// file; at most [`MAX_SMALL`] bytes.
pub(crate) fn read_given(path: &Path) -> Result<String, String> {
    let file = open(path).map_err(|e| super::describe(&e))?;
    let bytes = read_capped(file, MAX_SMALL).map_err(|e| e.to_string())?;
    super::file::decode(bytes).map_err(|e| e.to_string())
}

/// Opens a recovery file or leftover: one lying among the private files
/// must pass their checks; any other must be a regular file.
fn open(path: &Path) -> io::Result<File> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.contains(KIND) {
        private::open_trusted(path)
    } else {
        super::file::open_regular(path, true)
            .map(|(f, _)| f)
            .map_err(|e| match e {
                ReadError::Io(e) => e,
                other => io::Error::other(other.to_string()),
            })
    }
}

#[cfg(unix)]
mod platform {
    use std::fs::{File, Metadata};
    use std::io;
    use std::os::unix::fs::{FileExt, MetadataExt};

    pub(super) fn write_at_start(file: &File, bytes: &[u8]) -> io::Result<()> {
        file.write_all_at(bytes, 0)
    }

    pub(super) fn own(meta: &Metadata) -> bool {
        meta.uid() == rustix::process::geteuid().as_raw()
    }
}

#[cfg(not(unix))]
mod platform {
    use std::fs::{File, Metadata};
    use std::io::{self, Seek, SeekFrom, Write};

    pub(super) fn write_at_start(mut file: &File, bytes: &[u8]) -> io::Result<()> {
        file.seek(SeekFrom::Start(0))?;
        file.write_all(bytes)
    }

    pub(super) fn own(_meta: &Metadata) -> bool {
        true
    }
}
