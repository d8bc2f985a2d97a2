//! The command line: argument definitions, dispatch, and exit codes.

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use kometa_trakt::commands;
use kometa_trakt::commands::set::Input;
use kometa_trakt::document::Value;
use kometa_trakt::error::{Exit, Failure};

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
