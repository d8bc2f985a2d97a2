//! `auth`: obtain the first tokens (a PIN, the device flow) or apply a
//! pasted block or a recovery file, and store them safely. A PIN or an
//! approved device code works once: the save path is proven first.

use std::io::Write;
use std::path::PathBuf;
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::tokens::{self, plan};
use super::{Context, Exit, Failure, NetArgs, config_file, emit, load, unsaved};
use crate::authorization::Tokens;
use crate::kometa::block::resolve;
use crate::kometa::tokens::Pin;
use crate::persist::{Needs, Session, recovery, session};
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
    let loaded = load(file)?;
    let parsed = tokens::parse(file, &loaded.text, false)?;
    let current = parsed.block.clone();
    // Everything that could stop the save is checked before Trakt is called.
    plan(file, &parsed, time::now(), Pin::Clear)?;
    let begin = |needs| {
        Session::begin(file, needs).map_err(|e| {
            let mut failure = unsaved(file, e);
            failure
                .message
                .push_str("; not contacting Trakt, since the new tokens could not be saved");
            failure
        })
    };
    let (session, fresh) = if let Some(path) = &args.from_file {
        let fresh = recovery::read(path).map_err(|e| Failure::usage(e.to_string()))?;
        (begin(Needs::Write)?, fresh)
    } else {
        let secrets = ctx.secrets(file);
        let credentials = current
            .credentials(&secrets)
            .map_err(|e| Failure::usage(format!("{name}: {e}")))?;
        trakt::go_online();
        let client = Client::new(
            args.net.endpoints(),
            &credentials.client_id,
            &credentials.client_secret,
        )?;
        if args.device {
            session::preflight(&loaded.target, Needs::WriteOrRecover)
                .map_err(|e| unsaved(file, e))?;
            let fresh = device(&client, out)?;
            (begin(Needs::WriteOrRecover)?, fresh)
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
            let session = begin(Needs::WriteOrRecover)?;
            let fresh = client.exchange_pin(&pin)?;
            (session, fresh)
        }
    };
    let saved = tokens::save(&session, file, &fresh, Pin::Clear, Some(&parsed), false)?;
    let until = fresh.created_at.saturating_add(fresh.expires_in);
    emit(
        out,
        &format!(
            "{name}: authorized; the token is valid until {}\n{}",
            utc(until),
            saved.notes()
        ),
    )?;
    Ok(Exit::Ok)
}

/// The device flow: show the code, poll until approved, denied or expired.
fn device(client: &Client, out: &mut dyn Write) -> Result<Tokens, Failure> {
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
        match client.poll_device(&code.device_code)? {
            Poll::Authorized(tokens) => return Ok(tokens),
            Poll::Pending => {}
            Poll::SlowDown => interval += Duration::from_secs(1),
        }
    }
    Err(TraktError::dead(
        "the device code expired before it was approved; run `auth --device` again",
    )
    .into())
}
