//! The difference in meaning between two documents, path by path: which
//! scalars changed or were added, as the values both read. What cannot be
//! carried from one to the other by edits of scalars is named instead: a
//! changed sequence, a change inside an anchored node, a removed key.

use super::scalar::Resolved;

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
