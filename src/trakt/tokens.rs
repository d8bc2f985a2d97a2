//! Reading Trakt's token answer into the six values of an authorization.

use serde_json::Value;

use super::error::TraktError;
use crate::authorization::Tokens;

/// Reads a token response; every field is required.
pub(crate) fn from_json(body: &str) -> Result<Tokens, TraktError> {
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
