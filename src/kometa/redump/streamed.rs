//! [`differences`](super::differences) read from the two texts' events as
//! they are parsed, in the memory of the texts, for the files a restore
//! meets: one document, no anchors, aliases, merge keys or tags that change
//! what a node means (outside the core schema, `!!set`, `!!int` on text
//! that is no integer), no duplicate keys, each mapping's keys in the same
//! order on both sides but for keys added at its end (where Kometa's dump
//! adds them), and nothing that edits of scalars cannot carry. Anything else gives `None`, and the caller
//! compares the trees: this reading gives what the trees give wherever it
//! gives anything (held by this module's tests).

use std::borrow::Cow;
use std::collections::HashSet;

use super::{
    AddedSequence, Differences, custom, read_scalar, reads_under, scalar_meaning_tag, yaml11,
};
use crate::document::diff::Change;
use crate::document::scalar::{Resolved, Style, is_null};
use crate::document::stream::{Piece, Pieces, Unparsed};

/// Not read here: the trees must be compared.
struct Off;

impl From<Unparsed> for Off {
    fn from(_: Unparsed) -> Self {
        Off
    }
}

/// The differences of `after` from `before` as [`super::differences`]
/// finds them, or `None` when only the trees can tell (or a text does not
/// parse).
pub(crate) fn differences(before: &str, after: &str) -> Option<Differences> {
    std::thread::scope(|s| {
        let mut b = Side {
            pieces: Pieces::away(s, before),
            yaml11: yaml11(before),
        };
        let mut a = Side {
            pieces: Pieces::away(s, after),
            yaml11: yaml11(after),
        };
        if b.yaml11 != a.yaml11 {
            return None;
        }
        let mut out = Differences::default();
        let (bp, ap) = (b.next().ok()?, a.next().ok()?);
        let mappings = matches!(
            (&bp, &ap),
            (
                Piece::Open { mapping: true, .. },
                Piece::Open { mapping: true, .. }
            )
        );
        if !mappings {
            return None;
        }
        walk(&mut b, bp, &mut a, ap, &mut Vec::new(), &mut out).ok()?;
        (b.pieces.ends() && a.pieces.ends()).then_some(out)
    })
}

/// One text's pieces and how its plain scalars read.
struct Side<'a> {
    pieces: Pieces<'a>,
    yaml11: bool,
}

impl<'a> Side<'a> {
    /// The next piece of the node being read.
    fn next(&mut self) -> Result<Piece<'a>, Off> {
        match self.pieces.next()? {
            Some(Piece::Anchored) | None => Err(Off),
            Some(piece) => Ok(piece),
        }
    }

    /// A scalar piece as this side reads it, if its tag tells nothing
    /// more (`!`, or a typed core tag on text of its type).
    fn read(&self, piece: &Piece<'_>) -> Result<Resolved, Off> {
        match piece {
            Piece::Scalar { value, style, tag } => self.read_parts(value, *style, tag.as_deref()),
            _ => Err(Off),
        }
    }

    fn read_parts(&self, value: &str, style: Style, tag: Option<&str>) -> Result<Resolved, Off> {
        match scalar_meaning_tag(value, style, tag).is_none() {
            true => Ok(read_scalar(self.yaml11, value, style, tag)),
            false => Err(Off),
        }
    }

    /// A key as written, or the end of the mapping (`None`). A merge key
    /// (a plain `<<`), and a key with a custom tag, are read by the trees.
    fn key(&mut self) -> Result<Option<Key<'a>>, Off> {
        match self.next()? {
            Piece::Close => Ok(None),
            Piece::Scalar { value, style, tag }
                if !(style == Style::Plain && tag.is_none() && value == "<<")
                    && custom(tag.as_deref()).is_none() =>
            {
                Ok(Some(Key {
                    text: value,
                    style,
                    tag,
                }))
            }
            _ => Err(Off),
        }
    }

    /// What a key reads as on this side.
    fn read_key(&self, key: &Key<'_>) -> Result<Resolved, Off> {
        self.read_parts(&key.text, key.style, key.tag.as_deref())
    }
}

/// A mapping's key as written: what a path names, and how it reads.
struct Key<'a> {
    text: Cow<'a, str>,
    style: Style,
    tag: Option<String>,
}

/// Whether two keys are one: written alike (read alike without reading
/// them), or read alike.
fn same_key(b: &Side<'_>, bk: &Key<'_>, a: &Side<'_>, ak: &Key<'_>) -> Result<bool, Off> {
    if bk.text == ak.text && bk.style == ak.style && bk.tag == ak.tag {
        return Ok(true);
    }
    Ok(b.read_key(bk)? == a.read_key(ak)?)
}

/// Whether the editor, writing `key`'s text as a new key, writes this key
/// (it reads as its own text).
fn writable(side: &Side<'_>, key: &Key<'_>) -> Result<(), Off> {
    match side.read_key(key)? {
        Resolved::Str(s) if s == key.text => Ok(()),
        _ => Err(Off),
    }
}

/// A scalar piece's tag.
fn scalar_tag<'p>(piece: &'p Piece<'_>) -> Option<&'p str> {
    match piece {
        Piece::Scalar { tag, .. } => tag.as_deref(),
        _ => None,
    }
}

/// A collection's tag, if it tells nothing more than its kind: none, `!`,
/// or its kind's own (`!!map`, `!!seq`).
fn untagged(tag: &Option<String>, mapping: bool) -> Result<(), Off> {
    let own = if mapping {
        "tag:yaml.org,2002:map"
    } else {
        "tag:yaml.org,2002:seq"
    };
    match tag.as_deref() {
        None | Some("!") => Ok(()),
        Some(t) if t == own => Ok(()),
        Some(_) => Err(Off),
    }
}

/// The keys of one mapping so far: a key seen twice is read by the trees.
fn first_time(keys: &mut HashSet<String>, key: &str) -> Result<(), Off> {
    if keys.insert(key.to_owned()) {
        Ok(())
    } else {
        Err(Off)
    }
}

/// Two nodes whose first pieces are `bp` and `ap`, as the trees' `walk`.
fn walk<'a>(
    b: &mut Side<'a>,
    bp: Piece<'a>,
    a: &mut Side<'a>,
    ap: Piece<'a>,
    path: &mut Vec<String>,
    out: &mut Differences,
) -> Result<(), Off> {
    match (bp, ap) {
        // Written alike, they read alike (the two sides read one YAML
        // version): nothing to read.
        (bp @ Piece::Scalar { .. }, ap @ Piece::Scalar { .. }) if bp == ap => Ok(()),
        (bp @ Piece::Scalar { .. }, ap @ Piece::Scalar { .. }) => {
            let (old, new) = (b.read(&bp)?, a.read(&ap)?);
            if old != new {
                // The editor keeps the original's tag: the new value must
                // read as it did under it.
                let (bt, at) = (scalar_tag(&bp), scalar_tag(&ap));
                if bt != at || !reads_under(bt, &new) {
                    return Err(Off);
                }
                out.changes.push(Change {
                    path: path.clone(),
                    old: Some(old),
                    new,
                });
            }
            Ok(())
        }
        (
            Piece::Open {
                mapping: true,
                tag: bt,
            },
            Piece::Open {
                mapping: true,
                tag: at,
            },
        ) => {
            untagged(&bt, true)?;
            untagged(&at, true)?;
            mapping(b, a, path, out)
        }
        (
            Piece::Scalar { value, style, tag },
            Piece::Open {
                mapping: true,
                tag: at,
            },
        ) if is_null(&value, style, tag.as_deref()) => {
            untagged(&at, true)?;
            added(
                a,
                Piece::Open {
                    mapping: true,
                    tag: at,
                },
                path,
                out,
            )
        }
        (bp @ Piece::Open { mapping: false, .. }, ap @ Piece::Open { mapping: false, .. }) => {
            same(b, bp, a, ap)
        }
        _ => Err(Off),
    }
}

/// The entries of two open mappings, to their ends.
fn mapping<'a>(
    b: &mut Side<'a>,
    a: &mut Side<'a>,
    path: &mut Vec<String>,
    out: &mut Differences,
) -> Result<(), Off> {
    let mut keys = HashSet::new();
    loop {
        match (b.key()?, a.key()?) {
            (None, None) => return Ok(()),
            (Some(bk), Some(ak)) => {
                if !same_key(b, &bk, a, &ak)? {
                    return Err(Off);
                }
                first_time(&mut keys, &ak.text)?;
                path.push(ak.text.into_owned());
                let (bp, ap) = (b.next()?, a.next()?);
                walk(b, bp, a, ap, path, out)?;
                path.pop();
            }
            (None, Some(mut key)) => loop {
                // Keys `after` adds at the mapping's end.
                first_time(&mut keys, &key.text)?;
                writable(a, &key)?;
                path.push(key.text.into_owned());
                let piece = a.next()?;
                added(a, piece, path, out)?;
                path.pop();
                match a.key()? {
                    None => return Ok(()),
                    Some(next) => key = next,
                }
            },
            _ => return Err(Off),
        }
    }
}

/// A node of `after` that `before` does not have, as the trees' `added`.
fn added<'a>(
    a: &mut Side<'a>,
    piece: Piece<'a>,
    path: &mut Vec<String>,
    out: &mut Differences,
) -> Result<(), Off> {
    match piece {
        piece @ Piece::Scalar { .. } => {
            let new = a.read(&piece)?;
            out.changes.push(Change {
                path: path.clone(),
                old: None,
                new,
            });
            Ok(())
        }
        Piece::Open { mapping: true, tag } => {
            untagged(&tag, true)?;
            while let Some(key) = a.key()? {
                writable(a, &key)?;
                path.push(key.text.into_owned());
                let piece = a.next()?;
                added(a, piece, path, out)?;
                path.pop();
            }
            Ok(())
        }
        Piece::Open {
            mapping: false,
            tag,
        } => {
            untagged(&tag, false)?;
            let mut items = Vec::new();
            loop {
                match a.next()? {
                    Piece::Close => break,
                    item @ Piece::Scalar { .. } => items.push(a.read(&item)?),
                    _ => return Err(Off),
                }
            }
            out.sequences.push(AddedSequence {
                path: path.clone(),
                items,
                at: out.changes.len(),
            });
            Ok(())
        }
        _ => Err(Off),
    }
}

/// Two nodes that must mean the same (a sequence that changed is not
/// carried), as the trees' `same`.
fn same<'a>(b: &mut Side<'a>, bp: Piece<'a>, a: &mut Side<'a>, ap: Piece<'a>) -> Result<(), Off> {
    match (bp, ap) {
        (bp @ Piece::Scalar { .. }, ap @ Piece::Scalar { .. }) if bp == ap => Ok(()),
        (bp @ Piece::Scalar { .. }, ap @ Piece::Scalar { .. }) => {
            let equal = b.read(&bp)? == a.read(&ap)?;
            if equal { Ok(()) } else { Err(Off) }
        }
        (
            Piece::Open {
                mapping: bm,
                tag: bt,
            },
            Piece::Open {
                mapping: am,
                tag: at,
            },
        ) if bm == am => {
            untagged(&bt, bm)?;
            untagged(&at, am)?;
            let mut keys = HashSet::new();
            loop {
                if bm {
                    match (b.key()?, a.key()?) {
                        (None, None) => return Ok(()),
                        (Some(bk), Some(ak)) if same_key(b, &bk, a, &ak)? => {
                            first_time(&mut keys, &ak.text)?
                        }
                        _ => return Err(Off),
                    }
                }
                match (b.next()?, a.next()?) {
                    (Piece::Close, Piece::Close) if !bm => return Ok(()),
                    (Piece::Close, _) | (_, Piece::Close) => return Err(Off),
                    (bp, ap) => same(b, bp, a, ap)?,
                }
            }
        }
        _ => Err(Off),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::differences as streamed;
    use crate::document::Document;
    use crate::kometa::redump::differences;
    use crate::test_data::data;

    /// The pairs a restore compares: each bundled config with Kometa's dump
    /// of it, and Kometa's saves beside their originals.
    fn pairs() -> Vec<(String, String)> {
        let read = |p: &Path| std::fs::read_to_string(p).unwrap();
        let mut out = Vec::new();
        for entry in std::fs::read_dir(data("redumped")).unwrap() {
            let dumped = entry.unwrap().path();
            let name = dumped.file_name().unwrap();
            out.push((read(&data("configs").join(name)), read(&dumped)));
        }
        for entry in std::fs::read_dir(data("kometa-saves/saved")).unwrap() {
            let saved = entry.unwrap().path();
            let name = saved.file_name().unwrap();
            out.push((
                read(&data("kometa-saves/original").join(name)),
                read(&saved),
            ));
        }
        out.sort();
        out
    }

    /// What the trees say of a pair, or `None` when a text does not parse.
    fn trees(before: &str, after: &str) -> Option<Result<super::Differences, String>> {
        let (b, a) = (Document::parse(before).ok()?, Document::parse(after).ok()?);
        Some(differences(&b, &a).map_err(|e| format!("{}: {}", e.path, e.why)))
    }

    /// How a pair was read.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    enum Read {
        /// The trees tell nothing to carry (a text does not parse, or a
        /// difference edits cannot carry), and the events say nothing.
        Neither,
        /// Only the trees tell the differences.
        Trees,
        /// The events tell what the trees tell.
        Events,
    }

    /// The events tell what the trees tell, or nothing.
    fn agree(before: &str, after: &str) -> Read {
        let read = streamed(before, after);
        match trees(before, after) {
            Some(Ok(found)) => match read {
                Some(read) => {
                    assert_eq!(read, found, "before:\n{before}\nafter:\n{after}");
                    Read::Events
                }
                None => Read::Trees,
            },
            Some(Err(_)) | None => {
                assert_eq!(read, None, "before:\n{before}\nafter:\n{after}");
                Read::Neither
            }
        }
    }

    #[test]
    fn kometas_dumps_are_read_from_the_events_as_the_trees_read_them() {
        let mut read = std::collections::BTreeMap::new();
        for (before, after) in pairs() {
            *read.entry(agree(&before, &after)).or_insert(0) += 1;
            agree(&after, &before);
        }
        // The pairs with aliases are read from the trees.
        assert_eq!(
            read,
            [(Read::Trees, 5), (Read::Events, 21)].into_iter().collect()
        );
    }

    /// A small deterministic generator (the same cases every run).
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n.max(1)
        }
    }

    /// `text` with one human or Kometa-like edit of a random line: a value
    /// changed (to YAML 1.1 booleans, nulls, collections, anchors, aliases,
    /// tags), a line removed, doubled or swapped with the next, a key added
    /// after it, or a `%YAML 1.1` directive first.
    fn mutate(text: &str, rng: &mut Lcg) -> String {
        const VALUES: &[&str] = &[
            "yes",
            "on",
            "No",
            "~",
            "",
            "1",
            "'1'",
            "true",
            "x y",
            "[a, b]",
            "{a: 1}",
            "&x v",
            "*x",
            "!custom v",
            "!!str 1",
            "null",
            "\"quoted\"",
            "[]",
        ];
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        if lines.is_empty() {
            return text.to_string();
        }
        let i = rng.below(lines.len());
        match rng.below(7) {
            0 | 1 => {
                if let Some(colon) = lines[i].find(": ") {
                    let value = VALUES[rng.below(VALUES.len())];
                    lines[i] = format!("{}: {value}", &lines[i][..colon]);
                }
            }
            2 => {
                lines.remove(i);
            }
            3 => {
                let line = lines[i].clone();
                lines.insert(i, line);
            }
            4 if i + 1 < lines.len() => lines.swap(i, i + 1),
            5 => {
                let indent = lines[i].len() - lines[i].trim_start().len();
                let value = VALUES[rng.below(VALUES.len())];
                lines.insert(i + 1, format!("{}added_{i}: {value}", &lines[i][..indent]));
            }
            _ => lines.insert(0, "%YAML 1.1\n---".to_string()),
        }
        lines.join("\n") + "\n"
    }

    #[test]
    fn generated_edits_are_read_from_the_events_as_the_trees_read_them_or_not_at_all() {
        let mut rng = Lcg(0x6b6f6d657461);
        let mut read = std::collections::BTreeMap::new();
        for (before, after) in pairs() {
            for _ in 0..25 {
                let mut edited = after.clone();
                for _ in 0..=rng.below(3) {
                    edited = mutate(&edited, &mut rng);
                }
                for (b, a) in [(&before, &edited), (&edited, &before), (&after, &edited)] {
                    *read.entry(agree(b, a)).or_insert(0) += 1;
                }
            }
        }
        // Every reading is exercised.
        eprintln!("{read:?}");
        assert_eq!(read.len(), 3, "{read:?}");
    }

    #[test]
    fn a_large_file_without_aliases_is_read_from_the_events() {
        let mut before = String::from("libraries:\n");
        let mut after = String::from("libraries:\n");
        // More nodes than the alias budget: a file without aliases is read whole.
        for n in 0..40_000 {
            before.push_str(&format!("  Movies {n}:\n    collection_files:\n      - default: imdb\n    operations:\n      mass_genre_update: 'tmdb'\n"));
            after.push_str(&format!("  Movies {n}:\n    collection_files:\n    - default: imdb\n    operations:\n      mass_genre_update: tmdb\n"));
        }
        before.push_str("trakt:\n  pin: 1234\n");
        after.push_str("trakt:\n  pin:\n  authorization:\n    access_token: new\n");
        let found = streamed(&before, &after).expect("read from the events");
        assert_eq!(agree(&before, &after), Read::Events);
        let paths: Vec<String> = found.changes.iter().map(|c| c.path.join(".")).collect();
        assert_eq!(paths, ["trakt.pin", "trakt.authorization.access_token"]);
    }
}
