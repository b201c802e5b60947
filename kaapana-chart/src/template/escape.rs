//! Go's escapers behind the `html`, `js` and `urlquery` builtins: ports of
//! text/template's `HTMLEscapeString`, `JSEscapeString` and `evalArgs`
//! (`text/template/funcs.go`, Go 1.26) and net/url's `QueryEscape`.
//!
//! Each returns its input unchanged (one copy, no per-byte work) when
//! nothing needs escaping, as Go's own fast paths do.

use super::fmt::{is_print, sprint};
use crate::value::Value;

/// Go's `template.HTMLEscapeString`: `<`, `>`, `&`, `'` and `"` become
/// entities (`&#39;` and `&#34;`, shorter than the named ones), NUL becomes
/// U+FFFD.
pub(crate) fn html_escape(s: &str) -> String {
    if !s
        .bytes()
        .any(|b| matches!(b, b'\'' | b'"' | b'&' | b'<' | b'>' | 0))
    {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            0 => "\u{FFFD}",
            b'"' => "&#34;",
            b'\'' => "&#39;",
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => continue,
        };
        // `i` is at an ASCII byte, hence a char boundary.
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
    out
}

/// Whether Go's `jsIsSpecial` holds: quotes, backslash, `<`, `>`, `&`, `=`,
/// control characters and anything outside ASCII need a look.
fn js_is_special(c: char) -> bool {
    matches!(c, '\\' | '\'' | '"' | '<' | '>' | '&' | '=') || c < ' ' || !c.is_ascii()
}

/// Go's `template.JSEscapeString`: backslash-escapes `\`, `'` and `"`;
/// writes `<`, `>`, `&`, `=` and control characters as `\u00XX`
/// (upper-case hex); keeps printable non-ASCII characters and writes the
/// others as `\uXXXX` (Go's `%04X`, so more digits above U+FFFF).
pub(crate) fn js_escape(s: &str) -> String {
    if !s.chars().any(js_is_special) {
        return s.to_owned();
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if !js_is_special(c) {
            out.push(c);
            continue;
        }
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            _ if c.is_ascii() => {
                // A control character.
                let b = c as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xF) as usize] as char);
            }
            _ if is_print(c) => out.push(c),
            _ => {
                let u = c as u32;
                out.push_str("\\u");
                // At least four digits, more when needed (`%04X`).
                let ndigits = if u > 0xFFFF {
                    5 + usize::from(u > 0xF_FFFF)
                } else {
                    4
                };
                for k in (0..ndigits).rev() {
                    out.push(HEX[((u >> (4 * k)) & 0xF) as usize] as char);
                }
            }
        }
    }
    out
}

/// Go's `url.QueryEscape`: everything but ASCII letters, digits and `-_.~`
/// is percent-encoded with upper-case hex, and a space becomes `+`.
pub(crate) fn url_query_escape(s: &str) -> String {
    /// RFC 3986 unreserved characters, which `QueryEscape` keeps.
    fn unreserved(b: u8) -> bool {
        b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
    }
    if s.bytes().all(unreserved) {
        return s.to_owned();
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if unreserved(b) {
            out.push(b as char);
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xF) as usize] as char);
        }
    }
    out
}

/// text/template's `evalArgs`, which the `html`, `js` and `urlquery`
/// builtins apply to their arguments: a single string argument is used as
/// is; otherwise the arguments are printed with `fmt.Sprint`, after
/// `printableValue` turned each missing (nil) one into the string
/// `<no value>` (so `html nil` is `&lt;no value&gt;`, and the spacing rule of
/// `Sprint` sees a string there).
pub(crate) fn eval_args_string(args: &[Value]) -> String {
    if let [Value::String(s)] = args {
        return s.to_string();
    }
    if !args.iter().any(Value::is_nil) {
        return sprint(args);
    }
    let args: Vec<Value> = args
        .iter()
        .map(|a| {
            if a.is_nil() {
                Value::from("<no value>")
            } else {
                a.clone()
            }
        })
        .collect();
    sprint(&args)
}

#[cfg(test)]
mod tests {
    //! Every expected string below is what Helm v4.2.3 printed for the
    //! template in the comment above it (rendered with the helm-oracle tool).

    use super::*;

    #[test]
    fn html() {
        // {{ html "<a href=\"x\">Tom & Jerry's</a>" }}
        assert_eq!(
            html_escape(&eval_args_string(&[Value::from(
                "<a href=\"x\">Tom & Jerry's</a>"
            )])),
            "&lt;a href=&#34;x&#34;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        // {{ html "plain" }}
        assert_eq!(
            html_escape(&eval_args_string(&[Value::from("plain")])),
            "plain"
        );
        // {{ html "a\u0000b" }}
        assert_eq!(
            html_escape(&eval_args_string(&[Value::from("a\u{0}b")])),
            "a\u{fffd}b"
        );
        // {{ html "" }}
        assert_eq!(html_escape(&eval_args_string(&[Value::from("")])), "");
        // {{ html 1 }}
        assert_eq!(html_escape(&eval_args_string(&[Value::Int(1)])), "1");
        // {{ html 1 2 }}
        assert_eq!(
            html_escape(&eval_args_string(&[Value::Int(1), Value::Int(2)])),
            "1 2"
        );
        // {{ html "a" "b" }}
        assert_eq!(
            html_escape(&eval_args_string(&[Value::from("a"), Value::from("b")])),
            "ab"
        );
        // {{ html "<" 1 ">" }}
        assert_eq!(
            html_escape(&eval_args_string(&[
                Value::from("<"),
                Value::Int(1),
                Value::from(">")
            ])),
            "&lt;1&gt;"
        );
        // {{ html nil }}
        assert_eq!(
            html_escape(&eval_args_string(&[Value::Nil])),
            "&lt;no value&gt;"
        );
        // {{ html nil nil }}
        assert_eq!(
            html_escape(&eval_args_string(&[Value::Nil, Value::Nil])),
            "&lt;no value&gt;&lt;no value&gt;"
        );
        // {{ html 1 nil 2 }}
        assert_eq!(
            html_escape(&eval_args_string(&[
                Value::Int(1),
                Value::Nil,
                Value::Int(2)
            ])),
            "1&lt;no value&gt;2"
        );
        // {{ html (list "<b>" 1) }}
        assert_eq!(
            html_escape(&eval_args_string(&[Value::list(vec![
                Value::from("<b>"),
                Value::Int(1)
            ])])),
            "[&lt;b&gt; 1]"
        );
        // {{ html (dict "k" "'v'") }}
        assert_eq!(
            html_escape(&eval_args_string(&[Value::from_iter([(
                "k",
                Value::from("'v'")
            )])])),
            "map[k:&#39;v&#39;]"
        );
        // {{ html 1000000.0 }}
        assert_eq!(
            html_escape(&eval_args_string(&[Value::Float(1000000.0)])),
            "1e+06"
        );
        // {{ html true }}
        assert_eq!(html_escape(&eval_args_string(&[Value::Bool(true)])), "true");
        // {{ html "é<ü>" }}
        assert_eq!(
            html_escape(&eval_args_string(&[Value::from("\u{e9}<\u{fc}>")])),
            "\u{e9}&lt;\u{fc}&gt;"
        );
    }

    #[test]
    fn js() {
        // {{ js "it's \"quoted\" \\ back" }}
        assert_eq!(
            js_escape(&eval_args_string(&[Value::from("it's \"quoted\" \\ back")])),
            "it\\'s \\\"quoted\\\" \\\\ back"
        );
        // {{ js "<script>a=b&c</script>" }}
        assert_eq!(
            js_escape(&eval_args_string(&[Value::from("<script>a=b&c</script>")])),
            "\\u003Cscript\\u003Ea\\u003Db\\u0026c\\u003C/script\\u003E"
        );
        // {{ js "tab\there\nnl\r\u0001\u001f" }}
        assert_eq!(
            js_escape(&eval_args_string(&[Value::from(
                "tab\there\nnl\r\u{1}\u{1f}\u{7f}"
            )])),
            "tab\\u0009here\\u000Anl\\u000D\\u0001\\u001F\u{7f}"
        );
        // {{ js "plain text" }}
        assert_eq!(
            js_escape(&eval_args_string(&[Value::from("plain text")])),
            "plain text"
        );
        // {{ js "é日本😀" }}
        assert_eq!(
            js_escape(&eval_args_string(&[Value::from(
                "\u{e9}\u{65e5}\u{672c}\u{1f600}"
            )])),
            "\u{e9}\u{65e5}\u{672c}\u{1f600}"
        );
        // {{ js "  ­﻿​" }}
        assert_eq!(
            js_escape(&eval_args_string(&[Value::from(
                "\u{2028}\u{2029}\u{ad}\u{feff}\u{200b}"
            )])),
            "\\u2028\\u2029\\u00AD\\uFEFF\\u200B"
        );
        // {{ js "󠀁􏿿󰀀" }}
        assert_eq!(
            js_escape(&eval_args_string(&[Value::from(
                "\u{e0001}\u{10ffff}\u{f0000}"
            )])),
            "\\uE0001\\u10FFFF\\uF0000"
        );
        // {{ js "`back` /slash/ ?" }}
        assert_eq!(
            js_escape(&eval_args_string(&[Value::from("`back` /slash/ ?")])),
            "`back` /slash/ ?"
        );
        // {{ js "͸🫩" }}
        assert_eq!(
            js_escape(&eval_args_string(&[Value::from("\u{378}\u{1fae9}")])),
            "\\u0378\\u1FAE9"
        );
        // {{ js 1 "=" }}
        assert_eq!(
            js_escape(&eval_args_string(&[Value::Int(1), Value::from("=")])),
            "1\\u003D"
        );
        // {{ js nil }}
        assert_eq!(
            js_escape(&eval_args_string(&[Value::Nil])),
            "\\u003Cno value\\u003E"
        );
        // {{ js "" }}
        assert_eq!(js_escape(&eval_args_string(&[Value::from("")])), "");
    }

    #[test]
    fn urlquery() {
        // {{ urlquery "a b&c=d/e?f#g" }}
        assert_eq!(
            url_query_escape(&eval_args_string(&[Value::from("a b&c=d/e?f#g")])),
            "a+b%26c%3Dd%2Fe%3Ff%23g"
        );
        // {{ urlquery "AZaz09-_.~" }}
        assert_eq!(
            url_query_escape(&eval_args_string(&[Value::from("AZaz09-_.~")])),
            "AZaz09-_.~"
        );
        // {{ urlquery "é日" }}
        assert_eq!(
            url_query_escape(&eval_args_string(&[Value::from("\u{e9}\u{65e5}")])),
            "%C3%A9%E6%97%A5"
        );
        // {{ urlquery "100%+$,;:@!*'()[]" }}
        assert_eq!(
            url_query_escape(&eval_args_string(&[Value::from("100%+$,;:@!*'()[]")])),
            "100%25%2B%24%2C%3B%3A%40%21%2A%27%28%29%5B%5D"
        );
        // {{ urlquery "" }}
        assert_eq!(url_query_escape(&eval_args_string(&[Value::from("")])), "");
        // {{ urlquery 1 nil 2 }}
        assert_eq!(
            url_query_escape(&eval_args_string(&[
                Value::Int(1),
                Value::Nil,
                Value::Int(2)
            ])),
            "1%3Cno+value%3E2"
        );
        // {{ urlquery "a" "b c" }}
        assert_eq!(
            url_query_escape(&eval_args_string(&[Value::from("a"), Value::from("b c")])),
            "ab+c"
        );
        // {{ urlquery (list "x y") }}
        assert_eq!(
            url_query_escape(&eval_args_string(&[Value::list(vec![Value::from("x y")])])),
            "%5Bx+y%5D"
        );
        // {{ urlquery "\u0000\n" }}
        assert_eq!(
            url_query_escape(&eval_args_string(&[Value::from("\u{0}\n\u{7f}")])),
            "%00%0A%7F"
        );
    }
}
