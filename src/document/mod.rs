//! The lossless YAML layer: parse with positions, plan byte-exact edits,
//! verify them before anything is written.

pub mod data;
pub mod edit;
pub mod path;
pub mod scalar;
pub mod source;
pub mod tree;
mod verify;

pub use edit::{Edit, NewValue, Outcome, ValueType, apply};
pub use scalar::Value;
pub use source::{LineEnding, Pos, Source};
pub use tree::{Entry, Kind, Node, Style, SyntaxError};

/// A parsed YAML stream with the source it came from.
pub struct Document<'a> {
    pub source: Source<'a>,
    /// One tree per document in the stream.
    pub roots: Vec<Node<'a>>,
    /// The byte offset where each document starts.
    pub doc_starts: Vec<usize>,
}

impl<'a> Document<'a> {
    /// Parses `text`; any syntax error is returned with its position.
    pub fn parse(text: &'a str) -> Result<Self, SyntaxError> {
        let source = Source::new(text);
        let parsed = tree::parse(&source)?;
        Ok(Document {
            source,
            roots: parsed.roots,
            doc_starts: parsed.doc_starts,
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.pos {
            Some(pos) => write!(f, "{pos}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl From<SyntaxError> for EditError {
    fn from(e: SyntaxError) -> Self {
        EditError::new(Some(e.pos), format!("YAML syntax error: {}", e.message))
    }
}
