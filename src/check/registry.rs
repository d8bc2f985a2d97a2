//! The registry held to everything derived from it: docs/rules.md's rule
//! table is generated from it (`BLESS=1 cargo test registry` rewrites the
//! table), every rule has a fixture that shows it and every fixable one a
//! fixed fixture, every line of Kometa's code a rule names
//! (vendor/kometa-2.4.4) says what the rule claims, and the fixture of each
//! such line shows the rule at the severity it decides.

use std::fs;

use super::rule::Rule;
use crate::test_data::{fixture, repository};

const START: &str = "<!-- rules: generated from src/check/rule.rs by src/check/registry.rs -->\n";
const END: &str = "<!-- rules: end -->\n";

/// The rule table as docs/rules.md shows it.
fn table() -> String {
    let mut out = String::from(
        "| rule | severity | `latest` | finds | what Kometa does | decided by | fix | example |\n|---|---|---|---|---|---|---|---|\n",
    );
    for rule in Rule::ALL {
        let i = rule.info();
        let decided: Vec<String> = i
            .decided_by
            .iter()
            .map(|d| format!("`{}` ({})", d.at, d.severity.as_str()))
            .collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} | {} |\n",
            i.id,
            i.severity.as_str(),
            i.latest.as_str(),
            i.summary,
            i.kometa,
            decided.join(", "),
            if i.fixable { "yes" } else { "" },
            i.example
        ));
    }
    out
}

#[test]
fn the_rule_table_in_the_docs_is_the_registry() {
    let path = repository("docs/rules.md");
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
    assert_eq!(&doc[start..end], table(), "run BLESS=1 cargo test registry");
}

/// The outputs of the rule fixtures (`fixtures/check/NAME.out`).
fn outputs() -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = fs::read_dir(fixture("check"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "out"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect();
    found.sort();
    found
}

#[test]
fn every_rule_has_a_fixture_and_every_fixable_one_a_fixed_fixture() {
    let outputs = outputs();
    for rule in Rule::ALL {
        let id = rule.id();
        if id == "unreadable" {
            continue;
        }
        let showing: Vec<&String> = outputs
            .iter()
            .filter(|(_, out)| out.contains(&format!("[{id}]")))
            .map(|(name, _)| name)
            .collect();
        assert!(!showing.is_empty(), "no fixture shows [{id}]");
        if rule.info().fixable {
            let fixed = showing
                .iter()
                .any(|n| fixture("fix").join(format!("{n}.yml")).exists());
            assert!(
                fixed,
                "[{id}] is fixable but no fixture of it is fixed in fixtures/fix/"
            );
        }
    }
}

#[test]
fn every_kometa_line_a_rule_names_shows_its_severity_on_its_fixture() {
    let mut decisions = 0;
    for rule in Rule::ALL {
        for d in rule.info().decided_by {
            decisions += 1;
            let name = d.fixture;
            let out = fs::read_to_string(fixture("check").join(format!("{name}.out")))
                .unwrap_or_else(|e| panic!("{name}.out: {e}"));
            let shown = format!(": {}[{}]: ", d.severity.as_str(), rule.id());
            assert!(
                out.contains(&shown),
                "{name}: {shown} (decided by {}) is not in\n{out}",
                d.at
            );
        }
    }
    assert!(decisions >= 27, "only {decisions} decisions");
}

#[test]
fn every_kometa_line_a_rule_names_says_what_the_rule_claims() {
    let root = repository("vendor/kometa-2.4.4");
    for rule in Rule::ALL {
        for d in rule.info().decided_by {
            let (file, line) = d.at.split_once(':').unwrap();
            let line: usize = line.parse().unwrap();
            let source = fs::read_to_string(root.join(file)).unwrap();
            let found = source.lines().nth(line - 1).unwrap_or_default();
            assert!(
                found.contains(d.says),
                "{}: {} is `{}`, not `{}`",
                rule.id(),
                d.at,
                found.trim(),
                d.says
            );
        }
    }
}
