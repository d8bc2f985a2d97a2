//! Unified diffs of a file before and after an edit, with secrets masked.

use similar::{ChangeTag, TextDiff};

use crate::document::{Document, Parse};
use crate::kometa::mask::mask_text;
use crate::kometa::sensitive::is_secret_key;
use crate::terminal::printable;

/// Whether a diff shows secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reveal {
    /// Masked, the default everywhere.
    Masked,
    /// In full: the user's explicit `--show-secrets`.
    Shown,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// A unified diff (3 lines of context) from `old` to `new` under the
/// `---`/`+++` name given; secret values are masked on every line. The
/// diff is computed on the real text, so a changed secret always shows.
/// Secret-looking pairs in comments (a commented-out token) are masked too.
pub(crate) fn unified(old: &str, new: &str, name: &str, color: bool, reveal: Reveal) -> String {
    let masked = |text: &str| match reveal {
        Reveal::Shown => text.to_string(),
        Reveal::Masked => {
            let ranges = Document::parse_with(text, Parse::masking(is_secret_key))
                .map(|doc| doc.secrets)
                .unwrap_or_default();
            mask_text(text, &ranges)
        }
    };
    let (old_masked, new_masked) = (masked(old), masked(new));
    let old_lines: Vec<&str> = old_masked.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new_masked.split_inclusive('\n').collect();
    let diff = TextDiff::from_lines(old, new);
    let paint = |code: &str, text: &str| {
        if color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        if out.is_empty() {
            let name = printable(name);
            out.push_str(&paint(BOLD, &format!("--- {name}")));
            out.push('\n');
            out.push_str(&paint(BOLD, &format!("+++ {name}")));
            out.push('\n');
        }
        out.push_str(&paint(CYAN, &hunk.header().to_string()));
        out.push('\n');
        for change in hunk.iter_changes() {
            let (sign, line, code) = match change.tag() {
                ChangeTag::Equal => (' ', old_lines[change.old_index().unwrap_or(0)], ""),
                ChangeTag::Delete => ('-', old_lines[change.old_index().unwrap_or(0)], RED),
                ChangeTag::Insert => ('+', new_lines[change.new_index().unwrap_or(0)], GREEN),
            };
            let body = line.strip_suffix('\n').unwrap_or(line);
            let text = format!("{sign}{}", printable(body));
            out.push_str(&if code.is_empty() {
                text
            } else {
                paint(code, &text)
            });
            out.push('\n');
            if !line.ends_with('\n') {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}
