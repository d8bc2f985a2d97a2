//! Findings of one file with their positions resolved, the input of every
//! emitter (text, json, github, sarif).

use crate::check::{Diagnostic, Severity};
use crate::document::{Pos, Source};

/// The findings of one file and the text they point into.
pub(crate) struct FileReport {
    pub(crate) path: String,
    /// The file's text, when it could be read.
    pub(crate) text: Option<String>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Byte ranges of secret values in the text, masked in excerpts.
    pub(crate) secrets: Vec<std::ops::Range<usize>>,
}

/// A diagnostic's start and end (exclusive), 1-based, columns in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: Pos,
    pub(crate) end: Pos,
}

impl FileReport {
    /// The position of each diagnostic, `None` for whole-file findings.
    pub(crate) fn spans(&self) -> Vec<Option<Span>> {
        let source = self.text.as_deref().map(Source::new);
        self.diagnostics
            .iter()
            .map(|d| {
                let (source, range) = (source.as_ref()?, d.range.as_ref()?);
                Some(Span {
                    start: source.pos(range.start),
                    end: source.pos(range.end),
                })
            })
            .collect()
    }
}

/// Counts over all files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    pub(crate) notes: usize,
    pub(crate) files: usize,
}

impl Summary {
    /// The counts of `reports`.
    pub(crate) fn of(reports: &[FileReport]) -> Summary {
        let all = || reports.iter().flat_map(|r| &r.diagnostics);
        let count = |s| all().filter(|d| d.severity == s).count();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
            files: reports.len(),
        }
    }

    /// `2 errors, 1 warning in 1 file`.
    pub(crate) fn line(&self) -> String {
        let n = |count: usize, word: &str| {
            format!("{count} {word}{}", if count == 1 { "" } else { "s" })
        };
        format!(
            "{}, {} in {}",
            n(self.errors, "error"),
            n(self.warnings, "warning"),
            n(self.files, "file")
        )
    }
}
