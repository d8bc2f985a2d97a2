//! `check [FILE...]`: validate the trakt block of each file and report every
//! finding in the chosen format.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::check::{Diagnostic, Options, Schemas, Severity, check};
use crate::error::{Exit, Failure, io_reason};
use crate::report::findings::FileReport;
use crate::report::{github, json, sarif, text};
use crate::save;
use crate::schema::Schema;

/// The output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Github,
    Sarif,
}

/// What `check` was asked.
pub struct Request<'a> {
    pub files: &'a [PathBuf],
    pub format: Format,
    pub color: bool,
    pub strict: bool,
    pub schema: Option<&'a Path>,
    pub options: Options,
}

/// Checks every file; exit 1 on any error (or warning with `strict`).
pub fn run(request: &Request<'_>, out: &mut dyn Write) -> Result<Exit, Failure> {
    let extra = match request.schema {
        Some(path) => Some(load_schema(path)?),
        None => None,
    };
    let schemas = Schemas {
        trakt: Schema::trakt(),
        extra,
    };
    let reports: Vec<FileReport> = request
        .files
        .iter()
        .map(|file| {
            let path = file.display().to_string();
            match save::read(file) {
                Ok(loaded) => {
                    let checked = check(&loaded.text, &schemas, &request.options);
                    FileReport {
                        path,
                        text: Some(loaded.text),
                        diagnostics: checked.diagnostics,
                        secrets: checked.secrets,
                    }
                }
                Err(e) => FileReport {
                    path,
                    text: None,
                    diagnostics: vec![Diagnostic {
                        rule: "unreadable",
                        severity: Severity::Error,
                        message: format!("cannot read: {}", io_reason(&e)),
                        hint: None,
                        range: None,
                    }],
                    secrets: Vec::new(),
                },
            }
        })
        .collect();
    let rendered = match request.format {
        Format::Text => text::render(&reports, request.color),
        Format::Json => json::render(&reports),
        Format::Github => github::render(&reports),
        Format::Sarif => sarif::render(&reports),
    };
    out.write_all(rendered.as_bytes())
        .map_err(|e| Failure::usage(format!("cannot write output: {e}")))?;
    let all = || reports.iter().flat_map(|r| &r.diagnostics);
    let failing = all().any(|d| d.severity == Severity::Error)
        || (request.strict && all().any(|d| d.severity == Severity::Warning));
    Ok(if failing { Exit::Findings } else { Exit::Ok })
}

fn load_schema(path: &Path) -> Result<Schema, Failure> {
    let bad = |why: String| Failure::usage(format!("--schema {}: {why}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| bad(io_reason(&e)))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    Schema::compile(&value).map_err(|e| bad(format!("not a valid JSON Schema: {e}")))
}
