//! The streamed verification catches what the whole-tree one caught: on a
//! large file a splice that changes data outside the path, a wrong value,
//! a result that does not parse, a second document, an edit that is not
//! idempotent; and over the corpus, every byte mutation of a correct
//! result is judged as the old verification judged it.

use super::{corpus, generated, oracle};
use crate::document::apply::text_problem;
use crate::document::digest::Digests;
use crate::document::edit::{Edit, NewValue, Protect, plan};
use crate::document::scalar::Value;
use crate::document::tree::Parse;
use crate::document::verify::verify;
use crate::document::{EditError, apply};
use crate::kometa::PROTECT;

pub(super) fn path(p: &str) -> Vec<String> {
    p.split('.').map(str::to_string).collect()
}

fn scope_edit(value: &str) -> Edit {
    Edit {
        path: path("trakt.authorization.scope"),
        value: NewValue::Typed(Value::Str(value.into())),
    }
}

fn run(
    original: &str,
    result: &str,
    edits: &[Edit],
    changes: &[(Vec<String>, Value)],
) -> Result<(), EditError> {
    run_with(original, result, edits, changes, &PROTECT)
}

fn run_with(
    original: &str,
    result: &str,
    edits: &[Edit],
    changes: &[(Vec<String>, Value)],
    protect: &Protect,
) -> Result<(), EditError> {
    let keys = ["trakt", "<<"];
    let parse = Parse::full().root_keys(&keys);
    // As the editor finishes: the verification, then the edits planned
    // again on the result's parse.
    let (doc, _) = verify(original, result, changes, Some(parse), &Digests::Skip)?;
    let doc = doc.expect("a parse was asked for");
    let again = text_problem(result).is_none()
        && edits
            .iter()
            .all(|e| matches!(plan(&doc, e, protect), Ok((s, _)) if s.is_empty()));
    match again {
        true => Ok(()),
        false => internal("applying the same edit again is not a no-op"),
    }
}

fn internal(what: &'static str) -> Result<(), EditError> {
    Err(EditError::Internal { what })
}

#[test]
fn a_wrong_edit_of_a_large_file_is_caught() {
    let original = generated(4_000_000);
    let edits = [scope_edit("private")];
    let good = apply(&original, &edits, &PROTECT, None).expect("edit applies");
    assert_eq!(
        good.text,
        original.replace("scope: public", "scope: private")
    );
    let changes = good.changes.clone();
    assert_eq!(run(&original, &good.text, &edits, &changes), Ok(()));

    let differs = internal("the edited document's data differs from the intended change");
    // A splice that also changes a value far from the path.
    let far = good
        .text
        .replacen("mass_genre_update: tmdb", "mass_genre_update: tmbd", 1);
    assert_eq!(run(&original, &far, &edits, &changes), differs);
    let near_end = {
        let at = good.text.rfind("asset_directory: config/assets/").unwrap();
        let mut t = good.text.clone();
        t.insert(at + "asset_directory: ".len(), 'x');
        t
    };
    assert_eq!(run(&original, &near_end, &edits, &changes), differs);
    // A key renamed, one dropped, one added, a comment turned into a key.
    let renamed = good.text.replacen("  Movies 3:", "  Movies 3 :", 1);
    assert_eq!(
        run(&original, &renamed, &edits, &changes),
        Ok(()),
        "the same key"
    );
    let renamed = good.text.replacen("  Movies 3:", "  Movies 33:", 1);
    assert_eq!(run(&original, &renamed, &edits, &changes), differs);
    let dropped = good.text.replacen("      mass_genre_update: tmdb\n", "", 1);
    assert_eq!(run(&original, &dropped, &edits, &changes), differs);
    let added = good.text.replacen(
        "    scope: private\n",
        "    scope: private\n    extra: 1\n",
        1,
    );
    assert_eq!(run(&original, &added, &edits, &changes), differs);
    let uncommented = good.text.replacen("## generated", "generated: 1 #", 1);
    assert_eq!(run(&original, &uncommented, &edits, &changes), differs);
    // A value quoted differently means the same: comments, quotes and
    // spacing are not data.
    let requoted = good.text.replacen(
        "collection_order: \"custom\"",
        "collection_order: 'custom'",
        1,
    );
    assert_eq!(run(&original, &requoted, &edits, &changes), Ok(()));
    // The wrong value at the path, or the right value as another type.
    let wrong = original.replace("scope: public", "scope: privat");
    assert_eq!(run(&original, &wrong, &edits, &changes), differs);
    let typed = original.replace("expires_in: 86400", "expires_in: '86400'");
    let expires = [Edit {
        path: path("trakt.authorization.expires_in"),
        value: NewValue::Typed(Value::Int(86400)),
    }];
    let int = [(path("trakt.authorization.expires_in"), Value::Int(86400))];
    assert_eq!(run(&original, &typed, &expires, &int), differs);
    // An anchor alone means nothing; an alias in place of a value does.
    let anchored = good
        .text
        .replacen("mass_genre_update: tmdb", "mass_genre_update: &a tmdb", 1);
    assert_eq!(run(&original, &anchored, &edits, &changes), Ok(()));
    let aliased = anchored.replacen(
        "mass_content_rating_update: omdb",
        "mass_content_rating_update: *a",
        1,
    );
    assert_eq!(run(&original, &aliased, &edits, &changes), differs);
    // Not YAML, or not one document.
    let broken = good
        .text
        .replacen("position: [top, right]", "position: [top, right", 1);
    assert_eq!(
        run(&original, &broken, &edits, &changes),
        internal("the edited text does not parse")
    );
    let two = format!("{}---\na: 1\n", good.text);
    assert_eq!(
        run(&original, &two, &edits, &changes),
        internal("the edited text is not one document")
    );
}

#[test]
fn an_edit_that_is_not_idempotent_is_caught() {
    let original = "trakt:\n  scope: !!str public\n";
    let untag = [Edit {
        path: path("trakt.scope"),
        value: NewValue::Untagged(Value::Str("private".into())),
    }];
    let changes = [(path("trakt.scope"), Value::Str("private".into()))];
    assert_eq!(
        run(original, "trakt:\n  scope: private\n", &untag, &changes),
        Ok(())
    );
    // The value is right, but the tag the edit removes is still there.
    assert_eq!(
        run(
            original,
            "trakt:\n  scope: !!str private\n",
            &untag,
            &changes
        ),
        internal("applying the same edit again is not a no-op")
    );
}

#[test]
fn a_change_inside_an_anchored_value_is_caught() {
    // Its aliases would change too: yaml-rust2's loader, which copies
    // anchored values, sees that, as before.
    let original = "base: &b\n  scope: public\ntrakt: *b\n";
    let result = "base: &b\n  scope: private\ntrakt: *b\n";
    let edits = [Edit {
        path: path("base.scope"),
        value: NewValue::Typed(Value::Str("private".into())),
    }];
    let changes = [(path("base.scope"), Value::Str("private".into()))];
    let was = oracle::verify(original, result, &changes, &edits, &PROTECT);
    assert_eq!(was, Err("yaml-rust2 reads the edited document differently"));
    assert_eq!(
        run(original, result, &edits, &changes),
        internal("yaml-rust2 reads the edited document differently")
    );
}

/// A small deterministic generator.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Every kind of small damage to a result, at random places.
pub(super) fn mutations(text: &str, rng: &mut Rng, n: usize) -> Vec<String> {
    const PIECES: [&str; 12] = [
        "", " ", "\n", "#", ":", "x", "'", "\"", "- ", "&a ", "*a", "  ",
    ];
    let boundaries: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    (0..n)
        .map(|_| {
            let a = boundaries[rng.next(boundaries.len())];
            let b = boundaries[rng.next(boundaries.len())];
            let (a, b) = (a.min(b), a.max(b).min(a + 3));
            let b = (a..=b)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(a);
            let mut t = text.to_string();
            t.replace_range(a..b, PIECES[rng.next(PIECES.len())]);
            t
        })
        .collect()
}

#[test]
fn damaged_results_are_judged_as_the_whole_tree_verification_judged_them() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut judged, mut caught) = (0, 0);
    for (name, text) in corpus().into_iter().filter(|(_, t)| t.len() < 40_000) {
        let edits = [
            Edit {
                path: path("trakt.authorization.access_token"),
                value: NewValue::Typed(Value::Str("0123456789abcdef0123456789abcdef".into())),
            },
            Edit {
                path: path("trakt.pin"),
                value: NewValue::Typed(Value::Null),
            },
        ];
        let Ok(good) = apply(&text, &edits, &Protect::NONE, None) else {
            continue;
        };
        if good.text == text {
            continue;
        }
        for damaged in mutations(&good.text, &mut rng, 12) {
            let new = run_with(&text, &damaged, &edits, &good.changes, &Protect::NONE);
            let old = oracle::verify(&text, &damaged, &good.changes, &edits, &Protect::NONE);
            match (&new, &old) {
                (Ok(()), Ok(())) => {}
                (Err(EditError::Internal { what }), Err(was)) => {
                    caught += 1;
                    assert_eq!(what, was, "{name}: {damaged:?}");
                }
                _ => panic!("{name}: new {new:?}, old {old:?} for {damaged:?}"),
            }
            judged += 1;
        }
    }
    println!("{judged} damaged results judged alike, {caught} refused");
    assert!(
        judged > 150 && caught > 50,
        "{judged} judged, {caught} caught"
    );
}
