//! A verified result's events, hashed but for the values its changes
//! wrote: a second result of the same edits to the same original, with
//! other values, is verified against this digest instead of against the
//! original, which then need not be parsed again (renew plans its save with
//! stand-in tokens before it spends the refresh token, and saves Trakt's
//! answer after).
//!
//! Two results with the same digest hold the same events (positions aside)
//! but for the scalars at the changed paths. The digest is two SipHash
//! sums with keys drawn at random for the run, so nobody can write a file
//! whose events collide with another's: different events have the same
//! digest with a chance of 1 in 2^128.

use std::hash::{BuildHasher, DefaultHasher, Hasher, RandomState};

use saphyr_parser::{Event, ScalarStyle, Tag};

use super::scalar::Value;

/// What an editor's verification does with digests.
#[derive(Debug, Clone)]
pub(crate) enum Digests {
    /// Nothing.
    Skip,
    /// Makes the result's digest (in `Outcome::digest`).
    Make,
    /// Verifies the result against this digest, made of the result of the
    /// same edits to the same original (with other values), when it is
    /// like that result; else against the original, as without it.
    Like(Digest),
}

/// The digest of a verified result, and the paths whose values it leaves
/// out.
#[derive(Debug, Clone)]
pub(crate) struct Digest {
    paths: Vec<Vec<String>>,
    keys: [RandomState; 2],
    sums: [u64; 2],
    /// The original's scalars at those paths.
    pub(super) was: Vec<Leaf>,
}

impl PartialEq for Digest {
    fn eq(&self, other: &Self) -> bool {
        self.paths == other.paths && self.sums == other.sums
    }
}

impl Eq for Digest {}

impl Digest {
    /// The paths whose values it leaves out.
    pub(super) fn paths(&self) -> &[Vec<String>] {
        &self.paths
    }

    /// Whether `changes` set only paths this digest leaves out.
    pub(super) fn covers(&self, changes: &[(Vec<String>, Value)]) -> bool {
        leaf_paths(changes).is_some_and(|paths| paths.iter().all(|p| self.paths.contains(p)))
    }

    /// Gives the original's scalars at the paths left out, found by
    /// `original` (a masker of the original's events for the same
    /// changes).
    pub(super) fn with_original(mut self, original: Masker) -> Self {
        self.was = original.leaves;
        self
    }
}

/// The distinct paths `changes` set, in order; `None` when a digest cannot
/// stand for them (the root itself, or one path inside another).
fn leaf_paths(changes: &[(Vec<String>, Value)]) -> Option<Vec<Vec<String>>> {
    let mut paths: Vec<Vec<String>> = Vec::new();
    for (path, _) in changes {
        if path.is_empty() {
            return None;
        }
        if !paths.contains(path) {
            paths.push(path.clone());
        }
    }
    let nested = paths
        .iter()
        .any(|a| paths.iter().any(|b| a != b && b.starts_with(a)));
    (!nested).then_some(paths)
}

/// A scalar found at a changed path: which path, and how it is written.
#[derive(Debug, Clone)]
pub(super) struct Leaf {
    pub(super) path: usize,
    pub(super) value: String,
    pub(super) style: ScalarStyle,
    pub(super) tag: Option<Tag>,
}

/// Where the next node is, inside a mapping on the way to a changed path.
struct OnPath {
    prefix: Vec<String>,
    /// `None` while the next node is a key; else the key read (`None`
    /// inside when it names no path: not a string).
    key: Option<Option<String>>,
}

/// Hashes a result's events as they pass, leaving out the scalars at the
/// changed paths (which it keeps, to be checked).
pub(super) struct Masker {
    paths: Vec<Vec<String>>,
    keys: [RandomState; 2],
    hashers: [DefaultHasher; 2],
    /// Bytes not yet hashed: handed to the hashers a block at a time
    /// (SipHash is a hash of the byte stream, however it is cut).
    pending: Vec<u8>,
    /// One frame per open collection: `Some` for a mapping on the way to
    /// a changed path.
    frames: Vec<Option<OnPath>>,
    pub(super) leaves: Vec<Leaf>,
    /// Whether events are hashed (else only the leaves are found).
    hashing: bool,
}

impl Masker {
    /// A masker for the paths of `changes` with fresh keys; `None` when no
    /// digest can stand for these changes.
    pub(super) fn new(changes: &[(Vec<String>, Value)]) -> Option<Self> {
        let paths = leaf_paths(changes)?;
        Some(Self::of(paths, [RandomState::new(), RandomState::new()]))
    }

    /// A masker that only finds the scalars at the paths of `changes`.
    pub(super) fn leaves_only(changes: &[(Vec<String>, Value)]) -> Option<Self> {
        let mut masker = Self::new(changes)?;
        masker.hashing = false;
        Some(masker)
    }

    /// A masker for the paths and keys of `digest`, to compare with it.
    pub(super) fn like(digest: &Digest) -> Self {
        Self::of(digest.paths.clone(), digest.keys.clone())
    }

    fn of(paths: Vec<Vec<String>>, keys: [RandomState; 2]) -> Self {
        let hashers = [keys[0].build_hasher(), keys[1].build_hasher()];
        Masker {
            paths,
            keys,
            hashers,
            pending: Vec::with_capacity(BLOCK),
            frames: Vec::new(),
            leaves: Vec::new(),
            hashing: true,
        }
    }

    /// The digest of the events seen.
    pub(super) fn finish(mut self) -> Digest {
        self.flush();
        Digest {
            sums: [self.hashers[0].finish(), self.hashers[1].finish()],
            paths: self.paths,
            keys: self.keys,
            was: Vec::new(),
        }
    }

    /// Takes the next event of the result.
    pub(super) fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::DocumentStart(_) => self.frames.clear(),
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
            }
            _ => {}
        }
        let starts = matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(_)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
        );
        if starts {
            match self.place(event) {
                Place::Leaf(path) => {
                    if let Event::Scalar(value, style, anchor, tag) = event {
                        self.write(&[11]);
                        self.write(&path.to_le_bytes());
                        self.write(&anchor.to_le_bytes());
                        self.tag(tag.as_deref());
                        self.leaves.push(Leaf {
                            path,
                            value: value.to_string(),
                            style: *style,
                            tag: tag.as_deref().cloned(),
                        });
                        return;
                    }
                }
                Place::Toward(prefix) => {
                    if matches!(event, Event::MappingStart(..)) {
                        self.hash(event);
                        self.frames.push(Some(OnPath { prefix, key: None }));
                        return;
                    }
                }
                Place::Off => {}
            }
            if matches!(event, Event::MappingStart(..) | Event::SequenceStart(..)) {
                self.frames.push(None);
            }
        }
        self.hash(event);
    }

    /// Where a node starting now is: at a changed path, on the way to one
    /// (its path), or off them. A key on the way is read here.
    fn place(&mut self, event: &Event<'_>) -> Place {
        let top = self.frames.len().checked_sub(1);
        let path = match top.map(|i| &mut self.frames[i]) {
            None => Vec::new(),
            Some(Some(on)) => match on.key.take() {
                None => {
                    let name = match event {
                        Event::Scalar(value, style, _, tag) => {
                            super::verify::key_name(value, *style, tag.as_deref())
                        }
                        _ => None,
                    };
                    on.key = Some(name);
                    return Place::Off;
                }
                Some(None) => return Place::Off,
                Some(Some(key)) => {
                    let mut path = on.prefix.clone();
                    path.push(key);
                    path
                }
            },
            _ => return Place::Off,
        };
        if let Some(i) = self.paths.iter().position(|p| *p == path) {
            return Place::Leaf(i);
        }
        if self
            .paths
            .iter()
            .any(|p| p.len() > path.len() && p.starts_with(&path))
        {
            return Place::Toward(path);
        }
        Place::Off
    }

    fn write(&mut self, bytes: &[u8]) {
        if !self.hashing {
            return;
        }
        self.pending.extend_from_slice(bytes);
        if self.pending.len() >= BLOCK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for h in &mut self.hashers {
            h.write(&self.pending);
        }
        self.pending.clear();
    }

    fn text(&mut self, text: &str) {
        self.write(&text.len().to_le_bytes());
        self.write(text.as_bytes());
    }

    fn tag(&mut self, tag: Option<&Tag>) {
        match tag {
            None => self.write(&[0]),
            Some(tag) => {
                self.write(&[1]);
                self.text(&tag.handle);
                self.text(&tag.suffix);
            }
        }
    }

    /// Hashes an event, but where it is.
    fn hash(&mut self, event: &Event<'_>) {
        match event {
            Event::Nothing => self.write(&[0]),
            Event::StreamStart => self.write(&[1]),
            Event::StreamEnd => self.write(&[2]),
            Event::DocumentStart(explicit) => self.write(&[3, u8::from(*explicit)]),
            Event::DocumentEnd => self.write(&[4]),
            Event::Alias(id) => {
                self.write(&[5]);
                self.write(&id.to_le_bytes());
            }
            Event::Scalar(value, style, anchor, tag) => {
                self.write(&[6, *style as u8]);
                self.write(&anchor.to_le_bytes());
                self.tag(tag.as_deref());
                self.text(value);
            }
            Event::SequenceStart(anchor, tag) => {
                self.write(&[7]);
                self.write(&anchor.to_le_bytes());
                self.tag(tag.as_deref());
            }
            Event::SequenceEnd => self.write(&[8]),
            Event::MappingStart(anchor, tag) => {
                self.write(&[9]);
                self.write(&anchor.to_le_bytes());
                self.tag(tag.as_deref());
            }
            Event::MappingEnd => self.write(&[10]),
        }
    }
}

/// The bytes handed to the hashers at a time.
const BLOCK: usize = 16 << 10;

/// Where a node is, for [`Masker::place`].
enum Place {
    Leaf(usize),
    Toward(Vec<String>),
    Off,
}
