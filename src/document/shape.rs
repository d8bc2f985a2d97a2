//! Facts gathered while the parser streams, for every part of the document
//! whether or not a tree is built for it: duplicate keys, where secret
//! values are (to mask them in any output), and where a tab belongs to a
//! value rather than to YAML's layout. Which keys hold secrets is the
//! caller's to say.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasher, Hasher};
use std::ops::Range;

/// A key that its mapping already holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Duplicate {
    pub(crate) key: String,
    /// Where the first occurrence of the key starts.
    pub(crate) first: usize,
    /// The repeated key.
    pub(crate) at: Range<usize>,
}

/// Where a tab is part of the text, not of YAML's layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unlaid {
    /// A quoted scalar.
    Quoted(Range<usize>),
    /// A flow collection (`{…}`, `[…]`).
    Flow(Range<usize>),
    /// A block scalar (`|`, `>`): past each line's indentation.
    Block(Range<usize>),
}

/// Everything the stream told.
pub(crate) struct Facts {
    pub(crate) duplicates: Vec<Duplicate>,
    /// Secret values, sorted.
    pub(crate) secrets: Vec<Range<usize>>,
    /// Quoted scalars, flow collections and block scalars, in stream order.
    pub(crate) unlaid: Vec<Unlaid>,
}

/// What a node arriving in the stream is to its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Root,
    Key,
    Value,
    Item,
}

/// How a scalar is written, as far as tabs go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Written {
    Plain,
    Quoted,
    Block,
}

struct Level {
    mapping: bool,
    awaiting_value: bool,
    /// The keys seen, by a hash of their text, with where each starts: a
    /// key's text is not kept, so a huge key costs no copy.
    keys: HashMap<u64, usize>,
    secret_key: bool,
    /// Where this collection starts, when it is a secret's value.
    secret_from: Option<usize>,
    start: usize,
    anchor: usize,
    flow: bool,
}

/// The streaming tracker.
pub(crate) struct Shape {
    secret_key: Option<fn(&str) -> bool>,
    /// Whether keys are remembered to find duplicates.
    find_duplicates: bool,
    levels: Vec<Level>,
    duplicates: Vec<Duplicate>,
    secrets: Vec<Range<usize>>,
    /// The range of each anchored node, for aliases used as secrets.
    anchored: HashMap<usize, Range<usize>>,
    unlaid: Vec<Unlaid>,
}

impl Shape {
    /// A tracker that takes the values of `secret_key`s for secrets, and
    /// looks for duplicate keys when asked.
    pub(crate) fn new(secret_key: Option<fn(&str) -> bool>, find_duplicates: bool) -> Self {
        Shape {
            secret_key,
            find_duplicates,
            levels: Vec::new(),
            duplicates: Vec::new(),
            secrets: Vec::new(),
            anchored: HashMap::new(),
            unlaid: Vec::new(),
        }
    }

    /// The role of the node arriving now; a value consumes its key's slot.
    fn arrive(&mut self) -> (Role, bool) {
        match self.levels.last_mut() {
            None => (Role::Root, false),
            Some(l) if !l.mapping => (Role::Item, false),
            Some(l) if !l.awaiting_value => {
                l.awaiting_value = true;
                l.secret_key = false;
                (Role::Key, false)
            }
            Some(l) => {
                l.awaiting_value = false;
                (Role::Value, l.secret_key)
            }
        }
    }

    /// Secrets written inside a value, whatever its key (when secrets are
    /// looked for): the password of a URL's user information, the values
    /// of query parameters that name a token, key or password
    /// (`X-Plex-Token=`, `apikey=`), and a webhook's token
    /// (`/webhooks/ID/TOKEN`). `raw` is the value's source text, at byte `at`.
    pub(crate) fn inline_secrets(&mut self, raw: &str, at: usize) {
        if self.secret_key.is_none() || !raw.contains("://") {
            return;
        }
        self.secrets.extend(
            url_secrets(raw)
                .into_iter()
                .map(|r| r.start + at..r.end + at),
        );
    }

    /// How many collections are open.
    pub(crate) fn depth(&self) -> usize {
        self.levels.len()
    }

    /// Whether the innermost mapping has a key waiting for its value.
    pub(crate) fn awaiting_value(&self) -> bool {
        self.levels
            .last()
            .is_some_and(|l| l.mapping && l.awaiting_value)
    }

    /// A scalar with its decoded text, source range, anchor id (0: none)
    /// and whether it is quoted or a block scalar.
    pub(crate) fn scalar(
        &mut self,
        text: &str,
        range: Range<usize>,
        null: bool,
        anchor: usize,
        written: Written,
    ) -> Role {
        let (role, secret) = self.arrive();
        match written {
            Written::Quoted => self.unlaid.push(Unlaid::Quoted(range.clone())),
            Written::Block => self.unlaid.push(Unlaid::Block(range.clone())),
            Written::Plain => {}
        }
        if anchor != 0 {
            self.anchored.insert(anchor, range.clone());
        }
        match role {
            Role::Key => {
                let secret_key = self.secret_key.is_some_and(|secret| secret(text));
                if let Some(level) = self.levels.last_mut() {
                    level.secret_key = secret_key;
                    if !self.find_duplicates {
                        return role;
                    }
                    match level.keys.entry(hash(text)) {
                        Entry::Occupied(first) => self.duplicates.push(Duplicate {
                            // Enough of the key to name it; a huge key is not copied.
                            key: text.chars().take(200).collect(),
                            first: *first.get(),
                            at: range,
                        }),
                        Entry::Vacant(slot) => {
                            slot.insert(range.start);
                        }
                    }
                }
            }
            Role::Value if secret && !null && !range.is_empty() => self.secrets.push(range),
            _ => {}
        }
        role
    }

    /// An alias `*id`: as a secret's value, the anchored node it repeats is
    /// a secret too, wherever it is written.
    pub(crate) fn alias(&mut self, id: usize, range: Range<usize>) -> Role {
        let (role, secret) = self.arrive();
        if role == Role::Key
            && let Some(level) = self.levels.last_mut()
        {
            level.secret_key = false;
        }
        if role == Role::Value
            && secret
            && let Some(anchored) = self.anchored.get(&id)
        {
            self.secrets.push(anchored.clone());
            self.secrets.push(range);
        }
        role
    }

    /// A mapping or sequence starting at `start`, with anchor id `anchor`,
    /// in flow style or not.
    pub(crate) fn open(&mut self, mapping: bool, start: usize, anchor: usize, flow: bool) -> Role {
        let (role, secret) = self.arrive();
        self.levels.push(Level {
            mapping,
            awaiting_value: false,
            keys: HashMap::new(),
            secret_key: false,
            secret_from: (role == Role::Value && secret).then_some(start),
            start,
            anchor,
            flow,
        });
        role
    }

    /// The innermost collection ends at `end`.
    pub(crate) fn close(&mut self, end: usize) {
        if let Some(level) = self.levels.pop() {
            if level.anchor != 0 {
                self.anchored.insert(level.anchor, level.start..end);
            }
            if let Some(start) = level.secret_from {
                self.secrets.push(start..end);
            }
            if level.flow {
                self.unlaid.push(Unlaid::Flow(level.start..end));
            }
        }
    }

    /// Everything gathered.
    pub(crate) fn finish(self) -> Facts {
        let mut secrets = self.secrets;
        secrets.sort_by_key(|r| (r.start, r.end));
        secrets.dedup();
        Facts {
            duplicates: self.duplicates,
            secrets,
            unlaid: self.unlaid,
        }
    }
}

/// Query parameters whose values are secrets (compared lowercased, without
/// `-` and `_`); any name ending in `token` is one too.
const SECRET_PARAMETERS: &[&str] = &["apikey", "key", "password", "pass", "secret", "signature"];

/// The secrets inside the URLs of `raw` (see [`Shape::inline_secrets`]).
fn url_secrets(raw: &str) -> Vec<Range<usize>> {
    let bytes = raw.as_bytes();
    // Where a URL's part starting at `from` ends: at one of `stops`, a
    // blank or a quote.
    let end = |from: usize, stops: &[u8]| {
        bytes[from..]
            .iter()
            .position(|b| stops.contains(b) || b.is_ascii_whitespace() || matches!(b, b'"' | b'\''))
            .map_or(bytes.len(), |i| from + i)
    };
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(i) = raw[search..].find("://") {
        let host = search + i + 3;
        let url_end = end(host, b"");
        let authority_end = end(host, b"/?#");
        if let Some(at) = raw[host..authority_end].rfind('@')
            && let Some(colon) = raw[host..host + at].find(':')
        {
            out.push(host + colon + 1..host + at);
        }
        if let Some(q) = raw[host..url_end].find('?') {
            let mut p = host + q + 1;
            while p < url_end {
                let pe = end(p, b"&#").min(url_end);
                if let Some(eq) = raw[p..pe].find('=') {
                    let name: String = raw[p..p + eq]
                        .chars()
                        .filter(|c| !matches!(c, '-' | '_'))
                        .flat_map(char::to_lowercase)
                        .collect();
                    if name.ends_with("token") || SECRET_PARAMETERS.contains(&name.as_str()) {
                        out.push(p + eq + 1..pe);
                    }
                }
                if pe >= url_end || bytes[pe] == b'#' {
                    break;
                }
                p = pe + 1;
            }
        }
        if let Some(w) = raw[host..url_end].find("/webhooks/") {
            let id = host + w + "/webhooks/".len();
            if let Some(slash) = raw[id..url_end].find('/') {
                let token = id + slash + 1;
                out.push(token..end(token, b"/?#").min(url_end));
            }
        }
        search = url_end.max(host);
    }
    out.retain(|r| !r.is_empty());
    out
}

/// A 64-bit hash of a key's text (SipHash with fixed keys: the same key
/// always hashes the same within a run; a collision between two different
/// keys of one mapping is as unlikely as 1 in 2^64).
fn hash(text: &str) -> u64 {
    let mut hasher =
        std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default().build_hasher();
    hasher.write(text.as_bytes());
    hasher.finish()
}
