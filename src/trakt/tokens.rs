//! The six values of an authorization, as Trakt returns them and as the
//! trakt block stores them; when an access token expires and when renewing
//! it is due.

use serde_json::Value;

use super::error::TraktError;

/// An authorization: what `POST /oauth/token` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
    pub refresh_token: String,
    pub scope: String,
    pub created_at: i64,
}

impl Tokens {
    /// Reads a token response; every field is required.
    pub fn from_json(body: &str) -> Result<Tokens, TraktError> {
        let value: Value = serde_json::from_str(body).map_err(|_| {
            TraktError::temporary(
                "Trakt's answer was not valid JSON; if the next renewal fails with invalid_grant, authorize again",
            )
        })?;
        let text = |k: &str| {
            value
                .get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let number = |k: &str| value.get(k).and_then(Value::as_i64);
        let missing: Vec<&str> = ["access_token", "token_type", "refresh_token", "scope"]
            .into_iter()
            .filter(|k| text(k).is_none())
            .chain(
                ["expires_in", "created_at"]
                    .into_iter()
                    .filter(|k| number(k).is_none()),
            )
            .collect();
        if !missing.is_empty() {
            return Err(TraktError::temporary(format!(
                "Trakt's answer lacks {}; nothing was saved. If the next renewal fails with invalid_grant, authorize again",
                missing.join(", ")
            )));
        }
        Ok(Tokens {
            access_token: text("access_token").unwrap_or_default(),
            token_type: text("token_type").unwrap_or_default(),
            expires_in: number("expires_in").unwrap_or_default(),
            refresh_token: text("refresh_token").unwrap_or_default(),
            scope: text("scope").unwrap_or_default(),
            created_at: number("created_at").unwrap_or_default(),
        })
    }
}

/// The issue time and lifetime of an access token, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime {
    pub created_at: i64,
    pub expires_in: i64,
}

impl Lifetime {
    /// When the token stops working (Unix seconds).
    pub fn expires_at(self) -> i64 {
        self.created_at.saturating_add(self.expires_in)
    }

    /// Seconds left at `now`; negative once expired.
    pub fn remaining(self, now: i64) -> i64 {
        self.expires_at().saturating_sub(now)
    }

    /// The default renewal policy: expired, or less than a quarter of the
    /// lifetime left (a 24-hour token is renewed in its last 6 hours).
    pub fn renewal_due(self, now: i64) -> bool {
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
