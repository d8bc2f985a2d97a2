//! The document tree built from saphyr-parser's events, with byte ranges
//! corrected for the parser's span quirks (see docs/yaml-editing.md), and
//! the formatting around each node (its separator, what follows it on its
//! line, where a new entry of a mapping goes) found once, here, so that
//! edits read it instead of scanning the text again.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::lex::{
    LineEnds, after_colon, blanks_before, block_header, colon_follows, line_start, only_blanks,
    scalar_end, skip_properties,
};
use super::scalar::Style;
use super::shape::{Duplicate, Role, Shape, Unlaid, Written};
use super::source::{Pos, Source};

/// Nesting deeper than this is refused: deeper trees are not configs, and
/// recursive walks over them would exhaust the stack.
pub(crate) const MAX_DEPTH: usize = 1000;

/// The default indentation step of a new nested mapping, and how many
/// nodes are looked at to find the file's own.
const DEFAULT_STEP: usize = 2;
const STEP_SEARCH: usize = 10_000;

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
    /// The formatting around the node.
    pub(crate) trivia: Trivia,
    pub(crate) kind: Kind<'a>,
}

/// The formatting around a node: what separates it from what precedes it,
/// and what follows it on its last line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Trivia {
    /// Where the spaces and tabs right before the node (its properties, if
    /// any) start: its separator from its key or indicator.
    pub(crate) sep: usize,
    /// Whether that separator holds a tab.
    pub(crate) sep_tab: bool,
    /// Where the spaces and tabs right before the node's own text (after
    /// its properties) start; `sep` when it has no properties.
    pub(crate) text_sep: usize,
    /// Where the line holding the node's end ends, before its line break.
    pub(crate) line_end: usize,
    /// Whether only whitespace follows the node on that line: no comment,
    /// no other token.
    pub(crate) bare: bool,
    /// For an empty value sitting at its key's colon (`key:`,
    /// `{ key : }`): the byte right after that colon.
    pub(crate) colon: Option<usize>,
}

/// Where and how a mapping takes a new entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MapLayout {
    /// Where the first key (with its properties) starts; `None` when empty.
    pub(crate) first_key: Option<usize>,
    /// Whether some key is explicit (`? key`), empty or not a scalar: keys
    /// whose indentation is ambiguous.
    pub(crate) explicit_keys: bool,
    /// Whether the last value ends in a block scalar (`|`, `>`), whose end
    /// is ambiguous.
    pub(crate) ends_in_block_scalar: bool,
    /// The quote style of the first quoted scalar value, the style a new
    /// value that needs quotes takes.
    pub(crate) quote: Option<Style>,
    /// Where a new entry goes: the end of the line holding the last entry
    /// (block style), or right after the last entry or the opening brace
    /// (flow style).
    pub(crate) append_at: usize,
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
        layout: MapLayout,
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
                super::scalar::is_null(value, *style, self.tag.as_deref())
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

    /// How a mapping node takes a new entry.
    pub(crate) fn layout(&self) -> Option<&MapLayout> {
        match &self.kind {
            Kind::Mapping { layout, .. } => Some(layout),
            _ => None,
        }
    }

    /// Whether this is a flow collection (`{…}`, `[…]`).
    pub(crate) fn is_flow(&self) -> bool {
        matches!(
            self.kind,
            Kind::Mapping { flow: true, .. } | Kind::Sequence { flow: true, .. }
        )
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

impl SyntaxError {
    /// The parser's error, positioned in `src`.
    pub(crate) fn from_scan(src: &Source<'_>, e: &saphyr_parser::ScanError) -> Self {
        let byte = src.byte(e.marker().index());
        SyntaxError {
            byte,
            pos: src.pos(byte),
            message: e.info().to_string(),
        }
    }
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
    /// How far the file indents a nested block mapping.
    pub(crate) indent_step: usize,
    /// For each entry of the first root mapping that has a tree: the lines
    /// from its key to the next root key, when it starts its line.
    pub(crate) windows: Vec<Option<Range<usize>>>,
    /// Whether the first root mapping has a merge key (`<<`).
    pub(crate) root_merge: bool,
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
    pub(crate) secret_key: Option<fn(&str) -> bool>,
    /// Whether duplicate keys are looked for everywhere (an edit finds the
    /// ones on its path in the tree).
    pub(crate) duplicates: bool,
}

impl<'k> Parse<'k> {
    /// Every node; no secrets looked for.
    pub(crate) fn full() -> Self {
        Self::masked_by(None)
    }

    /// Every node, and the ranges of the values of `secret_key`s.
    pub(crate) fn masking(secret_key: fn(&str) -> bool) -> Self {
        Self::masked_by(Some(secret_key))
    }

    /// No trees: only the ranges of the values of `secret_key`s (found
    /// everywhere, as with trees).
    pub(crate) fn secrets(secret_key: fn(&str) -> bool) -> Self {
        Parse {
            scope: Scope::RootKeys(&[]),
            secret_key: Some(secret_key),
            duplicates: false,
        }
    }

    /// Every node, and the ranges of the values of `secret_key`s if any.
    pub(crate) fn masked_by(secret_key: Option<fn(&str) -> bool>) -> Self {
        Parse {
            scope: Scope::Full,
            secret_key,
            duplicates: true,
        }
    }

    /// The same parse for only these root keys.
    pub(crate) fn root_keys(self, keys: &'k [&'k str]) -> Self {
        Parse {
            scope: Scope::RootKeys(keys),
            ..self
        }
    }

    /// The same parse, not looking for duplicate keys off the trees.
    pub(crate) fn without_duplicates(self) -> Self {
        Parse {
            duplicates: false,
            ..self
        }
    }
}

/// Parses `src` into trees, one per document, for the parts `parse` names.
pub(crate) fn parse<'a>(src: &Source<'a>, parse: Parse<'_>) -> Result<Parsed<'a>, SyntaxError> {
    let mut builder = Builder::new(src, parse);
    for event in Parser::new_from_str(src.input()) {
        let (event, span) = event.map_err(|e| SyntaxError::from_scan(src, &e))?;
        let bytes = (src.byte(span.start.index()), src.byte(span.end.index()));
        builder.feed(event, bytes)?;
    }
    Ok(builder.finish())
}

/// What a finished child tells its collection's layout.
struct Done {
    start: usize,
    end: usize,
    scalar: bool,
    ends_block: bool,
    quote: Option<Style>,
    colon: Option<usize>,
}

/// The layout of an open collection, built or skipped, as its children
/// arrive.
struct Lay {
    role: Role,
    mapping: bool,
    flow: bool,
    prop_start: usize,
    start: usize,
    first_key: Option<usize>,
    explicit_keys: bool,
    quote: Option<Style>,
    /// The end of the last entry (key or value) or item.
    last_end: Option<usize>,
    last_ends_block: bool,
    /// Where a flow mapping's last entry ends.
    entry_end: Option<usize>,
    key_end: usize,
    /// The current entry's key starts here (with its properties).
    key_prop: usize,
    /// The indentation probe: whether the step search reaches this block
    /// mapping, its place in that search, and whether one of its entries
    /// already gave a step.
    reachable: bool,
    index: usize,
    qualified: bool,
}

impl Lay {
    fn layout(&self, src: &Source<'_>, ends: &mut LineEnds, end: usize) -> MapLayout {
        let append_at = if self.flow {
            self.entry_end.unwrap_or(self.start + 1)
        } else {
            // A block scalar's text ends after its line break: stay on its last line.
            let last = if end > 0 && src.text.as_bytes()[end - 1] == b'\n' {
                end - 1
            } else {
                end
            };
            ends.at(src.text, last.max(self.start))
        };
        MapLayout {
            first_key: self.first_key,
            explicit_keys: self.explicit_keys,
            ends_in_block_scalar: !self.flow && self.last_ends_block,
            quote: self.quote,
            append_at,
        }
    }
}

/// The state of a parse between events.
pub(crate) struct Builder<'s, 'a, 'k> {
    src: &'s Source<'a>,
    scope: Scope<'k>,
    roots: Vec<Node<'a>>,
    doc_starts: Vec<usize>,
    stack: Vec<Frame<'a>>,
    shape: Shape,
    skip: Skip,
    anchors: HashSet<usize>,
    aliases: Vec<usize>,
    lays: Vec<Lay>,
    ends: LineEnds,
    /// Nodes the indentation search has reached so far.
    reached: usize,
    /// The best step found: (the search index of its mapping, the step).
    step: (usize, usize),
    windows: Vec<Option<Range<usize>>>,
    window_open: bool,
    root_merge: bool,
}

impl<'s, 'a, 'k> Builder<'s, 'a, 'k> {
    /// A builder for the events of `src`'s input.
    pub(crate) fn new(src: &'s Source<'a>, parse: Parse<'k>) -> Self {
        Builder {
            src,
            scope: parse.scope,
            roots: Vec::new(),
            doc_starts: Vec::new(),
            stack: Vec::new(),
            shape: Shape::new(parse.secret_key, parse.duplicates),
            skip: Skip::No,
            anchors: HashSet::new(),
            aliases: Vec::new(),
            lays: Vec::new(),
            ends: LineEnds::default(),
            reached: 0,
            step: (usize::MAX, DEFAULT_STEP),
            windows: Vec::new(),
            window_open: false,
            root_merge: false,
        }
    }

    /// Takes one event with its byte span.
    pub(crate) fn feed(
        &mut self,
        event: Event<'a>,
        bytes: (usize, usize),
    ) -> Result<(), SyntaxError> {
        if let Some(node) = self.event(event, bytes)? {
            match self.stack.last_mut() {
                Some(frame) => frame.push(node),
                None => self.roots.push(node),
            }
        }
        Ok(())
    }

    /// Everything built and gathered.
    pub(crate) fn finish(mut self) -> Parsed<'a> {
        if self.window_open
            && let Some(Some(w)) = self.windows.last_mut()
        {
            w.end = self.src.len();
        }
        if self.doc_starts.len() > 1 {
            self.windows.iter_mut().for_each(|w| *w = None);
        }
        let unresolved_alias = self.aliases.iter().any(|id| !self.anchors.contains(id));
        let facts = self.shape.finish();
        // A block collection or block scalar ends where the next token
        // starts: its secret range stops at its last character, so that a
        // masked line never takes the next line's indentation with it.
        let text = self.src.text;
        let secrets = facts
            .secrets
            .into_iter()
            .map(|r| r.start..r.start + text[r.clone()].trim_end().len())
            .filter(|r| !r.is_empty())
            .collect();
        Parsed {
            roots: self.roots,
            doc_starts: self.doc_starts,
            duplicates: facts.duplicates,
            secrets,
            unlaid: facts.unlaid,
            unresolved_alias,
            indent_step: if self.step.0 <= STEP_SEARCH {
                self.step.1
            } else {
                DEFAULT_STEP
            },
            windows: self.windows,
            root_merge: self.root_merge,
        }
    }

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

    /// Whether the innermost open collection is the first document's root
    /// block mapping.
    fn in_root_mapping(&self) -> bool {
        self.lays.len() == 1
            && self.lays[0].mapping
            && !self.lays[0].flow
            && self.doc_starts.len() <= 1
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
                let node = scalar_node(self.src.text, bytes, value, style, anchor, tag);
                self.scalar(node)
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

    /// A node arrives in its parent with `role`: the indentation search and
    /// the root's windows learn of it. Returns whether the search reaches it.
    fn arrive(
        &mut self,
        role: Role,
        prop_start: usize,
        key_text: Option<&str>,
        kept: bool,
    ) -> bool {
        let text = self.src.text;
        let reached = match (role, self.lays.last()) {
            (Role::Root, _) => true,
            (Role::Value, Some(p)) => p.mapping && !p.flow && p.reachable,
            _ => false,
        };
        if reached {
            self.reached += 1;
        }
        if role != Role::Key {
            return reached;
        }
        let n = self.lays.len();
        let mut first = false;
        if let Some(parent) = self.lays.last_mut() {
            parent.key_prop = prop_start;
            first = parent.first_key.is_none();
            parent.first_key.get_or_insert(prop_start);
        }
        // The search for the indentation step: the first key of a block
        // mapping that is a value in a block mapping the search reaches,
        // against that value's key.
        if first && n >= 2 {
            let (grand, parent) = (&self.lays[n - 2], &self.lays[n - 1]);
            if parent.mapping
                && !parent.flow
                && parent.role == Role::Value
                && grand.mapping
                && !grand.flow
                && grand.reachable
                && !grand.qualified
                && grand.index < self.step.0
            {
                let column = |at: usize| text[line_start(text, at)..at].chars().count();
                let (nested, outer) = (column(prop_start), column(grand.key_prop));
                if nested > outer {
                    self.step = (grand.index, nested - outer);
                    self.lays[n - 2].qualified = true;
                }
            }
        }
        if self.in_root_mapping() {
            if key_text == Some("<<") {
                self.root_merge = true;
            }
            // A scalar key alone at the start of its line (after the
            // indentation) starts a window and ends the one before; any
            // other key (`? key`, a complex key) ends it where it is not
            // sure, so that one is not used.
            let start = line_start(text, prop_start);
            let alone = key_text.is_some() && text[start..prop_start].bytes().all(|b| b == b' ');
            if self.window_open
                && let Some(window) = self.windows.last_mut()
            {
                match window {
                    Some(w) if alone => w.end = start,
                    _ => *window = None,
                }
            }
            self.window_open = kept;
            if kept {
                self.windows.push(alone.then_some(start..text.len()));
            }
        }
        reached
    }

    /// A finished child tells its parent's layout.
    fn done(&mut self, role: Role, done: Done) {
        let text = self.src.text;
        let Some(parent) = self.lays.last_mut() else {
            return;
        };
        match role {
            Role::Key => {
                if done.start == done.end || !done.scalar || !colon_follows(text, done.end) {
                    parent.explicit_keys = true;
                }
                parent.key_end = done.end;
                parent.last_end = Some(done.end);
                parent.last_ends_block = false;
                parent.entry_end = Some(done.end);
            }
            Role::Value => {
                if parent.quote.is_none() {
                    parent.quote = done.quote;
                }
                let end = done.end.max(parent.key_end);
                parent.last_end = Some(end);
                parent.last_ends_block = done.ends_block;
                parent.entry_end = Some(done.colon.unwrap_or(end));
            }
            Role::Item => {
                parent.last_end = Some(done.end);
                parent.last_ends_block = done.ends_block;
            }
            Role::Root => {}
        }
    }

    fn trivia(&mut self, prop_start: usize, start: usize, end: usize) -> Trivia {
        let text = self.src.text;
        let sep = blanks_before(text, prop_start);
        let line_end = self.ends.at(text, end);
        Trivia {
            sep,
            sep_tab: text[sep..prop_start].contains('\t'),
            text_sep: if start == prop_start {
                sep
            } else {
                blanks_before(text, start)
            },
            line_end,
            bare: only_blanks(text, end, line_end),
            colon: after_colon(text, start, end),
        }
    }

    fn scalar(&mut self, mut node: Node<'a>) -> Option<Node<'a>> {
        let text = node.scalar().unwrap_or_default();
        let style = match &node.kind {
            Kind::Scalar { style, .. } => *style,
            _ => Style::Plain,
        };
        let written = match style {
            s if s.is_block() => Written::Block,
            Style::Single | Style::Double => Written::Quoted,
            _ => Written::Plain,
        };
        let role = self.shape.scalar(
            text,
            node.start..node.end,
            node.is_null(),
            node.anchor,
            written,
        );
        if matches!(role, Role::Value | Role::Item) {
            self.shape
                .inline_secrets(&self.src.text[node.start..node.end], node.start);
        }
        let (kept, skip) = match self.skip {
            Skip::Depth(_) => (false, self.skip),
            Skip::NextValue => (false, Skip::No),
            Skip::No if self.at_root() && role == Role::Key && !self.keep(text) => {
                (false, Skip::NextValue)
            }
            Skip::No => (true, Skip::No),
        };
        self.skip = skip;
        let key = (role == Role::Key).then_some(text);
        let prop_start = node.prop_start;
        self.arrive(role, prop_start, key, kept);
        let done = Done {
            start: node.start,
            end: node.end,
            scalar: true,
            ends_block: style.is_block(),
            quote: matches!(style, Style::Single | Style::Double).then_some(style),
            colon: after_colon(self.src.text, node.start, node.end),
        };
        self.done(role, done);
        // An empty block scalar's span depends on what follows it: the
        // lines of a root entry holding one are not parsed alone.
        if style.is_block()
            && self.window_open
            && let Some(window) = self.windows.last_mut()
        {
            *window = None;
        }
        if !kept {
            return None;
        }
        if node.anchor != 0 {
            self.anchors.insert(node.anchor);
        }
        node.trivia = self.trivia(node.prop_start, node.start, node.end);
        if let Kind::Scalar { value, style } = &mut node.kind {
            let owned = std::mem::take(value);
            *value = borrowed(self.src.text, owned, *style, node.start, node.end);
        }
        Some(node)
    }

    fn alias(&mut self, id: usize, bytes: (usize, usize)) -> Option<Node<'a>> {
        let role = self.shape.alias(id, bytes.0..bytes.1);
        let kept = match self.skip {
            Skip::Depth(_) => false,
            Skip::NextValue => {
                self.skip = Skip::No;
                false
            }
            Skip::No => true,
        };
        self.arrive(role, bytes.0, None, kept);
        self.done(
            role,
            Done {
                start: bytes.0,
                end: bytes.1,
                scalar: false,
                ends_block: false,
                quote: None,
                colon: None,
            },
        );
        if !kept {
            return None;
        }
        self.aliases.push(id);
        Some(Node {
            start: bytes.0,
            end: bytes.1,
            prop_start: bytes.0,
            anchor: 0,
            tag: None,
            trivia: self.trivia(bytes.0, bytes.0, bytes.1),
            kind: Kind::Alias(id),
        })
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
        let skip = match self.skip {
            Skip::Depth(n) => Skip::Depth(n + 1),
            Skip::NextValue => Skip::Depth(1),
            Skip::No
                if at_root && role == Role::Key && matches!(self.scope, Scope::RootKeys(_)) =>
            {
                Skip::Depth(1)
            }
            Skip::No => Skip::No,
        };
        let kept = skip == Skip::No;
        let reached = self.arrive(role, bytes.0, None, kept);
        let index = self.reached;
        self.lays.push(Lay {
            role,
            mapping: is_mapping,
            flow,
            prop_start: bytes.0,
            start,
            first_key: None,
            explicit_keys: false,
            quote: None,
            last_end: None,
            last_ends_block: false,
            entry_end: None,
            key_end: start,
            key_prop: start,
            reachable: reached && is_mapping && !flow,
            index,
            qualified: false,
        });
        self.skip = skip;
        if kept {
            if anchor != 0 {
                self.anchors.insert(anchor);
            }
            self.stack
                .push(Frame::open(self.src.text, bytes, anchor, tag, is_mapping));
        }
        Ok(())
    }

    fn close(&mut self, bytes: (usize, usize)) -> Option<Node<'a>> {
        self.shape.close(bytes.1);
        let lay = self.lays.pop()?;
        let end = if lay.flow {
            bytes.1
        } else {
            lay.last_end.unwrap_or(lay.start)
        };
        self.done(
            lay.role,
            Done {
                start: lay.start,
                end,
                scalar: false,
                ends_block: !lay.flow && lay.last_ends_block,
                quote: None,
                colon: None,
            },
        );
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
            Skip::No | Skip::NextValue => {
                let layout = lay
                    .mapping
                    .then(|| lay.layout(self.src, &mut self.ends, end));
                let trivia = self.trivia(lay.prop_start, lay.start, end);
                self.stack.pop().map(|f| f.finish(end, trivia, layout))
            }
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
        trivia: Trivia::NONE,
        kind: Kind::Scalar { value, style },
    }
}

impl Trivia {
    /// Before the formatting is known.
    const NONE: Trivia = Trivia {
        sep: 0,
        sep_tab: false,
        text_sep: 0,
        line_end: 0,
        bare: false,
        colon: None,
    };
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
            trivia: Trivia::NONE,
            kind: Kind::Alias(0),
        };
        if is_mapping {
            Frame::Mapping {
                node: Node {
                    kind: Kind::Mapping {
                        flow,
                        entries: Vec::new(),
                        layout: MapLayout {
                            first_key: None,
                            explicit_keys: false,
                            ends_in_block_scalar: false,
                            quote: None,
                            append_at: start,
                        },
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

    /// Closes the collection, which ends at `end`.
    fn finish(self, end: usize, trivia: Trivia, layout: Option<MapLayout>) -> Node<'a> {
        let mut node = match self {
            Frame::Mapping {
                mut node, entries, ..
            } => {
                if let Kind::Mapping {
                    entries: slot,
                    layout: lay,
                    ..
                } = &mut node.kind
                {
                    *slot = entries;
                    if let Some(layout) = layout {
                        *lay = layout;
                    }
                }
                node
            }
            Frame::Sequence { mut node, items } => {
                if let Kind::Sequence { items: slot, .. } = &mut node.kind {
                    *slot = items;
                }
                node
            }
        };
        node.end = end;
        node.trivia = trivia;
        node
    }
}
