//! The most telling error inside an `anyOf`/`oneOf`: a union of schemas
//! fails with one list of errors per branch, and the user needs the one
//! about what they meant. Prefer a branch whose type matches the value,
//! then the deepest error, then the one whose unknown key is closest to a
//! key it knows (a near-miss key is strong evidence of the branch the user
//! meant), then the branch that fails fewest keywords: the heuristics of
//! Python jsonschema's `best_match` and check-jsonschema's deep match.

use std::cmp::Reverse;

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind as Kind;
use serde_json::Value;

use crate::words::nearest;

/// The branches of a union error, if it is one.
pub(super) fn branches<'e, 'a>(
    error: &'e ValidationError<'a>,
) -> Option<&'e [Vec<ValidationError<'static>>]> {
    match error.kind() {
        Kind::AnyOf { context } | Kind::OneOfNotValid { context } => Some(context),
        _ => None,
    }
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
pub(super) fn allowed_keys(error: &ValidationError<'_>, schema: &Value) -> Vec<String> {
    allowed(error, schema).map(str::to_string).collect()
}

fn allowed<'s>(error: &ValidationError<'_>, schema: &'s Value) -> impl Iterator<Item = &'s str> {
    let path = error.schema_path().as_str();
    let parent = path.strip_suffix("/additionalProperties").unwrap_or(path);
    schema
        .pointer(parent)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.keys().map(String::as_str))
}

/// How far an unknown key of `error` is from the nearest key its schema
/// allows (as far as can be when it is not about unknown keys).
fn key_distance(error: &ValidationError<'_>, schema: Option<&Value>) -> usize {
    let (Kind::AdditionalProperties { unexpected }, Some(schema)) = (error.kind(), schema) else {
        return usize::MAX;
    };
    unexpected
        .iter()
        .map(|k| nearest(&k.to_lowercase(), allowed(error, schema)))
        .min()
        .unwrap_or(usize::MAX)
}

/// The best leaf error of `error`, descending through unions.
pub(super) fn best<'e>(
    error: &'e ValidationError<'e>,
    schema: Option<&Value>,
) -> &'e ValidationError<'e> {
    let Some(context) = branches(error) else {
        return error;
    };
    let here = error.instance_path().as_str();
    let score = |branch: &[ValidationError<'_>]| {
        let mismatched = branch
            .iter()
            .any(|e| matches!(e.kind(), Kind::Type { .. }) && e.instance_path().as_str() == here);
        let deepest = branch.iter().map(depth).max().unwrap_or(0);
        let nearest = branch
            .iter()
            .map(|e| key_distance(e, schema))
            .min()
            .unwrap_or(usize::MAX);
        (mismatched, Reverse(deepest), nearest, branch.len())
    };
    let Some(branch) = context
        .iter()
        .filter(|b| !b.is_empty())
        .min_by_key(|b| score(b))
    else {
        return error;
    };
    let leaf = branch
        .iter()
        .min_by_key(|e| (Reverse(depth(e)), weak(e), key_distance(e, schema)))
        .expect("a branch with errors");
    best(leaf, schema)
}
