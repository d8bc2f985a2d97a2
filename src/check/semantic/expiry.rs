//! When the access token expires.

use super::Rules;
use crate::authorization::Lifetime;
use crate::check::diagnostic::{Diagnostic, Severity};
use crate::check::rule::Rule;
use crate::document::Entry;
use crate::time::{relative, span, utc};

/// Clock skew tolerated before `created_at` counts as in the future.
const SKEW: i64 = 300;

impl<'d, 'a> Rules<'d, 'a> {
    /// `created_at` in the future; the token expired or expiring.
    pub(super) fn expiry(&mut self, created: &Entry<'_>, life: Lifetime) {
        let now = self.options.now;
        let at = created.value.prop_start..created.value.end;
        if life.created_at > now + SKEW {
            self.push(
                Diagnostic::new(
                    Rule::CreatedInFuture,
                    at,
                    format!(
                        "`trakt.authorization.created_at` is in the future ({}): Kometa never reads it, but the expiry cannot be known",
                        utc(life.created_at)
                    ),
                )
                .hint("check the value and this machine's clock"),
                None,
            );
            return;
        }
        let remaining = life.remaining(now);
        let strict = self.options.require_valid_for;
        let expires = utc(life.expires_at());
        let finding = if remaining <= 0 {
            let d = Diagnostic::new(
                Rule::TokenExpired,
                at,
                format!(
                    "the access token expired {} ({expires})",
                    relative(remaining)
                ),
            );
            Some(match strict {
                Some(_) => d.severity(Severity::Error),
                None => d,
            })
        } else if let Some(required) = strict.filter(|&r| remaining < r) {
            Some(
                Diagnostic::new(
                    Rule::TokenExpiring,
                    at,
                    format!(
                        "the access token expires {} ({expires}), sooner than the required {}",
                        relative(remaining),
                        span(required)
                    ),
                )
                .severity(Severity::Error),
            )
        } else if life.renewal_due(now) {
            Some(Diagnostic::new(
                Rule::TokenExpiring,
                at,
                format!(
                    "the access token expires {} ({expires}): less than a quarter of its lifetime is left",
                    relative(remaining)
                ),
            ))
        } else {
            None
        };
        if let Some(d) = finding {
            self.push(
                d.hint("run `kometa-trakt renew` (Kometa also renews on its next run)"),
                None,
            );
        }
    }
}
