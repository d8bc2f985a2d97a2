//! The one registry of rules: id, default severity, what the rule finds,
//! what Kometa does with such a value, and whether `--fix` repairs it.
//! `check`, every output format, `--fix`, SARIF and docs/rules.md read it.

use super::diagnostic::Severity;

/// Every rule `check` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    Unreadable,
    YamlSyntax,
    YamlTab,
    SeveralDocuments,
    DuplicateKey,
    AliasExpansion,
    NoTrakt,
    TraktNotMapping,
    MissingCredential,
    CredentialFormat,
    RedactedValue,
    TemplatePlaceholder,
    PlaceholderSpelling,
    TaggedValue,
    PinType,
    ForceRefreshType,
    AuthorizationType,
    NotAuthorized,
    AuthorizationPartial,
    AuthorizationIncomplete,
    TokenType,
    NumberType,
    QuotedNumber,
    CreatedInFuture,
    TokenExpired,
    TokenExpiring,
    UnknownKey,
    KometaWillRewrite,
    PlaintextSecret,
    ValueType,
    Schema,
}

/// What the registry says of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Info {
    /// The stable id shown in every output.
    pub id: &'static str,
    /// The severity unless an option changes it.
    pub severity: Severity,
    /// What the rule finds, in one sentence.
    pub summary: &'static str,
    /// What Kometa itself does with such a value.
    pub kometa: &'static str,
    /// Whether `check --fix` repairs it.
    pub fixable: bool,
    /// A line that triggers it.
    pub example: &'static str,
}

impl Rule {
    /// Every rule, in the order of the documentation.
    pub const ALL: &'static [Rule] = &[
        Rule::Unreadable,
        Rule::YamlSyntax,
        Rule::YamlTab,
        Rule::SeveralDocuments,
        Rule::DuplicateKey,
        Rule::AliasExpansion,
        Rule::NoTrakt,
        Rule::TraktNotMapping,
        Rule::MissingCredential,
        Rule::CredentialFormat,
        Rule::RedactedValue,
        Rule::TemplatePlaceholder,
        Rule::PlaceholderSpelling,
        Rule::TaggedValue,
        Rule::PinType,
        Rule::ForceRefreshType,
        Rule::AuthorizationType,
        Rule::NotAuthorized,
        Rule::AuthorizationPartial,
        Rule::AuthorizationIncomplete,
        Rule::TokenType,
        Rule::NumberType,
        Rule::QuotedNumber,
        Rule::CreatedInFuture,
        Rule::TokenExpired,
        Rule::TokenExpiring,
        Rule::UnknownKey,
        Rule::KometaWillRewrite,
        Rule::PlaintextSecret,
        Rule::ValueType,
        Rule::Schema,
    ];

    /// The rule's id.
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The rule's default severity.
    pub fn severity(self) -> Severity {
        self.info().severity
    }

    /// What the registry says of the rule.
    pub fn info(self) -> Info {
        use Severity::{Error, Note, Warning};
        let info = |id, severity, summary, kometa, fixable, example| Info {
            id,
            severity,
            summary,
            kometa,
            fixable,
            example,
        };
        match self {
            Rule::Unreadable => info(
                "unreadable",
                Error,
                "The file cannot be read.",
                "Kometa cannot start without its config.",
                false,
                "a path that does not exist",
            ),
            Rule::YamlSyntax => info(
                "yaml-syntax",
                Error,
                "The file is not valid YAML.",
                "Kometa stops: it cannot load the config.",
                false,
                "`client_id:<TAB>abc` (a tab right after the colon)",
            ),
            Rule::YamlTab => info(
                "yaml-tab",
                Error,
                "A tab outside quotes, comments and flow collections.",
                "ruamel.yaml, which Kometa loads the config with, refuses such a tab: Kometa stops (\"Tabs are not allowed in YAML files\").",
                false,
                "`cache: true<TAB># comment`",
            ),
            Rule::SeveralDocuments => info(
                "several-documents",
                Error,
                "The file holds several YAML documents.",
                "Kometa's loader refuses a stream of several documents.",
                false,
                "a `---` line starting a second document",
            ),
            Rule::DuplicateKey => info(
                "duplicate-key",
                Error,
                "A mapping holds the same key twice.",
                "YAML loaders disagree on which one wins; Kometa's refuses the file.",
                false,
                "`client_id:` twice in one mapping (anywhere in the file)",
            ),
            Rule::AliasExpansion => info(
                "alias-expansion",
                Error,
                "Aliases expand to an unreasonable size.",
                "Kometa's loader would exhaust its memory.",
                false,
                "aliases that expand to over a million nodes (an alias bomb)",
            ),
            Rule::NoTrakt => info(
                "no-trakt",
                Note,
                "The file has no trakt block at its root.",
                "Kometa runs without Trakt.",
                false,
                "a config without a root `trakt:`",
            ),
            Rule::TraktNotMapping => info(
                "trakt-not-mapping",
                Error,
                "The trakt key has no value or is not a mapping.",
                "Empty: Kometa adds `client_id:`, rewrites the whole file and runs without Trakt; a sequence aborts the whole run.",
                false,
                "`trakt:` with no value",
            ),
            Rule::MissingCredential => info(
                "missing-credential",
                Error,
                "client_id or client_secret is missing or empty.",
                "\"is blank\": Kometa runs without Trakt (and adds a missing key by rewriting the whole file).",
                false,
                "`client_secret` absent, or `client_id:` empty",
            ),
            Rule::CredentialFormat => info(
                "credential-format",
                Warning,
                "client_id or client_secret is not 64 hex characters.",
                "Kometa sends it as it is; Trakt refuses a wrong one at the first request.",
                false,
                "`client_id: 1a2b3c4d5e6f7g8h9i`",
            ),
            Rule::RedactedValue => info(
                "redacted-value",
                Error,
                "A value is a redaction leftover such as (redacted) or [REDACTED].",
                "Kometa sends the leftover: Trakt fails at the first refresh; a sequence as client_id aborts the whole run.",
                false,
                "`client_id: (redacted)`, `<REDACTED>`, `<private>`, `[REDACTED]`",
            ),
            Rule::TemplatePlaceholder => info(
                "template-placeholder",
                Warning,
                "A value is a ${VAR} template, which Kometa reads literally.",
                "Kometa substitutes only <<name>> placeholders: it sends `${VAR}` as it is and Trakt fails, unless the file is rendered (envsubst) before Kometa reads it.",
                false,
                "`client_id: ${TRAKT_CLIENT_ID}`",
            ),
            Rule::PlaceholderSpelling => info(
                "placeholder-spelling",
                Error,
                "A <<placeholder>> spelt in a way Kometa can never resolve.",
                "Kometa fills `<<x-y>>` and `<<X_Y>>` from KOMETA_X_Y; `<<x_y>>` or `<<X-Y>>` matches nothing and becomes null: \"is blank\", Trakt fails.",
                true,
                "`client_id: <<trakt_id>>` (write `<<trakt-id>>` or `<<TRAKT_ID>>`)",
            ),
            Rule::TaggedValue => info(
                "tagged-value",
                Error,
                "A trakt value carries an explicit tag such as !!str.",
                "ruamel.yaml loads a tagged scalar as an object, not a string: the request header or body fails and Kometa's whole run aborts.",
                true,
                "`client_id: !!str 0123…`",
            ),
            Rule::PinType => info(
                "pin-type",
                Error,
                "The PIN is a number; Kometa expects a string (a warning while the block holds tokens).",
                "Sent as a JSON number when a PIN exchange is needed, which Trakt refuses; never read while the tokens work.",
                true,
                "`pin: 12345678` (an integer, as Kometa's own docs show)",
            ),
            Rule::ForceRefreshType => info(
                "force-refresh-type",
                Warning,
                "force_refresh is not a boolean, so Kometa ignores it.",
                "Only the YAML boolean `true` forces a refresh; a string (\"true\", yes) is ignored.",
                false,
                "`force_refresh: \"true\"`",
            ),
            Rule::AuthorizationType => info(
                "authorization-type",
                Error,
                "authorization is not a mapping.",
                "Kometa aborts its whole run reading a token from it.",
                false,
                "`authorization: filled-in-by-kometa`",
            ),
            Rule::NotAuthorized => info(
                "not-authorized",
                Error,
                "The trakt block holds no tokens yet (a warning when it holds a PIN).",
                "Kometa 2.4 exchanges the PIN; without one it prompts for it, which fails without a terminal (Docker, cron).",
                false,
                "`authorization:` absent, null, or with empty tokens, and no `pin`",
            ),
            Rule::AuthorizationPartial => info(
                "authorization-partial",
                Error,
                "The authorization lacks its access_token key, or one of its tokens is empty.",
                "A missing access_token key aborts Kometa's whole run (KeyError); an empty token fails at the next refresh.",
                false,
                "tokens present but `refresh_token:` empty",
            ),
            Rule::AuthorizationIncomplete => info(
                "authorization-incomplete",
                Warning,
                "token_type, expires_in, scope or created_at is missing or empty beside the tokens.",
                "Never read by Kometa; only the expiry arithmetic suffers.",
                false,
                "a block with tokens but no `expires_in`",
            ),
            Rule::TokenType => info(
                "token-type",
                Warning,
                "token_type is not Bearer.",
                "Never read: Kometa always sends a Bearer token.",
                false,
                "`token_type: MAC`",
            ),
            Rule::NumberType => info(
                "number-type",
                Warning,
                "expires_in or created_at is not a whole number of seconds.",
                "Never read by Kometa; only the expiry arithmetic suffers.",
                false,
                "`expires_in: one day`",
            ),
            Rule::QuotedNumber => info(
                "quoted-number",
                Warning,
                "expires_in or created_at is a number written as a string.",
                "Never read by Kometa; its next save writes a number.",
                true,
                "`expires_in: '86400'`",
            ),
            Rule::CreatedInFuture => info(
                "created-in-future",
                Warning,
                "created_at lies in the future.",
                "Never read by Kometa; only the expiry arithmetic suffers.",
                false,
                "`created_at` more than 5 minutes ahead of the clock",
            ),
            Rule::TokenExpired => info(
                "token-expired",
                Warning,
                "The access token has expired (an error with --require-valid-for).",
                "Kometa refreshes it on its next run (and rewrites the whole file to save it).",
                false,
                "`created_at + expires_in` in the past",
            ),
            Rule::TokenExpiring => info(
                "token-expiring",
                Warning,
                "The access token is due for renewal, or expires sooner than --require-valid-for.",
                "Kometa refreshes only once the token fails.",
                false,
                "less than a quarter of the lifetime left",
            ),
            Rule::UnknownKey => info(
                "unknown-key",
                Warning,
                "A key the trakt block does not know, with a suggestion.",
                "Ignored by Kometa.",
                false,
                "`client_ID: x` → did you mean `client_id`?",
            ),
            Rule::KometaWillRewrite => info(
                "kometa-will-rewrite",
                Warning,
                "A key Kometa adds when missing: its first run rewrites the whole file.",
                "Kometa 2.4 adds a missing pin, force_refresh, client_id or client_secret by loading and re-dumping the whole config: quotes dropped, lists re-indented, CRLF and a BOM lost.",
                true,
                "a trakt block without a `pin:` or `force_refresh:` line",
            ),
            Rule::PlaintextSecret => info(
                "plaintext-secret",
                Error,
                "A literal secret where --no-plaintext-secrets demands a placeholder.",
                "Kometa works either way; the rule is for repositories that must hold placeholders only.",
                false,
                "`access_token: a1b2…` instead of `<<trakt-access-token>>`",
            ),
            Rule::ValueType => info(
                "value-type",
                Error,
                "A trakt value of the wrong type (a warning where Kometa never reads it).",
                "A credential or token of another type fails or aborts Kometa; token_type, expires_in, scope and created_at are never read.",
                false,
                "`client_id: 12345`, `scope: [public]`",
            ),
            Rule::Schema => info(
                "schema",
                Error,
                "A violation of the schema given with --schema.",
                "Whatever the schema's author decided.",
                false,
                "any violation of the schema given with `--schema`",
            ),
        }
    }
}
