//! The template parser against Helm's own answers.
//!
//! `fixtures/parser/cases.json` holds template texts with what Helm v4.2.3
//! (Go 1.26's `text/template`) did with them, recorded by
//! `fixtures/parser/gen.py` through the `helm-oracle` tool:
//!
//! * `parse_error`: Go's full parse error, which we must reproduce exactly;
//! * `exec_error`: the text parsed and failed while executing at a node whose
//!   Go `String()` and position (`line:col`) the error shows; we must have a
//!   node with that position and that `Display`;
//! * `ok`: the text parsed.
//!
//! Every case is parsed under the name `gotpl`, the name Helm's `tpl` gives.
#![cfg(feature = "unstable_internals")]

use std::path::PathBuf;

use kaapana_chart::internals::ast::{Arg, ListNode, Node, PipeNode, Tree};
use kaapana_chart::internals::parse_file;
use kaapana_chart::{Error, ErrorKind};

/// The functions the cases use (a few of Helm's; anything else is
/// "not defined").
fn is_func(name: &str) -> bool {
    matches!(
        name,
        "index"
            | "printf"
            | "print"
            | "list"
            | "dict"
            | "len"
            | "tpl"
            | "include"
            | "required"
            | "quote"
    )
}

fn parse(text: &str) -> Result<Vec<Tree>, Error> {
    parse_with(text, 1000)
}

fn parse_with(text: &str, max_nesting: usize) -> Result<Vec<Tree>, Error> {
    let f: &dyn Fn(&str) -> bool = &is_func;
    parse_file("gotpl", text, &(f, max_nesting).into())
}

/// Go's `ErrorContext` location of a byte offset: 1-based line, byte column.
fn line_col(src: &str, pos: usize) -> (usize, usize) {
    let before = &src.as_bytes()[..pos.min(src.len())];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let col = match before.iter().rposition(|&b| b == b'\n') {
        Some(nl) => pos - nl - 1,
        None => pos,
    };
    (line, col)
}

/// Every node that can appear in an execution error, with its position and
/// `Display`.
fn collect(trees: &[Tree]) -> Vec<(usize, String)> {
    fn pipe(p: &PipeNode, out: &mut Vec<(usize, String)>) {
        out.push((p.pos as usize, p.to_string()));
        for v in &p.decl {
            out.push((v.pos as usize, v.to_string()));
        }
        for c in &p.cmds {
            out.push((c.pos as usize, c.to_string()));
            for a in &c.args {
                arg(a, out);
            }
        }
    }
    fn arg(a: &Arg, out: &mut Vec<(usize, String)>) {
        out.push((a.pos() as usize, a.to_string()));
        match a {
            Arg::Pipe(p) => pipe(p, out),
            Arg::Chain(c) => arg(&c.node, out),
            _ => {}
        }
    }
    fn list(l: &ListNode, out: &mut Vec<(usize, String)>) {
        for n in &l.nodes {
            match n {
                Node::Text(_) => {}
                Node::Action(a) => {
                    out.push((a.pos as usize, n.to_string()));
                    pipe(&a.pipe, out);
                }
                Node::If(b) | Node::Range(b) | Node::With(b) => {
                    out.push((b.pos as usize, n.to_string()));
                    pipe(&b.pipe, out);
                    list(&b.list, out);
                    if let Some(e) = &b.else_list {
                        list(e, out);
                    }
                }
                Node::Template(t) => {
                    out.push((t.pos as usize, n.to_string()));
                    if let Some(p) = &t.pipe {
                        pipe(p, out);
                    }
                }
                Node::Break(b) | Node::Continue(b) => out.push((b.pos as usize, n.to_string())),
            }
        }
    }
    let mut out = Vec::new();
    for t in trees {
        list(&t.root, &mut out);
    }
    out
}

fn cases() -> Vec<serde_json::Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/parser/cases.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).expect("cases.json is JSON")
}

#[test]
fn oracle_cases() {
    let cases = cases();
    assert!(cases.len() >= 120, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let text = case["template"].as_str().unwrap();
        let expect = &case["expect"];
        let got = parse(text);
        let problem = match (expect["kind"].as_str().unwrap(), &got) {
            ("parse_error", Err(e)) => {
                let want = expect["message"].as_str().unwrap();
                (e.to_string() != want)
                    .then(|| format!("error {:?}, want {:?}", e.to_string(), want))
            }
            ("parse_error", Ok(_)) => Some(format!("parsed, want {:?}", expect["message"])),
            (_, Err(e)) => Some(format!("failed: {e}")),
            ("exec_error", Ok(trees)) => {
                let want_line = expect["line"].as_u64().unwrap() as usize;
                let want_col = expect["col"].as_u64().unwrap() as usize;
                let want_node = expect["node"].as_str().unwrap();
                let nodes = collect(trees);
                let found = nodes.iter().any(|(pos, shown)| {
                    line_col(text, *pos) == (want_line, want_col) && shown == want_node
                });
                (!found).then(|| {
                    let near: Vec<_> = nodes
                        .iter()
                        .filter(|(_, s)| s == want_node)
                        .map(|(p, s)| (line_col(text, *p), s.clone()))
                        .collect();
                    format!(
                        "no node {want_node:?} at {want_line}:{want_col}; same text at {near:?}"
                    )
                })
            }
            (_, Ok(trees)) => round_trip(trees),
        };
        if let Some(p) = problem {
            failures.push(format!("{name} ({text:?}): {p}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Printing a parsed tree and parsing the print gives the same print.
fn round_trip(trees: &[Tree]) -> Option<String> {
    for t in trees {
        let shown = t.to_string();
        match parse(&shown) {
            Ok(again) => {
                let again = again[0].to_string();
                if again != shown {
                    return Some(format!("round trip of {shown:?} gave {again:?}"));
                }
            }
            Err(e) => return Some(format!("reparsing {shown:?}: {e}")),
        }
    }
    None
}

#[test]
fn error_points_at_token() {
    let err = parse("a: {{ .x }}\nb: {{ foo 1 }}\n").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TemplateSyntax);
    assert_eq!(
        err.to_string(),
        "template: gotpl:2: function \"foo\" not defined"
    );
    assert_eq!(err.name(), Some("gotpl"));
    assert_eq!(err.line(), Some(2));
    assert_eq!(err.column(), Some(6));
    let rich = format!("{err:#}");
    assert!(rich.contains("2 | b: {{ foo 1 }}"), "{rich}");
    assert!(rich.contains("^^^"), "{rich}");
}

#[test]
fn trees_in_order_with_shared_source() {
    let src =
        "{{ define \"a\" }}A{{ end }}x{{ block \"b\" . }}B{{ end }}{{ define \"c\" }}C{{ end }}";
    let trees = parse(src).unwrap();
    let names: Vec<&str> = trees.iter().map(|t| &*t.name).collect();
    assert_eq!(names, ["gotpl", "a", "b", "c"]);
    for t in &trees {
        assert_eq!(&*t.parse_name, "gotpl");
        assert_eq!(&*t.source, src);
    }
    assert_eq!(trees[0].to_string(), "x{{template \"b\" .}}");
    assert_eq!(trees[2].to_string(), "B");
}

#[test]
fn nesting_limit() {
    let ok = "{{ if 1 }}".repeat(5) + &"{{ end }}".repeat(5);
    parse_with(&ok, 5).unwrap();
    let deep = "{{ if 1 }}".repeat(6) + &"{{ end }}".repeat(6);
    let err = parse_with(&deep, 5).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LimitExceeded);
    assert_eq!(
        err.to_string(),
        "template: gotpl:1: max nesting depth exceeded"
    );
}

#[test]
fn deep_input_on_small_stack() {
    let run = || {
        let ifs = "{{if 1}}".repeat(100_000);
        let err = parse(&ifs).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LimitExceeded);
        let parens = format!("{{{{{}1{}}}}}", "(".repeat(100_000), ")".repeat(100_000));
        let err = parse(&parens).unwrap_err();
        assert_eq!(
            err.to_string(),
            "template: gotpl:1: max expression depth exceeded"
        );
        let ok = format!("{{{{{}1{}}}}}", "(".repeat(10_000), ")".repeat(10_000));
        let trees = parse(&ok).unwrap();
        assert_eq!(trees[0].to_string().len(), ok.len());
        drop(trees);
        let ifs = "{{if 1}}".repeat(1000) + &"{{end}}".repeat(1000);
        let trees = parse(&ifs).unwrap();
        assert_eq!(trees[0].to_string(), ifs);
    };
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
}
