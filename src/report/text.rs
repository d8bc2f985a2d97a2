//! The human format: `path:line:col: severity[rule]: message`, the source
//! line with the range underlined (secrets masked), and the hint.

use std::ops::Range;

use super::findings::{FileReport, Summary};
use crate::check::Severity;
use crate::kometa::mask::{mask_source, pairs};
use crate::terminal::printable;

const RESET: &str = "\x1b[0m";

/// Renders every report and the summary line; `verbose` adds each
/// finding's notes.
pub(crate) fn render(reports: &[FileReport], color: bool, verbose: bool) -> String {
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
                paint("\x1b[1m", &printable(&place)),
                paint(code, &format!("{}[{}]", d.severity.as_str(), d.rule.id())),
                printable(&d.message)
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
                let lines = d.hint.iter().map(|h| ("hint", h));
                let notes = d.notes.iter().filter(|_| verbose).map(|n| ("note", n));
                for (label, text) in lines.chain(notes) {
                    out.push_str(&format!("{gutter} = {label}: {}\n", printable(text)));
                }
            } else if let Some(hint) = &d.hint {
                out.push_str(&format!("  = hint: {}\n", printable(hint)));
            }
        }
    }
    out.push_str(&Summary::of(reports).line());
    out.push('\n');
    out
}

/// How many characters of a line are shown before a finding's range, and
/// at most of the range and after it: a line of any length gives a short
/// excerpt.
const BEFORE: usize = 120;
const WITHIN: usize = 120;
const AFTER: usize = 120;

/// The line holding `range.start` as shown (a window around the range,
/// `…` where it is cut; secrets masked; tabs as one space), and the columns
/// the range covers in it.
fn excerpt(text: &str, range: &Range<usize>, secrets: &[Range<usize>]) -> (String, usize, usize) {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_start = if line_start == 0 && text.starts_with('\u{feff}') {
        3
    } else {
        line_start
    };
    let line_end = text[range.start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| range.start + i);
    let start = back(text, range.start, BEFORE).max(line_start);
    let shown_end = forward(text, range.start, WITHIN).min(range.end.max(range.start));
    let end = forward(text, shown_end.max(range.start), AFTER).min(line_end);
    let continued = |s: &Range<usize>| s.start < line_start;
    let mut masks: Vec<(Range<usize>, bool)> = secrets
        .iter()
        .filter(|s| s.start < line_end && s.end > line_start)
        .map(|s| (s.start.max(line_start)..s.end.min(line_end), continued(s)))
        .collect();
    for pair in pairs(&text[line_start..line_end]) {
        let r = line_start + pair.start..line_start + pair.end;
        if !masks
            .iter()
            .any(|(m, _)| m.start < r.end && r.start < m.end)
        {
            masks.push((r, false));
        }
    }
    masks.sort_by_key(|(r, _)| r.start);
    // The window as segments of source bytes and what is shown for them.
    let mut segments: Vec<(Range<usize>, String)> = Vec::new();
    let plain = |from: usize, to: usize, segments: &mut Vec<(Range<usize>, String)>| {
        for (i, c) in text[from..to].char_indices() {
            let shown = if c == '\t' {
                " ".to_string()
            } else {
                printable(c.encode_utf8(&mut [0; 4])).into_owned()
            };
            segments.push((from + i..from + i + c.len_utf8(), shown));
        }
    };
    if start > line_start {
        segments.push((start..start, "…".into()));
    }
    let mut at = start;
    for (secret, continued) in masks {
        if secret.end <= at || secret.start >= end {
            continue;
        }
        plain(at, secret.start.max(at), &mut segments);
        let shown = if continued {
            "****".to_string()
        } else {
            mask_source(&text[secret.clone()])
        };
        segments.push((secret.start.max(at)..secret.end, shown));
        at = secret.end;
    }
    if at < end {
        plain(at, end, &mut segments);
    }
    if end < line_end && at <= end {
        segments.push((end..end, "…".into()));
    }
    let column = |byte: usize, inclusive: bool| {
        segments
            .iter()
            .take_while(|(r, _)| {
                r.end <= byte || (inclusive && r.start < byte) || r.start == r.end && r.start < byte
            })
            .map(|(_, s)| s.chars().count())
            .sum::<usize>()
    };
    let from = column(range.start, false);
    let to = column(range.end.min(shown_end).min(end), true).max(from);
    (segments.into_iter().map(|(_, s)| s).collect(), from, to)
}

/// The byte offset `chars` characters before `at` (or the text's start).
fn back(text: &str, at: usize, chars: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .take(chars)
        .last()
        .map_or(at, |(i, _)| i)
}

/// The byte offset `chars` characters after `at` (or the text's end).
fn forward(text: &str, at: usize, chars: usize) -> usize {
    text[at..]
        .char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| at + i)
}
