//! Which keys of a Kometa config hold secrets, to mask their values in every
//! output. A near miss of a secret key (`Client_Secret`, `access-token`,
//! `client_secert`) holds a secret too: the user meant the real key.

use crate::words::distance;

/// Keys whose values are secrets anywhere in a Kometa config: Trakt's and
/// MyAnimeList's credentials and tokens, and the services' tokens, API keys
/// and passwords.
pub const SECRET_KEYS: &[&str] = &[
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

/// `key` without case and without `-`/`_`: `Access-Token` → `accesstoken`.
fn folded(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether values under `key` are secrets: a secret key, equal ignoring
/// case and `-`/`_`, or, for keys of 8 characters or more, within two
/// edits of one.
pub fn is_secret_key(key: &str) -> bool {
    let key = key.trim();
    let folded_key = folded(key);
    SECRET_KEYS.iter().any(|secret| {
        folded_key == folded(secret)
            || (secret.len() >= 8 && key.len() >= 8 && distance(&key.to_lowercase(), secret) <= 2)
    })
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
