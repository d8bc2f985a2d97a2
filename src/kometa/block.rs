//! The trakt block's values read from a document, and the application's
//! credentials as Kometa resolves them.

use super::placeholder;
use super::secrets::{Resolved, Secrets};
use crate::authorization::Lifetime;
use crate::document::{Document, Node};
use crate::links::{APP_PAGE, UTILITIES};

/// The values of a trakt block as text (`None` for absent, null or empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TraktBlock {
    pub(crate) client_id: Option<String>,
    pub(crate) client_secret: Option<String>,
    pub(crate) pin: Option<String>,
    /// Whether the file has a `pin:` key at all.
    pub(crate) has_pin: bool,
    pub(crate) access_token: Option<String>,
    pub(crate) token_type: Option<String>,
    pub(crate) expires_in: Option<String>,
    pub(crate) refresh_token: Option<String>,
    pub(crate) scope: Option<String>,
    pub(crate) created_at: Option<String>,
}

/// A Trakt application's credentials, placeholders resolved. Apps made
/// since late 2026 may have no secret: Trakt made it optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Credentials {
    pub(crate) client_id: String,
    pub(crate) client_secret: Option<String>,
}

/// Why a value could not be resolved the way Kometa would.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ResolveError {
    #[error(
        "`trakt.{key}` is the placeholder <<{name}>>, which Kometa can never resolve: write <<{spelling}>> and set {variable}"
    )]
    Unresolvable {
        key: String,
        name: String,
        spelling: String,
        variable: String,
    },
    #[error(
        "`trakt.{key}` is the placeholder <<{name}>>, and {variable} is not set: set it as for Kometa (or in a .env file beside the config)"
    )]
    Unset {
        key: String,
        name: String,
        variable: String,
    },
    #[error(
        "`trakt.client_id` is needed: create an application at {APP_PAGE}, or authorize with Kometa's app on the Kometa Utilities page ({UTILITIES})"
    )]
    MissingCredentials,
}

impl TraktBlock {
    /// Reads the block of `doc`; `None` when the file has no trakt mapping.
    pub(crate) fn read(doc: &Document<'_>) -> Option<TraktBlock> {
        let root = doc.roots.first()?;
        let text = |node: Option<&Node<'_>>| {
            node.filter(|n| !n.is_null())
                .and_then(Node::scalar)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let trakt = find(doc, root, "trakt")?;
        trakt.entries()?;
        let auth = find(doc, trakt, "authorization");
        let auth_value = |key: &str| text(auth.and_then(|a| find(doc, a, key)));
        let pin = find(doc, trakt, "pin");
        Some(TraktBlock {
            client_id: text(find(doc, trakt, "client_id")),
            client_secret: text(find(doc, trakt, "client_secret")),
            has_pin: pin.is_some(),
            pin: text(pin),
            access_token: auth_value("access_token"),
            token_type: auth_value("token_type"),
            expires_in: auth_value("expires_in"),
            refresh_token: auth_value("refresh_token"),
            scope: auth_value("scope"),
            created_at: auth_value("created_at"),
        })
    }

    /// The application's credentials as Kometa would send them.
    pub(crate) fn credentials(&self, secrets: &Secrets) -> Result<Credentials, ResolveError> {
        let client_id = resolve(self.client_id.as_deref(), "client_id", secrets)?;
        let client_secret = resolve(self.client_secret.as_deref(), "client_secret", secrets)?;
        match client_id {
            Some(client_id) => Ok(Credentials {
                client_id,
                client_secret,
            }),
            None => Err(ResolveError::MissingCredentials),
        }
    }

    /// The text of `key`: a key of the block or of its authorization.
    pub(crate) fn value(&self, key: &str) -> Option<&str> {
        match key {
            "client_id" => self.client_id.as_deref(),
            "client_secret" => self.client_secret.as_deref(),
            "pin" => self.pin.as_deref(),
            "access_token" => self.access_token.as_deref(),
            "token_type" => self.token_type.as_deref(),
            "expires_in" => self.expires_in.as_deref(),
            "refresh_token" => self.refresh_token.as_deref(),
            "scope" => self.scope.as_deref(),
            "created_at" => self.created_at.as_deref(),
            _ => None,
        }
    }

    /// The token's lifetime, when both numbers are there.
    pub(crate) fn lifetime(&self) -> Option<Lifetime> {
        let created_at = self.created_at.as_deref()?.parse().ok()?;
        let expires_in = self.expires_in.as_deref()?.parse().ok()?;
        Some(Lifetime {
            created_at,
            expires_in,
        })
    }
}

/// The value at `key` of the trakt block as Kometa resolves it; `None` when
/// it is absent or empty. A placeholder that no secret fills is an error
/// that says which spelling and variable Kometa needs.
pub(crate) fn resolve(
    value: Option<&str>,
    key: &str,
    secrets: &Secrets,
) -> Result<Option<String>, ResolveError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let first = placeholder::placeholders(value).into_iter().next();
    match (secrets.resolve(value), first) {
        (Resolved::Replaced(v), _) => Ok(Some(v).filter(|v| !v.is_empty())),
        (_, Some(p)) if !placeholder::resolvable(p.name) => {
            let spelling = placeholder::resolvable_spelling(p.name);
            Err(ResolveError::Unresolvable {
                key: key.to_string(),
                name: p.name.to_string(),
                variable: placeholder::variable(&spelling),
                spelling,
            })
        }
        (_, Some(p)) => Err(ResolveError::Unset {
            key: key.to_string(),
            name: p.name.to_string(),
            variable: placeholder::variable(p.name),
        }),
        (_, None) => Ok(Some(value.to_string())),
    }
}

/// The value of `key` in a mapping node as YAML reads it (alias keys and
/// merge keys followed), aliases resolved.
pub(crate) fn find<'d, 'a>(
    doc: &'d Document<'a>,
    node: &'d Node<'a>,
    key: &str,
) -> Option<&'d Node<'a>> {
    doc.lookup(node, key).map(|found| doc.target(found.value()))
}
