//! Planning edits as byte splices on the original text: replace a scalar,
//! fill an empty value, insert missing keys or a whole mapping. Whatever is
//! not edited keeps its bytes; what is edited keeps its own style.

use std::ops::Range;

use super::path::{Walk, walk};
use super::scalar::{Resolved, Style, Value, plain_safe, quoted, render, resolve, resolve_plain};
use super::tree::{Entry, Kind, Node};
use super::{Document, EditError};

/// The value an edit writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NewValue {
    /// Exactly this type and value (`--type`), whatever the file held.
    Typed(Value),
    /// Text read as the type the file already holds at the path; where the
    /// path is missing or null, as `fallback` says, else as YAML would read
    /// it unquoted.
    Text {
        raw: String,
        fallback: Option<ValueType>,
    },
    /// This value, written without the explicit tag the node carries
    /// (`!!str 1234` becomes `'1234'`).
    Untagged(Value),
}

/// The type of a value to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueType {
    Str,
    Int,
    Bool,
    Null,
}

impl ValueType {
    /// `raw` read as this type, if it is one.
    pub(crate) fn read(self, raw: &str) -> Option<Value> {
        Some(match self {
            ValueType::Str => Value::Str(raw.to_string()),
            ValueType::Int => Value::Int(raw.parse().ok()?),
            ValueType::Bool => Value::Bool(match raw {
                "true" | "True" | "TRUE" => true,
                "false" | "False" | "FALSE" => false,
                _ => return None,
            }),
            ValueType::Null => Value::Null,
        })
    }

    /// The name used on the command line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            ValueType::Str => "string",
            ValueType::Int => "int",
            ValueType::Bool => "bool",
            ValueType::Null => "null",
        }
    }
}

/// Set the scalar at `path` to `value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edit {
    pub(crate) path: Vec<String>,
    pub(crate) value: NewValue,
}

/// Values an edit must never overwrite, named by the caller's domain (the
/// YAML layer knows none): e.g. secrets placeholders filled in at run time.
#[derive(Clone, Copy)]
pub(crate) struct Protect {
    /// Whether the text of a scalar is protected.
    pub(crate) is: fn(&str) -> bool,
    /// What such a value is called in messages, e.g. "placeholder".
    pub(crate) name: &'static str,
    /// Why it is never overwritten.
    pub(crate) why: &'static str,
}

impl Protect {
    /// Nothing is protected.
    pub(crate) const NONE: Protect = Protect {
        is: |_| false,
        name: "",
        why: "",
    };
}

/// Replace `range` of the text with `text`.
pub(super) struct Splice {
    pub(crate) range: Range<usize>,
    pub(crate) text: String,
}

/// Plans one edit on `doc`: the splice (none when the value is already
/// there) and the typed value written.
pub(super) fn plan(
    doc: &Document<'_>,
    edit: &Edit,
    protect: &Protect,
) -> Result<(Option<Splice>, Value), EditError> {
    let name = edit.path.join(".");
    match walk(doc, &edit.path)? {
        Walk::Found { node, parent, .. } => replace(doc, node, parent, edit, &name, protect),
        Walk::Missing {
            entry,
            parent_flow,
            node,
            depth,
        } => {
            let value = decide(&Resolved::Null, true, &edit.value, &name)?;
            let rest = &edit.path[depth..];
            let splice = insert(doc, entry, parent_flow, node, rest, &value, &name)?;
            Ok((Some(splice), value))
        }
    }
}

/// Replaces the scalar `node` (the value at `name`) in place.
fn replace(
    doc: &Document<'_>,
    node: &Node<'_>,
    parent: Option<&Node<'_>>,
    edit: &Edit,
    name: &str,
    protect: &Protect,
) -> Result<(Option<Splice>, Value), EditError> {
    let at = Some(doc.pos(node.prop_start));
    let refuse = |why: String| {
        Err(EditError::new(
            at,
            format!("`{name}` {why}; nothing was changed"),
        ))
    };
    let Kind::Scalar { value, style } = &node.kind else {
        let what = match node.kind {
            Kind::Alias(_) => "is an alias: edit the anchored node instead".to_string(),
            _ => format!("is a {}, not a scalar", node.kind_name()),
        };
        return refuse(what);
    };
    let existing = resolve(value, *style, node.tag.as_deref());
    let new = decide(&existing, *style == Style::Plain, &edit.value, name)?;
    let untag = matches!(edit.value, NewValue::Untagged(_)) && node.tag.is_some();
    if Resolved::from(&new) == existing && !untag {
        return Ok((None, new));
    }
    if node.anchor != 0 {
        return refuse("is anchored (&): changing it would also change its aliases".into());
    }
    if style.is_block() {
        return refuse("is a block scalar (| or >), which kometa-trakt does not rewrite".into());
    }
    if let Some(tag) = node.tag.as_ref().filter(|_| !untag) {
        let fits = match tag.strip_prefix("tag:yaml.org,2002:") {
            Some("str") => matches!(new, Value::Str(_)),
            Some("int") => matches!(new, Value::Int(_)),
            Some("bool") => matches!(new, Value::Bool(_)),
            Some("null") => matches!(new, Value::Null),
            _ => false,
        };
        if !fits {
            return refuse(format!(
                "has the tag `{tag}`, which does not fit a {}",
                new.type_name()
            ));
        }
    }
    if let Resolved::Str(s) = &existing
        && (protect.is)(s)
    {
        return refuse(format!("is the {} `{s}`: {}", protect.name, protect.why));
    }
    let text = doc.source.text;
    let gap = &text[..node.prop_start];
    if gap[gap.trim_end_matches([' ', '\t']).len()..].contains('\t') {
        return refuse("is separated from its key by a tab, which YAML parsers disagree on; replace the tab with a space first".into());
    }
    let flow = parent.is_some_and(is_flow);
    let rendered = render(&new, *style, flow, sibling_quote(parent));
    if node.start == node.end {
        let Some(at) = after_colon(text, node) else {
            return refuse(
                "has an empty value whose position is unclear (explicit key or flow context)"
                    .into(),
            );
        };
        return Ok((
            Some(Splice {
                range: at..at,
                text: format!(" {rendered}"),
            }),
            new,
        ));
    }
    let start = if untag {
        node.prop_start
    } else if rendered.is_empty() {
        drop_gap(doc, node.start, node.end)
    } else {
        node.start
    };
    Ok((
        Some(Splice {
            range: start..node.end,
            text: rendered,
        }),
        new,
    ))
}

/// Inserts the missing keys `rest` (ending in `value`) into `node`: a
/// mapping, a null to turn into a mapping, or nothing (an empty stream).
fn insert(
    doc: &Document<'_>,
    entry: Option<&Entry<'_>>,
    parent_flow: bool,
    node: Option<&Node<'_>>,
    rest: &[String],
    value: &Value,
    name: &str,
) -> Result<Splice, EditError> {
    let src = &doc.source;
    let text = src.text;
    let eol = src.line_ending.as_str();
    let step = indent_step(doc);
    let Some(node) = node else {
        let lead = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            eol
        };
        let trail = if text.is_empty() || text.ends_with('\n') {
            eol
        } else {
            ""
        };
        let lines = block_lines(rest, value, 0, step, eol, Style::Single);
        let at = text.len();
        return Ok(Splice {
            range: at..at,
            text: format!("{lead}{}{trail}", &lines[eol.len()..]),
        });
    };
    let entries = node.entries().unwrap_or_default();
    let flow = matches!(node.kind, Kind::Mapping { flow: true, .. });
    let becomes_block = !parent_flow && (node.is_null() || (flow && entries.is_empty()));
    if becomes_block {
        let Some(entry) = entry else {
            return Err(EditError::new(
                Some(doc.pos(node.prop_start)),
                format!(
                    "the document is empty ({}); cannot add `{name}` to it",
                    node.kind_name()
                ),
            ));
        };
        let indent = src.column(entry.key.prop_start) + step;
        let lines = block_lines(rest, value, indent, step, eol, Style::Single);
        if node.prop_start == node.end {
            let at = src.line_end(node.end);
            return Ok(Splice {
                range: at..at,
                text: lines,
            });
        }
        let line_end = src.line_end(node.end);
        return Ok(Splice {
            range: drop_gap(doc, node.prop_start, node.end)..line_end,
            text: format!("{}{lines}", &text[node.end..line_end]),
        });
    }
    if node.is_null() {
        if node.start == node.end {
            return Err(EditError::new(
                Some(doc.pos(node.start)),
                format!(
                    "cannot add `{name}` to an empty value inside a flow collection; write `{{}}` there first"
                ),
            ));
        }
        let nested = flow_nested(rest, value, Style::Single);
        return Ok(Splice {
            range: node.prop_start..node.end,
            text: format!("{{{nested}}}"),
        });
    }
    let quote = sibling_quote(Some(node));
    if flow {
        let nested = flow_nested(rest, value, quote);
        return Ok(match entries.last() {
            Some(last) => {
                let at = entry_end(text, last);
                Splice {
                    range: at..at,
                    text: format!(", {nested}"),
                }
            }
            None => Splice {
                range: node.start + 1..node.start + 1,
                text: nested,
            },
        });
    }
    // An implicit key is a scalar followed on its line by its colon; an
    // explicit one (`? key`, perhaps on the next line) is not.
    let explicit = entries.iter().any(|e| {
        let after = text[e.key.end..].trim_start_matches([' ', '\t']);
        e.key.start == e.key.end || e.key.scalar().is_none() || !after.starts_with(':')
    });
    if ends_in_block_scalar(node) {
        return Err(EditError::new(
            Some(doc.pos(node.start)),
            format!(
                "cannot add `{name}` after a block scalar (| or >), whose end is ambiguous; add it by hand"
            ),
        ));
    }
    if explicit {
        return Err(EditError::new(
            Some(doc.pos(node.start)),
            format!(
                "cannot add `{name}`: its mapping uses explicit (`? `) or empty keys, whose indentation is ambiguous"
            ),
        ));
    }
    let first = entries.first().map_or(node.start, |e| e.key.prop_start);
    let indent = src.column(first);
    // A block scalar's text ends after its line break: stay on its last line.
    let last = if text[..node.end].ends_with('\n') {
        node.end - 1
    } else {
        node.end
    };
    let at = src.line_end(last.max(node.start));
    Ok(Splice {
        range: at..at,
        text: block_lines(rest, value, indent, step, eol, quote),
    })
}

/// Whether the last thing in `node` is a block scalar (`|`, `>`).
fn ends_in_block_scalar(node: &Node<'_>) -> bool {
    match &node.kind {
        Kind::Scalar { style, .. } => style.is_block(),
        Kind::Mapping {
            flow: false,
            entries,
        } => entries
            .last()
            .is_some_and(|e| ends_in_block_scalar(&e.value)),
        Kind::Sequence { flow: false, items } => items.last().is_some_and(ends_in_block_scalar),
        _ => false,
    }
}

/// Where to start deleting the token `start..end` so that no trailing
/// blanks are left behind: the blanks before it go too when nothing but
/// blanks follows it on its line; before a comment they keep its column.
fn drop_gap(doc: &Document<'_>, start: usize, end: usize) -> usize {
    let text = doc.source.text;
    if text[end..doc.source.line_end(end)].trim().is_empty() {
        text[..start].trim_end_matches([' ', '\t']).len()
    } else {
        start
    }
}

/// New block-mapping lines for `keys` ending in `value`, each starting
/// with a line ending, nested by `step` from `indent`.
fn block_lines(
    keys: &[String],
    value: &Value,
    indent: usize,
    step: usize,
    eol: &str,
    quote: Style,
) -> String {
    let mut out = String::new();
    for (i, key) in keys.iter().enumerate() {
        out.push_str(eol);
        out.push_str(&" ".repeat(indent + i * step));
        out.push_str(&render_key(key, false));
        out.push(':');
        if i + 1 == keys.len() {
            let rendered = render(value, Style::Plain, false, quote);
            if !rendered.is_empty() {
                out.push(' ');
                out.push_str(&rendered);
            }
        }
    }
    out
}

/// `k1: {k2: value}` for a flow mapping.
fn flow_nested(keys: &[String], value: &Value, quote: Style) -> String {
    match keys.split_first() {
        Some((key, [])) => format!(
            "{}: {}",
            render_key(key, true),
            render(value, Style::Plain, true, quote)
        ),
        Some((key, rest)) => format!(
            "{}: {{{}}}",
            render_key(key, true),
            flow_nested(rest, value, quote)
        ),
        None => String::new(),
    }
}

fn render_key(key: &str, flow: bool) -> String {
    if plain_safe(key, flow) {
        key.to_string()
    } else {
        quoted(key, Style::Single)
    }
}

/// The value to write, given what the file holds at the path. A `fallback`
/// type also replaces an unquoted string that is not of that type: such a
/// value is a leftover (`(redacted)`), while quotes are the user's choice.
fn decide(
    existing: &Resolved,
    plain: bool,
    input: &NewValue,
    name: &str,
) -> Result<Value, EditError> {
    let (raw, fallback) = match input {
        NewValue::Typed(v) | NewValue::Untagged(v) => return Ok(v.clone()),
        NewValue::Text { raw, fallback } => (raw, *fallback),
    };
    let inferred = match resolve_plain(raw) {
        Resolved::Null => Some(Value::Null),
        Resolved::Bool(b) => Some(Value::Bool(b)),
        Resolved::Int(i) => i64::try_from(i).ok().map(Value::Int),
        Resolved::Float(_) => None,
        Resolved::Str(s) => Some(Value::Str(s)),
    };
    let change = |from: &str| {
        EditError::new(
            None,
            format!(
                "`{name}` holds {from}, and the new value is not one; pass --type string|int|bool|null to change its type"
            ),
        )
    };
    let as_string = Ok(Value::Str(raw.clone()));
    let leftover = plain
        && matches!(existing, Resolved::Str(_))
        && fallback.is_some_and(|t| t != ValueType::Str);
    let existing = if leftover { &Resolved::Null } else { existing };
    match existing {
        Resolved::Str(_) => as_string,
        Resolved::Null if fallback == Some(ValueType::Str) => as_string,
        Resolved::Null => inferred.ok_or_else(|| {
            EditError::new(
                None,
                format!("the new value for `{name}` reads as a number kometa-trakt does not write (a float or a huge integer); pass --type string to write it as text"),
            )
        }),
        Resolved::Int(_) => match inferred {
            Some(Value::Int(i)) => Ok(Value::Int(i)),
            _ => Err(change("an integer")),
        },
        Resolved::Bool(_) => match inferred {
            Some(Value::Bool(b)) => Ok(Value::Bool(b)),
            _ => Err(change("a boolean")),
        },
        Resolved::Float(_) => Err(change("a float")),
    }
}

/// Right after the colon of an empty value: the parser places an empty
/// value at its key's colon (`k:`, `{ k : }`). `None` when `node` is not
/// empty or sits elsewhere (an explicit key's, a flow entry without colon).
fn after_colon(text: &str, node: &Node<'_>) -> Option<usize> {
    (node.start == node.end && text.as_bytes().get(node.start) == Some(&b':'))
        .then_some(node.start + 1)
}

/// Where a flow mapping's entry ends: after its value, or after the colon
/// of an empty one.
fn entry_end(text: &str, entry: &Entry<'_>) -> usize {
    after_colon(text, &entry.value).unwrap_or(entry.value.end.max(entry.key.end))
}

fn is_flow(node: &Node<'_>) -> bool {
    matches!(
        node.kind,
        Kind::Mapping { flow: true, .. } | Kind::Sequence { flow: true, .. }
    )
}

/// The quote style the siblings of a new value use, single by default.
fn sibling_quote(parent: Option<&Node<'_>>) -> Style {
    parent
        .and_then(Node::entries)
        .into_iter()
        .flatten()
        .find_map(|e| match e.value.kind {
            Kind::Scalar {
                style: s @ (Style::Single | Style::Double),
                ..
            } => Some(s),
            _ => None,
        })
        .unwrap_or(Style::Single)
}

/// How far the file indents a nested block mapping (2 when it never does).
fn indent_step(doc: &Document<'_>) -> usize {
    let mut queue: Vec<&Node<'_>> = doc.roots.iter().collect();
    let mut seen = 0;
    while let Some(node) = queue.pop() {
        seen += 1;
        if seen > 10_000 {
            break;
        }
        let Kind::Mapping {
            flow: false,
            entries,
        } = &node.kind
        else {
            continue;
        };
        for e in entries {
            if let Kind::Mapping {
                flow: false,
                entries: inner,
            } = &e.value.kind
                && let Some(first) = inner.first()
            {
                let outer = doc.source.column(e.key.prop_start);
                let nested = doc.source.column(first.key.prop_start);
                if nested > outer {
                    return nested - outer;
                }
            }
        }
        queue.extend(entries.iter().rev().map(|e| &e.value));
    }
    2
}
