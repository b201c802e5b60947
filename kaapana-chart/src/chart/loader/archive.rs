//! Reading a chart archive (`.tgz`) into memory: Helm's `LoadArchiveFiles`
//! (`pkg/chart/loader/archive/archive.go`), on top of Go's `compress/gzip`
//! and `archive/tar` semantics, with stricter checks.
//!
//! The tar stream is framed by the `tar` crate in raw mode (no extended
//! header processing, no unpacking); every 512-byte header is then decoded
//! again here the way Go's `archive/tar` decodes it (`reader.go`
//! `readHeader`, `Next`, `parsePAX`), so that the file list is the one Helm
//! sees. Where the two readers could disagree (PAX `size`, data on a
//! directory entry, a sparse file, a GNU header Go reads as USTAR), the
//! archive is refused instead.

use std::collections::HashSet;
use std::io::{self, Read};
use std::sync::Arc;

use flate2::bufread::GzDecoder;

use super::{chart_size_message, go_clean, go_quote, violation, Budget, BufferedFile, Rule};
use crate::error::{Error, Result};

/// Go's `archive/tar.ErrHeader` text.
const ERR_HEADER: &str = "archive/tar: invalid tar header";
/// Go's `archive/tar.ErrFieldTooLong` text.
const ERR_FIELD_TOO_LONG: &str = "archive/tar: header field too long";
/// Go's `io.ErrUnexpectedEOF` text.
const UNEXPECTED_EOF: &str = "unexpected EOF";

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads every file of a chart archive. Helm's `LoadArchiveFiles`, with the
/// budgets of `budget` (shared with the rest of the load).
pub(super) fn read_archive(bytes: &[u8], budget: &Budget) -> Result<Vec<BufferedFile>> {
    let opts = &budget.opts;
    if bytes.len() as u64 > opts.max_compressed_size {
        return Err(super::compressed_size_error(opts, "<archive>"));
    }
    check_gzip_header(bytes)?;

    let reader = Budgeted {
        inner: Members::new(bytes, budget),
        budget,
    };
    let mut tar = tar::Archive::new(reader);
    let files = read_entries(&mut tar, budget)?;
    // Go stops at the end-of-archive marker and never looks further; a
    // checker that did would see other files. Whatever follows the marker
    // must be zero padding inside valid gzip members.
    drain(tar.into_inner(), budget)?;
    if files.is_empty() {
        return Err(violation(
            Rule::NoFiles,
            "no files in chart archive",
            None,
            "the archive holds no files",
        ));
    }
    Ok(files)
}

/// Go's `gzip.NewReader` checks before the first byte is inflated: an empty
/// stream is `EOF`, a short one `unexpected EOF`, a wrong magic or method
/// `gzip: invalid header` (the error Helm rewrites into "does not appear to
/// be a valid chart file").
fn check_gzip_header(bytes: &[u8]) -> Result<()> {
    if bytes.is_empty() {
        return Err(violation(
            Rule::Truncated,
            "EOF",
            None,
            "the archive is empty",
        ));
    }
    if bytes.len() < 10 {
        return Err(violation(
            Rule::Truncated,
            UNEXPECTED_EOF,
            None,
            "the gzip header is truncated",
        ));
    }
    if bytes[0] != 0x1F || bytes[1] != 0x8B || bytes[2] != 8 {
        return Err(violation(
            Rule::NotGzip,
            "gzip: invalid header",
            None,
            "the input is not a gzip stream",
        ));
    }
    Ok(())
}

/// Every gzip member of the input, one after the other, as Go's multistream
/// `gzip.Reader` reads them (flate2's `MultiGzDecoder` does the same, but
/// cannot count members). Each member costs a fresh inflater (about 40 KiB
/// zeroed), so a million empty members would cost seconds: they are capped
/// at [`super::LoadOptions::max_gzip_members`].
struct Members<'a> {
    current: Option<GzDecoder<&'a [u8]>>,
    rest: &'a [u8],
    count: usize,
    budget: &'a Budget,
}

impl<'a> Members<'a> {
    fn new(input: &'a [u8], budget: &'a Budget) -> Members<'a> {
        Members {
            current: None,
            rest: input,
            count: 0,
            budget,
        }
    }
}

impl Read for Members<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if let Some(member) = self.current.as_mut() {
                let n = member.read(buf)?;
                if n > 0 {
                    return Ok(n);
                }
                // The member is complete (CRC and length checked); the
                // slice now starts at the next one.
                if let Some(done) = self.current.take() {
                    self.rest = done.into_inner();
                }
            }
            if self.rest.is_empty() {
                return Ok(0);
            }
            self.count += 1;
            // Go would read a second member's header only if the tar stream
            // needed more data; whatever follows our last member must be
            // another gzip member, not padding or garbage.
            if self.count > 1 && !self.rest.starts_with(&[0x1F, 0x8B, 8]) {
                self.budget.trailing_garbage.set(true);
                return Err(io::Error::other("data after the last gzip member"));
            }
            if self.count > self.budget.opts.max_gzip_members {
                self.budget.members_exhausted.set(true);
                return Err(io::Error::other("too many gzip members"));
            }
            self.current = Some(GzDecoder::new(std::mem::take(&mut self.rest)));
        }
    }
}

/// The decompressed stream, charged to the shared byte budget. Reading past
/// the budget is an error (not a silent end of stream, which would look
/// like a truncated archive).
struct Budgeted<'a, R> {
    inner: R,
    budget: &'a Budget,
}

impl<R: Read> Read for Budgeted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.budget.bytes_left.get();
        // One byte more than allowed tells "exactly at the limit" from
        // "over it".
        let max = usize::try_from(left.saturating_add(1))
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(&mut buf[..max])?;
        if n as u64 > left {
            self.budget.bytes_exhausted.set(true);
            return Err(io::Error::other("decompression budget exhausted"));
        }
        self.budget.bytes_left.set(left - n as u64);
        Ok(n)
    }
}

/// Maps an I/O error of the gzip/tar stream to a loader error with Go's text
/// where there is one.
fn stream_error(err: &io::Error, budget: &Budget, entry: Option<&str>) -> Error {
    if budget.bytes_exhausted.get() {
        return budget.size_error(entry);
    }
    if budget.trailing_garbage.get() {
        return violation(
            Rule::TrailingData,
            "chart archive has data after the end of the gzip stream",
            entry,
            "bytes that are not a gzip member follow the last member (Helm never reads them)",
        );
    }
    if budget.members_exhausted.get() {
        return violation(
            Rule::GzipMembers,
            format!(
                "chart archive has more than the maximum of {} gzip members",
                budget.opts.max_gzip_members
            ),
            entry,
            "too many concatenated gzip members",
        );
    }
    let text = err.to_string();
    if err.kind() == io::ErrorKind::UnexpectedEof || text == "unexpected EOF during skip" {
        return violation(
            Rule::Truncated,
            UNEXPECTED_EOF,
            entry,
            "the stream ends early",
        );
    }
    if text.contains("checksum") && text.contains("gzip") {
        return violation(
            Rule::CorruptGzip,
            "gzip: invalid checksum",
            entry,
            "a gzip member's CRC-32 or length does not match its data",
        );
    }
    if text.contains("invalid gzip header") {
        return violation(
            Rule::CorruptGzip,
            "gzip: invalid header",
            entry,
            "a later gzip member has an invalid header",
        );
    }
    if text.contains("deflate") {
        return violation(
            Rule::CorruptGzip,
            "flate: corrupt input",
            entry,
            format!("the deflate data is corrupt ({text})"),
        );
    }
    if text.contains("failed to read entire block") {
        return violation(
            Rule::Truncated,
            UNEXPECTED_EOF,
            entry,
            "the stream ends inside a tar header",
        );
    }
    // tar-rs: checksum mismatch, unparsable numeric fields.
    violation(Rule::MalformedTar, ERR_HEADER, entry, text)
}

/// Extended headers waiting for the entry they describe.
#[derive(Default)]
struct Pending {
    /// The name of the first extended header, for error messages.
    first: Option<String>,
    pax: Option<Vec<(String, String)>>,
    long_name: Option<String>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.first.is_none()
    }
}

fn read_entries<R: Read>(tar: &mut tar::Archive<R>, budget: &Budget) -> Result<Vec<BufferedFile>> {
    let opts = budget.opts;
    let mut files = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    // Helm's own per-archive budget of file contents, with its message.
    let mut remaining = i128::from(opts.max_decompressed_size);
    let mut pending = Pending::default();

    let entries = tar
        .entries()
        .map_err(|e| stream_error(&e, budget, None))?
        .raw(true);
    for entry in entries {
        let mut entry = entry.map_err(|e| stream_error(&e, budget, None))?;
        let raw: [u8; 512] = *entry.header().as_bytes();
        let hdr = GoHeader::parse(&raw)?;
        let label = hdr.name_lossy.clone();
        budget.take_entry(&label)?;

        // The tar crate frames the data with its own reading of the size
        // field; it must agree with Go's, or the two would see different
        // entries after this one.
        let framed = entry
            .header()
            .entry_size()
            .map_err(|e| stream_error(&e, budget, Some(&label)))?;
        if framed != hdr.size {
            return Err(ambiguous(
                &label,
                "the size field reads differently in Go and in the tar crate",
            ));
        }

        match hdr.typeflag {
            b'x' | b'g' | b'L' | b'K' => {
                if hdr.size > opts.max_header_record_size {
                    return Err(violation(
                        Rule::HeaderRecordSize,
                        ERR_FIELD_TOO_LONG,
                        Some(&label),
                        format!(
                            "an extended header claims {} bytes (limit {})",
                            hdr.size, opts.max_header_record_size
                        ),
                    ));
                }
                let data = read_data(&mut entry, hdr.size, budget, &label)?;
                match hdr.typeflag {
                    b'x' => {
                        let records = parse_pax(&data, &label)?;
                        if !pending.is_empty() {
                            return Err(ambiguous(
                                &label,
                                "more than one extended header for one entry",
                            ));
                        }
                        pending.first = Some(label);
                        pending.pax = Some(records);
                    }
                    b'g' => {
                        // A global header describes the archive, not the
                        // next entry; Go returns it as an entry and Helm
                        // skips it. Its records are validated like Go does.
                        parse_pax(&data, &label)?;
                        if !pending.is_empty() {
                            return Err(ambiguous(
                                &label,
                                "an extended header is followed by a global header",
                            ));
                        }
                    }
                    b'L' => {
                        let name = c_string(&data, &label)?;
                        if !pending.is_empty() {
                            return Err(ambiguous(
                                &label,
                                "more than one extended header for one entry",
                            ));
                        }
                        pending.first = Some(label);
                        pending.long_name = Some(name);
                    }
                    _ => {
                        return Err(violation(
                            Rule::UnsupportedEntry,
                            format!(
                                "chart archive entry {} is a GNU long link name",
                                go_quote(&label)
                            ),
                            Some(&label),
                            "long link names belong to links, which charts may not contain",
                        ));
                    }
                }
                continue;
            }
            _ => {}
        }

        // The entry proper: apply the extended headers, as Go's `Next`
        // (`mergePAX`, then the GNU long name, which wins).
        let ext = std::mem::take(&mut pending);
        let mut name = hdr.name.clone();
        if let Some(records) = &ext.pax {
            for (k, v) in records {
                match k.as_str() {
                    "path" => name = Ok(v.clone()),
                    "size" => {
                        let size =
                            go_parse_int(v).ok_or_else(|| malformed(&label, "bad PAX size"))?;
                        if u64::try_from(size).ok() != Some(hdr.size) {
                            return Err(ambiguous(
                                &label,
                                "a PAX size record disagrees with the header",
                            ));
                        }
                    }
                    "uid" | "gid" => {
                        go_parse_int(v).ok_or_else(|| malformed(&label, "bad PAX uid or gid"))?;
                    }
                    "atime" | "ctime" | "mtime" if !is_pax_time(v) => {
                        return Err(malformed(&label, "bad PAX time"));
                    }
                    k if k.starts_with("GNU.sparse.") => {
                        return Err(violation(
                            Rule::UnsupportedEntry,
                            format!("chart archive entry {} is a sparse file", go_quote(&label)),
                            Some(&label),
                            "sparse files are not supported",
                        ));
                    }
                    _ => {}
                }
            }
        }
        if let Some(long) = ext.long_name {
            name = Ok(long);
        }
        let name = name.map_err(|bytes| {
            violation(
                Rule::InvalidName,
                format!(
                    "chart archive entry {} has a name that is not UTF-8",
                    go_quote(&String::from_utf8_lossy(&bytes))
                ),
                Some(&label),
                "entry names must be UTF-8",
            )
        })?;
        if name.contains('\0') {
            return Err(violation(
                Rule::InvalidName,
                format!(
                    "chart archive entry {} has a NUL byte in its name",
                    go_quote(&name)
                ),
                Some(&label),
                "entry names must not contain NUL bytes",
            ));
        }
        let label = name.clone();

        // Helm skips directories (`hd.FileInfo().IsDir()`: the typeflag, or
        // directory bits in the mode) and extended headers. Go gives
        // directories no data whatever their size field says, the tar crate
        // reads it: refuse the difference.
        let dir_by_type = hdr.typeflag == b'5' || (hdr.typeflag == 0 && name.ends_with('/'));
        // Go: `fs.FileMode(h.Mode) &^ 07777 == c_ISDIR` (the mode truncated to
        // 32 bits, permission bits cleared).
        let dir_by_mode = (hdr.mode as u32) & !0o7777 == 0o040000;
        if dir_by_type || dir_by_mode {
            if hdr.size != 0 {
                return Err(ambiguous(&label, "a directory entry carries data"));
            }
            if !dir_by_type {
                return Err(ambiguous(
                    &label,
                    "a file entry has the mode of a directory (Helm skips it)",
                ));
            }
            continue;
        }

        // Helm's path rules, in Helm's order and with Helm's messages.
        let n = clean_entry_name(&name)?;

        // Only regular files (Go's TypeReg, TypeRegA, TypeCont). Helm keeps
        // links, devices and FIFOs as empty files; we refuse them.
        match hdr.typeflag {
            b'0' | 0 | b'7' => {}
            t => return Err(unsupported(&label, t)),
        }
        if !seen.insert(n.clone()) {
            return Err(violation(
                Rule::DuplicatePath,
                format!("chart archive contains {} more than once", go_quote(&n)),
                Some(&label),
                "two entries clean to the same path (Helm would let the last one win)",
            ));
        }

        // Helm's size checks, before reading: the chart budget first, then
        // the file limit.
        let size = hdr.size;
        if i128::from(size) > remaining {
            return Err(violation(
                Rule::ChartSize,
                chart_size_message(opts.max_decompressed_size),
                Some(&label),
                format!("the header claims {size} bytes"),
            ));
        }
        if size > opts.max_file_size {
            return Err(violation(
                Rule::FileSize,
                format!(
                    "decompressed chart file {} is larger than the maximum file size {}",
                    go_quote(&name),
                    opts.max_file_size
                ),
                Some(&label),
                format!("the header claims {size} bytes"),
            ));
        }
        let data = read_data(&mut entry, size, budget, &label)?;
        remaining -= data.len() as i128;
        // Helm: `bytesWritten < hd.Size || remainingSize <= 0`.
        if remaining <= 0 {
            return Err(violation(
                Rule::ChartSize,
                chart_size_message(opts.max_decompressed_size),
                Some(&label),
                "the files of the archive reach the size limit",
            ));
        }
        let data = data.strip_prefix(UTF8_BOM).unwrap_or(&data);
        files.push(BufferedFile {
            name: n,
            data: Arc::from(data),
        });
    }
    if let Some(first) = pending.first {
        return Err(ambiguous(
            &first,
            "an extended header is not followed by an entry",
        ));
    }
    Ok(files)
}

/// Reads the `size` bytes of an entry (already checked against the limits).
/// Fewer bytes is Go's `unexpected EOF`.
fn read_data<R: Read>(entry: &mut R, size: u64, budget: &Budget, label: &str) -> Result<Vec<u8>> {
    // Never trust the header for an allocation: grow as data arrives.
    let mut data = Vec::with_capacity(usize::try_from(size.min(64 * 1024)).unwrap_or(0));
    entry
        .take(size)
        .read_to_end(&mut data)
        .map_err(|e| stream_error(&e, budget, Some(label)))?;
    if (data.len() as u64) < size {
        return Err(violation(
            Rule::Truncated,
            UNEXPECTED_EOF,
            Some(label),
            format!("the entry has {} of its {size} bytes", data.len()),
        ));
    }
    Ok(data)
}

/// After the end-of-archive marker: the rest of the stream must be zeros
/// (and every gzip member valid, CRC and length included). Go reads one
/// block after the first zero block and calls a non-zero one an invalid
/// header; anything later it never reads.
fn drain<R: Read>(mut reader: R, budget: &Budget) -> Result<()> {
    let mut buf = [0u8; 8192];
    let mut offset: u64 = 0;
    loop {
        let n = reader
            .read(&mut buf)
            .map_err(|e| stream_error(&e, budget, None))?;
        if n == 0 {
            return Ok(());
        }
        if let Some(i) = buf[..n].iter().position(|&b| b != 0) {
            if offset + (i as u64) < 512 {
                return Err(violation(
                    Rule::MalformedTar,
                    ERR_HEADER,
                    None,
                    "a zero block is followed by a non-zero block",
                ));
            }
            return Err(violation(
                Rule::TrailingData,
                "chart archive has data after the end of the tar archive",
                None,
                "non-zero bytes follow the end-of-archive marker (Helm ignores them)",
            ));
        }
        offset += n as u64;
    }
}

/// Helm's name rules (`LoadArchiveFiles` steps 3 to 7) for the name of an
/// entry: the first path component is dropped whatever it is, `\` is the
/// separator if the name has one, then the result is cleaned and checked.
fn clean_entry_name(name: &str) -> Result<String> {
    let delim = if name.contains('\\') { '\\' } else { '/' };
    let mut parts = name.split(delim);
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    let n = rest.join("/");
    let entry = Some(name);
    if n.starts_with('/') {
        return Err(violation(
            Rule::AbsolutePath,
            "chart illegally contains absolute paths",
            entry,
            "the path is absolute once the top folder is dropped",
        ));
    }
    let n = go_clean(&n);
    if n == "." {
        return Err(violation(
            Rule::OutsideBase,
            format!(
                "chart illegally contains content outside the base directory: {}",
                go_quote(name)
            ),
            entry,
            "nothing is left once the top folder is dropped",
        ));
    }
    if n.starts_with("..") {
        return Err(violation(
            Rule::ParentDirectory,
            "chart illegally references parent directory",
            entry,
            "the cleaned path starts with ..",
        ));
    }
    let b = n.as_bytes();
    if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/' {
        return Err(violation(
            Rule::DriveLetter,
            "chart contains illegally named files",
            entry,
            "the cleaned path starts with a drive letter",
        ));
    }
    if first == "Chart.yaml" {
        return Err(violation(
            Rule::ChartYamlNotInBase,
            "chart yaml not in base directory",
            entry,
            "Chart.yaml is used as the top folder",
        ));
    }
    Ok(n)
}

fn ambiguous(label: &str, detail: &str) -> Error {
    violation(
        Rule::AmbiguousHeader,
        format!(
            "chart archive entry {} has an ambiguous header: {detail}",
            go_quote(label)
        ),
        Some(label),
        detail.to_owned(),
    )
}

fn malformed(label: &str, detail: &str) -> Error {
    violation(
        Rule::MalformedTar,
        ERR_HEADER,
        Some(label),
        detail.to_owned(),
    )
}

fn unsupported(label: &str, typeflag: u8) -> Error {
    let what = match typeflag {
        b'1' => "a hard link",
        b'2' => "a symbolic link",
        b'3' => "a character device",
        b'4' => "a block device",
        b'6' => "a FIFO",
        b'S' => "a sparse file",
        _ => "of an unsupported type",
    };
    violation(
        Rule::UnsupportedEntry,
        format!("chart archive entry {} is {what}", go_quote(label)),
        Some(label),
        format!(
            "only regular files are allowed (typeflag {:?})",
            char::from(typeflag)
        ),
    )
}

/// The bytes of a GNU long name up to the first NUL (Go's `parseString`);
/// anything but NULs after it is refused.
fn c_string(data: &[u8], label: &str) -> Result<String> {
    let (name, rest) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i..]),
        None => (data, &data[data.len()..]),
    };
    if rest.iter().any(|&b| b != 0) {
        return Err(violation(
            Rule::InvalidName,
            format!(
                "chart archive entry {} has a NUL byte in its name",
                go_quote(label)
            ),
            Some(label),
            "a GNU long name has bytes after a NUL",
        ));
    }
    String::from_utf8(name.to_vec()).map_err(|_| {
        violation(
            Rule::InvalidName,
            format!(
                "chart archive entry {} has a name that is not UTF-8",
                go_quote(&String::from_utf8_lossy(name))
            ),
            Some(label),
            "entry names must be UTF-8",
        )
    })
}

/// Go's `parsePAX`/`parsePAXRecord`: `"%d %s=%s\n"` records whose length
/// counts itself.
fn parse_pax(data: &[u8], label: &str) -> Result<Vec<(String, String)>> {
    let bad = || malformed(label, "a PAX record is malformed");
    let mut out = Vec::new();
    let mut s = data;
    while !s.is_empty() {
        let sp = s.iter().position(|&b| b == b' ').ok_or_else(bad)?;
        let n_str = std::str::from_utf8(&s[..sp]).map_err(|_| bad())?;
        let n = go_parse_int(n_str).ok_or_else(bad)?;
        if n < 5 || n > s.len() as i64 {
            return Err(bad());
        }
        let n = usize::try_from(n).map_err(|_| bad())?;
        let rec_len = n.checked_sub(sp + 1).filter(|&l| l > 0).ok_or_else(bad)?;
        let rest = &s[sp + 1..];
        if rest.len() < rec_len || rest[rec_len - 1] != b'\n' {
            return Err(bad());
        }
        let rec = &rest[..rec_len - 1];
        s = &rest[rec_len..];
        let eq = rec.iter().position(|&b| b == b'=').ok_or_else(bad)?;
        let (k, v) = (&rec[..eq], &rec[eq + 1..]);
        // validPAXRecord: no empty key, and no NUL where Go forbids one.
        let nul_free = match k {
            b"path" | b"linkpath" | b"uname" | b"gname" => !v.contains(&0),
            _ => !k.contains(&0),
        };
        if k.is_empty() || !nul_free {
            return Err(bad());
        }
        let k = String::from_utf8(k.to_vec()).map_err(|_| bad())?;
        let v = match String::from_utf8(v.to_vec()) {
            Ok(v) => v,
            Err(_) if k == "path" => {
                return Err(violation(
                    Rule::InvalidName,
                    format!(
                        "chart archive entry {} has a name that is not UTF-8",
                        go_quote(&String::from_utf8_lossy(v))
                    ),
                    Some(label),
                    "a PAX path is not UTF-8",
                ))
            }
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        out.push((k, v));
    }
    Ok(out)
}

/// Go's `strconv.ParseInt(s, 10, 64)`: an optional sign and decimal digits.
fn go_parse_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

/// Go's `parsePAXTime` acceptance: `[-]seconds[.fraction]`.
fn is_pax_time(s: &str) -> bool {
    let (secs, frac) = match s.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    go_parse_int(secs).is_some() && frac.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()))
}

/// A tar header as Go's `archive/tar` reads it (`readHeader`).
struct GoHeader {
    typeflag: u8,
    /// The name (with the USTAR prefix), or its bytes if not UTF-8.
    name: std::result::Result<String, Vec<u8>>,
    /// The name for error messages.
    name_lossy: String,
    size: u64,
    mode: i64,
}

/// Go's header formats (`getFormat`), as far as they change the reading.
#[derive(PartialEq, Eq)]
enum Format {
    V7,
    Ustar,
    Gnu,
    Star,
}

impl GoHeader {
    fn parse(b: &[u8; 512]) -> Result<GoHeader> {
        let name_field = &b[0..100];
        let typeflag = b[156];
        let (lossy_name, _) = go_string(name_field);
        let label = String::from_utf8_lossy(lossy_name).into_owned();

        // Checksum: Go accepts the unsigned or the signed sum.
        let mut unsigned: i64 = 0;
        let mut signed: i64 = 0;
        for (i, &c) in b.iter().enumerate() {
            let c = if (148..156).contains(&i) { b' ' } else { c };
            unsigned += i64::from(c);
            signed += i64::from(c as i8);
        }
        let stored = go_parse_octal(&b[148..156]);
        if !matches!(stored, Some(v) if v == unsigned || v == signed) {
            return Err(malformed(&label, "the header checksum does not match"));
        }

        let magic = &b[257..263];
        let version = &b[263..265];
        let format = if magic == b"ustar\0" && &b[508..512] == b"tar\0" {
            Format::Star
        } else if magic == b"ustar\0" {
            Format::Ustar
        } else if magic == b"ustar " && version == b" \0" {
            Format::Gnu
        } else {
            Format::V7
        };
        if format == Format::Star {
            return Err(violation(
                Rule::UnsupportedEntry,
                format!(
                    "chart archive entry {} uses the star header format",
                    go_quote(&label)
                ),
                Some(&label),
                "Go reads a shorter name prefix in star headers",
            ));
        }

        let num = |r: std::ops::Range<usize>| {
            go_parse_numeric(&b[r])
                .ok_or_else(|| malformed(&label, "a numeric header field is not a number"))
        };
        let size = num(124..136)?;
        let mode = num(100..108)?;
        num(108..116)?; // uid
        num(116..124)?; // gid
        num(136..148)?; // mtime
        if format != Format::V7 {
            num(329..337)?; // devmajor
            num(337..345)?; // devminor
        }
        if size < 0 {
            return Err(malformed(&label, "the size is negative"));
        }

        let mut name = checked_field(name_field, &label)?;
        match format {
            Format::Ustar => {
                let prefix = checked_field(&b[345..500], &label)?;
                if !prefix.is_empty() {
                    let mut full = prefix;
                    full.push(b'/');
                    full.extend_from_slice(&name);
                    name = full;
                }
            }
            Format::Gnu => {
                // Go falls back to reading a USTAR prefix from a GNU header
                // whose atime or ctime does not parse (pre-Go 1.8 archives).
                for r in [345..357, 357..369] {
                    if b[r.start] != 0 && go_parse_numeric(&b[r]).is_none() {
                        return Err(ambiguous(
                            &label,
                            "a GNU header with unreadable atime/ctime (Go would read a name prefix from it)",
                        ));
                    }
                }
            }
            Format::V7 | Format::Star => {}
        }
        let name_lossy = String::from_utf8_lossy(&name).into_owned();
        let name = String::from_utf8(name).map_err(|e| e.into_bytes());
        Ok(GoHeader {
            typeflag,
            name,
            name_lossy,
            size: size as u64,
            mode,
        })
    }
}

/// Go's `parseString`: the bytes up to the first NUL, and what follows.
fn go_string(field: &[u8]) -> (&[u8], &[u8]) {
    match field.iter().position(|&b| b == 0) {
        Some(i) => (&field[..i], &field[i..]),
        None => (field, &[]),
    }
}

/// A name field read like Go's `parseString`, refusing bytes hidden after
/// the NUL.
fn checked_field(field: &[u8], label: &str) -> Result<Vec<u8>> {
    let (s, rest) = go_string(field);
    if rest.iter().any(|&b| b != 0) {
        return Err(violation(
            Rule::InvalidName,
            format!(
                "chart archive entry {} has a NUL byte in its name",
                go_quote(label)
            ),
            Some(label),
            "a header name field has bytes after a NUL",
        ));
    }
    Ok(s.to_vec())
}

/// Go's `parser.parseNumeric`: base-256 when the high bit is set, octal
/// otherwise. `None` is Go's `ErrHeader`.
fn go_parse_numeric(b: &[u8]) -> Option<i64> {
    if let Some(&first) = b.first() {
        if first & 0x80 != 0 {
            let inv: u8 = if first & 0x40 != 0 { 0xFF } else { 0 };
            let mut x: u64 = 0;
            for (i, &c) in b.iter().enumerate() {
                let mut c = c ^ inv;
                if i == 0 {
                    c &= 0x7F;
                }
                if x >> 56 > 0 {
                    return None;
                }
                x = (x << 8) | u64::from(c);
            }
            if x >> 63 > 0 {
                return None;
            }
            let x = x as i64;
            return Some(if inv == 0xFF { !x } else { x });
        }
    }
    go_parse_octal(b)
}

/// Go's `parser.parseOctal`: spaces and NULs trimmed at both ends, then the
/// text up to the first NUL read as octal.
fn go_parse_octal(b: &[u8]) -> Option<i64> {
    let start = b.iter().position(|&c| c != b' ' && c != 0);
    let Some(start) = start else { return Some(0) };
    let end = b
        .iter()
        .rposition(|&c| c != b' ' && c != 0)
        .map_or(start, |e| e + 1);
    let (s, _) = go_string(&b[start..end]);
    if s.is_empty() || !s.iter().all(|c| (b'0'..=b'7').contains(c)) {
        return None;
    }
    let mut x: u64 = 0;
    for &c in s {
        x = x.checked_mul(8)?.checked_add(u64::from(c - b'0'))?;
    }
    i64::try_from(x).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_fields_read_like_go() {
        assert_eq!(go_parse_numeric(b"0000644\0"), Some(0o644));
        assert_eq!(go_parse_numeric(b"  644 \0"), Some(0o644));
        assert_eq!(go_parse_numeric(b"12\x0034      \0"), Some(0o12));
        assert_eq!(go_parse_numeric(b"\0\0\0\0"), Some(0));
        assert_eq!(go_parse_numeric(b"9\0"), None);
        let mut big = [0u8; 12];
        big[0] = 0x80;
        big[7] = 2; // 2 << 32 = 8 GiB
        assert_eq!(go_parse_numeric(&big), Some(8 << 30));
        let neg = [0xFFu8; 12];
        assert_eq!(go_parse_numeric(&neg), Some(-1));
    }

    #[test]
    fn pax_records_read_like_go() {
        let recs = parse_pax(b"17 path=c/a.yaml\n", "x").unwrap();
        assert_eq!(recs, vec![("path".to_owned(), "c/a.yaml".to_owned())]);
        assert!(parse_pax(b"16 path=c/a.yaml\n", "x").is_err());
        assert!(parse_pax(b"4 a\n", "x").is_err());
        assert!(parse_pax(b"11 path=a\0\n", "x").is_err());
    }

    #[test]
    fn entry_names_follow_helm() {
        assert_eq!(
            clean_entry_name("c/templates/x.yaml").unwrap(),
            "templates/x.yaml"
        );
        assert_eq!(
            clean_entry_name("evil\\templates\\x.yaml").unwrap(),
            "templates/x.yaml"
        );
        assert_eq!(clean_entry_name("/etc/passwd").unwrap(), "etc/passwd");
        assert_eq!(clean_entry_name("c/templates\\y.yaml").unwrap(), "y.yaml");
        let rule = |n: &str| {
            super::super::Violation::of(&clean_entry_name(n).unwrap_err())
                .unwrap()
                .rule()
        };
        assert_eq!(rule("//foo"), Rule::AbsolutePath);
        assert_eq!(rule("x/../../etc"), Rule::ParentDirectory);
        assert_eq!(rule("c/..foo"), Rule::ParentDirectory);
        assert_eq!(rule("/./c://foo"), Rule::DriveLetter);
        assert_eq!(rule("single"), Rule::OutsideBase);
        assert_eq!(rule("Chart.yaml/x"), Rule::ChartYamlNotInBase);
    }
}
