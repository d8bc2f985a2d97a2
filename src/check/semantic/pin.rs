//! A block that holds no tokens yet (the PIN's value is the model's,
//! reading.rs).

use super::reading::Reading;
use super::{PUBLIC_MODE, Rules};
use crate::check::diagnostic::{Diagnostic, Severity};
use crate::check::rule::Rule;

impl Rules<'_, '_> {
    /// No tokens: Kometa exchanges a PIN if there is one, else prompts.
    pub(super) fn not_authorized(&mut self, at: std::ops::Range<usize>, reading: Reading) {
        let d = if reading.usable_pin || reading.unknown_pin {
            Diagnostic::new(
                Rule::NotAuthorized,
                at,
                "`trakt` holds no tokens yet: Kometa will exchange the PIN on its next run",
            )
            .severity(Severity::Warning)
            .hint("or exchange it now: `kometa-trakt auth` (a PIN works once)")
        } else if reading.pin_given {
            // The PIN's own finding (pin-type, pin-value) says why it fails.
            return;
        } else {
            let prompt = if self.options.kometa.reads_pin() {
                ": Kometa would prompt for a PIN, which fails without a terminal (Docker, cron)"
            } else {
                PUBLIC_MODE
            };
            Diagnostic::new(
                Rule::NotAuthorized,
                at,
                format!("`trakt` is not authorized: it holds no tokens and no usable PIN{prompt}"),
            )
            .hint("run `kometa-trakt auth --device` (no browser needed on this machine)")
        };
        self.push(d, Some("/authorization".into()));
    }
}
