//! JSON Schema validation of a document: the embedded trakt schema, or any
//! schema the user names, with violations described without the values
//! (a value may be a secret).

mod best;
pub(crate) mod builtin;
#[cfg(test)]
mod generate;
pub(crate) mod json;
mod prune;
mod user;

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use std::sync::OnceLock;

use best::Keys;
pub(crate) use builtin::Kometa;
use serde_json::Value;
use user::UserSchema;

/// The trakt block's schema, shipped inside the binary.
pub(crate) const TRAKT_SCHEMA: &str = include_str!("../../schemas/trakt.schema.json");

/// How much of each string the trakt schema sees: its string rules (types,
/// a minimum length of 1, the pattern of `Bearer`) read the same on a
/// 64 KiB prefix, and a huge value is then not copied whole.
pub(crate) const TRAKT_STRINGS: json::Strings = json::Strings::Prefix(64 * 1024);

/// The embedded trakt schema, compiled by jsonschema when this crate is
/// built (as the 2020-12 schema the file declares): `check` pays nothing
/// at run time to compile it or to check it against its meta-schema.
#[jsonschema::validator(
    path = "schemas/trakt.schema.json",
    pattern_options = { engine = fancy_regex }
)]
struct Trakt;

/// A compiled schema.
pub(crate) struct Schema {
    validator: Compiled,
    /// The embedded schema's JSON, to name the keys it allows (parsed only
    /// when a violation needs it).
    raw: OnceLock<Value>,
    /// The kind of Kometa file it checks, when it is one of Kometa's: a
    /// built-in one, or a file named as Kometa names its schemas.
    kometa: Option<Kometa>,
}

/// Where a schema was compiled.
enum Compiled {
    /// When this crate was built: the embedded trakt schema.
    Built,
    /// When the `kometa-schemas` crate was built: one of Kometa's schemas;
    /// the config schema is compiled at run time, as Kometa wrote it, for a
    /// document the built validator cannot answer for exactly.
    Kometa {
        kind: Kometa,
        original: Box<OnceLock<Result<UserSchema, String>>>,
    },
    /// At run time: a schema the user names.
    Runtime(Box<UserSchema>),
}

/// One way the instance fails the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// The JSON pointer of the failing value.
    pub(crate) pointer: String,
    /// The schema keyword that failed (`type`, `required`, ...).
    pub(crate) keyword: String,
    /// What failed, with the value itself masked.
    pub(crate) message: String,
    /// Keys the schema does not allow (`additionalProperties`).
    pub(crate) unexpected: Vec<String>,
    /// Keys the schema requires that are missing (`required`).
    pub(crate) missing: Option<String>,
    /// The values an `enum` (or `const`) allows, as JSON.
    pub(crate) expected: Vec<String>,
    /// The type a `type` error wanted.
    pub(crate) expected_type: Option<String>,
    /// The keys the schema allows where an unknown key was found.
    pub(crate) allowed: Vec<String>,
    /// The failed `anyOf`/`oneOf` this was chosen from (its JSON pointer
    /// and its generic message), if it was.
    pub(crate) union: Option<(String, String)>,
    /// Every branch's errors of that union, one line each, for `--verbose`.
    pub(crate) branches: Vec<String>,
}

impl Schema {
    /// The embedded trakt schema.
    pub(crate) fn trakt() -> Schema {
        Schema {
            validator: Compiled::Built,
            raw: OnceLock::new(),
            kometa: None,
        }
    }

    /// One of Kometa's schemas, built into the binary.
    pub(crate) fn kometa(kind: Kometa) -> Schema {
        Schema {
            validator: Compiled::Kometa {
                kind,
                original: Box::default(),
            },
            raw: OnceLock::new(),
            kometa: Some(kind),
        }
    }

    /// A schema of any draft from 4 to 2020-12 (its `$schema` says which),
    /// checked against its meta-schema now and compiled when a document
    /// needs it, for the part of it that document reaches.
    pub(crate) fn compile(schema: Value) -> Result<Schema, String> {
        Ok(Schema {
            validator: Compiled::Runtime(Box::new(UserSchema::load(schema)?)),
            raw: OnceLock::new(),
            kometa: None,
        })
    }

    /// The same schema, known to check Kometa files of `kind`.
    pub(crate) fn checking(mut self, kind: Option<Kometa>) -> Schema {
        self.kometa = kind;
        self
    }

    /// The kind of Kometa file this schema checks, if it is one of Kometa's.
    pub(crate) fn kind(&self) -> Option<Kometa> {
        self.kometa
    }

    /// The built-in Kometa schema this is, if it is one.
    pub(crate) fn built_in(&self) -> Option<Kometa> {
        match self.validator {
            Compiled::Kometa { kind, .. } => Some(kind),
            _ => None,
        }
    }

    /// Every violation of `instance`; a failed union reports its best
    /// branch's deepest error (see `best`). None if the schema does not
    /// compile for it (see `failure`). Violations come in the order of
    /// their pointers (then keywords and messages), whichever validator
    /// found them.
    pub(crate) fn validate(&self, instance: &Value) -> Vec<Violation> {
        let trakt = || {
            Keys::Json(self.raw.get_or_init(|| {
                serde_json::from_str(TRAKT_SCHEMA).expect("the embedded schema is JSON")
            }))
        };
        // The errors, and where the keys the schema allows are read (the
        // embedded trakt schema is parsed only when there are errors).
        let (errors, keys): (Vec<ValidationError<'_>>, Keys<'_>) = match &self.validator {
            Compiled::Built => (Trakt::iter_errors(instance).collect(), Keys::None),
            Compiled::Kometa { kind, .. } if kind.exact(instance) => {
                (kind.iter_errors(instance).collect(), Keys::Table(*kind))
            }
            Compiled::Kometa { original, .. } => match original.get_or_init(original_config) {
                Ok(user) => match at_run_time(user, instance) {
                    Some(errors) => (errors, Keys::Json(user.schema())),
                    None => return Vec::new(),
                },
                Err(_) => return Vec::new(),
            },
            Compiled::Runtime(user) => match at_run_time(user, instance) {
                Some(errors) => (errors, Keys::Json(user.schema())),
                None => return Vec::new(),
            },
        };
        if errors.is_empty() {
            return Vec::new();
        }
        let keys = match &self.validator {
            Compiled::Built => trakt(),
            _ => keys,
        };
        let mut found: Vec<Violation> = best::plain(&errors)
            .into_iter()
            .map(|e| violation(e, keys))
            .collect();
        found.sort_by(|a, b| {
            (&a.pointer, &a.keyword, &a.message).cmp(&(&b.pointer, &b.keyword, &b.message))
        });
        found
    }

    /// Why the schema did not compile when a document needed it.
    pub(crate) fn failure(&self) -> Option<&str> {
        match &self.validator {
            Compiled::Runtime(user) => user.failure(),
            Compiled::Kometa { original, .. } => match original.get()? {
                Ok(user) => user.failure(),
                Err(why) => Some(why),
            },
            Compiled::Built => None,
        }
    }
}

/// The errors of `instance` under a schema compiled at run time (none if
/// the part it needs does not compile).
fn at_run_time<'a>(user: &'a UserSchema, instance: &'a Value) -> Option<Vec<ValidationError<'a>>> {
    let validator = user.validator(instance).ok()?;
    Some(validator.iter_errors(instance).collect())
}

/// Kometa's config schema as Kometa wrote it, loaded as a `--schema` is.
fn original_config() -> Result<UserSchema, String> {
    let value = serde_json::from_str(builtin::ORIGINAL_CONFIG).map_err(|e| e.to_string())?;
    UserSchema::load(value)
}

/// What `error` says, from its best leaf (see `best`).
fn violation(error: &ValidationError<'_>, keys: Keys<'_>) -> Violation {
    let leaf = best::best(error, keys);
    let (unexpected, missing, expected, expected_type) = match leaf.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            (unexpected.clone(), None, Vec::new(), None)
        }
        ValidationErrorKind::Required { property } => (
            Vec::new(),
            property.as_str().map(str::to_string),
            Vec::new(),
            None,
        ),
        ValidationErrorKind::Enum { options } => (
            Vec::new(),
            None,
            options
                .as_array()
                .map(|o| o.iter().map(json_word).collect())
                .unwrap_or_default(),
            None,
        ),
        ValidationErrorKind::Constant { expected_value } => {
            (Vec::new(), None, vec![json_word(expected_value)], None)
        }
        ValidationErrorKind::Type { kind } => {
            (Vec::new(), None, Vec::new(), Some(type_words(kind)))
        }
        _ => (Vec::new(), None, Vec::new(), None),
    };
    let allowed = match leaf.kind() {
        ValidationErrorKind::AdditionalProperties { .. } => best::allowed_keys(leaf, keys),
        _ => Vec::new(),
    };
    let chosen = !std::ptr::eq(leaf, error);
    // Each branch's errors, sorted and once each: validators built at
    // compile time and at run time list them in different orders, and the
    // former may list one twice.
    let branches = best::branches(error)
        .map(|context| {
            context
                .iter()
                .enumerate()
                .flat_map(|(i, branch)| {
                    let mut lines: Vec<String> = best::plain(branch)
                        .into_iter()
                        .map(|e| {
                            format!(
                                "branch {}: {}: {}",
                                i + 1,
                                e.instance_path().as_str(),
                                said(e, keys)
                            )
                        })
                        .collect();
                    lines.sort();
                    lines.dedup();
                    lines
                })
                .collect()
        })
        .unwrap_or_default();
    Violation {
        pointer: leaf.instance_path().as_str().to_string(),
        keyword: leaf.kind().keyword().to_string(),
        message: said(leaf, keys),
        unexpected,
        missing,
        expected,
        expected_type,
        allowed,
        union: chosen.then(|| {
            (
                error.instance_path().as_str().to_string(),
                error.masked().to_string(),
            )
        }),
        branches,
    }
}

/// What `error` says, its value masked; a pattern a built-in schema
/// compiles respelt (see `kometa_schemas::PATTERNS`) is named as Kometa
/// wrote it.
fn said(error: &ValidationError<'_>, keys: Keys<'_>) -> String {
    let message = error.masked().to_string();
    if let (Keys::Table(Kometa::Config), ValidationErrorKind::Pattern { .. }) = (keys, error.kind())
    {
        let at = error.schema_path().as_str();
        if let Some(r) = kometa_schemas::PATTERNS.iter().find(|r| r.at == at) {
            return message.replace(&format!("\"{}\"", r.now), &format!("\"{}\"", r.was));
        }
    }
    message
}

/// A JSON value as a word: strings bare, others as JSON.
fn json_word(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The type(s) a `type` error wanted, in words.
fn type_words(kind: &jsonschema::error::TypeKind) -> String {
    use jsonschema::error::TypeKind;
    match kind {
        TypeKind::Single(t) => t.to_string(),
        TypeKind::Multiple(ts) => ts
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

#[cfg(test)]
mod tests;
