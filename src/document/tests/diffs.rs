//! Diffs of the changed region only give the bytes the whole-text diffs
//! gave (hunks, context, line numbers, masking, colour, the final-newline
//! marker); counting changed lines likewise; the streamed meaning-level
//! diff gives what the whole-tree one gave, refusals included.

use super::{corpus, generated, oracle};
use crate::document::{Document, Parse, Secrets};
use crate::kometa::sensitive::is_secret_key;
use crate::report::diff::{Reveal, changed_lines, unified};

struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// `text` with a few lines changed, inserted, deleted or repeated (repeats
/// are what moves a diff's hunks around).
fn edited(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    for _ in 0..1 + rng.next(3) {
        let at = rng.next(lines.len() + 1);
        match rng.next(6) {
            0 if at < lines.len() => {
                lines.remove(at);
            }
            1 if at < lines.len() => {
                let line = lines[at].clone();
                lines.insert(at, line);
            }
            2 if at < lines.len() => {
                lines[at] = format!("  access_token: {}\n", "ab".repeat(10 + rng.next(20)));
            }
            3 => lines.insert(at, "\n".into()),
            4 if at < lines.len() => {
                let line = lines[at].trim_end_matches('\n').to_string();
                lines[at] = format!("{line} # changed\n");
            }
            _ => lines.insert(at, format!("  client_secret: {}\n", "cd".repeat(12))),
        }
    }
    if rng.next(8) == 0
        && let Some(last) = lines.last_mut()
    {
        last.truncate(last.trim_end_matches('\n').len());
    }
    lines.concat()
}

fn secrets(text: &str) -> Vec<std::ops::Range<usize>> {
    Document::parse_with(text, Parse::masking(is_secret_key))
        .map(|d| d.secrets)
        .unwrap_or_default()
}

#[test]
fn a_diff_of_the_changed_region_is_the_whole_diff() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut texts: Vec<String> = corpus().into_iter().map(|(_, t)| t).collect();
    texts.push(generated(200_000));
    texts.push("a\na\na\na\na\na\na\na\n".into());
    let mut compared = 0;
    for old in &texts {
        for round in 0..4 {
            let new = edited(old, &mut rng);
            let found = Secrets {
                before: secrets(old),
                after: secrets(&new),
            };
            let color = round % 2 == 1;
            for (reveal, masked) in [(Reveal::Masked, true), (Reveal::Shown, false)] {
                let want = oracle::unified(old, &new, "f.yml", color, masked);
                assert_eq!(
                    unified(old, &new, Some(&found), "f.yml", color, reveal),
                    want,
                    "{old:?} -> {new:?}"
                );
                if masked {
                    assert_eq!(unified(old, &new, None, "f.yml", color, reveal), want);
                }
            }
            assert_eq!(changed_lines(old, &new), oracle::changed_lines(old, &new));
            compared += 1;
        }
    }
    assert!(compared > 1000, "{compared} compared");
}

#[test]
fn repeated_lines_keep_their_hunks_where_the_whole_diff_puts_them() {
    let old = "x\n".to_string() + &"a\n".repeat(50) + "y\n";
    for at in [1, 10, 25, 50] {
        let mut lines: Vec<&str> = old.split_inclusive('\n').collect();
        lines.insert(at, "a\n");
        let new = lines.concat();
        let found = Secrets::default();
        assert_eq!(
            unified(&old, &new, Some(&found), "f", false, Reveal::Masked),
            oracle::unified(&old, &new, "f", false, true)
        );
    }
}

#[test]
fn lines_are_counted_as_the_whole_line_diff_counts_them() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let big = generated(120_000);
    let redumped = big
        .replace("\n      - ", "\n    - ")
        .replace("\n        ", "\n      ")
        .replace("\"custom\"", "custom");
    let mut pairs = vec![(big.clone(), redumped.clone()), (redumped, big.clone())];
    pairs.push(("a\rb\r\nc\n".repeat(80), "a\rb\r\nd\n".repeat(80)));
    for _ in 0..20 {
        let mut edited_big = big.clone();
        for _ in 0..3 {
            edited_big = edited(&edited_big, &mut rng);
        }
        pairs.push((big.clone(), edited_big));
    }
    for (a, b) in &pairs {
        assert_eq!(changed_lines(a, b), oracle::changed_lines(a, b));
    }
}
