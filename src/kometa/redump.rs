//! What Kometa changes when it saves the config by re-dumping it: the
//! authorization values (trakt's six, MyAnimeList's four), `pin` emptied,
//! and keys `check_for_attribute` adds with their defaults
//! (reference: `modules/trakt.py` `_save`, `modules/mal.py` `_save`,
//! `modules/config.py` `check_for_attribute`).

use super::AUTH_KEYS;
use crate::document::diff::Change;
use crate::document::scalar::Resolved;

/// The root keys whose blocks Kometa's save rewrites (besides the keys
/// `check_for_attribute` adds, anywhere).
pub(crate) const REWRITTEN: &[&str] = &["trakt", "mal"];

/// MyAnimeList's authorization keys.
const MAL_AUTH_KEYS: &[&str] = &["access_token", "token_type", "expires_in", "refresh_token"];

/// Whether Kometa's own save makes `change`.
pub(crate) fn made_by_kometa(change: &Change) -> bool {
    let path: Vec<&str> = change.path.iter().map(String::as_str).collect();
    match path.as_slice() {
        ["trakt", "authorization", key] => AUTH_KEYS.contains(key),
        ["mal", "authorization", key] => MAL_AUTH_KEYS.contains(key),
        ["trakt", "pin"] => change.new == Resolved::Null,
        // `check_for_attribute` adds `parent.attribute: default`.
        [_, _] => change.old.is_none(),
        _ => false,
    }
}
