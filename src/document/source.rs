//! Facts about the raw text: line endings, BOM, final newline, and the
//! conversion from the parser's character offsets to byte offsets. A source
//! may stand for a window of the text (one root entry's lines, parsed
//! alone); its byte offsets are still those of the whole text.

use std::ops::Range;
use std::sync::OnceLock;

/// How lines end in the file; new lines are written the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineEnding {
    Lf,
    CrLf,
}

impl LineEnding {
    /// The bytes of one line ending.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
        }
    }
}

/// A 1-based line and 1-based column (in characters) for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Pos {
    pub(crate) line: usize,
    pub(crate) col: usize,
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// Every this many characters the byte offset is remembered, so a lookup
/// scans at most this many characters without a table per character.
const CHECKPOINT: usize = 64;

/// The source text with its facts and offset conversions.
pub(crate) struct Source<'a> {
    /// The whole text (a window's offsets are offsets into it).
    pub(crate) text: &'a str,
    pub(crate) line_ending: LineEnding,
    pub(crate) bom: bool,
    /// The part the parser reads: the whole text, or one window of it.
    window: Range<usize>,
    /// Byte offset of every `CHECKPOINT`-th character of the window; empty
    /// for ASCII text.
    checkpoints: Vec<usize>,
    /// Where each line of the window starts.
    line_starts: OnceLock<Vec<usize>>,
    /// How many lines come before the window.
    lines_before: OnceLock<usize>,
}

impl<'a> Source<'a> {
    /// Records the facts of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        Self::window(text, 0..text.len())
    }

    /// The facts of `text`, for parsing only `window` of it (which starts
    /// at the start of a line).
    pub(crate) fn window(text: &'a str, window: Range<usize>) -> Self {
        let part = &text[window.clone()];
        let checkpoints = if part.is_ascii() {
            Vec::new()
        } else {
            part.char_indices()
                .step_by(CHECKPOINT)
                .map(|(b, _)| window.start + b)
                .collect()
        };
        let line_ending = match text.find('\n') {
            Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => LineEnding::CrLf,
            _ => LineEnding::Lf,
        };
        Source {
            text,
            line_ending,
            bom: text.starts_with('\u{feff}'),
            window,
            checkpoints,
            line_starts: OnceLock::new(),
            lines_before: OnceLock::new(),
        }
    }

    /// The text the parser reads.
    pub(crate) fn input(&self) -> &'a str {
        &self.text[self.window.clone()]
    }

    /// Whether the text is empty or ends with a line break: whether a line
    /// added at its end needs a line break before it.
    pub(crate) fn ends_line(&self) -> bool {
        self.text.is_empty() || self.text.ends_with('\n')
    }

    /// The length of the whole text.
    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }

    /// The byte offset of the character at `char_index` of the window (the
    /// parser counts characters).
    pub(crate) fn byte(&self, char_index: usize) -> usize {
        let end = self.window.end;
        if self.checkpoints.is_empty() {
            return (self.window.start + char_index).min(end);
        }
        let slot = char_index / CHECKPOINT;
        let Some(&start) = self.checkpoints.get(slot) else {
            return end;
        };
        let skip = char_index % CHECKPOINT;
        // A span of ASCII between two checkpoints is one byte a character.
        if self.checkpoints.get(slot + 1) == Some(&(start + CHECKPOINT)) {
            return start + skip;
        }
        self.text[start..end]
            .char_indices()
            .nth(skip)
            .map_or(end, |(b, _)| start + b)
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let base = self.window.start;
            let first = if base == 0 && self.bom { 3 } else { base };
            let mut starts = vec![first];
            starts.extend(
                self.input()
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| base + i + 1),
            );
            starts
        })
    }

    fn lines_before(&self) -> usize {
        *self.lines_before.get_or_init(|| {
            self.text.as_bytes()[..self.window.start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
        })
    }

    /// The line and column of a byte offset; the BOM is not a column.
    pub(crate) fn pos(&self, byte: usize) -> Pos {
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= byte).max(1);
        let start = starts[line - 1].min(byte);
        let col = self.text[start..byte.min(self.text.len())].chars().count() + 1;
        Pos {
            line: line + self.lines_before(),
            col,
        }
    }

    /// The byte offset where the line holding `byte` starts (after a BOM),
    /// found from `byte` back: an edit that asks for one line's indentation
    /// does not build a large text's table of lines.
    pub(crate) fn line_start(&self, byte: usize) -> usize {
        super::lex::line_start(self.text, byte).max(self.window.start.min(byte))
    }

    /// Where the line holding `byte` ends (before its line break).
    pub(crate) fn line_end(&self, byte: usize) -> usize {
        super::lex::line_end(self.text, byte)
    }

    /// The column (0-based, in characters) of a byte offset within its line.
    pub(crate) fn column(&self, byte: usize) -> usize {
        self.text[self.line_start(byte)..byte].chars().count()
    }
}

/// Where the line holding `byte` ends after its line break (the end of the
/// text on the last line).
pub(crate) fn line_after(text: &str, byte: usize) -> usize {
    text.as_bytes()[byte..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(text.len(), |i| byte + i + 1)
}
