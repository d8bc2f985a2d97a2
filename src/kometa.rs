//! What kometa-trakt knows of a Kometa config's trakt block.

use crate::document::ValueType;

/// The type Kometa expects at a path of the trakt block, if it is one.
pub fn value_type(path: &[String]) -> Option<ValueType> {
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
