//! One fixture per `check` rule (`fixtures/check/*.yml`) with its exact
//! text output and exit code in `*.out`. A fixture's first line may give
//! extra arguments: `# args: --strict`. `BLESS=1` rewrites the `.out` files
//! (review the diff before committing).

use std::fs;

use crate::support::{NOW, fixture, kt};

#[test]
fn every_rule_fixture_gives_its_exact_output() {
    let dir = fixture("check");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yml"))
        .collect();
    names.sort();
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for name in &names {
        let text = fs::read_to_string(dir.join(name)).unwrap();
        let mut args = vec!["check".to_string()];
        if let Some(extra) = text.lines().next().and_then(|l| l.strip_prefix("# args: ")) {
            args.extend(extra.split_whitespace().map(str::to_string));
        }
        args.push(name.clone());
        let out = kt(&args).dir(&dir).env("KOMETA_TRAKT_NOW", NOW).run();
        assert!(out.stderr.is_empty(), "{name}: stderr {}", out.stderr);
        let got = format!("{}exit {}\n", out.stdout, out.code);
        let expected_path = dir.join(name.replace(".yml", ".out"));
        if bless {
            fs::write(&expected_path, &got).unwrap();
        } else if fs::read_to_string(&expected_path).ok().as_deref() != Some(got.as_str()) {
            failures.push(format!("{name}:\n{got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "outputs differ:\n{}",
        failures.join("\n")
    );
    assert!(names.len() >= 29, "a fixture per rule");
}
