//! Parse: every template file of an input added to a fresh `TemplateSet`
//! (lexer → parser → AST, plus registering the file's `define`s).
//!
//! Inputs: the same as the render benchmark (`render_inputs`).

use kaapana_chart::{Options, TemplateSet};
use kaapana_chart_benches::{render_inputs, Input};

fn main() {
    divan::main();
}

#[divan::bench(args = render_inputs())]
fn parse(bencher: divan::Bencher<'_, '_>, name: &str) {
    let input = Input::named(name).expect("benchmark input loads");
    let files = input.template_sources();
    bencher
        .counter(divan::counter::BytesCount::new(input.source_bytes()))
        .bench(|| {
            let mut set = TemplateSet::new(Options::default());
            for (name, source) in &files {
                set.add(name, source).expect("input parses");
            }
            set
        });
}
