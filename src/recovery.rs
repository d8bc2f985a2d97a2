//! Recovery files: new tokens that could not be saved into the config,
//! written where they survive; reading them (or a block pasted from
//! Kometa's web utility) back; and finding one not applied yet.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::document::scalar::double_quoted;
use crate::error::Failure;
use crate::kometa::find;
use crate::save;
use crate::trakt::Tokens;

/// The end of a recovery file's name (see [`save::places_near`]).
const SUFFIX: &str = "kometa-trakt-recovery.yml";

/// Writes the tokens as a trakt block to a 0600 file next to the config,
/// else in the state directory.
pub fn write(target: &Path, tokens: &Tokens) -> std::io::Result<PathBuf> {
    let q = double_quoted;
    let body = format!(
        "# kometa-trakt: new Trakt tokens for {} that could not be saved there.\n# Apply: kometa-trakt auth {} --from-file THIS_FILE\ntrakt:\n  authorization:\n    access_token: {}\n    token_type: {}\n    expires_in: {}\n    refresh_token: {}\n    scope: {}\n    created_at: {}\n",
        target.display(),
        target.display(),
        q(&tokens.access_token),
        q(&tokens.token_type),
        tokens.expires_in,
        q(&tokens.refresh_token),
        q(&tokens.scope),
        tokens.created_at
    );
    save::write_private_near(target, SUFFIX, body.as_bytes())
}

/// A recovery file for `target` holding other tokens than the config's
/// `refresh_token`: tokens from a renewal that could not be saved, and
/// likely the live ones.
pub fn unapplied(target: &Path, refresh_token: Option<&str>) -> Option<PathBuf> {
    save::places_near(target, SUFFIX).into_iter().find(|path| {
        path.is_file()
            && read(path).is_ok_and(|tokens| Some(tokens.refresh_token.as_str()) != refresh_token)
    })
}

/// What to do with the unapplied recovery file at `path` of the config
/// `name`.
pub fn advice(name: &str, path: &Path) -> String {
    let path = path.display();
    format!(
        "{path} holds newer tokens from a renewal that could not be saved: apply them with `kometa-trakt auth {name} --from-file {path}`"
    )
}

/// Removes the recovery files of `target` once new tokens are saved in it:
/// they were applied or are superseded. Returns the files removed.
pub fn clear(target: &Path) -> Vec<PathBuf> {
    save::places_near(target, SUFFIX)
        .into_iter()
        .filter(|path| path.is_file() && std::fs::remove_file(path).is_ok())
        .collect()
}

/// Reads an authorization block: `trakt: authorization: ...`,
/// `authorization: ...`, or the six keys at the root.
pub fn read(path: &Path) -> Result<Tokens, Failure> {
    let shown = path.display().to_string();
    let mut text = String::new();
    let read = if shown == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    read.map_err(|e| {
        Failure::usage(format!(
            "{shown}: cannot read: {}",
            crate::error::io_reason(&e)
        ))
    })?;
    let doc = Document::parse(&text).map_err(|e| {
        Failure::usage(format!(
            "{shown}:{}: YAML syntax error: {}",
            e.pos, e.message
        ))
    })?;
    let root = doc
        .roots
        .first()
        .ok_or_else(|| Failure::usage(format!("{shown}: empty")))?;
    let block = find(root, "trakt")
        .and_then(|t| find(t, "authorization"))
        .or_else(|| find(root, "authorization"))
        .unwrap_or(root);
    let text_of = |key: &str| {
        find(block, key)
            .filter(|n| !n.is_null())
            .and_then(|n| n.scalar().map(str::to_string))
            .filter(|s| !s.is_empty())
    };
    let json = serde_json::json!({
        "access_token": text_of("access_token"),
        "token_type": text_of("token_type"),
        "expires_in": text_of("expires_in").and_then(|v| v.parse::<i64>().ok()),
        "refresh_token": text_of("refresh_token"),
        "scope": text_of("scope"),
        "created_at": text_of("created_at").and_then(|v| v.parse::<i64>().ok()),
    });
    Tokens::from_json(&json.to_string()).map_err(|_| {
        Failure::usage(format!(
            "{shown}: not a complete authorization block: it needs access_token, token_type, expires_in, refresh_token, scope and created_at"
        ))
    })
}
