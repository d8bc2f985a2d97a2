//! Where ruamel.yaml (Kometa's loader, 0.19.1) reads a plain scalar
//! otherwise than YAML 1.2's core schema: its implicit resolvers
//! (ruamel/yaml/resolver.py, the YAML 1.2 ones) take `1_000` and `0b101`
//! for integers, `1_0.5` and `._1` for floats, `2021-06-01` for a date, `=`
//! and `<<` for tagged values, where the core schema reads strings (and
//! `.5e3` for a string, where the core schema reads a float). A restore
//! cannot tell what such a value means to Kometa from the core schema's
//! reading, so it treats it like a tagged value: carried only where it is
//! the same on both sides.

use crate::document::Style;
use crate::document::scalar::{Resolved, resolve};

/// Whether ruamel.yaml's YAML 1.2 resolver and the core schema disagree
/// on whether the plain scalar `s` is a string.
pub(super) fn read_otherwise(s: &str) -> bool {
    let core = resolve(s, Style::Plain, None);
    !matches!(core, Resolved::Str(_)) != ruamel_typed(s, &core)
}

/// Whether ruamel.yaml's YAML 1.2 resolver reads `s` as no string. Its
/// booleans and nulls are the core schema's (`core`, how it reads `s`).
fn ruamel_typed(s: &str, core: &Resolved) -> bool {
    matches!(core, Resolved::Bool(_) | Resolved::Null)
        || s == "="
        || s == "<<"
        || float(s)
        || int(s)
        || timestamp(s)
}

/// `s` without a leading `-` or `+`.
fn unsigned(s: &str) -> &str {
    s.strip_prefix(['-', '+']).unwrap_or(s)
}

/// Whether `s` is one or more of the bytes `ok` accepts.
fn all(s: &str, ok: impl Fn(u8) -> bool) -> bool {
    !s.is_empty() && s.bytes().all(ok)
}

fn digit_(b: u8) -> bool {
    b.is_ascii_digit() || b == b'_'
}

/// `[0-9][0-9_]*` at the start of `s`: what follows it, if it is there.
fn digits_first(s: &str) -> Option<&str> {
    let rest = s.strip_prefix(|c: char| c.is_ascii_digit())?;
    Some(rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == '_'))
}

/// `[eE]` and then a sign (required or not) and `[0-9]+`, all of `s`.
fn exponent(s: &str, signed: bool) -> bool {
    let Some(rest) = s.strip_prefix(['e', 'E']) else {
        return false;
    };
    let digits = match rest.strip_prefix(['-', '+']) {
        Some(d) => d,
        None if signed => return false,
        None => rest,
    };
    all(digits, |b| b.is_ascii_digit())
}

/// `[-+]?0b[0-1_]+ | [-+]?0o?[0-7_]+ | [-+]?[0-9_]+ | [-+]?0x[0-9a-fA-F_]+`,
/// for a scalar starting with one of `-+0123456789`.
fn int(s: &str) -> bool {
    if !s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+') {
        return false;
    }
    let r = unsigned(s);
    if let Some(bits) = r.strip_prefix("0b") {
        return all(bits, |b| matches!(b, b'0' | b'1' | b'_'));
    }
    if let Some(hex) = r.strip_prefix("0x") {
        return all(hex, |b| b.is_ascii_hexdigit() || b == b'_');
    }
    if let Some(oct) = r.strip_prefix("0o") {
        return all(oct, |b| matches!(b, b'0'..=b'7' | b'_'));
    }
    all(r, digit_)
}

/// `[-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+]?[0-9]+)? | [-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
/// | [-+]?\.[0-9_]+([eE][-+][0-9]+)? | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`,
/// for a scalar starting with one of `-+0123456789.`.
fn float(s: &str) -> bool {
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let r = unsigned(s);
    if matches!(r, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    if let Some(rest) = digits_first(r) {
        return match rest.strip_prefix('.') {
            Some(fraction) => {
                let exp = fraction.trim_start_matches(|c: char| c.is_ascii_digit() || c == '_');
                exp.is_empty() || exponent(exp, false)
            }
            None => exponent(rest, false),
        };
    }
    let Some(fraction) = r.strip_prefix('.') else {
        return false;
    };
    let exp = fraction.trim_start_matches(|c: char| c.is_ascii_digit() || c == '_');
    exp.len() < fraction.len() && (exp.is_empty() || exponent(exp, true))
}

/// `dddd-dd-dd`, or `dddd-d?d-d?d([Tt]|[ \t]+)d?d:dd:dd(\.d*)?([ \t]*(Z|[-+]d?d(:dd)?))?`.
fn timestamp(s: &str) -> bool {
    let mut c = Cursor(s.as_bytes());
    if !(c.digits(4, 4) && c.byte(b'-') && c.digits(1, 2) && c.byte(b'-') && c.digits(1, 2)) {
        return false;
    }
    if c.0.is_empty() {
        // The date alone must be written `dddd-dd-dd`.
        return s.len() == 10;
    }
    let separated = c.byte(b'T') || c.byte(b't') || c.blanks();
    let time = separated
        && c.digits(1, 2)
        && c.byte(b':')
        && c.digits(2, 2)
        && c.byte(b':')
        && c.digits(2, 2);
    if !time {
        return false;
    }
    if c.byte(b'.') {
        c.digits(0, usize::MAX);
    }
    c.blanks();
    if c.byte(b'Z') {
        return c.0.is_empty();
    }
    if c.byte(b'-') || c.byte(b'+') {
        if !c.digits(1, 2) {
            return false;
        }
        if c.byte(b':') && !c.digits(2, 2) {
            return false;
        }
    }
    c.0.is_empty()
}

/// What is left of a scalar being matched.
struct Cursor<'s>(&'s [u8]);

impl Cursor<'_> {
    /// Takes `b`, if it is next.
    fn byte(&mut self, b: u8) -> bool {
        match self.0.split_first() {
            Some((&first, rest)) if first == b => {
                self.0 = rest;
                true
            }
            _ => false,
        }
    }

    /// Takes from `min` to `max` digits, as many as there are.
    fn digits(&mut self, min: usize, max: usize) -> bool {
        let n = self
            .0
            .iter()
            .take(max)
            .take_while(|b| b.is_ascii_digit())
            .count();
        self.0 = &self.0[n..];
        n >= min
    }

    /// Takes spaces and tabs: whether there were any.
    fn blanks(&mut self) -> bool {
        let n = self
            .0
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        self.0 = &self.0[n..];
        n > 0
    }
}

#[cfg(test)]
mod tests {
    use super::{read_otherwise, ruamel_typed};
    use crate::document::Style;
    use crate::document::scalar::resolve;

    fn ruamel_reads_typed(s: &str) -> bool {
        ruamel_typed(s, &resolve(s, Style::Plain, None))
    }

    /// What ruamel.yaml 0.19.1 loads each of these as (`YAML().load`),
    /// recorded from it: typed (`true`) or a string.
    #[test]
    fn ruamel_yamls_readings() {
        let typed = [
            "017",
            "0o17",
            "0x1F",
            "0x_1F",
            "0b101",
            "1_000",
            "1_0.5",
            "1e5",
            "1E5",
            "+1",
            "-1",
            "1.",
            "1.5",
            "._1",
            ".5",
            "=",
            "<<",
            "2021-06-01",
            "2021-06-01 10:00:00",
            "2021-06-01T10:00:00Z",
            "2021-6-1 1:00:00.5 +01:00",
            ".inf",
            "-.inf",
            ".nan",
            "True",
            "TRUE",
            "Null",
            "NULL",
            "~",
            "0",
            "00",
            "08",
            "09",
            "1__0",
            "-1_0",
            "0b_1",
            "+.5",
            "1.5e+3",
            "1.5e3",
            "0.",
            "+0x1F",
            "-0b1",
            "1_",
        ];
        let strings = [
            "2021-6-1",
            "tRue",
            "1:20",
            "190:20:30",
            "0o8",
            "12:30",
            "_1",
            "0x",
            "0b",
            "0o",
            "Yes",
            "on",
            "y",
            "0xG",
            "-.nan",
            ".5e3",
            "abc",
            "5f1c0e6c3b2a49d8",
            "1e",
            "2021-06-01x",
            "2021-06-01 10:00",
            "2021-06-01T10:00:00ZZ",
        ];
        for s in typed {
            assert!(ruamel_reads_typed(s), "{s} is typed to ruamel.yaml");
        }
        for s in strings {
            assert!(!ruamel_reads_typed(s), "{s} is a string to ruamel.yaml");
        }
        // Where the core schema disagrees.
        for s in [
            "1_000",
            "0b101",
            "._1",
            "2021-06-01",
            "=",
            "<<",
            "+0x1F",
            ".5e3",
        ] {
            assert!(read_otherwise(s), "{s}");
        }
        for s in [
            "017",
            "1.5",
            "true",
            "~",
            "abc",
            "5f1c0e6c3b2a49d8",
            "1e5",
            "0x1F",
        ] {
            assert!(!read_otherwise(s), "{s}");
        }
    }
}
