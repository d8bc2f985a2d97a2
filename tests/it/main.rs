//! The integration tests, one test binary: each module below is one
//! concern (docs/testing.md says what each covers), `support` is shared by
//! all of them, and the test data is in `tests/data/`. The real binary runs
//! through `support::kt` only; what needs only the library calls it
//! directly. `cargo test MODULE::` runs one module, `cargo test NAME` one
//! test.

mod support;

mod auth;
mod check_output;
mod check_rules;
mod cli;
mod completion;
mod corpus;
mod crash_sweep;
mod docker;
mod docs;
mod exit_codes;
mod faults;
mod fix;
mod hardening;
mod hostile;

mod leak_audit;
mod linked;
mod masking;
mod metadata;
mod now;
mod paste;
mod preflight;
mod private_files;

mod races;
mod readme;
mod recovery;
mod renew;
mod restore;
mod restore_meaning;
mod restore_only_kometa;

mod schema_messages;
mod schema_pruning;
mod status;
mod test_server;
mod tls;
mod traps;
mod write;
