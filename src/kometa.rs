//! What kometa-trakt knows of a Kometa config's trakt block.

use crate::document::ValueType;

/// The keys of the trakt block.
pub const TRAKT_KEYS: &[&str] = &[
    "client_id",
    "client_secret",
    "pin",
    "force_refresh",
    "authorization",
];

/// The six keys of an authorization, in Kometa's order.
pub const AUTH_KEYS: &[&str] = &[
    "access_token",
    "token_type",
    "expires_in",
    "refresh_token",
    "scope",
    "created_at",
];

/// The type Kometa expects at a path of the trakt block, if it is one.
pub fn value_type(path: &[String]) -> Option<ValueType> {
    let keys: Vec<&str> = path.iter().map(String::as_str).collect();
    match keys.as_slice() {
        ["trakt", "client_id" | "client_secret" | "pin"] => Some(ValueType::Str),
        ["trakt", "force_refresh"] => Some(ValueType::Bool),
        [
            "trakt",
            "authorization",
            "access_token" | "refresh_token" | "token_type" | "scope",
        ] => Some(ValueType::Str),
        ["trakt", "authorization", "expires_in" | "created_at"] => Some(ValueType::Int),
        _ => None,
    }
}

/// The name inside a Kometa placeholder `<<name>>`.
pub fn placeholder_name(value: &str) -> Option<&str> {
    value
        .strip_prefix("<<")?
        .strip_suffix(">>")
        .filter(|n| !n.is_empty())
}

/// Resolves a `<<name>>` placeholder the way Kometa does, from
/// `KOMETA_<NAME>` (or the legacy `PMM_<NAME>`): `KOMETA_MY_SECRET` matches
/// `<<MY_SECRET>>` and `<<my-secret>>`, not `<<my_secret>>`. Other values
/// are returned as they are.
pub fn resolve(value: &str, key: &str) -> Result<String, String> {
    let Some(name) = placeholder_name(value) else {
        return Ok(value.to_string());
    };
    for prefix in ["KOMETA_", "PMM_"] {
        for (var, val) in std::env::vars() {
            let Some(rest) = var.strip_prefix(prefix) else {
                continue;
            };
            if rest == name || rest.to_lowercase().replace('_', "-") == name {
                return Ok(val);
            }
        }
    }
    let suggested = name.to_uppercase().replace('-', "_");
    Err(format!(
        "`trakt.{key}` is the placeholder <<{name}>>, and no KOMETA_{suggested} is set: export it as Kometa expects"
    ))
}

/// The values of a trakt block as text (`None` for absent or null).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TraktBlock {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub pin: Option<String>,
    /// Whether the file has a `pin:` key at all.
    pub has_pin: bool,
    pub access_token: Option<String>,
    pub token_type: Option<String>,
    pub expires_in: Option<String>,
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
    pub created_at: Option<String>,
}

impl TraktBlock {
    /// Reads the block of `doc`; `None` when the file has no trakt mapping.
    pub fn read(doc: &crate::document::Document<'_>) -> Option<TraktBlock> {
        use crate::document::Node;
        let root = doc.roots.first()?;
        let text = |node: Option<&Node<'_>>| {
            node.filter(|n| !n.is_null())
                .and_then(Node::scalar)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let trakt = find(root, "trakt")?;
        trakt.entries()?;
        let auth = find(trakt, "authorization");
        let auth_value = |key: &str| text(auth.and_then(|a| find(a, key)));
        let pin = find(trakt, "pin");
        Some(TraktBlock {
            client_id: text(find(trakt, "client_id")),
            client_secret: text(find(trakt, "client_secret")),
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

    /// A Trakt client with this block's credentials, placeholders resolved.
    pub fn client(
        &self,
        name: &str,
        endpoints: crate::trakt::Endpoints,
    ) -> Result<crate::trakt::Client, crate::error::Failure> {
        use crate::error::Failure;
        let resolved = |value: &Option<String>, key: &str| {
            resolve(value.as_deref().unwrap_or_default(), key)
                .map_err(|e| Failure::usage(format!("{name}: {e}")))
        };
        let (id, secret) = (
            resolved(&self.client_id, "client_id")?,
            resolved(&self.client_secret, "client_secret")?,
        );
        if id.is_empty() || secret.is_empty() {
            return Err(Failure::usage(format!(
                "{name}: `trakt.client_id` and `trakt.client_secret` are needed: create an application at https://trakt.tv/oauth/applications"
            )));
        }
        Ok(crate::trakt::Client::new(endpoints, &id, &secret)?)
    }

    /// The token's lifetime, when both numbers are there.
    pub fn lifetime(&self) -> Option<crate::token::Lifetime> {
        let created_at = self.created_at.as_deref()?.parse().ok()?;
        let expires_in = self.expires_in.as_deref()?.parse().ok()?;
        Some(crate::token::Lifetime {
            created_at,
            expires_in,
        })
    }
}

/// The value of `key` in a mapping node.
pub fn find<'d, 'a>(
    node: &'d crate::document::Node<'a>,
    key: &str,
) -> Option<&'d crate::document::Node<'a>> {
    node.entries()?
        .iter()
        .find(|e| e.key.scalar() == Some(key))
        .map(|e| &e.value)
}
