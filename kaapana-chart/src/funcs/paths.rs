//! Sprig's path functions: Go's `path` package (slash-separated paths) and,
//! for the `os*` names, `path/filepath`, which on Linux (where Helm runs in
//! every setting we reproduce) behaves exactly like `path`.
//!
//! | name | Go signature |
//! |---|---|
//! | `base`, `osBase` | `path.Base(path string) string` |
//! | `dir`, `osDir` | `path.Dir(path string) string` |
//! | `clean`, `osClean` | `path.Clean(path string) string` |
//! | `ext`, `osExt` | `path.Ext(path string) string` |
//! | `isAbs`, `osIsAbs` | `path.IsAbs(path string) bool` |
//!
//! The functions are purely lexical: nothing touches the file system.

use super::{str_arg, Functions};
use crate::value::{GoType, Signature, Value};

const S: &[GoType] = &[GoType::String];

pub(crate) fn register(f: &mut Functions) {
    for name in ["base", "osBase"] {
        f.register(name, Signature::fixed(S), |_, a| {
            Ok(Value::from(base(str_arg(a, 0))))
        });
    }
    for name in ["dir", "osDir"] {
        f.register(name, Signature::fixed(S), |_, a| {
            Ok(Value::from(dir(str_arg(a, 0))))
        });
    }
    for name in ["clean", "osClean"] {
        f.register(name, Signature::fixed(S), |_, a| {
            Ok(Value::from(clean(str_arg(a, 0))))
        });
    }
    for name in ["ext", "osExt"] {
        f.register(name, Signature::fixed(S), |_, a| {
            Ok(Value::from(ext(str_arg(a, 0))))
        });
    }
    for name in ["isAbs", "osIsAbs"] {
        f.register(name, Signature::fixed(S), |_, a| {
            Ok(Value::Bool(str_arg(a, 0).starts_with('/')))
        });
    }
}

/// Go's `path.Clean`: the shortest equivalent path, by purely lexical
/// processing (repeated slashes collapse, `.` elements go, `..` elements
/// eat the element before them, `..` at the root is dropped); `""` is `.`.
///
/// ```
/// # use kaapana_chart::funcs::paths::clean;
/// assert_eq!(clean("a//b/./../c/"), "a/c");
/// assert_eq!(clean("/../x"), "/x");
/// assert_eq!(clean(""), ".");
/// ```
pub fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    // How many leading `..` elements of a relative path must stay.
    let mut kept_dotdot = 0;
    for elem in path.split('/') {
        match elem {
            "" | "." => {}
            ".." => {
                if parts.len() > kept_dotdot {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                    kept_dotdot += 1;
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// Go's `path.Base`: the last element, trailing slashes removed; `""` is
/// `.` and a path of slashes only is `/`.
///
/// ```
/// # use kaapana_chart::funcs::paths::base;
/// assert_eq!(base("/a/b.txt/"), "b.txt");
/// assert_eq!(base("///"), "/");
/// ```
pub fn base(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_owned();
    }
    match trimmed.rfind('/') {
        Some(i) => trimmed[i + 1..].to_owned(),
        None => trimmed.to_owned(),
    }
}

/// Go's `path.Dir`: everything but the last element, cleaned.
///
/// ```
/// # use kaapana_chart::funcs::paths::dir;
/// assert_eq!(dir("/a/b/c"), "/a/b");
/// assert_eq!(dir("file"), ".");
/// ```
pub fn dir(path: &str) -> String {
    let upto = path.rfind('/').map_or(0, |i| i + 1);
    clean(&path[..upto])
}

/// Go's `path.Ext`: the suffix from the last `.` of the last element, or
/// `""`.
///
/// ```
/// # use kaapana_chart::funcs::paths::ext;
/// assert_eq!(ext("a/b.tar.gz"), ".gz");
/// assert_eq!(ext("a.b/c"), "");
/// ```
pub fn ext(path: &str) -> String {
    for (i, b) in path.bytes().enumerate().rev() {
        match b {
            b'/' => break,
            b'.' => return path[i..].to_owned(),
            _ => {}
        }
    }
    String::new()
}
