//! The `kaapana-chart` command line.
//!
//! Exit codes: 0 success, 1 the render failed (the error is printed on
//! stderr), 2 the command line was wrong.

use std::process::ExitCode;

use kaapana_chart::{values_from_yaml, Engine, TemplateFile, Value};

const USAGE: &str = "\
kaapana-chart: a pure-Rust Helm chart engine

Usage:
  kaapana-chart render-fixture CASE.tmpl   Render a template fixture (values, a line '---',
                                           the template) as Helm would, and print the output
  kaapana-chart --version                  Print the version
  kaapana-chart --help                     Print this help

Exit codes: 0 success, 1 render error, 2 usage error.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("render-fixture") if args.len() == 2 => render_fixture(&args[1]),
        Some("--version") | Some("-V") => {
            println!("kaapana-chart {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some("--help") | Some("-h") | Some("help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// A fixture file: `#! ` header lines, values YAML, a `---` line, the
/// template (see fixtures/README.md).
fn render_fixture(path: &str) -> ExitCode {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("Error: cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut strict = false;
    let mut rest = text.as_str();
    while let Some(line) = rest.strip_prefix("#! ") {
        let (head, tail) = line.split_once('\n').unwrap_or((line, ""));
        if head.trim() == "strict" {
            strict = true;
        }
        rest = tail;
    }
    let (values_text, template) = if let Some(t) = rest.strip_prefix("---\n") {
        ("", t)
    } else {
        match rest.split_once("\n---\n") {
            Some((v, t)) => (v, t),
            None => {
                eprintln!("Error: {path}: no '---' line separates the values from the template");
                return ExitCode::from(2);
            }
        }
    };
    let values = match values_from_yaml(values_text) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("Error: {path}: values: {e:#}");
            return ExitCode::from(1);
        }
    };
    let root = Value::from_iter([("Values", values)]);
    let files = [TemplateFile::new(
        "fixture/templates/case.tpl",
        template,
        "fixture/templates",
    )];
    match Engine::new()
        .with_strict(strict)
        .render_templates(&files, &root)
    {
        Ok(out) => {
            print!(
                "{}",
                out.get("fixture/templates/case.tpl")
                    .map_or("", String::as_str)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::from(1)
        }
    }
}
