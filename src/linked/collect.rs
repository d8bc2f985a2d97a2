//! Where a Kometa file links to others, and the entries of each link list,
//! read as Kometa 2.4.4 reads them (modules/config.py:353-362, 1001-1024,
//! 1648-1803; modules/util.py:457-550; `DataFile.external_templates` of
//! modules/meta.py).

use crate::document::scalar::{Resolved, resolve};
use crate::document::{Kind, Node};
use crate::schema::Kometa;

/// What the files of a link list are, and so which schema they get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Target {
    /// A file of this kind, checked against its schema.
    File(Kometa),
    /// A `metadata_path` file: loaded as a collection file and as a
    /// metadata file; checked against the one its keys say it is (as
    /// Kometa's validator detects a file's kind).
    Detected,
    /// An `image_files` file: loaded, never schema-checked by Kometa.
    Images,
}

/// A list of links: where it is and what its files are.
pub(crate) struct List<'d, 'a> {
    /// The key (`collection_files`), for positions.
    pub(crate) key: &'d Node<'a>,
    pub(crate) value: &'d Node<'a>,
    /// Where it is, dotted (`libraries.Movies.collection_files`).
    pub(crate) name: String,
    /// Kometa's name of the list (its `method`).
    pub(crate) method: &'static str,
    pub(crate) target: Target,
}

/// One entry's link.
pub(crate) enum Link<'d, 'a> {
    /// A path written as a string entry (`- config/Movies.yml`): Kometa
    /// checks it exists as written, then loads it with `.yml` appended
    /// unless it has a YAML extension.
    Plain { at: &'d Node<'a>, path: String },
    /// `file: PATH`: loaded with `.yml` appended unless it has a YAML
    /// extension.
    File { at: &'d Node<'a>, path: String },
    /// `folder: PATH`: its `*.yml` and `*.yaml` files.
    Folder { at: &'d Node<'a>, path: String },
    /// `url:`, `git:`, `repo:`, `default:` or `pmm:`: fetched or bundled.
    Remote {
        at: &'d Node<'a>,
        how: &'static str,
        what: String,
        /// Kometa skips it without a word (`default:`/`pmm:` in
        /// `metadata_files`, modules/util.py:471).
        ignored: bool,
    },
    /// An entry key without a value: Kometa logs "… is blank" and loads
    /// nothing from it.
    Blank {
        at: &'d Node<'a>,
        attr: &'static str,
    },
}

/// The keys of a mapping entry that link, in the order Kometa reads them.
const ATTRIBUTES: &[&str] = &["url", "git", "pmm", "default", "repo", "file", "folder"];

/// The link lists of a file of `kind`.
pub(crate) fn lists<'d, 'a>(root: &'d Node<'a>, kind: Kometa) -> Vec<List<'d, 'a>> {
    let mut found = Vec::new();
    let entries = root.entries().unwrap_or_default();
    let get = |name: &str| entries.iter().find(|e| e.key.scalar() == Some(name));
    match kind {
        Kometa::Config => {
            if let Some(e) = get("playlist_files") {
                found.push(List {
                    key: &e.key,
                    value: &e.value,
                    name: "playlist_files".to_string(),
                    method: "playlist_files",
                    target: Target::File(Kometa::Playlist),
                });
            }
            let libraries = get("libraries").and_then(|e| e.value.entries());
            for library in libraries.unwrap_or_default() {
                let Some(library_name) = library.key.scalar() else {
                    continue;
                };
                let attributes = library.value.entries().unwrap_or_default();
                let has = |n: &str| attributes.iter().any(|a| a.key.scalar() == Some(n));
                for a in attributes {
                    let (method, target) = match a.key.scalar() {
                        Some("collection_files") => {
                            ("collection_files", Target::File(Kometa::Collection))
                        }
                        Some("metadata_files") => {
                            ("metadata_files", Target::File(Kometa::Metadata))
                        }
                        Some("overlay_files") => ("overlay_files", Target::File(Kometa::Overlay)),
                        Some("image_files") => ("image_files", Target::Images),
                        Some("overlay_path") => ("overlay_files", Target::File(Kometa::Overlay)),
                        // Becomes collection_files and metadata_files, each
                        // unless the library has it (modules/config.py:353-359).
                        Some("metadata_path") => {
                            match (has("collection_files"), has("metadata_files")) {
                                (false, false) => ("metadata_path", Target::Detected),
                                (false, true) => {
                                    ("collection_files", Target::File(Kometa::Collection))
                                }
                                (true, false) => ("metadata_files", Target::File(Kometa::Metadata)),
                                (true, true) => continue,
                            }
                        }
                        _ => continue,
                    };
                    found.push(List {
                        key: &a.key,
                        value: &a.value,
                        name: format!(
                            "libraries.{library_name}.{}",
                            a.key.scalar().unwrap_or_default()
                        ),
                        method,
                        target,
                    });
                }
            }
        }
        Kometa::Collection | Kometa::Overlay | Kometa::Metadata | Kometa::Playlist => {
            if let Some(e) = get("external_templates") {
                found.push(List {
                    key: &e.key,
                    value: &e.value,
                    name: "external_templates".to_string(),
                    method: "external_templates",
                    target: Target::File(Kometa::Template),
                });
            }
        }
        Kometa::Template => {}
    }
    found.sort_by_key(|l| l.key.start);
    found
}

/// The links of a list, as `util.load_files` reads its value: a string or
/// a mapping is one entry, a sequence is its items; a mapping may hold
/// several links. A list that is blank itself gives one `Blank`.
pub(crate) fn links<'d, 'a>(list: &List<'d, 'a>) -> Vec<Link<'d, 'a>> {
    let value = list.value;
    if blank(value) {
        return vec![Link::Blank {
            at: list.key,
            attr: "",
        }];
    }
    let items: Vec<&'d Node<'a>> = match &value.kind {
        Kind::Sequence { items, .. } => items.iter().collect(),
        _ => vec![value],
    };
    let mut found = Vec::new();
    for item in items {
        match item.entries() {
            Some(entries) => {
                for attr in ATTRIBUTES {
                    let Some(e) = entries.iter().find(|e| e.key.scalar() == Some(attr)) else {
                        continue;
                    };
                    let text = e.value.scalar().unwrap_or_default().to_string();
                    // Not even read in metadata_files (modules/util.py:471).
                    let skipped =
                        list.method == "metadata_files" && matches!(*attr, "pmm" | "default");
                    let link = match *attr {
                        how if skipped => Link::Remote {
                            at: &e.value,
                            how,
                            what: text,
                            ignored: true,
                        },
                        _ if blank(&e.value) => Link::Blank { at: &e.key, attr },
                        "file" => Link::File {
                            at: &e.value,
                            path: text,
                        },
                        "folder" => Link::Folder {
                            at: &e.value,
                            path: text,
                        },
                        // `git: PMM/x` is Kometa's `default: x`
                        // (modules/util.py:476-477): bundled either way.
                        how => Link::Remote {
                            at: &e.value,
                            how,
                            what: text,
                            ignored: false,
                        },
                    };
                    found.push(link);
                }
            }
            None => {
                if let Some(path) = item.scalar().filter(|_| !item.is_null()) {
                    found.push(Link::Plain {
                        at: item,
                        path: path.to_string(),
                    });
                }
            }
        }
    }
    found
}

/// A value Kometa calls blank: null, an empty string, `false`, zero, an
/// empty list or mapping (Python's falsy values).
fn blank(node: &Node<'_>) -> bool {
    match &node.kind {
        Kind::Scalar { value, style } => match resolve(value, *style, node.tag.as_deref()) {
            Resolved::Null | Resolved::Bool(false) | Resolved::Int(0) => true,
            Resolved::Float(f) => f.parse::<f64>().is_ok_and(|f| f == 0.0),
            Resolved::Str(s) => s.is_empty(),
            _ => false,
        },
        Kind::Sequence { items, .. } => items.is_empty(),
        Kind::Mapping { entries, .. } => entries.is_empty(),
        Kind::Alias(_) => false,
    }
}
