//! Kometa's secret arguments on our own command line: `--kometa-x VALUE`
//! is taken out before our parser sees it, as Kometa's `parse_known_args`
//! leaves it (kometa.py ~187-216).

use std::ffi::OsString;

/// Takes Kometa's secret arguments (`--kometa-x VALUE`, `--pmm-x VALUE`,
/// any case, `_` or `-`) out of a command line, as Kometa's
/// `parse_known_args` leaves them: the remaining arguments and the pairs.
pub(crate) fn split_args(args: Vec<OsString>) -> (Vec<OsString>, Vec<(String, String)>) {
    let mut rest = Vec::with_capacity(args.len());
    let mut secrets = Vec::new();
    let mut iter = args.into_iter();
    while let Some(arg) = iter.next() {
        let test = arg.to_string_lossy().to_lowercase().replace('_', "-");
        let name = test
            .strip_prefix("--kometa-")
            .or_else(|| test.strip_prefix("--pmm-"))
            .filter(|n| !n.is_empty() && !matches!(*n, "version"));
        match name {
            Some(name) => {
                let value = iter
                    .next()
                    .map(|v| v.to_string_lossy().into_owned())
                    .unwrap_or_default();
                secrets.push((name.to_string(), value));
            }
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
            secrets,
            [
                ("trakt-id".to_string(), "v".to_string()),
                ("x".into(), "w".into())
            ]
        );
    }
}
