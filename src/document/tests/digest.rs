//! A save verified against the digest of a planned one (renew's and
//! auth's second verification) passes only what the verification against
//! the original passes: on a large file a splice outside the paths, a
//! value that is not what was written, a key dropped; and over the corpus,
//! every byte mutation of a correct save the digest lets through is one
//! the whole-tree verification accepts.

use super::verify::{Rng, mutations, path};
use super::{corpus, generated, oracle};
use crate::document::apply::text_problem;
use crate::document::digest::{Digest, Digests};
use crate::document::edit::{Edit, NewValue, Protect, plan};
use crate::document::scalar::Value;
use crate::document::tree::Parse;
use crate::document::verify::{like, verify};
use crate::document::{EditError, Outcome, apply};

fn edit(key: &str, value: Value) -> Edit {
    Edit {
        path: path(&format!("trakt.authorization.{key}")),
        value: NewValue::Typed(value),
    }
}

/// A renewal planned with stand-ins for every value an answer may change.
fn planned() -> Vec<Edit> {
    vec![
        edit("access_token", Value::Str("f".repeat(64))),
        edit("expires_in", Value::Int(7_776_000)),
        edit("refresh_token", Value::Str("e".repeat(64))),
        edit("created_at", Value::Int(4_102_444_800)),
    ]
}

/// The answer's save: fewer values, other values.
fn saved() -> Vec<Edit> {
    vec![
        edit("access_token", Value::Str("0123456789abcdef".repeat(4))),
        edit("refresh_token", Value::Str("fedcba9876543210".repeat(4))),
        edit("created_at", Value::Int(1_764_200_000)),
    ]
}

/// `edits` applied to `text`, and the digest of the result made as the
/// editor makes it (`None` when the edits do not apply).
fn digested(text: &str, edits: &[Edit]) -> Option<(Outcome, Digest)> {
    let outcome = apply(text, edits, &Protect::NONE, None).ok()?;
    let keys = ["trakt", "<<"];
    let parse = Parse::full().root_keys(&keys);
    let (_, digest) = verify(
        text,
        &outcome.text,
        &outcome.changes,
        Some(parse),
        &Digests::Make,
    )
    .ok()?;
    Some((outcome, digest?))
}

/// `result` checked against `digest` as the editor checks it: the digest's
/// verdict (`None`: it defers to the verification against the original),
/// then the edits planned again on the result.
fn check_like(
    result: &str,
    edits: &[Edit],
    changes: &[(Vec<String>, Value)],
    digest: &Digest,
) -> Option<Result<(), &'static str>> {
    let keys = ["trakt", "<<"];
    let parse = Parse::full().root_keys(&keys);
    let doc = like(result, changes, Some(parse), digest)?.expect("a parse was asked for");
    let again = text_problem(result).is_none()
        && edits
            .iter()
            .all(|e| matches!(plan(&doc, e, &Protect::NONE), Ok((s, _)) if s.is_empty()));
    Some(match again {
        true => Ok(()),
        false => Err("applying the same edit again is not a no-op"),
    })
}

#[test]
fn a_wrong_save_of_a_large_file_is_caught_against_the_digest() {
    let original = generated(4_000_000);
    let (_, digest) = digested(&original, &planned()).expect("the plan applies");
    let edits = saved();
    let good = apply(&original, &edits, &Protect::NONE, None).expect("the save applies");
    let changes = good.changes.clone();
    assert_eq!(
        check_like(&good.text, &edits, &changes, &digest),
        Some(Ok(())),
        "the right save is verified by the digest alone"
    );

    let damaged = [
        good.text
            .replacen("mass_genre_update: tmdb", "mass_genre_update: tmbd", 1),
        good.text.replacen("  Movies 3:", "  Movies 33:", 1),
        good.text.replacen("      mass_genre_update: tmdb\n", "", 1),
        good.text
            .replacen("token_type: Bearer", "token_type: bearer", 1),
        good.text
            .replacen("expires_in: 86400", "expires_in: '86400'", 1),
        good.text
            .replacen("created_at: 1764200000", "created_at: 1764200001", 1),
        good.text.replacen(
            "    scope: public\n",
            "    scope: public\n    extra: 1\n",
            1,
        ),
    ];
    for text in &damaged {
        assert_ne!(text, &good.text);
        assert_eq!(
            check_like(text, &edits, &changes, &digest),
            None,
            "the digest lets through a wrong save"
        );
        // The editor then verifies against the original, which refuses.
        let keys = ["trakt", "<<"];
        let full = verify(
            &original,
            text,
            &changes,
            Some(Parse::full().root_keys(&keys)),
            &Digests::Like(digest.clone()),
        );
        assert!(
            matches!(full, Err(EditError::Internal { .. })),
            "the original let a wrong save through: {text:?}"
        );
    }
}

#[test]
fn damaged_saves_the_digest_passes_are_right() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    // Right saves the digest passes, damaged ones it judged, deferred.
    let (mut saves, mut passed, mut deferred) = (0, 0, 0);
    for (name, text) in corpus().into_iter().filter(|(_, t)| t.len() < 40_000) {
        let Some((_, digest)) = digested(&text, &planned()) else {
            continue;
        };
        let edits = saved();
        let Ok(good) = apply(&text, &edits, &Protect::NONE, None) else {
            continue;
        };
        // A save that adds fewer keys than the plan did is not like it:
        // the digest defers.
        match check_like(&good.text, &edits, &good.changes, &digest) {
            Some(Ok(())) => saves += 1,
            None => {}
            Some(Err(e)) => panic!("{name}: the right save refused: {e}"),
        }
        for damaged in mutations(&good.text, &mut rng, 12) {
            let judged = check_like(&damaged, &edits, &good.changes, &digest);
            let truth = oracle::verify(&text, &damaged, &good.changes, &edits, &Protect::NONE);
            match judged {
                None => deferred += 1,
                Some(verdict) => {
                    passed += 1;
                    assert!(
                        verdict.is_err() || truth.is_ok(),
                        "{name}: the digest passed {damaged:?}, which the original refuses: {truth:?}"
                    );
                }
            }
        }
    }
    println!(
        "{saves} right saves passed by the digest; {passed} damaged saves judged by it, {deferred} deferred"
    );
    assert!(
        saves > 20 && passed > 20 && deferred > 100,
        "{saves} {passed} {deferred}"
    );
}
