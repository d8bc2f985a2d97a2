//! `completions SHELL`: a shell completion script from clap_complete, with
//! its bash script mended for a binary name with a hyphen.

use std::io::Write;

use clap::Command;
use clap_complete::Shell;

use super::{Exit, Failure, emit};

/// The name the scripts complete.
const BIN: &str = "kometa-trakt";

/// The completion script for `shell`.
pub(crate) fn script(shell: Shell, cli: &mut Command) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, cli, BIN, &mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    match shell {
        // clap_complete 4.6 names the subcommand cases of `kometa-trakt`
        // `kometa__subcmd__trakt__subcmd__check` but sets the variable they
        // match to `kometa__trakt__subcmd__check`, so nothing after a
        // subcommand completes (tests/completion.rs catches a change).
        Shell::Bash => text.replace("kometa__subcmd__trakt__subcmd__", "kometa__trakt__subcmd__"),
        _ => text,
    }
}

/// Print a shell completion script.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The shell.
    pub(crate) shell: Shell,
}

/// Writes the script for the shell asked.
pub(crate) fn run(args: Args, cli: &mut Command, out: &mut dyn Write) -> Result<Exit, Failure> {
    emit(out, &script(args.shell, cli))?;
    Ok(Exit::Ok)
}
