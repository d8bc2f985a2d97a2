//! `status [FILE]`: what the trakt block says about the authorization,
//! and with `--online` which Trakt account the token belongs to.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use crate::document::Document;
use crate::error::{Exit, Failure};
use crate::kometa::{TraktBlock, resolve};
use crate::recovery;
use crate::report::mask::mask;
use crate::time::{relative, span, utc};
use crate::trakt::{Client, Endpoints};

/// Prints the authorization state of `file`, as text or JSON; with
/// `online`, also the account the token belongs to.
pub fn run(
    file: &Path,
    json_format: bool,
    now: i64,
    online: Option<Endpoints>,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let loaded = super::load(file)?;
    let doc = Document::parse_root_keys(&loaded.text, &["trakt"])
        .map_err(|e| super::refused(file, e.into()))?;
    let block = TraktBlock::read(&doc);
    let name = file.display().to_string();
    let account = match (&online, &block) {
        (Some(endpoints), Some(block)) => Some(account(block, &name, endpoints.clone())?),
        _ => None,
    };
    let refresh_token = block.as_ref().and_then(|b| b.refresh_token.as_deref());
    let unapplied = recovery::unapplied(&loaded.target, refresh_token);
    let mut rendered = match (json_format, &block) {
        (true, _) => as_json(
            &name,
            block.as_ref(),
            now,
            account.as_deref(),
            unapplied.as_deref(),
        ),
        (false, None) => format!("{name}: no trakt block\n"),
        (false, Some(block)) => as_text(&name, block, now, account.as_deref()),
    };
    if let (false, Some(path)) = (json_format, &unapplied) {
        rendered.push_str(&format!(
            "  recovery:    {}\n",
            recovery::advice(&name, path)
        ));
    }
    out.write_all(rendered.as_bytes())
        .map_err(|e| Failure::usage(format!("cannot write output: {e}")))?;
    Ok(Exit::Ok)
}

fn authorized(block: &TraktBlock) -> bool {
    block.access_token.is_some() && block.refresh_token.is_some()
}

/// The Trakt user the access token belongs to.
fn account(block: &TraktBlock, name: &str, endpoints: Endpoints) -> Result<String, Failure> {
    let token = block.access_token.as_deref().ok_or_else(|| Failure {
        exit: Exit::Dead,
        message: format!("{name}: not authorized yet"),
    })?;
    let resolved = |value: &str, key: &str| {
        resolve(value, key).map_err(|e| Failure::usage(format!("{name}: {e}")))
    };
    let id = resolved(block.client_id.as_deref().unwrap_or_default(), "client_id")?;
    let token = resolved(token, "authorization.access_token")?;
    let client = Client::new(endpoints, &id, "")?;
    Ok(client.settings(&token)?.username)
}

fn as_text(name: &str, block: &TraktBlock, now: i64, account: Option<&str>) -> String {
    let mut lines = vec![format!(
        "{name}: {}",
        if authorized(block) {
            "authorized"
        } else {
            "not authorized"
        }
    )];
    let row = |label: &str, value: String| format!("  {label:<12} {value}");
    if let Some(t) = &block.token_type {
        lines.push(row("token type:", t.clone()));
    }
    if let Some(life) = block.lifetime() {
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
        let due = if !authorized(block) {
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
        block
            .client_id
            .as_deref()
            .map_or_else(|| "(none)".to_string(), mask),
    ));
    if let Some(user) = account {
        lines.push(row("account:", user.to_string()));
    }
    lines.join("\n") + "\n"
}

fn as_json(
    name: &str,
    block: Option<&TraktBlock>,
    now: i64,
    account: Option<&str>,
    unapplied: Option<&Path>,
) -> String {
    let life = block.and_then(TraktBlock::lifetime).map(|life| {
        json!({
            "created_at": life.created_at,
            "expires_at": life.expires_at(),
            "expires_in": life.expires_in,
            "remaining": life.remaining(now),
            "expired": life.remaining(now) <= 0,
            "renewal_due": block.is_some_and(authorized) && life.renewal_due(now),
        })
    });
    let doc = json!({
        "path": name,
        "trakt": block.is_some(),
        "authorized": block.is_some_and(authorized),
        "token_type": block.and_then(|b| b.token_type.clone()),
        "token": life,
        "client_id": block.and_then(|b| b.client_id.as_deref().map(mask)),
        "account": account,
        "recovery": unapplied.map(|p| p.display().to_string()),
    });
    format!("{doc:#}\n")
}
