//! The `kaapana-chart` command line. (Being written.)
fn main() {}
