//! Kometa 2.4.4's trakt path (modules/trakt.py ~52-199) over the values it
//! holds once the config is loaded and its placeholders are filled: which
//! request each value goes into, when, and what happens to it there.
//!
//! `Trakt.__init__` checks the access token with `GET /users/settings`
//! (`_check`, trakt.py:158-169: the token in `Authorization: Bearer …`, the
//! client id in the `trakt-api-key` header) unless `force_refresh is True`;
//! when that fails it refreshes (`_refresh`, trakt.py:171-179: a JSON body
//! with the refresh token, client id and secret); when that fails it
//! exchanges the PIN (`_authorization`, trakt.py:135-156: a JSON body with
//! the PIN as `code`, the client id and secret), or prompts for one. A
//! header that is not a string, starts with whitespace or holds a line
//! break, and a body that is not JSON, raise inside requests' retries:
//! Kometa's whole run aborts. A value sent but not what Trakt issued is
//! refused: the connection fails (logged; the run goes on without Trakt).

use super::load::{Loaded, Sent, unseen_flaw};

/// When Kometa sends a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// On its next run (the token check, or the request the run starts
    /// with).
    Now,
    /// At its next token refresh (the access token expired or refused).
    Refresh,
    /// When it needs a new PIN exchange (both tokens fail).
    Pin,
}

/// What happens to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Effect {
    /// An exception escapes the request: Kometa's whole run aborts.
    Crashes {
        exception: &'static str,
        why: String,
        /// The line of modules/trakt.py that sends it.
        at: &'static str,
    },
    /// Sent, but not what Trakt issued: Trakt refuses it.
    Refused,
    /// The access token cannot work: Kometa refreshes at once (and
    /// rewrites the file to save the new one).
    Refreshes,
    /// `force_refresh` other than the boolean true: Kometa ignores it.
    Ignored,
}

/// What is wrong with the value, for the rule that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Flaw {
    /// Not a string: its type's name.
    Type(&'static str),
    /// A tagged scalar or `!!binary` bytes.
    Tag,
    /// Whitespace, a line break or an invisible character, in words.
    Unseen(&'static str),
    /// A redaction leftover.
    Redacted,
    /// A null written as a string (`"null"`, `'None'`).
    NullWord,
    /// A `<<placeholder>>` Kometa leaves as written.
    Leftover,
    /// Empty.
    Blank,
    /// False, zero or an empty collection: Kometa takes it for no value.
    Falsy,
}

/// What happens to one value, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fate {
    pub(crate) stage: Stage,
    pub(crate) effect: Effect,
    pub(crate) flaw: Flaw,
}

/// The circumstances of a value: whether the block holds tokens, whether
/// `force_refresh` is the boolean true.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Run {
    /// The authorization holds a token: Kometa checks or refreshes it
    /// before it needs a PIN.
    pub(crate) tokens: bool,
    /// `force_refresh` is the boolean `true`: Kometa refreshes on every run
    /// without checking the access token.
    pub(crate) force: bool,
}

impl Run {
    /// When the refresh request (or, without tokens, the PIN exchange) is
    /// sent.
    fn refresh(self) -> Stage {
        if self.force || !self.tokens {
            Stage::Now
        } else {
            Stage::Refresh
        }
    }
}

const CHECK: &str = "modules/trakt.py:162";
const REFRESH: &str = "modules/trakt.py:175";
const EXCHANGE: &str = "modules/trakt.py:150";

/// Why Trakt would refuse a text sent as a credential or token: empty,
/// whitespace or invisible characters, a redaction leftover, a quoted
/// null, a placeholder left as written; `None` when it can be the one
/// Trakt issued.
pub(crate) fn refused(text: &str) -> Option<Flaw> {
    if text.is_empty() {
        return Some(Flaw::Blank);
    }
    if let Some(flaw) = unseen_flaw(text) {
        return Some(Flaw::Unseen(flaw));
    }
    if redacted(text) {
        return Some(Flaw::Redacted);
    }
    if matches!(
        text.to_ascii_lowercase().as_str(),
        "null" | "none" | "~" | "nil"
    ) {
        return Some(Flaw::NullWord);
    }
    if text.contains("<<") && text.contains(">>") {
        return Some(Flaw::Leftover);
    }
    None
}

/// A redaction leftover: `(redacted)`, `<REDACTED>`, `<private>`,
/// `XXXX-redacted-XXXX`, `********`.
pub(crate) fn redacted(text: &str) -> bool {
    if text.len() > 256 {
        return false;
    }
    let lower = text.to_lowercase();
    lower.contains("redacted")
        || lower == "<private>"
        || lower == "(private)"
        || (text.chars().count() >= 3 && text.chars().all(|c| matches!(c, '*' | '•' | '●')))
}

/// The flaw of a value that is not a string Trakt accepts.
fn flaw_of(value: &Loaded, sent: Option<&str>) -> Option<Flaw> {
    match value {
        Loaded::Tagged { .. } | Loaded::Bytes(_) => Some(Flaw::Tag),
        Loaded::Str(s) => refused(sent.unwrap_or(s)),
        Loaded::Null => Some(Flaw::Blank),
        other => Some(Flaw::Type(other.type_name())),
    }
}

/// The flaw behind an exception or a refusal: a string's own flaw, else
/// its type's.
fn cause(value: &Loaded) -> Flaw {
    match value {
        Loaded::Str(s) => refused(s).unwrap_or(Flaw::Blank),
        other => flaw_of(other, None).unwrap_or(Flaw::Type(other.type_name())),
    }
}

/// A value in a JSON body sent at `stage` from `at`.
fn json(value: &Loaded, stage: Stage, at: &'static str) -> Option<Fate> {
    match value.as_json() {
        Sent::Crashes(exception, why) => Some(Fate {
            stage,
            effect: Effect::Crashes { exception, why, at },
            flaw: cause(value),
        }),
        Sent::Sent(text) => flaw_of(value, text.as_deref()).map(|flaw| Fate {
            stage,
            effect: Effect::Refused,
            flaw,
        }),
    }
}

/// `client_id`: the `trakt-api-key` header of every token check, and the
/// JSON body of a refresh or PIN exchange.
pub(crate) fn client_id(value: &Loaded, run: Run) -> Option<Fate> {
    match value.as_header() {
        Sent::Crashes(exception, why) => {
            return Some(Fate {
                stage: Stage::Now,
                effect: Effect::Crashes {
                    exception,
                    why,
                    at: CHECK,
                },
                flaw: cause(value),
            });
        }
        Sent::Sent(Some(text)) => {
            if let Some(flaw) = refused(&text) {
                return Some(Fate {
                    stage: Stage::Now,
                    effect: Effect::Refused,
                    flaw,
                });
            }
        }
        Sent::Sent(None) => {}
    }
    json(
        value,
        run.refresh(),
        if run.tokens { REFRESH } else { EXCHANGE },
    )
}

/// `client_secret`: the JSON body of a refresh or PIN exchange.
pub(crate) fn client_secret(value: &Loaded, run: Run) -> Option<Fate> {
    json(
        value,
        run.refresh(),
        if run.tokens { REFRESH } else { EXCHANGE },
    )
}

/// `authorization.refresh_token`: the JSON body of a refresh (a falsy one
/// is never sent: Kometa goes on to the PIN).
pub(crate) fn refresh_token(value: &Loaded, run: Run) -> Option<Fate> {
    if !value.truthy() {
        return Some(Fate {
            stage: run.refresh(),
            effect: Effect::Refused,
            flaw: cause(value),
        });
    }
    json(value, run.refresh(), REFRESH)
}

/// `authorization.access_token`: `Bearer {token}` in the token check
/// (skipped when `force_refresh` is true).
pub(crate) fn access_token(value: &Loaded, run: Run) -> Option<Fate> {
    if run.force {
        return None;
    }
    match value.as_bearer() {
        Sent::Crashes(exception, why) => Some(Fate {
            stage: Stage::Now,
            effect: Effect::Crashes {
                exception,
                why,
                at: CHECK,
            },
            flaw: cause(value),
        }),
        Sent::Sent(text) => {
            let flaw = match value {
                Loaded::Str(_) | Loaded::Tagged { .. } => refused(text.as_deref().unwrap_or("")),
                Loaded::Int(_) => None,
                other => flaw_of(other, None),
            };
            flaw.map(|flaw| Fate {
                stage: Stage::Now,
                effect: Effect::Refreshes,
                flaw,
            })
        }
    }
}

/// `pin`: the JSON `code` of a PIN exchange, when one is needed; a falsy
/// one (`false`, `0`, `[]`) is no PIN: Kometa prompts for one, which fails
/// without a terminal (trakt.py:136-146).
pub(crate) fn pin(value: &Loaded) -> Option<Fate> {
    if !value.truthy() {
        return match value {
            Loaded::Null => None,
            Loaded::Str(s) if s.is_empty() => None,
            _ => Some(Fate {
                stage: Stage::Pin,
                effect: Effect::Refused,
                flaw: Flaw::Falsy,
            }),
        };
    }
    json(value, Stage::Pin, EXCHANGE)
}

/// Whether Kometa can exchange this PIN (a non-empty string Trakt may
/// accept), were one needed.
pub(crate) fn usable_pin(value: &Loaded) -> bool {
    value.truthy() && pin(value).is_none()
}

/// `force_refresh`: only the boolean `true` (`is True`) refreshes.
pub(crate) fn force_refresh(value: &Loaded) -> Option<Fate> {
    match value {
        Loaded::Null | Loaded::Bool(_) => None,
        other => Some(Fate {
            stage: Stage::Now,
            effect: Effect::Ignored,
            flaw: match other {
                Loaded::Tagged { .. } | Loaded::Bytes(_) => Flaw::Tag,
                o => Flaw::Type(o.type_name()),
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Loaded {
        Loaded::Str(text.into())
    }

    const LIVE: Run = Run {
        tokens: true,
        force: false,
    };

    #[test]
    fn a_client_id_crashes_fails_or_fails_later() {
        let id = "4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f";
        assert_eq!(client_id(&s(id), LIVE), None);
        let crash = |v: &Loaded| {
            matches!(
                client_id(v, LIVE),
                Some(Fate {
                    effect: Effect::Crashes { .. },
                    stage: Stage::Now,
                    ..
                })
            )
        };
        assert!(crash(&s(&format!("{id}\n"))));
        assert!(crash(&s(&format!(" {id}"))));
        assert!(crash(&s(&format!("{id}\u{200b}"))));
        assert!(crash(&Loaded::Int("12".into())));
        assert!(crash(&Loaded::Tagged {
            tag: "!!str".into(),
            text: id.into()
        }));
        let later = client_id(&s(&format!("{id} ")), LIVE).unwrap();
        assert_eq!(
            (later.stage, later.effect),
            (Stage::Refresh, Effect::Refused)
        );
        let now = client_id(&s(&format!("{id}\u{a0}")), LIVE).unwrap();
        assert_eq!((now.stage, now.effect), (Stage::Now, Effect::Refused));
        let bytes = client_id(&Loaded::Bytes(id.as_bytes().to_vec()), LIVE).unwrap();
        assert!(matches!(bytes.effect, Effect::Crashes { .. }) && bytes.stage == Stage::Refresh);
    }

    #[test]
    fn tokens_and_the_pin() {
        assert_eq!(
            access_token(
                &Loaded::Tagged {
                    tag: "!!str".into(),
                    text: "abc".into()
                },
                LIVE
            ),
            None
        );
        assert_eq!(
            access_token(&s("a b"), LIVE).map(|f| f.effect),
            Some(Effect::Refreshes)
        );
        assert!(matches!(
            access_token(&s("ab\n"), LIVE).map(|f| f.effect),
            Some(Effect::Crashes { .. })
        ));
        assert_eq!(
            client_secret(&Loaded::Int("1".into()), LIVE).map(|f| f.stage),
            Some(Stage::Refresh)
        );
        assert!(usable_pin(&s("7F3A9C21")));
        assert!(!usable_pin(&Loaded::Int("12345678".into())));
        assert!(!usable_pin(&s("7F3A9C21\n")));
        assert_eq!(force_refresh(&Loaded::Bool(true)), None);
        assert!(force_refresh(&Loaded::AnchoredBool(true)).is_some());
        assert!(redacted("********") && redacted("<REDACTED>") && !redacted("**"));
    }
}
