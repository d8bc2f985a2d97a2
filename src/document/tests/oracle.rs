//! The whole-document computations the streamed ones replaced, kept as
//! oracles: built over full trees, the way the code did before.

use similar::{ChangeTag, TextDiff};

use crate::document::apply::text_problem;
use crate::document::data::Data;
use crate::document::edit::{Edit, Protect, plan};
use crate::document::scalar::{Resolved, Style, Value};
use crate::document::tree::{Entry, Kind, Node};
use crate::document::{Document, Parse};
use crate::kometa::mask::{mask_text, shaped};
use crate::kometa::sensitive::is_secret_key;
use crate::terminal::printable;

/// The edits applied one by one, each planned on a full parse of the text
/// the previous one left; no verification.
pub(super) fn sequential(text: &str, edits: &[Edit], protect: &Protect) -> Result<String, String> {
    if let Some(e) = text_problem(text) {
        return Err(e.to_string());
    }
    let mut current = text.to_string();
    if edits.is_empty() {
        Document::parse(text)
            .map_err(|e| e.to_string())?
            .root()
            .map_err(|e| e.to_string())?;
    }
    for edit in edits {
        let (splices, _) = {
            let doc = Document::parse(&current).map_err(|e| e.to_string())?;
            plan(&doc, edit, protect).map_err(|e| e.to_string())?
        };
        let mut splices = splices;
        splices.sort_by_key(|s| std::cmp::Reverse(s.range.start));
        for s in splices {
            current.replace_range(s.range, &s.text);
        }
    }
    Ok(current)
}

/// The verification as it was: both texts parsed into whole trees, their
/// data compared, yaml-rust2's loader over both, the edits applied again.
pub(super) fn verify(
    original: &str,
    result: &str,
    changes: &[(Vec<String>, Value)],
    edits: &[Edit],
    protect: &Protect,
) -> Result<(), &'static str> {
    let Ok(before) = Document::parse(original) else {
        return Err("the original does not parse");
    };
    let Ok(after) = Document::parse(result) else {
        return Err("the edited text does not parse");
    };
    let (Ok(root_before), Ok(Some(root_after))) = (before.root(), after.root()) else {
        return Err("the edited text is not one document");
    };
    let mut expected = root_before.map_or(Data::Scalar(Resolved::Null), Data::of);
    for (path, value) in changes {
        expected.set(path, Resolved::from(value));
    }
    if Data::of(root_after) != expected {
        return Err("the edited document's data differs from the intended change");
    }
    if expansion(&before) <= 1_000_000
        && !crate::document::verify::second_opinion(original, result, changes)
    {
        return Err("yaml-rust2 reads the edited document differently");
    }
    match sequential(result, edits, protect) {
        Ok(again) if again == result => Ok(()),
        _ => Err("applying the same edit again is not a no-op"),
    }
}

fn expansion(doc: &Document<'_>) -> usize {
    let mut sizes = std::collections::HashMap::new();
    doc.roots
        .iter()
        .map(|r| size(r, &mut sizes))
        .fold(0, usize::saturating_add)
}

fn size(node: &Node<'_>, anchors: &mut std::collections::HashMap<usize, usize>) -> usize {
    let n = match &node.kind {
        Kind::Scalar { .. } => 1,
        Kind::Alias(id) => anchors.get(id).copied().unwrap_or(1),
        Kind::Mapping { entries, .. } => entries
            .iter()
            .map(|e| size(&e.key, anchors).saturating_add(size(&e.value, anchors)))
            .fold(1, usize::saturating_add),
        Kind::Sequence { items, .. } => items
            .iter()
            .map(|i| size(i, anchors))
            .fold(1, usize::saturating_add),
    };
    if node.anchor != 0 {
        anchors.insert(node.anchor, n);
    }
    n
}

/// How far the file indents a nested block mapping, searched over the
/// full tree as before.
pub(super) fn indent_step(doc: &Document<'_>) -> usize {
    let mut queue: Vec<&Node<'_>> = doc.roots.iter().collect();
    let mut seen = 0;
    while let Some(node) = queue.pop() {
        seen += 1;
        if seen > 10_000 {
            break;
        }
        let Kind::Mapping {
            flow: false,
            entries,
            ..
        } = &node.kind
        else {
            continue;
        };
        for e in entries {
            if let Kind::Mapping {
                flow: false,
                entries: inner,
                ..
            } = &e.value.kind
                && let Some(first) = inner.first()
            {
                let outer = doc.source.column(e.key.prop_start);
                let nested = doc.source.column(first.key.prop_start);
                if nested > outer {
                    return nested - outer;
                }
            }
        }
        queue.extend(entries.iter().rev().map(|e| &e.value));
    }
    2
}

/// Right after the colon of an empty value, found in the text.
pub(super) fn after_colon(text: &str, node: &Node<'_>) -> Option<usize> {
    (node.start == node.end && text.as_bytes().get(node.start) == Some(&b':'))
        .then_some(node.start + 1)
}

/// Where a flow mapping's entry ends, found in the text.
pub(super) fn entry_end(text: &str, entry: &Entry<'_>) -> usize {
    after_colon(text, &entry.value).unwrap_or(entry.value.end.max(entry.key.end))
}

/// Whether the last thing in `node` is a block scalar.
pub(super) fn ends_in_block_scalar(node: &Node<'_>) -> bool {
    match &node.kind {
        Kind::Scalar { style, .. } => style.is_block(),
        Kind::Mapping {
            flow: false,
            entries,
            ..
        } => entries
            .last()
            .is_some_and(|e| ends_in_block_scalar(&e.value)),
        Kind::Sequence { flow: false, items } => items.last().is_some_and(ends_in_block_scalar),
        _ => false,
    }
}

/// Whether a mapping's keys are explicit, empty or complex, found in the text.
pub(super) fn explicit(text: &str, entries: &[Entry<'_>]) -> bool {
    entries.iter().any(|e| {
        let after = text[e.key.end..].trim_start_matches([' ', '\t']);
        e.key.start == e.key.end || e.key.scalar().is_none() || !after.starts_with(':')
    })
}

/// The quote style of the first quoted value.
pub(super) fn sibling_quote(entries: &[Entry<'_>]) -> Option<Style> {
    entries.iter().find_map(|e| match e.value.kind {
        Kind::Scalar {
            style: s @ (Style::Single | Style::Double),
            ..
        } => Some(s),
        _ => None,
    })
}

/// The line end after a byte, found in the text.
pub(super) fn line_end(text: &str, byte: usize) -> usize {
    let rest = &text[byte..];
    let nl = rest.find('\n').map_or(text.len(), |i| byte + i);
    if nl < text.len() && nl > byte && text.as_bytes()[nl - 1] == b'\r' {
        nl - 1
    } else {
        nl
    }
}

/// The unified diff as it was: the whole texts diffed and masked (secrets
/// and the trakt block's token-shaped runs), names and
/// lines made printable.
pub(super) fn unified(old: &str, new: &str, name: &str, color: bool, masked: bool) -> String {
    let mask = |text: &str| {
        if !masked {
            return text.to_string();
        }
        let mut ranges = Document::parse_with(text, Parse::masking(is_secret_key))
            .map(|doc| doc.secrets)
            .unwrap_or_default();
        ranges.extend(shaped(text, &ranges));
        ranges.sort_by_key(|r| r.start);
        mask_text(text, &ranges)
    };
    let (old_masked, new_masked) = (mask(old), mask(new));
    let old_lines: Vec<&str> = old_masked.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new_masked.split_inclusive('\n').collect();
    let diff = TextDiff::from_lines(old, new);
    let paint = |code: &str, text: &str| {
        if color {
            format!("{code}{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        if out.is_empty() {
            out.push_str(&paint("\x1b[1m", &format!("--- {}", printable(name))));
            out.push('\n');
            out.push_str(&paint("\x1b[1m", &format!("+++ {}", printable(name))));
            out.push('\n');
        }
        out.push_str(&paint("\x1b[36m", &hunk.header().to_string()));
        out.push('\n');
        for change in hunk.iter_changes() {
            let (sign, line, code) = match change.tag() {
                ChangeTag::Equal => (' ', old_lines[change.old_index().unwrap_or(0)], ""),
                ChangeTag::Delete => ('-', old_lines[change.old_index().unwrap_or(0)], "\x1b[31m"),
                ChangeTag::Insert => ('+', new_lines[change.new_index().unwrap_or(0)], "\x1b[32m"),
            };
            let body = line.strip_suffix('\n').unwrap_or(line);
            let text = format!("{sign}{}", printable(body));
            out.push_str(&if code.is_empty() {
                text
            } else {
                paint(code, &text)
            });
            out.push('\n');
            if !line.ends_with('\n') {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// How many lines differ, counted over the whole texts.
pub(super) fn changed_lines(a: &str, b: &str) -> usize {
    TextDiff::from_lines(a, b)
        .iter_all_changes()
        .filter(|c| c.tag() != ChangeTag::Equal)
        .count()
}
