//! Kometa's placeholders: a `<<name>>` Kometa can never resolve.

use super::Rules;
use crate::check::diagnostic::{Diagnostic, Severity};
use crate::check::rule::Rule;
use crate::check::structure::value_range;
use crate::document::{Edit, Entry, Kind, NewValue, Node, Value};
use crate::kometa::placeholder::{self, placeholders};
use crate::words::{WORD, clip};

impl<'d, 'a> Rules<'d, 'a> {
    /// A placeholder Kometa can never resolve: the fix respells it.
    pub(super) fn spelling(
        &mut self,
        e: &Entry<'_>,
        node: &Node<'_>,
        text: &str,
        path: &[String],
        pointer: &str,
    ) {
        let name = &*clip(&path.join("."), 2 * WORD).into_owned();
        let wrong: Vec<_> = placeholders(text)
            .into_iter()
            .filter(|p| !placeholder::resolvable(p.name))
            .collect();
        let Some(first) = wrong.first() else {
            return;
        };
        let mut respelt = text.to_string();
        for p in wrong.iter().rev() {
            let spelling = placeholder::resolvable_spelling(p.name);
            respelt.replace_range(p.range.clone(), &format!("<<{spelling}>>"));
        }
        let spelling = placeholder::resolvable_spelling(first.name);
        let mut d = Diagnostic::new(
            Rule::PlaceholderSpelling,
            value_range(Some(&e.key), node),
            format!(
                "`{name}` holds <<{}>>, which Kometa can never resolve: it becomes null (Kometa never reads this key)",
                clip(first.name, WORD)
            ),
        )
        .severity(Severity::Warning)
        .hint(format!(
            "write <<{}>> and set {}",
            clip(&spelling, WORD),
            clip(&placeholder::variable(&spelling), WORD)
        ));
        if node.tag.is_none() && matches!(node.kind, Kind::Scalar { .. }) {
            d = d.fix(vec![Edit {
                path: path.to_vec(),
                value: NewValue::Typed(Value::Str(respelt)),
            }]);
        }
        self.push(d, Some(pointer.to_string()));
    }
}
