//! Kometa's schemas built in (`check --schema kometa`, `kometa-collection`
//! …) and the files a config links to (`--linked`): the built-in schemas
//! find exactly what Kometa's vendored files find when passed as files
//! (every bundled config, the mistakes corpus, every linked file), and a
//! config tree with good, missing, unparseable, invalid and remote links
//! gives each finding at its own file's line and column, secrets masked.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{NOW, Run, data, fixture, kt};

/// Kometa 2.4.4's schema folder in the repository.
fn vendored(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("vendor/kometa-2.4.4/json-schema")
        .join(name)
}

/// `check ARGS FILE` in `dir`, at the fixtures' time.
fn check(dir: &Path, args: &[&str], file: &str) -> Run {
    kt(["check", "--color", "never"])
        .args(args)
        .arg(file)
        .dir(dir)
        .env("KOMETA_TRAKT_NOW", NOW)
        .run()
}

/// The JSON output without what says which schema was used.
fn findings(run: &Run) -> Value {
    let mut doc: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", run.stdout, run.stderr));
    if let Some(about) = doc.get_mut("about").and_then(Value::as_object_mut) {
        about.remove("schema");
    }
    doc
}

/// The text output without the line that names the built-in schema.
fn text_findings(run: &Run) -> String {
    run.stdout
        .lines()
        .filter(|l| !l.starts_with("schema: Kometa 2.4.4's"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Asserts that the built-in schema `name` and Kometa's file `file` (with
/// `--linked`) say the same of `config` in `dir`, in JSON and in text;
/// returns how many schema findings they made.
fn same_findings(dir: &Path, config: &str, name: &str, file: &str) -> usize {
    let file = vendored(file);
    let file = file.to_str().unwrap();
    let mut counted = 0;
    for format in ["json", "text"] {
        let built = check(dir, &["--format", format, "--schema", name], config);
        let given = check(
            dir,
            &["--format", format, "--linked", "--schema", file],
            config,
        );
        assert_eq!(built.stderr, "", "{config}");
        assert_eq!(given.stderr, "", "{config}");
        assert_eq!(built.code, given.code, "{config}");
        if format == "json" {
            assert_eq!(findings(&built), findings(&given), "{config}");
            counted = built.stdout.matches("\"rule\": \"schema\"").count();
            assert!(
                built.stdout.contains("Kometa 2.4.4's"),
                "the output names the built-in schema's Kometa: {}",
                built.stdout
            );
        } else {
            assert_eq!(text_findings(&built), given.stdout, "{config}");
        }
    }
    counted
}

/// Every `.yml` file of `dir`.
fn yml(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .collect();
    found.sort();
    found
}

#[test]
fn the_built_in_config_schema_finds_what_kometas_file_finds_on_every_bundled_config() {
    let mut files = yml(&data("configs"));
    files.extend(yml(&data("redumped")));
    files.push(data("schema/mistakes.yml"));
    files.push(fixture("config.yml"));
    files.extend(yml(&fixture("check")));
    let mut schema_findings = 0;
    for path in &files {
        let dir = path.parent().unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        schema_findings += same_findings(dir, name, "kometa", "config-schema.json");
    }
    assert!(files.len() > 90, "only {} files", files.len());
    // Not vacuous: the mistakes alone make eleven.
    assert!(
        schema_findings > 40,
        "only {schema_findings} schema findings"
    );
}

#[test]
fn each_built_in_linked_file_schema_finds_what_kometas_file_finds() {
    let tree = Tree::new();
    let mut files: Vec<(PathBuf, &str, &str)> = Vec::new();
    for (name, schema, file) in [
        ("Movies.yml", "kometa-collection", "collection-schema.json"),
        ("Invalid.yml", "kometa-collection", "collection-schema.json"),
        (
            "collections/Decades.yml",
            "kometa-collection",
            "collection-schema.json",
        ),
        (
            "collections/Bad.yaml",
            "kometa-collection",
            "collection-schema.json",
        ),
        ("Overlays.yml", "kometa-overlay", "overlay-schema.json"),
        ("Playlists.yml", "kometa-playlist", "playlist-schema.json"),
        ("templates.yml", "kometa-template", "template-schema.json"),
        ("Metadata.yml", "kometa-metadata", "metadata-schema.json"),
    ] {
        files.push((tree.config().join(name), schema, file));
    }
    for path in yml(&fixture("check/linked")) {
        files.push((path.clone(), "kometa-collection", "collection-schema.json"));
        files.push((path, "kometa-overlay", "overlay-schema.json"));
    }
    let mut schema_findings = 0;
    for (path, name, file) in &files {
        let dir = path.parent().unwrap();
        let config = path.file_name().unwrap().to_str().unwrap();
        schema_findings += same_findings(dir, config, name, file);
    }
    assert!(
        schema_findings >= 4,
        "only {schema_findings} schema findings"
    );
}

/// A Kometa install as users lay it out: `ROOT/config/config.yml` with its
/// linked files beside it, relative links written from Kometa's working
/// directory (`config/…`), one Docker path (`/config/…`).
struct Tree {
    root: tempfile::TempDir,
}

const CONFIG: &str = "\
plex:
  url: http://192.168.1.12:32400
  token: pL3xT0k3nS3cr3tValue
tmdb:
  apikey: 0123456789abcdef0123456789abcdef
libraries:
  Movies:
    collection_files:
    - file: config/Movies
    - config/Missing.yml
    - file: config/Broken.yml
    - folder: config/collections
    - file: config/Invalid.yml
    - default: imdb
    - url: https://example.com/collections.yml
    overlay_files:
    - file: /config/Overlays.yml
    - git: PMM/overlays/ribbon
    - repo: overlays/mine
    metadata_files:
    - file: config/Metadata.yml
    - default: other
  TV Shows:
    collection_files:
    - file: config/Movies.yml
    overlay_files: config/Empty.yml
playlist_files:
- file: config/Playlists.yml
";

impl Tree {
    fn new() -> Tree {
        let root = tempfile::tempdir().unwrap();
        let config = root.path().join("config");
        fs::create_dir_all(config.join("collections")).unwrap();
        let files: &[(&str, &str)] = &[
            ("config.yml", CONFIG),
            (
                "Movies.yml",
                "external_templates:\n- file: config/templates\n- file: config/NoTemplates.yml\ncollections:\n  Best:\n    template: {name: chart}\n    imdb_chart: top_movies\n",
            ),
            (
                "templates.yml",
                "templates:\n  chart:\n    sync_mode: sync\n",
            ),
            ("Broken.yml", "collections:\n  Best: [unclosed\n"),
            (
                "Invalid.yml",
                "collections:\n  Best:\n    collection_mode: sideways\n    token: s3cr3t-t0k3n-value\n",
            ),
            (
                "collections/Decades.yml",
                "collections:\n  Decades:\n    imdb_chart: top_movies\n",
            ),
            (
                "collections/Bad.yaml",
                "collections:\n  Bad:\n    sync_mode: mirror\n",
            ),
            ("collections/README.md", "not YAML\n"),
            (
                "Overlays.yml",
                "overlays:\n  4K:\n    overlay:\n      name: 4K\n    plex_search:\n      all:\n        resolution: 4K\n",
            ),
            (
                "Metadata.yml",
                "metadata:\n  Alien:\n    run_definition: movie\n",
            ),
            ("Empty.yml", "# nothing yet\n"),
            (
                "Playlists.yml",
                "playlists:\n  Mine:\n    libraries: Movies\n    sync_to_users: all\n    wrong_key: 1\n",
            ),
        ];
        for (name, text) in files {
            fs::write(config.join(name), text).unwrap();
        }
        Tree { root }
    }

    fn root(&self) -> &Path {
        self.root.path()
    }

    fn config(&self) -> PathBuf {
        self.root().join("config")
    }
}

/// `path:line:col: severity[rule]` of each finding in a text output.
fn places(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| {
            let (place, rest) = l.split_once(": ")?;
            let (rule, _) = rest.split_once("]: ")?;
            (rule.contains('[') && !place.contains(' ')).then(|| format!("{place}: {rule}]"))
        })
        .collect()
}

#[test]
fn a_config_tree_is_checked_file_by_file_at_each_files_own_lines() {
    let tree = Tree::new();
    let out = check(tree.root(), &["--schema", "kometa"], "config/config.yml");
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        places(&out.stdout),
        [
            "config/config.yml:1:1: note[no-trakt]",
            "config/config.yml:8:5: note[linked-not-checked]",
            "config/config.yml:10:7: error[linked-missing]",
            "config/config.yml:16:5: note[linked-not-checked]",
            "config/config.yml:20:5: note[linked-not-checked]",
            "config/config.yml:22:7: error[schema]",
            "config/config.yml:26:20: error[schema]",
            "config/Movies.yml:3:9: error[linked-missing]",
            "config/Broken.yml:3:1: error[yaml-syntax]",
            "config/collections/Bad.yaml:3:16: error[schema]",
            "config/Invalid.yml:3:22: error[schema]",
            "config/Invalid.yml:4:5: error[schema]",
            "config/Empty.yml: error[empty-file]",
            "config/Playlists.yml:5:5: error[schema]",
        ],
        "{}",
        out.stdout
    );
    let lines: Vec<&str> = out.stdout.lines().collect();
    let said = |start: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no {start} in\n{}", out.stdout))
            .to_string()
    };
    assert!(
        said("config/config.yml:10:7:")
            .ends_with("the linked file `config/Missing.yml` does not exist")
    );
    assert!(
        said("config/Movies.yml:3:9:")
            .ends_with("the linked file `config/NoTemplates.yml` does not exist")
    );
    assert!(said("config/config.yml:8:5:").ends_with(
        "2 links in `libraries.Movies.collection_files` not checked (remote or bundled, and this check is offline): `default: imdb`, `url: https://example.com/collections.yml`"
    ));
    assert!(said("config/Invalid.yml:3:22:").ends_with(
        "`collection_mode` is `sideways`; expected one of default, hide, hide_items, show_items"
    ));
    assert!(said("config/Invalid.yml:4:5:").ends_with("unknown key `token` in `collections.Best`"));
    // Every file linked is checked once, however many libraries link it;
    // the Docker path `/config/Overlays.yml` is the file beside the config.
    assert!(out.stdout.ends_with(
        "schema: Kometa 2.4.4's config schema, built in\nlinked: 10 linked files checked, 5 links not checked (offline)\n"
    ), "{}", out.stdout);
    // The secret under a secret key in a linked file is masked wherever its
    // line is shown.
    assert!(!out.stdout.contains("s3cr3t-t0k3n-value"), "{}", out.stdout);
    let json = check(
        tree.root(),
        &["--schema", "kometa", "--format", "json"],
        "config/config.yml",
    );
    assert!(!json.stdout.contains("s3cr3t-t0k3n-value"));
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let paths: Vec<&str> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 11, "{paths:?}");
    assert!(paths.contains(&"config/Overlays.yml"), "{paths:?}");
    // The same tree with Kometa's files as --schema: the same findings.
    same_findings(
        tree.root(),
        "config/config.yml",
        "kometa",
        "config-schema.json",
    );
}

#[test]
fn links_are_read_from_kometas_working_directory() {
    let tree = Tree::new();
    // Given from inside the config folder, the working directory is its
    // parent still.
    let inside = check(&tree.config(), &["--schema", "kometa"], "config.yml");
    assert_eq!(
        places(&inside.stdout)
            .iter()
            .filter(|p| p.contains("linked-missing"))
            .count(),
        2,
        "{}",
        inside.stdout
    );
    assert!(
        inside
            .stdout
            .contains("../config/Movies.yml:3:9: error[linked-missing]"),
        "{}",
        inside.stdout
    );
    // --workdir elsewhere: every relative link is missing there, and
    // the message says where it was looked for.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = check(
        tree.root(),
        &[
            "--schema",
            "kometa",
            "--workdir",
            elsewhere.path().to_str().unwrap(),
        ],
        "config/config.yml",
    );
    let missing = places(&out.stdout)
        .into_iter()
        .filter(|p| p.contains("linked-missing"))
        .count();
    assert_eq!(missing, 9, "{}", out.stdout);
    // The Docker path is still found beside the config.
    assert!(
        out.stdout
            .ends_with("linked: 1 linked file checked, 5 links not checked (offline)\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!(
            "the linked file `config/Movies` does not exist (looked for `{}/config/Movies.yml`)",
            elsewhere.path().display()
        )),
        "{}",
        out.stdout
    );
    // A config whose folder is not named `config`: the current directory.
    fs::write(
        tree.root().join("kometa.yml"),
        "libraries:\n  Movies:\n    collection_files:\n    - file: config/Movies\n",
    )
    .unwrap();
    let here = check(tree.root(), &["--linked"], "kometa.yml");
    assert!(
        here.stdout
            .ends_with("linked: 2 linked files checked, 0 links not checked (offline)\n"),
        "{}",
        here.stdout
    );
}

#[test]
fn linked_files_are_checked_with_linked_and_not_with_no_linked() {
    let tree = Tree::new();
    let off = check(
        tree.root(),
        &["--schema", "kometa", "--no-linked"],
        "config/config.yml",
    );
    assert!(!off.stdout.contains("linked"), "{}", off.stdout);
    assert_eq!(places(&off.stdout).len(), 3, "{}", off.stdout);
    // --linked without --schema: the linked files get Kometa's built-in
    // schemas, the config only the trakt rules (and the two of a whole
    // config).
    let on = check(tree.root(), &["--linked"], "config/config.yml");
    let places = places(&on.stdout);
    assert!(
        places.contains(&"config/Invalid.yml:3:22: error[schema]".to_string()),
        "{}",
        on.stdout
    );
    assert!(
        !places
            .iter()
            .any(|p| p.starts_with("config/config.yml") && p.ends_with("[schema]")),
        "{}",
        on.stdout
    );
    assert!(!on.stdout.contains("schema: Kometa"), "{}", on.stdout);
}

#[test]
fn the_help_names_the_built_in_schemas_and_their_kometa() {
    let help = kt(["check", "--help"]).run();
    for word in [
        "Kometa 2.4.4",
        "kometa-collection",
        "kometa-overlay",
        "kometa-metadata",
        "kometa-playlist",
        "kometa-template",
        "--linked",
        "--workdir",
    ] {
        assert!(help.stdout.contains(word), "{word} in\n{}", help.stdout);
    }
}

#[test]
fn the_pre_commit_hook_checks_the_whole_config_with_its_linked_files() {
    let hooks =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"))
            .unwrap();
    let hook = hooks
        .split("- id: ")
        .find(|h| h.starts_with("kometa-trakt-config\n"))
        .expect("the kometa-trakt-config hook");
    assert!(
        hook.contains("entry: kometa-trakt check --schema kometa\n"),
        "{hook}"
    );
}

#[test]
fn a_working_directory_that_is_none_is_refused_before_anything_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yml");
    std::fs::write(
        &config,
        "libraries:\n  Movies:\n    collection_files:\n      - file: x.yml\n",
    )
    .unwrap();
    let missing = dir.path().join("nowhere");
    let r = crate::support::kt([
        "check",
        "--linked",
        "--workdir",
        missing.to_str().unwrap(),
        config.to_str().unwrap(),
    ])
    .run();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        format!(
            "kometa-trakt: --workdir {}: not a directory\n",
            missing.display()
        )
    );
}
