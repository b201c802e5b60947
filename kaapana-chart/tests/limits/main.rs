//! Hostile inputs from the issue and hardening.md part C/E, through the
//! public API. Each runs on a 2 MiB thread (a small stack proves that no
//! recursion is unbounded) and must end in a clear error, quickly.

#[path = "../common/mod.rs"]
mod common;

use std::time::Duration;

use kaapana_chart::{values_from_yaml, Engine, ErrorKind, TemplateFile, Value};

/// A hang guard, not a speed test: the slowest case (a fuel-bound runaway
/// loop) takes about 2 s in a debug build on an idle core, and took over
/// 10 s while other builds shared the machine. Speed is measured by the
/// benchmarks.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// Runs `f` on a 2 MiB stack, failing on panic, stack overflow or a hang.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    common::on_small_stack_within(HANG_GUARD, f)
}

fn render(src: String) -> Result<String, kaapana_chart::Error> {
    let files = [TemplateFile::new("c/templates/t.yaml", src, "c/templates")];
    Engine::new()
        .render_templates(&files, &Value::empty_map())
        .map(|mut m| m.remove("c/templates/t.yaml").unwrap_or_default())
}

#[test]
fn hundred_thousand_nested_parentheses() {
    let err = on_small_stack(|| {
        let n = 100_000;
        render(format!("{{{{ {}1{} }}}}", "(".repeat(n), ")".repeat(n))).unwrap_err()
    });
    assert!(
        matches!(
            err.kind(),
            ErrorKind::TemplateSyntax | ErrorKind::LimitExceeded
        ),
        "{err}"
    );
}

#[test]
fn hundred_thousand_nested_ifs() {
    let err = on_small_stack(|| {
        let n = 100_000;
        render(format!("{}x{}", "{{if 1}}".repeat(n), "{{end}}".repeat(n))).unwrap_err()
    });
    assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
}

#[test]
fn self_calling_template() {
    let err = on_small_stack(|| {
        render(r#"{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}"#.to_owned())
            .unwrap_err()
    });
    assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
    assert!(
        err.to_string().contains("exceeded maximum template depth"),
        "{err}"
    );
}

#[test]
fn self_including_template() {
    // Helm's own limit (1000 nested includes of one name) stops this first.
    let err = on_small_stack(|| {
        render(r#"{{ define "r" }}{{ include "r" . }}{{ end }}{{ include "r" . }}"#.to_owned())
            .unwrap_err()
    });
    assert!(
        err.to_string().ends_with(
            "rendering template has a nested reference name: r: unable to execute template"
        ),
        "{}",
        &err.to_string()[err.to_string().len().saturating_sub(200)..]
    );
}

#[test]
fn five_mebibytes_of_open_brackets() {
    let err = on_small_stack(|| values_from_yaml(&"[".repeat(5 * 1024 * 1024)).unwrap_err());
    assert!(
        matches!(err.kind(), ErrorKind::LimitExceeded | ErrorKind::Yaml),
        "{err}"
    );
}

#[test]
fn thirty_thousand_nested_block_sequences() {
    let err = on_small_stack(|| {
        let mut doc = String::from("a:\n");
        for i in 0..30_000 {
            doc.push_str(&" ".repeat(i));
            doc.push_str("-\n");
        }
        values_from_yaml(&doc).unwrap_err()
    });
    assert!(
        matches!(err.kind(), ErrorKind::LimitExceeded | ErrorKind::Yaml),
        "{err}"
    );
}

#[test]
fn thirty_thousand_dashes_on_one_line() {
    let err =
        on_small_stack(|| values_from_yaml(&format!("{}x\n", "- ".repeat(30_000))).unwrap_err());
    assert!(
        matches!(err.kind(), ErrorKind::LimitExceeded | ErrorKind::Yaml),
        "{err}"
    );
}

#[test]
fn runaway_loop_runs_out_of_fuel() {
    let err = on_small_stack(|| {
        render("{{ range 1000000000 }}{{ range 1000000000 }}{{ end }}{{ end }}".to_owned())
            .unwrap_err()
    });
    assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
}
