//! Saving Trakt's tokens (for `renew` and `auth`): planned with stand-in
//! answers before anything is spent, written through the session, and
//! kept in a recovery file when the write still fails.

use std::path::{Path, PathBuf};

use super::{Failure, parse, refused};
use crate::authorization::Tokens;
use crate::document::apply;
use crate::kometa::tokens::{Pin, token_edits, worst_case_answer};
use crate::kometa::{PROTECT, TraktBlock};
use crate::persist::{Session, recovery};

/// The config's trakt block, or a failure saying there is none.
pub(crate) fn block(file: &Path, text: &str) -> Result<TraktBlock, Failure> {
    let doc = parse(file, text)?;
    TraktBlock::read(&doc).ok_or_else(|| {
        Failure::usage(format!(
            "{}: no trakt block (a `trakt:` mapping at the root)",
            file.display()
        ))
    })
}

/// Refuses, before anything is spent, a config where an answer could not
/// be stored: every value Trakt's answer may change is planned with a
/// value that changes it.
pub(crate) fn plan(file: &Path, text: &str, now: i64, pin: Pin) -> Result<(), Failure> {
    let current = block(file, text)?;
    let edits = token_edits(&current, &worst_case_answer(now, &current), pin);
    apply(text, &edits, &PROTECT).map(|_| ()).map_err(|e| {
        let mut failure = refused(file, e);
        failure
            .message
            .push_str("; not contacting Trakt, since the new tokens could not be stored here");
        failure
    })
}

/// Tokens saved into a config.
pub(crate) struct Saved {
    /// The config's text before and after.
    pub(crate) before: String,
    pub(crate) after: String,
    /// Its recovery files, removed: the saved tokens supersede them.
    pub(crate) removed: Vec<PathBuf>,
}

impl Saved {
    /// A line for each recovery file removed.
    pub(crate) fn notes(&self) -> String {
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

/// Writes `tokens` into the config held by `session`, then removes its
/// recovery files. If the write fails, the tokens go to a recovery file
/// whose path and use are in the failure.
pub(crate) fn save(
    session: &Session,
    file: &Path,
    tokens: &Tokens,
    pin: Pin,
) -> Result<Saved, Failure> {
    let before = session.text().to_string();
    let written = block(file, &before)
        .and_then(|current| {
            apply(&before, &token_edits(&current, tokens, pin), &PROTECT)
                .map_err(|e| refused(file, e))
        })
        .and_then(|outcome| {
            session
                .write(&outcome.text)
                .map(|_| outcome.text)
                .map_err(|e| Failure::usage(e.to_string()))
        });
    match written {
        Ok(after) => Ok(Saved {
            before,
            after,
            removed: recovery::clear(session.target()),
        }),
        Err(failure) => Err(recover(session.target(), file, tokens, &failure.message)),
    }
}

/// The failure to tell when tokens could not be saved: where they are
/// instead, or that they are lost.
fn recover(target: &Path, file: &Path, tokens: &Tokens, reason: &str) -> Failure {
    let name = file.display();
    match recovery::write(target, tokens) {
        Ok(path) => Failure::usage(format!(
            "{name}: the new tokens could not be saved ({reason}). They are in {} (readable by you only); apply them with:\n  kometa-trakt auth {name} --from-file {}",
            path.display(),
            path.display()
        )),
        Err(e) => Failure::usage(format!(
            "{name}: the new tokens could not be saved ({reason}), nor written to a recovery file ({}): authorize again",
            crate::persist::describe(&e)
        )),
    }
}
