//! Times renders with mimalloc as the global allocator, as the
//! `kaapana-chart` command line runs them (see `kaapana_chart_benches::measure`).

use std::process::ExitCode;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    kaapana_chart_benches::measure::main("measure")
}
