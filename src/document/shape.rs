//! Facts gathered while the parser streams, for every part of the document
//! whether or not a tree is built for it: duplicate keys, and where secret
//! values are (to mask them in any output).

use std::collections::HashMap;
use std::ops::Range;

/// Keys whose values are secrets wherever they appear.
pub const SECRET_KEYS: &[&str] = &["client_secret", "access_token", "refresh_token", "pin"];

/// A key that its mapping already holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub key: String,
    /// Where the first occurrence of the key starts.
    pub first: usize,
    /// The repeated key.
    pub at: Range<usize>,
}

/// What a node arriving in the stream is to its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Root,
    Key,
    Value,
    Item,
}

struct Level {
    mapping: bool,
    awaiting_value: bool,
    keys: HashMap<String, usize>,
    secret_key: bool,
    secret_from: Option<usize>,
}

/// The streaming tracker.
#[derive(Default)]
pub struct Shape {
    levels: Vec<Level>,
    pub duplicates: Vec<Duplicate>,
    pub secrets: Vec<Range<usize>>,
}

impl Shape {
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

    /// How many collections are open.
    pub fn depth(&self) -> usize {
        self.levels.len()
    }

    /// Whether the innermost mapping has a key waiting for its value.
    pub fn awaiting_value(&self) -> bool {
        self.levels
            .last()
            .is_some_and(|l| l.mapping && l.awaiting_value)
    }

    /// A scalar (or alias) with its decoded text and source range.
    pub fn scalar(&mut self, text: &str, range: Range<usize>, null: bool) -> Role {
        let (role, secret) = self.arrive();
        match role {
            Role::Key => {
                if let Some(level) = self.levels.last_mut() {
                    level.secret_key = SECRET_KEYS.contains(&text);
                    match level.keys.get(text) {
                        Some(&first) => self.duplicates.push(Duplicate {
                            key: text.to_string(),
                            first,
                            at: range,
                        }),
                        None => {
                            level.keys.insert(text.to_string(), range.start);
                        }
                    }
                }
            }
            Role::Value if secret && !null && !range.is_empty() => self.secrets.push(range),
            _ => {}
        }
        role
    }

    /// A mapping or sequence starting at `start`.
    pub fn open(&mut self, mapping: bool, start: usize) -> Role {
        let (role, secret) = self.arrive();
        self.levels.push(Level {
            mapping,
            awaiting_value: false,
            keys: HashMap::new(),
            secret_key: false,
            secret_from: (role == Role::Value && secret).then_some(start),
        });
        role
    }

    /// The innermost collection ends at `end`.
    pub fn close(&mut self, end: usize) {
        if let Some(Level {
            secret_from: Some(start),
            ..
        }) = self.levels.pop()
        {
            self.secrets.push(start..end);
        }
    }
}
