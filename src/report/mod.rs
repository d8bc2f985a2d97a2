//! How results are shown: masked secrets and diffs.

pub mod diff;
pub mod mask;
