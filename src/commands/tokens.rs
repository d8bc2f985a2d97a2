//! Saving Trakt's tokens (for `renew` and `auth`): planned with stand-in
//! answers before anything is spent, written through the session, and
//! kept in a recovery file when the write still fails.

use std::path::{Path, PathBuf};

use super::{Failure, refused};
use crate::authorization::Tokens;
use crate::document::{Document, Edit, EditError, Editor, Outcome, Parse};
use crate::kometa::sensitive::is_secret_key;
use crate::kometa::tokens::{Pin, token_edits, worst_case_answer};
use crate::kometa::{PROTECT, TraktBlock};
use crate::persist::{Session, recovery};

/// A config's text parsed once for its trakt block: the tree to read the
/// block from and to plan the token edits on (secrets found, for diffs).
pub(crate) struct Parsed<'a> {
    doc: Document<'a>,
    pub(crate) block: TraktBlock,
}

impl<'a> Parsed<'a> {
    /// The text parsed.
    pub(crate) fn text(&self) -> &'a str {
        self.doc.source.text
    }

    /// `edits` applied to the text, verified.
    pub(crate) fn edit(&self, edits: &[Edit]) -> Result<Outcome, EditError> {
        let mut editor = Editor::with(&self.doc, PROTECT)?;
        editor.edit(edits)?;
        editor.finish()
    }
}

/// The config's text parsed for its trakt block, or a failure saying it
/// has none; with `masked`, where its secrets are (for a diff, before and
/// after an edit).
pub(crate) fn parse<'a>(file: &Path, text: &'a str, masked: bool) -> Result<Parsed<'a>, Failure> {
    let keys = ["trakt", "<<"];
    let secret_key = masked.then_some(is_secret_key as fn(&str) -> bool);
    let parse = Parse::masked_by(secret_key)
        .root_keys(&keys)
        .without_duplicates();
    let doc = Document::parse_with(text, parse).map_err(|e| refused(file, e.into()))?;
    let block = TraktBlock::read(&doc).ok_or_else(|| {
        Failure::usage(format!(
            "{}: no trakt block (a `trakt:` mapping at the root)",
            file.display()
        ))
    })?;
    Ok(Parsed { doc, block })
}

/// Refuses, before anything is spent, a config where an answer could not
/// be stored: every value Trakt's answer may change is planned with a
/// value that changes it.
pub(crate) fn plan(file: &Path, parsed: &Parsed<'_>, now: i64, pin: Pin) -> Result<(), Failure> {
    let current = &parsed.block;
    let edits = token_edits(current, &worst_case_answer(now, current), pin);
    parsed.edit(&edits).map(|_| ()).map_err(|e| {
        let mut failure = refused(file, e);
        failure
            .message
            .push_str("; not contacting Trakt, since the new tokens could not be stored here");
        failure
    })
}

/// Tokens saved into a config.
pub(crate) struct Saved {
    /// The config's text after, with where secrets are before and after.
    pub(crate) after: Outcome,
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

/// Writes `tokens` into the config held by `session` (planned on `parsed`
/// when it is the same text; else parsed again, `masked` or not), then
/// removes its recovery files. If the
/// write fails, the tokens go to a recovery file whose path and use are in
/// the failure.
pub(crate) fn save(
    session: &Session,
    file: &Path,
    tokens: &Tokens,
    pin: Pin,
    parsed: Option<&Parsed<'_>>,
    masked: bool,
) -> Result<Saved, Failure> {
    let text = session.text();
    let reparsed;
    let parsed = match parsed.filter(|p| p.text() == text) {
        Some(parsed) => Ok(parsed),
        None => match parse(file, text, masked) {
            Ok(p) => {
                reparsed = p;
                Ok(&reparsed)
            }
            Err(e) => Err(e),
        },
    };
    let written = parsed
        .and_then(|parsed| {
            parsed
                .edit(&token_edits(&parsed.block, tokens, pin))
                .map_err(|e| refused(file, e))
        })
        .and_then(|outcome| {
            session
                .write(&outcome.text)
                .map(|_| outcome)
                .map_err(|e| Failure::usage(e.to_string()))
        });
    match written {
        Ok(after) => Ok(Saved {
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
