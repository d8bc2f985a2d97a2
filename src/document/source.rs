//! Facts about the raw text: line endings, BOM, final newline, and the
//! conversion from the parser's character offsets to byte offsets.

use std::cell::OnceCell;

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
    pub(crate) text: &'a str,
    pub(crate) line_ending: LineEnding,
    pub(crate) bom: bool,
    /// Byte offset of every `CHECKPOINT`-th character; empty for ASCII text.
    checkpoints: Vec<usize>,
    line_starts: OnceCell<Vec<usize>>,
}

impl<'a> Source<'a> {
    /// Records the facts of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        let checkpoints = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(CHECKPOINT)
                .map(|(b, _)| b)
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
            checkpoints,
            line_starts: OnceCell::new(),
        }
    }

    /// The byte offset of the character at `char_index` (the parser counts characters).
    pub(crate) fn byte(&self, char_index: usize) -> usize {
        if self.checkpoints.is_empty() {
            return char_index.min(self.text.len());
        }
        let slot = char_index / CHECKPOINT;
        let Some(&start) = self.checkpoints.get(slot) else {
            return self.text.len();
        };
        let skip = char_index % CHECKPOINT;
        // A span of ASCII between two checkpoints is one byte a character.
        if self.checkpoints.get(slot + 1) == Some(&(start + CHECKPOINT)) {
            return start + skip;
        }
        self.text[start..]
            .char_indices()
            .nth(skip)
            .map_or(self.text.len(), |(b, _)| start + b)
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![if self.bom { 3 } else { 0 }];
            starts.extend(
                self.text
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            );
            starts
        })
    }

    /// The line and column of a byte offset; the BOM is not a column.
    pub(crate) fn pos(&self, byte: usize) -> Pos {
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= byte).max(1);
        let start = starts[line - 1].min(byte);
        let col = self.text[start..byte.min(self.text.len())].chars().count() + 1;
        Pos { line, col }
    }

    /// The byte offset where the line holding `byte` starts (after a BOM).
    pub(crate) fn line_start(&self, byte: usize) -> usize {
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= byte).max(1);
        starts[line - 1].min(byte)
    }

    /// The byte offset of the line ending (or end of text) of the line holding `byte`.
    pub(crate) fn line_end(&self, byte: usize) -> usize {
        let rest = &self.text[byte..];
        let nl = rest.find('\n').map_or(self.text.len(), |i| byte + i);
        if nl < self.text.len() && nl > byte && self.text.as_bytes()[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        }
    }

    /// The column (0-based, in characters) of a byte offset within its line.
    pub(crate) fn column(&self, byte: usize) -> usize {
        self.text[self.line_start(byte)..byte].chars().count()
    }
}
