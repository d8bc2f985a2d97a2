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

/// Whether `a`, lowercased, is within two edits of `b` (both ASCII):
/// [`distance`] for the one question asked of every key of a file, on the
/// stack and stopping as soon as every path is over two.
pub fn within_two_ascii(a: &[u8], b: &[u8]) -> bool {
    const MAX: usize = 32;
    if b.len() >= MAX {
        return distance(
            &String::from_utf8_lossy(a).to_lowercase(),
            &String::from_utf8_lossy(b),
        ) <= 2;
    }
    let mut row = [0usize; MAX];
    for (j, slot) in row.iter_mut().enumerate().take(b.len() + 1) {
        *slot = j;
    }
    for (i, &ca) in a.iter().enumerate() {
        let ca = ca.to_ascii_lowercase();
        let mut diagonal = row[0];
        row[0] = i + 1;
        let mut best = row[0];
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
            best = best.min(next);
        }
        if best > 2 {
            return false;
        }
    }
    row[b.len()] <= 2
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

    #[test]
    fn within_two_is_distance_at_most_two() {
        let words = [
            "client_secret",
            "Client_Secert",
            "access_token",
            "ACCESS-TOKENS",
            "password",
            "passwort",
            "pass",
            "",
            "refresh_tokens_url",
            "collection_files",
            "xlient_secrex",
        ];
        for a in words {
            for b in words {
                let b = b.to_lowercase();
                assert_eq!(
                    within_two_ascii(a.as_bytes(), b.as_bytes()),
                    distance(&a.to_lowercase(), &b) <= 2,
                    "{a} {b}"
                );
            }
        }
    }
}
