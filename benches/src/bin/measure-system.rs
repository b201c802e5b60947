//! Times renders with the system allocator, as an embedder that does not
//! choose one gets them (see `kaapana_chart_benches::measure`).

use std::process::ExitCode;

fn main() -> ExitCode {
    kaapana_chart_benches::measure::main("measure-system")
}
