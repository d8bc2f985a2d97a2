//! The layers of the crate and what each may use, as docs/layout.md's table
//! says: every `crate::` path (in `use`, `pub use` or inline) and every
//! `super::` path that climbs out of a layer must follow an arrow the table
//! allows. The table is read from the docs, so the docs cannot drift.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

const START: &str = "<!-- layers: held by src/layers.rs -->\n";
const END: &str = "<!-- layers: end -->\n";

/// The table: layer → the layers it may use.
fn allowed() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = fs::read_to_string(root.join("docs/layout.md")).expect("docs/layout.md");
    let start = doc.find(START).expect("the layer table's start marker") + START.len();
    let end = doc.find(END).expect("the layer table's end marker");
    doc[start..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let names = |cell: &str| -> BTreeSet<String> {
                cell.split_whitespace()
                    .map(|w| w.trim_matches(|c| c == '`' || c == ',').to_string())
                    .filter(|w| !w.is_empty() && w != "nothing")
                    .collect()
            };
            let layer = cells[1].trim_matches('`').to_string();
            (layer, names(cells[2]))
        })
        .collect()
}

/// Every `.rs` file under `dir` with its module path (`check/semantic/pin.rs`
/// is `["check", "semantic", "pin"]`; a `mod.rs` is its folder).
fn sources(dir: &Path, prefix: &[String], out: &mut Vec<(Vec<String>, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            let mut inner = prefix.to_vec();
            inner.push(name);
            sources(&path, &inner, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            let mut module = prefix.to_vec();
            if name != "mod" {
                module.push(name);
            }
            out.push((module, fs::read_to_string(&path).unwrap()));
        }
    }
}

/// The code of a file without its comments (doc comments included).
fn code(text: &str) -> String {
    text.lines()
        .map(without_comment)
        .collect::<Vec<_>>()
        .join("\n")
}

/// `line` up to a `//` that starts a comment: not one inside a string
/// (`"://"`); a character literal (`'"'`, `'\''`) opens no string.
fn without_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'\'' if !in_string => {
                // A character literal: one character or an escape, then a
                // quote (a lifetime has none).
                let len = if bytes.get(i + 1) == Some(&b'\\') {
                    3
                } else {
                    2
                };
                if bytes.get(i + len) == Some(&b'\'') {
                    i += len;
                }
            }
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
        i += 1;
    }
    line
}

/// The top-level modules `module`'s code reaches through `crate::` paths
/// and `super::` paths that climb to the crate root.
fn reached(module: &[String], text: &str) -> BTreeSet<String> {
    let code = code(text);
    let mut found = BTreeSet::new();
    let bytes = code.as_bytes();
    for (at, _) in code.match_indices("crate::") {
        if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
            continue;
        }
        found.insert(ident(&code[at + "crate::".len()..]));
    }
    let inline = inline_modules(&code);
    for (at, _) in code.match_indices("super::") {
        if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b':') {
            continue;
        }
        let mut rest = &code[at..];
        let mut depth = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            depth += 1;
            rest = r;
        }
        // A file's module path ends in itself, and in the inline modules
        // (`mod tests { ... }`) around the path; `super` is its parent.
        let around = inline.iter().filter(|r| r.contains(&at)).count();
        let parent_len = (module.len() + around).saturating_sub(depth);
        if parent_len == 0 {
            found.insert(ident(rest));
        }
    }
    found.retain(|m| !m.is_empty() && Some(m) != module.first());
    found
}

/// The byte ranges of the bodies of the inline modules (`mod name { }`)
/// in `code`.
fn inline_modules(code: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = code.as_bytes();
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0;
    let mut found = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' => {
                depth += 1;
                let before = code[..i].trim_end();
                let word_start = before
                    .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(0, |j| j + 1);
                if before[..word_start].trim_end().ends_with("mod")
                    && !before[..word_start].trim_end().ends_with("_mod")
                {
                    open.push((depth, i));
                }
            }
            b'}' => {
                if open.last().is_some_and(|&(d, _)| d == depth) {
                    let (_, start) = open.pop().expect("checked");
                    found.push(start..i);
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    found
}

fn ident(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// Every arrow that leaves a layer and is not in the table.
fn forbidden(files: &[(Vec<String>, String)]) -> Vec<String> {
    let table = allowed();
    let mut wrong = Vec::new();
    for (module, text) in files {
        let Some(layer) = module.first() else {
            continue; // lib.rs declares the layers
        };
        let may = table
            .get(layer)
            .unwrap_or_else(|| panic!("the layer `{layer}` is not in docs/layout.md's table"));
        // A layer's unit tests (its `tests/` folder) exist only in test
        // builds: they may build their inputs and judge their outputs with
        // the layers above (a masking rule, the diff shown).
        let test_code = module.iter().any(|m| m == "tests");
        for target in reached(module, text) {
            // The unit tests' data exists only in test builds; any layer's
            // tests may read it.
            if !may.contains(&target) && target != "test_data" && !test_code {
                wrong.push(format!("{} -> {target}", module.join("/")));
            }
        }
    }
    wrong
}

#[test]
fn every_import_follows_the_layer_table() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &[],
        &mut files,
    );
    // lib.rs declares the layers; main.rs is held by the test below.
    files.retain(|(m, _)| {
        m.first()
            .is_none_or(|l| !["lib", "main", "layers"].contains(&l.as_str()))
    });
    assert_eq!(forbidden(&files), Vec::<String>::new());
}

#[test]
fn comments_end_lines_but_not_inside_strings_or_characters() {
    assert_eq!(without_comment("let a = 1; // crate::x"), "let a = 1; ");
    assert_eq!(
        without_comment(r#"if s.contains("://") { // c"#),
        r#"if s.contains("://") { "#
    );
    assert_eq!(
        without_comment(r#"matches!(b, b'"' | b'\'') // c"#),
        r#"matches!(b, b'"' | b'\'') "#
    );
    assert_eq!(
        without_comment("fn f<'a>(x: &'a str) // c"),
        "fn f<'a>(x: &'a str) "
    );
}

#[test]
fn a_forbidden_arrow_is_caught() {
    let table = allowed();
    assert!(
        !table["check"].contains("report"),
        "the example below must stay forbidden"
    );
    let files = vec![
        (
            vec!["check".to_string(), "rule".to_string()],
            "use crate::report::render;\n".to_string(),
        ),
        (
            vec!["document".to_string(), "edit".to_string()],
            "fn f() { super::super::kometa::PROTECT; }\n// crate::commands in a comment\nmod t { use super::super::Edit; }\n"
                .to_string(),
        ),
    ];
    assert_eq!(
        forbidden(&files),
        ["check/rule -> report", "document/edit -> kometa"]
    );
}

#[test]
fn the_binary_uses_nothing_but_run() {
    let main = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs"))
        .expect("src/main.rs");
    let main = code(&main);
    let uses: Vec<&str> = main
        .match_indices("kometa_trakt::")
        .map(|(at, _)| &main[at..])
        .collect();
    assert_eq!(uses.len(), 1);
    assert!(uses[0].starts_with("kometa_trakt::run()"));
}
