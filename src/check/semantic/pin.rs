//! The PIN, and a block that holds no tokens yet.

use super::{PUBLIC_MODE, Rules};
use crate::check::diagnostic::{Diagnostic, Severity};
use crate::check::rule::Rule;
use crate::check::structure::value_range;
use crate::document::scalar::{Resolved, resolve};
use crate::document::{Edit, Kind, NewValue, Node, Value};

impl<'d, 'a> Rules<'d, 'a> {
    /// The PIN: a number is refused by Trakt when an exchange is needed.
    pub(super) fn pin(&mut self, block: &'d Node<'a>, needed: bool) {
        if !self.options.kometa.reads_pin() {
            return;
        }
        let Some(e) = self.get(block, "pin") else {
            return;
        };
        let node = self.value(e);
        let Kind::Scalar { value, style } = &node.kind else {
            return;
        };
        let Resolved::Int(_) = resolve(value, *style, node.tag.as_deref()) else {
            return;
        };
        let (severity, when) = if needed {
            (
                Severity::Error,
                "a PIN exchange is needed (no tokens), and Trakt refuses a number",
            )
        } else {
            (
                Severity::Warning,
                "Kometa reads it only when it needs a new PIN exchange",
            )
        };
        let mut d = Diagnostic::new(
            Rule::PinType,
            value_range(Some(&e.key), node),
            format!("`trakt.pin` is a number; Kometa expects a string: {when}"),
        )
        .severity(severity)
        .hint("quote it: pin: \"<your PIN>\"");
        if node.tag.is_none() {
            d = d.fix(vec![Edit {
                path: vec!["trakt".into(), "pin".into()],
                value: NewValue::Typed(Value::Str(value.to_string())),
            }]);
        }
        self.push(d, Some("/pin".into()));
    }

    /// No tokens: Kometa exchanges a PIN if there is one, else prompts.
    pub(super) fn not_authorized(&mut self, block: &'d Node<'a>, at: std::ops::Range<usize>) {
        let pin = self.get(block, "pin").map(|e| self.value(e));
        let has_pin = self.options.kometa.reads_pin()
            && pin.is_some_and(|p| matches!(&p.kind, Kind::Scalar { value, style }
                if matches!(resolve(value, *style, p.tag.as_deref()), Resolved::Str(s) if !s.is_empty())));
        let d = if has_pin {
            Diagnostic::new(
                Rule::NotAuthorized,
                at,
                "`trakt` holds no tokens yet: Kometa will exchange the PIN on its next run",
            )
            .severity(Severity::Warning)
            .hint("or exchange it now: `kometa-trakt auth` (a PIN works once)")
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
