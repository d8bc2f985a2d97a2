//! JSON Schema validation of a document: the embedded trakt schema, or any
//! schema the user names, with violations described without the values
//! (a value may be a secret).

pub mod json;

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, PatternOptions, Validator};
use serde_json::Value;

/// The trakt block's schema, shipped inside the binary.
pub const TRAKT_SCHEMA: &str = include_str!("../../schemas/trakt.schema.json");

/// How much of each string the trakt schema sees: its string rules (types,
/// a minimum length of 1, the pattern of `Bearer`) read the same on a
/// 64 KiB prefix, and a huge value is then not copied whole.
pub const TRAKT_STRINGS: json::Strings = json::Strings::Prefix(64 * 1024);

/// The keywords the embedded schema may use: each means the same in draft 7
/// and 2020-12.
pub const DRAFT_7_SAFE: &[&str] = &[
    "$schema",
    "$id",
    "title",
    "description",
    "type",
    "properties",
    "additionalProperties",
    "required",
    "anyOf",
    "pattern",
    "minLength",
    "minimum",
    "exclusiveMinimum",
];

/// A compiled schema.
pub struct Schema {
    validator: Validator,
}

/// One way the instance fails the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The JSON pointer of the failing value.
    pub pointer: String,
    /// The schema keyword that failed (`type`, `required`, ...).
    pub keyword: String,
    /// What failed, with the value itself masked.
    pub message: String,
    /// Keys the schema does not allow (`additionalProperties`).
    pub unexpected: Vec<String>,
    /// Keys the schema requires that are missing (`required`).
    pub missing: Option<String>,
}

impl Schema {
    /// The embedded trakt schema. The file declares 2020-12 for editors,
    /// but uses only keywords that mean the same in draft 7 ([`DRAFT_7_SAFE`]),
    /// and jsonschema checks a schema against its draft's meta-schema, which
    /// for 2020-12 costs three times as much to build, on every `check`: so
    /// it is compiled as draft 7. tests/schema.rs holds both to the same verdicts.
    pub fn trakt() -> Schema {
        let mut value: Value =
            serde_json::from_str(TRAKT_SCHEMA).expect("the embedded schema is JSON");
        if let Some(root) = value.as_object_mut() {
            root.remove("$schema");
        }
        jsonschema::options()
            .with_draft(Draft::Draft7)
            .with_pattern_options(PatternOptions::fancy_regex())
            .build(&value)
            .map(|validator| Schema { validator })
            .expect("the embedded schema compiles")
    }

    /// Compiles a schema of any draft from 4 to 2020-12 (its `$schema`
    /// says which). Patterns use the fancy-regex engine, which accepts the
    /// escapes of ECMA 262 patterns (`\#`, `\d`) as JSON Schema intends.
    pub fn compile(schema: &Value) -> Result<Schema, String> {
        jsonschema::options()
            .with_pattern_options(PatternOptions::fancy_regex())
            .build(schema)
            .map(|validator| Schema { validator })
            .map_err(|e| e.masked().to_string())
    }

    /// Every violation of `instance`.
    pub fn validate(&self, instance: &Value) -> Vec<Violation> {
        self.validator
            .iter_errors(instance)
            .map(|e| {
                let (unexpected, missing) = match e.kind() {
                    ValidationErrorKind::AdditionalProperties { unexpected } => {
                        (unexpected.clone(), None)
                    }
                    ValidationErrorKind::Required { property } => {
                        (Vec::new(), property.as_str().map(str::to_string))
                    }
                    _ => (Vec::new(), None),
                };
                Violation {
                    pointer: e.instance_path().as_str().to_string(),
                    keyword: e.kind().keyword().to_string(),
                    message: e.masked().to_string(),
                    unexpected,
                    missing,
                }
            })
            .collect()
    }
}
