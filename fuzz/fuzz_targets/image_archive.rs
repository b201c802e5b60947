//! The image-archive upload check on arbitrary bytes: a report, never a
//! panic, hang or unbounded allocation.
#![no_main]

use kaapana_chart::upload::image::check_image_archive;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = check_image_archive(data);
});
