//! A direct writer for the values `toYaml` meets most often in charts —
//! maps of labels, probes, resources: simple keys and simple scalars — that
//! produces exactly what the full emitter (`emit.rs`: JSON, go-yaml's
//! encoder, libyaml's emitter) produces for them, without building events.
//!
//! It answers only when every scalar's style is settled with no choice
//! left to the emitter: ASCII words of letters, digits and `-._/`
//! (starting with a letter or digit, at most [`MAX_WORD`] bytes, so no line
//! is folded and every key is a simple key) that do not read back as
//! another type (plain), short words without spaces, quotes or backslashes
//! that do (double-quoted, as go-yaml's encoder asks), numbers, booleans
//! and null. Anything else (quoting, line
//! breaks, bytes, objects, sequences of sequences, deep or large values)
//! returns `None` and goes through the full emitter. A test compares both
//! on many generated values.

use std::borrow::Cow;
use std::sync::Arc;

use super::emit::{
    analyze_scalar, is_base60_float, natural_less, natural_less_ascii, yaml_number, BEST_WIDTH,
};
use super::gosort::go_sort;
use super::resolve::resolves_to_non_string;
use crate::value::Value;

/// Longest word written here (libyaml writes longer simple keys as
/// complex keys).
const MAX_WORD: usize = 128;

/// Deepest nesting written here; deeper values (and cycles) go to the full
/// emitter, which reports them.
const MAX_DEPTH: usize = 32;

/// Largest output written here.
const MAX_OUT: usize = 1024 * 1024;

/// The YAML document for `v`, if `v` is a non-empty map of the simple kind.
pub(super) fn to_yaml(v: &Value) -> Option<String> {
    let Value::Map(m) = v else {
        return None;
    };
    if m.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(256);
    map(&mut out, v, 0, 0, false)?;
    Some(out)
}

/// How go-yaml writes a word, as a key or a value, if it is simple: plain,
/// or (when it would read back as another type: `"4711"`, `"true"`) in
/// double quotes, which the emitter keeps and which need no escapes here.
fn word(s: &str) -> Option<Cow<'_, str>> {
    if plain_word(s) {
        return Some(Cow::Borrowed(s));
    }
    let b = s.as_bytes();
    let simple = !b.is_empty()
        && b.len() <= MAX_WORD
        && b.iter()
            .all(|c| c.is_ascii_graphic() && !matches!(c, b'"' | b'\\'));
    if simple && (resolves_to_non_string(s) || is_base60_float(s)) {
        return Some(Cow::Owned(format!("\"{s}\"")));
    }
    None
}

/// Whether go-yaml writes `s` plain, as a key or a value, on one line.
fn plain_word(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        Some(c) if c.is_ascii_alphanumeric() => {}
        _ => return false,
    }
    b.len() <= MAX_WORD
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'/'))
        && !resolves_to_non_string(s)
        && !is_base60_float(s)
}

fn indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

/// A scalar's text, or `None` if it is not one of the simple kinds.
/// `col` is the column the scalar starts at (after `key: ` or `- `).
fn scalar(v: &Value, col: usize) -> Option<Cow<'_, str>> {
    Some(match v {
        Value::Nil => Cow::Borrowed("null"),
        Value::List(l) if l.is_nil_slice() => Cow::Borrowed("null"),
        Value::Bool(true) => Cow::Borrowed("true"),
        Value::Bool(false) => Cow::Borrowed("false"),
        Value::Int(i) | Value::Int64(i) => Cow::Owned(i.to_string()),
        Value::Uint8(u) => Cow::Owned(u.to_string()),
        // NaN and infinities are JSON errors: the full emitter reports them.
        Value::Float(f) if f.is_finite() => Cow::Owned(yaml_number(*f)),
        Value::String(s) => match word(s) {
            Some(w) => w,
            None => quoted_value(s, col)?,
        },
        _ => return None,
    })
}

/// How the full emitter writes a string value that is not a simple word:
/// printable ASCII without `'` that reads back as a string, plain when
/// libyaml allows it in block context and single-quoted otherwise (its
/// choice, from the same analysis). Only when the whole line, ending at
/// the closing quote, fits in the emitter's width: libyaml folds a scalar
/// only at a space past that column, so a line that fits is never folded.
/// Anything else (double quotes, escapes, folding) goes to the full emitter.
fn quoted_value(s: &str, col: usize) -> Option<Cow<'_, str>> {
    let b = s.as_bytes();
    if b.is_empty()
        || col + b.len() + 2 > BEST_WIDTH as usize
        || !b.iter().all(|c| (0x20..=0x7e).contains(c) && *c != b'\'')
        || resolves_to_non_string(s)
        || is_base60_float(s)
    {
        return None;
    }
    let a = analyze_scalar(b, false);
    if a.block_plain_allowed {
        Some(Cow::Borrowed(s))
    } else if a.single_quoted_allowed {
        Some(Cow::Owned(format!("'{s}'")))
    } else {
        None
    }
}

/// Writes the entries of map `v` at `ind` spaces; with `first_inline` the
/// first entry continues a `- ` already written.
fn map(out: &mut String, v: &Value, ind: usize, depth: usize, first_inline: bool) -> Option<()> {
    let Value::Map(m) = v else {
        return None;
    };
    if depth > MAX_DEPTH || out.len() > MAX_OUT {
        return None;
    }
    // Written under the map's read lock, from references: copying every
    // key and value out (two reference-count updates each, and two more to
    // drop them) was a measurable share of a toYaml-heavy render. Nothing
    // here can write to a map; a map that contains itself nests until
    // MAX_DEPTH and is left to the full emitter (the JSON writer reads
    // nested maps under their locks the same way).
    let guard = m.read();
    // The full emitter's key order (go-yaml sorts keys naturally). Keys
    // come in byte order, which is mostly already the natural one: then
    // any sort leaves them as they are, so check before sorting.
    let less = |a: &(&Arc<str>, &Value), b: &(&Arc<str>, &Value)| {
        if a.0.is_ascii() && b.0.is_ascii() {
            natural_less_ascii(a.0.as_bytes(), b.0.as_bytes())
        } else {
            natural_less(a.0, b.0)
        }
    };
    let sorted = guard
        .iter()
        .zip(guard.iter().skip(1))
        .all(|(a, b)| less(&a, &b));
    if sorted {
        entries(out, guard.iter(), ind, depth, first_inline)
    } else {
        let mut refs: Vec<(&Arc<str>, &Value)> = guard.iter().collect();
        go_sort(&mut refs, &less);
        entries(out, refs.into_iter(), ind, depth, first_inline)
    }
}

/// Writes `key: value` entries in the order given.
fn entries<'v>(
    out: &mut String,
    items: impl Iterator<Item = (&'v Arc<str>, &'v Value)>,
    ind: usize,
    depth: usize,
    first_inline: bool,
) -> Option<()> {
    for (i, (k, item)) in items.enumerate() {
        let key = word(k)?;
        if i > 0 || !first_inline {
            indent(out, ind);
        }
        out.push_str(&key);
        out.push(':');
        value_after_key(out, item, ind, ind + key.len() + 2, depth)?;
    }
    Some(())
}

/// Writes what follows `key:` for a value, at the key's indentation `ind`;
/// a scalar starts at column `col`.
fn value_after_key(
    out: &mut String,
    item: &Value,
    ind: usize,
    col: usize,
    depth: usize,
) -> Option<()> {
    match item {
        Value::Map(m) if m.is_empty() => out.push_str(" {}\n"),
        Value::Map(_) => {
            out.push('\n');
            map(out, item, ind + 2, depth + 1, false)?;
        }
        Value::List(l) if !l.is_nil_slice() && l.items().is_empty() => out.push_str(" []\n"),
        Value::List(l) if !l.is_nil_slice() => {
            out.push('\n');
            // go-yaml does not indent a sequence under a mapping key.
            list(out, l.items(), ind, depth + 1)?;
        }
        _ => {
            out.push(' ');
            out.push_str(&scalar(item, col)?);
            out.push('\n');
        }
    }
    Some(())
}

/// Writes sequence items at `ind` spaces.
fn list(out: &mut String, items: &[Value], ind: usize, depth: usize) -> Option<()> {
    if depth > MAX_DEPTH || out.len() > MAX_OUT {
        return None;
    }
    for item in items {
        indent(out, ind);
        out.push_str("- ");
        match item {
            Value::Map(m) if m.is_empty() => out.push_str("{}\n"),
            Value::Map(_) => map(out, item, ind + 2, depth + 1, true)?,
            Value::List(l) if !l.is_nil_slice() && l.items().is_empty() => out.push_str("[]\n"),
            // Sequences of sequences are rare: left to the full emitter.
            Value::List(l) if !l.is_nil_slice() => return None,
            _ => {
                out.push_str(&scalar(item, ind + 2)?);
                out.push('\n');
            }
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{List, Map};

    use crate::value::yaml::test_gen::Gen;

    const WORDS: &[&str] = &[
        "app",
        "app.kubernetes.io/name",
        "helm.sh/chart",
        "release-name",
        "v1",
        "a_b",
        "true",
        "yes",
        "Yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "null",
        "Null",
        "~",
        "1",
        "10",
        "0x1f",
        "0o17",
        "1e3",
        "1.5",
        "1_000",
        "1:20",
        "190:20:30",
        ".inf",
        "-",
        "-a",
        "a-",
        "a.",
        "/api",
        "a/b",
        "",
        " ",
        "a b",
        "a: b",
        "a#b",
        "#a",
        "a\nb",
        "é",
        "ALL",
        "RuntimeDefault",
        "500m",
        "1Gi",
        "2",
        "x",
        "0",
        "00",
        "08",
        "+1",
        "-1",
        "1.0",
        "e",
        "inf",
        "nan",
        "NaN",
        ".nan",
        "2001-12-14",
        "2001-12-14t21:59:43.10-05:00",
        "=",
        "<<",
        "'a'",
        "\"a\"",
        "a,b",
        "[a]",
        "{a}",
        "a*",
        "&a",
        "!a",
        "%a",
        "@a",
        "`a",
        "kubernetes.io/hostname",
        "cost-center",
        "4711",
        "{{ .Release.Name }}-suite",
        "{{ include \"x\" . }}",
        "a 'b' c",
        "it's",
        " a",
        "a ",
        "- a",
        "? a",
        ": a",
        "a #b",
        "a# b",
        "a\tb",
        "---",
        "--- a",
        "... a",
        "*.example.com",
        "http://example.com:8080/path?q=1&r=[2]",
        "one two three four five six seven eight nine ten eleven twelve thirteen",
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen",
        "one two three four five six seven eight nine ten eleven twelve",
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen",
        "true dat",
        "1 2",
    ];

    /// A random string of printable ASCII and a few other characters, so
    /// that the quoting decisions are tried beyond the listed words.
    fn random_string(g: &mut Gen) -> String {
        const CHARS: &[u8] = b"ab1 -:#'\"{}[],&*!|>%@`?.\\\t~";
        let n = (g.next() % 90) as usize;
        (0..n)
            .map(|_| CHARS[(g.next() % CHARS.len() as u64) as usize] as char)
            .collect()
    }

    fn scalar_value(g: &mut Gen) -> Value {
        match g.next() % 10 {
            0 => Value::Nil,
            1 => Value::Bool(g.next() % 2 == 0),
            2 => Value::Int(g.next() as i64 % 100_000 - 50_000),
            3 => Value::Float(
                [
                    0.0,
                    -0.0,
                    1.0,
                    3.0,
                    1.5,
                    1e15,
                    1e21,
                    123456789.0,
                    -2.0,
                    0.1,
                    f64::NAN,
                    f64::INFINITY,
                ][(g.next() % 12) as usize],
            ),
            4 => Value::Int64(g.next() as i64),
            5 => Value::from(random_string(g).as_str()),
            _ => Value::from(g.pick(WORDS)),
        }
    }

    fn value(g: &mut Gen, depth: usize) -> Value {
        if depth > 3 {
            return scalar_value(g);
        }
        match g.next() % 6 {
            0 => map_value(g, depth + 1),
            1 => {
                let n = (g.next() % 4) as usize;
                Value::List(List::new((0..n).map(|_| value(g, depth + 1)).collect()))
            }
            _ => scalar_value(g),
        }
    }

    fn map_value(g: &mut Gen, depth: usize) -> Value {
        let m = Map::new();
        for _ in 0..g.next() % 5 {
            // Keys mostly simple, so that the fast path gets exercised.
            let k = if g.next() % 4 == 0 {
                g.pick(WORDS)
            } else {
                g.pick(&[
                    "a",
                    "b",
                    "name",
                    "app.kubernetes.io/name",
                    "x1",
                    "x10",
                    "x2",
                    "a-rather-long-key-name-of-forty-characters",
                ])
            };
            m.insert(k, value(g, depth));
        }
        Value::Map(m)
    }

    /// Whenever the direct writer answers, the full emitter gives the same
    /// text; and it answers for a good share of the generated values.
    #[test]
    fn same_text_as_the_full_emitter() {
        let mut g = Gen(0x9E37_79B9_7F4A_7C15);
        let mut answered = 0;
        let mut single_quoted = 0;
        for _ in 0..20_000 {
            let v = map_value(&mut g, 0);
            if let Some(fast) = to_yaml(&v) {
                answered += 1;
                single_quoted += usize::from(fast.contains(": '") || fast.contains("- '"));
                let full = super::super::emit::to_yaml_full(&v);
                assert_eq!(Some(fast), full.ok(), "{v:?}");
            }
        }
        assert!(answered > 2_000, "{answered}");
        assert!(single_quoted > 200, "{single_quoted}");
    }

    #[test]
    fn typical_label_maps_take_the_direct_path() {
        let labels = Value::from_iter([
            ("app.kubernetes.io/name", Value::from("web")),
            ("app.kubernetes.io/version", Value::from("5.4.0")),
            ("helm.sh/chart", Value::from("web-1.2.3")),
            ("replicas", Value::Float(3.0)),
            ("tier", Value::from("backend")),
        ]);
        assert_eq!(
            to_yaml(&labels).as_deref(),
            Some(
                "app.kubernetes.io/name: web\napp.kubernetes.io/version: 5.4.0\nhelm.sh/chart: web-1.2.3\nreplicas: 3\ntier: backend\n"
            )
        );
        // Words that read back as other types are double-quoted…
        let quoted = Value::from_iter([("cost-center", Value::from("4711"))]);
        assert_eq!(to_yaml(&quoted).as_deref(), Some("cost-center: \"4711\"\n"));
        // …templated strings single-quoted, as libyaml chooses…
        let templated = Value::from_iter([("part-of", Value::from("{{ .Release.Name }}"))]);
        assert_eq!(
            to_yaml(&templated).as_deref(),
            Some("part-of: '{{ .Release.Name }}'\n")
        );
        // …and other values that need quotes go to the full emitter.
        let apostrophe = Value::from_iter([("k", Value::from("it's"))]);
        assert_eq!(to_yaml(&apostrophe), None);
    }

    #[test]
    fn limits_on_both_sides() {
        let word = |n: usize| Value::from_iter([("k", Value::from("a".repeat(n).as_str()))]);
        assert!(to_yaml(&word(MAX_WORD)).is_some());
        assert!(to_yaml(&word(MAX_WORD + 1)).is_none());
        // A quoted value whose line ends exactly at the width is written
        // here; one more character goes to the full emitter (which may fold).
        let fits = " a".repeat((BEST_WIDTH as usize - 5) / 2);
        let line = |s: &str| Value::from_iter([("k", Value::from(s))]);
        assert_eq!(fits.len() + 5, BEST_WIDTH as usize - 1);
        let fits = format!("{fits}b");
        assert!(to_yaml(&line(&fits)).is_some());
        assert!(to_yaml(&line(&format!("{fits}c"))).is_none());
        let mut deep = Value::from_iter([("k", Value::from("v"))]);
        // Each level is one map: MAX_DEPTH + 1 maps are written, one more is not.
        for _ in 0..MAX_DEPTH {
            deep = Value::from_iter([("k", deep)]);
        }
        assert!(to_yaml(&deep).is_some());
        let deeper = Value::from_iter([("k", deep)]);
        assert!(to_yaml(&deeper).is_none());
    }
}
