//! `auth`: obtain the first tokens (a PIN, the device flow) or apply a
//! pasted block or a recovery file, and store them safely. A PIN or an
//! approved device code works once: the save path is proven first.

use std::io::Write;
use std::path::PathBuf;
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::tokens::{self, block, plan};
use super::{Context, Exit, Failure, NetArgs, config_file, emit, load};
use crate::kometa::block::resolve;
use crate::kometa::tokens::Pin;
use crate::persist::recovery;
use crate::signals::Hold;
use crate::time::{self, utc};
use crate::trakt::{self, Client, Poll, TraktError};

/// Obtain the first tokens: --pin, --device, or --from-file.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The config file [default: $KOMETA_CONFIG, else config/config.yml].
    pub(crate) file: Option<PathBuf>,
    /// The PIN from Trakt's authorize page [default: the file's trakt.pin].
    #[arg(long, conflicts_with_all = ["device", "from_file"])]
    pub(crate) pin: Option<String>,
    /// The device-code flow: prints a URL and a code, then waits (works without a TTY).
    #[arg(long, conflicts_with = "from_file")]
    pub(crate) device: bool,
    /// Apply a block pasted from Kometa's web utility or a recovery file (- for stdin).
    #[arg(long, value_name = "FILE")]
    pub(crate) from_file: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) net: NetArgs,
}

/// Runs `auth`.
pub(crate) fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Exit, Failure> {
    let file = config_file(args.file.clone());
    let file = file.as_path();
    let name = file.display().to_string();
    let now = time::now();
    let loaded = load(file)?;
    let current = block(file, &loaded.text)?;
    // Everything that could stop the save is checked before Trakt is called.
    plan(file, &loaded.text, now, Pin::Clear)?;
    let saved = if let Some(path) = &args.from_file {
        let answer = recovery::read(path).map_err(|e| Failure::usage(e.to_string()))?;
        tokens::apply_answer(ctx, file, now, &answer, Pin::Clear)?
    } else {
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
        if args.device {
            let ready = tokens::ready(ctx, file, now, Pin::Clear)?;
            device(&client, ready, now, out)?
        } else {
            let pin = match &args.pin {
                Some(pin) => pin.clone(),
                None => resolve(current.pin.as_deref(), "pin", &secrets)
                    .map_err(|e| Failure::usage(format!("{name}: {e}")))?
                    .ok_or_else(|| {
                        Failure::usage(format!(
                            "{name}: no PIN: pass --pin PIN, or put it in `trakt.pin` (or use --device)"
                        ))
                    })?,
            };
            let ready = tokens::ready(ctx, file, now, Pin::Clear)?;
            ready.spend(now, || client.exchange_pin(&pin))?
        }
    };
    let fresh = &saved.tokens;
    let until = fresh.created_at.saturating_add(fresh.expires_in);
    emit(
        out,
        &format!(
            "{name}: authorized; the token is valid until {}\n{}",
            utc(until),
            saved.notes()
        ),
    )?;
    Ok(saved.exit())
}

/// The device flow: show the code, poll until approved, denied or expired.
/// Each poll holds the stop signals (an approved code is spent by the poll
/// that returns its tokens); between polls a stop ends the run at once.
fn device(
    client: &Client,
    ready: tokens::Ready,
    now: i64,
    out: &mut dyn Write,
) -> Result<tokens::Saved, Failure> {
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
            Ok(Poll::Authorized(answer)) => return ready.save_answer(now, &answer, hold),
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
