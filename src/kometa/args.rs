//! Kometa's secret arguments on our own command line: `--kometa-x VALUE`
//! is taken out before our parser sees it, as Kometa's `parse_known_args`
//! leaves it (kometa.py ~187-216).

use std::ffi::OsString;

/// Kometa's secret arguments taken out of a command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SecretArgs {
    /// (name, value) pairs, the name lower case with hyphens.
    pub(crate) pairs: Vec<(String, String)>,
    /// A last secret argument with no value after it, on which Kometa's
    /// start crashes (`unknown[i + 1]`, kometa.py:199).
    pub(crate) dangling: Option<String>,
}

/// Takes Kometa's secret arguments (`--kometa-x VALUE`, `--pmm-x VALUE`,
/// any case, `_` or `-`) out of a command line, as Kometa's
/// `parse_known_args` leaves them: the remaining arguments and the
/// secrets. Like Kometa, the argument after one is its value, whatever it
/// is (`--kometa-x=v` is a secret named `x=v` taking the next argument).
pub(crate) fn split_args(args: Vec<OsString>) -> (Vec<OsString>, SecretArgs) {
    let mut rest = Vec::with_capacity(args.len());
    let mut secrets = SecretArgs::default();
    let mut iter = args.into_iter();
    while let Some(arg) = iter.next() {
        let test = arg.to_string_lossy().to_lowercase().replace('_', "-");
        let name = test
            .strip_prefix("--kometa-")
            .or_else(|| test.strip_prefix("--pmm-"))
            .filter(|n| !n.is_empty() && !matches!(*n, "version"));
        match name {
            Some(name) => match iter.next() {
                Some(value) => secrets
                    .pairs
                    .push((name.to_string(), value.to_string_lossy().into_owned())),
                None => secrets.dangling = Some(arg.to_string_lossy().into_owned()),
            },
            None => rest.push(arg),
        }
    }
    (rest, secrets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_arguments_are_taken_out_of_the_command_line() {
        let args = [
            "kometa-trakt",
            "renew",
            "--kometa-trakt_id",
            "v",
            "--PMM-x",
            "w",
            "f",
        ]
        .map(OsString::from)
        .to_vec();
        let (rest, secrets) = split_args(args);
        assert_eq!(rest, ["kometa-trakt", "renew", "f"].map(OsString::from));
        assert_eq!(
            secrets.pairs,
            [
                ("trakt-id".to_string(), "v".to_string()),
                ("x".into(), "w".into())
            ]
        );
        assert_eq!(secrets.dangling, None);
        let (_, secrets) = split_args(["k", "check", "--kometa-x=v"].map(OsString::from).to_vec());
        assert_eq!(secrets.dangling.as_deref(), Some("--kometa-x=v"));
    }
}
