//! `status [FILE]`: what the trakt block says about the authorization,
//! and with `--online` which Trakt account the token belongs to.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::renew::advice;
use super::{Context, Exit, Failure, NetArgs, config_file, emit, load, refused};
use crate::document::{Document, Parse};
use crate::kometa::TraktBlock;
use crate::kometa::block::resolve;
use crate::kometa::mask::mask;
use crate::kometa::secrets::Secrets;
use crate::persist::recovery;
use crate::terminal::printable;
use crate::time::{self, relative, span, utc};
use crate::trakt::{self, Client, Endpoints};

/// The output formats of `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

/// Show the authorization state: token type, created, expires, renewal due.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The config file [default: $KOMETA_CONFIG, else config/config.yml].
    pub(crate) file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// Also ask Trakt which account the token belongs to (GET /users/settings).
    #[arg(long)]
    pub(crate) online: bool,
    #[command(flatten)]
    pub(crate) net: NetArgs,
}

/// Prints the authorization state of the file, as text or JSON; with
/// `--online`, also the account the token belongs to.
pub(crate) fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<Exit, Failure> {
    let file = config_file(args.file.clone());
    let file = file.as_path();
    let now = time::now();
    let loaded = load(file)?;
    let doc = Document::parse_with(&loaded.text, Parse::full().root_keys(&["trakt"]))
        .map_err(|e| refused(file, e.into()))?;
    let block = TraktBlock::read(&doc);
    let name = file.display().to_string();
    let account = match (args.online, &block) {
        (true, Some(block)) => Some(account(
            block,
            &name,
            &ctx.secrets(file),
            args.net.endpoints(),
        )?),
        _ => None,
    };
    let refresh_token = block.as_ref().and_then(|b| b.refresh_token.as_deref());
    let unapplied = recovery::unapplied(&loaded.target, refresh_token);
    let backup = recovery::backups(&loaded.target).into_iter().next();
    let json_format = args.format == Format::Json;
    let mut rendered = match (json_format, &block) {
        (true, _) => as_json(
            &name,
            block.as_ref(),
            now,
            account.as_deref(),
            unapplied.as_deref(),
            backup.as_deref(),
        ),
        (false, None) => format!("{name}: no trakt block\n"),
        (false, Some(block)) => as_text(&name, block, now, account.as_deref()),
    };
    if let (false, Some(path)) = (json_format, &unapplied) {
        rendered.push_str(&format!("  recovery:    {}\n", advice(&name, path)));
    }
    if let (false, Some(path)) = (json_format, &backup) {
        rendered.push_str(&format!(
            "  backup:      {} (left by an interrupted write; the config parses, so it is likely stale: remove it once you have checked)\n",
            path.display()
        ));
    }
    // Values from the file (and the account name from Trakt) may hold what
    // a terminal would act on; JSON escapes control characters itself.
    let rendered = if json_format {
        rendered
    } else {
        printable(&rendered).into_owned()
    };
    emit(out, &rendered)?;
    Ok(Exit::Ok)
}

fn authorized(block: &TraktBlock) -> bool {
    block.access_token.is_some() && block.refresh_token.is_some()
}

/// The Trakt user the access token belongs to.
fn account(
    block: &TraktBlock,
    name: &str,
    secrets: &Secrets,
    endpoints: Endpoints,
) -> Result<String, Failure> {
    let resolved = |value: Option<&str>, key: &str| {
        resolve(value, key, secrets).map_err(|e| Failure::usage(format!("{name}: {e}")))
    };
    let token = resolved(block.access_token.as_deref(), "authorization.access_token")?
        .ok_or_else(|| Failure::dead(format!("{name}: not authorized yet")))?;
    let id = resolved(block.client_id.as_deref(), "client_id")?.unwrap_or_default();
    trakt::go_online();
    let client = Client::new(endpoints, &id, None)?;
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
    backup: Option<&Path>,
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
        "backup": backup.map(|p| p.display().to_string()),
    });
    format!("{doc:#}\n")
}
