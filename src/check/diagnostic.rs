//! Findings as data: a rule id, a severity, a message, a hint and a source
//! range. Emitters in `report` decide how they look.

use std::ops::Range;

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
    /// A stable rule id, e.g. `pin-type`.
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub hint: Option<String>,
    /// The byte range in the file, `None` when the finding is about the
    /// file as a whole (it cannot be read).
    pub range: Option<Range<usize>>,
}

impl Diagnostic {
    /// A finding of `rule` at `range`.
    pub fn new(
        rule: &'static str,
        severity: Severity,
        range: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule,
            severity,
            message: message.into(),
            hint: None,
            range: Some(range),
        }
    }

    /// The same finding with a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}
