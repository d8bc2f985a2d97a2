//! kometa-trakt: validate, renew and edit the `trakt:` block of a Kometa config.

pub mod commands;
pub mod document;
pub mod error;
pub mod kometa;
pub mod report;
pub mod save;
