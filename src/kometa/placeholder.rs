//! The grammar of Kometa's placeholders (modules/config.py `check_next`):
//! `<<name>>` anywhere in a string value; a secret `x-y` fills `<<x-y>>`
//! and `<<X_Y>>`, so `<<x_y>>` and `<<X-Y>>` can never be resolved. Where
//! the secrets come from is `secrets.rs`.

use std::ops::Range;

/// A `<<name>>` inside a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Placeholder<'a> {
    pub(crate) name: &'a str,
    /// Where `<<name>>` is in the value, brackets included.
    pub(crate) range: Range<usize>,
}

/// Every `<<name>>` in `value`, left to right (a name holds no `<` or `>`).
pub(crate) fn placeholders(value: &str) -> Vec<Placeholder<'_>> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(open) = value[at..].find("<<").map(|i| at + i) {
        let inner = open + 2;
        let Some(close) = value[inner..].find(">>").map(|i| inner + i) else {
            break;
        };
        let name = &value[inner..close];
        if name.contains(['<', '>']) {
            at = open + 1;
            continue;
        }
        found.push(Placeholder {
            name,
            range: open..close + 2,
        });
        at = close + 2;
    }
    found
}

/// Whether `value` holds a placeholder anywhere: such a value is the
/// user's way of keeping a secret out of the file and is never overwritten.
pub(crate) fn contains(value: &str) -> bool {
    !placeholders(value).is_empty()
}

/// Whether `value` is a placeholder as a whole (`<<name>>`): Kometa turns
/// it into null when no secret matches.
pub(crate) fn is_whole(value: &str) -> bool {
    value.starts_with("<<") && value.ends_with(">>") && value.len() >= 4
}

/// Whether some secret could ever fill `<<name>>`: secrets are lower case
/// with hyphens (`trakt-id`), matched as written or upper case with
/// underscores (`TRAKT_ID`).
pub(crate) fn resolvable(name: &str) -> bool {
    let lower_form = !name.contains('_') && !name.chars().any(char::is_uppercase);
    let upper_form = !name.contains('-') && !name.chars().any(char::is_lowercase);
    !name.is_empty()
        && !name.contains(char::is_whitespace)
        && prefixed(name).is_none()
        && (lower_form || upper_form)
}

/// The name without a variable's `KOMETA_`/`PMM_` prefix, when it has one:
/// `<<KOMETA_TRAKT_ID>>` names the variable, not the secret, and only a
/// variable `KOMETA_KOMETA_TRAKT_ID` would fill it.
fn prefixed(name: &str) -> Option<&str> {
    let upper = name.to_uppercase();
    ["KOMETA_", "KOMETA-", "PMM_", "PMM-"]
        .iter()
        .find(|p| upper.starts_with(*p))
        .and_then(|p| name.get(p.len()..))
        .filter(|rest| !rest.is_empty())
}

/// The spelling of `name` that Kometa resolves from the same variable:
/// upper case with underscores when the name is mostly upper case, else
/// lower case with hyphens (`trakt_id` → `trakt-id`, `Trakt_ID` → `TRAKT_ID`).
pub(crate) fn resolvable_spelling(name: &str) -> String {
    let name = name.trim();
    let name = prefixed(name).unwrap_or(name);
    let upper = name.chars().filter(|c| c.is_uppercase()).count();
    let lower = name.chars().filter(|c| c.is_lowercase()).count();
    if upper > lower {
        name.to_uppercase().replace('-', "_")
    } else {
        name.to_lowercase().replace('_', "-")
    }
}

/// The variable that fills `<<name>>` (for a resolvable name).
pub(crate) fn variable(name: &str) -> String {
    format!("KOMETA_{}", name.to_uppercase().replace('-', "_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolvable_spellings() {
        for name in ["trakt-id", "TRAKT_ID", "traktid", "TRAKT2"] {
            assert!(resolvable(name), "{name}");
        }
        for name in [
            "trakt_id",
            "Trakt-Id",
            "TRAKT-ID",
            "Trakt_Id",
            "",
            " trakt-id ",
            "KOMETA_TRAKT_ID",
            "pmm-trakt-id",
        ] {
            assert!(!resolvable(name), "{name}");
        }
        assert_eq!(resolvable_spelling("KOMETA_TRAKT_ID"), "TRAKT_ID");
        assert_eq!(resolvable_spelling(" trakt-id "), "trakt-id");
        assert_eq!(resolvable_spelling("trakt_id"), "trakt-id");
        assert_eq!(resolvable_spelling("TRAKT-ID"), "TRAKT_ID");
        assert_eq!(resolvable_spelling("Trakt_Id"), "trakt-id");
        assert_eq!(variable("trakt-id"), "KOMETA_TRAKT_ID");
    }

    #[test]
    fn placeholders_are_found_anywhere() {
        let found: Vec<&str> = placeholders("a<<x>>b<<y z>><<<w>>")
            .iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(found, ["x", "y z", "w"]);
        assert!(contains("<<a b>>"));
        assert!(!contains("<<>"));
    }
}
