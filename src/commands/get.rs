//! `get FILE PATH`: print the decoded scalar at a dotted path.

use std::io::Write;
use std::path::PathBuf;

use super::{Context, Exit, Failure, emit, load, refused};
use crate::document::path::{parse_path, read};
use crate::document::{Document, Kind, Parse};
use crate::kometa::mask::mask;
use crate::kometa::sensitive::is_secret_key;
use crate::terminal::printable;

/// Print the scalar at a dotted path (secrets masked).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The config file.
    pub(crate) file: PathBuf,
    /// A dotted path, e.g. trakt.authorization.expires_in.
    pub(crate) path: String,
    /// Print secret values in full.
    #[arg(long)]
    pub(crate) show_secrets: bool,
}

/// Prints the value at the path (masked when secret unless
/// `--show-secrets`); a null prints an empty line; a missing path exits 1.
pub(crate) fn run(args: Args, _ctx: &Context, out: &mut dyn Write) -> Result<Exit, Failure> {
    let file = &args.file;
    let keys = parse_path(&args.path).map_err(|e| Failure::usage(e.message()))?;
    let loaded = load(file)?;
    // A tree for the path's root key only (and the merge key that could
    // bring it in): a lookup needs no more, and costs what a check costs.
    let roots = [keys[0].as_str(), "<<"];
    let doc = Document::parse_with(&loaded.text, Parse::full().root_keys(&roots))
        .map_err(|e| refused(file, e.into()))?;
    let Some(node) = read(&doc, &keys).map_err(|e| refused(file, e))? else {
        eprintln!(
            "kometa-trakt: {}: `{}` is not set",
            file.display(),
            args.path
        );
        return Ok(Exit::Findings);
    };
    let value = match &node.kind {
        Kind::Scalar { .. } if node.is_null() => String::new(),
        Kind::Scalar { value, .. } => value.to_string(),
        _ => {
            let at = doc.pos(node.prop_start);
            return Err(Failure::usage(format!(
                "{}:{at}: `{}` is a {}, not a scalar",
                file.display(),
                args.path,
                node.kind_name()
            )));
        }
    };
    let secret = keys.last().is_some_and(|k| is_secret_key(k));
    let shown = if secret && !args.show_secrets && !value.is_empty() {
        mask(&value)
    } else {
        value
    };
    emit(out, &format!("{}\n", printable(&shown)))?;
    Ok(Exit::Ok)
}
