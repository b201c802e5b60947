//! YAML/JSON emit round trips: whatever values a YAML document gives,
//! `toYaml` parses back to the same values and emits the same text again,
//! and `toJson` parses back (`fromJson`) to the same JSON.
//!
//! One exception, Helm's own: a `<<` key is written unquoted and read back
//! as a merge key (fixture serialize/toyaml-merge-key-unquoted), so YAML
//! with a `<<:` line is not required to round-trip.
#![no_main]

use kaapana_chart::{from_json, to_json, to_yaml, values_from_yaml, JsonStyle};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(v) = values_from_yaml(src) else {
        return;
    };
    if let Some(yaml) = to_yaml(&v).ok().filter(|y| !y.contains("<<:")) {
        let back = values_from_yaml(&yaml).expect("toYaml output parses");
        assert_eq!(
            to_yaml(&back).ok().as_deref(),
            Some(yaml.as_str()),
            "emit is stable"
        );
    }
    if let Ok(json) = to_json(&v, JsonStyle::Compact) {
        let back = from_json(&json).expect("toJson output parses");
        assert_eq!(to_json(&back, JsonStyle::Compact).ok(), Some(json));
    }
});
