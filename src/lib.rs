//! kometa-trakt: validate, renew and edit the `trakt:` block of a Kometa config.

mod authorization;
mod check;
mod commands;
mod document;
mod kometa;
mod persist;
mod report;
mod schema;
mod time;
mod trakt;
mod words;

pub use commands::cli::run;
