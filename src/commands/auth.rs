//! `auth`: obtain the first tokens and store them safely. The device flow
//! by default (no browser or TTY needed on this machine); `--paste` (or
//! `--from-file`) for the block the Kometa Utilities page prints; `--pin`
//! for apps and configs that still hold one (Trakt retired its PIN page).
//! A PIN or an approved device code works once: the save path is proven
//! and the space reserved first (see `tokens`).

use std::io::Write;
use std::path::PathBuf;
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::paste::{Source, apply_pasted};
use super::tokens::{self, Saved, plan};
use super::{Context, Exit, Failure, NetArgs, config_file, emit, load};
use crate::kometa::block::resolve;
use crate::kometa::tokens::Pin;
use crate::signals::Hold;
use crate::time::{self, utc};
use crate::trakt::{self, Client, Poll, TraktError};

/// Obtain the first tokens: the device flow (by default), a pasted block, or a PIN (legacy).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The config file [default: $KOMETA_CONFIG, else config/config.yml].
    pub(crate) file: Option<PathBuf>,
    /// The device flow (the default): prints a URL and a code, then waits
    /// for your approval; works without a browser or a TTY (Docker).
    #[arg(long, conflicts_with_all = ["paste", "from_file", "pin"])]
    pub(crate) device: bool,
    /// Read, on standard input, the block the Kometa Utilities page prints
    /// after you authorize there (with or without its `trakt:` line).
    #[arg(long, conflicts_with_all = ["from_file", "pin"])]
    pub(crate) paste: bool,
    /// The same from a file, or from a recovery file kometa-trakt wrote.
    #[arg(long, value_name = "FILE", conflicts_with = "pin")]
    pub(crate) from_file: Option<PathBuf>,
    /// With --paste or --from-file: prove the tokens with Trakt (GET
    /// /users/settings) before writing, and name the account.
    #[arg(long)]
    pub(crate) verify: bool,
    /// Legacy: exchange a PIN from Trakt's PIN page, which Trakt retired in
    /// late 2026 [default: the file's trakt.pin].
    #[arg(long, value_name = "PIN", num_args = 0..=1, default_missing_value = "")]
    pub(crate) pin: Option<String>,
    #[command(flatten)]
    pub(crate) net: NetArgs,
}

/// Runs `auth`.
pub(crate) fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Exit, Failure> {
    let file = config_file(args.file.clone());
    let file = file.as_path();
    let name = file.display().to_string();
    let now = time::now();
    let pasted = match (&args.from_file, args.paste) {
        (Some(path), _) => Some(Source::File(path)),
        (None, true) => Some(Source::Stdin),
        (None, false) => None,
    };
    if let Some(source) = pasted {
        let verify = args.verify.then_some(&args.net);
        let (saved, account) = apply_pasted(ctx, file, source, verify, now)?;
        let whose = account
            .map(|a| format!(" for Trakt user {a}"))
            .unwrap_or_default();
        return done(out, &name, &saved, &whose);
    }
    if args.verify {
        return Err(Failure::usage(
            "--verify goes with --paste or --from-file (the device flow and a PIN prove the tokens themselves)",
        ));
    }
    let loaded = load(file)?;
    let parsed = tokens::parse(file, &loaded.text, false)?;
    let current = &parsed.block;
    // Everything that could stop the save is checked before Trakt is called.
    let planned = plan(file, &parsed, now, Pin::Clear)?;
    let secrets = ctx.secrets(file);
    let credentials = current
        .credentials(&secrets)
        .map_err(|e| Failure::usage(format!("{name}: {e}")))?;
    trakt::go_online();
    let client = Client::new(
        args.net.endpoints(),
        &credentials.client_id,
        credentials.client_secret.as_deref(),
    )?;
    let saved = match &args.pin {
        None => {
            if current.pin.is_some() && !args.device {
                emit(
                    out,
                    "note: the file holds a PIN; `--pin` would use it (legacy: Trakt retired its PIN page), the device flow does not\n",
                )?;
            }
            let ready = tokens::ready(ctx, file, &parsed, planned, now, Pin::Clear)?;
            device(&client, ready, &parsed, now, out)?
        }
        Some(given) => {
            emit(
                out,
                "note: Trakt retired its PIN page in late 2026; a PIN still works for apps that have one (`auth --device` needs none)\n",
            )?;
            let pin = match given.as_str() {
                "" => resolve(current.pin.as_deref(), "pin", &secrets)
                    .map_err(|e| Failure::usage(format!("{name}: {e}")))?
                    .ok_or_else(|| {
                        Failure::usage(format!(
                            "{name}: no PIN: pass --pin PIN, or put it in `trakt.pin` (or use the device flow: `auth` alone)"
                        ))
                    })?,
                pin => pin.to_string(),
            };
            let ready = tokens::ready(ctx, file, &parsed, planned, now, Pin::Clear)?;
            ready.spend(now, &parsed, || client.exchange_pin(&pin))?
        }
    };
    done(out, &name, &saved, "")
}

/// Says what was saved; the exit is 0, or 128 + a stop signal that came
/// while the answer was being saved.
fn done(out: &mut dyn Write, name: &str, saved: &Saved<'_>, whose: &str) -> Result<Exit, Failure> {
    let fresh = &saved.tokens;
    let until = fresh.created_at.saturating_add(fresh.expires_in);
    emit(
        out,
        &format!(
            "{name}: authorized{whose}; the token is valid until {}\n{}",
            utc(until),
            saved.notes()
        ),
    )?;
    saved.warn(name);
    Ok(saved.exit())
}

/// The device flow: show the code, poll until approved, denied or expired.
/// Each poll holds the stop signals (an approved code is spent by the poll
/// that returns its tokens); between polls a stop ends the run at once.
fn device<'t>(
    client: &Client,
    ready: tokens::Ready<'t>,
    parsed: &tokens::Parsed<'_>,
    now: i64,
    out: &mut dyn Write,
) -> Result<tokens::Saved<'t>, Failure> {
    let code = client.device_code()?;
    emit(
        out,
        &format!(
            "Open {} and enter the code {}\nWaiting for approval (the code expires in {} minutes)...\n",
            code.verification_url,
            code.user_code,
            code.expires_in / 60
        ),
    )?;
    let deadline = Instant::now() + Duration::from_secs(code.expires_in);
    let mut interval = Duration::from_secs(code.interval.max(1));
    while Instant::now() < deadline {
        sleep(interval);
        let hold = Hold::begin();
        match client.poll_device(&code.device_code) {
            Ok(Poll::Authorized(answer)) => return ready.save_answer(now, &answer, parsed, hold),
            Ok(Poll::Pending) => {}
            Ok(Poll::SlowDown) => interval += Duration::from_secs(1),
            Err(e) => return Err(Failure::from(e)),
        }
        if let Some(sig) = hold.end() {
            return Err(Failure {
                exit: Exit::Stopped(sig),
                message: "stopped while waiting for the approval; nothing was spent".into(),
            });
        }
    }
    Err(TraktError::dead(
        "the device code expired before it was approved; run `auth --device` again",
    )
    .into())
}
