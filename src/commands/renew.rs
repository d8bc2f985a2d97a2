//! `renew`: decide whether the tokens need renewing, and renew them
//! without ever losing the user's authorization: everything that could
//! stop the save is proven before the single-use refresh token is spent.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::tokens::{self, plan};
use super::{Context, EditArgs, Exit, Failure, NetArgs, config_file, emit, load};
use crate::kometa::placeholder;
use crate::kometa::tokens::{Pin, likely_answer, token_edits};
use crate::kometa::{TraktBlock, Version};
use crate::persist::recovery;
use crate::report::diff::{Reveal, unified};
use crate::time::{self, parse_duration, relative, utc};
use crate::trakt::{self, Client};

/// Renew the tokens when due (expired, or less than a quarter of the lifetime left).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The config file [default: $KOMETA_CONFIG, else config/config.yml].
    pub(crate) file: Option<PathBuf>,
    /// Also renew when the token expires within this time (30m, 12h, 2d).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) within: Option<i64>,
    /// Renew even if not due.
    #[arg(long)]
    pub(crate) force: bool,
    #[command(flatten)]
    pub(crate) edit: EditArgs,
    /// Confirm the new token with GET /users/settings and print the account.
    #[arg(long)]
    pub(crate) verify: bool,
    #[command(flatten)]
    pub(crate) net: NetArgs,
}

/// Why a renewal is due, or `None` when it is not.
fn due(block: &TraktBlock, args: &Args, now: i64) -> Option<String> {
    if args.force {
        return Some("--force".into());
    }
    let Some(life) = block.lifetime() else {
        return Some("the token's expiry is unknown (no created_at/expires_in)".into());
    };
    let remaining = life.remaining(now);
    if remaining <= 0 {
        return Some(format!("the token expired {}", relative(remaining)));
    }
    if args.within.is_some_and(|w| remaining < w) {
        return Some(format!(
            "the token expires {}, within --within",
            relative(remaining)
        ));
    }
    life.renewal_due(now).then(|| {
        format!(
            "the token expires {}: less than a quarter of its lifetime is left",
            relative(remaining)
        )
    })
}

/// Runs `renew`.
pub(crate) fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Exit, Failure> {
    let file = config_file(args.file.clone());
    let file = file.as_path();
    let name = file.display().to_string();
    let now = time::now();
    let loaded = load(file)?;
    // Secrets are found only for a diff that shows them masked.
    let masked = args.edit.preview() || args.edit.diff;
    let parsed = tokens::parse(file, &loaded.text, masked)?;
    let current = &parsed.block;
    let Some(refresh_token) = current.refresh_token.clone() else {
        let failure = Failure::dead(format!(
            "{name}: not authorized yet (no refresh token): run `kometa-trakt auth {name}` (the device flow), or paste the Kometa Utilities block with `kometa-trakt auth {name} --paste`"
        ));
        return Err(point_to_recovery(failure, &name, &loaded.target, ""));
    };
    for (key, value) in [
        ("access_token", &current.access_token),
        ("refresh_token", &current.refresh_token),
    ] {
        if value.as_deref().is_some_and(placeholder::contains) {
            return Err(Failure::usage(format!(
                "{name}: `trakt.authorization.{key}` is a placeholder; kometa-trakt never overwrites placeholders, so it cannot store renewed tokens here. Renew where the real values live"
            )));
        }
    }
    let Some(reason) = due(current, &args, now) else {
        let life = current.lifetime().map(|l| {
            format!(
                " (expires {}, {})",
                utc(l.expires_at()),
                relative(l.remaining(now))
            )
        });
        emit(
            out,
            &format!(
                "{name}: nothing to do: the token is not due for renewal{}\n",
                life.unwrap_or_default()
            ),
        )?;
        return Ok(Exit::Ok);
    };
    let planned = plan(file, &parsed, now, Pin::Keep)?;
    if args.edit.preview() {
        let preview = token_edits(current, &likely_answer(now, current), Pin::Keep);
        let planned = parsed.edit(&preview).map_err(|e| super::refused(file, e))?;
        let diff = unified(
            &loaded.text,
            &planned.text,
            Some(&planned.secrets),
            &name,
            ctx.color,
            Reveal::Masked,
        );
        emit(
            out,
            &format!(
                "{name}: renewal due: {reason}\nwould change (new values masked; nothing was sent to Trakt):\n{diff}"
            ),
        )?;
        return Ok(if args.edit.check {
            Exit::Findings
        } else {
            Exit::Ok
        });
    }
    let credentials = current
        .credentials(&ctx.secrets(file))
        .map_err(|e| Failure::usage(format!("{name}: {e}")))?;
    trakt::go_online();
    let client = Client::new(
        args.net.endpoints(),
        &credentials.client_id,
        credentials.client_secret.as_deref(),
    )?;
    let ready = tokens::ready(ctx, file, &parsed, planned, now, Pin::Keep)?;
    let renewed_meanwhile = {
        let mut slot = None;
        let locked = parsed.of(file, ready.text(), &mut slot)?;
        locked.block.refresh_token.as_deref() != Some(refresh_token.as_str())
    };
    if renewed_meanwhile {
        emit(
            out,
            &format!("{name}: nothing to do: another process renewed the tokens meanwhile\n"),
        )?;
        return Ok(Exit::Ok);
    }
    let target = ready.target().to_path_buf();
    let saved = ready
        .spend(now, &parsed, || client.refresh(&refresh_token))
        .map_err(|e| point_to_recovery(e, &name, &target, &refresh_token))?;
    if args.edit.diff {
        emit(
            out,
            &unified(
                &saved.before,
                &saved.after.text,
                Some(&saved.after.secrets),
                &name,
                ctx.color,
                Reveal::Masked,
            ),
        )?;
    }
    if ctx.kometa == Version::Latest {
        emit(
            out,
            "note: Kometa releases after August 2026 refresh the token on every run themselves: this renewal is redundant for them (not harmful), as long as it never runs while Kometa does\n",
        )?;
    }
    let fresh = &saved.tokens;
    let until = fresh.created_at.saturating_add(fresh.expires_in);
    emit(
        out,
        &format!(
            "{name}: renewed ({reason}); the new token is valid until {} ({})\n{}",
            utc(until),
            relative(until - now),
            saved.notes()
        ),
    )?;
    saved.warn(&name);
    if args.verify && saved.stopped.is_none() {
        let account = client.settings(&fresh.access_token)?;
        emit(
            out,
            &format!(
                "verified: the new token works for Trakt user {}\n",
                account.username
            ),
        )?;
    }
    Ok(saved.exit())
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
        && let Some(path) =
            recovery::unapplied(target, Some(refresh_token).filter(|t| !t.is_empty()))
    {
        failure
            .message
            .push_str(&format!("\n  but {}", advice(name, &path)));
    }
    failure
}

/// What to do with the unapplied recovery file at `path` of the config
/// `name`.
pub(crate) fn advice(name: &str, path: &Path) -> String {
    let path = path.display();
    format!(
        "{path} holds newer tokens from a renewal that could not be saved: apply them with `kometa-trakt auth {name} --from-file {path}`"
    )
}
