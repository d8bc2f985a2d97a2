//! kometa-trakt: validate, renew and edit the `trakt:` block of a Kometa config.

pub mod check;
pub mod commands;
pub mod document;
pub mod error;
pub mod kometa;
pub mod recovery;
pub mod renew;
pub mod report;
pub mod save;
pub mod schema;
pub mod store;
pub mod time;
pub mod token;
pub mod trakt;
