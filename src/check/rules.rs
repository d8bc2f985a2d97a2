//! The semantic rules of the trakt block: placeholders and redaction
//! leftovers, credential format, completeness of the authorization,
//! quoted numbers, expiry, plaintext secrets.

use super::Options;
use super::diagnostic::{Diagnostic, Severity};
use super::structure::value_range;
use crate::document::scalar::{Resolved, resolve};
use crate::document::{Entry, Kind, Node, Style};
use crate::report::mask::is_secret_key;
use crate::time::{relative, span, utc};
use crate::token::Lifetime;

use crate::kometa::AUTH_KEYS;

/// Clock skew tolerated before `created_at` counts as in the future.
const SKEW: i64 = 300;

/// The semantic findings of the trakt block, each with the JSON pointer it
/// is about.
pub fn check(trakt: &Entry<'_>, options: &Options) -> Vec<(String, Diagnostic)> {
    let mut found = Vec::new();
    let Some(entries) = trakt.value.entries() else {
        return found;
    };
    for e in entries {
        let Some(key) = e.key.scalar() else { continue };
        if key != "authorization" {
            values(
                e,
                &format!("/{key}"),
                &format!("trakt.{key}"),
                options,
                &mut found,
            );
        }
    }
    for key in ["client_id", "client_secret"] {
        if let Some(e) = get(entries, key) {
            credential_format(e, key, &mut found);
        }
    }
    authorization(trakt, entries, options, &mut found);
    found
}

fn get<'d, 'a>(entries: &'d [Entry<'a>], key: &str) -> Option<&'d Entry<'a>> {
    entries.iter().find(|e| e.key.scalar() == Some(key))
}

/// Rules for any value: redaction leftovers, `${VAR}` templates, and
/// literal secrets when they are forbidden.
fn values(
    e: &Entry<'_>,
    pointer: &str,
    name: &str,
    options: &Options,
    found: &mut Vec<(String, Diagnostic)>,
) {
    let at = value_range(Some(&e.key), &e.value);
    if redacted(&e.value) {
        found.push((
            pointer.to_string(),
            Diagnostic::new("redacted-value", Severity::Error, at, format!("`{name}` holds a redaction leftover, not a value"))
                .hint("paste the real value, or write a placeholder like <<trakt_token>> and set KOMETA_TRAKT_TOKEN"),
        ));
        return;
    }
    let Some(text) = e.value.scalar().filter(|_| !e.value.is_null()) else {
        return;
    };
    if text.starts_with("${") && text.ends_with('}') {
        found.push((
            pointer.to_string(),
            Diagnostic::new("template-placeholder", Severity::Warning, at, format!("`{name}` is a `${{…}}` template, which Kometa reads literally"))
                .hint("render the file before Kometa reads it (envsubst), or use a Kometa placeholder: <<name>> with KOMETA_NAME set"),
        ));
        return;
    }
    let key = name.rsplit('.').next().unwrap_or(name);
    if options.no_plaintext_secrets
        && is_secret_key(key)
        && !is_placeholder(text)
        && !text.is_empty()
    {
        found.push((
            pointer.to_string(),
            Diagnostic::new(
                "plaintext-secret",
                Severity::Error,
                at,
                format!("`{name}` holds a literal secret"),
            )
            .hint(format!(
                "write a placeholder instead, e.g. {key}: <<trakt_{key}>>, and set KOMETA_TRAKT_{}",
                key.to_uppercase()
            )),
        ));
    }
}

fn is_placeholder(text: &str) -> bool {
    text.len() > 4 && text.starts_with("<<") && text.ends_with(">>")
}

/// `(redacted)`, `<REDACTED>`, `<private>`, `XXXX-redacted-XXXX`, or the
/// flow sequence `[REDACTED]`.
fn redacted(node: &Node<'_>) -> bool {
    match &node.kind {
        Kind::Scalar { value, .. } => {
            let lower = value.to_lowercase();
            lower.contains("redacted") || lower == "<private>" || lower == "(private)"
        }
        Kind::Sequence { items, .. } => items.len() == 1 && redacted(&items[0]),
        _ => false,
    }
}

/// Trakt client ids and secrets are 64 hex characters.
fn credential_format(e: &Entry<'_>, key: &str, found: &mut Vec<(String, Diagnostic)>) {
    let Some(text) = e.value.scalar().filter(|_| !e.value.is_null()) else {
        return;
    };
    let hex64 = text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit());
    let skipped =
        text.is_empty() || is_placeholder(text) || text.starts_with("${") || redacted(&e.value);
    if !hex64 && !skipped {
        let pointer = format!("/{key}");
        if found.iter().any(|(p, _)| *p == pointer) {
            return;
        }
        found.push((
            format!("{pointer}#format"),
            Diagnostic::new(
                "credential-format",
                Severity::Warning,
                e.value.prop_start..e.value.end,
                format!("`trakt.{key}` is not 64 hex characters, the form of Trakt credentials"),
            )
            .hint("copy it again from https://trakt.tv/oauth/applications"),
        ));
    }
}

/// Whether a value is absent in substance: null or empty text.
fn empty(node: &Node<'_>) -> bool {
    node.is_null() || node.scalar() == Some("")
}

/// The authorization block: absent means not authorized yet; a block with
/// tokens must have all six values; numbers, expiry, and token values.
fn authorization(
    trakt: &Entry<'_>,
    entries: &[Entry<'_>],
    options: &Options,
    found: &mut Vec<(String, Diagnostic)>,
) {
    let not_authorized = |range| {
        Diagnostic::new("not-authorized", Severity::Warning, range, "`trakt` is not authorized yet: it holds no tokens")
            .hint("run `kometa-trakt auth --pin PIN`, or paste the block from Kometa's authorization page")
    };
    let Some(auth) = get(entries, "authorization") else {
        found.push((
            "/authorization".into(),
            not_authorized(trakt.key.start..trakt.key.end),
        ));
        return;
    };
    if auth.value.is_null() {
        found.push((
            "/authorization".into(),
            not_authorized(auth.key.start..auth.key.end),
        ));
        return;
    }
    let Some(inner) = auth.value.entries() else {
        return;
    };
    for e in inner {
        if let Some(key) = e.key.scalar() {
            values(
                e,
                &format!("/authorization/{key}"),
                &format!("trakt.authorization.{key}"),
                options,
                found,
            );
        }
    }
    let tokens_empty = ["access_token", "refresh_token"]
        .iter()
        .all(|k| get(inner, k).is_none_or(|e| empty(&e.value)));
    if tokens_empty {
        found.push((
            "/authorization".into(),
            not_authorized(auth.key.start..auth.key.end),
        ));
        return;
    }
    let mut complete = true;
    for &key in AUTH_KEYS {
        let pointer = format!("/authorization/{key}");
        let (range, what) = match get(inner, key) {
            None => (auth.key.start..auth.key.end, "is missing"),
            Some(e) if empty(&e.value) => (e.key.start..e.key.end, "is empty"),
            Some(_) => continue,
        };
        complete = false;
        found.push((
            pointer,
            Diagnostic::new(
                "authorization-partial",
                Severity::Error,
                range,
                format!("`trakt.authorization.{key}` {what}, but the block holds tokens"),
            )
            .hint("a partly filled block cannot be renewed: authorize again, or restore the missing value"),
        ));
    }
    let number = |key: &str| get(inner, key).and_then(|e| seconds(e).map(|n| (e, n)));
    for key in ["expires_in", "created_at"] {
        if let Some(e) = get(inner, key)
            && quoted_digits(&e.value)
        {
            found.push((
                format!("/authorization/{key}#quoted"),
                Diagnostic::new(
                    "quoted-number",
                    Severity::Warning,
                    e.value.prop_start..e.value.end,
                    format!("`trakt.authorization.{key}` is a number written as a string"),
                )
                .hint(format!(
                    "remove the quotes: {key}: {}",
                    e.value.scalar().unwrap_or_default()
                )),
            ));
        }
    }
    if let (true, Some((created, created_at)), Some((_, expires_in))) =
        (complete, number("created_at"), number("expires_in"))
    {
        expiry(
            created,
            Lifetime {
                created_at,
                expires_in,
            },
            options,
            found,
        );
    }
}

/// An integer, or digits in quotes.
fn seconds(e: &Entry<'_>) -> Option<i64> {
    let Kind::Scalar { value, style } = &e.value.kind else {
        return None;
    };
    match resolve(value, *style, e.value.tag.as_deref()) {
        Resolved::Int(i) => i64::try_from(i).ok(),
        Resolved::Str(s) if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) => {
            s.parse().ok()
        }
        _ => None,
    }
}

fn quoted_digits(node: &Node<'_>) -> bool {
    matches!(&node.kind, Kind::Scalar { value, style: Style::Single | Style::Double } if !value.is_empty() && value.chars().all(|c| c.is_ascii_digit()))
}

/// `created_at` in the future; the token expired or expiring.
fn expiry(
    created: &Entry<'_>,
    life: Lifetime,
    options: &Options,
    found: &mut Vec<(String, Diagnostic)>,
) {
    let now = options.now;
    let at = created.value.prop_start..created.value.end;
    if life.created_at > now + SKEW {
        found.push((
            "/authorization/created_at#future".into(),
            Diagnostic::new(
                "created-in-future",
                Severity::Error,
                at,
                format!(
                    "`trakt.authorization.created_at` is in the future ({})",
                    utc(life.created_at)
                ),
            )
            .hint("check the value and this machine's clock"),
        ));
        return;
    }
    let remaining = life.remaining(now);
    let strict = options.require_valid_for;
    let severity = if strict.is_some() {
        Severity::Error
    } else {
        Severity::Warning
    };
    let renew = "run `kometa-trakt renew` (Kometa also renews on its next run)";
    let finding = if remaining <= 0 {
        Some(Diagnostic::new(
            "token-expired",
            severity,
            at,
            format!(
                "the access token expired {} ({})",
                relative(remaining),
                utc(life.expires_at())
            ),
        ))
    } else if let Some(required) = strict.filter(|&r| remaining < r) {
        Some(Diagnostic::new(
            "token-expiring",
            Severity::Error,
            at,
            format!(
                "the access token expires {} ({}), sooner than the required {}",
                relative(remaining),
                utc(life.expires_at()),
                span(required)
            ),
        ))
    } else if life.renewal_due(now) {
        Some(Diagnostic::new(
            "token-expiring",
            Severity::Warning,
            at,
            format!(
                "the access token expires {} ({}): less than a quarter of its lifetime is left",
                relative(remaining),
                utc(life.expires_at())
            ),
        ))
    } else {
        None
    };
    if let Some(d) = finding {
        found.push(("/authorization/created_at#expiry".into(), d.hint(renew)));
    }
}
