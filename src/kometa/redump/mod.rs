//! What Kometa changes when it saves the config by re-dumping it: the
//! authorization values (trakt's six, MyAnimeList's four), `pin` emptied,
//! and keys `check_for_attribute` adds with their defaults
//! (reference: `modules/trakt.py` `_save`, `modules/mal.py` `_save`,
//! `modules/config.py` `check_for_attribute`). Its dump also inlines an
//! alias whose value it replaced, drops anchors no alias uses any more, and
//! writes a `%YAML 1.1` document's `on`/`yes` back as `true`: the
//! differences in meaning ([`differences`]) read through both.
//!
//! Whether a file is a Kometa save of another is proven by Kometa's own
//! dumper: [`reproduce`] runs `redump.py` (beside this file) with Python and
//! ruamel.yaml at Kometa's pin, on Kometa's own `YAML` class and
//! `check_for_attribute` calls (the vendored `modules/request.py` and
//! `modules/config.py`, embedded byte for byte), and returns the bytes
//! Kometa's save would have.

mod implicit;
mod streamed;

pub(crate) use streamed::differences as streamed_differences;

use std::ffi::OsStr;
use std::io::Write;
use std::ops::Range;
use std::process::{Command, Stdio};

use super::AUTH_KEYS;
use crate::document::diff::{Change, Uncarried};
use crate::document::scalar::{Resolved, resolve};
use crate::document::{Document, Kind, Node, Style};

/// MyAnimeList's authorization keys, in `_save`'s order.
const MAL_AUTH_KEYS: &[&str] = &["access_token", "token_type", "expires_in", "refresh_token"];

/// The ruamel.yaml Kometa 2.4.4 pins (its requirements.txt): another
/// version may dump differently.
pub(crate) const RUAMEL: &str = "0.19.1";

/// The program that reproduces Kometa's save (run with `python -c`).
const PROGRAM: &str = include_str!("redump.py");
/// Kometa 2.4.4's `modules/request.py` (its `YAML` class) and
/// `modules/config.py` (its `check_for_attribute` calls), byte for byte.
const REQUEST_PY: &str = include_str!("../../../vendor/kometa-2.4.4/modules/request.py");
const CONFIG_PY: &str = include_str!("../../../vendor/kometa-2.4.4/modules/config.py");

/// Whether Kometa's own save makes `change`.
pub(crate) fn made_by_kometa(change: &Change) -> bool {
    let path: Vec<&str> = change.path.iter().map(String::as_str).collect();
    match path.as_slice() {
        ["trakt", "authorization", key] => AUTH_KEYS.contains(key),
        ["mal", "authorization", key] => MAL_AUTH_KEYS.contains(key),
        ["trakt", "pin"] => change.new == Resolved::Null,
        // `check_for_attribute` adds `parent.attribute: default`.
        [_, _] => change.old.is_none(),
        _ => false,
    }
}

/// Whether Kometa's own save adds a sequence at `path`: only
/// `check_for_attribute` does (`settings.run_order`'s default is a list).
pub(crate) fn sequence_by_kometa(path: &[String]) -> bool {
    path.len() == 2
}

/// What Kometa would have written, as far as its own dumper tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reproduced {
    /// The working file means what the original means: no save of Kometa
    /// leaves that (each adds a key or a token).
    SameData,
    /// Kometa's loader refuses the original (`true`) or the working file.
    Unloadable { original: bool },
    /// Kometa's save of the original with the working file's tokens and
    /// added keys (`save`), and the original merely loaded and dumped
    /// (`redump`: what the dump alone changes).
    Save { save: String, redump: String },
}

/// Kometa's save of `original` that would hold what `working` holds,
/// reproduced by `python` with ruamel.yaml [`RUAMEL`]. `Err` says why it
/// could not be reproduced (no Python, no such ruamel.yaml); the message
/// never quotes the files.
pub(crate) fn reproduce(
    python: &OsStr,
    original: &str,
    working: &str,
) -> Result<Reproduced, String> {
    let request = serde_json::json!({
        "committed": original,
        "working": working,
        "ruamel": RUAMEL,
        "request_py": REQUEST_PY,
        "config_py": CONFIG_PY,
        "trakt_keys": AUTH_KEYS,
        "mal_keys": MAL_AUTH_KEYS,
    })
    .to_string();
    let shown = python.to_string_lossy();
    let mut child = Command::new(python)
        .arg("-c")
        .arg(PROGRAM)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("{shown} is not installed"),
            _ => format!("{shown} cannot be run ({e})"),
        })?;
    let mut stdin = child.stdin.take().expect("piped");
    // Written beside the reading of the answer: neither pipe can fill up.
    let feeder = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let done = child
        .wait_with_output()
        .map_err(|e| format!("{shown} failed ({e})"))?;
    let _ = feeder.join();
    let answer: serde_json::Value = serde_json::from_slice(&done.stdout).map_err(|_| {
        format!(
            "{shown} did not reproduce it ({})",
            match done.status.code() {
                Some(code) => format!("exit {code}"),
                None => "killed".into(),
            }
        )
    })?;
    let text = |key: &str| answer.get(key).and_then(|v| v.as_str()).map(str::to_string);
    if answer.get("ok").and_then(|v| v.as_bool()) != Some(true) {
        return Err(text("why").unwrap_or_else(|| format!("{shown} did not reproduce it")));
    }
    match text("outcome").as_deref() {
        Some("same-data") => Ok(Reproduced::SameData),
        Some("unloadable") => Ok(Reproduced::Unloadable {
            original: text("which").as_deref() == Some("committed"),
        }),
        Some("reproduced") => match (text("save"), text("redump")) {
            (Some(save), Some(redump)) => Ok(Reproduced::Save { save, redump }),
            _ => Err(format!("{shown} gave no save")),
        },
        _ => Err(format!("{shown} gave an answer kometa-trakt does not know")),
    }
}

/// The difference in meaning between a file as written (`before`) and as
/// Kometa saved it (`after`), for restore to carry: every scalar that
/// changed or was added, and the aliases whose value Kometa replaced.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Differences {
    pub(crate) changes: Vec<Change>,
    pub(crate) replaced: Vec<Replaced>,
    /// Keys added with a sequence of scalars as their value.
    pub(crate) sequences: Vec<AddedSequence>,
    /// Keys of a mapping Kometa's token save writes whole (an
    /// `authorization`) that its save dropped.
    pub(crate) removed: Vec<Vec<String>>,
}

/// A key added with a sequence of scalars (`run_order: [operations, ...]`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AddedSequence {
    pub(crate) path: Vec<String>,
    pub(crate) items: Vec<Resolved>,
    /// How many of the changes come before it (in the order of `after`).
    pub(crate) at: usize,
}

/// A node of `before` whose value Kometa's save replaced as a whole, which
/// edits of its scalars cannot carry: an alias (Kometa's dump writes the
/// new value in the alias's place), or a value of another kind where
/// Kometa's token save writes (`authorization: [REDACTED]`). Restore
/// empties it and writes the new value there.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Replaced {
    pub(crate) path: Vec<String>,
    /// The node (`*name`, `[REDACTED]`, ...) in `before`'s text.
    pub(crate) range: Range<usize>,
    /// Every scalar of the new value; `old` is what was read there.
    pub(crate) values: Vec<Change>,
}

/// Where Kometa's token saves write a whole new value: `pin`, and the
/// `authorization` mappings.
fn saved_whole(path: &[String]) -> bool {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    matches!(
        path.as_slice(),
        ["trakt", "pin"] | ["trakt" | "mal", "authorization", ..]
    )
}

/// How many nodes a comparison visits at most through aliases (an alias
/// bomb reads as billions of nodes; a large file without aliases is read
/// whole).
const BUDGET: usize = 200_000;

/// What is left of [`BUDGET`], and how deep the comparison is in aliases.
struct Budget {
    left: usize,
    aliased: usize,
}

impl Budget {
    /// Counts a visit of `nodes`, if it is through an alias.
    fn spend(&mut self, path: &[String], nodes: &[&Node<'_>]) -> Result<(), Uncarried> {
        if self.aliased == 0 && !nodes.iter().any(|n| matches!(n.kind, Kind::Alias(_))) {
            return Ok(());
        }
        self.left = self
            .left
            .checked_sub(1)
            .ok_or_else(|| uncarried(path, "it holds too many aliases to compare"))?;
        Ok(())
    }

    /// Runs `inside` with every visit counted when one of `nodes` is an
    /// alias.
    fn through<T>(&mut self, nodes: &[&Node<'_>], inside: impl FnOnce(&mut Self) -> T) -> T {
        let alias = usize::from(nodes.iter().any(|n| matches!(n.kind, Kind::Alias(_))));
        self.aliased += alias;
        let out = inside(self);
        self.aliased -= alias;
        out
    }
}

/// A document and how its plain scalars read.
struct Side<'d, 'a> {
    doc: &'d Document<'a>,
    yaml11: bool,
}

/// Every scalar of `after`'s root that differs from `before`'s, or the
/// first difference that edits of scalars cannot carry, read as ruamel.yaml
/// (Kometa's loader) reads: through aliases (not by anchor number, which
/// Kometa's dump shifts when it drops an anchor), keys by what they read as
/// (`"2024"` is not `2024`, a plain `<<` merges) and in their order (keys
/// added come after the others, where Kometa's save adds them; the
/// `authorization` mappings it saves whole may come in any order), the tags
/// that change what a node means (`!!set`, `!custom`), and plain scalars of
/// a `%YAML 1.1` document as YAML 1.1 booleans where they are (`on`, `yes`,
/// `n`, ...). An alias of `before`
/// whose value changed is written out ([`Replaced`]), as Kometa's dump does; so is
/// a value of another kind where Kometa's token save writes.
pub(crate) fn differences(
    before: &Document<'_>,
    after: &Document<'_>,
) -> Result<Differences, Uncarried> {
    let b = Side {
        doc: before,
        yaml11: yaml11(before.source.text),
    };
    let a = Side {
        doc: after,
        yaml11: yaml11(after.source.text),
    };
    if before.doc_starts.len() > 1 || after.doc_starts.len() > 1 {
        return Err(uncarried(&[], "it holds several YAML documents"));
    }
    // The restored file has the original's directive: its plain scalars
    // would read as the original's version reads them.
    if b.yaml11 != a.yaml11 {
        return Err(uncarried(&[], "its %YAML directive differs"));
    }
    let mut out = Differences::default();
    let mut budget = Budget {
        left: BUDGET,
        aliased: 0,
    };
    match (before.roots.first(), after.roots.first()) {
        (Some(bn), Some(an)) => walk(&b, bn, &a, an, &mut Vec::new(), &mut out, &mut budget)?,
        (None, Some(an)) => added(&a, an, &mut Vec::new(), &mut out, &mut budget)?,
        (Some(_), None) => return Err(uncarried(&[], "the whole document was removed")),
        (None, None) => {}
    }
    Ok(out)
}

/// Whether `text` starts with a `%YAML 1.1` directive (ruamel.yaml then
/// resolves its plain scalars by YAML 1.1).
pub(crate) fn yaml11(text: &str) -> bool {
    for line in text.trim_start_matches('\u{feff}').lines() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("%YAML") {
            return rest.split_whitespace().next() == Some("1.1");
        }
        if !line.starts_with('%') {
            return false;
        }
    }
    false
}

fn uncarried(path: &[String], why: &'static str) -> Uncarried {
    Uncarried {
        path: if path.is_empty() {
            "(the document)".into()
        } else {
            path.join(".")
        },
        why,
    }
}

/// A tag outside the core schema (`!` alone is a plain string).
fn custom_tag<'n>(node: &'n Node<'_>) -> Option<&'n str> {
    custom(node.tag.as_deref())
}

/// The tag that tells what a node means beyond its kind and resolved
/// value: one outside the core schema, or on a collection a core tag other
/// than its kind's own (`!!set`, `!!omap`), or on a scalar
/// [`scalar_meaning_tag`].
fn meaning_tag<'n>(node: &'n Node<'_>) -> Option<&'n str> {
    if let Kind::Scalar { value, style } = &node.kind {
        return scalar_meaning_tag(value, *style, node.tag.as_deref());
    }
    let tag = node.tag.as_deref()?;
    let own = match &node.kind {
        Kind::Mapping { .. } => "tag:yaml.org,2002:map",
        Kind::Sequence { .. } => "tag:yaml.org,2002:seq",
        _ => return None,
    };
    (tag != "!" && tag != own).then_some(tag)
}

/// What [`scalar_meaning_tag`] gives a plain scalar that ruamel.yaml reads
/// otherwise than YAML 1.2's core schema (`1_000`, `2021-06-01`).
const RUAMEL_READING: &str = "ruamel.yaml's own reading";

/// A scalar's tag, when it makes ruamel.yaml's round-trip loader read the
/// scalar as more than its resolved value: every tag but `!` and the typed
/// core tags on text of their type (`!!int 1` is 1, `!!null ''` is None).
/// `!!str x` is a `TaggedScalar`, no string; `!!binary`, `!!timestamp` and
/// custom tags construct other objects; `!!int abc` does not load. A plain
/// scalar without a tag that ruamel.yaml reads otherwise than the core
/// schema has [`RUAMEL_READING`].
pub(super) fn scalar_meaning_tag<'t>(
    value: &str,
    style: Style,
    tag: Option<&'t str>,
) -> Option<&'t str> {
    // ruamel.yaml resolves a plain scalar tagged `!` as an untagged one.
    if tag.is_none() || (tag == Some("!") && style == Style::Plain) {
        return (style == Style::Plain && implicit::read_otherwise(value))
            .then_some(RUAMEL_READING);
    }
    let typed = matches!(
        tag?.strip_prefix("tag:yaml.org,2002:"),
        Some("int" | "float" | "bool" | "null")
    );
    (tag != Some("!") && (!typed || mistyped(value, tag))).then_some(tag?)
}

/// Whether a typed core tag (`!!int`, `!!float`, `!!bool`) is on text that
/// is no such value, which loaders do not read alike (ruamel.yaml refuses
/// it).
fn mistyped(value: &str, tag: Option<&str>) -> bool {
    let read = resolve(value, Style::Plain, tag);
    match tag.and_then(|t| t.strip_prefix("tag:yaml.org,2002:")) {
        Some("int") => !matches!(read, Resolved::Int(_)),
        Some("float") => !matches!(read, Resolved::Float(_)),
        Some("bool") => !matches!(read, Resolved::Bool(_)),
        _ => false,
    }
}

/// Whether a scalar tagged `tag` still reads as `new` when the editor
/// writes `new` there (it keeps the node's tag).
pub(super) fn reads_under(tag: Option<&str>, new: &Resolved) -> bool {
    let core = |name: &str| tag == Some(&format!("tag:yaml.org,2002:{name}"));
    match new {
        _ if tag.is_none() => true,
        Resolved::Str(_) => tag == Some("!") || core("str"),
        Resolved::Int(_) => core("int"),
        Resolved::Float(_) => core("float"),
        Resolved::Bool(_) => core("bool"),
        Resolved::Null => core("null"),
    }
}

/// A mapping's key as ruamel.yaml tells keys apart: what it reads as, the
/// tag that makes it more (`!!str 1` is a `TaggedScalar`), and whether it
/// is a merge key (`<<` written plainly); its text is what a path names.
/// `None`: a key that is no scalar, or has a custom tag.
#[derive(Debug, PartialEq)]
struct Key<'d> {
    text: &'d str,
    read: Resolved,
    tag: Option<&'d str>,
    merge: bool,
}

fn key<'d>(side: &Side<'d, '_>, node: &'d Node<'_>) -> Option<Key<'d>> {
    let node = side.doc.target(node);
    let Kind::Scalar { style, .. } = &node.kind else {
        return None;
    };
    let text = node.scalar()?;
    if custom_tag(node).is_some() {
        return None;
    }
    Some(Key {
        text,
        read: scalar(side, node)?,
        tag: meaning_tag(node),
        merge: *style == Style::Plain && node.tag.is_none() && text == "<<",
    })
}

impl Key<'_> {
    /// Whether the editor, writing this key's text as a new key, writes
    /// this key: an untagged string that is no merge key.
    fn writable(&self) -> bool {
        !self.merge && self.tag.is_none() && self.read == Resolved::Str(self.text.to_string())
    }
}

/// `tag`, if it is outside the core schema.
fn custom(tag: Option<&str>) -> Option<&str> {
    tag.filter(|t| !t.starts_with("tag:yaml.org,2002:") && *t != "!")
}

/// A scalar as `side` reads it.
fn scalar(side: &Side<'_, '_>, node: &Node<'_>) -> Option<Resolved> {
    let Kind::Scalar { value, style } = &node.kind else {
        return None;
    };
    Some(read_scalar(side.yaml11, value, *style, node.tag.as_deref()))
}

/// A scalar as ruamel.yaml reads it (as YAML 1.1 with `yaml11`).
fn read_scalar(yaml11: bool, value: &str, style: Style, tag: Option<&str>) -> Resolved {
    // ruamel.yaml resolves a plain scalar tagged `!` as an untagged one
    // (`! 12` is 12), where the spec makes it a string.
    let tag = tag.filter(|t| !(*t == "!" && style == Style::Plain));
    if yaml11 && style == Style::Plain && tag.is_none() {
        // ruamel.yaml's YAML 1.1 booleans (resolver.py).
        match value {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
                return Resolved::Bool(true);
            }
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
                return Resolved::Bool(false);
            }
            _ => {}
        }
    }
    resolve(value, style, tag)
}

/// Whether two nodes mean the same, aliases followed.
fn same(
    b: &Side<'_, '_>,
    bn: &Node<'_>,
    a: &Side<'_, '_>,
    an: &Node<'_>,
    budget: &mut Budget,
) -> Result<bool, Uncarried> {
    budget.spend(&[], &[bn, an])?;
    budget.through(&[bn, an], |budget| {
        same_targets(b, b.doc.target(bn), a, a.doc.target(an), budget)
    })
}

/// Whether two nodes, aliases resolved, mean the same.
fn same_targets(
    b: &Side<'_, '_>,
    bn: &Node<'_>,
    a: &Side<'_, '_>,
    an: &Node<'_>,
    budget: &mut Budget,
) -> Result<bool, Uncarried> {
    if meaning_tag(bn) != meaning_tag(an) {
        return Ok(false);
    }
    match (&bn.kind, &an.kind) {
        (Kind::Scalar { .. }, Kind::Scalar { .. }) => Ok(scalar(b, bn) == scalar(a, an)),
        (Kind::Mapping { entries: be, .. }, Kind::Mapping { entries: ae, .. }) => {
            if be.len() != ae.len() {
                return Ok(false);
            }
            // The same keys in the same order, each with the same value.
            for (e, o) in be.iter().zip(ae) {
                let k = key(b, &e.key);
                if k.is_none() || k != key(a, &o.key) {
                    return Ok(false);
                }
                if !same(b, &e.value, a, &o.value, budget)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        (Kind::Sequence { items: bi, .. }, Kind::Sequence { items: ai, .. }) => {
            if bi.len() != ai.len() {
                return Ok(false);
            }
            for (x, y) in bi.iter().zip(ai) {
                if !same(b, x, a, y, budget)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        _ => Ok(false),
    }
}

fn walk(
    b: &Side<'_, '_>,
    bn: &Node<'_>,
    a: &Side<'_, '_>,
    an: &Node<'_>,
    path: &mut Vec<String>,
    out: &mut Differences,
    budget: &mut Budget,
) -> Result<(), Uncarried> {
    if same(b, bn, a, an, budget)? {
        return Ok(());
    }
    let (bt, at) = (b.doc.target(bn), a.doc.target(an));
    let replace = |out: &mut Differences, budget: &mut Budget, why| {
        let mut new = Differences::default();
        added(a, at, &mut path.clone(), &mut new, budget)?;
        if !new.sequences.is_empty() {
            return Err(uncarried(path, why));
        }
        let mut values = new.changes;
        for value in &mut values {
            value.old = read(b, bt, &value.path[path.len()..]);
        }
        out.changes.extend(
            values
                .iter()
                .filter(|v| v.old.as_ref() != Some(&v.new))
                .cloned(),
        );
        out.replaced.push(Replaced {
            path: path.clone(),
            range: bn.prop_start..bn.end,
            values,
        });
        Ok(())
    };
    if matches!(bn.kind, Kind::Alias(_)) && !matches!(bt.kind, Kind::Alias(_)) {
        // Kometa replaced the value the alias read; its dump writes the new
        // value in the alias's place.
        return replace(out, budget, "it changed through an alias (*)");
    }
    if bt.anchor != 0 || at.anchor != 0 {
        return Err(uncarried(
            path,
            "it changed inside an anchored node (&), whose aliases would change too",
        ));
    }
    let kind_changed = match (&bt.kind, &at.kind) {
        (Kind::Scalar { .. }, Kind::Scalar { .. }) | (_, Kind::Sequence { .. }) => false,
        (Kind::Mapping { .. }, Kind::Mapping { .. }) => false,
        (Kind::Scalar { .. }, Kind::Mapping { .. }) => !bt.is_null(),
        _ => true,
    };
    if kind_changed && saved_whole(path) {
        return replace(out, budget, "a sequence changed");
    }
    if meaning_tag(bt) != meaning_tag(at) && !matches!(bt.kind, Kind::Scalar { .. }) {
        return Err(uncarried(path, "its tag changed"));
    }
    match (&bt.kind, &at.kind) {
        (Kind::Alias(_), _) | (_, Kind::Alias(_)) => {
            Err(uncarried(path, "it changed through an alias (*)"))
        }
        (Kind::Mapping { entries: be, .. }, Kind::Mapping { entries: ae, .. }) => {
            let complex = || uncarried(path, "a mapping with a complex key changed");
            let bk = be
                .iter()
                .map(|e| key(b, &e.key))
                .collect::<Option<Vec<_>>>();
            let ak = ae
                .iter()
                .map(|e| key(a, &e.key))
                .collect::<Option<Vec<_>>>();
            let (Some(bk), Some(ak)) = (bk, ak) else {
                return Err(complex());
            };
            for gone in bk.iter().filter(|k| !ak.contains(k)) {
                path.push(gone.text.to_string());
                // Kometa's token save writes the mapping with its own keys.
                if !saved_whole(&path[..path.len() - 1]) || !gone.writable() {
                    return Err(uncarried(path, "the key was removed"));
                }
                out.removed.push(path.clone());
                path.pop();
            }
            // Where each key of `after` is in `before`: the keys both have
            // in the same order, then the keys added; but for the mappings
            // Kometa's token save writes whole, in its own order, whose
            // order Kometa does not read.
            let ordered = !saved_whole(path);
            let mut last = None;
            for (k, entry) in ak.iter().zip(ae) {
                let at = bk.iter().position(|o| o == k);
                match (last, at) {
                    _ if !ordered => {}
                    (Some(Some(l)), Some(i)) if i < l => {
                        return Err(uncarried(path, "its keys were put in another order"));
                    }
                    (Some(None), Some(_)) => {
                        path.push(k.text.to_string());
                        return Err(uncarried(
                            path,
                            "a key was added before it (restore adds keys at a mapping's end, as Kometa's save does)",
                        ));
                    }
                    _ => last = Some(at),
                }
                path.push(k.text.to_string());
                match at {
                    Some(i) => walk(b, &be[i].value, a, &entry.value, path, out, budget)?,
                    None if k.writable() => added(a, &entry.value, path, out, budget)?,
                    None => {
                        return Err(uncarried(
                            path,
                            "a key that reads as no plain string was added",
                        ));
                    }
                }
                path.pop();
            }
            Ok(())
        }
        (Kind::Scalar { .. }, Kind::Mapping { .. }) if bt.is_null() => {
            added(a, at, path, out, budget)
        }
        (Kind::Scalar { .. }, Kind::Scalar { .. }) => {
            let new = scalar(a, at).expect("a scalar");
            // The editor keeps the original's tag, and writes no other.
            let tags = [meaning_tag(bt), meaning_tag(at)];
            if tags.contains(&Some(RUAMEL_READING)) {
                return Err(uncarried(
                    path,
                    "a value Kometa's loader (ruamel.yaml) reads otherwise than YAML 1.2 changed",
                ));
            }
            if tags != [None, None] || !reads_under(bt.tag.as_deref(), &new) {
                return Err(uncarried(path, "a tagged value changed"));
            }
            out.changes.push(Change {
                path: path.clone(),
                old: scalar(b, bt),
                new,
            });
            Ok(())
        }
        (Kind::Sequence { .. }, _) | (_, Kind::Sequence { .. }) => {
            Err(uncarried(path, "a sequence changed"))
        }
        _ => Err(uncarried(
            path,
            "a value changed its kind (scalar, mapping, sequence)",
        )),
    }
}

/// Every scalar under `node` (and sequence of scalars), which the other
/// side did not have at `path`.
fn added(
    side: &Side<'_, '_>,
    node: &Node<'_>,
    path: &mut Vec<String>,
    found: &mut Differences,
    budget: &mut Budget,
) -> Result<(), Uncarried> {
    budget.spend(path, &[node])?;
    budget.through(&[node], |budget| {
        added_target(side, side.doc.target(node), path, found, budget)
    })
}

/// [`added`] for a node, its alias resolved.
fn added_target(
    side: &Side<'_, '_>,
    node: &Node<'_>,
    path: &mut Vec<String>,
    found: &mut Differences,
    budget: &mut Budget,
) -> Result<(), Uncarried> {
    if meaning_tag(node).is_some() {
        return Err(uncarried(path, "a tagged value was added"));
    }
    match &node.kind {
        Kind::Scalar { .. } => {
            found.changes.push(Change {
                path: path.clone(),
                old: None,
                new: scalar(side, node).expect("a scalar"),
            });
            Ok(())
        }
        Kind::Mapping { entries, .. } => {
            for entry in entries {
                let Some(k) = key(side, &entry.key).filter(Key::writable) else {
                    return Err(uncarried(
                        path,
                        "a mapping was added with a key that reads as no plain string",
                    ));
                };
                path.push(k.text.to_string());
                added(side, &entry.value, path, found, budget)?;
                path.pop();
            }
            Ok(())
        }
        Kind::Sequence { items, .. } => {
            let items = items
                .iter()
                .map(|item| {
                    let item = side.doc.target(item);
                    match custom_tag(item) {
                        None => scalar(side, item),
                        Some(_) => None,
                    }
                })
                .collect::<Option<Vec<Resolved>>>()
                .ok_or_else(|| uncarried(path, "a sequence was added"))?;
            found.sequences.push(AddedSequence {
                path: path.clone(),
                items,
                at: found.changes.len(),
            });
            Ok(())
        }
        Kind::Alias(_) => Err(uncarried(path, "an alias to nothing was added")),
    }
}

/// The scalar at `rest` under `node`, aliases followed.
fn read(side: &Side<'_, '_>, node: &Node<'_>, rest: &[String]) -> Option<Resolved> {
    let node = side.doc.target(node);
    match rest.split_first() {
        None => scalar(side, node),
        Some((key, rest)) => {
            let entry = node
                .entries()?
                .iter()
                .find(|e| side.doc.key_text(&e.key) == Some(key.as_str()))?;
            read(side, &entry.value, rest)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(before: &str, after: &str) -> Result<Differences, Uncarried> {
        differences(
            &Document::parse(before).unwrap(),
            &Document::parse(after).unwrap(),
        )
    }

    #[test]
    fn an_alias_bomb_is_refused_without_expanding_it() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (name, prior) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip("abcdefgh".chars())
        {
            bomb.push_str(&format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{prior}"); 10].join(", ")
            ));
        }
        let before = format!("{bomb}trakt:\n  client_id: old\n");
        let after = before.replace("old", "new");
        let refused = diff(&before, &after).unwrap_err();
        assert_eq!(refused.why, "it holds too many aliases to compare");
    }

    #[test]
    fn kometas_pin_of_ruamel_is_the_vendored_requirements() {
        let requirements = include_str!("../../../vendor/kometa-2.4.4/requirements.txt");
        assert!(
            requirements
                .lines()
                .any(|l| l == format!("ruamel.yaml=={RUAMEL}")),
            "vendor/kometa-2.4.4/requirements.txt pins another ruamel.yaml"
        );
    }

    #[test]
    fn yaml_1_1_booleans_written_back_as_true_are_no_change() {
        let d = diff(
            "%YAML 1.1\n---\na: yes\nb: 'on'\nc: off\n",
            "%YAML 1.1\n---\na: true\nb: 'on'\nc: false\n",
        )
        .unwrap();
        assert_eq!(d, Differences::default());
        // Without the directive, `yes` is a string (YAML 1.2).
        let d = diff("a: yes\n", "a: true\n").unwrap();
        assert_eq!(d.changes.len(), 1);
        assert!(yaml11("\u{feff}# c\n%YAML 1.1\n---\n") && !yaml11("%YAML 1.2\n---\n"));
    }

    #[test]
    fn an_alias_whose_value_kometa_replaced_is_written_out() {
        let d = diff(
            "x: &a\n  t: 1\n  u: 2\nk: &id abc\ntrakt:\n  id: *id\n  auth: *a\n",
            "x:\n  t: 1\n  u: 2\nk: &id abc\ntrakt:\n  id: *id\n  auth:\n    t: 1\n    u: 3\n",
        )
        .unwrap();
        assert_eq!(d.replaced.len(), 1);
        assert_eq!(d.replaced[0].path, ["trakt", "auth"]);
        assert_eq!(d.replaced[0].values.len(), 2);
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].path, ["trakt", "auth", "u"]);
        assert_eq!(d.changes[0].old, Some(Resolved::Int(2)));
    }

    #[test]
    fn aliases_are_compared_by_what_they_read_not_by_anchor_number() {
        // Kometa's dump drops `&a` (no alias uses it any more): `*b` is then
        // the first anchor, not the second.
        let d = diff(
            "x: &a 1\nb: &b 2\ny: *a\nz: *b\n",
            "x: 1\nb: &b 2\ny: 1\nz: *b\n",
        )
        .unwrap();
        assert_eq!(d, Differences::default());
    }
}
