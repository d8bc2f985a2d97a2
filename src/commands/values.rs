//! How the library's choices are spelt on the command line: the clap
//! values of enums that belong to lower layers (which know nothing of the
//! CLI), with the help text each value shows.

use clap::ValueEnum;
use clap::builder::PossibleValue;

use crate::document::ValueType;
use crate::kometa::Version;
use crate::report::Format;

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &[Format::Text, Format::Json, Format::Github, Format::Sarif]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            Format::Text => PossibleValue::new("text")
                .help("`path:line:col: severity[rule]: message`, the line, a caret, a hint"),
            Format::Json => {
                PossibleValue::new("json").help("One JSON document (documented in docs/rules.md)")
            }
            Format::Github => PossibleValue::new("github")
                .help("GitHub Actions workflow commands: annotations on the lines"),
            Format::Sarif => {
                PossibleValue::new("sarif").help("SARIF 2.1.0, for code-scanning dashboards")
            }
        })
    }
}

impl ValueEnum for Version {
    fn value_variants<'a>() -> &'a [Self] {
        &[Version::V2_4, Version::Latest]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            Version::V2_4 => PossibleValue::new("2.4").help(
                "Kometa 2.4 (to its release of July 2026): reads `pin` and `force_refresh`, adds them when missing by rewriting the whole file, and prompts for a PIN when it holds no tokens",
            ),
            Version::Latest => PossibleValue::new("latest").help(
                "Kometa releases after August 2026 (its PR #3461): no `pin` or `force_refresh`; the token is refreshed on every run",
            ),
        })
    }
}

impl ValueEnum for ValueType {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            ValueType::Str,
            ValueType::Int,
            ValueType::Bool,
            ValueType::Null,
        ]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}
