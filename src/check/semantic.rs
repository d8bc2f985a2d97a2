//! The semantic rules of the trakt block, each as severe as what Kometa
//! does with the value (see docs/rules.md): placeholders and redaction
//! leftovers, tags, the PIN, keys Kometa adds by rewriting the file,
//! completeness of the authorization, quoted numbers, expiry, plaintext
//! secrets.

use super::Options;
use super::diagnostic::{Diagnostic, Severity};
use super::rule::Rule;
use super::structure::value_range;
use crate::document::scalar::{Resolved, resolve};
use crate::document::{Document, Edit, Entry, Kind, NewValue, Node, Style, Value};
use crate::kometa::placeholder::{self, placeholders};
use crate::kometa::sensitive::is_secret_key;
use crate::authorization::Lifetime;
use crate::kometa::{AUTH_KEYS, is_template};
use crate::time::{relative, span, utc};
use crate::words::{WORD, clip};

/// Clock skew tolerated before `created_at` counts as in the future.
const SKEW: i64 = 300;

/// A semantic finding and the JSON pointer (inside the trakt block) of the
/// schema violation it stands in for, if any: the schema's generic finding
/// on that value is then not shown.
pub(super) struct Finding {
    pub(crate) diagnostic: Diagnostic,
    pub(crate) supersedes: Option<String>,
}

/// What the rules look at: the document (for aliases and merge keys) and
/// the options.
struct Rules<'d, 'a> {
    doc: &'d Document<'a>,
    options: &'d Options,
    found: Vec<Finding>,
}

/// The semantic findings of the trakt block `trakt`.
pub(super) fn check(doc: &Document<'_>, trakt: &Entry<'_>, options: &Options) -> Vec<Finding> {
    let block = doc.target(&trakt.value);
    if block.entries().is_none() {
        return Vec::new();
    }
    let mut rules = Rules {
        doc,
        options,
        found: Vec::new(),
    };
    for e in block.entries().unwrap_or_default() {
        let Some(key) = doc.key_text(&e.key) else {
            continue;
        };
        if key != "authorization" {
            rules.values(e, &format!("/{key}"), &["trakt", key]);
        }
    }
    for key in ["client_id", "client_secret"] {
        if let Some(e) = rules.get(block, key) {
            rules.credential_format(e, key);
        }
    }
    rules.rewrite(trakt, block);
    rules.authorization(trakt, block);
    rules.found
}

impl<'d, 'a> Rules<'d, 'a> {
    fn push(&mut self, diagnostic: Diagnostic, supersedes: Option<String>) {
        self.found.push(Finding {
            diagnostic,
            supersedes,
        });
    }

    /// The entry of `key` in `mapping` as YAML reads it.
    fn get(&self, mapping: &'d Node<'a>, key: &str) -> Option<&'d Entry<'a>> {
        self.doc.lookup(mapping, key).map(|f| f.entry())
    }

    /// A value as YAML reads it (through an alias).
    fn value(&self, e: &'d Entry<'a>) -> &'d Node<'a> {
        self.doc.target(&e.value)
    }

    /// Whether a value is absent in substance: null or empty text.
    fn empty(&self, e: Option<&'d Entry<'a>>) -> bool {
        e.is_none_or(|e| {
            let v = self.value(e);
            v.is_null() || v.scalar() == Some("")
        })
    }

    /// Rules for any value: redaction leftovers, explicit tags, `${VAR}`
    /// templates, placeholders Kometa cannot resolve, and literal secrets
    /// when they are forbidden.
    fn values(&mut self, e: &'d Entry<'a>, pointer: &str, keys: &[&str]) {
        let at = value_range(Some(&e.key), &e.value);
        let path = || -> Vec<String> { keys.iter().map(|k| k.to_string()).collect() };
        let name = &*clip(&keys.join("."), 2 * WORD).into_owned();
        let node = self.value(e);
        let key = keys.last().copied().unwrap_or_default();
        let suggested = format!("trakt-{}", key.replace('_', "-"));
        if redacted(node) {
            self.push(
                Diagnostic::new(
                    Rule::RedactedValue,
                    at,
                    format!("`{name}` holds a redaction leftover, not a value"),
                )
                .hint(format!(
                    "paste the real value, or write a placeholder such as <<{suggested}>> and set {}",
                    placeholder::variable(&suggested)
                )),
                Some(pointer.to_string()),
            );
            return;
        }
        if let Some(tag) = node.tag.as_deref().filter(|t| *t != "!") {
            let shown = tag.replace("tag:yaml.org,2002:", "!!");
            let mut d = Diagnostic::new(
                Rule::TaggedValue,
                node.prop_start..node.end,
                format!("`{name}` carries the tag `{shown}`, which aborts Kometa's whole run"),
            );
            d = match (tag, node.scalar()) {
                ("tag:yaml.org,2002:str", Some(text)) => d
                    .hint(format!(
                        "remove `{shown}`: the value stays the string it is"
                    ))
                    .fix(vec![Edit {
                        path: path(),
                        value: NewValue::Untagged(Value::Str(text.to_string())),
                    }]),
                _ => d.hint(format!(
                    "remove `{shown}` and write the value as Kometa expects it"
                )),
            };
            self.push(d, Some(pointer.to_string()));
        }
        let Some(text) = node.scalar().filter(|_| !node.is_null()) else {
            return;
        };
        if is_template(text) {
            self.push(
                Diagnostic::new(
                    Rule::TemplatePlaceholder,
                    at,
                    format!("`{name}` is a `${{…}}` template: Kometa would read it literally and fail, unless the file is rendered first"),
                )
                .hint("render the file before Kometa reads it (envsubst), or use a Kometa placeholder such as <<trakt-client-id>> with KOMETA_TRAKT_CLIENT_ID set"),
                Some(pointer.to_string()),
            );
            return;
        }
        self.spelling(e, node, text, &path(), pointer);
        if self.options.no_plaintext_secrets
            && is_secret_key(key)
            && !placeholder::contains(text)
            && !text.is_empty()
        {
            self.push(
                Diagnostic::new(
                    Rule::PlaintextSecret,
                    at,
                    format!("`{name}` holds a literal secret"),
                )
                .hint(format!(
                    "write a placeholder instead, e.g. {key}: <<{suggested}>>, and set {}",
                    placeholder::variable(&suggested)
                )),
                Some(pointer.to_string()),
            );
        }
    }

    /// A placeholder Kometa can never resolve: the fix respells it.
    fn spelling(
        &mut self,
        e: &Entry<'_>,
        node: &Node<'_>,
        text: &str,
        path: &[String],
        pointer: &str,
    ) {
        let name = &*clip(&path.join("."), 2 * WORD).into_owned();
        let wrong: Vec<_> = placeholders(text)
            .into_iter()
            .filter(|p| !placeholder::resolvable(p.name))
            .collect();
        let Some(first) = wrong.first() else {
            return;
        };
        let mut respelt = text.to_string();
        for p in wrong.iter().rev() {
            let spelling = placeholder::resolvable_spelling(p.name);
            respelt.replace_range(p.range.clone(), &format!("<<{spelling}>>"));
        }
        let spelling = placeholder::resolvable_spelling(first.name);
        let mut d = Diagnostic::new(
            Rule::PlaceholderSpelling,
            value_range(Some(&e.key), node),
            format!(
                "`{name}` holds <<{}>>, which Kometa can never resolve: it becomes null",
                clip(first.name, WORD)
            ),
        )
        .hint(format!(
            "write <<{}>> and set {}",
            clip(&spelling, WORD),
            clip(&placeholder::variable(&spelling), WORD)
        ));
        if node.tag.is_none() && matches!(node.kind, Kind::Scalar { .. }) {
            d = d.fix(vec![Edit {
                path: path.to_vec(),
                value: NewValue::Typed(Value::Str(respelt)),
            }]);
        }
        self.push(d, Some(pointer.to_string()));
    }

    /// Trakt client ids and secrets are 64 hex characters.
    fn credential_format(&mut self, e: &'d Entry<'a>, key: &str) {
        let node = self.value(e);
        let Some(text) = node.scalar().filter(|_| !node.is_null()) else {
            return;
        };
        let hex64 = text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit());
        let string = matches!(&node.kind, Kind::Scalar { value, style }
            if matches!(resolve(value, *style, node.tag.as_deref()), Resolved::Str(_)));
        let skipped = !string
            || text.is_empty()
            || placeholder::contains(text)
            || is_template(text)
            || redacted(node)
            || node.tag.is_some();
        if !hex64 && !skipped {
            self.push(
                Diagnostic::new(
                    Rule::CredentialFormat,
                    node.prop_start..node.end,
                    format!(
                        "`trakt.{key}` is not 64 hex characters, the form of Trakt credentials"
                    ),
                )
                .hint("copy it again from https://trakt.tv/oauth/applications"),
                None,
            );
        }
    }

    /// Keys Kometa adds when they are missing, by rewriting the whole file
    /// (a missing credential is an error of its own, which says so).
    fn rewrite(&mut self, trakt: &Entry<'_>, block: &'d Node<'a>) {
        if !self.options.kometa.reads_pin() {
            return;
        }
        let keys = ["pin", "force_refresh"];
        let missing: Vec<&str> = keys
            .iter()
            .copied()
            .filter(|k| self.get(block, k).is_none())
            .collect();
        if missing.is_empty() {
            return;
        }
        let listed = missing
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut d = Diagnostic::new(
            Rule::KometaWillRewrite,
            trakt.key.start..trakt.key.end,
            format!(
                "Kometa's first run will rewrite the whole file to add {listed}: quotes, comment columns, CRLF and a BOM are lost"
            ),
        );
        let edits: Vec<Edit> = missing
            .iter()
            .map(|k| Edit {
                path: vec!["trakt".into(), k.to_string()],
                value: NewValue::Typed(match *k {
                    "pin" => Value::Null,
                    _ => Value::Bool(false),
                }),
            })
            .collect();
        let lines = missing
            .iter()
            .map(|k| {
                if *k == "pin" {
                    "`pin:`"
                } else {
                    "`force_refresh: false`"
                }
            })
            .collect::<Vec<_>>()
            .join(" and ");
        d = d.hint(format!(
            "add {lines} to the trakt block (`check --fix` does)"
        ));
        self.push(d.fix(edits), None);
    }

    /// The authorization: absent means not authorized yet; a block with
    /// tokens needs both; numbers, expiry, and the PIN.
    fn authorization(&mut self, trakt: &Entry<'_>, block: &'d Node<'a>) {
        let auth_entry = self.get(block, "authorization");
        let auth = auth_entry
            .map(|e| self.value(e))
            .filter(|v| !v.is_null() && v.entries().is_some_and(|e| !e.is_empty()));
        let token = |rules: &Self, key: &str| auth.and_then(|a| rules.get(a, key));
        let tokens_empty =
            self.empty(token(self, "access_token")) && self.empty(token(self, "refresh_token"));
        let pin_needed = tokens_empty;
        self.pin(block, pin_needed);
        let Some(auth) = auth else {
            // Another kind of value is the schema's to report (Kometa aborts).
            let other = auth_entry.is_some_and(|e| {
                let v = self.value(e);
                !v.is_null() && v.entries().is_none()
            });
            if !other {
                let at = auth_entry.map_or(&trakt.key, |e| &e.key);
                self.not_authorized(block, at.start..at.end);
            }
            return;
        };
        let auth_entry = auth_entry.expect("authorization found");
        for e in auth.entries().unwrap_or_default() {
            if let Some(key) = self.doc.key_text(&e.key) {
                self.values(
                    e,
                    &format!("/authorization/{key}"),
                    &["trakt", "authorization", key],
                );
            }
        }
        if self.get(auth, "access_token").is_none() {
            self.push(
                Diagnostic::new(
                    Rule::AuthorizationPartial,
                    auth_entry.key.start..auth_entry.key.end,
                    "`trakt.authorization` has no `access_token` key: Kometa's whole run aborts reading it",
                )
                .hint("authorize again (`kometa-trakt auth --device`), or empty the block to start over"),
                Some("/authorization/access_token".into()),
            );
            return;
        }
        if tokens_empty {
            self.not_authorized(block, auth_entry.key.start..auth_entry.key.end);
            return;
        }
        for key in ["access_token", "refresh_token"] {
            let e = self.get(auth, key);
            if self.empty(e) {
                let at = e.map_or(&auth_entry.key, |e| &e.key);
                self.push(
                    Diagnostic::new(
                        Rule::AuthorizationPartial,
                        at.start..at.end,
                        format!(
                            "`trakt.authorization.{key}` is {}, but the block holds tokens: Kometa fails at its next refresh",
                            if e.is_some() { "empty" } else { "missing" }
                        ),
                    )
                    .hint("authorize again (`kometa-trakt auth --device`), or restore the missing value"),
                    Some(format!("/authorization/{key}")),
                );
            }
        }
        for &key in AUTH_KEYS {
            if matches!(key, "access_token" | "refresh_token") {
                continue;
            }
            let e = self.get(auth, key);
            if self.empty(e) {
                let at = e.map_or(&auth_entry.key, |e| &e.key);
                self.push(
                    Diagnostic::new(
                        Rule::AuthorizationIncomplete,
                        at.start..at.end,
                        format!(
                            "`trakt.authorization.{key}` is {} beside the tokens: Kometa never reads it, but the expiry cannot be known",
                            if e.is_some() { "empty" } else { "missing" }
                        ),
                    )
                    .hint("the next renewal writes it (`kometa-trakt renew --force`)"),
                    Some(format!("/authorization/{key}")),
                );
            }
        }
        self.numbers(auth);
    }

    /// No tokens: Kometa exchanges a PIN if there is one, else prompts.
    fn not_authorized(&mut self, block: &'d Node<'a>, at: std::ops::Range<usize>) {
        let pin = self.get(block, "pin").map(|e| self.value(e));
        let has_pin = self.options.kometa.reads_pin()
            && pin.is_some_and(|p| matches!(&p.kind, Kind::Scalar { value, style }
                if matches!(resolve(value, *style, p.tag.as_deref()), Resolved::Str(s) if !s.is_empty())));
        let d = if has_pin {
            Diagnostic::new(
                Rule::NotAuthorized,
                at,
                "`trakt` holds no tokens yet: Kometa will exchange the PIN on its next run",
            )
            .severity(Severity::Warning)
            .hint("or exchange it now: `kometa-trakt auth` (a PIN works once)")
        } else {
            let prompt = if self.options.kometa.reads_pin() {
                ": Kometa would prompt for a PIN, which fails without a terminal (Docker, cron)"
            } else {
                ""
            };
            Diagnostic::new(
                Rule::NotAuthorized,
                at,
                format!("`trakt` is not authorized: it holds no tokens and no usable PIN{prompt}"),
            )
            .hint("run `kometa-trakt auth --device` (no browser needed on this machine)")
        };
        self.push(d, Some("/authorization".into()));
    }

    /// The PIN: a number is refused by Trakt when an exchange is needed.
    fn pin(&mut self, block: &'d Node<'a>, needed: bool) {
        if !self.options.kometa.reads_pin() {
            return;
        }
        let Some(e) = self.get(block, "pin") else {
            return;
        };
        let node = self.value(e);
        let Kind::Scalar { value, style } = &node.kind else {
            return;
        };
        let Resolved::Int(_) = resolve(value, *style, node.tag.as_deref()) else {
            return;
        };
        let (severity, when) = if needed {
            (
                Severity::Error,
                "a PIN exchange is needed (no tokens), and Trakt refuses a number",
            )
        } else {
            (
                Severity::Warning,
                "Kometa reads it only when it needs a new PIN exchange",
            )
        };
        let mut d = Diagnostic::new(
            Rule::PinType,
            value_range(Some(&e.key), node),
            format!("`trakt.pin` is a number; Kometa expects a string: {when}"),
        )
        .severity(severity)
        .hint("quote it: pin: \"<your PIN>\"");
        if node.tag.is_none() {
            d = d.fix(vec![Edit {
                path: vec!["trakt".into(), "pin".into()],
                value: NewValue::Typed(Value::Str(value.to_string())),
            }]);
        }
        self.push(d, Some("/pin".into()));
    }

    /// Quoted numbers, and the expiry when both numbers are there.
    fn numbers(&mut self, auth: &'d Node<'a>) {
        for key in ["expires_in", "created_at"] {
            let Some(e) = self.get(auth, key) else {
                continue;
            };
            let node = self.value(e);
            if let Kind::Scalar {
                value,
                style: Style::Single | Style::Double,
            } = &node.kind
                && !value.is_empty()
                && value.chars().all(|c| c.is_ascii_digit())
            {
                let mut d = Diagnostic::new(
                    Rule::QuotedNumber,
                    node.prop_start..node.end,
                    format!("`trakt.authorization.{key}` is a number written as a string"),
                )
                .hint(format!("remove the quotes: {key}: {}", clip(value, WORD)));
                if let (Ok(number), None) = (value.parse::<i64>(), &node.tag) {
                    d = d.fix(vec![Edit {
                        path: vec!["trakt".into(), "authorization".into(), key.into()],
                        value: NewValue::Typed(Value::Int(number)),
                    }]);
                }
                self.push(d, None);
            }
        }
        let number = |rules: &Self, key: &str| {
            rules
                .get(auth, key)
                .and_then(|e| seconds(rules.value(e)).map(|n| (e, n)))
        };
        if let (Some((created, created_at)), Some((_, expires_in))) =
            (number(self, "created_at"), number(self, "expires_in"))
            && expires_in > 0
        {
            self.expiry(
                created,
                Lifetime {
                    created_at,
                    expires_in,
                },
            );
        }
    }

    /// `created_at` in the future; the token expired or expiring.
    fn expiry(&mut self, created: &Entry<'_>, life: Lifetime) {
        let now = self.options.now;
        let at = created.value.prop_start..created.value.end;
        if life.created_at > now + SKEW {
            self.push(
                Diagnostic::new(
                    Rule::CreatedInFuture,
                    at,
                    format!(
                        "`trakt.authorization.created_at` is in the future ({}): Kometa never reads it, but the expiry cannot be known",
                        utc(life.created_at)
                    ),
                )
                .hint("check the value and this machine's clock"),
                None,
            );
            return;
        }
        let remaining = life.remaining(now);
        let strict = self.options.require_valid_for;
        let expires = utc(life.expires_at());
        let finding = if remaining <= 0 {
            let d = Diagnostic::new(
                Rule::TokenExpired,
                at,
                format!(
                    "the access token expired {} ({expires})",
                    relative(remaining)
                ),
            );
            Some(match strict {
                Some(_) => d.severity(Severity::Error),
                None => d,
            })
        } else if let Some(required) = strict.filter(|&r| remaining < r) {
            Some(
                Diagnostic::new(
                    Rule::TokenExpiring,
                    at,
                    format!(
                        "the access token expires {} ({expires}), sooner than the required {}",
                        relative(remaining),
                        span(required)
                    ),
                )
                .severity(Severity::Error),
            )
        } else if life.renewal_due(now) {
            Some(Diagnostic::new(
                Rule::TokenExpiring,
                at,
                format!(
                    "the access token expires {} ({expires}): less than a quarter of its lifetime is left",
                    relative(remaining)
                ),
            ))
        } else {
            None
        };
        if let Some(d) = finding {
            self.push(
                d.hint("run `kometa-trakt renew` (Kometa also renews on its next run)"),
                None,
            );
        }
    }
}

/// `(redacted)`, `<REDACTED>`, `<private>`, `XXXX-redacted-XXXX`, or the
/// flow sequence `[REDACTED]`.
fn redacted(node: &Node<'_>) -> bool {
    match &node.kind {
        // A leftover is short; a long value is not copied to look.
        Kind::Scalar { value, .. } if value.len() > 256 => false,
        Kind::Scalar { value, .. } => {
            let lower = value.to_lowercase();
            lower.contains("redacted") || lower == "<private>" || lower == "(private)"
        }
        Kind::Sequence { items, .. } => items.len() == 1 && redacted(&items[0]),
        _ => false,
    }
}

/// An integer, or digits in quotes.
fn seconds(node: &Node<'_>) -> Option<i64> {
    let Kind::Scalar { value, style } = &node.kind else {
        return None;
    };
    match resolve(value, *style, node.tag.as_deref()) {
        Resolved::Int(i) => i64::try_from(i).ok(),
        Resolved::Str(s) if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) => {
            s.parse().ok()
        }
        _ => None,
    }
}
