//! Editing step by step: each edit after the first is planned on a parse
//! of its root entry's lines alone, and gives exactly what planning on a
//! parse of the whole text gave; a step that fails leaves nothing behind.

use super::{configs, data, generated, oracle};
use crate::document::edit::{Edit, NewValue, Protect};
use crate::document::scalar::Value;
use crate::document::{EditError, Editor};
use crate::kometa::PROTECT;
use crate::kometa::sensitive::is_secret_key;

fn path(p: &str) -> Vec<String> {
    p.split('.').map(str::to_string).collect()
}

fn text(p: &str, raw: &str) -> Edit {
    Edit {
        path: path(p),
        value: NewValue::Text {
            raw: raw.into(),
            fallback: None,
        },
    }
}

/// What a renewal writes, and more: six tokens, the pin emptied, a new key
/// in a new mapping, a value outside the trakt block.
fn renewal() -> Vec<Edit> {
    vec![
        text(
            "trakt.authorization.access_token",
            "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
        ),
        text("trakt.authorization.token_type", "bearer"),
        text("trakt.authorization.expires_in", "7776000"),
        text(
            "trakt.authorization.refresh_token",
            "0ddba11c0ddba11c0ddba11c0ddba11c0ddba11c0ddba11c0ddba11c0ddba11c",
        ),
        text("trakt.authorization.scope", "public"),
        text("trakt.authorization.created_at", "1796000000"),
        Edit {
            path: path("trakt.pin"),
            value: NewValue::Typed(Value::Null),
        },
        text("trakt.extra.nested.key", "a value: with a colon"),
        text("settings.cache_expiration", "61"),
    ]
}

#[test]
fn later_edits_plan_on_windows_as_on_the_whole_text() {
    let mut files = configs(&data("configs"));
    files.extend(configs(&data("redumped")));
    files.push(("generated".into(), generated(300_000)));
    let mut edited = 0;
    for (name, original) in files {
        let edits = renewal();
        let old = oracle::sequential(&original, &edits, &Protect::NONE);
        let new = Editor::new(
            &original,
            &["trakt", "settings"],
            Protect::NONE,
            Some(is_secret_key),
        )
        .and_then(|mut editor| {
            editor.edit(&edits)?;
            editor.finish()
        });
        match (&new, &old) {
            (Ok(outcome), Ok(text)) => {
                assert_eq!(&outcome.text, text, "{name}");
                edited += 1;
            }
            (Err(e), Err(was)) => assert_eq!(&e.to_string(), was, "{name}"),
            _ => panic!("{name}: new {new:?} old {old:?}"),
        }
    }
    assert!(edited > 20, "{edited} edited");
}

#[test]
fn each_step_is_all_or_nothing() {
    let original = "trakt:\n  pin: <<trakt_pin>>\n  authorization:\n    scope: public\n";
    let mut editor = Editor::new(original, &["trakt"], PROTECT, Some(is_secret_key)).unwrap();
    editor
        .edit(&[text("trakt.authorization.scope", "private")])
        .unwrap();
    // The second edit of this step is refused: its first is undone.
    let refused = editor.edit(&[
        text("trakt.authorization.token_type", "bearer"),
        text("trakt.pin", "1234"),
    ]);
    assert!(
        matches!(refused, Err(EditError::Value { .. })),
        "{refused:?}"
    );
    editor
        .edit(&[text("trakt.authorization.expires_in", "86400")])
        .unwrap();
    let outcome = editor.finish().unwrap();
    assert_eq!(
        outcome.text,
        "trakt:\n  pin: <<trakt_pin>>\n  authorization:\n    scope: private\n    expires_in: 86400\n"
    );
    assert_eq!(outcome.changes.len(), 2);
}

#[test]
fn secrets_are_found_before_and_after() {
    let original = "trakt:\n  client_secret: abcdefabcdefabcdefabcdef\n  authorization:\n";
    let mut editor = Editor::new(original, &["trakt"], PROTECT, Some(is_secret_key)).unwrap();
    editor
        .edit(&[text(
            "trakt.authorization.access_token",
            "0123456789abcdef0123",
        )])
        .unwrap();
    let outcome = editor.finish().unwrap();
    let shown = |t: &str, r: &[std::ops::Range<usize>]| -> Vec<String> {
        r.iter().map(|r| t[r.clone()].to_string()).collect()
    };
    assert_eq!(
        shown(original, &outcome.secrets.before),
        ["abcdefabcdefabcdefabcdef"]
    );
    assert_eq!(
        shown(&outcome.text, &outcome.secrets.after),
        ["abcdefabcdefabcdefabcdef", "0123456789abcdef0123"]
    );
}
