//! Secrets never appear in full in any output: this is how they are shown.

use std::ops::Range;

pub use crate::document::shape::SECRET_KEYS;

/// Whether values under `key` are secrets.
pub fn is_secret_key(key: &str) -> bool {
    SECRET_KEYS.contains(&key)
}

/// A secret shown as a short prefix and its length, or `****` when short.
pub fn mask(value: &str) -> String {
    let len = value.chars().count();
    if len < 16 {
        "****".to_string()
    } else {
        let prefix: String = value.chars().take(4).collect();
        format!("{prefix}…({len} chars)")
    }
}

/// A secret as written in the source, masked; its quotes are style, not
/// secret, and stay so that a diff shows a change of style.
pub fn mask_source(secret: &str) -> String {
    let first_line = secret.lines().next().unwrap_or_default();
    let quote = first_line
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\''));
    let inner = quote.map_or(first_line, |q| {
        first_line.trim_start_matches(q).trim_end_matches(q)
    });
    let q = quote.map(String::from).unwrap_or_default();
    format!("{q}{}{q}", mask(inner))
}

/// `text` with every secret range replaced by its mask; a secret spanning
/// lines keeps its line breaks so that line numbers stay true.
pub fn mask_text(text: &str, ranges: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in ranges {
        if r.start < at {
            continue;
        }
        out.push_str(&text[at..r.start]);
        let secret = &text[r.clone()];
        out.push_str(&mask_source(secret));
        out.extend(secret.matches('\n').map(|_| "\n"));
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}
