//! Property test: generated configs with random indentation, quoting,
//! comments, blank lines, CRLF, BOM, final newline and key order. Setting
//! the three renewal values changes exactly their lines (or inserts exactly
//! them), means what was asked (read back by yaml-rust2), and is idempotent.

use super::Protect;
use super::{Edit, NewValue, Value, apply};
use crate::test_data::regressions;
use proptest::prelude::*;
use similar::{ChangeTag, TextDiff};
use yaml_rust2::YamlLoader;

const AUTH_KEYS: [&str; 6] = [
    "access_token",
    "token_type",
    "expires_in",
    "refresh_token",
    "scope",
    "created_at",
];

#[derive(Debug, Clone)]
struct Shape {
    indent: usize,
    crlf: bool,
    bom: bool,
    final_newline: bool,
    /// Which authorization keys exist, in this order, each with its
    /// value style (0 plain, 1 single, 2 double, 3 empty), a comment flag,
    /// and blank lines before it.
    keys: Vec<(usize, u8, bool, bool)>,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        2usize..=4,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        Just((0..6).collect::<Vec<usize>>()).prop_shuffle(),
        proptest::collection::vec((0u8..4, any::<bool>(), any::<bool>()), 6),
        0usize..=6,
    )
        .prop_map(
            |(indent, crlf, bom, final_newline, order, decor, count)| Shape {
                indent,
                crlf,
                bom,
                final_newline,
                keys: order
                    .into_iter()
                    .take(count)
                    .zip(decor)
                    .map(|(k, (s, c, b))| (k, s, c, b))
                    .collect(),
            },
        )
}

fn render(shape: &Shape) -> String {
    let eol = if shape.crlf { "\r\n" } else { "\n" };
    let one = " ".repeat(shape.indent);
    let mut out = String::new();
    if shape.bom {
        out.push('\u{feff}');
    }
    out.push_str(&format!(
        "# Kometa config{eol}plex:{eol}{one}url: http://plex:32400{eol}trakt:{eol}"
    ));
    out.push_str(&format!(
        "{one}client_id: abc   # id{eol}{one}authorization:{eol}"
    ));
    for &(key, style, comment, blank) in &shape.keys {
        if blank {
            out.push_str(eol);
        }
        let name = AUTH_KEYS[key];
        let value = match (name, style) {
            (_, 3) => String::new(),
            ("expires_in" | "created_at", 0) => " 86400".into(),
            (_, 0) => " old".into(),
            (_, 1) => " 'old'".into(),
            _ => " \"old\"".into(),
        };
        let comment = if comment { "  # note" } else { "" };
        out.push_str(&format!("{one}{one}{name}:{value}{comment}{eol}"));
    }
    out.push_str(&format!("# services{eol}mal:{eol}{one}client_id: x"));
    if shape.final_newline {
        out.push_str(eol);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: regressions(), ..ProptestConfig::default() })]

    #[test]
    fn renewal_edits_touch_only_their_lines(shape in shape(), token in "[ -~äé✓]{1,40}") {
        let text = render(&shape);
        let edits = vec![
            Edit { path: path("access_token"), value: NewValue::Typed(Value::Str(token.clone())) },
            Edit { path: path("refresh_token"), value: NewValue::Typed(Value::Str("r3fr35h".into())) },
            Edit { path: path("created_at"), value: NewValue::Typed(Value::Int(1_764_200_000)) },
        ];
        let outcome = apply(&text, &edits, &Protect::NONE, None).expect("generated configs are editable");
        let new = &outcome.text;

        let diff = TextDiff::from_lines(text.as_str(), new.as_str());
        let (mut deleted, mut inserted) = (0, 0);
        for change in diff.iter_all_changes() {
            let line = change.value();
            let target = ["access_token:", "refresh_token:", "created_at:"].iter().any(|k| line.trim_start().starts_with(k));
            match change.tag() {
                ChangeTag::Equal => {}
                ChangeTag::Delete => { deleted += 1; prop_assert!(target, "deleted {line:?}"); }
                ChangeTag::Insert => { inserted += 1; prop_assert!(target, "inserted {line:?}"); }
            }
        }
        let existing = shape.keys.iter().filter(|(k, ..)| matches!(AUTH_KEYS[*k], "access_token" | "refresh_token" | "created_at")).count();
        prop_assert_eq!(inserted, 3, "one line per value");
        prop_assert!(deleted <= existing);
        prop_assert_eq!(new.starts_with('\u{feff}'), shape.bom);
        prop_assert_eq!(new.ends_with('\n'), shape.final_newline);
        prop_assert_eq!(new.contains("\r\n"), shape.crlf);
        prop_assert_eq!(new.replace("\r\n", "").contains('\r'), false);

        let docs = YamlLoader::load_from_str(new.trim_start_matches('\u{feff}')).expect("yaml-rust2 reads it");
        let auth = &docs[0]["trakt"]["authorization"];
        prop_assert_eq!(auth["access_token"].as_str(), Some(token.as_str()));
        prop_assert_eq!(auth["refresh_token"].as_str(), Some("r3fr35h"));
        prop_assert_eq!(auth["created_at"].as_i64(), Some(1_764_200_000));
        prop_assert_eq!(docs[0]["mal"]["client_id"].as_str(), Some("x"));

        let again = apply(new, &edits, &Protect::NONE, None).expect("edits apply again");
        prop_assert_eq!(&again.text, new);
    }
}

fn path(key: &str) -> Vec<String> {
    vec!["trakt".into(), "authorization".into(), key.into()]
}
