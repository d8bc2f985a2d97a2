//! The `kometa-trakt` binary: everything is in the library's command line
//! (`commands/cli.rs`).

fn main() -> std::process::ExitCode {
    kometa_trakt::run()
}
