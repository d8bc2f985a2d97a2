//! Checks an edit before anything is written: the result parses, means the
//! original with exactly the intended changes (by saphyr and, as a second
//! opinion, yaml-rust2), and applying the same edits again is a no-op.
//!
//! Nothing builds the data of either document. saphyr's events of the
//! original and of the result are walked in lockstep: outside the changed
//! paths every node must mean the same (resolved scalars, custom tags,
//! aliases as references to anchors), on them the result must hold the
//! original with the changes applied as `Data::set` applies them.
//!
//! yaml-rust2 reads the result at the same time and must report the very
//! same events as saphyr, and the same walk reads both documents as its
//! loader would (where a scalar's text changed, on the changed paths):
//! then yaml-rust2 reads the result as the original with the changes. Where
//! any of that is not so, its loader is asked over both whole texts, as
//! before. The result's tree is built for the edited root keys only, to
//! plan the edits again.

use std::collections::HashMap;

use saphyr_parser::{Event, ScalarStyle, Tag};
use yaml_rust2::{Yaml, YamlLoader};

use super::data::{Data, custom_tag};
use super::digest::{Digest, Digests, Masker};
use super::events::{Batches, Saphyr, yaml_away};
use super::scalar::{Resolved, Style, Value};
use super::source::Source;
use super::tree::{Builder, MAX_DEPTH, Parse, Parsed, Scope, SyntaxError};
use super::{Document, EditError};

/// Alias expansions beyond this many nodes skip the yaml-rust2 loader,
/// which expands aliases by copying (an alias bomb would exhaust memory).
/// The loader is asked only where yaml-rust2's events differ from saphyr's.
pub(super) const EXPANSION_LIMIT: usize = 1_000_000;

/// The result of an edit checked over the whole document: its parse, when
/// one was asked for.
pub(super) type Checked<'r> = Option<Document<'r>>;

/// Verifies that `result` is `original` with exactly `changes`: it parses
/// as one document, saphyr reads it as the original with the changes, and
/// yaml-rust2 agrees. On the way, the result is parsed as `tree` says (if
/// it says), and digested as `digests` says: with a digest to be like,
/// the original is not read at all when the result is like it (else it is
/// verified as without one); a digest is made when yaml-rust2's events
/// agreed all along.
pub(super) fn verify<'r>(
    original: &str,
    result: &'r str,
    changes: &[(Vec<String>, Value)],
    tree: Option<Parse<'_>>,
    digests: &Digests,
) -> Result<(Checked<'r>, Option<Digest>), EditError> {
    if let Digests::Like(digest) = digests
        && digest.covers(changes)
        && let Some(doc) = like(result, changes, tree, digest)
    {
        return Ok((doc, Some(digest.clone())));
    }
    let bug = |what: &'static str| -> Result<(Checked<'r>, Option<Digest>), EditError> {
        Err(EditError::Internal { what })
    };
    let want = Want::of(changes);
    let src = Source::new(result);
    let (masker, orig_masker) = match digests {
        Digests::Make => (Masker::new(changes), Masker::leaves_only(changes)),
        _ => (None, None),
    };
    let (verdict, run) = std::thread::scope(|s| {
        let mut run = Lockstep {
            orig: Saphyr::away(s, original, false),
            res: Saphyr::away(s, result, true),
            builder: tree.map(|parse| Builder::new(&src, parse)),
            yaml: Some(yaml_away(s, result)),
            masker,
            orig_masker,
            ..Lockstep::idle()
        };
        let verdict = run.document(&want);
        if verdict.is_err() {
            run.drain();
        }
        run.release();
        (verdict, run)
    });
    if run.unparsed {
        return bug("the edited text does not parse");
    }
    if run.docs != 1 {
        return bug("the edited text is not one document");
    }
    if verdict.is_err() {
        return bug("the edited document's data differs from the intended change");
    }
    let yaml_agrees = run.yaml.is_some() && !run.doubt;
    if !yaml_agrees
        && run.size.total <= EXPANSION_LIMIT
        && !second_opinion(original, result, changes)
    {
        return bug("yaml-rust2 reads the edited document differently");
    }
    let digest = match (run.masker, run.orig_masker) {
        (Some(masker), Some(original)) if yaml_agrees => {
            Some(masker.finish().with_original(original))
        }
        _ => None,
    };
    let parsed = run.builder.map(Builder::finish);
    match result_doc(parsed, tree, result, src) {
        Ok(doc) => Ok((doc, digest)),
        Err(()) => bug("the edited text does not parse"),
    }
}

/// `result` verified against `digest`, made of another result of the same
/// edits to the same original: saphyr's events are those of the other
/// result but for the changed values, which read as `changes` wrote them
/// (as yaml-rust2's loader would read them too), and yaml-rust2 reports
/// the same events. `None` when that is not all so: the result is then
/// verified against the original.
pub(super) fn like<'r>(
    result: &'r str,
    changes: &[(Vec<String>, Value)],
    tree: Option<Parse<'_>>,
    digest: &Digest,
) -> Option<Checked<'r>> {
    let src = Source::new(result);
    let (read, mut run) = std::thread::scope(|s| {
        let mut run = Lockstep {
            res: Saphyr::away(s, result, true),
            builder: tree.map(|parse| Builder::new(&src, parse)),
            yaml: Some(yaml_away(s, result)),
            masker: Some(Masker::like(digest)),
            ..Lockstep::idle()
        };
        let read = run.read_all();
        run.release();
        (read, run)
    });
    let masker = run.masker.take()?;
    // A changed value reads as written; any other left out is the
    // original's scalar there, written alike.
    let leaves_hold = masker.leaves.iter().all(|leaf| {
        let path = &digest.paths()[leaf.path];
        let (data, loaded) = match changes.iter().rev().find(|(p, _)| p == path) {
            Some((_, value)) => {
                let data = Data::Scalar(Resolved::from(value));
                let loaded = loader_data(&data);
                (data, loaded)
            }
            None => {
                let mut was = digest.was.iter().filter(|w| w.path == leaf.path);
                let (Some(was), None) = (was.next(), was.next()) else {
                    return false;
                };
                (
                    scalar_data(&was.value, was.style, was.tag.as_ref()),
                    loader_value(&was.value, was.style, was.tag.as_ref()),
                )
            }
        };
        let read = loader_value(&leaf.value, leaf.style, leaf.tag.as_ref());
        scalar_data(&leaf.value, leaf.style, leaf.tag.as_ref()) == data
            && read.is_some()
            && read == loaded
    });
    let alike = read.is_ok()
        && !run.unparsed
        && run.docs == 1
        && run.yaml.is_some()
        && leaves_hold
        && masker.finish() == *digest;
    if !alike {
        return None;
    }
    let parsed = run.builder.map(Builder::finish);
    result_doc(parsed, tree, result, src).ok()
}

/// The result's parse from its builder (when one was asked for); a result
/// whose aliases the builder could not resolve is parsed whole again.
fn result_doc<'r>(
    parsed: Option<Parsed<'r>>,
    tree: Option<Parse<'_>>,
    result: &'r str,
    src: Source<'r>,
) -> Result<Checked<'r>, ()> {
    let (Some(parsed), Some(parse)) = (parsed, tree) else {
        return Ok(None);
    };
    if !parsed.unresolved_alias {
        return Ok(Some(Document::from_parsed(src, parsed, parse)));
    }
    let full = Parse {
        scope: Scope::Full,
        ..parse
    };
    Document::parse_with(result, full).map(Some).map_err(|_| ())
}

/// What the changes make of a node of the original.
#[derive(Debug, Clone, PartialEq)]
enum Want {
    /// Replaced by this value.
    Value(Data),
    /// The node itself with these keys set, in the order first set: a
    /// mapping's entries of those keys (or new entries at its end), a null
    /// made a mapping of them; anything else is left as it is.
    Patch(Vec<(String, Want)>),
}

impl Want {
    /// What `changes`, applied in order, make of the root.
    fn of(changes: &[(Vec<String>, Value)]) -> Want {
        let mut want = Want::Patch(Vec::new());
        for (path, value) in changes {
            want.set(path, Resolved::from(value));
        }
        want
    }

    fn set(&mut self, path: &[String], value: Resolved) {
        let Some((first, rest)) = path.split_first() else {
            *self = Want::Value(Data::Scalar(value));
            return;
        };
        match self {
            Want::Value(data) => data.set(path, value),
            Want::Patch(entries) => {
                let slot = match entries.iter().position(|(k, _)| k == first) {
                    Some(i) => i,
                    None => {
                        entries.push((first.clone(), Want::Patch(Vec::new())));
                        entries.len() - 1
                    }
                };
                entries[slot].1.set(rest, value);
            }
        }
    }

    /// The data these changes make of `data`.
    fn apply_to(&self, mut data: Data) -> Data {
        match self {
            Want::Value(value) => value.clone(),
            Want::Patch(entries) => {
                for (key, want) in entries {
                    if let Some(slot) = data.slot(key) {
                        let old = std::mem::replace(slot, Data::Scalar(Resolved::Null));
                        *slot = want.apply_to(old);
                    }
                }
                data
            }
        }
    }
}

/// Why the walk stopped: the result differs from what was intended (or
/// does not parse, which `Lockstep::unparsed` tells).
#[derive(Debug)]
struct Differs;

type Step = Result<(), Differs>;

/// The two documents' events side by side.
struct Lockstep<'s, 'o, 'r, 'k> {
    orig: Saphyr<'o>,
    orig_ahead: Option<Event<'o>>,
    res: Saphyr<'r>,
    res_ahead: Option<(Event<'r>, (usize, usize))>,
    /// The result's trees and facts, when asked for.
    builder: Option<Builder<'s, 'r, 'k>>,
    /// How deep the result nests, and how many documents it holds.
    depth: usize,
    docs: usize,
    /// yaml-rust2's events of the result, while they agree with saphyr's.
    yaml: Option<Batches<Result<yaml_rust2::Event, ()>>>,
    /// yaml-rust2's loader might read a node otherwise than saphyr's
    /// events mean: its own reading of both texts must decide.
    doubt: bool,
    size: Expansion,
    /// The result does not parse (or its tree cannot be built).
    unparsed: bool,
    /// The result's digest, when one is made or compared.
    masker: Option<Masker>,
    /// The original's scalars at the changed paths, when a digest is made.
    orig_masker: Option<Masker>,
}

impl<'o, 'r> Lockstep<'_, 'o, 'r, '_> {
    /// Streams that have ended, to be replaced by those a run reads.
    fn idle() -> Self {
        Lockstep {
            orig: Saphyr::done(),
            orig_ahead: None,
            res: Saphyr::done(),
            res_ahead: None,
            builder: None,
            depth: 0,
            docs: 0,
            yaml: None,
            doubt: false,
            size: Expansion::default(),
            unparsed: false,
            masker: None,
            orig_masker: None,
        }
    }

    /// Lets the parsing threads go (a stream stopped early stops them).
    fn release(&mut self) {
        self.orig = Saphyr::done();
        self.res = Saphyr::done();
        self.yaml = self.yaml.take().map(|_| Batches::done());
    }

    /// Reads the result to its end.
    fn read_all(&mut self) -> Step {
        loop {
            let end = matches!(self.res_peek()?, Event::StreamEnd);
            self.res_take()?;
            if end {
                return Ok(());
            }
        }
    }

    fn orig_peek(&mut self) -> Option<&Event<'o>> {
        if self.orig_ahead.is_none() {
            self.orig_ahead = match self.orig.next() {
                Some(Ok((event, _))) => Some(event),
                _ => None,
            };
        }
        self.orig_ahead.as_ref()
    }

    fn orig_take(&mut self) -> Result<Event<'o>, Differs> {
        self.orig_peek();
        let event = self.orig_ahead.take().ok_or(Differs)?;
        self.size.event(&event);
        if let Some(masker) = &mut self.orig_masker {
            masker.event(&event);
        }
        Ok(event)
    }

    fn res_peek(&mut self) -> Result<&Event<'r>, Differs> {
        if self.res_ahead.is_none() {
            match self.res.next() {
                Some(Ok(item)) => self.res_ahead = Some(item),
                Some(Err(_)) => {
                    self.unparsed = true;
                    return Err(Differs);
                }
                None => return Err(Differs),
            }
        }
        Ok(&self.res_ahead.as_ref().ok_or(Differs)?.0)
    }

    /// Moves past the result's next event: yaml-rust2 must report the
    /// same, and the tree takes it.
    fn res_take(&mut self) -> Step {
        self.res_peek()?;
        let (event, bytes) = self.res_ahead.take().ok_or(Differs)?;
        if let Some(yaml) = &mut self.yaml {
            let agrees = matches!(yaml.next(), Some(Ok(y)) if yaml_eq(&event, &y));
            if !agrees {
                self.yaml = None;
            }
        }
        if let Some(masker) = &mut self.masker {
            masker.event(&event);
        }
        match &event {
            Event::DocumentStart(_) => self.docs += 1,
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    self.unparsed = true;
                    return Err(Differs);
                }
            }
            Event::MappingEnd | Event::SequenceEnd => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        match &mut self.builder {
            Some(builder) => builder.feed(event, bytes).map_err(|_: SyntaxError| {
                self.unparsed = true;
                Differs
            }),
            None => Ok(()),
        }
    }

    /// Reads the rest of the result, to tell whether it parses.
    fn drain(&mut self) {
        while !self.unparsed && self.res_peek().is_ok() {
            if self.res_take().is_err() {
                break;
            }
        }
    }

    /// The whole stream: one document, or none in the original.
    fn document(&mut self, want: &Want) -> Step {
        let stream_start = |e: &Event<'_>| matches!(e, Event::StreamStart);
        if !self.orig_take().is_ok_and(|e| stream_start(&e)) || !stream_start(self.res_peek()?) {
            return Err(Differs);
        }
        self.res_take()?;
        let has_doc = matches!(self.orig_peek(), Some(Event::DocumentStart(_)));
        if !matches!(self.res_peek()?, Event::DocumentStart(_)) {
            return Err(Differs);
        }
        self.res_take()?;
        if has_doc {
            self.orig_take()?;
            self.node(want, false)?;
            if !matches!(self.orig_take()?, Event::DocumentEnd) {
                return Err(Differs);
            }
        } else {
            self.expect(&want.apply_to(Data::Scalar(Resolved::Null)))?;
        }
        if !matches!(self.res_peek()?, Event::DocumentEnd) {
            return Err(Differs);
        }
        self.res_take()?;
        let ends = matches!(self.orig_take()?, Event::StreamEnd);
        if !ends || !matches!(self.res_peek()?, Event::StreamEnd) {
            return Err(Differs);
        }
        self.res_take()
    }

    /// One node of each, meaning the same.
    fn same(&mut self) -> Step {
        let mut depth = 0usize;
        loop {
            let a = self.orig_take()?;
            let b = self.res_peek()?;
            if !raw_eq(&a, b) {
                if !data_eq(&a, b) {
                    return Err(Differs);
                }
                // The same data written otherwise: the loader reads it
                // alike only if it resolves both the same, and anchors
                // (which its aliases copy) stay.
                self.doubt |= !loader_eq(&a, b);
            }
            self.res_take()?;
            match a {
                Event::MappingStart(..) | Event::SequenceStart(..) => depth += 1,
                Event::MappingEnd | Event::SequenceEnd => {
                    depth = depth.checked_sub(1).ok_or(Differs)?;
                }
                _ => {}
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }

    /// Skips one node of the original.
    fn skip_orig(&mut self) -> Step {
        let mut depth = 0usize;
        loop {
            match self.orig_take()? {
                Event::MappingStart(..) | Event::SequenceStart(..) => depth += 1,
                Event::MappingEnd | Event::SequenceEnd => {
                    depth = depth.checked_sub(1).ok_or(Differs)?;
                }
                _ => {}
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }

    /// One node of the original as `want` makes it, in the result. Inside
    /// an anchored node (`anchored`) a change also changes its aliases,
    /// which yaml-rust2's loader (copying them) would see.
    fn node(&mut self, want: &Want, anchored: bool) -> Step {
        let anchored = anchored
            || matches!(
                self.orig_peek(),
                Some(Event::MappingStart(a, _) | Event::SequenceStart(a, _) | Event::Scalar(_, _, a, _)) if *a != 0
            );
        self.doubt |= anchored;
        match (want, self.orig_peek()) {
            (Want::Patch(entries), Some(Event::MappingStart(..))) => {
                let a = self.orig_take()?;
                let b = self.res_peek()?;
                if !matches!(b, Event::MappingStart(..)) || !data_eq(&a, b) {
                    return Err(Differs);
                }
                self.res_take()?;
                self.patch(entries, anchored)
            }
            (_, Some(Event::Scalar(value, style, _, tag))) => {
                let data = scalar_data(value, *style, tag.as_deref());
                // The loader makes a mapping of a null only: of the same
                // scalars as the data does?
                let null = matches!(data, Data::Scalar(Resolved::Null));
                let loader_null = loader_value(value, *style, tag.as_deref()) == Some(Yaml::Null);
                if matches!(want, Want::Patch(_)) && null != loader_null {
                    self.doubt = true;
                }
                self.orig_take()?;
                self.expect(&want.apply_to(data))
            }
            (Want::Value(data), _) => {
                self.skip_orig()?;
                self.expect(data)
            }
            // A sequence or an alias: setting keys in it changes nothing
            // (the loader, which copies what an alias names, may differ).
            (Want::Patch(_), next) => {
                self.doubt |= matches!(next, Some(Event::Alias(_)));
                self.same()
            }
        }
    }

    /// The entries of a mapping whose `entries` keys are set.
    fn patch(&mut self, entries: &[(String, Want)], anchored: bool) -> Step {
        let mut matched = vec![false; entries.len()];
        while !matches!(self.orig_peek(), Some(Event::MappingEnd) | None) {
            let mut slot = None;
            if let Some(Event::Scalar(value, style, _, tag)) = self.orig_peek() {
                let named = is_named(&scalar_data(value, *style, tag.as_deref()));
                let loaded = match loader_value(value, *style, tag.as_deref()) {
                    Some(Yaml::String(s)) => Some(s),
                    _ => None,
                };
                if named != loaded {
                    self.doubt = true;
                }
                slot = named.and_then(|key| {
                    entries
                        .iter()
                        .position(|(k, _)| *k == key)
                        .filter(|&i| !matched[i])
                });
            }
            self.same()?;
            match slot {
                Some(i) => {
                    matched[i] = true;
                    self.node(&entries[i].1, anchored)?;
                }
                None => self.same()?,
            }
        }
        self.orig_take()?;
        for (i, (key, want)) in entries.iter().enumerate() {
            if !matched[i] {
                self.expect(&Data::Scalar(Resolved::Str(key.clone())))?;
                self.expect(&want.apply_to(Data::Scalar(Resolved::Null)))?;
            }
        }
        if !matches!(self.res_peek()?, Event::MappingEnd) {
            return Err(Differs);
        }
        self.res_take()
    }

    /// One node of the result, meaning `data`.
    fn expect(&mut self, data: &Data) -> Step {
        let (inner, tag) = match data {
            Data::Tagged(tag, inner) => (&**inner, Some(tag.as_str())),
            _ => (data, None),
        };
        let tag_fits = |t: Option<&Tag>| {
            let t = t.map(tag_text);
            match tag {
                Some(tag) => t.as_deref() == Some(tag),
                None => t.is_none_or(|t| !custom_tag(&t)),
            }
        };
        match (inner, self.res_peek()?) {
            (_, Event::Scalar(value, style, _, t)) => {
                if scalar_data(value, *style, t.as_deref()) != *data {
                    return Err(Differs);
                }
                let loaded = loader_value(value, *style, t.as_deref());
                self.doubt |= loaded.is_none() || loaded != loader_data(data);
                self.res_take()
            }
            (Data::Map(entries), Event::MappingStart(_, t)) if tag_fits(t.as_deref()) => {
                self.res_take()?;
                for (k, v) in entries {
                    self.expect(k)?;
                    self.expect(v)?;
                }
                self.close(|e| matches!(e, Event::MappingEnd))
            }
            (Data::Seq(items), Event::SequenceStart(_, t)) if tag_fits(t.as_deref()) => {
                self.res_take()?;
                for item in items {
                    self.expect(item)?;
                }
                self.close(|e| matches!(e, Event::SequenceEnd))
            }
            (Data::Alias(id), Event::Alias(x)) if id == x && tag.is_none() => {
                self.doubt = true;
                self.res_take()
            }
            _ => Err(Differs),
        }
    }

    fn close(&mut self, end: fn(&Event<'_>) -> bool) -> Step {
        if !end(self.res_peek()?) {
            return Err(Differs);
        }
        self.res_take()
    }
}

/// A tag as the tree writes it (`tag:yaml.org,2002:str`, `!secret`).
fn tag_text(tag: &Tag) -> String {
    format!("{}{}", tag.handle, tag.suffix)
}

/// What a scalar event means.
fn scalar_data(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> Data {
    let tag = tag.map(tag_text);
    Data::scalar(value, Style::from_parser(style), tag.as_deref())
}

/// The key a key scalar is for `Data::set`, if any.
pub(super) fn key_name(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> Option<String> {
    is_named(&scalar_data(value, style, tag))
}

/// The key a key meaning `data` is for `Data::set`, if any.
fn is_named(data: &Data) -> Option<String> {
    let inner = match data {
        Data::Tagged(_, inner) => &**inner,
        other => other,
    };
    match inner {
        Data::Scalar(Resolved::Str(s)) => Some(s.clone()),
        _ => None,
    }
}

/// The same meaning (`Data::of`), whatever the writing: scalars resolved,
/// collections with the same custom tag, aliases to the same anchor.
fn data_eq(a: &Event<'_>, b: &Event<'_>) -> bool {
    let custom = |t: &Option<std::borrow::Cow<'_, Tag>>| {
        t.as_deref().map(tag_text).filter(|t| custom_tag(t))
    };
    match (a, b) {
        (Event::Scalar(v1, s1, _, t1), Event::Scalar(v2, s2, _, t2)) => {
            scalar_data(v1, *s1, t1.as_deref()) == scalar_data(v2, *s2, t2.as_deref())
        }
        (Event::MappingStart(_, t1), Event::MappingStart(_, t2))
        | (Event::SequenceStart(_, t1), Event::SequenceStart(_, t2)) => custom(t1) == custom(t2),
        _ => raw_eq(a, b),
    }
}

/// Whether yaml-rust2's loader reads two events of the same meaning alike:
/// the same resolution and the same anchor.
fn loader_eq(a: &Event<'_>, b: &Event<'_>) -> bool {
    match (a, b) {
        (Event::Scalar(v1, s1, a1, t1), Event::Scalar(v2, s2, a2, t2)) => {
            let (x, y) = (
                loader_value(v1, *s1, t1.as_deref()),
                loader_value(v2, *s2, t2.as_deref()),
            );
            a1 == a2 && x.is_some() && x == y
        }
        (Event::MappingStart(a1, _), Event::MappingStart(a2, _))
        | (Event::SequenceStart(a1, _), Event::SequenceStart(a2, _)) => a1 == a2,
        _ => false,
    }
}

/// The value yaml-rust2's loader makes of a scalar event (as its
/// `YamlLoader` does); `None` where this cannot tell (a tagged float).
fn loader_value(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> Option<Yaml> {
    if style != ScalarStyle::Plain {
        return Some(Yaml::String(value.to_string()));
    }
    let Some(tag) = tag else {
        return Some(Yaml::from_str(value));
    };
    if tag.handle != "tag:yaml.org,2002:" {
        return Some(Yaml::String(value.to_string()));
    }
    Some(match tag.suffix.as_str() {
        "bool" => match value {
            "true" | "True" | "TRUE" => Yaml::Boolean(true),
            "false" | "False" | "FALSE" => Yaml::Boolean(false),
            _ => Yaml::BadValue,
        },
        "int" => value.parse::<i64>().map_or(Yaml::BadValue, Yaml::Integer),
        "null" => match value {
            "~" | "null" => Yaml::Null,
            _ => Yaml::BadValue,
        },
        "float" => return None,
        _ => Yaml::String(value.to_string()),
    })
}

/// The value yaml-rust2's loader gives a value written as `data`.
fn loader_data(data: &Data) -> Option<Yaml> {
    Some(match data {
        Data::Scalar(Resolved::Null) => Yaml::Null,
        Data::Scalar(Resolved::Bool(b)) => Yaml::Boolean(*b),
        Data::Scalar(Resolved::Int(i)) => Yaml::Integer(i64::try_from(*i).ok()?),
        Data::Scalar(Resolved::Str(s)) => Yaml::String(s.clone()),
        _ => return None,
    })
}

/// The same event, but where it is.
fn raw_eq(a: &Event<'_>, b: &Event<'_>) -> bool {
    match (a, b) {
        (Event::Scalar(v1, s1, a1, t1), Event::Scalar(v2, s2, a2, t2)) => {
            v1 == v2 && s1 == s2 && a1 == a2 && t1 == t2
        }
        (Event::MappingStart(a1, t1), Event::MappingStart(a2, t2))
        | (Event::SequenceStart(a1, t1), Event::SequenceStart(a2, t2)) => a1 == a2 && t1 == t2,
        (Event::Alias(x), Event::Alias(y)) => x == y,
        (Event::DocumentStart(_), Event::DocumentStart(_)) => true,
        (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

/// Whether yaml-rust2 reports the event saphyr reports.
fn yaml_eq(a: &Event<'_>, b: &yaml_rust2::Event) -> bool {
    use yaml_rust2::Event as Y;
    use yaml_rust2::scanner::TScalarStyle as T;
    let tag_eq =
        |a: &Option<std::borrow::Cow<'_, Tag>>, b: &Option<yaml_rust2::parser::Tag>| match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => a.handle == b.handle && a.suffix == b.suffix,
            _ => false,
        };
    match (a, b) {
        (Event::StreamStart, Y::StreamStart)
        | (Event::StreamEnd, Y::StreamEnd)
        | (Event::DocumentStart(_), Y::DocumentStart)
        | (Event::DocumentEnd, Y::DocumentEnd)
        | (Event::MappingEnd, Y::MappingEnd)
        | (Event::SequenceEnd, Y::SequenceEnd) => true,
        (Event::Alias(x), Y::Alias(y)) => x == y,
        (Event::Scalar(v1, s1, a1, t1), Y::Scalar(v2, s2, a2, t2)) => {
            let style = matches!(
                (s1, s2),
                (ScalarStyle::Plain, T::Plain)
                    | (ScalarStyle::SingleQuoted, T::SingleQuoted)
                    | (ScalarStyle::DoubleQuoted, T::DoubleQuoted)
                    | (ScalarStyle::Literal, T::Literal)
                    | (ScalarStyle::Folded, T::Folded)
            );
            v1 == v2 && style && a1 == a2 && tag_eq(t1, t2)
        }
        (Event::MappingStart(a1, t1), Y::MappingStart(a2, t2))
        | (Event::SequenceStart(a1, t1), Y::SequenceStart(a2, t2)) => a1 == a2 && tag_eq(t1, t2),
        _ => false,
    }
}

/// How many nodes the original has with every alias expanded, counted as
/// its events pass.
#[derive(Default)]
struct Expansion {
    open: Vec<(usize, usize)>,
    anchored: HashMap<usize, usize>,
    total: usize,
}

impl Expansion {
    fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Scalar(_, _, anchor, _) => self.node(*anchor, 1),
            Event::Alias(id) => {
                let n = self.anchored.get(id).copied().unwrap_or(1);
                self.node(0, n);
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                self.open.push((*anchor, 1));
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some((anchor, n)) = self.open.pop() {
                    self.node(anchor, n);
                }
            }
            _ => {}
        }
    }

    fn node(&mut self, anchor: usize, n: usize) {
        if anchor != 0 {
            self.anchored.insert(anchor, n);
        }
        match self.open.last_mut() {
            Some((_, size)) => *size = size.saturating_add(n),
            None => self.total = self.total.saturating_add(n),
        }
    }
}

/// yaml-rust2's loader reading of the result equals its reading of the
/// original with the changes applied. A document it cannot read gives no
/// opinion.
pub(super) fn second_opinion(
    original: &str,
    result: &str,
    changes: &[(Vec<String>, Value)],
) -> bool {
    let load = |t: &str| YamlLoader::load_from_str(t.strip_prefix('\u{feff}').unwrap_or(t)).ok();
    let Some(mut expected) = load(original) else {
        return true;
    };
    let Some(actual) = load(result) else {
        return false;
    };
    if expected.is_empty() {
        expected.push(Yaml::Null);
    }
    for (path, value) in changes {
        set(&mut expected[0], path, value);
    }
    expected == actual
}

fn set(node: &mut Yaml, path: &[String], value: &Value) {
    let Some((first, rest)) = path.split_first() else {
        *node = match value {
            Value::Null => Yaml::Null,
            Value::Bool(b) => Yaml::Boolean(*b),
            Value::Int(i) => Yaml::Integer(*i),
            Value::Str(s) => Yaml::String(s.clone()),
        };
        return;
    };
    if node.is_null() {
        *node = Yaml::Hash(Default::default());
    }
    if let Yaml::Hash(map) = node {
        // `entry` would move an existing key to the end; order matters here.
        let key = Yaml::String(first.clone());
        if !map.contains_key(&key) {
            map.insert(key.clone(), Yaml::Null);
        }
        if let Some(child) = map.get_mut(&key) {
            set(child, rest, value);
        }
    }
}
