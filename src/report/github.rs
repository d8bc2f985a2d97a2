//! GitHub Actions workflow commands: annotations on the changed lines.

use super::findings::FileReport;
use crate::check::Severity;
use crate::terminal::printable;

/// One `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`
/// line per finding.
pub(crate) fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        for (d, span) in r.diagnostics.iter().zip(r.spans()) {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "notice",
            };
            let mut props = vec![format!("file={}", property(&r.path))];
            if let Some(s) = span {
                // GitHub's endColumn is inclusive; ours is exclusive.
                let end_col = if s.end.line == s.start.line {
                    (s.end.col - 1).max(s.start.col)
                } else {
                    s.end.col
                };
                props.push(format!("line={}", s.start.line));
                props.push(format!("col={}", s.start.col));
                props.push(format!("endLine={}", s.end.line));
                props.push(format!("endColumn={end_col}"));
            }
            props.push(format!(
                "title={}",
                property(&format!("kometa-trakt {}", d.rule.id()))
            ));
            let mut message = d.message.clone();
            if let Some(hint) = &d.hint {
                message.push_str(&format!("\nhint: {hint}"));
            }
            out.push_str(&format!(
                "::{command} {}::{}\n",
                props.join(","),
                data(&message)
            ));
        }
    }
    out
}

/// Escapes a command's message (and first what a terminal would act on:
/// workflow logs are read in terminals too).
fn data(s: &str) -> String {
    printable(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
