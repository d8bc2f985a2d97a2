//! `status [FILE]`: what the trakt block says about the authorization,
//! offline.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use crate::document::Document;
use crate::document::path::{Walk, walk};
use crate::document::scalar::{Resolved, resolve};
use crate::document::{Kind, Node};
use crate::error::{Exit, Failure};
use crate::report::mask::mask;
use crate::time::{relative, span, utc};
use crate::token::Lifetime;

/// The authorization as the file records it.
#[derive(Debug, Default)]
struct Status {
    has_trakt: bool,
    authorized: bool,
    token_type: Option<String>,
    client_id: Option<String>,
    life: Option<Lifetime>,
}

/// Prints the authorization state of `file`, as text or JSON.
pub fn run(file: &Path, json_format: bool, now: i64, out: &mut dyn Write) -> Result<Exit, Failure> {
    let loaded = super::load(file)?;
    let doc = Document::parse_root_keys(&loaded.text, &["trakt"])
        .map_err(|e| super::refused(file, e.into()))?;
    let status = read(&doc).map_err(|e| super::refused(file, e))?;
    let name = file.display().to_string();
    let rendered = if json_format {
        as_json(&name, &status, now)
    } else {
        as_text(&name, &status, now)
    };
    out.write_all(rendered.as_bytes())
        .map_err(|e| Failure::usage(format!("cannot write output: {e}")))?;
    Ok(Exit::Ok)
}

fn read(doc: &Document<'_>) -> Result<Status, crate::document::EditError> {
    let at = |key: &str| -> Result<Option<&Node<'_>>, crate::document::EditError> {
        let path: Vec<String> = key.split('.').map(str::to_string).collect();
        Ok(match walk(doc, &path)? {
            Walk::Found { node, .. } if !node.is_null() => Some(node),
            _ => None,
        })
    };
    let text = |node: Option<&Node<'_>>| {
        node.and_then(Node::scalar)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let number = |node: Option<&Node<'_>>| match node.map(|n| &n.kind) {
        Some(Kind::Scalar { value, style }) => match resolve(value, *style, None) {
            Resolved::Int(i) => i64::try_from(i).ok(),
            Resolved::Str(s) => s.parse().ok(),
            _ => None,
        },
        _ => None,
    };
    let has_trakt = matches!(at("trakt")?.map(|n| &n.kind), Some(Kind::Mapping { .. }));
    if !has_trakt {
        return Ok(Status::default());
    }
    let auth = matches!(
        at("trakt.authorization")?.map(|n| &n.kind),
        Some(Kind::Mapping { .. })
    );
    let token = |key: &str| {
        if auth {
            at(&format!("trakt.authorization.{key}"))
        } else {
            Ok(None)
        }
    };
    let created = number(token("created_at")?);
    let expires = number(token("expires_in")?);
    Ok(Status {
        has_trakt,
        authorized: text(token("access_token")?).is_some()
            && text(token("refresh_token")?).is_some(),
        token_type: text(token("token_type")?),
        client_id: text(at("trakt.client_id")?),
        life: created
            .zip(expires)
            .map(|(created_at, expires_in)| Lifetime {
                created_at,
                expires_in,
            }),
    })
}

fn as_text(name: &str, s: &Status, now: i64) -> String {
    if !s.has_trakt {
        return format!("{name}: no trakt block\n");
    }
    let mut lines = vec![format!(
        "{name}: {}",
        if s.authorized {
            "authorized"
        } else {
            "not authorized"
        }
    )];
    let row = |label: &str, value: String| format!("  {label:<12} {value}");
    if let Some(t) = &s.token_type {
        lines.push(row("token type:", t.clone()));
    }
    if let Some(life) = s.life {
        lines.push(row(
            "created:",
            format!(
                "{} ({})",
                utc(life.created_at),
                relative(life.created_at - now)
            ),
        ));
        let remaining = life.remaining(now);
        let state = if remaining <= 0 {
            format!("expired {}", relative(remaining))
        } else {
            relative(remaining)
        };
        lines.push(row(
            "expires:",
            format!("{} ({state})", utc(life.expires_at())),
        ));
        lines.push(row("lifetime:", span(life.expires_in)));
        let due = if !s.authorized {
            "no (not authorized)".to_string()
        } else if remaining <= 0 {
            "yes (expired)".to_string()
        } else if life.renewal_due(now) {
            "yes (less than a quarter of the lifetime left)".to_string()
        } else {
            format!(
                "no (due {})",
                relative(life.expires_at() - life.expires_in / 4 - now)
            )
        };
        lines.push(row("renewal due:", due));
    }
    lines.push(row(
        "client id:",
        s.client_id
            .as_deref()
            .map_or_else(|| "(none)".to_string(), mask),
    ));
    lines.join("\n") + "\n"
}

fn as_json(name: &str, s: &Status, now: i64) -> String {
    let life = s.life.map(|life| {
        json!({
            "created_at": life.created_at,
            "expires_at": life.expires_at(),
            "expires_in": life.expires_in,
            "remaining": life.remaining(now),
            "expired": life.remaining(now) <= 0,
            "renewal_due": s.authorized && life.renewal_due(now),
        })
    });
    let doc = json!({
        "path": name,
        "trakt": s.has_trakt,
        "authorized": s.authorized,
        "token_type": s.token_type,
        "token": life,
        "client_id": s.client_id.as_deref().map(mask),
    });
    format!("{doc:#}\n")
}
