//! The command line: parse the arguments, dispatch to the command, map the
//! outcome to an exit code. Each command's arguments live beside its code.

use std::io;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use super::{Color, Context, Failure};
use crate::kometa::Version;
use crate::kometa::args::split_args;
use crate::terminal::printable;
use crate::time::parse_duration;

/// The exit codes, as the README's table says them (tests/it/exit_codes.rs
/// holds both to the binary, row by row).
const EXIT_CODES: &str = "Exit codes:
  0      success; nothing wrong or nothing to do
  1      check: an error (a file it cannot read or parse is one), or a warning with --strict;
         --check: a change would be made; get: the path is not set; restore --only-kometa:
         Kometa's save mixed with other edits, or one it cannot restore exactly
  2      cannot run: bad arguments; a file it cannot read or parse (except for check); a
         refused or unwritable edit; no space for the save; a lock held too long; nothing was
         spent
  3      the Trakt authorization is dead (invalid_grant, revoked, deleted app, VIP needed):
         authorize again
  4      temporary failure (network, rate limit, Trakt 5xx): retry later; nothing was spent
  5      a request that spends a token or code reached Trakt but got no answer: it may be
         spent; run the command again, and authorize again if Trakt then refuses the token
  128+n  stopped by signal n (docker stop, Ctrl-C), after what Trakt answered was saved";

/// Validate, renew and edit the trakt block of a Kometa config.yml, changing
/// only the values that change.
#[derive(Parser)]
#[command(name = "kometa-trakt", bin_name = "kometa-trakt", version, after_help = EXIT_CODES)]
struct Cli {
    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// How long a command that writes waits for another kometa-trakt run
    /// on the same folder (30s, 2m).
    #[arg(long, global = true, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    lock_timeout: i64,
    /// The Kometa that reads the config: 2.4, or latest (releases after
    /// August 2026, which read no pin or force_refresh and refresh the
    /// token on every run). KOMETA_VERSION sets it for every command.
    #[arg(
        long,
        global = true,
        env = "KOMETA_VERSION",
        value_enum,
        default_value_t = Version::V2_4
    )]
    kometa_version: Version,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(after_help = EXIT_CODES)]
    Check(super::check::Args),
    #[command(after_help = EXIT_CODES)]
    Status(super::status::Args),
    #[command(after_help = EXIT_CODES)]
    Renew(super::renew::Args),
    #[command(after_help = EXIT_CODES)]
    Auth(super::auth::Args),
    #[command(after_help = EXIT_CODES)]
    Restore(super::restore::Args),
    #[command(after_help = EXIT_CODES)]
    Get(super::get::Args),
    #[command(after_help = EXIT_CODES)]
    Set(super::set::Args),
    Completions(super::completions::Args),
}

/// Runs the command line of this process.
pub fn run() -> ExitCode {
    // Kometa's secret arguments (`--kometa-x VALUE`) are taken out first, as
    // Kometa's own parser leaves them.
    let (args, secret_args) = split_args(std::env::args_os().collect());
    let cli = Cli::parse_from(args);
    let ctx = Context {
        color: cli.color.enabled(),
        secret_args: secret_args.pairs,
        dangling_arg: secret_args.dangling,
        lock_timeout: std::time::Duration::from_secs(cli.lock_timeout.max(0) as u64),
        kometa: cli.kometa_version,
    };
    let out = &mut io::stdout().lock();
    let outcome = match cli.command {
        Command::Check(args) => super::check::run(args, &ctx, out),
        Command::Status(args) => super::status::run(args, &ctx, out),
        Command::Renew(args) => super::renew::run(args, &ctx, out),
        Command::Auth(args) => super::auth::run(args, &ctx, out),
        Command::Restore(args) => super::restore::run(args, &ctx, out),
        Command::Get(args) => super::get::run(args, &ctx, out),
        Command::Set(args) => super::set::run(args, &ctx, out),
        Command::Completions(args) => super::completions::run(args, &mut Cli::command(), out),
    };
    match outcome {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(Failure { exit, message }) => {
            eprintln!("kometa-trakt: {}", printable(&message));
            ExitCode::from(exit.code())
        }
    }
}
