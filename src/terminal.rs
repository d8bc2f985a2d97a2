//! What may reach a terminal: text from a file (or from Trakt) with the
//! characters that a terminal would act on written out instead. ESC and
//! the C1 controls start escape sequences (OSC 52 writes the clipboard,
//! others retitle the window or move the cursor), BEL rings, DEL, CR and
//! backspace hide what was printed, and the bidirectional controls reorder
//! it. Tabs and line breaks are layout and stay.

use std::borrow::Cow;

/// Whether `c` is written out rather than printed.
fn acted_on(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` safe to print: each character a terminal acts on is written as
/// `\x1b`, `\u{202e}` and the like.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.contains(acted_on) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !acted_on(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn what_a_terminal_acts_on_is_written_out() {
        assert_eq!(
            printable("a\x1b]52;c;SGVsbG8=\x07b"),
            "a\\x1b]52;c;SGVsbG8=\\x07b"
        );
        assert_eq!(printable("x\u{9b}2Jy\u{7f}\r"), "x\\x9b2Jy\\x7f\\x0d");
        assert_eq!(printable("ab\u{202e}cd"), "ab\\u{202e}cd");
        assert_eq!(printable("tab\tand\nline"), "tab\tand\nline");
        assert!(matches!(
            printable("plain é"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
