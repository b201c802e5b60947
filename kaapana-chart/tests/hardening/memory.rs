//! Peak memory of a render against the size of its input and output.
//!
//! The issue asks that the peak memory of rendering a chart be at most a
//! small multiple of its input plus output size. Each chart here is written
//! by the parent test process and loaded and rendered in a fresh child (see
//! `harness.rs`), which compares its resident-set high-water mark
//! (`VmHWM`) after the render with its resident set (`VmRSS`) before:
//! growth ≤ [`MEMORY_FACTOR`] × (input + output) + [`MEMORY_SLACK`].
//! The figures each child prints are the ones `docs/memory.md` reports.

use std::path::{Path, PathBuf};

use kaapana_chart::chart::loader;
use kaapana_chart::{Engine, Release, Value};

/// Bound on peak growth per byte of input plus output. Measured (release,
/// 2026-11-22): 3.8× to 6.9× (debug, 2026-11-21: 4.5× to 9.7×), see
/// `docs/memory.md`; a regression to a copy per template or per value level
/// would pass this at once.
pub const MEMORY_FACTOR: u64 = 16;

/// Fixed allowance: the engine's tables, thread stacks, allocator arenas.
pub const MEMORY_SLACK: u64 = 16 << 20;

/// Where the parent writes the charts.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("hardening-memory")
}

fn write_chart(name: &str, files: &[(String, String)]) {
    let root = dir().join(name);
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("Chart.yaml"),
        format!("apiVersion: v2\nname: {name}\nversion: 1.0.0\n"),
    )
    .unwrap();
    for (path, text) in files {
        std::fs::write(root.join(path), text).unwrap();
    }
}

/// A 4.6 MB values file of 45,000 small maps, printed with `toYaml`.
pub fn write_values_heavy() {
    let mut values = String::from("items:\n");
    for i in 0..45_000 {
        values.push_str(&format!(
            "  - name: item-{i}\n    value: \"{}\"\n    n: {i}\n",
            "x".repeat(60)
        ));
    }
    write_chart(
        "values-heavy",
        &[
            ("values.yaml".into(), values),
            (
                "templates/cm.yaml".into(),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  v: |\n{{ toYaml .Values.items | indent 4 }}\n".into(),
            ),
        ],
    );
}

/// 2,000 templates of 100 keys each (3.7 MB of output).
pub fn write_template_heavy() {
    let mut files = vec![("values.yaml".to_owned(), "image: nginx\n".to_owned())];
    for i in 0..2_000 {
        files.push((
            format!("templates/t{i}.yaml"),
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n{{{{- range until 100 }}}}\n  k{{{{ . }}}}: {{{{ printf \"%s-%d\" $.Values.image . | quote }}}}\n{{{{- end }}}}\n"
            ),
        ));
    }
    write_chart("template-heavy", &files);
}

/// One small template whose loop writes 7 MB.
pub fn write_output_heavy() {
    write_chart(
        "output-heavy",
        &[
            ("values.yaml".into(), "count: 200000\n".into()),
            (
                "templates/a.yaml".into(),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n{{- range until (int .Values.count) }}\n  key{{ . }}: {{ . | toString | sha256sum | trunc 20 | quote }}\n{{- end }}\n".into(),
            ),
        ],
    );
}

/// A `/proc/self/status` field in bytes (`None` off Linux).
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// In the child: loads and renders chart `name`, checks the bound.
pub fn check(name: &str) {
    let root = dir().join(name);
    let input: u64 = walk(&root);
    let Some(before) = status_kib("VmRSS:") else {
        eprintln!("memory {name}: no /proc/self/status, not measured");
        return;
    };
    let chart = loader::load(&root).unwrap();
    let rendered = Engine::new()
        .render_chart(&chart, &Value::empty_map(), &Release::default())
        .unwrap();
    let output: u64 = rendered.files.values().map(|s| s.len() as u64).sum();
    let peak = status_kib("VmHWM:").unwrap();
    drop(rendered);
    drop(chart);
    let growth = peak.saturating_sub(before);
    let ratio = growth as f64 / (input + output) as f64;
    eprintln!(
        "memory {name}: input {input} B, output {output} B, peak growth {growth} B ({ratio:.1}x input+output)"
    );
    assert!(output > 1 << 20, "{name}: output {output}");
    assert!(
        growth <= MEMORY_FACTOR * (input + output) + MEMORY_SLACK,
        "{name}: peak growth {growth} B for {input} B in and {output} B out"
    );
}

fn walk(p: &Path) -> u64 {
    let Ok(meta) = std::fs::metadata(p) else {
        return 0;
    };
    if meta.is_dir() {
        std::fs::read_dir(p)
            .map(|rd| rd.flatten().map(|e| walk(&e.path())).sum())
            .unwrap_or(0)
    } else {
        meta.len()
    }
}
