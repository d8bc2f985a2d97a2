//! The application's credentials: `client_id` and `client_secret`.

use super::Rules;
use super::values::redacted;
use crate::check::diagnostic::Diagnostic;
use crate::check::rule::Rule;
use crate::document::scalar::{Resolved, resolve};
use crate::document::{Entry, Kind};
use crate::kometa::is_template;
use crate::kometa::placeholder::{self};
use crate::links::APP_PAGE;

impl<'d, 'a> Rules<'d, 'a> {
    /// Trakt client ids and secrets are 64 hex characters.
    pub(super) fn credential_format(&mut self, e: &'d Entry<'a>, key: &str) {
        let node = self.value(e);
        let Some(text) = node.scalar().filter(|_| !node.is_null()) else {
            return;
        };
        let hex64 = text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit());
        let string = matches!(&node.kind, Kind::Scalar { value, style }
            if matches!(resolve(value, *style, node.tag.as_deref()), Resolved::Str(_)));
        let skipped = !string
            || text.is_empty()
            || placeholder::contains(text)
            || is_template(text)
            || redacted(node)
            || node.tag.is_some();
        if !hex64 && !skipped {
            self.push(
                Diagnostic::new(
                    Rule::CredentialFormat,
                    node.prop_start..node.end,
                    format!(
                        "`trakt.{key}` is not 64 hex characters, the form of Trakt credentials"
                    ),
                )
                .hint(format!("copy it again from {APP_PAGE}")),
                None,
            );
        }
    }
}
