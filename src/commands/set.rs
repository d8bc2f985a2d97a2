//! `set FILE PATH VALUE`: change one scalar, creating missing keys, and
//! write only what changed.

use std::io::Write;
use std::path::Path;

use crate::document::path::parse_path;
use crate::document::{Edit, NewValue, Value, apply};
use crate::error::{Exit, Failure};
use crate::kometa::value_type;
use crate::report::diff::unified;
use crate::save;

/// What `set` should do besides editing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mode {
    /// Print the diff and write nothing.
    pub dry_run: bool,
    /// Print the diff of what was written.
    pub diff: bool,
    /// Write nothing; exit 1 if the file would change.
    pub check: bool,
    /// Colour the diff.
    pub color: bool,
    /// Show secrets in the diff in full.
    pub show_secrets: bool,
}

/// The new value: exactly typed (`--type`), or text to read in context.
pub enum Input {
    Typed(Value),
    Text(String),
}

/// Sets `path` in `file` to `value` as `mode` says. Text for a missing or
/// null trakt value takes the type Kometa expects there (`pin` is a string).
pub fn run(
    file: &Path,
    path: &str,
    input: Input,
    mode: Mode,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let keys = parse_path(path).map_err(|e| Failure::usage(e.message))?;
    let value = match input {
        Input::Typed(v) => NewValue::Typed(v),
        Input::Text(raw) => NewValue::Text {
            raw,
            fallback: value_type(&keys),
        },
    };
    let loaded = super::load(file)?;
    let edit = Edit { path: keys, value };
    let outcome = apply(&loaded.text, &[edit]).map_err(|e| super::refused(file, e))?;
    let name = file.display().to_string();
    let shown = name.trim_start_matches("./");
    let print_diff = |out: &mut dyn Write| {
        let diff = unified(
            &loaded.text,
            &outcome.text,
            shown,
            mode.color,
            mode.show_secrets,
        );
        out.write_all(diff.as_bytes())
            .map_err(|e| Failure::usage(format!("cannot write output: {e}")))
    };
    if !outcome.changed(&loaded.text) {
        return Ok(Exit::Ok);
    }
    if mode.check {
        eprintln!("kometa-trakt: {name}: `{path}` would change");
        if mode.diff || mode.dry_run {
            print_diff(out)?;
        }
        return Ok(Exit::Findings);
    }
    if mode.dry_run {
        print_diff(out)?;
        return Ok(Exit::Ok);
    }
    save::write(&loaded, &outcome.text).map_err(|e| {
        Failure::usage(format!(
            "{name}: cannot write: {}; the file is unchanged",
            crate::error::io_reason(&e)
        ))
    })?;
    if mode.diff {
        print_diff(out)?;
    }
    Ok(Exit::Ok)
}
