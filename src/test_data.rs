//! For the unit tests: the repository's test data and fixtures, and where
//! property tests record their failing cases.

use std::path::{Path, PathBuf};

/// A file or folder of the repository's test data (`tests/data/NAME`,
/// provenance in `tests/data/MANIFEST.tsv`).
pub(crate) fn data(name: &str) -> PathBuf {
    repository(&format!("tests/data/{name}"))
}

/// A bundled fixture (`fixtures/NAME`).
pub(crate) fn fixture(name: &str) -> PathBuf {
    repository(&format!("fixtures/{name}"))
}

/// A file of the repository.
pub(crate) fn repository(path: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    assert!(
        path.exists(),
        "missing from the repository: {}",
        path.display()
    );
    path
}

/// Where a property test records its failing cases: `FILE.proptest-regressions`
/// beside its source file. Every case recorded there runs again first,
/// every run.
pub(crate) fn regressions() -> Option<Box<dyn proptest::test_runner::FailurePersistence>> {
    Some(Box::new(
        proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
    ))
}
