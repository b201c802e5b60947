//! Helm's render of a set of template files. (Being written.)

/// Renders template files the way Helm's engine does.
#[derive(Debug, Default, Clone)]
pub struct Engine {}

/// One template file to render.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// The full name, e.g. `mychart/templates/deployment.yaml`.
    pub name: String,
    /// The template text.
    pub source: String,
    /// The chart's templates folder, e.g. `mychart/templates`.
    pub base_path: String,
}
