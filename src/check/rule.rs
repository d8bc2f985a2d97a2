//! The one registry of rules. Each rule is declared once, below: its id,
//! its severity for each Kometa version, what it finds, what Kometa does
//! with such a value and the lines of Kometa's code that decide it,
//! whether `check --fix` repairs it, and an example. The enum, [`Rule::ALL`],
//! every output format, SARIF's rule list, docs/rules.md and the tests that
//! tie severities to Kometa's code are all derived from these declarations.
//! Adding a rule is one declaration here plus its logic and its tests.

use super::diagnostic::Severity;
use super::diagnostic::Severity::{Error, Note, Warning};
use crate::kometa::Version;

/// What the registry says of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Info {
    /// The stable id shown in every output.
    pub(crate) id: &'static str,
    /// The severity for Kometa 2.4 unless the rule's logic or an option
    /// changes it.
    pub(crate) severity: Severity,
    /// The same for Kometa after August 2026 (`--kometa-version latest`).
    pub(crate) latest: Severity,
    /// What the rule finds, in one sentence.
    pub(crate) summary: &'static str,
    /// What Kometa itself does with such a value.
    pub(crate) kometa: &'static str,
    /// The lines of Kometa 2.4.4's code (vendor/kometa-2.4.4) that decide
    /// the severity, each shown by a fixture.
    pub(crate) decided_by: &'static [Decision],
    /// Whether `check --fix` repairs it: only such a rule's findings may
    /// carry a fix.
    pub(crate) fixable: bool,
    /// A line that triggers it.
    pub(crate) example: &'static str,
}

/// A line of Kometa's code that decides a rule's severity, and the fixture
/// (`fixtures/check/NAME.yml`) whose output shows the rule at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    pub(crate) fixture: &'static str,
    pub(crate) severity: Severity,
    /// `modules/trakt.py:160`, relative to Kometa's source tree.
    pub(crate) at: &'static str,
    /// Text found on that line.
    pub(crate) says: &'static str,
}

const fn by(
    fixture: &'static str,
    severity: Severity,
    at: &'static str,
    says: &'static str,
) -> Decision {
    Decision {
        fixture,
        severity,
        at,
        says,
    }
}

/// Declares every rule: the enum, its list and each one's [`Info`]. A
/// rule's `latest` severity, when not given, is its `severity`.
macro_rules! rules {
    ($(
        $rule:ident {
            id: $id:literal,
            severity: $severity:ident,
            $(latest: $latest:ident,)?
            summary: $summary:literal,
            kometa: $kometa:literal,
            decided_by: [$($decision:expr),* $(,)?],
            fixable: $fixable:literal,
            example: $example:literal $(,)?
        }
    )*) => {
        /// Every rule `check` knows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub(crate) enum Rule {
            $($rule,)*
        }

        impl Rule {
            /// Every rule, in the order of the documentation.
            pub(crate) const ALL: &'static [Rule] = &[$(Rule::$rule,)*];

            /// What the registry says of the rule.
            pub(crate) fn info(self) -> &'static Info {
                match self {
                    $(Rule::$rule => {
                        const INFO: Info = Info {
                            id: $id,
                            severity: $severity,
                            latest: rules!(@latest $severity $($latest)?),
                            summary: $summary,
                            kometa: $kometa,
                            decided_by: &[$($decision),*],
                            fixable: $fixable,
                            example: $example,
                        };
                        &INFO
                    })*
                }
            }
        }
    };
    (@latest $severity:ident) => { $severity };
    (@latest $severity:ident $latest:ident) => { $latest };
}

impl Rule {
    /// The rule's id.
    pub(crate) fn id(self) -> &'static str {
        self.info().id
    }

    /// The rule's severity for the Kometa that reads the config.
    pub(crate) fn severity(self, kometa: Version) -> Severity {
        match kometa {
            Version::V2_4 => self.info().severity,
            Version::Latest => self.info().latest,
        }
    }
}

rules! {
    Unreadable {
        id: "unreadable",
        severity: Error,
        summary: "The file cannot be read.",
        kometa: "Kometa cannot start without its config.",
        decided_by: [],
        fixable: false,
        example: "a path that does not exist",
    }
    YamlSyntax {
        id: "yaml-syntax",
        severity: Error,
        summary: "The file is not valid YAML.",
        kometa: "Kometa stops: it cannot load the config.",
        decided_by: [],
        fixable: false,
        example: "`client_id:<TAB>abc` (a tab right after the colon)",
    }
    NoBreakSpace {
        id: "no-break-space",
        severity: Error,
        summary: "A no-break space (or another web space) right after a key's colon.",
        kometa: "YAML separates a key from its value only with a plain space or a tab: the line is one scalar, the block falls apart and Kometa's run aborts on the file.",
        decided_by: [],
        fixable: true,
        example: "`client_id:\u{a0}abc` pasted from a web page",
    }
    YamlTab {
        id: "yaml-tab",
        severity: Error,
        summary: "A tab outside quotes, comments and flow collections.",
        kometa: "ruamel.yaml, which Kometa loads the config with, refuses such a tab: Kometa stops (\"Tabs are not allowed in YAML files\").",
        decided_by: [
            by("yaml-tab", Error, "modules/request.py:283", "Tabs are not allowed in YAML files"),
        ],
        fixable: false,
        example: "`cache: true<TAB># comment`",
    }
    SeveralDocuments {
        id: "several-documents",
        severity: Error,
        summary: "The file holds several YAML documents.",
        kometa: "Kometa's loader refuses a stream of several documents.",
        decided_by: [],
        fixable: false,
        example: "a `---` line starting a second document",
    }
    DuplicateKey {
        id: "duplicate-key",
        severity: Error,
        summary: "A mapping holds the same key twice.",
        kometa: "YAML loaders disagree on which one wins; Kometa's refuses the file.",
        decided_by: [],
        fixable: false,
        example: "`client_id:` twice in one mapping (anywhere in the file)",
    }
    AliasExpansion {
        id: "alias-expansion",
        severity: Error,
        summary: "Aliases expand to an unreasonable size.",
        kometa: "Kometa's loader would exhaust its memory.",
        decided_by: [],
        fixable: false,
        example: "aliases that expand to over a million nodes (an alias bomb)",
    }
    NoTrakt {
        id: "no-trakt",
        severity: Note,
        summary: "The file has no trakt block at its root.",
        kometa: "Kometa runs without Trakt.",
        decided_by: [],
        fixable: false,
        example: "a config without a root `trakt:`",
    }
    TraktKey {
        id: "trakt-key",
        severity: Error,
        summary: "The trakt block is under another key (`Trakt`, `TRAKT`, `\"trakt \"`, `trakt_tv`) or nested in another block.",
        kometa: "Kometa looks for the root key `trakt` only: it logs \"trakt attribute not found\" and runs without Trakt.",
        decided_by: [
            by("trakt-key", Error, "modules/config.py:946", "logger.info(\"trakt attribute not found\")"),
        ],
        fixable: false,
        example: "`Trakt:` or `trakt_tv:` at the root, or `trakt:` under `settings:`",
    }
    TraktNotMapping {
        id: "trakt-not-mapping",
        severity: Error,
        summary: "The trakt key has no value or is not a mapping.",
        kometa: "Empty: Kometa adds `client_id:`, rewrites the whole file and runs without Trakt; a sequence aborts the whole run.",
        decided_by: [
            by("trakt-not-mapping", Error, "modules/config.py:531", "yaml.data[parent] = {attribute: default}"),
        ],
        fixable: false,
        example: "`trakt:` with no value",
    }
    MissingCredential {
        id: "missing-credential",
        severity: Error,
        summary: "client_id or client_secret is missing or empty.",
        kometa: "\"is blank\": Kometa runs without Trakt (and adds a missing key by rewriting the whole file).",
        decided_by: [
            by("missing-credential", Error, "modules/config.py:545", "is blank"),
        ],
        fixable: false,
        example: "`client_secret` absent, or `client_id:` empty",
    }
    CredentialFormat {
        id: "credential-format",
        severity: Warning,
        summary: "client_id or client_secret is a clean string, but not the form of a Trakt credential (20 to 128 letters, digits, `-` or `_`).",
        kometa: "Kometa sends it as it is; Trakt refuses a wrong one at the first request.",
        decided_by: [
            by("credential-format", Warning, "modules/trakt.py:160", "\"trakt-api-key\": self.client_id"),
        ],
        fixable: false,
        example: "`client_id: 1a2b3c4d5e6f7g8h9i`",
    }
    RedactedValue {
        id: "redacted-value",
        severity: Error,
        summary: "A value is a redaction leftover such as (redacted), [REDACTED] or ******** (a warning where Kometa never reads it or refreshes past it).",
        kometa: "Kometa sends the leftover: Trakt refuses it (a client id at once, a secret or refresh token at the next refresh); a sequence as client_id aborts the whole run. A leftover access token is refreshed away; token_type, expires_in, scope and created_at are never read.",
        decided_by: [
            by("redacted-value", Error, "modules/trakt.py:174", "\"client_secret\": self.client_secret"),
            by("redacted-value-unread", Warning, "modules/trakt.py:63", "if self.force_refresh is True or not self._save(self.authorization)"),
        ],
        fixable: false,
        example: "`client_id: (redacted)`, `<REDACTED>`, `<private>`, `[REDACTED]`",
    }
    TemplatePlaceholder {
        id: "template-placeholder",
        severity: Warning,
        summary: "A value is a ${VAR} template, which Kometa reads literally.",
        kometa: "Kometa substitutes only <<name>> placeholders: it sends `${VAR}` as it is and Trakt fails, unless the file is rendered (envsubst) before Kometa reads it.",
        decided_by: [
            by("template-placeholder", Warning, "modules/config.py:487", "if f\"<<{test}>>\" in str(next_data)"),
        ],
        fixable: false,
        example: "`client_id: ${TRAKT_CLIENT_ID}`",
    }
    PlaceholderSpelling {
        id: "placeholder-spelling",
        severity: Error,
        summary: "A <<placeholder>> spelt in a way Kometa can never resolve (a warning where Kometa never reads the value or refreshes past it).",
        kometa: "Kometa fills `<<x-y>>` and `<<X_Y>>` from KOMETA_X_Y; `<<x_y>>`, `<<X-Y>>`, `<< x-y >>` or the variable's own name `<<KOMETA_X_Y>>` match nothing and become null: \"is blank\", Trakt fails.",
        decided_by: [
            by("placeholder-spelling", Error, "modules/config.py:489", "if str(next_data).startswith(\"<<\") and str(next_data).endswith(\">>\")"),
        ],
        fixable: true,
        example: "`client_id: <<trakt_id>>` (write `<<trakt-id>>` or `<<TRAKT_ID>>`)",
    }
    TaggedValue {
        id: "tagged-value",
        severity: Error,
        summary: "A value carries a tag (`!!str`, `!!binary`, `!secret`) that makes ruamel.yaml load an object, not a string (a note where that is harmless).",
        kometa: "ruamel.yaml loads `!!str x` and custom tags as a TaggedScalar object: as client_id the token check aborts Kometa's whole run (a header must be a string); as client_secret or refresh_token the next refresh aborts it (not JSON). As access_token (`Bearer {token}` makes it a string again) and on the keys Kometa never reads it is harmless; the verbatim `!<tag:yaml.org,2002:str>` loads a plain string.",
        decided_by: [
            by("tagged-value", Error, "modules/trakt.py:162", "response = self.requests.get(f\"{base_url}/users/settings\", headers=headers)"),
            by("tagged-value-refresh", Error, "modules/trakt.py:175", "response = self.requests.post(f\"{base_url}/oauth/token\", json=json_data"),
            by("tagged-value-harmless", Note, "modules/trakt.py:160", "\"Authorization\": f\"Bearer {token}\""),
        ],
        fixable: true,
        example: "`client_id: !!str 0123…`",
    }
    PinType {
        id: "pin-type",
        severity: Error,
        summary: "The PIN is not a string: a number, a boolean, a tagged value (a warning while the block holds tokens).",
        kometa: "Sent as a JSON number when a PIN exchange is needed, which Trakt refuses (a tagged value or a date aborts the run: not JSON); never read while the tokens work.",
        decided_by: [
            by("pin-type", Error, "modules/trakt.py:149", "json_data = {\"code\": pin"),
            by("pin-type-with-tokens", Warning, "modules/trakt.py:63", "if self.force_refresh is True or not self._save(self.authorization)"),
        ],
        fixable: true,
        example: "`pin: 12345678` (an integer, as Kometa's own docs show)",
    }
    PinValue {
        id: "pin-value",
        severity: Error,
        summary: "The PIN holds whitespace, a line break, a leftover or a placeholder Kometa cannot fill (a warning while the block holds tokens).",
        kometa: "Kometa strips only a PIN typed at its prompt: the file's PIN is sent as written when a PIN exchange is needed, and Trakt refuses it; never read while the tokens work.",
        decided_by: [
            by("pin-value", Error, "modules/trakt.py:149", "json_data = {\"code\": pin"),
            by("pin-value-with-tokens", Warning, "modules/trakt.py:63", "if self.force_refresh is True or not self._save(self.authorization)"),
        ],
        fixable: false,
        example: "`pin: \"7F3A9C21 \"`, `pin: |` (a block scalar keeps its line break)",
    }
    ForceRefreshType {
        id: "force-refresh-type",
        severity: Warning,
        summary: "force_refresh is not the boolean true or false, so Kometa ignores it.",
        kometa: "Only the YAML boolean `true` forces a refresh (`is True`): a string (\"true\", yes, a filled placeholder), an anchored `&a true` (ruamel's ScalarBoolean) or a tagged value is ignored.",
        decided_by: [
            by("force-refresh-type", Warning, "modules/trakt.py:63", "self.force_refresh is True"),
        ],
        fixable: false,
        example: "`force_refresh: \"true\"`",
    }
    AuthorizationType {
        id: "authorization-type",
        severity: Error,
        summary: "authorization is not a mapping.",
        kometa: "Kometa aborts its whole run reading a token from it.",
        decided_by: [
            by("authorization-type", Error, "modules/trakt.py:159", "authorization[\"access_token\"]"),
        ],
        fixable: false,
        example: "`authorization: filled-in-by-kometa`",
    }
    NotAuthorized {
        id: "not-authorized",
        severity: Error,
        summary: "The trakt block holds no tokens yet (a warning when it holds a PIN).",
        kometa: "Kometa 2.4 exchanges the PIN; without one it prompts for it, which fails without a terminal (Docker, cron).",
        decided_by: [
            by("not-authorized", Error, "modules/trakt.py:144", "pin = util.logger_input(\"Trakt pin (case insensitive)\", timeout=300).strip()"),
            by("not-authorized-with-pin", Warning, "modules/trakt.py:136", "if self.pin:"),
        ],
        fixable: false,
        example: "`authorization:` absent, null, or with empty tokens, and no `pin`",
    }
    AuthorizationPartial {
        id: "authorization-partial",
        severity: Error,
        summary: "The authorization lacks its access_token key, or one of its tokens is empty (a warning for an empty access token beside a refresh token).",
        kometa: "A missing access_token key aborts Kometa's whole run (KeyError); an empty refresh token fails at the next refresh; an empty access token beside a refresh token is refreshed at once (and the file rewritten).",
        decided_by: [
            by("authorization-partial-no-access-token", Error, "modules/trakt.py:159", "authorization[\"access_token\"]"),
            by("authorization-partial", Error, "modules/trakt.py:172", "self.authorization[\"refresh_token\"]"),
            by("authorization-partial-access-token", Warning, "modules/trakt.py:64", "if not self._refresh():"),
        ],
        fixable: false,
        example: "tokens present but `refresh_token:` empty",
    }
    AuthorizationIncomplete {
        id: "authorization-incomplete",
        severity: Warning,
        summary: "token_type, expires_in, scope or created_at is missing or empty beside the tokens.",
        kometa: "Never read by Kometa; only the expiry arithmetic suffers.",
        decided_by: [
            by("authorization-incomplete", Warning, "modules/trakt.py:162", "response = self.requests.get(f\"{base_url}/users/settings\", headers=headers)"),
        ],
        fixable: false,
        example: "a block with tokens but no `expires_in`",
    }
    TokenType {
        id: "token-type",
        severity: Warning,
        summary: "token_type is not Bearer.",
        kometa: "Never read: Kometa always sends a Bearer token.",
        decided_by: [
            by("token-type", Warning, "modules/trakt.py:160", "\"Authorization\": f\"Bearer {token}\""),
        ],
        fixable: false,
        example: "`token_type: MAC`",
    }
    NumberType {
        id: "number-type",
        severity: Warning,
        summary: "expires_in or created_at is not a whole number of seconds.",
        kometa: "Never read by Kometa; only the expiry arithmetic suffers.",
        decided_by: [
            by("number-type", Warning, "modules/trakt.py:162", "response = self.requests.get(f\"{base_url}/users/settings\", headers=headers)"),
        ],
        fixable: false,
        example: "`expires_in: one day`",
    }
    QuotedNumber {
        id: "quoted-number",
        severity: Warning,
        summary: "expires_in or created_at is a number written as a string.",
        kometa: "Never read by Kometa; its next save writes a number.",
        decided_by: [
            by("quoted-number", Warning, "modules/trakt.py:189", "\"expires_in\": authorization[\"expires_in\"]"),
        ],
        fixable: true,
        example: "`expires_in: '86400'`",
    }
    CreatedInFuture {
        id: "created-in-future",
        severity: Warning,
        summary: "created_at lies in the future.",
        kometa: "Never read by Kometa; only the expiry arithmetic suffers.",
        decided_by: [
            by("created-in-future", Warning, "modules/trakt.py:162", "response = self.requests.get(f\"{base_url}/users/settings\", headers=headers)"),
        ],
        fixable: false,
        example: "`created_at` more than 5 minutes ahead of the clock",
    }
    TokenExpired {
        id: "token-expired",
        severity: Warning,
        summary: "The access token has expired (an error with --require-valid-for).",
        kometa: "Kometa refreshes it on its next run (and rewrites the whole file to save it).",
        decided_by: [
            by("token-expired", Warning, "modules/trakt.py:63", "not self._save(self.authorization)"),
        ],
        fixable: false,
        example: "`created_at + expires_in` in the past",
    }
    TokenExpiring {
        id: "token-expiring",
        severity: Warning,
        summary: "The access token is due for renewal, or expires sooner than --require-valid-for.",
        kometa: "Kometa refreshes only once the token fails.",
        decided_by: [
            by("token-expiring", Warning, "modules/trakt.py:63", "not self._save(self.authorization)"),
        ],
        fixable: false,
        example: "less than a quarter of the lifetime left",
    }
    UnknownKey {
        id: "unknown-key",
        severity: Warning,
        summary: "A key the trakt block does not know, with a suggestion.",
        kometa: "Ignored by Kometa.",
        decided_by: [
            by("unknown-key", Warning, "modules/config.py:931", "check_for_attribute(self.data, \"client_id\", parent=\"trakt\", throw=True)"),
        ],
        fixable: false,
        example: "`client_ID: x` → did you mean `client_id`?",
    }
    KometaWillRewrite {
        id: "kometa-will-rewrite",
        severity: Warning,
        summary: "A key Kometa adds when missing: its first run rewrites the whole file.",
        kometa: "Kometa 2.4 adds a missing pin, force_refresh, client_id or client_secret by loading and re-dumping the whole config: quotes dropped, lists re-indented, CRLF and a BOM lost.",
        decided_by: [
            by("kometa-will-rewrite", Warning, "modules/config.py:533", "yaml.data[parent][attribute] = default"),
        ],
        fixable: true,
        example: "a trakt block without a `pin:` or `force_refresh:` line",
    }
    ObsoleteKey {
        id: "obsolete-key",
        severity: Warning,
        summary: "A key Kometa no longer reads (`pin`, `force_refresh` under --kometa-version latest).",
        kometa: "Kometa releases after August 2026 removed the PIN flow and `force_refresh` (its PR #3461, from its documentation): the key is ignored.",
        decided_by: [],
        fixable: true,
        example: "`force_refresh: false` for Kometa after August 2026",
    }
    PlaintextSecret {
        id: "plaintext-secret",
        severity: Error,
        summary: "A literal secret where --no-plaintext-secrets demands a placeholder.",
        kometa: "Kometa works either way; the rule is for repositories that must hold placeholders only.",
        decided_by: [],
        fixable: false,
        example: "`access_token: a1b2…` instead of `<<trakt-access-token>>`",
    }
    ValueType {
        id: "value-type",
        severity: Error,
        summary: "A trakt value of the wrong type as ruamel.yaml loads it (a warning where Kometa never reads it or refreshes past it).",
        kometa: "ruamel.yaml reads `12_345`, `0x1F`, `017`, 64-digit numbers, `1e5`, `.inf` and `2026-11-27` as numbers and dates: as client_id the token check aborts Kometa's whole run (a header must be a string); as client_secret or refresh_token Trakt refuses a number at the next refresh (an infinite float or a date aborts it: not JSON). An access token of another type is refreshed away; token_type, expires_in, scope and created_at are never read.",
        decided_by: [
            by("value-type-credential", Error, "modules/trakt.py:160", "\"trakt-api-key\": self.client_id"),
            by("value-type-refresh", Error, "modules/trakt.py:174", "\"client_secret\": self.client_secret"),
            by("value-type", Warning, "modules/trakt.py:191", "\"scope\": authorization[\"scope\"]"),
        ],
        fixable: false,
        example: "`client_id: 12345`, `client_secret: 1_234`, `scope: [public]`",
    }
    ValueWhitespace {
        id: "value-whitespace",
        severity: Error,
        summary: "A credential or token holds whitespace, a line break, a control or an invisible character (a warning where Kometa refreshes past it).",
        kometa: "HTTP headers may not start with whitespace or hold a line break or a non-Latin-1 character: in client_id (and a line break in access_token) Kometa's whole run aborts; other whitespace reaches Trakt, which refuses it (client_id at once, client_secret and refresh_token at the next refresh); an access token with spaces is refreshed away. A block scalar (`|`, `>`) keeps a final line break unless written `|-`/`>-`.",
        decided_by: [
            by("value-whitespace", Error, "modules/trakt.py:162", "response = self.requests.get(f\"{base_url}/users/settings\", headers=headers)"),
            by("value-whitespace-refresh", Error, "modules/trakt.py:175", "response = self.requests.post(f\"{base_url}/oauth/token\", json=json_data"),
            by("value-whitespace-access-token", Warning, "modules/trakt.py:64", "if not self._refresh():"),
        ],
        fixable: false,
        example: "`client_id: |` (a line break at the end), `client_secret: \"abc \"`",
    }
    PlaceholderUnresolved {
        id: "placeholder-unresolved",
        severity: Error,
        summary: "A <<placeholder>> known not to be filled: its variable is set but empty, set only in a .env Kometa does not load, given as `--kometa-x=value`, or the value holds several placeholders (a warning where Kometa never reads the value or refreshes past it).",
        kometa: "Kometa drops blank variables, loads `.env` only from the `config` folder beside kometa.py (`/config/.env` in Docker), reads `--kometa-x=v` as a secret named `x=v`, and replaces one placeholder per value: the value becomes null (\"is blank\") or is sent with `<<…>>` in it, and Trakt fails.",
        decided_by: [
            by("placeholder-unresolved", Error, "modules/config.py:489", "if str(next_data).startswith(\"<<\") and str(next_data).endswith(\">>\")"),
        ],
        fixable: false,
        example: "`client_id: <<trakt-client-id>>` with `KOMETA_TRAKT_CLIENT_ID=` (empty)",
    }
    PlaceholderUnset {
        id: "placeholder-unset",
        severity: Note,
        summary: "A <<placeholder>> whose variable is not set here (nor in the .env Kometa loads).",
        kometa: "Kometa fills it only if the variable is set where it runs; otherwise the value becomes null (\"is blank\"). check cannot see Kometa's environment.",
        decided_by: [
            by("placeholder-unset", Note, "modules/config.py:485", "for secret, secret_value in secrets.items():"),
        ],
        fixable: false,
        example: "`client_id: <<trakt-client-id>>` checked where KOMETA_TRAKT_CLIENT_ID is not set",
    }
    SecretArgument {
        id: "secret-argument",
        severity: Error,
        summary: "A `--kometa-x=value` argument: Kometa reads secrets as `--kometa-x value`.",
        kometa: "Kometa takes the whole `--kometa-x=value` as the secret's name and the next argument as its value: as the last argument its start crashes (IndexError), else the secret is misnamed and its placeholder stays unfilled.",
        decided_by: [
            by("secret-argument", Error, "kometa.py:199", "secret_args[test_var[9:]] = str(unknown[i + 1])"),
        ],
        fixable: false,
        example: "`check config.yml --kometa-trakt-client-id=abc` (write `--kometa-trakt-client-id abc`)",
    }
    Schema {
        id: "schema",
        severity: Error,
        summary: "A violation of the schema given with --schema.",
        kometa: "Whatever the schema's author decided.",
        decided_by: [],
        fixable: false,
        example: "any violation of the schema given with `--schema`",
    }
    LinkedMissing {
        id: "linked-missing",
        severity: Error,
        summary: "A local file or folder the config links to does not exist (resolved as Kometa resolves it), a folder holds no YAML file, or a link is blank (--linked).",
        kometa: "Kometa logs an error and skips the file (its collections, overlays or playlists are not made); its --validate fails the config.",
        decided_by: [
            by("linked-missing", Error, "modules/util.py:549", "Path not found"),
            by("linked-missing-folder", Error, "modules/util.py:495", "Folder not found"),
        ],
        fixable: false,
        example: "`- file: config/Movies.yml` with no such file",
    }
    LinkedNotChecked {
        id: "linked-not-checked",
        severity: Note,
        summary: "Links to URLs, Git, a custom repo or Kometa's bundled defaults, which an offline check does not follow (--linked).",
        kometa: "Kometa downloads them, or reads its bundled `defaults/`, when it runs.",
        decided_by: [],
        fixable: false,
        example: "`- default: imdb`, `- url: https://…`, `- git: PMM/chart/basic`",
    }
    EmptyFile {
        id: "empty-file",
        severity: Error,
        summary: "A linked Kometa file is empty, or its root is not a mapping.",
        kometa: "\"YAML Error: File is empty\": Kometa skips the file.",
        decided_by: [
            by("empty-file", Error, "modules/request.py:292", "raise Failed(\"YAML Error: File is empty\")"),
        ],
        fixable: false,
        example: "a collection file holding only comments",
    }
    SectionTypo {
        id: "section-typo",
        severity: Warning,
        summary: "A root key that is not a Kometa section but nearly one (with --schema or --linked).",
        kometa: "Kometa reads its sections by name and never looks at this key: the section it was meant to be takes its defaults.",
        decided_by: [
            by("section-typo", Warning, "modules/config.py:414", "if \"settings\" in self.data:"),
        ],
        fixable: false,
        example: "`setings:` (did you mean `settings`?), `libaries:`, `trak:`",
    }
    LibraryAttribute {
        id: "library-attribute",
        severity: Warning,
        summary: "A library whose name is a library attribute: indented one level too little? (with --schema or --linked).",
        kometa: "Kometa looks for a Plex library of that name, fails to find it and skips it; the library it was meant for runs without it.",
        decided_by: [
            by("library-attribute", Warning, "modules/config.py:1122", "else str(library_name)"),
        ],
        fixable: false,
        example: "`overlay_files:` directly under `libraries:`",
    }
}
