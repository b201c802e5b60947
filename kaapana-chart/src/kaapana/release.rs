//! Release names for extensions, as Kaapana installs and launches them.
//!
//! * An ordinary extension is installed once, as a release named after its
//!   chart (Kaapana's backend: `release_name = name`).
//! * A multi-installable extension (chart keyword
//!   [`MULTI_INSTALLABLE_KEYWORD`]; the UI shows "Launch") becomes a new
//!   release at every launch: `<chart>-<20 lowercase hex>` (Kaapana's
//!   `f"{name}-{secrets.token_hex(10)}"`), or, when the chart names a
//!   parameter in `suffix_param_key`, `<chart>-<that parameter's value>`.
//!
//! Kaapana's sources we could read show the random form only; where the
//! `suffix_param_key` is declared and how its value is cleaned up is our
//! design: a top-level `suffix_param_key: <param>` in `values.yaml` naming a
//! `string` or `list_single` parameter, its value lower-cased with every run
//! of other characters than `a-z`, `0-9` turned into one `-` (see
//! [`suffix_release_name`]); an empty value falls back to the random form.
//!
//! Every name is checked with Helm's rule ([`Release::validate_name`]:
//! DNS-1123 labels joined by dots, at most 53 characters), so a chart name
//! longer than 32 characters cannot be launched with the random suffix.
//! The random part comes from the caller's generator, so tests can seed it.
//!
//! ```
//! use kaapana_chart::kaapana::release::{random_suffix, seeded_rng};
//!
//! let a = random_suffix(&mut seeded_rng(7));
//! assert_eq!(a.len(), 20);
//! assert!(a.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
//! assert_eq!(a, random_suffix(&mut seeded_rng(7)));
//! ```

use rand_core::{RngCore, SeedableRng};

use crate::chart::Chart;
use crate::error::{Error, ErrorKind, Result};
use crate::kaapana::params::{ExtensionParams, Submission};
use crate::render::Release;

/// The `Chart.yaml` keyword that makes an extension multi-installable.
pub const MULTI_INSTALLABLE_KEYWORD: &str = "kaapanamultiinstallable";

/// Random bytes in a launched release's suffix (Kaapana's
/// `secrets.token_hex(10)`): 20 hex digits.
pub const RANDOM_SUFFIX_BYTES: usize = 10;

/// Whether `chart` is multi-installable (its keywords contain
/// [`MULTI_INSTALLABLE_KEYWORD`]; Kaapana compares whole keywords).
///
/// ```
/// use kaapana_chart::chart::Chart;
/// use kaapana_chart::kaapana::release::is_multi_installable;
///
/// let mut chart = Chart::default();
/// assert!(!is_multi_installable(&chart));
/// chart.metadata.keywords.push("kaapanamultiinstallable".into());
/// assert!(is_multi_installable(&chart));
/// ```
pub fn is_multi_installable(chart: &Chart) -> bool {
    chart
        .metadata
        .keywords
        .iter()
        .any(|k| k == MULTI_INSTALLABLE_KEYWORD)
}

/// A generator seeded with `seed` (ChaCha20), for reproducible names in
/// tests and tools. Production callers pass an OS-seeded generator such as
/// `rand_core::OsRng`.
///
/// ```
/// use kaapana_chart::kaapana::release::{random_suffix, seeded_rng};
/// assert_ne!(random_suffix(&mut seeded_rng(1)), random_suffix(&mut seeded_rng(2)));
/// ```
pub fn seeded_rng(seed: u64) -> rand_chacha::ChaCha20Rng {
    rand_chacha::ChaCha20Rng::seed_from_u64(seed)
}

/// [`RANDOM_SUFFIX_BYTES`] random bytes from `rng` as lowercase hex.
///
/// ```
/// use kaapana_chart::kaapana::release::{random_suffix, seeded_rng};
/// assert_eq!(random_suffix(&mut seeded_rng(0)).len(), 20);
/// ```
pub fn random_suffix<R: RngCore + ?Sized>(rng: &mut R) -> String {
    let mut bytes = [0u8; RANDOM_SUFFIX_BYTES];
    rng.fill_bytes(&mut bytes);
    let mut out = String::with_capacity(2 * RANDOM_SUFFIX_BYTES);
    for b in bytes {
        out.push(hex_digit(b >> 4));
        out.push(hex_digit(b & 0xf));
    }
    out
}

fn hex_digit(n: u8) -> char {
    char::from(b"0123456789abcdef"[usize::from(n & 0xf)])
}

/// `<chart>-<suffix>` with `suffix` cleaned for a release name: ASCII
/// lower-cased, every run of characters other than `a-z`/`0-9` turned into
/// one `-`, leading and trailing `-` dropped; then checked with Helm's rule.
///
/// ```
/// use kaapana_chart::kaapana::release::suffix_release_name;
/// assert_eq!(
///     suffix_release_name("custom-registry-chart", "REGISTRY_proj.a").unwrap(),
///     "custom-registry-chart-registry-proj-a"
/// );
/// assert!(suffix_release_name("c", "--").is_err());
/// ```
///
/// # Errors
///
/// [`ErrorKind::InvalidArgument`] if nothing is left of the suffix, or
/// Helm's `release name check failed: …` when the name breaks Helm's rule
/// (too long, or a chart name that is not a DNS label).
pub fn suffix_release_name(chart_name: &str, suffix: &str) -> Result<String> {
    let mut clean = String::with_capacity(suffix.len());
    for c in suffix.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            clean.push(c);
        } else if !clean.is_empty() && !clean.ends_with('-') {
            clean.push('-');
        }
    }
    let clean = clean.trim_end_matches('-');
    if clean.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("release name suffix {suffix:?} has no letters or digits"),
        ));
    }
    let name = format!("{chart_name}-{clean}");
    Release::validate_name(&name)?;
    Ok(name)
}

/// `<chart>-<20 random hex>`, checked with Helm's rule.
///
/// ```
/// use kaapana_chart::kaapana::release::{random_release_name, seeded_rng};
/// let name = random_release_name("jupyterlab-chart", &mut seeded_rng(3)).unwrap();
/// assert!(name.starts_with("jupyterlab-chart-"));
/// assert_eq!(name.len(), "jupyterlab-chart-".len() + 20);
/// ```
///
/// # Errors
///
/// Helm's `release name check failed: …` (a chart name longer than 32
/// characters leaves no room for the suffix).
pub fn random_release_name<R: RngCore + ?Sized>(chart_name: &str, rng: &mut R) -> Result<String> {
    let name = format!("{chart_name}-{}", random_suffix(rng));
    Release::validate_name(&name)?;
    Ok(name)
}

/// The release name Kaapana gives `chart` when a user installs or launches
/// it with `submission`: the chart name for an ordinary extension; for a
/// multi-installable one the `suffix_param_key` form when that parameter
/// has a non-empty value, else `<chart>-<20 hex>` from `rng`.
///
/// ```
/// use kaapana_chart::chart::Chart;
/// use kaapana_chart::kaapana::params::{ExtensionParams, Submission};
/// use kaapana_chart::kaapana::release::{release_name, seeded_rng};
/// use kaapana_chart::values_from_yaml;
///
/// let mut chart = Chart::default();
/// chart.metadata.name = "tensorboard-chart".into();
/// let none = ExtensionParams::default();
/// let name = release_name(&chart, &none, &Submission::new(), &mut seeded_rng(1)).unwrap();
/// assert_eq!(name, "tensorboard-chart");
///
/// chart.metadata.keywords = vec!["kaapanamultiinstallable".into()];
/// chart.values = values_from_yaml(
///     "suffix_param_key: display_name\nextension_params:\n  display_name: {type: string}\n",
/// ).unwrap();
/// let params = ExtensionParams::from_chart(&chart).unwrap();
/// let sub = Submission::new().with("display_name", "Run 1");
/// assert_eq!(
///     release_name(&chart, &params, &sub, &mut seeded_rng(1)).unwrap(),
///     "tensorboard-chart-run-1"
/// );
/// let random = release_name(&chart, &params, &Submission::new(), &mut seeded_rng(1)).unwrap();
/// assert_eq!(random.len(), "tensorboard-chart-".len() + 20);
/// ```
///
/// # Errors
///
/// An invalid submission (as [`ExtensionParams::resolve`]) or a name that
/// breaks Helm's rule ([`Release::validate_name`]'s message).
pub fn release_name<R: RngCore + ?Sized>(
    chart: &Chart,
    params: &ExtensionParams,
    submission: &Submission,
    rng: &mut R,
) -> Result<String> {
    let chart_name = chart.metadata.name.as_str();
    if !is_multi_installable(chart) {
        Release::validate_name(chart_name)?;
        return Ok(chart_name.to_owned());
    }
    if let Some(key) = params.suffix_param_key() {
        let resolved = params.resolve(submission)?;
        if let Some(suffix) = resolved.get(key).and_then(|v| v.as_str()) {
            if !suffix.is_empty() {
                return suffix_release_name(chart_name, suffix);
            }
        }
    }
    random_release_name(chart_name, rng)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values_from_yaml;

    fn chart(name: &str, multi: bool, values: &str) -> Chart {
        let mut c = Chart {
            values: values_from_yaml(values).unwrap(),
            ..Chart::default()
        };
        c.metadata.name = name.to_owned();
        if multi {
            c.metadata.keywords = vec![
                "kaapanaapplication".into(),
                MULTI_INSTALLABLE_KEYWORD.into(),
            ];
        }
        c
    }

    #[test]
    fn seeded_names_are_reproducible_and_differ_per_launch() {
        let c = chart("jupyterlab-chart", true, "a: 1\n");
        let p = ExtensionParams::from_chart(&c).unwrap();
        let mut rng = seeded_rng(42);
        let a = release_name(&c, &p, &Submission::new(), &mut rng).unwrap();
        let b = release_name(&c, &p, &Submission::new(), &mut rng).unwrap();
        assert_ne!(a, b, "each launch is a new release");
        let again = release_name(&c, &p, &Submission::new(), &mut seeded_rng(42)).unwrap();
        assert_eq!(a, again);
        let suffix = a.strip_prefix("jupyterlab-chart-").unwrap();
        assert_eq!(suffix.len(), 2 * RANDOM_SUFFIX_BYTES);
        assert!(suffix
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    }

    #[test]
    fn keyword_must_match_whole() {
        let mut c = chart("x", false, "a: 1\n");
        c.metadata.keywords = vec!["kaapanamultiinstallable-not".into()];
        assert!(!is_multi_installable(&c));
    }

    #[test]
    fn ordinary_extensions_keep_the_chart_name() {
        let c = chart("code-server-chart", false, "a: 1\n");
        let p = ExtensionParams::from_chart(&c).unwrap();
        assert_eq!(
            release_name(&c, &p, &Submission::new(), &mut seeded_rng(0)).unwrap(),
            "code-server-chart"
        );
        let bad = chart("Bad_Chart", false, "a: 1\n");
        let err = release_name(&bad, &p, &Submission::new(), &mut seeded_rng(0)).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("release name check failed: release name \"Bad_Chart\""));
    }

    #[test]
    fn random_form_length_limit_each_side() {
        // 53 = chart + '-' + 20 hex, so 32 characters of chart name fit.
        let fits = "c".repeat(32);
        assert_eq!(
            random_release_name(&fits, &mut seeded_rng(0))
                .unwrap()
                .len(),
            53
        );
        let too_long = "c".repeat(33);
        let err = random_release_name(&too_long, &mut seeded_rng(0)).unwrap_err();
        assert!(
            err.to_string().contains("must not be longer than 53"),
            "{err}"
        );
    }

    #[test]
    fn suffix_form() {
        let values = "suffix_param_key: scope\nextension_params:\n  scope: {type: list_single, value: [Service-Secret, Project-Secret], default: Service-Secret}\n";
        let c = chart("custom-registry-chart", true, values);
        let p = ExtensionParams::from_chart(&c).unwrap();
        assert_eq!(
            release_name(&c, &p, &Submission::new(), &mut seeded_rng(0)).unwrap(),
            "custom-registry-chart-service-secret"
        );
        assert_eq!(
            release_name(
                &c,
                &p,
                &Submission::new().with("scope", "Project-Secret"),
                &mut seeded_rng(0)
            )
            .unwrap(),
            "custom-registry-chart-project-secret"
        );
        // The submission is checked.
        assert!(release_name(
            &c,
            &p,
            &Submission::new().with("scope", "x"),
            &mut seeded_rng(0)
        )
        .is_err());
        assert_eq!(
            suffix_release_name("a", "  Hello,  World!! ").unwrap(),
            "a-hello-world"
        );
        assert_eq!(suffix_release_name("a", "ünï").unwrap(), "a-n");
        assert!(suffix_release_name("a", "__").is_err());
        // Length: 53 fits, 54 does not.
        assert_eq!(suffix_release_name("a", &"b".repeat(51)).unwrap().len(), 53);
        assert!(suffix_release_name("a", &"b".repeat(52)).is_err());
    }
}
