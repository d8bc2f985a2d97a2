//! A schema the user names (`--schema`), compiled when a document needs
//! it: for the first document, only the part its keys reach (see
//! `prune`); for a later one with keys the first lacked, the whole schema.

use std::collections::HashSet;
use std::sync::OnceLock;

use jsonschema::{PatternOptions, Validator};
use serde_json::Value;

use super::{best, prune};

pub(super) struct UserSchema {
    /// The whole schema (the keys it allows name the unknown ones).
    schema: Value,
    /// Whether `prune` can follow this schema's references.
    prunable: bool,
    /// The first document's keys and the validator of what they reach
    /// (`None` if that part did not compile).
    pruned: OnceLock<Option<Pruned>>,
    /// The whole schema compiled, or why it does not compile.
    whole: OnceLock<Result<Validator, String>>,
}

/// A validator of the part of the schema some keys reach.
struct Pruned {
    keys: HashSet<String>,
    validator: Validator,
    /// The part itself, kept so that it is freed with the rest of the
    /// schema (`check` leaves that to the end of the process) rather than
    /// node by node as soon as it is compiled (~0.4 ms of a run).
    _part: Value,
}

impl UserSchema {
    /// Checks `schema` against its draft's meta-schema (a malformed
    /// keyword is refused here, before any document is read); a schema
    /// `prune` cannot follow is compiled whole now.
    pub(super) fn load(schema: Value) -> Result<UserSchema, String> {
        jsonschema::meta::validate(&schema).map_err(|e| {
            let leaf = best::best(&e, best::Keys::None);
            format!(
                "at {}: {}",
                pointer(leaf.instance_path().as_str()),
                leaf.masked()
            )
        })?;
        let loaded = UserSchema {
            prunable: prune::prunable(&schema),
            schema,
            pruned: OnceLock::new(),
            whole: OnceLock::new(),
        };
        if !loaded.prunable {
            loaded.whole_validator()?;
        }
        Ok(loaded)
    }

    pub(super) fn schema(&self) -> &Value {
        &self.schema
    }

    /// The validator for `instance`: the first document's pruned one while
    /// the keys it reaches cover the instance's, else the whole schema's.
    pub(super) fn validator(&self, instance: &Value) -> Result<&Validator, String> {
        if self.prunable {
            let keys = prune::keys(instance);
            let first = self.pruned.get_or_init(|| {
                let part = prune::prune(&self.schema, &keys);
                Some(Pruned {
                    keys: keys.iter().map(|k| k.to_string()).collect(),
                    validator: compile(&part).ok()?,
                    _part: part,
                })
            });
            if let Some(pruned) = first
                && keys.iter().all(|k| pruned.keys.contains(*k))
            {
                return Ok(&pruned.validator);
            }
        }
        self.whole_validator()
    }

    /// Why the schema does not compile, once a document needed it whole.
    pub(super) fn failure(&self) -> Option<&str> {
        self.whole.get()?.as_ref().err().map(String::as_str)
    }

    fn whole_validator(&self) -> Result<&Validator, String> {
        self.whole
            .get_or_init(|| compile(&self.schema))
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// A JSON pointer as a reader sees it (`/` for the whole schema).
fn pointer(path: &str) -> &str {
    if path.is_empty() { "/" } else { path }
}

/// Patterns use the fancy-regex engine, which accepts the escapes of ECMA
/// 262 patterns (`\#`, `\d`) as JSON Schema intends.
fn compile(schema: &Value) -> Result<Validator, String> {
    jsonschema::options()
        .with_pattern_options(PatternOptions::fancy_regex())
        .build(schema)
        .map_err(|e| e.masked().to_string())
}
