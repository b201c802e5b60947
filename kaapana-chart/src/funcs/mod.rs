//! The function library. (Being written.)
pub use crate::template::CallContext;

/// The error a template function returns.
#[derive(Debug, Clone)]
pub struct FuncError(pub String);

/// A function registry.
#[derive(Debug, Default, Clone)]
pub struct Functions {}
