//! What Kometa holds once it has loaded a value: Kometa 2.4.4 reads its
//! config with ruamel.yaml's round-trip loader (modules/request.py:264,
//! `ruamel.yaml.YAML()`, YAML 1.2), whose resolver and constructors differ
//! from the YAML 1.2 core schema of the document layer: `12_345`, `017`,
//! `0b101`, `+12`, 64-digit decimals are integers, `1234e5678` is an
//! infinite float, `2026-11-27` a date; a scalar tagged `!!str` (or any
//! tag ruamel does not construct) stays a `TaggedScalar` object, not a
//! string, while the verbatim `!<tag:yaml.org,2002:str>` is a string; an
//! anchored boolean is a `ScalarBoolean`, an integer, not `True`. What
//! Kometa then does with each kind of value (a header, a JSON body, a
//! truth test) is here too, so that the rules ask one place.

use crate::document::{Document, Kind, Node, Style};

/// A value as ruamel.yaml constructs it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Loaded {
    /// Python's `None`.
    Null,
    /// A Python `bool`.
    Bool(bool),
    /// An anchored boolean (`&a true`): ruamel's `ScalarBoolean`, an `int`
    /// subclass, so `is True` is false.
    AnchoredBool(bool),
    /// An integer, as its decimal text (what `str()` gives).
    Int(String),
    /// A float.
    Float(f64),
    /// A `datetime.date` or a timestamp, as written.
    Date(String),
    /// A `str`.
    Str(String),
    /// A `TaggedScalar`: an object whose `str()` is its text.
    Tagged { tag: String, text: String },
    /// `bytes` (`!!binary`).
    Bytes(Vec<u8>),
    /// A list.
    Seq(Vec<Loaded>),
    /// A mapping (its keys as text).
    Map(Vec<(String, Loaded)>),
    /// A `!!set`: not a list, not JSON.
    Set,
}

/// Why ruamel.yaml refuses to construct a value: Kometa cannot load the
/// config ("YAML Error").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LoadError(pub(crate) String);

/// How deep collections are followed.
const DEPTH: usize = 16;

/// The value of `node` (aliases followed) as ruamel.yaml constructs it.
pub(crate) fn load(doc: &Document<'_>, node: &Node<'_>) -> Result<Loaded, LoadError> {
    load_at(doc, node, 0)
}

fn load_at(doc: &Document<'_>, node: &Node<'_>, depth: usize) -> Result<Loaded, LoadError> {
    let node = doc.target(node);
    let tag = written_tag(doc, node);
    match &node.kind {
        Kind::Scalar { value, style } => scalar(value, *style, tag.as_deref(), node.anchor != 0),
        Kind::Sequence { items, .. } => {
            if depth >= DEPTH {
                return Ok(Loaded::Seq(Vec::new()));
            }
            items
                .iter()
                .map(|item| load_at(doc, item, depth + 1))
                .collect::<Result<_, _>>()
                .map(Loaded::Seq)
        }
        Kind::Mapping { entries, .. } => {
            if matches!(tag.as_deref(), Some("!!set" | "!<tag:yaml.org,2002:set>")) {
                return Ok(Loaded::Set);
            }
            if depth >= DEPTH {
                return Ok(Loaded::Map(Vec::new()));
            }
            let mut out = Vec::new();
            for e in entries {
                let key = doc.key_text(&e.key).unwrap_or_default().to_string();
                out.push((key, load_at(doc, &e.value, depth + 1)?));
            }
            Ok(Loaded::Map(out))
        }
        Kind::Alias(_) => Ok(Loaded::Null),
    }
}

/// Whether ruamel.yaml reads the plain key `key` of the flow mapping
/// `mapping` with a colon: `{access_token:, …}` or `{…, pin:}` (a colon
/// right before `,` or `}`) is the key `access_token:` to ruamel, with a
/// null value; YAML 1.2 (and the document layer) read `access_token`.
pub(crate) fn glued_key(doc: &Document<'_>, mapping: &Node<'_>, key: &Node<'_>) -> bool {
    matches!(mapping.kind, Kind::Mapping { flow: true, .. })
        && matches!(
            key.kind,
            Kind::Scalar {
                style: Style::Plain,
                ..
            }
        )
        && key.tag.is_none()
        && doc
            .source
            .text
            .get(key.end..)
            .and_then(|rest| rest.strip_prefix(':'))
            .is_some_and(|rest| rest.starts_with([',', CLOSE_BRACE]))
}

/// `}` (written so, braces in strings confuse the layer test's reading of
/// inline modules).
const CLOSE_BRACE: char = '\u{7d}';

/// The tag as written in the source (`!!str`, `!<tag:yaml.org,2002:str>`,
/// `!foo`, `!`), `None` without one: ruamel treats the shorthand `!!str`
/// and the verbatim form differently.
fn written_tag(doc: &Document<'_>, node: &Node<'_>) -> Option<String> {
    node.tag.as_ref()?;
    let props = doc.source.text.get(node.prop_start..node.start)?;
    let at = props.find('!')?;
    let tag: String = props[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    Some(tag)
}

/// A scalar with its written tag, as ruamel.yaml's round-trip constructor
/// builds it.
pub(crate) fn scalar(
    text: &str,
    style: Style,
    tag: Option<&str>,
    anchored: bool,
) -> Result<Loaded, LoadError> {
    let standard = tag.and_then(|t| {
        t.strip_prefix("!!")
            .or_else(|| t.strip_prefix("!<tag:yaml.org,2002:")?.strip_suffix('>'))
    });
    let loaded = match (tag, standard) {
        // No tag, or the non-specific `!`: resolved as ruamel resolves it.
        (None | Some("!"), _) if style == Style::Plain => resolve_plain(text)?,
        (None | Some("!"), _) => Loaded::Str(text.to_string()),
        (Some(t), Some("str")) if t.starts_with("!<") => Loaded::Str(text.to_string()),
        (_, Some("null")) => Loaded::Null,
        (_, Some("bool")) => match text.to_lowercase().as_str() {
            "yes" | "y" | "true" | "on" => Loaded::Bool(true),
            "no" | "n" | "false" | "off" => Loaded::Bool(false),
            _ => return Err(LoadError(format!("`!!bool {text}` is no boolean"))),
        },
        (_, Some("int")) => int(text)?,
        (_, Some("float")) => float(text)?,
        (_, Some("binary")) => Loaded::Bytes(base64(text)),
        (_, Some("timestamp")) => timestamp(text)
            .ok_or_else(|| LoadError(format!("`!!timestamp {text}` is no timestamp")))?,
        (_, Some("seq" | "map" | "set" | "omap" | "pairs")) => {
            return Err(LoadError(format!(
                "`{}` on a scalar",
                tag.unwrap_or_default()
            )));
        }
        (Some(t), _) => Loaded::Tagged {
            tag: t.to_string(),
            text: text.to_string(),
        },
    };
    Ok(match loaded {
        Loaded::Bool(b) if anchored => Loaded::AnchoredBool(b),
        other => other,
    })
}

/// An untagged plain scalar by ruamel.yaml's YAML 1.2 resolver (its
/// implicit resolvers in order: bool, float, int, null, timestamp, each
/// tried only for the first characters it lists).
pub(crate) fn resolve_plain(s: &str) -> Result<Loaded, LoadError> {
    let first = s.chars().next();
    if matches!(s, "true" | "True" | "TRUE") {
        return Ok(Loaded::Bool(true));
    }
    if matches!(s, "false" | "False" | "FALSE") {
        return Ok(Loaded::Bool(false));
    }
    let numeric = first.is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.'));
    if numeric && is_float(s) {
        return float(s);
    }
    if numeric && first != Some('.') && is_int(s) {
        return int(s);
    }
    if matches!(s, "" | "~" | "null" | "Null" | "NULL") {
        return Ok(Loaded::Null);
    }
    if first.is_some_and(|c| c.is_ascii_digit())
        && let Some(date) = timestamp(s)
    {
        return Ok(date);
    }
    Ok(Loaded::Str(s.to_string()))
}

fn digits(s: &str, allowed: impl Fn(u8) -> bool) -> bool {
    !s.is_empty() && s.bytes().all(|b| allowed(b) || b == b'_')
}

fn dec(b: u8) -> bool {
    b.is_ascii_digit()
}

/// ruamel's 1.2 float pattern.
fn is_float(s: &str) -> bool {
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(t, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    // [0-9][0-9_]*\.[0-9_]*(e[-+]?[0-9]+)? | [0-9][0-9_]*e[-+]?[0-9]+
    // | \.[0-9_]+(e[-+][0-9]+)?
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let exp_ok = |signed_only: bool| {
        exponent.is_none_or(|e| {
            let unsigned = e.strip_prefix(['-', '+']);
            if signed_only && unsigned.is_none() {
                return false;
            }
            let u = unsigned.unwrap_or(e);
            !u.is_empty() && u.bytes().all(dec)
        })
    };
    match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac, dec) && exp_ok(true),
        Some((int, frac)) => {
            int.starts_with(|c: char| c.is_ascii_digit())
                && digits(int, dec)
                && (frac.is_empty() || digits(frac, dec))
                && exp_ok(false)
        }
        None => {
            exponent.is_some()
                && mantissa.starts_with(|c: char| c.is_ascii_digit())
                && digits(mantissa, dec)
                && exp_ok(false)
        }
    }
}

/// ruamel's 1.2 int pattern: `0b[01_]+`, `0o?[0-7_]+`, `[0-9_]+`,
/// `0x[0-9a-fA-F_]+`, each signed.
fn is_int(s: &str) -> bool {
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    if let Some(rest) = t.strip_prefix("0b") {
        return digits(rest, |b| matches!(b, b'0' | b'1'));
    }
    if let Some(rest) = t.strip_prefix("0x") {
        return digits(rest, |b| b.is_ascii_hexdigit());
    }
    if let Some(rest) = t.strip_prefix("0o") {
        return digits(rest, |b| matches!(b, b'0'..=b'7'));
    }
    digits(t, dec)
}

/// ruamel's `construct_yaml_int` (round trip, YAML 1.2): underscores
/// dropped, a sign, `0b`/`0x`/`0o`, a leading zero read as decimal.
fn int(text: &str) -> Result<Loaded, LoadError> {
    let bad = || LoadError(format!("`{text}` is no integer"));
    let s: String = text.chars().filter(|&c| c != '_').collect();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, s.strip_prefix('+').unwrap_or(&s).to_string()),
    };
    let (radix, body) = if let Some(b) = s.strip_prefix("0b") {
        (2, b)
    } else if let Some(b) = s.strip_prefix("0x") {
        (16, b)
    } else if let Some(b) = s.strip_prefix("0o") {
        (8, b)
    } else {
        (10, s.as_str())
    };
    let decimal = to_decimal(body, radix).ok_or_else(bad)?;
    Ok(Loaded::Int(if negative && decimal != "0" {
        format!("-{decimal}")
    } else {
        decimal
    }))
}

/// The decimal text of `digits` in `radix`, any length.
fn to_decimal(digits: &str, radix: u32) -> Option<String> {
    if digits.is_empty() {
        return None;
    }
    // Little-endian limbs of 10^9.
    let mut limbs: Vec<u64> = vec![0];
    for c in digits.chars() {
        let mut carry = u64::from(c.to_digit(radix)?);
        for limb in &mut limbs {
            let v = *limb * u64::from(radix) + carry;
            *limb = v % 1_000_000_000;
            carry = v / 1_000_000_000;
        }
        while carry > 0 {
            limbs.push(carry % 1_000_000_000);
            carry /= 1_000_000_000;
        }
    }
    let mut out = limbs.last().copied().unwrap_or_default().to_string();
    for limb in limbs.iter().rev().skip(1) {
        out.push_str(&format!("{limb:09}"));
    }
    Some(out)
}

/// ruamel's `construct_yaml_float`: underscores dropped, `.inf`, `.nan`,
/// else Python's `float()` (an overflowing exponent is infinite).
fn float(text: &str) -> Result<Loaded, LoadError> {
    let s: String = text
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_lowercase();
    let value = match s.as_str() {
        ".inf" | "+.inf" | "inf" | "+inf" | "infinity" => f64::INFINITY,
        "-.inf" | "-inf" | "-infinity" => f64::NEG_INFINITY,
        ".nan" | "nan" | "+nan" | "-nan" => f64::NAN,
        other => other
            .parse::<f64>()
            .map_err(|_| LoadError(format!("`{text}` is no float")))?,
    };
    Ok(Loaded::Float(value))
}

/// A YAML timestamp (a date, or a date and a time), as ruamel resolves it.
fn timestamp(s: &str) -> Option<Loaded> {
    let b = s.as_bytes();
    let date_only = b.len() == 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..].iter().all(u8::is_ascii_digit);
    if date_only {
        let month: u32 = s[5..7].parse().ok()?;
        let day: u32 = s[8..10].parse().ok()?;
        return ((1..=12).contains(&month) && (1..=31).contains(&day))
            .then(|| Loaded::Date(s.to_string()));
    }
    // yyyy-m-d[Tt ]h:mm:ss[.f][ Z|±h[:mm]]
    let (date, time) = s.split_once(['T', 't', ' ', '\t'])?;
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let number = |t: &str, min: usize, max: usize| {
        (min..=max).contains(&t.len()) && t.bytes().all(|c| c.is_ascii_digit())
    };
    let time = time.trim_start_matches([' ', '\t']);
    let clock: String = time
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ':' || *c == '.')
        .collect();
    let mut hms = clock.split(':');
    let ok = parts.next().is_none()
        && number(y, 4, 4)
        && number(m, 1, 2)
        && number(d, 1, 2)
        && hms.next().is_some_and(|h| number(h, 1, 2))
        && hms.next().is_some_and(|mm| number(mm, 2, 2))
        && hms.next().is_some_and(|ss| {
            let (whole, frac) = ss.split_once('.').unwrap_or((ss, ""));
            number(whole, 2, 2) && frac.bytes().all(|c| c.is_ascii_digit())
        })
        && hms.next().is_none();
    let zone = time[clock.len()..].trim_start_matches([' ', '\t']);
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || zone
            .strip_prefix(['-', '+'])
            .is_some_and(|z| match z.split_once(':') {
                Some((h, mm)) => number(h, 1, 2) && number(mm, 2, 2),
                None => number(z, 1, 2),
            });
    (ok && zone_ok).then(|| Loaded::Date(s.to_string()))
}

/// Python's `base64.decodebytes` on the text, lenient as it is: characters
/// outside the alphabet are skipped.
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        if c == b'=' {
            break;
        }
        let Some(v) = value(c) else { continue };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Python's `str.isspace` for one character (what `\s` matches in a
/// Python `str` pattern).
pub(crate) fn py_space(c: char) -> bool {
    matches!(c, '\t'..='\r' | '\x1c'..='\x1f' | ' ' | '\u{85}' | '\u{a0}' | '\u{1680}'
        | '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
}

/// A character that cannot be part of a credential and that the eye does
/// not see or that breaks a request: whitespace, control characters and
/// zero-width or other invisible format characters.
pub(crate) fn unseen(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || py_space(c)
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// What is wrong with the characters of a text meant as a credential, in
/// words (the first problem found), `None` when nothing is.
pub(crate) fn unseen_flaw(text: &str) -> Option<&'static str> {
    if text.contains(['\n', '\r']) {
        let trailing = text.trim_end_matches(['\n', '\r']);
        return Some(
            if !trailing.contains(['\n', '\r']) && trailing.len() < text.len() {
                "ends with a line break"
            } else {
                "holds a line break"
            },
        );
    }
    let c = text.chars().find(|&c| unseen(c))?;
    Some(match c {
        '\t' => "holds a tab",
        ' ' if text.starts_with(' ') => "starts with a space",
        ' ' if text.ends_with(' ') => "ends with a space",
        ' ' => "holds a space",
        '\u{a0}' | '\u{202f}' => "holds a no-break space",
        '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{ad}' => {
            "holds an invisible zero-width character"
        }
        c if c.is_control() => "holds a control character",
        _ => "holds a Unicode space",
    })
}

/// What a request does with a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sent {
    /// Sent; Trakt sees this text (`None`: not a string, e.g. a number in
    /// a JSON body, which never matches a credential).
    Sent(Option<String>),
    /// The request is never sent: an exception escapes (its type, and why).
    Crashes(&'static str, String),
}

impl Loaded {
    /// The Python type's name, for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Loaded::Null => "null",
            Loaded::Bool(_) => "a boolean",
            Loaded::AnchoredBool(_) => "an anchored boolean (ruamel's ScalarBoolean, an integer)",
            Loaded::Int(_) => "an integer",
            Loaded::Float(f) if f.is_finite() => "a float",
            Loaded::Float(f) if f.is_nan() => "a float (NaN)",
            Loaded::Float(_) => "an infinite float",
            Loaded::Date(_) => "a date",
            Loaded::Str(_) => "a string",
            Loaded::Tagged { .. } => "a tagged scalar (ruamel's TaggedScalar, not a string)",
            Loaded::Bytes(_) => "bytes (`!!binary`)",
            Loaded::Seq(_) => "a sequence",
            Loaded::Map(_) => "a mapping",
            Loaded::Set => "a set",
        }
    }

    /// The Python class Kometa holds, as an exception names it.
    pub(crate) fn py_type(&self) -> &'static str {
        match self {
            Loaded::Null => "NoneType",
            Loaded::Bool(_) => "bool",
            Loaded::AnchoredBool(_) => "ScalarBoolean",
            Loaded::Int(_) => "int",
            Loaded::Float(_) => "float",
            Loaded::Date(_) => "date",
            Loaded::Str(_) => "str",
            Loaded::Tagged { .. } => "TaggedScalar",
            Loaded::Bytes(_) => "bytes",
            Loaded::Seq(_) => "CommentedSeq",
            Loaded::Map(_) => "CommentedMap",
            Loaded::Set => "CommentedSet",
        }
    }

    /// Python's `str()` of the value.
    pub(crate) fn py_str(&self) -> String {
        match self {
            Loaded::Null => "None".into(),
            Loaded::Bool(true) => "True".into(),
            Loaded::Bool(false) => "False".into(),
            Loaded::AnchoredBool(b) => u8::from(*b).to_string(),
            Loaded::Int(i) => i.clone(),
            Loaded::Float(f) => py_float(*f),
            Loaded::Date(d) => d.clone(),
            Loaded::Str(s) => s.clone(),
            Loaded::Tagged { text, .. } => text.clone(),
            Loaded::Bytes(b) => format!("b'{}'", b.escape_ascii()),
            Loaded::Seq(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(Loaded::py_repr)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Loaded::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("'{}': {}", k.escape_default(), v.py_repr()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Loaded::Set => "set()".into(),
        }
    }

    fn py_repr(&self) -> String {
        match self {
            Loaded::Str(s) => format!("'{}'", s.escape_default()),
            Loaded::Tagged { tag, text } => {
                format!("TaggedScalar(value='{}', tag={tag})", text.escape_default())
            }
            Loaded::Date(d) => format!("datetime.date({d})"),
            other => other.py_str(),
        }
    }

    /// Python's truth value.
    pub(crate) fn truthy(&self) -> bool {
        match self {
            Loaded::Null => false,
            Loaded::Bool(b) | Loaded::AnchoredBool(b) => *b,
            Loaded::Int(i) => i != "0",
            Loaded::Float(f) => *f != 0.0,
            Loaded::Str(s) => !s.is_empty(),
            Loaded::Bytes(b) => !b.is_empty(),
            Loaded::Seq(items) => !items.is_empty(),
            Loaded::Map(entries) => !entries.is_empty(),
            Loaded::Date(_) | Loaded::Tagged { .. } | Loaded::Set => true,
        }
    }

    /// `value is True`: only a Python `bool`.
    pub(crate) fn is_true(&self) -> bool {
        matches!(self, Loaded::Bool(true))
    }

    /// The value as an HTTP header's value through requests
    /// (modules/trakt.py:160, `"trakt-api-key": self.client_id`): a `str`
    /// or `bytes` without leading whitespace or a line break, and a `str`
    /// of Latin-1 only (http.client encodes it so); Trakt reads it without
    /// the spaces and tabs around it.
    pub(crate) fn as_header(&self) -> Sent {
        match self {
            Loaded::Str(s) => header_text(s),
            Loaded::Bytes(b) => {
                if b.first()
                    .is_some_and(|&c| c.is_ascii_whitespace() || c == 0x0b)
                    || b.contains(&b'\n')
                    || b.contains(&b'\r')
                {
                    Sent::Crashes("InvalidHeader", "a line break or leading whitespace".into())
                } else {
                    Sent::Sent(Some(
                        String::from_utf8_lossy(b)
                            .trim_matches([' ', '\t'])
                            .to_string(),
                    ))
                }
            }
            other => Sent::Crashes(
                "InvalidHeader",
                format!(
                    "a header value must be str or bytes, not {}",
                    other.py_type()
                ),
            ),
        }
    }

    /// The value in `f"Bearer {token}"` (modules/trakt.py:160): any value
    /// becomes its `str()`, then a header as [`Loaded::as_header`] says.
    pub(crate) fn as_bearer(&self) -> Sent {
        match header_text(&format!("Bearer {}", self.py_str())) {
            Sent::Sent(Some(text)) => Sent::Sent(text.strip_prefix("Bearer ").map(str::to_string)),
            other => other,
        }
    }

    /// The value in a JSON body through requests (`json=`, with
    /// `allow_nan=False`): Trakt sees a string's text; another JSON type
    /// never matches a credential.
    pub(crate) fn as_json(&self) -> Sent {
        match self.json_error() {
            Some((exception, why)) => Sent::Crashes(exception, why),
            None => Sent::Sent(match self {
                Loaded::Str(s) => Some(s.clone()),
                _ => None,
            }),
        }
    }

    fn json_error(&self) -> Option<(&'static str, String)> {
        match self {
            Loaded::Float(f) if !f.is_finite() => Some((
                "InvalidJSONError",
                "out of range float values are not JSON compliant".into(),
            )),
            Loaded::Date(_) | Loaded::Tagged { .. } | Loaded::Bytes(_) | Loaded::Set => Some((
                "TypeError",
                format!("{} is not JSON serializable", self.py_type()),
            )),
            Loaded::Seq(items) => items.iter().find_map(Loaded::json_error),
            Loaded::Map(entries) => entries.iter().find_map(|(_, v)| v.json_error()),
            _ => None,
        }
    }
}

/// A `str` as a header value (requests' `^\S[^\r\n]*$|^$`, then Latin-1),
/// and what Trakt reads of it.
fn header_text(s: &str) -> Sent {
    if s.starts_with(py_space) {
        Sent::Crashes(
            "InvalidHeader",
            "a header value may not start with whitespace".into(),
        )
    } else if s.contains(['\r', '\n']) {
        Sent::Crashes(
            "InvalidHeader",
            "a header value may not hold a line break".into(),
        )
    } else if let Some(c) = s.chars().find(|&c| c as u32 > 0xff) {
        Sent::Crashes(
            "UnicodeEncodeError",
            format!(
                "the character U+{:04X} cannot be sent in a header (Latin-1 only)",
                c as u32
            ),
        )
    } else {
        Sent::Sent(Some(s.trim_matches([' ', '\t']).to_string()))
    }
}

/// Python's `repr()` of a float, near enough for messages.
fn py_float(f: f64) -> String {
    if f.is_nan() {
        "nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { "inf" } else { "-inf" }.into()
    } else if f.fract() == 0.0 && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        let text = format!("{f:?}");
        match text.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> Loaded {
        resolve_plain(s).unwrap()
    }

    #[test]
    fn ruamel_reads_more_numbers_than_yaml_core() {
        let n = "1234567890123456789012345678901234567890123456789012345678901234";
        assert_eq!(plain(n), Loaded::Int(n.into()));
        assert_eq!(plain("0x1F"), Loaded::Int("31".into()));
        assert_eq!(plain("0X1F"), Loaded::Str("0X1F".into()));
        assert_eq!(plain("0o17"), Loaded::Int("15".into()));
        assert_eq!(plain("017"), Loaded::Int("17".into()));
        assert_eq!(plain("089"), Loaded::Int("89".into()));
        assert_eq!(plain("1_000"), Loaded::Int("1000".into()));
        assert_eq!(plain("12_"), Loaded::Int("12".into()));
        assert_eq!(plain("0b101"), Loaded::Int("5".into()));
        assert_eq!(plain("+12"), Loaded::Int("12".into()));
        assert_eq!(plain("-12"), Loaded::Int("-12".into()));
        assert_eq!(plain("___"), Loaded::Str("___".into()));
        assert_eq!(plain("0b"), Loaded::Str("0b".into()));
        assert_eq!(plain("0o19"), Loaded::Str("0o19".into()));
        assert!(resolve_plain("+_").is_err());
        assert_eq!(plain(".inf"), Loaded::Float(f64::INFINITY));
        assert!(matches!(plain(".NaN"), Loaded::Float(f) if f.is_nan()));
        assert_eq!(plain("1234e5678"), Loaded::Float(f64::INFINITY));
        assert_eq!(plain("1_e5"), Loaded::Float(100_000.0));
        assert_eq!(plain("1e_5"), Loaded::Str("1e_5".into()));
        assert_eq!(plain("._5"), Loaded::Float(0.5));
        assert_eq!(plain("1."), Loaded::Float(1.0));
        assert_eq!(plain("2026-11-27"), Loaded::Date("2026-11-27".into()));
        assert_eq!(plain("2026-1-2"), Loaded::Str("2026-1-2".into()));
        assert!(matches!(plain("2026-11-27T10:00:00Z"), Loaded::Date(_)));
        assert_eq!(plain("12:30"), Loaded::Str("12:30".into()));
        for s in ["yes", "on", "y", "No"] {
            assert_eq!(plain(s), Loaded::Str(s.into()), "{s}");
        }
        assert_eq!(plain("True"), Loaded::Bool(true));
        assert_eq!(plain("Null"), Loaded::Null);
        assert_eq!(plain(""), Loaded::Null);
    }

    #[test]
    fn tags_as_ruamel_constructs_them() {
        let s = |text: &str, tag: &str| scalar(text, Style::Plain, Some(tag), false).unwrap();
        assert!(matches!(s("abc", "!!str"), Loaded::Tagged { .. }));
        assert_eq!(
            s("abc", "!<tag:yaml.org,2002:str>"),
            Loaded::Str("abc".into())
        );
        assert_eq!(s("123", "!!int"), Loaded::Int("123".into()));
        assert_eq!(s("true", "!!bool"), Loaded::Bool(true));
        assert_eq!(s("", "!!null"), Loaded::Null);
        assert_eq!(s("YWJj", "!!binary"), Loaded::Bytes(b"abc".to_vec()));
        assert!(matches!(s("abc", "!foo"), Loaded::Tagged { .. }));
        assert_eq!(s("12", "!"), Loaded::Int("12".into()));
        assert!(scalar("abc", Style::Plain, Some("!!int"), false).is_err());
        assert_eq!(
            scalar("true", Style::Plain, None, true).unwrap(),
            Loaded::AnchoredBool(true)
        );
    }

    #[test]
    fn what_requests_makes_of_values() {
        let crash = |s: Sent| matches!(s, Sent::Crashes(..));
        assert!(crash(Loaded::Str(" abc".into()).as_header()));
        assert!(crash(Loaded::Str("abc\n".into()).as_header()));
        assert!(crash(Loaded::Str("\u{a0}abc".into()).as_header()));
        assert!(crash(Loaded::Str("abc\u{200b}".into()).as_header()));
        assert_eq!(
            Loaded::Str("abc \t".into()).as_header(),
            Sent::Sent(Some("abc".into()))
        );
        assert!(crash(Loaded::Int("1".into()).as_header()));
        assert!(!crash(Loaded::Int("1".into()).as_bearer()));
        assert!(crash(Loaded::Str("a\nb".into()).as_bearer()));
        assert!(crash(Loaded::Float(f64::INFINITY).as_json()));
        assert!(crash(
            Loaded::Tagged {
                tag: "!!str".into(),
                text: "x".into()
            }
            .as_json()
        ));
        assert_eq!(Loaded::Int("1".into()).as_json(), Sent::Sent(None));
        assert_eq!(
            Loaded::Float(1.2345678901234568e63).py_str(),
            "1.2345678901234568e+63"
        );
    }
}
