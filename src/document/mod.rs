//! The lossless YAML layer: parse with positions, plan byte-exact edits,
//! verify them before anything is written.

pub mod apply;
pub mod data;
pub mod diff;
pub mod edit;
mod lex;
pub mod lookup;
pub mod path;
pub mod scalar;
pub mod shape;
pub mod source;
pub mod tree;
mod verify;

pub use apply::{Outcome, apply};
pub use edit::{Edit, NewValue, Protect, ValueType};
pub use scalar::{Style, Value};
pub use source::{LineEnding, Pos, Source};
pub use tree::{Entry, Kind, Node, Parse, Scope, SyntaxError};

/// A parsed YAML stream with the source it came from.
pub struct Document<'a> {
    pub source: Source<'a>,
    /// One tree per document in the stream.
    pub roots: Vec<Node<'a>>,
    /// The byte offset where each document starts.
    pub doc_starts: Vec<usize>,
    /// Duplicate keys anywhere in the stream.
    pub duplicates: Vec<shape::Duplicate>,
    /// The ranges of secret values anywhere in the stream, sorted.
    pub secrets: Vec<std::ops::Range<usize>>,
    /// Where tabs are text, not layout: quoted scalars, flow collections,
    /// block scalars.
    pub unlaid: Vec<shape::Unlaid>,
    unresolved: bool,
}

impl<'a> Document<'a> {
    /// Parses `text`; any syntax error is returned with its position.
    pub fn parse(text: &'a str) -> Result<Self, SyntaxError> {
        Self::parse_with(text, Parse::full())
    }

    /// Parses `text` as `parse` says. With only some root keys, trees are
    /// built for them (and whatever their aliases need); duplicates and
    /// secrets are still found everywhere.
    pub fn parse_with(text: &'a str, parse: Parse<'_>) -> Result<Self, SyntaxError> {
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
    pub fn pos(&self, byte: usize) -> Pos {
        self.source.pos(byte)
    }

    /// The root of the only document, `None` for an empty stream; several
    /// documents are refused, since which one to edit is ambiguous.
    pub fn root(&self) -> Result<Option<&Node<'a>>, EditError> {
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
pub struct EditError {
    pub pos: Option<Pos>,
    pub message: String,
}

impl EditError {
    /// A refusal at `pos`.
    pub fn new(pos: Option<Pos>, message: impl Into<String>) -> Self {
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
