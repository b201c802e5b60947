//! Archive builders for the cases too big to commit as fixtures, shared by
//! the loader and hardening test binaries (each includes this file with
//! `#[path = "../common/tar.rs"]`).

// Each binary uses a different part of it.
#![allow(dead_code)]

use std::io::Write;

pub const MIB: usize = 1024 * 1024;

fn octal(n: u64, width: usize) -> Vec<u8> {
    let mut s = format!("{n:0w$o}", w = width - 1).into_bytes();
    s.push(0);
    s
}

/// A ustar header; sizes past the octal field use base-256.
pub fn header(name: &str, size: u64, typeflag: u8) -> [u8; 512] {
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name.as_bytes());
    h[100..108].copy_from_slice(&octal(0o644, 8));
    h[108..116].copy_from_slice(&octal(0, 8));
    h[116..124].copy_from_slice(&octal(0, 8));
    if size < 8u64.pow(11) {
        h[124..136].copy_from_slice(&octal(size, 12));
    } else {
        h[124] = 0x80;
        h[128..136].copy_from_slice(&size.to_be_bytes());
    }
    h[136..148].copy_from_slice(&octal(0, 12));
    h[156] = typeflag;
    h[257..265].copy_from_slice(b"ustar\x0000");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

pub fn entry(name: &str, data: &[u8]) -> Vec<u8> {
    let mut out = header(name, data.len() as u64, b'0').to_vec();
    out.extend_from_slice(data);
    out.resize(out.len().next_multiple_of(512), 0);
    out
}

pub fn pax_path(path: &str) -> Vec<u8> {
    let body = format!(" path={path}\n");
    let mut n = body.len() + 1;
    while n.to_string().len() + body.len() != n {
        n = n.to_string().len() + body.len();
    }
    let rec = format!("{n}{body}");
    let mut out = header("PaxHeaders/x", rec.len() as u64, b'x').to_vec();
    out.extend_from_slice(rec.as_bytes());
    out.resize(out.len().next_multiple_of(512), 0);
    out
}

pub fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// `n` MiB of zeros as identical gzip members (one MiB compressed once).
pub fn zero_members(n: usize) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&vec![0u8; MIB]).unwrap();
    e.finish().unwrap().repeat(n)
}

pub fn chart_yaml(name: &str) -> Vec<u8> {
    format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\n").into_bytes()
}

pub fn end() -> Vec<u8> {
    vec![0u8; 1024]
}

/// A chart archive `c/` holding `files` (path below the chart, content).
pub fn chart(files: &[(&str, &str)]) -> Vec<u8> {
    let mut tar = entry("c/Chart.yaml", &chart_yaml("c"));
    for (p, d) in files {
        tar.extend(entry(&format!("c/{p}"), d.as_bytes()));
    }
    tar.extend(end());
    gz(&tar)
}

/// `levels` archives each nested in the previous one's `charts/`, each
/// with `zeros_mib` MiB of zeros.
pub fn nested(levels: usize, zeros_mib: usize) -> Vec<u8> {
    let mut inner: Option<Vec<u8>> = None;
    for level in (1..=levels).rev() {
        let top = format!("n{level}");
        let mut tar = entry(&format!("{top}/Chart.yaml"), &chart_yaml(&top));
        if let Some(sub) = inner.take() {
            tar.extend(entry(&format!("{top}/charts/n{}.tgz", level + 1), &sub));
        }
        let mut tgz = gz(&tar);
        for (i, start) in (0..zeros_mib).step_by(4).enumerate() {
            let n = (zeros_mib - start).min(4);
            tgz.extend(gz(&header(
                &format!("{top}/zeros{i}"),
                (n * MIB) as u64,
                b'0',
            )));
            tgz.extend(zero_members(n));
        }
        tgz.extend(gz(&end()));
        inner = Some(tgz);
    }
    inner.unwrap_or_default()
}
