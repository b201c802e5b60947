//! `Chart.yaml`, `requirements.yaml`, `Chart.lock` and `requirements.lock`
//! decoded the way Helm decodes them, and Helm's `Metadata.Validate`.
//!
//! Helm reads these files with `sigs.k8s.io/yaml.Unmarshal` into Go structs:
//! YAML → `interface{}` (go-yaml v2, YAML 1.1) → JSON → `encoding/json`.
//! What that pipeline does, and this module reproduces:
//!
//! * keys match struct fields case-insensitively (`NAME:` sets the name;
//!   with several spellings the one sorting last wins, as JSON objects come
//!   out of Go with sorted keys); unknown keys are ignored (kept in
//!   [`Metadata::extra`] for tools);
//! * a number or boolean where a string is expected becomes a string
//!   (`version: 1.0` is `"1"`, `appVersion: 1.10` is `"1.1"`, floats are
//!   printed as float32, `y`/`yes`/`on` are `"true"`);
//! * a value of the wrong type is an error with Go's text (`json: cannot
//!   unmarshal array into Go struct field Metadata.tags of type string`),
//!   the first in key order being reported;
//! * `null` leaves a field alone; a null list item stays null (and Validate
//!   then refuses null maintainers and dependencies).
//!
//! The YAML itself is read by [`crate::value::yaml::from_yaml_str`], which
//! gives every number as a float64. Go tells integers from floats when it
//! turns a number into a string field; here an integral number is printed
//! as an integer, so `1e7` in a string field reads `10000000` where Helm
//! reads `1e+07`, and `.inf`/`.nan` in a string field are YAML errors where
//! Helm reads `+Inf`/`NaN`.

use crate::value::json::json_kind;
use std::collections::BTreeMap;

use crate::chart::{Dependency, Lock, Maintainer, Metadata};
use crate::value::yaml::from_yaml_str;
use crate::value::Value;

/// The JSON error prefix of `sigs.k8s.io/yaml.Unmarshal`.
const JSON_PREFIX: &str = "error unmarshaling JSON: while decoding JSON: ";

/// `Chart.yaml` (plus any `requirements.yaml`) while a chart loads: Go keeps
/// null list items as nil pointers until `Validate` refuses them, which our
/// [`Metadata`] cannot hold.
#[derive(Debug, Default)]
pub(super) struct Draft {
    pub md: Metadata,
    maintainers: Vec<Option<Maintainer>>,
    dependencies: Vec<Option<Dependency>>,
}

/// Why a file could not be decoded: Helm's text (after `cannot load
/// <file>: `), and whether one of our YAML limits (depth, alias expansion)
/// was hit rather than a rule of Helm.
#[derive(Debug)]
pub(super) struct DecodeError {
    pub message: String,
    pub limit: bool,
}

impl From<String> for DecodeError {
    fn from(message: String) -> DecodeError {
        DecodeError {
            message,
            limit: false,
        }
    }
}

/// The UTF-8 text of a YAML file, or go-yaml's reader error.
pub(super) fn yaml_text(data: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(data).map_err(|e| {
        let problem = match e.error_len() {
            None => "incomplete UTF-8 octet sequence",
            Some(_) => {
                let b = data[e.valid_up_to()];
                if (0x80..0xC0).contains(&b) || b >= 0xF8 {
                    "invalid leading UTF-8 octet"
                } else {
                    "invalid trailing UTF-8 octet"
                }
            }
        };
        format!("error converting YAML to JSON: yaml: {problem}")
    })
}

/// Reads a YAML document for a Go struct target named `go_type`: the value,
/// or the error text after Helm's `cannot load <file>: ` prefix.
fn read_yaml(data: &[u8], go_type: &str) -> Result<Value, String> {
    let text = yaml_text(data)?;
    from_yaml_str(text).map_err(|e| {
        // The YAML reader decodes into map[string]interface{}; Helm's target
        // is a struct, which Go names in the same message.
        e.message().replace(
            "Go value of type map[string]interface {}",
            &format!("Go value of type {go_type}"),
        )
    })
}

impl Draft {
    /// `yaml.Unmarshal(data, c.Metadata)`: decodes `data` over what is
    /// already there (Helm reads `requirements.yaml` into the same struct
    /// as `Chart.yaml`).
    pub(super) fn decode(&mut self, data: &[u8], file: &str) -> Result<(), DecodeError> {
        let value = read_yaml(data, "v2.Metadata")?;
        let mut d = Decoder::default();
        match &value {
            Value::Nil => {}
            Value::Map(m) => {
                for (key, v) in m.entries() {
                    self.field(&mut d, &key, &v, file == "Chart.yaml");
                }
            }
            other => d.type_error(json_kind(other), "v2.Metadata", None),
        }
        Ok(d.finish()?)
    }

    fn field(&mut self, d: &mut Decoder, key: &str, v: &Value, keep_extra: bool) {
        const FIELDS: &[&str] = &[
            "name",
            "home",
            "sources",
            "version",
            "description",
            "keywords",
            "maintainers",
            "icon",
            "apiVersion",
            "condition",
            "tags",
            "appVersion",
            "deprecated",
            "annotations",
            "kubeVersion",
            "dependencies",
            "type",
        ];
        let Some(field) = match_field(key, FIELDS) else {
            if keep_extra {
                self.md.extra.insert(key.to_owned(), v.clone());
            }
            return;
        };
        let md = &mut self.md;
        let ctx = Ctx::new("Metadata", field);
        match field {
            "name" => d.string(v, &mut md.name, &ctx),
            "home" => d.string(v, &mut md.home, &ctx),
            "sources" => d.strings(v, &mut md.sources, &ctx),
            "version" => d.string(v, &mut md.version, &ctx),
            "description" => d.string(v, &mut md.description, &ctx),
            "keywords" => d.strings(v, &mut md.keywords, &ctx),
            "maintainers" => d.maintainers(v, &mut self.maintainers, &ctx),
            "icon" => d.string(v, &mut md.icon, &ctx),
            "apiVersion" => d.string(v, &mut md.api_version, &ctx),
            "condition" => d.string(v, &mut md.condition, &ctx),
            "tags" => d.string(v, &mut md.tags, &ctx),
            "appVersion" => d.string(v, &mut md.app_version, &ctx),
            "deprecated" => d.boolean(v, &mut md.deprecated, &ctx),
            "annotations" => d.string_map(v, &mut md.annotations, &ctx),
            "kubeVersion" => d.string(v, &mut md.kube_version, &ctx),
            "dependencies" => d.dependencies(v, &mut self.dependencies, &ctx),
            _ => d.string(v, &mut md.chart_type, &ctx),
        }
    }

    /// Helm's `Metadata.Validate` (`pkg/chart/v2/metadata.go`, v4.2.3),
    /// which also sanitizes the strings. The error is Helm's text.
    pub(super) fn validate(mut self) -> Result<Metadata, String> {
        let md = &mut self.md;
        for s in [
            &mut md.name,
            &mut md.description,
            &mut md.home,
            &mut md.icon,
            &mut md.condition,
            &mut md.tags,
            &mut md.app_version,
            &mut md.kube_version,
        ] {
            *s = sanitize_string(s);
        }
        for s in md.sources.iter_mut().chain(md.keywords.iter_mut()) {
            *s = sanitize_string(s);
        }
        if md.api_version.is_empty() {
            return Err(validation("chart.metadata.apiVersion is required"));
        }
        if md.name.is_empty() {
            return Err(validation("chart.metadata.name is required"));
        }
        if md.name == "." || md.name == ".." {
            return Err(validation(&format!(
                "chart.metadata.name {} is not allowed",
                super::go_quote(&md.name)
            )));
        }
        if md.name != go_base(&md.name) {
            return Err(validation(&format!(
                "chart.metadata.name {} is invalid",
                super::go_quote(&md.name)
            )));
        }
        if md.version.is_empty() {
            return Err(validation("chart.metadata.version is required"));
        }
        if crate::chart::semver::Version::parse(&md.version).is_err() {
            return Err(validation(&format!(
                "chart.metadata.version {} is invalid",
                super::go_quote(&md.version)
            )));
        }
        if !matches!(md.chart_type.as_str(), "" | "application" | "library") {
            return Err(validation(
                "chart.metadata.type must be application or library",
            ));
        }
        let mut maintainers = Vec::with_capacity(self.maintainers.len());
        for m in self.maintainers {
            let Some(mut m) = m else {
                return Err(validation(
                    "maintainers must not contain empty or null nodes",
                ));
            };
            m.name = sanitize_string(&m.name);
            m.email = sanitize_string(&m.email);
            m.url = sanitize_string(&m.url);
            maintainers.push(m);
        }
        md.maintainers = maintainers;
        let mut deps = Vec::with_capacity(self.dependencies.len());
        let mut seen = std::collections::HashSet::new();
        for dep in self.dependencies {
            let Some(mut dep) = dep else {
                return Err(validation(
                    "dependencies must not contain empty or null nodes",
                ));
            };
            dep.name = sanitize_string(&dep.name);
            dep.version = sanitize_string(&dep.version);
            dep.repository = sanitize_string(&dep.repository);
            dep.condition = sanitize_string(&dep.condition);
            for t in &mut dep.tags {
                *t = sanitize_string(t);
            }
            if !dep.alias.is_empty() && !is_alias(&dep.alias) {
                return Err(validation(&format!(
                    "dependency {} has disallowed characters in the alias",
                    super::go_quote(&dep.name)
                )));
            }
            let key = if dep.alias.is_empty() {
                dep.name.clone()
            } else {
                dep.alias.clone()
            };
            if !seen.insert(key.clone()) {
                return Err(validation(&format!(
                    "more than one dependency with name or alias {}",
                    super::go_quote(&key)
                )));
            }
            deps.push(dep);
        }
        md.dependencies = deps;
        Ok(self.md)
    }
}

/// `yaml.Unmarshal(data, &c.Lock)` for `Chart.lock`/`requirements.lock`.
/// `Ok(None)` is a null document, which leaves Helm's lock nil. Null
/// dependency items (Helm keeps nil pointers) are dropped, with a warning.
pub(super) fn decode_lock(
    data: &[u8],
    warnings: &mut Vec<String>,
) -> Result<Option<Lock>, DecodeError> {
    let value = read_yaml(data, "v2.Lock")?;
    let mut d = Decoder::default();
    let mut lock = Lock::default();
    match &value {
        Value::Nil => return Ok(None),
        Value::Map(m) => {
            let mut deps: Vec<Option<Dependency>> = Vec::new();
            for (key, v) in m.entries() {
                match match_field(&key, &["generated", "digest", "dependencies"]) {
                    Some("generated") => {
                        // time.Time.UnmarshalJSON: its errors are returned at
                        // once, ahead of type errors saved before.
                        match &v {
                            Value::Nil => lock.generated.clear(),
                            Value::String(s) => {
                                go_parse_rfc3339(&json_escape(s))?;
                                lock.generated = s.to_string();
                            }
                            _ => {
                                return Err(format!(
                                    "{JSON_PREFIX}Time.UnmarshalJSON: input is not a JSON string"
                                )
                                .into())
                            }
                        }
                    }
                    Some("digest") => d.string(&v, &mut lock.digest, &Ctx::new("Lock", "digest")),
                    Some(_) => d.dependencies(&v, &mut deps, &Ctx::new("Lock", "dependencies")),
                    None => {}
                }
            }
            let before = deps.len();
            lock.dependencies = deps.into_iter().flatten().collect();
            if lock.dependencies.len() != before {
                warnings.push("lock file: null dependency entries ignored".to_owned());
            }
        }
        other => d.type_error(json_kind(other), "v2.Lock", None),
    }
    d.finish()?;
    Ok(Some(lock))
}

fn validation(msg: &str) -> String {
    format!("validation: {msg}")
}

/// Helm's `sanitizeString`: white space (Go's `unicode.IsSpace`) becomes a
/// space, other characters Go does not consider printable (`unicode.IsPrint`,
/// Unicode 15.0) are removed — control characters, format characters such
/// as U+200B, private use, unassigned code points.
///
/// ```
/// use kaapana_chart::chart::loader::sanitize_string;
///
/// assert_eq!(sanitize_string("hi\x1b[2J\tthere\u{a0}!"), "hi[2J there !");
/// ```
pub fn sanitize_string(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if crate::template::fmt::is_print(c) {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

/// Go's `filepath.Base` (Unix).
fn go_base(path: &str) -> &str {
    if path.is_empty() {
        return ".";
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/";
    }
    match trimmed.rfind('/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

/// Helm's `aliasNameFormat`: `^[a-zA-Z0-9_-]+$` (no dot).
fn is_alias(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The struct field a JSON key selects, as `encoding/json` picks it: the
/// exact name, else a case-insensitive match (`bytes.EqualFold`; besides
/// ASCII, `ſ` folds to `s` and the Kelvin sign to `k`).
fn match_field(key: &str, fields: &[&'static str]) -> Option<&'static str> {
    if let Some(f) = fields.iter().find(|f| **f == key) {
        return Some(f);
    }
    fields.iter().copied().find(|f| equal_fold(key, f))
}

fn equal_fold(key: &str, field: &str) -> bool {
    let mut fb = field.bytes();
    for c in key.chars() {
        let Some(b) = fb.next() else { return false };
        let folded = match c {
            '\u{17F}' => 's',
            '\u{212A}' => 'k',
            c if c.is_ascii() => c.to_ascii_lowercase(),
            _ => return false,
        };
        if folded != char::from(b.to_ascii_lowercase()) {
            return false;
        }
    }
    fb.next().is_none()
}

/// Where a value sits, for Go's "Go struct field S.a.b" messages.
struct Ctx {
    strukt: &'static str,
    path: String,
}

impl Ctx {
    fn new(strukt: &'static str, field: &str) -> Ctx {
        Ctx {
            strukt,
            path: field.to_owned(),
        }
    }

    fn nested(&self, strukt: &'static str, field: &str) -> Ctx {
        Ctx {
            strukt,
            path: format!("{}.{field}", self.path),
        }
    }
}

/// `encoding/json`'s decoder state that matters here: the first type error,
/// saved while decoding goes on.
#[derive(Default)]
struct Decoder {
    saved: Option<String>,
}

impl Decoder {
    fn type_error(&mut self, kind: &str, go_type: &str, ctx: Option<&Ctx>) {
        if self.saved.is_some() {
            return;
        }
        self.saved = Some(match ctx {
            Some(c) => format!(
                "json: cannot unmarshal {kind} into Go struct field {}.{} of type {go_type}",
                c.strukt, c.path
            ),
            None => format!("json: cannot unmarshal {kind} into Go value of type {go_type}"),
        });
    }

    fn finish(self) -> Result<(), String> {
        match self.saved {
            Some(e) => Err(format!("{JSON_PREFIX}{e}")),
            None => Ok(()),
        }
    }

    /// A `string` field, after sigs.k8s.io/yaml turned numbers and booleans
    /// into strings.
    fn string(&mut self, v: &Value, out: &mut String, ctx: &Ctx) {
        match v {
            Value::Nil => {}
            Value::String(s) => *out = s.to_string(),
            Value::Bytes(b) => *out = String::from_utf8_lossy(b).into_owned(),
            Value::Bool(b) => *out = b.to_string(),
            Value::Int(i) | Value::Int64(i) => *out = i.to_string(),
            Value::Float(f) => *out = number_to_string(*f),
            other => self.type_error(json_kind(other), "string", Some(ctx)),
        }
    }

    fn boolean(&mut self, v: &Value, out: &mut bool, ctx: &Ctx) {
        match v {
            Value::Nil => {}
            Value::Bool(b) => *out = *b,
            other => self.type_error(json_kind(other), "bool", Some(ctx)),
        }
    }

    /// A `[]string`: a JSON array decodes into the existing elements (a
    /// null item keeps the old value) and the slice takes the new length.
    fn strings(&mut self, v: &Value, out: &mut Vec<String>, ctx: &Ctx) {
        match v {
            Value::Nil => out.clear(),
            Value::List(items) => {
                let items = items.items();
                for (i, item) in items.iter().enumerate() {
                    if i == out.len() {
                        out.push(String::new());
                    }
                    self.string(item, &mut out[i], ctx);
                }
                out.truncate(items.len());
            }
            other => self.type_error(json_kind(other), "[]string", Some(ctx)),
        }
    }

    /// A `map[string]string`: keys are added to the existing map; a null
    /// value is stored as "".
    fn string_map(&mut self, v: &Value, out: &mut BTreeMap<String, String>, ctx: &Ctx) {
        match v {
            Value::Nil => out.clear(),
            Value::Map(m) => {
                for (k, item) in m.entries() {
                    let mut s = String::new();
                    self.string(&item, &mut s, ctx);
                    out.insert(k.to_string(), s);
                }
            }
            other => self.type_error(json_kind(other), "map[string]string", Some(ctx)),
        }
    }

    fn maintainers(&mut self, v: &Value, out: &mut Vec<Option<Maintainer>>, ctx: &Ctx) {
        match v {
            Value::Nil => out.clear(),
            Value::List(items) => {
                let items = items.items();
                for (i, item) in items.iter().enumerate() {
                    if i == out.len() {
                        out.push(None);
                    }
                    match item {
                        Value::Nil => out[i] = None,
                        Value::Map(m) => {
                            let mt = out[i].get_or_insert_with(Maintainer::default);
                            for (key, fv) in m.entries() {
                                let Some(f) = match_field(&key, &["name", "email", "url"]) else {
                                    continue;
                                };
                                let c = ctx.nested("Maintainer", f);
                                match f {
                                    "name" => self.string(&fv, &mut mt.name, &c),
                                    "email" => self.string(&fv, &mut mt.email, &c),
                                    _ => self.string(&fv, &mut mt.url, &c),
                                }
                            }
                        }
                        other => self.type_error(json_kind(other), "v2.Maintainer", Some(ctx)),
                    }
                }
                out.truncate(items.len());
            }
            other => self.type_error(json_kind(other), "[]*v2.Maintainer", Some(ctx)),
        }
    }

    fn dependencies(&mut self, v: &Value, out: &mut Vec<Option<Dependency>>, ctx: &Ctx) {
        match v {
            Value::Nil => out.clear(),
            Value::List(items) => {
                let items = items.items();
                for (i, item) in items.iter().enumerate() {
                    if i == out.len() {
                        out.push(None);
                    }
                    match item {
                        Value::Nil => out[i] = None,
                        Value::Map(m) => {
                            let dep = out[i].get_or_insert_with(Dependency::default);
                            self.dependency(m, dep, ctx);
                        }
                        other => self.type_error(json_kind(other), "v2.Dependency", Some(ctx)),
                    }
                }
                out.truncate(items.len());
            }
            other => self.type_error(json_kind(other), "[]*v2.Dependency", Some(ctx)),
        }
    }

    /// Helm's `chart.Dependency` (v4.2.3 has no `depends-on` yet).
    fn dependency(&mut self, m: &crate::value::Map, dep: &mut Dependency, ctx: &Ctx) {
        const FIELDS: &[&str] = &[
            "name",
            "version",
            "repository",
            "condition",
            "tags",
            "enabled",
            "import-values",
            "alias",
        ];
        for (key, v) in m.entries() {
            let Some(f) = match_field(&key, FIELDS) else {
                continue;
            };
            let c = ctx.nested("Dependency", f);
            match f {
                "name" => self.string(&v, &mut dep.name, &c),
                "version" => self.string(&v, &mut dep.version, &c),
                "repository" => self.string(&v, &mut dep.repository, &c),
                "condition" => self.string(&v, &mut dep.condition, &c),
                "tags" => self.strings(&v, &mut dep.tags, &c),
                "enabled" => self.boolean(&v, &mut dep.enabled, &c),
                "import-values" => match &v {
                    // []interface{}: items are replaced whole.
                    Value::Nil => dep.import_values.clear(),
                    Value::List(items) => dep.import_values = items.items().to_vec(),
                    other => self.type_error(json_kind(other), "[]interface {}", Some(&c)),
                },
                _ => self.string(&v, &mut dep.alias, &c),
            }
        }
    }
}

/// A YAML number in a string field. sigs.k8s.io/yaml prints integers with
/// `FormatInt` and floats with `FormatFloat(f, 'g', -1, 32)`; an integral
/// value is taken for an integer (the YAML reader no longer tells them
/// apart).
fn number_to_string(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e18 {
        return format!("{}", f as i64);
    }
    format_float32_g(f)
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`: the shortest digits that
/// identify the float32, in `%e` form when the exponent is below -4 or at
/// least 6.
fn format_float32_g(f: f64) -> String {
    #[allow(clippy::cast_possible_truncation)] // Go converts to float32 too.
    let x = f as f32;
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "-1.2345e-7".
    let s = format!("{x:e}");
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.as_str()),
    };
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.unsigned_abs()));
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let int_len = usize::try_from(exp).unwrap_or(0) + 1;
        if digits.len() <= int_len {
            out.push_str(&digits);
            for _ in digits.len()..int_len {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    }
    out
}

/// The text `encoding/json` writes for a string (without the quotes);
/// `time.Time.UnmarshalJSON` parses that text unescaped.
fn json_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Go's `time.Parse(time.RFC3339, value)`, for its verdict and its error
/// text (`parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x"
/// as "2006"`), prefixed as sigs.k8s.io/yaml reports it.
fn go_parse_rfc3339(value: &str) -> Result<(), String> {
    const LAYOUT: &str = "2006-01-02T15:04:05Z07:00";
    let fail = |elem_value: &str, elem_layout: &str| {
        format!(
            "{JSON_PREFIX}parsing time {} as {}: cannot parse {} as {}",
            crate::funcs::gotime::go_time_quote(value),
            crate::funcs::gotime::go_time_quote(LAYOUT),
            crate::funcs::gotime::go_time_quote(elem_value),
            crate::funcs::gotime::go_time_quote(elem_layout)
        )
    };
    let range = |what: &str| {
        format!(
            "{JSON_PREFIX}parsing time {}: {what} out of range",
            crate::funcs::gotime::go_time_quote(value)
        )
    };
    let digit = |s: &[u8], i: usize| s.get(i).is_some_and(u8::is_ascii_digit);
    // getnum(s, fixed), on bytes (Go slices strings by byte).
    let getnum = |s: &[u8], fixed: bool| -> Option<(u32, usize)> {
        if !digit(s, 0) {
            return None;
        }
        if !digit(s, 1) {
            return if fixed {
                None
            } else {
                Some((u32::from(s[0] - b'0'), 1))
            };
        }
        Some((u32::from(s[0] - b'0') * 10 + u32::from(s[1] - b'0'), 2))
    };
    let literal = |s: &str, lit: char| -> Option<usize> { s.starts_with(lit).then_some(1) };

    let mut v = value;
    // 2006
    if v.len() < 4 || !v.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return Err(fail(v, "2006"));
    }
    let year: i32 = v[..4].parse().unwrap_or(0);
    v = &v[4..];
    let mut month = 0;
    let mut day = 0;
    for (lit, elem) in [
        ('-', "01"),
        ('-', "02"),
        ('T', "15"),
        (':', "04"),
        (':', "05"),
    ] {
        let Some(n) = literal(v, lit) else {
            return Err(fail(v, &lit.to_string()));
        };
        v = &v[n..];
        let (num, n) = getnum(v.as_bytes(), elem != "15").ok_or_else(|| fail(v, elem))?;
        v = &v[n..];
        match elem {
            "01" => {
                if !(1..=12).contains(&num) {
                    return Err(range("month"));
                }
                month = num;
            }
            "02" => day = num,
            "15" if num >= 24 => return Err(range("hour")),
            "04" if num >= 60 => return Err(range("minute")),
            "05" => {
                if num >= 60 {
                    return Err(range("second"));
                }
                // A fraction the layout does not have is still accepted.
                let b = v.as_bytes();
                if b.len() >= 2 && (b[0] == b'.' || b[0] == b',') && b[1].is_ascii_digit() {
                    let n = 1 + b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                    v = &v[n..];
                }
            }
            _ => {}
        }
    }
    // Z07:00
    if let Some(rest) = v.strip_prefix('Z') {
        v = rest;
    } else {
        let b = v.as_bytes();
        if b.len() < 6 || b[3] != b':' {
            return Err(fail(v, "Z07:00"));
        }
        let hh = getnum(&b[1..3], true);
        let mm = getnum(&b[4..6], true);
        let (Some((hh, _)), Some((mm, _))) = (hh, mm) else {
            return Err(fail(v, "Z07:00"));
        };
        if mm > 60 {
            return Err(range("time zone offset minute"));
        }
        if hh > 24 {
            return Err(range("time zone offset hour"));
        }
        if b[0] != b'+' && b[0] != b'-' {
            return Err(fail(v, "Z07:00"));
        }
        v = &v[6..];
    }
    if !v.is_empty() {
        return Err(format!(
            "{JSON_PREFIX}parsing time {}: extra text: {}",
            crate::funcs::gotime::go_time_quote(value),
            crate::funcs::gotime::go_time_quote(v)
        ));
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day < 1 || day > days {
        return Err(format!(
            "{JSON_PREFIX}parsing time {}: day out of range",
            crate::funcs::gotime::go_time_quote(value)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float32_formatting_is_go() {
        assert_eq!(format_float32_g(1.123456789), "1.1234568");
        assert_eq!(format_float32_g(1e7), "1e+07");
        assert_eq!(format_float32_g(1.2345678901234568e29), "1.2345679e+29");
        assert_eq!(format_float32_g(1.5), "1.5");
        assert_eq!(format_float32_g(0.0001), "0.0001");
        assert_eq!(format_float32_g(0.00001), "1e-05");
        assert_eq!(format_float32_g(123456.0), "123456");
        assert_eq!(format_float32_g(-2.5), "-2.5");
        assert_eq!(format_float32_g(f64::INFINITY), "+Inf");
        assert_eq!(number_to_string(10000000.0), "10000000");
        assert_eq!(number_to_string(1.10), "1.1");
    }

    #[test]
    fn fold_matching_is_encoding_json() {
        assert_eq!(match_field("NAME", &["name"]), Some("name"));
        assert_eq!(match_field("\u{17F}ources", &["sources"]), Some("sources"));
        assert_eq!(
            match_field("\u{212A}eywords", &["keywords"]),
            Some("keywords")
        );
        assert_eq!(match_field("names", &["name"]), None);
        assert_eq!(
            match_field("IMPORT-values", &["import-values"]),
            Some("import-values")
        );
    }

    #[test]
    fn rfc3339_errors_are_go() {
        let e = |s: &str| go_parse_rfc3339(s).unwrap_err().replace(JSON_PREFIX, "");
        assert!(go_parse_rfc3339("2023-01-02T03:04:05.123456789+01:00").is_ok());
        assert!(go_parse_rfc3339("2024-02-29T00:00:00Z").is_ok());
        assert_eq!(
            e("notatime"),
            r#"parsing time "notatime" as "2006-01-02T15:04:05Z07:00": cannot parse "notatime" as "2006""#
        );
        assert_eq!(
            e("2023-01-02"),
            r#"parsing time "2023-01-02" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T""#
        );
        assert_eq!(
            e("2023-13-02T03:04:05Z"),
            r#"parsing time "2023-13-02T03:04:05Z": month out of range"#
        );
        assert_eq!(
            e("2023-12-02T03:04:05Zxx"),
            r#"parsing time "2023-12-02T03:04:05Zxx": extra text: "xx""#
        );
        assert!(go_parse_rfc3339("2023-01-02T03:04:05\u{e9}0:00x").is_err());
        assert_eq!(
            e("2023-02-30T03:04:05Z"),
            r#"parsing time "2023-02-30T03:04:05Z": day out of range"#
        );
    }

    #[test]
    fn base_and_alias() {
        assert_eq!(go_base("a/"), "a");
        assert_eq!(go_base("/"), "/");
        assert_eq!(go_base("a\\b"), "a\\b");
        assert!(is_alias("A_b-9"));
        assert!(!is_alias("a.b"));
    }
}
