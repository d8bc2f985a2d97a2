//! Unit tests of the document layer: the streamed verification, planning
//! on windows, the formatting data and the region diffs, each held to the
//! whole-document computation it replaces (kept here as an oracle), over
//! the bundled configs, the YAML test suite and generated variants.

mod diffs;
mod digest;
mod editor;
mod layout;
mod oracle;
mod suite;
mod verify;

use std::fs;
use std::path::{Path, PathBuf};

/// A file or folder of the repository's test data.
pub(super) fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Every `.yml` file of `dir` with its text, sorted by name.
pub(super) fn configs(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// The YAML test suite's cases: (name, text, whether it is an error case).
pub(super) fn suite() -> Vec<(String, String, bool)> {
    let root = data("yaml-test-suite");
    let mut found = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "in.yaml") {
                let name = dir.strip_prefix(&root).unwrap().display().to_string();
                let text = fs::read_to_string(&path).unwrap();
                found.push((name, text, dir.join("error").exists()));
            }
        }
    }
    found.sort();
    found
}

/// Every text the tests run over: the bundled configs, their re-dumped
/// versions, the fixtures and the valid cases of the YAML test suite.
pub(super) fn corpus() -> Vec<(String, String)> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut all = configs(&data("configs"));
    all.extend(configs(&data("redumped")));
    all.extend(configs(&fixtures.join("check")));
    all.extend(configs(&fixtures.join("fix")));
    all.extend(
        suite()
            .into_iter()
            .filter(|(_, _, error)| !error)
            .map(|(name, text, _)| (name, text)),
    );
    all
}

/// A generated config of about `size` bytes, shaped as scripts/gen_config.py
/// writes them: many libraries, then a trakt block.
pub(super) fn generated(size: usize) -> String {
    let mut out = String::from("## generated Kometa config for tests\nlibraries:\n");
    let mut n = 0;
    while out.len() < size {
        out.push_str(&format!(
            "  Movies {n}:                     # library {n}
    collection_files:
      - default: imdb
      - default: trakt
        template_variables:
          sync_mode: sync
          collection_order: \"custom\"
      - file: config/Movies/collection_{n}.yml
    overlay_files:
      - remove_overlays: false
      - default: ribbon
        template_variables:
          use_all: true
          position: [top, right]
    operations:
      mass_genre_update: tmdb
      mass_content_rating_update: omdb
      mass_audience_rating_update: 'mdb_tomatoesaudience'
    settings:
      asset_directory: config/assets/{n}
"
        ));
        n += 1;
    }
    out.push_str(
        "settings:
  cache: true
  cache_expiration: 60
trakt:
  client_id: 4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f
  client_secret: 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d
  pin:
  authorization:
    access_token: a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90
    token_type: Bearer
    expires_in: 86400
    refresh_token: 0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0
    scope: public
    created_at: 1764115200
",
    );
    out
}
