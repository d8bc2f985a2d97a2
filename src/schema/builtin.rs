//! Kometa's schemas built into the binary (the `kometa-schemas` crate,
//! compiled when kometa-trakt is built): the names `--schema` takes for
//! them, and which kind of Kometa file a schema checks.

use std::path::Path;

pub(crate) use kometa_schemas::KOMETA_VERSION;
pub(crate) use kometa_schemas::Kind as Kometa;

/// Kometa's config schema as Kometa wrote it: compiled at run time only for
/// a document the built validator cannot answer for exactly (see
/// `Kometa::exact`).
pub(crate) const ORIGINAL_CONFIG: &str =
    include_str!("../../vendor/kometa-2.4.4/json-schema/config-schema.json");

/// The name `--schema` takes for each built-in schema.
pub(crate) fn name(kind: Kometa) -> &'static str {
    match kind {
        Kometa::Config => "kometa",
        Kometa::Collection => "kometa-collection",
        Kometa::Overlay => "kometa-overlay",
        Kometa::Metadata => "kometa-metadata",
        Kometa::Playlist => "kometa-playlist",
        Kometa::Template => "kometa-template",
    }
}

/// The built-in schema `--schema NAME` names, if it names one.
pub(crate) fn named(name_: &str) -> Option<Kometa> {
    Kometa::ALL.into_iter().find(|k| name(*k) == name_)
}

/// What a built-in schema checks, in words: `config.yml`, `collection files`.
pub(crate) fn what(kind: Kometa) -> &'static str {
    match kind {
        Kometa::Config => "config",
        Kometa::Collection => "collection file",
        Kometa::Overlay => "overlay file",
        Kometa::Metadata => "metadata file",
        Kometa::Playlist => "playlist file",
        Kometa::Template => "template file",
    }
}

/// The kind of file a schema file checks, by the name Kometa gives it
/// (`collection-schema.json` checks collection files), as Kometa's
/// validator finds its schemas in its `--schema-path` folder.
pub(crate) fn by_file_name(path: &Path) -> Option<Kometa> {
    let file = path.file_name()?.to_str()?;
    Kometa::ALL.into_iter().find(|k| k.file_name() == file)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::schema::{Schema, Violation};

    /// Kometa's config schema compiled at run time, as `--schema FILE`
    /// compiles it.
    fn runtime() -> Schema {
        Schema::compile(serde_json::from_str(ORIGINAL_CONFIG).unwrap()).unwrap()
    }

    /// A small deterministic generator (no seed to record: the same
    /// mutants every run).
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n.max(1)
        }
    }

    /// Every value of `doc` by pointer.
    fn pointers(doc: &Value, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        match doc {
            Value::Object(map) => {
                for (k, v) in map {
                    pointers(
                        v,
                        format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    pointers(v, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    /// `doc` with one to three edits: a value replaced by another type, a
    /// key misspelt, or a key added that is a rewritten pattern's bare
    /// prefix or holds a line feed (where the rewrite answers otherwise).
    fn mutant(doc: &Value, rng: &mut Lcg) -> Value {
        let mut doc = doc.clone();
        for _ in 0..=rng.below(3) {
            let mut all = Vec::new();
            pointers(&doc, String::new(), &mut all);
            let at = all[rng.below(all.len())].clone();
            let Some(target) = doc.pointer_mut(&at) else {
                continue;
            };
            let kind = rng.below(8);
            match (kind, target) {
                (0, t) => *t = Value::Null,
                (1, t) => *t = json!(7),
                (2, t) => *t = json!("tmbd"),
                (3, t) => *t = json!([t.clone()]),
                (4, Value::Object(map)) if !map.is_empty() => {
                    let keys: Vec<String> = map.keys().cloned().collect();
                    let key = &keys[rng.below(keys.len())];
                    let value = map.remove(key).unwrap();
                    map.insert(format!("{key}x"), value);
                }
                (5, Value::Object(map)) => {
                    let bare = [
                        "name_",
                        "use_",
                        "schedule_",
                        "summary_",
                        "limit_",
                        "",
                        "rating\u{663}_x",
                    ];
                    map.insert(bare[rng.below(bare.len())].to_string(), json!("x"));
                }
                (6, Value::Object(map)) => {
                    map.insert("name_x\ny".to_string(), json!("x"));
                }
                (6, t) => *t = json!("current_year\u{a0}-\u{a0}1"),
                (_, t) => *t = json!({"unexpected": true}),
            }
        }
        doc
    }

    /// `ours` equals `theirs`, or the first difference is shown.
    fn same(ours: &[Violation], theirs: &[Violation], name: &str) {
        for (a, b) in ours.iter().zip(theirs) {
            assert_eq!(a.pointer, b.pointer, "{name}");
            assert_eq!(a.keyword, b.keyword, "{name} at {}", a.pointer);
            assert_eq!(a.branches, b.branches, "{name} at {}", a.pointer);
            assert_eq!(a, b, "{name}");
        }
        assert_eq!(ours, theirs, "{name}");
    }

    #[test]
    fn the_built_config_schema_finds_what_kometas_file_finds_on_bundled_configs_and_mutants() {
        let built = Schema::kometa(Kometa::Config);
        let runtime = runtime();
        let mut rng = Lcg(24);
        let (mut compared, mut found, mut inexact) = (0, 0, 0);
        for (name, document) in crate::schema::tests::documents() {
            let mutants = if name.contains(' ') { 1 } else { 12 };
            let variants = std::iter::once(document.clone())
                .chain((0..mutants).map(|_| mutant(&document, &mut rng)));
            for variant in variants {
                let ours: Vec<Violation> = built.validate(&variant);
                same(&ours, &runtime.validate(&variant), &name);
                compared += 1;
                found += ours.len();
                inexact += usize::from(!Kometa::Config.exact(&variant));
            }
        }
        // Not vacuous: many documents and findings, some of them through the
        // fallback to Kometa's own schema.
        assert!(compared > 1000, "{compared} documents");
        assert!(found > 1000, "{found} violations");
        assert!(
            inexact > 20,
            "{inexact} documents the rewrite cannot answer for"
        );
    }

    /// Every error, in unions too, as (pointer, keyword), but `type` (which
    /// the two validators report differently beside an `enum`).
    fn flat(errors: impl Iterator<Item = jsonschema::ValidationError<'static>>) -> Vec<String> {
        fn walk(e: &jsonschema::ValidationError<'_>, out: &mut Vec<String>) {
            use jsonschema::error::ValidationErrorKind as K;
            if let K::AnyOf { context } | K::OneOfNotValid { context } = e.kind() {
                context.iter().flatten().for_each(|e| walk(e, out));
            }
            if e.kind().keyword() != "type" {
                out.push(format!(
                    "{} {}",
                    e.instance_path().as_str(),
                    e.kind().keyword()
                ));
            }
        }
        let mut out = Vec::new();
        errors.for_each(|e| walk(&e, &mut out));
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn each_document_the_rewrite_reads_otherwise_goes_to_kometas_own_schema() {
        let entry = |variables: Value| {
            json!({"plex": {"url": "http://plex:32400", "token": "x"}, "tmdb": {"apikey": "x"},
                   "libraries": {"Movies": {"collection_files": [{"default": "oscars", "template_variables": variables}]}}})
        };
        let overlay = |variables: Value| json!({"libraries": {"Movies": {"overlay_files": [{"default": "ratings", "template_variables": variables}]}}});
        let cases = [
            // `^name_.+$` and `^use_(?!all$).+$` want a character after
            // the prefix; `^(?!plex|…).+$` wants one at all.
            ("a bare prefix", entry(json!({"name_": "x"}))),
            ("use_ alone", entry(json!({"use_": true}))),
            ("an empty library name", json!({"libraries": {"": {}}})),
            // `.` stops at a line feed.
            ("a line feed", entry(json!({"name_x\ny": "x"}))),
            // `\d` is Unicode's digits in a look-ahead pattern.
            (
                "an Arabic-Indic digit",
                overlay(json!({"rating\u{663}_font": "x"})),
            ),
            // `\s` is ECMA-262's whitespace.
            (
                "a no-break space",
                entry(json!({"data": {"starting": "current_year\u{a0}-\u{a0}1"}})),
            ),
        ];
        let runtime = runtime();
        let built = Schema::kometa(Kometa::Config);
        let original: Value = serde_json::from_str(ORIGINAL_CONFIG).unwrap();
        let kometas = jsonschema::options()
            .with_pattern_options(jsonschema::PatternOptions::fancy_regex())
            .build(&original)
            .unwrap();
        for (what, doc) in cases {
            assert!(!Kometa::Config.exact(&doc), "{what}");
            assert_eq!(built.validate(&doc), runtime.validate(&doc), "{what}");
            // The guard is needed: the rewritten validator alone answers
            // otherwise.
            let alone = flat(Kometa::Config.iter_errors(&doc).map(|e| e.to_owned()));
            let theirs = flat(kometas.iter_errors(&doc).map(|e| e.to_owned()));
            assert_ne!(alone, theirs, "{what}: the rewrite alone answers alike");
        }
        assert!(Kometa::Config.exact(&entry(json!({"name_x": "x", "use_x": 1}))));
        assert!(Kometa::Config.exact(&json!({"libraries": {"Filmes é": {}}})));
    }

    #[test]
    fn the_names_and_file_names_of_the_built_in_schemas() {
        assert_eq!(named("kometa"), Some(Kometa::Config));
        assert_eq!(named("kometa-overlay"), Some(Kometa::Overlay));
        assert_eq!(named("config-schema.json"), None);
        for kind in Kometa::ALL {
            assert_eq!(named(name(kind)), Some(kind));
            let path = format!("vendor/kometa-2.4.4/json-schema/{}", kind.file_name());
            assert_eq!(by_file_name(Path::new(&path)), Some(kind));
        }
        assert_eq!(KOMETA_VERSION, "2.4.4");
        let vendored = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("vendor/kometa-2.4.4/VERSION"),
        )
        .unwrap();
        assert_eq!(vendored.trim(), KOMETA_VERSION);
    }
}
