//! Recovery files: new tokens that could not be saved into the config,
//! written where they survive (a private file, see `private`); reading them
//! (or a block pasted from Kometa's web page) back; finding those not
//! applied yet.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::private;
use crate::authorization::Tokens;
use crate::document::scalar::double_quoted;
use crate::document::{Document, Node};

/// What recovery files are called among the private files.
pub(crate) const KIND: &str = "kometa-trakt-recovery";

/// The end of a recovery file's name.
const SUFFIX: &str = ".yml";

/// Why a recovery file or pasted block cannot be used.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RecoveryError {
    #[error("{path}: cannot read: {reason}")]
    Read { path: String, reason: String },
    #[error("{path}:{pos}: YAML syntax error: {message}")]
    Syntax {
        path: String,
        pos: crate::document::Pos,
        message: String,
    },
    #[error(
        "{path}: not a complete authorization block: it needs access_token, token_type, expires_in, refresh_token, scope and created_at"
    )]
    Incomplete { path: String },
}

/// Writes `tokens` for the config `target` to a new private recovery file;
/// returns its path. The config's path is written as a quoted YAML value,
/// never raw (a file name may hold a line break).
pub(crate) fn write(target: &Path, tokens: &Tokens) -> std::io::Result<PathBuf> {
    let q = double_quoted;
    let body = format!(
        "# kometa-trakt: new Trakt tokens that could not be saved into the config named below.\n\
         # Apply them with: kometa-trakt auth CONFIG --from-file THIS_FILE\n\
         config: {}\n\
         trakt:\n  authorization:\n    access_token: {}\n    token_type: {}\n    expires_in: {}\n    refresh_token: {}\n    scope: {}\n    created_at: {}\n",
        q(&target.to_string_lossy()),
        q(&tokens.access_token),
        q(&tokens.token_type),
        tokens.expires_in,
        q(&tokens.refresh_token),
        q(&tokens.scope),
        tokens.created_at
    );
    private::create_near(target, KIND, SUFFIX, body.as_bytes())
}

/// The trusted recovery files of `target`.
pub(crate) fn find(target: &Path) -> Vec<PathBuf> {
    private::find(target, KIND, SUFFIX)
}

/// A recovery file of `target` holding other tokens than the config's
/// `refresh_token`: tokens from a renewal that could not be saved, and
/// likely the live ones.
pub(crate) fn unapplied(target: &Path, refresh_token: Option<&str>) -> Option<PathBuf> {
    find(target).into_iter().find(|path| {
        read(path).is_ok_and(|tokens| Some(tokens.refresh_token.as_str()) != refresh_token)
    })
}

/// Removes the recovery files of `target` once new tokens are saved in it:
/// they were applied or are superseded. Returns the files removed.
pub(crate) fn clear(target: &Path) -> Vec<PathBuf> {
    find(target)
        .into_iter()
        .filter(|path| std::fs::remove_file(path).is_ok())
        .collect()
}

/// Reads an authorization block: `trakt: authorization: ...`,
/// `authorization: ...`, or the six keys at the root; `-` is stdin. A file
/// in a place for recovery files must be one this user can trust.
pub(crate) fn read(path: &Path) -> Result<Tokens, RecoveryError> {
    let shown = path.display().to_string();
    let mut text = String::new();
    let read = if shown == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        open(path).and_then(|mut f| f.read_to_string(&mut text).map(|_| ()))
    };
    read.map_err(|e| RecoveryError::Read {
        path: shown.clone(),
        reason: super::describe(&e),
    })?;
    let doc = Document::parse(&text).map_err(|e| RecoveryError::Syntax {
        path: shown.clone(),
        pos: e.pos,
        message: e.message.clone(),
    })?;
    let incomplete = || RecoveryError::Incomplete {
        path: shown.clone(),
    };
    let root = doc.roots.first().ok_or_else(incomplete)?;
    fn mapping<'d, 'a>(
        doc: &'d Document<'a>,
        node: &'d Node<'a>,
        key: &str,
    ) -> Option<&'d Node<'a>> {
        doc.lookup(node, key)
            .map(|f| doc.target(f.value()))
            .filter(|n| n.entries().is_some())
    }
    let find = |node, key| mapping(&doc, node, key);
    let block = find(root, "trakt")
        .and_then(|t| find(t, "authorization"))
        .or_else(|| find(root, "authorization"))
        .unwrap_or(root);
    let text_of = |key: &str| {
        doc.lookup(block, key)
            .map(|f| doc.target(f.value()))
            .filter(|n| !n.is_null())
            .and_then(|n| n.scalar().map(str::to_string))
            .filter(|s| !s.is_empty())
    };
    let number = |key: &str| text_of(key).and_then(|v| v.parse::<i64>().ok());
    Ok(Tokens {
        access_token: text_of("access_token").ok_or_else(incomplete)?,
        token_type: text_of("token_type").ok_or_else(incomplete)?,
        expires_in: number("expires_in").ok_or_else(incomplete)?,
        refresh_token: text_of("refresh_token").ok_or_else(incomplete)?,
        scope: text_of("scope").ok_or_else(incomplete)?,
        created_at: number("created_at").ok_or_else(incomplete)?,
    })
}

/// Opens a file given to `--from-file`: one lying among the private files
/// must pass their checks; any other is the user's own choice.
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.contains(KIND) {
        private::open_trusted(path)
    } else {
        std::fs::File::open(path)
    }
}
