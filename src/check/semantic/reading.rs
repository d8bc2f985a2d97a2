//! The values Kometa reads, judged by what Kometa 2.4.4 does with them
//! (the model in `kometa::load`, `kometa::secrets` and `kometa::run`):
//! each value as ruamel.yaml loads it, its placeholders filled as Kometa
//! fills them, then the request it goes into. One finding per value, as
//! severe as what happens: an error where Kometa's run aborts or Trakt
//! fails (now or at the next refresh), a warning where Kometa ignores the
//! value or refreshes past it, or reads it only when both tokens fail.

use super::Rules;
use super::values::redacted;
use crate::check::diagnostic::{Diagnostic, Severity};
use crate::check::rule::Rule;
use crate::check::structure::value_range;
use crate::document::{Edit, Entry, Kind, NewValue, Node, Value};
use crate::kometa::is_template;
use crate::kometa::load::{Loaded, load};
use crate::kometa::placeholder;
use crate::kometa::run::{self, Effect, Fate, Flaw, Run, Stage};
use crate::kometa::secrets::{Filling, Unfilled};
use crate::words::{WORD, clip};

/// What the other rules need of Kometa's reading.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Reading {
    /// The file's PIN would be exchanged, were one needed.
    pub(super) usable_pin: bool,
    /// The file's PIN is a placeholder whose variable is not set here.
    pub(super) unknown_pin: bool,
    /// The file holds a PIN (a true value, or one unknown here).
    pub(super) pin_given: bool,
    /// `force_refresh` is the boolean true.
    pub(super) force: bool,
}

/// The keys whose values Kometa reads, with their parent.
pub(super) const READ: &[(&str, &str)] = &[
    ("trakt", "client_id"),
    ("trakt", "client_secret"),
    ("trakt", "pin"),
    ("trakt", "force_refresh"),
    ("authorization", "access_token"),
    ("authorization", "refresh_token"),
];

/// Whether Kometa reads the value at `keys` (`["trakt", "client_id"]`).
pub(super) fn is_read(keys: &[&str]) -> bool {
    match keys {
        ["trakt", key] => READ.contains(&("trakt", key)),
        ["trakt", "authorization", key] => READ.contains(&("authorization", key)),
        _ => false,
    }
}

impl<'d, 'a> Rules<'d, 'a> {
    /// The values Kometa reads, each through the model.
    pub(super) fn reading(&mut self, block: &'d Node<'a>) -> Reading {
        let auth = self
            .get(block, "authorization")
            .map(|e| self.value(e))
            .filter(|a| a.entries().is_some());
        let token = |rules: &Self, key: &str| auth.and_then(|a| rules.get(a, key));
        let tokens =
            !(self.empty(token(self, "access_token")) && self.empty(token(self, "refresh_token")));
        let filled = |rules: &Self, e: Option<&'d Entry<'a>>| -> Option<Loaded> {
            let node = rules.value(e?);
            let loaded = load(rules.doc, node).ok()?;
            rules.options.env.fill(&loaded).value
        };
        let reads_pin = self.options.kometa.reads_pin();
        let force_entry = self.get(block, "force_refresh").filter(|_| reads_pin);
        let force = filled(self, force_entry).is_some_and(|v| v.is_true());
        let pin_entry = self.get(block, "pin").filter(|_| reads_pin);
        let usable_pin = filled(self, pin_entry).is_some_and(|v| run::usable_pin(&v));
        let pin_truthy = filled(self, pin_entry).is_some_and(|v| v.truthy());
        let unknown_pin = pin_entry.is_some_and(|e| {
            load(self.doc, self.value(e)).is_ok_and(|v| self.options.env.fill(&v).value.is_none())
        });
        let run = Run {
            tokens,
            force: force || !reads_pin,
        };
        let reading = Reading {
            usable_pin,
            unknown_pin,
            pin_given: pin_truthy || unknown_pin,
            force,
        };
        for (parent, key) in READ {
            let mapping = match *parent {
                "trakt" => Some(block),
                _ => auth,
            };
            let Some(e) = mapping.and_then(|m| self.get(m, key)) else {
                continue;
            };
            if matches!(*key, "pin" | "force_refresh") && !reads_pin {
                continue;
            }
            self.judge(e, key, run, reading);
        }
        reading
    }

    /// One value Kometa reads: its finding, if any; the schema's finding
    /// on it is superseded either way.
    fn judge(&mut self, e: &'d Entry<'a>, key: &'static str, run: Run, reading: Reading) {
        let node = self.value(e);
        let pointer = match key {
            "access_token" | "refresh_token" => format!("/authorization/{key}"),
            _ => format!("/{key}"),
        };
        let path: Vec<String> = match key {
            "access_token" | "refresh_token" => {
                vec!["trakt".into(), "authorization".into(), key.into()]
            }
            _ => vec!["trakt".into(), key.into()],
        };
        let name = path.join(".");
        // Empty values are the other rules' (missing-credential,
        // authorization-partial, not-authorized); `${VAR}` templates too.
        let literal_empty = node.is_null() || node.scalar() == Some("");
        let template = node.tag.is_none() && node.scalar().is_some_and(is_template);
        if literal_empty || template {
            return;
        }
        self.silence(&pointer);
        let loaded = match load(self.doc, node) {
            Ok(v) => v,
            Err(err) => {
                let d = Diagnostic::new(
                    Rule::ValueType,
                    value_range(Some(&e.key), node),
                    format!(
                        "`{name}` cannot be loaded ({}): Kometa stops reading the config (\"YAML Error\")",
                        clip(&err.0, 2 * WORD)
                    ),
                )
                .hint("write the value without a tag");
                self.push(d, None);
                return;
            }
        };
        let filling = self.options.env.fill(&loaded);
        // Several placeholders: whichever is filled, `<<…>>` stays.
        let several = filling.several.then(|| Loaded::Str(loaded.py_str()));
        let Some(value) = several.or_else(|| filling.value.clone()) else {
            if key == "force_refresh" {
                self.ignored(e, node, &name, &loaded, &filling);
            } else {
                self.unset(e, node, &name, &filling);
            }
            return;
        };
        let fate = match key {
            "client_id" | "client_secret" if value == Loaded::Null => Some(Fate {
                stage: Stage::Now,
                effect: Effect::Refused,
                flaw: Flaw::Blank,
            }),
            "client_id" => run::client_id(&value, run),
            "client_secret" => run::client_secret(&value, run),
            "refresh_token" => run::refresh_token(&value, run),
            "access_token" if value == Loaded::Null => Some(Fate {
                stage: Stage::Now,
                effect: Effect::Refreshes,
                flaw: Flaw::Blank,
            }),
            "access_token" => run::access_token(&value, run),
            "pin" if value == Loaded::Null && filling.placeholders => Some(Fate {
                stage: Stage::Pin,
                effect: Effect::Refused,
                flaw: Flaw::Blank,
            }),
            "pin" => run::pin(&value),
            "force_refresh" if filling.placeholders => {
                self.ignored(e, node, &name, &loaded, &filling);
                return;
            }
            "force_refresh" => run::force_refresh(&value),
            _ => None,
        };
        let Some(mut fate) = fate else {
            if node.tag.as_deref().is_some_and(|t| t != "!") {
                self.harmless_tag(node, &name, &loaded, path);
            }
            return;
        };
        if fate.flaw == Flaw::Falsy && !run.tokens {
            // No tokens and no PIN: not-authorized says so.
            return;
        }
        if redacted(node) {
            fate.flaw = Flaw::Redacted;
        }
        let severity = match (&fate.effect, fate.stage, key) {
            (Effect::Refreshes | Effect::Ignored, _, _) => Severity::Warning,
            (_, Stage::Pin, _) if run.tokens => Severity::Warning,
            (Effect::Refused, _, "refresh_token") if reading.usable_pin => Severity::Warning,
            _ => Severity::Error,
        };
        let rule = rule_for(key, &fate.flaw, &filling);
        let what = what(
            key,
            &fate.flaw,
            &loaded,
            &value,
            &filling,
            self.doc.source.text,
            node,
        );
        let effect = effect_words(key, &fate, run, reading);
        let mut d = Diagnostic::new(
            rule,
            value_range(Some(&e.key), node),
            format!("`{name}` {what}: {effect}"),
        )
        .severity(severity)
        .hint(hint(key, &fate.flaw, &filling, &loaded));
        if matches!(rule, Rule::TaggedValue | Rule::PinType)
            && let Loaded::Tagged { tag, text } = &loaded
            && tag == "!!str"
            && matches!(node.kind, Kind::Scalar { .. })
        {
            d = d.fix(vec![Edit {
                path,
                value: NewValue::Untagged(Value::Str(text.clone())),
            }]);
        } else if rule == Rule::PinType
            && let (Loaded::Int(_), Kind::Scalar { value: text, .. }) = (&loaded, &node.kind)
            && node.tag.is_none()
        {
            d = d.fix(vec![Edit {
                path,
                value: NewValue::Typed(Value::Str(text.to_string())),
            }]);
        } else if rule == Rule::PlaceholderSpelling
            && node.tag.is_none()
            && let Kind::Scalar { value: text, .. } = &node.kind
        {
            d = d.fix(vec![Edit {
                path,
                value: NewValue::Typed(Value::Str(respelt(text))),
            }]);
        }
        self.push(d, None);
    }

    /// A tag Kometa reads past: ruamel constructs what the key needs, or
    /// Kometa makes a string of it (`Bearer {token}`).
    fn harmless_tag(&mut self, node: &'d Node<'a>, name: &str, loaded: &Loaded, path: Vec<String>) {
        let tag = node
            .tag
            .as_deref()
            .unwrap_or_default()
            .replace("tag:yaml.org,2002:", "!!");
        let why = match loaded {
            Loaded::Tagged { .. } => "Kometa makes a string of it (`Bearer {token}`)".to_string(),
            other => format!("ruamel.yaml loads {} and Kometa uses it", other.type_name()),
        };
        let mut d = Diagnostic::new(
            Rule::TaggedValue,
            node.prop_start..node.end,
            format!(
                "`{name}` carries the tag `{}`: harmless, {why}",
                clip(&tag, WORD)
            ),
        )
        .severity(Severity::Note)
        .hint(format!("remove `{}`", clip(&tag, WORD)));
        if let (Loaded::Tagged { text, .. } | Loaded::Str(text), Kind::Scalar { .. }) =
            (loaded, &node.kind)
            && tag == "!!str"
        {
            d = d.fix(vec![Edit {
                path,
                value: NewValue::Untagged(Value::Str(text.clone())),
            }]);
        }
        self.push(d, None);
    }

    /// A placeholder whose variable is not set here: Kometa's environment
    /// decides.
    fn unset(&mut self, e: &'d Entry<'a>, node: &'d Node<'a>, name: &str, filling: &Filling) {
        let variables: Vec<String> = filling
            .unfilled
            .iter()
            .filter_map(|(_, u)| match u {
                Unfilled::Unset { variable } => Some(variable.clone()),
                _ => None,
            })
            .collect();
        let d = Diagnostic::new(
            Rule::PlaceholderUnset,
            value_range(Some(&e.key), node),
            format!(
                "`{name}` needs {} where Kometa runs: it is not set here, nor in Kometa's config/.env (unset, the value becomes null)",
                clip(&variables.join(", "), 2 * WORD)
            ),
        )
        .hint("set it in Kometa's environment (Docker: the container's environment, or /config/.env)");
        self.push(d, None);
    }

    /// `force_refresh` from a placeholder or of another type: ignored.
    fn ignored(
        &mut self,
        e: &'d Entry<'a>,
        node: &'d Node<'a>,
        name: &str,
        loaded: &Loaded,
        filling: &Filling,
    ) {
        let what = if filling.placeholders {
            "is a placeholder, which Kometa fills with a string (or null)".to_string()
        } else {
            format!("is {}", loaded.type_name())
        };
        let d = Diagnostic::new(
            Rule::ForceRefreshType,
            value_range(Some(&e.key), node),
            format!("`{name}` {what}: Kometa ignores it, only the YAML boolean true refreshes"),
        )
        .hint("write `force_refresh: false` (or `true`, unquoted, to refresh and rewrite the file on every run)");
        self.push(d, None);
    }
}

/// The rule that names a flaw of `key`.
fn rule_for(key: &str, flaw: &Flaw, filling: &Filling) -> Rule {
    if key == "force_refresh" {
        return Rule::ForceRefreshType;
    }
    if key == "pin" {
        return match flaw {
            Flaw::Type(_) | Flaw::Tag | Flaw::Falsy => Rule::PinType,
            _ => Rule::PinValue,
        };
    }
    if filling.several {
        return Rule::PlaceholderUnresolved;
    }
    if let Some((_, u)) = filling.unfilled.iter().find(|(_, u)| u.known()) {
        return match u {
            Unfilled::Never { .. } => Rule::PlaceholderSpelling,
            _ => Rule::PlaceholderUnresolved,
        };
    }
    match flaw {
        Flaw::Type(_) | Flaw::NullWord => Rule::ValueType,
        Flaw::Tag => Rule::TaggedValue,
        Flaw::Unseen(_) => Rule::ValueWhitespace,
        Flaw::Redacted => Rule::RedactedValue,
        Flaw::Leftover => Rule::PlaceholderUnresolved,
        Flaw::Blank => match key {
            "client_id" | "client_secret" => Rule::MissingCredential,
            _ => Rule::AuthorizationPartial,
        },
        Flaw::Falsy => Rule::ValueType,
    }
}

/// What the value is, in words.
fn what(
    key: &str,
    flaw: &Flaw,
    loaded: &Loaded,
    value: &Loaded,
    filling: &Filling,
    text: &str,
    node: &Node<'_>,
) -> String {
    if filling.placeholders {
        let written = clip(&loaded.py_str(), 2 * WORD).into_owned();
        if filling.several {
            return format!(
                "is {written}, with several placeholders; Kometa replaces only one per value and sends the others as written"
            );
        }
        if let Some((name, u)) = filling.unfilled.iter().find(|(_, u)| u.known()) {
            let name = clip(name, WORD);
            let why = match u {
                Unfilled::Never { spelling } => format!(
                    "<<{name}>> can never be filled (Kometa fills <<{}>> from {})",
                    clip(spelling, WORD),
                    placeholder::variable(spelling)
                ),
                Unfilled::Blank { variable } => {
                    format!("{variable} is set but empty, and Kometa drops blank variables")
                }
                Unfilled::Unread { variable, file } => format!(
                    "{variable} is set only in {file}, which Kometa does not load (it loads config/.env beside kometa.py, /config/.env in Docker)"
                ),
                Unfilled::Misread { argument } => {
                    let name = argument.split('=').next().unwrap_or_default();
                    format!(
                        "its secret is given as `{}=…`, which Kometa reads as a secret named `{}=…`",
                        clip(name, WORD),
                        clip(name.trim_start_matches("--kometa-"), WORD)
                    )
                }
                Unfilled::Unset { .. } => String::new(),
            };
            let becomes = if *value == Loaded::Null {
                "the value becomes null"
            } else {
                "Kometa sends it as written"
            };
            return format!("is {written}, but {why}; {becomes}");
        }
    }
    let filled = if filling.placeholders {
        " once its placeholder is filled"
    } else {
        ""
    };
    match flaw {
        Flaw::Type(name) if key == "force_refresh" => {
            format!("is {name}{filled}, not the boolean true or false")
        }
        Flaw::Type(name) => format!("is {name}{filled}, not a string"),
        Flaw::Tag => match loaded {
            Loaded::Bytes(_) => "is `!!binary`: Kometa holds bytes, not a string".to_string(),
            Loaded::Tagged { tag, .. } => format!(
                "carries the tag `{}`: ruamel.yaml loads a TaggedScalar object, not a string",
                clip(tag, WORD)
            ),
            _ => {
                let tag = node
                    .tag
                    .as_deref()
                    .map(|t| t.replace("tag:yaml.org,2002:", "!!"))
                    .unwrap_or_default();
                format!("carries the tag `{}`", clip(&tag, WORD))
            }
        },
        Flaw::Unseen(how) => {
            let block = matches!(&node.kind, Kind::Scalar { style, .. } if style.is_block())
                && !text
                    .get(node.start..node.end)
                    .is_some_and(|t| t.starts_with("|-") || t.starts_with(">-"));
            if block && how.contains("line break") {
                format!("{how} (a `|` or `>` block keeps the final line break){filled}")
            } else {
                format!("{how}{filled}")
            }
        }
        Flaw::Redacted => "holds a redaction leftover, not a value".to_string(),
        Flaw::NullWord => format!(
            "is the string {:?}, not null (it is quoted){filled}",
            clip(&value.py_str(), WORD)
        ),
        Flaw::Leftover => "keeps a <<placeholder>> Kometa leaves as written".to_string(),
        Flaw::Blank => format!("is empty{filled}"),
        Flaw::Falsy => format!("is {}, which Kometa takes for no value", value.type_name()),
    }
}

/// What Kometa does, in words.
fn effect_words(key: &str, fate: &Fate, run: Run, reading: Reading) -> String {
    let sent = match key {
        "client_id" => "the client id",
        "client_secret" => "the client secret",
        "refresh_token" => "the refresh token",
        "access_token" => "the access token",
        _ => "the PIN",
    };
    let pin_later = if run.tokens {
        " (Kometa reads the PIN only when both tokens fail)"
    } else {
        ""
    };
    match (&fate.effect, fate.stage) {
        (Effect::Refused, Stage::Now) if fate.flaw == Flaw::Blank && key.starts_with("client") => {
            format!("Kometa stops with \"trakt sub-attribute {key} is blank\" and runs without Trakt")
        }
        (Effect::Crashes { exception, why, at }, Stage::Now) => {
            format!("Kometa crashes sending it ({exception}: {why}; {at}) and its whole run aborts")
        }
        (Effect::Crashes { exception, why, at }, Stage::Refresh) => format!(
            "Kometa connects now, but its next token refresh crashes sending it ({exception}: {why}; {at}) and aborts the whole run"
        ),
        (Effect::Crashes { exception, why, at }, Stage::Pin) if !run.tokens => format!(
            "Kometa's next run exchanges the PIN (no tokens yet) and crashes sending it ({exception}: {why}; {at}): its whole run aborts"
        ),
        (Effect::Crashes { exception, why, at }, Stage::Pin) => format!(
            "a PIN exchange would crash sending it ({exception}: {why}; {at}) and abort Kometa's whole run{pin_later}"
        ),
        (Effect::Refused, Stage::Now) => {
            format!("Trakt refuses {sent}: Kometa runs without Trakt")
        }
        (Effect::Refused, Stage::Refresh) => {
            let rescue = if key == "refresh_token" && reading.usable_pin {
                "; Kometa then exchanges the file's PIN, which works only if it was never used"
            } else {
                ": Trakt fails from then on"
            };
            format!("Kometa connects now, but Trakt refuses {sent} at the next token refresh{rescue}")
        }
        (Effect::Refused, Stage::Pin) if fate.flaw == Flaw::Falsy => format!(
            "when a PIN exchange is needed Kometa prompts for a PIN, which fails without a terminal (Docker, cron){pin_later}"
        ),
        (Effect::Refused, Stage::Pin) if !run.tokens => format!(
            "Kometa's next run exchanges the PIN (no tokens yet), and Trakt refuses {sent}: Kometa runs without Trakt"
        ),
        (Effect::Refused, Stage::Pin) => {
            format!("Trakt refuses {sent} when a PIN exchange is needed{pin_later}")
        }
        (Effect::Refreshes, _) => "Kometa cannot use it and refreshes the token at once (rewriting the whole file to save the new one)".to_string(),
        (Effect::Ignored, _) => {
            "Kometa ignores it, only the YAML boolean true (unquoted, without an anchor or tag) refreshes".to_string()
        }
    }
}

/// What to do about it.
fn hint(key: &str, flaw: &Flaw, filling: &Filling, loaded: &Loaded) -> String {
    if let Some((name, u)) = filling.unfilled.iter().find(|(_, u)| u.known()) {
        return match u {
            Unfilled::Never { spelling } => format!(
                "write <<{}>> and set {}",
                clip(spelling, WORD),
                placeholder::variable(spelling)
            ),
            Unfilled::Blank { variable } => format!("give {variable} the value"),
            Unfilled::Unread { variable, .. } => format!(
                "set {variable} in Kometa's config/.env or its environment (docker compose: `environment:` or `env_file:`)"
            ),
            Unfilled::Misread { .. } => format!(
                "give it as `--kometa-{} VALUE` (a space, not `=`)",
                clip(name, WORD)
            ),
            Unfilled::Unset { .. } => String::new(),
        };
    }
    if filling.several {
        return "use one placeholder for the whole value".to_string();
    }
    match (key, flaw) {
        ("force_refresh", _) => "write `force_refresh: false` (or `true`, unquoted, to refresh and rewrite the file on every run)".to_string(),
        ("pin", Flaw::Type(_)) => "quote it: pin: \"<your PIN>\"".to_string(),
        ("pin", _) => "paste the PIN alone, quoted, or leave `pin:` empty while the tokens work".to_string(),
        (_, Flaw::Tag) => match loaded {
            Loaded::Tagged { tag, .. } if tag == "!!str" => {
                "remove `!!str`: the value stays the string it is".to_string()
            }
            Loaded::Tagged { tag, .. } => format!("remove `{}`", clip(tag, WORD)),
            _ => "write the value itself, without a tag".to_string(),
        },
        (_, Flaw::Type(_)) => "quote it, as the exact text Trakt issued".to_string(),
        (_, Flaw::Unseen(_)) => {
            "copy it again without the whitespace (a block scalar: `|-`, or a plain or quoted value)"
                .to_string()
        }
        ("access_token" | "refresh_token", _) => {
            "authorize again (`kometa-trakt auth --device`), or paste the token Trakt issued".to_string()
        }
        _ => format!(
            "paste the real value, or write a placeholder such as <<trakt-{}>> and set {}",
            key.replace('_', "-"),
            placeholder::variable(&format!("trakt-{}", key.replace('_', "-")))
        ),
    }
}

/// The value with every placeholder respelt as Kometa resolves it.
fn respelt(text: &str) -> String {
    let mut out = text.to_string();
    for p in placeholder::placeholders(text).iter().rev() {
        if !placeholder::resolvable(p.name) {
            out.replace_range(
                p.range.clone(),
                &format!("<<{}>>", placeholder::resolvable_spelling(p.name)),
            );
        }
    }
    out
}
