//! Applying planned edits to a text, verified before the result is
//! returned: the one entry point of the edit layer.
//!
//! The text is parsed once, with trees for the edited root keys only. The
//! first edit is planned on that parse; each later one on a parse of just
//! the lines of the root entry it edits (a window), which the earlier
//! splices have moved but left whole. The result is verified once, over the
//! whole document (see verify.rs).

use std::ops::{Deref, Range};

use super::digest::{Digest, Digests};
use super::edit::{Edit, Protect, Splice, plan};
use super::scalar::{Resolved, Value, resolve};
use super::tree::Parse;
use super::{Document, EditError, Kind, Source, verify};

/// The result of applying edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub(crate) text: String,
    /// Each edit's path with the typed value it wrote (or already found).
    pub(crate) changes: Vec<(Vec<String>, Value)>,
    /// Where secrets are before and after, for a masked diff.
    pub(crate) secrets: Secrets,
    /// The result's digest, when one was asked for and could be made: the
    /// same edits to the same original with other values are verified
    /// against it (see digest.rs).
    pub(crate) digest: Option<Digest>,
}

/// Where secret values are in a text before and after an edit, as the
/// editor's `secret_key` names them (none when it names none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Secrets {
    pub(crate) before: Vec<Range<usize>>,
    pub(crate) after: Vec<Range<usize>>,
}

impl Outcome {
    /// Whether the text differs from the input.
    pub(crate) fn changed(&self, original: &str) -> bool {
        self.text != original
    }
}

/// Applies `edits` in order to `text` and verifies the result: it parses,
/// means the original with exactly these changes (checked by two parsers),
/// and applying the edits again changes nothing. Values `protect` names
/// are never overwritten; the values of `secret_key`s are found before
/// and after, for a masked diff.
pub(crate) fn apply(
    text: &str,
    edits: &[Edit],
    protect: &Protect,
    secret_key: Option<fn(&str) -> bool>,
) -> Result<Outcome, EditError> {
    apply_beside(text, edits, protect, secret_key, || ()).0
}

/// [`apply`], with `beside` run on another thread while the text is parsed
/// and the edits planned (one thread), and over before the verification
/// (which takes every core); what it gives comes back with the outcome.
pub(crate) fn apply_beside<R: Send>(
    text: &str,
    edits: &[Edit],
    protect: &Protect,
    secret_key: Option<fn(&str) -> bool>,
    beside: impl FnOnce() -> R + Send,
) -> (Result<Outcome, EditError>, R) {
    let keys = root_keys(edits);
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let (planned, aside) = std::thread::scope(|s| {
        let aside = s.spawn(beside);
        let planned = Editor::new(text, &keys, *protect, secret_key).and_then(|mut editor| {
            editor.edit(edits)?;
            Ok(editor)
        });
        let aside = aside
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (planned, aside)
    });
    (planned.and_then(Editor::finish), aside)
}

/// The root keys `edits` reach, and the merge key that could bring them in.
fn root_keys(edits: &[Edit]) -> Vec<String> {
    let mut keys: Vec<String> = vec!["<<".into()];
    for edit in edits {
        if let Some(first) = edit.path.first()
            && !keys.contains(first)
        {
            keys.push(first.clone());
        }
    }
    keys
}

/// The first parse, owned or borrowed from the caller.
enum First<'d, 'a> {
    Own(Box<Document<'a>>),
    Lent(&'d Document<'a>),
}

impl<'a> Deref for First<'_, 'a> {
    type Target = Document<'a>;

    fn deref(&self) -> &Document<'a> {
        match self {
            First::Own(doc) => doc,
            First::Lent(doc) => doc,
        }
    }
}

/// One call of [`Editor::edit`]: its edits and where its changes start.
struct Step {
    edits: Vec<Edit>,
    changes: usize,
}

/// The lines of a root entry, in the current text.
#[derive(Debug, Clone)]
struct Window {
    key: String,
    range: Range<usize>,
}

/// A splice made, to undo a step that fails part way.
struct Undo {
    at: usize,
    len: usize,
    removed: String,
}

/// Edits a text step by step; each step is all or nothing, and the whole
/// is verified once, by [`Editor::finish`].
pub(crate) struct Editor<'d, 'a> {
    original: &'a str,
    first: First<'d, 'a>,
    text: String,
    /// Whether `text` still equals the original (the first parse holds).
    fresh: bool,
    protect: Protect,
    keys: Vec<String>,
    windows: Vec<Window>,
    steps: Vec<Step>,
    changes: Vec<(Vec<String>, Value)>,
    /// A step's edits changed the text again: the verification failed.
    broken: Option<&'static str>,
    /// Whether the result is digested, or verified against a digest.
    digests: Digests,
}

impl<'d, 'a> Editor<'d, 'a> {
    /// An editor of `text` whose edits reach the root keys `keys`; the
    /// values of `secret_key`s are found in the text before and after.
    pub(crate) fn new(
        text: &'a str,
        keys: &[&str],
        protect: Protect,
        secret_key: Option<fn(&str) -> bool>,
    ) -> Result<Self, EditError> {
        if let Some(e) = text_problem(text) {
            return Err(e);
        }
        let mut all: Vec<&str> = keys.to_vec();
        if !all.contains(&"<<") {
            all.push("<<");
        }
        let parse = Parse::masked_by(secret_key)
            .root_keys(&all)
            .without_duplicates();
        let doc = Document::parse_with(text, parse)?;
        Ok(Self::start(text, First::Own(Box::new(doc)), protect))
    }

    /// An editor of the text `doc` was parsed from; its result is parsed
    /// as `doc` was (the same trees, secrets and duplicates looked for).
    pub(crate) fn with(doc: &'d Document<'a>, protect: Protect) -> Result<Self, EditError> {
        let text = doc.source.text;
        if let Some(e) = text_problem(text) {
            return Err(e);
        }
        Ok(Self::start(text, First::Lent(doc), protect))
    }

    fn start(text: &'a str, first: First<'d, 'a>, protect: Protect) -> Self {
        let windows = windows(&first);
        let keys = first.kept.clone().unwrap_or_default();
        Editor {
            original: text,
            text: text.to_string(),
            first,
            fresh: true,
            protect,
            keys,
            windows,
            steps: Vec::new(),
            changes: Vec::new(),
            broken: None,
            digests: Digests::Skip,
        }
    }

    /// What the verification does with digests (see digest.rs).
    pub(crate) fn digests(&mut self, how: Digests) {
        self.digests = how;
    }

    /// Applies `edits` in order, or none of them.
    pub(crate) fn edit(&mut self, edits: &[Edit]) -> Result<(), EditError> {
        self.check_last_step();
        if edits.is_empty() {
            self.first.root()?;
        }
        let (windows, fresh, changes) = (self.windows.clone(), self.fresh, self.changes.len());
        let mut undo = Vec::new();
        for edit in edits {
            match self.plan(edit) {
                Ok((splices, value)) => {
                    self.splice(splices, &mut undo);
                    self.changes.push((edit.path.clone(), value));
                }
                Err(e) => {
                    for u in undo.into_iter().rev() {
                        let Undo { at, len, removed } = u;
                        self.text.replace_range(at..at + len, &removed);
                    }
                    self.windows = windows;
                    self.fresh = fresh;
                    self.changes.truncate(changes);
                    return Err(e);
                }
            }
        }
        self.steps.push(Step {
            edits: edits.to_vec(),
            changes,
        });
        Ok(())
    }

    /// Verifies the whole: the result is the original with every change,
    /// and the last step's edits change nothing more.
    pub(crate) fn finish(self) -> Result<Outcome, EditError> {
        self.verified(None::<fn(&Document<'_>)>)
            .map(|(outcome, _)| outcome)
    }

    /// [`Editor::finish`], handing `then` the result's parse (made as the
    /// first parse was: the same trees, secrets and duplicates looked for)
    /// before it is dropped.
    pub(crate) fn finish_with<R>(
        self,
        then: impl FnOnce(&Document<'_>) -> R,
    ) -> Result<(Outcome, R), EditError> {
        let (outcome, kept) = self.verified(Some(then))?;
        let kept = kept.ok_or(EditError::Internal {
            what: "the edited text does not parse",
        })?;
        Ok((outcome, kept))
    }

    /// The result verified over the whole document, then the last step's
    /// edits planned again on it, and `then` given the result's parse. The
    /// result is parsed into trees only when something needs them (`then`,
    /// the secrets for a diff, an edit no window of the result can plan
    /// again).
    fn verified<R>(
        mut self,
        then: Option<impl FnOnce(&Document<'_>) -> R>,
    ) -> Result<(Outcome, Option<R>), EditError> {
        let bug = |what| Err(EditError::Internal { what });
        if let Some(what) = self.broken {
            return bug(what);
        }
        let before = self.first.secrets.clone();
        if self.text == self.original {
            let kept = then.map(|then| then(&self.first));
            let outcome = Outcome {
                text: self.text,
                changes: self.changes,
                secrets: Secrets {
                    after: before.clone(),
                    before,
                },
                digest: None,
            };
            return Ok((outcome, kept));
        }
        let last = self.steps.pop().map(|s| s.edits).unwrap_or_default();
        let windowed = last.iter().all(|e| {
            e.path.len() >= 2 && self.windows.iter().any(|w| Some(&w.key) == e.path.first())
        });
        let tree = then.is_some() || self.first.secret_key.is_some() || !windowed;
        let mut keys = self.keys.clone();
        for edit in &last {
            if let Some(first) = edit.path.first()
                && !keys.contains(first)
            {
                keys.push(first.clone());
            }
        }
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let mut parse = Parse::masked_by(self.first.secret_key);
        if self.first.kept.is_some() {
            parse = parse.root_keys(&keys);
        }
        if !self.first.looked_for_duplicates {
            parse = parse.without_duplicates();
        }
        let text = std::mem::take(&mut self.text);
        let (after, kept, digest) = {
            let (doc, digest) = verify::verify(
                self.original,
                &text,
                &self.changes,
                tree.then_some(parse),
                &self.digests,
            )?;
            if text_problem(&text).is_some() {
                return bug("applying the same edit again is not a no-op");
            }
            // Applying the same edits again must change nothing: planned on
            // the result's trees, or on its root entries' windows.
            let again = |edit: &Edit| match &doc {
                Some(doc) => plan(doc, edit, &self.protect),
                None => self.plan_on(&text, edit),
            };
            if !last
                .iter()
                .all(|e| matches!(again(e), Ok((splices, _)) if splices.is_empty()))
            {
                return bug("applying the same edit again is not a no-op");
            }
            let secrets = doc.as_ref().map(|d| d.secrets.clone()).unwrap_or_default();
            let kept = match (then, &doc) {
                (Some(then), Some(doc)) => Some(then(doc)),
                _ => None,
            };
            (secrets, kept, digest)
        };
        let outcome = Outcome {
            text,
            changes: self.changes,
            secrets: Secrets { before, after },
            digest,
        };
        Ok((outcome, kept))
    }

    /// The previous step's edits, planned again on the text it left, must
    /// change nothing (as applying them twice would).
    fn check_last_step(&mut self) {
        let Some(step) = self.steps.last() else {
            return;
        };
        if self.changes.len() == step.changes || self.fresh {
            return;
        }
        let edits = step.edits.clone();
        for edit in &edits {
            if !matches!(self.plan(edit), Ok((splices, _)) if splices.is_empty()) {
                self.broken = Some("applying the same edit again is not a no-op");
            }
        }
    }

    /// Plans `edit` on the current text: on the first parse while the text
    /// is unchanged, else as [`Editor::plan_on`] does.
    fn plan(&self, edit: &Edit) -> Result<(Vec<Splice>, Value), EditError> {
        let key = edit.path.first().map(String::as_str);
        if self.fresh && key.is_none_or(|k| self.first.covers(k)) {
            return plan(&self.first, edit, &self.protect);
        }
        self.plan_on(&self.text, edit)
    }

    /// Plans `edit` on `text` (the current text): on its root entry's
    /// window, else on a new parse.
    fn plan_on(&self, text: &str, edit: &Edit) -> Result<(Vec<Splice>, Value), EditError> {
        let key = edit.path.first().map(String::as_str);
        if edit.path.len() >= 2
            && let Some(window) = self.windows.iter().find(|w| Some(w.key.as_str()) == key)
            && let Some(doc) = self.window_doc(text, window)
        {
            return plan(&doc, edit, &self.protect);
        }
        let mut keys: Vec<&str> = self.keys.iter().map(String::as_str).collect();
        keys.extend(key);
        keys.push("<<");
        let parse = Parse::full().root_keys(&keys).without_duplicates();
        let doc = Document::parse_with(text, parse)?;
        plan(&doc, edit, &self.protect)
    }

    /// `text`'s window parsed alone, if it still is one root entry,
    /// `window.key`, as in the whole document.
    fn window_doc<'t>(&self, text: &'t str, window: &Window) -> Option<Document<'t>> {
        let source = Source::window(text, window.range.clone());
        let parse = Parse::full().without_duplicates();
        let mut doc = Document::parse_source(source, parse).ok()?;
        let root = doc.roots.first()?;
        let one = doc.doc_starts.len() == 1
            && !root.is_flow()
            && root.anchor == 0
            && root.tag.is_none()
            && root
                .entries()
                .is_some_and(|e| e.len() == 1 && e[0].key.scalar() == Some(&window.key));
        if !one {
            return None;
        }
        doc.indent_step = self.first.indent_step;
        Some(doc)
    }

    /// Makes `splices` (disjoint), the last first; moves the windows.
    fn splice(&mut self, mut splices: Vec<Splice>, undo: &mut Vec<Undo>) {
        splices.sort_by_key(|s| std::cmp::Reverse(s.range.start));
        for s in splices {
            let Range { start, end } = s.range;
            let removed = self.text[start..end].to_string();
            // Grown by what the splice adds only: a large text's capacity
            // is not doubled for a few bytes.
            self.text
                .reserve_exact(s.text.len().saturating_sub(end - start));
            self.text.replace_range(start..end, &s.text);
            let delta = s.text.len() as isize - (end - start) as isize;
            let shift = |at: usize| at.saturating_add_signed(delta);
            let inside = self
                .windows
                .iter()
                .any(|w| w.range.start <= start && end <= w.range.end);
            if inside {
                for w in &mut self.windows {
                    if end <= w.range.start && start < w.range.start {
                        w.range = shift(w.range.start)..shift(w.range.end);
                    } else if w.range.start <= start && end <= w.range.end {
                        w.range.end = shift(w.range.end);
                    }
                }
            } else {
                self.windows.clear();
            }
            self.fresh = false;
            undo.push(Undo {
                at: start,
                len: s.text.len(),
                removed,
            });
        }
    }
}

/// The windows of `doc`'s root entries that can be parsed alone: a key
/// written once (as the string it reads as), in a document without
/// directives (which a window would not see).
fn windows(doc: &Document<'_>) -> Vec<Window> {
    let Some(root) = doc.roots.first() else {
        return Vec::new();
    };
    let Some(entries) = root.entries() else {
        return Vec::new();
    };
    if doc.doc_starts.len() != 1
        || root.is_flow()
        || super::lex::directive_before(doc.source.text, root.prop_start)
    {
        return Vec::new();
    }
    entries
        .iter()
        .zip(&doc.windows)
        .filter_map(|(entry, window)| {
            let Kind::Scalar { value, style } = &entry.key.kind else {
                return None;
            };
            let once = entries
                .iter()
                .filter(|e| e.key.scalar() == Some(value))
                .count()
                == 1;
            let string = resolve(value, *style, entry.key.tag.as_deref())
                == Resolved::Str(value.to_string());
            let range = window.clone().filter(|_| once && string)?;
            Some(Window {
                key: value.to_string(),
                range,
            })
        })
        .collect()
}

/// Why a text cannot be edited before it is even parsed: bare CR line
/// breaks, or a control character.
pub(super) fn text_problem(text: &str) -> Option<EditError> {
    let bytes = text.as_bytes();
    // Whether a block of bytes may hold a CR or a control character: C0
    // but tab and line feed, DEL, or the lead byte of a C1 (0xC2 then
    // 0x80..=0x9F in UTF-8). Tested a block at a time, without branches.
    let suspect = |block: &[u8]| {
        block.iter().fold(false, |any, &b| {
            any | ((b < 0x20) & (b != b'\t') & (b != b'\n')) | (b == 0x7f) | (b == 0xc2)
        })
    };
    let mut bare_cr = None;
    let mut control = None;
    for (n, block) in bytes.chunks(64).enumerate() {
        if !suspect(block) {
            continue;
        }
        for (i, &b) in block.iter().enumerate() {
            let at = n * 64 + i;
            if b == b'\r' {
                if bytes.get(at + 1) != Some(&b'\n') && bare_cr.is_none() {
                    bare_cr = Some(at);
                }
            } else if control.is_none()
                && ((b < 0x20 && b != b'\t' && b != b'\n')
                    || b == 0x7f
                    || (b == 0xc2 && bytes.get(at + 1).is_some_and(|n| (0x80..=0x9f).contains(n))))
            {
                control = Some(at);
            }
        }
        if bare_cr.is_some() {
            break;
        }
    }
    if bare_cr.is_some() {
        let at = text.find('\r').unwrap_or_default();
        return Some(EditError::BareCr {
            pos: Source::new(text).pos(at),
        });
    }
    control.map(|at| EditError::ControlCharacter {
        pos: Source::new(text).pos(at),
    })
}
