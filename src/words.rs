//! Words that are nearly the same: edit distance, and "did you mean" (the
//! known word closest to a misspelt one).

/// How much of a user's word (a key, a value) a message shows.
pub(crate) const WORD: usize = 60;

/// `text` cut to `max` characters, with `…` where it was cut: user text in
/// a message stays short whatever the file holds.
pub(crate) fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]).into(),
        None => text.into(),
    }
}

/// The candidate within two edits of `word` (ignoring case), if any.
pub(crate) fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let lower = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (distance(&lower, c), *c))
        .filter(|&(d, _)| d <= 2)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// The Levenshtein distance between two strings, by characters.
pub(crate) fn distance(a: &str, b: &str) -> usize {
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
/// for none): unions of Kometa's schema compare each unknown key with
/// hundreds of allowed ones, so an ASCII word of up to 64 characters is
/// compared bit-parallel (Myers' algorithm), a column per character.
pub(crate) fn nearest<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> usize {
    let bits = Bits::new(word.as_bytes());
    candidates
        .map(|candidate| match (&bits, candidate.is_ascii()) {
            (Some(bits), true) => bits.distance(candidate.bytes()),
            _ => distance(word, candidate),
        })
        .min()
        .unwrap_or(usize::MAX)
}

/// An ASCII word of 1 to 64 characters as bit masks: bit `i` of `eq[c]`
/// is set where the word's `i`th character is `c`.
struct Bits {
    eq: [u64; 128],
    len: usize,
}

impl Bits {
    fn new(word: &[u8]) -> Option<Bits> {
        if !word.is_ascii() || word.is_empty() || word.len() > 64 {
            return None;
        }
        let mut eq = [0u64; 128];
        for (i, &b) in word.iter().enumerate() {
            eq[usize::from(b)] |= 1 << i;
        }
        Some(Bits {
            eq,
            len: word.len(),
        })
    }

    /// The Levenshtein distance from the word to the ASCII `text`
    /// (Hyyrö's formulation of Myers' bit-vector algorithm).
    fn distance(&self, text: impl IntoIterator<Item = u8>) -> usize {
        let last = 1u64 << (self.len - 1);
        let (mut pv, mut mv) = (u64::MAX, 0u64);
        let mut score = self.len;
        for c in text {
            let eq = self.eq[usize::from(c & 0x7f)];
            let xv = eq | mv;
            let xh = ((eq & pv).wrapping_add(pv) ^ pv) | eq;
            let mut ph = mv | !(xh | pv);
            let mut mh = pv & xh;
            if ph & last != 0 {
                score += 1;
            } else if mh & last != 0 {
                score -= 1;
            }
            ph = (ph << 1) | 1;
            mh <<= 1;
            pv = mh | !(xv | ph);
            mv = ph & xv;
        }
        score
    }
}

/// Whether `a`, lowercased, is within two edits of `b` (both ASCII):
/// [`distance`] for the one question asked of every key of a file,
/// bit-parallel and without allocating.
pub(crate) fn within_two_ascii(a: &[u8], b: &[u8]) -> bool {
    match Bits::new(b) {
        Some(bits) => bits.distance(a.iter().map(u8::to_ascii_lowercase)) <= 2,
        None => {
            distance(
                &String::from_utf8_lossy(a).to_lowercase(),
                &String::from_utf8_lossy(b),
            ) <= 2
        }
    }
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
    fn the_bit_parallel_distance_is_the_distance() {
        // Every pair of a word list with repeats, prefixes, transpositions,
        // the empty word and words of 63 to 65 characters.
        let long = "ab".repeat(32);
        let words = [
            "",
            "a",
            "b",
            "ab",
            "ba",
            "aa",
            "abc",
            "acb",
            "kitten",
            "sitting",
            "default",
            "defualt",
            "collection_files",
            "collection_file",
            "mass_genre_update",
            "tmdb",
            "imdb",
            "aaaaaaaa",
            "abababab",
            &long,
            &long[1..],
            &format!("{long}c"),
        ];
        for a in words {
            for b in words {
                let expected = distance(a, b);
                if let Some(bits) = Bits::new(a.as_bytes()) {
                    assert_eq!(bits.distance(b.bytes()), expected, "{a:?} {b:?}");
                }
                assert_eq!(nearest(a, [b].into_iter()), expected, "{a:?} {b:?}");
            }
        }
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
