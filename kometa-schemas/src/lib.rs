//! Kometa 2.4.4's six JSON schemas (the config and the five kinds of file a
//! config links to), compiled into validators by jsonschema's `validator`
//! macro when this crate is built: nothing is parsed, checked against a
//! meta-schema or compiled at run time.
//!
//! `schemas/` holds Kometa's files (vendor/kometa-2.4.4/json-schema, with
//! their provenance in vendor/kometa-2.4.4/MANIFEST.tsv and Kometa's MIT
//! licence in LICENSE-Kometa) with one change, made by kometa-trakt's
//! generator (`BLESS=1 cargo test --lib schema::generate`, which also
//! writes `src/tables.rs` and a test of which holds both to the vendored
//! files): in config-schema.json, each `patternProperties` key that is a
//! literal prefix, `^name_.*$` or `^name_.+$`, is written `^name_`, which
//! the macro turns into `starts_with` instead of a regex compiled on first
//! use (74 of the schema's 91 regexes; compiling them was most of a first
//! validation). [`REWRITTEN`] maps each back to Kometa's. The two forms
//! answer alike except for a key that holds a line feed (`.` stops there)
//! or that is the bare prefix of a `.+` pattern: [`Kind::exact`] says
//! whether a document has such a key, and the caller then validates it
//! with Kometa's own file compiled at run time.
//!
//! Each schema is followed as the draft it declares (draft-07 for the
//! config and collection schemas, draft-06 for the others), `format`
//! included (an assertion in drafts 4 to 7, as jsonschema applies it at run
//! time): a validator here finds what the same file passed to jsonschema at
//! run time finds.

#[rustfmt::skip]
mod tables;

use jsonschema::ErrorIterator;
use serde_json::Value;

pub use tables::{PATTERNS, REWRITTEN, Rewrite};

/// The Kometa release the schemas come from.
pub const KOMETA_VERSION: &str = "2.4.4";

/// Which of Kometa's schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `config.yml`.
    Config,
    /// A `collection_files` file.
    Collection,
    /// An `overlay_files` file.
    Overlay,
    /// A `metadata_files` file.
    Metadata,
    /// A `playlist_files` file.
    Playlist,
    /// An `external_templates` file.
    Template,
}

#[jsonschema::validator(
    path = "schemas/config-schema.json",
    pattern_options = { engine = fancy_regex }
)]
struct Config;

#[jsonschema::validator(
    path = "schemas/collection-schema.json",
    pattern_options = { engine = fancy_regex }
)]
struct Collection;

#[jsonschema::validator(
    path = "schemas/overlay-schema.json",
    pattern_options = { engine = fancy_regex }
)]
struct Overlay;

#[jsonschema::validator(
    path = "schemas/metadata-schema.json",
    pattern_options = { engine = fancy_regex }
)]
struct Metadata;

#[jsonschema::validator(
    path = "schemas/playlist-schema.json",
    pattern_options = { engine = fancy_regex }
)]
struct Playlist;

#[jsonschema::validator(
    path = "schemas/template-schema.json",
    pattern_options = { engine = fancy_regex }
)]
struct Template;

impl Kind {
    /// Every schema, the config's first.
    pub const ALL: [Kind; 6] = [
        Kind::Config,
        Kind::Collection,
        Kind::Overlay,
        Kind::Metadata,
        Kind::Playlist,
        Kind::Template,
    ];

    /// The schema's file name in Kometa's `json-schema/` folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Config => "config-schema.json",
            Kind::Collection => "collection-schema.json",
            Kind::Overlay => "overlay-schema.json",
            Kind::Metadata => "metadata-schema.json",
            Kind::Playlist => "playlist-schema.json",
            Kind::Template => "template-schema.json",
        }
    }

    /// Every error of `instance`, as `jsonschema::Validator::iter_errors`
    /// gives them.
    pub fn iter_errors(self, instance: &Value) -> ErrorIterator<'_> {
        match self {
            Kind::Config => Config::iter_errors(instance),
            Kind::Collection => Collection::iter_errors(instance),
            Kind::Overlay => Overlay::iter_errors(instance),
            Kind::Metadata => Metadata::iter_errors(instance),
            Kind::Playlist => Playlist::iter_errors(instance),
            Kind::Template => Template::iter_errors(instance),
        }
    }

    /// Whether `instance` is valid.
    pub fn is_valid(self, instance: &Value) -> bool {
        match self {
            Kind::Config => Config::is_valid(instance),
            Kind::Collection => Collection::is_valid(instance),
            Kind::Overlay => Overlay::is_valid(instance),
            Kind::Metadata => Metadata::is_valid(instance),
            Kind::Playlist => Playlist::is_valid(instance),
            Kind::Template => Template::is_valid(instance),
        }
    }

    /// The names of the `properties` beside the `additionalProperties` at
    /// `pointer` (a schema path as jsonschema reports it, without its last
    /// segment), which name the keys allowed where an unknown one is.
    pub fn properties(self, pointer: &str) -> Option<&'static [&'static str]> {
        let table = match self {
            Kind::Config => tables::CONFIG,
            Kind::Collection => tables::COLLECTION,
            Kind::Overlay => tables::OVERLAY,
            Kind::Metadata => tables::METADATA,
            Kind::Playlist => tables::PLAYLIST,
            Kind::Template => tables::TEMPLATE,
        };
        table
            .binary_search_by(|(at, _)| (*at).cmp(pointer))
            .ok()
            .map(|i| table[i].1)
    }

    /// Whether this validator answers for `instance` exactly as Kometa's
    /// own schema does: true but for the config schema and a document with
    /// a key that holds a line feed, that is the bare prefix of a rewritten
    /// `.+` pattern (`name_`, `use_`, the empty key), or that starts with
    /// `rating` and is not ASCII (`\d` is Unicode's digits there), or with
    /// a string value holding whitespace that is not ASCII (`\s` is
    /// ECMA-262's); see [`REWRITTEN`] and the crate's documentation.
    pub fn exact(self, instance: &Value) -> bool {
        if self != Kind::Config {
            return true;
        }
        let mut todo = vec![instance];
        while let Some(value) = todo.pop() {
            match value {
                Value::Object(map) => {
                    for (key, child) in map {
                        if key.contains('\n')
                            || tables::BARE.binary_search(&key.as_str()).is_ok()
                            || (key.starts_with("rating") && !key.is_ascii())
                        {
                            return false;
                        }
                        todo.push(child);
                    }
                }
                Value::Array(items) => todo.extend(items),
                Value::String(text) if !text.is_ascii() && text.chars().any(unicode_space) => {
                    return false;
                }
                _ => {}
            }
        }
        true
    }
}

/// Whether `c` is whitespace to ECMA-262's `\s` but not ASCII.
fn unicode_space(c: char) -> bool {
    matches!(
        c,
        '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}
