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
