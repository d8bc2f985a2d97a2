//! The machine format: one JSON document (documented in the README).

use serde_json::{Value, json};

use super::findings::{FileReport, Summary};

/// The version of the JSON format; bumped on incompatible changes.
pub(crate) const VERSION: u32 = 1;

/// `{version, files: [{path, diagnostics: [...]}], summary}`, and `about`
/// when the check used a built-in schema or linked files; ranges are
/// 1-based, columns in characters, `end` exclusive; `null` for findings
/// about the whole file.
pub(crate) fn render(reports: &[FileReport], about: &[(&str, String)]) -> String {
    let files: Vec<Value> = reports
        .iter()
        .map(|r| {
            let diagnostics: Vec<Value> = r
                .diagnostics
                .iter()
                .zip(r.spans())
                .map(|(d, span)| {
                    let mut item = json!({
                        "rule": d.rule.id(),
                        "severity": d.severity.as_str(),
                        "message": d.message,
                        "hint": d.hint,
                        "range": span.map(|s| json!({
                            "start": {"line": s.start.line, "col": s.start.col},
                            "end": {"line": s.end.line, "col": s.end.col},
                        })),
                    });
                    if !d.notes.is_empty() {
                        item["notes"] = json!(d.notes);
                    }
                    item
                })
                .collect();
            json!({"path": r.path, "diagnostics": diagnostics})
        })
        .collect();
    let s = Summary::of(reports);
    let mut doc = json!({
        "version": VERSION,
        "files": files,
        "summary": {"errors": s.errors, "warnings": s.warnings, "notes": s.notes, "files": s.files},
    });
    if !about.is_empty() {
        doc["about"] = about
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
    }
    format!("{doc:#}\n")
}
