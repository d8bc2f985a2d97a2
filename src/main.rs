//! The command line: argument definitions, dispatch, and exit codes.

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use std::time::Duration;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use kometa_trakt::check::Options;
use kometa_trakt::commands;
use kometa_trakt::commands::auth::Source;
use kometa_trakt::commands::check::{Format, Request};
use kometa_trakt::commands::set::Input;
use kometa_trakt::document::Value;
use kometa_trakt::error::{Exit, Failure};
use kometa_trakt::renew;
use kometa_trakt::time;
use kometa_trakt::trakt::Endpoints;

const EXIT_CODES: &str = "Exit codes:
  0  success; nothing wrong or nothing to do
  1  findings (check), or with --check: a change would be made; get: the path is not set
  2  cannot run: bad arguments, unreadable or unparseable file, refused or unwritable edit
  3  the Trakt authorization is dead: authorize again
  4  temporary failure (network, rate limit, Trakt 5xx): retry later; nothing was lost";

/// Validate, renew and edit the trakt block of a Kometa config.yml, changing
/// only the values that change.
#[derive(Parser)]
#[command(name = "kometa-trakt", bin_name = "kometa-trakt", version, after_help = EXIT_CODES)]
struct Cli {
    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Validate the trakt block of each file (offline): every finding with file:line:col.
    #[command(after_help = EXIT_CODES)]
    Check {
        /// Config files [default: $KOMETA_CONFIG, else config/config.yml].
        files: Vec<PathBuf>,
        /// Output format [default: github when GITHUB_ACTIONS=true, else text].
        #[arg(long, value_enum)]
        format: Option<CheckFormat>,
        /// Exit 1 on warnings too.
        #[arg(long)]
        strict: bool,
        /// A file without a trakt block is an error.
        #[arg(long)]
        require_trakt: bool,
        /// The access token must stay valid this long (30m, 12h, 2d, 1w): an error otherwise.
        #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
        require_valid_for: Option<i64>,
        /// Literal secrets and tokens are errors: the file must hold <<placeholders>>.
        #[arg(long)]
        no_plaintext_secrets: bool,
        /// Also validate the whole document against this JSON Schema (draft-04 to 2020-12).
        #[arg(long, value_name = "FILE")]
        schema: Option<PathBuf>,
    },
    /// Show the authorization state: token type, created, expires, renewal due.
    #[command(after_help = EXIT_CODES)]
    Status {
        /// The config file [default: $KOMETA_CONFIG, else config/config.yml].
        file: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
        format: StatusFormat,
        /// Also ask Trakt which account the token belongs to (GET /users/settings).
        #[arg(long)]
        online: bool,
        #[command(flatten)]
        net: Net,
    },
    /// Renew the tokens when due (expired, or less than a quarter of the lifetime left).
    #[command(after_help = EXIT_CODES)]
    Renew {
        /// The config file [default: $KOMETA_CONFIG, else config/config.yml].
        file: Option<PathBuf>,
        /// Also renew when the token expires within this time (30m, 12h, 2d).
        #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
        within: Option<i64>,
        /// Renew even if not due.
        #[arg(long)]
        force: bool,
        /// Show the decision and a masked preview diff; call nothing, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the diff of what was written.
        #[arg(long)]
        diff: bool,
        /// Like --dry-run, and exit 1 if a renewal is due.
        #[arg(long)]
        check: bool,
        /// Confirm the new token with GET /users/settings and print the account.
        #[arg(long)]
        verify: bool,
        #[command(flatten)]
        net: Net,
    },
    /// Obtain the first tokens: --pin, --device, or --from-file.
    #[command(after_help = EXIT_CODES)]
    Auth {
        /// The config file [default: $KOMETA_CONFIG, else config/config.yml].
        file: Option<PathBuf>,
        /// The PIN from Trakt's authorize page [default: the file's trakt.pin].
        #[arg(long, conflicts_with_all = ["device", "from_file"])]
        pin: Option<String>,
        /// The device-code flow: prints a URL and a code, then waits (works without a TTY).
        #[arg(long, conflicts_with = "from_file")]
        device: bool,
        /// Apply a block pasted from Kometa's web utility or a recovery file (- for stdin).
        #[arg(long, value_name = "FILE")]
        from_file: Option<PathBuf>,
        #[command(flatten)]
        net: Net,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the scalar at a dotted path (secrets masked).
    #[command(after_help = EXIT_CODES)]
    Get {
        /// The config file.
        file: PathBuf,
        /// A dotted path, e.g. trakt.authorization.expires_in.
        path: String,
        /// Print secret values in full.
        #[arg(long)]
        show_secrets: bool,
    },
    /// Change the scalar at a dotted path, creating missing keys; only that value changes.
    #[command(after_help = EXIT_CODES)]
    Set {
        /// The config file.
        file: PathBuf,
        /// A dotted path, e.g. trakt.authorization.access_token.
        #[arg(allow_hyphen_values = true)]
        path: String,
        /// The new value. Without --type it keeps the type the file holds there.
        #[arg(allow_hyphen_values = true)]
        value: String,
        /// Write the value as this type, even if the file holds another.
        #[arg(long = "type", value_enum)]
        kind: Option<Type>,
        /// Print the diff and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the diff of what was written.
        #[arg(long)]
        diff: bool,
        /// Write nothing; exit 1 if the file would change.
        #[arg(long)]
        check: bool,
        /// Show secrets in diffs in full.
        #[arg(long)]
        show_secrets: bool,
    },
}

/// Where Trakt is and how long to wait for it.
#[derive(Args)]
struct Net {
    /// The API base URL.
    #[arg(long, env = "TRAKT_API_URL", default_value = "https://api.trakt.tv")]
    api_url: String,
    /// The OAuth base URL.
    #[arg(long, env = "TRAKT_AUTH_URL", default_value = "https://auth.trakt.tv")]
    auth_url: String,
    /// The redirect URI registered with the Trakt application.
    #[arg(long, default_value = "urn:ietf:wg:oauth:2.0:oob")]
    redirect_uri: String,
    /// Seconds to wait for a whole request.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Seconds to wait for a connection.
    #[arg(long, default_value_t = 10)]
    connect_timeout: u64,
}

impl Net {
    fn endpoints(&self) -> Endpoints {
        Endpoints {
            api_url: self.api_url.clone(),
            auth_url: self.auth_url.clone(),
            redirect_uri: self.redirect_uri.clone(),
            timeout: Duration::from_secs(self.timeout),
            connect_timeout: Duration::from_secs(self.connect_timeout),
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
    Github,
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StatusFormat {
    Text,
    Json,
}

fn parse_duration(text: &str) -> Result<i64, String> {
    kometa_trakt::time::parse_duration(text)
}

/// `$KOMETA_CONFIG`, else `config/config.yml` (Kometa's own default).
fn default_config() -> PathBuf {
    std::env::var_os("KOMETA_CONFIG")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from("config/config.yml"), PathBuf::from)
}

#[derive(Clone, Copy, ValueEnum)]
enum Type {
    String,
    Int,
    Bool,
    Null,
}

fn typed(kind: Type, raw: &str) -> Result<Value, Failure> {
    let bad =
        |what: &str| Failure::usage(format!("--type {what}: the value is not a valid {what}"));
    Ok(match kind {
        Type::String => Value::Str(raw.to_string()),
        Type::Int => Value::Int(raw.parse().map_err(|_| bad("int"))?),
        Type::Bool => Value::Bool(match raw {
            "true" | "True" | "TRUE" => true,
            "false" | "False" | "FALSE" => false,
            _ => return Err(bad("bool")),
        }),
        Type::Null => Value::Null,
    })
}

fn color_enabled(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    }
}

fn run(cli: Cli) -> Result<Exit, Failure> {
    let mut out = io::stdout().lock();
    let color = color_enabled(cli.color);
    match cli.command {
        Command::Check {
            files,
            format,
            strict,
            require_trakt,
            require_valid_for,
            no_plaintext_secrets,
            schema,
        } => {
            let files = if files.is_empty() {
                vec![default_config()]
            } else {
                files
            };
            let github = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
            let format = match format {
                Some(CheckFormat::Text) => Format::Text,
                Some(CheckFormat::Json) => Format::Json,
                Some(CheckFormat::Github) => Format::Github,
                Some(CheckFormat::Sarif) => Format::Sarif,
                None if github => Format::Github,
                None => Format::Text,
            };
            let options = Options {
                require_trakt,
                require_valid_for,
                no_plaintext_secrets,
                now: time::now(),
            };
            let request = Request {
                files: &files,
                format,
                color,
                strict,
                schema: schema.as_deref(),
                options,
            };
            commands::check::run(&request, &mut out)
        }
        Command::Status {
            file,
            format,
            online,
            net,
        } => {
            let file = file.unwrap_or_else(default_config);
            let online = online.then(|| net.endpoints());
            commands::status::run(
                &file,
                format == StatusFormat::Json,
                time::now(),
                online,
                &mut out,
            )
        }
        Command::Renew {
            file,
            within,
            force,
            dry_run,
            diff,
            check,
            verify,
            net,
        } => {
            let file = file.unwrap_or_else(default_config);
            let request = renew::Request {
                file: &file,
                within,
                force,
                dry_run,
                diff,
                check,
                verify,
                color,
                now: time::now(),
                endpoints: net.endpoints(),
            };
            renew::run(&request, &mut out)
        }
        Command::Auth {
            file,
            pin,
            device,
            from_file,
            net,
        } => {
            let file = file.unwrap_or_else(default_config);
            let source = match (&from_file, device) {
                (Some(path), _) => Source::FromFile(path),
                (None, true) => Source::Device,
                (None, false) => Source::Pin(pin.as_deref()),
            };
            commands::auth::run(&file, source, net.endpoints(), &mut out)
        }
        Command::Completions { shell } => {
            commands::completions::run(shell, &mut Cli::command(), &mut out)
                .map_err(|e| Failure::usage(format!("cannot write output: {e}")))?;
            Ok(Exit::Ok)
        }
        Command::Get {
            file,
            path,
            show_secrets,
        } => commands::get::run(&file, &path, show_secrets, &mut out),
        Command::Set {
            file,
            path,
            value,
            kind,
            dry_run,
            diff,
            check,
            show_secrets,
        } => {
            let input = match kind {
                Some(kind) => Input::Typed(typed(kind, &value)?),
                None => Input::Text(value),
            };
            let mode = commands::set::Mode {
                dry_run,
                diff,
                check,
                color,
                show_secrets,
            };
            commands::set::run(&file, &path, input, mode, &mut out)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(failure) => {
            eprintln!("kometa-trakt: {}", failure.message);
            ExitCode::from(failure.exit as u8)
        }
    }
}
