//! Keys Kometa adds when they are missing, by rewriting the whole file.

use super::Rules;
use crate::check::diagnostic::{Diagnostic, Fix};
use crate::check::rule::Rule;
use crate::document::{Edit, Entry, NewValue, Node, Value};

impl<'d, 'a> Rules<'d, 'a> {
    /// Keys Kometa adds when they are missing, by rewriting the whole file
    /// (a missing credential is an error of its own, which says so).
    pub(super) fn rewrite(&mut self, trakt: &Entry<'_>, block: &'d Node<'a>) {
        if !self.options.kometa.reads_pin() {
            self.obsolete(block);
            return;
        }
        let keys = ["pin", "force_refresh"];
        let missing: Vec<&str> = keys
            .iter()
            .copied()
            .filter(|k| self.get(block, k).is_none())
            .collect();
        if missing.is_empty() {
            return;
        }
        let listed = missing
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut d = Diagnostic::new(
            Rule::KometaWillRewrite,
            trakt.key.start..trakt.key.end,
            format!(
                "Kometa's first run will rewrite the whole file to add {listed}: quotes, comment columns, CRLF and a BOM are lost"
            ),
        );
        let edits: Vec<Edit> = missing
            .iter()
            .map(|k| Edit {
                path: vec!["trakt".into(), k.to_string()],
                value: NewValue::Typed(match *k {
                    "pin" => Value::Null,
                    _ => Value::Bool(false),
                }),
            })
            .collect();
        let lines = missing
            .iter()
            .map(|k| {
                if *k == "pin" {
                    "`pin:`"
                } else {
                    "`force_refresh: false`"
                }
            })
            .collect::<Vec<_>>()
            .join(" and ");
        d = d.hint(format!(
            "add {lines} to the trakt block (`check --fix` does)"
        ));
        self.push(d.fix(edits), None);
    }

    /// Kometa after August 2026 reads no `pin` or `force_refresh` (its PR
    /// #3461): each is a warning, removed by `check --fix`.
    fn obsolete(&mut self, block: &'d Node<'a>) {
        for key in ["pin", "force_refresh"] {
            let Some(e) = self.get(block, key) else {
                continue;
            };
            let d = Diagnostic::new(
                Rule::ObsoleteKey,
                e.key.start..e.key.end,
                format!(
                    "`trakt.{key}` is obsolete: Kometa releases after August 2026 read no `{key}`"
                ),
            )
            .hint(format!("remove the `{key}:` line (`check --fix` does)"))
            .repair(Fix::Remove(vec!["trakt".into(), key.into()]));
            self.push(d, Some(format!("/{key}")));
        }
    }
}
