//! `get FILE PATH`: print the decoded scalar at a dotted path.

use std::io::Write;
use std::path::Path;

use crate::document::path::{Walk, parse_path, walk};
use crate::document::{Document, Kind};
use crate::error::{Exit, Failure};
use crate::report::mask::{is_secret_key, mask};

/// Prints the value at `path` in `file` (masked when secret unless
/// `show_secrets`); a null prints an empty line; a missing path exits 1.
pub fn run(
    file: &Path,
    path: &str,
    show_secrets: bool,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let keys = parse_path(path).map_err(|e| Failure::usage(e.message))?;
    let loaded = super::load(file)?;
    let doc = Document::parse(&loaded.text).map_err(|e| super::refused(file, e.into()))?;
    let node = match walk(&doc, &keys).map_err(|e| super::refused(file, e))? {
        Walk::Found { node, .. } => node,
        Walk::Missing { .. } => {
            eprintln!("kometa-trakt: {}: `{path}` is not set", file.display());
            return Ok(Exit::Findings);
        }
    };
    let value = match &node.kind {
        Kind::Scalar { .. } if node.is_null() => String::new(),
        Kind::Scalar { value, .. } => value.to_string(),
        _ => {
            let at = doc.pos(node.prop_start);
            return Err(Failure::usage(format!(
                "{}:{at}: `{path}` is a {}, not a scalar",
                file.display(),
                node.kind_name()
            )));
        }
    };
    let secret = keys.last().is_some_and(|k| is_secret_key(k));
    let shown = if secret && !show_secrets && !value.is_empty() {
        mask(&value)
    } else {
        value
    };
    writeln!(out, "{shown}").map_err(|e| Failure::usage(format!("cannot write output: {e}")))?;
    Ok(Exit::Ok)
}
