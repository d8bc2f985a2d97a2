//! Re-lexing where the parser's spans are off (docs/yaml-editing.md): the
//! properties before a node, the end of a quoted scalar, the header of a
//! block scalar.

use super::scalar::Style;

/// Skips `&anchor` and `!tag` properties and the blanks, line breaks and
/// comments after them; returns where the node's own text starts.
pub(super) fn skip_properties(text: &str, from: usize, to: usize) -> usize {
    let bytes = text.as_bytes();
    let mut p = from;
    while p < to && matches!(bytes[p], b'&' | b'!') {
        if bytes[p..].starts_with(b"!<") {
            p += text[p..].find('>').map_or(to - p, |i| i + 1);
        } else {
            while p < to
                && !matches!(
                    bytes[p],
                    b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
                )
            {
                p += 1;
            }
        }
        loop {
            while p < to && matches!(bytes[p], b' ' | b'\t' | b'\r' | b'\n') {
                p += 1;
            }
            if p < to && bytes[p] == b'#' {
                while p < to && bytes[p] != b'\n' {
                    p += 1;
                }
            } else {
                break;
            }
        }
    }
    p.min(to)
}

/// Where a scalar's text ends. The parser's span of a quoted scalar runs
/// over trailing blanks and a same-line comment, so quotes are re-lexed.
pub(super) fn scalar_end(text: &str, style: Style, start: usize, span_end: usize) -> usize {
    let bytes = text.as_bytes();
    match style {
        Style::Single if bytes.get(start) == Some(&b'\'') => {
            let mut p = start + 1;
            while p < bytes.len() {
                if bytes[p] == b'\'' {
                    if bytes.get(p + 1) == Some(&b'\'') {
                        p += 2;
                        continue;
                    }
                    return p + 1;
                }
                p += 1;
            }
            span_end
        }
        Style::Double if bytes.get(start) == Some(&b'"') => {
            let mut p = start + 1;
            while p < bytes.len() {
                match bytes[p] {
                    b'\\' => p += 2,
                    b'"' => return p + 1,
                    _ => p += 1,
                }
            }
            span_end
        }
        // Only YAML's own blanks end a plain scalar: a trailing no-break
        // space (or any other Unicode space) is part of its text.
        Style::Plain => {
            start
                + text[start..span_end.max(start)]
                    .trim_end_matches([' ', '\t', '\r', '\n'])
                    .len()
        }
        _ => span_end,
    }
}

/// Where the `|` or `>` header of a block scalar whose content starts at
/// `content` is: the parser's span leaves the header out.
pub(super) fn block_header(text: &str, content: usize) -> usize {
    let mut end = text[..content].rfind('\n').unwrap_or(0);
    while end > 0 {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end];
        let code = line.find(" #").map_or(line, |i| &line[..i]);
        if let Some(i) = code.rfind(['|', '>']) {
            return start + i;
        }
        if !line.trim().is_empty() {
            break;
        }
        end = start.saturating_sub(1);
    }
    content
}

/// The byte offset of the line ending (or end of text) of the line holding
/// `byte`, before a `\r` of a CRLF.
pub(super) fn line_end(text: &str, byte: usize) -> usize {
    let nl = text.as_bytes()[byte..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| byte + i);
    if nl < text.len() && nl > byte && text.as_bytes()[nl - 1] == b'\r' {
        nl - 1
    } else {
        nl
    }
}

/// [`line_end`] for offsets that mostly grow, as a parse reports them: the
/// line ending found last is reused, so each line is scanned about once.
#[derive(Default)]
pub(super) struct LineEnds {
    /// The last query and its answer: every offset between them shares it.
    last: Option<(usize, usize)>,
}

impl LineEnds {
    pub(super) fn at(&mut self, text: &str, byte: usize) -> usize {
        match self.last {
            Some((from, end)) if from <= byte && byte <= end => end,
            _ => {
                let end = line_end(text, byte);
                self.last = Some((byte, end));
                end
            }
        }
    }
}

/// Where the run of spaces and tabs that ends at `at` starts.
pub(super) fn blanks_before(text: &str, at: usize) -> usize {
    text[..at].trim_end_matches([' ', '\t']).len()
}

/// Whether nothing but whitespace lies between `from` and `to`.
pub(super) fn only_blanks(text: &str, from: usize, to: usize) -> bool {
    text.get(from..to).is_none_or(|s| s.trim().is_empty())
}

/// Whether a colon follows `at` after spaces and tabs (an implicit key's).
pub(super) fn colon_follows(text: &str, at: usize) -> bool {
    text[at..].trim_start_matches([' ', '\t']).starts_with(':')
}

/// The byte right after the colon an empty value sits at: the parser places
/// an empty value at its key's colon (`k:`, `{ k : }`). `None` when the node
/// `start..end` is not empty or sits elsewhere (an explicit key's, a flow
/// entry without colon).
pub(super) fn after_colon(text: &str, start: usize, end: usize) -> Option<usize> {
    (start == end && text.as_bytes().get(start) == Some(&b':')).then_some(start + 1)
}

/// The start of the line holding `byte` (a BOM is not part of the line).
pub(super) fn line_start(text: &str, byte: usize) -> usize {
    match text[..byte].rfind('\n') {
        Some(i) => i + 1,
        None if text.starts_with('\u{feff}') => 3.min(byte),
        None => 0,
    }
}

/// Whether `text` holds a directive (`%YAML`, `%TAG`) before `at`.
pub(super) fn directive_before(text: &str, at: usize) -> bool {
    let head = &text[..at];
    head.trim_start_matches('\u{feff}').starts_with('%') || head.contains("\n%")
}
