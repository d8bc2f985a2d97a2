//! What kometa-trakt knows of Kometa: the keys of the trakt block and the
//! types Kometa expects, its placeholders, which keys hold secrets, and the
//! block's values read from a document.

pub(crate) mod args;
pub(crate) mod block;
pub(crate) mod load;
pub(crate) mod mask;
pub(crate) mod paste;
pub(crate) mod placeholder;
pub(crate) mod redump;
pub(crate) mod run;
pub(crate) mod secrets;
pub(crate) mod sensitive;
pub(crate) mod tokens;

use crate::document::{Protect, ValueType};

pub(crate) use block::TraktBlock;

/// The keys of the trakt block.
pub(crate) const TRAKT_KEYS: &[&str] = &[
    "client_id",
    "client_secret",
    "pin",
    "force_refresh",
    "authorization",
];

/// The six keys of an authorization, in Kometa's order.
pub(crate) const AUTH_KEYS: &[&str] = &[
    "access_token",
    "token_type",
    "expires_in",
    "refresh_token",
    "scope",
    "created_at",
];

/// Values no edit overwrites: any value holding a Kometa placeholder, and a
/// whole `${VAR}` template (envsubst, compose).
pub(crate) const PROTECT: Protect = Protect {
    is: protected,
    name: "placeholder",
    why: "placeholders keep secrets out of the file and are never overwritten",
};

fn protected(value: &str) -> bool {
    placeholder::contains(value) || is_template(value)
}

/// Whether a value is a `${VAR}` template, filled in by a tool that renders
/// the file before Kometa reads it (Kometa itself reads it literally).
pub(crate) fn is_template(value: &str) -> bool {
    value
        .strip_prefix("${")
        .and_then(|v| v.strip_suffix('}'))
        .is_some_and(|name| !name.is_empty() && !name.contains(char::is_whitespace))
}

/// The type Kometa expects at a path of the trakt block, if it is one.
pub(crate) fn value_type(path: &[String]) -> Option<ValueType> {
    let keys: Vec<&str> = path.iter().map(String::as_str).collect();
    match keys.as_slice() {
        ["trakt", "client_id" | "client_secret" | "pin"] => Some(ValueType::Str),
        ["trakt", "force_refresh"] => Some(ValueType::Bool),
        [
            "trakt",
            "authorization",
            "access_token" | "refresh_token" | "token_type" | "scope",
        ] => Some(ValueType::Str),
        ["trakt", "authorization", "expires_in" | "created_at"] => Some(ValueType::Int),
        _ => None,
    }
}

/// Which Kometa reads the config: what it reads, adds and rewrites differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Version {
    /// Kometa 2.4 (to its release of July 2026): reads `pin` and
    /// `force_refresh`, adds them when missing by rewriting the whole file,
    /// and prompts for a PIN when it holds no tokens.
    #[default]
    V2_4,
    /// Kometa releases after August 2026 (its PR #3461): no `pin` or
    /// `force_refresh`; the token is refreshed on every run.
    Latest,
}

impl Version {
    /// Whether this Kometa reads `pin` and `force_refresh` (and adds them).
    pub(crate) fn reads_pin(self) -> bool {
        self == Version::V2_4
    }
}
