//! Unicode spaces right after a key's colon, as a block copied from a web
//! page carries them (`client_id:\u{a0}abc`). YAML separates a key from
//! its value only with a plain space or a tab, so such a line is no key
//! and value but one plain scalar: the block falls apart, and Kometa's run
//! aborts on the file.

use std::ops::Range;

/// The spaces that pass for a space on a web page: no-break, narrow
/// no-break and figure space.
fn web_space(c: char) -> bool {
    matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}')
}

/// The byte ranges of the web spaces right after the colon of a line's
/// first key (after any `- ` of a list item), outside comments.
pub(super) fn after_colons(text: &str) -> Vec<Range<usize>> {
    if !text.contains(web_space) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if let Some(r) = after_key(line) {
            found.push(line_start + r.start..line_start + r.end);
        }
        line_start += line.len();
    }
    found
}

fn after_key(line: &str) -> Option<Range<usize>> {
    let body = line.trim_start_matches([' ', '\t']);
    let body = body.strip_prefix("- ").unwrap_or(body);
    let start = line.len() - body.len();
    if body.starts_with(['#', '"', '\'', '{', '[', '|', '>']) {
        return None;
    }
    let colon = body.find(':')?;
    let key = &body[..colon];
    if key.is_empty() || key.contains(['#', ' ', '\t']) && key.trim().contains(char::is_whitespace)
    {
        return None;
    }
    let after = start + colon + 1;
    let spaces = line[after..]
        .char_indices()
        .take_while(|&(_, c)| web_space(c))
        .last()
        .map(|(i, c)| after + i + c.len_utf8())?;
    Some(after..spaces)
}

#[cfg(test)]
mod tests {
    use super::after_colons;

    #[test]
    fn web_spaces_after_a_keys_colon_are_found() {
        let text = "trakt:\n  client_id:\u{a0}abc\n  - pin:\u{a0}\u{a0}1\n  # note:\u{a0}x\n  a: b\u{a0}c\n";
        let found: Vec<&str> = after_colons(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, ["\u{a0}", "\u{a0}\u{a0}"]);
    }
}
