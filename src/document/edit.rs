//! Planning edits as byte splices on the original text: replace a scalar,
//! fill an empty value, insert missing keys or a whole mapping. Whatever is
//! not edited keeps its bytes; what is edited keeps its own style.

use std::ops::Range;

use super::path::{Walk, walk};
use super::scalar::{Resolved, Style, Value, plain_safe, quoted, render, resolve, resolve_plain};
use super::tree::{Entry, Kind, Node};
use super::{Document, EditError, InsertRefusal, ValueRefusal};

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Splice {
    pub(super) range: Range<usize>,
    pub(super) text: String,
}

/// Plans one edit on `doc`: the splices (none when the value is already
/// there; at most two, on disjoint ranges) and the typed value written.
pub(super) fn plan(
    doc: &Document<'_>,
    edit: &Edit,
    protect: &Protect,
) -> Result<(Vec<Splice>, Value), EditError> {
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
            let splices = insert(doc, entry, parent_flow, node, rest, &value, &name)?;
            Ok((splices, value))
        }
    }
}

/// One splice.
fn at(range: Range<usize>, text: String) -> Vec<Splice> {
    vec![Splice { range, text }]
}

/// Replaces the scalar `node` (the value at `name`) in place.
fn replace(
    doc: &Document<'_>,
    node: &Node<'_>,
    parent: Option<&Node<'_>>,
    edit: &Edit,
    name: &str,
    protect: &Protect,
) -> Result<(Vec<Splice>, Value), EditError> {
    let refuse = |why: ValueRefusal| {
        Err(EditError::Value {
            pos: doc.pos(node.prop_start),
            name: name.to_string(),
            why,
        })
    };
    let Kind::Scalar { value, style } = &node.kind else {
        return refuse(match node.kind {
            Kind::Alias(_) => ValueRefusal::Alias,
            _ => ValueRefusal::NotAScalar {
                kind: node.kind_name(),
            },
        });
    };
    let existing = resolve(value, *style, node.tag.as_deref());
    let new = decide(&existing, *style == Style::Plain, &edit.value, name)?;
    let untag = matches!(edit.value, NewValue::Untagged(_)) && node.tag.is_some();
    if Resolved::from(&new) == existing && !untag {
        return Ok((Vec::new(), new));
    }
    if node.anchor != 0 {
        return refuse(ValueRefusal::Anchored);
    }
    if style.is_block() {
        return refuse(ValueRefusal::BlockScalar);
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
            return refuse(ValueRefusal::Tag {
                tag: tag.clone(),
                type_name: new.type_name(),
            });
        }
    }
    if let Resolved::Str(s) = &existing
        && (protect.is)(s)
    {
        return refuse(ValueRefusal::Protected {
            what: protect.name,
            value: s.clone(),
            why: protect.why,
        });
    }
    let trivia = &node.trivia;
    if trivia.sep_tab {
        return refuse(ValueRefusal::TabSeparator);
    }
    let flow = parent.is_some_and(Node::is_flow);
    let rendered = render(&new, *style, flow, sibling_quote(parent));
    if node.start == node.end {
        let Some(colon) = trivia.colon else {
            return refuse(ValueRefusal::UnclearEmpty);
        };
        return Ok((at(colon..colon, format!(" {rendered}")), new));
    }
    let start = if untag {
        node.prop_start
    } else if rendered.is_empty() {
        drop_gap(node.start, trivia.text_sep, node)
    } else {
        node.start
    };
    Ok((at(start..node.end, rendered), new))
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
) -> Result<Vec<Splice>, EditError> {
    let src = &doc.source;
    let eol = src.line_ending.as_str();
    let step = doc.indent_step;
    let refuse = |at: usize, why: InsertRefusal| {
        Err(EditError::Insert {
            pos: doc.pos(at),
            name: name.to_string(),
            why,
        })
    };
    let Some(node) = node else {
        let (lead, trail) = if src.ends_line() {
            ("", eol)
        } else {
            (eol, "")
        };
        let lines = block_lines(rest, value, 0, step, eol, Style::Single);
        let end = src.len();
        return Ok(at(
            end..end,
            format!("{lead}{}{trail}", &lines[eol.len()..]),
        ));
    };
    // Whether the mapping has entries, trees or not (a root mapping may
    // have a tree for some of its keys only).
    let empty = node.layout().is_some_and(|l| l.first_key.is_none());
    let flow = matches!(node.kind, Kind::Mapping { flow: true, .. });
    let becomes_block = !parent_flow && (node.is_null() || (flow && empty));
    if becomes_block {
        let Some(entry) = entry else {
            return refuse(
                node.prop_start,
                InsertRefusal::EmptyDocument {
                    kind: node.kind_name(),
                },
            );
        };
        let indent = src.column(entry.key.prop_start) + step;
        let lines = block_lines(rest, value, indent, step, eol, Style::Single);
        let line_end = node.trivia.line_end;
        if node.prop_start == node.end {
            return Ok(at(line_end..line_end, lines));
        }
        // The null or `{}` goes, what follows it on its line (a comment)
        // stays, and the new lines come after that.
        return Ok(vec![
            Splice {
                range: drop_gap(node.prop_start, node.trivia.sep, node)..node.end,
                text: String::new(),
            },
            Splice {
                range: line_end..line_end,
                text: lines,
            },
        ]);
    }
    if node.is_null() {
        if node.start == node.end {
            return refuse(node.start, InsertRefusal::EmptyInFlow);
        }
        let nested = flow_nested(rest, value, Style::Single);
        return Ok(at(node.prop_start..node.end, format!("{{{nested}}}")));
    }
    let quote = sibling_quote(Some(node));
    let Some(layout) = node.layout() else {
        return Ok(Vec::new());
    };
    if flow {
        let nested = flow_nested(rest, value, quote);
        let end = layout.append_at;
        return Ok(at(
            end..end,
            if empty { nested } else { format!(", {nested}") },
        ));
    }
    if layout.ends_in_block_scalar {
        return refuse(node.start, InsertRefusal::AfterBlockScalar);
    }
    if layout.explicit_keys {
        return refuse(node.start, InsertRefusal::ExplicitKeys);
    }
    let indent = src.column(layout.first_key.unwrap_or(node.start));
    let end = layout.append_at;
    Ok(at(
        end..end,
        block_lines(rest, value, indent, step, eol, quote),
    ))
}

/// Where to start deleting the token `start..node.end` so that no trailing
/// blanks are left behind: from `blanks` (where the blanks before it start)
/// when nothing but blanks follows it on its line; before a comment the
/// blanks keep its column.
fn drop_gap(start: usize, blanks: usize, node: &Node<'_>) -> usize {
    if node.trivia.bare { blanks } else { start }
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
    let change = |from: &'static str| EditError::TypeChange {
        name: name.to_string(),
        from,
    };
    let as_string = Ok(Value::Str(raw.clone()));
    let leftover = plain
        && matches!(existing, Resolved::Str(_))
        && fallback.is_some_and(|t| t != ValueType::Str);
    let existing = if leftover { &Resolved::Null } else { existing };
    match existing {
        Resolved::Str(_) => as_string,
        Resolved::Null if fallback == Some(ValueType::Str) => as_string,
        Resolved::Null => inferred.ok_or_else(|| EditError::Unwritable {
            name: name.to_string(),
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

/// The quote style the siblings of a new value use, single by default.
fn sibling_quote(parent: Option<&Node<'_>>) -> Style {
    parent
        .and_then(Node::layout)
        .and_then(|layout| layout.quote)
        .unwrap_or(Style::Single)
}
