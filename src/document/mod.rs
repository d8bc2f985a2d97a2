//! The lossless YAML layer: parse with positions, plan byte-exact edits,
//! verify them before anything is written.

pub(crate) mod apply;
pub(crate) mod comments;
pub(crate) mod data;
pub(crate) mod diff;
mod digest;
pub(crate) mod edit;
mod error;
mod events;
mod lex;
pub(crate) mod lookup;
pub(crate) mod path;
pub(crate) mod remove;
pub(crate) mod scalar;
pub(crate) mod shape;
pub(crate) mod source;
pub(crate) mod stream;
pub(crate) mod tree;
mod verify;

#[cfg(test)]
mod tests;

use std::ops::Range;

pub(crate) use apply::{Editor, Outcome, Secrets, apply};
pub(crate) use digest::{Digest, Digests};
pub(crate) use edit::{Edit, NewValue, Protect, ValueType};
pub(crate) use error::{EditError, Here, InsertRefusal, ValueRefusal, Via, WalkRefusal};
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
    pub(crate) secrets: Vec<Range<usize>>,
    /// Where tabs are text, not layout: quoted scalars, flow collections,
    /// block scalars.
    pub(crate) unlaid: Vec<shape::Unlaid>,
    /// How far the file indents a nested block mapping (2 when it never
    /// does), found over the whole stream whatever has a tree.
    pub(crate) indent_step: usize,
    /// For each entry of the root mapping that has a tree: the lines from
    /// its key to the next root key, when the key starts its line (such an
    /// entry can be parsed again alone after an edit inside it).
    pub(crate) windows: Vec<Option<Range<usize>>>,
    /// The root keys that have trees; `None` when every node has one.
    pub(crate) kept: Option<Vec<String>>,
    /// Whether the root mapping has a merge key (`<<`), tree or not.
    pub(crate) root_merge: bool,
    /// The keys whose values `secrets` holds (`None`: none were looked for).
    pub(crate) secret_key: Option<fn(&str) -> bool>,
    /// Whether `duplicates` were looked for.
    pub(crate) looked_for_duplicates: bool,
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
        Self::parse_source(Source::new(text), parse)
    }

    /// Parses what `source` names (the whole text or a window of it).
    pub(crate) fn parse_source(source: Source<'a>, parse: Parse<'_>) -> Result<Self, SyntaxError> {
        let parsed = tree::parse(&source, parse)?;
        if parsed.unresolved_alias && matches!(parse.scope, Scope::RootKeys(_)) {
            let full = Parse {
                scope: Scope::Full,
                ..parse
            };
            let parsed = tree::parse(&source, full)?;
            return Ok(Self::from_parsed(source, parsed, full));
        }
        Ok(Self::from_parsed(source, parsed, parse))
    }

    /// The document `parsed` from `source` with `parse`.
    pub(crate) fn from_parsed(
        source: Source<'a>,
        parsed: tree::Parsed<'a>,
        parse: Parse<'_>,
    ) -> Self {
        Document {
            source,
            roots: parsed.roots,
            doc_starts: parsed.doc_starts,
            duplicates: parsed.duplicates,
            secrets: parsed.secrets,
            unlaid: parsed.unlaid,
            indent_step: parsed.indent_step,
            windows: parsed.windows,
            kept: match parse.scope {
                Scope::Full => None,
                Scope::RootKeys(keys) => Some(keys.iter().map(|k| k.to_string()).collect()),
            },
            root_merge: parsed.root_merge,
            secret_key: parse.secret_key,
            looked_for_duplicates: parse.duplicates,
        }
    }

    /// The position of a byte offset.
    pub(crate) fn pos(&self, byte: usize) -> Pos {
        self.source.pos(byte)
    }

    /// The root of the only document, `None` for an empty stream; several
    /// documents are refused, since which one to edit is ambiguous.
    pub(crate) fn root(&self) -> Result<Option<&Node<'a>>, EditError> {
        if let Some(&second) = self.doc_starts.get(1) {
            return Err(EditError::SeveralDocuments {
                pos: self.pos(second),
            });
        }
        Ok(self.roots.first())
    }

    /// Whether this document has a tree for the root key `key`, and knows
    /// for sure when the root lacks it (no merge key could bring it in).
    pub(crate) fn covers(&self, key: &str) -> bool {
        match &self.kept {
            None => true,
            Some(kept) => {
                let has = |k: &str| kept.iter().any(|x| x == k);
                has(key) && (has("<<") || !self.root_merge || self.has_root_key(key))
            }
        }
    }

    fn has_root_key(&self, key: &str) -> bool {
        self.roots
            .first()
            .and_then(Node::entries)
            .is_some_and(|entries| entries.iter().any(|e| e.key.scalar() == Some(key)))
    }
}

#[cfg(test)]
mod properties;
