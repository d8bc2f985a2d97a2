//! `check --linked`: every local file a config links to (`collection_files`,
//! `metadata_files`, `overlay_files`, `image_files`, `playlist_files`, the
//! deprecated `metadata_path` and `overlay_path`, and the
//! `external_templates` of those files), found where Kometa finds it (see
//! `resolve`), read and checked: it exists, it parses as Kometa's loader
//! needs, and it is valid against the schema Kometa's validator applies to
//! that kind of file (modules/validator.py:14-21). Findings in a linked
//! file are at its own lines. Links to URLs, Git, a custom repo or Kometa's
//! bundled defaults are named by a note of their own rule, never followed.

mod collect;
mod resolve;

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::check::{self, Checked, Diagnostic, Options, Rule, Schemas, check_file};
use crate::document::{Document, Node};
use crate::persist;
use crate::schema::{Kometa, Schema};
use crate::words::{WORD, clip};
pub(crate) use collect::Target;
use collect::{Link, List};
pub(crate) use resolve::Base;

/// How many links a note names in its message (`--verbose` lists all).
const NAMED: usize = 3;

/// The schema of each kind of linked file.
pub(crate) struct LinkedSchemas {
    schemas: Vec<(Kometa, Schema)>,
}

impl LinkedSchemas {
    /// Each kind's schema: `given`'s where it has one, else the built-in one.
    pub(crate) fn new(mut given: Vec<(Kometa, Schema)>) -> LinkedSchemas {
        for kind in Kometa::ALL {
            if !given.iter().any(|(k, _)| *k == kind) {
                given.push((kind, Schema::kometa(kind)));
            }
        }
        LinkedSchemas { schemas: given }
    }

    fn get(&self, kind: Kometa) -> &Schema {
        &self
            .schemas
            .iter()
            .find(|(k, _)| *k == kind)
            .expect("a schema for every kind")
            .1
    }

    /// Why a schema read from a file did not compile for a linked file.
    pub(crate) fn failure(&self) -> Option<(Kometa, &str)> {
        self.schemas
            .iter()
            .find_map(|(k, s)| s.failure().map(|why| (*k, why)))
    }
}

/// A linked file and its findings.
pub(crate) struct File {
    /// The path it was found at, as shown.
    pub(crate) path: String,
    /// Its text, when it could be read.
    pub(crate) text: Option<String>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) secrets: Vec<Range<usize>>,
}

/// The linked files of one run: each file is checked once, however many
/// configs or libraries link to it.
pub(crate) struct Linked<'s> {
    schemas: &'s LinkedSchemas,
    workdir: Option<PathBuf>,
    options: Options,
    seen: HashSet<(PathBuf, Target)>,
    /// The files checked and not yet taken, in the order they were first
    /// linked.
    pub(crate) files: Vec<File>,
    /// How many files were checked.
    checked: usize,
    /// How many links were not followed (remote or bundled).
    not_checked: usize,
}

/// Files to check: where, and as what.
type Todo = Vec<(PathBuf, Target)>;

impl<'s> Linked<'s> {
    pub(crate) fn new(
        schemas: &'s LinkedSchemas,
        workdir: Option<PathBuf>,
        options: Options,
    ) -> Linked<'s> {
        Linked {
            schemas,
            workdir,
            options,
            seen: HashSet::new(),
            files: Vec::new(),
            checked: 0,
            not_checked: 0,
        }
    }

    /// `2 linked files checked, 14 links not checked (offline)`.
    pub(crate) fn summary(&self) -> String {
        let n = |count: usize, word: &str| {
            format!("{count} {word}{}", if count == 1 { "" } else { "s" })
        };
        format!(
            "{} checked, {} not checked (offline)",
            n(self.checked, "linked file"),
            n(self.not_checked, "link")
        )
    }

    /// The findings of the config at `path` (its links among them), after
    /// which the files it links to are checked. `options` are the config's
    /// own (its placeholders resolve from the environment beside it).
    pub(crate) fn config(
        &mut self,
        path: &Path,
        text: &str,
        schemas: &Schemas,
        options: &Options,
    ) -> Checked {
        self.file(path, text, Kometa::Config, |extra| {
            check::check_with(text, schemas, options, Some(extra))
        })
    }

    /// The findings of the Kometa file of `kind` at `path` (not a config),
    /// checked against `schema`, after which the templates it links to are
    /// checked.
    pub(crate) fn kometa_file(
        &mut self,
        path: &Path,
        text: &str,
        kind: Kometa,
        schema: &Schema,
    ) -> Checked {
        let options = self.options.clone();
        self.file(path, text, kind, |extra| {
            check_file(text, Some(schema), &options, Some(extra))
        })
    }

    /// Runs `check` with the scan of a file's links, then follows them.
    fn file(
        &mut self,
        path: &Path,
        text: &str,
        kind: Kometa,
        check: impl FnOnce(check::Extra<'_>) -> Checked,
    ) -> Checked {
        let base = Base::new(path, self.workdir.as_deref());
        if let Ok(canonical) = path.canonicalize() {
            self.seen.insert((canonical, Target::File(kind)));
        }
        let mut todo = Todo::new();
        let mut remote = 0;
        let mut extra = |root: &Node<'_>| scan(root, kind, text, &base, &mut todo, &mut remote);
        let checked = check(&mut extra);
        self.not_checked += remote;
        self.follow(todo, &base);
        checked
    }

    /// Checks each file of `todo` not checked yet, and the templates each
    /// links to.
    fn follow(&mut self, todo: Todo, base: &Base) {
        for (path, target) in todo {
            let key = (path.canonicalize().unwrap_or_else(|_| path.clone()), target);
            if !self.seen.insert(key) {
                continue;
            }
            self.checked += 1;
            let shown = path.display().to_string();
            let text = match persist::read(&path) {
                Ok(loaded) => loaded.text,
                Err(e) => {
                    self.files.push(File {
                        path: shown,
                        text: None,
                        diagnostics: vec![Diagnostic::whole_file(
                            Rule::Unreadable,
                            format!("cannot read: {e}"),
                        )],
                        secrets: Vec::new(),
                    });
                    continue;
                }
            };
            let kind = match target {
                Target::File(kind) => Some(kind),
                Target::Detected => Some(detect(&text)),
                Target::Images => None,
            };
            let schemas = self.schemas;
            let schema = kind.map(|k| schemas.get(k));
            let mut inner = Todo::new();
            let mut remote = 0;
            let checked = match kind {
                Some(kind) if kind != Kometa::Template => {
                    let mut extra =
                        |root: &Node<'_>| scan(root, kind, &text, base, &mut inner, &mut remote);
                    check_file(&text, schema, &self.options, Some(&mut extra))
                }
                _ => check_file(&text, schema, &self.options, None),
            };
            self.not_checked += remote;
            self.files.push(File {
                path: shown,
                text: Some(text),
                diagnostics: checked.diagnostics,
                secrets: checked.secrets,
            });
            self.follow(inner, base);
        }
    }
}

/// The kind of a `metadata_path` file, as Kometa's validator detects one
/// (modules/validator.py:78-92): a collection file if it holds collections,
/// else a metadata file.
fn detect(text: &str) -> Kometa {
    let collections = Document::parse(text).ok().is_some_and(|doc| {
        doc.roots
            .first()
            .and_then(Node::entries)
            .is_some_and(|entries| {
                entries
                    .iter()
                    .any(|e| matches!(e.key.scalar(), Some("collections" | "dynamic_collections")))
            })
    });
    if collections {
        Kometa::Collection
    } else {
        Kometa::Metadata
    }
}

/// The findings about the links of a file of `kind` (`text`, its root
/// `root`): a missing file or folder, a blank link, and a note per list
/// for the links not followed. The files to check go to `todo`.
fn scan(
    root: &Node<'_>,
    kind: Kometa,
    text: &str,
    base: &Base,
    todo: &mut Todo,
    remote: &mut usize,
) -> Vec<Diagnostic> {
    let mut lines = Lines::new(text);
    let mut found = Vec::new();
    for list in collect::lists(root, kind) {
        let mut unfollowed = Vec::new();
        for link in collect::links(&list) {
            match link {
                Link::Remote {
                    at,
                    how,
                    what,
                    ignored,
                } => unfollowed.push((at, how, what, ignored)),
                Link::Blank { at, attr } => found.push(blank(&list, at, attr)),
                Link::Plain { at, path } => {
                    let written = base.resolve(&path);
                    let loaded = base.resolve(&resolve::with_extension(&path));
                    if !written.exists() {
                        found.push(missing(at, &path, &written, base, "Path not found"));
                    } else if !loaded.exists() {
                        found.push(
                            missing(at, &path, &loaded, base, "File does not exist")
                                .hint(format!("Kometa loads `{}`: the path with `.yml` appended, as it has no .yml or .yaml extension", loaded.display())),
                        );
                    } else {
                        todo.push((loaded, list.target));
                    }
                }
                Link::File { at, path } => {
                    let loaded = base.resolve(&resolve::with_extension(&path));
                    if loaded.exists() {
                        todo.push((loaded, list.target));
                    } else {
                        found.push(missing(at, &path, &loaded, base, "File does not exist"));
                    }
                }
                Link::Folder { at, path } => {
                    let dir = base.resolve(&path);
                    if !dir.is_dir() {
                        found.push(missing(at, &path, &dir, base, "Folder not found"));
                        continue;
                    }
                    let files = resolve::folder_files(&dir);
                    if files.is_empty() {
                        found.push(
                            Diagnostic::new(
                                Rule::LinkedMissing,
                                at.start..at.end,
                                format!(
                                    "the folder `{}` holds no .yml or .yaml file",
                                    clip(&path, WORD)
                                ),
                            )
                            .hint("Kometa logs \"No YAML (.yml,.yaml) files found\" and loads nothing from it (subfolders are not read)"),
                        );
                    }
                    todo.extend(files.into_iter().map(|f| (f, list.target)));
                }
            }
        }
        if !unfollowed.is_empty() {
            *remote += unfollowed.len();
            found.push(not_checked(&list, &unfollowed, &mut lines));
        }
    }
    found
}

/// A missing file or folder: what was written, and where it was looked for
/// when that differs.
fn missing(at: &Node<'_>, written: &str, tried: &Path, base: &Base, kometa: &str) -> Diagnostic {
    let tried_shown = tried.display().to_string();
    let what = if kometa == "Folder not found" {
        "folder"
    } else {
        "file"
    };
    let looked = if tried_shown == written {
        String::new()
    } else {
        format!(" (looked for `{}`)", clip(&tried_shown, 2 * WORD))
    };
    let relative = !Path::new(written).is_absolute();
    let hint = if relative {
        format!(
            "Kometa reads relative links from its working directory, taken to be {} (--workdir sets it); it logs \"{kometa}\" and skips the {what}",
            base.shown()
        )
    } else {
        format!("Kometa logs \"{kometa}\" and skips the {what}")
    };
    Diagnostic::new(
        Rule::LinkedMissing,
        at.start..at.end,
        format!(
            "the linked {what} `{}` does not exist{looked}",
            clip(written, 2 * WORD)
        ),
    )
    .hint(hint)
}

/// A blank list, or a blank link of a list.
fn blank(list: &List<'_, '_>, at: &Node<'_>, attr: &str) -> Diagnostic {
    let message = if attr.is_empty() {
        format!("`{}` is blank", list.name)
    } else {
        format!("`{attr}:` in `{}` is blank", list.name)
    };
    Diagnostic::new(Rule::LinkedMissing, at.start..at.end, message).hint(format!(
        "Kometa logs \"{} is blank\" and loads nothing from it",
        list.method
    ))
}

/// One note for a list's links that are not followed: the first few named,
/// each one with its line in the notes.
fn not_checked(
    list: &List<'_, '_>,
    links: &[(&Node<'_>, &'static str, String, bool)],
    lines: &mut Lines<'_>,
) -> Diagnostic {
    let named: Vec<String> = links
        .iter()
        .take(NAMED)
        .map(|(_, how, what, _)| format!("`{how}: {}`", clip(what, WORD)))
        .collect();
    let more = if links.len() > NAMED { ", …" } else { "" };
    let count = match links.len() {
        1 => "1 link".to_string(),
        n => format!("{n} links"),
    };
    let mut d = Diagnostic::new(
        Rule::LinkedNotChecked,
        list.key.start..list.key.end,
        format!(
            "{count} in `{}` not checked (remote or bundled, and this check is offline): {}{more}",
            list.name,
            named.join(", ")
        ),
    );
    if links.iter().any(|(.., ignored)| *ignored) {
        d = d.hint(
            "Kometa 2.4.4 skips `default:` and `pmm:` links in metadata_files without a word",
        );
    }
    d.notes = links
        .iter()
        .map(|(at, how, what, ignored)| {
            format!(
                "line {}: {how}: {}{}",
                lines.at(at.start),
                clip(what, WORD),
                if *ignored { " (skipped by Kometa)" } else { "" }
            )
        })
        .collect();
    d
}

/// Line numbers of byte offsets that mostly come in order (the links of a
/// file), counted from the last one asked rather than indexed up front.
struct Lines<'t> {
    text: &'t str,
    byte: usize,
    line: usize,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Lines<'t> {
        Lines {
            text,
            byte: 0,
            line: 1,
        }
    }

    /// The 1-based line of `byte`.
    fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            *self = Lines::new(self.text);
        }
        let byte = byte.min(self.text.len());
        self.line += self.text.as_bytes()[self.byte..byte]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.byte = byte;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    #[test]
    fn lines_are_counted_forward_and_back() {
        let text = "a\nb\n\nc";
        let mut lines = Lines::new(text);
        assert_eq!(lines.at(0), 1);
        assert_eq!(lines.at(2), 2);
        assert_eq!(lines.at(5), 4);
        assert_eq!(lines.at(1), 1);
        assert_eq!(lines.at(99), 4);
    }
}
