//! Helm's `EnsureArchive` (`pkg/chart/loader/archive/archive.go`): before
//! reading a chart archive file, look at its first 512 bytes and explain
//! what it is if it is not gzip — with Go's `http.DetectContentType`
//! (`net/http/sniff.go`, the WHATWG MIME sniffing table), ported here.

use super::{violation, Rule};
use crate::error::Result;

/// Go's `sniffLen`.
const SNIFF_LEN: usize = 512;

/// Helm's check. Helm reads the first 512 bytes into a zeroed 512-byte
/// buffer and sniffs the whole buffer, so a short file is padded with NULs
/// (which makes most short text files `application/octet-stream`).
pub(super) fn ensure_archive(name: &str, bytes: &[u8]) -> Result<()> {
    let mut buf = [0u8; SNIFF_LEN];
    let n = bytes.len().min(SNIFF_LEN);
    buf[..n].copy_from_slice(&bytes[..n]);
    let content_type = detect_content_type(&buf);
    if content_type == "application/x-gzip" || buf.starts_with(b"\x1F\x8B\x08") {
        return Ok(());
    }
    let msg = if name.ends_with(".yml") || name.ends_with(".yaml") {
        format!("file '{name}' seems to be a YAML file, but expected a gzipped archive")
    } else {
        format!("file '{name}' does not appear to be a gzipped archive; got '{content_type}'")
    };
    Err(violation(
        Rule::NotGzip,
        msg,
        Some(name),
        format!("the file looks like {content_type}"),
    ))
}

/// One row of Go's signature table.
enum Sig {
    /// `htmlSig`: a case-insensitive tag after leading white space,
    /// followed by a space or `>`.
    Html(&'static [u8]),
    /// `maskedSig`.
    Masked {
        mask: &'static [u8],
        pat: &'static [u8],
        skip_ws: bool,
        ct: &'static str,
    },
    /// `exactSig`: a prefix.
    Exact(&'static [u8], &'static str),
    /// `mp4Sig`.
    Mp4,
    /// `textSig`: no binary bytes after leading white space.
    Text,
}

const fn masked(mask: &'static [u8], pat: &'static [u8], ct: &'static str) -> Sig {
    Sig::Masked {
        mask,
        pat,
        skip_ws: false,
        ct,
    }
}

/// Go's `sniffSignatures`, in order.
const SIGNATURES: &[Sig] = &[
    Sig::Html(b"<!DOCTYPE HTML"),
    Sig::Html(b"<HTML"),
    Sig::Html(b"<HEAD"),
    Sig::Html(b"<SCRIPT"),
    Sig::Html(b"<IFRAME"),
    Sig::Html(b"<H1"),
    Sig::Html(b"<DIV"),
    Sig::Html(b"<FONT"),
    Sig::Html(b"<TABLE"),
    Sig::Html(b"<A"),
    Sig::Html(b"<STYLE"),
    Sig::Html(b"<TITLE"),
    Sig::Html(b"<B"),
    Sig::Html(b"<BODY"),
    Sig::Html(b"<BR"),
    Sig::Html(b"<P"),
    Sig::Html(b"<!--"),
    Sig::Masked {
        mask: b"\xFF\xFF\xFF\xFF\xFF",
        pat: b"<?xml",
        skip_ws: true,
        ct: "text/xml; charset=utf-8",
    },
    Sig::Exact(b"%PDF-", "application/pdf"),
    Sig::Exact(b"%!PS-Adobe-", "application/postscript"),
    masked(
        b"\xFF\xFF\x00\x00",
        b"\xFE\xFF\x00\x00",
        "text/plain; charset=utf-16be",
    ),
    masked(
        b"\xFF\xFF\x00\x00",
        b"\xFF\xFE\x00\x00",
        "text/plain; charset=utf-16le",
    ),
    masked(
        b"\xFF\xFF\xFF\x00",
        b"\xEF\xBB\xBF\x00",
        "text/plain; charset=utf-8",
    ),
    Sig::Exact(b"\x00\x00\x01\x00", "image/x-icon"),
    Sig::Exact(b"\x00\x00\x02\x00", "image/x-icon"),
    Sig::Exact(b"BM", "image/bmp"),
    Sig::Exact(b"GIF87a", "image/gif"),
    Sig::Exact(b"GIF89a", "image/gif"),
    masked(
        b"\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF\xFF\xFF",
        b"RIFF\x00\x00\x00\x00WEBPVP",
        "image/webp",
    ),
    Sig::Exact(b"\x89PNG\x0D\x0A\x1A\x0A", "image/png"),
    Sig::Exact(b"\xFF\xD8\xFF", "image/jpeg"),
    masked(
        b"\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF",
        b"FORM\x00\x00\x00\x00AIFF",
        "audio/aiff",
    ),
    masked(b"\xFF\xFF\xFF", b"ID3", "audio/mpeg"),
    masked(b"\xFF\xFF\xFF\xFF\xFF", b"OggS\x00", "application/ogg"),
    masked(
        b"\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF",
        b"MThd\x00\x00\x00\x06",
        "audio/midi",
    ),
    masked(
        b"\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF",
        b"RIFF\x00\x00\x00\x00AVI ",
        "video/avi",
    ),
    masked(
        b"\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF",
        b"RIFF\x00\x00\x00\x00WAVE",
        "audio/wave",
    ),
    Sig::Mp4,
    Sig::Exact(b"\x1A\x45\xDF\xA3", "video/webm"),
    masked(
        &[
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0xFF, 0xFF,
        ],
        &[
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, b'L', b'P',
        ],
        "application/vnd.ms-fontobject",
    ),
    Sig::Exact(b"\x00\x01\x00\x00", "font/ttf"),
    Sig::Exact(b"OTTO", "font/otf"),
    Sig::Exact(b"ttcf", "font/collection"),
    Sig::Exact(b"wOFF", "font/woff"),
    Sig::Exact(b"wOF2", "font/woff2"),
    Sig::Exact(b"\x1F\x8B\x08", "application/x-gzip"),
    Sig::Exact(b"PK\x03\x04", "application/zip"),
    Sig::Exact(b"Rar!\x1A\x07\x00", "application/x-rar-compressed"),
    Sig::Exact(b"Rar!\x1A\x07\x01\x00", "application/x-rar-compressed"),
    Sig::Exact(b"\x00\x61\x73\x6D", "application/wasm"),
    Sig::Text,
];

/// Go's `http.DetectContentType`.
pub(super) fn detect_content_type(data: &[u8]) -> &'static str {
    let data = &data[..data.len().min(SNIFF_LEN)];
    let first_non_ws = data.iter().position(|&b| !is_ws(b)).unwrap_or(data.len());
    for sig in SIGNATURES {
        if let Some(ct) = sig_match(sig, data, first_non_ws) {
            return ct;
        }
    }
    "application/octet-stream"
}

fn is_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn sig_match(sig: &Sig, data: &[u8], first_non_ws: usize) -> Option<&'static str> {
    match *sig {
        Sig::Html(tag) => {
            let d = &data[first_non_ws..];
            if d.len() < tag.len() + 1 {
                return None;
            }
            for (i, &b) in tag.iter().enumerate() {
                let mut db = d[i];
                if b.is_ascii_uppercase() {
                    db &= 0xDF;
                }
                if b != db {
                    return None;
                }
            }
            matches!(d[tag.len()], b' ' | b'>').then_some("text/html; charset=utf-8")
        }
        Sig::Masked {
            mask,
            pat,
            skip_ws,
            ct,
        } => {
            let d = if skip_ws { &data[first_non_ws..] } else { data };
            if mask.len() != pat.len() || d.len() < pat.len() {
                return None;
            }
            pat.iter()
                .zip(mask)
                .zip(d)
                .all(|((&p, &m), &b)| b & m == p)
                .then_some(ct)
        }
        Sig::Exact(prefix, ct) => data.starts_with(prefix).then_some(ct),
        Sig::Mp4 => {
            if data.len() < 12 {
                return None;
            }
            let box_size = u32::from_be_bytes([data[0], data[1], data[2], data[3]]) as usize;
            if data.len() < box_size || box_size % 4 != 0 || &data[4..8] != b"ftyp" {
                return None;
            }
            let mut st = 8;
            while st < box_size {
                if st != 12 && data.get(st..st + 3) == Some(b"mp4") {
                    return Some("video/mp4");
                }
                st += 4;
            }
            None
        }
        Sig::Text => data[first_non_ws..]
            .iter()
            .all(|&b| {
                !(b <= 0x08
                    || b == 0x0B
                    || (0x0E..=0x1A).contains(&b)
                    || (0x1C..=0x1F).contains(&b))
            })
            .then_some("text/plain; charset=utf-8"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn padded(b: &[u8]) -> [u8; SNIFF_LEN] {
        let mut buf = [0u8; SNIFF_LEN];
        buf[..b.len()].copy_from_slice(b);
        buf
    }

    #[test]
    fn sniffs_like_go() {
        assert_eq!(
            detect_content_type(&padded(b"apiVersion: v2\n")),
            "application/octet-stream"
        );
        assert_eq!(
            detect_content_type(&[b'a'; 600]),
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            detect_content_type(&padded(b"PK\x03\x04")),
            "application/zip"
        );
        assert_eq!(
            detect_content_type(&padded(b"\x1F\x8B\x08\x00")),
            "application/x-gzip"
        );
        assert_eq!(
            detect_content_type(&padded(b"  <html>")),
            "text/html; charset=utf-8"
        );
        assert_eq!(detect_content_type(b""), "text/plain; charset=utf-8");
    }
}
