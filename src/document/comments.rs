//! The comments one text holds that another does not: what a person wrote
//! that no parser reads, which a restore into the other's formatting would
//! drop without a word.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::source::Source;

/// Where a `#` may start a comment: at a line's start (a BOM before the
/// first line is none of it) or after a blank.
/// Each with its byte offset, its line (from 1) and its text to the line's
/// end, trailing blanks trimmed. A superset of the comments: such a `#`
/// inside a quoted or block scalar is none.
fn candidates(text: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut at = 0;
    text.split_inclusive('\n')
        .enumerate()
        .flat_map(move |(i, line)| {
            let start = at;
            at += line.len();
            let bytes = line.as_bytes();
            let mut found = None;
            for (j, &b) in bytes.iter().enumerate() {
                let line_start = j == 0 || start + j == bom;
                if b == b'#' && (line_start || matches!(bytes[j - 1], b' ' | b'\t')) {
                    found = Some((start + j, i + 1, line[j..].trim_end()));
                    break;
                }
            }
            found
        })
}

/// The lines of `after`'s comments whose text `before` does not hold as
/// often (Kometa's dump moves and drops comments, never writes one). Both
/// texts are only lexed for `#` when `after` adds no such text; else
/// `after`'s parse tells which of those `#` start a comment (a text that
/// does not parse: all of them).
pub(crate) fn added(before: &str, after: &str) -> Vec<usize> {
    let mut held: HashMap<&str, usize> = HashMap::new();
    for (_, _, text) in candidates(before) {
        *held.entry(text).or_default() += 1;
    }
    let mut extra: Vec<(usize, usize)> = Vec::new();
    for (offset, line, text) in candidates(after) {
        match held.get_mut(text) {
            Some(n) if *n > 0 => *n -= 1,
            _ => extra.push((offset, line)),
        }
    }
    if extra.is_empty() {
        return Vec::new();
    }
    let inside = in_scalars(after, &extra);
    extra
        .iter()
        .zip(inside)
        .filter(|(_, inside)| !inside)
        .map(|((_, line), _)| *line)
        .collect()
}

/// For each of `marks` (byte offsets, in order), whether it lies inside a
/// scalar of `text` (all `false` when the text does not parse).
fn in_scalars(text: &str, marks: &[(usize, usize)]) -> Vec<bool> {
    let src = Source::new(text);
    let mut inside = vec![false; marks.len()];
    let mut next = 0;
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else {
            return vec![false; marks.len()];
        };
        if next == marks.len() {
            break;
        }
        if let Event::Scalar(_, style, ..) = event {
            let (mut start, end) = (src.byte(span.start.index()), src.byte(span.end.index()));
            if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                start = block_content(text, start);
            }
            while next < marks.len() && marks[next].0 < end {
                inside[next] = marks[next].0 >= start;
                next += 1;
            }
        }
    }
    inside
}

/// Where a block scalar's content starts, for one whose span starts at
/// `start`: there, or when the span starts at its anchor or tag, past the
/// line of its `|` or `>`, which may end with a comment.
fn block_content(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = start;
    // Properties (`&a`, `!tag`), each followed by blanks or line breaks.
    while matches!(bytes.get(at), Some(b'&' | b'!')) {
        while bytes.get(at).is_some_and(|b| !b.is_ascii_whitespace()) {
            at += 1;
        }
        while bytes.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
            at += 1;
        }
    }
    if at == start || !matches!(bytes.get(at), Some(b'|' | b'>')) {
        return start;
    }
    text[at..].find('\n').map_or(text.len(), |n| at + n + 1)
}

#[cfg(test)]
mod tests {
    use super::added;

    #[test]
    fn comments_added_are_told_from_hashes_in_scalars() {
        let before = "a: 1 # one\n# two\nb: x\n";
        let after = "a: 1 # one\n# three\nb: \"x # not\"\nc: |\n  # not\n  text # not\n# four\nd: 'p\n  # not'\ne: [1, 2 # five\n  ]\nf: u#v\n# one\n";
        assert_eq!(added(before, after), vec![2, 7, 10, 13]);
        // On the line of a block scalar's indicator, after its anchor or tag.
        let block =
            "a: &t | # one\n  x # no\nb: !!str >- # two\n  y # no\nc: &u\n  | # three\n  z\n";
        assert_eq!(added("", block), vec![1, 3, 6]);
        // Kometa's dump drops a BOM: the comment after it is the same.
        assert_eq!(
            added("\u{feff}# x\na: 1\n", "# x\na: 1\n"),
            Vec::<usize>::new()
        );
        assert_eq!(added("", "\u{feff}# x\n"), vec![1]);
        // Moved, re-indented, or as often: nothing added.
        assert_eq!(
            added("a: 1 # one\n# two\n", "# two\na:   1   # one\n"),
            Vec::<usize>::new()
        );
        assert_eq!(added("# x\n", "# x\n# x\n"), vec![2]);
        // A text that does not parse: every `#` not held is counted.
        assert_eq!(added("", "a: [ # x\n  \"# y\n"), vec![1]);
    }

    /// Kometa's dumps move comments and drop some, and add none: over
    /// every bundled config and Kometa's dump of it, and Kometa's saves
    /// beside their originals, no comment is added.
    #[test]
    fn kometas_dumps_add_no_comment() {
        use crate::test_data::data;
        let read = |p: std::path::PathBuf| std::fs::read_to_string(p).unwrap();
        let mut pairs = 0;
        for (dumps, originals) in [
            ("redumped", "configs"),
            ("kometa-saves/saved", "kometa-saves/original"),
        ] {
            for entry in std::fs::read_dir(data(dumps)).unwrap() {
                let dumped = entry.unwrap().path();
                let original = data(originals).join(dumped.file_name().unwrap());
                let lines = added(&read(original), &read(dumped.clone()));
                assert!(lines.is_empty(), "{}: {lines:?}", dumped.display());
                pairs += 1;
            }
        }
        assert!(pairs > 20, "{pairs} pairs");
    }
}
