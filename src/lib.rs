//! kometa-trakt: validate, renew and edit the `trakt:` block of a Kometa config.
//!
//! The library is the program: its public surface is [`run`] (the whole
//! command line, for `main.rs`) and [`fuzz`] (entry points for the fuzz
//! targets). Everything else is `pub(crate)`; the layers and what each may
//! use are in docs/layout.md, held by a test (`layers.rs`).

mod authorization;
mod check;
mod commands;
mod document;
pub mod fuzz;
mod kometa;
mod linked;
mod links;
mod persist;
mod report;
mod schema;
mod signals;
mod terminal;
#[cfg(test)]
mod test_data;
mod time;
mod trakt;
mod words;

pub use commands::cli::run;

#[cfg(test)]
mod layers;
