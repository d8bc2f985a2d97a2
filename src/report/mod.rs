//! How results are shown: diagnostics in four formats, masked secrets, diffs.

pub(crate) mod diff;
pub(crate) mod findings;
pub(crate) mod github;
pub(crate) mod json;
pub(crate) mod sarif;
pub(crate) mod text;

use findings::FileReport;

/// The output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `path:line:col: severity[rule]: message`, the line, a caret, a hint.
    Text,
    /// One JSON document (documented in docs/rules.md).
    Json,
    /// GitHub Actions workflow commands: annotations on the lines.
    Github,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

/// The reports in `format`; `verbose` adds notes to the text. `about`
/// says what the check used (`schema`: a built-in schema and its Kometa
/// version; `linked`: the linked files): lines after the summary in text,
/// an `about` object in JSON.
pub(crate) fn render(
    reports: &[FileReport],
    format: Format,
    color: bool,
    verbose: bool,
    about: &[(&str, String)],
) -> String {
    match format {
        Format::Text => {
            let mut out = text::render(reports, color, verbose);
            for (key, value) in about {
                out.push_str(&format!("{key}: {value}\n"));
            }
            out
        }
        Format::Json => json::render(reports, about),
        Format::Github => github::render(reports),
        Format::Sarif => sarif::render(reports),
    }
}
