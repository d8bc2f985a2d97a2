//! Applying planned edits to a text, verified before the result is
//! returned: the one entry point of the edit layer.

use super::edit::{Edit, Protect, plan};
use super::scalar::Value;
use super::{Document, EditError, Source, verify};

/// The result of applying edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub(crate) text: String,
    /// Each edit's path with the typed value it wrote (or already found).
    pub(crate) changes: Vec<(Vec<String>, Value)>,
}

impl Outcome {
    /// Whether the text differs from the input.
    pub(crate) fn changed(&self, original: &str) -> bool {
        self.text != original
    }
}

/// Applies `edits` in order to `text` and verifies the result: it parses,
/// means the original with exactly these changes (checked by two parsers),
/// and applying the edits again changes nothing. Values `protect` names
/// are never overwritten.
pub(crate) fn apply(text: &str, edits: &[Edit], protect: &Protect) -> Result<Outcome, EditError> {
    let outcome = apply_unverified(text, edits, protect)?;
    if outcome.text != text {
        verify::verify(text, &outcome, edits, protect)?;
    }
    Ok(outcome)
}

/// Applies `edits` without verifying the result.
pub(super) fn apply_unverified(
    text: &str,
    edits: &[Edit],
    protect: &Protect,
) -> Result<Outcome, EditError> {
    if text
        .bytes()
        .enumerate()
        .any(|(i, b)| b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n'))
    {
        let at = text.find('\r').unwrap_or_default();
        return Err(EditError::new(
            Some(Source::new(text).pos(at)),
            "the file has bare CR line breaks (old Mac style); convert it to LF or CRLF first",
        ));
    }
    if let Some(at) = text.find(|c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        return Err(EditError::new(
            Some(Source::new(text).pos(at)),
            "the file holds a control character, which YAML does not allow; remove it first",
        ));
    }
    let mut current = text.to_string();
    let mut changes = Vec::with_capacity(edits.len());
    if edits.is_empty() {
        Document::parse(text)?.root()?;
    }
    for edit in edits {
        let (splice, value) = {
            let doc = Document::parse(&current)?;
            plan(&doc, edit, protect)?
        };
        if let Some(s) = splice {
            current.replace_range(s.range, &s.text);
        }
        changes.push((edit.path.clone(), value));
    }
    Ok(Outcome {
        text: current,
        changes,
    })
}
