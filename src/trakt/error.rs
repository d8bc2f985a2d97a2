//! What can go wrong talking to Trakt, in words a person understands, and
//! whether the authorization is dead (exit 3) or the failure is temporary
//! (exit 4). Bodies are summarised, never dumped.

use crate::links::{APP_PAGE, UTILITIES};
use crate::time;

/// How bad a failure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// The request could not be made as asked (bad URL, placeholder...).
    Usage,
    /// The authorization is dead: the user must authorize again.
    Dead,
    /// Try again later; nothing was spent.
    Temporary,
    /// A request that spends something may have reached Trakt and got no
    /// answer (a timeout after sending, a dropped connection, a stop
    /// signal): the token or code may be spent.
    MaybeSpent,
}

/// A failed call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub(crate) struct TraktError {
    pub(crate) class: Class,
    pub(crate) message: String,
}

impl TraktError {
    pub(crate) fn dead(message: impl Into<String>) -> Self {
        TraktError {
            class: Class::Dead,
            message: message.into(),
        }
    }
    pub(crate) fn temporary(message: impl Into<String>) -> Self {
        TraktError {
            class: Class::Temporary,
            message: message.into(),
        }
    }
    pub(crate) fn maybe_spent(message: impl Into<String>) -> Self {
        TraktError {
            class: Class::MaybeSpent,
            message: message.into(),
        }
    }
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        TraktError {
            class: Class::Usage,
            message: message.into(),
        }
    }
}

/// What to run to authorize again.
const AUTHORIZE: &str = "authorize again: `kometa-trakt auth --device`, or paste a new block from the Kometa Utilities page with `kometa-trakt auth --paste`";

/// The error Trakt answered a call with: its status, body and the seconds
/// of its `Retry-After`.
pub(crate) fn from_status(
    status: u16,
    body: &str,
    retry_after: Option<u64>,
    what: &str,
) -> TraktError {
    let json: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let field = |key: &str| {
        json.as_ref()
            .and_then(|v| v.get(key))
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let (code, description) = (field("error"), field("error_description"));
    let html = body.trim_start().starts_with('<');
    match (status, code.as_str()) {
        (400 | 401, "invalid_grant")
            if description.to_lowercase().contains("session not found") =>
        {
            TraktError::dead(format!(
                "Trakt refused the {what}: this refresh token predates Trakt's July 2026 auth migration, after which old tokens cannot be exchanged; authorize once more: `kometa-trakt auth --device`, or paste a new block from the Kometa Utilities page with `kometa-trakt auth --paste`"
            ))
        }
        (400 | 401, "invalid_grant") | (400, "") if !html => TraktError::dead(format!(
            "Trakt refused the {what} (invalid_grant): it was already used, expired or revoked; {AUTHORIZE}"
        )),
        (_, "invalid_client") | (403, _) if !html => TraktError::dead(format!(
            "Trakt does not know this app ({}): it was deleted (Trakt deletes apps unused for 30 days, and deleted free users' apps in July 2026) or its client_id/client_secret is wrong; create an app at {APP_PAGE}, or use Kometa's app on the Kometa Utilities page ({UTILITIES}), then {AUTHORIZE}",
            if code == "invalid_client" {
                "invalid_client".to_string()
            } else {
                format!("{status} Forbidden")
            }
        )),
        (401, _) => TraktError::dead(format!(
            "Trakt refused the {what} (401 Unauthorized): {AUTHORIZE}"
        )),
        (403, _) => TraktError::temporary(
            "Trakt's Cloudflare front blocked the request (403, an HTML page); try again later or from another network",
        ),
        (410, _) => TraktError::dead("Trakt says the account is deactivated (410 Gone)"),
        (423, _) => TraktError::dead("Trakt says the account is locked (423 Locked)"),
        (426, _) => {
            TraktError::dead("Trakt answered 426 Upgrade Required: this needs a Trakt VIP account")
        }
        (429, _) => rate_limited(retry_after, body),
        (500..=599, _) => TraktError::temporary(format!(
            "Trakt is having trouble ({status}); try again later"
        )),
        _ => TraktError::temporary(format!(
            "Trakt answered {status} to the {what}{}",
            summary(body, html)
        )),
    }
}

/// A rate limit (Trakt's JSON 429, Cloudflare's HTML 429 page or its
/// "error 1015" page): when to try again, in seconds and as a UTC time.
pub(crate) fn rate_limited(retry_after: Option<u64>, body: &str) -> TraktError {
    let whose = if body.contains("1015") {
        "Cloudflare's rate limit (error 1015)"
    } else {
        "Trakt's rate limit"
    };
    match retry_after {
        Some(seconds) => {
            let at = time::now().saturating_add(i64::try_from(seconds).unwrap_or(i64::MAX));
            TraktError::temporary(format!(
                "{whose} was hit (429 Too Many Requests): nothing was spent; try again in {seconds} s (after {})",
                time::utc(at)
            ))
        }
        None => TraktError::temporary(format!(
            "{whose} was hit (429 Too Many Requests): nothing was spent; try again in a few minutes (Trakt blocks for 5 minutes)"
        )),
    }
}

/// A few words about a body, never the body itself.
fn summary(body: &str, html: bool) -> String {
    match (body.trim().is_empty(), html) {
        (true, _) => " with an empty body".into(),
        (_, true) => " with an HTML page".into(),
        _ => format!(" with a {}-byte body", body.len()),
    }
}
