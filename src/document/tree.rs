//! The document tree built from saphyr-parser's events, with byte ranges
//! corrected for the parser's span quirks (see docs/yaml-editing.md).

use std::borrow::Cow;

use std::collections::HashSet;

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::scalar::Style;

use super::lex::{block_header, scalar_end, skip_properties};
use super::shape::{Duplicate, Role, Shape, Unlaid, Written};
use super::source::{Pos, Source};

/// Nesting deeper than this is refused: deeper trees are not configs, and
/// recursive walks over them would exhaust the stack.
pub(crate) const MAX_DEPTH: usize = 1000;

/// One node of the document.
#[derive(Debug, Clone)]
pub(crate) struct Node<'a> {
    /// Where the node's own text starts, after any `&anchor` or `!tag`.
    pub(crate) start: usize,
    /// Where its text ends: after the closing quote or bracket, or the end
    /// of its last child; never over trailing blanks or comments.
    pub(crate) end: usize,
    /// Where its properties start (equal to `start` when it has none).
    pub(crate) prop_start: usize,
    /// The parser's anchor id; 0 when the node has no anchor.
    pub(crate) anchor: usize,
    /// The resolved tag, e.g. `tag:yaml.org,2002:str` or `!secret`.
    pub(crate) tag: Option<String>,
    pub(crate) kind: Kind<'a>,
}

/// What a node is.
#[derive(Debug, Clone)]
pub(crate) enum Kind<'a> {
    Scalar {
        value: Cow<'a, str>,
        style: Style,
    },
    Mapping {
        flow: bool,
        entries: Vec<Entry<'a>>,
    },
    Sequence {
        flow: bool,
        items: Vec<Node<'a>>,
    },
    /// An alias (`*name`) to the node with this anchor id.
    Alias(usize),
}

/// A key and its value in a mapping.
#[derive(Debug, Clone)]
pub(crate) struct Entry<'a> {
    pub(crate) key: Node<'a>,
    pub(crate) value: Node<'a>,
}

impl<'a> Node<'a> {
    /// The decoded text of a scalar key or value.
    pub(crate) fn scalar(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// Whether this node is a plain null (`~`, `null`, or nothing at all).
    pub(crate) fn is_null(&self) -> bool {
        match &self.kind {
            Kind::Scalar { value, style } => {
                let tagged_null = self.tag.as_deref() == Some("tag:yaml.org,2002:null");
                (self.tag.is_none() && *style == Style::Plain && super::scalar::is_null_text(value))
                    || tagged_null
            }
            _ => false,
        }
    }

    /// The entries of a mapping node.
    pub(crate) fn entries(&self) -> Option<&[Entry<'a>]> {
        match &self.kind {
            Kind::Mapping { entries, .. } => Some(entries),
            _ => None,
        }
    }

    /// A short name of the node's kind for messages.
    pub(crate) fn kind_name(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar { style, .. } if style.is_block() => "block scalar",
            Kind::Scalar { .. } if self.is_null() => "null",
            Kind::Scalar { .. } => "scalar",
            Kind::Mapping { flow: true, .. } => "flow mapping",
            Kind::Mapping { .. } => "mapping",
            Kind::Sequence { .. } => "sequence",
            Kind::Alias(_) => "alias",
        }
    }
}

/// A YAML syntax error, positioned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pos}: YAML syntax error: {message}")]
pub(crate) struct SyntaxError {
    pub(crate) byte: usize,
    pub(crate) pos: Pos,
    pub(crate) message: String,
}

/// Which parts of the document get a tree.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scope<'k> {
    /// Every node.
    Full,
    /// Only these keys of the root mapping (and the root itself): what a
    /// check of one block needs, in a fraction of the memory.
    RootKeys(&'k [&'k str]),
}

/// Every document of a stream, as trees, with the facts gathered for the
/// whole stream.
pub(crate) struct Parsed<'a> {
    pub(crate) roots: Vec<Node<'a>>,
    /// The byte offset where each document starts.
    pub(crate) doc_starts: Vec<usize>,
    /// Duplicate keys anywhere, trees or not.
    pub(crate) duplicates: Vec<Duplicate>,
    /// The ranges of secret values anywhere, sorted.
    pub(crate) secrets: Vec<std::ops::Range<usize>>,
    /// Where tabs are text, not layout (quotes, flow collections, block scalars).
    pub(crate) unlaid: Vec<Unlaid>,
    /// A tree holds an alias whose anchor lies outside the trees built:
    /// parse with `Scope::Full` to follow it.
    pub(crate) unresolved_alias: bool,
}

enum Frame<'a> {
    Mapping {
        node: Node<'a>,
        entries: Vec<Entry<'a>>,
        key: Option<Node<'a>>,
    },
    Sequence {
        node: Node<'a>,
        items: Vec<Node<'a>>,
    },
}

/// Skipping a value of the root mapping that `Scope::RootKeys` leaves out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Skip {
    No,
    /// The next value at the root is skipped.
    NextValue,
    /// Inside a skipped collection, this many levels deep.
    Depth(usize),
}

/// How much a parse gathers.
#[derive(Clone, Copy)]
pub(crate) struct Parse<'k> {
    /// Which parts get a tree.
    pub(crate) scope: Scope<'k>,
    /// Keys whose values are secrets, to find their ranges anywhere.
    pub(crate) secret_key: fn(&str) -> bool,
}

impl<'k> Parse<'k> {
    /// Every node; no secrets looked for.
    pub(crate) fn full() -> Self {
        Parse {
            scope: Scope::Full,
            secret_key: |_| false,
        }
    }

    /// Every node, and the ranges of the values of `secret_key`s.
    pub(crate) fn masking(secret_key: fn(&str) -> bool) -> Self {
        Parse {
            scope: Scope::Full,
            secret_key,
        }
    }

    /// The same parse for only these root keys.
    pub(crate) fn root_keys(self, keys: &'k [&'k str]) -> Self {
        Parse {
            scope: Scope::RootKeys(keys),
            ..self
        }
    }
}

/// Parses `src` into trees, one per document, for the parts `parse` names.
pub(crate) fn parse<'a>(src: &Source<'a>, parse: Parse<'_>) -> Result<Parsed<'a>, SyntaxError> {
    let mut builder = Builder {
        src,
        scope: parse.scope,
        roots: Vec::new(),
        doc_starts: Vec::new(),
        stack: Vec::new(),
        shape: Shape::new(parse.secret_key),
        skip: Skip::No,
        anchors: HashSet::new(),
        aliases: Vec::new(),
    };
    for event in Parser::new_from_str(src.text) {
        let (event, span) = event.map_err(|e| {
            let byte = src.byte(e.marker().index());
            SyntaxError {
                byte,
                pos: src.pos(byte),
                message: e.info().to_string(),
            }
        })?;
        let bytes = (src.byte(span.start.index()), src.byte(span.end.index()));
        if let Some(node) = builder.event(event, bytes)? {
            match builder.stack.last_mut() {
                Some(frame) => frame.push(node),
                None => builder.roots.push(node),
            }
        }
    }
    let unresolved_alias = builder
        .aliases
        .iter()
        .any(|id| !builder.anchors.contains(id));
    let facts = builder.shape.finish();
    Ok(Parsed {
        roots: builder.roots,
        doc_starts: builder.doc_starts,
        duplicates: facts.duplicates,
        secrets: facts.secrets,
        unlaid: facts.unlaid,
        unresolved_alias,
    })
}

/// The state of a parse between events.
struct Builder<'s, 'a, 'k> {
    src: &'s Source<'a>,
    scope: Scope<'k>,
    roots: Vec<Node<'a>>,
    doc_starts: Vec<usize>,
    stack: Vec<Frame<'a>>,
    shape: Shape,
    skip: Skip,
    anchors: HashSet<usize>,
    aliases: Vec<usize>,
}

impl<'a> Builder<'_, 'a, '_> {
    /// Whether a tree is built for the root key `key`.
    fn keep(&self, key: &str) -> bool {
        match self.scope {
            Scope::Full => true,
            Scope::RootKeys(keys) => keys.contains(&key),
        }
    }

    fn at_root(&self) -> bool {
        self.stack.len() == 1 && matches!(self.stack[0], Frame::Mapping { .. })
    }

    /// Handles one event; returns a finished node to attach to its parent.
    fn event(
        &mut self,
        event: Event<'a>,
        bytes: (usize, usize),
    ) -> Result<Option<Node<'a>>, SyntaxError> {
        Ok(match event {
            Event::DocumentStart(_) => {
                self.doc_starts.push(bytes.0);
                None
            }
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                self.scalar(scalar_node(self.src.text, bytes, value, style, anchor, tag))
            }
            Event::Alias(id) => self.alias(id, bytes),
            Event::MappingStart(anchor, ref tag) | Event::SequenceStart(anchor, ref tag) => {
                let is_mapping = matches!(event, Event::MappingStart(..));
                let tag = tag.as_ref().map(|t| format!("{}{}", t.handle, t.suffix));
                self.open(is_mapping, anchor, tag, bytes)?;
                None
            }
            Event::MappingEnd | Event::SequenceEnd => self.close(bytes),
            _ => None,
        })
    }

    fn scalar(&mut self, node: Node<'a>) -> Option<Node<'a>> {
        let text = node.scalar().unwrap_or_default();
        let written = match &node.kind {
            Kind::Scalar { style, .. } if style.is_block() => Written::Block,
            Kind::Scalar {
                style: Style::Single | Style::Double,
                ..
            } => Written::Quoted,
            _ => Written::Plain,
        };
        let role = self.shape.scalar(
            text,
            node.start..node.end,
            node.is_null(),
            node.anchor,
            written,
        );
        match self.skip {
            Skip::Depth(_) => None,
            Skip::NextValue => {
                self.skip = Skip::No;
                None
            }
            Skip::No if self.at_root() && role == Role::Key && !self.keep(text) => {
                self.skip = Skip::NextValue;
                None
            }
            Skip::No => {
                if node.anchor != 0 {
                    self.anchors.insert(node.anchor);
                }
                Some(node)
            }
        }
    }

    fn alias(&mut self, id: usize, bytes: (usize, usize)) -> Option<Node<'a>> {
        self.shape.alias(id, bytes.0..bytes.1);
        match self.skip {
            Skip::Depth(_) => None,
            Skip::NextValue => {
                self.skip = Skip::No;
                None
            }
            Skip::No => {
                self.aliases.push(id);
                Some(Node {
                    start: bytes.0,
                    end: bytes.1,
                    prop_start: bytes.0,
                    anchor: 0,
                    tag: None,
                    kind: Kind::Alias(id),
                })
            }
        }
    }

    fn open(
        &mut self,
        is_mapping: bool,
        anchor: usize,
        tag: Option<String>,
        bytes: (usize, usize),
    ) -> Result<(), SyntaxError> {
        if self.shape.depth() >= MAX_DEPTH {
            return Err(SyntaxError {
                byte: bytes.0,
                pos: self.src.pos(bytes.0),
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
            });
        }
        let at_root = self.at_root();
        let start = skip_properties(self.src.text, bytes.0, bytes.1);
        let flow = self.src.text[start..bytes.1].starts_with(if is_mapping { '{' } else { '[' });
        let role = self.shape.open(is_mapping, start, anchor, flow);
        self.skip = match self.skip {
            Skip::Depth(n) => Skip::Depth(n + 1),
            Skip::NextValue => Skip::Depth(1),
            Skip::No
                if at_root && role == Role::Key && matches!(self.scope, Scope::RootKeys(_)) =>
            {
                Skip::Depth(1)
            }
            Skip::No => {
                if anchor != 0 {
                    self.anchors.insert(anchor);
                }
                self.stack
                    .push(Frame::open(self.src.text, bytes, anchor, tag, is_mapping));
                Skip::No
            }
        };
        Ok(())
    }

    fn close(&mut self, bytes: (usize, usize)) -> Option<Node<'a>> {
        self.shape.close(bytes.1);
        match self.skip {
            // A complex key at the root was skipped: its value goes too.
            Skip::Depth(1) if self.stack.len() == 1 && self.shape.awaiting_value() => {
                self.skip = Skip::NextValue;
                None
            }
            Skip::Depth(1) => {
                self.skip = Skip::No;
                None
            }
            Skip::Depth(n) => {
                self.skip = Skip::Depth(n - 1);
                None
            }
            Skip::No | Skip::NextValue => self.stack.pop().map(|f| f.finish(bytes)),
        }
    }
}

fn scalar_node<'a>(
    text: &'a str,
    bytes: (usize, usize),
    value: Cow<'a, str>,
    style: ScalarStyle,
    anchor: usize,
    tag: Option<String>,
) -> Node<'a> {
    let style = Style::from_parser(style);
    let start = if style.is_block() {
        block_header(text, bytes.0)
    } else {
        skip_properties(text, bytes.0, bytes.1)
    };
    // An empty plain scalar has no text, whatever its span says.
    let end = if style == Style::Plain && value.is_empty() {
        start
    } else {
        scalar_end(text, style, start, bytes.1)
    };
    Node {
        start,
        end,
        prop_start: bytes.0.min(start),
        anchor,
        tag,
        kind: Kind::Scalar {
            value: borrowed(text, value, style, start, end),
            style,
        },
    }
}

/// The parser owns every scalar's text; where it is exactly the source's
/// (a plain scalar on one line, a quoted one without escapes), the node
/// borrows the source instead and the copy is freed at once: a file of a
/// few huge values costs little more than the file.
fn borrowed<'a>(
    text: &'a str,
    value: Cow<'a, str>,
    style: Style,
    start: usize,
    end: usize,
) -> Cow<'a, str> {
    let raw = match style {
        Style::Plain => text.get(start..end),
        Style::Single | Style::Double if end > start + 1 => text.get(start + 1..end - 1),
        _ => None,
    };
    match (value, raw) {
        (Cow::Owned(owned), Some(raw)) if owned == raw => Cow::Borrowed(raw),
        (value, _) => value,
    }
}

impl<'a> Frame<'a> {
    fn open(
        text: &str,
        (from, to): (usize, usize),
        anchor: usize,
        tag: Option<String>,
        is_mapping: bool,
    ) -> Self {
        // The start span holds the properties, then a flow collection's
        // bracket and the blanks and comment after it; a block one's span
        // ends before its first key or item.
        let open = if is_mapping { '{' } else { '[' };
        let start = skip_properties(text, from, to);
        let flow = text[start..to].starts_with(open);
        let node = Node {
            start,
            end: start,
            prop_start: from,
            anchor,
            tag,
            kind: Kind::Alias(0),
        };
        if is_mapping {
            Frame::Mapping {
                node: Node {
                    kind: Kind::Mapping {
                        flow,
                        entries: Vec::new(),
                    },
                    ..node
                },
                entries: Vec::new(),
                key: None,
            }
        } else {
            Frame::Sequence {
                node: Node {
                    kind: Kind::Sequence {
                        flow,
                        items: Vec::new(),
                    },
                    ..node
                },
                items: Vec::new(),
            }
        }
    }

    fn push(&mut self, child: Node<'a>) {
        match self {
            Frame::Mapping { entries, key, .. } => match key.take() {
                Some(k) => entries.push(Entry {
                    key: k,
                    value: child,
                }),
                None => *key = Some(child),
            },
            Frame::Sequence { items, .. } => items.push(child),
        }
    }

    /// Closes the collection; `close` is the span of its end event.
    fn finish(self, close: (usize, usize)) -> Node<'a> {
        let (mut node, last_end) = match self {
            Frame::Mapping { node, entries, .. } => {
                let last = entries.last().map(|e| e.value.end.max(e.key.end));
                let mut node = node;
                if let Kind::Mapping { entries: slot, .. } = &mut node.kind {
                    *slot = entries;
                }
                (node, last)
            }
            Frame::Sequence { node, items } => {
                let last = items.last().map(|i| i.end);
                let mut node = node;
                if let Kind::Sequence { items: slot, .. } = &mut node.kind {
                    *slot = items;
                }
                (node, last)
            }
        };
        let flow = matches!(
            node.kind,
            Kind::Mapping { flow: true, .. } | Kind::Sequence { flow: true, .. }
        );
        node.end = if flow {
            close.1
        } else {
            last_end.unwrap_or(node.start)
        };
        node
    }
}
