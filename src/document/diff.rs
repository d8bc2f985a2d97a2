//! The difference in meaning between two documents, path by path: which
//! scalars changed or were added, as the values both read. What cannot be
//! carried from one to the other by edits of scalars is named instead: a
//! changed sequence, a change through an anchor or alias, a removed key.

use saphyr_parser::{Event, ScalarStyle, Tag};

use super::data::{Data, custom_tag};
use super::events::Saphyr;
use super::scalar::{Resolved, Style, is_null_text};
use super::tree::{Builder, Kind, Node, Parse, Parsed, SyntaxError};
use super::{Document, Source};

/// A scalar that differs: changed (`old` is its value before) or added.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change {
    pub(crate) path: Vec<String>,
    pub(crate) old: Option<Resolved>,
    pub(crate) new: Resolved,
}

/// A difference that edits of scalars cannot carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Uncarried {
    pub(crate) path: String,
    pub(crate) why: &'static str,
}

/// Every scalar of `after`'s root that differs from `before`'s, or the
/// first difference that cannot be carried. Keys are compared as strings.
pub(crate) fn changes(
    before: &Document<'_>,
    after: &Document<'_>,
) -> Result<Vec<Change>, Uncarried> {
    let mut found = Vec::new();
    match (before.roots.first(), after.roots.first()) {
        (Some(b), Some(a)) => walk(b, a, &mut Vec::new(), &mut found)?,
        (None, Some(a)) => added(a, &mut Vec::new(), &mut found)?,
        (Some(_), None) => return Err(uncarried(&[], "the whole document was removed")),
        (None, None) => {}
    }
    Ok(found)
}

fn uncarried(path: &[String], why: &'static str) -> Uncarried {
    Uncarried {
        path: if path.is_empty() {
            "(the document)".into()
        } else {
            path.join(".")
        },
        why,
    }
}

fn key<'n>(node: &'n Node<'_>) -> Option<&'n str> {
    match &node.kind {
        Kind::Scalar { value, .. } => Some(value),
        _ => None,
    }
}

fn walk(
    before: &Node<'_>,
    after: &Node<'_>,
    path: &mut Vec<String>,
    found: &mut Vec<Change>,
) -> Result<(), Uncarried> {
    let before_data = Data::of(before);
    let after_data = Data::of(after);
    if before_data == after_data {
        return Ok(());
    }
    if before.anchor != 0 || after.anchor != 0 {
        return Err(uncarried(
            path,
            "it changed inside an anchored node (&), whose aliases would change too",
        ));
    }
    match (&before.kind, &after.kind) {
        (Kind::Alias(_), _) | (_, Kind::Alias(_)) => {
            Err(uncarried(path, "it changed through an alias (*)"))
        }
        (Kind::Mapping { entries: b, .. }, Kind::Mapping { entries: a, .. }) => {
            for entry in b {
                let Some(k) = key(&entry.key) else {
                    return Err(uncarried(path, "a mapping with a complex key changed"));
                };
                if !a.iter().any(|e| key(&e.key) == Some(k)) {
                    path.push(k.to_string());
                    return Err(uncarried(path, "the key was removed"));
                }
            }
            for entry in a {
                let Some(k) = key(&entry.key) else {
                    return Err(uncarried(path, "a mapping with a complex key changed"));
                };
                path.push(k.to_string());
                match b.iter().find(|e| key(&e.key) == Some(k)) {
                    Some(old) => walk(&old.value, &entry.value, path, found)?,
                    None => added(&entry.value, path, found)?,
                }
                path.pop();
            }
            Ok(())
        }
        (Kind::Scalar { .. }, Kind::Mapping { .. }) if before.is_null() => {
            added(after, path, found)
        }
        (Kind::Scalar { .. }, Kind::Scalar { .. }) => match (before_data, after_data) {
            (Data::Scalar(old), Data::Scalar(new)) => {
                found.push(Change {
                    path: path.clone(),
                    old: Some(old),
                    new,
                });
                Ok(())
            }
            _ => Err(uncarried(path, "a tagged value changed")),
        },
        (Kind::Sequence { .. }, _) | (_, Kind::Sequence { .. }) => {
            Err(uncarried(path, "a sequence changed"))
        }
        _ => Err(uncarried(
            path,
            "a value changed its kind (scalar, mapping, sequence)",
        )),
    }
}

/// Every scalar under `node`, which `before` did not have at `path`.
fn added(
    node: &Node<'_>,
    path: &mut Vec<String>,
    found: &mut Vec<Change>,
) -> Result<(), Uncarried> {
    match &node.kind {
        Kind::Scalar { .. } => match Data::of(node) {
            Data::Scalar(new) => {
                found.push(Change {
                    path: path.clone(),
                    old: None,
                    new,
                });
                Ok(())
            }
            _ => Err(uncarried(path, "a tagged value was added")),
        },
        Kind::Mapping { entries, .. } if node.anchor == 0 => {
            for entry in entries {
                let Some(k) = key(&entry.key) else {
                    return Err(uncarried(path, "a mapping with a complex key was added"));
                };
                path.push(k.to_string());
                added(&entry.value, path, found)?;
                path.pop();
            }
            Ok(())
        }
        Kind::Sequence { .. } => Err(uncarried(path, "a sequence was added")),
        _ => Err(uncarried(path, "an anchor or alias was added")),
    }
}

/// The changes between two texts (or the first that edits cannot carry),
/// and the first text's parse when one was asked for.
pub(crate) type Between<'b> = (Result<Vec<Change>, Uncarried>, Option<Document<'b>>);

/// Why two texts could not be compared: one does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unparsed {
    Before(SyntaxError),
    After(SyntaxError),
}

/// [`changes`] of two texts, streamed: both are parsed side by side, and
/// as long as they are alike (the same events but for changed scalars, and
/// keys added at the end of mappings) no tree is built. Anything else
/// (and every refusal, for its exact message) is left to [`changes`] over
/// whole trees. A syntax error in either text (in `before` first) is
/// returned as such. With `keep`, `before` is also parsed as `keep` says
/// (trees for some root keys, to edit it), on the way.
pub(crate) fn changes_between<'b>(
    before: &'b str,
    after: &str,
    keep: Option<Parse<'_>>,
) -> Result<Between<'b>, Unparsed> {
    let src = Source::new(before);
    let (streamed, kept) = std::thread::scope(|s| {
        let builder = keep.map(|parse| Builder::new(&src, parse));
        streamed(
            Saphyr::away(s, before, keep.is_some()),
            Saphyr::away(s, after, false),
            builder,
        )
    })?;
    let doc = match (kept, keep) {
        (Some(parsed), Some(parse)) if !parsed.unresolved_alias => {
            Some(Document::from_parsed(src, parsed, parse))
        }
        _ => None,
    };
    if let Some(found) = streamed {
        return Ok((Ok(found), doc));
    }
    let parse = |text, side: fn(SyntaxError) -> Unparsed| Document::parse(text).map_err(side);
    let before_doc = parse(before, Unparsed::Before)?;
    let after_doc = parse(after, Unparsed::After)?;
    Ok((changes(&before_doc, &after_doc), doc))
}

/// The streamed part of [`changes_between`] over two event streams (with
/// a tree of `before` built on the way by `builder`): the changes, or
/// `None` where it leaves them to the trees.
pub(super) fn streamed<'s, 'b, 'k>(
    before: Saphyr<'s, 'b>,
    after: Saphyr<'s, '_>,
    builder: Option<Builder<'s, 'b, 'k>>,
) -> Result<(Option<Vec<Change>>, Option<Parsed<'b>>), Unparsed> {
    let mut walk = Stream {
        before,
        before_ahead: None,
        before_span: (0, 0),
        after,
        after_ahead: None,
        builder: builder.map(|b| (b, false)),
        found: Vec::new(),
        path: Vec::new(),
        error: None,
    };
    let outcome = walk.stream();
    walk.drain();
    let kept = walk
        .builder
        .take()
        .filter(|(_, failed)| !failed)
        .map(|(builder, _)| builder.finish());
    match walk.error.take() {
        Some(e) => Err(e),
        None => Ok((outcome.ok().map(|()| walk.found), kept)),
    }
}

/// The streamed walk met something it leaves to the trees.
struct Other;

type Walked = Result<(), Other>;

struct Stream<'s, 'b, 'a, 'k> {
    before: Saphyr<'s, 'b>,
    before_ahead: Option<(Event<'b>, (usize, usize))>,
    /// The span of the before's event taken last.
    before_span: (usize, usize),
    after: Saphyr<'s, 'a>,
    after_ahead: Option<Event<'a>>,
    /// The before's trees, as they are asked for (and whether it failed).
    builder: Option<(Builder<'s, 'b, 'k>, bool)>,
    found: Vec<Change>,
    path: Vec<String>,
    /// A syntax error, the before text's first.
    error: Option<Unparsed>,
}

impl<'b, 'a> Stream<'_, 'b, 'a, '_> {
    fn b_peek(&mut self) -> Option<&Event<'b>> {
        if self.before_ahead.is_none() {
            match self.before.next() {
                Some(Ok(item)) => self.before_ahead = Some(item),
                Some(Err(e)) => self.note(Unparsed::Before(e)),
                None => {}
            }
        }
        self.before_ahead.as_ref().map(|(event, _)| event)
    }

    /// The before's next event; handed back by [`Stream::b_put`] once read.
    fn b_take(&mut self) -> Result<Event<'b>, Other> {
        self.b_peek();
        let (event, span) = self.before_ahead.take().ok_or(Other)?;
        self.before_span = span;
        Ok(event)
    }

    /// The before's event taken last, read: its trees take it.
    fn b_put(&mut self, event: Event<'b>) {
        if let Some((builder, failed)) = &mut self.builder
            && !*failed
        {
            *failed = builder.feed(event, self.before_span).is_err();
        }
    }

    fn a_peek(&mut self) -> Option<&Event<'a>> {
        if self.after_ahead.is_none() {
            match self.after.next() {
                Some(Ok((event, _))) => self.after_ahead = Some(event),
                Some(Err(e)) => self.note(Unparsed::After(e)),
                None => {}
            }
        }
        self.after_ahead.as_ref()
    }

    fn a_take(&mut self) -> Result<Event<'a>, Other> {
        self.a_peek();
        self.after_ahead.take().ok_or(Other)
    }

    fn note(&mut self, e: Unparsed) {
        let first = matches!(
            (&self.error, &e),
            (None, _) | (Some(Unparsed::After(_)), Unparsed::Before(_))
        );
        if first {
            self.error = Some(e);
        }
    }

    /// Reads both texts to their ends, for their syntax errors (and the
    /// before's trees).
    fn drain(&mut self) {
        while let Ok(event) = self.b_take() {
            self.b_put(event);
        }
        while self.a_take().is_ok() {}
    }

    fn stream(&mut self) -> Walked {
        let b = self.b_take()?;
        let starts = matches!(b, Event::StreamStart);
        self.b_put(b);
        if !starts || !matches!(self.a_take()?, Event::StreamStart) {
            return Err(Other);
        }
        let before = matches!(self.b_peek(), Some(Event::DocumentStart(_)));
        let after = matches!(self.a_peek(), Some(Event::DocumentStart(_)));
        match (before, after) {
            (true, true) => {
                let b = self.b_take()?;
                self.b_put(b);
                self.a_take()?;
                self.node()
            }
            (false, true) => {
                self.a_take()?;
                self.added()
            }
            (false, false) => Ok(()),
            (true, false) => Err(Other),
        }
    }

    /// One node of each: their scalars that differ.
    fn node(&mut self) -> Walked {
        self.b_peek();
        self.a_peek();
        match (
            self.before_ahead.as_ref().map(|(e, _)| e),
            self.after_ahead.as_ref(),
        ) {
            (Some(Event::Scalar(..)), Some(Event::Scalar(..))) => {
                let (b, a) = (self.b_take()?, self.a_take()?);
                let change = scalar_change(&b, &a);
                self.b_put(b);
                match change? {
                    Some((old, new)) => {
                        self.found.push(Change {
                            path: self.path.clone(),
                            old: Some(old),
                            new,
                        });
                        Ok(())
                    }
                    None => Ok(()),
                }
            }
            (Some(Event::MappingStart(0, _)), Some(Event::MappingStart(0, _))) => {
                let b = self.b_take()?;
                self.b_put(b);
                self.a_take()?;
                self.mapping()
            }
            (Some(Event::Scalar(v, s, 0, t)), Some(Event::MappingStart(0, _)))
                if is_null(v, *s, t.as_deref()) =>
            {
                let b = self.b_take()?;
                self.b_put(b);
                self.added()
            }
            // Anchors, aliases, sequences: only when nothing changed.
            _ => self.same(),
        }
    }

    /// The entries of two mappings, keys in the same order, the after's
    /// extra keys at its end. Keys are told apart by a hash: two keys that
    /// share one are left to the trees.
    fn mapping(&mut self) -> Walked {
        let mut keys = std::collections::HashSet::new();
        loop {
            let b = self.b_take()?;
            let key = match &b {
                Event::MappingEnd => {
                    self.b_put(b);
                    break;
                }
                Event::Scalar(v, ..) => v.to_string(),
                _ => return Err(Other),
            };
            self.b_put(b);
            if !keys.insert(key_hash(&key)) {
                return Err(Other);
            }
            if !matches!(self.a_take()?, Event::Scalar(ak, ..) if ak == key) {
                return Err(Other);
            }
            self.path.push(key);
            self.node()?;
            self.path.pop();
        }
        loop {
            let key = match self.a_take()? {
                Event::MappingEnd => return Ok(()),
                Event::Scalar(v, ..) if !keys.contains(&key_hash(&v)) => v.to_string(),
                _ => return Err(Other),
            };
            self.path.push(key);
            self.added()?;
            self.path.pop();
        }
    }

    /// One node of the after that the before did not have: its scalars.
    fn added(&mut self) -> Walked {
        match self.a_take()? {
            Event::Scalar(v, s, _, t) => match event_data(&v, s, t.as_deref()) {
                Data::Scalar(new) => {
                    self.found.push(Change {
                        path: self.path.clone(),
                        old: None,
                        new,
                    });
                    Ok(())
                }
                _ => Err(Other),
            },
            Event::MappingStart(0, _) => loop {
                let key = match self.a_take()? {
                    Event::MappingEnd => return Ok(()),
                    Event::Scalar(v, ..) => v.to_string(),
                    _ => return Err(Other),
                };
                self.path.push(key);
                self.added()?;
                self.path.pop();
            },
            _ => Err(Other),
        }
    }

    /// One node of each, meaning the same.
    fn same(&mut self) -> Walked {
        let mut depth = 0usize;
        loop {
            let (b, a) = (self.b_take()?, self.a_take()?);
            let alike = match (&b, &a) {
                (Event::Scalar(..), Event::Scalar(..)) => matches!(scalar_change(&b, &a), Ok(None)),
                (Event::MappingStart(_, bt), Event::MappingStart(_, at))
                | (Event::SequenceStart(_, bt), Event::SequenceStart(_, at)) => {
                    custom(bt.as_deref()) == custom(at.as_deref())
                }
                (Event::Alias(x), Event::Alias(y)) => x == y,
                (Event::MappingEnd, Event::MappingEnd)
                | (Event::SequenceEnd, Event::SequenceEnd) => true,
                _ => false,
            };
            match b {
                Event::MappingStart(..) | Event::SequenceStart(..) => depth += 1,
                Event::MappingEnd | Event::SequenceEnd => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.b_put(b);
            if !alike {
                return Err(Other);
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }
}

/// How a scalar changed between two events: `None` when it means the same,
/// its old and new values when both are untagged and unanchored; other
/// changes are left to the trees.
fn scalar_change(b: &Event<'_>, a: &Event<'_>) -> Result<Option<(Resolved, Resolved)>, Other> {
    let (Event::Scalar(bv, bs, ba, bt), Event::Scalar(av, as_, aa, at)) = (b, a) else {
        return Err(Other);
    };
    if bv == av && bs == as_ && bt == at {
        return Ok(None);
    }
    let old = event_data(bv, *bs, bt.as_deref());
    let new = event_data(av, *as_, at.as_deref());
    if old == new {
        return Ok(None);
    }
    match (old, new) {
        (Data::Scalar(old), Data::Scalar(new)) if *ba == 0 && *aa == 0 => Ok(Some((old, new))),
        _ => Err(Other),
    }
}

/// A quick hash of a key's text (FNV-1a): a collision only sends the
/// comparison to the trees.
fn key_hash(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A collection's custom tag, which its data carries.
fn custom(tag: Option<&Tag>) -> Option<String> {
    tag.map(|t| format!("{}{}", t.handle, t.suffix))
        .filter(|t| custom_tag(t))
}

/// What a scalar event means.
fn event_data(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> Data {
    let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
    Data::scalar(value, Style::from_parser(style), tag.as_deref())
}

/// Whether a scalar event is a plain null, as [`Node::is_null`] says.
fn is_null(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> bool {
    match tag.map(|t| format!("{}{}", t.handle, t.suffix)) {
        Some(t) => t == "tag:yaml.org,2002:null",
        None => style == ScalarStyle::Plain && is_null_text(value),
    }
}
