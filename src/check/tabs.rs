//! Tabs Kometa's YAML loader refuses. YAML allows a tab as separation
//! space in many places, and our parser reads them; ruamel.yaml, which
//! Kometa loads the file with, refuses a tab anywhere outside a quoted
//! scalar, a comment, a flow collection or a block scalar's text, and
//! Kometa then stops ("Tabs are not allowed in YAML files").

use crate::document::Document;
use crate::document::shape::Unlaid;

/// The offsets of the tabs Kometa's loader refuses, the first of each line.
pub(super) fn refused(doc: &Document<'_>) -> Vec<usize> {
    let text = doc.source.text;
    if !text.contains('\t') {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let mut at = 0;
        while let Some(i) = line[at..].find('\t').map(|i| at + i) {
            let tab = line_start + i;
            if !allowed(doc, line_start, tab) {
                found.push(tab);
                break;
            }
            at = i + 1;
        }
        line_start += line.len();
    }
    found
}

/// Whether the tab at `tab` (on the line starting at `line_start`) is text.
fn allowed(doc: &Document<'_>, line_start: usize, tab: usize) -> bool {
    let text = doc.source.text;
    let before = &text[line_start..tab];
    for unlaid in &doc.unlaid {
        match unlaid {
            Unlaid::Quoted(r) | Unlaid::Flow(r) if r.contains(&tab) => return true,
            // A block scalar's text may hold tabs, its indentation not.
            Unlaid::Block(r) if r.contains(&tab) => {
                return !before.trim_start_matches([' ', '\t']).is_empty();
            }
            _ => {}
        }
    }
    // In a comment: a `#` at the line's start or after a blank, outside quotes.
    before.char_indices().any(|(i, c)| {
        c == '#'
            && (i == 0 || before[..i].ends_with([' ', '\t']))
            && !doc.unlaid.iter().any(|u| match u {
                Unlaid::Quoted(r) | Unlaid::Flow(r) | Unlaid::Block(r) => {
                    r.contains(&(line_start + i))
                }
            })
    })
}
