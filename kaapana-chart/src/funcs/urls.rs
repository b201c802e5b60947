//! Sprig's URL functions, on a port of the parts of Go's `net/url` they use.
//!
//! | name | Go signature |
//! |---|---|
//! | `urlParse` | `urlParse(v string) map[string]any` |
//! | `urlJoin` | `urlJoin(d map[string]any) string` |
//!
//! `urlParse` answers a dict with the string keys `scheme` (lower-cased),
//! `host`, `hostname`, `path` (unescaped), `query` (raw), `opaque`,
//! `fragment` (unescaped) and `userinfo` (re-escaped); a URL Go rejects is
//! Sprig's panic `unable to parse url: parse "<url>": <reason>`. `urlJoin`
//! builds Go's `URL.String()` from such a dict: every key optional, every
//! present value a string (`unable to parse <key> key, must be of type
//! string, but <kind> found` otherwise).

use super::lists::NIL_DEREF;
use super::{FuncError, Functions};
use crate::template::fmt::go_quote;
use crate::value::{GoType, Map, Signature, Value};

pub(crate) fn register(f: &mut Functions) {
    f.register("urlParse", Signature::fixed(&[GoType::String]), |_, a| {
        let raw = a.first().and_then(Value::as_str).unwrap_or("");
        let u = parse(raw).map_err(|e| FuncError::new(format!("unable to parse url: {e}")))?;
        let m = Map::new();
        m.insert("scheme", Value::from(u.scheme.as_str()));
        m.insert("host", Value::from(u.host.as_str()));
        m.insert("hostname", Value::from(hostname(&u.host)));
        m.insert("path", Value::from(u.path.as_str()));
        m.insert("query", Value::from(u.raw_query.as_str()));
        m.insert("opaque", Value::from(u.opaque.as_str()));
        m.insert("fragment", Value::from(u.fragment.as_str()));
        let user = u
            .user
            .as_ref()
            .map(Userinfo::to_go_string)
            .unwrap_or_default();
        m.insert("userinfo", Value::from(user));
        Ok(Value::Map(m))
    });
    f.register("urlJoin", Signature::fixed(&[GoType::Map]), |_, a| {
        let d = a.first().and_then(Value::as_map);
        let get = |key: &str| -> Result<String, FuncError> {
            match d.and_then(|m| m.get(key)) {
                None => Ok(String::new()),
                Some(Value::String(s)) => Ok(s.to_string()),
                Some(Value::Nil) => Err(FuncError::new(NIL_DEREF)),
                Some(other) => Err(FuncError::new(format!(
                    "unable to parse {key} key, must be of type string, but {} found",
                    other.go_kind()
                ))),
            }
        };
        let mut u = Url {
            scheme: get("scheme")?,
            host: get("host")?,
            path: get("path")?,
            raw_query: get("query")?,
            opaque: get("opaque")?,
            fragment: get("fragment")?,
            ..Url::default()
        };
        let userinfo = get("userinfo")?;
        if !userinfo.is_empty() {
            let temp = parse(&format!("proto://{userinfo}@host"))
                .map_err(|e| FuncError::new(format!("unable to parse userinfo in dict: {e}")))?;
            u.user = temp.user;
        }
        Ok(Value::from(u.to_go_string()))
    });
}

/// The fields of Go's `url.URL` that Sprig reads or writes.
#[derive(Debug, Default)]
struct Url {
    scheme: String,
    opaque: String,
    user: Option<Userinfo>,
    host: String,
    path: String,
    raw_path: String,
    omit_host: bool,
    force_query: bool,
    raw_query: String,
    fragment: String,
}

#[derive(Debug)]
struct Userinfo {
    username: String,
    password: Option<String>,
}

impl Userinfo {
    /// Go's `(*Userinfo).String`.
    fn to_go_string(&self) -> String {
        let mut s = escape(&self.username, Mode::UserPassword);
        if let Some(p) = &self.password {
            s.push(':');
            s.push_str(&escape(p, Mode::UserPassword));
        }
        s
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    Zone,
    UserPassword,
    Fragment,
}

/// Go's `url.Parse`; the error is `*url.Error`'s text.
fn parse(raw: &str) -> Result<Url, String> {
    let (u, frag) = match raw.split_once('#') {
        Some((u, f)) => (u, Some(f)),
        None => (raw, None),
    };
    let mut url = parse_no_fragment(u).map_err(|e| format!("parse {}: {e}", go_quote(u)))?;
    if let Some(frag) = frag.filter(|f| !f.is_empty()) {
        url.fragment =
            unescape(frag, Mode::Fragment).map_err(|e| format!("parse {}: {e}", go_quote(raw)))?;
    }
    Ok(url)
}

fn parse_no_fragment(raw: &str) -> Result<Url, String> {
    if raw.bytes().any(|b| b < b' ' || b == 0x7f) {
        return Err("net/url: invalid control character in URL".to_owned());
    }
    let mut url = Url::default();
    if raw == "*" {
        url.path = "*".to_owned();
        return Ok(url);
    }
    let (scheme, mut rest) = get_scheme(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        url.force_query = true;
        rest = &rest[..rest.len() - 1];
    } else if let Some((r, q)) = rest.split_once('?') {
        rest = r;
        url.raw_query = q.to_owned();
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            // A rootless path is opaque (RFC 3986).
            url.opaque = rest.to_owned();
            return Ok(url);
        }
        let segment = rest.split('/').next().unwrap_or("");
        if segment.contains(':') {
            return Err("first path segment in URL cannot contain colon".to_owned());
        }
    }
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let authority = &rest[2..];
        let (authority, tail) = match authority.find('/') {
            Some(i) => (&authority[..i], &authority[i..]),
            None => (authority, ""),
        };
        let (user, host) = parse_authority(authority)?;
        url.user = user;
        url.host = host;
        rest = tail;
    } else if !url.scheme.is_empty() && rest.starts_with('/') {
        url.omit_host = true;
    }
    url.path = unescape(rest, Mode::Path)?;
    if escape(&url.path, Mode::Path) != rest {
        url.raw_path = rest.to_owned();
    }
    Ok(url)
}

/// Go's `getScheme`.
fn get_scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                if i == 0 {
                    return Ok(("", raw));
                }
            }
            b':' => {
                if i == 0 {
                    return Err("missing protocol scheme".to_owned());
                }
                return Ok((&raw[..i], &raw[i + 1..]));
            }
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

fn parse_authority(authority: &str) -> Result<(Option<Userinfo>, String), String> {
    let at = authority.rfind('@');
    let host = parse_host(match at {
        Some(i) => &authority[i + 1..],
        None => authority,
    })?;
    let Some(i) = at else {
        return Ok((None, host));
    };
    let userinfo = &authority[..i];
    if !userinfo
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b"-._:~!$&'()*+,;=%@".contains(&c))
    {
        return Err("net/url: invalid userinfo".to_owned());
    }
    let user = match userinfo.split_once(':') {
        None => Userinfo {
            username: unescape(userinfo, Mode::UserPassword)?,
            password: None,
        },
        Some((name, pass)) => Userinfo {
            username: unescape(name, Mode::UserPassword)?,
            password: Some(unescape(pass, Mode::UserPassword)?),
        },
    };
    Ok((Some(user), host))
}

fn valid_optional_port(port: &str) -> bool {
    match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => digits.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// Go's `parseHost`.
fn parse_host(host: &str) -> Result<String, String> {
    if host.starts_with('[') {
        let Some(i) = host.rfind(']') else {
            return Err("missing ']' in host".to_owned());
        };
        let colon_port = &host[i + 1..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
        if let Some(zone) = host[..i].find("%25") {
            let h1 = unescape(&host[..zone], Mode::Host)?;
            let h2 = unescape(&host[zone..i], Mode::Zone)?;
            let h3 = unescape(&host[i..], Mode::Host)?;
            return Ok(h1 + &h2 + &h3);
        }
    } else if let Some(i) = host.rfind(':') {
        let colon_port = &host[i..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
    }
    unescape(host, Mode::Host)
}

/// `URL.Hostname()`: the host without its port and IPv6 brackets.
fn hostname(host: &str) -> String {
    let mut h = host;
    if let Some(colon) = h.rfind(':') {
        if valid_optional_port(&h[colon..]) {
            h = &h[..colon];
        }
    }
    if h.starts_with('[') && h.ends_with(']') && h.len() >= 2 {
        h = &h[1..h.len() - 1];
    }
    h.to_owned()
}

fn is_hex(c: u8) -> bool {
    c.is_ascii_hexdigit()
}

fn unhex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// Go's `unescape` (without the query mode, which Sprig never reaches).
fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let escape_error = |from: usize, len: usize| {
        let end = (from + len).min(b.len());
        format!(
            "invalid URL escape {}",
            go_quote(&String::from_utf8_lossy(&b[from..end]))
        )
    };
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                if i + 2 >= b.len() || !is_hex(b[i + 1]) || !is_hex(b[i + 2]) {
                    return Err(escape_error(i, 3));
                }
                let is_25 = &b[i..i + 3] == b"%25";
                if mode == Mode::Host && unhex(b[i + 1]) < 8 && !is_25 {
                    return Err(escape_error(i, 3));
                }
                if mode == Mode::Zone {
                    let v = (unhex(b[i + 1]) << 4) | unhex(b[i + 2]);
                    if !is_25 && v != b' ' && should_escape(v, Mode::Host) {
                        return Err(escape_error(i, 3));
                    }
                }
                i += 3;
            }
            c => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && should_escape(c, mode) {
                    return Err(format!(
                        "invalid character {} in host name",
                        go_quote(&(c as char).to_string())
                    ));
                }
                i += 1;
            }
        }
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push((unhex(b[i + 1]) << 4) | unhex(b[i + 2]));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    // Go strings hold any bytes; ours are UTF-8, so an escaped invalid
    // sequence becomes U+FFFD.
    Ok(String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// Go's `shouldEscape`.
fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if matches!(mode, Mode::Host | Mode::Zone) && b"!$&'()*+,;=:[]<>\"".contains(&c) {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => {
            return match mode {
                Mode::Path => c == b'?',
                Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
                Mode::Fragment => false,
                Mode::Host | Mode::Zone => true,
            }
        }
        _ => {}
    }
    if mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*') {
        return false;
    }
    true
}

/// Go's `escape` (no query mode: spaces become `%20`).
fn escape(s: &str, mode: Mode) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if should_escape(c, mode) {
            out.push('%');
            out.push(HEX[(c >> 4) as usize] as char);
            out.push(HEX[(c & 15) as usize] as char);
        } else {
            out.push(c as char);
        }
    }
    out
}

impl Url {
    /// Go's `URL.String()` (with no raw path or fragment, as `urlJoin`
    /// builds it).
    fn to_go_string(&self) -> String {
        let mut buf = String::new();
        if !self.scheme.is_empty() {
            buf.push_str(&self.scheme);
            buf.push(':');
        }
        if !self.opaque.is_empty() {
            buf.push_str(&self.opaque);
        } else {
            if !self.scheme.is_empty() || !self.host.is_empty() || self.user.is_some() {
                if self.omit_host && self.host.is_empty() && self.user.is_none() {
                    // An empty host is left out.
                } else {
                    if !self.host.is_empty() || !self.path.is_empty() || self.user.is_some() {
                        buf.push_str("//");
                    }
                    if let Some(ui) = &self.user {
                        buf.push_str(&ui.to_go_string());
                        buf.push('@');
                    }
                    if !self.host.is_empty() {
                        buf.push_str(&escape(&self.host, Mode::Host));
                    }
                }
            }
            let path = if self.path == "*" {
                "*".to_owned()
            } else {
                escape(&self.path, Mode::Path)
            };
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                buf.push('/');
            }
            if buf.is_empty() && path.split('/').next().unwrap_or("").contains(':') {
                // A relative path whose first segment has a colon would read
                // as a scheme (RFC 3986 §4.2).
                buf.push_str("./");
            }
            buf.push_str(&path);
        }
        if self.force_query || !self.raw_query.is_empty() {
            buf.push('?');
            buf.push_str(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            buf.push('#');
            buf.push_str(&escape(&self.fragment, Mode::Fragment));
        }
        buf
    }
}
