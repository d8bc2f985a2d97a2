//! Words that are nearly the same: edit distance, and "did you mean" (the
//! known word closest to a misspelt one).

/// How much of a user's word (a key, a value) a message shows.
pub const WORD: usize = 60;

/// `text` cut to `max` characters, with `…` where it was cut: user text in
/// a message stays short whatever the file holds.
pub fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]).into(),
        None => text.into(),
    }
}

/// The candidate within two edits of `word` (ignoring case), if any.
pub fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let lower = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (distance(&lower, c), *c))
        .filter(|&(d, _)| d <= 2)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// The Levenshtein distance between two strings, by characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_clipped() {
        assert_eq!(clip("abcdef", 3), "abc…");
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("ééé", 2), "éé…");
    }

    #[test]
    fn near_misses_are_suggested() {
        let keys = ["client_id", "client_secret", "pin", "authorization"];
        assert_eq!(closest("client_ID", &keys), Some("client_id"));
        assert_eq!(closest("authorisation", &keys), Some("authorization"));
        assert_eq!(closest("clientsecret", &keys), Some("client_secret"));
        assert_eq!(closest("plex", &keys), None);
    }
}
