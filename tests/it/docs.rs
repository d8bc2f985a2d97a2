//! The documentation says what the code does: the rule table of
//! docs/rules.md is the registry's (`BLESS=1` rewrites it), every rule has
//! a fixture that triggers it, and every fixable rule a fixed fixture.

use std::fs;
use std::path::Path;

use crate::support::{fixture, kt};
use kometa_trakt::check::Rule;

const START: &str = "<!-- rules: generated from src/check/rule.rs by tests/it/docs.rs -->\n";
const END: &str = "<!-- rules: end -->\n";

/// The rule table as docs/rules.md shows it.
fn table() -> String {
    let mut out = String::from(
        "| rule | severity | finds | what Kometa does | fix | example |\n|---|---|---|---|---|---|\n",
    );
    for rule in Rule::ALL {
        let i = rule.info();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            i.id,
            i.severity.as_str(),
            i.summary,
            i.kometa,
            if i.fixable { "yes" } else { "" },
            i.example
        ));
    }
    out
}

#[test]
fn the_rule_table_in_the_docs_is_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let doc = fs::read_to_string(&path).unwrap();
    let start = doc
        .find(START)
        .expect("the generated section's start marker")
        + START.len();
    let end = doc.find(END).expect("the generated section's end marker");
    if std::env::var_os("BLESS").is_some() {
        fs::write(
            &path,
            format!("{}{}{}", &doc[..start], table(), &doc[end..]),
        )
        .unwrap();
        return;
    }
    assert_eq!(&doc[start..end], table(), "run BLESS=1 cargo test docs::");
}

#[test]
fn every_rule_has_a_fixture_and_every_fixable_one_a_fixed_fixture() {
    for rule in Rule::ALL {
        let id = rule.id();
        if id == "unreadable" {
            continue;
        }
        let fixtures: Vec<String> = fs::read_dir(fixture("check"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".out"))
            .filter(|n| {
                fs::read_to_string(fixture("check").join(n))
                    .unwrap()
                    .contains(&format!("[{id}]"))
            })
            .collect();
        assert!(!fixtures.is_empty(), "no fixture shows [{id}]");
        if rule.info().fixable {
            let fixed = fixtures
                .iter()
                .any(|n| fixture("fix").join(n.replace(".out", ".yml")).exists());
            assert!(
                fixed,
                "[{id}] is fixable but no fixture of it is fixed in fixtures/fix/"
            );
        }
    }
}

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
