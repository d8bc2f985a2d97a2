//! Storing Trakt's tokens in the trakt block: the edits that write exactly
//! the values that changed, and stand-in answers to plan them before any
//! request is made.

use super::{TraktBlock, value_type};
use crate::authorization::Tokens;
use crate::document::{Edit, NewValue, Value};

/// What happens to `trakt.pin` when tokens are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pin {
    /// Left as it is (a renewal).
    Keep,
    /// Emptied, as Kometa does after a PIN exchange (the PIN is spent).
    Clear,
}

/// The edits that store `tokens`: every value that differs from `current`
/// (all six when `current` has no authorization), and the pin as `pin` says.
pub(crate) fn token_edits(current: &TraktBlock, tokens: &Tokens, pin: Pin) -> Vec<Edit> {
    let text = |key: &str, raw: String| {
        let path: Vec<String> = ["trakt", "authorization", key]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let fallback = value_type(&path);
        Edit {
            path,
            value: NewValue::Text { raw, fallback },
        }
    };
    let changed = |old: &Option<String>, new: &str| old.as_deref() != Some(new);
    let token_type_same = current
        .token_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case(&tokens.token_type));
    let values = [
        (
            "access_token",
            tokens.access_token.clone(),
            changed(&current.access_token, &tokens.access_token),
        ),
        ("token_type", tokens.token_type.clone(), !token_type_same),
        (
            "expires_in",
            tokens.expires_in.to_string(),
            changed(&current.expires_in, &tokens.expires_in.to_string()),
        ),
        (
            "refresh_token",
            tokens.refresh_token.clone(),
            changed(&current.refresh_token, &tokens.refresh_token),
        ),
        (
            "scope",
            tokens.scope.clone(),
            changed(&current.scope, &tokens.scope),
        ),
        (
            "created_at",
            tokens.created_at.to_string(),
            changed(&current.created_at, &tokens.created_at.to_string()),
        ),
    ];
    let mut edits: Vec<Edit> = values
        .into_iter()
        .filter(|(_, _, differs)| *differs)
        .map(|(key, raw, _)| text(key, raw))
        .collect();
    if pin == Pin::Clear && current.pin.is_some() {
        edits.push(Edit {
            path: vec!["trakt".into(), "pin".into()],
            value: NewValue::Typed(Value::Null),
        });
    }
    edits
}

/// A token of 64 hex digits that differs from `current`.
fn other_token(current: Option<&str>, digit: char) -> String {
    let token = digit.to_string().repeat(64);
    if current == Some(token.as_str()) {
        "0".repeat(64)
    } else {
        token
    }
}

/// What Trakt's answer most likely holds, to preview a renewal: new tokens
/// and creation time, the lifetime and scope unchanged.
pub(crate) fn likely_answer(now: i64, current: &TraktBlock) -> Tokens {
    Tokens {
        access_token: other_token(current.access_token.as_deref(), 'f'),
        token_type: "bearer".into(),
        expires_in: current
            .expires_in
            .as_deref()
            .and_then(|e| e.parse().ok())
            .unwrap_or(86_400),
        refresh_token: other_token(current.refresh_token.as_deref(), 'e'),
        scope: current.scope.clone().unwrap_or_else(|| "public".into()),
        created_at: now,
    }
}

/// An answer that changes every value Trakt's answer may change, to plan
/// the save before any request: if one of these edits would be refused,
/// the real answer might need it, so nothing is sent.
pub(crate) fn worst_case_answer(now: i64, current: &TraktBlock) -> Tokens {
    let number = |value: &Option<String>| value.as_deref().and_then(|v| v.parse::<i64>().ok());
    let expires_in = match number(&current.expires_in) {
        Some(604_800) => 86_400,
        _ => 604_800,
    };
    let created_at = match number(&current.created_at) {
        Some(c) if c == now => now + 1,
        _ => now,
    };
    Tokens {
        access_token: other_token(current.access_token.as_deref(), 'f'),
        token_type: "bearer".into(),
        expires_in,
        refresh_token: other_token(current.refresh_token.as_deref(), 'e'),
        scope: "public".into(),
        created_at,
    }
}
