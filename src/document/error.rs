//! Why an edit or lookup was refused: one variant per kind of refusal, each
//! with its position and the data its message needs.

use std::fmt;

use super::source::Pos;
use super::tree::SyntaxError;

/// Why an edit or lookup was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum EditError {
    /// The text is not YAML.
    #[error("{pos}: YAML syntax error: {message}")]
    Syntax { pos: Pos, message: String },
    /// Which of several documents to edit is ambiguous.
    #[error("{pos}: {}", self.message())]
    SeveralDocuments { pos: Pos },
    /// Old Mac line breaks.
    #[error("{pos}: {}", self.message())]
    BareCr { pos: Pos },
    /// A character YAML does not allow.
    #[error("{pos}: {}", self.message())]
    ControlCharacter { pos: Pos },
    /// A dotted path with an empty key.
    #[error("{}", self.message())]
    EmptyKey { path: String },
    /// A node on the way cannot be walked through.
    #[error("{pos}: {}", self.message())]
    Walk {
        pos: Pos,
        here: Here,
        why: WalkRefusal,
    },
    /// The key is written twice in the mapping on the way.
    #[error("{pos}: {}", self.message())]
    DuplicateKey {
        pos: Pos,
        key: String,
        here: Here,
        first_line: usize,
    },
    /// A key written like the path's that YAML reads as another type.
    #[error("{pos}: {}", self.message())]
    KeyType {
        pos: Pos,
        key: String,
        type_name: &'static str,
    },
    /// The key is there only through a merge key or an alias.
    #[error("{pos}: {}", self.message())]
    Indirect {
        pos: Pos,
        key: String,
        here: Here,
        via: Via,
    },
    /// A value on the way of a lookup is not a mapping.
    #[error("{pos}: {}", self.message())]
    NotAMapping {
        pos: Pos,
        path: String,
        kind: &'static str,
    },
    /// The value at the path cannot be replaced.
    #[error("{pos}: {}", self.message())]
    Value {
        pos: Pos,
        name: String,
        why: ValueRefusal,
    },
    /// Keys cannot be added there.
    #[error("{pos}: {}", self.message())]
    Insert {
        pos: Pos,
        name: String,
        why: InsertRefusal,
    },
    /// The new value is not of the type the file holds there.
    #[error("{}", self.message())]
    TypeChange { name: String, from: &'static str },
    /// The new value reads as a number that is not written.
    #[error("{}", self.message())]
    Unwritable { name: String },
    /// The edit's own check failed: a bug, nothing was written.
    #[error("{}", self.message())]
    Internal { what: &'static str },
}

/// Where a walk along a path stands: the document root, or a dotted path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Here(pub(crate) String);

impl fmt::Display for Here {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("the document root")
        } else {
            write!(f, "`{}`", self.0)
        }
    }
}

/// Why a node on the way cannot be walked through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WalkRefusal {
    Alias,
    Anchored,
    NotAMapping { kind: &'static str, path: String },
}

/// How a key is there without being written in its mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    /// The merge key on this line.
    Merge { line: usize },
    /// The key is an alias of a scalar.
    AliasKey,
}

/// Why a value cannot be replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ValueRefusal {
    Alias,
    NotAScalar {
        kind: &'static str,
    },
    Anchored,
    BlockScalar,
    Tag {
        tag: String,
        type_name: &'static str,
    },
    /// A value the caller protects (`what` names such values).
    Protected {
        what: &'static str,
        value: String,
        why: &'static str,
    },
    TabSeparator,
    UnclearEmpty,
}

/// Why keys cannot be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InsertRefusal {
    EmptyDocument { kind: &'static str },
    EmptyInFlow,
    AfterBlockScalar,
    ExplicitKeys,
}

impl EditError {
    /// Where in the file, when it is about a place.
    pub(crate) fn pos(&self) -> Option<Pos> {
        match self {
            EditError::Syntax { pos, .. }
            | EditError::SeveralDocuments { pos }
            | EditError::BareCr { pos }
            | EditError::ControlCharacter { pos }
            | EditError::Walk { pos, .. }
            | EditError::DuplicateKey { pos, .. }
            | EditError::KeyType { pos, .. }
            | EditError::Indirect { pos, .. }
            | EditError::NotAMapping { pos, .. }
            | EditError::Value { pos, .. }
            | EditError::Insert { pos, .. } => Some(*pos),
            EditError::EmptyKey { .. }
            | EditError::TypeChange { .. }
            | EditError::Unwritable { .. }
            | EditError::Internal { .. } => None,
        }
    }

    /// What to tell the user, without the position.
    pub(crate) fn message(&self) -> String {
        match self {
            EditError::Syntax { message, .. } => format!("YAML syntax error: {message}"),
            EditError::SeveralDocuments { .. } => "the file holds several YAML documents; kometa-trakt edits single-document files only".into(),
            EditError::BareCr { .. } => "the file has bare CR line breaks (old Mac style); convert it to LF or CRLF first".into(),
            EditError::ControlCharacter { .. } => "the file holds a control character, which YAML does not allow; remove it first".into(),
            EditError::EmptyKey { path } => format!("invalid path `{path}`: empty key"),
            EditError::Walk { here, why, .. } => match why {
                WalkRefusal::Alias => format!("{here} is an alias; edit the anchored node instead"),
                WalkRefusal::Anchored => format!(
                    "{here} is anchored (&): a change inside it would also change its aliases"
                ),
                WalkRefusal::NotAMapping { kind, path } => {
                    format!("{here} is a {kind}, not a mapping: cannot reach `{path}`")
                }
            },
            EditError::DuplicateKey {
                key,
                here,
                first_line,
                ..
            } => format!(
                "duplicate key `{key}` in {here} (first at line {first_line}): which one to edit is ambiguous"
            ),
            EditError::KeyType { key, type_name, .. } => {
                format!("key `{key}` is read as a {type_name}, not a string key")
            }
            EditError::Indirect { key, here, via, .. } => {
                let how = match via {
                    Via::Merge { line } => format!("comes from the merge key at line {line}"),
                    Via::AliasKey => "is written as an alias (`*name`)".to_string(),
                };
                format!("`{key}` in {here} {how}: edit the value where it is written")
            }
            EditError::NotAMapping { path, kind, .. } => {
                format!("`{path}` is a {kind}, not a mapping")
            }
            EditError::Value { name, why, .. } => {
                let why = match why {
                    ValueRefusal::Alias => "is an alias: edit the anchored node instead".to_string(),
                    ValueRefusal::NotAScalar { kind } => format!("is a {kind}, not a scalar"),
                    ValueRefusal::Anchored => {
                        "is anchored (&): changing it would also change its aliases".to_string()
                    }
                    ValueRefusal::BlockScalar => {
                        "is a block scalar (| or >), which kometa-trakt does not rewrite".to_string()
                    }
                    ValueRefusal::Tag { tag, type_name } => {
                        format!("has the tag `{tag}`, which does not fit a {type_name}")
                    }
                    ValueRefusal::Protected { what, value, why } => {
                        format!("is the {what} `{value}`: {why}")
                    }
                    ValueRefusal::TabSeparator => "is separated from its key by a tab, which YAML parsers disagree on; replace the tab with a space first".to_string(),
                    ValueRefusal::UnclearEmpty => {
                        "has an empty value whose position is unclear (explicit key or flow context)"
                            .to_string()
                    }
                };
                format!("`{name}` {why}; nothing was changed")
            }
            EditError::Insert { name, why, .. } => match why {
                InsertRefusal::EmptyDocument { kind } => {
                    format!("the document is empty ({kind}); cannot add `{name}` to it")
                }
                InsertRefusal::EmptyInFlow => format!(
                    "cannot add `{name}` to an empty value inside a flow collection; write `{{}}` there first"
                ),
                InsertRefusal::AfterBlockScalar => format!(
                    "cannot add `{name}` after a block scalar (| or >), whose end is ambiguous; add it by hand"
                ),
                InsertRefusal::ExplicitKeys => format!(
                    "cannot add `{name}`: its mapping uses explicit (`? `) or empty keys, whose indentation is ambiguous"
                ),
            },
            EditError::TypeChange { name, from } => format!(
                "`{name}` holds {from}, and the new value is not one; pass --type string|int|bool|null to change its type"
            ),
            EditError::Unwritable { name } => format!(
                "the new value for `{name}` reads as a number kometa-trakt does not write (a float or a huge integer); pass --type string to write it as text"
            ),
            EditError::Internal { what } => format!(
                "internal check failed ({what}); nothing was written. Please report this with the file's shape"
            ),
        }
    }
}

impl From<SyntaxError> for EditError {
    fn from(e: SyntaxError) -> Self {
        EditError::Syntax {
            pos: e.pos,
            message: e.message,
        }
    }
}
