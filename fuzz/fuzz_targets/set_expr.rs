//! `--set` expressions: every strvals parser (`--set`, `--set-string`,
//! `--set-json`, `--set-literal`) on arbitrary text returns or errors within
//! the nesting, index and list-slot limits.
#![no_main]

use kaapana_chart::chart::strvals::{
    parse_set, parse_set_json, parse_set_literal, parse_set_string,
};
use kaapana_chart::{to_json, JsonStyle, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(expr) = std::str::from_utf8(data) else {
        return;
    };
    for parse in [
        parse_set,
        parse_set_string,
        parse_set_json,
        parse_set_literal,
    ] {
        let v = Value::empty_map();
        if parse(expr, &v).is_ok() {
            let _ = to_json(&v, JsonStyle::Compact);
        }
    }
});
