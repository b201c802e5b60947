//! Any UTF-8 text handed to the template parser must come back as trees or
//! an error: never a panic, a stack overflow or a hang.
#![no_main]

use kaapana_chart::internals::{parse_file, ParseConfig};
use kaapana_chart::limits::MAX_NESTING_DEPTH;
use libfuzzer_sys::fuzz_target;

/// Every identifier counts as a function. With the real registry most
/// inputs would stop at `function "x" not defined`; accepting all names lets
/// the fuzzer reach the rest of the grammar. The render target covers the
/// real registry.
fn any_function(_: &str) -> bool {
    true
}

fuzz_target!(|data: &[u8]| {
    // Templates reach the engine as Rust strings; invalid UTF-8 is rejected
    // before the parser by whoever reads the file.
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let cfg = ParseConfig {
        is_func: &any_function,
        max_nesting: MAX_NESTING_DEPTH,
    };
    let _ = parse_file("fuzz/templates/case.tpl", source, &cfg);
});
