//! Chart archive loading: arbitrary bytes as a `.tgz` upload load into a
//! chart or fail with a loader rule, within the loader's budgets, and no
//! loaded file name leaves the chart.
#![no_main]

use kaapana_chart::chart::loader::{load_archive_with, LoadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Budgets scaled down so that each run is fast; the rules are the same.
    let opts = LoadOptions {
        max_decompressed_size: 8 << 20,
        max_file_size: 1 << 20,
        ..LoadOptions::default()
    };
    if let Ok(chart) = load_archive_with(data, &opts) {
        for f in &chart.raw {
            assert!(!f.name.starts_with('/'), "{}", f.name);
            assert!(!f.name.split('/').any(|p| p == ".."), "{}", f.name);
        }
    }
});
