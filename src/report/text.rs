//! The human format: `path:line:col: severity[rule]: message`, the source
//! line with the range underlined (secrets masked), and the hint.

use std::ops::Range;

use super::findings::{FileReport, Summary};
use super::mask::{is_secret_key, mask_source};
use crate::check::Severity;

const RESET: &str = "\x1b[0m";

/// Renders every report and the summary line.
pub fn render(reports: &[FileReport], color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("{code}{s}{RESET}")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    for report in reports {
        let secrets = &report.secrets;
        for (d, span) in report.diagnostics.iter().zip(report.spans()) {
            let code = match d.severity {
                Severity::Error => "\x1b[1;31m",
                Severity::Warning => "\x1b[1;33m",
                Severity::Note => "\x1b[1;36m",
            };
            let place = match span {
                Some(s) => format!("{}:{}:{}", report.path, s.start.line, s.start.col),
                None => report.path.clone(),
            };
            out.push_str(&format!(
                "{}: {}: {}\n",
                paint("\x1b[1m", &place),
                paint(code, &format!("{}[{}]", d.severity.as_str(), d.rule)),
                d.message
            ));
            if let (Some(text), Some(range), Some(span)) =
                (report.text.as_deref(), d.range.as_ref(), span)
            {
                let (line, from, to) = excerpt(text, range, secrets);
                let gutter = " ".repeat(span.start.line.to_string().len());
                out.push_str(&format!("{gutter} |\n{} | {line}\n", span.start.line));
                out.push_str(&format!(
                    "{gutter} | {}{}\n",
                    " ".repeat(from),
                    paint(code, &"^".repeat((to - from).max(1)))
                ));
                if let Some(hint) = &d.hint {
                    out.push_str(&format!("{gutter} = hint: {hint}\n"));
                }
            } else if let Some(hint) = &d.hint {
                out.push_str(&format!("  = hint: {hint}\n"));
            }
        }
    }
    out.push_str(&Summary::of(reports).line());
    out.push('\n');
    out
}

/// The line holding `range.start` as shown (secrets masked, tabs as one
/// space), and the columns the range covers in it.
fn excerpt(text: &str, range: &Range<usize>, secrets: &[Range<usize>]) -> (String, usize, usize) {
    let start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let start = if start == 0 && text.starts_with('\u{feff}') {
        3
    } else {
        start
    };
    let end = text[start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| start + i);
    let mut masks: Vec<Range<usize>> = secrets
        .iter()
        .filter(|s| s.start < end && s.end > start)
        .map(|s| s.start.max(start)..s.end.min(end))
        .collect();
    if masks.is_empty()
        && let Some(m) = heuristic_secret(&text[start..end])
    {
        masks.push(start + m.start..start + m.end);
    }
    // The line as segments of source bytes and what is shown for them.
    let mut segments: Vec<(Range<usize>, String)> = Vec::new();
    let plain = |from: usize, to: usize, segments: &mut Vec<(Range<usize>, String)>| {
        for (i, c) in text[from..to].char_indices() {
            let shown = if c == '\t' { ' ' } else { c };
            segments.push((from + i..from + i + c.len_utf8(), shown.to_string()));
        }
    };
    let mut at = start;
    for secret in masks {
        plain(at, secret.start, &mut segments);
        segments.push((secret.clone(), mask_source(&text[secret.clone()])));
        at = secret.end;
    }
    plain(at, end, &mut segments);
    let column = |byte: usize, inclusive: bool| {
        segments
            .iter()
            .take_while(|(r, _)| r.end <= byte || (inclusive && r.start < byte))
            .map(|(_, s)| s.chars().count())
            .sum::<usize>()
    };
    let from = column(range.start, false);
    let to = column(range.end.min(end), true).max(from);
    (segments.into_iter().map(|(_, s)| s).collect(), from, to)
}

/// Where a line that could not be parsed holds a secret value
/// (`access_token: …`), so that even a syntax error never shows it.
fn heuristic_secret(line: &str) -> Option<Range<usize>> {
    let (key, value) = line.split_once(':')?;
    let key = key
        .trim()
        .trim_start_matches("- ")
        .trim_matches(['"', '\'']);
    if !is_secret_key(key) {
        return None;
    }
    let offset = key_end(line) + 1;
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let lead = value.len() - value.trim_start().len();
    Some(offset + lead..offset + lead + trimmed.len())
}

fn key_end(line: &str) -> usize {
    line.find(':').unwrap_or(0)
}
