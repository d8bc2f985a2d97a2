//! SARIF 2.1.0, for code-scanning dashboards.

use serde_json::{Value, json};

use super::findings::FileReport;
use crate::check::{Rule, Severity};

/// One SARIF log with one run; every rule is described in the driver.
pub(crate) fn render(reports: &[FileReport]) -> String {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|rule| {
            let info = rule.info();
            json!({
                "id": info.id,
                "shortDescription": {"text": info.summary},
                "fullDescription": {"text": format!("What Kometa does: {}", info.kometa)},
                "defaultConfiguration": {"level": level(info.severity)},
                "properties": {"fixable": info.fixable},
            })
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        for (d, span) in r.diagnostics.iter().zip(r.spans()) {
            let mut location =
                json!({"physicalLocation": {"artifactLocation": {"uri": uri(&r.path)}}});
            if let Some(s) = span {
                location["physicalLocation"]["region"] = json!({
                    "startLine": s.start.line,
                    "startColumn": s.start.col,
                    "endLine": s.end.line,
                    "endColumn": s.end.col.max(s.start.col + usize::from(s.end.line == s.start.line)),
                });
            }
            let mut text = d.message.clone();
            if let Some(hint) = &d.hint {
                text.push_str(&format!(" (hint: {hint})"));
            }
            results.push(json!({
                "ruleId": d.rule.id(),
                "ruleIndex": Rule::ALL.iter().position(|r| *r == d.rule),
                "level": level(d.severity),
                "message": {"text": text},
                "locations": [location],
            }));
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kometa-trakt",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    format!("{log:#}\n")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A relative path as a URI reference (spaces and the like escaped).
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
