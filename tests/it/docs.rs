//! The README says what the binary does: its example output is what
//! `check` prints on the bundled example. (The rule table of docs/rules.md
//! is held to the registry by the unit tests of `src/check/registry.rs`.)

use std::fs;
use std::path::Path;

use crate::support::kt;

/// What the README says `cargo run -- check fixtures/config.yml` prints,
/// with the age of the expired token ("1 year ago") left out.
#[test]
fn the_readme_shows_what_check_prints_on_the_bundled_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let after = readme
        .split_once("The first prints")
        .expect("the README's example output")
        .1;
    let shown = after
        .split("```\n")
        .nth(1)
        .expect("the example's code block");
    let output = kt(["check", "--color", "never", "fixtures/config.yml"])
        .dir(root)
        .run();
    assert_eq!(output.code, 0, "{}", output.stderr);
    let ageless = |text: &str| {
        text.lines()
            .map(|l| match (l.find(" expired "), l.find(" ago (")) {
                (Some(a), Some(b)) if a < b => format!("{}{}", &l[..a + 9], &l[b..]),
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(ageless(&output.stdout), ageless(shown));
}
