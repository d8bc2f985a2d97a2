//! Secrets never appear in full in any output: how they are shown, and how
//! they are found in text that did not parse or that the parser does not
//! see (comments, a line of a syntax error, a commented-out token).

use std::ops::Range;

use super::placeholder;
use super::sensitive::is_secret_key;

/// A secret shown as a short prefix and its length, or `****` when short.
pub(crate) fn mask(value: &str) -> String {
    let len = value.chars().count();
    if len < 16 {
        "****".to_string()
    } else {
        let prefix: String = value.chars().take(4).collect();
        format!("{prefix}…({len} chars)")
    }
}

/// A secret as written in the source, masked; its quotes are style, not
/// secret, and stay so that a diff shows a change of style. A whole-value
/// placeholder (`<<trakt-secret>>`) names a secret without holding it, and
/// is shown as it is.
pub(crate) fn mask_source(secret: &str) -> String {
    let first_line = secret.lines().next().unwrap_or_default();
    let quote = first_line
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\''));
    let inner = quote.map_or(first_line, |q| {
        first_line.trim_start_matches(q).trim_end_matches(q)
    });
    if !secret.contains('\n') && placeholder::is_whole(inner) {
        return secret.to_string();
    }
    let q = quote.map(String::from).unwrap_or_default();
    format!("{q}{}{q}", mask(inner))
}

/// Runs of this many token characters (`[A-Za-z0-9_-]`) or more are
/// masked inside the trakt block whatever key, or non-key, they sit under:
/// a token pasted under the wrong key, left as a stray list item, or read
/// as part of a larger scalar is still a token.
const TOKEN_RUN: usize = 20;

/// The byte range of the trakt block's lines in `text`, parsed or not:
/// from a line that starts with the key `trakt` (any case, quoted or not)
/// to the next line that starts at the left margin with something other
/// than a comment.
pub(crate) fn trakt_lines(text: &str) -> Option<Range<usize>> {
    let mut start = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_start_matches('\u{feff}');
        let margin = !body.starts_with([' ', '\t', '\r', '\n', '#']) && !body.is_empty();
        match start {
            None if margin && is_trakt_key(body) => start = Some(at),
            Some(s) if margin => return Some(s..at),
            _ => {}
        }
        at += line.len();
    }
    start.map(|s| s..text.len())
}

fn is_trakt_key(line: &str) -> bool {
    let unquoted = line.trim_start_matches(['"', '\'']);
    unquoted.len() >= 5
        && unquoted.is_char_boundary(5)
        && unquoted[..5].eq_ignore_ascii_case("trakt")
        && unquoted[5..]
            .trim_start_matches(['"', '\''])
            .trim_start_matches([' ', '\t'])
            .starts_with(':')
}

fn token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// The runs of [`TOKEN_RUN`] or more token characters in `range` of
/// `text` that are not numbers and not inside a `<<placeholder>>`.
pub(crate) fn token_runs(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = range.start;
    while i < range.end {
        if !token_char(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < range.end && token_char(bytes[i]) {
            i += 1;
        }
        let run = &text[start..i];
        let number = run
            .trim_start_matches('-')
            .bytes()
            .all(|b| b.is_ascii_digit());
        let placeholder = text[..start].ends_with("<<") && text[i..].starts_with(">>");
        if i - start >= TOKEN_RUN && !number && !placeholder {
            found.push(start..i);
        }
    }
    found
}

/// The token-shaped runs of the trakt block of `text` that `ranges` do not
/// already cover.
pub(crate) fn shaped(text: &str, ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let Some(block) = trakt_lines(text) else {
        return Vec::new();
    };
    token_runs(text, block)
        .into_iter()
        .filter(|r| !ranges.iter().any(|s| s.start < r.end && r.start < s.end))
        .collect()
}

/// `message` (about a file whose trakt block holds the token-shaped runs
/// `runs`) with every run of token characters that is part of one of them
/// masked: a key or value quoted in a message may be a token.
pub(crate) fn mask_message(message: &str, runs: &[&str]) -> String {
    if runs.is_empty() {
        return message.to_string();
    }
    let bytes = message.as_bytes();
    let mut out = String::with_capacity(message.len());
    let mut at = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !token_char(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && token_char(bytes[i]) {
            i += 1;
        }
        let run = &message[start..i];
        if run.len() >= TOKEN_RUN && runs.iter().any(|r| r.contains(run)) {
            out.push_str(&message[at..start]);
            out.push_str(&mask(run));
            at = i;
        }
    }
    out.push_str(&message[at..]);
    out
}

/// `text` with every secret range replaced by its mask, and the values of
/// secret-looking `key: value` pairs the ranges miss (in comments, or in a
/// text that does not parse) masked too, and every token-shaped run of the
/// trakt block; a secret spanning lines keeps its line breaks so that line
/// numbers stay true.
pub(crate) fn mask_text(text: &str, ranges: &[Range<usize>]) -> String {
    let mut all: Vec<Range<usize>> = ranges.to_vec();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        for pair in pairs(line) {
            let r = line_start + pair.start..line_start + pair.end;
            if !ranges.iter().any(|s| s.start < r.end && r.start < s.end) {
                all.push(r);
            }
        }
        line_start += line.len();
    }
    let shapes = shaped(text, &all);
    all.extend(shapes);
    all.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in all {
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

/// The longest key [`pairs`] recognises, in bytes.
const MAX_KEY: usize = 64;

/// The values of `key: value` pairs with a secret-looking key in one raw
/// line, wherever they are: block or flow style, inside a comment, in a
/// line that does not parse. A value ends at the end of the line, or at a
/// `,`, `}` or `]` when the pair sits in a flow collection.
pub(crate) fn pairs(line: &str) -> Vec<Range<usize>> {
    let body = line.trim_end_matches(['\n', '\r']);
    let bytes = body.as_bytes();
    let mut found = Vec::new();
    let mut search = 0;
    while let Some(colon) = body[search..].find(':').map(|i| search + i) {
        search = colon + 1;
        if bytes
            .get(colon + 1)
            .is_some_and(|b| !matches!(b, b' ' | b'\t'))
        {
            continue;
        }
        // Keys are short: look back a little only, so a long line costs
        // linear time.
        let mut floor = colon.saturating_sub(MAX_KEY);
        while !body.is_char_boundary(floor) {
            floor -= 1;
        }
        let key_start = body[floor..colon]
            .rfind([' ', '\t', '{', ',', '#', '[', '-'])
            .map_or(floor, |i| floor + i + 1);
        let key = body[key_start..colon].trim_matches(['"', '\'']);
        if key.is_empty() || !is_secret_key(key) {
            continue;
        }
        let flow = body[..key_start].contains(['{', '[']);
        let value_start =
            colon + 1 + body[colon + 1..].len() - body[colon + 1..].trim_start().len();
        let rest = &body[value_start..];
        let end = if flow {
            rest.find([',', '}', ']']).unwrap_or(rest.len())
        } else {
            rest.find(" #").unwrap_or(rest.len())
        };
        let value = rest[..end].trim_end();
        if !value.is_empty() && !value.starts_with('#') {
            found.push(value_start..value_start + value.len());
        }
        search = search.max(value_start + end);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(line: &str) -> String {
        mask_text(line, &[])
    }

    #[test]
    fn secret_pairs_are_masked_wherever_they_are() {
        assert_eq!(
            masked("#   refresh_token: 0f9e8d7c6b5a49382716a5b4c3d2e1f0\n"),
            "#   refresh_token: 0f9e…(32 chars)\n"
        );
        assert_eq!(
            masked("trakt: {client_id: x, client_secret: S3cretS3cretS3cret, pin: [}"),
            "trakt: {client_id: x, client_secret: S3cr…(18 chars), pin: ****}"
        );
        assert_eq!(masked("  Client_Secret: abc\n"), "  Client_Secret: ****\n");
        assert_eq!(
            masked("  access-token: 'abcdefghijklmnopq'"),
            "  access-token: 'abcd…(17 chars)'"
        );
        assert_eq!(
            masked("  client_secret: <<trakt-secret>>"),
            "  client_secret: <<trakt-secret>>"
        );
        assert_eq!(masked("  url: http://x:1"), "  url: http://x:1");
    }

    #[test]
    fn token_shaped_runs_of_the_trakt_block_are_masked_whatever_their_key() {
        let text = "plex:\n  note: abcdefghijklmnopqrstuvwxyz\ntrakt:\n  scope: abcdefghijklmnopqrstuvwxyz # ok\n  - 0f9e8d7c6b5a49382716a5b4c3d2e1f0\n  id: <<trakt_client_id_for_kometa>>\n  created_at: 12345678901234567890123\nmal:\n  x: abcdefghijklmnopqrstuvwxyz\n";
        assert_eq!(
            masked(text),
            "plex:\n  note: abcdefghijklmnopqrstuvwxyz\ntrakt:\n  scope: abcd…(26 chars) # ok\n  - 0f9e…(32 chars)\n  id: <<trakt_client_id_for_kometa>>\n  created_at: 12345678901234567890123\nmal:\n  x: abcdefghijklmnopqrstuvwxyz\n"
        );
        assert_eq!(trakt_lines("'Trakt' :\n  a: b\n# c\nx: 1\n"), Some(0..21));
        assert_eq!(
            mask_message(
                "unknown key `abcdefghijklmnopqrstu…` in `trakt`",
                &["abcdefghijklmnopqrstuvwxyz"]
            ),
            "unknown key `abcd…(21 chars)…` in `trakt`"
        );
    }
}
