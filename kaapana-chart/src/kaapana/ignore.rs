//! Ignore patterns for scanning a source tree.
//!
//! Kaapana's build skips a `Chart.yaml` when an ignore string occurs
//! *anywhere* in its absolute path, so `test` also skips
//! `/home/tester/kaapana/...` and every chart of a checkout that happens to
//! live under a folder named like a pattern. Here a pattern is matched
//! against path *components* of the path relative to the scanned root, so
//! only what the pattern names is skipped.

/// One ignore pattern: `/`-separated glob components (`*`, `?`, `[a-z]`,
/// `[!x]`; a `*` never crosses a `/`). A pattern of one component matches
/// any single component of a path; a pattern of several matches that many
/// consecutive components anywhere in the path. A leading `/` anchors the
/// pattern at the scanned root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pattern {
    anchored: bool,
    parts: Vec<String>,
}

impl Pattern {
    /// Parses a pattern; `None` for one that has no component (``, `/`).
    pub(super) fn parse(text: &str) -> Option<Pattern> {
        let anchored = text.starts_with('/');
        let parts: Vec<String> = text
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .map(str::to_owned)
            .collect();
        if parts.is_empty() {
            return None;
        }
        Some(Pattern { anchored, parts })
    }

    /// Whether the pattern matches the components of a path relative to the
    /// scanned root (a folder or a file).
    pub(super) fn matches(&self, components: &[&str]) -> bool {
        let n = self.parts.len();
        if components.len() < n {
            return false;
        }
        let starts = if self.anchored {
            0..=0
        } else {
            0..=components.len() - n
        };
        starts.into_iter().any(|start| {
            self.parts
                .iter()
                .zip(components.iter().skip(start))
                .all(|(p, c)| glob(p.as_bytes(), c.as_bytes()))
        })
    }
}

/// Glob matching of one component (no `/` in either side). Iterative with
/// one backtracking point, so linear-ish in the product of the lengths.
fn glob(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
                continue;
            }
            Some(b'?') => {
                p += 1;
                n += 1;
                continue;
            }
            Some(b'[') => {
                if let Some((ok, len)) = class(&pattern[p..], name[n]) {
                    if ok {
                        p += len;
                        n += 1;
                        continue;
                    }
                } else if name[n] == b'[' {
                    // An unclosed `[` is a literal.
                    p += 1;
                    n += 1;
                    continue;
                }
            }
            Some(&c) if c == name[n] => {
                p += 1;
                n += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, sn)) => {
                p = sp + 1;
                n = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == b'*')
}

/// A `[...]` class at the start of `pattern`: whether `c` is in it and the
/// class's length; `None` if the class is not closed.
fn class(pattern: &[u8], c: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = matches!(pattern.get(i), Some(b'!') | Some(b'^'));
    if negate {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    loop {
        let lo = *pattern.get(i)?;
        if lo == b']' && !first {
            return Some((hit != negate, i + 1));
        }
        first = false;
        if pattern.get(i + 1) == Some(&b'-') && pattern.get(i + 2).is_some_and(|&h| h != b']') {
            let hi = *pattern.get(i + 2)?;
            hit |= lo <= c && c <= hi;
            i += 3;
        } else {
            hit |= lo == c;
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, path: &str) -> bool {
        let comps: Vec<&str> = path.split('/').collect();
        Pattern::parse(p).is_some_and(|p| p.matches(&comps))
    }

    #[test]
    fn components_not_substrings() {
        assert!(m("test", "services/test/chart"));
        assert!(!m("test", "services/tester/chart"));
        assert!(!m("test", "services/latest/chart"));
        assert!(m("*-test", "services/unit-test/chart"));
        assert!(!m("*-test", "services/unit-test2/chart"));
    }

    #[test]
    fn multi_component_and_anchored() {
        assert!(m("services/flow", "a/services/flow/airflow"));
        assert!(!m("services/flow", "a/services/x/flow"));
        assert!(m("/services", "services/flow"));
        assert!(!m("/services", "a/services/flow"));
        assert!(m("data-*/work?lows", "data-processing/workflows/x"));
    }

    #[test]
    fn classes() {
        assert!(m("v[0-9]", "a/v1/b"));
        assert!(!m("v[!0-9]", "a/v1/b"));
        assert!(m("v[!0-9]", "a/vx/b"));
        assert!(m("[", "a/[/b"));
        assert!(Pattern::parse("/").is_none());
        assert!(Pattern::parse("").is_none());
    }
}
