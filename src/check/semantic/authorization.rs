//! The authorization: its keys, its tokens, and its numbers.

use super::reading::Reading;
use super::{PUBLIC_MODE, Rules};
use crate::authorization::Lifetime;
use crate::check::diagnostic::{Diagnostic, Severity};
use crate::check::rule::Rule;
use crate::document::scalar::{Resolved, resolve};
use crate::document::{Edit, Entry, Kind, NewValue, Node, Style, Value};
use crate::kometa::AUTH_KEYS;
use crate::words::{WORD, clip};

impl<'d, 'a> Rules<'d, 'a> {
    /// The authorization: absent means not authorized yet; a block with
    /// tokens needs both; numbers, expiry, and the PIN.
    pub(super) fn authorization(
        &mut self,
        trakt: &Entry<'_>,
        block: &'d Node<'a>,
        reading: Reading,
    ) {
        let auth_entry = self.get(block, "authorization");
        let auth = auth_entry
            .map(|e| self.value(e))
            .filter(|v| !v.is_null() && v.entries().is_some_and(|e| !e.is_empty()));
        let token = |rules: &Self, key: &str| auth.and_then(|a| rules.get(a, key));
        let tokens_empty =
            self.empty(token(self, "access_token")) && self.empty(token(self, "refresh_token"));
        let Some(auth) = auth else {
            // Another kind of value is the schema's to report (Kometa aborts).
            let other = auth_entry.is_some_and(|e| {
                let v = self.value(e);
                !v.is_null() && v.entries().is_none()
            });
            if !other {
                let at = auth_entry.map_or(&trakt.key, |e| &e.key);
                self.not_authorized(at.start..at.end, reading);
            }
            return;
        };
        let auth_entry = auth_entry.expect("authorization found");
        for e in auth.entries().unwrap_or_default() {
            if let Some(key) = self.doc.key_text(&e.key) {
                self.values(
                    e,
                    &format!("/authorization/{key}"),
                    &["trakt", "authorization", key],
                );
            }
        }
        if self.get(auth, "access_token").is_none() && !reading.force {
            self.push(
                Diagnostic::new(
                    Rule::AuthorizationPartial,
                    auth_entry.key.start..auth_entry.key.end,
                    "`trakt.authorization` has no `access_token` key: Kometa's whole run aborts reading it",
                )
                .hint("authorize again (`kometa-trakt auth --device`), or empty the block to start over"),
                Some("/authorization/access_token".into()),
            );
            return;
        }
        if tokens_empty {
            self.not_authorized(auth_entry.key.start..auth_entry.key.end, reading);
            return;
        }
        for key in ["access_token", "refresh_token"] {
            let e = self.get(auth, key);
            if !self.empty(e) || (key == "access_token" && e.is_none()) {
                continue;
            }
            let at = e.map_or(&auth_entry.key, |e| &e.key);
            let state = if e.is_some() { "empty" } else { "missing" };
            let d = if key == "access_token" {
                // trakt.py:63: the check fails, `_refresh` gets new tokens.
                Diagnostic::new(
                    Rule::AuthorizationPartial,
                    at.start..at.end,
                    format!(
                        "`trakt.authorization.access_token` is {state} beside a refresh token: Kometa refreshes at once and rewrites the whole file to save the new tokens"
                    ),
                )
                .severity(Severity::Warning)
                .hint("`kometa-trakt renew` refreshes it without rewriting the rest of the file")
            } else if reading.usable_pin {
                Diagnostic::new(
                    Rule::AuthorizationPartial,
                    at.start..at.end,
                    format!(
                        "`trakt.authorization.refresh_token` is {state}: Kometa cannot refresh, and at the next refresh it exchanges the file's PIN, which works only if it was never used"
                    ),
                )
                .severity(Severity::Warning)
                .hint("authorize again (`kometa-trakt auth --device`), or restore the missing value")
            } else {
                Diagnostic::new(
                    Rule::AuthorizationPartial,
                    at.start..at.end,
                    format!(
                        "`trakt.authorization.refresh_token` is {state}, but the block holds tokens: Kometa fails at its next refresh{}",
                        if self.options.kometa.reads_pin() { "" } else { PUBLIC_MODE }
                    ),
                )
                .hint("authorize again (`kometa-trakt auth --device`), or restore the missing value")
            };
            self.push(d, Some(format!("/authorization/{key}")));
        }
        for &key in AUTH_KEYS {
            if matches!(key, "access_token" | "refresh_token") {
                continue;
            }
            let e = self.get(auth, key);
            if self.empty(e) {
                let at = e.map_or(&auth_entry.key, |e| &e.key);
                self.push(
                    Diagnostic::new(
                        Rule::AuthorizationIncomplete,
                        at.start..at.end,
                        format!(
                            "`trakt.authorization.{key}` is {} beside the tokens: Kometa never reads it, but the expiry cannot be known",
                            if e.is_some() { "empty" } else { "missing" }
                        ),
                    )
                    .hint("the next renewal writes it (`kometa-trakt renew --force`)"),
                    Some(format!("/authorization/{key}")),
                );
            }
        }
        self.numbers(auth);
    }

    /// Quoted numbers, and the expiry when both numbers are there.
    pub(super) fn numbers(&mut self, auth: &'d Node<'a>) {
        for key in ["expires_in", "created_at"] {
            let Some(e) = self.get(auth, key) else {
                continue;
            };
            let node = self.value(e);
            if let Kind::Scalar {
                value,
                style: Style::Single | Style::Double,
            } = &node.kind
                && !value.is_empty()
                && value.chars().all(|c| c.is_ascii_digit())
            {
                let mut d = Diagnostic::new(
                    Rule::QuotedNumber,
                    node.prop_start..node.end,
                    format!("`trakt.authorization.{key}` is a number written as a string"),
                )
                .hint(format!("remove the quotes: {key}: {}", clip(value, WORD)));
                if let (Ok(number), None) = (value.parse::<i64>(), &node.tag) {
                    d = d.fix(vec![Edit {
                        path: vec!["trakt".into(), "authorization".into(), key.into()],
                        value: NewValue::Typed(Value::Int(number)),
                    }]);
                }
                self.push(d, None);
            }
        }
        let number = |rules: &Self, key: &str| {
            rules
                .get(auth, key)
                .and_then(|e| seconds(rules.value(e)).map(|n| (e, n)))
        };
        if let (Some((created, created_at)), Some((_, expires_in))) =
            (number(self, "created_at"), number(self, "expires_in"))
            && expires_in > 0
        {
            self.expiry(
                created,
                Lifetime {
                    created_at,
                    expires_in,
                },
            );
        }
    }
}

/// An integer, or digits in quotes.
fn seconds(node: &Node<'_>) -> Option<i64> {
    let Kind::Scalar { value, style } = &node.kind else {
        return None;
    };
    match resolve(value, *style, node.tag.as_deref()) {
        Resolved::Int(i) => i64::try_from(i).ok(),
        Resolved::Str(s) if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) => {
            s.parse().ok()
        }
        _ => None,
    }
}
