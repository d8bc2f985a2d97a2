//! One module per command, each with its clap arguments beside the code
//! that runs them. Library errors become an exit code and a message here,
//! and only here; `main` prints the message.

pub(crate) mod auth;
pub(crate) mod check;
pub(crate) mod cli;
pub(crate) mod completions;
pub(crate) mod get;
mod paste;
pub(crate) mod renew;
pub(crate) mod restore;
pub(crate) mod set;
pub(crate) mod status;
pub(crate) mod tokens;
mod values;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::document::{Document, EditError};
use crate::kometa::Version;
use crate::kometa::secrets::{Environment, Secrets, Sources};
use crate::persist::{self, Loaded, SaveError, Wait};
use crate::trakt::{Class, Endpoints, TraktError};

/// Exit codes, as documented in the README and `--help` (`cli.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Success; nothing wrong or nothing to do.
    Ok,
    /// Findings, or with `--check`: a change would be made.
    Findings,
    /// Cannot run: bad arguments, unreadable or unparseable file,
    /// unwritable file. Nothing was spent.
    Usage,
    /// The Trakt authorization is dead: authorize again.
    Dead,
    /// A temporary failure (network, rate limit, Trakt 5xx): retry later;
    /// nothing was spent.
    Temporary,
    /// A request that spends a token or code may have reached Trakt and
    /// got no answer: it may be spent.
    MaybeSpent,
    /// Stopped by this signal, once what a spent request returned was
    /// saved.
    Stopped(i32),
}

impl Exit {
    /// The process's exit status.
    pub(crate) fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Findings => 1,
            Exit::Usage => 2,
            Exit::Dead => 3,
            Exit::Temporary => 4,
            Exit::MaybeSpent => 5,
            Exit::Stopped(sig) => u8::try_from(128 + sig).unwrap_or(u8::MAX),
        }
    }
}

/// A failed command: its exit code and what to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) exit: Exit,
    pub(crate) message: String,
}

impl Failure {
    /// The command could not run (exit 2).
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Failure {
            exit: Exit::Usage,
            message: message.into(),
        }
    }

    /// The authorization is dead (exit 3).
    pub(crate) fn dead(message: impl Into<String>) -> Self {
        Failure {
            exit: Exit::Dead,
            message: message.into(),
        }
    }

    /// The same failure about `name`.
    pub(crate) fn about(mut self, name: &str) -> Self {
        self.message = format!("{name}: {}", self.message);
        self
    }
}

impl From<TraktError> for Failure {
    fn from(e: TraktError) -> Self {
        let exit = match e.class {
            Class::Usage => Exit::Usage,
            Class::Dead => Exit::Dead,
            Class::Temporary => Exit::Temporary,
            Class::MaybeSpent => Exit::MaybeSpent,
        };
        Failure {
            exit,
            message: e.message,
        }
    }
}

/// What every command gets besides its own arguments.
pub(crate) struct Context {
    /// Colour the output.
    pub(crate) color: bool,
    /// Kometa's secret arguments (`--kometa-x VALUE`) given on our command
    /// line, to resolve placeholders as Kometa would.
    pub(crate) secret_args: Vec<(String, String)>,
    /// A last `--kometa-x` argument with no value after it (Kometa's start
    /// crashes on it).
    pub(crate) dangling_arg: Option<String>,
    /// How long a writer waits for the lock.
    pub(crate) lock_timeout: Duration,
    /// The Kometa that reads the config.
    pub(crate) kometa: Version,
}

impl Context {
    /// How writers wait for the lock: at most `--lock-timeout`, saying so
    /// on stderr once the wait passes a second.
    pub(crate) fn wait(&self) -> Wait<'static> {
        Wait {
            timeout: self.lock_timeout,
            notice: &|text| eprintln!("kometa-trakt: {text}"),
        }
    }

    /// Kometa's secrets for the config `file`: our secret arguments, the
    /// environment, and a `.env` beside the config when it can be trusted.
    pub(crate) fn secrets(&self, file: &Path) -> Secrets {
        let dotenv = file.parent().map(|dir| dir.join(".env"));
        let text = dotenv.as_deref().and_then(|path| {
            persist::file::read_trusted(path)
                .map_err(|e| eprintln!("kometa-trakt: {} is not used: {e}", path.display()))
                .ok()
                .flatten()
        });
        Secrets::from_process(&self.secret_args, text.as_deref())
    }

    /// Kometa's secrets as `check` judges them for the config `file`: our
    /// secret arguments, the environment, and the `.env` Kometa loads, which
    /// is `config/.env` beside kometa.py (kometa.py:81-82): `config/.env`
    /// under the working directory (Kometa's own folder, `/` in Docker),
    /// and the `.env` beside the config when its folder is named `config`
    /// (Docker's `/config`). A `.env` beside a config elsewhere, or in the
    /// working directory, is not Kometa's: a secret only there is known
    /// not to reach Kometa.
    pub(crate) fn kometa_environment(&self, file: &Path) -> Environment {
        let read = |path: &Path| {
            persist::file::read_trusted(path)
                .map_err(|e| eprintln!("kometa-trakt: {} is not used: {e}", path.display()))
                .ok()
                .flatten()
        };
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let dir = absolute(file).parent().map(Path::to_path_buf);
        let own = PathBuf::from("config").join(".env");
        let beside = dir.as_ref().map(|d| d.join(".env"));
        let named_config = dir
            .as_ref()
            .and_then(|d| d.file_name())
            .is_some_and(|n| n == "config");
        let kometa = if named_config {
            beside.as_deref().and_then(read).or_else(|| read(&own))
        } else {
            read(&own)
        };
        let mut others = Vec::new();
        let mut decoys: Vec<PathBuf> = vec![PathBuf::from(".env")];
        if !named_config && let Some(b) = &beside {
            decoys.push(b.clone());
        }
        for path in decoys {
            if absolute(&path) == absolute(&own) {
                continue;
            }
            // Only to say that a secret there does not reach Kometa: an
            // unreadable one is passed over in silence.
            if let Ok(Some(text)) = persist::file::read_trusted(&path) {
                others.push((path.display().to_string(), text));
            }
        }
        let vars: Vec<(String, String)> = std::env::vars().collect();
        Environment::new(Sources {
            args: &self.secret_args,
            dangling: self.dangling_arg.as_deref(),
            vars: &vars,
            dotenv: kometa.as_deref(),
            other_dotenvs: &others,
        })
    }
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    /// Whether to colour: `auto` means on a terminal, unless `NO_COLOR`.
    pub(crate) fn enabled(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && io::stdout().is_terminal()
            }
        }
    }
}

/// Writes `text` to the output. A closed pipe (`| head`) is not an error;
/// any other failure is, in one wording.
pub(crate) fn emit(out: &mut dyn Write, text: &str) -> Result<(), Failure> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Failure::usage(format!(
            "cannot write output: {}",
            persist::describe(&e)
        ))),
        _ => Ok(()),
    }
}

/// The config file: the one given, else `$KOMETA_CONFIG`, else
/// `config/config.yml` (Kometa's own default).
pub(crate) fn config_file(given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| {
        std::env::var_os("KOMETA_CONFIG")
            .filter(|v| !v.is_empty())
            .map_or_else(|| PathBuf::from("config/config.yml"), PathBuf::from)
    })
}

/// `--dry-run`, `--diff` and `--check`, for every command that edits.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub(crate) struct EditArgs {
    /// Print the diff of what would change (secrets masked); write nothing,
    /// call no endpoint that spends a token.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Print the diff of what was written.
    #[arg(long)]
    pub(crate) diff: bool,
    /// Write nothing; exit 1 if the file would change.
    #[arg(long)]
    pub(crate) check: bool,
}

impl EditArgs {
    /// Whether nothing may be written or spent.
    pub(crate) fn preview(self) -> bool {
        self.dry_run || self.check
    }
}

/// Where Trakt is and how long to wait for it.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct NetArgs {
    /// The API base URL.
    #[arg(
        long,
        env = "TRAKT_API_URL",
        hide_env_values = true,
        default_value = "https://api.trakt.tv"
    )]
    pub(crate) api_url: String,
    /// The OAuth base URL.
    #[arg(
        long,
        env = "TRAKT_AUTH_URL",
        hide_env_values = true,
        default_value = "https://auth.trakt.tv"
    )]
    pub(crate) auth_url: String,
    /// The redirect URI registered with the Trakt application.
    #[arg(long, default_value = "urn:ietf:wg:oauth:2.0:oob")]
    pub(crate) redirect_uri: String,
    /// Seconds to wait for a whole request.
    #[arg(long, default_value_t = 30)]
    pub(crate) timeout: u64,
    /// Seconds to wait for a connection.
    #[arg(long, default_value_t = 10)]
    pub(crate) connect_timeout: u64,
}

impl NetArgs {
    /// The endpoints these arguments name.
    pub(crate) fn endpoints(&self) -> Endpoints {
        Endpoints {
            api_url: self.api_url.clone(),
            auth_url: self.auth_url.clone(),
            redirect_uri: self.redirect_uri.clone(),
            timeout: Duration::from_secs(self.timeout),
            connect_timeout: Duration::from_secs(self.connect_timeout),
        }
    }
}

/// Reads a config, with a message naming the file.
pub(crate) fn load(file: &Path) -> Result<Loaded, Failure> {
    persist::read(file).map_err(|e| Failure::usage(format!("{}: cannot read: {e}", file.display())))
}

/// Parses a config's text, with a message naming the file.
pub(crate) fn parse<'a>(file: &Path, text: &'a str) -> Result<Document<'a>, Failure> {
    Document::parse(text).map_err(|e| refused(file, e.into()))
}

/// For a config that no longer parses: the backup an interrupted in-place
/// write left of it, and how to put it back.
pub(crate) fn torn(file: &Path) -> Option<String> {
    let target = std::fs::canonicalize(file).ok()?;
    let backup = persist::recovery::backups(&target).into_iter().next()?;
    Some(format!(
        "an interrupted kometa-trakt write left a backup of this file: {}; if the file was whole before, put it back with `cp {} {}`",
        backup.display(),
        backup.display(),
        file.display()
    ))
}

/// A refusal from the document layer, prefixed with the file name.
pub(crate) fn refused(file: &Path, e: EditError) -> Failure {
    let mut failure = refused_in(&file.display().to_string(), &e);
    if matches!(e, EditError::Syntax { .. })
        && let Some(note) = torn(file)
    {
        failure.message.push_str(&format!("\n  {note}"));
    }
    failure
}

/// A refusal from the document layer about the text `name` names, with
/// its position there.
pub(crate) fn refused_in(name: &str, e: &EditError) -> Failure {
    Failure::usage(match e.pos() {
        Some(pos) => format!("{name}:{pos}: {}", e.message()),
        None => format!("{name}: {}", e.message()),
    })
}

/// A failure to save, prefixed with the file name.
/// A save of the file `name` that failed: the message adds that the file
/// is unchanged when it is (not after a read failed, which says so, nor
/// when a write replaced it, which says what became of it).
pub(crate) fn unchanged(name: &str, e: SaveError) -> Failure {
    let message = match e {
        SaveError::Read(_) => e.to_string(),
        _ if !e.left_unchanged() => e.to_string(),
        _ => format!("{e}; the file is unchanged"),
    };
    Failure::usage(format!("{name}: {message}"))
}

pub(crate) fn unsaved(file: &Path, e: SaveError) -> Failure {
    Failure::usage(e.to_string()).about(&file.display().to_string())
}
