//! The chart upload check: an upload reaches a report (accepted or rejected
//! with findings), never a panic, a stack overflow, a hang or an unbounded
//! allocation.
//!
//! Input: a gzip stream (starts with `1f 8b`) is checked as the uploaded
//! bytes. Anything else is a bundle of files, each introduced by a line
//! `=== <path>`, packed here into a `.tgz` first: mutating compressed bytes
//! mostly breaks the gzip checksum (the `chart_archive` target covers that),
//! while the bundle lets the fuzzer change templates, values, namespaces and
//! `extension_params` that the check renders and reads.
#![no_main]

use std::time::Duration;

use kaapana_chart::upload::{check_upload, Policy};
use kaapana_chart::Limits;
use libfuzzer_sys::fuzz_target;

/// Splits `=== name\n<content>` records.
fn bundle(data: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut out = Vec::new();
    let mut rest = data;
    // Records start at the beginning or after a newline.
    while let Some(start) = find(rest, b"=== ") {
        if start != 0 && rest[start - 1] != b'\n' {
            rest = &rest[start + 4..];
            continue;
        }
        let after = &rest[start + 4..];
        let name_end = find(after, b"\n").unwrap_or(after.len());
        let name = &after[..name_end];
        let body = after.get(name_end + 1..).unwrap_or(&[]);
        let end = find(body, b"\n=== ").map_or(body.len(), |i| i + 1);
        out.push((name, &body[..end]));
        rest = &body[end..];
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn pack(files: &[(&[u8], &[u8])]) -> Option<Vec<u8>> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for (name, body) in files {
        let mut h = tar::Header::new_gnu();
        // Raw name bytes, so that the fuzzer can write `..`, absolute and
        // odd names the tar crate's path helpers would refuse.
        let raw = &mut h.as_old_mut().name;
        let n = name.len().min(raw.len());
        raw[..n].copy_from_slice(&name[..n]);
        h.set_size(body.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        tar.append(&h, *body).ok()?;
    }
    tar.into_inner().ok()?.finish().ok()
}

fuzz_target!(|data: &[u8]| {
    let policy = Policy {
        // Small budgets so that each run is quick; the rules are the same.
        limits: Limits {
            fuel: Some(200_000),
            max_output: 1 << 20,
            // Slow crypto costs seconds under the sanitizer (see render.rs).
            max_slow_crypto: 0,
            ..Limits::default()
        },
        max_check_time: Duration::from_secs(5),
        load_options: kaapana_chart::chart::loader::LoadOptions {
            max_decompressed_size: 8 << 20,
            max_file_size: 1 << 20,
            ..Default::default()
        },
        ..Policy::default()
    };
    let bytes;
    let upload = if data.starts_with(&[0x1f, 0x8b]) {
        data
    } else {
        match pack(&bundle(data)) {
            Some(b) => {
                bytes = b;
                &bytes
            }
            None => return,
        }
    };
    let check = check_upload(upload, Some("upload.tgz"), &policy);
    // The report's two forms must always be producible.
    let _ = check.to_text();
    let _ = check.to_json();
});
