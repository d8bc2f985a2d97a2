//! Which keys of a Kometa config hold secrets, to mask their values in every
//! output. A near miss of a secret key (`Client_Secret`, `access-token`,
//! `client_secert`) holds a secret too: the user meant the real key.

use crate::words::{distance, within_two_ascii};

/// Keys whose values are secrets anywhere in a Kometa config: Trakt's and
/// MyAnimeList's credentials and tokens, and the services' tokens, API keys
/// and passwords.
pub(crate) const SECRET_KEYS: &[&str] = &[
    "client_secret",
    "access_token",
    "refresh_token",
    "pin",
    "token",
    "apikey",
    "api_key",
    "password",
    "secret",
];

/// Whether values under `key` are secrets: a secret key, equal ignoring
/// case and `-`/`_`, or, for keys of 8 characters or more, within two
/// edits of one. Every key of a config is asked: an ASCII key is answered
/// without allocating.
pub(crate) fn is_secret_key(key: &str) -> bool {
    let key = key.trim();
    if key.is_ascii() {
        return ascii_secret_key(key.as_bytes());
    }
    let bare = |c: &char| !matches!(c, '-' | '_');
    let folded = key.chars().filter(bare).flat_map(char::to_lowercase);
    SECRET_KEYS.iter().any(|secret| {
        folded.clone().eq(secret.chars().filter(bare))
            || (secret.len() >= 8 && key.len() >= 8 && distance(&key.to_lowercase(), secret) <= 2)
    })
}

/// [`is_secret_key`] for an ASCII key.
fn ascii_secret_key(key: &[u8]) -> bool {
    let bare = |b: &u8| !matches!(b, b'-' | b'_');
    let folded = key
        .iter()
        .copied()
        .filter(bare)
        .map(|b| b.to_ascii_lowercase());
    let folded_len = folded.clone().count();
    let letters = letters(key);
    SECRET_KEYS.iter().any(|secret| {
        (folded_len == secret.bytes().filter(bare).count()
            && folded.clone().eq(secret.bytes().filter(bare)))
            || (secret.len() >= 8
                && key.len() >= 8
                && key.len().abs_diff(secret.len()) <= 2
                // Each letter of the key that the secret lacks takes an edit.
                && (letters & !self::letters(secret.as_bytes())).count_ones() <= 2
                && within_two_ascii(key, secret.as_bytes()))
    })
}

/// The set of (lowercased) letters in `text`, folded onto 64 bits: two
/// letters may share a bit, which only makes a set smaller.
fn letters(text: &[u8]) -> u64 {
    text.iter()
        .fold(0, |set, b| set | 1 << (b.to_ascii_lowercase() & 63))
}

#[cfg(test)]
mod tests {
    use super::is_secret_key;

    #[test]
    fn secret_keys_and_their_near_misses() {
        for key in [
            "client_secret",
            "Client_Secret",
            "client_secert",
            "Access_Token",
            "access-token",
            "refreshtoken",
            "PIN",
            "token",
            "apikey",
            "ApiKey",
            "api-key",
            "password",
            "passwort",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in [
            "client_id",
            "token_type",
            "expires_in",
            "created_at",
            "scope",
            "url",
            "pins",
            "tokens_url",
            "authorization",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
    }
}
