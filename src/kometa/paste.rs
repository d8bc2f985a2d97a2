//! A trakt block pasted by hand: what the Kometa Utilities page prints
//! (either mode) after authorizing, or a recovery file, as web copies and
//! editors mangle it: any indentation (or none), with or without the
//! `trakt:` line, no-break spaces, tabs, CRLF, trailing comments. The
//! block's keys are all different, so it is read key by key, line by line,
//! whatever its nesting looks like; each value is decoded as YAML decodes
//! it. The block's comments are not kept: only its values are.

use crate::authorization::Answer;
use crate::document::{Document, Kind};

/// The values of a pasted block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Pasted {
    pub(crate) client_id: Option<String>,
    pub(crate) client_secret: Option<String>,
    pub(crate) answer: Answer,
}

/// Why a pasted block cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PasteError {
    #[error("line {line}: `{key}` is not a key of a trakt block")]
    UnknownKey { line: usize, key: String },
    #[error("line {line}: not a `key: value` line")]
    NotKeyValue { line: usize },
    #[error("line {line}: `{key}` appears twice")]
    Twice { line: usize, key: String },
    #[error("line {line}: the value of `{key}` cannot be read ({why})")]
    BadValue {
        line: usize,
        key: String,
        why: String,
    },
    #[error("the block lacks {0}: paste the whole block the Kometa Utilities page printed")]
    Missing(String),
    #[error(
        "the block was made {0}: a pasted block must be from the last 24 hours (authorize again on the Kometa Utilities page)"
    )]
    Stale(String),
    #[error(
        "the block's `created_at` lies in the future ({0}): check the block and this machine's clock"
    )]
    Future(String),
}

/// Headers that carry no value of their own.
const HEADERS: [&str; 2] = ["trakt", "authorization"];

/// Keys ignored if present: a recovery file names its config; an old
/// block may carry Kometa 2.4's keys.
const IGNORED: [&str; 3] = ["config", "pin", "force_refresh"];

/// The spaces web pages and editors put where a space or indentation is.
fn blank(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{a0}' | '\u{202f}' | '\u{2007}' | '\u{feff}'
    )
}

/// Reads a pasted block, or a whole config (a leftover temp file of a
/// renewal holds one): a YAML document with a `trakt` mapping at its root
/// is read by its structure, anything else line by line.
pub(crate) fn read(text: &str) -> Result<Pasted, PasteError> {
    match structured(text)? {
        Some(pasted) => Ok(pasted),
        None => lines(text),
    }
}

/// The keys a trakt block and its authorization may hold.
const BLOCK_KEYS: [&str; 5] = [
    "client_id",
    "client_secret",
    "pin",
    "force_refresh",
    "authorization",
];
const AUTH_KEYS: [&str; 6] = [
    "access_token",
    "token_type",
    "expires_in",
    "refresh_token",
    "scope",
    "created_at",
];

/// The values of the root `trakt` mapping of a document that parses; a
/// key neither it nor its authorization knows is refused.
fn structured(text: &str) -> Result<Option<Pasted>, PasteError> {
    let Ok(doc) = Document::parse(text) else {
        return Ok(None);
    };
    let Some(trakt) = doc
        .roots
        .first()
        .and_then(|root| doc.lookup(root, "trakt"))
        .map(|f| doc.target(f.value()))
        .filter(|t| t.entries().is_some())
    else {
        return Ok(None);
    };
    let unknown = |node: &crate::document::Node<'_>, known: &[&str]| {
        node.entries().unwrap_or_default().iter().find_map(|e| {
            let key = doc.key_text(&e.key).unwrap_or_default();
            (!known.contains(&key)).then(|| PasteError::UnknownKey {
                line: doc.pos(e.key.start).line,
                key: crate::words::clip(key, crate::words::WORD).into_owned(),
            })
        })
    };
    if let Some(e) = unknown(trakt, &BLOCK_KEYS) {
        return Err(e);
    }
    let value = |node: &crate::document::Node<'_>, key: &str| -> Option<String> {
        let v = doc.target(doc.lookup(node, key)?.value());
        v.scalar()
            .filter(|s| !s.is_empty() && !v.is_null())
            .map(str::to_string)
    };
    let auth = doc
        .lookup(trakt, "authorization")
        .map(|f| doc.target(f.value()))
        .filter(|a| a.entries().is_some());
    if let Some(e) = auth.and_then(|a| unknown(a, &AUTH_KEYS)) {
        return Err(e);
    }
    let of_auth = |key: &str| auth.and_then(|a| value(a, key));
    let number = |key: &str| of_auth(key).and_then(|v| v.parse().ok());
    Ok(Some(Pasted {
        client_id: value(trakt, "client_id"),
        client_secret: value(trakt, "client_secret"),
        answer: Answer {
            access_token: of_auth("access_token"),
            token_type: of_auth("token_type"),
            expires_in: number("expires_in"),
            refresh_token: of_auth("refresh_token"),
            scope: of_auth("scope"),
            created_at: number("created_at"),
        },
    }))
}

/// Reads a block key by key, line by line, whatever its nesting looks like.
fn lines(text: &str) -> Result<Pasted, PasteError> {
    let mut pasted = Pasted::default();
    let mut seen: Vec<&str> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let body = raw.trim_end_matches('\r').trim_matches(blank);
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let Some((key, rest)) = body.split_once(':') else {
            return Err(PasteError::NotKeyValue { line });
        };
        let key = key.trim_matches(blank).trim_matches(['"', '\'']);
        let value = rest.trim_matches(blank);
        if HEADERS.contains(&key) && (value.is_empty() || value.starts_with('#')) {
            continue;
        }
        if IGNORED.contains(&key) {
            continue;
        }
        let slot: &mut dyn FnMut(String) -> Result<(), String> = &mut |v: String| {
            let a = &mut pasted.answer;
            let number = || {
                v.parse::<i64>()
                    .map_err(|_| "not a whole number".to_string())
            };
            match key {
                "client_id" => pasted.client_id = Some(v.clone()),
                "client_secret" => pasted.client_secret = Some(v.clone()),
                "access_token" => a.access_token = Some(v.clone()),
                "token_type" => a.token_type = Some(v.clone()),
                "refresh_token" => a.refresh_token = Some(v.clone()),
                "scope" => a.scope = Some(v.clone()),
                "expires_in" => a.expires_in = Some(number()?),
                "created_at" => a.created_at = Some(number()?),
                _ => unreachable!("keys are checked first"),
            }
            Ok(())
        };
        const KEYS: [&str; 8] = [
            "client_id",
            "client_secret",
            "access_token",
            "token_type",
            "expires_in",
            "refresh_token",
            "scope",
            "created_at",
        ];
        let Some(&known) = KEYS.iter().find(|k| **k == key) else {
            return Err(PasteError::UnknownKey {
                line,
                key: crate::words::clip(key, crate::words::WORD).into_owned(),
            });
        };
        if seen.contains(&known) {
            return Err(PasteError::Twice {
                line,
                key: known.to_string(),
            });
        }
        seen.push(known);
        let bad = |why: String| PasteError::BadValue {
            line,
            key: known.to_string(),
            why,
        };
        let decoded = decode(value).map_err(bad)?;
        if let Some(v) = decoded.filter(|v| !v.is_empty()) {
            slot(v).map_err(bad)?;
        }
    }
    Ok(pasted)
}

/// A value as YAML reads it (quotes, escapes, a trailing comment), `None`
/// when it is empty or null.
fn decode(value: &str) -> Result<Option<String>, String> {
    let line = format!("v: {value}\n");
    let doc = Document::parse(&line).map_err(|e| e.message.clone())?;
    let node = doc
        .roots
        .first()
        .and_then(|r| r.entries())
        .and_then(|e| e.first())
        .map(|e| &e.value)
        .ok_or_else(|| "no value".to_string())?;
    if node.is_null() {
        return Ok(None);
    }
    match &node.kind {
        Kind::Scalar { value, .. } => Ok(Some(value.to_string())),
        _ => Err(format!("a {}, not a single value", node.kind_name())),
    }
}

impl Pasted {
    /// The checks a pasted block must pass before anything is written:
    /// the six authorization values, made within the last 24 hours and
    /// not more than 5 minutes ahead of `now` (`fresh`), and a client id
    /// here or in the config (`config_has_id`).
    pub(crate) fn checked(
        &self,
        now: i64,
        fresh: bool,
        config_has_id: bool,
    ) -> Result<(), PasteError> {
        let a = &self.answer;
        let missing: Vec<&str> = [
            ("access_token", a.access_token.is_none()),
            ("token_type", a.token_type.is_none()),
            ("expires_in", a.expires_in.is_none_or(|e| e <= 0)),
            ("refresh_token", a.refresh_token.is_none()),
            ("scope", a.scope.is_none()),
            ("created_at", a.created_at.is_none()),
            ("client_id", self.client_id.is_none() && !config_has_id),
        ]
        .into_iter()
        .filter_map(|(k, gone)| gone.then_some(k))
        .collect();
        if !missing.is_empty() {
            return Err(PasteError::Missing(
                missing
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
        if !fresh {
            return Ok(());
        }
        let created = a.created_at.unwrap_or_default();
        if created > now + 300 {
            return Err(PasteError::Future(crate::time::utc(created)));
        }
        if created < now - 86_400 {
            return Err(PasteError::Stale(crate::time::relative(created - now)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINTED: &str = "trakt:\n  client_id: abc123abc123abc123abc1\n  client_secret: def456def456def456def4\n  authorization:\n    access_token: a1\n    token_type: bearer\n    expires_in: 604800\n    refresh_token: r1\n    scope: public\n    created_at: 1767225600\n";

    #[test]
    fn a_printed_block_and_its_mangled_copies_read_the_same() {
        let expected = read(PRINTED).unwrap();
        assert_eq!(expected.answer.refresh_token.as_deref(), Some("r1"));
        assert_eq!(expected.answer.expires_in, Some(604_800));
        let flat: String = PRINTED
            .lines()
            .map(|l| format!("{}\r\n", l.trim()))
            .collect();
        let nbsp = PRINTED
            .replace(": ", ":\u{a0}")
            .replace("  ", "\u{a0}\u{a0}");
        let tabs = PRINTED.replace("    ", "\t\t").replace("  ", "\t");
        let bare = PRINTED.replacen("trakt:\n", "", 1);
        let quoted = PRINTED
            .replace("r1", "'r1'   # pasted")
            .replace("a1", "\"a1\"");
        for mangled in [flat, nbsp, tabs, bare, quoted] {
            assert_eq!(read(&mangled).unwrap(), expected, "{mangled:?}");
        }
    }

    #[test]
    fn what_a_block_must_hold() {
        let old = read(PRINTED).unwrap();
        assert_eq!(old.checked(1_767_225_600 + 10, true, false), Ok(()));
        assert!(matches!(
            old.checked(1_767_225_600 + 90_000, true, false),
            Err(PasteError::Stale(_))
        ));
        assert_eq!(old.checked(1_767_225_600 + 90_000, false, false), Ok(()));
        assert!(matches!(
            old.checked(1_767_225_600 - 400, true, false),
            Err(PasteError::Future(_))
        ));
        let partial = read("access_token: a\nrefresh_token: r\n").unwrap();
        assert_eq!(
            partial.checked(0, false, true),
            Err(PasteError::Missing(
                "`token_type`, `expires_in`, `scope`, `created_at`".into()
            ))
        );
        assert_eq!(
            read("trakt:\n  foo: 1\n"),
            Err(PasteError::UnknownKey {
                line: 2,
                key: "foo".into()
            })
        );
    }
}
