//! How results are shown: diagnostics in four formats, masked secrets, diffs.

pub mod diff;
pub mod findings;
pub mod github;
pub mod json;
pub mod mask;
pub mod sarif;
pub mod text;
