//! The most telling error inside an `anyOf`/`oneOf`: a union of schemas
//! fails with one list of errors per branch, and the user needs the one
//! about what they meant. Prefer a branch whose type matches the value,
//! then the deepest error, then the one whose unknown key is closest to a
//! key it knows (a near-miss key is strong evidence of the branch the user
//! meant), then the branch that fails fewest keywords: the heuristics of
//! Python jsonschema's `best_match` and check-jsonschema's deep match.

use std::cmp::Reverse;

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind as Kind};
use serde_json::Value;

use crate::words::nearest;

/// Where the keys a schema allows are read: its JSON, or the table
/// generated for a built-in schema (which is never parsed at run time).
#[derive(Clone, Copy)]
pub(super) enum Keys<'s> {
    None,
    Json(&'s Value),
    Table(kometa_schemas::Kind),
}

impl<'s> Keys<'s> {
    /// The `properties` names of the schema object at `pointer`.
    fn properties(self, pointer: &str) -> Vec<&'s str> {
        match self {
            Keys::None => Vec::new(),
            Keys::Json(schema) => schema
                .pointer(pointer)
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object)
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default(),
            Keys::Table(kind) => kind.properties(pointer).unwrap_or_default().to_vec(),
        }
    }
}

/// The branches of a union error, if it is one.
pub(super) fn branches<'e, 'a>(
    error: &'e ValidationError<'a>,
) -> Option<&'e [Vec<ValidationError<'static>>]> {
    match error.kind() {
        Kind::AnyOf { context } | Kind::OneOfNotValid { context } => Some(context),
        _ => None,
    }
}

/// Whether `error` is a `type` error that an `enum` or `const` beside it in
/// the same schema object, failing on the same value, implies (`"type":
/// "string"` with an enum of strings). A validator compiled at build time
/// does not report these (jsonschema-macros-core 0.60.2,
/// `type_check_is_redundant`), one compiled at run time does: both are
/// read without them, so both say the same (the enum's finding names the
/// values allowed, which says more).
pub(super) fn implied(error: &ValidationError<'_>, beside: &[&ValidationError<'_>]) -> bool {
    let Kind::Type {
        kind: TypeKind::Single(wanted),
    } = error.kind()
    else {
        return false;
    };
    let Some(object) = error.schema_path().as_str().strip_suffix("/type") else {
        return false;
    };
    let wanted = wanted.to_string();
    beside.iter().any(|other| {
        let (keyword, implied) = match other.kind() {
            Kind::Enum { options } => ("enum", enum_type(options)),
            Kind::Constant { expected_value } => ("const", const_type(expected_value)),
            _ => return false,
        };
        other.instance_path().as_str() == error.instance_path().as_str()
            && other.schema_path().as_str().strip_suffix(keyword) == Some(&format!("{object}/")[..])
            && implied == Some(wanted.as_str())
    })
}

/// The JSON type every value of an enum has, if they share one.
fn enum_type(options: &Value) -> Option<&'static str> {
    let values = options.as_array()?;
    let first = json_type(values.first()?);
    values
        .iter()
        .all(|v| json_type(v) == first)
        .then_some(first)
}

/// The type a `const` implies (not for arrays and objects).
fn const_type(value: &Value) -> Option<&'static str> {
    match value {
        Value::Array(_) | Value::Object(_) => None,
        other => Some(json_type(other)),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Null => "null",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether `error` comes from a keyword that applies only to a type the
/// `type` beside it excludes, on a value a `type` error there already
/// names (`additionalProperties` beside `"type": "array"`, on an object):
/// the type error says it all. A validator compiled at build time reports
/// only the other keyword there (jsonschema-macros-core 0.60.2,
/// `compile_typed`), so the built-in schemas are compiled without such
/// keywords (see `generate`) and both are read without these errors.
pub(super) fn inapplicable(error: &ValidationError<'_>, beside: &[&ValidationError<'_>]) -> bool {
    let path = error.schema_path().as_str();
    beside.iter().any(|other| {
        let Kind::Type { kind } = other.kind() else {
            return false;
        };
        let Some(object) = other.schema_path().as_str().strip_suffix("/type") else {
            return false;
        };
        let Some(keyword) = path
            .strip_prefix(object)
            .and_then(|rest| rest.strip_prefix('/'))
            .map(|rest| rest.split('/').next().unwrap_or_default())
        else {
            return false;
        };
        let Some(family) = family(keyword) else {
            return false;
        };
        let wanted: Vec<String> = match kind {
            TypeKind::Single(t) => vec![t.to_string()],
            TypeKind::Multiple(ts) => ts.iter().map(|t| t.to_string()).collect(),
        };
        let applies = wanted.iter().any(|t| match family {
            "number" => t == "number" || t == "integer",
            family => t == family,
        });
        other.instance_path().as_str() == error.instance_path().as_str() && !applies
    })
}

/// The type a keyword applies to, if it applies to one only.
pub(super) fn family(keyword: &str) -> Option<&'static str> {
    Some(match keyword {
        "properties"
        | "patternProperties"
        | "additionalProperties"
        | "required"
        | "minProperties"
        | "maxProperties"
        | "dependencies"
        | "dependentRequired"
        | "dependentSchemas"
        | "propertyNames"
        | "unevaluatedProperties" => "object",
        "items" | "additionalItems" | "prefixItems" | "contains" | "minItems" | "maxItems"
        | "uniqueItems" | "unevaluatedItems" | "minContains" | "maxContains" => "array",
        "minLength" | "maxLength" | "pattern" | "format" | "contentEncoding"
        | "contentMediaType" => "string",
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => "number",
        _ => return None,
    })
}

/// The errors of `list` without those another one of it implies or makes
/// moot (see `implied` and `inapplicable`).
pub(super) fn plain<'e, 'a>(list: &'e [ValidationError<'a>]) -> Vec<&'e ValidationError<'a>> {
    let all: Vec<&ValidationError<'a>> = list.iter().collect();
    all.iter()
        .copied()
        .filter(|e| !implied(e, &all) && !inapplicable(e, &all))
        .collect()
}

/// How deep an error's value lies in the document.
fn depth(error: &ValidationError<'_>) -> usize {
    error.instance_path().as_str().matches('/').count()
}

/// The errors that say least: a missing key says less than an unknown one.
fn weak(error: &ValidationError<'_>) -> bool {
    matches!(error.kind(), Kind::Required { .. })
}

/// The keys the schema allows where `error` (an `additionalProperties`) was
/// raised: the `properties` beside it in the schema.
pub(super) fn allowed_keys(error: &ValidationError<'_>, keys: Keys<'_>) -> Vec<String> {
    allowed(error, keys)
        .into_iter()
        .map(str::to_string)
        .collect()
}

fn allowed<'s>(error: &ValidationError<'_>, keys: Keys<'s>) -> Vec<&'s str> {
    let path = error.schema_path().as_str();
    let parent = path.strip_suffix("/additionalProperties").unwrap_or(path);
    keys.properties(parent)
}

/// How far an unknown key of `error` is from the nearest key its schema
/// allows (as far as can be when it is not about unknown keys).
fn key_distance(error: &ValidationError<'_>, keys: Keys<'_>) -> usize {
    let (Kind::AdditionalProperties { unexpected }, false) =
        (error.kind(), matches!(keys, Keys::None))
    else {
        return usize::MAX;
    };
    let allowed = allowed(error, keys);
    unexpected
        .iter()
        .map(|k| nearest(&k.to_lowercase(), allowed.iter().copied()))
        .min()
        .unwrap_or(usize::MAX)
}

/// The best leaf error of `error`, descending through unions (errors that
/// another one beside them implies are left out, see `implied`).
pub(super) fn best<'e>(error: &'e ValidationError<'e>, keys: Keys<'_>) -> &'e ValidationError<'e> {
    let Some(context) = branches(error) else {
        return error;
    };
    let here = error.instance_path().as_str();
    let score = |branch: &[&ValidationError<'_>]| {
        let mismatched = branch
            .iter()
            .any(|e| matches!(e.kind(), Kind::Type { .. }) && e.instance_path().as_str() == here);
        let deepest = branch.iter().map(|e| depth(e)).max().unwrap_or(0);
        let nearest = branch
            .iter()
            .map(|e| key_distance(e, keys))
            .min()
            .unwrap_or(usize::MAX);
        (mismatched, Reverse(deepest), nearest, branch.len())
    };
    let Some(branch) = context
        .iter()
        .map(|b| plain(b))
        .filter(|b| !b.is_empty())
        .min_by_key(|b| score(b))
    else {
        return error;
    };
    let leaf = branch
        .iter()
        .copied()
        .min_by_key(|e| (Reverse(depth(e)), weak(e), key_distance(e, keys)))
        .expect("a branch with errors");
    best(leaf, keys)
}
