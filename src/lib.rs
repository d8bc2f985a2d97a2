//! kometa-trakt: validate, renew and edit the `trakt:` block of a Kometa config.

pub mod authorization;
pub mod check;
pub mod commands;
pub mod document;
pub mod kometa;
pub mod persist;
pub mod report;
pub mod schema;
pub mod time;
pub mod trakt;
pub mod words;

pub use commands::cli::run;
