//! # kaapana-chart
//!
//! A pure-Rust Helm chart engine: Go's `text/template` language, Sprig and
//! Helm's own functions, and Helm's value model, rendering byte for byte what
//! Helm renders.
//!
//! ```
//! use kaapana_chart::{Engine, TemplateFile, values_from_yaml, Value};
//!
//! let values = values_from_yaml("replicas: 3\nname: web\n").unwrap();
//! let root = Value::from_iter([("Values", values)]);
//! let files = [TemplateFile::new(
//!     "demo/templates/x.yaml",
//!     "name: {{ .Values.name }}\nreplicas: {{ .Values.replicas }}\n",
//!     "demo/templates",
//! )];
//! let out = Engine::new().render_templates(&files, &root).unwrap();
//! assert_eq!(out["demo/templates/x.yaml"], "name: web\nreplicas: 3\n");
//! ```
#![deny(missing_docs)]
// Untrusted charts must never panic the library: no unwrap, expect or
// panic outside tests (provably infallible spots carry a local allow with
// the reason).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod capabilities;
pub mod chart;
mod engine;
mod error;
pub mod files;
pub mod funcs;
pub mod kaapana;
pub mod limits;
pub mod manifest;
mod render;
mod template;
pub mod upload;
mod value;

pub use engine::{Engine, TemplateFile};
pub use error::{Error, ErrorKind, Result};
pub use funcs::{CallContext, FuncError, Functions};
pub use limits::Limits;
pub use render::{Release, Rendered};
pub use template::{Options, TemplateSet};
pub use value::{from_json, to_json, to_yaml, values_from_yaml, JsonStyle};
pub use value::{
    ElemType, Entries, EntriesIter, GoKind, GoType, List, Map, Object, Signature, Value,
};

/// Internals (lexer, parser, AST) for tests, benchmarks and fuzzing. Not a
/// stable API.
#[cfg(feature = "unstable_internals")]
pub mod internals {
    pub use crate::template::ast;
    pub use crate::template::{parse_file, ParseConfig};
}
