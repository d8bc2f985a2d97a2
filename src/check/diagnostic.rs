//! Findings as data: a rule id, a severity, a message, a hint and a source
//! range. Emitters in `report` decide how they look.

use std::ops::Range;

use super::rule::Rule;
use crate::document::Edit;
use crate::kometa::Version;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    /// The lower-case name used in every output format.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// One finding in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diagnostic {
    pub(crate) rule: Rule,
    pub(crate) severity: Severity,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
    /// The byte range in the file, `None` when the finding is about the
    /// file as a whole (it cannot be read).
    pub(crate) range: Option<Range<usize>>,
    /// What `check --fix` does about it, when that is unambiguous.
    pub(crate) fix: Option<Fix>,
    /// More detail, shown with `--verbose` and in JSON: e.g. every branch's
    /// errors of a failed `anyOf`.
    pub(crate) notes: Vec<String>,
    /// Whether the rule's logic or an option chose the severity; if not,
    /// it is the registry's for the Kometa that reads the config.
    chosen: bool,
}

/// A repair `check --fix` makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fix {
    /// Minimal edits of the trakt block that change no secret's value and
    /// nothing outside the block.
    Edits(Vec<Edit>),
    /// Each of these characters (a Unicode space after a key's colon)
    /// becomes a plain space: the file then parses as it was meant to.
    Respace(Vec<Range<usize>>),
    /// The entry at this path goes, its lines removed whole.
    Remove(Vec<String>),
}

impl Diagnostic {
    /// A finding of `rule` at `range`, with the rule's default severity.
    pub(crate) fn new(rule: Rule, range: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.info().severity,
            message: message.into(),
            hint: None,
            range: Some(range),
            fix: None,
            notes: Vec::new(),
            chosen: false,
        }
    }

    /// A finding about the file as a whole (it cannot be read).
    pub(crate) fn whole_file(rule: Rule, message: impl Into<String>) -> Self {
        Diagnostic {
            range: None,
            ..Diagnostic::new(rule, 0..0, message)
        }
    }

    /// The same finding with another severity (an option made it stricter).
    pub(crate) fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self.chosen = true;
        self
    }

    /// The same finding with the registry's severity for `kometa`, unless
    /// its severity was chosen.
    pub(crate) fn for_kometa(mut self, kometa: Version) -> Self {
        if !self.chosen {
            self.severity = self.rule.severity(kometa);
        }
        self
    }

    /// The same finding with the fix `edits`.
    pub(crate) fn fix(self, edits: Vec<Edit>) -> Self {
        self.repair(Fix::Edits(edits))
    }

    /// The same finding with the repair `fix`; only a rule the registry
    /// marks fixable may carry one.
    pub(crate) fn repair(mut self, fix: Fix) -> Self {
        assert!(
            self.rule.info().fixable,
            "a fix from the rule `{}`, which the registry does not mark fixable",
            self.rule.id()
        );
        self.fix = Some(fix);
        self
    }

    /// The same finding with a hint.
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}
