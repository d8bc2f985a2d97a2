//! The application's credentials: `client_id` and `client_secret`.

use super::Rules;
use super::values::redacted;
use crate::check::diagnostic::{Diagnostic, Severity};
use crate::check::rule::Rule;
use crate::document::{Entry, Node};
use crate::kometa::Version;
use crate::kometa::is_template;
use crate::kometa::load::{Loaded, load};
use crate::kometa::placeholder::{self};
use crate::kometa::run::refused;
use crate::links::{APP_PAGE, UTILITIES};

/// What a Trakt credential looks like: 64 hex characters for most apps,
/// base64url for apps of Trakt's newer developer portal.
fn well_formed(text: &str) -> bool {
    (20..=128).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What is wrong with a credential that is not well formed, in words.
fn flaw(text: &str) -> &'static str {
    if text.contains(['\n', '\r']) {
        "holds a line break"
    } else if text.contains(char::is_whitespace) {
        "holds a space"
    } else if text.contains(['"', '\'']) {
        "holds a quote"
    } else {
        "is not the form of a Trakt credential (20 to 128 letters, digits, `-` or `_`; 64 hex characters for most apps)"
    }
}

impl<'d, 'a> Rules<'d, 'a> {
    /// A client id or secret that cannot be one: whitespace, a line break,
    /// quotes, or not the form of a Trakt credential.
    pub(super) fn credential_format(&mut self, e: &'d Entry<'a>, key: &str) {
        let node = self.value(e);
        let Some(text) = node.scalar().filter(|_| !node.is_null()) else {
            return;
        };
        // What Kometa cannot use at all is the model's (reading.rs): a value
        // that is not a string as ruamel loads it, whitespace, leftovers.
        let string = matches!(load(self.doc, node), Ok(Loaded::Str(_)));
        let skipped = !string
            || text.is_empty()
            || placeholder::contains(text)
            || is_template(text)
            || redacted(node)
            || refused(text).is_some()
            || node.tag.is_some();
        if !well_formed(text) && !skipped {
            self.push(
                Diagnostic::new(
                    Rule::CredentialFormat,
                    node.prop_start..node.end,
                    format!("`trakt.{key}` {}", flaw(text)),
                )
                .hint(format!("copy it again from {APP_PAGE}")),
                None,
            );
        }
    }

    /// Kometa after August 2026: `client_secret` is optional (Trakt made it
    /// so), and a blank `client_id` makes Kometa fetch a public one (public
    /// features only), which tokens here do not belong to.
    pub(super) fn blank_credentials(&mut self, trakt: &Entry<'_>, block: &'d Node<'a>) {
        if self.options.kometa != Version::Latest {
            return;
        }
        if self.empty(self.get(block, "client_secret")) {
            self.silence("/client_secret");
        }
        let id = self.get(block, "client_id");
        if !self.empty(id) {
            return;
        }
        let auth = self.get(block, "authorization").map(|e| self.value(e));
        let tokens = auth.is_some_and(|a| {
            ["access_token", "refresh_token"]
                .iter()
                .any(|k| !self.empty(self.get(a, k)))
        });
        let at = id.map_or(&trakt.key, |e| &e.key);
        let d = Diagnostic::new(
            Rule::MissingCredential,
            at.start..at.end,
            if tokens {
                "`trakt.client_id` is blank but the block holds tokens: Kometa (after August 2026) uses a public client id from Kometa Utilities, which these tokens do not belong to"
            } else {
                "`trakt.client_id` is blank: Kometa (after August 2026) uses a public client id from Kometa Utilities, for public Trakt features only"
            },
        )
        .severity(if tokens {
            Severity::Warning
        } else {
            Severity::Note
        })
        .hint(format!(
            "for your lists and ratings, authorize with an app: Kometa's on the Kometa Utilities page ({UTILITIES}), or yours from {APP_PAGE}"
        ));
        self.push(d, Some("/client_id".into()));
    }
}
