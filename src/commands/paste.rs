//! `auth --paste` and `auth --from-file`: write a trakt block pasted from
//! the Kometa Utilities page (or a recovery file) into the config with the
//! usual minimal edits: comments, quotes and layout kept, missing keys
//! added, the block's own comments left out. Nothing is spent, so nothing
//! is held: a block that fails a check is refused whole (exit 2) and
//! nothing is written.

use std::path::Path;

use super::tokens::Saved;
use super::{Context, Failure, NetArgs, parse, refused, unsaved};
use crate::document::{Edit, NewValue, apply};
use crate::kometa::paste::{self, Pasted};
use crate::kometa::placeholder;
use crate::kometa::secrets::Resolved;
use crate::kometa::tokens::{Pin, token_edits};
use crate::kometa::{PROTECT, TraktBlock, value_type};
use crate::persist::file::{MAX_SMALL, read_text};
use crate::persist::recovery;
use crate::persist::{Needs, Session};
use crate::trakt::{self, Client};

/// Where the block comes from: standard input (`--paste`) or a file.
pub(crate) enum Source<'p> {
    Stdin,
    File(&'p Path),
}

/// Reads the block from `source`, checks it, optionally proves it with
/// Trakt (`verify`), and writes it into the config `file`. Returns what
/// was saved and the account, when verified.
pub(crate) fn apply_pasted(
    ctx: &Context,
    file: &Path,
    source: Source<'_>,
    verify: Option<&NetArgs>,
    now: i64,
) -> Result<(Saved<'static>, Option<String>), Failure> {
    let (shown, path, fresh) = match source {
        Source::Stdin => ("the pasted block".to_string(), Path::new("-"), true),
        Source::File(p) => (p.display().to_string(), p, false),
    };
    let refuse = |why: String| Failure::usage(format!("{shown}: {why}; nothing was written"));
    let text = match source {
        Source::Stdin => read_text(path, MAX_SMALL).map_err(|e| e.to_string()),
        Source::File(p) if p.as_os_str() == "-" => {
            read_text(p, MAX_SMALL).map_err(|e| e.to_string())
        }
        Source::File(p) => recovery::read_given(p),
    }
    .map_err(|e| refuse(format!("cannot read: {e}")))?;
    let pasted = paste::read(&text).map_err(|e| refuse(e.to_string()))?;
    let name = file.display().to_string();
    let loaded = super::load(file)?;
    let current = block_of(file, &loaded.text)?;
    pasted
        .checked(now, fresh, current.client_id.is_some())
        .map_err(|e| refuse(e.to_string()))?;
    let secrets = ctx.secrets(file);
    let account = match verify {
        Some(net) => Some(verified(&pasted, &current, &secrets, net)?),
        None => None,
    };
    let mut session =
        Session::begin(file, Needs::Write, ctx.wait()).map_err(|e| unsaved(file, e))?;
    let before = session.text().to_string();
    let current = block_of(file, &before)?;
    let previous = current.expires_in.as_deref().and_then(|e| e.parse().ok());
    let (tokens, guessed) = pasted
        .answer
        .stored(now, previous)
        .ok_or_else(|| refuse("it holds no refresh token".into()))?;
    let mut edits = credential_edits(&pasted, &current);
    edits.extend(token_edits(&current, &tokens, Pin::Clear));
    let edits = kept_placeholders(edits, &current, &secrets, &name)?;
    let outcome = apply(&before, &edits, &PROTECT, None).map_err(|e| refused(file, e))?;
    if outcome.changed(&before) {
        session.write(&outcome.text).map_err(|e| unsaved(file, e))?;
    }
    let removed = recovery::clear(session.target());
    Ok((
        Saved {
            before: before.into(),
            after: outcome,
            tokens,
            guessed,
            removed,
            stopped: None,
            superseded: None,
        },
        account,
    ))
}

/// The config's trakt block, or an empty one when it has none (the paste
/// adds it).
fn block_of(file: &Path, text: &str) -> Result<TraktBlock, Failure> {
    Ok(TraktBlock::read(&parse(file, text)?).unwrap_or_default())
}

/// The client id and secret of a block for another client than the
/// config's (or for a config without them).
fn credential_edits(pasted: &Pasted, current: &TraktBlock) -> Vec<Edit> {
    [
        ("client_id", &pasted.client_id, &current.client_id),
        (
            "client_secret",
            &pasted.client_secret,
            &current.client_secret,
        ),
    ]
    .into_iter()
    .filter_map(|(key, new, old)| {
        let new = new.as_ref().filter(|n| Some(*n) != old.as_ref())?;
        let path = vec!["trakt".to_string(), key.to_string()];
        Some(Edit {
            value: NewValue::Text {
                raw: new.clone(),
                fallback: value_type(&path),
            },
            path,
        })
    })
    .collect()
}

/// The edits without those that would replace a `<<placeholder>>`: a
/// placeholder that resolves (environment, `.env`, `--kometa-` argument)
/// to the pasted value is kept as it is; one that does not refuses the
/// whole paste, naming the variable to set (never the value).
fn kept_placeholders(
    edits: Vec<Edit>,
    current: &TraktBlock,
    secrets: &crate::kometa::secrets::Secrets,
    name: &str,
) -> Result<Vec<Edit>, Failure> {
    let mut kept = Vec::with_capacity(edits.len());
    for edit in edits {
        let key = edit.path.last().map(String::as_str).unwrap_or_default();
        let old = current.value(key);
        let Some(old) = old.filter(|o| placeholder::contains(o)) else {
            kept.push(edit);
            continue;
        };
        let new = match &edit.value {
            NewValue::Text { raw, .. } => Some(raw.clone()),
            _ => None,
        };
        let resolved = match secrets.resolve(old) {
            Resolved::Replaced(v) => Some(v),
            _ => None,
        };
        if new.is_some() && resolved == new {
            continue;
        }
        let variable = placeholder::placeholders(old)
            .first()
            .map(|p| placeholder::variable(&placeholder::resolvable_spelling(p.name)))
            .unwrap_or_default();
        return Err(Failure::usage(format!(
            "{name}: `{}` is the placeholder {}, which kometa-trakt never overwrites, and {variable} does not hold the pasted value: set {variable} to it (where Kometa runs too), then paste again; nothing was written",
            edit.path.join("."),
            crate::words::clip(old, crate::words::WORD)
        )));
    }
    Ok(kept)
}

/// Proves the pasted tokens with `GET /users/settings` before anything is
/// written; returns the account.
fn verified(
    pasted: &Pasted,
    current: &TraktBlock,
    secrets: &crate::kometa::secrets::Secrets,
    net: &NetArgs,
) -> Result<String, Failure> {
    let config_id = current.credentials(secrets).ok().map(|c| c.client_id);
    let client_id = pasted.client_id.clone().or(config_id).unwrap_or_default();
    let token = pasted.answer.access_token.clone().unwrap_or_default();
    trakt::go_online();
    let client = Client::new(net.endpoints(), &client_id, None)?;
    client.settings(&token).map(|a| a.username).map_err(|e| {
        let mut failure = Failure::from(e);
        failure.message.push_str("; nothing was written");
        failure
    })
}
