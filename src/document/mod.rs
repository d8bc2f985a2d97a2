//! The lossless YAML layer: parse with positions, plan byte-exact edits,
//! verify them before anything is written.

pub(crate) mod apply;
pub(crate) mod data;
pub(crate) mod diff;
pub(crate) mod edit;
mod lex;
pub(crate) mod lookup;
pub(crate) mod path;
pub(crate) mod scalar;
pub(crate) mod shape;
pub(crate) mod source;
pub(crate) mod tree;
mod verify;

pub(crate) use apply::{Outcome, apply};
pub(crate) use edit::{Edit, NewValue, Protect, ValueType};
pub(crate) use scalar::{Style, Value};
pub(crate) use source::{Pos, Source};
pub(crate) use tree::{Entry, Kind, Node, Parse, Scope, SyntaxError};

/// A parsed YAML stream with the source it came from.
pub(crate) struct Document<'a> {
    pub(crate) source: Source<'a>,
    /// One tree per document in the stream.
    pub(crate) roots: Vec<Node<'a>>,
    /// The byte offset where each document starts.
    pub(crate) doc_starts: Vec<usize>,
    /// Duplicate keys anywhere in the stream.
    pub(crate) duplicates: Vec<shape::Duplicate>,
    /// The ranges of secret values anywhere in the stream, sorted.
    pub(crate) secrets: Vec<std::ops::Range<usize>>,
    /// Where tabs are text, not layout: quoted scalars, flow collections,
    /// block scalars.
    pub(crate) unlaid: Vec<shape::Unlaid>,
    unresolved: bool,
}

impl<'a> Document<'a> {
    /// Parses `text`; any syntax error is returned with its position.
    pub(crate) fn parse(text: &'a str) -> Result<Self, SyntaxError> {
        Self::parse_with(text, Parse::full())
    }

    /// Parses `text` as `parse` says. With only some root keys, trees are
    /// built for them (and whatever their aliases need); duplicates and
    /// secrets are still found everywhere.
    pub(crate) fn parse_with(text: &'a str, parse: Parse<'_>) -> Result<Self, SyntaxError> {
        let doc = Self::parse_once(text, parse)?;
        if doc.unresolved {
            return Self::parse_once(
                text,
                Parse {
                    scope: Scope::Full,
                    ..parse
                },
            );
        }
        Ok(doc)
    }

    fn parse_once(text: &'a str, parse: Parse<'_>) -> Result<Self, SyntaxError> {
        let source = Source::new(text);
        let parsed = tree::parse(&source, parse)?;
        Ok(Document {
            source,
            roots: parsed.roots,
            doc_starts: parsed.doc_starts,
            duplicates: parsed.duplicates,
            secrets: parsed.secrets,
            unlaid: parsed.unlaid,
            unresolved: parsed.unresolved_alias,
        })
    }

    /// The position of a byte offset.
    pub(crate) fn pos(&self, byte: usize) -> Pos {
        self.source.pos(byte)
    }

    /// The root of the only document, `None` for an empty stream; several
    /// documents are refused, since which one to edit is ambiguous.
    pub(crate) fn root(&self) -> Result<Option<&Node<'a>>, EditError> {
        if let Some(&second) = self.doc_starts.get(1) {
            return Err(EditError::new(
                Some(self.pos(second)),
                "the file holds several YAML documents; kometa-trakt edits single-document files only",
            ));
        }
        Ok(self.roots.first())
    }
}

/// Why an edit or lookup was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub(crate) struct EditError {
    pub(crate) pos: Option<Pos>,
    pub(crate) message: String,
}

impl EditError {
    /// A refusal at `pos`.
    pub(crate) fn new(pos: Option<Pos>, message: impl Into<String>) -> Self {
        EditError {
            pos,
            message: message.into(),
        }
    }
}

impl EditError {
    fn describe(&self) -> String {
        match self.pos {
            Some(pos) => format!("{pos}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

impl From<SyntaxError> for EditError {
    fn from(e: SyntaxError) -> Self {
        EditError::new(Some(e.pos), format!("YAML syntax error: {}", e.message))
    }
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod yaml_suite;
