//! Values: `values_from_yaml` of each input's `values.yaml`, the YAML half
//! of loading a chart (Helm reads it through `sigs.k8s.io/yaml`).

use kaapana_chart::values_from_yaml;
use kaapana_chart_benches::{inputs_dir, INPUTS};

fn main() {
    divan::main();
}

#[divan::bench(args = INPUTS)]
fn values_yaml(bencher: divan::Bencher<'_, '_>, name: &str) {
    let path = inputs_dir().join(name).join("values.yaml");
    let src = std::fs::read_to_string(&path).expect("benchmark input reads");
    values_from_yaml(&src).expect("values parse");
    bencher
        .counter(divan::counter::BytesCount::new(src.len()))
        .bench(|| values_from_yaml(&src).expect("values parse"));
}
