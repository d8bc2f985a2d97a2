//! Two mistakes of a whole config that Kometa's schema lets pass (its root
//! allows any key, and a library's attributes are `properties` a list
//! value never meets): a root key that is a misspelt section (`setings:`),
//! and a library named like a library attribute (`overlay_files:` one
//! level too far left, directly under `libraries:`).

use super::diagnostic::Diagnostic;
use super::rule::Rule;
use crate::document::Node;
use crate::words::{WORD, clip, distance};

/// The sections Kometa 2.4.4 reads at the root of a config
/// (modules/config.py:410-477), `apprise` included although its schema
/// lacks it.
const SECTIONS: &[&str] = &[
    "libraries",
    "playlist_files",
    "settings",
    "webhooks",
    "github",
    "plex",
    "tmdb",
    "tautulli",
    "omdb",
    "mdblist",
    "notifiarr",
    "gotify",
    "ntfy",
    "apprise",
    "anidb",
    "radarr",
    "sonarr",
    "trakt",
    "mal",
];

/// Root keys Kometa still reads for older configs: `cache` is folded into
/// `settings` (modules/config.py:320-321).
const LEGACY: &[&str] = &["cache"];

/// What Kometa reads directly under `libraries: NAME:` (modules/config.py
/// 353-398 and 1117-1905), singular aliases and deprecated names included.
const LIBRARY_ATTRIBUTES: &[&str] = &[
    "library_name",
    "schedule",
    "settings",
    "operations",
    "template_variables",
    "collection_files",
    "metadata_files",
    "overlay_files",
    "image_files",
    "remove_overlays",
    "remove_overlay",
    "revert_overlays",
    "revert_overlay",
    "reapply_overlays",
    "reapply_overlay",
    "reset_overlays",
    "reset_overlay",
    "schedule_overlays",
    "schedule_overlay",
    "report_path",
    "plex",
    "radarr",
    "sonarr",
    "tautulli",
    "webhooks",
    "metadata_path",
    "overlay_path",
    "radarr_add_all",
    "sonarr_add_all",
];

/// Both rules over the root of a config.
pub(super) fn rules(root: &Node<'_>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for entry in root.entries().unwrap_or_default() {
        let Some(key) = entry.key.scalar() else {
            continue;
        };
        if let Some(near) = misspelt_section(key) {
            found.push(
                Diagnostic::new(
                    Rule::SectionTypo,
                    entry.key.start..entry.key.end,
                    format!(
                        "`{}` is not a Kometa section: Kometa never reads it",
                        clip(key, WORD)
                    ),
                )
                .hint(format!("did you mean `{near}`?")),
            );
        }
        if key != "libraries" {
            continue;
        }
        for library in entry.value.entries().unwrap_or_default() {
            let Some(name) = library.key.scalar() else {
                continue;
            };
            if LIBRARY_ATTRIBUTES.contains(&name) {
                found.push(
                    Diagnostic::new(
                        Rule::LibraryAttribute,
                        library.key.start..library.key.end,
                        format!(
                            "a library named `{name}`, which is a library attribute: indented one level too little?"
                        ),
                    )
                    .hint(format!(
                        "indent it under the library it belongs to; as it is, Kometa looks for a Plex library named `{name}`"
                    )),
                );
            }
        }
    }
    found
}

/// The section `key` is nearly spelt as, if it is not one itself: within
/// one edit for a short key, two for a longer one (case ignored, though
/// Kometa's names are case-sensitive: `Settings` is not `settings`).
fn misspelt_section(key: &str) -> Option<&'static str> {
    if SECTIONS.contains(&key) || LEGACY.contains(&key) {
        return None;
    }
    let lower = key.to_lowercase();
    let most = if key.chars().count() <= 5 { 1 } else { 2 };
    SECTIONS
        .iter()
        .map(|s| (distance(&lower, s), *s))
        .filter(|(d, _)| *d <= most)
        .min_by_key(|(d, _)| *d)
        .map(|(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn ids(text: &str) -> Vec<(&'static str, String)> {
        let doc = Document::parse(text).unwrap();
        rules(&doc.roots[0])
            .into_iter()
            .map(|d| (d.rule.id(), text[d.range.unwrap()].to_string()))
            .collect()
    }

    #[test]
    fn a_near_miss_of_a_section_is_named_with_the_section() {
        for (key, near) in [
            ("setings", "settings"),
            ("libaries", "libraries"),
            ("trak", "trakt"),
            ("Settings", "settings"),
            ("playlist_file", "playlist_files"),
        ] {
            assert_eq!(misspelt_section(key), Some(near), "{key}");
        }
        for key in [
            "settings",
            "cache",
            "apprise",
            "templates",
            "x-common",
            "overlays",
            "imdb_lists",
            "config",
        ] {
            assert_eq!(misspelt_section(key), None, "{key}");
        }
    }

    #[test]
    fn a_library_named_like_an_attribute_is_found_and_nothing_else() {
        let text = "libraries:\n  Movies:\n    collection_files: []\n  overlay_files:\n  - default: ribbon\n  Settings: {}\nsetings: {}\n";
        assert_eq!(
            ids(text),
            vec![
                ("library-attribute", "overlay_files".to_string()),
                ("section-typo", "setings".to_string()),
            ]
        );
    }
}
