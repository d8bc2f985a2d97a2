//! Findings as data: a rule id, a severity, a message, a hint and a source
//! range. Emitters in `report` decide how they look.

use std::ops::Range;

use super::rule::Rule;
use crate::document::Edit;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// One finding in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    pub hint: Option<String>,
    /// The byte range in the file, `None` when the finding is about the
    /// file as a whole (it cannot be read).
    pub range: Option<Range<usize>>,
    /// What `check --fix` does about it, when that is unambiguous.
    pub fix: Option<Fix>,
    /// More detail, shown with `--verbose` and in JSON: e.g. every branch's
    /// errors of a failed `anyOf`.
    pub notes: Vec<String>,
}

/// A repair of the trakt block: minimal edits that change no secret's
/// value and nothing outside the block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub edits: Vec<Edit>,
}

impl Diagnostic {
    /// A finding of `rule` at `range`, with the rule's default severity.
    pub fn new(rule: Rule, range: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.severity(),
            message: message.into(),
            hint: None,
            range: Some(range),
            fix: None,
            notes: Vec::new(),
        }
    }

    /// A finding about the file as a whole (it cannot be read).
    pub fn whole_file(rule: Rule, message: impl Into<String>) -> Self {
        Diagnostic {
            range: None,
            ..Diagnostic::new(rule, 0..0, message)
        }
    }

    /// The same finding with another severity (an option made it stricter).
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The same finding with the fix `edits`.
    pub fn fix(mut self, edits: Vec<Edit>) -> Self {
        self.fix = Some(Fix { edits });
        self
    }

    /// The same finding with a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}
