//! JSON Schema validation of a document: the embedded trakt schema, or any
//! schema the user names, with violations described without the values
//! (a value may be a secret).

mod best;
pub(crate) mod json;
mod prune;
mod user;

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use std::sync::OnceLock;

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
}

/// Where a schema was compiled.
enum Compiled {
    /// When this crate was built: the embedded trakt schema.
    Built,
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
        }
    }

    /// A schema of any draft from 4 to 2020-12 (its `$schema` says which),
    /// checked against its meta-schema now and compiled when a document
    /// needs it, for the part of it that document reaches.
    pub(crate) fn compile(schema: Value) -> Result<Schema, String> {
        Ok(Schema {
            validator: Compiled::Runtime(Box::new(UserSchema::load(schema)?)),
            raw: OnceLock::new(),
        })
    }

    /// Every violation of `instance`; a failed union reports its best
    /// branch's deepest error (see `best`). None if the schema does not
    /// compile for it (see `failure`).
    pub(crate) fn validate(&self, instance: &Value) -> Vec<Violation> {
        let errors = match &self.validator {
            Compiled::Built => Trakt::iter_errors(instance),
            Compiled::Runtime(user) => match user.validator(instance) {
                Ok(validator) => validator.iter_errors(instance),
                Err(_) => return Vec::new(),
            },
        };
        errors.map(|e| self.violation(&e)).collect()
    }

    /// Why the schema did not compile when a document needed it.
    pub(crate) fn failure(&self) -> Option<&str> {
        match &self.validator {
            Compiled::Runtime(user) => user.failure(),
            Compiled::Built => None,
        }
    }

    /// The schema's JSON (the embedded one is parsed on first use).
    fn raw(&self) -> Option<&Value> {
        Some(match &self.validator {
            Compiled::Runtime(user) => user.schema(),
            Compiled::Built => self.raw.get_or_init(|| {
                serde_json::from_str(TRAKT_SCHEMA).expect("the embedded schema is JSON")
            }),
        })
    }

    fn violation(&self, error: &ValidationError<'_>) -> Violation {
        let leaf = best::best(error, self.raw());
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
        let allowed = match (leaf.kind(), self.raw()) {
            (ValidationErrorKind::AdditionalProperties { .. }, Some(raw)) => {
                best::allowed_keys(leaf, raw)
            }
            _ => Vec::new(),
        };
        let chosen = !std::ptr::eq(leaf, error);
        let branches = best::branches(error)
            .map(|context| {
                context
                    .iter()
                    .enumerate()
                    .flat_map(|(i, branch)| {
                        branch.iter().map(move |e| {
                            format!(
                                "branch {}: {}: {}",
                                i + 1,
                                e.instance_path().as_str(),
                                e.masked()
                            )
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Violation {
            pointer: leaf.instance_path().as_str().to_string(),
            keyword: leaf.kind().keyword().to_string(),
            message: leaf.masked().to_string(),
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
