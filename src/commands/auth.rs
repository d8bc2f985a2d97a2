//! `auth`: obtain the first tokens (a PIN, the device flow) or apply a
//! pasted block or a recovery file, and store them safely.

use std::io::Write;
use std::path::Path;
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::error::{Exit, Failure};
use crate::recovery;
use crate::store::{self, lock, preflight, save_tokens, token_edits};
use crate::time::utc;
use crate::trakt::{Client, Endpoints, Poll, Tokens, TraktError};

/// Where the tokens come from.
pub enum Source<'a> {
    /// A PIN from Trakt's authorize page (or the file's `pin:`).
    Pin(Option<&'a str>),
    /// The device-code flow.
    Device,
    /// A block pasted from Kometa's web utility, or a recovery file (`-` for stdin).
    FromFile(&'a Path),
}

/// Runs `auth`.
pub fn run(
    file: &Path,
    source: Source<'_>,
    endpoints: Endpoints,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let name = file.display().to_string();
    let (loaded, block) = store::load(file)?;
    // Everything that could stop the save is checked before Trakt is called.
    preflight(&loaded.target)?;
    let tokens = match source {
        Source::FromFile(path) => recovery::read(path)?,
        Source::Pin(pin) => {
            let pin = pin
                .map(str::to_string)
                .or_else(|| block.pin.clone())
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "{name}: no PIN: pass --pin PIN, or put it in `trakt.pin`"
                    ))
                })?;
            block.client(&name, endpoints)?.exchange_pin(&pin)?
        }
        Source::Device => device(&block.client(&name, endpoints)?, out)?,
    };
    let _lock = lock(&loaded.target)?;
    let (loaded, block) = store::load(&loaded.target)?;
    let edits = token_edits(&block, &tokens, true);
    let saved = save_tokens(&loaded, &edits, &tokens)?;
    let until = tokens.created_at.saturating_add(tokens.expires_in);
    writeln!(
        out,
        "{name}: authorized; the token is valid until {}",
        utc(until)
    )
    .ok();
    out.write_all(saved.notes().as_bytes()).ok();
    Ok(Exit::Ok)
}

/// The device flow: show the code, poll until approved, denied or expired.
fn device(client: &Client, out: &mut dyn Write) -> Result<Tokens, Failure> {
    let code = client.device_code()?;
    writeln!(
        out,
        "Open {} and enter the code {}",
        code.verification_url, code.user_code
    )
    .ok();
    writeln!(
        out,
        "Waiting for approval (the code expires in {} minutes)...",
        code.expires_in / 60
    )
    .ok();
    out.flush().ok();
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
