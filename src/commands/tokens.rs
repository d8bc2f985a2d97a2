//! Spending a refresh token, a PIN or an approved device code, and saving
//! what Trakt answers, so that the authorization is never lost:
//!
//! 1. before anything is sent, the save is planned with a worst-case
//!    answer, the lock is taken, and the space the save needs is reserved
//!    (a recovery file and the config's temp file, written and synced):
//!    anything that fails here fails with nothing spent (exit 2);
//! 2. the stop signals are held from sending the request until its answer
//!    is saved (a stop cuts the wait for the answer to 5 seconds);
//! 3. the answer goes to the recovery file first (one write, one sync),
//!    however incomplete it is, as long as it holds a refresh token;
//! 4. then it is checked, planned and written into the config; the
//!    recovery file is removed once the config holds it, and kept (and
//!    named) when the config could not take it;
//! 5. a stop signal that came meanwhile ends the process with 128 + its
//!    number, after the save.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::{Context, Exit, Failure, refused};
use crate::authorization::{Answer, Tokens};
use crate::document::{Digest, Digests, Document, Edit, EditError, Editor, Outcome, Parse};
use crate::kometa::sensitive::is_secret_key;
use crate::kometa::tokens::{Pin, token_edits, worst_case_answer};
use crate::kometa::{PROTECT, TraktBlock};
use crate::persist::recovery::{self, Reservation};
use crate::persist::{Needs, SaveError, Session};
use crate::signals::Hold;
use crate::trakt::TraktError;

/// A config's text parsed once for its trakt block: the tree to read the
/// block from and to plan the token edits on (secrets found, for diffs).
pub(crate) struct Parsed<'a> {
    doc: Document<'a>,
    pub(crate) block: TraktBlock,
    masked: bool,
}

impl<'a> Parsed<'a> {
    /// The text parsed.
    pub(crate) fn text(&self) -> &'a str {
        self.doc.source.text
    }

    /// `edits` applied to the text, verified.
    pub(crate) fn edit(&self, edits: &[Edit]) -> Result<Outcome, EditError> {
        self.edit_digested(edits, Digests::Skip)
    }

    /// [`Parsed::edit`], with digests used as `how` says.
    fn edit_digested(&self, edits: &[Edit], how: Digests) -> Result<Outcome, EditError> {
        let mut editor = Editor::with(&self.doc, PROTECT)?;
        editor.digests(how);
        editor.edit(edits)?;
        editor.finish()
    }

    /// This parse when it is of `text`, else `text` parsed the same way
    /// into `slot`.
    pub(crate) fn of<'s>(
        &'s self,
        file: &Path,
        text: &'s str,
        slot: &'s mut Option<Parsed<'s>>,
    ) -> Result<&'s Parsed<'s>, Failure> {
        if self.text() == text {
            return Ok(self);
        }
        Ok(slot.insert(parse(file, text, self.masked)?))
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
    Ok(Parsed { doc, block, masked })
}

/// A save planned with a worst-case answer: the size of its text, and its
/// digest, against which the real answer's save is verified (the original
/// is not parsed a third time).
pub(crate) struct Plan {
    size: usize,
    digest: Option<Digest>,
}

/// Refuses, before anything is spent, a config where an answer could not
/// be stored: every value Trakt's answer may change is planned with a
/// value that changes it.
pub(crate) fn plan(file: &Path, parsed: &Parsed<'_>, now: i64, pin: Pin) -> Result<Plan, Failure> {
    let current = &parsed.block;
    let edits = token_edits(current, &worst_case_answer(now, current), pin);
    parsed
        .edit_digested(&edits, Digests::Make)
        .map(|outcome| Plan {
            size: outcome.text.len(),
            digest: outcome.digest,
        })
        .map_err(|e| {
            let mut failure = refused(file, e);
            failure
                .message
                .push_str("; not contacting Trakt, since the new tokens could not be stored here");
            failure
        })
}

/// Room for a real answer beside the worst case planned (which has tokens
/// of Trakt's 64 characters): tokens of up to 2 KiB each.
const ANSWER_ROOM: u64 = 8 << 10;

/// Everything made ready before something is spent: the lock held, the
/// save planned on the text under it, the space reserved.
pub(crate) struct Ready<'t> {
    session: Session<'t>,
    reservation: Reservation,
    pin: Pin,
    file: PathBuf,
    /// The digest of the save planned on the text under the lock.
    digest: Option<Digest>,
}

/// Makes ready to spend something for the config `file`, read and parsed
/// before as `parsed`, on which [`plan`] gave `planned`. Any failure here
/// leaves nothing spent (exit 2).
pub(crate) fn ready<'t>(
    ctx: &Context,
    file: &Path,
    parsed: &Parsed<'t>,
    planned: Plan,
    now: i64,
    pin: Pin,
) -> Result<Ready<'t>, Failure> {
    let not_sent = |e: SaveError| {
        let mut failure = super::unsaved(file, e);
        failure
            .message
            .push_str("; nothing was sent to Trakt, so nothing was spent");
        failure
    };
    let mut session = Session::begin_from(file, parsed.text(), Needs::WriteOrRecover, ctx.wait())
        .map_err(not_sent)?;
    // Under the lock the file is read again; when it still holds what was
    // parsed and planned on before, that plan holds.
    let plan = match session.text() == parsed.text() {
        true => planned,
        false => {
            let mut slot = None;
            plan(file, parsed.of(file, session.text(), &mut slot)?, now, pin)?
        }
    };
    let reservation = session
        .reserve(plan.size as u64 + ANSWER_ROOM)
        .map_err(not_sent)?;
    Ok(Ready {
        session,
        reservation,
        pin,
        file: file.to_path_buf(),
        digest: plan.digest,
    })
}

/// Tokens saved into a config.
pub(crate) struct Saved<'t> {
    /// The config's text before, and after with where secrets are.
    pub(crate) before: Cow<'t, str>,
    pub(crate) after: Outcome,
    /// What was saved.
    pub(crate) tokens: Tokens,
    /// The keys the answer lacked, given stand-in values.
    pub(crate) guessed: Vec<&'static str>,
    /// Its recovery files and leftovers, removed: the saved tokens
    /// supersede them.
    pub(crate) removed: Vec<PathBuf>,
    /// A stop signal that came while the answer was being saved: the
    /// command ends with 128 + its number.
    pub(crate) stopped: Option<i32>,
    /// Another program wrote the config in the instant before the save's
    /// rename: what happened, and the recovery file kept beside the saved
    /// tokens (should that program's text be put back).
    pub(crate) superseded: Option<(String, Option<PathBuf>)>,
}

impl Saved<'_> {
    /// Lines about what else happened: stand-ins, recovery files removed.
    pub(crate) fn notes(&self) -> String {
        let mut out = String::new();
        if !self.guessed.is_empty() {
            out.push_str(&format!(
                "note: Trakt's answer had no usable {}; stand-ins were saved (the next renewal writes Trakt's values)\n",
                self.guessed.join(", ")
            ));
        }
        for p in &self.removed {
            out.push_str(&format!(
                "removed {}: superseded by the tokens just saved\n",
                p.display()
            ));
        }
        out
    }

    /// Says on standard error that another program's write was replaced
    /// (the config `name` holds the tokens), if it was.
    pub(crate) fn warn(&self, name: &str) {
        let Some((what, recovery)) = &self.superseded else {
            return;
        };
        let also = match recovery {
            Some(path) => format!(
                ", and kept in {0} too: should you put the other text back, apply them with `kometa-trakt auth {name} --from-file {0}`",
                path.display()
            ),
            None => String::new(),
        };
        eprintln!(
            "kometa-trakt: {name}: warning: {what}. The new tokens are saved in {name}{also}"
        );
    }

    /// The exit of a command that saved tokens: 0, or 128 + a stop signal
    /// that came meanwhile.
    pub(crate) fn exit(&self) -> Exit {
        self.stopped.map_or(Exit::Ok, Exit::Stopped)
    }
}

impl<'t> Ready<'t> {
    /// The config's text under the lock.
    pub(crate) fn text(&self) -> &str {
        self.session.text()
    }

    /// Where the config is (symlinks resolved).
    pub(crate) fn target(&self) -> &Path {
        self.session.target()
    }

    /// Sends the spending request `send` with the stop signals held, and
    /// saves its answer: first to the recovery file, then into the config
    /// (planned on `parsed` when it is the text under the lock).
    pub(crate) fn spend(
        self,
        now: i64,
        parsed: &Parsed<'_>,
        send: impl FnOnce() -> Result<Answer, TraktError>,
    ) -> Result<Saved<'t>, Failure> {
        let hold = Hold::begin();
        match send() {
            Ok(answer) => self.save_answer(now, &answer, parsed, hold),
            Err(e) => Err(stopped(Failure::from(e), hold.end())),
        }
    }

    /// Saves the answer to a spending request sent while `hold` held the
    /// stop signals: first to the recovery file, then into the config.
    pub(crate) fn save_answer(
        mut self,
        now: i64,
        answer: &Answer,
        parsed: &Parsed<'_>,
        hold: Hold,
    ) -> Result<Saved<'t>, Failure> {
        let target = self.session.target().to_path_buf();
        let kept = self.reservation.keep(&target, answer);
        let outcome = self.save(now, answer, parsed);
        let signal = hold.end();
        match (outcome, kept) {
            (Ok(written), kept) => {
                // Replaced after another program's write (kept apart):
                // the recovery file stays, should that text be put back.
                let kept_at = (written.superseded.is_some() && kept.is_ok())
                    .then(|| self.reservation.path().to_path_buf());
                let removed = match kept_at {
                    Some(_) => Vec::new(),
                    None => {
                        self.reservation.discard();
                        recovery::clear(&target)
                    }
                };
                let superseded = written.superseded.map(|what| (what, kept_at));
                Ok(Saved {
                    before: self.session.into_text(),
                    after: written.outcome,
                    tokens: written.tokens,
                    guessed: written.guessed,
                    removed,
                    stopped: signal,
                    superseded,
                })
            }
            (Err(reason), Ok(())) => {
                let name = self.file.display();
                let path = self.reservation.path().display();
                Err(stopped(
                    Failure::usage(format!(
                        "{name}: the new tokens could not be saved ({reason}). They are in {path} (readable by you only); apply them with:\n  kometa-trakt auth {name} --from-file {path}"
                    )),
                    signal,
                ))
            }
            (Err(reason), Err(e)) => Err(stopped(
                Failure::usage(format!(
                    "{}: the new tokens could not be saved ({reason}), nor written to a recovery file ({}): authorize again",
                    self.file.display(),
                    crate::persist::describe(&e)
                )),
                signal,
            )),
        }
    }

    /// Writes `answer` into the config (re-read under the lock when the
    /// session began, and compared again before the write): what it
    /// wrote, the tokens and the keys given stand-ins.
    fn save(&mut self, now: i64, answer: &Answer, parsed: &Parsed<'_>) -> Result<Written, String> {
        let (outcome, tokens, guessed) = {
            let mut slot = None;
            let locked = parsed
                .of(&self.file, self.session.text(), &mut slot)
                .map_err(|f| f.message)?;
            let current = &locked.block;
            let previous = current.expires_in.as_deref().and_then(|e| e.parse().ok());
            let (tokens, guessed) = answer
                .stored(now, previous)
                .ok_or_else(|| "the answer holds no refresh token".to_string())?;
            let outcome = locked
                .edit_digested(
                    &token_edits(current, &tokens, self.pin),
                    self.digest.take().map_or(Digests::Skip, Digests::Like),
                )
                .map_err(|e| refused(&self.file, e).message)?;
            (outcome, tokens, guessed)
        };
        let superseded = match self.session.write(&outcome.text) {
            Ok(_) => None,
            Err(e) => Some(e.superseded().ok_or_else(|| e.to_string())?),
        };
        Ok(Written {
            outcome,
            tokens,
            guessed,
            superseded,
        })
    }
}

/// What [`Ready::save`] wrote, the tokens, the keys given stand-ins, and
/// whether another program's write was replaced.
struct Written {
    outcome: Outcome,
    tokens: Tokens,
    guessed: Vec<&'static str>,
    superseded: Option<String>,
}

/// A failure with the stop signal that came meanwhile, if any: the
/// process then ends with 128 + its number, having said what happened.
fn stopped(mut failure: Failure, signal: Option<i32>) -> Failure {
    if let Some(sig) = signal {
        failure.exit = Exit::Stopped(sig);
    }
    failure
}
