//! Reading Trakt's token answer. A refresh token in it is kept however
//! broken the rest is (a number as a string, `1e400`, JSON that does not
//! parse): the token that was sent is spent by then.

use serde_json::Value;

use crate::authorization::Answer;

/// The six values as far as `body` holds them.
pub(crate) fn read_answer(body: &str) -> Answer {
    match serde_json::from_str::<Value>(body) {
        Ok(value) => Answer {
            access_token: text(value.get("access_token")),
            token_type: text(value.get("token_type")),
            expires_in: number(value.get("expires_in")),
            refresh_token: text(value.get("refresh_token")),
            scope: text(value.get("scope")),
            created_at: number(value.get("created_at")),
        },
        Err(_) => scanned(body),
    }
}

/// A non-empty string.
fn text(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A whole number of seconds: an integer, an integral float, or digits in
/// a string.
fn number(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The values of a body that is not valid JSON, key by key: `"key"`, a
/// colon, then a JSON string or a number.
fn scanned(body: &str) -> Answer {
    let raw = |key: &str| -> Option<&str> {
        let at = body.find(&format!("\"{key}\""))? + key.len() + 2;
        let rest = body[at..].trim_start().strip_prefix(':')?.trim_start();
        if let Some(inner) = rest.strip_prefix('"') {
            let mut escaped = false;
            let end = inner.char_indices().find_map(|(i, c)| {
                let close = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                close.then_some(i + 2)
            })?;
            Some(&rest[..end])
        } else {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c)))
                .unwrap_or(rest.len());
            Some(&rest[..end])
        }
    };
    let value = |key: &str| raw(key).and_then(|r| serde_json::from_str::<Value>(r).ok());
    Answer {
        access_token: text(value("access_token").as_ref()),
        token_type: text(value("token_type").as_ref()),
        expires_in: number(value("expires_in").as_ref()),
        refresh_token: text(value("refresh_token").as_ref()),
        scope: text(value("scope").as_ref()),
        created_at: number(value("created_at").as_ref()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_usable_refresh_token_survives_a_broken_answer() {
        let a = read_answer(
            r#"{"access_token":"a","refresh_token":"r","expires_in":"86400","created_at":1e400}"#,
        );
        assert_eq!(a.refresh_token.as_deref(), Some("r"));
        assert_eq!(a.access_token.as_deref(), Some("a"));
        assert_eq!(a.expires_in, Some(86_400));
        assert_eq!(a.created_at, None);
        let b = read_answer(r#"{"refresh_token": "r\"1", "expires_in": 7.0, "scope": ["x"]"#);
        assert_eq!(b.refresh_token.as_deref(), Some("r\"1"));
        assert_eq!(b.expires_in, Some(7));
        assert_eq!(b.scope, None);
        assert_eq!(read_answer("<html>").refresh_token, None);
    }
}
