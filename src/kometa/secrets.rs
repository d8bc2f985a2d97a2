//! Kometa's secrets and what they make of a value (kometa.py ~187-216,
//! modules/config.py `check_next`): every `KOMETA_X_Y` or `PMM_X_Y`
//! variable (except Kometa's own settings variables and blank values) and
//! every `--kometa-x-y VALUE` argument becomes the secret `x-y`; in any
//! string value, `<<x-y>>` or `<<X_Y>>` is replaced by it, also inside a
//! longer string, and only the first matching placeholder of a value is;
//! a value that starts with `<<` and ends with `>>` and matches nothing
//! becomes null. Variables come from the process environment and a `.env`
//! file.

/// Kometa's settings variables (`static_envs` in kometa.py: each option's
/// `KOMETA_` name and those of its longer aliases), never secrets.
use super::load::Loaded;
use super::placeholder;

const SETTINGS: &[&str] = &[
    "BRANCH_NAME",
    "KOMETA_COLLECTION",
    "KOMETA_COLLECTIONS",
    "KOMETA_COLLECTIONS_ONLY",
    "KOMETA_COLLECTION_ONLY",
    "KOMETA_CONFIG",
    "KOMETA_DEBUG",
    "KOMETA_DELETE",
    "KOMETA_DELETE_COLLECTION",
    "KOMETA_DELETE_COLLECTIONS",
    "KOMETA_DELETE_LABEL",
    "KOMETA_DELETE_LABELS",
    "KOMETA_DIVIDER",
    "KOMETA_DOCKER",
    "KOMETA_IGNORE_GHOST",
    "KOMETA_IGNORE_SCHEDULES",
    "KOMETA_LIBRARIES",
    "KOMETA_LIBRARIES_ONLY",
    "KOMETA_LIBRARY",
    "KOMETA_LIBRARY_ONLY",
    "KOMETA_LINUXSERVER",
    "KOMETA_LOG_REQUEST",
    "KOMETA_LOG_REQUESTS",
    "KOMETA_LOW_PRIORITY",
    "KOMETA_METADATA",
    "KOMETA_METADATAS_ONLY",
    "KOMETA_METADATA_FILES",
    "KOMETA_METADATA_ONLY",
    "KOMETA_NO_COUNTDOWN",
    "KOMETA_NO_MISSING",
    "KOMETA_NO_REPORT",
    "KOMETA_NO_VERIFY_SSL",
    "KOMETA_OPERATION",
    "KOMETA_OPERATIONS",
    "KOMETA_OPERATIONS_ONLY",
    "KOMETA_OPERATION_ONLY",
    "KOMETA_OVERLAY",
    "KOMETA_OVERLAYS",
    "KOMETA_OVERLAYS_ONLY",
    "KOMETA_OVERLAY_ONLY",
    "KOMETA_PLAYLISTS_ONLY",
    "KOMETA_PLAYLIST_ONLY",
    "KOMETA_PLEX_TOKEN",
    "KOMETA_PLEX_URL",
    "KOMETA_READ_ONLY_CONFIG",
    "KOMETA_RESUME",
    "KOMETA_RUN",
    "KOMETA_RUN_COLLECTION",
    "KOMETA_RUN_COLLECTIONS",
    "KOMETA_RUN_FILE",
    "KOMETA_RUN_FILES",
    "KOMETA_RUN_LIBRARIES",
    "KOMETA_RUN_LIBRARY",
    "KOMETA_RUN_METADATA_FILES",
    "KOMETA_RUN_TEST",
    "KOMETA_RUN_TESTS",
    "KOMETA_SCHEMA_PATH",
    "KOMETA_TEST",
    "KOMETA_TESTS",
    "KOMETA_TIME",
    "KOMETA_TIMEOUT",
    "KOMETA_TIMES",
    "KOMETA_TRACE",
    "KOMETA_VALIDATE",
    "KOMETA_VALIDATE_CONFIG",
    "KOMETA_VALIDATE_DIR",
    "KOMETA_VALIDATE_DIRECTORY",
    "KOMETA_VALIDATE_FILE",
    "KOMETA_VALIDATE_FILES",
    "KOMETA_VALIDATE_LEVEL",
    "KOMETA_VALIDATE_SCHEMA",
    "KOMETA_VALIDATE_SCHEMAS",
    "KOMETA_WIDTH",
];

/// What Kometa makes of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// No placeholder matched; the value is used as written.
    Unchanged,
    /// The first matching placeholder was replaced.
    Replaced(String),
    /// A whole-value placeholder that no secret matches: null.
    Null,
}

/// Kometa's secrets, in the order Kometa collects them (arguments first,
/// then variables in the environment's order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Secrets {
    entries: Vec<(String, String)>,
}

impl Secrets {
    /// The secrets Kometa would see: `--kometa-*`/`--pmm-*` arguments
    /// (name, value), then `vars` (the process environment, with the
    /// `.env` file's variables that the environment does not set).
    pub(crate) fn collect(args: &[(String, String)], vars: &[(String, String)]) -> Secrets {
        let mut secrets = Secrets::default();
        for (name, value) in args {
            secrets.insert(name.to_lowercase().replace('_', "-"), value.clone());
        }
        for (name, value) in vars {
            if value.trim().is_empty() {
                continue;
            }
            let upper = name.to_uppercase();
            if SETTINGS.contains(&upper.as_str()) {
                continue;
            }
            let lower = name.to_lowercase();
            let rest = if upper.starts_with("KOMETA_") {
                &lower[7..]
            } else if upper.starts_with("PMM_") {
                &lower[4..]
            } else {
                continue;
            };
            secrets.insert(rest.replace('_', "-"), value.clone());
        }
        secrets
    }

    /// The secrets of this process: `args` from the command line, the
    /// environment, and the text of a `.env` file (Kometa loads
    /// `config/.env`; its variables never override the environment's).
    pub(crate) fn from_process(args: &[(String, String)], dotenv_text: Option<&str>) -> Secrets {
        let mut vars: Vec<(String, String)> = std::env::vars().collect();
        if let Some(text) = dotenv_text {
            for (name, value) in dotenv(text) {
                if !vars.iter().any(|(n, _)| *n == name) {
                    vars.push((name, value));
                }
            }
        }
        Secrets::collect(args, &vars)
    }

    fn insert(&mut self, name: String, value: String) {
        match self.entries.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((name, value)),
        }
    }

    /// The secret named `name` (in its lower-case, hyphenated form).
    #[cfg(test)]
    fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// What Kometa makes of the string `value`.
    pub(crate) fn resolve(&self, value: &str) -> Resolved {
        for (name, secret) in &self.entries {
            for test in [name.clone(), name.to_uppercase().replace('-', "_")] {
                let needle = format!("<<{test}>>");
                if value.contains(&needle) {
                    return Resolved::Replaced(value.replace(&needle, secret));
                }
            }
        }
        if value.starts_with("<<") && value.ends_with(">>") {
            Resolved::Null
        } else {
            Resolved::Unchanged
        }
    }
}

/// `KEY=VALUE` lines of a `.env` file as python-dotenv reads them: blank
/// lines and comments skipped, `export ` allowed, quotes removed (escapes
/// in double quotes), a ` #` comment after an unquoted value dropped.
pub(crate) fn dotenv(text: &str) -> Vec<(String, String)> {
    let mut vars = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        let value = if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\''))
        {
            inner.to_string()
        } else if let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            inner
                .replace("\\n", "\n")
                .replace("\\t", "\t")
                .replace("\\\"", "\"")
                .replace("\\\\", "\\")
        } else {
            value
                .split_once(" #")
                .map_or(value, |(v, _)| v)
                .trim_end()
                .to_string()
        };
        vars.push((key.trim().to_string(), value));
    }
    vars
}

/// Why Kometa leaves a `<<name>>` unfilled, as far as this process can
/// tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unfilled {
    /// No secret can ever fill this spelling.
    Never { spelling: String },
    /// The variable is set, but blank: Kometa drops blank variables
    /// (kometa.py:210).
    Blank { variable: String },
    /// The variable is set only in a `.env` file Kometa does not load (it
    /// loads `config/.env` beside kometa.py, kometa.py:81-82).
    Unread { variable: String, file: String },
    /// Given as `--kometa-x=value`, which Kometa reads as a secret named
    /// `x=value` (kometa.py:197-199).
    Misread { argument: String },
    /// Not set here: it may be where Kometa runs.
    Unset { variable: String },
}

impl Unfilled {
    /// Whether Kometa surely leaves it unfilled (not merely unset here).
    pub(crate) fn known(&self) -> bool {
        !matches!(self, Unfilled::Unset { .. })
    }
}

/// What Kometa makes of a value's placeholders (config.py:482-492,
/// `check_next`), with why any stays unfilled.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Filling {
    /// What Kometa holds afterwards; `None` when that depends on a
    /// variable not set here.
    pub(crate) value: Option<Loaded>,
    /// Whether the value held a placeholder at all.
    pub(crate) placeholders: bool,
    /// The placeholders left unfilled, and why.
    pub(crate) unfilled: Vec<(String, Unfilled)>,
    /// Several different placeholders: Kometa replaces one per value, the
    /// others stay as written.
    pub(crate) several: bool,
}

/// Kometa's secrets as this process sees them (its `--kometa-*`
/// arguments, its environment, the `.env` Kometa loads), and what it knows
/// of secrets that will not reach Kometa.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Environment {
    pub(crate) secrets: Secrets,
    /// Secret names whose variable is set but blank, with the variable.
    blank: Vec<(String, String)>,
    /// Secret names set only in `.env` files Kometa does not load: the
    /// variable and the file.
    unread: Vec<(String, String, String)>,
    /// Secret names given as `--kometa-x=value`, with the argument.
    misread: Vec<(String, String)>,
    /// A `--kometa-*` argument with nothing after it: Kometa's start
    /// crashes (IndexError, kometa.py:199).
    pub(crate) dangling: Option<String>,
}

/// Where [`Environment::new`] reads from.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sources<'a> {
    /// `--kometa-x VALUE` arguments (name, value).
    pub(crate) args: &'a [(String, String)],
    /// The last such argument, when no value followed it.
    pub(crate) dangling: Option<&'a str>,
    /// The process environment.
    pub(crate) vars: &'a [(String, String)],
    /// The `.env` Kometa loads, when it is known and readable.
    pub(crate) dotenv: Option<&'a str>,
    /// Other `.env` files near the config, which Kometa does not load
    /// (path, text).
    pub(crate) other_dotenvs: &'a [(String, String)],
}

/// The secret name a `KOMETA_X_Y`/`PMM_X_Y` variable gives (`x-y`), unless
/// it is one of Kometa's settings.
fn secret_name(variable: &str) -> Option<String> {
    let upper = variable.to_uppercase();
    if SETTINGS.contains(&upper.as_str()) {
        return None;
    }
    let lower = variable.to_lowercase();
    let rest = if upper.starts_with("KOMETA_") {
        lower.get(7..)?
    } else if upper.starts_with("PMM_") {
        lower.get(4..)?
    } else {
        return None;
    };
    Some(rest.replace('_', "-"))
}

impl Environment {
    /// Kometa's secrets from `sources`, as Kometa 2.4.4 collects them.
    pub(crate) fn new(sources: Sources<'_>) -> Environment {
        let mut vars: Vec<(String, String)> = sources.vars.to_vec();
        if let Some(text) = sources.dotenv {
            for (name, value) in dotenv(text) {
                if !vars.iter().any(|(n, _)| *n == name) {
                    vars.push((name, value));
                }
            }
        }
        let secrets = Secrets::collect(sources.args, &vars);
        let known = |name: &str| secrets.entries.iter().any(|(n, _)| n == name);
        let blank = vars
            .iter()
            .filter(|(_, v)| v.trim().is_empty())
            .filter_map(|(n, _)| Some((secret_name(n)?, n.clone())))
            .filter(|(s, _)| !known(s))
            .collect();
        let mut unread = Vec::new();
        for (file, text) in sources.other_dotenvs {
            for (name, value) in dotenv(text) {
                if let Some(secret) = secret_name(&name).filter(|s| !known(s))
                    && !value.trim().is_empty()
                {
                    unread.push((secret, name, file.clone()));
                }
            }
        }
        let misread = sources
            .args
            .iter()
            .filter_map(|(name, _)| {
                let (secret, _) = name.split_once('=')?;
                Some((secret.to_string(), format!("--kometa-{name}")))
            })
            .collect();
        Environment {
            secrets,
            blank,
            unread,
            misread,
            dangling: sources.dangling.map(str::to_string),
        }
    }

    /// The `--kometa-x=value` arguments (Kometa reads a secret named
    /// `x=value` from them), as given.
    pub(crate) fn misread_arguments(&self) -> impl Iterator<Item = &str> {
        self.misread.iter().map(|(_, a)| a.as_str())
    }

    /// Why Kometa leaves `<<name>>` unfilled, for a name no secret fills.
    pub(crate) fn unfilled(&self, name: &str) -> Unfilled {
        if !placeholder::resolvable(name) {
            return Unfilled::Never {
                spelling: placeholder::resolvable_spelling(name),
            };
        }
        let secret = name.to_lowercase().replace('_', "-");
        let variable = placeholder::variable(&secret);
        if let Some((_, v)) = self.blank.iter().find(|(s, _)| *s == secret) {
            return Unfilled::Blank {
                variable: v.clone(),
            };
        }
        if let Some((_, v, file)) = self.unread.iter().find(|(s, _, _)| *s == secret) {
            return Unfilled::Unread {
                variable: v.clone(),
                file: file.clone(),
            };
        }
        if let Some((_, argument)) = self.misread.iter().find(|(s, _)| *s == secret) {
            return Unfilled::Misread {
                argument: argument.clone(),
            };
        }
        Unfilled::Unset { variable }
    }

    /// What Kometa's `check_next` makes of a loaded scalar: `str()` of it
    /// with the first secret's placeholders replaced, else `None` for a
    /// whole `<<name>>`, else the value as loaded.
    pub(crate) fn fill(&self, value: &Loaded) -> Filling {
        let unchanged = Filling {
            value: Some(value.clone()),
            placeholders: false,
            unfilled: Vec::new(),
            several: false,
        };
        if matches!(value, Loaded::Seq(_) | Loaded::Map(_) | Loaded::Null) {
            return unchanged;
        }
        let text = value.py_str();
        let found = placeholder::placeholders(&text);
        if found.is_empty() {
            return unchanged;
        }
        let result = match self.secrets.resolve(&text) {
            Resolved::Replaced(t) => Loaded::Str(t),
            Resolved::Null => Loaded::Null,
            Resolved::Unchanged => value.clone(),
        };
        let left = match &result {
            Loaded::Null => text.clone(),
            other => other.py_str(),
        };
        let mut names: Vec<&str> = found.iter().map(|p| p.name).collect();
        names.dedup();
        names.sort_unstable();
        names.dedup();
        let several = names.len() > 1;
        let mut unfilled = Vec::new();
        for name in names {
            if left.contains(&format!("<<{name}>>")) {
                unfilled.push((name.to_string(), self.unfilled(name)));
            }
        }
        let unknown = !several && unfilled.iter().any(|(_, u)| !u.known());
        Filling {
            value: (!unknown).then_some(result),
            placeholders: true,
            unfilled,
            several,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(vars: &[(&str, &str)]) -> Secrets {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        Secrets::collect(&[], &vars)
    }

    #[test]
    fn a_variable_fills_the_hyphenated_and_the_upper_case_spelling_only() {
        let s = secrets(&[("KOMETA_TRAKT_ID", "abc")]);
        assert_eq!(s.resolve("<<trakt-id>>"), Resolved::Replaced("abc".into()));
        assert_eq!(s.resolve("<<TRAKT_ID>>"), Resolved::Replaced("abc".into()));
        assert_eq!(s.resolve("<<trakt_id>>"), Resolved::Null);
        assert_eq!(s.resolve("<<Trakt-Id>>"), Resolved::Null);
        assert_eq!(
            s.resolve("id <<trakt_id>> here"),
            Resolved::Unchanged,
            "not whole, so kept as written"
        );
    }

    #[test]
    fn placeholders_inside_longer_strings_and_only_the_first_match() {
        let s = secrets(&[("KOMETA_HOST", "plex"), ("PMM_PORT", "32400")]);
        assert_eq!(
            s.resolve("http://<<host>>:<<port>>"),
            Resolved::Replaced("http://plex:<<port>>".into())
        );
    }

    #[test]
    fn settings_variables_and_blank_values_are_not_secrets() {
        let s = secrets(&[
            ("KOMETA_CONFIG", "/c.yml"),
            ("KOMETA_X", "  "),
            ("PMM_CONFIG", "p"),
        ]);
        assert_eq!(s.get("config"), Some("p"), "PMM_ names are not settings");
        assert_eq!(s.get("x"), None);
        let s = secrets(&[("KOMETA_CONFIG", "/c.yml")]);
        assert_eq!(s.resolve("<<config>>"), Resolved::Null);
    }

    #[test]
    fn dotenv_lines() {
        let vars =
            dotenv("# c\nexport KOMETA_A=1\nKOMETA_B='x y'\nKOMETA_C=\"q\\n\" \nKOMETA_D=v # c\n");
        assert_eq!(
            vars,
            [
                ("KOMETA_A".to_string(), "1".to_string()),
                ("KOMETA_B".into(), "x y".into()),
                ("KOMETA_C".into(), "q\n".into()),
                ("KOMETA_D".into(), "v".into()),
            ]
        );
    }
}
