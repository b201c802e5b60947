//! Values coalescing: two values documents (chart defaults, a `---` line,
//! user values) are coalesced and merged both ways. Any two maps must
//! coalesce to a map or an error; coalescing with empty user values must
//! be idempotent.
#![no_main]

use kaapana_chart::chart::coalesce::{coalesce_tables, merge_tables, merge_user_values};
use kaapana_chart::{to_json, values_from_yaml, JsonStyle, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (a, b) = input.split_once("\n---\n").unwrap_or((input, ""));
    let (Ok(defaults), Ok(user)) = (values_from_yaml(a), values_from_yaml(b)) else {
        return;
    };
    let mut w = Vec::new();
    let _ = merge_tables(&user.deep_copy(), &defaults.deep_copy(), &mut w);
    let _ = merge_user_values(&[defaults.deep_copy(), user.deep_copy()]);
    if let Ok(once) = coalesce_tables(&Value::empty_map(), &defaults.deep_copy(), &mut w) {
        let twice = coalesce_tables(&Value::empty_map(), &once.deep_copy(), &mut w);
        if let Ok(twice) = twice {
            assert_eq!(
                to_json(&once, JsonStyle::Compact).ok(),
                to_json(&twice, JsonStyle::Compact).ok()
            );
        }
    }
    let _ = coalesce_tables(&user, &defaults, &mut w);
});
