//! Unified diffs of a file before and after an edit, with secrets masked.
//!
//! Only the changed region is diffed: the lines both texts share at their
//! start and end are set aside first (as the diff algorithm itself does),
//! and the region is diffed with enough of them around it to give the same
//! hunks, context and line numbers as a diff of the whole texts. Only the
//! lines shown are masked.

use std::ops::Range;

use std::collections::HashMap;

use similar::algorithms::DiffHook;
use similar::{ChangeTag, DiffOp, TextDiff};

use crate::document::source::line_after;
use crate::document::{Document, Parse, Secrets};
use crate::kometa::mask::{mask_text, shaped};
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

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// A unified diff (3 lines of context) from `old` to `new` under the
/// `---`/`+++` name given; secret values are masked on every line. The
/// diff is computed on the real text, so a changed secret always shows.
/// Secret-looking pairs in comments (a commented-out token) are masked too.
/// `secrets` are where the secrets of `old` and `new` are (an edit's
/// outcome knows); without them both texts are parsed to find them.
pub(crate) fn unified(
    old: &str,
    new: &str,
    secrets: Option<&Secrets>,
    name: &str,
    color: bool,
    reveal: Reveal,
) -> String {
    if old == new {
        return String::new();
    }
    // Besides the secrets' ranges (given, or found by parsing), the
    // token-shaped runs of each text's trakt block, found in the whole text
    // (a region shown may not hold the block's first line).
    let found;
    let secrets = match reveal {
        Reveal::Shown => None,
        Reveal::Masked => {
            let of = |text: &str, known: Option<&Vec<Range<usize>>>| {
                let mut ranges = match known {
                    Some(known) => known.clone(),
                    None => Document::parse_with(text, Parse::secrets(is_secret_key))
                        .map(|doc| doc.secrets)
                        .unwrap_or_default(),
                };
                ranges.extend(shaped(text, &ranges));
                ranges.sort_by_key(|r| r.start);
                ranges
            };
            found = Secrets {
                before: of(old, secrets.map(|s| &s.before)),
                after: of(new, secrets.map(|s| &s.after)),
            };
            Some(&found)
        }
    };
    let region = Region::of(old, new);
    let mut context = CONTEXT;
    loop {
        let window = region.window(old, new, context);
        let diff = TextDiff::from_lines(&old[window.old.clone()], &new[window.new.clone()]);
        if window.holds(diff.ops()) {
            return render(&diff, &window, old, new, secrets, name, color);
        }
        context *= 4;
    }
}

/// Where two different texts differ, by lines: how many whole lines they
/// share at the start, and where the lines they share at the end start.
struct Region {
    /// Whole lines shared at the start.
    head: usize,
    /// Where the shared head ends (the start of the first differing line)
    /// in both texts.
    head_end: usize,
    /// Where the lines shared at the end start, in each text.
    tail_old: usize,
    tail_new: usize,
    /// How many lines they share at the end.
    tail: usize,
}

/// Lines `first..` of both texts, ending `rest` lines before their ends.
struct Window {
    /// Byte ranges diffed.
    old: Range<usize>,
    new: Range<usize>,
    /// The line number (0-based) the ranges start at.
    first: usize,
    /// Whether the ranges reach the start and the end of the texts.
    at_start: bool,
    at_end: bool,
}

impl Region {
    fn of(old: &str, new: &str) -> Region {
        let (a, b) = (old.as_bytes(), new.as_bytes());
        let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let head = a[..prefix].iter().filter(|&&c| c == b'\n').count();
        let head_end = a[..prefix]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| i + 1);
        // Whole lines shared at the end, not reaching into the shared head.
        let (mut tail_old, mut tail_new, mut tail) = (old.len(), new.len(), 0);
        while tail_old > head_end && tail_new > head_end {
            let (o, n) = (line_start(old, tail_old), line_start(new, tail_new));
            if o < head_end || n < head_end || old[o..tail_old] != new[n..tail_new] {
                break;
            }
            (tail_old, tail_new, tail) = (o, n, tail + 1);
        }
        Region {
            head,
            head_end,
            tail_old,
            tail_new,
            tail,
        }
    }

    /// The region with up to `context` shared lines on each side.
    fn window(&self, old: &str, new: &str, context: usize) -> Window {
        let before = context.min(self.head);
        let mut start = self.head_end;
        for _ in 0..before {
            start = line_start(old, start);
        }
        let after = context.min(self.tail);
        let (mut end_old, mut end_new) = (self.tail_old, self.tail_new);
        for _ in 0..after {
            end_old = line_after(old, end_old);
            end_new = line_after(new, end_new);
        }
        Window {
            old: start..end_old,
            new: start..end_new,
            first: self.head - before,
            at_start: before == self.head,
            at_end: after == self.tail,
        }
    }
}

impl Window {
    /// Whether the diff of this window is the whole texts' diff here: at
    /// least the context shown stays unchanged at each end (or the window
    /// reaches that end), so no change could move further out.
    fn holds(&self, ops: &[DiffOp]) -> bool {
        let equal = |op: Option<&DiffOp>| match op {
            Some(DiffOp::Equal { len, .. }) => *len,
            _ => 0,
        };
        (self.at_start || equal(ops.first()) >= CONTEXT)
            && (self.at_end || equal(ops.last()) >= CONTEXT)
    }
}

/// The start of the line ending at `end` (just after its line break, or
/// the end of the text).
fn line_start(text: &str, end: usize) -> usize {
    text.as_bytes()[..end.saturating_sub(1)]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1)
}

fn render(
    diff: &TextDiff<'_, '_, str>,
    window: &Window,
    old: &str,
    new: &str,
    secrets: Option<&Secrets>,
    name: &str,
    color: bool,
) -> String {
    let old_lines = shown(old, window.old.clone(), secrets.map(|s| &s.before[..]));
    let new_lines = shown(new, window.new.clone(), secrets.map(|s| &s.after[..]));
    let paint = |code: &str, text: &str| {
        if color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    for hunk in diff.unified_diff().context_radius(CONTEXT).iter_hunks() {
        if out.is_empty() {
            let name = printable(name);
            out.push_str(&paint(BOLD, &format!("--- {name}")));
            out.push('\n');
            out.push_str(&paint(BOLD, &format!("+++ {name}")));
            out.push('\n');
        }
        out.push_str(&paint(CYAN, &header(hunk.ops(), window.first)));
        out.push('\n');
        for change in hunk.iter_changes() {
            let (sign, line, code) = match change.tag() {
                ChangeTag::Equal => (' ', &old_lines[change.old_index().unwrap_or(0)], ""),
                ChangeTag::Delete => ('-', &old_lines[change.old_index().unwrap_or(0)], RED),
                ChangeTag::Insert => ('+', &new_lines[change.new_index().unwrap_or(0)], GREEN),
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

/// A hunk's header, `@@ -a,b +c,d @@`, its lines counted from `first`.
fn header(ops: &[DiffOp], first: usize) -> String {
    let range = |start: usize, end: usize| {
        let (start, end) = (start + first, end + first);
        match end - start {
            1 => format!("{}", start + 1),
            0 => format!("{start},0"),
            len => format!("{},{len}", start + 1),
        }
    };
    let (Some(a), Some(b)) = (ops.first(), ops.last()) else {
        return String::new();
    };
    format!(
        "@@ -{} +{} @@",
        range(a.old_range().start, b.old_range().end),
        range(a.new_range().start, b.new_range().end)
    )
}

/// The lines of `text` in `range` (whole lines) as shown: masked with
/// `secrets` when given. A secret that crosses the range's edge widens
/// what is masked to its lines, so that each line is masked as in the
/// whole text.
fn shown(text: &str, range: Range<usize>, secrets: Option<&[Range<usize>]>) -> Vec<String> {
    let Some(secrets) = secrets else {
        return text[range]
            .split_inclusive('\n')
            .map(str::to_string)
            .collect();
    };
    let (mut from, mut to) = (range.start, range.end);
    loop {
        let (mut f, mut t) = (from, to);
        for s in secrets
            .iter()
            .filter(|s| s.start < s.end && s.start < to && s.end > from)
        {
            f = f.min(line_start(text, s.start + 1));
            t = t.max(line_after(text, s.end - 1));
        }
        if (f, t) == (from, to) {
            break;
        }
        (from, to) = (f, t);
    }
    let inside: Vec<Range<usize>> = secrets
        .iter()
        .filter(|s| s.start >= from && s.end <= to)
        .map(|s| s.start - from..s.end - from)
        .collect();
    let masked = mask_text(&text[from..to], &inside);
    let skip = text[from..range.start].matches('\n').count();
    let take = text[range].split_inclusive('\n').count();
    masked
        .split_inclusive('\n')
        .skip(skip)
        .take(take)
        .map(str::to_string)
        .collect()
}

/// How many lines differ between two texts (removed plus added), as a line
/// diff of the whole texts counts them. Only their differing middle is
/// diffed (the lines they share at start and end count for nothing), and
/// a large middle as the line diff itself does it, as numbers standing for
/// its lines, counted as the diff goes rather than collected: a file that
/// Kometa re-indented throughout costs little more than the two texts.
pub(crate) fn changed_lines(a: &str, b: &str) -> usize {
    if a == b {
        return 0;
    }
    let window = Region::of(a, b).window(a, b, 0);
    let (old, new) = (&a[window.old], &b[window.new]);
    if lines(old).nth(100).is_none() && lines(new).nth(100).is_none() {
        return TextDiff::from_lines(old, new)
            .ops()
            .iter()
            .map(|op| match *op {
                DiffOp::Equal { .. } => 0,
                DiffOp::Delete { old_len, .. } => old_len,
                DiffOp::Insert { new_len, .. } => new_len,
                DiffOp::Replace {
                    old_len, new_len, ..
                } => old_len + new_len,
            })
            .sum();
    }
    // Numbered as the line diff numbers them: the old side's lines in
    // order of first appearance, every line only the new side has as one.
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let old_ids: Vec<u32> = lines(old)
        .map(|line| {
            let next = ids.len() as u32;
            *ids.entry(line).or_insert(next)
        })
        .collect();
    let new_only = ids.len() as u32;
    let new_ids: Vec<u32> = lines(new)
        .map(|line| ids.get(line).copied().unwrap_or(new_only))
        .collect();
    drop(ids);
    let mut count = Count(0);
    let _ = similar::algorithms::myers::diff_deadline(
        &mut count,
        &old_ids[..],
        0..old_ids.len(),
        &new_ids[..],
        0..new_ids.len(),
        None,
    );
    count.0
}

/// Counts the lines a diff removes and adds.
struct Count(usize);

impl DiffHook for Count {
    type Error = std::convert::Infallible;

    fn delete(&mut self, _: usize, old_len: usize, _: usize) -> Result<(), Self::Error> {
        self.0 += old_len;
        Ok(())
    }

    fn insert(&mut self, _: usize, _: usize, new_len: usize) -> Result<(), Self::Error> {
        self.0 += new_len;
        Ok(())
    }
}

/// The lines of `text` as the line diff splits them: after `\n`, after
/// `\r\n`, and after a lone `\r`.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let from = start;
        let mut end = bytes.len();
        for (i, &b) in bytes[from..].iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                let at = from + i;
                end = if b == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                    at + 2
                } else {
                    at + 1
                };
                break;
            }
        }
        start = end;
        Some(&text[from..end])
    })
}
