//! Scalars: how plain text resolves (YAML 1.2 core, with YAML 1.1 caution
//! when deciding what may stay unquoted) and how a new value is written.

use saphyr_parser::ScalarStyle;

/// How a scalar is written in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    Single,
    Double,
    Literal,
    Folded,
}

impl Style {
    pub(super) fn from_parser(style: ScalarStyle) -> Self {
        match style {
            ScalarStyle::Plain => Style::Plain,
            ScalarStyle::SingleQuoted => Style::Single,
            ScalarStyle::DoubleQuoted => Style::Double,
            ScalarStyle::Literal => Style::Literal,
            ScalarStyle::Folded => Style::Folded,
        }
    }

    /// Whether this is a block scalar (`|` or `>`).
    pub(crate) fn is_block(self) -> bool {
        matches!(self, Style::Literal | Style::Folded)
    }
}

/// A typed value to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
}

impl Value {
    /// The name of the value's type for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Str(_) => "string",
        }
    }
}

/// What a scalar means once resolved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolved {
    Null,
    Bool(bool),
    Int(i128),
    /// A float, kept as canonical text so that NaN equals itself.
    Float(String),
    Str(String),
}

impl Resolved {
    /// The name of the resolved type for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Resolved::Null => "null",
            Resolved::Bool(_) => "boolean",
            Resolved::Int(_) => "integer",
            Resolved::Float(_) => "float",
            Resolved::Str(_) => "string",
        }
    }
}

impl From<&Value> for Resolved {
    fn from(v: &Value) -> Self {
        match v {
            Value::Null => Resolved::Null,
            Value::Bool(b) => Resolved::Bool(*b),
            Value::Int(i) => Resolved::Int(i128::from(*i)),
            Value::Str(s) => Resolved::Str(s.clone()),
        }
    }
}

/// Whether a scalar is a null: plain null text without a tag, or tagged
/// `!!null`.
pub(crate) fn is_null(value: &str, style: Style, tag: Option<&str>) -> bool {
    match tag {
        None => style == Style::Plain && is_null_text(value),
        Some(tag) => tag == "tag:yaml.org,2002:null",
    }
}

/// Whether plain text is a YAML 1.2 core null.
pub(crate) fn is_null_text(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

/// Resolves a scalar by its tag, or by the YAML 1.2 core schema when plain
/// and untagged. Unknown tags keep the text as a string.
pub(crate) fn resolve(value: &str, style: Style, tag: Option<&str>) -> Resolved {
    match tag.and_then(|t| t.strip_prefix("tag:yaml.org,2002:")) {
        Some("str") => Resolved::Str(value.to_string()),
        Some("null") => Resolved::Null,
        // A typed tag reads its text as that type (`!!float 60` is 60.0);
        // text that is no such value stays a string.
        Some("int") => core_int(value).map_or_else(|| Resolved::Str(value.into()), Resolved::Int),
        Some("float") => core_float(value)
            .or_else(|| core_int(value).map(|i| format!("{:?}", i as f64)))
            .map_or_else(|| Resolved::Str(value.into()), Resolved::Float),
        Some("bool") => match resolve_plain(value) {
            b @ Resolved::Bool(_) => b,
            _ => Resolved::Str(value.into()),
        },
        Some(_) => Resolved::Str(value.to_string()),
        None if tag.is_some() || style != Style::Plain => Resolved::Str(value.to_string()),
        None => resolve_plain(value),
    }
}

/// Resolves untagged plain text by the YAML 1.2 core schema.
pub(crate) fn resolve_plain(s: &str) -> Resolved {
    if is_null_text(s) {
        return Resolved::Null;
    }
    match s {
        "true" | "True" | "TRUE" => return Resolved::Bool(true),
        "false" | "False" | "FALSE" => return Resolved::Bool(false),
        _ => {}
    }
    if let Some(i) = core_int(s) {
        return Resolved::Int(i);
    }
    if let Some(f) = core_float(s) {
        return Resolved::Float(f);
    }
    Resolved::Str(s.to_string())
}

fn core_int(s: &str) -> Option<i128> {
    let digits = |t: &str, radix: u32| !t.is_empty() && t.chars().all(|c| c.is_digit(radix));
    if let Some(hex) = s.strip_prefix("0x") {
        return digits(hex, 16).then(|| i128::from_str_radix(hex, 16).ok())?;
    }
    if let Some(oct) = s.strip_prefix("0o") {
        return digits(oct, 8).then(|| i128::from_str_radix(oct, 8).ok())?;
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    digits(unsigned, 10).then(|| s.parse().ok())?
}

fn core_float(s: &str) -> Option<String> {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Some(if s.starts_with('-') { "-inf" } else { "inf" }.to_string());
    }
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return Some("nan".to_string());
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = all_digits(int)
        && all_digits(frac)
        && (!int.is_empty() || !frac.is_empty())
        && (mantissa.contains('.') || exponent.is_some());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    (mantissa_ok && exponent_ok)
        .then(|| s.parse::<f64>().ok().map(|f| format!("{f:?}")))
        .flatten()
}

/// Whether `s` can be written unquoted and still read back as the same
/// string under both YAML 1.2 and YAML 1.1 resolvers (Kometa uses a 1.1
/// loader), in block context or, with `flow`, inside `{}`/`[]`.
pub(crate) fn plain_safe(s: &str, flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let lower = s.to_ascii_lowercase();
    let reserved = matches!(
        lower.as_str(),
        "~" | "null" | "true" | "false" | "yes" | "no" | "y" | "n" | "on" | "off" | "=" | "<<"
    );
    !reserved
        && !"-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !first.is_whitespace()
        && !s.ends_with(char::is_whitespace)
        && !s.ends_with(':')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.chars().any(needs_escape)
        && !s.contains('\t')
        && !(flow && s.contains([',', '[', ']', '{', '}', ':', '#']))
        && !looks_numeric(s)
}

/// A superset of what YAML 1.1 or 1.2 read as a number or timestamp:
/// quoting a string that merely looks numeric is harmless.
fn looks_numeric(s: &str) -> bool {
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    let lower = t.to_ascii_lowercase();
    if matches!(lower.as_str(), ".inf" | ".nan") {
        return true;
    }
    let radix_prefixed = ["0x", "0o", "0b"].iter().any(|p| lower.starts_with(p))
        && lower[2..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    let numeric_chars = t.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '_')
        && t.chars()
            .all(|c| c.is_ascii_digit() || "_:.eE+-".contains(c));
    let b = t.as_bytes();
    let date_like = b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-';
    radix_prefixed || numeric_chars || date_like
}

/// Characters that only a double-quoted scalar can hold.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}')
}

/// `s` as a single-quoted scalar, or `None` when it holds characters that
/// only a double-quoted scalar can carry.
pub(crate) fn single_quoted(s: &str) -> Option<String> {
    (!s.chars().any(needs_escape)).then(|| format!("'{}'", s.replace('\'', "''")))
}

/// `s` as a double-quoted scalar with the minimal escapes.
pub(crate) fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if needs_escape(c) && (c as u32) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if needs_escape(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes a string in `quote` style (single or double), falling back to
/// double quotes when single quotes cannot carry it.
pub(crate) fn quoted(s: &str, quote: Style) -> String {
    match quote {
        Style::Single => single_quoted(s).unwrap_or_else(|| double_quoted(s)),
        _ => double_quoted(s),
    }
}

/// The source text for `value`, written in the existing `style` where it
/// can be; `quote` is the style to use when a plain string must be quoted.
pub(crate) fn render(value: &Value, style: Style, flow: bool, quote: Style) -> String {
    match value {
        Value::Null if flow => "null".to_string(),
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Str(s) => match style {
            Style::Single | Style::Double => quoted(s, style),
            _ if plain_safe(s, flow) => s.clone(),
            _ => quoted(s, quote),
        },
    }
}
