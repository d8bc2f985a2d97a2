//! The six values of an authorization and the lifetime of its access
//! token: plain data shared by the Trakt client (which receives them), the
//! Kometa model (which stores them in the trakt block) and persistence
//! (which keeps them in recovery files). It depends on nothing.

/// An authorization: what `POST /oauth/token` returns and the trakt
/// block's `authorization` mapping holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tokens {
    pub(crate) access_token: String,
    pub(crate) token_type: String,
    pub(crate) expires_in: i64,
    pub(crate) refresh_token: String,
    pub(crate) scope: String,
    pub(crate) created_at: i64,
}

/// A token answer as far as it could be read, or a recovery file's
/// values. Worth keeping whenever it holds a refresh token: the one that
/// was sent is spent by then, whatever else is wrong with the answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Answer {
    pub(crate) access_token: Option<String>,
    pub(crate) token_type: Option<String>,
    pub(crate) expires_in: Option<i64>,
    pub(crate) refresh_token: Option<String>,
    pub(crate) scope: Option<String>,
    pub(crate) created_at: Option<i64>,
}

/// The lifetime a token is given when its answer states none: Trakt's
/// (seven days in its 2026 guide).
const DEFAULT_LIFETIME: i64 = 604_800;

impl Answer {
    /// The values to store, with stand-ins for those the answer lacks (the
    /// previous lifetime, `now`, `bearer`, `public`, an empty access token)
    /// and the names of the keys that got one; `None` without a refresh
    /// token, which nothing can stand in for.
    pub(crate) fn stored(
        &self,
        now: i64,
        previous_lifetime: Option<i64>,
    ) -> Option<(Tokens, Vec<&'static str>)> {
        let refresh_token = self.refresh_token.clone()?;
        let mut guessed = Vec::new();
        let mut pick = |value: Option<String>, key, stand_in: &str| {
            value.unwrap_or_else(|| {
                guessed.push(key);
                stand_in.to_string()
            })
        };
        let access_token = pick(self.access_token.clone(), "access_token", "");
        let token_type = pick(self.token_type.clone(), "token_type", "bearer");
        let scope = pick(self.scope.clone(), "scope", "public");
        let expires_in = self.expires_in.filter(|&e| e > 0).unwrap_or_else(|| {
            guessed.push("expires_in");
            previous_lifetime.unwrap_or(DEFAULT_LIFETIME)
        });
        let created_at = self.created_at.unwrap_or_else(|| {
            guessed.push("created_at");
            now
        });
        guessed.sort_by_key(|k| KEYS.iter().position(|o| o == k));
        Some((
            Tokens {
                access_token,
                token_type,
                expires_in,
                refresh_token,
                scope,
                created_at,
            },
            guessed,
        ))
    }
}

/// The six keys, in the order Kometa writes them.
const KEYS: [&str; 6] = [
    "access_token",
    "token_type",
    "expires_in",
    "refresh_token",
    "scope",
    "created_at",
];

impl From<&Tokens> for Answer {
    fn from(t: &Tokens) -> Self {
        Answer {
            access_token: Some(t.access_token.clone()),
            token_type: Some(t.token_type.clone()),
            expires_in: Some(t.expires_in),
            refresh_token: Some(t.refresh_token.clone()),
            scope: Some(t.scope.clone()),
            created_at: Some(t.created_at),
        }
    }
}

/// The issue time and lifetime of an access token, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lifetime {
    pub(crate) created_at: i64,
    pub(crate) expires_in: i64,
}

impl Lifetime {
    /// When the token stops working (Unix seconds).
    pub(crate) fn expires_at(self) -> i64 {
        self.created_at.saturating_add(self.expires_in)
    }

    /// Seconds left at `now`; negative once expired.
    pub(crate) fn remaining(self, now: i64) -> i64 {
        self.expires_at().saturating_sub(now)
    }

    /// The default renewal policy: expired, or less than a quarter of the
    /// lifetime left (a 24-hour token is renewed in its last 6 hours).
    pub(crate) fn renewal_due(self, now: i64) -> bool {
        self.remaining(now) < self.expires_in / 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_answer_is_stored_with_stand_ins_named() {
        let answer = Answer {
            refresh_token: Some("r".into()),
            access_token: Some("a".into()),
            expires_in: Some(-5),
            ..Answer::default()
        };
        let (tokens, guessed) = answer.stored(1000, Some(86_400)).unwrap();
        assert_eq!(guessed, ["token_type", "expires_in", "scope", "created_at"]);
        assert_eq!(
            (
                tokens.expires_in,
                tokens.created_at,
                tokens.token_type.as_str()
            ),
            (86_400, 1000, "bearer")
        );
        assert_eq!(Answer::default().stored(1000, None), None);
    }

    #[test]
    fn renewal_is_due_in_the_last_quarter() {
        let day = Lifetime {
            created_at: 1000,
            expires_in: 86_400,
        };
        assert!(!day.renewal_due(1000 + 64_799));
        assert!(day.renewal_due(1000 + 64_801));
        assert!(day.renewal_due(1000 + 90_000));
        assert_eq!(day.remaining(1000 + 90_000), -3600);
    }
}
