//! Parse: every template file of an input added to a fresh `TemplateSet`
//! (lexer → parser → AST, plus registering the file's `define`s).

use kaapana_chart::{Options, TemplateSet};
use kaapana_chart_benches::{Input, INPUTS};

fn main() {
    divan::main();
}

#[divan::bench(args = INPUTS)]
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
