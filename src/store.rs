//! Saving new tokens into a config without ever losing them: preflight
//! before any network call, an exclusive lock with a re-read, a verified
//! edit of exactly the values that changed, an atomic write, and a 0600
//! recovery file when the write still fails.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use crate::document::{Document, Edit, NewValue, Value, apply};
use crate::error::{Exit, Failure, io_reason};
use crate::kometa::{TraktBlock, value_type};
use crate::recovery;
use crate::save::{self, Loaded};
use crate::trakt::Tokens;

/// The edits that store `tokens`: every value that differs from `current`
/// (all six when `current` has no authorization), and `pin` cleared.
pub fn token_edits(current: &TraktBlock, tokens: &Tokens, clear_pin: bool) -> Vec<Edit> {
    let text = |key: &str, raw: String| {
        let path: Vec<String> = ["trakt", "authorization", key]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let fallback = value_type(&path);
        Edit {
            path,
            value: NewValue::Text { raw, fallback },
        }
    };
    let mut edits = Vec::new();
    let changed = |old: &Option<String>, new: &str| old.as_deref() != Some(new);
    let values = [
        (
            "access_token",
            tokens.access_token.clone(),
            changed(&current.access_token, &tokens.access_token),
        ),
        (
            "token_type",
            tokens.token_type.clone(),
            !current
                .token_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(&tokens.token_type)),
        ),
        (
            "expires_in",
            tokens.expires_in.to_string(),
            changed(&current.expires_in, &tokens.expires_in.to_string()),
        ),
        (
            "refresh_token",
            tokens.refresh_token.clone(),
            changed(&current.refresh_token, &tokens.refresh_token),
        ),
        (
            "scope",
            tokens.scope.clone(),
            changed(&current.scope, &tokens.scope),
        ),
        (
            "created_at",
            tokens.created_at.to_string(),
            changed(&current.created_at, &tokens.created_at.to_string()),
        ),
    ];
    for (key, raw, differs) in values {
        if differs {
            edits.push(text(key, raw));
        }
    }
    if clear_pin && current.pin.is_some() {
        edits.push(Edit {
            path: vec!["trakt".into(), "pin".into()],
            value: NewValue::Typed(Value::Null),
        });
    }
    edits
}

/// Tokens shaped like real ones, for planning and previews without a call.
pub fn placeholder_tokens(now: i64, current: &TraktBlock) -> Tokens {
    Tokens {
        access_token: "f".repeat(64),
        token_type: current
            .token_type
            .clone()
            .unwrap_or_else(|| "bearer".into()),
        expires_in: current
            .expires_in
            .as_deref()
            .and_then(|e| e.parse().ok())
            .unwrap_or(86_400),
        refresh_token: "e".repeat(64),
        scope: current.scope.clone().unwrap_or_else(|| "public".into()),
        created_at: now,
    }
}

/// Refuses, before any network call, a config whose new tokens could not
/// be saved: the file must be writable, and either its directory (for an
/// atomic rename) or an in-place rewrite must be possible.
pub fn preflight(target: &Path) -> Result<(), Failure> {
    let name = target.display();
    OpenOptions::new().write(true).open(target).map_err(|e| {
        Failure::usage(format!(
            "{name}: cannot write: {}; not contacting Trakt, since the new tokens could not be saved",
            io_reason(&e)
        ))
    })?;
    Ok(())
}

/// An exclusive lock on the config, held until dropped. Every kometa-trakt
/// process that writes tokens takes it and re-reads the file after.
pub struct Lock {
    _file: File,
}

/// Waits for the exclusive lock on `target`.
pub fn lock(target: &Path) -> Result<Lock, Failure> {
    let file = File::open(target).map_err(|e| {
        Failure::usage(format!(
            "{}: cannot open: {}",
            target.display(),
            io_reason(&e)
        ))
    })?;
    file.lock().map_err(|e| {
        Failure::usage(format!(
            "{}: cannot lock: {}",
            target.display(),
            io_reason(&e)
        ))
    })?;
    Ok(Lock { _file: file })
}

/// Tokens saved into a config.
pub struct Saved {
    /// The config's new text.
    pub text: String,
    /// Its recovery files, removed: the saved tokens supersede them.
    pub removed: Vec<PathBuf>,
}

impl Saved {
    /// A line for each recovery file removed.
    pub fn notes(&self) -> String {
        self.removed
            .iter()
            .map(|p| {
                format!(
                    "removed {}: superseded by the tokens just saved\n",
                    p.display()
                )
            })
            .collect()
    }
}

/// Writes `tokens` into the config read as `loaded`, then removes its
/// recovery files. If the write fails, the tokens go to a recovery file
/// whose path and use are in the failure.
pub fn save_tokens(loaded: &Loaded, edits: &[Edit], tokens: &Tokens) -> Result<Saved, Failure> {
    let saved = apply(&loaded.text, edits)
        .map_err(|e| e.to_string())
        .and_then(|outcome| {
            save::write(loaded, &outcome.text)
                .map(|_| Saved {
                    text: outcome.text,
                    removed: recovery::clear(&loaded.target),
                })
                .map_err(|e| io_reason(&e))
        });
    saved.map_err(|reason| {
        let name = loaded.target.display();
        match recovery::write(&loaded.target, tokens) {
            Ok(path) => Failure {
                exit: Exit::Usage,
                message: format!(
                    "{name}: the new tokens could not be saved ({reason}). They are in {} (readable by you only); apply them with:\n  kometa-trakt auth {name} --from-file {}",
                    path.display(),
                    path.display()
                ),
            },
            Err(e) => Failure {
                exit: Exit::Usage,
                message: format!(
                    "{name}: the new tokens could not be saved ({reason}), nor written to a recovery file ({}): authorize again",
                    io_reason(&e)
                ),
            },
        }
    })
}

/// Reads and parses a config and its trakt block.
pub fn load(file: &Path) -> Result<(Loaded, TraktBlock), Failure> {
    let loaded = save::read(file).map_err(|e| {
        Failure::usage(format!(
            "{}: cannot read: {}",
            file.display(),
            io_reason(&e)
        ))
    })?;
    let block = {
        let doc = Document::parse(&loaded.text).map_err(|e| {
            Failure::usage(format!(
                "{}:{}: YAML syntax error: {}",
                file.display(),
                e.pos,
                e.message
            ))
        })?;
        TraktBlock::read(&doc)
    };
    let block = block.ok_or_else(|| {
        Failure::usage(format!(
            "{}: no trakt block (a `trakt:` mapping at the root)",
            file.display()
        ))
    })?;
    Ok((loaded, block))
}
