//! Packaging a chart as a `.tgz` the way `helm package` writes it (Helm's
//! `chartutil.Save`, `pkg/chart/v2/util/save.go`), but reproducibly.
//!
//! Like Helm: entries `<name>/Chart.yaml` (the metadata re-serialised as
//! Helm serialises it: keys sorted, empty fields left out, unknown keys such
//! as `kaapana_type` dropped, a v1 chart's dependencies left to its
//! `requirements.yaml`), `Chart.lock` (v2), `values.yaml`,
//! `values.schema.json`, the templates, the other files, then every subchart
//! as a folder under `charts/`; mode 0644, uid/gid 0, USTAR headers (PAX for
//! names USTAR cannot hold); a gzip header with Helm's extra field and
//! comment. Unlike Helm, which stamps the current time and walks subcharts
//! in Go map order: every mtime is [`ARCHIVE_MTIME`] and subcharts come in
//! the chart's order, so the same chart always gives the same bytes.

use std::io::Write;

use sha2::{Digest, Sha256};

use crate::chart::{Chart, Dependency, Metadata};
use crate::error::{Error, ErrorKind, Result};
use crate::value::{to_yaml, Map, Value};

/// The modification time of every entry (the Unix epoch): fixed, so that
/// archives are reproducible.
pub const ARCHIVE_MTIME: u64 = 0;
/// What Helm puts in the gzip header's extra field of every chart archive.
const HELM_GZIP_EXTRA: &[u8] = b"+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=";
/// Helm's gzip header comment.
const HELM_GZIP_COMMENT: &[u8] = b"Helm";
/// Go's `archive/tar` field sizes.
const NAME_SIZE: usize = 100;
const PREFIX_SIZE: usize = 155;
const BLOCK: usize = 512;

/// The archive Helm's `helm package` names: `<name>-<version>.tgz`.
///
/// ```
/// use kaapana_chart::chart::{Chart, Metadata};
/// use kaapana_chart::kaapana::archive_name;
///
/// let chart = Chart { metadata: Metadata { name: "web".into(), version: "1.0.0".into(),
///     ..Metadata::default() }, ..Chart::default() };
/// assert_eq!(archive_name(&chart), "web-1.0.0.tgz");
/// ```
pub fn archive_name(chart: &Chart) -> String {
    format!("{}-{}.tgz", chart.metadata.name, chart.metadata.version)
}

/// The digest of an archive as Helm prints it: `sha256:<hex>`.
///
/// ```
/// assert_eq!(
///     kaapana_chart::kaapana::digest(b""),
///     "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// );
/// ```
pub fn digest(bytes: &[u8]) -> String {
    let sum = Sha256::digest(bytes);
    let mut out = String::from("sha256:");
    for b in sum.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Packages `chart` (a loaded chart: see [`crate::chart::loader`] or
/// [`crate::kaapana::SourceTree::resolve`]) as `helm package` would, with
/// fixed order and times.
///
/// # Errors
///
/// A chart or subchart name that is not a single path component, or a
/// `Chart.yaml` that cannot be serialised.
///
/// ```
/// use kaapana_chart::chart::loader::{load_archive, load_in_memory, LoadOptions};
/// use kaapana_chart::chart::File;
/// use kaapana_chart::kaapana::package_chart;
///
/// let chart = load_in_memory(vec![File {
///     name: "Chart.yaml".into(),
///     data: b"apiVersion: v2\nname: web\nversion: 1.0.0\nkaapana_type: x\n".to_vec().into(),
/// }], &LoadOptions::default()).unwrap();
/// let tgz = package_chart(&chart).unwrap();
/// assert_eq!(tgz, package_chart(&chart).unwrap()); // reproducible
/// let back = load_archive(&tgz).unwrap();
/// assert_eq!(back.metadata.name, "web");
/// assert!(back.metadata.extra.is_empty()); // as Helm: unknown keys dropped
/// ```
pub fn package_chart(chart: &Chart) -> Result<Vec<u8>> {
    let mut tar = Vec::new();
    write_chart(&mut tar, chart, "")?;
    tar.extend_from_slice(&[0u8; 2 * BLOCK]);
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .extra(HELM_GZIP_EXTRA)
        .comment(HELM_GZIP_COMMENT)
        .write(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar)
        .and_then(|()| gz.finish())
        .map_err(|e| Error::new(ErrorKind::Io, format!("gzip: {e}")))
}

/// Helm's `writeTarContents`.
fn write_chart(out: &mut Vec<u8>, chart: &Chart, prefix: &str) -> Result<()> {
    let name = &chart.metadata.name;
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("chart name {name:?} cannot be a folder of an archive"),
        ));
    }
    let base = format!("{prefix}{name}/");
    let md = metadata_yaml(&chart.metadata)?;
    entry(out, &format!("{base}Chart.yaml"), md.as_bytes());
    if chart.metadata.api_version == "v2" {
        if let Some(lock) = &chart.lock {
            let v = Value::from_iter([
                ("generated", Value::from(lock.generated.as_str())),
                ("digest", Value::from(lock.digest.as_str())),
                (
                    "dependencies",
                    Value::from(lock.dependencies.iter().map(dependency).collect::<Vec<_>>()),
                ),
            ]);
            entry(out, &format!("{base}Chart.lock"), yaml(&v)?.as_bytes());
        }
    }
    if let Some(values) = chart.raw.iter().find(|f| f.name == "values.yaml") {
        entry(out, &format!("{base}values.yaml"), &values.data);
    }
    if let Some(schema) = &chart.schema {
        entry(out, &format!("{base}values.schema.json"), schema);
    }
    for f in chart.templates.iter().chain(&chart.files) {
        entry(out, &format!("{base}{}", f.name), &f.data);
    }
    for dep in &chart.dependencies {
        write_chart(out, dep, &format!("{base}charts/"))?;
    }
    Ok(())
}

fn yaml(v: &Value) -> Result<String> {
    to_yaml(v)
}

/// `yaml.Marshal(chart.Metadata)` as Helm writes it (through JSON: Go's
/// `omitempty` fields left out when empty, keys sorted).
fn metadata_yaml(md: &Metadata) -> Result<String> {
    let m = Map::new();
    let s = |m: &Map, k: &str, v: &str| {
        if !v.is_empty() {
            m.insert(k, Value::from(v));
        }
    };
    let list = |m: &Map, k: &str, v: &[String]| {
        if !v.is_empty() {
            m.insert(
                k,
                Value::from(
                    v.iter()
                        .map(|x| Value::from(x.as_str()))
                        .collect::<Vec<_>>(),
                ),
            );
        }
    };
    s(&m, "name", &md.name);
    s(&m, "home", &md.home);
    list(&m, "sources", &md.sources);
    s(&m, "version", &md.version);
    s(&m, "description", &md.description);
    list(&m, "keywords", &md.keywords);
    if !md.maintainers.is_empty() {
        let items = md
            .maintainers
            .iter()
            .map(|mt| {
                let e = Map::new();
                s(&e, "name", &mt.name);
                s(&e, "email", &mt.email);
                s(&e, "url", &mt.url);
                Value::Map(e)
            })
            .collect::<Vec<_>>();
        m.insert("maintainers", Value::from(items));
    }
    s(&m, "icon", &md.icon);
    s(&m, "apiVersion", &md.api_version);
    s(&m, "condition", &md.condition);
    s(&m, "tags", &md.tags);
    s(&m, "appVersion", &md.app_version);
    if md.deprecated {
        m.insert("deprecated", Value::Bool(true));
    }
    if !md.annotations.is_empty() {
        let a = Map::new();
        for (k, v) in &md.annotations {
            a.insert(k.as_str(), Value::from(v.as_str()));
        }
        m.insert("annotations", Value::Map(a));
    }
    s(&m, "kubeVersion", &md.kube_version);
    // Helm leaves a v1 chart's dependencies to its requirements.yaml.
    if md.api_version != "v1" && !md.dependencies.is_empty() {
        let deps = md.dependencies.iter().map(dependency).collect::<Vec<_>>();
        m.insert("dependencies", Value::from(deps));
    }
    s(&m, "type", &md.chart_type);
    yaml(&Value::Map(m))
}

/// A `chart.Dependency` as Go's JSON tags serialise it (`name` and
/// `repository` always, the rest when set).
fn dependency(d: &Dependency) -> Value {
    let m = Map::new();
    m.insert("name", Value::from(d.name.as_str()));
    if !d.version.is_empty() {
        m.insert("version", Value::from(d.version.as_str()));
    }
    m.insert("repository", Value::from(d.repository.as_str()));
    if !d.condition.is_empty() {
        m.insert("condition", Value::from(d.condition.as_str()));
    }
    if !d.tags.is_empty() {
        let tags = d
            .tags
            .iter()
            .map(|t| Value::from(t.as_str()))
            .collect::<Vec<_>>();
        m.insert("tags", Value::from(tags));
    }
    if d.enabled {
        m.insert("enabled", Value::Bool(true));
    }
    if !d.import_values.is_empty() {
        m.insert("import-values", Value::from(d.import_values.clone()));
    }
    if !d.alias.is_empty() {
        m.insert("alias", Value::from(d.alias.as_str()));
    }
    Value::Map(m)
}

/// One regular file entry (Go's `tar.Writer` with Helm's header: mode
/// 0644, no owner names).
fn entry(out: &mut Vec<u8>, name: &str, data: &[u8]) {
    match split_ustar(name) {
        Some((prefix, suffix)) => header(out, suffix, prefix, data.len() as u64, b'0'),
        None => {
            // PAX extended header carrying the full path, then a USTAR
            // header with a best-effort (ASCII, truncated) name, as Go does.
            let record = pax_record("path", name);
            let (dir, file) = name.rsplit_once('/').unwrap_or(("", name));
            let pax_name = ascii_trunc(&if dir.is_empty() {
                format!("PaxHeaders.0/{file}")
            } else {
                format!("{dir}/PaxHeaders.0/{file}")
            });
            header(out, &pax_name, "", record.len() as u64, b'x');
            out.extend_from_slice(record.as_bytes());
            pad(out);
            header(out, &ascii_trunc(name), "", data.len() as u64, b'0');
        }
    }
    out.extend_from_slice(data);
    pad(out);
}

/// Go's `splitUSTARPath`: a name that fits USTAR's name field, or its
/// prefix and name fields; `None` when only PAX can hold it.
fn split_ustar(name: &str) -> Option<(&str, &str)> {
    if !name.is_ascii() {
        return None;
    }
    if name.len() <= NAME_SIZE {
        return Some(("", name));
    }
    let mut len = name.len().min(PREFIX_SIZE + 1);
    if name.as_bytes().get(len - 1) == Some(&b'/') {
        len -= 1;
    }
    let i = name.get(..len)?.rfind('/')?;
    let suffix = name.get(i + 1..)?;
    if i == 0 || suffix.is_empty() || suffix.len() > NAME_SIZE || i > PREFIX_SIZE {
        return None;
    }
    Some((name.get(..i)?, suffix))
}

fn ascii_trunc(s: &str) -> String {
    s.chars().filter(char::is_ascii).take(NAME_SIZE).collect()
}

/// A PAX record: `"<len> <key>=<value>\n"`, the length counting itself.
fn pax_record(key: &str, value: &str) -> String {
    let body = format!(" {key}={value}\n");
    let mut n = body.len() + 1;
    loop {
        let total = n.to_string().len() + body.len();
        if total == n {
            return format!("{n}{body}");
        }
        n = total;
    }
}

fn pad(out: &mut Vec<u8>) {
    let rem = out.len() % BLOCK;
    if rem != 0 {
        out.resize(out.len() + BLOCK - rem, 0);
    }
}

/// A USTAR header block (Go's `Writer.writeUSTARHeader` layout).
fn header(out: &mut Vec<u8>, name: &str, prefix: &str, size: u64, typeflag: u8) {
    let mut h = [0u8; BLOCK];
    let put = |h: &mut [u8; BLOCK], at: usize, bytes: &[u8]| {
        for (i, b) in bytes.iter().enumerate() {
            if let Some(slot) = h.get_mut(at + i) {
                *slot = *b;
            }
        }
    };
    put(&mut h, 0, name.as_bytes());
    put(&mut h, 100, b"0000644\0");
    put(&mut h, 108, b"0000000\0");
    put(&mut h, 116, b"0000000\0");
    put(&mut h, 124, format!("{size:011o}\0").as_bytes());
    put(&mut h, 136, format!("{ARCHIVE_MTIME:011o}\0").as_bytes());
    put(&mut h, 148, b"        ");
    put(&mut h, 156, &[typeflag]);
    put(&mut h, 257, b"ustar\0");
    put(&mut h, 263, b"00");
    put(&mut h, 329, b"0000000\0");
    put(&mut h, 337, b"0000000\0");
    put(&mut h, 345, prefix.as_bytes());
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    put(&mut h, 148, format!("{sum:06o}\0 ").as_bytes());
    out.extend_from_slice(&h);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ustar_split_like_go() {
        assert_eq!(split_ustar("a/b"), Some(("", "a/b")));
        let long = format!("{}/{}", "p".repeat(120), "n".repeat(50));
        assert_eq!(split_ustar(&long), Some((&long[..120], &long[121..])));
        let too_long = format!("{}/{}", "p".repeat(160), "n".repeat(50));
        assert_eq!(split_ustar(&too_long), None);
        assert_eq!(split_ustar(&"x".repeat(101)), None);
        assert_eq!(split_ustar("é"), None);
    }

    #[test]
    fn pax_record_counts_itself() {
        assert_eq!(pax_record("path", "a"), "9 path=a\n");
        let r = pax_record("path", &"x".repeat(95));
        assert_eq!(r.len().to_string(), r.split(' ').next().unwrap_or(""));
    }
}
