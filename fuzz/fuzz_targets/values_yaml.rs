//! Values YAML: `values_from_yaml` on arbitrary text returns values or an
//! error (never a panic, stack overflow, hang or alias blow-up); what it
//! returns can be written back (`toYaml`, `toJson`) and dropped.
#![no_main]

use kaapana_chart::{to_json, to_yaml, values_from_yaml, JsonStyle};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(v) = values_from_yaml(src) {
        let _ = to_yaml(&v);
        let _ = to_json(&v, JsonStyle::Compact);
    }
});
