//! What can go wrong talking to Trakt, in words a person understands, and
//! whether the authorization is dead (exit 3) or the failure is temporary
//! (exit 4). Bodies are summarised, never dumped.

use crate::links::APP_PAGE;

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

/// The error Trakt answered a token or API call with.
pub(crate) fn from_status(status: u16, body: &str, what: &str) -> TraktError {
    let json: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let code = json
        .as_ref()
        .and_then(|v| v.get("error"))
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let html = body.trim_start().starts_with('<');
    match (status, code) {
        (400 | 401, "invalid_grant") | (400, "") if !html => TraktError::dead(format!(
            "Trakt refused the {what} (invalid_grant): it was already used, expired or revoked; authorize again with `kometa-trakt auth --pin PIN` or `--device`"
        )),
        (401, "invalid_client") => TraktError::dead(format!(
            "Trakt does not know this client_id/client_secret (invalid_client): check them at {APP_PAGE}"
        )),
        (401, _) => TraktError::dead(format!(
            "Trakt refused the {what} (401 Unauthorized): authorize again"
        )),
        (403, _) if html => TraktError::temporary(
            "Trakt's Cloudflare front blocked the request (403, an HTML page); try again later or from another network",
        ),
        (403, _) => TraktError::dead(format!(
            "Trakt answered 403 Forbidden: the application was probably deleted; create one at {APP_PAGE} and authorize again"
        )),
        (410, _) => TraktError::dead("Trakt says the account is deactivated (410 Gone)"),
        (423, _) => TraktError::dead("Trakt says the account is locked (423 Locked)"),
        (429, _) => TraktError::temporary(
            "Trakt's rate limit was hit (429 Too Many Requests); try again in a minute",
        ),
        (500..=599, _) => TraktError::temporary(format!(
            "Trakt is having trouble ({status}); try again later"
        )),
        _ => TraktError::temporary(format!(
            "Trakt answered {status} to the {what}{}",
            summary(body, html)
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
