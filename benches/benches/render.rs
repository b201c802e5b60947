//! Render: `Engine::render_chart` of a whole input, which is what Helm's
//! engine does per chart (parse every file into one set, execute every
//! non-partial file). The difference to the parse benchmark is execution.
//!
//! Inputs: `benches/inputs/*`, the Kaapana fixture tree (`kaapana`), and the
//! platform-sized tree (`platform`) when `KAAPANA_BENCH_PLATFORM` names one
//! (see `render_inputs`).

use kaapana_chart::Engine;
use kaapana_chart_benches::{render_inputs, Input};

fn main() {
    divan::main();
}

#[divan::bench(args = render_inputs())]
fn render(bencher: divan::Bencher<'_, '_>, name: &str) {
    let input = Input::named(name).expect("benchmark input loads");
    let engine = Engine::new();
    let output: usize = input
        .render(&engine)
        .expect("input renders")
        .values()
        .map(String::len)
        .sum();
    bencher
        .counter(divan::counter::BytesCount::new(output))
        .bench(|| input.render(&engine).expect("input renders"));
}
