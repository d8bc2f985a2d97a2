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

/// The least [`distance`] from `word` to any of `candidates` (`usize::MAX`
/// for none). Each candidate is abandoned as soon as it cannot beat the
/// best so far: unions of Kometa's schema compare each unknown key with
/// hundreds of allowed ones.
pub fn nearest<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> usize {
    let word: Vec<char> = word.chars().collect();
    let mut row = Vec::new();
    let mut best = usize::MAX;
    for candidate in candidates {
        if best == 0 {
            break;
        }
        row.clear();
        row.extend(0..=word.len());
        let mut beaten = true;
        for (i, c) in candidate.chars().enumerate() {
            let mut diagonal = row[0];
            row[0] = i + 1;
            let mut least = row[0];
            for (j, &w) in word.iter().enumerate() {
                let next = (diagonal + usize::from(c != w))
                    .min(row[j] + 1)
                    .min(row[j + 1] + 1);
                diagonal = row[j + 1];
                row[j + 1] = next;
                least = least.min(next);
            }
            // Every later row is at least this row's least.
            if least >= best {
                beaten = false;
                break;
            }
        }
        if beaten {
            best = best.min(row[word.len()]);
        }
    }
    best
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
    fn distance_counts_edits_by_character() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("défualt", "default"), 3);
        assert_eq!(distance("ééé", "éé"), 1);
    }

    #[test]
    fn nearest_is_the_least_distance() {
        let words = [
            "default", "defaults", "schedule", "", "x", "défault", "d", "tmdb", "imdb",
        ];
        for word in [
            "defualt",
            "",
            "schedul",
            "déf",
            "zzzzzzzzzzzz",
            "tmbd",
            "xx",
        ] {
            let least = words.iter().map(|c| distance(word, c)).min().unwrap();
            assert_eq!(nearest(word, words.iter().copied()), least, "{word}");
        }
        assert_eq!(nearest("a", std::iter::empty()), usize::MAX);
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
