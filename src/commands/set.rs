//! `set FILE PATH VALUE`: change one scalar, creating missing keys, and
//! write only what changed.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Context, EditArgs, Exit, Failure, emit, load, refused, unchanged};
use crate::document::path::parse_path;
use crate::document::{Edit, NewValue, Outcome, ValueType, apply};
use crate::kometa::sensitive::is_secret_key;
use crate::kometa::{PROTECT, value_type};
use crate::persist::file::{MAX_SMALL, read_text};
use crate::persist::{Needs, Session};
use crate::report::diff::{Reveal, unified};

/// Change the scalar at a dotted path, creating missing keys; only that value changes.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The config file.
    pub(crate) file: PathBuf,
    /// A dotted path, e.g. trakt.authorization.access_token.
    #[arg(allow_hyphen_values = true)]
    pub(crate) path: String,
    /// The new value; `-` (or --stdin) reads it from standard input, so
    /// that a secret never appears on a command line. Without --type it
    /// keeps the type the file holds there.
    #[arg(allow_hyphen_values = true, required_unless_present = "stdin")]
    pub(crate) value: Option<String>,
    /// Read the value from standard input (one line; its line break is
    /// dropped).
    #[arg(long, conflicts_with = "value")]
    pub(crate) stdin: bool,
    /// Write the value as this type, even if the file holds another.
    #[arg(long = "type", value_enum)]
    pub(crate) kind: Option<ValueType>,
    #[command(flatten)]
    pub(crate) edit: EditArgs,
    /// Show secrets in diffs in full.
    #[arg(long)]
    pub(crate) show_secrets: bool,
}

/// Sets the path to the value. Text for a missing or null trakt value
/// takes the type Kometa expects there (`pin` is a string).
pub(crate) fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Exit, Failure> {
    let file = args.file.as_path();
    let keys = parse_path(&args.path).map_err(|e| Failure::usage(e.message()))?;
    let raw = match args.value.as_deref() {
        Some("-") | None => from_stdin()?,
        Some(value) => value.to_string(),
    };
    let value = match args.kind {
        Some(kind) => NewValue::Typed(kind.read(&raw).ok_or_else(|| {
            let name = kind.name();
            Failure::usage(format!("--type {name}: the value is not a valid {name}"))
        })?),
        None => NewValue::Text {
            raw,
            fallback: value_type(&keys),
        },
    };
    let edit = [Edit { path: keys, value }];
    let shown = file.display().to_string();
    let shown = shown.trim_start_matches("./");
    let reveal = if args.show_secrets {
        Reveal::Shown
    } else {
        Reveal::Masked
    };
    // Secrets are found only for a diff that shows them masked.
    let masked = reveal == Reveal::Masked
        && if args.edit.preview() {
            args.edit.dry_run || args.edit.diff || !args.edit.check
        } else {
            args.edit.diff
        };
    let diff = |old: &str, outcome: &Outcome| {
        unified(
            old,
            &outcome.text,
            Some(&outcome.secrets),
            shown,
            ctx.color,
            reveal,
        )
    };
    if args.edit.preview() {
        let loaded = load(file)?;
        let outcome = edited(file, &loaded.text, &edit, masked)?;
        if !outcome.changed(&loaded.text) {
            return Ok(Exit::Ok);
        }
        if args.edit.check {
            eprintln!(
                "kometa-trakt: {}: `{}` would change",
                file.display(),
                args.path
            );
        }
        if args.edit.dry_run || args.edit.diff || !args.edit.check {
            emit(out, &diff(&loaded.text, &outcome))?;
        }
        return Ok(if args.edit.check {
            Exit::Findings
        } else {
            Exit::Ok
        });
    }
    let mut session = Session::begin(file, Needs::Write, ctx.wait())
        .map_err(|e| unchanged(&file.display().to_string(), e))?;
    let outcome = edited(file, session.text(), &edit, masked)?;
    if !outcome.changed(session.text()) {
        return Ok(Exit::Ok);
    }
    session
        .write(&outcome.text)
        .map_err(|e| unchanged(&file.display().to_string(), e))?;
    if args.edit.diff {
        emit(out, &diff(session.text(), &outcome))?;
    }
    Ok(Exit::Ok)
}

/// The value on standard input: its text without the one line break that
/// ends it (`echo`, a heredoc, a pipe from a password manager).
fn from_stdin() -> Result<String, Failure> {
    let text = read_text(Path::new("-"), MAX_SMALL)
        .map_err(|e| Failure::usage(format!("cannot read the value from standard input: {e}")))?;
    let text = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(&text);
    Ok(text.to_string())
}

fn edited(file: &Path, text: &str, edits: &[Edit], masked: bool) -> Result<Outcome, Failure> {
    let secret_key = masked.then_some(is_secret_key as fn(&str) -> bool);
    apply(text, edits, &PROTECT, secret_key).map_err(|e| refused(file, e))
}
