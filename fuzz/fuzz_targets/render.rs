//! Render an arbitrary template against arbitrary values with tight limits.
//! Whatever the input, the engine must return output or an error: no panic,
//! no stack overflow, no hang, no unbounded allocation.
//!
//! Input format (the fixture format without the `#!` header, so fixtures are
//! seeds as they are):
//!
//! ```text
//! <values YAML>
//! ---
//! <template>
//! ```
//!
//! Without a `---` line the whole input is the template and the values are
//! empty.
#![no_main]

use kaapana_chart::{values_from_yaml, Engine, Limits, TemplateFile, Value};
use libfuzzer_sys::fuzz_target;

/// Much tighter than the defaults so that each run is fast: libFuzzer's
/// timeout then only fires on a real hang (work not charged to fuel).
fn limits() -> Limits {
    Limits {
        fuel: Some(100_000),
        max_output: 1 << 20,
        max_call_depth: 200,
        // Slow crypto (RSA keys, bcrypt, scrypt) costs seconds under the
        // sanitizer, and libFuzzer reports a slow input as a hang: those
        // functions stop at their limit here (tests/random_crypto.rs
        // covers them).
        max_slow_crypto: 0,
        ..Limits::default()
    }
}

fn split(input: &str) -> (&str, &str) {
    if let Some(rest) = input.strip_prefix("---\n") {
        return ("", rest);
    }
    match input.find("\n---\n") {
        Some(at) => (&input[..at + 1], &input[at + 5..]),
        None => ("", input),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (values_src, template) = split(input);
    // Values YAML that Helm would reject is rejected here too; the YAML
    // reader itself must not panic either.
    let values = if values_src.trim().is_empty() {
        Value::empty_map()
    } else {
        match values_from_yaml(values_src) {
            Ok(values) => values,
            Err(_) => return,
        }
    };
    let root = Value::from_iter([
        ("Values", values),
        (
            "Release",
            Value::from_iter([
                ("Name", Value::from("release-name")),
                ("Namespace", Value::from("default")),
            ]),
        ),
    ]);
    let files = [
        TemplateFile::new("fuzz/templates/case.tpl", template, "fuzz/templates"),
        // A partial that the template can include, so that `include` and
        // `template` have somewhere to go besides themselves.
        TemplateFile::new(
            "fuzz/templates/_helpers.tpl",
            r#"{{ define "fuzz.name" }}{{ .Release.Name }}-fuzz{{ end }}"#,
            "fuzz/templates",
        ),
    ];
    let engine = Engine::new().with_limits(limits());
    let _ = engine.render_templates(&files, &root);
});
