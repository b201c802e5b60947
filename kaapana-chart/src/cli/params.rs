//! `kaapana-chart params CHART`: the `extension_params` a chart declares,
//! and the `--param`/`--globals` flags of `template` and `render`.

use std::path::Path;

use kaapana_chart::chart::coalesce::merge_user_values;
use kaapana_chart::chart::{loader, Chart};
use kaapana_chart::kaapana::params::{table, ExtensionParams, Submission};
use kaapana_chart::{values_from_yaml, Error, ErrorKind, Value};

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
        ParamsOutput::Json => params.to_json(&chart)?,
    })
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
