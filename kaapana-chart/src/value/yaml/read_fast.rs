//! A direct reader for the YAML that `fromYaml` meets most often in charts
//! — `include … | fromYaml` of rendered label and annotation maps: block
//! mappings of simple keys and one-line scalars — that gives exactly what
//! the full path (scanner, parser, composer, decoder) gives for them,
//! without building tokens, events or nodes. The mirror of `emit_fast.rs`.
//!
//! It answers only for input it fully understands: lines of `key: value`
//! or `key:` (a nested mapping on the following, deeper lines, a block
//! sequence there or at the key's own indentation, or null), with keys that
//! are plain words reading back as strings, and values that are plain
//! scalars of a conservative character set (resolved by the same resolver
//! as the full path: `true`, `3`, `1.5`, `~`, …), or single- or
//! double-quoted strings without escapes. Sequence items (`- …`) are such
//! scalars or such mappings (`- key: value` and more keys aligned with the
//! first). Anything else — flow collections, nested sequences, comments,
//! anchors, tags, multi-line scalars, odd indentation, errors — returns
//! `None` and goes through the full path. A test compares both on many
//! generated documents.

use super::resolve::{resolve, resolves_to_non_string, Scalar};
use crate::value::intern::intern;
use crate::value::{ElemType, Entries, Map, Value};

/// Longest key read here (libyaml's simple keys end at 1024 characters).
const MAX_KEY: usize = 128;

/// Deepest nesting read here; deeper documents go to the full path, which
/// applies the real limit.
const MAX_DEPTH: usize = 32;

/// Most lines read here; longer documents go to the full path, which
/// counts nodes against the real limit.
const MAX_LINES: usize = 4096;

/// One non-blank line: its indentation and the rest.
struct Line<'a> {
    indent: usize,
    text: &'a str,
}

/// The value `fromYaml` gives for `src`, if `src` is a non-empty block
/// mapping of the simple kind.
pub(super) fn from_yaml(src: &str) -> Option<Value> {
    let mut lines = Vec::new();
    for raw in src.split('\n') {
        let text = raw.trim_start_matches(' ');
        if text.is_empty() {
            continue;
        }
        if lines.len() >= MAX_LINES {
            return None;
        }
        lines.push(Line {
            indent: raw.len() - text.len(),
            text,
        });
    }
    let first = lines.first()?;
    let mut pos = 0;
    let v = mapping(&lines, &mut pos, first.indent, 0, None)?;
    // Lines left over are less indented than the document: an error, which
    // the full path reports.
    (pos == lines.len()).then_some(v)
}

/// Reads the entries at indentation `ind` from `lines[*pos]` on; `first`
/// is the text of a first entry already taken from its line (after a
/// sequence item's `- `).
fn mapping(
    lines: &[Line<'_>],
    pos: &mut usize,
    ind: usize,
    depth: usize,
    mut first: Option<&str>,
) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    // Collected, then sorted once (a repeated key keeps its last value,
    // as inserting one by one would).
    let mut map = Vec::new();
    loop {
        let text = match first.take() {
            Some(text) => text,
            None => {
                let Some(line) = lines.get(*pos) else { break };
                if line.indent < ind || (line.indent == ind && is_item(line.text)) {
                    // Less indented, or the next item of a sequence this
                    // mapping is an item of: the mapping ends.
                    break;
                }
                if line.indent > ind {
                    return None;
                }
                *pos += 1;
                line.text
            }
        };
        let (key, rest) = key(text)?;
        let rest = rest.trim_start_matches(' ');
        let value = if rest.is_empty() {
            match lines.get(*pos) {
                // A sequence may sit at the key's own indentation.
                Some(next) if next.indent >= ind && is_item(next.text) => {
                    sequence(lines, pos, next.indent, depth + 1)?
                }
                Some(next) if next.indent > ind => {
                    mapping(lines, pos, next.indent, depth + 1, None)?
                }
                _ => Value::Nil,
            }
        } else {
            line_scalar(rest, lines, *pos, ind)?
        };
        map.push((intern(key), value));
    }
    let map = Entries::from_pairs(map);
    Some(Value::Map(Map::typed(ElemType::Interface, map)))
}

/// The scalar `text` that ends a line at indentation `ind`, if
/// `lines[next]` does not continue it: a deeper line after a scalar
/// continues it (multi-line plain scalar) or is an error, the full path's
/// business.
fn line_scalar(text: &str, lines: &[Line<'_>], next: usize, ind: usize) -> Option<Value> {
    let v = scalar(text)?;
    if lines.get(next).is_some_and(|l| l.indent > ind) {
        return None;
    }
    Some(v)
}

/// Whether a line's text is a sequence item (`- …`, or a bare `-`).
fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// Reads the items at indentation `ind` from `lines[*pos]` on: one-line
/// scalars, or mappings whose first key follows the `- `.
fn sequence(lines: &[Line<'_>], pos: &mut usize, ind: usize, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut items = Vec::new();
    while let Some(line) = lines.get(*pos) {
        if line.indent < ind || (line.indent == ind && !is_item(line.text)) {
            // Less indented, or the parent mapping's next key at the same
            // indentation: the sequence ends.
            break;
        }
        if line.indent > ind {
            return None;
        }
        // A bare `-` (a null item or a block on the next lines) is left to
        // the full path.
        let rest = line.text.strip_prefix("- ")?;
        let text = rest.trim_start_matches(' ');
        let item_ind = ind + 2 + (rest.len() - text.len());
        *pos += 1;
        if text.is_empty() || is_item(text) {
            // An empty item after all, or a nested sequence.
            return None;
        }
        let item = if key(text).is_some() {
            mapping(lines, pos, item_ind, depth + 1, Some(text))?
        } else {
            line_scalar(text, lines, *pos, ind)?
        };
        items.push(item);
    }
    Some(Value::list(items))
}

/// Splits `key: rest` (or `key:`), if the key is a plain word that reads
/// back as a string.
fn key(text: &str) -> Option<(&str, &str)> {
    let b = text.as_bytes();
    if !b.first()?.is_ascii_alphanumeric() {
        return None;
    }
    let end = b
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'/')))?;
    if end > MAX_KEY || b.get(end) != Some(&b':') {
        return None;
    }
    let rest = text.get(end + 1..)?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let k = text.get(..end)?;
    if resolves_to_non_string(k) {
        return None;
    }
    Some((k, rest))
}

/// The value of a one-line scalar: quoted without escapes, or plain.
fn scalar(s: &str) -> Option<Value> {
    let b = s.as_bytes();
    let printable = |c: &u8| (0x20..=0x7e).contains(c);
    match b.first()? {
        q @ (b'\'' | b'"') => {
            let inner = s.get(1..s.len().checked_sub(1)?)?;
            let ib = inner.as_bytes();
            if b.len() < 2
                || b.last() != Some(q)
                || !ib.iter().all(|c| printable(c) && *c != *q && *c != b'\\')
            {
                return None;
            }
            Some(Value::String(intern(inner)))
        }
        _ => {
            let first_ok = match b[0] {
                c if c.is_ascii_alphanumeric() => true,
                b'.' | b'/' | b'_' | b'+' | b'~' => true,
                b'-' => b.get(1).is_some_and(|c| *c != b' '),
                _ => false,
            };
            let chars_ok = b.iter().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(
                        c,
                        b' ' | b'-' | b'.' | b'_' | b'/' | b'+' | b':' | b'~' | b'=' | b'@' | b'%'
                    )
            });
            if !first_ok || !chars_ok || b.ends_with(b" ") || b.ends_with(b":") || s.contains(": ")
            {
                return None;
            }
            Some(match resolve(b"", s).ok()? {
                Scalar::Null => Value::Nil,
                Scalar::Bool(v) => Value::Bool(v),
                Scalar::Int(i) => Value::Float(i as f64),
                Scalar::Uint(u) => Value::Float(u as f64),
                // ±Inf and NaN are JSON errors: the full path reports them.
                Scalar::Float(f) if f.is_finite() => Value::Float(f),
                Scalar::Str => Value::String(intern(s)),
                _ => return None,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::value::yaml::test_gen::Gen;

    const KEYS: &[&str] = &[
        "app",
        "app.kubernetes.io/name",
        "helm.sh/chart",
        "a",
        "b",
        "x1",
        "true",
        "1",
        "null",
        "<<",
        "a b",
        "\"q\"",
        "'s'",
        "-a",
        "a:b",
        "é",
    ];

    const VALUES: &[&str] = &[
        "web",
        "release-name-suite",
        "5.4.0",
        "3",
        "-3",
        "+3",
        "1.5",
        "1e3",
        "0x1f",
        "0o17",
        "017",
        "1_000",
        "1:20",
        "true",
        "yes",
        "No",
        "off",
        "~",
        "null",
        ".inf",
        "-.inf",
        ".nan",
        "2001-12-14",
        "a b",
        "a  b",
        "a: b",
        "a:b",
        "a:",
        "a #b",
        "a#b",
        "- a",
        "-a",
        "-",
        "'x'",
        "'it''s'",
        "'a b'",
        "''",
        "\"\"",
        "\"a b\"",
        "\"a\\nb\"",
        "'{{ .Release.Name }}'",
        "{a: b}",
        "[a]",
        "&a x",
        "*a",
        "!!str 3",
        "|",
        ">",
        "@a",
        "%a",
        "a%",
        "a=b",
        "x ",
        "\"unterminated",
        "'x' y",
        "18446744073709551615",
        "9223372036854775808",
        "1.0",
        "0",
        "-0",
        "=",
    ];

    fn doc(g: &mut Gen, out: &mut String, ind: usize, depth: usize) {
        let n = 1 + g.next() % 4;
        for _ in 0..n {
            out.push_str(&" ".repeat(ind));
            // Mostly simple keys, so that the direct reader gets exercised.
            let k = if g.next() % 5 == 0 {
                g.pick(KEYS)
            } else {
                g.pick(&["a", "b", "name", "app.kubernetes.io/name", "x1", "x2"])
            };
            out.push_str(k);
            out.push(':');
            match g.next() % 12 {
                0 if depth < 3 => {
                    out.push('\n');
                    let step = [1, 2, 2, 2, 4][(g.next() % 5) as usize];
                    doc(g, out, ind + step, depth + 1);
                }
                1 => out.push('\n'),
                3 | 4 if depth < 3 => {
                    // A block sequence, at the key's indentation or deeper,
                    // of scalars and mappings (sometimes misaligned).
                    out.push('\n');
                    let sind = ind + [0, 0, 2, 1][(g.next() % 4) as usize];
                    for _ in 0..1 + g.next() % 3 {
                        out.push_str(&" ".repeat(sind));
                        out.push_str(g.pick(&["- ", "- ", "- ", "-  ", "-", "- - "]));
                        if g.next() % 2 == 0 {
                            out.push_str(g.pick(VALUES));
                            out.push('\n');
                        } else {
                            let mut item = String::new();
                            doc(g, &mut item, sind + 2, depth + 1);
                            // The first key goes after the dash; a few
                            // items keep extra spaces, which misalign it.
                            out.push_str(item.trim_start_matches(' '));
                        }
                    }
                }
                2 => {
                    // Odd shapes: continuation lines, sequences, comments,
                    // bad indentation, blank lines.
                    let tail = g.pick(&[
                        " a\n  b\n",
                        "\n- a\n",
                        "\n  - a\n",
                        " a # c\n",
                        " a\n\n",
                        " a\n   \n",
                        "\n# c\n",
                        " a\r\n",
                        " \ta\n",
                        "  a\n",
                        " a\n a: b\n",
                    ]);
                    out.push_str(tail);
                }
                _ => {
                    out.push(' ');
                    out.push_str(g.pick(VALUES));
                    out.push('\n');
                }
            }
        }
    }

    /// Whenever the direct reader answers, the full path gives the same
    /// value; and it answers for a good share of the generated documents.
    #[test]
    fn same_value_as_the_full_path() {
        let mut g = Gen(0x2545_F491_4F6C_DD1D);
        let (mut answered, mut with_items) = (0, 0);
        for _ in 0..20_000 {
            let mut src = String::new();
            if g.next() % 8 == 0 {
                src.push_str(g.pick(&["  ", "---\n", "\n", "# c\n"]));
            }
            doc(&mut g, &mut src, 0, 0);
            if let Some(fast) = from_yaml(&src) {
                answered += 1;
                with_items += usize::from(src.contains("- "));
                let full = super::super::from_yaml_full(&src);
                assert_eq!(Ok(fast), full.map_err(|e| e.to_string()), "{src:?}");
            }
        }
        assert!(answered > 2_000, "{answered}");
        assert!(with_items > 200, "{with_items}");
    }

    #[test]
    fn typical_label_maps_take_the_direct_path() {
        let v = from_yaml(
            "app.kubernetes.io/name: web\nhelm.sh/chart: web-1.2.3\npart-of: 'rel-suite'\nreplicas: 3\nextra:\n  on: yes\n",
        );
        let want = Value::from_iter([
            ("app.kubernetes.io/name", Value::from("web")),
            ("helm.sh/chart", Value::from("web-1.2.3")),
            ("part-of", Value::from("rel-suite")),
            ("replicas", Value::Float(3.0)),
        ]);
        // `on` as a key reads back as a bool: left to the full path.
        assert_eq!(v, None);
        let v = from_yaml(
            "app.kubernetes.io/name: web\nhelm.sh/chart: web-1.2.3\npart-of: 'rel-suite'\nreplicas: 3\n",
        );
        assert_eq!(v, Some(want));
        assert_eq!(
            from_yaml("a:\n- b\n- c: 1\n  d: x\ne: [f]\n"),
            None,
            "flow sequence"
        );
        let list = from_yaml("a:\n- b\n- c: 1\n  d: x\ne:\n  - 'f'\n");
        let want = Value::from_iter([
            (
                "a",
                Value::list(vec![
                    Value::from("b"),
                    Value::from_iter([("c", Value::Float(1.0)), ("d", Value::from("x"))]),
                ]),
            ),
            ("e", Value::list(vec![Value::from("f")])),
        ]);
        assert_eq!(list, Some(want));
        assert_eq!(from_yaml(""), None);
    }

    #[test]
    fn limits_on_both_sides() {
        let key = |n: usize| format!("{}: v\n", "k".repeat(n));
        assert!(from_yaml(&key(MAX_KEY)).is_some());
        assert!(from_yaml(&key(MAX_KEY + 1)).is_none());
        let nested = |levels: usize| {
            let mut s = String::new();
            for i in 0..levels {
                s.push_str(&" ".repeat(i));
                s.push_str("k:\n");
            }
            s
        };
        // MAX_DEPTH + 1 mappings are read here, one more is not.
        assert!(from_yaml(&nested(MAX_DEPTH + 1)).is_some());
        assert!(from_yaml(&nested(MAX_DEPTH + 2)).is_none());
        let lines = |n: usize| (0..n).map(|i| format!("k{i}: v\n")).collect::<String>();
        assert!(from_yaml(&lines(MAX_LINES)).is_some());
        assert!(from_yaml(&lines(MAX_LINES + 1)).is_none());
    }
}
