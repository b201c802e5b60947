//! `kaapana-chart params CHART`: the `extension_params` a chart declares,
//! and the `--param`/`--globals` flags of `template` and `render`.

use std::path::Path;

use kaapana_chart::chart::coalesce::merge_user_values;
use kaapana_chart::chart::{loader, Chart};
use kaapana_chart::kaapana::params::{table, ExtensionParams, ParamKind, Submission};
use kaapana_chart::kaapana::release::is_multi_installable;
use kaapana_chart::{to_json, values_from_yaml, Error, ErrorKind, JsonStyle, Value};

/// Output format of `params`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum ParamsOutput {
    /// Aligned columns: key, type, default, choices, required, definition.
    Table,
    /// One JSON object (see `docs/kaapana-extension-params.md`).
    Json,
}

/// Runs `params CHART`: the text to print.
pub(crate) fn run(chart: &str, output: ParamsOutput) -> Result<String, Error> {
    let chart = loader::load(Path::new(chart))?;
    let params = ExtensionParams::from_chart(&chart)?;
    Ok(match output {
        ParamsOutput::Table => table(&params),
        ParamsOutput::Json => {
            let mut text = to_json(&describe(&chart, &params), JsonStyle::Pretty)?;
            text.push('\n');
            text
        }
    })
}

/// The JSON form of the listing.
fn describe(chart: &Chart, params: &ExtensionParams) -> Value {
    let opt = |s: &Option<String>| s.as_deref().map_or(Value::Nil, Value::from);
    let strings = |v: &[String]| Value::list(v.iter().map(|s| Value::from(s.as_str())).collect());
    let list: Vec<Value> = params
        .params()
        .iter()
        .map(|p| {
            let (default, choices) = match &p.kind {
                ParamKind::String { default } => (opt(default), Value::Nil),
                ParamKind::Bool { default } => {
                    (default.map_or(Value::Nil, Value::Bool), Value::Nil)
                }
                ParamKind::ListSingle { choices, default } => (opt(default), strings(choices)),
                ParamKind::ListMulti { choices, default } => (
                    default.as_deref().map_or(Value::Nil, strings),
                    strings(choices),
                ),
                _ => (Value::Nil, Value::Nil),
            };
            Value::from_iter([
                ("key", Value::from(p.key.as_str())),
                ("type", Value::from(p.type_name.as_str())),
                ("takes_value", Value::Bool(p.kind.takes_value())),
                ("default", default),
                ("choices", choices),
                ("required", Value::Bool(p.required)),
                ("definition", opt(&p.definition)),
                ("help", opt(&p.help)),
            ])
        })
        .collect();
    let variants: Vec<Value> = params
        .variants()
        .into_iter()
        .map(|v| Value::from(v.label))
        .collect();
    Value::from_iter([
        ("chart", Value::from(chart.metadata.name.as_str())),
        (
            "multi_installable",
            Value::Bool(is_multi_installable(chart)),
        ),
        (
            "suffix_param_key",
            params.suffix_param_key().map_or(Value::Nil, Value::from),
        ),
        ("params", Value::list(list)),
        ("variants", Value::list(variants)),
    ])
}

/// The user values with the extension parameters and the platform globals
/// of `--param`/`--globals` layered under them (the explicit `-f`/`--set`
/// values win). Without either flag, `user` is returned as it is.
pub(crate) fn with_params(
    chart: &Chart,
    params: &[String],
    globals: Option<&str>,
    user: Value,
) -> Result<Value, Error> {
    if params.is_empty() && globals.is_none() {
        return Ok(user);
    }
    let declared = ExtensionParams::from_chart(chart)?;
    let submission = Submission::from_params(params)?;
    let globals = match globals {
        Some(path) => {
            let bytes = super::read_input(path)?;
            values_from_yaml(&String::from_utf8_lossy(&bytes)).map_err(|e| {
                Error::new(
                    ErrorKind::Yaml,
                    format!("failed to parse {path}: {}", e.message()),
                )
            })?
        }
        None => Value::Nil,
    };
    let kaapana = declared.values_for(&submission, &globals)?;
    merge_user_values(&[kaapana, user])
}
