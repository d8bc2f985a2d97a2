//! The part of a schema one document can reach. A `properties` entry
//! applies only to a key of that name, a `patternProperties` entry only
//! to keys its pattern matches, and a definition only where a reachable
//! `$ref` names it: whatever no key of the document can reach validates
//! nothing, and compiling it is most of a large schema's cost (Kometa's
//! 430 KB schema: ~16 ms compiled whole, a third of that pruned for its
//! kitchen-sink config). Which keys are *additional* depends only on the
//! document's keys, so removing entries no key names changes no verdict,
//! no error and no schema path.
//!
//! A schema is not `prunable` when its references cannot be followed
//! exactly: anything but `#` and `#/definitions/NAME` (or `$defs`), or a
//! nested `$id`, anchor or dynamic reference. It is then compiled whole.

use std::collections::HashSet;

use serde_json::{Map, Value};

/// Keywords whose value is one subschema, or (`items`) possibly a list.
const ONE: &[&str] = &[
    "additionalItems",
    "additionalProperties",
    "contains",
    "contentSchema",
    "else",
    "if",
    "items",
    "not",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
];

/// Keywords whose value is a list of subschemas.
const LIST: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];

/// Keywords whose value maps names to subschemas.
const MAP: &[&str] = &[
    "$defs",
    "definitions",
    "dependencies",
    "dependentSchemas",
    "patternProperties",
    "properties",
];

/// Keywords that move a reference's base or resolve it at run time.
const UNFOLLOWED: &[&str] = &[
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$id",
    "$recursiveAnchor",
    "$recursiveRef",
];

/// Every key of every mapping in `instance`.
pub(super) fn keys(instance: &Value) -> HashSet<&str> {
    let mut found = HashSet::new();
    let mut todo = vec![instance];
    while let Some(value) = todo.pop() {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    found.insert(key.as_str());
                    todo.push(child);
                }
            }
            Value::Array(items) => todo.extend(items),
            _ => {}
        }
    }
    found
}

/// Whether `prune` can follow every reference of `schema` exactly.
pub(super) fn prunable(schema: &Value) -> bool {
    schema
        .as_object()
        .is_some_and(|root| followable(schema, root, true, draft4(root)))
}

/// The part of a `prunable` schema that a document with these `keys` can
/// reach.
pub(super) fn prune(schema: &Value, keys: &HashSet<&str>) -> Value {
    let Some(root) = schema.as_object() else {
        return schema.clone();
    };
    let containers = ["definitions", "$defs"];
    let outside = root
        .iter()
        .filter(|(k, _)| !containers.contains(&k.as_str()));
    let mut pruned = copy(outside, keys);
    // Only the definitions a kept `$ref` names, transitively, each copied
    // (pruned) once.
    let mut kept: Map<String, Value> = Map::new();
    let mut named = Vec::new();
    refs_in(&pruned, &mut named);
    while let Some(named_ref) = named.pop() {
        if kept.contains_key(&named_ref) {
            continue;
        }
        let copied = match named_definition(root, &named_ref) {
            Some(definition) => subschema(definition, keys),
            None => continue,
        };
        refs(&copied, &mut named);
        kept.insert(named_ref, copied);
    }
    for container in containers.into_iter().filter(|c| root.contains_key(*c)) {
        pruned.insert(container.to_string(), Value::Object(Map::new()));
    }
    for (named_ref, definition) in kept {
        if let Some((container, name)) = named_ref.split_once('/')
            && let Some(Value::Object(entries)) = pruned.get_mut(container)
        {
            entries.insert(name.to_string(), definition);
        }
    }
    Value::Object(pruned)
}

/// Whether every reference in `value` is one `prune` follows exactly, to
/// a definition of `root` that exists.
fn followable(value: &Value, root: &Map<String, Value>, top: bool, draft4: bool) -> bool {
    let exists = |reference: &str| match definition(reference) {
        Some("") => true,
        Some(named) => named_definition(root, named).is_some(),
        None => false,
    };
    match value {
        Value::Object(map) => map.iter().all(|(key, child)| {
            let moved = UNFOLLOWED.contains(&key.as_str()) && !(top && key == "$id")
                || draft4 && !top && key == "id" && child.is_string();
            match (key.as_str(), child.as_str()) {
                _ if moved => false,
                ("$ref", Some(reference)) => exists(reference),
                _ => followable(child, root, false, draft4),
            }
        }),
        Value::Array(items) => items.iter().all(|v| followable(v, root, false, draft4)),
        _ => true,
    }
}

/// Draft 4's `id` is its `$id`.
fn draft4(root: &Map<String, Value>) -> bool {
    root.get("$schema")
        .and_then(Value::as_str)
        .is_some_and(|s| s.contains("draft-04") || s.contains("draft-03"))
}

/// `container/NAME` of a reference `#/definitions/NAME`, `""` for `#`.
fn definition(reference: &str) -> Option<&str> {
    if reference == "#" {
        return Some("");
    }
    let rest = reference.strip_prefix("#/")?;
    let (container, name) = rest.split_once('/')?;
    let plain = !name.contains(['/', '~', '%']);
    (plain && (container == "definitions" || container == "$defs")).then_some(rest)
}

/// The definition `container/NAME` of `root`, if there is one.
fn named_definition<'r>(root: &'r Map<String, Value>, named: &str) -> Option<&'r Value> {
    let (container, name) = named.split_once('/')?;
    root.get(container)?.get(name)
}

/// The `container/NAME` of every reference in `value`.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => refs_in(map, out),
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

fn refs_in(map: &Map<String, Value>, out: &mut Vec<String>) {
    for (key, child) in map {
        match (key.as_str(), child.as_str().and_then(definition)) {
            ("$ref", Some(named)) => out.push(named.to_string()),
            _ => refs(child, out),
        }
    }
}

/// A copy of a schema object's `entries` without what `keys` cannot reach.
fn copy<'a>(
    entries: impl Iterator<Item = (&'a String, &'a Value)>,
    keys: &HashSet<&str>,
) -> Map<String, Value> {
    entries
        .map(|(keyword, value)| {
            let k = keyword.as_str();
            let value = match value {
                Value::Object(map) if MAP.contains(&k) => Value::Object(
                    map.iter()
                        .filter(|(name, _)| match k {
                            "properties" => keys.contains(name.as_str()),
                            "patternProperties" => may_match(name, keys),
                            _ => true,
                        })
                        .map(|(name, sub)| (name.clone(), subschema(sub, keys)))
                        .collect(),
                ),
                Value::Array(items) if LIST.contains(&k) || k == "items" => {
                    Value::Array(items.iter().map(|s| subschema(s, keys)).collect())
                }
                _ if ONE.contains(&k) => subschema(value, keys),
                other => other.clone(),
            };
            (keyword.clone(), value)
        })
        .collect()
}

fn subschema(value: &Value, keys: &HashSet<&str>) -> Value {
    match value {
        Value::Object(map) => Value::Object(copy(map.iter(), keys)),
        other => other.clone(),
    }
}

/// Whether `pattern` may match one of `keys`: false only for a pattern
/// that is a literal prefix (`^name_.*$`, `^name_.+`) no key starts with.
fn may_match(pattern: &str, keys: &HashSet<&str>) -> bool {
    let Some(rest) = pattern.strip_prefix('^') else {
        return true;
    };
    let rest = rest.strip_suffix('$').unwrap_or(rest);
    let Some(prefix) = rest.strip_suffix(".*").or_else(|| rest.strip_suffix(".+")) else {
        return true;
    };
    let literal = prefix
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    !literal || keys.iter().any(|k| k.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_literal_prefix_pattern_matches_only_keys_that_start_with_it() {
        let keys: HashSet<&str> = ["name_x", "other"].into();
        assert!(may_match("^name_.+$", &keys));
        assert!(!may_match("^summary_.+$", &keys));
        assert!(!may_match("^summary_.*", &keys));
        // Anything else may match: kept.
        assert!(may_match("^use_(?!all$).+$", &keys));
        assert!(may_match("summary_.+$", &keys));
        assert!(may_match("^summ.ry_.+$", &keys));
    }

    #[test]
    fn unreached_properties_patterns_and_definitions_are_left_out() {
        let schema = json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "properties": {
                "a": {"$ref": "#/definitions/used"},
                "b": {"$ref": "#/definitions/unused"}
            },
            "patternProperties": {"^x_.+$": {"type": "string"}, "^y_.+$": {}},
            "additionalProperties": false,
            "definitions": {
                "used": {"anyOf": [{"$ref": "#/definitions/deep"}, {"properties": {"c": {}, "d": {}}}]},
                "deep": {"type": "integer"},
                "unused": {"type": "string"}
            }
        });
        let instance = json!({"a": {"c": 1}, "y_1": 2});
        assert!(prunable(&schema));
        let pruned = prune(&schema, &keys(&instance));
        assert_eq!(
            pruned,
            json!({
                "$schema": "http://json-schema.org/draft-07/schema#",
                "properties": {"a": {"$ref": "#/definitions/used"}},
                "patternProperties": {"^y_.+$": {}},
                "additionalProperties": false,
                "definitions": {
                    "used": {"anyOf": [{"$ref": "#/definitions/deep"}, {"properties": {"c": {}}}]},
                    "deep": {"type": "integer"}
                }
            })
        );
    }

    #[test]
    fn references_it_cannot_follow_leave_the_schema_whole() {
        for schema in [
            json!({"properties": {"a": {"$ref": "#/properties/b"}}}),
            json!({"properties": {"a": {"$ref": "other.json"}}}),
            json!({"properties": {"a": {"$id": "x", "$ref": "#/definitions/a"}}}),
            json!({"properties": {"a": {"$anchor": "x"}}}),
            json!({"properties": {"a": {"$ref": "#/definitions/missing"}}, "definitions": {}}),
            json!({"$schema": "http://json-schema.org/draft-04/schema#",
                   "properties": {"a": {"id": "x"}}}),
        ] {
            assert!(!prunable(&schema), "{schema}");
        }
        // A root `$id`, and draft 7's `id` (not a keyword), are fine.
        let fine = json!({"$id": "https://x/s.json", "properties": {"id": {"const": {"id": "x"}}}});
        assert!(prunable(&fine));
    }
}
