//! `renew`: decide whether the tokens need renewing, and renew them
//! without ever losing the user's authorization (see `store`).

use std::io::Write;
use std::path::Path;

use crate::error::{Exit, Failure};
use crate::kometa::{TraktBlock, placeholder_name};
use crate::recovery;
use crate::report::diff::unified;
use crate::store::{self, lock, placeholder_tokens, preflight, save_tokens, token_edits};
use crate::time::{relative, utc};
use crate::trakt::Endpoints;

/// What `renew` was asked.
pub struct Request<'a> {
    pub file: &'a Path,
    pub within: Option<i64>,
    pub force: bool,
    pub dry_run: bool,
    pub diff: bool,
    pub check: bool,
    pub verify: bool,
    pub color: bool,
    pub now: i64,
    pub endpoints: Endpoints,
}

/// Why a renewal is due, or `None` when it is not.
fn due(block: &TraktBlock, request: &Request<'_>) -> Option<String> {
    if request.force {
        return Some("--force".into());
    }
    let Some(life) = block.lifetime() else {
        return Some("the token's expiry is unknown (no created_at/expires_in)".into());
    };
    let remaining = life.remaining(request.now);
    if remaining <= 0 {
        return Some(format!("the token expired {}", relative(remaining)));
    }
    if request.within.is_some_and(|w| remaining < w) {
        return Some(format!(
            "the token expires {}, within --within",
            relative(remaining)
        ));
    }
    life.renewal_due(request.now).then(|| {
        format!(
            "the token expires {}: less than a quarter of its lifetime is left",
            relative(remaining)
        )
    })
}

/// Runs `renew`.
pub fn run(request: &Request<'_>, out: &mut dyn Write) -> Result<Exit, Failure> {
    let file = request.file;
    let name = file.display().to_string();
    let (loaded, block) = store::load(file)?;
    let Some(refresh_token) = block.refresh_token.clone() else {
        return Err(Failure {
            exit: Exit::Dead,
            message: format!(
                "{name}: not authorized yet (no refresh token): run `kometa-trakt auth {name} --pin PIN` or `--device`"
            ),
        });
    };
    for (key, value) in [
        ("access_token", &block.access_token),
        ("refresh_token", &block.refresh_token),
    ] {
        if value.as_deref().and_then(placeholder_name).is_some() {
            return Err(Failure::usage(format!(
                "{name}: `trakt.authorization.{key}` is a placeholder; kometa-trakt never overwrites placeholders, so it cannot store renewed tokens here. Renew where the real values live"
            )));
        }
    }
    let Some(reason) = due(&block, request) else {
        let life = block.lifetime().map(|l| {
            format!(
                " (expires {}, {})",
                utc(l.expires_at()),
                relative(l.remaining(request.now))
            )
        });
        writeln!(
            out,
            "{name}: nothing to do: the token is not due for renewal{}",
            life.unwrap_or_default()
        )
        .ok();
        return Ok(Exit::Ok);
    };
    // Plan with tokens of the right shape: a refusal comes before any call.
    let preview = placeholder_tokens(request.now, &block);
    let planned = crate::document::apply(&loaded.text, &token_edits(&block, &preview, false))
        .map_err(|e| Failure::usage(format!("{name}: cannot store renewed tokens here: {e}")))?;
    if request.dry_run || request.check {
        writeln!(out, "{name}: renewal due: {reason}").ok();
        writeln!(
            out,
            "would change (new values masked; nothing was sent to Trakt):"
        )
        .ok();
        out.write_all(unified(&loaded.text, &planned.text, &name, request.color, false).as_bytes())
            .ok();
        return Ok(if request.check {
            Exit::Findings
        } else {
            Exit::Ok
        });
    }
    let client = block.client(&name, request.endpoints.clone())?;
    preflight(&loaded.target)?;
    let _lock = lock(&loaded.target)?;
    let (loaded, block) = store::load(&loaded.target)?;
    if block.refresh_token.as_deref() != Some(refresh_token.as_str()) {
        writeln!(
            out,
            "{name}: nothing to do: another process renewed the tokens meanwhile"
        )
        .ok();
        return Ok(Exit::Ok);
    }
    let tokens = client
        .refresh(&refresh_token)
        .map_err(|e| point_to_recovery(e.into(), &name, &loaded.target, &refresh_token))?;
    let edits = token_edits(&block, &tokens, false);
    let saved = save_tokens(&loaded, &edits, &tokens)?;
    if request.diff {
        out.write_all(unified(&loaded.text, &saved.text, &name, request.color, false).as_bytes())
            .ok();
    }
    let until = tokens.created_at.saturating_add(tokens.expires_in);
    writeln!(
        out,
        "{name}: renewed ({reason}); the new token is valid until {} ({})",
        utc(until),
        relative(until - request.now)
    )
    .ok();
    out.write_all(saved.notes().as_bytes()).ok();
    if request.verify {
        let account = client.settings(&tokens.access_token)?;
        writeln!(
            out,
            "verified: the new token works for Trakt user {}",
            account.username
        )
        .ok();
    }
    Ok(Exit::Ok)
}

/// A dead refresh token may have been replaced by a renewal whose save
/// failed: if its recovery file is still there, say so before the user
/// authorizes again.
fn point_to_recovery(
    mut failure: Failure,
    name: &str,
    target: &Path,
    refresh_token: &str,
) -> Failure {
    if failure.exit == Exit::Dead
        && let Some(path) = recovery::unapplied(target, Some(refresh_token))
    {
        failure
            .message
            .push_str(&format!("\n  but {}", recovery::advice(name, &path)));
    }
    failure
}
