//! The executor. (Being written.)
use crate::limits::Limits;

/// Options of a template set.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Go's `missingkey=error` (Helm's `--strict`).
    pub strict: bool,
    /// Resource limits.
    pub limits: Limits,
}

/// A set of parsed templates that can call each other.
#[derive(Debug, Default)]
pub struct TemplateSet {}

/// What a function sees of the running render.
#[derive(Debug)]
pub struct CallContext<'a> {
    _p: std::marker::PhantomData<&'a ()>,
}
